/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* swtpm.h - a throw-away software TPM (swtpm) for QEMU runs that need a TPM backend */
#pragma once

#include <gio/gio.h>

typedef struct CcmSwtpm {
    char *dir;        /* private temporary folder */
    char *state;      /* DIR/state */
    char *socket;     /* DIR/swtpm.sock: QEMU's -chardev socket,path= */
    char *log;        /* DIR/swtpm.log with every TPM command, when asked for; else NULL */
    GSubprocess *process;
} CcmSwtpm;

/* Starts swtpm (TPM 2.0, fresh state) and waits for its control socket. @log_commands:
 * swtpm logs every command it receives in hex to t->log. */
gboolean ccm_swtpm_start(CcmSwtpm *t, gboolean log_commands, GError **error);

/* Stops it and removes its folder; @t may be half started. */
void ccm_swtpm_stop(CcmSwtpm *t);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CcmSwtpm, ccm_swtpm_stop)
