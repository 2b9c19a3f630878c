/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-mrtd.c - MRTD: what the TDX module hashes while the host builds a TD
 *
 * Theory of operation (tdx.md §2.3-2.4). MRTD is one running SHA-384 over 128-byte
 * blocks, in the order the host issues its calls: TDH.MEM.PAGE.ADD contributes one
 * block ("MEM.PAGE.ADD", the page GPA), TDH.MR.EXTEND one block per 256-byte chunk
 * ("MR.EXTEND", the chunk GPA) followed by the chunk itself. Sections go in descriptor
 * order; inside a section the host either adds and extends page by page, or adds every
 * page first and then extends them all. Section memory past the file's raw data is
 * zero. Sections marked PAGE.AUG are accepted by the guest later and add nothing.
 *
 * Speed: every piece handed to SHA-384 is a whole number of its 128-byte blocks, and
 * page content goes straight from the image, so the cost is the hash of those bytes.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "digest.h"
#include "error.h"
#include "tdvf.h"

#define PAGE 4096u
#define CHUNK 256u
#define BLOCK 128u
#define CHUNKS_PER_PAGE (PAGE / CHUNK)

static void add_block(uint8_t *block, uint64_t gpa)
{
    memset(block, 0, BLOCK);
    memcpy(block, "MEM.PAGE.ADD", 12);
    ccm_store_le64(block + 16, gpa);
}

/* The 16 EXTENDs of one page (@content: 4096 bytes): each a header block, then the
 * 256-byte chunk straight from the image (whole SHA-384 blocks, so nothing is copied). */
static int extend_page(CcmHasher *h, uint64_t gpa, const uint8_t *content)
{
    uint8_t header[BLOCK] = { 0 };
    int r = 0;

    memcpy(header, "MR.EXTEND", 9);
    for (unsigned k = 0; k < CHUNKS_PER_PAGE && r == 0; k++) {
        ccm_store_le64(header + 16, gpa + (uint64_t) k * CHUNK);
        if ((r = ccm_hasher_update(h, header, BLOCK)) == 0)
            r = ccm_hasher_update(h, content + k * CHUNK, CHUNK);
    }
    return r;
}

/* Page @p of section @s as loaded: file bytes, then zeros. */
static const uint8_t *page_content(const uint8_t *image, const CcmTdvfSection *s, uint64_t p,
                                   uint8_t *scratch)
{
    uint64_t off = p * PAGE;
    if (off + PAGE <= s->raw_size)
        return image + s->raw_offset + off;
    memset(scratch, 0, PAGE);
    if (off < s->raw_size)
        memcpy(scratch, image + s->raw_offset + off, (size_t) (s->raw_size - off));
    return scratch;
}

static int hash_section(CcmHasher *h, const uint8_t *image, const CcmTdvfSection *s,
                        CcmTdxPageOrder order)
{
    uint8_t block[BLOCK], scratch[PAGE];
    uint64_t pages = s->mem_size / PAGE;
    bool extend = (s->attributes & CCM_TDVF_ATTR_MR_EXTEND) != 0;
    int r = 0;

    if (s->attributes & CCM_TDVF_ATTR_PAGE_AUG)
        return 0;
    if (order == CCM_TDX_PAGE_ORDER_PER_PAGE || !extend) {
        for (uint64_t p = 0; p < pages && r == 0; p++) {
            uint64_t gpa = s->gpa + p * PAGE;
            add_block(block, gpa);
            r = ccm_hasher_update(h, block, BLOCK);
            if (r == 0 && extend)
                r = extend_page(h, gpa, page_content(image, s, p, scratch));
        }
        return r;
    }
    for (uint64_t p = 0; p < pages && r == 0; p++) {
        add_block(block, s->gpa + p * PAGE);
        r = ccm_hasher_update(h, block, BLOCK);
    }
    for (uint64_t p = 0; p < pages && r == 0; p++)
        r = extend_page(h, s->gpa + p * PAGE, page_content(image, s, p, scratch));
    return r;
}

int ccm_tdx_mrtd(const void *image, size_t size, const char *name, CcmTdxPageOrder order,
                 CcmStepFunc step, void *userdata, CcmTdvfSection *sections, size_t *n_sections,
                 uint8_t *ret_mrtd, CcmError *reterr)
{
    CcmTdvfSection parsed[CCM_TDVF_MAX_SECTIONS];
    size_t n = 0;
    CcmHasher h;
    int r;

    if (!name || !ret_mrtd || (!image && size > 0))
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_mrtd: image, name and ret_mrtd are "
                                              "required");
    if (size == 0)
        return ccm_error_set(reterr, -EBADMSG, "%s: the file is empty, expected a TDVF/OVMF "
                                               "image", name);
    if (!ccm_tdx_page_order_to_string(order))
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_mrtd: unknown page order %d", order);
    if ((r = ccm_tdvf_parse(image, size, name, parsed, &n, reterr)) < 0)
        return r;
    if ((r = ccm_hasher_init(&h, CCM_HASH_SHA384)) < 0 || (r = ccm_hasher_start(&h)) < 0)
        return ccm_error_set(reterr, r, "%s: cannot set up SHA-384", name);
    for (size_t i = 0; i < n; i++) {
        if ((r = hash_section(&h, image, &parsed[i], order)) < 0) {
            ccm_hasher_done(&h);
            return ccm_error_set(reterr, r, "%s: SHA-384 failed", name);
        }
        if (step) {
            uint8_t running[CCM_SHA384_SIZE];
            (void) ccm_hasher_peek(&h, running);
            const CcmStep st = {
                .kind = CCM_STEP_TDX_SECTION,
                .stage = ccm_tdvf_section_type_to_string((CcmTdvfSectionType) parsed[i].type),
                .detail = parsed[i].attributes & CCM_TDVF_ATTR_PAGE_AUG ? "PAGE.AUG"
                          : parsed[i].attributes & CCM_TDVF_ATTR_MR_EXTEND ? "PAGE.ADD+MR.EXTEND"
                                                                            : "PAGE.ADD",
                .index = (uint32_t) i,
                .gpa = parsed[i].gpa,
                .size = parsed[i].mem_size,
                .n_pages = parsed[i].mem_size / PAGE,
                .digest = running,
                .digest_size = sizeof(running),
            };
            step(&st, userdata);
        }
    }
    r = ccm_hasher_finish(&h, ret_mrtd);
    ccm_hasher_done(&h);
    if (r < 0)
        return ccm_error_set(reterr, r, "%s: SHA-384 failed", name);
    if (sections)
        memcpy(sections, parsed, n * sizeof(*parsed));
    if (n_sections)
        *n_sections = n;
    return 0;
}
