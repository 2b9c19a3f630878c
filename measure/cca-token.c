/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cca-token.c - Arm CCA attestation tokens: decoding, the realm/platform binding, and
 * the COSE_Sign1 signatures
 *
 * Theory of operation (cca.md §4, §2.7): the token is a CBOR collection of two
 * COSE_Sign1 structures, each wrapped in a byte string: the platform token (key 44234,
 * signed by the CCA platform attestation key, CPAK) and the realm token (key 44241,
 * signed by the realm attestation key, RAK, which the realm token itself carries in
 * claim 44237). RMM 1.0 wraps the collection in tag 399 and stores the byte strings
 * directly; RMM 2.0 uses tag 907 and stores each as [263, byte string]. The two tokens
 * are bound by the platform token's challenge: the hash (realm claim 44240) of the exact
 * bytes of claim 44237.
 *
 * The input is copied once; every CBOR level (collection, COSE_Sign1, protected header,
 * claims) is decoded from the byte string that carries it, with offsets counted from
 * the start of the input so a message can point at the byte at fault. Decoded trees
 * and copied text claims live as long as the token, and the public claim structs point
 * into them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "cbor.h"
#include "error.h"

#define TAG_COLLECTION 399
#define TAG_COLLECTION_907 907
#define TAG_COSE_SIGN1 18
#define CONTENT_FORMAT_TOKEN 263

#define KEY_PLATFORM 44234
#define KEY_REALM 44241

/* Realm claims */
#define REALM_CHALLENGE 10
#define REALM_PROFILE 265
#define REALM_INSTANCE_ID 256
#define REALM_RPV 44235
#define REALM_HASH_ALGO 44236
#define REALM_PUBLIC_KEY 44237
#define REALM_RIM 44238
#define REALM_REMS 44239
#define REALM_PUBLIC_KEY_HASH_ALGO 44240
#define REALM_MEC_POLICY 44243

/* Platform claims */
#define PLAT_PROFILE 265
#define PLAT_CHALLENGE 10
#define PLAT_INSTANCE_ID 256
#define PLAT_LIFECYCLE 2395
#define PLAT_IMPLEMENTATION_ID 2396
#define PLAT_SW_COMPONENTS 2399
#define PLAT_VERIFICATION_SERVICE 2400
#define PLAT_CONFIG 2401
#define PLAT_HASH_ALGO 2402

/* Software component fields */
#define SW_TYPE 1
#define SW_MEASUREMENT 2
#define SW_VERSION 4
#define SW_SIGNER_ID 5
#define SW_HASH_ALGO 6

/* COSE */
#define COSE_HEADER_ALG 1
#define COSE_ALG_ES256 (-7)
#define COSE_ALG_ES384 (-35)
#define COSE_ALG_ES512 (-36)
#define COSE_KEY_KTY 1
#define COSE_KTY_EC2 2
#define COSE_KEY_CRV (-1)
#define COSE_KEY_X (-2)
#define COSE_KEY_Y (-3)

#define MAX_KEY_SIZE 1024

/* One COSE_Sign1: the pieces its signature covers. */
typedef struct Sign1 {
    gboolean present;
    size_t offset;
    const uint8_t *protected_hdr;
    size_t protected_size;
    const uint8_t *payload;
    size_t payload_size;
    const uint8_t *signature;
    size_t signature_size;
    gboolean has_alg;
    int64_t alg;
} Sign1;

struct CcmCcaToken {
    CcmCcaTokenFormat format;
    char *name;
    uint8_t *data;
    size_t size;
    GPtrArray *trees;   /* CcmCbor *, decoded levels */
    GPtrArray *strings; /* char *, text claims */
    gboolean has_realm;
    gboolean has_platform;
    CcmCcaRealmClaims realm;
    CcmCcaPlatformClaims platform;
    CcmCcaSwComponent *components;
    Sign1 realm_sign1;
    Sign1 platform_sign1;
};

typedef struct Parser {
    CcmCcaToken *token;
    CcmError *reterr;
} Parser;

G_GNUC_PRINTF(3, 4)
static int bad(Parser *p, size_t offset, const char *format, ...)
{
    char what[CCM_ERROR_MESSAGE_SIZE];
    va_list ap;

    va_start(ap, format);
    vsnprintf(what, sizeof(what), format, ap);
    va_end(ap);
    return ccm_error_set(p->reterr, -EBADMSG, "%s at byte %zu: %s", p->token->name, offset, what);
}

/* Where the content of a byte string starts in the input. */
static size_t content_offset(const CcmCbor *bstr)
{
    return bstr->indefinite ? bstr->offset : bstr->end - bstr->size;
}

