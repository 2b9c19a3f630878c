/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cca.c - the Arm CCA engine's checks and building blocks: RealmParams validation,
 * operation-list errors, VMM profile errors, RIPAS splitting, 64 KiB host pages, RMM 2.0,
 * and REM extension against values computed independently (Python hashlib)
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "ccm/measure-autoptr.h"
#include "ccm/measure.h"

static CcmCcaRealmParams params(CcmCcaHash hash, uint32_t s2sz)
{
    return (CcmCcaRealmParams) { .hash = hash, .s2sz = s2sz, .num_bps = 5, .num_wps = 5 };
}

static void expect(int r, const CcmError *err, int code, const char *needle)
{
    g_test_message("%d: %s", r, err->message);
    g_assert_cmpint(r, ==, code);
    if (!strstr(err->message, needle))
        g_error("message '%s' does not contain '%s'", err->message, needle);
}

static void test_params(void)
{
    static const struct {
        CcmCcaRmm rmm;
        CcmCcaRealmParams p;
        uint64_t hps;
        const char *needle;
    } bad[] = {
        { CCM_CCA_RMM_1_0, { .hash = 7, .s2sz = 41, .num_bps = 1, .num_wps = 1 }, 4096,
          "unknown hash" },
        { CCM_CCA_RMM_1_0, { .hash = CCM_CCA_HASH_SHA384, .s2sz = 41, .num_bps = 1,
                             .num_wps = 1 }, 4096, "SHA-384 needs RMM 2.0" },
        { CCM_CCA_RMM_1_0, { .s2sz = 31, .num_bps = 1, .num_wps = 1 }, 4096, "s2sz" },
        { CCM_CCA_RMM_1_0, { .s2sz = 49, .num_bps = 1, .num_wps = 1 }, 4096, "52 with LPA2" },
        { CCM_CCA_RMM_1_0, { .s2sz = 41, .num_bps = 0, .num_wps = 1 }, 4096, "num_bps" },
        { CCM_CCA_RMM_1_0, { .s2sz = 41, .num_bps = 1, .num_wps = 16 }, 4096, "num_wps" },
        { CCM_CCA_RMM_1_0, { .s2sz = 41, .num_bps = 1, .num_wps = 1, .sve_vl = 3 }, 4096,
          "without the SVE flag" },
        { CCM_CCA_RMM_1_0, { .flags = CCM_CCA_FLAG_SVE, .s2sz = 41, .num_bps = 1, .num_wps = 1,
                             .sve_vl = 16 }, 4096, "sve_vl 16" },
        { CCM_CCA_RMM_1_0, { .s2sz = 41, .num_bps = 1, .num_wps = 1, .pmu_num_ctrs = 2 },
          4096, "without the PMU flag" },
        { CCM_CCA_RMM_1_0, { .flags = CCM_CCA_FLAG_PMU, .s2sz = 41, .num_bps = 1,
                             .num_wps = 1, .pmu_num_ctrs = 32 }, 4096, "pmu_num_ctrs 32" },
        { CCM_CCA_RMM_1_0, { .flags = 1u << 3, .s2sz = 41, .num_bps = 1, .num_wps = 1 }, 4096,
          "not defined for RMM 1.0" },
        { CCM_CCA_RMM_1_0, { .s2sz = 41, .num_bps = 1, .num_wps = 1 }, 16384, "host page" },
        { 5, { .s2sz = 41, .num_bps = 1, .num_wps = 1 }, 4096, "RMM generation" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        CcmCcaRealm *realm = NULL;
        CcmError err = { 0 };
        expect(ccm_cca_realm_new(bad[i].rmm, &bad[i].p, bad[i].hps, &realm, &err), &err,
               -EINVAL, bad[i].needle);
        g_assert_null(realm);
    }
    /* Accepted: SHA-384 with 2.0, LPA2 with 52 bits, DA with 2.0. */
    CcmCcaRealmParams p = params(CCM_CCA_HASH_SHA384, 52);
    p.flags = CCM_CCA_FLAG_LPA2 | (1u << 3);
    g_autoptr(CcmCcaRealm) realm = NULL;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_cca_realm_new(CCM_CCA_RMM_2_0, &p, 65536, &realm, &err), ==, 0);
    uint8_t rim[CCM_DIGEST_MAX_SIZE];
    size_t n = 0;
    g_assert_cmpint(ccm_cca_realm_measure(realm, rim, &n, &err), ==, 0);
    g_assert_cmpuint(n, ==, 48);
}

