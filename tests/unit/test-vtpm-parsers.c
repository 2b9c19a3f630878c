/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-vtpm-parsers.c - libccm-measure's vTPM evidence parsers on the shared vectors: the HCL
 * report, a TPM2 quote's TPMS_ATTEST and a TD quote v4's signature data; every truncation
 * and the mutations of each field they validate fail with -EBADMSG and a message naming
 * the input.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "ccm/measure.h"

static char *attest;

static guint8 *load(const char *name, gsize *size)
{
    g_autofree char *path = g_build_filename(attest, name, NULL);
    char *data = NULL;
    g_assert_true(g_file_get_contents(path, &data, size, NULL));
    return (guint8 *) data;
}

static void store_le32(guint8 *p, guint32 v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (guint8) (v >> (8 * i));
}

static void assert_hcl_bad(const guint8 *d, gsize size, const char *needle)
{
    CcmHclReport r;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_hcl_report_parse(d, size, "hcl.bin", &r, &err), ==, -EBADMSG);
    g_assert_cmpint(err.code, ==, -EBADMSG);
    g_assert_true(g_str_has_prefix(err.message, "hcl.bin: "));
    if (needle && !strstr(err.message, needle))
        g_error("'%s' does not say '%s'", err.message, needle);
}

static void test_hcl_vectors(void)
{
    static const struct {
        const char *file;
        guint32 version, type, claims, hw;
    } cases[] = {
        { "az-snp-vtpm/hcl-report.bin", 1, CCM_HCL_REPORT_SNP, 1110, 1184 },
        { "az-snp-vtpm/hcl-report-2048.bin", 1, CCM_HCL_REPORT_SNP, 583, 1184 },
        { "az-tdx-vtpm/hcl-report.bin", 2, CCM_HCL_REPORT_TDX, 1201, 1024 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        gsize size = 0;
        g_autofree guint8 *d = load(cases[i].file, &size);
        CcmHclReport r;
        CcmError err = { 0 };
        g_assert_cmpint(ccm_hcl_report_parse(d, size, cases[i].file, &r, &err), ==, 0);
        g_assert_cmpuint(r.version, ==, cases[i].version);
        g_assert_cmpuint(r.report_type, ==, cases[i].type);
        g_assert_cmpuint(r.hash_type, ==, CCM_HCL_HASH_SHA256);
        g_assert_cmpuint(r.claims_size, ==, cases[i].claims);
        g_assert_cmpuint(r.hw_report_size, ==, cases[i].hw);
        g_assert_true(r.hw_report == d + 0x20);
        g_assert_true(r.claims == d + 0x4d4);
        g_assert_cmpuint(r.report_size, ==, 0x20 + 1184 + 20 + cases[i].claims);
        g_assert_cmpint(r.claims[0], ==, '{');
        g_assert_cmpint(r.claims[r.claims_size - 1], ==, '}');
        /* every cut that loses claims bytes fails */
        for (gsize cut = 0; cut < 0x4d4 + r.claims_size; cut += 7)
            assert_hcl_bad(d, cut, NULL);
    }
    g_assert_cmpstr(ccm_hcl_hash_to_string(CCM_HCL_HASH_SHA384), ==, "sha384");
    g_assert_cmpuint(ccm_hcl_hash_size(CCM_HCL_HASH_SHA512), ==, 64);
    g_assert_null(ccm_hcl_hash_to_string((CcmHclHash) 9));
}

static void test_hcl_mutations(void)
{
    gsize size = 0;
    g_autofree guint8 *orig = load("az-snp-vtpm/hcl-report.bin", &size);
    g_autofree guint8 *d = g_malloc(size);
#define RESET() memcpy(d, orig, size)
    RESET();
    d[0] = 'X';
    assert_hcl_bad(d, size, "HCLA");
    RESET();
    store_le32(d + 0x4c4, 2);
    assert_hcl_bad(d, size, "runtime data version 2");
    RESET();
    store_le32(d + 0x4c8, 3);
    assert_hcl_bad(d, size, "report type 3");
    RESET();
    store_le32(d + 0x4cc, 0);
    assert_hcl_bad(d, size, "hash type 0");
    RESET();
    store_le32(d + 0x4cc, 4);
    assert_hcl_bad(d, size, "hash type 4");
    RESET();
    store_le32(d + 0x4d0, 0xffffffffu);
    assert_hcl_bad(d, size, "claims size");
    RESET();
    store_le32(d + 0x4d0, 0);
    assert_hcl_bad(d, size, "claims size 0");
    RESET();
    store_le32(d + 0x4c0, 1131);
    assert_hcl_bad(d, size, "runtime data size 1131");
    RESET();
    d[size - 1] = 1;
    assert_hcl_bad(d, size, "zero padding");
    /* the header's version and report_size are not validated */
    RESET();
    store_le32(d + 4, 7);
    store_le32(d + 8, 12345);
    CcmHclReport r;
    g_assert_cmpint(ccm_hcl_report_parse(d, size, "hcl.bin", &r, NULL), ==, 0);
    g_assert_cmpuint(r.version, ==, 7);
    /* TDX: the bytes after the TDREPORT must be zero */
    g_autofree guint8 *t = load("az-tdx-vtpm/hcl-report.bin", &size);
    t[0x20 + 1024 + 5] = 1;
    assert_hcl_bad(t, size, "TDREPORT");
    g_assert_cmpint(ccm_hcl_report_parse(NULL, 0, "x", &r, NULL), ==, -EBADMSG);
    g_assert_cmpint(ccm_hcl_report_parse(d, size, NULL, &r, NULL), ==, -EINVAL);
#undef RESET
}

static void assert_quote_bad(const guint8 *d, gsize size, const char *needle)
{
    CcmTpmQuote q;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_tpm_quote_parse(d, size, "quote.msg", &q, &err), ==, -EBADMSG);
    g_assert_true(g_str_has_prefix(err.message, "quote.msg: "));
    if (needle && !strstr(err.message, needle))
        g_error("'%s' does not say '%s'", err.message, needle);
}

