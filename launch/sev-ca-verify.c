/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-ca-verify.c - the legacy SEV CA chain ARK -> ASK, checked with OpenSSL
 *
 * Checks, in order (each one runs; the first failure is the verdict's reason):
 *   ark-usage      the ARK's key_usage is 0x0
 *   ark-self-id    the ARK's certifying_id is its own key_id
 *   ark-signature  the ARK's self-signature
 *   ark-pinned     the ARK is byte for byte the pinned ARK of one generation
 *   ask-usage      the ASK's key_usage is 0x13
 *   ask-signature  the ASK's signature under the ARK's key
 *   ask-issuer     the ASK's certifying_id is the ARK's key_id
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "ccm-autocleanups.h"
#include "launch-plan.h"
#include "sev-cert.h"
#include "sev-ca-verify.h"

const char *ccm_sev_ca_check_result_to_string(CcmSevCaCheckResult r)
{
    switch (r) {
    case CCM_SEV_CA_CHECK_OK:
        return "ok";
    case CCM_SEV_CA_CHECK_FAILED:
        return "failed";
    case CCM_SEV_CA_CHECK_NOT_GIVEN:
        return "not-given";
    }
    return "unknown";
}

static void check_free(CcmSevCaCheck *c)
{
    g_free(c->detail);
    g_free(c);
}

static void add_check(CcmSevCaVerification *v, const char *name, CcmSevCaCheckResult result,
                      const char *format, ...) G_GNUC_PRINTF(4, 5);

static void add_check(CcmSevCaVerification *v, const char *name, CcmSevCaCheckResult result,
                      const char *format, ...)
{
    CcmSevCaCheck *c = g_new0(CcmSevCaCheck, 1);
    va_list ap;
    va_start(ap, format);
    c->name = name;
    c->result = result;
    c->detail = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_ptr_array_add(v->checks, c);
    if (result == CCM_SEV_CA_CHECK_FAILED && !v->first_failure)
        v->first_failure = g_strdup_printf("%s: %s", name, c->detail);
}

static void hex_id(const uint8_t id[CCM_SEV_CA_KEY_ID_SIZE],
                   char out[2 * CCM_SEV_CA_KEY_ID_SIZE + 1])
{
    for (size_t i = 0; i < CCM_SEV_CA_KEY_ID_SIZE; i++)
        g_snprintf(out + 2 * i, 3, "%02x", id[i]);
}

static void fill_info(CcmSevCaCertInfo *info, const CcmSevCaCert *c, const char *source)
{
    info->given = TRUE;
    info->source = g_strdup(source);
    hex_id(c->key_id, info->key_id);
    hex_id(c->certifying_id, info->certifying_id);
    info->usage = c->key_usage;
    info->bits = c->modulus_bits;
}

static gboolean parse(GBytes *bytes, const char *name, CcmSevCaCert *ret, GError **error)
{
    CcmError err = { 0 };
    if (ccm_sev_ca_cert_parse(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), name, ret,
                              &err) < 0) {
        g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, err.message);
        return FALSE;
    }
    return TRUE;
}

static GBytes *read_file(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize size = 0;
    if (!g_file_get_contents(path, &data, &size, error))
        return NULL;
    return g_bytes_new_take(g_steal_pointer(&data), size);
}

