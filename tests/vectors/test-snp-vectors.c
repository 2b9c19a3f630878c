/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-snp-vectors.c - every row of the SEV-family vector table, and every VMSA page
 *
 * The table (tests/data/snp/cases.tsv, a copy of shared/vectors/snp/cases.tsv) holds
 * inputs and expected digests from independent implementations. Each input path is
 * looked up first under tests/data/snp/ and then under the shared vector folder.
 *
 *   test-snp-vectors --data DIR --shared DIR --set local    rows whose files are all local
 *   test-snp-vectors --data DIR --shared DIR --set shared   rows that need shared files;
 *                                                           exits 77 if that folder is absent
 *
 * The snp:svsm* rows describe an obsolete pre-IGVM flow and are skipped by name.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "ccm/measure.h"
#include "snp-cases.h"

static char *arg_data;
static char *arg_shared;
static char *arg_set;

static bool given(const char *value)
{
    return strcmp(value, "-") != 0;
}

/* The local copy if there is one, else the shared one, else NULL. */
static char *resolve(const char *rel)
{
    g_autofree char *local = g_build_filename(arg_data, rel, NULL);
    if (g_file_test(local, G_FILE_TEST_EXISTS))
        return g_steal_pointer(&local);
    g_autofree char *shared = g_build_filename(arg_shared, rel, NULL);
    if (g_file_test(shared, G_FILE_TEST_EXISTS))
        return g_steal_pointer(&shared);
    return NULL;
}

static bool row_needs_shared(const Row *row)
{
    const int file_cols[] = { COL_OVMF, COL_KERNEL, COL_INITRD };
    bool shared = false;

    for (size_t i = 0; i < G_N_ELEMENTS(file_cols); i++) {
        const char *v = row->cols[file_cols[i]];
        if (!given(v))
            continue;
        g_autofree char *local = g_build_filename(arg_data, v, NULL);
        if (!g_file_test(local, G_FILE_TEST_EXISTS))
            shared = true;
    }
    return shared;
}

static void hex_decode(const char *hex, uint8_t *out, size_t size)
{
    g_assert_cmpuint(strlen(hex), ==, 2 * size);
    for (size_t i = 0; i < size; i++) {
        char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };
        out[i] = (uint8_t) strtoul(b, NULL, 16);
    }
}

static char *hex_encode(const uint8_t *data, size_t size)
{
    GString *s = g_string_sized_new(2 * size + 1);
    for (size_t i = 0; i < size; i++)
        g_string_append_printf(s, "%02x", data[i]);
    return g_string_free(s, FALSE);
}

static char *path_for(const char *rel)
{
    char *p = resolve(rel);
    if (!p)
        g_error("vector file '%s' is in neither %s nor %s", rel, arg_data, arg_shared);
    return p;
}

