/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check-option-rom.c - the NIC option ROM's EFI driver event of real OVMF + swtpm boots
 *
 *   check-option-rom VTPM-DATA SOURCE-ROOT BUILD-ROOT
 *
 * For every capture VTPM-DATA/NAME/ (binary_bios_measurements, provenance.json), finds the
 * option ROM QEMU gave the NIC (provenance's nic_option_rom: path, sha256): the path as
 * is, under SOURCE-ROOT, or, for a path under some build folder's cache (_build/X/cache/),
 * under BUILD-ROOT's. It must have the recorded SHA-256. Then every PCR2 driver event
 * (EV_EFI_BOOT_SERVICES_DRIVER, EV_EFI_RUNTIME_SERVICES_DRIVER) must be one of
 * ccm_uefi_option_rom_drivers()'s x64 drivers, in order: the device path's Offset(start,
 * end) node, the image length and the SHA-256 and SHA-384 digests. A capture whose ROM is
 * not here is reported as skipped, by name; with none here at all the test is skipped.
 *
 * Then, for each ROM found, a robustness pass: the ROM truncated at many points and with
 * bits flipped across its EFI image must fail with a message or succeed, never crash
 * (run it under ASan/UBSan).
 *
 * Prints TAP; exits 1 on a difference, 77 when no capture's ROM is here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "ccm/measure.h"

#define PCR_DRIVERS 2u
#define EV_EFI_BOOT_SERVICES_DRIVER 0x80000004u
#define EV_EFI_RUNTIME_SERVICES_DRIVER 0x80000005u
#define MACHINE_X64 0x8664u
#define MAX_DRIVERS 8u

static int checks, failures, skipped;

static void report(bool ok, const char *name, const char *what)
{
    checks++;
    printf("%s %d - %s: %s\n", ok ? "ok" : "not ok", checks, name, what);
    if (!ok)
        failures++;
}

static uint64_t load_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

/* The Offset(start,end) node (media, relative offset range) and the image length of a
 * UEFI_IMAGE_LOAD_EVENT; false when the event data has none. */
static bool image_event(const CcmTcg2Event *ev, uint64_t *ret_start, uint64_t *ret_end,
                        uint64_t *ret_length)
{
    if (ev->data_size < 32)
        return false;
    uint64_t dp_size = load_le(ev->data + 24, 8);
    if (dp_size > ev->data_size - 32)
        return false;
    const uint8_t *p = ev->data + 32, *end = p + dp_size;
    while (end - p >= 4) {
        unsigned type = p[0], subtype = p[1], len = (unsigned) load_le(p + 2, 2);
        if (len < 4 || len > (size_t) (end - p))
            return false;
        if (type == 4 && subtype == 8 && len == 24) {
            *ret_start = load_le(p + 8, 8);
            *ret_end = load_le(p + 16, 8);
            *ret_length = load_le(ev->data + 8, 8);
            return true;
        }
        if (type == 0x7f)
            break;
        p += len;
    }
    return false;
}

static char *hex(const uint8_t *d, size_t n)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%02x", d[i]);
    return g_string_free(s, false);
}

/* The ROM of @prov's nic_option_rom with its recorded SHA-256, or NULL. */
static char *find_rom(json_object *prov, const char *source_root, const char *build_root,
                      gsize *ret_size, char **ret_where)
{
    json_object *rom = NULL, *path = NULL, *sha = NULL;
    if (!json_object_object_get_ex(prov, "nic_option_rom", &rom) ||
        !json_object_object_get_ex(rom, "path", &path) ||
        !json_object_object_get_ex(rom, "sha256", &sha))
        return NULL;
    const char *p = json_object_get_string(path), *want = json_object_get_string(sha);
    g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func(g_free);
    if (g_path_is_absolute(p)) {
        g_ptr_array_add(candidates, g_strdup(p));
    } else {
        g_ptr_array_add(candidates, g_build_filename(source_root, p, NULL));
        const char *cache = strstr(p, "/cache/");
        if (g_str_has_prefix(p, "_build/") && cache)
            g_ptr_array_add(candidates, g_build_filename(build_root, cache + 1, NULL));
    }
    for (guint i = 0; i < candidates->len; i++) {
        char *data = NULL;
        gsize size = 0;
        if (!g_file_get_contents(candidates->pdata[i], &data, &size, NULL))
            continue;
        g_autofree char *got = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                                           (const guchar *) data, size);
        if (strcmp(got, want) == 0) {
            *ret_size = size;
            *ret_where = g_strdup(candidates->pdata[i]);
            return data;
        }
        printf("# %s has SHA-256 %s, not the recorded %s\n", (char *) candidates->pdata[i],
               got, want);
        g_free(data);
    }
    *ret_where = g_strdup_printf("%s (sha256 %s)", p, want);
    return NULL;
}

