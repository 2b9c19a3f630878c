/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-snp-policy.c - SNP guest policy fields and validity */
#include <string.h>

#include <gio/gio.h>

#include "snp-policy.h"

static void test_decode(void)
{
    json_object *o = ccm_snp_policy_to_json(0x1B0103), *v;

    g_assert_true(json_object_object_get_ex(o, "format", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "ccm-snp-policy/1");
    g_assert_true(json_object_object_get_ex(o, "abi_major", &v));
    g_assert_cmpint(json_object_get_int(v), ==, 1);
    g_assert_true(json_object_object_get_ex(o, "abi_minor", &v));
    g_assert_cmpint(json_object_get_int(v), ==, 3);
    const char *on[] = { "smt", "debug", "single_socket" };
    const char *off[] = { "migrate_ma", "cxl_allow", "mem_aes_256_xts", "rapl_dis",
                          "ciphertext_hiding", "page_swap_disable" };
    for (size_t i = 0; i < G_N_ELEMENTS(on); i++) {
        g_assert_true(json_object_object_get_ex(o, on[i], &v));
        g_assert_true(json_object_get_boolean(v));
    }
    for (size_t i = 0; i < G_N_ELEMENTS(off); i++) {
        g_assert_true(json_object_object_get_ex(o, off[i], &v));
        g_assert_false(json_object_get_boolean(v));
    }
    g_assert_true(json_object_object_get_ex(o, "valid", &v));
    g_assert_true(json_object_get_boolean(v));
    json_object_put(o);
}

static void test_checks(void)
{
    g_auto(GStrv) p1 = NULL, w1 = NULL, p2 = NULL, w2 = NULL, p3 = NULL, w3 = NULL;

    g_assert_true(ccm_snp_policy_check(0x30000, &p1, &w1));
    g_assert_cmpuint(g_strv_length(p1), ==, 0);
    g_assert_false(ccm_snp_policy_check(0x10000, &p2, &w2));
    g_assert_nonnull(strstr(p2[0], "bit 17"));
    g_assert_false(ccm_snp_policy_check(0x4020000, &p3, &w3));
    g_assert_nonnull(strstr(p3[0], "63:26"));

    g_auto(GStrv) p4 = NULL, w4 = NULL;
    g_assert_true(ccm_snp_policy_check(0x60000, &p4, &w4)); /* migrate-ma: valid, KVM refuses */
    g_assert_cmpuint(g_strv_length(w4), ==, 1);
}

static void test_parse(void)
{
    uint64_t v = 0;
    g_autoptr(GError) error = NULL;

    g_assert_true(ccm_snp_policy_parse("0x30000", &v, NULL));
    g_assert_cmphex(v, ==, 0x30000);
    g_assert_true(ccm_snp_policy_parse("196608", &v, NULL));
    g_assert_cmphex(v, ==, 0x30000);
    g_assert_false(ccm_snp_policy_parse("0x", &v, &error));
    g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    g_assert_false(ccm_snp_policy_parse("-1", &v, NULL));
    g_assert_false(ccm_snp_policy_parse("0x1ffffffffffffffff", &v, NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/snp-policy/decode", test_decode);
    g_test_add_func("/snp-policy/checks", test_checks);
    g_test_add_func("/snp-policy/parse", test_parse);
    return g_test_run();
}
