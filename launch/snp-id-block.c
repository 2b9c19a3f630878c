/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-id-block.c - signing an SEV-SNP ID block and its ID authentication structure
 *
 * Theory of operation: a guest owner may hand SNP_LAUNCH_FINISH a 96-byte ID block
 * (expected launch digest, family and image IDs, version 1, guest SVN, policy) with a
 * 4096-byte ID authentication structure: the ID block signed with the owner's ID key
 * and, optionally, the ID key's public part signed with an author key. The firmware
 * refuses to launch a guest whose digest or policy differ from the block, and the
 * attestation report carries the SHA-384 of both public keys. Keys are ECDSA P-384
 * with SHA-384 (algorithm 1). Signatures are stored as R and S, public keys as QX and
 * QY, each little-endian in a 72-byte zero-extended field.
 */
#include <string.h>

#include <gio/gio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "ccm-autocleanups.h"
#include "snp-id-block.h"
#include "snp-policy.h"

G_DEFINE_QUARK(ccm-snp-id-block-error-quark, ccm_snp_id_block_error)


#define ALGO_ECDSA_P384_SHA384 1
#define CURVE_P384 2
#define FIELD_SIZE 72   /* R, S, QX, QY */
#define P384_BYTES 48

/* Offsets in the ID authentication structure. */
enum {
    AUTH_ID_KEY_ALGO = 0x000,
    AUTH_AUTH_KEY_ALGO = 0x004,
    AUTH_ID_BLOCK_SIG = 0x040,
    AUTH_ID_KEY = 0x240,
    AUTH_ID_KEY_SIG = 0x680,
    AUTH_AUTHOR_KEY = 0x880,
};

static void store_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static void store_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static gboolean crypto_error(GError **error, const char *what)
{
    char buf[256] = "unknown error";
    unsigned long e = ERR_get_error();

    if (e)
        ERR_error_string_n(e, buf, sizeof(buf));
    ERR_clear_error();
    g_set_error(error, CCM_SNP_ID_BLOCK_ERROR, CCM_SNP_ID_BLOCK_ERROR_CRYPTO, "%s: %s", what, buf);
    return FALSE;
}

/* A non-negative BIGNUM into a 72-byte little-endian zero-extended field. */
static gboolean bn_to_field(const BIGNUM *bn, uint8_t *field)
{
    memset(field, 0, FIELD_SIZE);
    return BN_bn2lebinpad(bn, field, P384_BYTES) == P384_BYTES;
}

static int no_passphrase(char *buf, int size, int rwflag, void *userdata)
{
    return 0;
}

EVP_PKEY *ccm_snp_load_private_key(const char *path, GError **error)
{
    g_autoptr(GError) e = NULL;
    g_autofree char *pem = NULL;
    gsize size = 0;

    if (!g_file_get_contents(path, &pem, &size, &e)) {
        g_set_error(error, CCM_SNP_ID_BLOCK_ERROR, CCM_SNP_ID_BLOCK_ERROR_KEY, "%s", e->message);
        return NULL;
    }

    if (g_strstr_len(pem, (gssize) size, "ENCRYPTED")) {
        OPENSSL_cleanse(pem, size);
        g_set_error(error, CCM_SNP_ID_BLOCK_ERROR, CCM_SNP_ID_BLOCK_ERROR_KEY,
                    "%s: the key is encrypted with a passphrase; ccm reads unencrypted PEM "
                    "keys only (protect the file with its permissions instead)",
                    path);
        return NULL;
    }

    /* no_passphrase: never prompt on the terminal, whatever the PEM says. */
    BIO *bio = BIO_new_mem_buf(pem, (int) size);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL) : NULL;
    BIO_free(bio);
    ERR_clear_error();
    OPENSSL_cleanse(pem, size);
    if (!key) {
        g_set_error(error, CCM_SNP_ID_BLOCK_ERROR, CCM_SNP_ID_BLOCK_ERROR_KEY,
                    "%s: not a PEM private key (expected an ECDSA P-384 key, e.g. from "
                    "'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384')",
                    path);
        return NULL;
    }

    char curve[64] = "";
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve),
                                        NULL) ||
        strcmp(curve, SN_secp384r1) != 0) {
        g_set_error(error, CCM_SNP_ID_BLOCK_ERROR, CCM_SNP_ID_BLOCK_ERROR_KEY,
                    "%s: holds a key of type %s%s%s%s; SEV-SNP ID and author keys must be ECDSA P-384 "
                    "(secp384r1)",
                    path, EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "non-EC",
                    curve[0] ? " (" : "", curve, curve[0] ? ")" : "");
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

gboolean ccm_snp_public_key_struct(EVP_PKEY *key, uint8_t *ret, GError **error)
{
    g_autoptr(BIGNUM) x = NULL;
    g_autoptr(BIGNUM) y = NULL;

    if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
        !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y))
        return crypto_error(error, "cannot read the public key");

    memset(ret, 0, CCM_SNP_PUBLIC_KEY_SIZE);
    store_le32(ret, CURVE_P384);
    if (!bn_to_field(x, ret + 0x04) || !bn_to_field(y, ret + 0x4C))
        return crypto_error(error, "public key coordinate out of range");
    return TRUE;
}

