/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-tdx-vectors.c - MRTD of real Debian OVMF images in both page orders, and the
 * errors for images whose TDX metadata is missing or does not hold together
 *
 *   test-tdx-vectors --data DIR      (tests/data/tdx: the images and cases.tsv)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <stdlib.h>

#include <glib.h>
#include <json-c/json.h>

#include "ccm/measure.h"
#include "fake-bzimage.h"

static char *arg_data;

static char *hex(const uint8_t *b, size_t n)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%02x", b[i]);
    return g_string_free(s, FALSE);
}

static GBytes *load(const char *file)
{
    g_autofree char *path = g_build_filename(arg_data, file, NULL);
    g_autofree char *data = NULL;
    gsize size = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &data, &size, &error))
        g_error("%s", error->message);
    return g_bytes_new_take(g_steal_pointer(&data), size);
}

typedef struct Case {
    char *id, *firmware, *order, *mrtd, *source;
} Case;

static void test_case(gconstpointer data)
{
    const Case *c = data;
    g_autoptr(GBytes) fw = load(c->firmware);
    gsize size = 0;
    const void *image = g_bytes_get_data(fw, &size);
    uint8_t mrtd[CCM_SHA384_SIZE];
    CcmTdvfSection sections[32];
    size_t n = 0;
    CcmError err = { 0 };
    int order = ccm_tdx_page_order_from_string(c->order);

    g_assert_cmpint(order, >=, 0);
    int r = ccm_tdx_mrtd(image, size, c->firmware, (CcmTdxPageOrder) order, NULL, NULL,
                         sections, &n, mrtd, &err);
    if (r < 0)
        g_error("%s: %s", c->id, err.message);
    g_autofree char *got = hex(mrtd, sizeof(mrtd));
    g_test_message("%s %s %s: %s (%s)", c->id, c->firmware, c->order, got, c->source);
    g_assert_cmpstr(got, ==, c->mrtd);
    /* Table order of the Debian images: BFV, CFV, TempMem, TempMem, TD_HOB, TempMem. */
    g_assert_cmpuint(n, ==, 6);
    g_assert_cmpuint(sections[0].type, ==, CCM_TDVF_SECTION_BFV);
    g_assert_cmpuint(sections[0].attributes, ==, CCM_TDVF_ATTR_MR_EXTEND);
    g_assert_cmpuint(sections[1].type, ==, CCM_TDVF_SECTION_CFV);
    g_assert_cmpuint(sections[4].type, ==, CCM_TDVF_SECTION_TD_HOB);
}

/* Both orders differ: a wrong order must not pass by accident. */
static void test_orders_differ(void)
{
    g_autoptr(GBytes) fw = load("OVMF.bookworm.fd");
    gsize size = 0;
    const void *image = g_bytes_get_data(fw, &size);
    uint8_t a[CCM_SHA384_SIZE], b[CCM_SHA384_SIZE];
    CcmError err = { 0 };
    g_assert_cmpint(ccm_tdx_mrtd(image, size, "bookworm", CCM_TDX_PAGE_ORDER_PER_PAGE, NULL,
                                 NULL, NULL, NULL, a, &err), ==, 0);
    g_assert_cmpint(ccm_tdx_mrtd(image, size, "bookworm", CCM_TDX_PAGE_ORDER_PER_SECTION, NULL,
                                 NULL, NULL, NULL, b, &err), ==, 0);
    g_assert_true(memcmp(a, b, sizeof(a)) != 0);
}

/* expect: the call fails with @code and a message holding @needle. */
static void expect_error(const void *image, size_t size, int code, const char *needle)
{
    uint8_t mrtd[CCM_SHA384_SIZE];
    CcmError err = { 0 };
    int r = ccm_tdx_mrtd(image, size, "fw.fd", CCM_TDX_PAGE_ORDER_PER_PAGE, NULL, NULL, NULL,
                         NULL, mrtd, &err);
    g_test_message("%d: %s", r, err.message);
    g_assert_cmpint(r, ==, code);
    g_assert_nonnull(strstr(err.message, "fw.fd"));
    if (!strstr(err.message, needle))
        g_error("message '%s' does not contain '%s'", err.message, needle);
}

