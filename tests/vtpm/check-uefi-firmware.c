/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check-uefi-firmware.c - PCR0's firmware events of every recorded vTPM boot against
 * libccm-measure
 *
 *   check-uefi-firmware VTPM-DATA QEMU-CACHE
 *
 * For each capture of VTPM-DATA (tests/data/vtpm) whose OVMF CODE image is on this machine
 * (its provenance.json names it: a system path, or one below tests/qemu/fetch-qemu's cache,
 * looked up in QEMU-CACHE) and still has the recorded SHA-256, the first three PCR0 events
 * of its log must be, event for event, SHA-256 and SHA-384 bank, what ccm predicts:
 *   EV_S_CRTM_VERSION: the build's version string (provenance s_crtm_version);
 *   EV_EFI_PLATFORM_FIRMWARE_BLOB: PEIFV, then DXEFV (ccm_uefi_firmware_volumes()):
 *     base and length in the event data, and the digests.
 * A capture whose image is not here is a skip that says so. PEIFV is hashed in RAM after
 * PEIMs ran from it: for the builds below, some wrote their global variables into it
 * first, so its digest is not the decoded volume's (a TODO: that it still differs is
 * expected, that it matches is a failure, so the table stays true).
 * Prints TAP; exits 1 on a difference, 77 when no capture could be checked.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "ccm/measure.h"

#define EV_SEPARATOR 0x4u
#define EV_S_CRTM_VERSION 0x8u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB 0x80000008u

/*
 * The CODE images (SHA-256) whose PEIMs write into PEIFV before Tcg2Pei measures it, as
 * seen in a memory dump taken when Tcg2Pei read PEIFV's last byte, against the decoded
 * volume. The values depend on the machine: RAM size, QEMU release, fw_cfg files.
 */
static const struct {
    const char *sha256;
    const char *writes;
} peifv_written[] = {
    { "b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c",
      "bookworm 2022.11: PlatformPei's globals (host bridge, address width, RAM layout)" },
    { "d50189a486d22af418198226a3a5bcb6ddac775590f6a808bd629474ee034d62",
      "bookworm 2022.11 secboot: PlatformPei's globals (host bridge, address width, RAM "
      "layout)" },
    { "624e06de18b4fa535e90db7160d00d3d07d206422b89999bf1e27d920264e4e0",
      "trixie 2025.02: two bytes of the PEI core's data" },
    { "1a46295574430cfb7f825ee3e4dc64b052acbef08e310377ed7c64cb757a9dc1",
      "trixie 2025.02 secboot: the PEI core's data and PlatformPei's SMM relocation values "
      "(SMBASE, CR3, stack)" },
    { "b3cdbd705066cdf2bb0c0b40b77c341dc2a19e0db56c9af0a54fa1737ff3ee5b",
      "sid 2026.08 secboot: PlatformPei's SMM relocation values (SMBASE, CR3, stack)" },
};

static int checks, failures;

