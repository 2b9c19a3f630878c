/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-smbios.c - the SMBIOS table event OVMF logs at ReadyToBoot (edk2-stable202505 on)
 *
 * OVMF installs QEMU's SMBIOS structures (fw_cfg etc/smbios/smbios-tables, up to QEMU's
 * end-of-table), then its own BIOS information (type 0) when QEMU sent none, and SMBIOS
 * ends the table with a type-127 structure. SmbiosMeasurementDxe hashes a copy of that
 * table in which the fields that change from boot to boot or machine to machine are
 * blanked (docs/edk2-202505-events.md §3.8): OEM types and types 11, 15, 18, 31 and 33
 * keep only their header; listed fields of other types are zeroed, and listed strings
 * become spaces with their index set to 0. The event is EV_EFI_HANDOFF_TABLES in PCR1
 * (RTMR0 for a TD).
 *
 * OVMF's type 0 (measured on real boots): length 0x1a, handle 0 (the first free one),
 * strings vendor, version and release date, BIOS segment 0xE800, characteristics "not
 * supported" (bit 3), extension byte 2 = 0x1c (virtual machine, UEFI, target content
 * distribution), releases 0.0, embedded controller 0xff.0xff.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "ccm/measure.h"
#include "digest.h"
#include "error.h"

#define MAX_TABLE (64u * 1024u)
#define TYPE_END 127

typedef struct Field {
    uint8_t offset, size; /* size 0: a string index */
} Field;

typedef struct TypeFields {
    uint8_t type;
    uint8_t n;
    Field fields[11];
} TypeFields;

static const TypeFields blanked[] = {
    { 1, 3, { { 0x07, 0 }, { 0x08, 16 }, { 0x18, 1 } } },
    { 2, 2, { { 0x07, 0 }, { 0x0a, 0 } } },
    { 3, 2, { { 0x07, 0 }, { 0x08, 0 } } },
    { 4, 11, { { 0x11, 1 }, { 0x16, 2 }, { 0x20, 0 }, { 0x21, 0 }, { 0x22, 0 }, { 0x23, 1 },
               { 0x24, 1 }, { 0x25, 1 }, { 0x2a, 2 }, { 0x2c, 2 }, { 0x2e, 2 } } },
    { 17, 3, { { 0x18, 0 }, { 0x19, 0 }, { 0x1a, 0 } } },
    { 22, 3, { { 0x07, 0 }, { 0x10, 2 }, { 0x12, 2 } } },
    { 23, 1, { { 0x05, 2 } } },
    { 27, 1, { { 0x0c, 2 } } },
    { 39, 3, { { 0x08, 0 }, { 0x09, 0 }, { 0x0a, 0 } } },
};

/* The size of the structure at @s (formatted part and strings), or 0 when it runs past
 * @avail or is shorter than its header. */
static size_t structure_size(const uint8_t *s, size_t avail)
{
    if (avail < 4 || s[1] < 4 || s[1] > avail)
        return 0;
    for (size_t i = s[1]; i + 1 < avail; i++)
        if (s[i] == 0 && s[i + 1] == 0)
            return i + 2;
    return 0;
}

/* Overwrites string @index (1-based) of the structure at @s with spaces. */
static void blank_string(uint8_t *s, size_t size, uint8_t index)
{
    size_t p = s[1];
    for (uint8_t k = 1; k < index && p < size; k++)
        p += strnlen((const char *) s + p, size - p) + 1;
    for (; p < size && s[p] != 0; p++)
        s[p] = ' ';
}

static void filter(uint8_t *s, size_t size)
{
    uint8_t type = s[0], length = s[1];
    if (type >= 128 || type == 11 || type == 15 || type == 18 || type == 31 || type == 33) {
        memset(s + 4, 0, size - 4);
        return;
    }
    for (size_t t = 0; t < sizeof(blanked) / sizeof(blanked[0]); t++) {
        if (blanked[t].type != type)
            continue;
        for (uint8_t f = 0; f < blanked[t].n; f++) {
            const Field *field = &blanked[t].fields[f];
            if (field->size == 0) {
                if (length >= field->offset + 1 && s[field->offset] != 0) {
                    blank_string(s, size, s[field->offset]);
                    s[field->offset] = 0;
                }
            } else if (length >= field->offset + field->size) {
                memset(s + field->offset, 0, field->size);
            }
        }
    }
}