/* Offset of the TDVF descriptor of @image (from the footer entry, as the parser does). */
static size_t descriptor_offset(const uint8_t *image, size_t size)
{
    /* The bookworm image's descriptor is at 2095040 (expected.json). */
    (void) image;
    g_assert_cmpuint(size, ==, 2097152);
    return 2095040;
}

static void test_bad_images(void)
{
    g_autoptr(GBytes) fw = load("OVMF.bookworm.fd");
    gsize size = 0;
    const uint8_t *orig = g_bytes_get_data(fw, &size);
    g_autofree uint8_t *img = g_memdup2(orig, size);
    size_t d = descriptor_offset(img, size);

    /* An empty file, and a truncated image (the footer is gone). */
    expect_error(NULL, 0, -EBADMSG, "empty");
    expect_error(img, size - 4096, -EBADMSG, "fw.fd");
    /* No TDX metadata at all: the footer table without the TDX offset entry (its GUID
     * e47a6535-984a-4798-865e-4685a7bf8ec2, stored form, altered). */
    static const uint8_t tdx_offset_guid[16] = { 0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
                                                 0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2 };
    uint8_t *g = memmem(img + size - 4096, 4096, tdx_offset_guid, 16);
    g_assert_nonnull(g);
    g[15] ^= 0xff;
    expect_error(img, size, -ENOENT, "no TDX metadata");
    g[15] ^= 0xff;

    /* The offset entry pointing at the very start of the file, so that the GUID before
     * the descriptor would lie before the file (found by the fuzzer: read out of bounds). */
    uint8_t *off_entry = memmem(img + size - 4096, 4096, tdx_offset_guid, 16);
    g_assert_nonnull(off_entry);
    uint8_t saved[4];
    memcpy(saved, off_entry - 2 - 4, 4);
    uint32_t whole = (uint32_t) size - 8;
    memcpy(off_entry - 2 - 4, &whole, 4);
    expect_error(img, size, -EBADMSG, "points outside the file");
    memcpy(off_entry - 2 - 4, saved, 4);

    /* A wrong signature, version, count, then a section that lies. */
    memcpy(img + d, "XXXX", 4);
    expect_error(img, size, -EBADMSG, "\"TDVF\" signature");
    memcpy(img + d, orig + d, 4);
    img[d + 8] = 2;
    expect_error(img, size, -EBADMSG, "version 2");
    img[d + 8] = 1;
    img[d + 12] = 40;
    expect_error(img, size, -EBADMSG, "sections");
    img[d + 12] = orig[d + 12];
    /* Section 0 (BFV): raw size larger than the file allows. */
    uint8_t *rec0 = img + d + 16;
    rec0[6] = 0x30; /* raw_size 0x1e0000 -> 0x300000 */
    expect_error(img, size, -EBADMSG, "larger than its memory");
    memcpy(rec0, orig + d + 16, 32);
    /* Section 2 (TempMem) misaligned. */
    uint8_t *rec2 = img + d + 16 + 64;
    rec2[8] = 0x10;
    expect_error(img, size, -EBADMSG, "4 KiB pages");
    memcpy(rec2, orig + d + 16 + 64, 32);
    /* Section 3 moved onto section 2: overlap. */
    uint8_t *rec3 = img + d + 16 + 96;
    memcpy(rec3 + 8, rec2 + 8, 8);
    expect_error(img, size, -EBADMSG, "overlap");
    memcpy(rec3, orig + d + 16 + 96, 32);
    /* Unknown section type. */
    rec2[24] = 9;
    expect_error(img, size, -EBADMSG, "unknown type 9");
    memcpy(rec2, orig + d + 16 + 64, 32);
    /* Two TD_HOBs. */
    rec2[24] = CCM_TDVF_SECTION_TD_HOB;
    expect_error(img, size, -EBADMSG, "exactly one TD_HOB");
    memcpy(rec2, orig + d + 16 + 64, 32);
    /* Restored: the image measures again. */
    g_assert_cmpmem(img, size, orig, size);
}

