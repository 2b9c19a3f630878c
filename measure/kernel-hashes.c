/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel-hashes.c - the table QEMU writes for measured direct boot
 *
 * With kernel-hashes=on QEMU hashes the -append string (with its terminating NUL),
 * the -initrd file and the -kernel file with SHA-256 and writes a small GUIDed table
 * into the firmware's hash-table area; OVMF later checks the files it loads against
 * it. The table is: its GUID, a u16 length of 168, then three entries of GUID, u16
 * length 50 and the SHA-256, in the order cmdline, initrd, kernel; it is padded with
 * zeros to 176 bytes.
 */
#include <string.h>

#include "bytes.h"
#include "guid.h"
#include "kernel-hashes.h"

#define TABLE_LENGTH 168
#define ENTRY_LENGTH 50

static const CcmGuid table_guid =
    CCM_GUID_INIT(0x9438d606, 0x4f22, 0x4cc9, 0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21);
static const CcmGuid entry_guids[3] = {
    CCM_GUID_INIT(0x97d02dd8, 0xbd20, 0x4c94, 0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a),
    CCM_GUID_INIT(0x44baf731, 0x3a2f, 0x4bd7, 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d),
    CCM_GUID_INIT(0x4de79437, 0xabd2, 0x427f, 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b),
};

const char *const ccm_kernel_hashes_entry_names[3] = { "cmdline", "initrd", "kernel" };

void ccm_kernel_hashes_table(const CcmKernelHashes *hashes, uint8_t *ret_table)
{
    const uint8_t *entries[3] = { hashes->cmdline, hashes->initrd, hashes->kernel };
    uint8_t *p = ret_table;

    memset(ret_table, 0, CCM_KERNEL_HASHES_TABLE_SIZE);
    memcpy(p, table_guid.bytes, 16);
    ccm_store_le16(p + 16, TABLE_LENGTH);
    p += 18;
    for (int i = 0; i < 3; i++) {
        memcpy(p, entry_guids[i].bytes, 16);
        ccm_store_le16(p + 16, ENTRY_LENGTH);
        memcpy(p + 18, entries[i], CCM_SHA256_SIZE);
        p += ENTRY_LENGTH;
    }
}
