/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qemu-caps.h - what one QEMU binary can do, as read from a probe transcript */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "qmp-transcript.h"

typedef struct CcmQemuCaps {
    char *source;               /* the transcript it came from, for messages */
    char *binary;
    char *accel;                /* accelerator the probe ran with */
    int major, minor, micro;
    char *package;
    GHashTable *commands;       /* QMP command names */
    GHashTable *cc_types;       /* confidential-guest object type -> (property -> type) */
    GHashTable *machines;       /* machine names and aliases */
    GHashTable *cpu_models;     /* -cpu names */
    bool sev_capabilities;      /* query-sev-capabilities answered */
    uint32_t cbitpos;
    uint32_t reduced_phys_bits;
    char *sev_capabilities_error;  /* QEMU's reason when it did not */
} CcmQemuCaps;

void ccm_qemu_caps_free(CcmQemuCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmQemuCaps, ccm_qemu_caps_free)

/* Errors name the transcript and the reply of the wrong shape (G_IO_ERROR_INVALID_DATA). */
CcmQemuCaps *ccm_qemu_caps_from_transcript(const CcmQmpTranscript *transcript, GError **error);

/* "7.2.22" */
char *ccm_qemu_caps_version_string(const CcmQemuCaps *caps);
bool ccm_qemu_caps_version_at_least(const CcmQemuCaps *caps, int major, int minor);
bool ccm_qemu_caps_has_command(const CcmQemuCaps *caps, const char *command);
bool ccm_qemu_caps_has_type(const CcmQemuCaps *caps, const char *type);
bool ccm_qemu_caps_has_property(const CcmQemuCaps *caps, const char *type, const char *property);
bool ccm_qemu_caps_has_machine(const CcmQemuCaps *caps, const char *machine);
bool ccm_qemu_caps_has_cpu_model(const CcmQemuCaps *caps, const char *model);