static void unhex(const char *text, uint8_t *out, size_t n)
{
    g_assert_cmpuint(strlen(text), >=, 2 * n);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t) (g_ascii_xdigit_value(text[2 * i]) << 4 |
                            g_ascii_xdigit_value(text[2 * i + 1]));
}

/* dstack's CCEL sample: 18 events in RTMR0 and RTMR1, none in RTMR2 or RTMR3. */
static void test_ccel(void)
{
    g_autoptr(GBytes) log = load("ccel.bin");
    gsize size = 0;
    const uint8_t *data = g_bytes_get_data(log, &size);
    CcmTdxEvent *events = NULL;
    size_t n = 0;
    CcmError err = { 0 };

    if (ccm_tdx_event_log_parse(data, size, "ccel.bin", &events, &n, &err) < 0)
        g_error("%s", err.message);
    g_assert_cmpuint(n, ==, 18);
    for (size_t i = 0; i < n; i++) {
        g_assert_cmpuint(events[i].rtmr, <=, 1);
        g_assert_nonnull(ccm_tdx_event_type_to_string(events[i].type));
    }
    /* The first event is the TD HOB (EV_EFI_HANDOFF_TABLES2) in RTMR0. */
    g_assert_cmpstr(ccm_tdx_event_type_to_string(events[0].type), ==, "EV_EFI_HANDOFF_TABLES2");
    g_assert_cmpuint(events[0].rtmr, ==, 0);
    uint8_t rtmrs[4][CCM_SHA384_SIZE], zero[CCM_SHA384_SIZE] = { 0 };
    g_assert_cmpint(ccm_tdx_replay(events, n, rtmrs, &err), ==, 0);
    g_assert_cmpmem(rtmrs[2], sizeof(zero), zero, sizeof(zero));
    g_assert_cmpmem(rtmrs[3], sizeof(zero), zero, sizeof(zero));
    /* Regression values (shared/vectors/tdx/README.md; no quote comes with this log). */
    g_autofree char *r0 = hex(rtmrs[0], CCM_SHA384_SIZE), *r1 = hex(rtmrs[1], CCM_SHA384_SIZE);
    g_assert_cmpstr(r0, ==, "274c2344116db7c663470693b5ba62b8621eac28cb41d2f816ddf188f9f423f900a1c44d32386fd3c993dc814e62af9d");
    g_assert_cmpstr(r1, ==, "bdcf4ee0f7fdfe7c73fbb19ded73193aee23a6726b86d3b282ea097cf4c9ed7a0db21b5c1ccd513e410d90e310836b26");

    /* Truncated inside a record, and a record that lies about its data size. */
    size_t cut = events[5].offset + 20;
    CcmTdxEvent *e2 = NULL;
    size_t n2 = 0;
    g_assert_cmpint(ccm_tdx_event_log_parse(data, cut, "ccel.bin", &e2, &n2, &err), ==, -EBADMSG);
    g_test_message("%s", err.message);
    g_assert_nonnull(strstr(err.message, "cut off"));
    g_autofree uint8_t *copy = g_memdup2(data, size);
    /* event size field of record 3: after 12 header bytes and one SHA-384 (2 + 48). */
    uint8_t *sz = copy + events[3].offset + 12 + 2 + 48;
    sz[3] = 0x7f;
    g_assert_cmpint(ccm_tdx_event_log_parse(copy, size, "ccel.bin", &e2, &n2, &err), ==,
                    -EBADMSG);
    g_test_message("%s", err.message);
    g_assert_nonnull(strstr(err.message, "past the end"));
    /* Not an event log at all. */
    g_assert_cmpint(ccm_tdx_event_log_parse(copy + 4096, 4096, "ccel.bin", &e2, &n2, &err), ==,
                    -EBADMSG);
    g_assert_nonnull(strstr(err.message, "Spec ID"));
    free(events);
}

