/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-quote-verify.c - the offline checks of a TD quote v4 (Intel DCAP, ECDSA P-256)
 *
 * Theory of operation: the attestation key signs the quote header and TD report body; the
 * quoting enclave (QE) vouches for that key by putting SHA-256(key || QE auth data) into its
 * own SGX report, which the platform's PCK key signs; the PCK certificate chains through
 * Intel's PCK Platform (or Processor) CA to the Intel SGX Root CA, pinned here by the
 * SHA-256 of its DER. What needs Intel's online collateral (TCB info, QE identity, CRLs) is
 * listed as not checkable instead of being skipped silently.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ccm-autocleanups.h"
#include "hex.h"
#include "tdx-quote-verify.h"


static void x509_stack_free(STACK_OF(X509) *s)
{
    sk_X509_pop_free(s, X509_free);
}
typedef STACK_OF(X509) CcmX509Stack;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmX509Stack, x509_stack_free)

/* The P-256 public key x || y (64 bytes, big-endian). */
static EVP_PKEY *p256_key(const guint8 *xy)
{
    guint8 point[65] = { 0x04 };
    memcpy(point + 1, xy, 64);
    g_autoptr(OSSL_PARAM_BLD) bld = OSSL_PARAM_BLD_new();
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)))
        return NULL;
    g_autoptr(OSSL_PARAM) params = OSSL_PARAM_BLD_to_param(bld);
    g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        return NULL;
    return key;
}

/* ECDSA with SHA-256 over @data, the signature as r || s (64 bytes, big-endian). */
static gboolean ecdsa_p256_verify(EVP_PKEY *key, const guint8 *rs, const guint8 *data,
                                  gsize size)
{
    g_autoptr(ECDSA_SIG) sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(rs, 32, NULL), *s = BN_bin2bn(rs + 32, 32, NULL);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return FALSE;
    }
    unsigned char *der = NULL;
    int der_len = i2d_ECDSA_SIG(sig, &der);
    g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
    gboolean ok = der_len > 0 && ctx &&
                  EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
                  EVP_DigestVerify(ctx, der, (size_t) der_len, data, size) == 1;
    OPENSSL_free(der);
    return ok;
}

/* The PCK chain: leaf first, root last; FALSE and a detail when it does not hold. */
static gboolean check_pck_chain(const CcmTdxQuoteParts *p, gint64 at, CcmCheckList *checks,
                                X509 **ret_pck)
{
    g_autoptr(BIO) bio = BIO_new_mem_buf(p->pck_chain, (int) p->pck_chain_size);
    g_autoptr(CcmX509Stack) certs = sk_X509_new_null();
    X509 *c;
    while (bio && certs && (c = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
        sk_X509_push(certs, c);
    int n = certs ? sk_X509_num(certs) : 0;
    if (n < 2)
        return ccm_check_list_add(checks, "pck-chain", CCM_CHECK_FAILED,
                                  "the quote's PCK chain holds %d certificate%s; expected the "
                                  "PCK, its CA and the Intel SGX Root CA",
                                  n, n == 1 ? "" : "s");
    X509 *root = sk_X509_value(certs, n - 1);
    unsigned char *der = NULL;
    int der_len = i2d_X509(root, &der);
    guint8 fp[32];
    gsize fp_len = sizeof(fp);
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, der, der_len > 0 ? der_len : 0);
    g_checksum_get_digest(sum, fp, &fp_len);
    g_checksum_free(sum);
    OPENSSL_free(der);
    g_autofree char *fp_hex = ccm_hex_encode(fp, sizeof(fp));
    if (der_len <= 0 || strcmp(fp_hex, CCM_INTEL_SGX_ROOT_CA_SHA256) != 0)
        return ccm_check_list_add(checks, "pck-chain", CCM_CHECK_FAILED,
                                  "the chain's root (DER SHA-256 %s) is not the pinned Intel "
                                  "SGX Root CA (%s)",
                                  fp_hex, CCM_INTEL_SGX_ROOT_CA_SHA256);
    g_autoptr(X509_STORE) store = X509_STORE_new();
    g_autoptr(CcmX509Stack) untrusted = sk_X509_new_null();
    for (int i = 1; i < n - 1; i++)
        sk_X509_push(untrusted, sk_X509_value(certs, i));
    g_autoptr(X509_STORE_CTX) ctx = X509_STORE_CTX_new();
    X509 *pck = sk_X509_value(certs, 0);
    int ok = store && untrusted && ctx && X509_STORE_add_cert(store, root) == 1 &&
             X509_STORE_CTX_init(ctx, store, pck, untrusted) == 1;
    if (ok && at > 0)
        X509_STORE_CTX_set_time(ctx, 0, (time_t) at);
    /* The stack borrows the certificates of @certs. */
    ok = ok && X509_verify_cert(ctx) == 1;
    int err = ctx ? X509_STORE_CTX_get_error(ctx) : 0;
    while (untrusted && sk_X509_num(untrusted))
        (void) sk_X509_pop(untrusted);
    if (!ok)
        return ccm_check_list_add(checks, "pck-chain", CCM_CHECK_FAILED,
                                  "the PCK certificate does not chain to the Intel SGX Root CA: "
                                  "%s",
                                  X509_verify_cert_error_string(err));
    *ret_pck = X509_dup(pck);
    char subject[128] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(pck), NID_commonName, subject,
                              sizeof(subject));
    return ccm_check_list_add(checks, "pck-chain", CCM_CHECK_OK,
                              "%s <- %d CA certificate%s <- Intel SGX Root CA (pinned)", subject,
                              n - 1, n - 1 == 1 ? "" : "s");
}

