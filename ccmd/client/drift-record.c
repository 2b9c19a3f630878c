/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * drift-record.c - the drift ccmd reports in a Guest record, read and described
 *
 * ccmd's replies are checked here, in one place, before anything prints them: a Drift
 * member must have the documented shape, or the reply is refused as a protocol error.
 * "since" is a time like a Transition's: microseconds since the Unix epoch.
 */
#include <string.h>

#include "drift-record.h"
#include "varlink-client.h"

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *string_member(json_object *o, const char *key)
{
    json_object *v = member(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* @key of @o is a string, or (with @optional) null or absent. */
static gboolean check_string(json_object *o, const char *what, const char *key, gboolean optional,
                             GError **error)
{
    json_object *v = member(o, key);
    if ((v == NULL && optional) || json_object_is_type(v, json_type_string))
        return TRUE;
    g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                "ccmd's %s has %s '%s' where a %sstring is expected", what,
                v ? "a malformed" : "no", key, optional ? "null or a " : "");
    return FALSE;
}

static CcmDriftState state_from_string(const char *s)
{
    static const char *const names[] = { "drift", "missing", "refused" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (strcmp(s, names[i]) == 0)
            return (CcmDriftState) (CCM_GUEST_DRIFT_DRIFT + i);
    return CCM_GUEST_DRIFT_OTHER;
}

gboolean ccm_drift_record_read(json_object *guest, CcmDriftState *ret_state,
                              GError **error)
{
    json_object *d = member(guest, "drift");
    if (!d) {
        *ret_state = CCM_GUEST_DRIFT_NONE;
        return TRUE;
    }
    if (!json_object_is_type(d, json_type_object)) {
        g_set_error_literal(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                            "ccmd's Guest record has a drift that is not an object");
        return FALSE;
    }
    static const struct {
        const char *key;
        gboolean optional;
    } strings[] = { { "state", FALSE },
                    { "policy", FALSE },
                    { "old_measurement", TRUE },
                    { "new_measurement", TRUE } };
    for (size_t i = 0; i < G_N_ELEMENTS(strings); i++)
        if (!check_string(d, "Drift", strings[i].key, strings[i].optional, error))
            return FALSE;
    json_object *since = member(d, "since"), *inputs = member(d, "inputs");
    if (!json_object_is_type(since, json_type_int) || json_object_get_int64(since) < 0) {
        g_set_error_literal(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                            "ccmd's Drift has no 'since' time (a non-negative integer)");
        return FALSE;
    }
    if (!json_object_is_type(inputs, json_type_array)) {
        g_set_error_literal(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                            "ccmd's Drift has no 'inputs' list");
        return FALSE;
    }
    for (size_t i = 0; i < json_object_array_length(inputs); i++) {
        json_object *in = json_object_array_get_idx(inputs, i);
        if (!json_object_is_type(in, json_type_object) ||
            !check_string(in, "DriftInput", "input", FALSE, error) ||
            !check_string(in, "DriftInput", "path", FALSE, error) ||
            !check_string(in, "DriftInput", "old_sha256", TRUE, error) ||
            !check_string(in, "DriftInput", "new_sha256", TRUE, error)) {
            if (error && !*error)
                g_set_error_literal(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                                    "ccmd's Drift has an input that is not an object");
            return FALSE;
        }
    }
    *ret_state = state_from_string(string_member(d, "state"));
    return TRUE;
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

void ccm_drift_record_describe(json_object *guest, gboolean since_utc, GString *out)
{
    json_object *d = member(guest, "drift");
    const char *name = or_dash(string_member(guest, "name"));
    const char *platform = or_dash(string_member(guest, "platform"));
    if (!d) {
        g_string_append_printf(out, "%-20s %-8s none\n", name, platform);
        return;
    }
    gint64 since = json_object_get_int64(member(d, "since"));
    g_autoptr(GDateTime) t = since_utc ? g_date_time_new_from_unix_utc(since / G_USEC_PER_SEC)
                                       : g_date_time_new_from_unix_local(since / G_USEC_PER_SEC);
    g_autofree char *when = t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
    g_string_append_printf(out, "%-20s %-8s %s (policy %s, since %s)\n", name, platform,
                           string_member(d, "state"), string_member(d, "policy"), when);
    json_object *inputs = member(d, "inputs");
    for (size_t i = 0; i < json_object_array_length(inputs); i++) {
        json_object *in = json_object_array_get_idx(inputs, i);
        const char *old_sha = string_member(in, "old_sha256");
        const char *new_sha = string_member(in, "new_sha256");
        g_string_append_printf(out, "  %-12s %s\n  %-12s   sha256 %s -> %s\n",
                               string_member(in, "input"), string_member(in, "path"), "",
                               old_sha ? old_sha : "(none)", new_sha ? new_sha : "(gone)");
    }
    const char *old_m = string_member(d, "old_measurement");
    const char *new_m = string_member(d, "new_measurement");
    if (old_m || new_m)
        g_string_append_printf(out, "  %-12s %s\n  %-12s   -> %s\n", "measurement",
                               old_m ? old_m : "(not predicted)", "",
                               new_m ? new_m : "(not predicted)");
}
