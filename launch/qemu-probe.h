/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qemu-probe.h - asking a QEMU binary what it can do, over QMP, with a cache */
#pragma once

#include <gio/gio.h>

#include "qemu-caps.h"
#include "qmp-transcript.h"

typedef struct CcmQemuProbeOptions {
    const char *cache_dir;     /* NULL: $CCM_QEMU_CAPS_CACHE, else $XDG_CACHE_HOME/ccm/qemu-caps */
    bool no_cache;             /* always probe, never read or write the cache */
    const char *accel;         /* NULL: kvm if /dev/kvm can be opened, else tcg */
} CcmQemuProbeOptions;

/**
 * ccm_qemu_probe_session() - the probe conversation over an already connected stream
 * @header: the transcript header (ownership taken)
 *
 * Sends, in a fixed order: query-version, query-qmp-schema, qom-list-types of the
 * confidential-guest-support implementations, qom-list-properties of each of them,
 * query-sev-capabilities (when the schema has it), query-machines,
 * query-cpu-definitions (likewise), and quit. Returns the whole conversation.
 */
CcmQmpTranscript *ccm_qemu_probe_session(GIOStream *stream, const char *peer,
                                         json_object *header, GError **error);

/*
 * ccm_qemu_binary_resolve() - the QEMU binary ccm probes and runs for @binary
 *
 * @binary as a path, or a name looked up on PATH; canonical and absolute. The probe, its
 * cache and the libvirt XML's <emulator> all use this one path. G_IO_ERROR_NOT_FOUND
 * when there is no such executable.
 */
char *ccm_qemu_binary_resolve(const char *binary, GError **error);

/* Starts @binary with -machine none and runs ccm_qemu_probe_session() on it. */
CcmQmpTranscript *ccm_qemu_probe_record(const char *binary, const CcmQemuProbeOptions *options,
                                        GError **error);

/* The capabilities of @binary: from the cache when its path, size and mtime match. */
CcmQemuCaps *ccm_qemu_probe(const char *binary, const CcmQemuProbeOptions *options,
                            GError **error);

/* ccm_qemu_probe() in a worker thread with its own main context, for callers on a main
 * loop: the probe's waits never run the caller's other callbacks. */
void ccm_qemu_probe_async(const char *binary, const CcmQemuProbeOptions *options,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer userdata);
CcmQemuCaps *ccm_qemu_probe_finish(GAsyncResult *result, GError **error);