/* ECDSA P-384/SHA-384 signature of @data into the 0x200-byte SNP signature layout. */
static gboolean sign(EVP_PKEY *key, const uint8_t *data, size_t size, uint8_t *ret,
                     GError **error)
{
    g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
    unsigned char der[256];
    size_t der_size = sizeof(der);

    if (!ctx || EVP_DigestSignInit_ex(ctx, NULL, "SHA384", NULL, NULL, key, NULL) != 1 ||
        EVP_DigestSign(ctx, der, &der_size, data, size) != 1)
        return crypto_error(error, "signing failed");

    const unsigned char *p = der;
    g_autoptr(ECDSA_SIG) sig = d2i_ECDSA_SIG(NULL, &p, (long) der_size);
    if (!sig)
        return crypto_error(error, "cannot decode the signature");
    if (!bn_to_field(ECDSA_SIG_get0_r(sig), ret) ||
        !bn_to_field(ECDSA_SIG_get0_s(sig), ret + FIELD_SIZE))
        return crypto_error(error, "signature value out of range");
    return TRUE;
}

static gboolean sha384(const uint8_t *data, size_t size, uint8_t *ret, GError **error)
{
    unsigned int len = 0;
    if (EVP_Digest(data, size, ret, &len, EVP_sha384(), NULL) != 1)
        return crypto_error(error, "SHA-384 failed");
    return TRUE;
}

gboolean ccm_snp_id_block_sign(const CcmSnpIdBlockParams *params, EVP_PKEY *id_key,
                               EVP_PKEY *author_key, CcmSnpIdBlock *ret, GError **error)
{
    g_auto(GStrv) problems = NULL;
    CcmSnpIdBlock out;

    if (!ccm_snp_policy_check(params->policy, &problems, NULL)) {
        g_set_error(error, CCM_SNP_ID_BLOCK_ERROR, CCM_SNP_ID_BLOCK_ERROR_POLICY,
                    "policy 0x%" G_GINT64_MODIFIER "x would be refused at launch: %s",
                    params->policy, problems[0]);
        return FALSE;
    }

    memset(&out, 0, sizeof(out));
    uint8_t *b = out.id_block;
    memcpy(b + 0x00, params->measurement, 48);
    memcpy(b + 0x30, params->family_id, 16);
    memcpy(b + 0x40, params->image_id, 16);
    store_le32(b + 0x50, 1); /* VERSION */
    store_le32(b + 0x54, params->guest_svn);
    store_le64(b + 0x58, params->policy);

    uint8_t *a = out.id_auth;
    store_le32(a + AUTH_ID_KEY_ALGO, ALGO_ECDSA_P384_SHA384);
    if (!sign(id_key, out.id_block, sizeof(out.id_block), a + AUTH_ID_BLOCK_SIG, error) ||
        !ccm_snp_public_key_struct(id_key, a + AUTH_ID_KEY, error) ||
        !sha384(a + AUTH_ID_KEY, CCM_SNP_PUBLIC_KEY_SIZE, out.id_key_digest, error))
        return FALSE;

    if (author_key) {
        store_le32(a + AUTH_AUTH_KEY_ALGO, ALGO_ECDSA_P384_SHA384);
        if (!sign(author_key, a + AUTH_ID_KEY, CCM_SNP_PUBLIC_KEY_SIZE, a + AUTH_ID_KEY_SIG,
                  error) ||
            !ccm_snp_public_key_struct(author_key, a + AUTH_AUTHOR_KEY, error) ||
            !sha384(a + AUTH_AUTHOR_KEY, CCM_SNP_PUBLIC_KEY_SIZE, out.author_key_digest, error))
            return FALSE;
        out.author_key_enabled = true;
    }

    *ret = out;
    return TRUE;
}
