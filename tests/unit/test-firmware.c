/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-firmware.c - the OVMF footer table and SEV metadata parsers, good and bad images
 *
 * Every malformed image must fail with one message that names the image and what was
 * wrong, never crash and never yield an object.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ccm/measure.h"
#include "firmware-fixture.h"

static void assert_fails(const uint8_t *data, size_t size, int code, const char *needle)
{
    CcmFirmware *fw = NULL;
    CcmError error = { 0 };
    int r = fixture_parse(data, size, &fw, &error);

    if (r == 0)
        g_error("parsing succeeded; expected an error containing '%s'", needle);
    g_assert_null(fw);
    g_assert_cmpint(r, ==, code);
    g_assert_cmpint(error.code, ==, code);
    g_test_message("%s", error.message);
    g_assert_true(g_str_has_prefix(error.message, "test.fd: "));
    if (!strstr(error.message, needle))
        g_error("message '%s' does not contain '%s'", error.message, needle);
}

static void test_amdsev_fixture(void)
{
    g_autoptr(GBytes) b = fixture_load("ovmf_AmdSev_suffix.bin");
    CcmFirmware *fw = NULL;
    CcmError error = { 0 };
    gsize size;
    const uint8_t *data = g_bytes_get_data(b, &size);

    g_assert_cmpint(fixture_parse(data, size, &fw, &error), ==, 0);
    g_assert_cmpuint(ccm_firmware_size(fw), ==, 4096);
    g_assert_cmpuint(ccm_firmware_gpa(fw), ==, 0xFFFFF000);

    uint32_t reset = 0, base = 0, hsize = 0;
    g_assert_cmpint(ccm_firmware_sev_es_reset_address(fw, &reset), ==, 0);
    g_assert_cmphex(reset, ==, 0x80B004);
    g_assert_cmpint(ccm_firmware_kernel_hashes_area(fw, &base, &hsize), ==, 0);
    g_assert_cmphex(base, ==, 0x810C00);
    g_assert_cmphex(hsize, ==, 0x400);

    /* Stored order, including KERNEL_HASHES before the last SEC_MEM. */
    static const CcmSevSection expected[] = {
        { 0x800000, 0x9000, 1 }, { 0x80A000, 0x3000, 1 },  { 0x80D000, 0x1000, 2 },
        { 0x80E000, 0x1000, 3 }, { 0x80F000, 0x1000, 4 },  { 0x810000, 0x1000, 0x10 },
        { 0x811000, 0xF000, 1 },
    };
    g_assert_cmpuint(ccm_firmware_n_sev_sections(fw), ==, G_N_ELEMENTS(expected));
    for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
        CcmSevSection s;
        g_assert_cmpint(ccm_firmware_sev_section(fw, i, &s), ==, 0);
        g_assert_cmphex(s.gpa, ==, expected[i].gpa);
        g_assert_cmphex(s.size, ==, expected[i].size);
        g_assert_cmphex(s.type, ==, expected[i].type);
    }
    CcmSevSection s;
    g_assert_cmpint(ccm_firmware_sev_section(fw, 7, &s), ==, -ERANGE);
    ccm_firmware_unref(fw);
}

static void test_ovmfx64_fixture_has_no_kernel_area(void)
{
    g_autoptr(GBytes) b = fixture_load("ovmf_OvmfX64_suffix.bin");
    CcmFirmware *fw = NULL;
    gsize size;
    const uint8_t *data = g_bytes_get_data(b, &size);

    g_assert_cmpint(fixture_parse(data, size, &fw, NULL), ==, 0);
    uint32_t base, hsize;
    g_assert_cmpint(ccm_firmware_kernel_hashes_area(fw, &base, &hsize), ==, -ENOENT);
    g_assert_cmpuint(ccm_firmware_n_sev_sections(fw), ==, 6);
    ccm_firmware_unref(fw);
}

/* Every shorter tail of a real image must fail cleanly. */
static void test_every_truncation(void)
{
    g_autoptr(GBytes) b = fixture_load("ovmf_AmdSev_suffix.bin");
    gsize size;
    const uint8_t *data = g_bytes_get_data(b, &size);

    for (size_t len = 0; len < size; len++) {
        CcmFirmware *fw = NULL;
        CcmError error = { 0 };
        /* Keep the first bytes (a file cut short) ... */
        g_assert_cmpint(fixture_parse(data, len, &fw, &error), ==, -EBADMSG);
        g_assert_null(fw);
        /* ... and the last bytes (a misaligned image). */
        g_assert_cmpint(fixture_parse(data + size - len, len, &fw, &error), ==, -EBADMSG);
        g_assert_null(fw);
        g_assert_true(g_str_has_prefix(error.message, "test.fd: "));
    }
}

