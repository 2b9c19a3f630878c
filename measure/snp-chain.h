/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snp-chain.h - the SEV-SNP launch digest chain over PAGE_INFO records */
#pragma once

#include <stdint.h>

#include "ccm/measure.h"
#include "digest.h"

#define CCM_SNP_PAGE_SIZE 4096u

typedef struct CcmSnpChain {
    uint8_t digest[CCM_SHA384_SIZE];
    CcmHasher sha384;
} CcmSnpChain;

/* @seed: 48 bytes to start from, or NULL for zeros. Return: 0 or -ENOMEM. */
int ccm_snp_chain_init(CcmSnpChain *chain, const uint8_t *seed);
void ccm_snp_chain_done(CcmSnpChain *chain);

/* One page; @contents_hash is the page's SHA-384, or NULL for the all-zero field. */
int ccm_snp_chain_add_page(CcmSnpChain *chain, uint64_t gpa, CcmSnpPageType type,
                           const uint8_t *contents_hash);
/* NORMAL or VMSA pages whose contents are measured; @size is a multiple of 4 KiB. */
int ccm_snp_chain_add_data(CcmSnpChain *chain, uint64_t gpa, CcmSnpPageType type,
                           const uint8_t *data, uint64_t size);
/* ZERO, SECRETS, CPUID or UNMEASURED pages: their contents are not part of the record. */
int ccm_snp_chain_add_unhashed(CcmSnpChain *chain, uint64_t gpa, CcmSnpPageType type,
                               uint64_t n_pages);
