/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-metadata.c - what an OVMF image tells the VMM about SEV
 *
 * Four footer-table entries matter for SEV guests: the SEV-ES reset block (where APs
 * start), the SEV hash-table block (where QEMU writes the kernel-hashes table), the
 * SEV secret block, and the offset of the SEV metadata. The metadata ("ASEV", version
 * 1) lists the memory sections the VMM must add to an SNP guest before launch; their
 * order is significant and is kept exactly as stored.
 */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "sev-metadata.h"

#define METADATA_HEADER_SIZE 16
#define METADATA_ITEM_SIZE 12
#define PAGE_SIZE 4096u
/* Far above any OVMF section (tens of KiB); a larger one is a corrupt table. */
#define SECTION_MAX_SIZE (64u << 20)

static const CcmGuid reset_block_guid =
    CCM_GUID_INIT(0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e);
static const CcmGuid metadata_offset_guid =
    CCM_GUID_INIT(0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc);
static const CcmGuid hash_table_guid =
    CCM_GUID_INIT(0x7255371f, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54);
static const CcmGuid secret_block_guid =
    CCM_GUID_INIT(0x4c2eb361, 0x7d9b, 0x4cc3, 0x80, 0x81, 0x12, 0x7c, 0x90, 0xd3, 0xd2, 0x94);

static int entry_u32s(const CcmOvmfTableEntry *entry, const char *name, const char *what,
                      unsigned n, uint32_t *ret, CcmError *reterr)
{
    if (entry->size < 4 * n)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: corrupt %s entry in the OVMF footer table: %zu bytes, "
                             "expected %u",
                             name, what, entry->size, 4 * n);
    for (unsigned i = 0; i < n; i++)
        ret[i] = ccm_load_le32(entry->data + 4 * i);
    return 0;
}

static bool section_type_known(uint32_t type)
{
    switch (type) {
    case CCM_SEV_SECTION_SNP_SEC_MEM:
    case CCM_SEV_SECTION_SNP_SECRETS:
    case CCM_SEV_SECTION_CPUID:
    case CCM_SEV_SECTION_SVSM_CAA:
    case CCM_SEV_SECTION_SNP_KERNEL_HASHES:
        return true;
    default:
        return false;
    }
}

static int parse_metadata(const uint8_t *image, size_t size, uint32_t offset, const char *name,
                          CcmSevInfo *info, CcmError *reterr)
{
    if (offset < METADATA_HEADER_SIZE || offset > size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: corrupt SEV metadata offset 0x%x: it points outside the "
                             "%zu-byte image",
                             name, offset, size);

    const uint8_t *header = image + size - offset;
    if (memcmp(header, "ASEV", 4) != 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: corrupt SEV metadata at file offset 0x%zx: signature "
                             "'ASEV' expected",
                             name, size - offset);

    uint32_t length = ccm_load_le32(header + 4);
    uint32_t version = ccm_load_le32(header + 8);
    uint32_t count = ccm_load_le32(header + 12);
    if (version != 1)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: SEV metadata version %u, only version 1 is known", name,
                             version);
    if (count > CCM_SEV_MAX_SECTIONS)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: corrupt SEV metadata: %u sections, at most %d expected",
                             name, count, CCM_SEV_MAX_SECTIONS);
    if (length < METADATA_HEADER_SIZE + METADATA_ITEM_SIZE * count || length > offset)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: corrupt SEV metadata: length %u does not hold %u sections "
                             "within the image",
                             name, length, count);

    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *item = header + METADATA_HEADER_SIZE + METADATA_ITEM_SIZE * i;
        CcmSevSection s = {
            .gpa = ccm_load_le32(item),
            .size = ccm_load_le32(item + 4),
            .type = ccm_load_le32(item + 8),
        };

        if (!section_type_known(s.type))
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: SEV metadata section %u has unknown type 0x%x (known: "
                                 "1-4 and 0x10); ccm will not guess how the VMM measures it",
                                 name, i, s.type);
        if (s.size == 0 || s.gpa % PAGE_SIZE != 0 || s.size % PAGE_SIZE != 0 ||
            (uint64_t) s.gpa + s.size > UINT64_C(0x100000000))
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: SEV metadata section %u (GPA 0x%x, size 0x%x) is not a "
                                 "whole number of 4 KiB pages below 4 GiB",
                                 name, i, s.gpa, s.size);
        if (s.size > SECTION_MAX_SIZE)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: SEV metadata section %u (GPA 0x%x) is 0x%x bytes, larger "
                                 "than the 64 MiB any OVMF section could need",
                                 name, i, s.gpa, s.size);
        info->sections[i] = s;
    }
    info->n_sections = count;
    info->has_metadata = true;
    return 0;
}

int ccm_sev_info_parse(const uint8_t *image, size_t size, const CcmOvmfTable *table,
                       const char *name, CcmSevInfo *ret, CcmError *reterr)
{
    CcmSevInfo info = { .has_metadata = false };
    const CcmOvmfTableEntry *e;
    uint32_t v[2];
    int r;

    if ((e = ccm_ovmf_table_find(table, &reset_block_guid))) {
        if ((r = entry_u32s(e, name, "SEV-ES reset block", 1, v, reterr)) < 0)
            return r;
        info.has_reset_block = true;
        info.reset_address = v[0];
    }
    if ((e = ccm_ovmf_table_find(table, &hash_table_guid))) {
        if ((r = entry_u32s(e, name, "SEV hash-table block", 2, v, reterr)) < 0)
            return r;
        info.has_hash_table_block = true;
        info.hash_table_base = v[0];
        info.hash_table_size = v[1];
    }
    if ((e = ccm_ovmf_table_find(table, &secret_block_guid))) {
        if ((r = entry_u32s(e, name, "SEV secret block", 2, v, reterr)) < 0)
            return r;
        info.has_secret_block = true;
        info.secret_base = v[0];
        info.secret_size = v[1];
    }
    if ((e = ccm_ovmf_table_find(table, &metadata_offset_guid))) {
        if ((r = entry_u32s(e, name, "SEV metadata offset", 1, v, reterr)) < 0)
            return r;
        if ((r = parse_metadata(image, size, v[0], name, &info, reterr)) < 0)
            return r;
    }

    *ret = info;
    return 0;
}
