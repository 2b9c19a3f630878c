/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * private-dir.c - ccmd's folders with the modes ccmd means, whatever the umask
 *
 * Theory of operation: ccmd's state (the database: guests, specs, reference values)
 * and runtime folders (QMP sockets and pid files) are ccmd's alone. ccmd.service sets
 * UMask=0077, but ccmd run by hand inherits the shell's umask, so ccmd sets umask 0077
 * itself and, on top, gives every folder it creates an explicit mode with chmod() (a
 * mkdir() mode is filtered by the umask). A folder that exists already with wider
 * permissions, from an older ccmd, is narrowed -- if we own it; somebody else's folder
 * is left alone. Modes are only ever narrowed here, never widened.
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "private-dir.h"

static gboolean narrow(const char *path, mode_t mode, bool is_dir, GError **error)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        int e = errno;
        if (!is_dir && e == ENOENT)
            return TRUE;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot read %s: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    if (is_dir && !S_ISDIR(st.st_mode)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                    "%s exists but is not a folder", path);
        return FALSE;
    }
    if ((st.st_mode & 07777 & ~mode) == 0 || st.st_uid != geteuid())
        return TRUE;
    if (chmod(path, st.st_mode & 07777 & mode) < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
                    "cannot narrow %s to mode %04o: %s", path, (unsigned) mode, g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

gboolean ccm_private_dir(const char *path, mode_t mode, GError **error)
{
    g_autofree char *parent = g_path_get_dirname(path);
    if (g_mkdir_with_parents(parent, 0700) < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot create %s: %s",
                    parent, g_strerror(e));
        return FALSE;
    }
    if (mkdir(path, 0700) == 0) {
        if (chmod(path, mode) < 0) {
            int e = errno;
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
                        "cannot give %s mode %04o: %s", path, (unsigned) mode, g_strerror(e));
            return FALSE;
        }
        return TRUE;
    }
    if (errno != EEXIST) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot create %s: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    return narrow(path, mode, true, error);
}

gboolean ccm_private_file(const char *path, GError **error)
{
    return narrow(path, 0600, false, error);
}