/* Decodes the content of the byte string @bstr as one CBOR item kept by the token. */
static int decode_nested(Parser *p, const CcmCbor *bstr, const char *what, CcmCbor **ret)
{
    CcmCborError err = { 0 };
    CcmCbor *tree = NULL;

    int r = ccm_cbor_decode(bstr->data, bstr->size, content_offset(bstr), &tree, &err);
    if (r < 0)
        return bad(p, err.offset, "%s (in the %s)", err.what, what);
    g_ptr_array_add(p->token->trees, tree);
    *ret = tree;
    return 0;
}

/* ---- Claims ------------------------------------------------------------------- */

/* Looks up @key; 0 with *ret = NULL when absent and not @required. */
static int claim(Parser *p, const CcmCbor *map, int64_t key, const char *what,
                 gboolean required, const CcmCbor **ret)
{
    *ret = NULL;
    int r = ccm_cbor_map_lookup(map, key, ret);
    if (r == -EEXIST)
        return bad(p, (*ret)->offset, "the %s (claim %" G_GINT64_FORMAT ") appears twice", what,
                   key);
    if (r == 0 && required)
        return bad(p, map->offset, "expected the %s (claim %" G_GINT64_FORMAT ") in this map",
                   what, key);
    return 0;
}

/* A byte string of @min to @max bytes. */
static int claim_bytes(Parser *p, const CcmCbor *map, int64_t key, const char *what,
                       gboolean required, size_t min, size_t max, const uint8_t **ret,
                       size_t *ret_size)
{
    const CcmCbor *v;
    int r = claim(p, map, key, what, required, &v);
    if (r < 0 || !v)
        return r;
    if (v->type != CCM_CBOR_BYTES)
        return bad(p, v->offset, "expected a byte string for the %s (claim %" G_GINT64_FORMAT
                   "), found %s", what, key, ccm_cbor_type_name(v));
    if (v->size < min || v->size > max) {
        if (min == max)
            return bad(p, v->offset, "the %s (claim %" G_GINT64_FORMAT ") is %zu bytes, expected "
                       "%zu", what, key, v->size, min);
        return bad(p, v->offset, "the %s (claim %" G_GINT64_FORMAT ") is %zu bytes, expected %zu "
                   "to %zu", what, key, v->size, min, max);
    }
    *ret = v->data;
    *ret_size = v->size;
    return 0;
}

static int text_value(Parser *p, const CcmCbor *v, int64_t key, const char *what,
                      const char **ret)
{
    if (v->type != CCM_CBOR_TEXT)
        return bad(p, v->offset, "expected a text string for the %s (claim %" G_GINT64_FORMAT
                   "), found %s", what, key, ccm_cbor_type_name(v));
    if (memchr(v->data, '\0', v->size))
        return bad(p, v->offset, "the %s (claim %" G_GINT64_FORMAT ") holds a NUL character",
                   what, key);
    char *s = g_strndup((const char *) v->data, v->size);
    g_ptr_array_add(p->token->strings, s);
    *ret = s;
    return 0;
}

static int claim_text(Parser *p, const CcmCbor *map, int64_t key, const char *what,
                      gboolean required, const char **ret)
{
    const CcmCbor *v;
    int r = claim(p, map, key, what, required, &v);
    if (r < 0 || !v)
        return r;
    return text_value(p, v, key, what, ret);
}

static int expect_map(Parser *p, const CcmCbor *item, const char *what)
{
    if (item->type != CCM_CBOR_MAP)
        return bad(p, item->offset, "expected a CBOR map for the %s, found %s", what,
                   ccm_cbor_type_name(item));
    return 0;
}

static gboolean has_key(const CcmCbor *map, int64_t key)
{
    const CcmCbor *v;
    return ccm_cbor_map_lookup(map, key, &v) != 0;
}