static void test_not_page_multiple(void)
{
    g_autoptr(GBytes) b = fixture_load("ovmf_AmdSev_suffix.bin");
    gsize size;
    const uint8_t *data = g_bytes_get_data(b, &size);

    assert_fails(data + 16, size - 16, -EBADMSG, "not a firmware image");
    assert_fails(data, 0, -EBADMSG, "expected a non-zero multiple of 4096");
}

static void test_foreign_image(void)
{
    g_autofree uint8_t *zeros = g_malloc0(8192);
    assert_fails(zeros, 8192, -EBADMSG, "no OVMF footer table");
}

typedef void (*Mutation)(uint8_t *img, size_t size);

static void check_mutation(Mutation mutate, int code, const char *needle)
{
    g_autoptr(GBytes) b = fixture_load("ovmf_AmdSev_suffix.bin");
    gsize size;
    const uint8_t *data = g_bytes_get_data(b, &size);
    g_autofree uint8_t *img = g_memdup2(data, size);

    mutate(img, size);
    assert_fails(img, size, code, needle);
}

static void break_footer_guid(uint8_t *img, size_t size)
{
    img[size - 48] ^= 0xFF;
}

static void footer_length_too_big(uint8_t *img, size_t size)
{
    img[size - 50] = 0xFF;
    img[size - 49] = 0xFF;
}

static void footer_length_too_small(uint8_t *img, size_t size)
{
    img[size - 50] = 17;
    img[size - 49] = 0;
}

static void entry_length_zero(uint8_t *img, size_t size)
{
    /* The first entry below the footer: its length sits just below its GUID. */
    size_t pos = size - 32 - 18;
    img[pos - 18] = 0;
    img[pos - 17] = 0;
}

static void entry_length_past_start(uint8_t *img, size_t size)
{
    size_t pos = size - 32 - 18;
    img[pos - 18] = 0xF0;
    img[pos - 17] = 0x0F;
}

static void metadata_offset_outside(uint8_t *img, size_t size)
{
    size_t off = fixture_find_entry(img, size, GUID_METADATA_OFFSET);
    fixture_put_le32(img + off, (uint32_t) size + 4096);
}

static void metadata_offset_tiny(uint8_t *img, size_t size)
{
    size_t off = fixture_find_entry(img, size, GUID_METADATA_OFFSET);
    fixture_put_le32(img + off, 4);
}

static uint8_t *metadata_header(uint8_t *img, size_t size)
{
    size_t off = fixture_find_entry(img, size, GUID_METADATA_OFFSET);
    return img + size - fixture_le32(img + off);
}

static void metadata_bad_signature(uint8_t *img, size_t size)
{
    metadata_header(img, size)[0] = 'X';
}

static void metadata_bad_version(uint8_t *img, size_t size)
{
    fixture_put_le32(metadata_header(img, size) + 8, 2);
}

static void metadata_huge_count(uint8_t *img, size_t size)
{
    fixture_put_le32(metadata_header(img, size) + 12, 0x10000000);
}

static void metadata_length_short(uint8_t *img, size_t size)
{
    fixture_put_le32(metadata_header(img, size) + 4, 16 + 12);
}

static void section_unknown_type(uint8_t *img, size_t size)
{
    fixture_put_le32(metadata_header(img, size) + 16 + 12 * 2 + 8, 5);
}

static void section_unaligned(uint8_t *img, size_t size)
{
    fixture_put_le32(metadata_header(img, size) + 16 + 12 * 0 + 4, 0x9001);
}

static void section_empty(uint8_t *img, size_t size)
{
    fixture_put_le32(metadata_header(img, size) + 16 + 4, 0);
}

static void section_past_4g(uint8_t *img, size_t size)
{
    uint8_t *item = metadata_header(img, size) + 16;
    fixture_put_le32(item, 0xFFFFF000);
    fixture_put_le32(item + 4, 0x2000);
}

static void test_mutations(void)
{
    check_mutation(break_footer_guid, -EBADMSG, "no OVMF footer table");
    check_mutation(footer_length_too_big, -EBADMSG, "corrupt OVMF footer table: length");
    check_mutation(footer_length_too_small, -EBADMSG, "corrupt OVMF footer table: length 17");
    check_mutation(entry_length_zero, -EBADMSG, "has length 0, expected 18");
    check_mutation(entry_length_past_start, -EBADMSG, "corrupt OVMF footer table: entry");
    check_mutation(metadata_offset_outside, -EBADMSG, "points outside");
    check_mutation(metadata_offset_tiny, -EBADMSG, "corrupt SEV metadata offset");
    check_mutation(metadata_bad_signature, -EBADMSG, "signature 'ASEV' expected");
    check_mutation(metadata_bad_version, -EBADMSG, "version 2");
    check_mutation(metadata_huge_count, -EBADMSG, "sections, at most 64 expected");
    check_mutation(metadata_length_short, -EBADMSG, "does not hold 7 sections");
    check_mutation(section_unknown_type, -EBADMSG, "section 2 has unknown type 0x5");
    check_mutation(section_unaligned, -EBADMSG, "section 0 (GPA 0x800000, size 0x9001)");
    check_mutation(section_empty, -EBADMSG, "section 0 (GPA 0x800000, size 0x0)");
    check_mutation(section_past_4g, -EBADMSG, "below 4 GiB");
}