/* A real quote and its JSON event log (dstack fixtures): the log replays to the quote's
 * RTMRs, and the quote's MRTD is the known one. */
static void check_quote_fixture(const char *file, int n_rtmrs, const char *mrtd_hex)
{
    g_autofree char *path = g_build_filename(arg_data, file, NULL);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    json_object *root = json_tokener_parse(text), *quote = NULL, *log = NULL;
    g_assert_nonnull(root);
    g_assert_true(json_object_object_get_ex(root, "quote", &quote));
    g_assert_true(json_object_object_get_ex(root, "event_log", &log));
    const char *qhex = json_object_get_string(quote);
    size_t qsize = strlen(qhex) / 2;
    g_autofree uint8_t *q = g_malloc(qsize);
    unhex(qhex, q, qsize);
    CcmTdxReport report;
    CcmError err = { 0 };
    if (ccm_tdx_quote_parse(q, qsize, file, &report, &err) < 0)
        g_error("%s", err.message);
    g_autofree char *mrtd = hex(report.mrtd, sizeof(report.mrtd));
    g_assert_cmpstr(mrtd, ==, mrtd_hex);

    json_object *events_json = json_tokener_parse(json_object_get_string(log));
    g_assert_nonnull(events_json);
    size_t n = json_object_array_length(events_json);
    g_autofree CcmTdxEvent *events = g_new0(CcmTdxEvent, n);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *ev = json_object_array_get_idx(events_json, i), *imr = NULL, *dg = NULL;
        g_assert_true(json_object_object_get_ex(ev, "imr", &imr));
        g_assert_true(json_object_object_get_ex(ev, "digest", &dg));
        const char *d = json_object_get_string(dg);
        if (strlen(d) != 96)
            continue; /* the "lite" format leaves RTMR3 digests out */
        events[used].rtmr = (uint32_t) json_object_get_int(imr);
        unhex(d, events[used].digest, CCM_SHA384_SIZE);
        used++;
    }
    uint8_t rtmrs[4][CCM_SHA384_SIZE];
    g_assert_cmpint(ccm_tdx_replay(events, used, rtmrs, &err), ==, 0);
    for (int i = 0; i < n_rtmrs; i++) {
        g_autofree char *want = hex(report.rtmr[i], CCM_SHA384_SIZE);
        g_autofree char *got = hex(rtmrs[i], CCM_SHA384_SIZE);
        g_test_message("%s RTMR%d quote %s replay %s", file, i, want, got);
        g_assert_cmpstr(got, ==, want);
    }
    json_object_put(events_json);
    json_object_put(root);

    /* A quote cut short, and one of another TEE. */
    g_assert_cmpint(ccm_tdx_quote_parse(q, 100, file, &report, &err), ==, -EBADMSG);
    g_assert_nonnull(strstr(err.message, "too short"));
    q[4] = 0;
    g_assert_cmpint(ccm_tdx_quote_parse(q, qsize, file, &report, &err), ==, -EBADMSG);
    g_assert_nonnull(strstr(err.message, "TEE type"));
}

static void test_quote_report(void)
{
    check_quote_fixture("quote-report.json", 4,
                        "b24d3b24e9e3c16012376b52362ca09856c4adecb709d5fac33addf1c47e193da075b125b6c364115771390a5461e217");
}

static void test_quote_lite(void)
{
    /* RTMR3's digests are not in the lite log: RTMR0..2 only. */
    check_quote_fixture("tdx-lite-getquote.json", 3,
                        "fd685522ce791dfef67414614eb07d03fc07a32c5a66f36288b329dab92b724b1564c73d436ffb9ea84488c51ac5a1c5");
}

