/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-uefi-firmware-volumes.c - ccm_uefi_firmware_volumes() on synthetic OVMF images:
 * the volumes, bases and digests of a well-formed one (CODE and unified layouts), and a
 * clear error, never a crash, for truncated, corrupt and garbage images. The real images
 * are checked against real event logs in tests/vtpm (check-uefi-firmware).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <lzma.h>

#include "ccm/measure.h"
#include "test-hex.h"

#define PEI_BASE 0x820000u
#define PEIFV_SIZE 0x1000u
#define DXEFV_SIZE 0x2000u
#define IMAGE_OFFSET 0x48u /* of the PEIM's PE image in PEIFV: file header + section header */
#define FVH_SIZE 0x48u

static const uint8_t ffs2[16] = { 0x78, 0xe5, 0x8c, 0x8c, 0x3d, 0x8a, 0x1c, 0x4f,
                                  0x99, 0x35, 0x89, 0x61, 0x85, 0xc3, 0x2d, 0xd3 };
static const uint8_t nvram[16] = { 0x8d, 0x2b, 0xf1, 0xff, 0x96, 0x76, 0x8b, 0x4c,
                                   0xa9, 0x85, 0x27, 0x47, 0x07, 0x5b, 0x4f, 0x50 };
static const uint8_t lzma_guid[16] = { 0x98, 0x58, 0x4e, 0xee, 0x14, 0x39, 0x59, 0x42,
                                       0x9d, 0x6e, 0xdc, 0x7b, 0xd7, 0x94, 0x03, 0xcf };

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static void put_size24(uint8_t *p, size_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
    p[2] = (uint8_t) (v >> 16);
}

/* A firmware volume header (one block run, no extended header) at @p, checksummed. */
static void fv_header(uint8_t *p, const uint8_t *fs_guid, size_t length)
{
    memset(p, 0, FVH_SIZE);
    memcpy(p + 16, fs_guid, 16);
    put_le64(p + 32, length);
    memcpy(p + 40, "_FVH", 4);
    put_le32(p + 44, 0x0004feff);
    put_le16(p + 48, FVH_SIZE);
    p[55] = 2;
    put_le32(p + 56, (uint32_t) length / 0x1000);
    put_le32(p + 60, 0x1000);
    uint16_t sum = 0;
    for (size_t i = 0; i < FVH_SIZE; i += 2)
        sum = (uint16_t) (sum + (p[i] | p[i + 1] << 8));
    put_le16(p + 50, (uint16_t) (0x10000 - sum));
}

/* An FFS file header of @type and @size bytes at @p. */
static void ffs_header(uint8_t *p, uint8_t type, size_t size)
{
    memset(p, 0, 24);
    p[0] = type; /* any name */
    p[18] = type;
    put_size24(p + 20, size);
    p[23] = 0xf8;
}

/* PEIFV: one PEIM whose PE32+ image is linked at @base plus its offset; with @second_base,
 * a second PEIM linked for that base instead. */
static void build_peifv(uint8_t *fv, uint64_t base, uint64_t second_base)
{
    memset(fv, 0xff, PEIFV_SIZE);
    fv_header(fv, ffs2, PEIFV_SIZE);
    size_t image = 0x100;
    for (int n = 0; n < (second_base ? 2 : 1); n++) {
        size_t file = FVH_SIZE + (size_t) n * (24 + 4 + image);
        file = (file + 7) & ~(size_t) 7;
        ffs_header(fv + file, 0x06, 24 + 4 + image);
        uint8_t *sec = fv + file + 24;
        put_size24(sec, 4 + image);
        sec[3] = 0x10; /* PE32 */
        uint8_t *pe = sec + 4;
        memset(pe, 0, image);
        pe[0] = 'M';
        pe[1] = 'Z';
        put_le32(pe + 0x3c, 0x40);
        memcpy(pe + 0x40, "PE\0\0", 4);
        put_le16(pe + 0x44, 0x8664);
        put_le16(pe + 0x58, 0x20b);
        put_le64(pe + 0x58 + 24, (n ? second_base : base) + (size_t) (pe - fv));
    }
}