/* Appends OVMF's type 0 with @vendor, @version and @date to @out at *@n. */
static int append_type0(uint8_t *out, size_t *n, const char *vendor, const char *version,
                        const char *date, CcmError *reterr)
{
    static const uint8_t formatted[0x1a] = {
        0x00, 0x1a, 0x00, 0x00, /* type 0, length, handle 0 */
        1, 2, 0x00, 0xe8, 3, 0, /* vendor, version, segment 0xE800, date, ROM size */
        0x08, 0, 0, 0, 0, 0, 0, 0, /* characteristics: not supported */
        0x00, 0x1c,             /* extension bytes */
        0, 0, 0xff, 0xff,       /* BIOS release, embedded controller release */
        0x00, 0x00,             /* extended ROM size */
    };
    const char *strings[] = { vendor, version, date };
    for (size_t i = 0; i < 3; i++) {
        if (!strings[i] || !*strings[i])
            return ccm_error_set(reterr, -EINVAL, "SMBIOS: OVMF adds a type 0, and the "
                                                  "firmware's type-0 strings (vendor, version, "
                                                  "date) are not all given");
    }
    memcpy(out + *n, formatted, sizeof(formatted));
    *n += sizeof(formatted);
    for (size_t i = 0; i < 3; i++) {
        size_t len = strlen(strings[i]) + 1;
        memcpy(out + *n, strings[i], len);
        *n += len;
    }
    out[(*n)++] = 0;
    return 0;
}

int ccm_uefi_smbios_digest(const void *qemu_tables, size_t size, const char *vendor,
                           const char *version, const char *date, uint8_t *ret_sha256,
                           uint8_t *ret_sha384, CcmError *reterr)
{
    static const uint8_t end[] = { TYPE_END, 4, 0xff, 0xfe, 0, 0 };
    const uint8_t *in = qemu_tables;
    if (!in || size == 0 || size > MAX_TABLE)
        return ccm_error_set(reterr, -EINVAL, "etc/smbios/smbios-tables: %zu bytes, expected "
                                              "1 to %u", size, MAX_TABLE);
    /* QEMU's structures, OVMF's type 0 and the end. */
    size_t strings = (vendor ? strlen(vendor) : 0) + (version ? strlen(version) : 0) +
                     (date ? strlen(date) : 0);
    if (strings > 3 * 255)
        return ccm_error_set(reterr, -EINVAL, "SMBIOS type 0: strings longer than 255 bytes");
    g_autofree uint8_t *table = g_malloc(size + 0x1a + strings + 4 + sizeof(end));
    size_t n = 0, off = 0;
    int has_type0 = 0, ended = 0;
    while (off < size) {
        size_t len = structure_size(in + off, size - off);
        if (len == 0)
            return ccm_error_set(reterr, -EINVAL, "etc/smbios/smbios-tables: the structure "
                                                  "at offset %zu runs past the end or is "
                                                  "shorter than its header", off);
        if (in[off] == TYPE_END) {
            ended = 1;
            break;
        }
        has_type0 |= in[off] == 0;
        memcpy(table + n, in + off, len);
        filter(table + n, len);
        n += len;
        off += len;
    }
    if (!ended)
        return ccm_error_set(reterr, -EINVAL, "etc/smbios/smbios-tables: no end-of-table "
                                              "(type 127) structure");
    if (!has_type0) {
        size_t at = n;
        int r = append_type0(table, &n, vendor, version, date, reterr);
        if (r < 0)
            return r;
        filter(table + at, n - at);
    }
    memcpy(table + n, end, sizeof(end));
    n += sizeof(end);
    int r = ccm_digest_once(CCM_HASH_SHA384, table, n, ret_sha384);
    if (r == 0 && ret_sha256)
        r = ccm_digest_once(CCM_HASH_SHA256, table, n, ret_sha256);
    if (r < 0)
        return ccm_error_set(reterr, r, "SMBIOS table digest failed");
    return 0;
}