/* Every RTMR0 piece of rtmr0.tsv: CFV, TD HOB per RAM size, Secure Boot variables. */
static void test_rtmr0_pieces(void)
{
    static const uint8_t efi_global[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
                                            0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c };
    static const uint8_t image_security[16] = { 0xcb, 0xb2, 0x19, 0xd7, 0x3a, 0x3d, 0x96, 0x45,
                                                0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f };
    g_autofree char *path = g_build_filename(arg_data, "rtmr0.tsv", NULL);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    unsigned checked = 0;
    for (char **l = lines; *l; l++) {
        if (**l == '#' || **l == '\0')
            continue;
        g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
        g_assert_cmpuint(g_strv_length(f), ==, 4);
        g_autoptr(GBytes) fw = load(f[0]);
        gsize size = 0;
        const void *image = g_bytes_get_data(fw, &size);
        CcmTdvfSection sections[32];
        size_t n = 0;
        uint8_t mrtd[CCM_SHA384_SIZE], digest[CCM_SHA384_SIZE];
        CcmError err = { 0 };
        g_assert_cmpint(ccm_tdx_mrtd(image, size, f[0], CCM_TDX_PAGE_ORDER_PER_PAGE, NULL, NULL,
                                     sections, &n, mrtd, &err), ==, 0);
        if (strcmp(f[1], "cfv") == 0) {
            g_assert_cmpint(ccm_tdx_cfv_digest(image, size, sections, n, digest, &err), ==, 0);
        } else if (strcmp(f[1], "td-hob") == 0) {
            guint64 ram = g_ascii_strtoull(f[2], NULL, 10);
            if (ccm_tdx_td_hob_digest(sections, n, ram, digest, &err) < 0)
                g_error("%s", err.message);
        } else {
            const bool db = strcmp(f[2], "db") == 0 || strcmp(f[2], "dbx") == 0;
            /* These Debian varstores are empty: every variable is measured empty. */
            g_assert_cmpint(ccm_tdx_uefi_variable_digest(db ? image_security : efi_global, f[2],
                                                         NULL, 0, digest), ==, 0);
        }
        g_autofree char *got = hex(digest, sizeof(digest));
        g_test_message("%s %s %s: %s", f[0], f[1], f[2], got);
        if (strcmp(got, f[3]) != 0)
            g_error("%s %s %s: got %s, expected %s", f[0], f[1], f[2], got, f[3]);
        checked++;
    }
    g_assert_cmpuint(checked, ==, 24);
}

/* QEMU 7.2's real q35 blobs: the loader and RSDP rebuilt from the tables alone are
 * byte-identical, and the three RTMR0 "ACPI DATA" digests are the known ones. */
