/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * daemon-config.c - ccmd.conf(5)
 *
 * The same key-file format and strictness as guest specs: unknown keys are errors.
 */
#include <string.h>

#include "daemon-config.h"
#include "keyfile.h"

void ccm_daemon_config_clear(CcmDaemonConfig *c)
{
    g_free(c->manager.state_dir);
    g_free(c->manager.runtime_dir);
    g_free(c->manager.reference_values);
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

gboolean ccm_daemon_config_load(const char *path, bool must_exist, CcmDaemonConfig *ret,
                                GError **error)
{
    CcmDaemonConfig c = { 0 };
    c.manager.stop_timeout_ms = 60000;
    c.manager.qmp_timeout_ms = 30000;
    c.manager.max_guests = 1024;

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
        guint64 v;
        if (!get_path(kf, "Manager", "StateDirectory", &c.manager.state_dir, error) ||
            !get_path(kf, "Manager", "RuntimeDirectory", &c.manager.runtime_dir, error) ||
            !get_path(kf, "Manager", "Socket", &c.socket, error) ||
            !get_seconds(kf, "Manager", "StopTimeoutSec", 3600, &c.manager.stop_timeout_ms,
                         error) ||
            !get_seconds(kf, "Manager", "QMPTimeoutSec", 3600, &c.manager.qmp_timeout_ms, error) ||
            !get_path(kf, "Registration", "ReferenceValuesFile", &c.manager.reference_values,
                      error) ||
            !ccm_keyfile_get(kf, "Manager", "MaxGuests", &e, error))
            goto fail;
        if (e) {
            if (!g_ascii_string_to_unsigned(e->value, 10, 1, 65536, &v, NULL)) {
                ccm_keyfile_set_error(error, kf, e, "'%s' is not a number from 1 to 65536",
                                      e->value);
                goto fail;
            }
            c.manager.max_guests = (guint) v;
        }
        if (!ccm_keyfile_get(kf, "Registration", "Backend", &e, error))
            goto fail;
        if (e && strcmp(e->value, "file") != 0) {
            ccm_keyfile_set_error(error, kf, e, "unknown backend '%s'; expected file", e->value);
            goto fail;
        }
        const char *const sections[] = { "Manager", "Registration", NULL };
        const char *const manager_keys[] = { "StateDirectory", "RuntimeDirectory", "Socket",
                                             "StopTimeoutSec", "QMPTimeoutSec", "MaxGuests",
                                             NULL };
        const char *const registration_keys[] = { "Backend", "ReferenceValuesFile", NULL };
        const char *const *const known[] = { manager_keys, registration_keys };
        if (!ccm_keyfile_check_unused(kf, sections, known, error))
            goto fail;
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
    *ret = c;
    return TRUE;

fail:
    ccm_daemon_config_clear(&c);
    return FALSE;
}