static void test_tpm_quote(void)
{
    gsize size = 0;
    g_autofree guint8 *d = load("az-snp-vtpm/tpm-quote.msg", &size);
    CcmTpmQuote q;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_tpm_quote_parse(d, size, "quote.msg", &q, &err), ==, 0);
    g_assert_cmpuint(q.qualified_signer_size, ==, 34);
    g_assert_cmpuint(q.extra_data_size, ==, 9);
    g_assert_cmpmem(q.extra_data, 9, "challenge", 9);
    g_assert_cmpuint(q.n_banks, ==, 1);
    g_assert_cmpuint(q.banks[0].hash_alg, ==, CCM_TPM_ALG_SHA256);
    g_assert_cmpuint(q.banks[0].size_of_select, ==, 3);
    for (unsigned pcr = 0; pcr < 24; pcr++)
        g_assert_cmpint(ccm_tpm_pcr_selected(&q.banks[0], pcr), ==, pcr < 8 || pcr == 14);
    g_assert_cmpint(ccm_tpm_pcr_selected(&q.banks[0], 40), ==, 0);
    g_assert_cmpuint(q.pcr_digest_size, ==, 32);
    static const guint8 digest[4] = { 0x9d, 0x60, 0x8c, 0xf4 };
    g_assert_cmpmem(q.pcr_digest, 4, digest, 4);
    g_assert_cmpstr(ccm_tpm_alg_to_string(q.banks[0].hash_alg), ==, "sha256");
    g_assert_cmpuint(ccm_tpm_alg_digest_size(CCM_TPM_ALG_SHA384), ==, 48);

    for (gsize cut = 0; cut < size; cut++)
        assert_quote_bad(d, cut, cut < 4 ? "magic" : NULL);
    g_autofree guint8 *m = g_malloc(size + 1);
    memcpy(m, d, size);
    m[size] = 0;
    assert_quote_bad(m, size + 1, "after the TPM quote's pcrDigest");
    memcpy(m, d, size);
    m[0] = 0;
    assert_quote_bad(m, size, "magic");
    memcpy(m, d, size);
    m[5] = 0x17;
    assert_quote_bad(m, size, "0x8017");
    memcpy(m, d, size);
    m[6] = 0x01; /* qualifiedSigner of 0x122 bytes */
    assert_quote_bad(m, size, "qualifiedSigner");
    /* the PCR selection count sits after magic 4, type 2, name 2+34, extra 2+9, clock 17,
     * firmware 8 */
    gsize count_at = 4 + 2 + 36 + 11 + 17 + 8;
    memcpy(m, d, size);
    m[count_at + 3] = 17;
    assert_quote_bad(m, size, "17 PCR selections");
    memcpy(m, d, size);
    m[count_at + 4 + 2] = 9;
    assert_quote_bad(m, size, "9 bytes");
}

