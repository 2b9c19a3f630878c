/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-host-sev.c - the decoders of the host view: SEV/SNP status structs, TCB_VERSION per
 * generation, the KDS address, the SNP certificate table */
#include <string.h>

#include "host-export.h"
#include "host-sev.h"
#include "snp-tcb.h"

static void test_sev_status(void)
{
    /* api 0.24, state 2 (working), flags 0x101 (owned, CONFIG.ES), build 17, 300 guests */
    const uint8_t b[CCM_SEV_STATUS_SIZE] = { 0, 24, 2, 0x01, 0x01, 0, 0, 17, 0x2c, 0x01, 0, 0 };
    CcmSevPlatformStatus s;

    ccm_sev_platform_status_decode(b, &s);
    g_assert_cmpuint(s.api_major, ==, 0);
    g_assert_cmpuint(s.api_minor, ==, 24);
    g_assert_cmpuint(s.state, ==, 2);
    g_assert_cmphex(s.flags, ==, 0x101);
    g_assert_cmpuint(s.build, ==, 17);
    g_assert_cmpuint(s.guest_count, ==, 300);
    g_assert_cmpstr(ccm_sev_state_to_string(2, false), ==, "working");
    g_assert_null(ccm_sev_state_to_string(2, true));
    g_assert_null(ccm_sev_state_to_string(3, false));
}

static void test_snp_status(void)
{
    const uint8_t b[CCM_SNP_STATUS_SIZE] = {
        1, 55, 1, 0x01,                                  /* api 1.55, state, RMP */
        0x10, 0x20, 0, 0,                                /* build id 0x2010 */
        0x06, 0, 0, 0,                                   /* mask_chip_key, vlek_en */
        7, 0, 0, 0,                                      /* guests */
        0x03, 0x00, 0, 0, 0, 0, 0x08, 0x73,              /* current TCB */
        0x02, 0x00, 0, 0, 0, 0, 0x08, 0x73,              /* reported TCB */
    };
    CcmSnpPlatformStatus s;

    ccm_snp_platform_status_decode(b, &s);
    g_assert_cmpuint(s.api_minor, ==, 55);
    g_assert_true(s.rmp_initialized);
    g_assert_cmphex(s.build_id, ==, 0x2010);
    g_assert_false(s.mask_chip_id);
    g_assert_true(s.mask_chip_key);
    g_assert_true(s.vlek_en);
    g_assert_cmpuint(s.guest_count, ==, 7);
    g_assert_cmphex(s.current_tcb, ==, G_GUINT64_CONSTANT(0x7308000000000003));
    g_assert_cmphex(s.reported_tcb, ==, G_GUINT64_CONSTANT(0x7308000000000002));
}

static void test_generation(void)
{
    g_assert_cmpint(ccm_snp_generation_from_cpuid(0x19, 0x01), ==, CCM_SNP_GENERATION_MILAN);
    g_assert_cmpint(ccm_snp_generation_from_cpuid(0x19, 0x11), ==, CCM_SNP_GENERATION_GENOA);
    g_assert_cmpint(ccm_snp_generation_from_cpuid(0x19, 0xa0), ==, CCM_SNP_GENERATION_GENOA);
    g_assert_cmpint(ccm_snp_generation_from_cpuid(0x1a, 0x02), ==, CCM_SNP_GENERATION_TURIN);
    g_assert_cmpint(ccm_snp_generation_from_cpuid(0x17, 0x31), ==, CCM_SNP_GENERATION_UNKNOWN);
    g_assert_cmpint(ccm_snp_generation_from_cpuid(-1, -1), ==, CCM_SNP_GENERATION_UNKNOWN);
}

static void test_tcb(void)
{
    uint64_t raw = G_GUINT64_CONSTANT(0xdb00000004030201);
    CcmSnpTcbVersion m = ccm_snp_tcb_decode(raw, CCM_SNP_GENERATION_GENOA);
    g_assert_cmpint(m.fmc, ==, -1);
    g_assert_cmpuint(m.bootloader, ==, 1);
    g_assert_cmpuint(m.tee, ==, 2);
    g_assert_cmpuint(m.snp, ==, 0);
    g_assert_cmpuint(m.microcode, ==, 0xdb);
    CcmSnpTcbVersion t = ccm_snp_tcb_decode(raw, CCM_SNP_GENERATION_TURIN);
    g_assert_cmpint(t.fmc, ==, 1);
    g_assert_cmpuint(t.bootloader, ==, 2);
    g_assert_cmpuint(t.tee, ==, 3);
    g_assert_cmpuint(t.snp, ==, 4);
    g_autofree char *text = ccm_snp_tcb_to_text(&t);
    g_assert_cmpstr(text, ==, "fmc 1 bl 2 tee 3 snp 4 ucode 219");
}