/* The RSA public key of @c (little-endian exponent and modulus in the file). */
static EVP_PKEY *rsa_key(const CcmSevCaCert *c)
{
    g_autoptr(BIGNUM) n = BN_lebin2bn(c->modulus, (int) c->modulus_size, NULL);
    g_autoptr(BIGNUM) e = BN_lebin2bn(c->pubexp, (int) c->pubexp_size, NULL);
    g_autoptr(OSSL_PARAM_BLD) bld = OSSL_PARAM_BLD_new();
    if (!n || !e || !bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
        return NULL;
    g_autoptr(OSSL_PARAM) params = OSSL_PARAM_BLD_to_param(bld);
    g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *key = NULL;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        return NULL;
    return key;
}

/* The hash the SEV API ties to the signer's key size: SHA-256 for 2048 bits, SHA-384 for
 * 4096 bits. */
static const EVP_MD *hash_for(const CcmSevCaCert *signer)
{
    return signer->modulus_bits == 2048 ? EVP_sha256() : EVP_sha384();
}

/* Does @signer's key sign @c (RSASSA-PSS, MGF1 and salt length of the hash)? */
static gboolean pss_verifies(const CcmSevCaCert *signer, const CcmSevCaCert *c)
{
    g_autoptr(EVP_PKEY) key = rsa_key(signer);
    g_autoptr(EVP_MD_CTX) md = EVP_MD_CTX_new();
    g_autofree uint8_t *sig = g_malloc(c->signature_size);
    for (size_t i = 0; i < c->signature_size; i++)
        sig[i] = c->signature[c->signature_size - 1 - i];
    const EVP_MD *hash = hash_for(signer);
    EVP_PKEY_CTX *pctx = NULL;
    gboolean ok = key && md && EVP_DigestVerifyInit(md, &pctx, hash, NULL, key) > 0 &&
                  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
                  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, hash) > 0 &&
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, EVP_MD_get_size(hash)) > 0 &&
                  EVP_DigestVerify(md, sig, c->signature_size, c->signed_data,
                                   c->signed_size) == 1;
    ERR_clear_error();
    return ok;
}

static const char *scheme(const CcmSevCaCert *signer)
{
    return signer->modulus_bits == 2048 ? "RSA-PSS SHA-256" : "RSA-PSS SHA-384";
}

static const char *usage_name(uint32_t usage)
{
    const char *name = ccm_sev_usage_to_string(usage);
    return name ? name : "unknown";
}

static void check_ark(CcmSevCaVerification *v, const CcmSevCaCert *ark, GBytes *ark_bytes,
                      const CcmSevCaRoots *roots)
{
    if (ark->key_usage == CCM_SEV_CA_USAGE_ARK)
        add_check(v, "ark-usage", CCM_SEV_CA_CHECK_OK, "0x%x (ARK)", ark->key_usage);
    else
        add_check(v, "ark-usage", CCM_SEV_CA_CHECK_FAILED, "0x%x (%s), expected 0x0 (ARK)",
                  ark->key_usage, usage_name(ark->key_usage));
    if (memcmp(ark->key_id, ark->certifying_id, CCM_SEV_CA_KEY_ID_SIZE) == 0)
        add_check(v, "ark-self-id", CCM_SEV_CA_CHECK_OK, "certifying_id = key_id %s",
                  v->ark.key_id);
    else
        add_check(v, "ark-self-id", CCM_SEV_CA_CHECK_FAILED,
                  "certifying_id %s is not the key_id %s: not a self-signed ARK",
                  v->ark.certifying_id, v->ark.key_id);
    if (pss_verifies(ark, ark))
        add_check(v, "ark-signature", CCM_SEV_CA_CHECK_OK, "self-signed, %u-bit %s",
                  ark->modulus_bits, scheme(ark));
    else
        add_check(v, "ark-signature", CCM_SEV_CA_CHECK_FAILED,
                  "the self-signature does not verify (%u-bit %s)", ark->modulus_bits,
                  scheme(ark));
    for (int g = 0; g < _CCM_SEV_GENERATION_MAX; g++)
        if (roots->ark[g] && g_bytes_equal(roots->ark[g], ark_bytes))
            v->generation = (CcmSevGeneration) g;
    if (v->generation != _CCM_SEV_GENERATION_INVALID)
        add_check(v, "ark-pinned", CCM_SEV_CA_CHECK_OK, "the %s ARK (pinned: %s)",
                  ccm_sev_generation_to_string(v->generation), roots->source);
    else
        add_check(v, "ark-pinned", CCM_SEV_CA_CHECK_FAILED,
                  "not the ARK of any generation (pinned: %s)", roots->source);
}