/* The decoded FVMAIN_COMPACT payload: a RAW pad, PEIFV and DXEFV as volume-image sections. */
static GByteArray *build_payload(uint64_t pei_base, uint64_t second_base)
{
    GByteArray *a = g_byte_array_new();
    uint8_t raw[8] = { 8, 0, 0, 0x19, 0, 0, 0, 0 };
    g_byte_array_append(a, raw, sizeof(raw));
    g_autofree uint8_t *pei = g_malloc(4 + PEIFV_SIZE);
    put_size24(pei, 4 + PEIFV_SIZE);
    pei[3] = 0x17;
    build_peifv(pei + 4, pei_base, second_base);
    g_byte_array_append(a, pei, 4 + PEIFV_SIZE);
    g_autofree uint8_t *dxe = g_malloc(4 + DXEFV_SIZE);
    put_size24(dxe, 4 + DXEFV_SIZE);
    dxe[3] = 0x17;
    memset(dxe + 4, 0xff, DXEFV_SIZE);
    fv_header(dxe + 4, ffs2, DXEFV_SIZE);
    g_byte_array_append(a, dxe, 4 + DXEFV_SIZE);
    return a;
}

/* edk2's LZMA section data: the .lzma header with the decoded size filled in. */
static GByteArray *lzma_pack(const uint8_t *data, size_t size)
{
    lzma_options_lzma opt;
    g_assert_false(lzma_lzma_preset(&opt, 6));
    opt.dict_size = 1u << 16;
    lzma_stream s = LZMA_STREAM_INIT;
    g_assert_cmpint(lzma_alone_encoder(&s, &opt), ==, LZMA_OK);
    size_t cap = size + size / 2 + 1024;
    GByteArray *out = g_byte_array_sized_new((guint) cap);
    g_byte_array_set_size(out, (guint) cap);
    s.next_in = data;
    s.avail_in = size;
    s.next_out = out->data;
    s.avail_out = cap;
    g_assert_cmpint(lzma_code(&s, LZMA_FINISH), ==, LZMA_STREAM_END);
    g_byte_array_set_size(out, (guint) s.total_out);
    lzma_end(&s);
    put_le64(out->data + 5, size);
    return out;
}

/* FVMAIN_COMPACT holding @payload, as a CODE image; with @vars, a variable store volume of
 * 0x2000 bytes first (the unified OVMF.fd layout). */
static GByteArray *build_image_from(const GByteArray *payload, gboolean vars)
{
    g_autoptr(GByteArray) packed = lzma_pack(payload->data, payload->len);
    size_t section = 4 + 16 + 4 + packed->len;
    size_t file = 24 + section;
    size_t length = (FVH_SIZE + file + 0xfff) & ~(size_t) 0xfff;
    size_t start = vars ? 0x2000 : 0;
    GByteArray *img = g_byte_array_sized_new((guint) (start + length));
    g_byte_array_set_size(img, (guint) (start + length));
    memset(img->data, 0xff, img->len);
    if (vars) {
        memset(img->data, 0, 0x2000);
        fv_header(img->data, nvram, 0x2000);
    }
    uint8_t *fv = img->data + start;
    fv_header(fv, ffs2, length);
    ffs_header(fv + FVH_SIZE, 0x0b, file);
    uint8_t *sec = fv + FVH_SIZE + 24;
    put_size24(sec, section);
    sec[3] = 0x02;
    memcpy(sec + 4, lzma_guid, 16);
    put_le16(sec + 20, 24);
    put_le16(sec + 22, 1);
    memcpy(sec + 24, packed->data, packed->len);
    return img;
}

static GByteArray *build_image(gboolean vars)
{
    g_autoptr(GByteArray) payload = build_payload(PEI_BASE, 0);
    return build_image_from(payload, vars);
}

/* Offset of the LZMA data in an image build_image(FALSE) made. */
#define LZMA_AT (FVH_SIZE + 24 + 24)

