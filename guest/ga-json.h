/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ga-json.h - the little JSON the RCAR exchange needs: read members, write strings */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "ga-buf.h"

/* A slice of JSON text, not owned. */
typedef struct GaJson {
    const char *p;
    size_t len;
} GaJson;

/* Whether @text is exactly one JSON object (whitespace around it allowed), checked in
 * full: strings, escapes, nesting (at most 64 deep) and the characters of literals. */
bool ga_json_is_object(GaJson text);

/* The value of member @key of the object @object (the first one if it repeats);
 * false when @object is not a well-formed object or has no such member. */
bool ga_json_member(GaJson object, const char *key, GaJson *ret_value);

/* The decoded text of the JSON string @value (\uXXXX escapes as UTF-8), newly
 * allocated; NULL when @value is not a well-formed string or contains U+0000. */
char *ga_json_string(GaJson value);

/* Member @key of @object as a decoded string (ga_json_member + ga_json_string). */
char *ga_json_member_string(GaJson object, const char *key);

/* Append @text as a JSON string in the canonical form RCAR hashes (RFC 8785 for
 * strings: only '"', '\\' and control characters escaped, the short escapes where JSON
 * has them, else \u00xx in lowercase; everything else as UTF-8). */
void ga_json_append_string(GaBuf *out, const char *text);