static void check_capture(const char *dir, const char *source_root, const char *build_root)
{
    g_autofree char *name = g_path_get_basename(dir);
    g_autofree char *prov_path = g_build_filename(dir, "provenance.json", NULL);
    g_autofree char *log_path = g_build_filename(dir, "binary_bios_measurements", NULL);
    g_autofree char *log = NULL, *rom = NULL, *where = NULL;
    gsize log_size = 0, rom_size = 0;
    json_object *prov = json_object_from_file(prov_path);

    if (!prov || !g_file_get_contents(log_path, &log, &log_size, NULL)) {
        report(false, name, "cannot read provenance.json or binary_bios_measurements");
        json_object_put(prov);
        return;
    }
    rom = find_rom(prov, source_root, build_root, &rom_size, &where);
    json_object_put(prov);
    if (!rom) {
        checks++;
        skipped++;
        printf("ok %d - %s # SKIP the NIC option ROM is not here: %s\n", checks, name, where);
        return;
    }

    CcmUefiRomDriver all[MAX_DRIVERS], drivers[MAX_DRIVERS];
    size_t n_all = 0, n = 0, n_events = 0;
    CcmError error = { 0 };
    if (ccm_uefi_option_rom_drivers(rom, rom_size, all, MAX_DRIVERS, &n_all, &error) < 0) {
        g_autofree char *what = g_strdup_printf("%s: %s", where, error.message);
        report(false, name, what);
        return;
    }
    for (size_t i = 0; i < n_all; i++)
        if (all[i].machine == MACHINE_X64)
            drivers[n++] = all[i];

    CcmTcg2Event *events = NULL;
    size_t n_log = 0;
    if (ccm_tcg2_event_log_parse(log, log_size, log_path, &events, &n_log, &error) < 0) {
        report(false, name, error.message);
        return;
    }
    for (size_t i = 0; i < n_log; i++) {
        const CcmTcg2Event *ev = &events[i];
        if (ev->index != PCR_DRIVERS || (ev->type != EV_EFI_BOOT_SERVICES_DRIVER &&
                                         ev->type != EV_EFI_RUNTIME_SERVICES_DRIVER))
            continue;
        uint64_t start = 0, end = 0, length = 0;
        if (!image_event(ev, &start, &end, &length)) {
            report(false, name, "a PCR2 driver event without an Offset() device path node");
            continue;
        }
        if (n_events >= n) {
            g_autofree char *what = g_strdup_printf("PCR2 driver event Offset(0x%" G_GINT64_MODIFIER
                                                    "x,0x%" G_GINT64_MODIFIER "x) is not one "
                                                    "of the ROM's %zu x64 drivers",
                                                    start, end, n);
            report(false, name, what);
            n_events++;
            continue;
        }
        const CcmUefiRomDriver *d = &drivers[n_events++];
        uint32_t want_type = d->subsystem == 12 ? EV_EFI_RUNTIME_SERVICES_DRIVER
                                                : EV_EFI_BOOT_SERVICES_DRIVER;
        bool ok = start == d->start && end == d->end && length == d->image_size &&
                  ev->type == want_type && ev->has_sha256 && ev->has_sha384 &&
                  memcmp(ev->sha256, d->sha256, 32) == 0 &&
                  memcmp(ev->sha384, d->sha384, CCM_SHA384_SIZE) == 0;
        g_autofree char *log256 = hex(ev->sha256, 32), *ccm256 = hex(d->sha256, 32);
        g_autofree char *log384 = hex(ev->sha384, 8), *ccm384 = hex(d->sha384, 8);
        g_autofree char *what = g_strdup_printf(
            "PCR2 driver Offset(0x%" G_GINT64_MODIFIER "x,0x%" G_GINT64_MODIFIER "x) %"
            G_GUINT64_FORMAT " bytes sha256 %s sha384 %s…; ccm Offset(0x%x,0x%x) %u bytes "
            "sha256 %s sha384 %s… (%s, compression %u)",
            start, end, length, log256, log384, d->start, d->end, d->image_size, ccm256,
            ccm384, where, d->compression);
        report(ok, name, what);
    }
    free(events);
    if (n_events < n) {
        g_autofree char *what = g_strdup_printf("the log has %zu PCR2 driver events, the "
                                                "ROM %zu x64 drivers",
                                                n_events, n);
        report(false, name, what);
    }
}