gboolean ccm_tdx_quote_verify_offline(const guint8 *quote, gsize size, const char *name,
                                      gint64 at, CcmCheckList *checks,
                                      CcmTdxQuoteParts *ret_parts)
{
    CcmTdxQuoteParts p;
    CcmError err = { 0 };
    if (ccm_tdx_quote_parts(quote, size, name, &p, &err) < 0)
        return ccm_check_list_add(checks, "td-quote-format", CCM_CHECK_FAILED, "%s",
                                  err.message);
    ccm_check_list_add(checks, "td-quote-format", CCM_CHECK_OK,
                       "TD quote v4, ECDSA P-256, %zu bytes, PCK chain of %zu bytes", p.size,
                       p.pck_chain_size);
    gboolean all = TRUE;
    g_autoptr(EVP_PKEY) ak = p256_key(p.attestation_key);
    all &= ccm_check_list_add(
        checks, "td-quote-signature",
        ak && ecdsa_p256_verify(ak, p.signature, p.signed_data, p.signed_size)
            ? CCM_CHECK_OK
            : CCM_CHECK_FAILED,
        ak ? "ECDSA P-256 over header and TD report body by the quote's attestation key"
           : "the attestation key is not a P-256 point");

    guint8 expect[32];
    gsize len = sizeof(expect);
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, p.attestation_key, 64);
    g_checksum_update(sum, p.qe_auth, (gssize) p.qe_auth_size);
    g_checksum_get_digest(sum, expect, &len);
    g_checksum_free(sum);
    /* SGX report body: REPORTDATA at 320, 64 bytes. */
    static const guint8 zero[32];
    gboolean bound = memcmp(p.qe_report + 320, expect, 32) == 0 &&
                     memcmp(p.qe_report + 352, zero, 32) == 0;
    all &= ccm_check_list_add(checks, "qe-report-binding",
                              bound ? CCM_CHECK_OK : CCM_CHECK_FAILED,
                              bound ? "QE REPORTDATA = SHA-256(attestation key || QE auth data)"
                                    : "QE REPORTDATA is not SHA-256(attestation key || QE auth "
                                      "data) followed by zeros");

    g_autoptr(X509) pck = NULL;
    all &= check_pck_chain(&p, at, checks, &pck);
    if (pck) {
        EVP_PKEY *pck_key = X509_get0_pubkey(pck);
        all &= ccm_check_list_add(
            checks, "qe-report-signature",
            pck_key && ecdsa_p256_verify(pck_key, p.qe_report_signature, p.qe_report,
                                         CCM_TDX_QE_REPORT_SIZE)
                ? CCM_CHECK_OK
                : CCM_CHECK_FAILED,
            "ECDSA P-256 over the QE report by the PCK key");
    } else {
        all &= ccm_check_list_add(checks, "qe-report-signature", CCM_CHECK_FAILED,
                                  "no trusted PCK key to check the QE report with");
    }
    ccm_check_list_add(checks, "intel-collateral", CCM_CHECK_NOT_CHECKABLE,
                       "TCB info, QE identity and PCK CRLs need Intel PCS collateral; not "
                       "checked offline");
    if (ret_parts)
        *ret_parts = p;
    return all;
}