static void test_acpi(void)
{
    g_autoptr(GBytes) tables = load("acpi-qemu7.2-q35-2cpu-2G/etc_acpi_tables.bin");
    g_autoptr(GBytes) rsdp = load("acpi-qemu7.2-q35-2cpu-2G/etc_acpi_rsdp.bin");
    g_autoptr(GBytes) loader = load("acpi-qemu7.2-q35-2cpu-2G/etc_table-loader.bin");
    gsize size = 0;
    const uint8_t *t = g_bytes_get_data(tables, &size);
    uint8_t my_rsdp[CCM_ACPI_RSDP_SIZE], my_loader[CCM_ACPI_LOADER_SIZE];
    CcmError err = { 0 };

    if (ccm_tdx_acpi_derive(t, size, my_rsdp, my_loader, &err) < 0)
        g_error("%s", err.message);
    gsize n = 0;
    const void *want = g_bytes_get_data(rsdp, &n);
    g_assert_cmpmem(my_rsdp, sizeof(my_rsdp), want, n);
    want = g_bytes_get_data(loader, &n);
    g_assert_cmpmem(my_loader, sizeof(my_loader), want, n);

    static const struct {
        const char *file, *digest;
    } digests[] = {
        { "acpi-qemu7.2-q35-2cpu-2G/etc_table-loader.bin",
          "ae2561a3295148b13e912451d0338b960cadf6bcec704fb8fbfa4cee2254e9e444f9bc732e9cfc33c802da6d204f1a74" },
        { "acpi-qemu7.2-q35-2cpu-2G/etc_acpi_rsdp.bin",
          "23b71f23c7ce39cc48c1b7c9985c4fc4bd4cb50ffcd7fc8c80cc9754fb6a9044095caef65f3d75f9de708f101e36847f" },
        { "acpi-qemu7.2-q35-2cpu-2G/etc_acpi_tables.bin",
          "507daf131c610ce7a3bfc4d5dccc260ffc13fcd5731343f13bf54b53cab9ae11d67fcea07f277853325b051079b8cd6f" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(digests); i++) {
        g_autoptr(GBytes) b = load(digests[i].file);
        g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA384);
        gsize bn = 0;
        const guchar *bd = g_bytes_get_data(b, &bn);
        g_checksum_update(sum, bd, (gssize) bn);
        g_assert_cmpstr(g_checksum_get_string(sum), ==, digests[i].digest);
    }

    /* A blob cut inside a table, and one without an RSDT. */
    g_assert_cmpint(ccm_tdx_acpi_derive(t, 0x2100, my_rsdp, my_loader, &err), ==, -EBADMSG);
    g_assert_nonnull(strstr(err.message, "runs past the blob"));
    g_autofree uint8_t *copy = g_memdup2(t, size);
    memcpy(copy + 0x21d1, "XXXX", 4);
    g_assert_cmpint(ccm_tdx_acpi_derive(copy, size, my_rsdp, my_loader, &err), ==, -ENOTSUP);
    g_assert_nonnull(strstr(err.message, "no RSDT"));
}

/* dstack's CCEL log comes from a TD booted with trixie's firmware layout and 1 GiB: every
 * predicted RTMR0 event but the three ACPI blobs (dstack's QEMU) equals the logged one,
 * and with the logged ACPI digests the predicted RTMR0 is the replayed one. */
