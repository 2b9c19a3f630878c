/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-snp-vek.c - AMD's VCEK/VLEK extensions (measure/snp-vek.c) and the TCB_VERSION
 * layouts (measure/snp-report.c) against ../shared/vectors/attest
 *
 * The expected values are the README's: the genuine VCEK and VLEK of snp/trustee/, and the
 * two test VCEKs that are not AMD-signed but exist to exercise the parser (hwID raw and
 * hwID inside an OCTET STRING, an SPL >= 0x80 encoded in two bytes).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "snp-report.h"
#include "snp-vek.h"

static char *attest;

static int parse(const char *rel, CcmSnpVekExtensions *e, CcmError *err)
{
    g_autofree char *path = g_build_filename(attest, rel, NULL);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    return ccm_snp_vek_extensions_parse((const uint8_t *) data, len, rel, e, err);
}

static void assert_hwid_00_3f(const CcmSnpVekExtensions *e)
{
    g_assert_cmpuint(e->hwid_size, ==, 64);
    for (int i = 0; i < 64; i++)
        g_assert_cmpuint(e->hwid[i], ==, i);
}

static void test_invalid_legacy(void)
{
    CcmSnpVekExtensions e;
    CcmError err = { 0 };
    g_assert_cmpint(parse("snp/trustee/test-vcek-invalid-legacy.der", &e, &err), ==, 0);
    g_assert_cmpint(e.kind, ==, CCM_SNP_VEK_VCEK);
    g_assert_cmpint(e.bl_spl, ==, 3);
    g_assert_cmpint(e.tee_spl, ==, 0);
    g_assert_cmpint(e.snp_spl, ==, 10);
    g_assert_cmpint(e.ucode_spl, ==, 169);     /* DER 02 02 00 A9 */
    g_assert_cmpint(e.fmc_spl, ==, -1);
    g_assert_false(e.hwid_wrapped);
    assert_hwid_00_3f(&e);
}

static void test_invalid_new(void)
{
    CcmSnpVekExtensions e;
    CcmError err = { 0 };
    g_assert_cmpint(parse("snp/trustee/test-vcek-invalid-new.der", &e, &err), ==, 0);
    g_assert_cmpint(e.kind, ==, CCM_SNP_VEK_VCEK);
    g_assert_cmpint(e.bl_spl, ==, 0);
    g_assert_cmpint(e.tee_spl, ==, 0);
    g_assert_cmpint(e.snp_spl, ==, 0);
    g_assert_cmpint(e.ucode_spl, ==, 30);
    g_assert_true(e.hwid_wrapped);
    assert_hwid_00_3f(&e);
}

static void test_genuine(void)
{
    CcmSnpVekExtensions e;
    CcmError err = { 0 };
    g_assert_cmpint(parse("snp/trustee/test-vcek.der", &e, &err), ==, 0);
    g_assert_cmpint(e.kind, ==, CCM_SNP_VEK_VCEK);
    g_assert_cmpstr(e.product_name, ==, "Milan-B0");
    g_assert_cmpint(e.bl_spl, ==, 3);
    g_assert_cmpint(e.snp_spl, ==, 8);
    g_assert_cmpint(e.ucode_spl, ==, 115);
    static const uint8_t chip[8] = { 0xc3, 0x84, 0x27, 0xa3, 0x0d, 0x4c, 0x7a, 0xf9 };
    g_assert_cmpuint(e.hwid_size, ==, 64);
    g_assert_cmpmem(e.hwid, 8, chip, 8);
    g_assert_cmpstr(e.csp_id, ==, "");

    g_assert_cmpint(parse("snp/trustee/test-vlek.der", &e, &err), ==, 0);
    g_assert_cmpint(e.kind, ==, CCM_SNP_VEK_VLEK);
    g_assert_cmpstr(e.product_name, ==, "Milan");
    g_assert_cmpstr(e.csp_id, ==, "CN=cc-us-east-2.amazonaws.com");
    g_assert_cmpint(e.struct_version, ==, 0);
    g_assert_cmpint(e.bl_spl, ==, 4);
    g_assert_cmpint(e.tee_spl, ==, 0);
    g_assert_cmpint(e.snp_spl, ==, 24);
    g_assert_cmpint(e.ucode_spl, ==, 217);
    g_assert_cmpuint(e.hwid_size, ==, 0);
}

