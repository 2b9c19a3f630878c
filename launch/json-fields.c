/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json-fields.c - strict reading of the JSON documents ccm-qemu-plugin writes */
#include <errno.h>
#include <string.h>

#include "json-fields.h"
#include "json-text.h"
#include "launch-plan.h"

json_object *ccm_json_fields_parse(const char *text, gsize size, const char *path,
                                   GError **error)
{
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, text, (int) size);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        json_object_put(root);
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: not a JSON document: %s", path,
                    jerr != json_tokener_success ? ccm_json_error_text(jerr) : "empty");
        return NULL;
    }
    if (!json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        ccm_json_fields_bad(error, path, "(top level)", "an object");
        return NULL;
    }
    return root;
}

gboolean ccm_json_fields_bad(GError **error, const char *where, const char *key,
                             const char *expected)
{
    g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s: \"%s\": expected %s",
                where, key, expected);
    return FALSE;
}

gboolean ccm_json_fields_uint(json_object *o, const char *key, const char *where, guint64 max,
                              guint64 *ret, GError **error)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) < 0 || (guint64) json_object_get_int64(v) > max)
        return ccm_json_fields_bad(error, where, key, "a number");
    *ret = (guint64) json_object_get_int64(v);
    return TRUE;
}

gboolean ccm_json_fields_hex(json_object *o, const char *key, const char *where, guint64 max,
                             guint64 *ret, GError **error)
{
    json_object *v;
    const char *s;
    char *end = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string) ||
        !g_str_has_prefix((s = json_object_get_string(v)), "0x") || !g_ascii_isxdigit(s[2]))
        return ccm_json_fields_bad(error, where, key,
                                   "a hexadecimal number as a string, e.g. \"0x25\"");
    errno = 0;
    guint64 x = g_ascii_strtoull(s + 2, &end, 16);
    if (errno || *end || x > max)
        return ccm_json_fields_bad(error, where, key,
                                   "a hexadecimal number as a string, e.g. \"0x25\"");
    *ret = x;
    return TRUE;
}

gboolean ccm_json_fields_bool(json_object *o, const char *key, const char *where, bool *ret,
                              GError **error)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_boolean))
        return ccm_json_fields_bad(error, where, key, "true or false");
    *ret = json_object_get_boolean(v);
    return TRUE;
}

gboolean ccm_json_fields_string(json_object *o, const char *key, const char *where, char **ret,
                                GError **error)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return ccm_json_fields_bad(error, where, key, "a string");
    *ret = g_strdup(json_object_get_string(v));
    return TRUE;
}

gboolean ccm_json_fields_digest(json_object *o, const char *key, size_t bytes,
                                const char *where, char **ret, GError **error)
{
    json_object *v;
    const char *s;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string) ||
        strlen((s = json_object_get_string(v))) != bytes * 2)
        return ccm_json_fields_bad(error, where, key,
                                   bytes == 32 ? "64 hex digits" : "96 hex digits");
    for (const char *p = s; *p; p++)
        if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
            return ccm_json_fields_bad(error, where, key, "lowercase hex digits");
    *ret = g_strdup(s);
    return TRUE;
}
