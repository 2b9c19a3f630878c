/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * caller-access.c - could a Varlink caller open this file itself?
 *
 * Theory of operation: ccmd runs with more rights than most of its callers (root, or a
 * ccmd user that owns the state), and it, or the QEMU it starts, opens the files a
 * guest spec names. Before it does so for a caller who is not fully trusted, it asks
 * whether that caller could open the file with its own credentials (the uid, primary
 * gid and supplementary groups the kernel recorded for its socket). The answer is the
 * classic POSIX evaluation, done here rather than by the kernel (ccmd does not switch
 * credentials): the path is resolved to its real location with realpath(3), then the
 * caller needs search (x) permission on every folder from / down to the file, and the
 * requested bits on the file: owner bits if it owns the file, else group bits if it is
 * in the file's group, else the other bits. ACLs and capabilities are not consulted, so
 * the answer may be "no" where an ACL would have said yes, never the other way round.
 * Checking the real path and not the route the caller wrote is on purpose: a symlink
 * grants nothing; the caller must be able to reach the target by its own real path.
 *
 * The check is made on the path, and the file is opened later by path (by ccmd or by
 * QEMU), so a caller who can rename things in a folder on the way could swap a file in
 * between; ccmd(8) says so.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caller-access.h"

bool ccm_caller_in_group(const CcmCaller *c, gid_t gid)
{
    if (c->gid == gid)
        return true;
    for (guint i = 0; i < c->n_groups; i++)
        if (c->groups[i] == gid)
            return true;
    return false;
}

/* The rwx bits of @st that apply to @c, as a 0..7 value. */
static unsigned applicable_bits(const CcmCaller *c, const struct stat *st)
{
    if (st->st_uid == c->uid)
        return (st->st_mode >> 6) & 7;
    if (ccm_caller_in_group(c, st->st_gid))
        return (st->st_mode >> 3) & 7;
    return st->st_mode & 7;
}

static bool may_search(const CcmCaller *c, const char *dir, char **ret_why)
{
    struct stat st;
    if (stat(dir, &st) < 0) {
        *ret_why = g_strdup_printf("cannot look at %s: %s", dir, g_strerror(errno));
        return false;
    }
    if (!(applicable_bits(c, &st) & 1)) {
        *ret_why = g_strdup_printf("cannot search the folder %s", dir);
        return false;
    }
    return true;
}

/* Search permission on every folder of the absolute, canonical @dir, itself included:
 * "/", then "/a", "/a/b", ... */
static bool may_search_down_to(const CcmCaller *c, const char *dir, char **ret_why)
{
    size_t len = strlen(dir);

    if (!may_search(c, "/", ret_why))
        return false;
    for (size_t i = 1; i <= len; i++) {
        if (i < len && dir[i] != '/')
            continue;
        g_autofree char *prefix = g_strndup(dir, i);
        if (len > 1 && !may_search(c, prefix, ret_why))
            return false;
    }
    return true;
}

static char *real_path(const char *path, char **ret_why)
{
    char *real = realpath(path, NULL);
    if (!real) {
        int e = errno;
        *ret_why = e == ENOENT ? g_strdup("it does not exist")
                               : g_strdup_printf("cannot resolve it: %s", g_strerror(e));
        return NULL;
    }
    g_autofree char *copy = g_strdup(real);
    free(real);
    return g_steal_pointer(&copy);
}

static bool may_use_file(const CcmCaller *c, const char *real, CcmAccess access, char **ret_why)
{
    g_autofree char *dir = g_path_get_dirname(real);
    struct stat st;

    if (!may_search_down_to(c, dir, ret_why))
        return false;
    if (stat(real, &st) < 0) {
        *ret_why = g_strdup_printf("cannot look at it: %s", g_strerror(errno));
        return false;
    }
    unsigned bits = applicable_bits(c, &st);
    if ((access & CCM_ACCESS_READ) && !(bits & 4)) {
        *ret_why = g_strdup("cannot read it");
        return false;
    }
    if ((access & CCM_ACCESS_CONNECT) && !S_ISSOCK(st.st_mode)) {
        *ret_why = g_strdup("it is not a UNIX socket");
        return false;
    }
    if ((access & (CCM_ACCESS_WRITE | CCM_ACCESS_CONNECT)) && !(bits & 2)) {
        *ret_why = g_strdup((access & CCM_ACCESS_CONNECT) ? "cannot connect to it"
                                                            : "cannot write it");
        return false;
    }
    return true;
}

bool ccm_caller_may_open(const CcmCaller *c, const char *path, CcmAccess access,
                         char **ret_why)
{
    g_autofree char *real = real_path(path, ret_why);
    return real && may_use_file(c, real, access, ret_why);
}

char *ccm_output_target(const char *path, char **ret_why)
{
    struct stat st;

    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode) && stat(path, &st) < 0) {
            *ret_why = g_strdup("it is a symlink to a file that does not exist");
            return NULL;
        }
        return real_path(path, ret_why);
    }
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *why = NULL;
    g_autofree char *real_dir = real_path(dir, &why);
    if (!real_dir) {
        *ret_why = g_strdup_printf("its folder %s: %s", dir, why);
        return NULL;
    }
    return g_build_filename(real_dir, base, NULL);
}

bool ccm_caller_may_create(const CcmCaller *c, const char *path, char **ret_why)
{
    g_autofree char *target = ccm_output_target(path, ret_why);
    struct stat st;

    if (!target)
        return false;
    if (stat(target, &st) == 0)
        return may_use_file(c, target, CCM_ACCESS_WRITE, ret_why);
    g_autofree char *dir = g_path_get_dirname(target);
    if (!may_search_down_to(c, dir, ret_why))
        return false;
    if (stat(dir, &st) < 0 || !(applicable_bits(c, &st) & 2)) {
        *ret_why = g_strdup_printf("cannot create files in the folder %s", dir);
        return false;
    }
    return true;
}