static void test_short_entries(void)
{
    static const uint8_t two[2] = { 1, 2 };
    static const uint8_t four[4] = { 0, 0x10, 0x81, 0 };
    const char *guids[] = { FIXTURE_GUID_RESET_BLOCK, FIXTURE_GUID_HASH_TABLE,
                            FIXTURE_GUID_METADATA_OFFSET };
    const char *names[] = { "SEV-ES reset block", "SEV hash-table block",
                            "SEV metadata offset" };

    for (size_t i = 0; i < G_N_ELEMENTS(guids); i++) {
        /* The hash-table block needs 8 bytes, the others 4. */
        FixtureEntry e = { guids[i], i == 1 ? four : two, i == 1 ? 4 : 2 };
        g_autoptr(GBytes) img = fixture_build(4096, &e, 1);
        g_autofree char *needle = g_strdup_printf("corrupt %s entry", names[i]);
        gsize size;
        const uint8_t *data = g_bytes_get_data(img, &size);

        assert_fails(data, size, -EBADMSG, needle);
    }
}

static void test_built_image_without_sev(void)
{
    static const uint8_t reset[4] = { 0x04, 0xb0, 0x80, 0x00 };
    FixtureEntry e = { FIXTURE_GUID_RESET_BLOCK, reset, 4 };
    g_autoptr(GBytes) img = fixture_build(8192, &e, 1);
    CcmFirmware *fw = NULL;
    gsize size;
    const uint8_t *data = g_bytes_get_data(img, &size);
    uint32_t reset_address = 0;

    g_assert_cmpint(fixture_parse(data, size, &fw, NULL), ==, 0);
    g_assert_cmpint(ccm_firmware_sev_es_reset_address(fw, &reset_address), ==, 0);
    g_assert_cmphex(reset_address, ==, 0x80b004);
    g_assert_cmpuint(ccm_firmware_n_sev_sections(fw), ==, 0);
    g_assert_cmpuint(ccm_firmware_gpa(fw), ==, 0xFFFFE000);
    ccm_firmware_unref(fw);
}

static void test_open_errors(void)
{
    CcmFirmware *fw = NULL;
    CcmError error = { 0 };
    g_autofree char *dir = g_dir_make_tmp("ccm-test-XXXXXX", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing.fd", NULL);
    g_autofree char *huge = g_build_filename(dir, "huge.fd", NULL);

    g_assert_cmpint(ccm_firmware_open(missing, &fw, &error), ==, -ENOENT);
    g_assert_true(g_str_has_prefix(error.message, missing));
    g_assert_nonnull(strstr(error.message, "cannot open the firmware"));

    g_assert_cmpint(ccm_firmware_open(dir, &fw, &error), ==, -EISDIR);
    g_assert_nonnull(strstr(error.message, "is a directory"));

    /* A sparse file past the size limit is refused before anything is read. */
    int fd = open(huge, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, (off_t) 65 << 20), ==, 0);
    close(fd);
    g_assert_cmpint(ccm_firmware_open(huge, &fw, &error), ==, -EFBIG);
    g_assert_nonnull(strstr(error.message, "larger than"));
    g_assert_null(fw);

    g_assert_cmpint(ccm_firmware_open(NULL, &fw, &error), ==, -EINVAL);

    g_unlink(huge);
    g_rmdir(dir);
}

static void test_unref_null(void)
{
    ccm_firmware_unref(NULL);
    g_assert_null(ccm_firmware_ref(NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/firmware/amdsev-fixture", test_amdsev_fixture);
    g_test_add_func("/firmware/ovmfx64-no-kernel-area", test_ovmfx64_fixture_has_no_kernel_area);
    g_test_add_func("/firmware/every-truncation", test_every_truncation);
    g_test_add_func("/firmware/not-page-multiple", test_not_page_multiple);
    g_test_add_func("/firmware/foreign-image", test_foreign_image);
    g_test_add_func("/firmware/mutations", test_mutations);
    g_test_add_func("/firmware/short-entries", test_short_entries);
    g_test_add_func("/firmware/built-image-without-sev", test_built_image_without_sev);
    g_test_add_func("/firmware/open-errors", test_open_errors);
    g_test_add_func("/firmware/unref-null", test_unref_null);
    return g_test_run();
}
