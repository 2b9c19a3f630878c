/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-chain.c - the SEV-SNP launch digest chain over PAGE_INFO records
 *
 * Theory of operation: the AMD Secure Processor keeps a 48-byte launch digest. For
 * every page added with SNP_LAUNCH_UPDATE it builds a 0x70-byte PAGE_INFO record:
 * the current digest, the SHA-384 of the page (NORMAL and VMSA pages only; zeros for
 * every other type), the record length 0x70, the page type, zeroed IMI/VMPL
 * permission bytes and the page's guest-physical address; the new digest is the
 * SHA-384 of that record. Pages are chained one 4 KiB page at a time in the order the
 * VMM issues them.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "snp-chain.h"

#define PAGE_INFO_SIZE 0x70

int ccm_snp_chain_init(CcmSnpChain *chain, const uint8_t *seed)
{
    if (seed)
        memcpy(chain->digest, seed, sizeof(chain->digest));
    else
        memset(chain->digest, 0, sizeof(chain->digest));
    return ccm_hasher_init(&chain->sha384, CCM_HASH_SHA384);
}

void ccm_snp_chain_done(CcmSnpChain *chain)
{
    ccm_hasher_done(&chain->sha384);
}

int ccm_snp_chain_add_page(CcmSnpChain *chain, uint64_t gpa, CcmSnpPageType type,
                           const uint8_t *contents_hash)
{
    uint8_t record[PAGE_INFO_SIZE] = { 0 };

    memcpy(record, chain->digest, CCM_SHA384_SIZE);
    if (contents_hash)
        memcpy(record + 0x30, contents_hash, CCM_SHA384_SIZE);
    ccm_store_le16(record + 0x60, PAGE_INFO_SIZE);
    record[0x62] = (uint8_t) type;
    /* 0x63 IMI_PAGE, 0x64..0x66 VMPL3..1 permissions, 0x67 reserved: all zero. */
    ccm_store_le64(record + 0x68, gpa);

    return ccm_hasher_digest(&chain->sha384, record, sizeof(record), chain->digest);
}

int ccm_snp_chain_add_data(CcmSnpChain *chain, uint64_t gpa, CcmSnpPageType type,
                           const uint8_t *data, uint64_t size)
{
    g_assert(size % CCM_SNP_PAGE_SIZE == 0);
    g_assert(type == CCM_SNP_PAGE_NORMAL || type == CCM_SNP_PAGE_VMSA);

    for (uint64_t off = 0; off < size; off += CCM_SNP_PAGE_SIZE) {
        uint8_t contents[CCM_SHA384_SIZE];
        int r = ccm_hasher_digest(&chain->sha384, data + off, CCM_SNP_PAGE_SIZE, contents);

        if (r == 0)
            r = ccm_snp_chain_add_page(chain, gpa + off, type, contents);
        if (r < 0)
            return r;
    }
    return 0;
}

int ccm_snp_chain_add_unhashed(CcmSnpChain *chain, uint64_t gpa, CcmSnpPageType type,
                               uint64_t n_pages)
{
    g_assert(type != CCM_SNP_PAGE_NORMAL && type != CCM_SNP_PAGE_VMSA);

    for (uint64_t i = 0; i < n_pages; i++) {
        int r = ccm_snp_chain_add_page(chain, gpa + i * CCM_SNP_PAGE_SIZE, type, NULL);
        if (r < 0)
            return r;
    }
    return 0;
}
