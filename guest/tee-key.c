/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tee-key.c - the guest's ephemeral tee key (EC P-256): its JWK, and JWE decryption
 *
 * The KBS encrypts a released resource to the tee key the guest sent in its runtime
 * data; the EAR binds that key to the evidence. For EC P-256 keys it uses ECDH-ES+A256KW:
 * an ephemeral sender key (the header's epk) agrees a secret Z with ours, the JWA Concat
 * KDF turns Z into a 256-bit key-encryption key, which unwraps (RFC 3394) the content
 * key; the content is A256GCM with the protected header's ASCII as additional data.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>

#include "ga-codec.h"
#include "tee-key.h"

#define COORD 32

static void evp_pkey_freep(EVP_PKEY **p) { EVP_PKEY_free(*p); }
static void evp_pkey_ctx_freep(EVP_PKEY_CTX **p) { EVP_PKEY_CTX_free(*p); }
static void evp_cipher_ctx_freep(EVP_CIPHER_CTX **p) { EVP_CIPHER_CTX_free(*p); }
static void bn_freep(BIGNUM **p) { BN_free(*p); }
static void param_bld_freep(OSSL_PARAM_BLD **p) { OSSL_PARAM_BLD_free(*p); }
static void params_freep(OSSL_PARAM **p) { OSSL_PARAM_free(*p); }
#define ga_auto(func) __attribute__((cleanup(func##p)))

EVP_PKEY *ga_tee_key_new(GaError *error)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!key)
        ga_error_set(error, GA_EXIT_TRANSPORT, "cannot generate the EC P-256 tee key");
    return key;
}

bool ga_tee_key_jwk(EVP_PKEY *key, GaBuf *out, GaError *error)
{
    ga_auto(bn_free) BIGNUM *x = NULL;
    ga_auto(bn_free) BIGNUM *y = NULL;
    uint8_t xb[COORD], yb[COORD];
    if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
        !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) ||
        BN_bn2binpad(x, xb, COORD) != COORD || BN_bn2binpad(y, yb, COORD) != COORD)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot read the tee key's public "
                            "point");
    ga_buf_append_str(out, "{\"alg\":\"ECDH-ES+A256KW\",\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"");
    ga_b64url_encode(out, xb, COORD);
    ga_buf_append_str(out, "\",\"y\":\"");
    ga_b64url_encode(out, yb, COORD);
    ga_buf_append_str(out, "\"}");
    return true;
}

/* A base64url member of @object decoded into @out; false if absent or malformed. */
static bool member_b64url(GaJson object, const char *name, GaBuf *out)
{
    ga_autofree char *text = ga_json_member_string(object, name);
    return text && ga_b64url_decode(out, text, strlen(text));
}

/* The sender's ephemeral public key from the header's epk (EC P-256 x, y). */
static EVP_PKEY *epk_from_header(GaJson header)
{
    GaJson epk;
    if (!ga_json_member(header, "epk", &epk))
        return NULL;
    ga_autofree char *kty = ga_json_member_string(epk, "kty");
    ga_autofree char *crv = ga_json_member_string(epk, "crv");
    ga_auto_buf GaBuf x = { 0 };
    ga_auto_buf GaBuf y = { 0 };
    if (!kty || strcmp(kty, "EC") != 0 || !crv || strcmp(crv, "P-256") != 0 ||
        !member_b64url(epk, "x", &x) || !member_b64url(epk, "y", &y) ||
        x.len != COORD || y.len != COORD)
        return NULL;
    uint8_t point[1 + 2 * COORD];
    point[0] = 0x04;   /* uncompressed */
    memcpy(point + 1, x.data, COORD);
    memcpy(point + 1 + COORD, y.data, COORD);

    ga_auto(param_bld_free) OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)))
        return NULL;
    ga_auto(params_free) OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    ga_auto(evp_pkey_ctx_free) EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *peer = NULL;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &peer, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        return NULL;
    /* fromdata does not check that the point is on the curve: a point that is not would
     * leak bits of our key through the agreed secret. */
    ga_auto(evp_pkey_ctx_free) EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, peer, NULL);
    if (!check || EVP_PKEY_public_check(check) != 1) {
        EVP_PKEY_free(peer);
        return NULL;
    }
    return peer;
}