static void check_ask(CcmSevCaVerification *v, const CcmSevCaCert *ask, const CcmSevCaCert *ark)
{
    if (ask->key_usage == CCM_SEV_CA_USAGE_ASK)
        add_check(v, "ask-usage", CCM_SEV_CA_CHECK_OK, "0x%x (ASK)", ask->key_usage);
    else
        add_check(v, "ask-usage", CCM_SEV_CA_CHECK_FAILED, "0x%x (%s), expected 0x13 (ASK)",
                  ask->key_usage, usage_name(ask->key_usage));
    if (pss_verifies(ark, ask))
        add_check(v, "ask-signature", CCM_SEV_CA_CHECK_OK, "signed by the ARK, %u-bit %s",
                  ark->modulus_bits, scheme(ark));
    else
        add_check(v, "ask-signature", CCM_SEV_CA_CHECK_FAILED,
                  "the ARK's key (%u-bit %s) did not sign it", ark->modulus_bits, scheme(ark));
    if (memcmp(ask->certifying_id, ark->key_id, CCM_SEV_CA_KEY_ID_SIZE) == 0)
        add_check(v, "ask-issuer", CCM_SEV_CA_CHECK_OK, "certifying_id = the ARK's key_id %s",
                  v->ark.key_id);
    else
        add_check(v, "ask-issuer", CCM_SEV_CA_CHECK_FAILED,
                  "certifying_id %s, expected the ARK's key_id %s", v->ask.certifying_id,
                  v->ark.key_id);
}

/* With no ARK given: the pinned ARK whose key_id the ASK names. */
static GBytes *pinned_ark_for(const CcmSevCaCert *ask, const CcmSevCaRoots *roots,
                              char **ret_source)
{
    for (int g = 0; g < _CCM_SEV_GENERATION_MAX; g++) {
        CcmSevCaCert c;
        if (!roots->ark[g] ||
            ccm_sev_ca_cert_parse(g_bytes_get_data(roots->ark[g], NULL),
                                  g_bytes_get_size(roots->ark[g]), "pinned", &c, NULL) < 0)
            continue;
        if (memcmp(c.key_id, ask->certifying_id, CCM_SEV_CA_KEY_ID_SIZE) == 0) {
            *ret_source = g_strdup_printf("the %s ARK (pinned: %s)",
                                          ccm_sev_generation_to_string(g), roots->source);
            return g_bytes_ref(roots->ark[g]);
        }
    }
    return NULL;
}

CcmSevCaVerification *ccm_sev_ca_verify(const CcmSevCaVerifyOptions *options, GError **error)
{
    g_return_val_if_fail(options && options->ask_path, NULL);
    g_autoptr(CcmSevCaRoots) roots = ccm_sev_ca_roots_load(options->roots_dir, error);
    if (!roots)
        return NULL;
    g_autoptr(GBytes) ask_bytes = read_file(options->ask_path, error);
    CcmSevCaCert ask, ark;
    if (!ask_bytes || !parse(ask_bytes, options->ask_path, &ask, error))
        return NULL;

    g_autofree char *ark_source = NULL;
    g_autoptr(GBytes) ark_bytes = NULL;
    if (options->ark_path) {
        ark_bytes = read_file(options->ark_path, error);
        ark_source = g_strdup(options->ark_path);
    } else if (!(ark_bytes = pinned_ark_for(&ask, roots, &ark_source))) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: no ARK given, and no pinned ARK (%s) has the key_id its "
                    "certifying_id names", options->ask_path, roots->source);
        return NULL;
    }
    if (!ark_bytes || !parse(ark_bytes, ark_source, &ark, error))
        return NULL;

    g_autoptr(CcmSevCaVerification) v = g_new0(CcmSevCaVerification, 1);
    v->checks = g_ptr_array_new_with_free_func((GDestroyNotify) check_free);
    v->generation = _CCM_SEV_GENERATION_INVALID;
    v->roots_source = g_strdup(roots->source);
    fill_info(&v->ark, &ark, ark_source);
    fill_info(&v->ask, &ask, options->ask_path);
    check_ark(v, &ark, ark_bytes, roots);
    check_ask(v, &ask, &ark);
    v->verified = v->first_failure == NULL;
    return g_steal_pointer(&v);
}

void ccm_sev_ca_verification_free(CcmSevCaVerification *v)
{
    if (!v)
        return;
    if (v->checks)
        g_ptr_array_unref(v->checks);
    g_free(v->ark.source);
    g_free(v->ask.source);
    g_free(v->roots_source);
    g_free(v->first_failure);
    g_free(v);
}
