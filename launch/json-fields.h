/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-fields.h - strict reading of the JSON documents ccm-qemu-plugin writes (boot
 * manifests, execution maps): each wrong field is one CCM_LAUNCH_ERROR_INPUT error
 * "WHERE: "KEY": expected WHAT", WHERE naming the file (and the array element)
 */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

/* The document in @text, which must be an object; NULL with the error naming @path. */
json_object *ccm_json_fields_parse(const char *text, gsize size, const char *path,
                                   GError **error);

/* Sets "WHERE: "KEY": expected WHAT" and returns FALSE. */
gboolean ccm_json_fields_bad(GError **error, const char *where, const char *key,
                             const char *expected);

/* A number from 0 to @max. */
gboolean ccm_json_fields_uint(json_object *o, const char *key, const char *where, guint64 max,
                              guint64 *ret, GError **error);
/* A hexadecimal number written as a string ("0x25") from 0 to @max. */
gboolean ccm_json_fields_hex(json_object *o, const char *key, const char *where, guint64 max,
                             guint64 *ret, GError **error);
gboolean ccm_json_fields_bool(json_object *o, const char *key, const char *where, bool *ret,
                              GError **error);
gboolean ccm_json_fields_string(json_object *o, const char *key, const char *where, char **ret,
                                GError **error);
/* @bytes bytes as lowercase hex digits. */
gboolean ccm_json_fields_digest(json_object *o, const char *key, size_t bytes,
                                const char *where, char **ret, GError **error);
