/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec-authz.c - which guest specs a caller may add or start (ccmd(8), AUTHORISATION)
 *
 * Theory of operation: a guest spec makes ccmd read files (firmware, kernel, initrd,
 * DTB, signing keys: for the measurement and the launch) and makes QEMU, which runs
 * with ccmd's rights, read, write and create files (disks, the serial log) and execute
 * a binary. Without a check, whoever may add a guest acts with ccmd's rights. So:
 *
 *  - output rule, every caller, root too: a file QEMU writes or creates must not be
 *    inside ccmd's state or runtime folder, nor be its socket or configuration file
 *    (compared by canonical path, and by inode for hard links). These are ccmd's own
 *    files; a guest writing them corrupts ccmd (a truncated database loses every guest).
 *  - a member (the client group) gets nothing it could not do itself: each path in the
 *    spec must be one it could open with its own credentials for what will be done
 *    with it (caller-access.c), QEMU= must be a binary the admin listed in AllowedQEMU=
 *    (the platform's default binary is always allowed), and Network=tap is refused
 *    (QEMU with ccmd's rights could attach to any host tap interface).
 *  - a full caller (root, ccmd's own user) is trusted with its paths beyond the output
 *    rule: it could read them anyway.
 *
 * The check runs at Add, before ccmd reads or runs anything the spec names, and again
 * at Start for the caller of Start (a file may have changed, or another member may ask).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>

#include "spec-authz.h"

static gboolean refuse(GError **error, const CcmGuestSpec *spec, const char *section,
                       const char *key, const char *value, const CcmCaller *caller,
                       const char *why)
{
    g_autofree char *where = ccm_guest_spec_key_location(spec, section, key);
    g_autofree char *who = caller->class == CCM_CALLER_FULL
                               ? g_strdup("ccmd")
                               : g_strdup_printf("uid %u", (unsigned) caller->uid);
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s%s: %s %s", where,
                value ? value : "", who, why);
    return FALSE;
}

static bool same_file(const struct stat *st, const char *path)
{
    struct stat other;
    return path && stat(path, &other) == 0 && st->st_dev == other.st_dev &&
           st->st_ino == other.st_ino;
}

static bool inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0' || n == 1);
}

/* Why @path may not be written by QEMU for anyone, or NULL. */
static char *forbidden_output(const char *path, const CcmSpecAuthzPolicy *policy)
{
    g_autofree char *why = NULL;
    g_autofree char *target = ccm_output_target(path, &why);
    struct stat st;
    if (!target) {
        /* A dangling symlink could point anywhere once QEMU creates its target. A path
         * whose folder does not exist yet (an image store made before the start) is
         * judged as written; Start checks it again. */
        if (lstat(path, &st) == 0)
            return g_strdup_printf("cannot have QEMU write it: %s", why);
        target = g_strdup(path);
    }

    const char *dirs[] = { policy->state_dir, policy->runtime_dir };
    const char *names[] = { "state", "runtime" };
    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *real = ccm_output_target(dirs[i], &why);
        if ((real && inside(target, real)) || inside(target, dirs[i]))
            return g_strdup_printf("may not have QEMU write a file in ccmd's %s folder %s",
                                   names[i], dirs[i]);
    }
    g_autofree char *db = g_build_filename(policy->state_dir, "ccmd.db", NULL);
    if (stat(target, &st) == 0 &&
        (same_file(&st, policy->socket) || same_file(&st, policy->config_file) ||
         same_file(&st, db)))
        return g_strdup("may not have QEMU write ccmd's own socket, configuration or "
                        "database");
    if (g_strcmp0(target, policy->socket) == 0 || g_strcmp0(target, policy->config_file) == 0)
        return g_strdup("may not have QEMU write ccmd's own socket or configuration");
    return NULL;
}

static gboolean check_output(const CcmGuestSpec *spec, const char *section, const char *key,
                             const char *path, const CcmCaller *caller,
                             const CcmSpecAuthzPolicy *policy, GError **error)
{
    g_autofree char *why = forbidden_output(path, policy);
    if (why)
        return refuse(error, spec, section, key, path, caller, why);
    return TRUE;
}

/* A member must be able to open @path itself, for @access. */
static gboolean check_open(const CcmGuestSpec *spec, const char *section, const char *key,
                           const char *path, CcmAccess access, const CcmCaller *caller,
                           GError **error)
{
    g_autofree char *why = NULL;
    if (!path || caller->class == CCM_CALLER_FULL || ccm_caller_may_open(caller, path, access,
                                                                         &why))
        return TRUE;
    return refuse(error, spec, section, key, path, caller, why);
}

gboolean ccm_spec_authorize(const CcmGuestSpec *spec, const CcmCaller *caller,
                            const CcmSpecAuthzPolicy *policy, GError **error)
{
    bool member = caller->class != CCM_CALLER_FULL;

    if (caller->class == CCM_CALLER_READER) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                    "%s: uid %u may read but not change guests", spec->path,
                    (unsigned) caller->uid);
        return FALSE;
    }

    /* QEMU=: the binary runs with ccmd's rights. */
    if (member && spec->qemu &&
        !(policy->allowed_qemu &&
          g_strv_contains((const char *const *) policy->allowed_qemu, spec->qemu)))
        return refuse(error, spec, "Guest", "QEMU", spec->qemu, caller,
                      "may not name this QEMU binary: only root may, or the admin lists it "
                      "in ccmd.conf's [Manager] AllowedQEMU=");

    /* Files ccmd reads for the measurement and the launch. */
    const struct {
        const char *section, *key, *path;
    } inputs[] = {
        { "Guest", "Firmware", spec->firmware },  { "Guest", "Kernel", spec->kernel },
        { "Guest", "Initrd", spec->initrd },      { "CCA", "DTB", spec->cca.dtb },
        { "SEV-SNP", "IdKey", spec->snp.id_key }, { "SEV-SNP", "AuthorKey", spec->snp.author_key },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++)
        if (!check_open(spec, inputs[i].section, inputs[i].key, inputs[i].path,
                        CCM_ACCESS_READ, caller, error))
            return FALSE;

    for (guint i = 0; spec->disks && i < spec->disks->len; i++) {
        const CcmGuestDisk *d = spec->disks->pdata[i];
        CcmAccess access = CCM_ACCESS_READ | (d->readonly ? 0 : CCM_ACCESS_WRITE);
        if (!check_open(spec, "Guest", "Disk", d->path, access, caller, error) ||
            (!d->readonly && !check_output(spec, "Guest", "Disk", d->path, caller, policy, error)))
            return FALSE;
    }

    if (spec->serial_log) {
        g_autofree char *why = NULL;
        if (!check_output(spec, "Guest", "SerialLog", spec->serial_log, caller, policy, error))
            return FALSE;
        if (member && !ccm_caller_may_create(caller, spec->serial_log, &why))
            return refuse(error, spec, "Guest", "SerialLog", spec->serial_log, caller, why);
    }

    const char *qgs = spec->tdx.quote_generation_socket;
    if (qgs && !g_str_has_prefix(qgs, "vsock:") &&
        !check_open(spec, "TDX", "QuoteGenerationSocket", qgs, CCM_ACCESS_CONNECT, caller,
                    error))
        return FALSE;

    if (member && spec->network == CCM_NETWORK_TAP) {
        g_autofree char *value = g_strconcat("tap:", spec->network_ifname, NULL);
        return refuse(error, spec, "Guest", "Network", value, caller,
                      "may not attach a guest to a host tap interface (root only)");
    }
    return TRUE;
}
