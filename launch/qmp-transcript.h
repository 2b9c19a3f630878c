/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qmp-transcript.h - a recorded QMP conversation (the .replies recordings, the caps cache) */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#define CCM_QMP_TRANSCRIPT_VERSION 1
/* Larger than any probe conversation (about 1 MiB with the schema). */
#define CCM_QMP_TRANSCRIPT_MAX_SIZE (64u << 20)

/*
 * File format: JSON objects, one per line. The first is a header
 * {"ccm-qmp-transcript": 1, "binary": ..., "size": ..., "mtime": ..., "accel": ...,
 * "recorded-by": ...}; then every QMP message in the order it crossed the socket:
 * the greeting, each request as sent ({"execute": ...}), and each reply or event as
 * received.
 */
typedef struct CcmQmpTranscript {
    char *path;              /* where it was loaded from, or NULL */
    json_object *header;
    GPtrArray *messages;     /* json_object, owned */
} CcmQmpTranscript;

CcmQmpTranscript *ccm_qmp_transcript_new(json_object *header);
void ccm_qmp_transcript_free(CcmQmpTranscript *transcript);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmQmpTranscript, ccm_qmp_transcript_free)

/* Appends a reference to @message. */
void ccm_qmp_transcript_add(CcmQmpTranscript *transcript, json_object *message);

gboolean ccm_qmp_transcript_save(const CcmQmpTranscript *transcript, const char *path,
                                 GError **error);
/* Errors name the file and line (G_IO_ERROR_INVALID_DATA for content). */
CcmQmpTranscript *ccm_qmp_transcript_load(const char *path, GError **error);

/* True for a message QEMU sent (greeting, reply, event), false for our requests. */
gboolean ccm_qmp_transcript_is_from_qemu(json_object *message);
