/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-kernel-hashes.c - the 176-byte kernel-hashes table against the vectors' README */
#include <string.h>

#include <glib.h>

#include "digest.h"
#include "kernel-hashes.h"
#include "test-hex.h"

static void unhex(const char *hex, uint8_t *out, size_t size)
{
    g_assert_cmpuint(strlen(hex), ==, 2 * size);
    for (size_t i = 0; i < size; i++)
        out[i] = (uint8_t) (g_ascii_xdigit_value(hex[2 * i]) << 4 |
                            g_ascii_xdigit_value(hex[2 * i + 1]));
}

static void cmdline_sha256(const char *cmdline, uint8_t *out)
{
    CcmHasher h;
    g_assert_cmpint(ccm_hasher_init(&h, CCM_HASH_SHA256), ==, 0);
    g_assert_cmpint(ccm_hasher_digest(&h, cmdline, strlen(cmdline) + 1, out), ==, 0);
    ccm_hasher_done(&h);
}

static void check_table(const char *cmdline, const char *initrd_sha, const char *kernel_sha,
                        const char *expected)
{
    CcmKernelHashes h;
    uint8_t table[CCM_KERNEL_HASHES_TABLE_SIZE];

    cmdline_sha256(cmdline, h.cmdline);
    unhex(initrd_sha, h.initrd, sizeof(h.initrd));
    unhex(kernel_sha, h.kernel, sizeof(h.kernel));
    ccm_kernel_hashes_table(&h, table);
    g_autofree char *hex = test_hex(table, sizeof(table));
    g_assert_cmpstr(hex, ==, expected);
}

static void test_empty_kernel(void)
{
    const char *empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    check_table("", empty, empty,
                "06d63894224fc94cb479a793d411fd21a800d82dd09720bd944caa78e7714d36ab2a32006e340b"
                "9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d31f7ba442f3ad74b9af1"
                "41e29169781d3200e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8"
                "553794e74dd2ab7f42b835d5b172d2045b3200e3b0c44298fc1c149afbf4c8996fb92427ae41e4"
                "649b934ca495991b7852b8550000000000000000");
}

static void test_debian_kernel(void)
{
    check_table("console=ttyS0 root=/dev/vda1 ro",
                "75d9e80e07b0511b3861bdb4b83c0f309d5ed589b7ed1f88fd029d675aa72df3",
                "51349501a3d1ff83836437d2b365fd2d57f2feb8642d315e5181dec23d4c3275",
                "06d63894224fc94cb479a793d411fd21a800d82dd09720bd944caa78e7714d36ab2a3200767249"
                "922d8b51c7b2bb906ec2e2b830dd240dcf9d886789d9d6c9f9b1fab19931f7ba442f3ad74b9af1"
                "41e29169781d320075d9e80e07b0511b3861bdb4b83c0f309d5ed589b7ed1f88fd029d675aa72d"
                "f33794e74dd2ab7f42b835d5b172d2045b320051349501a3d1ff83836437d2b365fd2d57f2feb8"
                "642d315e5181dec23d4c32750000000000000000");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kernel-hashes/empty-kernel", test_empty_kernel);
    g_test_add_func("/kernel-hashes/debian-kernel", test_debian_kernel);
    return g_test_run();
}