static CcmCcaRealm *new_realm(CcmCcaRmm rmm, CcmCcaHash hash, uint32_t s2sz, uint64_t hps)
{
    CcmCcaRealmParams p = params(hash, s2sz);
    CcmCcaRealm *realm = NULL;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_cca_realm_new(rmm, &p, hps, &realm, &err), ==, 0);
    return realm;
}

static void test_op_errors(void)
{
    g_autoptr(CcmCcaRealm) realm = new_realm(CCM_CCA_RMM_1_0, CCM_CCA_HASH_SHA256, 33, 4096);
    static const uint8_t blob[100] = { 1 };
    CcmError err = { 0 };

    expect(ccm_cca_realm_add_ripas(realm, 0x80000800, 0x1000, &err), &err, -EINVAL,
           "4 KiB aligned");
    expect(ccm_cca_realm_add_ripas(realm, 0x80000000, 0x1800, &err), &err, -EINVAL,
           "4 KiB aligned");
    expect(ccm_cca_realm_add_ripas(realm, 0x80000000, 0, &err), &err, -EINVAL, "size is 0");
    /* s2sz 33: the protected half ends at 4 GiB. */
    expect(ccm_cca_realm_add_ripas(realm, 0xfffff000, 0x2000, &err), &err, -EINVAL,
           "outside the protected IPA space");
    g_assert_cmpint(ccm_cca_realm_add_ripas(realm, 0x80000000, 0x200000, &err), ==, 0);
    expect(ccm_cca_realm_add_ripas(realm, 0x80100000, 0x200000, &err), &err, -EINVAL,
           "overlaps RIPAS range");
    expect(ccm_cca_realm_add_unmeasured(realm, 0x80000010, 0x1000, &err), &err, -EINVAL,
           "4 KiB aligned");
    g_assert_cmpint(ccm_cca_realm_add_data(realm, 0x80000000, blob, sizeof(blob), "kernel",
                                           &err), ==, 0);
    expect(ccm_cca_realm_add_data(realm, 0x80000050, blob, sizeof(blob), "initrd", &err), &err,
           -EINVAL, "initrd [0x80000050, +0x64) overlaps kernel");
    expect(ccm_cca_realm_add_data(realm, 0x80001000, blob, 0, "empty", &err), &err, -EINVAL,
           "empty");
    expect(ccm_cca_realm_add_data(realm, 0xffffffc0, blob, sizeof(blob), "high", &err), &err,
           -EINVAL, "outside the protected IPA space");
    expect(ccm_cca_realm_add_unmeasured(realm, 0x80000000, 0x1000, &err), &err, -EINVAL,
           "overlaps kernel");
    /* Sharing a granule is fine: byte 100 onwards is free. */
    g_assert_cmpint(ccm_cca_realm_add_data(realm, 0x80000064, blob, sizeof(blob), "second",
                                           &err), ==, 0);
    g_assert_cmpuint(ccm_cca_realm_n_ops(realm), ==, 3);
    CcmCcaOp op;
    g_assert_cmpint(ccm_cca_realm_op(realm, 3, &op), ==, -ENOENT);
}

typedef struct Counts {
    unsigned ripas, data, rec;
    uint64_t sizes[8];
} Counts;