static int parse_realm_claims(Parser *p, const CcmCbor *map)
{
    CcmCcaRealmClaims *c = &p->token->realm;
    const CcmCbor *v;
    int r;

    if ((r = expect_map(p, map, "realm claims")) < 0)
        return r;
    if ((r = claim_text(p, map, REALM_PROFILE, "realm profile", FALSE, &c->profile)) < 0 ||
        (r = claim_bytes(p, map, REALM_CHALLENGE, "realm challenge", TRUE, 64, 64,
                         &c->challenge, &c->challenge_size)) < 0 ||
        (r = claim_bytes(p, map, REALM_RPV, "realm personalization value", TRUE, 64, 64,
                         &c->personalization_value, &c->personalization_value_size)) < 0 ||
        (r = claim_text(p, map, REALM_HASH_ALGO, "realm hash algorithm", TRUE,
                        &c->hash_algo_id)) < 0 ||
        (r = claim_bytes(p, map, REALM_PUBLIC_KEY, "realm public key", TRUE, 1, MAX_KEY_SIZE,
                         &c->public_key, &c->public_key_size)) < 0 ||
        (r = claim_bytes(p, map, REALM_RIM, "realm initial measurement", TRUE, 1,
                         CCM_DIGEST_MAX_SIZE, &c->rim, &c->rim_size)) < 0 ||
        (r = claim_text(p, map, REALM_PUBLIC_KEY_HASH_ALGO, "realm public key hash algorithm",
                        TRUE, &c->public_key_hash_algo_id)) < 0 ||
        (r = claim_bytes(p, map, REALM_INSTANCE_ID, "realm instance ID", FALSE, 1, 64,
                         &c->instance_id, &c->instance_id_size)) < 0)
        return r;

    /* A COSE_Key is a CBOR map; a raw EC point starts with 0x04. */
    c->public_key_is_cose_key = (c->public_key[0] & 0xe0) == 0xa0;

    if ((r = claim(p, map, REALM_REMS, "realm extensible measurements", TRUE, &v)) < 0)
        return r;
    if (v->type != CCM_CBOR_ARRAY)
        return bad(p, v->offset, "expected an array of 4 byte strings for the realm extensible "
                   "measurements (claim 44239), found %s", ccm_cbor_type_name(v));
    if (v->size != 4)
        return bad(p, v->offset, "expected an array of 4 byte strings for the realm extensible "
                   "measurements (claim 44239), found %zu items", v->size);
    for (size_t i = 0; i < 4; i++) {
        const CcmCbor *rem = &v->items[i];
        if (rem->type != CCM_CBOR_BYTES || rem->size < 1 || rem->size > CCM_DIGEST_MAX_SIZE)
            return bad(p, rem->offset, "expected a byte string of 1 to %d bytes for REM%zu, "
                       "found %s of %zu bytes", CCM_DIGEST_MAX_SIZE, i, ccm_cbor_type_name(rem),
                       rem->size);
        c->rem[i] = rem->data;
        c->rem_size[i] = rem->size;
    }

    if ((r = claim(p, map, REALM_MEC_POLICY, "realm MEC policy", FALSE, &v)) < 0)
        return r;
    if (v) {
        c->mec_policy = v->raw;
        c->mec_policy_size = v->end - v->offset;
    }
    p->token->has_realm = TRUE;
    return 0;
}

static int parse_sw_component(Parser *p, const CcmCbor *map, CcmCcaSwComponent *sw)
{
    int r;

    if ((r = expect_map(p, map, "software component")) < 0)
        return r;
    if ((r = claim_text(p, map, SW_TYPE, "software component type", FALSE, &sw->type)) < 0 ||
        (r = claim_bytes(p, map, SW_MEASUREMENT, "software component measurement", TRUE, 1,
                         CCM_DIGEST_MAX_SIZE, &sw->measurement, &sw->measurement_size)) < 0 ||
        (r = claim_text(p, map, SW_VERSION, "software component version", FALSE,
                        &sw->version)) < 0 ||
        (r = claim_bytes(p, map, SW_SIGNER_ID, "software component signer ID", FALSE, 1,
                         CCM_DIGEST_MAX_SIZE, &sw->signer_id, &sw->signer_id_size)) < 0 ||
        (r = claim_text(p, map, SW_HASH_ALGO, "software component hash algorithm", FALSE,
                        &sw->hash_algo_id)) < 0)
        return r;
    return 0;
}

static int parse_platform_claims(Parser *p, const CcmCbor *map)
{
    CcmCcaPlatformClaims *c = &p->token->platform;
    const CcmCbor *v;
    int r;

    if ((r = expect_map(p, map, "platform claims")) < 0)
        return r;
    if ((r = claim_text(p, map, PLAT_PROFILE, "platform profile", TRUE, &c->profile)) < 0 ||
        (r = claim_bytes(p, map, PLAT_CHALLENGE, "platform challenge", TRUE, 32, 64,
                         &c->challenge, &c->challenge_size)) < 0 ||
        (r = claim_bytes(p, map, PLAT_IMPLEMENTATION_ID, "platform implementation ID", TRUE, 32,
                         32, &c->implementation_id, &c->implementation_id_size)) < 0 ||
        (r = claim_bytes(p, map, PLAT_INSTANCE_ID, "platform instance ID", TRUE, 33, 33,
                         &c->instance_id, &c->instance_id_size)) < 0 ||
        (r = claim_bytes(p, map, PLAT_CONFIG, "platform configuration", FALSE, 0, 4096,
                         &c->config, &c->config_size)) < 0 ||
        (r = claim_text(p, map, PLAT_VERIFICATION_SERVICE, "platform verification service",
                        FALSE, &c->verification_service)) < 0 ||
        (r = claim_text(p, map, PLAT_HASH_ALGO, "platform hash algorithm", FALSE,
                        &c->hash_algo_id)) < 0)
        return r;

    if ((r = claim(p, map, PLAT_LIFECYCLE, "platform lifecycle", TRUE, &v)) < 0)
        return r;
    if (v->type != CCM_CBOR_UINT || v->value > 0xffff)
        return bad(p, v->offset, "expected an unsigned integer below 65536 for the platform "
                   "lifecycle (claim 2395), found %s", ccm_cbor_type_name(v));
    c->lifecycle = v->value;

    if ((r = claim(p, map, PLAT_SW_COMPONENTS, "platform software components", TRUE, &v)) < 0)
        return r;
    if (v->type != CCM_CBOR_ARRAY)
        return bad(p, v->offset, "expected an array for the platform software components "
                   "(claim 2399), found %s", ccm_cbor_type_name(v));
    p->token->components = g_new0(CcmCcaSwComponent, MAX(v->size, 1));
    for (size_t i = 0; i < v->size; i++) {
        if ((r = parse_sw_component(p, &v->items[i], &p->token->components[i])) < 0)
            return r;
    }
    c->sw_components = p->token->components;
    c->n_sw_components = v->size;
    p->token->has_platform = TRUE;
    return 0;
}