/* ECDH between @key and @peer: the 32-byte shared secret Z. */
static bool ecdh(EVP_PKEY *key, EVP_PKEY *peer, uint8_t z[COORD])
{
    ga_auto(evp_pkey_ctx_free) EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    size_t len = COORD;
    return ctx && EVP_PKEY_derive_init(ctx) > 0 && EVP_PKEY_derive_set_peer(ctx, peer) > 0 &&
           EVP_PKEY_derive(ctx, z, &len) > 0 && len == COORD;
}

static void put_be32(GaBuf *out, uint32_t v)
{
    uint8_t b[4] = { (uint8_t) (v >> 24), (uint8_t) (v >> 16), (uint8_t) (v >> 8), (uint8_t) v };
    ga_buf_append(out, b, 4);
}

/* RFC 7518 §4.6.2: one round of the Concat KDF (256 bits = one SHA-256 output), with
 * OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo (keydatalen). */
static bool concat_kdf(const uint8_t z[COORD], const char *alg, const GaBuf *apu,
                       const GaBuf *apv, uint8_t kek[32])
{
    ga_auto_buf GaBuf input = { 0 };
    put_be32(&input, 1);
    ga_buf_append(&input, z, COORD);
    put_be32(&input, (uint32_t) strlen(alg));
    ga_buf_append_str(&input, alg);
    put_be32(&input, (uint32_t) apu->len);
    ga_buf_append(&input, apu->data, apu->len);
    put_be32(&input, (uint32_t) apv->len);
    ga_buf_append(&input, apv->data, apv->len);
    put_be32(&input, 256);
    unsigned int len = 0;
    return EVP_Digest(input.data, input.len, kek, &len, EVP_sha256(), NULL) && len == 32;
}

/* RFC 3394 AES-256 key unwrap of @wrapped into @cek (32 bytes). */
static bool aes_unwrap(const uint8_t kek[32], const GaBuf *wrapped, uint8_t cek[32])
{
    if (wrapped->len != 40)
        return false;
    ga_auto(evp_cipher_ctx_free) EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return false;
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    uint8_t out[48];
    int n = 0, m = 0;
    bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_wrap(), NULL, kek, NULL) == 1 &&
              EVP_DecryptUpdate(ctx, out, &n, (const uint8_t *) wrapped->data,
                                (int) wrapped->len) == 1 &&
              EVP_DecryptFinal_ex(ctx, out + n, &m) == 1 && n + m == 32;
    if (ok)
        memcpy(cek, out, 32);
    OPENSSL_cleanse(out, sizeof(out));
    return ok;
}

/* A256GCM decryption of @ciphertext (with @tag and @aad), appended to @out if it verifies. */
static bool aes_gcm_open(const uint8_t cek[32], const GaBuf *iv, const GaBuf *ciphertext,
                         const GaBuf *tag, const GaBuf *aad, GaBuf *out)
{
    if (iv->len != 12 || tag->len != 16 || ciphertext->len > (size_t) 1 << 24)
        return false;
    ga_auto(evp_cipher_ctx_free) EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    /* Decrypted into a buffer of our own: nothing reaches @out before the tag verified. */
    ga_auto_buf GaBuf plain = { 0 };
    uint8_t *p = ga_buf_grow(&plain, ciphertext->len);
    int n = 0, m = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, cek, (const uint8_t *) iv->data) != 1 ||
        EVP_DecryptUpdate(ctx, NULL, &n, (const uint8_t *) aad->data, (int) aad->len) != 1)
        return false;
    n = 0;
    if (ciphertext->len &&
        EVP_DecryptUpdate(ctx, p, &n, (const uint8_t *) ciphertext->data,
                          (int) ciphertext->len) != 1)
        return false;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag->data) != 1 ||
        EVP_DecryptFinal_ex(ctx, p + n, &m) != 1)
        return false;
    ga_buf_append(out, p, (size_t) (n + m));
    return true;
}