static int run(const uint8_t *img, size_t size, CcmUefiFirmwareBlob *blobs, size_t *n,
               CcmError *error)
{
    memset(error, 0, sizeof(*error));
    *n = 99;
    int r = ccm_uefi_firmware_volumes(img, size, blobs, CCM_UEFI_FIRMWARE_BLOBS, n, error);
    if (r < 0) {
        g_assert_cmpint(error->code, ==, r);
        g_assert_cmpstr(error->message, !=, "");
        g_assert_cmpuint(*n, ==, 99); /* untouched */
    }
    return r;
}

static void check_good(gboolean vars)
{
    g_autoptr(GByteArray) img = build_image(vars);
    g_autoptr(GByteArray) payload = build_payload(PEI_BASE, 0);
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n = 0;
    CcmError error;
    int r = run(img->data, img->len, b, &n, &error);
    if (r < 0)
        g_error("%s", error.message);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpstr(b[0].name, ==, "PEIFV");
    g_assert_cmpstr(b[1].name, ==, "DXEFV");
    g_assert_cmpuint(b[0].base, ==, PEI_BASE);
    g_assert_cmpuint(b[0].length, ==, PEIFV_SIZE);
    g_assert_cmpuint(b[1].base, ==, PEI_BASE + PEIFV_SIZE);
    g_assert_cmpuint(b[1].length, ==, DXEFV_SIZE);
    g_assert_cmpint(b[0].runs_in_place, ==, 1);
    g_assert_cmpint(b[1].runs_in_place, ==, 0);
    /* The digests are of the volumes as decoded: the payload's sections' bodies. */
    const uint8_t *pei = payload->data + 8 + 4, *dxe = pei + PEIFV_SIZE + 4;
    g_autofree char *p256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, pei, PEIFV_SIZE);
    g_autofree char *p384 = g_compute_checksum_for_data(G_CHECKSUM_SHA384, pei, PEIFV_SIZE);
    g_autofree char *d256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, dxe, DXEFV_SIZE);
    g_autofree char *d384 = g_compute_checksum_for_data(G_CHECKSUM_SHA384, dxe, DXEFV_SIZE);
    g_autofree char *g0 = test_hex(b[0].sha256, 32), *g1 = test_hex(b[0].sha384, 48);
    g_autofree char *g2 = test_hex(b[1].sha256, 32), *g3 = test_hex(b[1].sha384, 48);
    g_assert_cmpstr(g0, ==, p256);
    g_assert_cmpstr(g1, ==, p384);
    g_assert_cmpstr(g2, ==, d256);
    g_assert_cmpstr(g3, ==, d384);
}

static void test_code_image(void)
{
    check_good(FALSE);
}

static void test_unified_image(void)
{
    check_good(TRUE);
}

static void test_truncated(void)
{
    g_autoptr(GByteArray) img = build_image(FALSE);
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n;
    CcmError error;
    /* A copy of exactly the kept bytes, so that ASan sees any read past them. */
    for (size_t cut = 0; cut < img->len; cut += cut < 0x200 ? 1 : 61) {
        g_autofree uint8_t *part = g_memdup2(img->data, cut);
        g_assert_cmpint(run(part, cut, b, &n, &error), <, 0);
    }
    g_autofree uint8_t *part = g_memdup2(img->data, img->len - 1);
    g_assert_cmpint(run(part, img->len - 1, b, &n, &error), ==, -EBADMSG);
    g_assert_nonnull(strstr(error.message, "truncated"));
}

/* The LZMA stream of the section, cut short inside the volume (the section and file sizes
 * say so too): the decoder runs out of data. */
static void test_short_stream(void)
{
    g_autoptr(GByteArray) img = build_image(FALSE);
    uint8_t *fv = img->data;
    size_t section = (fv[FVH_SIZE + 24] | fv[FVH_SIZE + 25] << 8 | fv[FVH_SIZE + 26] << 16);
    put_size24(fv + FVH_SIZE + 24, section - 40);
    put_size24(fv + FVH_SIZE + 20, 24 + section - 40);
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n;
    CcmError error;
    g_assert_cmpint(run(img->data, img->len, b, &n, &error), ==, -EBADMSG);
    g_assert_nonnull(strstr(error.message, "LZMA"));
}

