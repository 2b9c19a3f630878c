/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-sev-ca-cert.c - the legacy SEV CA certificate parser (measure/sev-ca-cert.h) on
 * AMD's ARK and ASK of ../shared/vectors/attest/amd/sev-legacy, and its refusals
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "sev-ca-cert.h"
#include "sev-cert.h"

static GByteArray *vector(const char *gen, const char *file)
{
    const char *shared = g_getenv("CCM_SHARED_VECTORS");
    g_assert_nonnull(shared);
    g_autofree char *path = g_build_filename(shared, "attest", "amd", "sev-legacy", gen, file,
                                             NULL);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *) data, (guint) len);
    return b;
}

static void test_fields(void)
{
    g_autoptr(GByteArray) ark = vector("naples", "ark.cert");
    g_autoptr(GByteArray) ask = vector("naples", "ask.cert");
    CcmSevCaCert a, k;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_sev_ca_cert_parse(ark->data, ark->len, "ark", &a, &err), ==, 0);
    g_assert_cmpint(ccm_sev_ca_cert_parse(ask->data, ask->len, "ask", &k, &err), ==, 0);
    static const guint8 ark_id[16] = { 0x1b, 0xb9, 0x87, 0xc3, 0x59, 0x49, 0x46, 0x06,
                                       0xb1, 0x74, 0x94, 0x56, 0x01, 0xc9, 0xea, 0x5b };
    g_assert_cmpuint(a.version, ==, 1);
    g_assert_cmpmem(a.key_id, 16, ark_id, 16);
    g_assert_cmpmem(a.certifying_id, 16, ark_id, 16);
    g_assert_cmpmem(k.certifying_id, 16, ark_id, 16);
    g_assert_cmpuint(a.key_usage, ==, CCM_SEV_CA_USAGE_ARK);
    g_assert_cmpuint(k.key_usage, ==, CCM_SEV_CA_USAGE_ASK);
    g_assert_cmpstr(ccm_sev_usage_to_string(k.key_usage), ==, "ASK");
    g_assert_null(ccm_sev_usage_to_string(7));
    g_assert_cmpuint(a.modulus_bits, ==, 2048);
    g_assert_cmpuint(a.pubexp_size, ==, 256);
    g_assert_true(a.modulus == ark->data + 0x140);
    g_assert_true(a.signature == ark->data + 0x240);
    g_assert_cmpuint(a.signed_size, ==, 0x240);
    /* Exponent 65537, little-endian. */
    g_assert_cmpuint(a.pubexp[0], ==, 0x01);
    g_assert_cmpuint(a.pubexp[2], ==, 0x01);

    g_autoptr(GByteArray) milan = vector("milan", "ark.cert");
    g_assert_cmpint(ccm_sev_ca_cert_parse(milan->data, milan->len, "m", &a, NULL), ==, 0);
    g_assert_cmpuint(a.modulus_bits, ==, 4096);
    g_assert_cmpuint(a.signature_size, ==, 512);
    g_assert_cmpuint(a.signed_size, ==, 0x40 + 1024);
}

static void assert_refused(const guint8 *data, size_t size, const char *needle)
{
    CcmSevCaCert c;
    memset(&c, 0xa5, sizeof(c));
    CcmSevCaCert before = c;
    CcmError err = { 0 };
    g_assert_cmpint(ccm_sev_ca_cert_parse(data, size, "cert.bin", &c, &err), ==, -EBADMSG);
    g_assert_cmpint(err.code, ==, -EBADMSG);
    g_assert_nonnull(strstr(err.message, "cert.bin"));
    g_assert_nonnull(strstr(err.message, needle));
    g_assert_cmpmem(&c, sizeof(c), &before, sizeof(before));   /* untouched */
}

static void test_refusals(void)
{
    g_autoptr(GByteArray) b = vector("genoa", "ask.cert");
    assert_refused(b->data, 0, "header");
    assert_refused(b->data, 63, "header");
    assert_refused(b->data, 64, "expected 1600");
    assert_refused(b->data, 1599, "expected 1600");
    g_autoptr(GByteArray) longer = vector("genoa", "ask.cert");
    guint8 z = 0;
    g_byte_array_append(longer, &z, 1);
    assert_refused(longer->data, longer->len, "1601 bytes, expected 1600");
    b->data[0] = 2;
    assert_refused(b->data, b->len, "version 2, expected 1");
    b->data[0] = 1;
    b->data[0x3c] = 0x01;      /* modulus size 4097 */
    assert_refused(b->data, b->len, "expected 2048 or 4096");
    b->data[0x3c] = 0x00;
    b->data[0x39] = 0x08;      /* pubexp 2048 bits, modulus 4096 */
    assert_refused(b->data, b->len, "expected 4096 (as wide as the modulus)");
    g_autoptr(GByteArray) naples = vector("naples", "ask.cert");
    assert_refused(naples->data, 1600, "1600 bytes, expected 832");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!g_getenv("CCM_SHARED_VECTORS")) {
        g_printerr("CCM_SHARED_VECTORS (../shared/vectors) is not set\n");
        return 1;
    }
    g_test_add_func("/sev-ca-cert/fields", test_fields);
    g_test_add_func("/sev-ca-cert/refusals", test_refusals);
    return g_test_run();
}
