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
 *
 * Signatures are deterministic ECDSA (RFC 6979): the nonce k is derived from the private
 * key and the digest of the signed bytes with HMAC-DRBG (SHA-384), so the same key and
 * the same ID block give the same ID authentication structure, and rendering a spec twice
 * gives the same QEMU command line and domain XML. Why this and not the alternatives:
 *  - a random nonce made every render differ (a needless diff, a redefined domain, a
 *    changed argv for ccmd to explain), and ECDSA's key leaks when a random nonce is
 *    ever repeated or biased; RFC 6979's nonce needs no randomness at all and is as
 *    unpredictable as a random one to anyone without the key;
 *  - a cache of signatures keyed by the signed bytes and the key (in a state folder)
 *    would agree only on one machine, until the cache is cleared, and would be one more
 *    file to protect and keep consistent;
 *  - OpenSSL 3.2 offers the same nonce (OSSL_SIGNATURE_PARAM_NONCE_TYPE = 1, with
 *    byte-identical signatures), Debian 12's OpenSSL 3.0 does not, so the nonce is
 *    computed here from public OpenSSL 3.0 functions (EVP_MAC HMAC, BIGNUM, EC_POINT).
 * The firmware checks an ECDSA signature; how its nonce was chosen is invisible to it.
 * The private scalar and the nonce live in secure-heap BIGNUMs flagged constant-time;
 * k*G uses OpenSSL's constant-time ladder and k^-1 a constant-time exponentiation
 * (Fermat). The step that touches the private key, s = k^-1 (e + r x), is OpenSSL's own
 * (ECDSA_do_sign_ex with k^-1 and r given: its Montgomery arithmetic, not a plain
 * BN_mod_mul), so ccm has no signing arithmetic of its own on x. That call is deprecated
 * in OpenSSL 3.0 (an EC_KEY interface) but has no provider equivalent before 3.2.
 */
/* ECDSA_do_sign_ex and EVP_PKEY_get1_EC_KEY: see above. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <string.h>

#include <gio/gio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
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

/* Secret BIGNUMs (the private scalar) are cleared when freed. */
typedef BIGNUM SecretBignum;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SecretBignum, BN_clear_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_MAC, EVP_MAC_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_MAC_CTX, EVP_MAC_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EC_GROUP, EC_GROUP_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EC_POINT, EC_POINT_free)

/* BN_CTX_start()ed: BN_CTX_end() and (clearing its secure pool) BN_CTX_free(). */
static void bn_ctx_done(BN_CTX *ctx)
{
    BN_CTX_end(ctx);
    BN_CTX_free(ctx);
}
typedef BN_CTX StartedBnCtx;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StartedBnCtx, bn_ctx_done)

/* The HMAC-DRBG state of RFC 6979 section 3.2, for SHA-384 (hlen = qlen = 384 bits). */
typedef struct Drbg {
    EVP_MAC *mac;
    uint8_t k[P384_BYTES], v[P384_BYTES];
} Drbg;

/* @ret = HMAC_K(V || [@sep] || [@x || @h]): @sep < 0 leaves the byte out, @x NULL both
 * strings. */
static bool drbg_hmac(const Drbg *d, int sep, const uint8_t *x, const uint8_t *h, uint8_t *ret)
{
    g_autoptr(EVP_MAC_CTX) ctx = EVP_MAC_CTX_new(d->mac);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *) "SHA384", 0),
        OSSL_PARAM_construct_end(),
    };
    uint8_t byte = (uint8_t) sep;
    size_t len = 0;

    return ctx && EVP_MAC_init(ctx, d->k, sizeof(d->k), params) == 1 &&
           EVP_MAC_update(ctx, d->v, sizeof(d->v)) == 1 &&
           (sep < 0 || EVP_MAC_update(ctx, &byte, 1) == 1) &&
           (!x || (EVP_MAC_update(ctx, x, P384_BYTES) == 1 &&
                   EVP_MAC_update(ctx, h, P384_BYTES) == 1)) &&
           EVP_MAC_final(ctx, ret, &len, P384_BYTES) == 1 && len == P384_BYTES;
}

/* Steps b to g: V = 0x01..., K = 0x00..., then two rounds of K = HMAC_K(V || i || x || h),
 * V = HMAC_K(V). @x is int2octets(private key), @h bits2octets(digest). */
static bool drbg_seed(Drbg *d, const uint8_t *x, const uint8_t *h)
{
    memset(d->v, 0x01, sizeof(d->v));
    memset(d->k, 0x00, sizeof(d->k));
    for (int i = 0; i < 2; i++)
        if (!drbg_hmac(d, i, x, h, d->k) || !drbg_hmac(d, -1, NULL, NULL, d->v))
            return false;
    return true;
}

/* Step h: the next candidate T (one block: hlen = qlen), then K and V move on in case it
 * is refused (k out of range, r or s zero). */
static bool drbg_next(Drbg *d, uint8_t *ret)
{
    if (!drbg_hmac(d, -1, NULL, NULL, d->v))
        return false;
    memcpy(ret, d->v, P384_BYTES);
    return drbg_hmac(d, 0x00, NULL, NULL, d->k) && drbg_hmac(d, -1, NULL, NULL, d->v);
}

/* What must not outlive a signature: the DRBG state, the private key's octets, the last
 * candidate nonce. Cleansed at scope exit. */
typedef struct SignSecrets {
    Drbg drbg;
    uint8_t x_octets[P384_BYTES];
    uint8_t t[P384_BYTES];
} SignSecrets;

static void sign_secrets_clear(SignSecrets *secrets)
{
    OPENSSL_cleanse(secrets, sizeof(*secrets));
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SignSecrets, sign_secrets_clear)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(EC_KEY, EC_KEY_free)