static void test_corrupt_lzma(void)
{
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n;
    CcmError error;

    /* Garbage where the stream was. */
    g_autoptr(GByteArray) img = build_image(FALSE);
    size_t stream = LZMA_AT + 13;
    for (size_t i = stream; i < stream + 64; i++)
        img->data[i] = (uint8_t) (0xa5 ^ i);
    g_assert_cmpint(run(img->data, img->len, b, &n, &error), ==, -EBADMSG);
    g_assert_nonnull(strstr(error.message, "not a valid LZMA stream"));

    /* Properties no LZMA stream has (lc + lp + pb out of range). */
    g_autoptr(GByteArray) props = build_image(FALSE);
    props->data[LZMA_AT] = 0xff;
    g_assert_cmpint(run(props->data, props->len, b, &n, &error), ==, -EBADMSG);

    /* A decoded size larger than the stream holds. */
    g_autoptr(GByteArray) longer = build_image(FALSE);
    longer->data[LZMA_AT + 5] += 0x10;
    g_assert_cmpint(run(longer->data, longer->len, b, &n, &error), ==, -EBADMSG);

    /* A decoded size beyond the limit: refused before anything is allocated. */
    g_autoptr(GByteArray) huge = build_image(FALSE);
    put_le64(huge->data + LZMA_AT + 5, UINT64_C(1) << 40);
    g_assert_cmpint(run(huge->data, huge->len, b, &n, &error), ==, -EFBIG);

    /* A dictionary no decoder should allocate. */
    g_autoptr(GByteArray) dict = build_image(FALSE);
    put_le32(dict->data + LZMA_AT + 1, 0xffffffffu);
    g_assert_cmpint(run(dict->data, dict->len, b, &n, &error), ==, -EFBIG);

    /* Every byte of the stream flipped in turn: an error or an image, never a crash. */
    g_autoptr(GByteArray) flip = build_image(FALSE);
    for (size_t i = LZMA_AT; i < LZMA_AT + 200 && i < flip->len; i++) {
        flip->data[i] ^= 0x55;
        (void) run(flip->data, flip->len, b, &n, &error);
        flip->data[i] ^= 0x55;
    }
}

static void test_headers_fuzzed(void)
{
    /* Every byte of the headers (volume, file, section, LZMA), set to a few values. */
    g_autoptr(GByteArray) img = build_image(TRUE);
    static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff };
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n;
    CcmError error;
    for (size_t i = 0x2000; i < 0x2000 + LZMA_AT + 13; i++) {
        uint8_t keep = img->data[i];
        for (size_t v = 0; v < G_N_ELEMENTS(values); v++) {
            img->data[i] = values[v];
            (void) run(img->data, img->len, b, &n, &error);
        }
        img->data[i] = keep;
    }
}

static void test_decoded_fuzzed(void)
{
    /* The decoded payload's section and volume headers altered, then packed properly. */
    static const size_t offsets[] = { 0, 1, 2, 3, 8, 9, 10, 11, 12 + 32, 12 + 33, 12 + 40,
                                      12 + 48, 12 + 52, 12 + 0x48 + 18, 12 + 0x48 + 20,
                                      12 + 0x48 + 22, 12 + 0x48 + 24, 12 + 0x48 + 27,
                                      12 + 0x48 + 28 + 0x3c, 12 + 0x48 + 28 + 0x58 };
    static const uint8_t values[] = { 0x00, 0x10, 0xff };
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n;
    CcmError error;
    for (size_t i = 0; i < G_N_ELEMENTS(offsets); i++)
        for (size_t v = 0; v < G_N_ELEMENTS(values); v++) {
            g_autoptr(GByteArray) payload = build_payload(PEI_BASE, 0);
            payload->data[offsets[i]] = values[v];
            g_autoptr(GByteArray) img = build_image_from(payload, FALSE);
            (void) run(img->data, img->len, b, &n, &error);
        }
}