bool ga_tee_key_decrypt(EVP_PKEY *key, GaJson jwe, GaBuf *out, GaError *error)
{
    ga_autofree char *protected_b64 = ga_json_member_string(jwe, "protected");
    ga_auto_buf GaBuf header_text = { 0 };
    if (!protected_b64 ||
        !ga_b64url_decode(&header_text, protected_b64, strlen(protected_b64)))
        return ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE has no protected header "
                            "(base64url)");
    GaJson header = { ga_buf_str(&header_text), header_text.len };
    if (!ga_json_is_object(header))
        return ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE's protected header is not "
                            "a JSON object");
    ga_autofree char *alg = ga_json_member_string(header, "alg");
    ga_autofree char *enc = ga_json_member_string(header, "enc");
    if (!enc || strcmp(enc, "A256GCM") != 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE's enc is '%s', not A256GCM",
                            enc ? enc : "(none)");
    if (!alg || strcmp(alg, "ECDH-ES+A256KW") != 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE's alg is '%s', not "
                            "ECDH-ES+A256KW (the tee key is EC P-256)", alg ? alg : "(none)");

    ga_auto_buf GaBuf apu = { 0 };
    ga_auto_buf GaBuf apv = { 0 };
    GaJson unused;
    if ((ga_json_member(header, "apu", &unused) && !member_b64url(header, "apu", &apu)) ||
        (ga_json_member(header, "apv", &unused) && !member_b64url(header, "apv", &apv)))
        return ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE's apu or apv is not base64url");

    ga_auto(evp_pkey_free) EVP_PKEY *peer = epk_from_header(header);
    if (!peer)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE's epk is not a valid EC "
                            "P-256 public key");

    ga_auto_buf GaBuf encrypted_key = { 0 };
    ga_auto_buf GaBuf iv = { 0 };
    ga_auto_buf GaBuf ciphertext = { 0 };
    ga_auto_buf GaBuf tag = { 0 };
    if (!member_b64url(jwe, "encrypted_key", &encrypted_key) || !member_b64url(jwe, "iv", &iv) ||
        !member_b64url(jwe, "ciphertext", &ciphertext) || !member_b64url(jwe, "tag", &tag))
        return ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE lacks encrypted_key, iv, "
                            "ciphertext or tag (base64url)");

    /* RFC 7516 §5.1: the additional data is the protected header as sent, then "." and
     * the aad member if there is one. */
    ga_auto_buf GaBuf aad = { 0 };
    ga_buf_append_str(&aad, protected_b64);
    GaJson aad_value;
    if (ga_json_member(jwe, "aad", &aad_value)) {
        ga_autofree char *extra = ga_json_string(aad_value);
        if (!extra)
            return ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE's aad is not a string");
        ga_buf_append_str(&aad, ".");
        ga_buf_append_str(&aad, extra);
    }

    uint8_t z[COORD], kek[32], cek[32];
    bool ok = ecdh(key, peer, z) && concat_kdf(z, alg, &apu, &apv, kek);
    if (ok && !aes_unwrap(kek, &encrypted_key, cek)) {
        ok = ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE's content key does not unwrap "
                          "with our tee key (A256KW)");
    } else if (ok && !aes_gcm_open(cek, &iv, &ciphertext, &tag, &aad, out)) {
        ok = ga_error_set(error, GA_EXIT_TRANSPORT, "the JWE's content does not decrypt "
                          "(A256GCM tag mismatch or bad lengths)");
    } else if (!ok) {
        ga_error_set(error, GA_EXIT_TRANSPORT, "ECDH with the JWE's epk failed");
    }
    OPENSSL_cleanse(z, sizeof(z));
    OPENSSL_cleanse(kek, sizeof(kek));
    OPENSSL_cleanse(cek, sizeof(cek));
    return ok;
}
