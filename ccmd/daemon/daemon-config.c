/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * daemon-config.c - ccmd.conf(5)
 *
 * The same key-file format and strictness as guest specs: unknown keys are errors.
 */
#include <grp.h>
#include <string.h>

#include "daemon-config.h"
#include "kbs-admin.h"
#include "keyfile.h"

void ccm_daemon_config_clear(CcmDaemonConfig *c)
{
    g_free(c->manager.state_dir);
    g_free(c->manager.runtime_dir);
    g_free(c->manager.reference_values);
    ccm_kbs_config_clear(&c->manager.kbs);
    g_free(c->manager.host_id);
    g_strfreev(c->manager.allowed_qemu);
    g_free(c->manager.socket);
    g_free(c->manager.config_file);
    g_free(c->socket);
    memset(c, 0, sizeof(*c));
}

static gboolean get_path(CcmKeyfile *kf, const char *section, const char *key, char **field,
                         GError **error)
{
    CcmKeyfileEntry *e;
    if (!ccm_keyfile_get(kf, section, key, &e, error))
        return FALSE;
    if (!e)
        return TRUE;
    if (!g_path_is_absolute(e->value)) {
        ccm_keyfile_set_error(error, kf, e, "'%s' is not an absolute path", e->value);
        return FALSE;
    }
    g_free(*field);
    *field = g_strdup(e->value);
    return TRUE;
}

static gboolean get_string(CcmKeyfile *kf, const char *section, const char *key, char **field,
                           GError **error)
{
    CcmKeyfileEntry *e;
    if (!ccm_keyfile_get(kf, section, key, &e, error))
        return FALSE;
    if (e) {
        g_free(*field);
        *field = g_strdup(e->value);
    }
    return TRUE;
}

static gboolean get_bool(CcmKeyfile *kf, const char *section, const char *key, bool *field,
                         GError **error)
{
    CcmKeyfileEntry *e;
    if (!ccm_keyfile_get(kf, section, key, &e, error))
        return FALSE;
    if (!e)
        return TRUE;
    if (strcmp(e->value, "yes") == 0 || strcmp(e->value, "true") == 0 ||
        strcmp(e->value, "1") == 0)
        *field = true;
    else if (strcmp(e->value, "no") == 0 || strcmp(e->value, "false") == 0 ||
             strcmp(e->value, "0") == 0)
        *field = false;
    else {
        ccm_keyfile_set_error(error, kf, e, "'%s' is not yes or no", e->value);
        return FALSE;
    }
    return TRUE;
}

/* A whole number from @min to @max; @field keeps its default when the key is not set. */
static gboolean get_number(CcmKeyfile *kf, const char *section, const char *key, guint min,
                           guint max, unsigned *field, GError **error)
{
    CcmKeyfileEntry *e;
    guint64 v;
    if (!ccm_keyfile_get(kf, section, key, &e, error))
        return FALSE;
    if (!e)
        return TRUE;
    if (!g_ascii_string_to_unsigned(e->value, 10, min, max, &v, NULL)) {
        ccm_keyfile_set_error(error, kf, e, "'%s' is not a number from %u to %u", e->value, min,
                              max);
        return FALSE;
    }
    *field = (unsigned) v;
    return TRUE;
}

static gboolean get_count(CcmKeyfile *kf, const char *section, const char *key, guint max,
                          unsigned *field, GError **error)
{
    return get_number(kf, section, key, 0, max, field, error);
}

