/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cca-token.c - the CBOR decoder and the Arm CCA attestation token parser
 *
 * Expected claim values are taken from the .diag files next to the fixtures
 * (tests/data/cca/tokens, from veraison/rust-ccatoken) and, for the draft token and the
 * bare platform claims that have none, from an independent decoder run while writing
 * this test (see tests/data/README.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "cbor.h"
#include "ccm/measure.h"
#include "test-hex.h"

static const char *data_dir;

static GBytes *load(const char *name)
{
    g_autofree char *path = g_build_filename(data_dir, "cca", "tokens", name, NULL);
    g_autoptr(GError) error = NULL;
    char *data = NULL;
    gsize size = 0;

    g_assert_true(g_file_get_contents(path, &data, &size, &error));
    g_assert_no_error(error);
    return g_bytes_new_take(data, size);
}

static CcmCcaToken *parse_ok(GBytes *bytes, const char *name)
{
    CcmCcaToken *token = NULL;
    CcmError error = { 0 };
    gsize size = 0;
    const void *data = g_bytes_get_data(bytes, &size);

    int r = ccm_cca_token_parse(data, size, name, &token, &error);
    if (r < 0)
        g_test_message("%s", error.message);
    g_assert_cmpint(r, ==, 0);
    g_assert_nonnull(token);
    return token;
}

/* Parses @size bytes copied to a heap block of exactly that size (so ASan sees any read
 * past the end) and expects -EBADMSG whose message holds @needle. */
static void parse_fails(const void *data, size_t size, const char *needle)
{
    g_autofree uint8_t *copy = size ? g_memdup2(data, size) : NULL;
    CcmCcaToken *token = NULL;
    CcmError error = { 0 };

    int r = ccm_cca_token_parse(copy, size, "bad.cbor", &token, &error);
    g_assert_cmpint(r, ==, -EBADMSG);
    g_assert_null(token);
    g_assert_true(g_str_has_prefix(error.message, "bad.cbor"));
    if (needle && !strstr(error.message, needle))
        g_error("message '%s' lacks '%s'", error.message, needle);
}

static void assert_hex(const uint8_t *data, size_t size, const char *expected)
{
    g_assert_nonnull(data);
    g_autofree char *hex = test_hex(data, size);
    g_assert_cmpstr(hex, ==, expected);
}

static char *repeat(const char *unit, unsigned n)
{
    GString *s = g_string_new(NULL);
    for (unsigned i = 0; i < n; i++)
        g_string_append(s, unit);
    return g_string_free(s, FALSE);
}

/* The CPAK of cpak.json (a JWK) as an uncompressed point. */
static GBytes *cpak_point(void)
{
    static const char x[] = "IShnxS4rlQiwpCCpBWDzlNLfqiG911FP8akBr-fh94uxHU5m-Kijivp2r2oxxN6M";
    static const char y[] = "hM4tr8mWQli1P61xh3T0ViDREbF26DGOEYfbAjWjGNN7pZf-6A4OTHYqEryz6m7U";
    GByteArray *point = g_byte_array_new();
    guint8 prefix = 0x04;

    g_byte_array_append(point, &prefix, 1);
    for (int i = 0; i < 2; i++) {
        g_autofree char *b64 = g_strdup(i ? y : x);
        g_strdelimit(b64, "-", '+');
        g_strdelimit(b64, "_", '/');
        gsize n = 0;
        g_autofree guchar *raw = g_base64_decode(b64, &n);
        g_assert_cmpuint(n, ==, 48);
        g_byte_array_append(point, raw, (guint) n);
    }
    return g_byte_array_free_to_bytes(point);
}

#define RPV_FOX                                                                                \
    "54686520717569636b2062726f776e20666f78206a756d7073206f766572203133206c617a7920646f67732e" \
    "54686520717569636b2062726f776e20666f7820"
#define RAK_01                                                                                 \
    "0476f988091be585ed41801aecfab858548c63057e16b0e676120bbd0d2f9c29e056c5d41a0130eb9c215178" \
    "99dc23146b28e1b062bd3ea4b315fd219f1cbb528cb6e74ca49be16773734f61a1ca61031b2bbf3d918f2f94" \
    "ffc4228e50919544ae"
#define PATTERN_07 "07060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918"

static void check_binding_ok(const CcmCcaToken *token)
{
    CcmError error = { 0 };
    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t n = 0;

    int r = ccm_cca_token_check_binding(token, digest, &n, &error);
    if (r < 0)
        g_test_message("%s", error.message);
    g_assert_cmpint(r, ==, 0);
    const CcmCcaPlatformClaims *p = ccm_cca_token_platform(token);
    g_assert_cmpmem(digest, n, p->challenge, p->challenge_size);
}

static void test_token_01(void)
{
    g_autoptr(GBytes) bytes = load("cca-token-01.cbor");
    g_autoptr(GBytes) cpak = cpak_point();
    CcmCcaToken *token = parse_ok(bytes, "cca-token-01.cbor");
    CcmError error = { 0 };

    g_assert_cmpint(ccm_cca_token_format(token), ==, CCM_CCA_TOKEN_COLLECTION);
    g_assert_cmpstr(ccm_cca_token_format_to_string(ccm_cca_token_format(token)), ==, "cca-399");

    const CcmCcaRealmClaims *r = ccm_cca_token_realm(token);
    g_assert_nonnull(r);
    g_assert_null(r->profile);
    g_autofree char *ab = repeat("ab", 64);
    assert_hex(r->challenge, r->challenge_size, ab);
    assert_hex(r->personalization_value, r->personalization_value_size, RPV_FOX);
    g_assert_cmpstr(r->hash_algo_id, ==, "sha-256");
    assert_hex(r->public_key, r->public_key_size, RAK_01);
    g_assert_false(r->public_key_is_cose_key);
    g_autofree char *zero32 = repeat("00", 32);
    assert_hex(r->rim, r->rim_size, zero32);
    for (int i = 0; i < 4; i++)
        assert_hex(r->rem[i], r->rem_size[i], zero32);
    g_assert_cmpstr(r->public_key_hash_algo_id, ==, "sha-256");
    g_assert_null(r->instance_id);
    g_assert_null(r->mec_policy);

    const CcmCcaPlatformClaims *p = ccm_cca_token_platform(token);
    g_assert_nonnull(p);
    g_assert_cmpstr(p->profile, ==, "http://arm.com/CCA-SSD/1.0.0");
    assert_hex(p->challenge, p->challenge_size,
               "b5973cb68baa9fc55558786b7ec67f69e40df5ba5aa921cd0c27f40587a011ea");
    assert_hex(p->implementation_id, p->implementation_id_size,
               "7f454c4602010100000000000000000003003e00010000005058000000000000");
    assert_hex(p->instance_id, p->instance_id_size, "01" PATTERN_07);
    assert_hex(p->config, p->config_size, "01" PATTERN_07);
    g_assert_cmpuint(p->lifecycle, ==, 0x3003);
    g_assert_cmpstr(p->verification_service, ==, "whatever.com");
    g_assert_cmpstr(p->hash_algo_id, ==, "sha-256");
    g_assert_cmpuint(p->n_sw_components, ==, 4);
    static const char *types[] = { "BL", "M1", "M2", "M3" };
    static const char *versions[] = { "3.4.2", "1.2", "1.2.3", "1" };
    for (size_t i = 0; i < 4; i++) {
        const CcmCcaSwComponent *sw = &p->sw_components[i];
        g_assert_cmpstr(sw->type, ==, types[i]);
        g_assert_cmpstr(sw->version, ==, versions[i]);
        assert_hex(sw->measurement, sw->measurement_size, PATTERN_07);
        assert_hex(sw->signer_id, sw->signer_id_size, PATTERN_07);
        g_assert_cmpstr(sw->hash_algo_id, ==, i == 0 ? "sha-256" : NULL);
    }

    check_binding_ok(token);
    g_assert_cmpint(ccm_cca_token_verify_realm(token, &error), ==, 0);
    g_assert_cmpint(ccm_cca_token_verify_platform(token, g_bytes_get_data(cpak, NULL),
                                                  g_bytes_get_size(cpak), &error),
                    ==, 0);
    ccm_cca_token_free(token);
}

static void test_token_02(void)
{
    g_autoptr(GBytes) bytes = load("cca-token-02.cbor");
    g_autoptr(GBytes) cpak = cpak_point();
    CcmCcaToken *token = parse_ok(bytes, "cca-token-02.cbor");
    CcmError error = { 0 };

    const CcmCcaRealmClaims *r = ccm_cca_token_realm(token);
    g_autofree char *c = repeat("4142", 32), *rpv = repeat("4144", 32), *x43 = repeat("43", 64);
    assert_hex(r->challenge, r->challenge_size, c);
    assert_hex(r->personalization_value, r->personalization_value_size, rpv);
    g_assert_cmpstr(r->hash_algo_id, ==, "sha-256");
    /* 64-byte RIM and REMs although the algorithm is SHA-256: kept as they are */
    assert_hex(r->rim, r->rim_size, x43);
    for (int i = 0; i < 4; i++)
        assert_hex(r->rem[i], r->rem_size[i], x43);
    g_assert_cmpstr(r->public_key_hash_algo_id, ==, "sha-512");
    assert_hex(r->public_key, r->public_key_size,
               "0482fbd132a9b5c396879fbb15340d9050978e55c79d5279a2ba0e95854f37e20cd2f64f3b72b5"
               "70bbd773eee2ce768425edf545edbe89ffafe0e96bbd46e270f20796c448b98daf46a764d27442"
               "e6e6ed84f8cec817e6ecc6a71d3a3de7d67ecd");

    const CcmCcaPlatformClaims *p = ccm_cca_token_platform(token);
    g_assert_cmpstr(p->profile, ==, "http://arm.com/CCA-SSD/1.0.0");
    assert_hex(p->challenge, p->challenge_size,
               "05e6b58844c6a0cd19382069bafdb0e494662a3adcf8fde11478e933951af1790ff5de5c78e3db11"
               "23da0a207a8b66556e0a22f19ee64bdc2f89953b6b32555f");
    g_autofree char *zero32 = repeat("00", 32), *two = repeat("02", 32);
    g_autofree char *instance = g_strconcat("01", two, NULL);
    assert_hex(p->implementation_id, p->implementation_id_size, zero32);
    assert_hex(p->instance_id, p->instance_id_size, instance);
    assert_hex(p->config, p->config_size, "010203");
    g_assert_cmpuint(p->lifecycle, ==, 0x3000);
    g_assert_cmpstr(p->verification_service, ==, "https://veraison.example/v1/challenge-response");
    g_assert_cmpuint(p->n_sw_components, ==, 1);
    g_assert_null(p->sw_components[0].type);
    g_assert_null(p->sw_components[0].version);
    g_autofree char *three = repeat("03", 32), *four = repeat("04", 32);
    assert_hex(p->sw_components[0].measurement, p->sw_components[0].measurement_size, three);
    assert_hex(p->sw_components[0].signer_id, p->sw_components[0].signer_id_size, four);

    check_binding_ok(token);
    g_assert_cmpint(ccm_cca_token_verify_realm(token, &error), ==, 0);
    /* Signed ES256 with a key that is not among the fixtures: cpak.json is P-384. */
    g_assert_cmpint(ccm_cca_token_verify_platform(token, g_bytes_get_data(cpak, NULL),
                                                  g_bytes_get_size(cpak), &error),
                    ==, -EKEYREJECTED);
    g_assert_nonnull(strstr(error.message, "platform token"));
    ccm_cca_token_free(token);
}

static void test_token_draft(void)
{
    g_autoptr(GBytes) bytes = load("cca-token-draft-ffm-00.cbor");
    g_autoptr(GBytes) cpak = cpak_point();
    CcmCcaToken *token = parse_ok(bytes, "cca-token-draft-ffm-00.cbor");
    CcmError error = { 0 };

    const CcmCcaRealmClaims *r = ccm_cca_token_realm(token);
    g_assert_cmpstr(r->profile, ==, "tag:arm.com,2023:realm#1.0.0");
    assert_hex(r->challenge, r->challenge_size,
               "6e86d6d97cc713bc6dd43dbce491a6b40311c027a8bf85a39da63e9ce44c132a8a119d296fae6a"
               "6999e9bf3e4471b0ce01245d889424c31e89793b3b1d6b1504");
    assert_hex(r->personalization_value, r->personalization_value_size, RPV_FOX);
    g_assert_true(r->public_key_is_cose_key);
    g_assert_cmpuint(r->public_key_size, ==, 107);
    g_assert_cmpmem(r->public_key, 8, "\xa4\x01\x02\x20\x02\x21\x58\x30", 8);
    assert_hex(r->rim, r->rim_size,
               "311314ab73620350cf758834ae5c65d9e8c2dc7febe6e7d9654bbe864e300d49");
    assert_hex(r->rem[0], r->rem_size[0],
               "24d5b0a296cc05cbd8068c5067c5bd473b770dda6ae082fe3ba30abe3f9a6ab1");
    assert_hex(r->rem[3], r->rem_size[3],
               "32c6afc627e55585c03155359f331a0e225f6840db947dd96efab81be2671939");

    const CcmCcaPlatformClaims *p = ccm_cca_token_platform(token);
    g_assert_cmpstr(p->profile, ==, "tag:arm.com,2023:cca_platform#1.0.0");
    g_assert_cmpuint(p->n_sw_components, ==, 13);
    g_assert_cmpstr(p->sw_components[0].type, ==, "RSE_BL1_2");
    g_assert_cmpstr(p->sw_components[12].type, ==, "SOC_FW_CONFIG");
    assert_hex(p->sw_components[8].measurement, p->sw_components[8].measurement_size,
               "a1fb50e6c86fae1679ef3351296fd6713411a08cf8dd1790a4fd05fae8688164");

    check_binding_ok(token);
    g_assert_cmpint(ccm_cca_token_verify_realm(token, &error), ==, 0);
    g_assert_cmpint(ccm_cca_token_verify_platform(token, g_bytes_get_data(cpak, NULL),
                                                  g_bytes_get_size(cpak), &error),
                    ==, 0);
    ccm_cca_token_free(token);
}

static void test_bare_claims(void)
{
    g_autoptr(GBytes) realm_bytes = load("realm-claims.cbor");
    g_autoptr(GBytes) platform_bytes = load("platform-claims.cbor");
    CcmError error = { 0 };

    CcmCcaToken *token = parse_ok(realm_bytes, "realm-claims.cbor");
    g_assert_cmpint(ccm_cca_token_format(token), ==, CCM_CCA_TOKEN_REALM_CLAIMS);
    g_assert_null(ccm_cca_token_platform(token));
    const CcmCcaRealmClaims *r = ccm_cca_token_realm(token);
    g_autofree char *ab = repeat("ab", 64), *zero32 = repeat("00", 32);
    assert_hex(r->challenge, r->challenge_size, ab);
    assert_hex(r->personalization_value, r->personalization_value_size, ab);
    assert_hex(r->rim, r->rim_size, zero32);
    for (int i = 0; i < 4; i++)
        assert_hex(r->rem[i], r->rem_size[i], zero32);
    g_assert_cmpstr(r->hash_algo_id, ==, "sha-256");
    assert_hex(r->public_key, r->public_key_size, RAK_01);
    g_assert_cmpstr(r->public_key_hash_algo_id, ==, "sha-256");
    g_assert_cmpint(ccm_cca_token_check_binding(token, NULL, NULL, &error), ==, -ENOENT);
    g_assert_cmpint(ccm_cca_token_verify_realm(token, &error), ==, -ENOENT);
    ccm_cca_token_free(token);

    token = parse_ok(platform_bytes, "platform-claims.cbor");
    g_assert_cmpint(ccm_cca_token_format(token), ==, CCM_CCA_TOKEN_PLATFORM_CLAIMS);
    g_assert_null(ccm_cca_token_realm(token));
    const CcmCcaPlatformClaims *p = ccm_cca_token_platform(token);
    g_autofree char *aa64 = repeat("aa", 64), *aa32 = repeat("aa", 32), *bb = repeat("bb", 31);
    g_autofree char *instance = g_strconcat("010b", bb, NULL); /* sic: 0x0b, then 31 x 0xbb */
    g_assert_cmpstr(p->profile, ==, "http://arm.com/CCA-SSD/1.0.0");
    assert_hex(p->challenge, p->challenge_size, aa64);
    assert_hex(p->implementation_id, p->implementation_id_size, aa32);
    assert_hex(p->instance_id, p->instance_id_size, instance);
    assert_hex(p->config, p->config_size, "cfcfcfcf");
    g_assert_cmpuint(p->lifecycle, ==, 0x3000);
    g_assert_cmpuint(p->n_sw_components, ==, 2);
    g_assert_null(p->sw_components[0].type);
    g_assert_cmpstr(p->sw_components[0].version, ==, "1.0.0");
    g_assert_cmpstr(p->sw_components[1].hash_algo_id, ==, "sha-256");
    g_autofree char *cc = repeat("cc", 64), *dd = repeat("dd", 64);
    assert_hex(p->sw_components[1].measurement, p->sw_components[1].measurement_size, cc);
    assert_hex(p->sw_components[1].signer_id, p->sw_components[1].signer_id_size, dd);
    g_assert_cmpstr(p->verification_service, ==, "https://cca_verifier.org");
    g_assert_cmpstr(p->hash_algo_id, ==, "sha-256");
    ccm_cca_token_free(token);
}

/* The two byte strings of a tag 399 collection, as encoded (head included). */
static void collection_entries(GBytes *bytes, GBytes **ret_platform, GBytes **ret_realm)
{
    gsize size = 0;
    const uint8_t *data = g_bytes_get_data(bytes, &size);
    g_autoptr(CcmCbor) top = NULL;
    CcmCborError err = { 0 };

    g_assert_cmpint(ccm_cbor_decode(data, size, 0, &top, &err), ==, 0);
    const CcmCbor *map = top->items;
    g_assert_cmpint(map->type, ==, CCM_CBOR_MAP);
    for (size_t i = 0; i < map->size; i++) {
        const CcmCbor *v = &map->items[2 * i + 1];
        GBytes *raw = g_bytes_new(v->raw, v->end - v->offset);
        if (map->items[2 * i].value == 44234)
            *ret_platform = raw;
        else
            *ret_realm = raw;
    }
}

static void test_envelope_907(void)
{
    g_autoptr(GBytes) bytes = load("cca-token-01.cbor");
    g_autoptr(GBytes) platform = NULL, realm = NULL;
    collection_entries(bytes, &platform, &realm);

    /* 907({44234: [263, platform], 44241: [263, realm]}) */
    static const uint8_t head[] = { 0xd9, 0x03, 0x8b, 0xa2 };
    static const uint8_t key_platform[] = { 0x19, 0xac, 0xca, 0x82, 0x19, 0x01, 0x07 };
    static const uint8_t key_realm[] = { 0x19, 0xac, 0xd1, 0x82, 0x19, 0x01, 0x07 };
    g_autoptr(GByteArray) t = g_byte_array_new();
    g_byte_array_append(t, head, sizeof(head));
    g_byte_array_append(t, key_platform, sizeof(key_platform));
    g_byte_array_append(t, g_bytes_get_data(platform, NULL), (guint) g_bytes_get_size(platform));
    g_byte_array_append(t, key_realm, sizeof(key_realm));
    g_byte_array_append(t, g_bytes_get_data(realm, NULL), (guint) g_bytes_get_size(realm));

    g_autoptr(GBytes) b907 = g_bytes_new(t->data, t->len);
    CcmCcaToken *token = parse_ok(b907, "token-907.cbor");
    CcmError error = { 0 };
    g_assert_cmpint(ccm_cca_token_format(token), ==, CCM_CCA_TOKEN_COLLECTION_907);
    g_assert_cmpstr(ccm_cca_token_format_to_string(CCM_CCA_TOKEN_COLLECTION_907), ==, "cca-907");
    assert_hex(ccm_cca_token_realm(token)->personalization_value, 64, RPV_FOX);
    g_assert_cmpuint(ccm_cca_token_platform(token)->n_sw_components, ==, 4);
    check_binding_ok(token);
    g_assert_cmpint(ccm_cca_token_verify_realm(token, &error), ==, 0);
    ccm_cca_token_free(token);

    /* the [263, bstr] form under tag 399, and another content format under 907 */
    t->data[1] = 0x01;
    t->data[2] = 0x8f;
    parse_fails(t->data, t->len, "expected a byte string holding the platform token");
    t->data[1] = 0x03;
    t->data[2] = 0x8b;
    t->data[sizeof(head) + 6] = 0x08;
    parse_fails(t->data, t->len, "content format 264");
}

static void test_bare_realm_token(void)
{
    g_autoptr(GBytes) bytes = load("cca-token-01.cbor");
    g_autoptr(GBytes) platform = NULL, realm = NULL;
    collection_entries(bytes, &platform, &realm);
    CcmError error = { 0 };

    /* the content of the realm byte string: tag 18 + COSE_Sign1 */
    gsize size = 0;
    const uint8_t *raw = g_bytes_get_data(realm, &size);
    g_autoptr(CcmCbor) bstr = NULL;
    CcmCborError err = { 0 };
    g_assert_cmpint(ccm_cbor_decode(raw, size, 0, &bstr, &err), ==, 0);
    g_assert_cmpuint(bstr->data[0], ==, 0xd2);
    for (int tagged = 1; tagged >= 0; tagged--) {
        g_autoptr(GBytes) sign1 = g_bytes_new(bstr->data + (tagged ? 0 : 1),
                                              bstr->size - (tagged ? 0 : 1));
        CcmCcaToken *token = parse_ok(sign1, "realm.cose");
        g_assert_cmpint(ccm_cca_token_format(token), ==, CCM_CCA_TOKEN_REALM_TOKEN);
        g_assert_null(ccm_cca_token_platform(token));
        assert_hex(ccm_cca_token_realm(token)->public_key, 97, RAK_01);
        g_assert_cmpint(ccm_cca_token_verify_realm(token, &error), ==, 0);
        ccm_cca_token_free(token);
    }

    /* and the platform COSE_Sign1 alone */
    g_autoptr(CcmCbor) pbstr = NULL;
    raw = g_bytes_get_data(platform, &size);
    g_assert_cmpint(ccm_cbor_decode(raw, size, 0, &pbstr, &err), ==, 0);
    g_autoptr(GBytes) psign1 = g_bytes_new(pbstr->data, pbstr->size);
    CcmCcaToken *token = parse_ok(psign1, "platform.cose");
    g_assert_cmpint(ccm_cca_token_format(token), ==, CCM_CCA_TOKEN_PLATFORM_TOKEN);
    g_assert_cmpuint(ccm_cca_token_platform(token)->lifecycle, ==, 0x3003);
    ccm_cca_token_free(token);
}

/* A byte flipped in a signed part: parse still works, signature (and binding) fail. */
static void test_tampered(void)
{
    g_autoptr(GBytes) bytes = load("cca-token-01.cbor");
    g_autoptr(GBytes) cpak = cpak_point();
    gsize size = 0;
    g_autofree uint8_t *data = g_memdup2(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    size = g_bytes_get_size(bytes);
    CcmError error = { 0 };

    /* the platform challenge starts b5 97 3c b6 */
    static const uint8_t challenge[] = { 0xb5, 0x97, 0x3c, 0xb6 };
    uint8_t *at = memmem(data, size, challenge, sizeof(challenge));
    g_assert_nonnull(at);
    at[0] ^= 1;
    g_autoptr(GBytes) tampered = g_bytes_new(data, size);
    CcmCcaToken *token = parse_ok(tampered, "tampered.cbor");
    g_assert_cmpint(ccm_cca_token_check_binding(token, NULL, NULL, &error), ==, -EBADMSG);
    g_assert_nonnull(strstr(error.message, "not bound"));
    g_assert_cmpint(ccm_cca_token_verify_platform(token, g_bytes_get_data(cpak, NULL),
                                                  g_bytes_get_size(cpak), &error),
                    ==, -EKEYREJECTED);
    g_assert_cmpint(ccm_cca_token_verify_realm(token, &error), ==, 0);
    ccm_cca_token_free(token);
    at[0] ^= 1;

    /* the realm RPV ("The quick") */
    at = memmem(data, size, "The quick", 9);
    g_assert_nonnull(at);
    at[0] = 't';
    g_autoptr(GBytes) tampered2 = g_bytes_new(data, size);
    token = parse_ok(tampered2, "tampered.cbor");
    g_assert_cmpint(ccm_cca_token_verify_realm(token, &error), ==, -EKEYREJECTED);
    g_assert_nonnull(strstr(error.message, "realm token signature does not verify"));
    check_binding_ok(token);
    g_assert_cmpint(ccm_cca_token_verify_platform(token, g_bytes_get_data(cpak, NULL), 10,
                                                  &error),
                    ==, -EINVAL);
    ccm_cca_token_free(token);
}

/* Every proper prefix of every fixture fails cleanly. */
static void test_truncations(void)
{
    static const char *files[] = { "cca-token-01.cbor", "cca-token-02.cbor",
                                   "cca-token-draft-ffm-00.cbor", "realm-claims.cbor",
                                   "platform-claims.cbor" };
    for (size_t f = 0; f < G_N_ELEMENTS(files); f++) {
        g_autoptr(GBytes) bytes = load(files[f]);
        gsize size = 0;
        const uint8_t *data = g_bytes_get_data(bytes, &size);
        for (size_t n = 0; n < size; n++)
            parse_fails(data, n, " at byte ");
    }
}

/* ---- Hand-built inputs --------------------------------------------------------------- */

static void put_head(GByteArray *a, unsigned major, uint64_t n)
{
    uint8_t b[9];
    size_t len = 1;
    if (n < 24) {
        b[0] = (uint8_t) (major << 5 | n);
    } else {
        unsigned ai = n <= 0xff ? 24 : n <= 0xffff ? 25 : n <= 0xffffffffu ? 26 : 27;
        size_t k = (size_t) 1 << (ai - 24);
        b[0] = (uint8_t) (major << 5 | ai);
        for (size_t i = 0; i < k; i++)
            b[1 + i] = (uint8_t) (n >> (8 * (k - 1 - i)));
        len += k;
    }
    g_byte_array_append(a, b, (guint) len);
}

static void put_bytes(GByteArray *a, uint8_t fill, size_t n)
{
    put_head(a, 2, n);
    for (size_t i = 0; i < n; i++)
        g_byte_array_append(a, &fill, 1);
}

static void put_text(GByteArray *a, const char *s)
{
    put_head(a, 3, strlen(s));
    g_byte_array_append(a, (const guint8 *) s, (guint) strlen(s));
}

enum { BREAK_NONE, BREAK_RIM_TEXT, BREAK_REMS_3, BREAK_CHALLENGE_SIZE, BREAK_DUP_RIM,
       BREAK_NO_RAK, BREAK_ALG_INT };

/* A realm claims map (like realm-claims.cbor), with one thing broken. */
static GByteArray *realm_claims(int broken)
{
    GByteArray *a = g_byte_array_new();
    put_head(a, 5, broken == BREAK_DUP_RIM ? 8 : broken == BREAK_NO_RAK ? 6 : 7);
    put_head(a, 0, 10);
    put_bytes(a, 0xab, broken == BREAK_CHALLENGE_SIZE ? 63 : 64);
    put_head(a, 0, 44235);
    put_bytes(a, 0xab, 64);
    put_head(a, 0, 44238);
    if (broken == BREAK_RIM_TEXT)
        put_text(a, "00");
    else
        put_bytes(a, 0, 32);
    put_head(a, 0, 44239);
    put_head(a, 4, broken == BREAK_REMS_3 ? 3 : 4);
    for (int i = 0; i < (broken == BREAK_REMS_3 ? 3 : 4); i++)
        put_bytes(a, 0, 32);
    put_head(a, 0, 44236);
    if (broken == BREAK_ALG_INT)
        put_head(a, 0, 1);
    else
        put_text(a, "sha-256");
    if (broken != BREAK_NO_RAK) {
        put_head(a, 0, 44237);
        put_bytes(a, 0x04, 97);
    }
    put_head(a, 0, 44240);
    put_text(a, "sha-256");
    if (broken == BREAK_DUP_RIM) {
        put_head(a, 0, 44238);
        put_bytes(a, 0, 32);
    }
    return a;
}

static void test_wrong_types(void)
{
    g_autoptr(GByteArray) good = realm_claims(BREAK_NONE);
    g_autoptr(GBytes) good_bytes = g_bytes_new(good->data, good->len);
    ccm_cca_token_free(parse_ok(good_bytes, "built.cbor"));

    struct {
        int broken;
        const char *needle;
    } cases[] = {
        { BREAK_RIM_TEXT, "expected a byte string for the realm initial measurement (claim "
                          "44238), found a text string" },
        { BREAK_REMS_3, "found 3 items" },
        { BREAK_CHALLENGE_SIZE, "the realm challenge (claim 10) is 63 bytes, expected 64" },
        { BREAK_DUP_RIM, "appears twice" },
        { BREAK_NO_RAK, "expected the realm public key (claim 44237)" },
        { BREAK_ALG_INT, "expected a text string for the realm hash algorithm" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GByteArray) a = realm_claims(cases[i].broken);
        parse_fails(a->data, a->len, cases[i].needle);
    }

    /* A collection whose realm token carries an array instead of a claims map. */
    g_autoptr(GBytes) bytes = load("cca-token-01.cbor");
    g_autoptr(GBytes) platform = NULL, realm = NULL;
    collection_entries(bytes, &platform, &realm);
    static const uint8_t sign1_head[] = { 0xd2, 0x84, 0x44, 0xa1, 0x01, 0x38, 0x22, 0xa0 };
    g_autoptr(GByteArray) sign1 = g_byte_array_new();
    g_byte_array_append(sign1, sign1_head, sizeof(sign1_head));
    put_head(sign1, 2, 1);
    put_head(sign1, 4, 0); /* the payload: [] */
    put_bytes(sign1, 0, 96);
    g_autoptr(GByteArray) t = g_byte_array_new();
    static const uint8_t head[] = { 0xd9, 0x01, 0x8f, 0xa2, 0x19, 0xac, 0xca };
    g_byte_array_append(t, head, sizeof(head));
    g_byte_array_append(t, g_bytes_get_data(platform, NULL), (guint) g_bytes_get_size(platform));
    put_head(t, 0, 44241);
    put_head(t, 2, sign1->len);
    size_t payload_at = t->len + sizeof(sign1_head) + 1;
    g_byte_array_append(t, sign1->data, sign1->len);
    g_autofree char *needle = g_strdup_printf(
        "bad.cbor at byte %zu: expected a CBOR map for the realm claims, found an array",
        payload_at);
    parse_fails(t->data, t->len, needle);

    /* Neither realm nor platform claims; a lone integer; a tag 399 around an array. */
    static const uint8_t empty_map[] = { 0xa1, 0x01, 0x02 };
    parse_fails(empty_map, sizeof(empty_map), "neither realm claims");
    static const uint8_t number[] = { 0x18, 0x2a };
    parse_fails(number, sizeof(number), "expected a CCA token");
    static const uint8_t tag_array[] = { 0xd9, 0x01, 0x8f, 0x80 };
    parse_fails(tag_array, sizeof(tag_array), "expected a CBOR map in the tag 399 collection");
    static const uint8_t tag_other[] = { 0xd9, 0x01, 0x90, 0xa0 };
    parse_fails(tag_other, sizeof(tag_other), "unexpected CBOR tag 400");
    static const uint8_t one_entry[] = { 0xd9, 0x01, 0x8f, 0xa1, 0x19, 0xac, 0xca, 0x40 };
    parse_fails(one_entry, sizeof(one_entry), "has no realm token (key 44241)");
}

static void test_depth_bombs(void)
{
    static const uint8_t openers[] = { 0x81, 0x9f, 0xc6, 0xa1 };
    for (size_t k = 0; k < G_N_ELEMENTS(openers); k++) {
        g_autoptr(GByteArray) a = g_byte_array_new();
        for (int i = 0; i < 30000; i++) {
            g_byte_array_append(a, &openers[k], 1);
            if (openers[k] == 0xa1) {
                static const uint8_t key = 0x01;
                g_byte_array_append(a, &key, 1);
            }
        }
        parse_fails(a->data, a->len, "nesting deeper than 16 levels");
    }
    /* within the limit it is the shape, not the depth, that is refused */
    static const uint8_t nested[] = { 0x81, 0x81, 0x81, 0x00 };
    parse_fails(nested, sizeof(nested), "expected a COSE_Sign1");
}

static void test_huge_lengths(void)
{
    struct {
        uint8_t data[12];
        size_t size;
        const char *needle;
    } cases[] = {
        { { 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9, "runs past the end" },
        { { 0x7a, 0x7f, 0xff, 0xff, 0xff, 0x61 }, 6, "runs past the end" },
        { { 0x9b, 0, 0, 0, 1, 0, 0, 0, 0, 0 }, 10, "an array of 4294967296 items cannot fit" },
        { { 0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 }, 11, "a map of" },
        { { 0xd9, 0x01, 0x8f, 0xba, 0xff, 0xff, 0xff, 0xff }, 8, "cannot fit in the 0 bytes" },
        { { 0x5f, 0x5a, 0xff, 0xff, 0xff, 0xf0, 0x00 }, 7, "a chunk of 4294967280 bytes" },
        { { 0x19, 0x01 }, 2, "needs 2 more bytes, 1 left" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        parse_fails(cases[i].data, cases[i].size, cases[i].needle);

    CcmCcaToken *token = NULL;
    CcmError error = { 0 };
    g_autofree uint8_t *big = g_malloc0(CCM_CCA_TOKEN_MAX_SIZE + 1);
    g_assert_cmpint(ccm_cca_token_parse(big, CCM_CCA_TOKEN_MAX_SIZE + 1, "big.cbor", &token,
                                        &error),
                    ==, -EFBIG);
    g_assert_cmpint(ccm_cca_token_parse(NULL, 1, "x", &token, &error), ==, -EINVAL);
}

/* ---- The decoder on its own ------------------------------------------------------------ */

static int decode(const uint8_t *data, size_t size, CcmCbor **ret, CcmCborError *err)
{
    g_autofree uint8_t *copy = g_memdup2(data, size);
    return ccm_cbor_decode(copy, size, 100, ret, err);
}

static void test_cbor(void)
{
    CcmCborError err = { 0 };
    CcmCbor *item = NULL;

    /* indefinite byte string: chunks joined; offsets count from the base */
    static const uint8_t chunks[] = { 0x5f, 0x41, 0x01, 0x42, 0x02, 0x03, 0xff };
    g_autofree uint8_t *copy = g_memdup2(chunks, sizeof(chunks));
    g_assert_cmpint(ccm_cbor_decode(copy, sizeof(chunks), 100, &item, &err), ==, 0);
    g_assert_cmpint(item->type, ==, CCM_CBOR_BYTES);
    assert_hex(item->data, item->size, "010203");
    g_assert_cmpuint(item->offset, ==, 100);
    g_assert_cmpuint(item->end, ==, 107);
    ccm_cbor_free(item);

    /* indefinite map and array, negative integers, simple values, floats, tags */
    static const uint8_t mixed[] = { 0xbf, 0x20, 0x9f, 0xf4, 0xf5, 0xf6, 0xf9, 0x3c, 0x00, 0xff,
                                     0x38, 0x22, 0xc1, 0x1a, 0x00, 0x01, 0x00, 0x00, 0xff };
    g_assert_cmpint(decode(mixed, sizeof(mixed), &item, &err), ==, 0);
    g_assert_cmpint(item->type, ==, CCM_CBOR_MAP);
    g_assert_cmpuint(item->size, ==, 2);
    int64_t v = 0;
    g_assert_true(ccm_cbor_get_int(&item->items[0], &v));
    g_assert_cmpint(v, ==, -1);
    g_assert_cmpuint(item->items[1].size, ==, 4);
    g_assert_cmpint(item->items[1].items[3].type, ==, CCM_CBOR_FLOAT);
    const CcmCbor *found = NULL;
    g_assert_cmpint(ccm_cbor_map_lookup(item, -35, &found), ==, 1);
    g_assert_cmpint(found->type, ==, CCM_CBOR_TAG);
    g_assert_cmpuint(ccm_cbor_untag(found, 1)->value, ==, 65536);
    g_assert_cmpint(ccm_cbor_map_lookup(item, 7, &found), ==, 0);
    ccm_cbor_free(item);

    struct {
        uint8_t data[8];
        size_t size;
        size_t at;
        const char *needle;
    } bad[] = {
        { { 0 }, 0, 100, "found the end of the data" },
        { { 0x1c }, 1, 100, "reserved additional information 28" },
        { { 0xff }, 1, 100, "a break (0xff) outside" },
        { { 0x1f }, 1, 100, "indefinite length on an integer" },
        { { 0x62, 0xff, 0xfe }, 3, 100, "not UTF-8" },
        { { 0xf8, 0x10 }, 2, 100, "simple value 16 in two bytes" },
        { { 0x5f, 0x61, 0x61, 0xff }, 4, 101, "must be a definite byte string" },
        { { 0x5f, 0x41, 0x00 }, 3, 103, "without its break" },
        { { 0x9f, 0x00 }, 2, 102, "indefinite-length array without its break" },
        { { 0xbf, 0x81, 0x00 }, 3, 103, "indefinite-length map without its break" },
        { { 0xbf, 0x81, 0x00, 0x9f, 0x41 }, 5, 104, "runs past the end" },
        { { 0x00, 0x00 }, 2, 101, "1 bytes after the end" },
        { { 0xbf, 0x00, 0xff }, 3, 102, "a break (0xff) outside" },
        { { 0xa1, 0x00 }, 2, 100, "a map of 1 pairs cannot fit" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        item = NULL;
        memset(&err, 0, sizeof(err));
        g_autofree uint8_t *b = bad[i].size ? g_memdup2(bad[i].data, bad[i].size) : NULL;
        g_assert_cmpint(ccm_cbor_decode(b, bad[i].size, 100, &item, &err), ==, -EBADMSG);
        g_assert_null(item);
        if (!strstr(err.what, bad[i].needle))
            g_error("case %zu: '%s' lacks '%s'", i, err.what, bad[i].needle);
        g_assert_cmpuint(err.offset, ==, bad[i].at);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    data_dir = g_getenv("CCM_TEST_DATA");
    g_assert_nonnull(data_dir);

    g_test_add_func("/cca-token/token-01", test_token_01);
    g_test_add_func("/cca-token/token-02", test_token_02);
    g_test_add_func("/cca-token/token-draft-ffm-00", test_token_draft);
    g_test_add_func("/cca-token/bare-claims", test_bare_claims);
    g_test_add_func("/cca-token/envelope-907", test_envelope_907);
    g_test_add_func("/cca-token/bare-realm-token", test_bare_realm_token);
    g_test_add_func("/cca-token/tampered", test_tampered);
    g_test_add_func("/cca-token/truncations", test_truncations);
    g_test_add_func("/cca-token/wrong-types", test_wrong_types);
    g_test_add_func("/cca-token/depth-bombs", test_depth_bombs);
    g_test_add_func("/cca-token/huge-lengths", test_huge_lengths);
    g_test_add_func("/cca-token/cbor", test_cbor);
    return g_test_run();
}
