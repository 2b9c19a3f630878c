/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-admin-token.c - the broker admin credential: key file rules, the JWT's exact
 * shape and claims, a signature OpenSSL verifies with the public key, and the URL rule
 * that keeps the token off plain HTTP to remote hosts
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/pem.h>

#include "admin-token.h"
#include "http-client.h"

typedef struct Fixture {
    char *dir;
    char *key_path;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("ccm-token-XXXXXX", NULL);
    f->key_path = g_build_filename(f->dir, "admin.pem", NULL);
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    g_assert_nonnull(key);
    FILE *out = fopen(f->key_path, "w");
    g_assert_nonnull(out);
    g_assert_cmpint(PEM_write_PrivateKey(out, key, NULL, NULL, 0, NULL, NULL), ==, 1);
    fclose(out);
    EVP_PKEY_free(key);
    g_assert_cmpint(chmod(f->key_path, 0600), ==, 0);
}

static void teardown(Fixture *f, gconstpointer data)
{
    unlink(f->key_path);
    rmdir(f->dir);
    g_free(f->key_path);
    g_free(f->dir);
}

static guint8 *b64url_decode(const char *text, gsize *size)
{
    g_autofree char *s = g_strdup(text);
    for (char *p = s; *p; p++)
        *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
    g_autoptr(GString) padded = g_string_new(s);
    while (padded->len % 4)
        g_string_append_c(padded, '=');
    return g_base64_decode(padded->str, size);
}

static void test_mint_and_verify(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    EVP_PKEY *key = ccm_admin_key_load(f->key_path, &error);
    g_assert_no_error(error);
    CcmAdminTokenClaims claims = { .role = "admin", .issuer = "ccm-test", .audience = "KBS",
                                   .lifetime_s = 120 };
    g_autofree char *token = ccm_admin_token_mint(key, &claims, 1700000000, &error);
    g_assert_no_error(error);

    g_auto(GStrv) parts = g_strsplit(token, ".", -1);
    g_assert_cmpuint(g_strv_length(parts), ==, 3);
    for (int i = 0; i < 3; i++)
        g_assert_null(strpbrk(parts[i], "=+/")); /* base64url, no padding */
    gsize n = 0;
    g_autofree guint8 *header = b64url_decode(parts[0], &n);
    g_assert_cmpmem(header, n, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}", 27);
    g_autofree guint8 *payload = b64url_decode(parts[1], &n);
    g_autofree char *payload_text = g_strndup((const char *) payload, n);
    json_object *c = json_tokener_parse(payload_text), *v = NULL;
    g_assert_nonnull(c);
    g_assert_true(json_object_object_get_ex(c, "iat", &v));
    g_assert_cmpint(json_object_get_int64(v), ==, 1700000000);
    g_assert_true(json_object_object_get_ex(c, "exp", &v));
    g_assert_cmpint(json_object_get_int64(v), ==, 1700000120);
    g_assert_true(json_object_object_get_ex(c, "role", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "admin");
    g_assert_true(json_object_object_get_ex(c, "iss", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "ccm-test");
    g_assert_true(json_object_object_get_ex(c, "aud", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "KBS");
    json_object_put(c);

    /* The signature verifies over "header.payload" with the public key. */
    g_autofree guint8 *sig = b64url_decode(parts[2], &n);
    g_assert_cmpuint(n, ==, 64);
    g_autofree char *input = g_strconcat(parts[0], ".", parts[1], NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    g_assert_cmpint(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key), ==, 1);
    g_assert_cmpint(EVP_DigestVerify(ctx, sig, n, (const guint8 *) input, strlen(input)), ==, 1);
    /* ... and not over anything else. */
    input[0] ^= 1;
    g_assert_cmpint(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key), ==, 1);
    g_assert_cmpint(EVP_DigestVerify(ctx, sig, n, (const guint8 *) input, strlen(input)), !=, 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
}

static void test_minimal_claims(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    EVP_PKEY *key = ccm_admin_key_load(f->key_path, &error);
    g_autofree char *token = ccm_admin_token_mint(key, NULL, 1000, &error);
    g_auto(GStrv) parts = g_strsplit(token, ".", -1);
    gsize n = 0;
    g_autofree guint8 *payload = b64url_decode(parts[1], &n);
    g_assert_cmpmem(payload, n, "{\"iat\":1000,\"exp\":1300}", 23); /* 5 min, no role */
    EVP_PKEY_free(key);
}

/* A key others may read is refused, naming the file and the fix; so are wrong files. */
static void test_key_file_rules(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(chmod(f->key_path, 0640), ==, 0);
    g_assert_null(ccm_admin_key_load(f->key_path, &error));
    g_assert_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_PERMISSIONS);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, f->key_path));
    g_assert_nonnull(strstr(error->message, "0640"));
    g_assert_nonnull(strstr(error->message, "chmod 0600"));
    g_clear_error(&error);

    g_assert_cmpint(chmod(f->key_path, 0400), ==, 0); /* stricter is fine */
    EVP_PKEY *key = ccm_admin_key_load(f->key_path, &error);
    g_assert_no_error(error);
    EVP_PKEY_free(key);

    g_autofree char *missing = g_build_filename(f->dir, "missing.pem", NULL);
    g_assert_null(ccm_admin_key_load(missing, &error));
    g_assert_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_FILE);
    g_assert_nonnull(strstr(error->message, missing));
    g_clear_error(&error);

    /* An EC key is not accepted. */
    g_autofree char *ec_path = g_build_filename(f->dir, "ec.pem", NULL);
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    FILE *out = fopen(ec_path, "w");
    PEM_write_PrivateKey(out, ec, NULL, NULL, 0, NULL, NULL);
    fclose(out);
    EVP_PKEY_free(ec);
    chmod(ec_path, 0600);
    g_assert_null(ccm_admin_key_load(ec_path, &error));
    g_assert_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_KEY);
    g_assert_nonnull(strstr(error->message, "Ed25519"));
    g_clear_error(&error);
    unlink(ec_path);

    /* Text that is not PEM: the error quotes no key material, only the path. */
    g_autofree char *junk = g_build_filename(f->dir, "junk.pem", NULL);
    g_assert_true(g_file_set_contents(junk, "SECRET-LOOKING-TEXT\n", -1, NULL));
    chmod(junk, 0600);
    g_assert_null(ccm_admin_key_load(junk, &error));
    g_assert_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_KEY);
    g_assert_null(strstr(error->message, "SECRET"));
    unlink(junk);
}