static void test_vcek_url(void)
{
    uint8_t id[64];
    for (int i = 0; i < 64; i++)
        id[i] = (uint8_t) i;
    CcmSnpTcbVersion g = ccm_snp_tcb_decode(G_GUINT64_CONSTANT(0xd515000000000009),
                                            CCM_SNP_GENERATION_GENOA);
    g_autofree char *url = ccm_snp_vcek_url(CCM_SNP_GENERATION_GENOA, id, &g);
    g_assert_true(g_str_has_prefix(url, "https://kdsintf.amd.com/vcek/v1/Genoa/000102030405"));
    g_assert_true(g_str_has_suffix(url, "3c3d3e3f?blSPL=09&teeSPL=00&snpSPL=21&ucodeSPL=213"));
    g_assert_null(ccm_snp_vcek_url(CCM_SNP_GENERATION_UNKNOWN, id, &g));
    g_autofree char *chain = ccm_snp_cert_chain_url(CCM_SNP_GENERATION_TURIN);
    g_assert_cmpstr(chain, ==, "https://kdsintf.amd.com/vcek/v1/Turin/cert_chain");
}

static void entry(uint8_t *p, const uint8_t guid[16], uint32_t offset, uint32_t length)
{
    memcpy(p, guid, 16);
    for (int i = 0; i < 4; i++) {
        p[16 + i] = (uint8_t) (offset >> (8 * i));
        p[20 + i] = (uint8_t) (length >> (8 * i));
    }
}

static void test_cert_table(void)
{
    /* ARK c0b406a4-a803-4952-9743-3fb6014cd0ae in its binary form, and an unknown GUID. */
    static const uint8_t ark[16] = { 0xa4, 0x06, 0xb4, 0xc0, 0x03, 0xa8, 0x52, 0x49,
                                     0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae };
    static const uint8_t other[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    uint8_t t[3 * 24 + 8] = { 0 };
    g_autoptr(GError) error = NULL;

    entry(t, ark, 72, 5);
    entry(t + 24, other, 77, 3);
    g_autoptr(GArray) e = ccm_snp_cert_table_parse(t, sizeof(t), &error);
    g_assert_no_error(error);
    g_assert_cmpuint(e->len, ==, 2);
    g_assert_cmpstr(g_array_index(e, CcmSnpCertEntry, 0).guid, ==,
                    "c0b406a4-a803-4952-9743-3fb6014cd0ae");
    g_assert_cmpstr(g_array_index(e, CcmSnpCertEntry, 0).name, ==, "ark");
    g_assert_cmpstr(g_array_index(e, CcmSnpCertEntry, 1).guid, ==,
                    "04030201-0605-0807-090a-0b0c0d0e0f10");
    g_assert_null(g_array_index(e, CcmSnpCertEntry, 1).name);

    /* Past the end. */
    entry(t + 24, other, 77, 4);
    g_assert_null(ccm_snp_cert_table_parse(t, sizeof(t), &error));
    g_assert_error(error, CCM_HOST_EXPORT_ERROR, CCM_HOST_EXPORT_ERROR_BAD_TABLE);
    g_clear_error(&error);
    /* No end entry. */
    g_assert_null(ccm_snp_cert_table_parse(t, 48, &error));
    g_assert_error(error, CCM_HOST_EXPORT_ERROR, CCM_HOST_EXPORT_ERROR_BAD_TABLE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/host-sev/sev-status", test_sev_status);
    g_test_add_func("/host-sev/snp-status", test_snp_status);
    g_test_add_func("/host-sev/generation", test_generation);
    g_test_add_func("/host-sev/tcb", test_tcb);
    g_test_add_func("/host-sev/vcek-url", test_vcek_url);
    g_test_add_func("/host-sev/cert-table", test_cert_table);
    return g_test_run();
}