static void test_row(gconstpointer data)
{
    const Row *row = data;
    char **c = row->cols;
    const char *mode = c[COL_MODE];
    const char *expected = c[COL_EXPECTED];
    CcmError error = { 0 };
    int r;

    g_autofree char *ovmf = path_for(c[COL_OVMF]);
    CcmFirmware *fw = NULL;
    r = ccm_firmware_open(ovmf, &fw, &error);
    g_assert_cmpint(r, ==, 0);

    if (strcmp(mode, "snp:ovmf-hash") == 0) {
        uint8_t digest[CCM_SHA384_SIZE];
        g_assert_cmpint(ccm_firmware_snp_digest(fw, digest, &error), ==, 0);
        g_autofree char *hex = hex_encode(digest, sizeof(digest));
        g_assert_cmpstr(hex, ==, expected);
        ccm_firmware_unref(fw);
        return;
    }

    CcmPlatform platform;
    CcmSevEsVmsa es_vmsa = CCM_SEV_ES_VMSA_LEGACY;
    bool es_vmsa_set = false;
    if (strcmp(mode, "snp") == 0) {
        platform = CCM_PLATFORM_SEV_SNP;
    } else if (strcmp(mode, "seves") == 0) {
        platform = CCM_PLATFORM_SEV_ES;
        es_vmsa = CCM_SEV_ES_VMSA_INIT2; /* the reference tool's current VMSA */
        es_vmsa_set = true;
    } else if (strcmp(mode, "seves-legacy") == 0) {
        platform = CCM_PLATFORM_SEV_ES;
        es_vmsa = CCM_SEV_ES_VMSA_LEGACY;
        es_vmsa_set = true;
    } else if (strcmp(mode, "sev") == 0) {
        platform = CCM_PLATFORM_SEV;
    } else {
        g_error("row %s: unknown mode '%s'", c[COL_ID], mode);
    }

    CcmSevGuest *g = NULL;
    g_assert_cmpint(ccm_sev_guest_new(platform, &g), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_firmware(g, fw), ==, 0);
    ccm_firmware_unref(fw);

    if (given(c[COL_VMM])) {
        int vmm = ccm_vmm_from_string(c[COL_VMM]);
        g_assert_cmpint(vmm, >=, 0);
        g_assert_cmpint(ccm_sev_guest_set_vmm(g, (CcmVmm) vmm), ==, 0);
    }
    if (given(c[COL_VCPUS]))
        g_assert_cmpint(ccm_sev_guest_set_vcpus(g, (unsigned) atoi(c[COL_VCPUS])), ==, 0);
    if (given(c[COL_VCPU_SIG]))
        g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(
                            g, (uint32_t) strtoul(c[COL_VCPU_SIG], NULL, 0)), ==, 0);
    if (given(c[COL_GUEST_FEATURES]))
        g_assert_cmpint(ccm_sev_guest_set_guest_features(
                            g, strtoull(c[COL_GUEST_FEATURES], NULL, 0)), ==, 0);
    if (es_vmsa_set)
        g_assert_cmpint(ccm_sev_guest_set_sev_es_vmsa(g, es_vmsa), ==, 0);
    if (given(c[COL_KERNEL])) {
        g_autofree char *kernel = path_for(c[COL_KERNEL]);
        g_assert_cmpint(ccm_sev_guest_set_kernel(g, kernel), ==, 0);
    }
    if (given(c[COL_INITRD])) {
        g_autofree char *initrd = path_for(c[COL_INITRD]);
        g_assert_cmpint(ccm_sev_guest_set_initrd(g, initrd), ==, 0);
    }
    if (given(c[COL_APPEND])) {
        const char *append = strcmp(c[COL_APPEND], "\"\"") == 0 ? "" : c[COL_APPEND];
        g_assert_cmpint(ccm_sev_guest_set_cmdline(g, append), ==, 0);
    }
    if (given(c[COL_SEED])) {
        uint8_t seed[CCM_SHA384_SIZE];
        hex_decode(c[COL_SEED], seed, sizeof(seed));
        g_assert_cmpint(ccm_sev_guest_set_firmware_digest(g, seed, sizeof(seed)), ==, 0);
    }

    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t size = 0;
    r = ccm_sev_guest_measure(g, digest, &size, &error);
    ccm_sev_guest_free(g);

    if (g_str_has_prefix(expected, "ERROR: ")) {
        /* The reference tool's errors here all mean "this firmware cannot measure a
         * kernel"; ours must say the same about the same file. */
        g_test_message("expected failure: %s; ours: %s", expected, error.message);
        g_assert_cmpint(r, ==, -ENOTSUP);
        g_assert_nonnull(strstr(error.message, "cannot measure a kernel"));
        g_assert_nonnull(strstr(error.message, ovmf));
        return;
    }
    if (r < 0)
        g_error("row %s: %s", c[COL_ID], error.message);
    g_autofree char *hex = hex_encode(digest, size);
    g_assert_cmpstr(hex, ==, expected);
}

typedef struct VmsaCase {
    const char *file;
    CcmPlatform platform;
    CcmVmm vmm;
    CcmSevEsVmsa es_vmsa;
    int ap;
    uint32_t signature;
    uint64_t guest_features;
} VmsaCase;

