/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-sev-guest.c - CcmSevGuest: input checks, the explanation steps, and equivalences
 * that must hold between ways of asking for the same digest
 */
#include <errno.h>

#include <glib.h>

#include "ccm/measure.h"
#include "firmware-fixture.h"
#include "kernel-hashes.h"
#include "snp-chain.h"
#include "test-hex.h"

static CcmFirmware *open_fixture(const char *name)
{
    g_autoptr(GBytes) b = fixture_load(name);
    CcmFirmware *fw = NULL;
    gsize size;
    const uint8_t *data = g_bytes_get_data(b, &size);

    g_assert_cmpint(ccm_firmware_new_from_data(data, size, name, &fw, NULL), ==, 0);
    return fw;
}

static CcmSevGuest *new_guest(CcmPlatform platform, const char *fixture)
{
    CcmSevGuest *g = NULL;
    CcmFirmware *fw = open_fixture(fixture);

    g_assert_cmpint(ccm_sev_guest_new(platform, &g), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_firmware(g, fw), ==, 0);
    ccm_firmware_unref(fw);
    return g;
}

static void expect_error(CcmSevGuest *g, int code, const char *needle)
{
    uint8_t digest[CCM_DIGEST_MAX_SIZE] = { 0 };
    size_t size = 12345;
    CcmError error = { 0 };

    g_assert_cmpint(ccm_sev_guest_measure(g, digest, &size, &error), ==, code);
    g_assert_cmpint(error.code, ==, code);
    g_assert_cmpuint(size, ==, 12345); /* untouched on failure */
    g_test_message("%s", error.message);
    if (!strstr(error.message, needle))
        g_error("message '%s' does not contain '%s'", error.message, needle);
}

static void test_missing_inputs(void)
{
    CcmSevGuest *g = NULL;

    g_assert_cmpint(ccm_sev_guest_new(CCM_PLATFORM_SEV_SNP, &g), ==, 0);
    expect_error(g, -EINVAL, "no firmware given");
    ccm_sev_guest_free(g);

    g = new_guest(CCM_PLATFORM_SEV_SNP, "ovmf_AmdSev_suffix.bin");
    expect_error(g, -EINVAL, "number of vCPUs is required");
    g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 2), ==, 0);
    expect_error(g, -EINVAL, "vCPU model (or its CPUID signature) is required");
    g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0xa00f11), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_initrd(g, "/nonexistent"), ==, 0);
    expect_error(g, -EINVAL, "only together with a kernel");
    g_assert_cmpint(ccm_sev_guest_set_kernel(g, "/nonexistent/vmlinuz"), ==, 0);
    expect_error(g, -ENOENT, "/nonexistent");
    ccm_sev_guest_free(g);
}

static void test_wrong_platform_inputs(void)
{
    CcmSevGuest *g = new_guest(CCM_PLATFORM_SEV_ES, "ovmf_AmdSev_suffix.bin");
    g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 1), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0x800f12), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_guest_features(g, 0x21), ==, 0);
    expect_error(g, -EINVAL, "apply to sev-snp guests only, not sev-es");
    ccm_sev_guest_free(g);

    g = new_guest(CCM_PLATFORM_SEV_ES, "ovmf_AmdSev_suffix.bin");
    g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 1), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_vmm(g, CCM_VMM_EC2), ==, 0);
    expect_error(g, -EINVAL, "only modelled for sev-snp");
    ccm_sev_guest_free(g);

    g = new_guest(CCM_PLATFORM_SEV_SNP, "ovmf_AmdSev_suffix.bin");
    g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 1), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0x800f12), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_sev_es_vmsa(g, CCM_SEV_ES_VMSA_INIT2), ==, 0);
    expect_error(g, -EINVAL, "SNP always uses INIT2");
    ccm_sev_guest_free(g);

    uint8_t seed[48] = { 0 };
    g = new_guest(CCM_PLATFORM_SEV, "ovmf_AmdSev_suffix.bin");
    g_assert_cmpint(ccm_sev_guest_set_firmware_digest(g, seed, sizeof(seed)), ==, 0);
    expect_error(g, -EINVAL, "can seed only a sev-snp");
    g_assert_cmpint(ccm_sev_guest_set_firmware_digest(g, seed, 32), ==, -EINVAL);
    ccm_sev_guest_free(g);
}

