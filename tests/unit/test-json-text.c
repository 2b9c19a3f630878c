/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-json-text.c - json-c's parse errors in ccm's words; printed JSON made valid UTF-8 */
#include <string.h>

#include <glib.h>

#include "json-text.h"

/* No error code is described in json-c's words ("null expected", "continue", ...). */
static void test_error_text(void)
{
    for (int e = json_tokener_success; e <= json_tokener_error_size; e++) {
        const char *ours = ccm_json_error_text((enum json_tokener_error) e);
        const char *theirs = json_tokener_error_desc((enum json_tokener_error) e);
        g_test_message("%d: '%s' (json-c: '%s')", e, ours, theirs);
        g_assert_nonnull(ours);
        g_assert_cmpuint(strlen(ours), >, 8);
        g_assert_null(strstr(ours, theirs));
    }
    g_assert_cmpstr(ccm_json_error_text(json_tokener_continue), ==,
                    "the text ends inside a value: something is cut off or not closed");
    g_assert_cmpstr(ccm_json_error_text(json_tokener_error_parse_null), ==,
                    "a word that is not null");
}

/* The text json-c prints for a string with byte 0xff (a file name in Latin-1) is not
 * UTF-8; made valid, it parses back to the name with the byte as \xff. */
static void test_make_utf8(void)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "token", json_object_new_string("/tmp/caf\xe9-\xff.cbor"));
    json_object_object_add(o, "fine", json_object_new_string("d\xc3\xa9j\xc3\xa0 vu \\x41"));
    const char *raw = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    g_assert_false(g_utf8_validate(raw, -1, NULL));
    g_autofree char *text = ccm_json_text_make_utf8(raw);
    json_object_put(o);

    g_assert_true(g_utf8_validate(text, -1, NULL));
    g_assert_cmpstr(text, ==,
                    "{\"token\":\"\\/tmp\\/caf\\\\xe9-\\\\xff.cbor\","
                    "\"fine\":\"d\xc3\xa9j\xc3\xa0 vu \\\\x41\"}");
    enum json_tokener_error jerr = json_tokener_success;
    json_object *back = json_tokener_parse_verbose(text, &jerr);
    g_assert_nonnull(back);
    json_object *v = NULL;
    g_assert_true(json_object_object_get_ex(back, "token", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "/tmp/caf\\xe9-\\xff.cbor");
    json_object_put(back);

    /* Valid UTF-8 is left alone, truncated sequences are escaped byte by byte. */
    g_autofree char *same = ccm_json_text_make_utf8("[\"\xe2\x82\xac\"]");
    g_assert_cmpstr(same, ==, "[\"\xe2\x82\xac\"]");
    g_autofree char *cut = ccm_json_text_make_utf8("[\"\xe2\x82\"]");
    g_assert_cmpstr(cut, ==, "[\"\\\\xe2\\\\x82\"]");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-text/error-text", test_error_text);
    g_test_add_func("/json-text/make-utf8", test_make_utf8);
    return g_test_run();
}
