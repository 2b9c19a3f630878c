/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json-text.c - json-c's parse errors in ccm's words; printed JSON made valid UTF-8 */
#include <string.h>

#include <glib.h>

#include "json-text.h"

const char *ccm_json_error_text(enum json_tokener_error jerr)
{
    switch (jerr) {
    case json_tokener_success:
        return "no JSON value";
    case json_tokener_continue:
    case json_tokener_error_parse_eof:
        return "the text ends inside a value: something is cut off or not closed";
    case json_tokener_error_depth:
        return "arrays and objects nested too deeply";
    case json_tokener_error_parse_unexpected:
        return "a character out of place";
    case json_tokener_error_parse_null:
        return "a word that is not null";
    case json_tokener_error_parse_boolean:
        return "a word that is not true or false";
    case json_tokener_error_parse_number:
        return "a malformed number";
    case json_tokener_error_parse_array:
        return "an array whose elements are not separated by ',' or closed by ']'";
    case json_tokener_error_parse_object_key_name:
        return "an object key that is not a string in double quotes";
    case json_tokener_error_parse_object_key_sep:
        return "an object key not followed by ':'";
    case json_tokener_error_parse_object_value_sep:
        return "an object member not followed by ',' or '}'";
    case json_tokener_error_parse_string:
        return "a malformed string (a bad escape or a control character)";
    case json_tokener_error_parse_comment:
        return "a malformed comment";
    case json_tokener_error_parse_utf8_string:
        return "a string that is not valid UTF-8";
    case json_tokener_error_size:
        return "a text too large to parse";
    default:
        return "text that is not JSON";
    }
}

char *ccm_json_text_make_utf8(const char *json)
{
    const char *end = NULL;
    if (g_utf8_validate(json, -1, &end))
        return g_strdup(json);
    GString *s = g_string_sized_new(strlen(json) + 16);
    const char *p = json;
    while (*p) {
        if (g_utf8_validate(p, -1, &end)) {
            g_string_append(s, p);
            break;
        }
        g_string_append_len(s, p, end - p);
        /* One byte that starts no valid sequence: "\\xHH" in the JSON text. */
        g_string_append_printf(s, "\\\\x%02x", (guint8) *end);
        p = end + 1;
    }
    return g_string_free(s, FALSE);
}