/* [Registration] keys of Backend=kbs. */
static gboolean get_kbs(CcmKeyfile *kf, CcmManagerConfig *m, GError **error)
{
    CcmKbsConfig *k = &m->kbs;
    CcmKeyfileEntry *e;
    unsigned timeout_s = 0;

    if (!get_string(kf, "Registration", "URL", &k->url, error) ||
        !get_path(kf, "Registration", "AdminKey", &k->admin_key, error) ||
        !get_path(kf, "Registration", "CAFile", &k->ca_file, error) ||
        !get_bool(kf, "Registration", "AllowInsecureHTTP", &k->allow_insecure_http, error) ||
        !get_string(kf, "Registration", "TrusteeVersion", &k->trustee_version, error) ||
        !get_string(kf, "Registration", "Role", &k->role, error) ||
        !get_string(kf, "Registration", "Issuer", &k->issuer, error) ||
        !get_string(kf, "Registration", "Audience", &k->audience, error) ||
        !get_string(kf, "Registration", "HostId", &m->host_id, error) ||
        !get_path(kf, "Registration", "PolicyDirectory", &k->policy_dir, error) ||
        !get_count(kf, "Registration", "Retries", 20, &k->retries, error) ||
        !get_count(kf, "Registration", "RetryDelayMSec", 60000, &k->backoff_ms, error) ||
        !get_count(kf, "Registration", "TimeoutSec", 600, &timeout_s, error) ||
        !ccm_keyfile_get(kf, "Registration", "Policies", &e, error))
        return FALSE;
    k->timeout_ms = timeout_s * 1000;
    if (e) {
        if (strcmp(e->value, "install") == 0)
            k->install_policies = true;
        else if (strcmp(e->value, "none") == 0)
            k->install_policies = false;
        else {
            ccm_keyfile_set_error(error, kf, e, "'%s' is not install or none", e->value);
            return FALSE;
        }
    }
    unsigned minor = 0;
    g_autoptr(GError) version_error = NULL;
    if (k->trustee_version &&
        !ccm_trustee_version_parse(k->trustee_version, &minor, &version_error)) {
        (void) ccm_keyfile_get(kf, "Registration", "TrusteeVersion", &e, NULL);
        ccm_keyfile_set_error(error, kf, e, "%s", version_error->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean get_seconds(CcmKeyfile *kf, const char *section, const char *key, guint max,
                            guint *field_ms, GError **error)
{
    CcmKeyfileEntry *e;
    guint64 v;
    if (!ccm_keyfile_get(kf, section, key, &e, error))
        return FALSE;
    if (!e)
        return TRUE;
    if (!g_ascii_string_to_unsigned(e->value, 10, 1, max, &v, NULL)) {
        ccm_keyfile_set_error(error, kf, e, "'%s' is not a number of seconds from 1 to %u",
                              e->value, max);
        return FALSE;
    }
    *field_ms = (guint) v * 1000;
    return TRUE;
}

/* [Manager] ClientGroup=: a group name or a numeric gid. */
static gboolean get_group(CcmKeyfile *kf, gid_t *field, GError **error)
{
    CcmKeyfileEntry *e;
    guint64 v;
    if (!ccm_keyfile_get(kf, "Manager", "ClientGroup", &e, error))
        return FALSE;
    if (!e)
        return TRUE;
    if (g_ascii_string_to_unsigned(e->value, 10, 0, G_MAXUINT32 - 1, &v, NULL)) {
        *field = (gid_t) v;
        return TRUE;
    }
    struct group *grp = getgrnam(e->value);
    if (!grp) {
        ccm_keyfile_set_error(error, kf, e, "'%s' is neither a group on this host nor a "
                              "numeric gid", e->value);
        return FALSE;
    }
    *field = grp->gr_gid;
    return TRUE;
}

/* [Manager] AllowedQEMU=: absolute paths, separated by spaces. */
static gboolean get_allowed_qemu(CcmKeyfile *kf, char ***field, GError **error)
{
    CcmKeyfileEntry *e;
    if (!ccm_keyfile_get(kf, "Manager", "AllowedQEMU", &e, error))
        return FALSE;
    if (!e)
        return TRUE;
    g_auto(GStrv) words = g_strsplit_set(e->value, " \t", -1);
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    for (char **w = words; *w; w++) {
        if (!**w)
            continue;
        if (!g_path_is_absolute(*w)) {
            ccm_keyfile_set_error(error, kf, e, "'%s' is not an absolute path", *w);
            return FALSE;
        }
        g_ptr_array_add(paths, g_canonicalize_filename(*w, NULL));
    }
    g_ptr_array_add(paths, NULL);
    g_strfreev(*field);
    *field = (char **) g_ptr_array_free(g_steal_pointer(&paths), FALSE);
    return TRUE;
}

gboolean ccm_daemon_config_load(const char *path, bool must_exist, CcmDaemonConfig *ret,
                                GError **error)
{
    CcmDaemonConfig c = { 0 };
    c.manager.stop_timeout_ms = 60000;
    c.manager.qmp_timeout_ms = 30000;
    c.manager.max_guests = 1024;
    c.manager.kbs.install_policies = true;
    c.manager.kbs.retries = 4;
    c.manager.kbs.backoff_ms = 500;
    struct group *ccmd_group = getgrnam("ccmd");
    c.manager.client_group = ccmd_group ? ccmd_group->gr_gid : (gid_t) -1;
    c.clients = CCM_VARLINK_LIMITS_DEFAULT;

    if (path && must_exist && !g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "%s: no such configuration file", path);
        return FALSE;
    }
    if (path && g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_autoptr(CcmKeyfile) kf = ccm_keyfile_load(path, error);
        if (!kf)
            return FALSE;
        CcmKeyfileEntry *e;
        if (!get_path(kf, "Manager", "StateDirectory", &c.manager.state_dir, error) ||
            !get_path(kf, "Manager", "RuntimeDirectory", &c.manager.runtime_dir, error) ||
            !get_path(kf, "Manager", "Socket", &c.socket, error) ||
            !get_seconds(kf, "Manager", "StopTimeoutSec", 3600, &c.manager.stop_timeout_ms,
                         error) ||
            !get_seconds(kf, "Manager", "QMPTimeoutSec", 3600, &c.manager.qmp_timeout_ms, error) ||
            !get_path(kf, "Registration", "ReferenceValuesFile", &c.manager.reference_values,
                      error) ||
            !get_group(kf, &c.manager.client_group, error) ||
            !get_allowed_qemu(kf, &c.manager.allowed_qemu, error) ||
            !get_count(kf, "Manager", "MaxClientsPerUser", 65536, &c.clients.max_per_uid,
                       error) ||
            !get_count(kf, "Manager", "ClientIdleTimeoutSec", 86400, &c.clients.idle_timeout_s,
                       error) ||
            !get_number(kf, "Manager", "MaxClients", 1, 65536, &c.clients.max_connections,
                        error) ||
            !get_number(kf, "Manager", "MaxGuests", 1, 65536, &c.manager.max_guests, error))
            goto fail;
        if (!ccm_keyfile_get(kf, "Registration", "Backend", &e, error))
            goto fail;
        if (e && strcmp(e->value, "kbs") == 0) {
            c.manager.use_kbs = true;
        } else if (e && strcmp(e->value, "file") != 0) {
            ccm_keyfile_set_error(error, kf, e, "unknown backend '%s'; expected file or kbs",
                                  e->value);
            goto fail;
        }
        if (!get_kbs(kf, &c.manager, error))
            goto fail;
        if (c.manager.use_kbs && !c.manager.kbs.url) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                        "%s: [Registration] Backend=kbs needs URL= (the broker's address)",
                        path);
            goto fail;
        }
        const char *const sections[] = { "Manager", "Registration", NULL };
        const char *const manager_keys[] = { "StateDirectory", "RuntimeDirectory", "Socket",
                                             "StopTimeoutSec", "QMPTimeoutSec", "MaxGuests",
                                             "ClientGroup", "AllowedQEMU",
                                             "MaxClients", "MaxClientsPerUser",
                                             "ClientIdleTimeoutSec", NULL };
        const char *const registration_keys[] = {
            "Backend", "ReferenceValuesFile", "URL", "AdminKey", "CAFile", "AllowInsecureHTTP",
            "TrusteeVersion", "Role", "Issuer", "Audience", "HostId", "Policies",
            "PolicyDirectory", "Retries", "RetryDelayMSec", "TimeoutSec", NULL,
        };
        const char *const *const known[] = { manager_keys, registration_keys };
        if (!ccm_keyfile_check_unused(kf, sections, known, error))
            goto fail;
        c.manager.config_file = g_canonicalize_filename(path, NULL);
    }

    /* systemd's StateDirectory=/RuntimeDirectory= export these. */
    const char *state = g_getenv("STATE_DIRECTORY");
    const char *runtime = g_getenv("RUNTIME_DIRECTORY");
    if (!c.manager.state_dir)
        c.manager.state_dir = g_strdup(state ? state : "/var/lib/ccmd");
    if (!c.manager.runtime_dir)
        c.manager.runtime_dir = g_strdup(runtime ? runtime : "/run/ccmd");
    if (!c.socket)
        c.socket = g_build_filename(c.manager.runtime_dir, "io.ccm.Manager", NULL);
    if (!c.manager.kbs.policy_dir)
        c.manager.kbs.policy_dir = g_strdup(CCM_POLICY_DIR);
    *ret = c;
    return TRUE;

fail:
    ccm_daemon_config_clear(&c);
    return FALSE;
}