/* Truncations and bit flips of @rom: each call fails with a message or succeeds. */
static void robustness(const char *where, const uint8_t *rom, size_t size)
{
    CcmUefiRomDriver drivers[MAX_DRIVERS];
    size_t n = 0;
    CcmError error = { 0 };
    if (ccm_uefi_option_rom_drivers(rom, size, drivers, MAX_DRIVERS, &n, &error) < 0 || n == 0)
        return;
    uint32_t start = drivers[0].start, end = drivers[0].end;
    g_autofree uint8_t *copy = g_memdup2(rom, size);
    unsigned runs = 0, failed_without_message = 0, rejected = 0;
    GRand *rand = g_rand_new_with_seed(0x0ef1);

    for (size_t cut = 0; cut < end + 1u; cut += 509, runs++) {
        error.message[0] = '\0';
        if (ccm_uefi_option_rom_drivers(copy, cut, drivers, MAX_DRIVERS, &n, &error) < 0) {
            rejected++;
            failed_without_message += error.message[0] == '\0';
        }
    }
    for (unsigned i = 0; i < 1500; i++, runs++) {
        /* A third of the flips in the first KiB: the headers and the code tables. */
        size_t span = end - start + 1;
        size_t at = start + (size_t) g_rand_int_range(rand, 0, (gint32) (i % 3 ? span
                                                                                : MIN(span, 0x400u)));
        uint8_t bit = (uint8_t) (1u << g_rand_int_range(rand, 0, 8));
        copy[at] ^= bit;
        error.message[0] = '\0';
        if (ccm_uefi_option_rom_drivers(copy, size, drivers, MAX_DRIVERS, &n, &error) < 0) {
            rejected++;
            failed_without_message += error.message[0] == '\0';
        }
        copy[at] ^= bit;
    }
    g_rand_free(rand);
    g_autofree char *what = g_strdup_printf("%u truncated or bit-flipped copies: %u rejected, "
                                            "every rejection explained",
                                            runs, rejected);
    report(failed_without_message == 0, where, what);
}

static int compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: check-option-rom VTPM-DATA SOURCE-ROOT BUILD-ROOT\n");
        return 2;
    }
    g_autoptr(GDir) dir = g_dir_open(argv[1], 0, NULL);
    if (!dir) {
        fprintf(stderr, "check-option-rom: cannot open %s\n", argv[1]);
        return 1;
    }
    g_autoptr(GPtrArray) captures = g_ptr_array_new_with_free_func(g_free);
    for (const char *e; (e = g_dir_read_name(dir));) {
        char *path = g_build_filename(argv[1], e, NULL);
        g_autofree char *prov = g_build_filename(path, "provenance.json", NULL);
        if (g_file_test(prov, G_FILE_TEST_EXISTS))
            g_ptr_array_add(captures, path);
        else
            g_free(path);
    }
    g_ptr_array_sort(captures, compare_paths);
    for (guint i = 0; i < captures->len; i++)
        check_capture(captures->pdata[i], argv[2], argv[3]);

    /* The robustness pass, once per distinct ROM. */
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < captures->len; i++) {
        g_autofree char *prov_path = g_build_filename(captures->pdata[i], "provenance.json",
                                                      NULL);
        json_object *prov = json_object_from_file(prov_path);
        g_autofree char *where = NULL;
        gsize size = 0;
        g_autofree char *rom = prov ? find_rom(prov, argv[2], argv[3], &size, &where) : NULL;
        json_object_put(prov);
        if (!rom || g_hash_table_contains(seen, where))
            continue;
        robustness(where, (const uint8_t *) rom, size);
        g_hash_table_add(seen, g_steal_pointer(&where));
    }

    printf("1..%d\n", checks);
    if (skipped)
        printf("# %d of %u captures skipped: their NIC option ROM is not here\n", skipped,
               captures->len);
    if (failures)
        return 1;
    return skipped == checks ? 77 : 0;
}
