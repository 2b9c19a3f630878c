/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json-document.c - "format" first, then the members: the JSON documents ccm prints */
#include <string.h>

#include <glib.h>
#include <json-c/json_object_iterator.h>

#include "json-document.h"
#include "json-text.h"

json_object *ccm_json_document(const char *format, json_object *members)
{
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "format", json_object_new_string(format));
    /* json_object_object_foreach is a GNU statement expression: the iterator instead. */
    struct json_object_iterator it = json_object_iter_begin(members);
    struct json_object_iterator end = json_object_iter_end(members);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);
        g_assert(strcmp(key, "format") != 0);
        json_object_object_add(doc, key, json_object_get(json_object_iter_peek_value(&it)));
    }
    json_object_put(members);
    return doc;
}

char *ccm_json_document_text(json_object *doc, bool one_line)
{
    int flags = (one_line ? JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY) |
                JSON_C_TO_STRING_NOSLASHESCAPE;
    /* Strings that are not UTF-8 (file names) get \\xHH for their stray bytes: the text
     * stays valid JSON (json-text.h). */
    g_autofree char *text = ccm_json_text_make_utf8(json_object_to_json_string_ext(doc, flags));
    return g_strconcat(text, "\n", NULL);
}