static void count(const CcmStep *s, void *userdata)
{
    Counts *c = userdata;
    if (s->kind == CCM_STEP_CCA_RIPAS) {
        if (c->ripas < G_N_ELEMENTS(c->sizes))
            c->sizes[c->ripas] = s->size;
        c->ripas++;
    }
    c->data += s->kind == CCM_STEP_CCA_DATA;
    c->rec += s->kind == CCM_STEP_CCA_REC;
}

static Counts measure(CcmCcaRealm *realm, char **ret_hex)
{
    Counts c = { 0 };
    uint8_t rim[CCM_DIGEST_MAX_SIZE];
    size_t n = 0;
    CcmError err = { 0 };
    ccm_cca_realm_set_step_callback(realm, count, &c);
    g_assert_cmpint(ccm_cca_realm_measure(realm, rim, &n, &err), ==, 0);
    if (ret_hex) {
        GString *s = g_string_new(NULL);
        for (size_t i = 0; i < n; i++)
            g_string_append_printf(s, "%02x", rim[i]);
        *ret_hex = g_string_free(s, FALSE);
    }
    return c;
}

/* cca.md §2.5: greedy biggest aligned block from the start level down. */
static void test_ripas_split(void)
{
    static const struct {
        uint32_t s2sz;
        uint64_t base, size;
        unsigned n;
        uint64_t first, last;
    } cases[] = {
        { 41, 0x40000000, 128ull << 20, 64, 2 << 20, 2 << 20 },
        { 41, 0x40000000, 1ull << 30, 1, 1ull << 30, 1ull << 30 },
        { 41, 0x40000000, 1536ull << 20, 257, 1ull << 30, 2 << 20 },
        { 33, 0x80000000, 1ull << 30, 512, 2 << 20, 2 << 20 },  /* start level 2 */
        { 41, 0x40001000, 0x201000, 513, 4096, 4096 },          /* no 2 MiB block aligned */
        { 48, 0x0, 1ull << 40, 2, 512ull << 30, 512ull << 30 }, /* start level 0 */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(CcmCcaRealm) realm =
            new_realm(CCM_CCA_RMM_1_0, CCM_CCA_HASH_SHA256, cases[i].s2sz, 4096);
        CcmError err = { 0 };
        g_assert_cmpint(ccm_cca_realm_add_ripas(realm, cases[i].base, cases[i].size, &err), ==,
                        0);
        Counts c = measure(realm, NULL);
        g_test_message("case %zu: %u descriptors", i, c.ripas);
        g_assert_cmpuint(c.ripas, ==, cases[i].n);
        g_assert_cmpuint(c.sizes[0], ==, cases[i].first);
        if (c.ripas <= G_N_ELEMENTS(c.sizes))
            g_assert_cmpuint(c.sizes[c.ripas - 1], ==, cases[i].last);
    }
}

/* RMM 2.0: RIPAS is recorded, not measured; 1.0 and 2.0 agree without RIPAS. */
static void test_rmm2(void)
{
    static const uint8_t blob[10] = "FW CONTENT";
    g_autofree char *a = NULL, *b = NULL, *c = NULL;
    CcmError err = { 0 };
    g_autoptr(CcmCcaRealm) r1 = new_realm(CCM_CCA_RMM_1_0, CCM_CCA_HASH_SHA256, 41, 4096);
    g_autoptr(CcmCcaRealm) r2 = new_realm(CCM_CCA_RMM_2_0, CCM_CCA_HASH_SHA256, 41, 4096);
    g_autoptr(CcmCcaRealm) r3 = new_realm(CCM_CCA_RMM_2_0, CCM_CCA_HASH_SHA256, 41, 4096);
    g_assert_cmpint(ccm_cca_realm_add_data(r1, 0, blob, sizeof(blob), "fw", &err), ==, 0);
    g_assert_cmpint(ccm_cca_realm_add_ripas(r2, 0x40000000, 1 << 30, &err), ==, 0);
    g_assert_cmpint(ccm_cca_realm_add_data(r2, 0, blob, sizeof(blob), "fw", &err), ==, 0);
    g_assert_cmpint(ccm_cca_realm_add_data(r3, 0, blob, sizeof(blob), "fw", &err), ==, 0);
    measure(r1, &a);
    Counts c2 = measure(r2, &b);
    measure(r3, &c);
    g_assert_cmpuint(c2.ripas, ==, 0);
    g_assert_cmpstr(b, ==, c);
    g_assert_cmpstr(a, ==, b); /* RealmParams identical; the RMM version is not measured */
}