static void test_setter_ranges(void)
{
    CcmSevGuest *g = NULL;

    g_assert_cmpint(ccm_sev_guest_new((CcmPlatform) 7, &g), ==, -EINVAL);
    g_assert_cmpint(ccm_sev_guest_new(CCM_PLATFORM_SEV_SNP, &g), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 0), ==, -EINVAL);
    g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 4097), ==, -EINVAL);
    g_assert_cmpint(ccm_sev_guest_set_vmm(g, (CcmVmm) 9), ==, -EINVAL);
    g_assert_cmpint(ccm_sev_guest_set_sev_es_vmsa(g, (CcmSevEsVmsa) 2), ==, -EINVAL);
    g_assert_cmpint(ccm_sev_guest_set_kernel(g, NULL), ==, -EINVAL);
    g_assert_cmpint(ccm_sev_guest_set_firmware(g, NULL), ==, -EINVAL);
    ccm_sev_guest_free(g);
    ccm_sev_guest_free(NULL);
}

/* A firmware with the reset block but no SEV metadata cannot start an SNP guest. */
static void test_snp_needs_metadata(void)
{
    static const uint8_t reset[4] = { 0x04, 0xb0, 0x80, 0x00 };
    FixtureEntry e = { FIXTURE_GUID_RESET_BLOCK, reset, 4 };
    g_autoptr(GBytes) img = fixture_build(4096, &e, 1);
    gsize size;
    const uint8_t *data = g_bytes_get_data(img, &size);
    CcmFirmware *fw = NULL;
    CcmSevGuest *g = NULL;

    g_assert_cmpint(ccm_firmware_new_from_data(data, size, "bare.fd", &fw, NULL), ==, 0);
    g_assert_cmpint(ccm_sev_guest_new(CCM_PLATFORM_SEV_SNP, &g), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_firmware(g, fw), ==, 0);
    ccm_firmware_unref(fw);
    g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 1), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0x800f12), ==, 0);
    expect_error(g, -ENOTSUP, "bare.fd: the firmware has no SEV metadata");
    ccm_sev_guest_free(g);
}

/* SEV-ES needs the reset block; address 0 is refused as QEMU does. */
static void test_sev_es_needs_reset_block(void)
{
    static const uint8_t zero[4] = { 0 };
    FixtureEntry e = { FIXTURE_GUID_RESET_BLOCK, zero, 4 };
    g_autoptr(GBytes) with_zero = fixture_build(4096, &e, 1);
    g_autoptr(GBytes) without = fixture_build(4096, NULL, 0);
    GBytes *images[] = { with_zero, without };
    const char *needles[] = { "holds address 0", "no SEV-ES reset block" };

    for (int i = 0; i < 2; i++) {
        gsize size;
        const uint8_t *data = g_bytes_get_data(images[i], &size);
        CcmFirmware *fw = NULL;
        CcmSevGuest *g = NULL;

        g_assert_cmpint(ccm_firmware_new_from_data(data, size, "es.fd", &fw, NULL), ==, 0);
        g_assert_cmpint(ccm_sev_guest_new(CCM_PLATFORM_SEV_ES, &g), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_firmware(g, fw), ==, 0);
        ccm_firmware_unref(fw);
        g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 2), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0x800f12), ==, 0);
        expect_error(g, i == 0 ? -EBADMSG : -ENOTSUP, needles[i]);
        ccm_sev_guest_free(g);
    }
}

typedef struct Steps {
    GPtrArray *lines;
} Steps;

static void record_step(const CcmStep *step, void *userdata)
{
    Steps *steps = userdata;
    g_ptr_array_add(steps->lines,
                    g_strdup_printf("%d %s %s %u 0x%" G_GINT64_MODIFIER "x %" G_GUINT64_FORMAT
                                    " %d",
                                    step->kind, step->stage, step->detail ? step->detail : "-",
                                    step->index, step->gpa, step->n_pages, step->page_type));
}

static char *measure_with_steps(CcmSevGuest *g, GPtrArray *lines)
{
    Steps steps = { lines };
    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t size = 0;
    CcmError error = { 0 };

    ccm_sev_guest_set_step_callback(g, record_step, &steps);
    if (ccm_sev_guest_measure(g, digest, &size, &error) < 0)
        g_error("%s", error.message);
    return test_hex(digest, size);
}