/* ---- COSE_Sign1 ---------------------------------------------------------------- */

static int parse_sign1(Parser *p, const CcmCbor *item, const char *what, Sign1 *s,
                       const CcmCbor **ret_claims)
{
    const CcmCbor *a = ccm_cbor_untag(item, TAG_COSE_SIGN1);
    int r;

    if (a->type != CCM_CBOR_ARRAY || a->size != 4)
        return bad(p, a->offset, "expected a COSE_Sign1 (an array of 4 items) for the %s, found "
                   "%s", what, ccm_cbor_type_name(a));
    const CcmCbor *prot = &a->items[0], *unprot = &a->items[1], *payload = &a->items[2],
                  *sig = &a->items[3];
    if (prot->type != CCM_CBOR_BYTES)
        return bad(p, prot->offset, "expected a byte string for the protected header of the %s, "
                   "found %s", what, ccm_cbor_type_name(prot));
    if (unprot->type != CCM_CBOR_MAP)
        return bad(p, unprot->offset, "expected a map for the unprotected header of the %s, "
                   "found %s", what, ccm_cbor_type_name(unprot));
    if (payload->type != CCM_CBOR_BYTES)
        return bad(p, payload->offset, "expected a byte string for the payload of the %s, found "
                   "%s", what, ccm_cbor_type_name(payload));
    if (sig->type != CCM_CBOR_BYTES)
        return bad(p, sig->offset, "expected a byte string for the signature of the %s, found "
                   "%s", what, ccm_cbor_type_name(sig));

    s->present = TRUE;
    s->offset = a->offset;
    s->protected_hdr = prot->data;
    s->protected_size = prot->size;
    s->payload = payload->data;
    s->payload_size = payload->size;
    s->signature = sig->data;
    s->signature_size = sig->size;

    g_autofree char *hdr_what = g_strdup_printf("protected header of the %s", what);
    const CcmCbor *alg = NULL;
    if (prot->size > 0) {
        CcmCbor *hdr;
        if ((r = decode_nested(p, prot, hdr_what, &hdr)) < 0)
            return r;
        if ((r = expect_map(p, hdr, hdr_what)) < 0)
            return r;
        if (ccm_cbor_map_lookup(hdr, COSE_HEADER_ALG, &alg) < 0)
            return bad(p, alg->offset, "the algorithm appears twice in the %s", hdr_what);
    }
    if (!alg && ccm_cbor_map_lookup(unprot, COSE_HEADER_ALG, &alg) < 0)
        return bad(p, alg->offset, "the algorithm appears twice in the unprotected header of "
                   "the %s", what);
    if (alg) {
        if (!ccm_cbor_get_int(alg, &s->alg))
            return bad(p, alg->offset, "expected an integer COSE algorithm in the %s, found %s",
                       what, ccm_cbor_type_name(alg));
        s->has_alg = TRUE;
    }

    g_autofree char *claims_what = g_strdup_printf("payload of the %s", what);
    CcmCbor *claims;
    if ((r = decode_nested(p, payload, claims_what, &claims)) < 0)
        return r;
    *ret_claims = claims;
    return 0;
}

/* ---- The collection ------------------------------------------------------------ */

