/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-boot-records.c - reading ccm-qemu-plugin's manifest and map: every wrong shape is
 * one error naming the file and the key; the map's picture marks what was flagged
 */
#include <string.h>

#include "boot-manifest.h"
#include "exec-map.h"

#define SHA256 "\"8620862ff8ffec9fe564de3473f7214cd48e92f3dac93e253f4c4d695bff7baf\""
#define SHA384 "\"f99d41fb65648f77f1101bca9911f3e273cea10526e54681219381403eb6c5e3057151e54a4d12d270180320932be23d\""
#define ITEM "{ \"key\": \"0x15\", \"name\": \"cmdline_data\", \"size\": 4, \"read\": 4, " \
             "\"via\": \"dma\", \"sha256\": " SHA256 ", \"sha384\": " SHA384 " }"
#define MANIFEST(items) "{ \"format\": \"ccm-boot-manifest\", \"version\": 1, \"plugin_api\": 7, " \
                        "\"vcpus\": 2, \"cpuid_signature\": \"0x00a00f11\", \"firmware\": null, " \
                        "\"platform_setup\": [ { \"port\": \"0xcf8\", \"size\": 4, " \
                        "\"value\": \"0x80000060\" } ], \"fw_cfg\": [" items "] }"

static void expect_manifest_error(const char *text, const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmBootManifest) m = ccm_boot_manifest_parse(text, strlen(text), "m.json", &error);
    g_assert_null(m);
    g_assert_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT);
    g_test_message("%s", error->message);
    g_assert_true(g_str_has_prefix(error->message, "m.json"));
    g_assert_nonnull(strstr(error->message, needle));
}

static void test_manifest(void)
{
    g_autoptr(GError) error = NULL;
    const char *good = MANIFEST(ITEM);
    g_autoptr(CcmBootManifest) m = ccm_boot_manifest_parse(good, strlen(good), "m.json", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(m->vcpus, ==, 2);
    g_assert_true(m->has_cpuid_signature);
    g_assert_cmphex(m->cpuid_signature, ==, 0x00a00f11);
    g_assert_false(m->has_firmware);
    g_assert_cmpuint(m->platform_setup->len, ==, 1);
    const CcmBootItem *i = ccm_boot_manifest_item(m, "cmdline_data");
    g_assert_nonnull(i);
    g_assert_cmpuint(i->key, ==, 0x15);
    g_assert_null(ccm_boot_manifest_item(m, "etc/boot/kernel"));

    expect_manifest_error("{", "not a JSON document");
    expect_manifest_error("[]", "expected an object");
    expect_manifest_error("{ \"format\": \"other\" }", "\"format\"");
    expect_manifest_error("{ \"format\": \"ccm-boot-manifest\", \"version\": 2 }", "version");
    g_autofree char *bad_sha = g_strdup(good);
    *strstr(bad_sha, "8620862f") = 'X';
    expect_manifest_error(bad_sha, "fw_cfg[0]: \"sha256\": expected lowercase hex digits");
    expect_manifest_error(MANIFEST("{ \"key\": 21 }"), "fw_cfg[0]: \"key\"");
    g_autofree char *bad_setup = g_strdup(good);
    memcpy(strstr(bad_setup, "\"size\": 4, \"value\""), "\"size\": 3", 9);
    expect_manifest_error(bad_setup, "platform_setup[0]");
}

#define MAP(executed) "{ \"format\": \"ccm-exec-map\", \"version\": 1, \"plugin_api\": 4, " \
                      "\"platform\": \"sev-snp\", \"stopped\": \"kernel\", \"firmware\": " \
                      "{ \"base\": \"0xffc00000\", \"size\": 4194304 }, \"regions\": [ " \
                      "{ \"start\": \"0xffc00000\", \"end\": \"0x100000000\", \"kind\": " \
                      "\"measured\", \"source\": \"firmware\", \"covered\": false } ], " \
                      "\"executed\": [" executed "] }"
#define RAN(start, end, kind, flagged) "{ \"start\": \"" start "\", \"end\": \"" end "\", " \
                                       "\"kind\": \"" kind "\", \"source\": \"opt/p\", " \
                                       "\"covered\": false, \"flagged\": " flagged " }"

static void expect_map_error(const char *text, const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmExecMap) m = ccm_exec_map_parse(text, strlen(text), "map.json", &error);
    g_assert_null(m);
    g_assert_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, needle));
}

static void test_map(void)
{
    g_autoptr(GError) error = NULL;
    const char *good = MAP(RAN("0x100000", "0x102000", "host-written", "true") ", "
                           RAN("0xfffff000", "0x100000000", "measured", "false"));
    g_autoptr(CcmExecMap) m = ccm_exec_map_parse(good, strlen(good), "map.json", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(m->executed_pages, ==, 3);
    g_assert_cmpuint(m->flagged_pages, ==, 2);
    g_assert_cmpuint(ccm_exec_map_pages(m, "measured"), ==, 1);
    g_autofree char *svg = ccm_exec_map_svg(m);
    g_assert_true(g_str_has_prefix(svg, "<svg "));
    g_assert_nonnull(strstr(svg, "#d62728"));
    g_assert_nonnull(strstr(svg, "flagged: 0x100000-0x102000 ran host-written bytes from opt/p"));

    expect_map_error("{ \"format\": \"ccm-boot-manifest\" }", "\"format\"");
    expect_map_error(MAP(RAN("0x100001", "0x102000", "guest-written", "false")),
                     "executed[0]: \"end\": expected a page-aligned range");
    expect_map_error(MAP(RAN("0x100000", "0x102000", "someone", "false")),
                     "executed[0]: \"kind\": expected one of measured, guest-written");
    expect_map_error(MAP(RAN("0x100000", "0x102000", "measured", "1")), "\"flagged\"");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/boot-records/manifest", test_manifest);
    g_test_add_func("/boot-records/map", test_map);
    return g_test_run();
}
