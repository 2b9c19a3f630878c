/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-snp-chain.c - the PAGE_INFO chain against google/gce-tcb-verifier's primitive vectors */
#include <string.h>

#include <glib.h>

#include "test-hex.h"
#include "snp-chain.h"

static char *digest_hex(const CcmSnpChain *chain)
{
    return test_hex(chain->digest, sizeof(chain->digest));
}

static void test_normal_pages(void)
{
    /* Three NORMAL pages at GPA 0, all zero but "LGTM" x4 at the start and the end. */
    g_autofree uint8_t *data = g_malloc0(3 * 4096);
    for (int i = 0; i < 4; i++) {
        memcpy(data + 4 * i, "LGTM", 4);
        memcpy(data + 3 * 4096 - 16 + 4 * i, "LGTM", 4);
    }
    CcmSnpChain chain;
    g_assert_cmpint(ccm_snp_chain_init(&chain, NULL), ==, 0);
    g_assert_cmpint(ccm_snp_chain_add_data(&chain, 0, CCM_SNP_PAGE_NORMAL, data, 3 * 4096), ==,
                    0);
    g_autofree char *hex = digest_hex(&chain);
    g_assert_cmpstr(hex, ==,
                    "cba1cd767c33b30f96271837dbbae4081a945464a5af397b9b0336b5d8759ee88cc6b62c05"
                    "d915c4424a9ac5747437d4");
    ccm_snp_chain_done(&chain);
}

static void test_zero_pages(void)
{
    CcmSnpChain chain;
    g_assert_cmpint(ccm_snp_chain_init(&chain, NULL), ==, 0);
    g_assert_cmpint(ccm_snp_chain_add_unhashed(&chain, 0x9000, CCM_SNP_PAGE_ZERO, 3), ==, 0);
    g_autofree char *hex = digest_hex(&chain);
    g_assert_cmpstr(hex, ==,
                    "4bfe18477ba370a50329da74b9621e721c4f29663176e08fbcf088a17c1bc45f133898b86d"
                    "5082acbe202a6e9419808a");
    ccm_snp_chain_done(&chain);
}

/* A seed is exactly "the chain so far": page by page equals seeded continuation. */
static void test_seed_continues_chain(void)
{
    CcmSnpChain a, b;
    g_assert_cmpint(ccm_snp_chain_init(&a, NULL), ==, 0);
    g_assert_cmpint(ccm_snp_chain_add_unhashed(&a, 0x9000, CCM_SNP_PAGE_ZERO, 2), ==, 0);
    g_assert_cmpint(ccm_snp_chain_init(&b, a.digest), ==, 0);
    g_assert_cmpint(ccm_snp_chain_add_unhashed(&a, 0xB000, CCM_SNP_PAGE_SECRETS, 1), ==, 0);
    g_assert_cmpint(ccm_snp_chain_add_unhashed(&b, 0xB000, CCM_SNP_PAGE_SECRETS, 1), ==, 0);
    g_assert_cmpmem(a.digest, sizeof(a.digest), b.digest, sizeof(b.digest));
    ccm_snp_chain_done(&a);
    ccm_snp_chain_done(&b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/snp-chain/normal-pages", test_normal_pages);
    g_test_add_func("/snp-chain/zero-pages", test_zero_pages);
    g_test_add_func("/snp-chain/seed-continues-chain", test_seed_continues_chain);
    return g_test_run();
}