static void test_url_rules(void)
{
    static const struct {
        const char *url;
        bool insecure_ok;
        gboolean ok;
    } cases[] = {
        { "https://kbs.example:8080", false, TRUE },
        { "http://127.0.0.1:8080", false, TRUE },
        { "http://localhost:8080", false, TRUE },
        { "http://[::1]:8080", false, TRUE },
        { "http://127.0.0.53:8080", false, TRUE },
        { "http://LOCALHOST:8080", false, TRUE },
        /* A name is not an address: these resolve wherever their owner wants. */
        { "http://127.attacker.example:8080", false, FALSE },
        { "http://127.0.0.1.attacker.example:8080", false, FALSE },
        { "http://localhost.attacker.example:8080", false, FALSE },
        { "http://[::2]:8080", false, FALSE },
        { "http://128.0.0.1:8080", false, FALSE },
        { "http://kbs.example:8080", false, FALSE },
        { "http://kbs.example:8080", true, TRUE },
        { "ftp://kbs.example", true, FALSE },
        { "not a url", false, FALSE },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        gboolean ok = ccm_http_check_url(cases[i].url, cases[i].insecure_ok, &error);
        if (ok != cases[i].ok)
            g_error("%s (insecure %d): expected %d, got %d: %s", cases[i].url,
                    cases[i].insecure_ok, cases[i].ok, ok, error ? error->message : "");
        if (!ok)
            g_assert_nonnull(strstr(error->message, cases[i].url));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/admin-token/mint-and-verify", Fixture, NULL, setup, test_mint_and_verify,
               teardown);
    g_test_add("/admin-token/minimal-claims", Fixture, NULL, setup, test_minimal_claims,
               teardown);
    g_test_add("/admin-token/key-file-rules", Fixture, NULL, setup, test_key_file_rules,
               teardown);
    g_test_add_func("/admin-token/url-rules", test_url_rules);
    return g_test_run();
}
