/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* value-set.h - a guest's reference values as a table (name -> JSON text of a list) */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

/* An empty table; keys and values owned (g_free). */
GHashTable *ccm_value_set_new(void);
GHashTable *ccm_value_set_copy(GHashTable *values);

/* Same names, and the same text for each. */
bool ccm_value_set_equal(GHashTable *a, GHashTable *b);

/* name -> JSON list text holding the items of both tables for that name, sorted, without
 * duplicates (a value that is not a list counts as one item). */
GHashTable *ccm_value_set_union(GHashTable *a, GHashTable *b);

/* As stored: a JSON object of strings; and back (other members are skipped). */
json_object *ccm_value_set_to_json(GHashTable *values);
GHashTable *ccm_value_set_from_json(json_object *json);