static void test_not_certificates(void)
{
    CcmSnpVekExtensions e = { .bl_spl = 42 };
    CcmError err = { 0 };
    static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
    g_assert_cmpint(ccm_snp_vek_extensions_parse(junk, sizeof(junk), "junk", &e, &err), ==,
                    -EBADMSG);
    g_assert_nonnull(strstr(err.message, "junk"));
    g_assert_cmpint(e.bl_spl, ==, 42);  /* untouched on failure */
    g_assert_cmpint(ccm_snp_vek_extensions_parse(junk, 0, "empty", &e, &err), ==, -EBADMSG);
    /* A certificate with trailing bytes is not one certificate. */
    g_autofree char *path = g_build_filename(attest, "snp/trustee/test-vcek.der", NULL);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_autofree char *longer = g_malloc0(len + 1);
    memcpy(longer, data, len);
    g_assert_cmpint(ccm_snp_vek_extensions_parse((const uint8_t *) longer, len + 1, "longer", &e,
                                                 &err), ==, -EBADMSG);
}

/* Turin (family 0x1A) puts FMC, boot loader, TEE and SNP in bytes 0-3; Milan/Genoa put boot
 * loader and TEE in 0-1, SNP in 6; both put microcode in 7. */
static void test_tcb_layouts(void)
{
    static const uint8_t raw[8] = { 1, 2, 3, 4, 0, 0, 6, 7 };
    CcmSnpTcb t;
    ccm_snp_tcb_decode(raw, true, &t);
    g_assert_cmpuint(t.fmc, ==, 1);
    g_assert_cmpuint(t.bootloader, ==, 2);
    g_assert_cmpuint(t.tee, ==, 3);
    g_assert_cmpuint(t.snp, ==, 4);
    g_assert_cmpuint(t.microcode, ==, 7);
    ccm_snp_tcb_decode(raw, false, &t);
    g_assert_cmpuint(t.fmc, ==, 0);
    g_assert_cmpuint(t.bootloader, ==, 1);
    g_assert_cmpuint(t.tee, ==, 2);
    g_assert_cmpuint(t.snp, ==, 6);
    g_assert_cmpuint(t.microcode, ==, 7);

    /* A version-5 Turin report keeps its layout and mitigation vectors both ways. */
    CcmSnpReport r = { .version = 5, .signature_algo = 1, .cpuid_family = 0x1a,
                       .cpuid_model = 0x02, .launch_mit_vector = 0x11,
                       .current_mit_vector = 0x2233 };
    r.reported_tcb = (CcmSnpTcb) { .fmc = 9, .bootloader = 8, .tee = 7, .snp = 6,
                                   .microcode = 5 };
    uint8_t out[CCM_SNP_REPORT_SIZE];
    ccm_snp_report_serialize(&r, out);
    static const uint8_t turin_tcb[8] = { 9, 8, 7, 6, 0, 0, 0, 5 };
    g_assert_cmpmem(out + 0x180, 8, turin_tcb, 8);
    g_assert_cmpuint(out[0x1f8], ==, 0x11);
    g_assert_cmpuint(out[0x200], ==, 0x33);
    g_assert_cmpuint(out[0x201], ==, 0x22);
    CcmSnpReport back;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_snp_report_parse(out, sizeof(out), "turin", &back, &err), ==, 0);
    g_assert_cmpuint(back.reported_tcb.fmc, ==, 9);
    g_assert_cmpuint(back.reported_tcb.snp, ==, 6);
    g_assert_cmpuint(back.current_mit_vector, ==, 0x2233);
    /* Version 3 has no mitigation vectors: not written, not read. */
    r.version = 3;
    ccm_snp_report_serialize(&r, out);
    g_assert_cmpuint(out[0x1f8], ==, 0);
    out[0x200] = 0x55;
    g_assert_cmpint(ccm_snp_report_parse(out, sizeof(out), "v3", &back, &err), ==, 0);
    g_assert_cmpuint(back.current_mit_vector, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    attest = g_build_filename(g_getenv("CCM_SHARED_VECTORS"), "attest", NULL);
    g_test_add_func("/snp-vek/invalid-legacy", test_invalid_legacy);
    g_test_add_func("/snp-vek/invalid-new", test_invalid_new);
    g_test_add_func("/snp-vek/genuine", test_genuine);
    g_test_add_func("/snp-vek/not-certificates", test_not_certificates);
    g_test_add_func("/snp-vek/tcb-layouts", test_tcb_layouts);
    int r = g_test_run();
    g_free(attest);
    return r;
}