/* cca.md §3.5: a 64 KiB host page populates 16 granules per page touched. */
static void test_host_pages(void)
{
    static const uint8_t blob[10] = "FW CONTENT";
    CcmError err = { 0 };
    g_autoptr(CcmCcaRealm) small = new_realm(CCM_CCA_RMM_1_0, CCM_CCA_HASH_SHA256, 41, 4096);
    g_autoptr(CcmCcaRealm) big = new_realm(CCM_CCA_RMM_1_0, CCM_CCA_HASH_SHA256, 41, 65536);
    g_assert_cmpint(ccm_cca_realm_add_data(small, 0x1ff8, blob, sizeof(blob), "fw", &err), ==,
                    0);
    g_assert_cmpint(ccm_cca_realm_add_data(big, 0x1ff8, blob, sizeof(blob), "fw", &err), ==, 0);
    g_autofree char *a = NULL, *b = NULL;
    Counts cs = measure(small, &a), cb = measure(big, &b);
    g_assert_cmpuint(cs.data, ==, 2);   /* straddles two granules */
    g_assert_cmpuint(cb.data, ==, 16);  /* one 64 KiB host page */
    g_assert_cmpstr(a, !=, b);
}

/* Two blobs in one granule: measured once, with both (the memory image). */
static void test_shared_granule(void)
{
    static const uint8_t x[4] = "AAAA", y[4] = "BBBB";
    CcmError err = { 0 };
    g_autoptr(CcmCcaRealm) split = new_realm(CCM_CCA_RMM_1_0, CCM_CCA_HASH_SHA256, 41, 4096);
    g_autoptr(CcmCcaRealm) whole = new_realm(CCM_CCA_RMM_1_0, CCM_CCA_HASH_SHA256, 41, 4096);
    g_assert_cmpint(ccm_cca_realm_add_data(split, 0x1000, x, 4, "x", &err), ==, 0);
    g_assert_cmpint(ccm_cca_realm_add_data(split, 0x1004, y, 4, "y", &err), ==, 0);
    g_assert_cmpint(ccm_cca_realm_add_data(whole, 0x1000, "AAAABBBB", 8, "xy", &err), ==, 0);
    g_autofree char *a = NULL, *b = NULL;
    Counts c = measure(split, &a);
    measure(whole, &b);
    g_assert_cmpuint(c.data, ==, 1);
    g_assert_cmpstr(a, ==, b);
}

/* REM = H(REM || value). Expected values from Python:
 *   k = sha256(open('linux-header-only.bin','rb').read()).digest()
 *   sha256(bytes(32) + k)              (size 32, cca.md §2.8: c7f33e8b...)
 *   sha256(bytes(32) + k + bytes(32))  (size 64: f92b57ce...)
 *   sha256(sha256(bytes(32) + b'x').digest() + b'yz')  (two extends)
 *   sha512(bytes(64) + b'abc'), sha384(bytes(48) + b'abc') */
