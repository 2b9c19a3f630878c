/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ovmf-table.c - the GUIDed table at the end of an OVMF image
 *
 * Theory of operation: OVMF's reset vector area ends with a table of GUID-tagged
 * entries that the VMM reads before the guest runs. The table's own footer entry sits
 * 32 bytes before the end of the image: its GUID at [size-48, size-32) and, just below
 * it, a u16 with the length of the whole table including that footer. Every entry is
 * laid out as data, then a u16 length (data + 18), then its GUID, with the GUID at the
 * entry's high end, so the table is walked from the footer downwards.
 */
#include <errno.h>

#include "bytes.h"
#include "error.h"
#include "ovmf-table.h"

#define FOOTER_TRAILER 32 /* bytes after the footer GUID: the reset vector and padding */
#define ENTRY_HEADER 18   /* u16 length + GUID */

static const CcmGuid footer_guid =
    CCM_GUID_INIT(0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d);

int ccm_ovmf_table_parse(const uint8_t *image, size_t size, const char *name,
                         CcmOvmfTable *ret, CcmError *reterr)
{
    if (size < FOOTER_TRAILER + ENTRY_HEADER)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: truncated firmware image: %zu bytes, too small to hold the "
                             "OVMF footer table",
                             name, size);

    size_t footer = size - FOOTER_TRAILER; /* end of the footer entry */
    if (!ccm_guid_equal_bytes(&footer_guid, image + footer - 16))
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: no OVMF footer table (GUID 96b582de-1fb2-45f7-baea-"
                             "a366c55a082d expected 48 bytes before the end): not an OVMF "
                             "image, or a truncated one",
                             name);

    size_t total = ccm_load_le16(image + footer - ENTRY_HEADER);
    if (total < ENTRY_HEADER || total > footer)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: corrupt OVMF footer table: length %zu does not fit the "
                             "%zu-byte image",
                             name, total, size);

    CcmOvmfTable table = { .n_entries = 0 };
    size_t start = footer - total;
    size_t pos = footer - ENTRY_HEADER; /* the footer's own entry has no data */

    while (pos > start) {
        if (pos - start < ENTRY_HEADER)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: corrupt OVMF footer table: %zu stray bytes at file "
                                 "offset 0x%zx",
                                 name, pos - start, start);
        size_t len = ccm_load_le16(image + pos - ENTRY_HEADER);
        if (len < ENTRY_HEADER || len > pos - start)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: corrupt OVMF footer table: entry at file offset 0x%zx "
                                 "has length %zu, expected 18 to %zu",
                                 name, pos - 16, len, pos - start);
        if (table.n_entries == CCM_OVMF_TABLE_MAX_ENTRIES)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: corrupt OVMF footer table: more than %d entries", name,
                                 CCM_OVMF_TABLE_MAX_ENTRIES);

        table.entries[table.n_entries++] = (CcmOvmfTableEntry) {
            .guid = image + pos - 16,
            .data = image + pos - len,
            .size = len - ENTRY_HEADER,
            .offset = pos - len,
        };
        pos -= len;
    }

    *ret = table;
    return 0;
}

const CcmOvmfTableEntry *ccm_ovmf_table_find(const CcmOvmfTable *table, const CcmGuid *guid)
{
    for (size_t i = 0; i < table->n_entries; i++)
        if (ccm_guid_equal_bytes(guid, table->entries[i].guid))
            return &table->entries[i];
    return NULL;
}
