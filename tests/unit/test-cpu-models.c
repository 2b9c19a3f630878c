/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-cpu-models.c - QEMU EPYC model names to CPUID signatures */
#include <errno.h>

#include <glib.h>

#include "ccm/measure.h"

static void test_known(void)
{
    static const struct {
        const char *name;
        uint32_t sig;
    } cases[] = {
        { "EPYC", 0x00800F12 },       { "EPYC-v1", 0x00800F12 },     { "EPYC-v4", 0x00800F12 },
        { "EPYC-v5", 0x00800F12 },    { "EPYC-IBPB", 0x00800F12 },   { "EPYC-Rome", 0x00830F10 },
        { "EPYC-Rome-v5", 0x00830F10 }, { "EPYC-Milan", 0x00A00F11 }, { "EPYC-Milan-v2", 0x00A00F11 },
        { "EPYC-Genoa", 0x00A10F10 }, { "EPYC-Genoa-v2", 0x00A10F10 }, { "EPYC-Turin", 0x00B00F00 },
        { "EPYC-Turin-v1", 0x00B00F00 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint32_t sig = 0;
        g_assert_cmpint(ccm_vcpu_signature_from_model(cases[i].name, &sig), ==, 0);
        g_assert_cmphex(sig, ==, cases[i].sig);
    }
}

static void test_unknown(void)
{
    const char *names[] = { "", "epyc", "EPYC-", "EPYC-v0", "EPYC-v6", "EPYC-v01",
                            "EPYC-Rome-v6", "EPYC-Milanx", "EPYC-Milan-v", "EPYC-Milan-v+1",
                            "host", "EPYC-Turin-v3", "Skylake-Server" };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        uint32_t sig = 0xdeadbeef;
        g_assert_cmpint(ccm_vcpu_signature_from_model(names[i], &sig), ==, -ENOENT);
        g_assert_cmphex(sig, ==, 0xdeadbeef); /* untouched on failure */
    }
    g_assert_cmpint(ccm_vcpu_signature_from_model(NULL, NULL), ==, -EINVAL);
}

static void test_names(void)
{
    g_assert_cmpstr(ccm_vcpu_model_name(0), ==, "EPYC");
    g_assert_cmpstr(ccm_vcpu_model_name(4), ==, "EPYC-Turin");
    g_assert_null(ccm_vcpu_model_name(5));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu-models/known", test_known);
    g_test_add_func("/cpu-models/unknown", test_unknown);
    g_test_add_func("/cpu-models/names", test_names);
    return g_test_run();
}