/* Steps name every input in order; EC2 moves the CPUID section after the others. */
static void test_steps(void)
{
    for (int ec2 = 0; ec2 < 2; ec2++) {
        CcmSevGuest *g = new_guest(CCM_PLATFORM_SEV_SNP, "ovmf_AmdSev_suffix.bin");
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

        g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 2), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0x800f12), ==, 0);
        if (ec2)
            g_assert_cmpint(ccm_sev_guest_set_vmm(g, CCM_VMM_EC2), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_kernel_sha256(g, "vmlinuz", (uint8_t[32]) { 0 }), ==,
                        0);
        g_free(measure_with_steps(g, lines));
        ccm_sev_guest_free(g);

        const char *qemu[] = {
            "1 firmware ovmf_AmdSev_suffix.bin 0 0xfffff000 1 1",
            "1 SNP_SEC_MEM - 0 0x800000 9 3",
            "1 SNP_SEC_MEM - 1 0x80a000 3 3",
            "1 SNP_SECRETS - 2 0x80d000 1 5",
            "1 CPUID - 3 0x80e000 1 6",
            "1 SVSM_CAA - 4 0x80f000 1 3",
            "3 cmdline  0 0x0 0 0",
            "3 initrd - 1 0x0 0 0",
            "3 kernel vmlinuz 2 0x0 0 0",
            "1 SNP_KERNEL_HASHES kernel-hashes table 5 0x810000 1 1",
            "1 SNP_SEC_MEM - 6 0x811000 15 3",
            "4 vmsa BSP 0 0xfffffffff000 1 2",
            "4 vmsa AP 1 0xfffffffff000 1 2",
        };
        g_assert_cmpuint(lines->len, ==, G_N_ELEMENTS(qemu));
        for (guint i = 0; i < lines->len; i++) {
            const char *want = qemu[i];
            if (ec2 && i >= 4 && i < 11) /* CPUID moves after SNP_SEC_MEM [6] */
                want = i == 10 ? qemu[4] : qemu[i + 1];
            g_assert_cmpstr(lines->pdata[i], ==, want);
        }
    }
}

/* The digest printed by --output firmware-digest, fed back as a seed, gives the same
 * measurement as hashing the firmware. */
static void test_seed_round_trip(void)
{
    CcmFirmware *fw = open_fixture("ovmf_AmdSev_suffix.bin");
    uint8_t seed[CCM_SHA384_SIZE];
    g_assert_cmpint(ccm_firmware_snp_digest(fw, seed, NULL), ==, 0);
    ccm_firmware_unref(fw);

    g_autofree char *results[2] = { NULL, NULL };
    for (int seeded = 0; seeded < 2; seeded++) {
        CcmSevGuest *g = new_guest(CCM_PLATFORM_SEV_SNP, "ovmf_AmdSev_suffix.bin");
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
        g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 3), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0xa10f10), ==, 0);
        if (seeded)
            g_assert_cmpint(ccm_sev_guest_set_firmware_digest(g, seed, sizeof(seed)), ==, 0);
        results[seeded] = measure_with_steps(g, lines);
        g_assert_true(g_str_has_prefix(lines->pdata[0], seeded ? "0 firmware" : "1 firmware"));
        ccm_sev_guest_free(g);
    }
    g_assert_cmpstr(results[0], ==, results[1]);
    g_free(results[1]);
}

/* Each input moves the digest: a regression guard against inputs silently ignored. */
static void test_every_input_matters(void)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (int variant = 0; variant < 7; variant++) {
        CcmSevGuest *g = new_guest(CCM_PLATFORM_SEV_SNP, "ovmf_AmdSev_suffix.bin");
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
        uint8_t kernel[32] = { 0 };

        g_assert_cmpint(ccm_sev_guest_set_vcpus(g, variant == 1 ? 3 : 2), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, variant == 2 ? 0xa00f11 : 0x800f12),
                        ==, 0);
        if (variant == 3)
            g_assert_cmpint(ccm_sev_guest_set_guest_features(g, 0x21), ==, 0);
        if (variant == 4)
            kernel[0] = 1;
        g_assert_cmpint(ccm_sev_guest_set_kernel_sha256(g, "k", kernel), ==, 0);
        if (variant == 5)
            g_assert_cmpint(ccm_sev_guest_set_cmdline(g, "quiet"), ==, 0);
        if (variant == 6)
            g_assert_cmpint(ccm_sev_guest_set_vmm(g, CCM_VMM_GCE), ==, 0);
        char *digest = measure_with_steps(g, lines);
        g_assert_false(g_hash_table_contains(seen, digest));
        g_hash_table_add(seen, digest);
        ccm_sev_guest_free(g);
    }
}

