/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qemu-census.h - which QEMU processes run for which guest folder, found in /proc */
#pragma once

#include <stdint.h>

#include <glib.h>

/* The live processes (this uid, not zombies) that run QEMU for the guest folder @dir:
 * a "-pidfile DIR/qemu.pid" or a "path=DIR/qmp.sock" argument. A GArray of int64_t,
 * ascending; empty if none. */
GArray *ccm_qemu_census_folder(const char *dir);

/* Every guest folder under @guests_dir that such processes name: folder name ->
 * GArray of int64_t pids. */
GHashTable *ccm_qemu_census_all(const char *guests_dir);

/* The pid of the process holding the (POSIX record) lock of @pidfile, as QEMU does for
 * its whole life, provided the file names that same pid; 0 otherwise. */
int64_t ccm_qemu_pidfile_holder(const char *pidfile);

/* "1234, 1240" for an error message. */
char *ccm_qemu_census_format(const GArray *pids);

/* SIGKILLs @pids and waits (at most @timeout_ms) until none of them runs; FALSE if
 * one is still there then. */
gboolean ccm_qemu_census_end(const GArray *pids, guint timeout_ms);
