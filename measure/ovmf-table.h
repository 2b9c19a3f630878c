/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ovmf-table.h - the GUIDed table at the end of an OVMF image */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ccm/measure.h"
#include "guid.h"

#define CCM_OVMF_TABLE_MAX_ENTRIES 64

typedef struct CcmOvmfTableEntry {
    const uint8_t *guid;  /* 16 bytes, stored form */
    const uint8_t *data;
    size_t size;
    size_t offset;        /* file offset of data */
} CcmOvmfTableEntry;

typedef struct CcmOvmfTable {
    CcmOvmfTableEntry entries[CCM_OVMF_TABLE_MAX_ENTRIES];
    size_t n_entries;
} CcmOvmfTable;

/**
 * ccm_ovmf_table_parse() - walk the footer table of @image
 * @name: image name for messages
 *
 * Entries point into @image. Return: 0, or -EBADMSG with a message naming @name.
 */
int ccm_ovmf_table_parse(const uint8_t *image, size_t size, const char *name,
                         CcmOvmfTable *ret, CcmError *reterr);

/* The first entry (walking back from the footer, as QEMU does) with @guid, or NULL. */
const CcmOvmfTableEntry *ccm_ovmf_table_find(const CcmOvmfTable *table, const CcmGuid *guid);
