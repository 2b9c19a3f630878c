/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qemu-process.h - QEMU processes that outlive ccmd: spawning, identity, exit watching */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <gio/gio.h>

/* A process told apart from a later one with the same pid by its start time. */
typedef struct CcmProcessId {
    int64_t pid;
    uint64_t start_time;  /* /proc/PID/stat field 22 */
} CcmProcessId;

/* Reads the start time of @pid; FALSE if there is no such process. */
gboolean ccm_process_start_time(int64_t pid, uint64_t *ret);
/* Whether @id still names a live process (not a zombie, not a reused pid). */
bool ccm_process_alive(const CcmProcessId *id);

/**
 * ccm_qemu_spawn_async() - start QEMU detached from ccmd
 * @argv: QEMU's argv; "-daemonize -pidfile PIDFILE" are appended
 *
 * QEMU forks into the background once initialised, so it is not ccmd's child and keeps
 * running when ccmd stops. The task completes when QEMU has daemonized (or failed, with
 * QEMU's own message).
 */
void ccm_qemu_spawn_async(GPtrArray *argv, const char *pidfile, const char *peer,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer userdata);
gboolean ccm_qemu_spawn_finish(GAsyncResult *result, CcmProcessId *ret, GError **error);

/* Calls @func once when @id exits (a pidfd watch; works for non-children).
 * Returns the GSource id, or 0 if the process is already gone. */
guint ccm_process_watch(const CcmProcessId *id, GSourceFunc func, gpointer userdata);

/* SIGKILL, after checking @id is still that process. */
gboolean ccm_process_kill(const CcmProcessId *id);
