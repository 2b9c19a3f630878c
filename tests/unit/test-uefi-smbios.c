/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-uefi-smbios.c - ccm_uefi_smbios_digest() against a real boot, and on bad input
 *
 * QEMU 11.1's etc/smbios/smbios-tables as sid's OVMF read it (tests/data/vtpm/sid-ms/
 * fw-cfg) with sid's type-0 strings must give the EV_EFI_HANDOFF_TABLES digest that
 * boot's firmware logged. The filter is checked by its effect: a serial number or UUID
 * changes nothing, a product name does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "ccm/measure.h"
#include "test-hex.h"

/* The SMBIOS event of tests/data/vtpm/sid-ms/binary_bios_measurements, SHA-384. */
static const char logged[] = "5a0b6a0c1080725a810df13bf4b841242b84a451c74e3315ca5d6ee21d47dd84"
                             "0310c36234eacc6cbb852b0da203c183";
static const char vendor[] = "Debian distribution of EDK II", version[] = "2026.08+ds-2",
                  date[] = "09/26/2026";

static GBytes *qemu_tables(void)
{
    g_autofree char *path = g_build_filename(g_getenv("CCM_TEST_DATA"), "vtpm", "sid-ms",
                                             "fw-cfg", "etc_smbios_smbios-tables", NULL);
    char *data = NULL;
    gsize size = 0;
    g_assert_true(g_file_get_contents(path, &data, &size, NULL));
    return g_bytes_new_take(data, size);
}

static char *digest(const guint8 *t, gsize n)
{
    uint8_t d[CCM_SHA384_SIZE];
    CcmError err = { 0 };
    int r = ccm_uefi_smbios_digest(t, n, vendor, version, date, NULL, d, &err);
    g_assert_cmpint(r, ==, 0);
    return test_hex(d, sizeof(d));
}

/* Offset of the first structure of @type in @t, or -1. */
static gssize find(const guint8 *t, gsize n, guint8 type)
{
    for (gsize off = 0; off + 4 <= n;) {
        if (t[off] == type)
            return (gssize) off;
        gsize e = off + t[off + 1];
        while (e + 1 < n && (t[e] || t[e + 1]))
            e++;
        off = e + 2;
    }
    return -1;
}

static void test_real_boot(void)
{
    g_autoptr(GBytes) b = qemu_tables();
    gsize n = 0;
    const guint8 *t = g_bytes_get_data(b, &n);
    g_autofree char *got = digest(t, n);
    g_assert_cmpstr(got, ==, logged);

    /* Type 1: the UUID (offset 8) and the serial number are blanked, the product not. */
    g_autofree guint8 *copy = g_memdup2(t, n);
    gssize one = find(copy, n, 1);
    g_assert_cmpint(one, >=, 0);
    copy[one + 8] ^= 0x5a;
    g_autofree char *uuid = digest(copy, n);
    g_assert_cmpstr(uuid, ==, logged);
    /* The product name is string 2 ("Standard PC (Q35 + ICH9, 2009)"). */
    guint8 *product = memmem(copy, n, "Standard PC", 11);
    g_assert_nonnull(product);
    product[0] = 's';
    g_autofree char *other = digest(copy, n);
    g_assert_cmpstr(other, !=, logged);
}

static void test_bad_input(void)
{
    g_autoptr(GBytes) b = qemu_tables();
    gsize n = 0;
    const guint8 *t = g_bytes_get_data(b, &n);
    uint8_t d[CCM_SHA384_SIZE];
    for (gsize cut = 1; cut < n; cut++) {
        CcmError err = { 0 };
        memset(d, 0xaa, sizeof(d));
        int r = ccm_uefi_smbios_digest(t, cut, vendor, version, date, NULL, d, &err);
        g_assert_cmpint(r, ==, -EINVAL);
        g_assert_nonnull(strstr(err.message, "etc/smbios/smbios-tables"));
        g_assert_cmpint(d[0], ==, 0xaa); /* nothing written */
    }
    CcmError err = { 0 };
    g_assert_cmpint(ccm_uefi_smbios_digest(t, n, NULL, version, date, NULL, d, &err), ==,
                    -EINVAL);
    g_assert_nonnull(strstr(err.message, "type-0 strings"));
    g_assert_cmpint(ccm_uefi_smbios_digest(NULL, 0, vendor, version, date, NULL, d, &err), ==,
                    -EINVAL);
    /* A length byte under the header's 4. */
    g_autofree guint8 *copy = g_memdup2(t, n);
    copy[1] = 2;
    g_assert_cmpint(ccm_uefi_smbios_digest(copy, n, vendor, version, date, NULL, d, &err), ==,
                    -EINVAL);
    g_assert_nonnull(strstr(err.message, "offset 0"));
}

static void test_qemu_type0(void)
{
    /* QEMU sent a type 0 (-smbios type=0,...): OVMF adds none, so no strings are needed. */
    static const guint8 t[] = { 0, 0x18, 0, 0, 1, 2, 0, 0xe8, 3, 0, 8, 0, 0, 0, 0, 0, 0, 0,
                                0, 0x1c, 0, 0, 0xff, 0xff, 'v', 0, 'x', 0, 'd', 0, 0,
                                127, 4, 0xff, 0xfe, 0, 0 };
    uint8_t d[CCM_SHA384_SIZE], s[32];
    CcmError err = { 0 };
    g_assert_cmpint(ccm_uefi_smbios_digest(t, sizeof(t), NULL, NULL, NULL, s, d, &err), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/uefi-smbios/real-boot", test_real_boot);
    g_test_add_func("/uefi-smbios/bad-input", test_bad_input);
    g_test_add_func("/uefi-smbios/qemu-type0", test_qemu_type0);
    return g_test_run();
}