static void test_predict_rtmr0_against_ccel(void)
{
    g_autoptr(GBytes) fw = load("OVMF.trixie.fd");
    g_autoptr(GBytes) log = load("ccel.bin");
    gsize fw_size = 0, log_size = 0;
    const void *image = g_bytes_get_data(fw, &fw_size);
    const void *log_data = g_bytes_get_data(log, &log_size);
    CcmTdxEvent *events = NULL;
    size_t n_events = 0, n = 0;
    CcmTdxPredictedEvent predicted[CCM_TDX_MAX_PREDICTED];
    CcmError err = { 0 };

    g_assert_cmpint(ccm_tdx_event_log_parse(log_data, log_size, "ccel.bin", &events, &n_events,
                                            &err), ==, 0);
    g_assert_cmpint(ccm_tdx_predict_rtmr0(image, fw_size, "trixie", 1ull << 30,
                                          CCM_TDX_LAYOUT_EDK2_202411, NULL, predicted, &n, &err),
                    ==, 0);
    /* The logged RTMR0 events, in order. */
    CcmTdxEvent rtmr0[CCM_TDX_MAX_PREDICTED];
    size_t n0 = 0;
    for (size_t i = 0; i < n_events; i++)
        if (events[i].rtmr == 0)
            rtmr0[n0++] = events[i];
    g_assert_cmpuint(n0, ==, n);
    uint8_t acpi[3][CCM_SHA384_SIZE];
    size_t n_acpi = 0;
    for (size_t i = 0; i < n; i++) {
        g_assert_cmpuint(predicted[i].type, ==, rtmr0[i].type);
        g_autofree char *want = hex(rtmr0[i].digest, CCM_SHA384_SIZE);
        if (!predicted[i].known) {
            g_test_message("%-44s unknown (logged %s)", predicted[i].description, want);
            memcpy(acpi[n_acpi++], rtmr0[i].digest, CCM_SHA384_SIZE);
            continue;
        }
        g_autofree char *got = hex(predicted[i].digest, CCM_SHA384_SIZE);
        g_test_message("%-44s %s", predicted[i].description, got);
        g_assert_cmpstr(got, ==, want);
    }
    g_assert_cmpuint(n_acpi, ==, 3);

    /* With the ACPI digests, the predicted events replay to the log's RTMR0. */
    g_assert_cmpint(ccm_tdx_predict_rtmr0(image, fw_size, "trixie", 1ull << 30,
                                          CCM_TDX_LAYOUT_EDK2_202411,
                                          (const uint8_t (*)[CCM_SHA384_SIZE]) acpi, predicted,
                                          &n, &err), ==, 0);
    CcmTdxEvent as_events[CCM_TDX_MAX_PREDICTED] = { 0 };
    for (size_t i = 0; i < n; i++) {
        g_assert_true(predicted[i].known);
        memcpy(as_events[i].digest, predicted[i].digest, CCM_SHA384_SIZE);
    }
    uint8_t mine[4][CCM_SHA384_SIZE], theirs[4][CCM_SHA384_SIZE];
    g_assert_cmpint(ccm_tdx_replay(as_events, n, mine, &err), ==, 0);
    g_assert_cmpint(ccm_tdx_replay(events, n_events, theirs, &err), ==, 0);
    g_assert_cmpmem(mine[0], CCM_SHA384_SIZE, theirs[0], CCM_SHA384_SIZE);

    /* The older layout adds the ReadyToBoot separator to RTMR0. */
    g_assert_cmpint(ccm_tdx_predict_rtmr0(image, fw_size, "trixie", 1ull << 30,
                                          CCM_TDX_LAYOUT_EDK2_PRE_202411, NULL, predicted, &n,
                                          &err), ==, 0);
    g_assert_cmpuint(n, ==, n0 + 1);
    free(events);
}

static void test_kernel_digest(void)
{
    size_t size = 0;
    g_autofree uint8_t *k = fake_bzimage(&size);
    uint8_t a[CCM_SHA384_SIZE], b[CCM_SHA384_SIZE];
    CcmError err = { 0 };

    if (ccm_tdx_kernel_digest(k, size, 2ull << 30, -1, a, &err) < 0)
        g_error("%s", err.message);
    /* The checksum field is not hashed. */
    k[0x40 + 24 + 64] ^= 0xff;
    g_assert_cmpint(ccm_tdx_kernel_digest(k, size, 2ull << 30, -1, b, &err), ==, 0);
    g_assert_cmpmem(a, sizeof(a), b, sizeof(b));
    /* Section content is. */
    k[0x1800] ^= 1;
    g_assert_cmpint(ccm_tdx_kernel_digest(k, size, 2ull << 30, -1, b, &err), ==, 0);
    g_assert_true(memcmp(a, b, sizeof(a)) != 0);
    k[0x1800] ^= 1;
    /* QEMU's patch: the same kernel with an initrd hashes differently, and with a kernel
     * that can load the initrd above 4 GiB its place depends on low RAM only through the
     * clamp: 1 GiB and 2 GiB of low RAM put it at different addresses. */
    uint8_t c[CCM_SHA384_SIZE], d[CCM_SHA384_SIZE];
    g_assert_cmpint(ccm_tdx_kernel_digest(k, size, 1ull << 30, 1 << 20, c, &err), ==, 0);
    g_assert_cmpint(ccm_tdx_kernel_digest(k, size, 2ull << 30, 1 << 20, d, &err), ==, 0);
    g_assert_true(memcmp(a, c, sizeof(a)) != 0);
    g_assert_true(memcmp(c, d, sizeof(c)) != 0);
    /* The file is never changed. */
    g_assert_cmpuint(k[0x210], ==, 0);
    g_autofree char *version = ccm_tdx_kernel_version(k, size);
    g_assert_cmpstr(version, ==, "6.12.0-test");
    /* Not a bzImage. */
    k[0x202] = 'X';
    g_assert_cmpint(ccm_tdx_kernel_digest(k, size, 2ull << 30, -1, b, &err), ==, -EBADMSG);
    g_assert_nonnull(strstr(err.message, "HdrS"));
}