static int parse_collection(Parser *p, const CcmCbor *map, gboolean rmm2)
{
    const char *envelope = rmm2 ? "tag 907 collection" : "tag 399 collection";
    const CcmCbor *entries[2] = { NULL, NULL };
    int r;

    if (map->type != CCM_CBOR_MAP)
        return bad(p, map->offset, "expected a CBOR map in the %s, found %s", envelope,
                   ccm_cbor_type_name(map));
    for (size_t i = 0; i < map->size; i++) {
        const CcmCbor *k = &map->items[2 * i], *v = &map->items[2 * i + 1];
        int64_t key;
        if (!ccm_cbor_get_int(k, &key) || (key != KEY_PLATFORM && key != KEY_REALM))
            return bad(p, k->offset, "unexpected key in the %s (expected 44234 for the platform "
                       "token and 44241 for the realm token)", envelope);
        size_t slot = key == KEY_REALM;
        if (entries[slot])
            return bad(p, k->offset, "key %" G_GINT64_FORMAT " appears twice in the %s", key,
                       envelope);
        if (rmm2) {
            int64_t type;
            if (v->type != CCM_CBOR_ARRAY || v->size != 2 || !ccm_cbor_get_int(&v->items[0], &type))
                return bad(p, v->offset, "expected [263, token] for key %" G_GINT64_FORMAT " in "
                           "the %s, found %s", key, envelope, ccm_cbor_type_name(v));
            if (type != CONTENT_FORMAT_TOKEN)
                return bad(p, v->items[0].offset, "content format %" G_GINT64_FORMAT " for key "
                           "%" G_GINT64_FORMAT " in the %s; expected 263", type, key, envelope);
            v = &v->items[1];
        }
        if (v->type != CCM_CBOR_BYTES)
            return bad(p, v->offset, "expected a byte string holding the %s token for key "
                       "%" G_GINT64_FORMAT ", found %s", slot ? "realm" : "platform", key,
                       ccm_cbor_type_name(v));
        entries[slot] = v;
    }
    if (!entries[0] || !entries[1])
        return bad(p, map->offset, "the %s has no %s token (key %d)", envelope,
                   entries[0] ? "realm" : "platform", entries[0] ? KEY_REALM : KEY_PLATFORM);

    CcmCbor *sign1;
    const CcmCbor *claims;
    if ((r = decode_nested(p, entries[0], "platform token", &sign1)) < 0 ||
        (r = parse_sign1(p, sign1, "platform token", &p->token->platform_sign1, &claims)) < 0 ||
        (r = parse_platform_claims(p, claims)) < 0)
        return r;
    if ((r = decode_nested(p, entries[1], "realm token", &sign1)) < 0 ||
        (r = parse_sign1(p, sign1, "realm token", &p->token->realm_sign1, &claims)) < 0 ||
        (r = parse_realm_claims(p, claims)) < 0)
        return r;
    return 0;
}

static gboolean looks_like_realm(const CcmCbor *map)
{
    return has_key(map, REALM_RIM) || has_key(map, REALM_PUBLIC_KEY) ||
           has_key(map, REALM_REMS);
}

static gboolean looks_like_platform(const CcmCbor *map)
{
    return has_key(map, PLAT_IMPLEMENTATION_ID) || has_key(map, PLAT_SW_COMPONENTS) ||
           has_key(map, PLAT_LIFECYCLE);
}

static int parse_top(Parser *p, const CcmCbor *top)
{
    CcmCcaToken *t = p->token;
    int r;

    if (top->type == CCM_CBOR_TAG && top->value == TAG_COLLECTION) {
        t->format = CCM_CCA_TOKEN_COLLECTION;
        return parse_collection(p, top->items, FALSE);
    }
    if (top->type == CCM_CBOR_TAG && top->value == TAG_COLLECTION_907) {
        t->format = CCM_CCA_TOKEN_COLLECTION_907;
        return parse_collection(p, top->items, TRUE);
    }
    if ((top->type == CCM_CBOR_TAG && top->value == TAG_COSE_SIGN1) ||
        top->type == CCM_CBOR_ARRAY) {
        Sign1 s = { 0 };
        const CcmCbor *claims;
        if ((r = parse_sign1(p, top, "token", &s, &claims)) < 0)
            return r;
        if (claims->type == CCM_CBOR_MAP && looks_like_platform(claims) &&
            !looks_like_realm(claims)) {
            t->format = CCM_CCA_TOKEN_PLATFORM_TOKEN;
            t->platform_sign1 = s;
            return parse_platform_claims(p, claims);
        }
        t->format = CCM_CCA_TOKEN_REALM_TOKEN;
        t->realm_sign1 = s;
        return parse_realm_claims(p, claims);
    }
    if (top->type == CCM_CBOR_MAP) {
        if (looks_like_realm(top)) {
            t->format = CCM_CCA_TOKEN_REALM_CLAIMS;
            return parse_realm_claims(p, top);
        }
        if (looks_like_platform(top)) {
            t->format = CCM_CCA_TOKEN_PLATFORM_CLAIMS;
            return parse_platform_claims(p, top);
        }
        return bad(p, top->offset, "a map with neither realm claims (44237, 44238, 44239) nor "
                   "platform claims (2395, 2396, 2399)");
    }
    if (top->type == CCM_CBOR_TAG)
        return bad(p, top->offset, "unexpected CBOR tag %" G_GUINT64_FORMAT "; expected a CCA "
                   "token: tag 399 or 907 (collection), tag 18 (COSE_Sign1), or a claims map",
                   top->value);
    return bad(p, top->offset, "expected a CCA token (tag 399 or 907 collection, a COSE_Sign1 or "
               "a claims map), found %s", ccm_cbor_type_name(top));
}

