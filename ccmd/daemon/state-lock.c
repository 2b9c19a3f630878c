/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * state-lock.c - one ccmd per state directory: an flock on STATE/ccmd.lock
 *
 * Theory of operation: two ccmds on one state directory would both drive the same
 * guests and overwrite each other's transitions (and the later one would take over the
 * socket). So ccmd takes an exclusive, non-blocking flock() on STATE/ccmd.lock before
 * it opens the database or the socket, and holds it until it exits; the kernel drops
 * it when the process dies, kill -9 included, so there is no stale lock to clean up.
 * The holder writes its pid into the file, only so that the refused ccmd can name it.
 * The descriptor is close-on-exec: a QEMU that outlives ccmd must not keep the lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "state-lock.h"

struct CcmStateLock {
    int fd;
};

CcmStateLock *ccm_state_lock_take(const char *state_dir, GError **error)
{
    g_autofree char *path = g_build_filename(state_dir, "ccmd.lock", NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot open %s: %s", path,
                    g_strerror(e));
        return NULL;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        close(fd);
        if (e != EWOULDBLOCK) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot lock %s: %s",
                        path, g_strerror(e));
            return NULL;
        }
        g_autofree char *text = NULL;
        (void) g_file_get_contents(path, &text, NULL, NULL);
        int64_t pid = text ? g_ascii_strtoll(g_strstrip(text), NULL, 10) : 0;
        g_autofree char *who = pid > 0 ? g_strdup_printf("pid %" G_GINT64_FORMAT, pid)
                                       : g_strdup("pid unknown");
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
                    "the state directory %s is in use by another ccmd (%s holds %s); "
                    "one ccmd per state directory", state_dir, who, path);
        return NULL;
    }
    char pid[32];
    int n = snprintf(pid, sizeof(pid), "%ld\n", (long) getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t) n, 0) != n) {
        int e = errno;
        close(fd);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot write our pid to %s: %s",
                    path, g_strerror(e));
        return NULL;
    }
    (void) fchmod(fd, 0600);
    CcmStateLock *lock = g_new0(CcmStateLock, 1);
    lock->fd = fd;
    return lock;
}

void ccm_state_lock_release(CcmStateLock *lock)
{
    if (!lock)
        return;
    close(lock->fd);
    g_free(lock);
}