/* An image with the reset block, a hash-table block and a metadata table holding one
 * section; the metadata sits in a spare footer entry. */
static GBytes *image_with_section(uint32_t type, uint32_t gpa, uint32_t size,
                                  uint32_t hash_base)
{
    uint8_t reset[4], hash_table[8], metadata[16 + 12], offset[4];
    fixture_put_le32(reset, 0x80b004);
    fixture_put_le32(hash_table, hash_base);
    fixture_put_le32(hash_table + 4, 0x400);
    memcpy(metadata, "ASEV", 4);
    fixture_put_le32(metadata + 4, sizeof(metadata));
    fixture_put_le32(metadata + 8, 1);
    fixture_put_le32(metadata + 12, 1);
    fixture_put_le32(metadata + 16, gpa);
    fixture_put_le32(metadata + 20, size);
    fixture_put_le32(metadata + 24, type);

    FixtureEntry entries[] = {
        { FIXTURE_GUID_RESET_BLOCK, reset, 4 },
        { FIXTURE_GUID_HASH_TABLE, hash_table, 8 },
        { "11111111-2222-3333-4444-555555555555", metadata, sizeof(metadata) },
        { FIXTURE_GUID_METADATA_OFFSET, offset, 4 },
    };
    size_t offsets[G_N_ELEMENTS(entries)];
    /* Lay the image out once to learn where the metadata lands, then point at it. */
    g_bytes_unref(fixture_build_at(4096, entries, G_N_ELEMENTS(entries), offsets));
    fixture_put_le32(offset, (uint32_t) (4096 - offsets[2]));
    return fixture_build(4096, entries, G_N_ELEMENTS(entries));
}

/* The kernel-hashes table may sit anywhere in a multi-page section, even across a page
 * boundary: the digest must equal measuring the whole section buffer page by page. */