int ccm_cca_token_parse(const void *data, size_t size, const char *name, CcmCcaToken **ret,
                        CcmError *reterr)
{
    if (!name || !ret || (!data && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_token_parse: bad arguments");
    if (size > CCM_CCA_TOKEN_MAX_SIZE)
        return ccm_error_set(reterr, -EFBIG, "%s: %zu bytes is too large for a CCA token (at "
                             "most %d)", name, size, CCM_CCA_TOKEN_MAX_SIZE);

    CcmCcaToken *t = g_new0(CcmCcaToken, 1);
    t->name = g_strdup(name);
    t->data = g_memdup2(data, size);
    t->size = size;
    t->trees = g_ptr_array_new_with_free_func((GDestroyNotify) ccm_cbor_free);
    t->strings = g_ptr_array_new_with_free_func(g_free);

    Parser p = { .token = t, .reterr = reterr };
    CcmCborError err = { 0 };
    CcmCbor *top = NULL;
    int r = ccm_cbor_decode(t->data, t->size, 0, &top, &err);
    if (r < 0) {
        r = bad(&p, err.offset, "%s", err.what);
    } else {
        g_ptr_array_add(t->trees, top);
        r = parse_top(&p, top);
    }
    if (r < 0) {
        ccm_cca_token_free(t);
        return r;
    }
    *ret = t;
    return 0;
}

void ccm_cca_token_free(CcmCcaToken *token)
{
    if (!token)
        return;
    g_ptr_array_unref(token->trees);
    g_ptr_array_unref(token->strings);
    g_free(token->components);
    g_free(token->data);
    g_free(token->name);
    g_free(token);
}

CcmCcaTokenFormat ccm_cca_token_format(const CcmCcaToken *token)
{
    return token->format;
}

const char *ccm_cca_token_format_to_string(CcmCcaTokenFormat format)
{
    switch (format) {
    case CCM_CCA_TOKEN_COLLECTION:
        return "cca-399";
    case CCM_CCA_TOKEN_COLLECTION_907:
        return "cca-907";
    case CCM_CCA_TOKEN_REALM_TOKEN:
        return "realm-token";
    case CCM_CCA_TOKEN_PLATFORM_TOKEN:
        return "platform-token";
    case CCM_CCA_TOKEN_REALM_CLAIMS:
        return "realm-claims";
    case CCM_CCA_TOKEN_PLATFORM_CLAIMS:
        return "platform-claims";
    }
    return NULL;
}

const CcmCcaRealmClaims *ccm_cca_token_realm(const CcmCcaToken *token)
{
    return token && token->has_realm ? &token->realm : NULL;
}

const CcmCcaPlatformClaims *ccm_cca_token_platform(const CcmCcaToken *token)
{
    return token && token->has_platform ? &token->platform : NULL;
}

/* ---- Binding and signatures ------------------------------------------------------ */

static const EVP_MD *md_from_name(const char *name)
{
    if (g_strcmp0(name, "sha-256") == 0)
        return EVP_sha256();
    if (g_strcmp0(name, "sha-384") == 0)
        return EVP_sha384();
    if (g_strcmp0(name, "sha-512") == 0)
        return EVP_sha512();
    return NULL;
}

int ccm_cca_token_check_binding(const CcmCcaToken *token, uint8_t *ret_digest,
                                size_t *ret_digest_size, CcmError *reterr)
{
    if (!token)
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_token_check_binding: bad arguments");
    if (!token->has_realm || !token->has_platform)
        return ccm_error_set(reterr, -ENOENT, "%s: the binding needs both the realm and the "
                             "platform token", token->name);
    const CcmCcaRealmClaims *realm = &token->realm;
    const EVP_MD *md = md_from_name(realm->public_key_hash_algo_id);
    if (!md)
        return ccm_error_set(reterr, -EOPNOTSUPP, "%s: unknown realm public key hash algorithm "
                             "'%s' (expected sha-256, sha-384 or sha-512)", token->name,
                             realm->public_key_hash_algo_id);
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!EVP_Digest(realm->public_key, realm->public_key_size, digest, &n, md, NULL))
        return ccm_error_set(reterr, -ENOMEM, "%s: cannot hash the realm public key",
                             token->name);
    if (ret_digest)
        memcpy(ret_digest, digest, n);
    if (ret_digest_size)
        *ret_digest_size = n;
    if (n != token->platform.challenge_size ||
        memcmp(digest, token->platform.challenge, n) != 0)
        return ccm_error_set(reterr, -EBADMSG, "%s: the platform challenge is not the %s of the "
                             "realm public key: the two tokens are not bound", token->name,
                             realm->public_key_hash_algo_id);
    return 0;
}

static const char *curve_for_point_size(size_t size, size_t *ret_field)
{
    switch (size) {
    case 65:
        *ret_field = 32;
        return "P-256";
    case 97:
        *ret_field = 48;
        return "P-384";
    case 133:
        *ret_field = 66;
        return "P-521";
    default:
        return NULL;
    }
}

/* An EVP_PKEY for an uncompressed point (0x04 || x || y) of P-256, P-384 or P-521. */
static EVP_PKEY *key_from_point(const uint8_t *point, size_t size, size_t *ret_field)
{
    const char *group = curve_for_point_size(size, ret_field);
    if (!group || point[0] != 0x04)
        return NULL;

    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (bld && ctx &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, size) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) && EVP_PKEY_fromdata_init(ctx) > 0 &&
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        key = NULL;
    /* fromdata does not check that the point is on the curve */
    if (key) {
        EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        if (!check || EVP_PKEY_public_check(check) <= 0) {
            EVP_PKEY_free(key);
            key = NULL;
        }
        EVP_PKEY_CTX_free(check);
    }
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return key;
}