static void test_rem(void)
{
    static const uint8_t kernel_sha256[32] = {
        0x1d, 0x99, 0x6b, 0x14, 0xb5, 0xb5, 0xfc, 0xc2, 0xbe, 0xb6, 0xab, 0xd2,
        0xc6, 0xbe, 0xb6, 0xd9, 0xca, 0x8a, 0xe3, 0x8e, 0x16, 0x54, 0x2c, 0xdd,
        0x83, 0xbb, 0xdb, 0x49, 0x21, 0x3e, 0x73, 0x51,
    };
    static const struct {
        CcmCcaHash hash;
        const char *values[2];
        size_t sizes[2];
        const char *want;
    } cases[] = {
        { CCM_CCA_HASH_SHA256, { (const char *) kernel_sha256, NULL }, { 32, 0 },
          "c7f33e8bb0e50acac6ab7fa35a567f8a913ec37d245c73519cff128141b41ac1" },
        { CCM_CCA_HASH_SHA256, { "x", "yz" }, { 1, 2 }, NULL },
        { CCM_CCA_HASH_SHA512, { "abc", NULL }, { 3, 0 }, NULL },
        { CCM_CCA_HASH_SHA384, { "abc", NULL }, { 3, 0 }, NULL },
    };
    /* Computed with Python hashlib (see above). */
    static const char *const python[] = {
        NULL,
        "515fda8ab30b3f6fd71c9d7b14a056017380b1a412dd0b1966bbe03e0afd0117",
        "7682b6b84c6f692545a896ad210299bcc6f74e189d829e165739b11dd83b6f2c"
        "8cfacf27e812bf064df756d6235ac33c062b89ecb80f8215516dbbb844ce8480",
        "b1c16eb7634112b7c9d5ebd27e62a2d4528bbfcfd68b62d3afd9ecf98e0f413a"
        "84314acce78317fb69fd895155343e09",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint8_t rem[64] = { 0 };
        CcmError err = { 0 };
        for (size_t k = 0; k < 2 && cases[i].values[k]; k++)
            g_assert_cmpint(ccm_cca_rem_extend(cases[i].hash, rem, cases[i].values[k],
                                               cases[i].sizes[k], &err), ==, 0);
        size_t l = ccm_cca_hash_size(cases[i].hash);
        GString *s = g_string_new(NULL);
        for (size_t k = 0; k < l; k++)
            g_string_append_printf(s, "%02x", rem[k]);
        g_autofree char *got = g_string_free(s, FALSE);
        g_assert_cmpstr(got, ==, cases[i].want ? cases[i].want : python[i]);
        for (size_t k = l; k < 64; k++)
            g_assert_cmpuint(rem[k], ==, 0);
    }
    /* Size 64 (the whole register): f92b57ce... */
    uint8_t rem[64] = { 0 }, value[64] = { 0 };
    CcmError err = { 0 };
    memcpy(value, kernel_sha256, 32);
    g_assert_cmpint(ccm_cca_rem_extend(CCM_CCA_HASH_SHA256, rem, value, 64, &err), ==, 0);
    g_assert_cmpuint(rem[0], ==, 0xf9);
    g_assert_cmpuint(rem[1], ==, 0x2b);
    g_assert_cmpuint(rem[2], ==, 0x57);
    g_assert_cmpuint(rem[3], ==, 0xce);
    expect(ccm_cca_rem_extend(CCM_CCA_HASH_SHA256, rem, value, 65, &err), &err, -EINVAL,
           "at most 64");
    expect(ccm_cca_rem_extend(9, rem, value, 1, &err), &err, -EINVAL, "unknown hash");
}

/* ---- VMM profiles ---- */

static const uint8_t fdt_header[64] = { 0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 64 };

/* A 256-byte arm64 Image header: text_offset 0, image_size @size, "ARM\x64". */
static void image_header(uint8_t *h, uint64_t size)
{
    memset(h, 0, 256);
    for (int i = 0; i < 8; i++)
        h[16 + i] = (uint8_t) (size >> (8 * i));
    memcpy(h + 0x38, "ARM\x64", 4);
}

static CcmCcaVmmConfig qemu_config(uint64_t memory)
{
    CcmCcaVmmConfig c = { .vmm = CCM_CCA_VMM_QEMU, .rmm = CCM_CCA_RMM_1_0,
                          .host_page_size = 4096, .memory = memory, .vcpus = 1 };
    c.params = params(CCM_CCA_HASH_SHA256, ccm_cca_vmm_default_s2sz(c.vmm, memory));
    c.dtb = (CcmCcaBlob) { fdt_header, sizeof(fdt_header), "virt.dtb" };
    return c;
}

