/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-broker.c - what ccm tells a Trustee KBS: the supported releases, a guest's key
 * per platform and release, the policy texts per release, and credentials redacted
 * from broker errors
 */
#include <string.h>

#include "broker-policies.h"
#include "broker-values.h"
#include "expectation.h"
#include "kbs-admin.h"
#include "secret-redact.h"

static void test_versions(void)
{
    static const struct {
        const char *text;
        unsigned minor;     /* 0: refused */
        const char *needle; /* in the refusal */
    } cases[] = {
        { "0.16", 16, NULL },         { "0.21", 21, NULL },        { "v0.18.0", 18, NULL },
        { "0.20.3", 20, NULL },       { "0.15", 0, "before 0.16" }, { "0.14", 0, "data.reference" },
        { "0.22", 0, "say 0.21" },    { "1.0", 0, "0.MINOR" },      { "0.", 0, "0.MINOR" },
        { "0.21x", 0, "0.MINOR" },    { "", 0, "0.MINOR" },         { "latest", 0, "0.MINOR" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        unsigned minor = 99;
        gboolean ok = ccm_trustee_version_parse(cases[i].text, &minor, &error);
        g_test_message("'%s': %s", cases[i].text, ok ? "ok" : error->message);
        if (cases[i].minor) {
            g_assert_true(ok);
            g_assert_cmpuint(minor, ==, cases[i].minor);
        } else {
            g_assert_false(ok);
            g_assert_cmpuint(minor, ==, 99); /* untouched on failure */
            g_assert_nonnull(strstr(error->message, cases[i].needle));
            g_assert_true(cases[i].text[0] == '\0' || strstr(error->message, cases[i].text));
        }
    }
}

static CcmGuestSpec *spec_with(CcmGuestPlatform platform, const char *name)
{
    CcmGuestSpec *spec = ccm_guest_spec_new("test.guest");
    spec->platform = platform;
    spec->name = g_strdup(name);
    ccm_expectation_apply_identity(spec, "host-1");
    return spec;
}

/* The identity is derived with the field's size, and the key follows the claim's
 * encoding: SEV-SNP base64 (name-safe) before Trustee 0.18, hex otherwise. */
static void test_scope(void)
{
    static const struct {
        CcmGuestPlatform platform;
        size_t size;
    } platforms[] = {
        { CCM_GUEST_PLATFORM_SEV_SNP, 32 },
        { CCM_GUEST_PLATFORM_TDX, 48 },
        { CCM_GUEST_PLATFORM_CCA, 64 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(platforms); i++) {
        g_autoptr(CcmGuestSpec) spec = spec_with(platforms[i].platform, "web1");
        g_autoptr(GBytes) id = ccm_expectation_identity(spec);
        g_assert_nonnull(id);
        g_assert_cmpuint(g_bytes_get_size(id), ==, platforms[i].size);
        g_autofree char *hex = ccm_broker_scope(spec, 18);
        g_autofree char *old = ccm_broker_scope(spec, 17);
        g_assert_cmpuint(strlen(hex), ==, 2 * platforms[i].size);
        g_assert_cmpuint(strspn(hex, "0123456789abcdef"), ==, strlen(hex));
        if (platforms[i].platform != CCM_GUEST_PLATFORM_SEV_SNP) {
            g_assert_cmpstr(old, ==, hex);
            continue;
        }
        /* base64 of the 32 bytes, '+' '/' made '-' '_', no '=' */
        g_autofree char *b64 = g_base64_encode(g_bytes_get_data(id, NULL), 32);
        g_strdelimit(b64, "+", '-');
        g_strdelimit(b64, "/", '_');
        *strchr(b64, '=') = '\0';
        g_assert_cmpstr(old, ==, b64);
        g_assert_null(strpbrk(old, "+/="));
    }
    /* Another host, another identity; a spec's own identity is kept. */
    g_autoptr(CcmGuestSpec) a = spec_with(CCM_GUEST_PLATFORM_TDX, "web1");
    g_autoptr(CcmGuestSpec) b = ccm_guest_spec_new("test.guest");
    b->platform = CCM_GUEST_PLATFORM_TDX;
    b->name = g_strdup("web1");
    ccm_expectation_apply_identity(b, "host-2");
    g_autofree char *ka = ccm_broker_scope(a, 21), *kb = ccm_broker_scope(b, 21);
    g_assert_cmpstr(ka, !=, kb);
    static const guint8 own[48] = { 7 };
    g_autoptr(CcmGuestSpec) c = ccm_guest_spec_new("test.guest");
    c->platform = CCM_GUEST_PLATFORM_TDX;
    c->name = g_strdup("web1");
    c->tdx.mrconfigid = g_bytes_new_static(own, sizeof(own));
    ccm_expectation_apply_identity(c, "host-1");
    g_autofree char *kc = ccm_broker_scope(c, 21);
    g_assert_true(g_str_has_prefix(kc, "0700000000"));
    /* No identity, no key. */
    g_autoptr(CcmGuestSpec) none = spec_with(CCM_GUEST_PLATFORM_NONE, "x");
    g_assert_null(ccm_broker_scope(none, 21));
}

/* The installed default_cpu is ccm's rules over the restatement of the release, as one
 * module: one package line, one import. */
static void test_policies(void)
{
    const char *dir = g_getenv("CCM_POLICIES");
    g_assert_nonnull(dir);
    static const struct {
        unsigned minor;
        const char *file;
    } releases[] = {
        { 16, "trustee-default-cpu-0.16.rego" }, { 17, "trustee-default-cpu-0.17.rego" },
        { 18, "trustee-default-cpu-0.17.rego" }, { 19, "trustee-default-cpu-0.19.rego" },
        { 20, "trustee-default-cpu-0.20.rego" }, { 21, "trustee-default-cpu-0.20.rego" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(releases); i++) {
        g_assert_cmpstr(ccm_broker_stock_policy_file(releases[i].minor), ==, releases[i].file);
        g_autofree char *att = NULL, *res = NULL;
        g_autoptr(GError) error = NULL;
        g_assert_true(ccm_broker_policies_load(dir, releases[i].minor, &att, &res, &error));
        g_assert_no_error(error);
        g_assert_nonnull(strstr(att, releases[i].file));
        g_assert_nonnull(strstr(att, "stock_executables"));
        g_assert_nonnull(strstr(att, "trust_claims :="));
        g_assert_nonnull(strstr(res, "default allow := false"));
        size_t packages = 0, imports = 0;
        g_auto(GStrv) lines = g_strsplit(att, "\n", -1);
        for (size_t l = 0; lines[l]; l++) {
            packages += g_str_has_prefix(lines[l], "package ");
            imports += g_str_has_prefix(lines[l], "import ");
        }
        g_assert_cmpuint(packages, ==, 1);
        g_assert_cmpuint(imports, ==, 1);
    }
    g_autoptr(GError) error = NULL;
    g_autofree char *att = NULL, *res = NULL;
    g_assert_false(ccm_broker_policies_load("/nonexistent", 21, &att, &res, &error));
    g_assert_nonnull(strstr(error->message, "/nonexistent/ccm-attestation.rego"));
}

static void test_redact(void)
{
    static const char jwt[] = "eyJhbGciOiJFZERTQSJ9.eyJpYXQiOjF9.c2lnbmF0dXJlX2J5dGVz";
    static const struct {
        const char *text;
        const char *expected;  /* NULL: only checked for the secret */
        const char *secret;    /* must be gone */
    } cases[] = {
        /* A proxy echoing the request headers, in the forms we have seen them. */
        { "401 AdminAuthAccess: bad header 'Authorization: Bearer @JWT@'", NULL, "eyJ" },
        { "{\"headers\":{\"Authorization\":\"Bearer @JWT@\",\"Host\":\"kbs\"}}",
          "{\"headers\":{\"Authorization\":\"[redacted]\",\"Host\":\"kbs\"}}", "eyJ" },
        { "authorization=Basic dXNlcjpwYXNzd29yZA== ok", NULL, "dXNlcjpw" },
        { "echo: Cookie: kbs-session-id=1234567890abcdef\nrest", "echo: Cookie: [redacted]\nrest",
          "1234567890" },
        { "token=@JWT@, rest", "token=[redacted], rest", "eyJ" },
        { "{\"access_token\": \"opaque-value-123\", \"ok\": true}",
          "{\"access_token\": \"[redacted]\", \"ok\": true}", "opaque" },
        { "bad key -----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIB\n-----END PRIVATE KEY----- x",
          "bad key [redacted] x", "MC4CAQ" },
        { "cut: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI", "cut: [redacted]", "MHcCAQ" },
        { "a bare JWS @JWT@ in text", "a bare JWS [redacted] in text", "eyJ" },
        /* The broker's own reasons read as they were. */
        { "401 PolicyDeny: no reference value found for ccm/ab/mr_td",
          "401 PolicyDeny: no reference value found for ccm/ab/mr_td", NULL },
        { "401 TokenNotFound: missing Authorization header",
          "401 TokenNotFound: missing Authorization header", NULL },
        { "401 AdminAuthAccess: Authorization header is not a Bearer token",
          "401 AdminAuthAccess: Authorization header is not a Bearer token", NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_auto(GStrv) parts = g_strsplit(cases[i].text, "@JWT@", -1);
        g_autofree char *text = g_strjoinv(jwt, parts);
        g_autofree char *out = ccm_redact_secrets(text);
        g_test_message("%s -> %s", text, out);
        if (cases[i].secret)
            g_assert_null(strstr(out, cases[i].secret));
        if (cases[i].expected)
            g_assert_cmpstr(out, ==, cases[i].expected);
    }
    g_autofree char *empty = ccm_redact_secrets(NULL);
    g_assert_cmpstr(empty, ==, "");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/broker/versions", test_versions);
    g_test_add_func("/broker/scope", test_scope);
    g_test_add_func("/broker/policies", test_policies);
    g_test_add_func("/broker/redact", test_redact);
    return g_test_run();
}
