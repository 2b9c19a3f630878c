/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-metadata.h - what an OVMF image tells the VMM about SEV: reset block, sections, areas */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ccm/measure.h"
#include "ovmf-table.h"

#define CCM_SEV_MAX_SECTIONS 64

typedef struct CcmSevInfo {
    bool has_reset_block;
    uint32_t reset_address;      /* SEV-ES AP reset address */
    bool has_hash_table_block;
    uint32_t hash_table_base;    /* kernel-hashes table area; base 0 = none */
    uint32_t hash_table_size;
    bool has_secret_block;
    uint32_t secret_base;
    uint32_t secret_size;
    bool has_metadata;
    size_t n_sections;
    CcmSevSection sections[CCM_SEV_MAX_SECTIONS];
} CcmSevInfo;

/**
 * ccm_sev_info_parse() - read the SEV entries of an OVMF footer table
 *
 * Missing entries are not errors here (callers decide what a platform needs); a
 * present but malformed entry or metadata table is, with -EBADMSG.
 */
int ccm_sev_info_parse(const uint8_t *image, size_t size, const CcmOvmfTable *table,
                       const char *name, CcmSevInfo *ret, CcmError *reterr);