static void tap(bool ok, const char *todo, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void tap(bool ok, const char *todo, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *what = g_strdup_vprintf(format, ap);
    va_end(ap);
    checks++;
    printf("%s %d - %s%s%s\n", ok ? "ok" : "not ok", checks, what, todo ? " # TODO " : "",
           todo ? todo : "");
    if (!ok && !todo)
        failures++;
}

static const char *get_str(json_object *o, const char *a, const char *b)
{
    json_object *x = NULL, *y = NULL;
    if (!json_object_object_get_ex(o, a, &x) || !json_object_object_get_ex(x, b, &y))
        return NULL;
    return json_object_get_string(y);
}

static const char *get_str3(json_object *o, const char *a, const char *b, const char *c)
{
    json_object *x = NULL;
    if (!json_object_object_get_ex(o, a, &x))
        return NULL;
    return get_str(x, b, c);
}

/* The CODE image a capture names, here: its path, or the same file below @qemu_cache. */
static char *firmware_path(const char *recorded, const char *qemu_cache)
{
    if (g_path_is_absolute(recorded))
        return g_strdup(recorded);
    const char *rest = strstr(recorded, "cache/qemu/");
    if (rest)
        return g_build_filename(qemu_cache, rest + strlen("cache/qemu/"), NULL);
    return g_strdup(recorded);
}

static bool digests_equal(const CcmTcg2Event *e, const uint8_t *sha256, const uint8_t *sha384)
{
    return e->has_sha256 && e->has_sha384 && memcmp(e->sha256, sha256, CCM_SHA256_SIZE) == 0 &&
           memcmp(e->sha384, sha384, CCM_SHA384_SIZE) == 0;
}

static char *short_hex(const uint8_t *d)
{
    return g_strdup_printf("%02x%02x%02x%02x…", d[0], d[1], d[2], d[3]);
}

/* Checks one capture; false when it was skipped. */
static bool check_capture(const char *dir, const char *name, const char *qemu_cache)
{
    g_autofree char *prov_path = g_build_filename(dir, "provenance.json", NULL);
    g_autofree char *log_path = g_build_filename(dir, "binary_bios_measurements", NULL);
    json_object *prov = json_object_from_file(prov_path);
    const char *recorded = get_str3(prov, "firmware", "code", "path");
    const char *want_sha = get_str3(prov, "firmware", "code", "sha256");
    json_object *fw = NULL, *ver = NULL;
    const char *version = NULL;
    if (prov && json_object_object_get_ex(prov, "firmware", &fw) &&
        json_object_object_get_ex(fw, "s_crtm_version", &ver))
        version = json_object_get_string(ver);
    g_autofree char *log = NULL;
    gsize log_size = 0;
    if (!recorded || !want_sha || !version ||
        !g_file_get_contents(log_path, &log, &log_size, NULL)) {
        tap(false, NULL, "%s: provenance.json names the CODE image, its SHA-256 and "
                         "s_crtm_version, and the log is readable",
            name);
        json_object_put(prov);
        return true;
    }
    g_autofree char *path = firmware_path(recorded, qemu_cache);
    g_autofree char *code = NULL;
    gsize code_size = 0;
    if (!g_file_get_contents(path, &code, &code_size, NULL)) {
        printf("ok %d - %s # SKIP its firmware %s is not on this machine (fetch it with "
               "tests/qemu/fetch-qemu)\n",
               ++checks, name, path);
        json_object_put(prov);
        return false;
    }
    g_autofree char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *) code,
                                                       code_size);
    if (strcmp(sha, want_sha) != 0) {
        printf("ok %d - %s # SKIP %s is not the image it booted (SHA-256 %s, recorded %s)\n",
               ++checks, name, path, sha, want_sha);
        json_object_put(prov);
        return false;
    }
    const char *todo = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(peifv_written); i++)
        if (strcmp(peifv_written[i].sha256, sha) == 0)
            todo = peifv_written[i].writes;
    printf("# %s: %s, version '%s'\n", name, path, version);

    CcmTcg2Event *events = NULL;
    size_t n = 0;
    CcmError error = { 0 };
    if (ccm_tcg2_event_log_parse(log, log_size, log_path, &events, &n, &error) < 0) {
        tap(false, NULL, "%s: the log parses (%s)", name, error.message);
        json_object_put(prov);
        return true;
    }
    const CcmTcg2Event *pcr0[3] = { NULL };
    size_t k = 0;
    for (size_t i = 0; i < n && k < 3; i++)
        if (events[i].index == 0 && events[i].type != EV_SEPARATOR)
            pcr0[k++] = &events[i];

    /* 0: the version string, UTF-16LE with its NUL. */
    uint8_t sha256[CCM_SHA256_SIZE], sha384[CCM_SHA384_SIZE];
    glong units = 0;
    g_autofree gunichar2 *utf16 = g_utf8_to_utf16(version, -1, NULL, &units, NULL);
    int r = ccm_uefi_crtm_version_digest(version, sha256, sha384);
    bool data_ok = pcr0[0] && utf16 && pcr0[0]->data_size == 2 * ((size_t) units + 1);
    for (size_t i = 0; data_ok && i <= (size_t) units; i++)
        data_ok = pcr0[0]->data[2 * i] == (uint8_t) utf16[i] &&
                  pcr0[0]->data[2 * i + 1] == (uint8_t) (utf16[i] >> 8);
    tap(r == 0 && pcr0[0] && pcr0[0]->type == EV_S_CRTM_VERSION && data_ok &&
            digests_equal(pcr0[0], sha256, sha384),
        NULL, "%s: PCR0 event 0 EV_S_CRTM_VERSION '%s' (data, SHA-256, SHA-384)", name,
        version);

    /* 1, 2: the volumes. */
    CcmUefiFirmwareBlob blobs[CCM_UEFI_FIRMWARE_BLOBS];
    size_t nb = 0;
    r = ccm_uefi_firmware_volumes(code, code_size, blobs, CCM_UEFI_FIRMWARE_BLOBS, &nb, &error);
    if (r < 0) {
        tap(false, NULL, "%s: ccm_uefi_firmware_volumes(): %s", name, error.message);
        nb = 0;
    }
    for (size_t i = 0; i < nb; i++) {
        const CcmTcg2Event *e = pcr0[i + 1];
        uint8_t data[16];
        for (int b = 0; b < 8; b++) {
            data[b] = (uint8_t) (blobs[i].base >> (8 * b));
            data[8 + b] = (uint8_t) (blobs[i].length >> (8 * b));
        }
        bool is_blob = e && e->type == EV_EFI_PLATFORM_FIRMWARE_BLOB;
        tap(is_blob && e->data_size == 16 && memcmp(e->data, data, 16) == 0, NULL,
            "%s: PCR0 event %zu %s event data: 0x%" G_GINT64_MODIFIER "x bytes at 0x%"
            G_GINT64_MODIFIER "x",
            name, i + 1, blobs[i].name, (guint64) blobs[i].length, (guint64) blobs[i].base);
        bool same = is_blob && digests_equal(e, blobs[i].sha256, blobs[i].sha384);
        g_autofree char *got = e ? short_hex(e->sha256) : g_strdup("(none)");
        g_autofree char *want = short_hex(blobs[i].sha256);
        tap(same, blobs[i].runs_in_place ? todo : NULL,
            "%s: PCR0 event %zu %s SHA-256 and SHA-384 (log %s, ccm %s)", name, i + 1,
            blobs[i].name, got, want);
    }
    free(events);
    json_object_put(prov);
    return true;
}

static int by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: check-uefi-firmware VTPM-DATA QEMU-CACHE\n");
        return 2;
    }
    g_autoptr(GError) gerror = NULL;
    g_autoptr(GDir) d = g_dir_open(argv[1], 0, &gerror);
    if (!d) {
        fprintf(stderr, "check-uefi-firmware: %s\n", gerror->message);
        return 2;
    }
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *entry;
    while ((entry = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(argv[1], entry, "provenance.json", NULL);
        if (g_file_test(p, G_FILE_TEST_EXISTS))
            g_ptr_array_add(names, g_strdup(entry));
    }
    g_ptr_array_sort(names, by_name);
    size_t checked = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *dir = g_build_filename(argv[1], name, NULL);
        checked += check_capture(dir, name, argv[2]);
    }
    printf("# %zu of %u captures checked\n", checked, names->len);
    printf("1..%d\n", checks);
    if (checked == 0)
        return 77;
    return failures ? 1 : 0;
}
