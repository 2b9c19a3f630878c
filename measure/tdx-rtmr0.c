/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-rtmr0.c - RTMR0 events that come from the firmware and the RAM size
 *
 * RTMR0 also holds QEMU's ACPI tables and the boot variables; the pieces here are the
 * ones a firmware file and a RAM size determine (tdx.md §3.2): the TD HOB QEMU hands
 * the firmware, the configuration volume, and the Secure Boot policy variables.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "digest.h"
#include "uefi-variable.h"
#include "error.h"

#define PHIT_SIZE 56
#define RESOURCE_SIZE 48
#define HOB_END_SIZE 8
#define RES_SYSTEM_MEMORY 0u
#define RES_UNACCEPTED 7u
#define RES_ATTRIBUTES 0x7u /* present | initialized | tested */
#define MAX_RESOURCES 64
#define LOW_RAM_SPLIT 0xb0000000ull
#define LOW_RAM_LIMIT 0x80000000ull
#define HIGH_RAM_BASE 0x100000000ull

typedef struct Range {
    uint64_t start, length;
    uint32_t type;
} Range;

static void resource_hob(uint8_t *p, const Range *r)
{
    memset(p, 0, RESOURCE_SIZE);
    ccm_store_le16(p, 0x0003);
    ccm_store_le16(p + 2, RESOURCE_SIZE);
    ccm_store_le32(p + 24, r->type);
    ccm_store_le32(p + 28, RES_ATTRIBUTES);
    ccm_store_le64(p + 32, r->start);
    ccm_store_le64(p + 40, r->length);
}

int ccm_tdx_td_hob_digest(const CcmTdvfSection *sections, size_t n, uint64_t ram_size,
                          uint8_t *ret_digest, CcmError *reterr)
{
    Range accepted[MAX_RESOURCES], out[MAX_RESOURCES];
    size_t n_acc = 0, n_out = 0;
    uint64_t hob_gpa = 0;
    bool have_hob = false;

    if (!sections || !ret_digest)
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_td_hob_digest: bad arguments");
    if (ram_size < (16ull << 20) || ram_size % 4096)
        return ccm_error_set(reterr, -EINVAL,
                             "RAM size %" G_GUINT64_FORMAT " is not a whole number of pages of "
                             "at least 16 MiB",
                             ram_size);
    uint64_t low = ram_size >= LOW_RAM_SPLIT ? LOW_RAM_LIMIT : ram_size;
    uint64_t high = ram_size - low;

    for (size_t i = 0; i < n && n_acc < MAX_RESOURCES; i++) {
        const CcmTdvfSection *s = &sections[i];
        if (s->type == CCM_TDVF_SECTION_TD_HOB) {
            hob_gpa = s->gpa;
            have_hob = true;
        }
        if ((s->type == CCM_TDVF_SECTION_TD_HOB || s->type == CCM_TDVF_SECTION_TEMP_MEM) &&
            s->gpa + s->mem_size <= low)
            accepted[n_acc++] = (Range) { s->gpa, s->mem_size, RES_SYSTEM_MEMORY };
    }
    if (!have_hob)
        return ccm_error_set(reterr, -EBADMSG, "the firmware has no TD_HOB section");
    /* Ascending order (the descriptor lists them top down). */
    for (size_t i = 1; i < n_acc; i++)
        for (size_t j = i; j > 0 && accepted[j - 1].start > accepted[j].start; j--) {
            Range t = accepted[j];
            accepted[j] = accepted[j - 1];
            accepted[j - 1] = t;
        }
    uint64_t at = 0;
    for (size_t i = 0; i < n_acc; i++) {
        if (accepted[i].start > at)
            out[n_out++] = (Range) { at, accepted[i].start - at, RES_UNACCEPTED };
        out[n_out++] = accepted[i];
        at = accepted[i].start + accepted[i].length;
    }
    if (at < low)
        out[n_out++] = (Range) { at, low - at, RES_UNACCEPTED };
    if (high)
        out[n_out++] = (Range) { HIGH_RAM_BASE, high, RES_UNACCEPTED };

    uint8_t phit[PHIT_SIZE] = { 0 };
    ccm_store_le16(phit, 0x0001);
    ccm_store_le16(phit + 2, PHIT_SIZE);
    ccm_store_le32(phit + 8, 9);                  /* HOB version */
    ccm_store_le64(phit + 48, hob_gpa + PHIT_SIZE + RESOURCE_SIZE * n_out + HOB_END_SIZE);

    CcmHasher h;
    int r;
    if ((r = ccm_hasher_init(&h, CCM_HASH_SHA384)) < 0 || (r = ccm_hasher_start(&h)) < 0 ||
        (r = ccm_hasher_update(&h, phit, sizeof(phit))) < 0)
        goto fail;
    for (size_t i = 0; i < n_out; i++) {
        uint8_t hob[RESOURCE_SIZE];
        resource_hob(hob, &out[i]);
        if ((r = ccm_hasher_update(&h, hob, sizeof(hob))) < 0)
            goto fail;
    }
    r = ccm_hasher_finish(&h, ret_digest);
fail:
    ccm_hasher_done(&h);
    return r < 0 ? ccm_error_set(reterr, r, "SHA-384 failed") : 0;
}

int ccm_tdx_cfv_digest(const void *image, size_t size, const CcmTdvfSection *sections, size_t n,
                       uint8_t *ret_digest, CcmError *reterr)
{
    for (size_t i = 0; i < n; i++) {
        const CcmTdvfSection *s = &sections[i];
        if (s->type != CCM_TDVF_SECTION_CFV)
            continue;
        if ((uint64_t) s->raw_offset + s->raw_size > size)
            return ccm_error_set(reterr, -EBADMSG, "the CFV lies past the end of the image");
        CcmHasher h;
        int r = ccm_hasher_init(&h, CCM_HASH_SHA384);
        if (r == 0)
            r = ccm_hasher_digest(&h, (const uint8_t *) image + s->raw_offset, s->raw_size,
                                  ret_digest);
        ccm_hasher_done(&h);
        return r < 0 ? ccm_error_set(reterr, r, "SHA-384 failed") : 0;
    }
    return ccm_error_set(reterr, -ENOENT, "the firmware has no CFV (configuration volume)");
}

int ccm_uefi_variable_digest_with(CcmHashAlgorithm algorithm, const uint8_t *vendor,
                                  const char *name, const void *data, size_t size,
                                  uint8_t *ret_digest)
{
    size_t chars = strlen(name);
    uint8_t head[32];
    CcmHasher h;
    int r;

    memcpy(head, vendor, 16);
    ccm_store_le64(head + 16, chars);
    ccm_store_le64(head + 24, size);
    if ((r = ccm_hasher_init(&h, algorithm)) < 0)
        return r;
    if ((r = ccm_hasher_start(&h)) == 0 && (r = ccm_hasher_update(&h, head, sizeof(head))) == 0) {
        for (size_t i = 0; i < chars && r == 0; i++) {
            uint8_t c[2] = { (uint8_t) name[i], 0 };
            r = ccm_hasher_update(&h, c, 2);
        }
        if (r == 0 && size)
            r = ccm_hasher_update(&h, data, size);
        if (r == 0)
            r = ccm_hasher_finish(&h, ret_digest);
    }
    ccm_hasher_done(&h);
    return r;
}

int ccm_tdx_uefi_variable_digest(const uint8_t *vendor, const char *name, const void *data,
                                 size_t size, uint8_t *ret_digest)
{
    return ccm_uefi_variable_digest_with(CCM_HASH_SHA384, vendor, name, data, size, ret_digest);
}