static void put_head(GByteArray *out, unsigned major, uint64_t n)
{
    uint8_t head[9];
    size_t len = 1;

    if (n < 24) {
        head[0] = (uint8_t) (major << 5 | n);
    } else {
        unsigned ai = n <= 0xff ? 24 : n <= 0xffff ? 25 : n <= 0xffffffffu ? 26 : 27;
        size_t bytes = (size_t) 1 << (ai - 24);
        head[0] = (uint8_t) (major << 5 | ai);
        for (size_t i = 0; i < bytes; i++)
            head[1 + i] = (uint8_t) (n >> (8 * (bytes - 1 - i)));
        len += bytes;
    }
    g_byte_array_append(out, head, (guint) len);
}

/* Checks @s's signature with @key: ECDSA over Sig_structure ["Signature1", protected,
 * h'', payload] (RFC 9052 §4.4), the signature being r || s. */
static int verify_sign1(const CcmCcaToken *token, const Sign1 *s, EVP_PKEY *key, size_t field,
                        const char *what, CcmError *reterr)
{
    const EVP_MD *md = NULL;

    if (!s->has_alg)
        return ccm_error_set(reterr, -EOPNOTSUPP, "%s: the %s names no COSE algorithm",
                             token->name, what);
    switch (s->alg) {
    case COSE_ALG_ES256:
        md = EVP_sha256();
        break;
    case COSE_ALG_ES384:
        md = EVP_sha384();
        break;
    case COSE_ALG_ES512:
        md = EVP_sha512();
        break;
    default:
        return ccm_error_set(reterr, -EOPNOTSUPP, "%s: the %s uses COSE algorithm %" G_GINT64_FORMAT
                             "; only ES256, ES384 and ES512 are supported", token->name, what,
                             s->alg);
    }
    if (s->signature_size != 2 * field)
        return ccm_error_set(reterr, -EKEYREJECTED, "%s: the %s signature (%s) is %zu bytes; a "
                             "signature by the %s key is %zu", token->name, what,
                             s->alg == COSE_ALG_ES256 ? "ES256"
                             : s->alg == COSE_ALG_ES384 ? "ES384" : "ES512",
                             s->signature_size, field == 32 ? "P-256" : field == 48 ? "P-384"
                                                                                    : "P-521",
                             2 * field);

    g_autoptr(GByteArray) tbs = g_byte_array_new();
    static const char context[] = "Signature1";
    put_head(tbs, 4, 4);
    put_head(tbs, 3, sizeof(context) - 1);
    g_byte_array_append(tbs, (const guint8 *) context, sizeof(context) - 1);
    put_head(tbs, 2, s->protected_size);
    g_byte_array_append(tbs, s->protected_hdr, (guint) s->protected_size);
    put_head(tbs, 2, 0);
    put_head(tbs, 2, s->payload_size);
    g_byte_array_append(tbs, s->payload, (guint) s->payload_size);

    int r = -ENOMEM;
    unsigned char *der = NULL;
    int der_size = 0;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(s->signature, (int) field, NULL);
    BIGNUM *bs = BN_bin2bn(s->signature + field, (int) field, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (sig && br && bs && ctx && ECDSA_SIG_set0(sig, br, bs)) {
        br = bs = NULL; /* owned by sig */
        der_size = i2d_ECDSA_SIG(sig, &der);
        if (der_size > 0 && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) > 0) {
            int ok = EVP_DigestVerify(ctx, der, (size_t) der_size, tbs->data, tbs->len);
            r = ok == 1 ? 0 : -EKEYREJECTED;
        }
    }
    OPENSSL_free(der);
    BN_free(br);
    BN_free(bs);
    ECDSA_SIG_free(sig);
    EVP_MD_CTX_free(ctx);
    if (r == -ENOMEM)
        return ccm_error_set(reterr, r, "%s: cannot set up the %s signature check", token->name,
                             what);
    if (r < 0)
        return ccm_error_set(reterr, r, "%s: the %s signature does not verify with the %s",
                             token->name, what, s == &token->realm_sign1 ? "realm public key"
                                                                         : "given CPAK");
    return 0;
}

