/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdvf.c - the TDX metadata (TDVF descriptor) of a firmware image
 *
 * A TDX-capable OVMF lists, in its footer table, the distance from the end of the file
 * to a descriptor: "TDVF", length, version 1, and one 32-byte record per section (file
 * offset and size, guest-physical address and size, type, attributes). QEMU loads the
 * image by these records, and the TDX module measures them into MRTD, so every number
 * is checked before it is trusted (tdx.md §2.1).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "ovmf-table.h"
#include "tdvf.h"

static const CcmGuid tdx_metadata_offset_guid =
    CCM_GUID_INIT(0xe47a6535, 0x984a, 0x4798, 0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2);
static const CcmGuid tdx_metadata_guid =
    CCM_GUID_INIT(0xe9eaf9f3, 0x168e, 0x44d5, 0xa8, 0xeb, 0x7f, 0x4d, 0x87, 0x38, 0xf6, 0xae);

#define TDVF_SIGNATURE 0x46564454u /* "TDVF" */
#define PAGE 4096u

static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t) ccm_load_le32(p) | (uint64_t) ccm_load_le32(p + 4) << 32;
}

static int check_section(const CcmTdvfSection *s, unsigned i, size_t size, const char *name,
                         CcmError *reterr)
{
    const char *type = ccm_tdvf_section_type_to_string((CcmTdvfSectionType) s->type);

    if (!type)
        return ccm_error_set(reterr, -EBADMSG, "%s: TDVF section %u has unknown type %u", name,
                             i, s->type);
    if (s->gpa % PAGE || s->mem_size % PAGE || s->mem_size == 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: TDVF section %u (%s) at GPA 0x%" PRIx64 ", size 0x%" PRIx64
                             " is not a whole number of 4 KiB pages",
                             name, i, type, s->gpa, s->mem_size);
    if (s->gpa + s->mem_size < s->gpa)
        return ccm_error_set(reterr, -EBADMSG, "%s: TDVF section %u (%s) wraps around", name,
                             i, type);
    if (s->raw_size > s->mem_size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: TDVF section %u (%s): raw data 0x%x bytes is larger than its "
                             "memory 0x%" PRIx64,
                             name, i, type, s->raw_size, s->mem_size);
    if ((uint64_t) s->raw_offset + s->raw_size > size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: TDVF section %u (%s): raw data 0x%x+0x%x lies past the end of "
                             "the %zu-byte file (truncated image?)",
                             name, i, type, s->raw_offset, s->raw_size, size);
    if ((s->type == CCM_TDVF_SECTION_BFV || s->type == CCM_TDVF_SECTION_CFV) &&
        s->raw_size != s->mem_size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: TDVF section %u (%s) is not fully backed by the file", name, i,
                             type);
    if ((s->attributes & ~(uint32_t) (CCM_TDVF_ATTR_MR_EXTEND | CCM_TDVF_ATTR_PAGE_AUG)) != 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: TDVF section %u (%s) has unknown attributes 0x%x", name, i,
                             type, s->attributes);
    return 0;
}

int ccm_tdvf_parse(const uint8_t *image, size_t size, const char *name,
                   CcmTdvfSection *ret_sections, size_t *ret_n, CcmError *reterr)
{
    CcmOvmfTable table;
    int r;

    if ((r = ccm_ovmf_table_parse(image, size, name, &table, reterr)) < 0)
        return r;
    const CcmOvmfTableEntry *e = ccm_ovmf_table_find(&table, &tdx_metadata_offset_guid);
    if (!e)
        return ccm_error_set(reterr, -ENOENT,
                             "%s: the firmware has no TDX metadata (not a TDVF/OVMF build for "
                             "TDX)",
                             name);
    if (e->size < 4)
        return ccm_error_set(reterr, -EBADMSG, "%s: the TDX metadata offset entry is %zu bytes",
                             name, e->size);
    uint32_t distance = ccm_load_le32(e->data + e->size - 4);
    /* The GUID's 16 bytes before the descriptor and its 16-byte header after its start
     * must both be inside the file. */
    if (distance < 16 || size < 16 || distance > size - 16)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the TDX metadata offset 0x%x points outside the file", name,
                             distance);
    size_t d = size - distance;
    if (!ccm_guid_equal_bytes(&tdx_metadata_guid, image + d - 16))
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: no TDX metadata GUID before the TDVF descriptor at 0x%zx", name,
                             d);
    const uint8_t *desc = image + d;
    uint32_t signature = ccm_load_le32(desc), length = ccm_load_le32(desc + 4);
    uint32_t version = ccm_load_le32(desc + 8), n = ccm_load_le32(desc + 12);
    if (signature != TDVF_SIGNATURE)
        return ccm_error_set(reterr, -EBADMSG, "%s: the TDVF descriptor at 0x%zx has no \"TDVF\" "
                                               "signature",
                             name, d);
    if (version != 1)
        return ccm_error_set(reterr, -EBADMSG, "%s: TDVF descriptor version %u, expected 1",
                             name, version);
    if (n == 0 || n > CCM_TDVF_MAX_SECTIONS || length != 16 + 32 * n ||
        (uint64_t) d + length > size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the TDVF descriptor says %u sections in %u bytes (expected "
                             "1..%d sections, 16 + 32 bytes each, inside the file)",
                             name, n, length, CCM_TDVF_MAX_SECTIONS);

    size_t n_hob = 0, n_bfv = 0;
    uint64_t backed = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *rec = desc + 16 + 32 * i;
        CcmTdvfSection *s = &ret_sections[i];
        s->raw_offset = ccm_load_le32(rec);
        s->raw_size = ccm_load_le32(rec + 4);
        s->gpa = load_le64(rec + 8);
        s->mem_size = load_le64(rec + 16);
        s->type = ccm_load_le32(rec + 24);
        s->attributes = ccm_load_le32(rec + 28);
        if ((r = check_section(s, i, size, name, reterr)) < 0)
            return r;
        n_hob += s->type == CCM_TDVF_SECTION_TD_HOB;
        n_bfv += s->type == CCM_TDVF_SECTION_BFV;
        if (s->type == CCM_TDVF_SECTION_BFV || s->type == CCM_TDVF_SECTION_CFV)
            backed += s->raw_size;
        for (uint32_t j = 0; j < i; j++) {
            const CcmTdvfSection *o = &ret_sections[j];
            if (s->gpa < o->gpa + o->mem_size && o->gpa < s->gpa + s->mem_size)
                return ccm_error_set(reterr, -EBADMSG,
                                     "%s: TDVF sections %u and %u overlap in guest memory", name,
                                     j, i);
        }
    }
    if (n_hob != 1 || n_bfv == 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the TDVF descriptor has %zu TD_HOB and %zu BFV sections "
                             "(expected exactly one TD_HOB and at least one BFV)",
                             name, n_hob, n_bfv);
    if (backed != size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the BFV and CFV sections cover 0x%" PRIx64 " of the 0x%zx bytes "
                             "of the file: a split OVMF_CODE image carries the unified image's "
                             "metadata; use the unified OVMF.fd (or an inteltdx build)",
                             name, backed, size);
    *ret_n = n;
    return 0;
}
