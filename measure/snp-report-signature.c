/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-report-signature.c - an SEV-SNP report's ECDSA P-384 signature
 *
 * The report stores R and S as 72-byte little-endian integers; OpenSSL speaks DER
 * ECDSA-Sig-Value (big-endian INTEGERs). This file converts between the two.
 */
#include <errno.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "error.h"
#include "snp-report.h"

#define P384_BYTES 48

static bool is_p384(EVP_PKEY *key)
{
    char group[32] = "";
    return key && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
           EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), NULL) &&
           strcmp(group, "secp384r1") == 0;
}

static void reverse_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[n - 1 - i];
}

int ccm_snp_report_sign(uint8_t report[CCM_SNP_REPORT_SIZE], EVP_PKEY *key, CcmError *reterr)
{
    if (!is_p384(key))
        return ccm_error_set(reterr, -EINVAL, "the report signing key is not an EC P-384 key");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t der_len = 0;
    unsigned char der[160];
    int r = -EIO;
    if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, key) == 1 &&
        EVP_DigestSign(ctx, NULL, &der_len, report, CCM_SNP_REPORT_SIGNED) == 1 &&
        der_len <= sizeof(der) &&
        EVP_DigestSign(ctx, der, &der_len, report, CCM_SNP_REPORT_SIGNED) == 1) {
        const unsigned char *p = der;
        ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long) der_len);
        uint8_t be[P384_BYTES];
        if (sig) {
            uint8_t *out = report + CCM_SNP_REPORT_SIGNED;
            memset(out, 0, 2 * CCM_SNP_SIGNATURE_COMPONENT);
            if (BN_bn2binpad(ECDSA_SIG_get0_r(sig), be, P384_BYTES) == P384_BYTES) {
                reverse_copy(out, be, P384_BYTES);
                if (BN_bn2binpad(ECDSA_SIG_get0_s(sig), be, P384_BYTES) == P384_BYTES) {
                    reverse_copy(out + CCM_SNP_SIGNATURE_COMPONENT, be, P384_BYTES);
                    r = 0;
                }
            }
            ECDSA_SIG_free(sig);
        }
    }
    EVP_MD_CTX_free(ctx);
    if (r < 0)
        return ccm_error_set(reterr, r, "cannot sign the report (OpenSSL failed)");
    return 0;
}

int ccm_snp_report_verify(const uint8_t report[CCM_SNP_REPORT_SIZE], EVP_PKEY *key,
                          CcmError *reterr)
{
    if (!is_p384(key))
        return ccm_error_set(reterr, -EINVAL, "the report verification key is not an EC P-384 key");
    const uint8_t *sig_le = report + CCM_SNP_REPORT_SIGNED;
    for (size_t i = P384_BYTES; i < CCM_SNP_SIGNATURE_COMPONENT; i++)
        if (sig_le[i] || sig_le[CCM_SNP_SIGNATURE_COMPONENT + i])
            return ccm_error_set(reterr, -EBADMSG, "the report's signature has bytes beyond "
                                                   "P-384's 48 in R or S");
    uint8_t be_r[P384_BYTES], be_s[P384_BYTES];
    reverse_copy(be_r, sig_le, P384_BYTES);
    reverse_copy(be_s, sig_le + CCM_SNP_SIGNATURE_COMPONENT, P384_BYTES);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(be_r, P384_BYTES, NULL), *s = BN_bin2bn(be_s, P384_BYTES, NULL);
    unsigned char *der = NULL;
    int der_len = -1, ok = 0;
    if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
        r = s = NULL;  /* owned by sig */
        der_len = i2d_ECDSA_SIG(sig, &der);
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (der_len > 0 && ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL, key) == 1)
        ok = EVP_DigestVerify(ctx, der, (size_t) der_len, report, CCM_SNP_REPORT_SIGNED) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    if (!ok)
        return ccm_error_set(reterr, -EBADMSG, "the report's signature does not verify under "
                                               "the given key");
    return 0;
}