static void test_cmdline_digest(void)
{
    /* SHA-384 of UTF-16LE "a" + NUL, and of "a initrd=initrd" + NUL. */
    uint8_t got[CCM_SHA384_SIZE];
    g_assert_cmpint(ccm_tdx_cmdline_digest("a", 0, got), ==, 0);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA384);
    g_checksum_update(sum, (const guchar *) "a\0\0\0", 4);
    g_autofree char *h = hex(got, sizeof(got));
    g_assert_cmpstr(h, ==, g_checksum_get_string(sum));
    g_assert_cmpint(ccm_tdx_cmdline_digest("a", 1, got), ==, 0);
    const char *text = "a initrd=initrd";
    g_autoptr(GChecksum) sum2 = g_checksum_new(G_CHECKSUM_SHA384);
    for (const char *p = text; *p; p++)
        g_checksum_update(sum2, (const guchar *) (char[2]) { *p, 0 }, 2);
    g_checksum_update(sum2, (const guchar *) "\0\0", 2);
    g_autofree char *h2 = hex(got, sizeof(got));
    g_assert_cmpstr(h2, ==, g_checksum_get_string(sum2));
}

static char **split_line(char *line)
{
    return g_strsplit(line, "\t", -1);
}

int main(int argc, char **argv)
{
    GOptionEntry entries[] = {
        { "data", 0, 0, G_OPTION_ARG_FILENAME, &arg_data, "tests/data/tdx", "DIR" },
        { NULL },
    };
    g_test_init(&argc, &argv, NULL);
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_ignore_unknown_options(ctx, TRUE);
    if (!g_option_context_parse(ctx, &argc, &argv, NULL) || !arg_data)
        g_error("usage: test-tdx-vectors --data DIR");

    g_autofree char *path = g_build_filename(arg_data, "cases.tsv", NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        g_error("cannot read %s", path);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (**l == '#' || **l == '\0')
            continue;
        g_auto(GStrv) f = split_line(*l);
        if (g_strv_length(f) != 5)
            g_error("%s: a row without 5 columns: %s", path, *l);
        Case *c = g_new0(Case, 1);
        c->id = g_strdup(f[0]);
        c->firmware = g_strdup(f[1]);
        c->order = g_strdup(f[2]);
        c->mrtd = g_strdup(f[3]);
        c->source = g_strdup(f[4]);
        g_autofree char *name = g_strdup_printf("/tdx/mrtd/%s", c->id);
        g_test_add_data_func_full(name, c, test_case, NULL);
    }
    g_test_add_func("/tdx/orders-differ", test_orders_differ);
    g_test_add_func("/tdx/bad-images", test_bad_images);
    g_test_add_func("/tdx/ccel", test_ccel);
    g_test_add_func("/tdx/rtmr0-pieces", test_rtmr0_pieces);
    g_test_add_func("/tdx/acpi-loader-and-rsdp", test_acpi);
    g_test_add_func("/tdx/predict-rtmr0-vs-ccel", test_predict_rtmr0_against_ccel);
    g_test_add_func("/tdx/kernel-digest", test_kernel_digest);
    g_test_add_func("/tdx/cmdline-digest", test_cmdline_digest);
    g_test_add_func("/tdx/quote-report-replay", test_quote_report);
    g_test_add_func("/tdx/quote-lite-replay", test_quote_lite);
    return g_test_run();
}
