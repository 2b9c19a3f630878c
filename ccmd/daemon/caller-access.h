/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caller-access.h - could a Varlink caller open this file itself? */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <glib.h>

/* What ccmd lets a caller do (ccmd(8), AUTHORISATION). */
typedef enum CcmCallerClass {
    CCM_CALLER_READER,  /* anyone who reaches the socket: List, Status, Measure, Monitor */
    CCM_CALLER_MEMBER,  /* the client group: changes, with every path checked */
    CCM_CALLER_FULL,    /* root, or ccmd's own (non-root) user */
} CcmCallerClass;

/* A caller's credentials as the kernel gave them for its socket (borrowed groups). */
typedef struct CcmCaller {
    CcmCallerClass class;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    guint n_groups;
} CcmCaller;

typedef enum CcmAccess {
    CCM_ACCESS_READ = 1 << 0,
    CCM_ACCESS_WRITE = 1 << 1,
    CCM_ACCESS_CONNECT = 1 << 2,  /* a UNIX socket: write permission on it */
} CcmAccess;

/* Whether @caller is in group @gid (primary or supplementary). */
bool ccm_caller_in_group(const CcmCaller *caller, gid_t gid);

/**
 * ccm_caller_may_open() - whether @caller could open the file at @path for @access
 *
 * @path is resolved (symlinks too) to the file it names, and the caller needs search
 * permission on every folder above that file and the @access bits on the file itself.
 * On refusal, @ret_why says in a few words what the caller lacks ("cannot read it",
 * "cannot search /root", "it does not exist").
 */
bool ccm_caller_may_open(const CcmCaller *caller, const char *path, CcmAccess access,
                         char **ret_why);

/**
 * ccm_caller_may_create() - whether @caller could open @path for writing, creating it
 * if it does not exist: write on an existing file, or write and search permission on
 * the folder it would be created in. A dangling symlink is refused (QEMU would create
 * the file at the link's target, wherever that is).
 */
bool ccm_caller_may_create(const CcmCaller *caller, const char *path, char **ret_why);

/**
 * ccm_output_target() - the canonical path a file opened for writing at @path ends up
 * at: the file's real path if it exists, else the real path of its folder plus its
 * name. NULL (with @ret_why) if that cannot be told: a dangling symlink, a missing
 * folder.
 */
char *ccm_output_target(const char *path, char **ret_why);