static void expect_build(const CcmCcaVmmConfig *c, const char *needle)
{
    CcmCcaRealm *realm = NULL;
    CcmError err = { 0 };
    expect(ccm_cca_vmm_build(c, &realm, &err), &err, -EINVAL, needle);
    g_assert_null(realm);
}

static void test_profile_errors(void)
{
    uint8_t kernel[256];
    image_header(kernel, 0x2d10000);

    CcmCcaVmmConfig c = qemu_config(1ull << 30);
    c.dtb = (CcmCcaBlob) { 0 };
    expect_build(&c, "the DTB is required");
    c.dtb = (CcmCcaBlob) { "not a dtb at all, really not one", 32, "x.dtb" };
    expect_build(&c, "x.dtb: not a flattened device tree");

    c = qemu_config(1ull << 30);
    c.params.hash = CCM_CCA_HASH_SHA384;
    expect_build(&c, "SHA-384 needs RMM 2.0");
    c.params.hash = 12;
    expect_build(&c, "unknown hash");

    /* Image header: truncated, garbage, gzip, image_size 0. */
    c = qemu_config(1ull << 30);
    c.kernel = (CcmCcaBlob) { kernel, 40, "Image" };
    expect_build(&c, "Image: 40 bytes, too short for an arm64 Image header");
    uint8_t garbage[256];
    memset(garbage, 0x5a, sizeof(garbage));
    c.kernel = (CcmCcaBlob) { garbage, sizeof(garbage), "Image" };
    expect_build(&c, "not an arm64 Image");
    static const uint8_t gz[64] = { 0x1f, 0x8b, 8 };
    c.kernel = (CcmCcaBlob) { gz, sizeof(gz), "Image.gz" };
    expect_build(&c, "gzip-compressed");
    uint8_t old[256];
    image_header(old, 0);
    c.kernel = (CcmCcaBlob) { old, sizeof(old), "Image" };
    expect_build(&c, "image_size 0");

    /* Memory too small: the Image's image_size (45 MiB) does not fit 32 MiB. */
    c = qemu_config(32ull << 20);
    c.kernel = (CcmCcaBlob) { kernel, sizeof(kernel), "Image" };
    expect_build(&c, "too small for the images: Image");
    /* 48 MiB: the kernel fits, the DTB after it does not. */
    c = qemu_config(46ull << 20);
    c.kernel = (CcmCcaBlob) { kernel, sizeof(kernel), "Image" };
    expect_build(&c, "too small for the images: virt.dtb");
    /* RAM beyond the IPA space, initrd without kernel, memory not in host pages. */
    c = qemu_config(2ull << 30);
    c.params.s2sz = 32;
    expect_build(&c, "does not fit the protected half");
    c = qemu_config(1ull << 30);
    c.initrd = (CcmCcaBlob) { "INITRD", 6, "initrd" };
    expect_build(&c, "an initrd needs a kernel");
    c = qemu_config((1ull << 30) + 512);
    expect_build(&c, "multiple of the host page size");
    /* The firmware region at 0 is 128 MiB. */
    c = qemu_config(1ull << 30);
    c.firmware = (CcmCcaBlob) { fdt_header, (128u << 20) + 1, "huge.fd" };
    expect_build(&c, "128 MiB firmware region");

    /* kvmtool: 2 MiB multiples, 64 KiB DTB, firmware and kernel together. */
    c = qemu_config(512ull << 20);
    c.vmm = CCM_CCA_VMM_KVMTOOL;
    c.params.s2sz = ccm_cca_vmm_default_s2sz(c.vmm, c.memory);
    g_assert_cmpuint(c.params.s2sz, ==, 33);
    c.memory = (512ull << 20) + 4096;
    expect_build(&c, "multiple of 2 MiB");
    c.memory = 512ull << 20;
    g_autofree uint8_t *big = g_malloc0(65537);
    memcpy(big, fdt_header, sizeof(fdt_header));
    c.dtb = (CcmCcaBlob) { big, 65537, "big.dtb" };
    expect_build(&c, "at most 64 KiB");
    c.dtb = (CcmCcaBlob) { fdt_header, sizeof(fdt_header), "virt.dtb" };
    c.firmware = (CcmCcaBlob) { "FW", 2, "fw" };
    c.kernel = (CcmCcaBlob) { kernel, sizeof(kernel), "Image" };
    expect_build(&c, "not modelled");
    /* kvmtool with 64 MiB: the DTB is at RAM base + 62 MiB and the Image takes the first
     * 45 MiB, so a 20 MiB initrd cannot fit between them. */
    c.firmware = (CcmCcaBlob) { 0 };
    c.memory = 64ull << 20;
    c.params.s2sz = 33;
    g_autofree uint8_t *initrd = g_malloc0(20u << 20);
    c.initrd = (CcmCcaBlob) { initrd, 20u << 20, "initrd.img" };
    expect_build(&c, "too small for the images: initrd.img");
}

