/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-value-set.c - reference value tables: equality, union, stored form (value-set.c) */
#include <glib.h>

#include "value-set.h"

static GHashTable *table(const char *const *pairs)
{
    GHashTable *t = ccm_value_set_new();
    for (size_t i = 0; pairs[i]; i += 2)
        g_hash_table_insert(t, g_strdup(pairs[i]), g_strdup(pairs[i + 1]));
    return t;
}

static void test_equal(void)
{
    const char *a[] = { "mr_td", "[\"aa\"]", "rtmr_1", "[\"bb\"]", NULL };
    const char *b[] = { "mr_td", "[\"aa\"]", "rtmr_1", "[\"cc\"]", NULL };
    const char *c[] = { "mr_td", "[\"aa\"]", NULL };
    g_autoptr(GHashTable) ta = table(a);
    g_autoptr(GHashTable) tb = table(b);
    g_autoptr(GHashTable) tc = table(c);
    g_autoptr(GHashTable) copy = ccm_value_set_copy(ta);
    g_autoptr(GHashTable) empty = ccm_value_set_new();

    g_assert_true(ccm_value_set_equal(ta, copy));
    g_assert_false(ccm_value_set_equal(ta, tb));
    g_assert_false(ccm_value_set_equal(ta, tc));
    g_assert_false(ccm_value_set_equal(tc, ta));
    g_assert_true(ccm_value_set_equal(empty, empty));
}

/* Each name's list holds both sides' items, sorted, once; names of one side only keep
 * their items; a value that is not a list is one item. */
static void test_union(void)
{
    const char *old[] = { "snp_launch_measurement", "[\"bb\"]", "mr_td", "[\"11\",\"22\"]",
                          "only_old", "[\"x\"]", NULL };
    const char *new[] = { "snp_launch_measurement", "[\"aa\"]", "mr_td", "[\"22\",\"00\"]",
                          "only_new", "\"y\"", NULL };
    g_autoptr(GHashTable) a = table(old);
    g_autoptr(GHashTable) b = table(new);
    g_autoptr(GHashTable) both = ccm_value_set_union(a, b);

    g_assert_cmpuint(g_hash_table_size(both), ==, 4);
    g_assert_cmpstr(g_hash_table_lookup(both, "snp_launch_measurement"), ==, "[\"aa\",\"bb\"]");
    g_assert_cmpstr(g_hash_table_lookup(both, "mr_td"), ==, "[\"00\",\"11\",\"22\"]");
    g_assert_cmpstr(g_hash_table_lookup(both, "only_old"), ==, "[\"x\"]");
    g_assert_cmpstr(g_hash_table_lookup(both, "only_new"), ==, "[\"y\"]");

    /* The union of a table with itself is itself. */
    g_autoptr(GHashTable) same = ccm_value_set_union(a, a);
    g_assert_cmpstr(g_hash_table_lookup(same, "mr_td"), ==, "[\"11\",\"22\"]");
}

static void test_json(void)
{
    const char *a[] = { "mr_td", "[\"aa\"]", "rtmr_2", "[\"bb\"]", NULL };
    g_autoptr(GHashTable) t = table(a);
    json_object *o = ccm_value_set_to_json(t);
    g_autoptr(GHashTable) back = ccm_value_set_from_json(o);
    json_object_put(o);
    g_assert_true(ccm_value_set_equal(t, back));

    json_object *odd = json_tokener_parse("{\"mr_td\": \"[\\\"aa\\\"]\", \"n\": 3}");
    g_autoptr(GHashTable) skipped = ccm_value_set_from_json(odd);
    json_object_put(odd);
    g_assert_cmpuint(g_hash_table_size(skipped), ==, 1);
    g_autoptr(GHashTable) none = ccm_value_set_from_json(NULL);
    g_assert_cmpuint(g_hash_table_size(none), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/value-set/equal", test_equal);
    g_test_add_func("/value-set/union", test_union);
    g_test_add_func("/value-set/json", test_json);
    return g_test_run();
}
