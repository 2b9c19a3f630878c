/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-sev-cert.c - the SEV certificate parser (measure/sev-cert.h) on certificates built
 * here field by field (no platform chain is among the shared vectors), and its refusals
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "sev-cert.h"

static void put32(guint8 *p, guint32 v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (guint8) (v >> (8 * i));
}

/* A PEK as the firmware exports it: ECDSA P-384 key, signed by the CEK (slot 1) and the
 * OCA (slot 2). */
static void make_pek(guint8 c[CCM_SEV_CERT_BYTES])
{
    memset(c, 0, CCM_SEV_CERT_BYTES);
    put32(c, 1);
    c[4] = 0;
    c[5] = 24;
    put32(c + 0x08, CCM_SEV_USAGE_PEK);
    put32(c + 0x0c, CCM_SEV_ALGO_ECDSA_SHA384);
    put32(c + 0x10, CCM_SEV_CURVE_P384);
    c[0x14] = 0xaa;             /* qx[0] */
    c[0x14 + 72] = 0xbb;        /* qy[0] */
    put32(c + 0x414, CCM_SEV_USAGE_CEK);
    put32(c + 0x418, CCM_SEV_ALGO_ECDSA_SHA384);
    c[0x41c] = 0xcc;
    put32(c + 0x61c, CCM_SEV_USAGE_OCA);
    put32(c + 0x620, CCM_SEV_ALGO_ECDSA_SHA384);
    c[0x624] = 0xdd;
}

static void test_pek(void)
{
    guint8 b[CCM_SEV_CERT_BYTES];
    make_pek(b);
    CcmSevCert c;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_sev_cert_parse(b, sizeof(b), "pek.cert", &c, &err), ==, 0);
    g_assert_cmpuint(c.version, ==, 1);
    g_assert_cmpuint(c.api_minor, ==, 24);
    g_assert_cmpstr(ccm_sev_usage_to_string(c.pubkey_usage), ==, "PEK");
    g_assert_cmpstr(ccm_sev_algo_to_string(c.pubkey_algo), ==, "ECDSA-SHA384");
    g_assert_cmpuint(c.ec_curve, ==, CCM_SEV_CURVE_P384);
    g_assert_cmpuint(c.ec_qx[0], ==, 0xaa);
    g_assert_cmpuint(c.ec_qy[0], ==, 0xbb);
    g_assert_null(c.rsa_modulus);
    g_assert_cmpstr(ccm_sev_usage_to_string(c.sig[0].usage), ==, "CEK");
    g_assert_cmpstr(ccm_sev_usage_to_string(c.sig[1].usage), ==, "OCA");
    g_assert_cmpuint(c.sig[0].data[0], ==, 0xcc);
    g_assert_cmpuint(c.sig[1].data[0], ==, 0xdd);
    g_assert_true(c.signed_data == b);
}

/* A CEK: ECDSA P-384 key signed by the ASK (RSA-SHA384), second slot empty. */
static void test_cek(void)
{
    guint8 b[CCM_SEV_CERT_BYTES];
    make_pek(b);
    put32(b + 0x08, CCM_SEV_USAGE_CEK);
    put32(b + 0x414, CCM_SEV_USAGE_ASK);
    put32(b + 0x418, CCM_SEV_ALGO_RSA_SHA384);
    put32(b + 0x61c, CCM_SEV_USAGE_NONE);
    put32(b + 0x620, 0);
    CcmSevCert c;
    g_assert_cmpint(ccm_sev_cert_parse(b, sizeof(b), "cek.cert", &c, NULL), ==, 0);
    g_assert_cmpstr(ccm_sev_usage_to_string(c.pubkey_usage), ==, "CEK");
    g_assert_cmpstr(ccm_sev_algo_to_string(c.sig[0].algo), ==, "RSA-SHA384");
    g_assert_cmpuint(c.sig[1].usage, ==, CCM_SEV_USAGE_NONE);

    /* An RSA key (an OCA may be RSA): modulus size and the two 512-byte fields. */
    put32(b + 0x08, CCM_SEV_USAGE_OCA);
    put32(b + 0x0c, CCM_SEV_ALGO_RSA_SHA256);
    put32(b + 0x10, 2048);
    g_assert_cmpint(ccm_sev_cert_parse(b, sizeof(b), "oca.cert", &c, NULL), ==, 0);
    g_assert_cmpuint(c.rsa_modulus_bits, ==, 2048);
    g_assert_true(c.rsa_pubexp == b + 0x14);
    g_assert_true(c.rsa_modulus == b + 0x14 + 512);
}

static void assert_refused(const guint8 *b, size_t size, const char *needle)
{
    CcmSevCert c;
    memset(&c, 0x5a, sizeof(c));
    CcmSevCert before = c;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_sev_cert_parse(b, size, "x.cert", &c, &err), ==, -EBADMSG);
    g_assert_nonnull(strstr(err.message, "x.cert"));
    g_assert_nonnull(strstr(err.message, needle));
    g_assert_cmpmem(&c, sizeof(c), &before, sizeof(before));
}

static void test_refusals(void)
{
    guint8 b[CCM_SEV_CERT_BYTES + 1];
    make_pek(b);
    assert_refused(b, 0, "0 bytes, expected 2084");
    assert_refused(b, 2083, "expected 2084");
    assert_refused(b, 2085, "2085 bytes, expected 2084");
    put32(b, 0);
    assert_refused(b, CCM_SEV_CERT_BYTES, "version 0, expected 1");
    make_pek(b);
    put32(b + 0x08, 0x1005);
    assert_refused(b, CCM_SEV_CERT_BYTES, "usage 0x1005");
    put32(b + 0x08, CCM_SEV_USAGE_NONE);
    assert_refused(b, CCM_SEV_CERT_BYTES, "usage 0x1000");
    make_pek(b);
    put32(b + 0x0c, 0);
    assert_refused(b, CCM_SEV_CERT_BYTES, "algorithm 0x0");
    make_pek(b);
    put32(b + 0x10, 4);
    assert_refused(b, CCM_SEV_CERT_BYTES, "curve 4");
    make_pek(b);
    put32(b + 0x0c, CCM_SEV_ALGO_RSA_SHA384);
    assert_refused(b, CCM_SEV_CERT_BYTES, "RSA modulus size 2 bits");
    make_pek(b);
    put32(b + 0x620, 0x104);
    assert_refused(b, CCM_SEV_CERT_BYTES, "signature 2 algorithm 0x104");
    make_pek(b);
    put32(b + 0x414, 7);
    assert_refused(b, CCM_SEV_CERT_BYTES, "signature 1 usage 0x7");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sev-cert/pek", test_pek);
    g_test_add_func("/sev-cert/cek-oca", test_cek);
    g_test_add_func("/sev-cert/refusals", test_refusals);
    return g_test_run();
}
