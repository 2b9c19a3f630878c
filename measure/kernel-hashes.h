/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kernel-hashes.h - the table QEMU writes for measured direct boot (kernel-hashes=on) */
#pragma once

#include <stdint.h>

#include "ccm/measure.h"

/* 168 bytes of table, padded to a multiple of 16. */
#define CCM_KERNEL_HASHES_TABLE_SIZE 176

typedef struct CcmKernelHashes {
    uint8_t cmdline[CCM_SHA256_SIZE];
    uint8_t initrd[CCM_SHA256_SIZE];
    uint8_t kernel[CCM_SHA256_SIZE];
} CcmKernelHashes;

/* Entry names in table order: "cmdline", "initrd", "kernel". */
extern const char *const ccm_kernel_hashes_entry_names[3];

void ccm_kernel_hashes_table(const CcmKernelHashes *hashes, uint8_t *ret_table);
