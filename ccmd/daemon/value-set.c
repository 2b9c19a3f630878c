/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * value-set.c - a guest's reference values as a table (name -> JSON text of a list)
 *
 * What ccm_guest_expected_values() gives and a registration backend takes, e.g.
 * "snp_launch_measurement" -> "[\"9a1e...\"]". The drift guard compares two of them and
 * registers their union: each name's list holds the old and the new values, so a broker
 * that tests membership accepts either.
 */
#include <string.h>

#include "value-set.h"

GHashTable *ccm_value_set_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

GHashTable *ccm_value_set_copy(GHashTable *values)
{
    GHashTable *copy = ccm_value_set_new();
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, values);
    while (g_hash_table_iter_next(&iter, &key, &value))
        g_hash_table_insert(copy, g_strdup(key), g_strdup(value));
    return copy;
}

json_object *ccm_value_set_to_json(GHashTable *values)
{
    json_object *o = json_object_new_object();
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, values);
    while (g_hash_table_iter_next(&iter, &key, &value))
        json_object_object_add(o, key, json_object_new_string(value));
    return o;
}

GHashTable *ccm_value_set_from_json(json_object *o)
{
    GHashTable *values = ccm_value_set_new();
    if (!o || !json_object_is_type(o, json_type_object))
        return values;
    struct json_object_iterator it = json_object_iter_begin(o);
    struct json_object_iterator end = json_object_iter_end(o);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        json_object *v = json_object_iter_peek_value(&it);
        if (json_object_is_type(v, json_type_string))
            g_hash_table_insert(values, g_strdup(json_object_iter_peek_name(&it)),
                                g_strdup(json_object_get_string(v)));
    }
    return values;
}

bool ccm_value_set_equal(GHashTable *a, GHashTable *b)
{
    if (g_hash_table_size(a) != g_hash_table_size(b))
        return false;
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, a);
    while (g_hash_table_iter_next(&iter, &key, &value))
        if (g_strcmp0(value, g_hash_table_lookup(b, key)) != 0)
            return false;
    return true;
}

static int compare_json_strings(const void *a, const void *b)
{
    return g_strcmp0(json_object_get_string(*(json_object *const *) a),
                     json_object_get_string(*(json_object *const *) b));
}

/* Adds the items of the JSON list @text to @list (no duplicates); a value that is not a
 * list is one item. */
static void merge_into(json_object *list, const char *text)
{
    json_object *v = json_tokener_parse(text);
    if (!v)
        return;
    bool is_list = json_object_is_type(v, json_type_array);
    size_t n = is_list ? json_object_array_length(v) : 1;
    for (size_t i = 0; i < n; i++) {
        json_object *item = is_list ? json_object_array_get_idx(v, i) : v;
        bool dup = false;
        for (size_t e = 0; e < json_object_array_length(list) && !dup; e++)
            dup = json_object_equal(item, json_object_array_get_idx(list, e));
        if (!dup)
            json_object_array_add(list, json_object_get(item));
    }
    json_object_put(v);
}

GHashTable *ccm_value_set_union(GHashTable *old, GHashTable *new)
{
    GHashTable *both = ccm_value_set_new();
    GHashTable *tables[] = { old, new };
    for (size_t t = 0; t < G_N_ELEMENTS(tables); t++) {
        GHashTableIter iter;
        gpointer key, value;
        g_hash_table_iter_init(&iter, tables[t]);
        while (g_hash_table_iter_next(&iter, &key, NULL)) {
            if (g_hash_table_contains(both, key))
                continue;
            json_object *list = json_object_new_array();
            if ((value = g_hash_table_lookup(old, key)))
                merge_into(list, value);
            if ((value = g_hash_table_lookup(new, key)))
                merge_into(list, value);
            json_object_array_sort(list, compare_json_strings);
            g_hash_table_insert(both, g_strdup(key),
                                g_strdup(json_object_to_json_string_ext(list,
                                                                        JSON_C_TO_STRING_PLAIN)));
            json_object_put(list);
        }
    }
    return both;
}