gboolean ccm_snp_sign(EVP_PKEY *key, const uint8_t *data, size_t size, uint8_t *ret,
                      GError **error)
{
    g_autoptr(StartedBnCtx) bn = BN_CTX_secure_new();
    if (!bn)
        return crypto_error(error, "signing failed");
    BN_CTX_start(bn);

    g_auto(SignSecrets) secrets = { .drbg = { .mac = NULL } };
    g_autoptr(EC_GROUP) group = EC_GROUP_new_by_curve_name(NID_secp384r1);
    g_autoptr(EC_POINT) point = group ? EC_POINT_new(group) : NULL;
    g_autoptr(EVP_MAC) mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    g_autoptr(SecretBignum) x = NULL;
    uint8_t digest[P384_BYTES], h_octets[P384_BYTES];
    unsigned int digest_len = 0;
    BIGNUM *e = BN_CTX_get(bn), *q_minus_2 = BN_CTX_get(bn), *k = BN_CTX_get(bn);
    BIGNUM *k_inv = BN_CTX_get(bn), *rx = BN_CTX_get(bn), *r = BN_CTX_get(bn);
    BIGNUM *s = BN_CTX_get(bn), *tmp = BN_CTX_get(bn);

    g_autoptr(EC_KEY) ec_key = EVP_PKEY_get1_EC_KEY(key);
    if (!point || !mac || !tmp || !ec_key ||
        !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &x) ||
        EVP_Digest(data, size, digest, &digest_len, EVP_sha384(), NULL) != 1)
        return crypto_error(error, "signing failed");
    const BIGNUM *q = EC_GROUP_get0_order(group);
    BN_set_flags(x, BN_FLG_CONSTTIME);
    BN_set_flags(k, BN_FLG_CONSTTIME);
    BN_set_flags(k_inv, BN_FLG_CONSTTIME);
    secrets.drbg.mac = mac;

    /* e = bits2int(H(m)); bits2octets(H(m)) = int2octets(e mod q); int2octets(x). */
    if (!BN_bin2bn(digest, sizeof(digest), e) || !BN_nnmod(tmp, e, q, bn) ||
        BN_bn2binpad(tmp, h_octets, P384_BYTES) != P384_BYTES ||
        BN_bn2binpad(x, secrets.x_octets, P384_BYTES) != P384_BYTES ||
        !BN_copy(q_minus_2, q) || !BN_sub_word(q_minus_2, 2) ||
        !drbg_seed(&secrets.drbg, secrets.x_octets, h_octets))
        return crypto_error(error, "signing failed");
    /* RFC 6979 draws again for k >= q, r = 0 or s = 0: each has odds near 2^-384. */
    for (int attempt = 0;; attempt++) {
        if (attempt == 64)
            return crypto_error(error, "signing failed: no usable nonce");
        if (!drbg_next(&secrets.drbg, secrets.t) || !BN_bin2bn(secrets.t, P384_BYTES, k))
            return crypto_error(error, "signing failed");
        if (BN_is_zero(k) || BN_cmp(k, q) >= 0)
            continue;
        /* r = (k*G).x mod q; s = k^-1 (e + r*x) mod q, with k^-1 = k^(q-2) mod q. */
        if (!EC_POINT_mul(group, point, k, NULL, NULL, bn) ||
            !EC_POINT_get_affine_coordinates(group, point, rx, NULL, bn) ||
            !BN_nnmod(r, rx, q, bn))
            return crypto_error(error, "signing failed");
        if (BN_is_zero(r))
            continue;
        if (!BN_mod_exp_mont_consttime(k_inv, k, q_minus_2, q, bn, NULL))
            return crypto_error(error, "signing failed");
        /* s = k^-1 (e + r x) mod q by OpenSSL; it refuses s = 0 (then the next k). */
        ECDSA_SIG *sig = ECDSA_do_sign_ex(digest, (int) digest_len, k_inv, r, ec_key);
        if (sig) {
            const BIGNUM *sig_r = NULL, *sig_s = NULL;
            ECDSA_SIG_get0(sig, &sig_r, &sig_s);
            gboolean same_r = BN_cmp(sig_r, r) == 0;
            gboolean ok = same_r && BN_copy(s, sig_s) != NULL;
            ECDSA_SIG_free(sig);
            if (!ok)
                return crypto_error(error, "signing failed");
            break;
        }
        ERR_clear_error();
    }
    if (!bn_to_field(r, ret) || !bn_to_field(s, ret + FIELD_SIZE))
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
    if (!ccm_snp_sign(id_key, out.id_block, sizeof(out.id_block), a + AUTH_ID_BLOCK_SIG, error) ||
        !ccm_snp_public_key_struct(id_key, a + AUTH_ID_KEY, error) ||
        !sha384(a + AUTH_ID_KEY, CCM_SNP_PUBLIC_KEY_SIZE, out.id_key_digest, error))
        return FALSE;

    if (author_key) {
        store_le32(a + AUTH_AUTH_KEY_ALGO, ALGO_ECDSA_P384_SHA384);
        if (!ccm_snp_sign(author_key, a + AUTH_ID_KEY, CCM_SNP_PUBLIC_KEY_SIZE, a + AUTH_ID_KEY_SIG,
                  error) ||
            !ccm_snp_public_key_struct(author_key, a + AUTH_AUTHOR_KEY, error) ||
            !sha384(a + AUTH_AUTHOR_KEY, CCM_SNP_PUBLIC_KEY_SIZE, out.author_key_digest, error))
            return FALSE;
        out.author_key_enabled = true;
    }

    *ret = out;
    return TRUE;
}