static void test_td_quote(void)
{
    gsize size = 0, hsize = 0;
    g_autofree guint8 *d = load("az-tdx-vtpm/td-quote.bin", &size);
    g_autofree guint8 *hcl = load("az-tdx-vtpm/hcl-report.bin", &hsize);
    CcmTdxQuoteParts p;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_tdx_quote_parts(d, size, "td.bin", &p, &err), ==, 0);
    g_assert_cmpuint(p.size, ==, 4936);
    g_assert_cmpuint(p.signed_size, ==, 632);
    g_assert_true(p.body == d + 48);
    g_assert_cmpuint(p.qe_auth_size, ==, 32);
    g_assert_true(g_str_has_prefix(p.pck_chain, "-----BEGIN CERTIFICATE-----"));
    g_autofree char *chain = g_strndup(p.pck_chain, p.pck_chain_size);
    g_assert_true(g_str_has_suffix(chain, "-----END CERTIFICATE-----\n"));
    g_assert_null(ccm_tdx_body_tdreport_difference(p.body, hcl + 0x20));
    /* the same with the trailing zeros cut off */
    g_assert_cmpint(ccm_tdx_quote_parts(d, 4936, "td.bin", &p, NULL), ==, 0);
    for (gsize cut = 0; cut < 4936; cut += 13) {
        g_assert_cmpint(ccm_tdx_quote_parts(d, cut, "td.bin", &p, &err), ==, -EBADMSG);
        g_assert_true(g_str_has_prefix(err.message, "td.bin: "));
    }
    g_autofree guint8 *m = g_memdup2(d, size);
    m[size - 1] = 1;
    g_assert_cmpint(ccm_tdx_quote_parts(m, size, "td.bin", &p, &err), ==, -EBADMSG);
    g_assert_nonnull(strstr(err.message, "after the 4936-byte quote"));
    memcpy(m, d, size);
    m[0] = 3;
    g_assert_cmpint(ccm_tdx_quote_parts(m, size, "td.bin", &p, &err), ==, -EBADMSG);
    memcpy(m, d, size);
    m[632 + 4 + 128] = 5; /* certification data type */
    g_assert_cmpint(ccm_tdx_quote_parts(m, size, "td.bin", &p, &err), ==, -EBADMSG);
    g_assert_nonnull(strstr(err.message, "type 5"));
    memcpy(m, d, size);
    m[632 + 4 + 134 + 448] = 0xff; /* QE auth data size */
    g_assert_cmpint(ccm_tdx_quote_parts(m, size, "td.bin", &p, &err), ==, -EBADMSG);
    /* body vs TDREPORT: each field is compared */
    memcpy(m, d, size);
    m[48 + 136] ^= 1;
    g_assert_cmpstr(ccm_tdx_body_tdreport_difference(m + 48, hcl + 0x20), ==, "MRTD");
    memcpy(m, d, size);
    m[48 + 520] ^= 1;
    g_assert_cmpstr(ccm_tdx_body_tdreport_difference(m + 48, hcl + 0x20), ==, "REPORTDATA");
    memcpy(m, d, size);
    m[48 + 0] ^= 1;
    g_assert_cmpstr(ccm_tdx_body_tdreport_difference(m + 48, hcl + 0x20), ==, "TEE_TCB_SVN");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    const char *shared = g_getenv("CCM_SHARED_VECTORS");
    g_assert_nonnull(shared);
    attest = g_build_filename(shared, "attest", NULL);
    g_test_add_func("/vtpm-parsers/hcl/vectors", test_hcl_vectors);
    g_test_add_func("/vtpm-parsers/hcl/mutations", test_hcl_mutations);
    g_test_add_func("/vtpm-parsers/tpm-quote", test_tpm_quote);
    g_test_add_func("/vtpm-parsers/td-quote", test_td_quote);
    int status = g_test_run();
    g_free(attest);
    return status;
}