static void test_kernel_hashes_section_layouts(void)
{
    const uint32_t bases[] = { 0x810000, 0x810C00, 0x811F80, 0x812F50 };
    static const uint8_t kernel_sha[32] = { 0x42 };

    for (size_t i = 0; i < G_N_ELEMENTS(bases); i++) {
        g_autoptr(GBytes) img =
            image_with_section(CCM_SEV_SECTION_SNP_KERNEL_HASHES, 0x810000, 0x3000, bases[i]);
        gsize size;
        const uint8_t *data = g_bytes_get_data(img, &size);
        CcmFirmware *fw = NULL;
        CcmSevGuest *g = NULL;
        CcmError error = { 0 };
        uint8_t seed[48] = { 0 };

        g_assert_cmpint(ccm_firmware_new_from_data(data, size, "kh.fd", &fw, &error), ==, 0);
        g_assert_cmpint(ccm_sev_guest_new(CCM_PLATFORM_SEV_SNP, &g), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_firmware(g, fw), ==, 0);
        ccm_firmware_unref(fw);
        g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 1), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0x800f12), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_firmware_digest(g, seed, 48), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_kernel_sha256(g, "k", kernel_sha), ==, 0);
        g_assert_cmpint(ccm_sev_guest_set_cmdline(g, "quiet"), ==, 0);

        uint8_t digest[CCM_DIGEST_MAX_SIZE];
        size_t digest_size = 0;
        if (ccm_sev_guest_measure(g, digest, &digest_size, &error) < 0)
            g_error("%s", error.message);
        ccm_sev_guest_free(g);

        /* The naive computation, from the building blocks. */
        CcmKernelHashes h = { { 0 } };
        static const uint8_t empty_sha[32] = {
            0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
            0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
            0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
        };
        CcmHasher sha256;
        g_assert_cmpint(ccm_hasher_init(&sha256, CCM_HASH_SHA256), ==, 0);
        g_assert_cmpint(ccm_hasher_digest(&sha256, "quiet", 6, h.cmdline), ==, 0);
        ccm_hasher_done(&sha256);
        memcpy(h.initrd, empty_sha, 32);
        memcpy(h.kernel, kernel_sha, 32);
        g_autofree uint8_t *section = g_malloc0(0x3000);
        ccm_kernel_hashes_table(&h, section + (bases[i] - 0x810000));

        CcmSnpChain chain;
        uint8_t vmsa[4096], vmsa_hash[48];
        g_assert_cmpint(ccm_snp_chain_init(&chain, NULL), ==, 0);
        g_assert_cmpint(ccm_snp_chain_add_data(&chain, 0x810000, CCM_SNP_PAGE_NORMAL, section,
                                               0x3000), ==, 0);
        g_assert_cmpint(ccm_sev_vmsa_page(CCM_PLATFORM_SEV_SNP, CCM_VMM_QEMU, 0, 0, 0x80b004,
                                          0x800f12, 0x1, vmsa), ==, 0);
        g_assert_cmpint(ccm_hasher_digest(&chain.sha384, vmsa, sizeof(vmsa), vmsa_hash), ==, 0);
        g_assert_cmpint(ccm_snp_chain_add_page(&chain, 0xFFFFFFFFF000, CCM_SNP_PAGE_VMSA,
                                               vmsa_hash), ==, 0);
        g_assert_cmpmem(digest, digest_size, chain.digest, 48);
        ccm_snp_chain_done(&chain);
    }

    /* A table that does not fit the section is refused. */
    g_autoptr(GBytes) img =
        image_with_section(CCM_SEV_SECTION_SNP_KERNEL_HASHES, 0x810000, 0x1000, 0x810F80);
    gsize size;
    const uint8_t *data = g_bytes_get_data(img, &size);
    CcmFirmware *fw = NULL;
    CcmSevGuest *g = NULL;
    g_assert_cmpint(ccm_firmware_new_from_data(data, size, "kh.fd", &fw, NULL), ==, 0);
    g_assert_cmpint(ccm_sev_guest_new(CCM_PLATFORM_SEV_SNP, &g), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_firmware(g, fw), ==, 0);
    ccm_firmware_unref(fw);
    g_assert_cmpint(ccm_sev_guest_set_vcpus(g, 1), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_vcpu_signature(g, 0x800f12), ==, 0);
    g_assert_cmpint(ccm_sev_guest_set_kernel_sha256(g, "k", kernel_sha), ==, 0);
    expect_error(g, -EBADMSG, "does not hold the 176-byte kernel-hashes table");
    ccm_sev_guest_free(g);
}

/* Found by libFuzzer: a 2 GiB section made us allocate 2 GiB. Sections are capped. */
static void test_huge_section_refused(void)
{
    g_autoptr(GBytes) img =
        image_with_section(CCM_SEV_SECTION_SNP_KERNEL_HASHES, 0x10000000, 0x80000000, 0);
    gsize size;
    const uint8_t *data = g_bytes_get_data(img, &size);
    CcmFirmware *fw = NULL;
    CcmError error = { 0 };

    g_assert_cmpint(ccm_firmware_new_from_data(data, size, "huge.fd", &fw, &error), ==,
                    -EBADMSG);
    g_assert_nonnull(strstr(error.message, "larger than the 64 MiB"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sev-guest/missing-inputs", test_missing_inputs);
    g_test_add_func("/sev-guest/wrong-platform-inputs", test_wrong_platform_inputs);
    g_test_add_func("/sev-guest/setter-ranges", test_setter_ranges);
    g_test_add_func("/sev-guest/snp-needs-metadata", test_snp_needs_metadata);
    g_test_add_func("/sev-guest/sev-es-needs-reset-block", test_sev_es_needs_reset_block);
    g_test_add_func("/sev-guest/steps", test_steps);
    g_test_add_func("/sev-guest/seed-round-trip", test_seed_round_trip);
    g_test_add_func("/sev-guest/every-input-matters", test_every_input_matters);
    g_test_add_func("/sev-guest/kernel-hashes-section-layouts", test_kernel_hashes_section_layouts);
    g_test_add_func("/sev-guest/huge-section-refused", test_huge_section_refused);
    return g_test_run();
}
