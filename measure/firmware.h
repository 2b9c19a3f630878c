/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* firmware.h - a parsed firmware image (CcmFirmware), shared by every guest that boots it */
#pragma once

#include <glib.h>

#include "ccm/measure.h"
#include "digest.h"
#include "mapped-file.h"
#include "ovmf-table.h"
#include "sev-metadata.h"

/* Larger than any x86 flash/BIOS region; anything bigger is not a firmware image. */
#define CCM_FIRMWARE_MAX_SIZE (UINT64_C(64) << 20)

struct CcmFirmware {
    gint refcount;
    char *name;
    CcmMappedFile *file;   /* the mapped image, or NULL when data is owned_data */
    uint8_t *owned_data;
    const uint8_t *data;
    size_t size;
    CcmOvmfTable table;
    CcmSevInfo sev;

    /* Work done once and shared by every guest (ccm_firmware_snp_digest(), ...). */
    GMutex lock;
    bool have_snp_digest;
    uint8_t snp_digest[CCM_SHA384_SIZE];
    bool have_sev_prefix;
    CcmHasher sev_prefix; /* SHA-256 state after the firmware bytes */
};

/* Sets @ret (initialised with ccm_hasher_init for SHA-256) to the state after the
 * firmware bytes, hashing them on first use. */
int ccm_firmware_sev_prefix(CcmFirmware *firmware, CcmHasher *ret, CcmError *reterr);
