/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* firmware-fixture.h - test helpers: load a fixture image, patch it, parse it from memory */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ccm/measure.h"

/* The 4 KiB AmdSev OVMF tail (kernel hashes, 7 sections) from tests/data/snp. */
static inline GBytes *fixture_load(const char *name)
{
    g_autofree char *path =
        g_test_build_filename(G_TEST_DIST, "..", "data", "snp", "fixtures-sev-snp-measure", name,
                              NULL);
    g_autoptr(GError) error = NULL;
    char *data = NULL;
    gsize size = 0;

    if (!g_file_get_contents(path, &data, &size, &error))
        g_error("%s", error->message);
    return g_bytes_new_take(data, size);
}

static inline void fixture_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static inline uint32_t fixture_le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
           (uint32_t) p[3] << 24;
}

/* Offset of the data of the footer-table entry whose GUID starts with @guid_first_u32. */
static inline size_t fixture_find_entry(const uint8_t *img, size_t size, uint32_t guid_first_u32)
{
    size_t end = size - 32 - 18;
    size_t total = img[size - 50] | img[size - 49] << 8;
    size_t start = size - 32 - total;
    size_t pos = end;

    while (pos > start) {
        size_t len = img[pos - 18] | img[pos - 17] << 8;
        if (fixture_le32(img + pos - 16) == guid_first_u32)
            return pos - len;
        pos -= len;
    }
    g_error("fixture has no entry %08x", guid_first_u32);
}

#define GUID_RESET_BLOCK 0x00f771deu
#define GUID_METADATA_OFFSET 0xdc886566u
#define GUID_HASH_TABLE 0x7255371fu
#define GUID_FOOTER 0x96b582deu

#define FIXTURE_GUID_RESET_BLOCK "00f771de-1a7e-4fcb-890e-68c77e2fb44e"
#define FIXTURE_GUID_METADATA_OFFSET "dc886566-984a-4798-a75e-5585a7bf67cc"
#define FIXTURE_GUID_HASH_TABLE "7255371f-3a3b-4b04-927b-1da6efa8d454"
#define FIXTURE_GUID_FOOTER "96b582de-1fb2-45f7-baea-a366c55a082d"

/* The stored (EFI mixed-endian) form of a GUID given in text. */
static inline void fixture_guid(const char *text, uint8_t *out)
{
    unsigned v[11];
    g_assert_cmpint(sscanf(text, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &v[0], &v[1], &v[2],
                           &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10]),
                    ==, 11);
    fixture_put_le32(out, v[0]);
    out[4] = (uint8_t) v[1];
    out[5] = (uint8_t) (v[1] >> 8);
    out[6] = (uint8_t) v[2];
    out[7] = (uint8_t) (v[2] >> 8);
    for (int i = 0; i < 8; i++)
        out[8 + i] = (uint8_t) v[3 + i];
}

typedef struct FixtureEntry {
    const char *guid;
    const uint8_t *data;
    size_t size;
} FixtureEntry;

/* A zero-filled image of @size bytes whose footer table holds @entries (first =
 * nearest the footer). */
static inline GBytes *fixture_build_at(size_t size, const FixtureEntry *entries, size_t n,
                                       size_t *ret_offsets)
{
    uint8_t *img = g_malloc0(size);
    size_t pos = size - 32 - 18;

    fixture_guid(FIXTURE_GUID_FOOTER, img + size - 48);
    for (size_t i = 0; i < n; i++) {
        size_t len = entries[i].size + 18;
        fixture_guid(entries[i].guid, img + pos - 16);
        img[pos - 18] = (uint8_t) len;
        img[pos - 17] = (uint8_t) (len >> 8);
        memcpy(img + pos - len, entries[i].data, entries[i].size);
        if (ret_offsets)
            ret_offsets[i] = pos - len;
        pos -= len;
    }
    size_t total = size - 32 - pos;
    img[size - 50] = (uint8_t) total;
    img[size - 49] = (uint8_t) (total >> 8);
    return g_bytes_new_take(img, size);
}

static inline GBytes *fixture_build(size_t size, const FixtureEntry *entries, size_t n)
{
    return fixture_build_at(size, entries, n, NULL);
}

/* Parse @data; returns the error code (0 on success) and fills @error. */
static inline int fixture_parse(const uint8_t *data, size_t size, CcmFirmware **ret,
                                CcmError *error)
{
    return ccm_firmware_new_from_data(data, size, "test.fd", ret, error);
}