static void test_garbage(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(2026);
    g_autofree uint8_t *junk = g_malloc(1 << 16);
    for (size_t i = 0; i < 1 << 16; i++)
        junk[i] = (uint8_t) g_rand_int(rand);
    /* Some volume headers in it, pointing anywhere. */
    for (size_t at = 0x100; at < (1 << 16) - 0x100; at += 0x1000)
        memcpy(junk + at + 40, "_FVH", 4);
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n;
    CcmError error;
    g_assert_cmpint(run(junk, 1 << 16, b, &n, &error), ==, -EBADMSG);
    g_assert_nonnull(strstr(error.message, "FVMAIN_COMPACT"));
    g_assert_cmpint(run(junk, 0, b, &n, &error), ==, -EBADMSG);
}

static void test_mixed_bases(void)
{
    g_autoptr(GByteArray) payload = build_payload(PEI_BASE, PEI_BASE + 0x10000);
    g_autoptr(GByteArray) img = build_image_from(payload, FALSE);
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n;
    CcmError error;
    g_assert_cmpint(run(img->data, img->len, b, &n, &error), ==, -EBADMSG);
    g_assert_nonnull(strstr(error.message, "different bases"));
}

static void test_arguments(void)
{
    g_autoptr(GByteArray) img = build_image(FALSE);
    CcmUefiFirmwareBlob b[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n = 7;
    CcmError error = { 0 };
    g_assert_cmpint(ccm_uefi_firmware_volumes(img->data, img->len, b, 1, &n, &error), ==,
                    -ENOBUFS);
    g_assert_cmpint(ccm_uefi_firmware_volumes(NULL, 0, b, 2, &n, &error), ==, -EINVAL);
    g_assert_cmpint(ccm_uefi_firmware_volumes(img->data, img->len, b, 2, &n, NULL), ==, 0);
    g_assert_cmpuint(n, ==, 2);
}

static void test_crtm_version(void)
{
    uint8_t sha256[CCM_SHA256_SIZE], sha384[CCM_SHA384_SIZE];
    /* An empty version is its NUL alone: two zero bytes. */
    g_assert_cmpint(ccm_uefi_crtm_version_digest("", sha256, sha384), ==, 0);
    g_autofree char *empty = test_hex(sha256, sizeof(sha256));
    g_autofree char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                                        (const guchar *) "\0\0", 2);
    g_assert_cmpstr(empty, ==, want);
    g_assert_cmpint(ccm_uefi_crtm_version_digest("1.0", NULL, sha384), ==, 0);
    g_autofree char *v384 = test_hex(sha384, sizeof(sha384));
    g_autofree char *w384 = g_compute_checksum_for_data(G_CHECKSUM_SHA384,
                                                        (const guchar *) "1\0.\0000\0\0", 8);
    g_assert_cmpstr(v384, ==, w384);
    g_assert_cmpint(ccm_uefi_crtm_version_digest(NULL, sha256, sha384), ==, -EINVAL);
    g_assert_cmpint(ccm_uefi_crtm_version_digest("\xff\xfe", sha256, sha384), ==, -EINVAL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/uefi-firmware-volumes/code-image", test_code_image);
    g_test_add_func("/uefi-firmware-volumes/unified-image", test_unified_image);
    g_test_add_func("/uefi-firmware-volumes/truncated", test_truncated);
    g_test_add_func("/uefi-firmware-volumes/short-stream", test_short_stream);
    g_test_add_func("/uefi-firmware-volumes/corrupt-lzma", test_corrupt_lzma);
    g_test_add_func("/uefi-firmware-volumes/headers-fuzzed", test_headers_fuzzed);
    g_test_add_func("/uefi-firmware-volumes/decoded-fuzzed", test_decoded_fuzzed);
    g_test_add_func("/uefi-firmware-volumes/garbage", test_garbage);
    g_test_add_func("/uefi-firmware-volumes/mixed-bases", test_mixed_bases);
    g_test_add_func("/uefi-firmware-volumes/arguments", test_arguments);
    g_test_add_func("/uefi-firmware-volumes/crtm-version", test_crtm_version);
    return g_test_run();
}
