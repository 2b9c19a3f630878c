/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * swtpm.c - a throw-away software TPM (swtpm) for QEMU runs that need a TPM backend
 *
 * Used to read a TPM VM's ACPI files (acpi-dump-vtpm.c) and to rehearse OVMF's PEI phase
 * (pei-rehearsal.c). swtpm listens on a control socket; QEMU's emulator backend connects
 * there and hands swtpm its data channel.
 */
#include <unistd.h>

#include "swtpm.h"

/* swtpm's control socket exists: QEMU can connect. */
static gboolean wait_for_socket(const char *path, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline) {
        if (g_file_test(path, G_FILE_TEST_EXISTS))
            return TRUE;
        g_usleep(5000);
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                "swtpm did not open its socket %s within 10 s", path);
    return FALSE;
}

gboolean ccm_swtpm_start(CcmSwtpm *t, gboolean log_commands, GError **error)
{
    *t = (CcmSwtpm) { 0 };
    g_autofree char *swtpm = g_find_program_in_path("swtpm");
    if (!swtpm) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                            "swtpm is not installed: a TPM VM needs a TPM backend (package "
                            "swtpm)");
        return FALSE;
    }
    if (!(t->dir = g_dir_make_tmp("ccm-swtpm-XXXXXX", error)))
        return FALSE;
    t->state = g_build_filename(t->dir, "state", NULL);
    t->socket = g_build_filename(t->dir, "swtpm.sock", NULL);
    if (log_commands)
        t->log = g_build_filename(t->dir, "swtpm.log", NULL);
    if (g_mkdir_with_parents(t->state, 0700) < 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot create it", t->state);
        return FALSE;
    }
    g_autofree char *tpmstate = g_strdup_printf("dir=%s", t->state);
    g_autofree char *ctrl = g_strdup_printf("type=unixio,path=%s", t->socket);
    /* Level 20 logs every command in hex (level 5 and up adds libtpms's own lines). */
    g_autofree char *log = t->log ? g_strdup_printf("file=%s,level=20", t->log) : NULL;
    t->process = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                      G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                  error, swtpm, "socket", "--tpm2", "--tpmstate", tpmstate,
                                  "--ctrl", ctrl, log ? "--log" : NULL, log, NULL);
    return t->process && wait_for_socket(t->socket, error);
}

void ccm_swtpm_stop(CcmSwtpm *t)
{
    if (t->process) {
        g_subprocess_force_exit(t->process);
        (void) g_subprocess_wait(t->process, NULL, NULL);
        g_clear_object(&t->process);
    }
    if (t->dir) {
        g_autoptr(GDir) d = g_dir_open(t->state, 0, NULL);
        for (const char *n; d && (n = g_dir_read_name(d));) {
            g_autofree char *f = g_build_filename(t->state, n, NULL);
            (void) unlink(f);
        }
        (void) rmdir(t->state);
        (void) unlink(t->socket);
        if (t->log)
            (void) unlink(t->log);
        (void) rmdir(t->dir);
    }
    g_clear_pointer(&t->dir, g_free);
    g_clear_pointer(&t->state, g_free);
    g_clear_pointer(&t->socket, g_free);
    g_clear_pointer(&t->log, g_free);
}