static const VmsaCase vmsa_cases[] = {
    { "qemu-EPYC-v4-gf0x1-apeip0x80b004-bsp.bin", CCM_PLATFORM_SEV_SNP, CCM_VMM_QEMU, 0, 0,
      0x800f12, 0x1 },
    { "qemu-EPYC-v4-gf0x1-apeip0x80b004-ap.bin", CCM_PLATFORM_SEV_SNP, CCM_VMM_QEMU, 0, 1,
      0x800f12, 0x1 },
    { "qemu-EPYC-Milan-gf0x21-apeip0x80b004-bsp.bin", CCM_PLATFORM_SEV_SNP, CCM_VMM_QEMU, 0, 0,
      0xa00f11, 0x21 },
    { "qemu-EPYC-Milan-gf0x21-apeip0x80b004-ap.bin", CCM_PLATFORM_SEV_SNP, CCM_VMM_QEMU, 0, 1,
      0xa00f11, 0x21 },
    { "ec2-gf0x1-apeip0x80b004-bsp.bin", CCM_PLATFORM_SEV_SNP, CCM_VMM_EC2, 0, 0, 0, 0x1 },
    { "ec2-gf0x1-apeip0x80b004-ap.bin", CCM_PLATFORM_SEV_SNP, CCM_VMM_EC2, 0, 1, 0, 0x1 },
    { "gce-gf0x1-apeip0x80b004-bsp.bin", CCM_PLATFORM_SEV_SNP, CCM_VMM_GCE, 0, 0, 0, 0x1 },
    { "gce-gf0x1-apeip0x80b004-ap.bin", CCM_PLATFORM_SEV_SNP, CCM_VMM_GCE, 0, 1, 0, 0x1 },
    { "seves-qemu-EPYC-v4-apeip0x80b004-bsp.bin", CCM_PLATFORM_SEV_ES, CCM_VMM_QEMU,
      CCM_SEV_ES_VMSA_INIT2, 0, 0x800f12, 0 },
    { "seves-qemu-EPYC-v4-apeip0x80b004-ap.bin", CCM_PLATFORM_SEV_ES, CCM_VMM_QEMU,
      CCM_SEV_ES_VMSA_INIT2, 1, 0x800f12, 0 },
};

static void test_vmsa(gconstpointer data)
{
    const VmsaCase *vc = data;
    g_autofree char *path = g_build_filename(arg_data, "vmsa", vc->file, NULL);
    g_autofree char *expected = NULL;
    gsize size = 0;
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_get_contents(path, &expected, &size, &error));
    g_assert_cmpuint(size, ==, 4096);

    uint8_t page[4096];
    g_assert_cmpint(ccm_sev_vmsa_page(vc->platform, vc->vmm, vc->es_vmsa, vc->ap, 0x80b004,
                                      vc->signature, vc->guest_features, page),
                    ==, 0);
    for (size_t i = 0; i < sizeof(page); i++)
        if (page[i] != (uint8_t) expected[i])
            g_error("%s: byte 0x%03zx is 0x%02x, expected 0x%02x", vc->file, i, page[i],
                    (uint8_t) expected[i]);
}

int main(int argc, char **argv)
{
    GOptionEntry entries[] = {
        { "data", 0, 0, G_OPTION_ARG_FILENAME, &arg_data, "tests/data/snp", "DIR" },
        { "shared", 0, 0, G_OPTION_ARG_FILENAME, &arg_shared, "shared/vectors/snp", "DIR" },
        { "set", 0, 0, G_OPTION_ARG_STRING, &arg_set, "local or shared", "SET" },
        { NULL },
    };
    g_autoptr(GOptionContext) context = g_option_context_new(NULL);
    g_autoptr(GError) error = NULL;

    g_test_init(&argc, &argv, NULL);
    g_option_context_add_main_entries(context, entries, NULL);
    if (!g_option_context_parse(context, &argc, &argv, &error) || !arg_data || !arg_shared ||
        !arg_set) {
        fprintf(stderr, "usage: %s --data DIR --shared DIR --set local|shared\n", argv[0]);
        return 2;
    }
    bool want_shared = strcmp(arg_set, "shared") == 0;
    if (want_shared && !g_file_test(arg_shared, G_FILE_TEST_IS_DIR)) {
        printf("1..0 # SKIP shared vector folder %s is not present; the rows that need the "
               "large Debian images cannot run\n",
               arg_shared);
        return 77;
    }

    g_autofree char *cases = g_build_filename(arg_data, "cases.tsv", NULL);
    g_autoptr(GPtrArray) rows = snp_cases_load(cases);
    unsigned n_rows = 0;
    for (guint i = 0; i < rows->len; i++) {
        const Row *row = rows->pdata[i];
        const char *id = row->cols[COL_ID];
        const char *mode = row->cols[COL_MODE];

        if (g_str_has_prefix(mode, "snp:svsm"))
            continue; /* obsolete pre-IGVM COCONUT flow, skipped by name */
        if (row_needs_shared(row) != want_shared)
            continue;
        g_autofree char *name = g_strdup_printf("/snp-vectors/%s/%s", id, mode);
        g_test_add_data_func(name, row, test_row);
        n_rows++;
    }
    if (!want_shared) {
        for (size_t i = 0; i < G_N_ELEMENTS(vmsa_cases); i++) {
            g_autofree char *name = g_strdup_printf("/vmsa/%s", vmsa_cases[i].file);
            g_test_add_data_func(name, &vmsa_cases[i], test_vmsa);
        }
    }
    g_test_message("%u vector rows in set '%s'", n_rows, arg_set);
    return g_test_run();
}