/* The RAK as an uncompressed point: claim 44237 itself, or built from its COSE_Key. */
static int realm_key_point(const CcmCcaToken *token, uint8_t *point, size_t *ret_size,
                           CcmError *reterr)
{
    const CcmCcaRealmClaims *c = &token->realm;

    if (!c->public_key_is_cose_key) {
        if (c->public_key_size > 133)
            return ccm_error_set(reterr, -EOPNOTSUPP, "%s: the realm public key is %zu bytes, "
                                 "not an EC point", token->name, c->public_key_size);
        memcpy(point, c->public_key, c->public_key_size);
        *ret_size = c->public_key_size;
        return 0;
    }
    g_autoptr(CcmCbor) key = NULL;
    CcmCborError err = { 0 };
    const CcmCbor *kty = NULL, *crv = NULL, *x = NULL, *y = NULL;
    int64_t kty_v = 0, crv_v = 0;
    if (ccm_cbor_decode(c->public_key, c->public_key_size, 0, &key, &err) < 0 ||
        key->type != CCM_CBOR_MAP || ccm_cbor_map_lookup(key, COSE_KEY_KTY, &kty) != 1 ||
        ccm_cbor_map_lookup(key, COSE_KEY_CRV, &crv) != 1 ||
        ccm_cbor_map_lookup(key, COSE_KEY_X, &x) != 1 ||
        ccm_cbor_map_lookup(key, COSE_KEY_Y, &y) != 1 || !ccm_cbor_get_int(kty, &kty_v) ||
        !ccm_cbor_get_int(crv, &crv_v) || x->type != CCM_CBOR_BYTES ||
        y->type != CCM_CBOR_BYTES)
        return ccm_error_set(reterr, -EOPNOTSUPP, "%s: the realm public key is not an EC2 "
                             "COSE_Key with kty, crv, x and y", token->name);
    static const size_t fields[] = { 0, 32, 48, 66 };
    if (kty_v != COSE_KTY_EC2 || crv_v < 1 || crv_v > 3 || x->size != fields[crv_v] ||
        y->size != fields[crv_v])
        return ccm_error_set(reterr, -EOPNOTSUPP, "%s: the realm public key COSE_Key is not "
                             "EC2 on P-256, P-384 or P-521", token->name);
    point[0] = 0x04;
    memcpy(point + 1, x->data, x->size);
    memcpy(point + 1 + x->size, y->data, y->size);
    *ret_size = 1 + x->size + y->size;
    return 0;
}

int ccm_cca_token_verify_realm(const CcmCcaToken *token, CcmError *reterr)
{
    uint8_t point[133];
    size_t size = 0, field = 0;

    if (!token)
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_token_verify_realm: bad arguments");
    if (!token->has_realm || !token->realm_sign1.present)
        return ccm_error_set(reterr, -ENOENT, "%s: there is no signed realm token",
                             token->name);
    int r = realm_key_point(token, point, &size, reterr);
    if (r < 0)
        return r;
    EVP_PKEY *key = key_from_point(point, size, &field);
    if (!key)
        return ccm_error_set(reterr, -EOPNOTSUPP, "%s: the realm public key is not a valid "
                             "P-256, P-384 or P-521 point", token->name);
    r = verify_sign1(token, &token->realm_sign1, key, field, "realm token", reterr);
    EVP_PKEY_free(key);
    return r;
}

int ccm_cca_token_verify_platform(const CcmCcaToken *token, const uint8_t *cpak,
                                  size_t cpak_size, CcmError *reterr)
{
    size_t field = 0;

    if (!token || (!cpak && cpak_size))
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_token_verify_platform: bad arguments");
    if (!token->has_platform || !token->platform_sign1.present)
        return ccm_error_set(reterr, -ENOENT, "%s: there is no signed platform token",
                             token->name);
    EVP_PKEY *key = cpak_size ? key_from_point(cpak, cpak_size, &field) : NULL;
    if (!key)
        return ccm_error_set(reterr, -EINVAL, "the CPAK is not a valid uncompressed P-256, "
                             "P-384 or P-521 point");
    int r = verify_sign1(token, &token->platform_sign1, key, field, "platform token", reterr);
    EVP_PKEY_free(key);
    return r;
}