static void test_defaults(void)
{
    g_assert_cmpint(ccm_cca_vmm_default_hash(CCM_CCA_VMM_QEMU, CCM_CCA_RMM_1_0), ==,
                    CCM_CCA_HASH_SHA512);
    g_assert_cmpint(ccm_cca_vmm_default_hash(CCM_CCA_VMM_QEMU, CCM_CCA_RMM_2_0), ==,
                    CCM_CCA_HASH_SHA256);
    g_assert_cmpint(ccm_cca_vmm_default_hash(CCM_CCA_VMM_KVMTOOL, CCM_CCA_RMM_1_0), ==,
                    CCM_CCA_HASH_SHA256);
    g_assert_cmpuint(ccm_cca_vmm_default_s2sz(CCM_CCA_VMM_QEMU, 128ull << 20), ==, 41);
    g_assert_cmpuint(ccm_cca_vmm_default_s2sz(CCM_CCA_VMM_QEMU, 255ull << 30), ==, 41);
    g_assert_cmpuint(ccm_cca_vmm_default_s2sz(CCM_CCA_VMM_QEMU, 600ull << 30), ==, 42);
    g_assert_cmpuint(ccm_cca_vmm_default_s2sz(CCM_CCA_VMM_KVMTOOL, 512ull << 20), ==, 33);
    g_assert_cmpuint(ccm_cca_vmm_default_s2sz(CCM_CCA_VMM_KVMTOOL, 2ull << 30), ==, 33);
    g_assert_cmpuint(ccm_cca_vmm_default_s2sz(CCM_CCA_VMM_KVMTOOL, 3ull << 30), ==, 34);
    g_assert_cmpstr(ccm_cca_rmm_to_string(CCM_CCA_RMM_2_0), ==, "2.0");
    g_assert_cmpint(ccm_cca_hash_from_string("sha384"), ==, CCM_CCA_HASH_SHA384);
    g_assert_cmpint(ccm_cca_hash_from_string("md5"), ==, -EINVAL);
    g_assert_cmpint(ccm_cca_vmm_from_string("kvmtool"), ==, CCM_CCA_VMM_KVMTOOL);
    g_assert_cmpuint(ccm_cca_hash_size(CCM_CCA_HASH_SHA512), ==, 64);
    g_assert_cmpuint(ccm_cca_hash_size(3), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cca/params", test_params);
    g_test_add_func("/cca/op-errors", test_op_errors);
    g_test_add_func("/cca/ripas-split", test_ripas_split);
    g_test_add_func("/cca/rmm2", test_rmm2);
    g_test_add_func("/cca/host-pages", test_host_pages);
    g_test_add_func("/cca/shared-granule", test_shared_granule);
    g_test_add_func("/cca/rem", test_rem);
    g_test_add_func("/cca/profile-errors", test_profile_errors);
    g_test_add_func("/cca/defaults", test_defaults);
    return g_test_run();
}
