/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * admin-token.c - the key broker's admin credential: an Ed25519 key and the JWTs it signs
 *
 * Trustee's KBS accepts an admin call with "Authorization: Bearer <JWT>", EdDSA over an
 * Ed25519 key on every release (broker.md §4). The claims every release accepts are
 * iat and a short exp; v0.21 also wants "role", and iss/aud when the server is set to
 * check them. Ed25519 is a pure signature: the whole signing input is signed, no
 * digest is chosen. The key file must be the operator's alone, like an SSH key.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/pem.h>

#include "admin-token.h"

G_DEFINE_QUARK(ccm-admin-token-error-quark, ccm_admin_token_error)

char *ccm_base64url_encode(const void *data, size_t size)
{
    char *s = g_base64_encode(data, size);
    size_t n = strlen(s);

    while (n > 0 && s[n - 1] == '=')
        s[--n] = '\0';
    for (char *p = s; *p; p++) {
        if (*p == '+')
            *p = '-';
        else if (*p == '/')
            *p = '_';
    }
    return s;
}

EVP_PKEY *ccm_admin_key_load(const char *path, GError **error)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_FILE,
                    "%s: cannot open the admin key: %s", path, g_strerror(e));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        g_set_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_FILE,
                    "%s: the admin key is not a regular file", path);
        return NULL;
    }
    if (st.st_mode & 0077) {
        close(fd);
        g_set_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_PERMISSIONS,
                    "%s: mode %04o lets other users at the broker's admin key; refusing it "
                    "(chmod 0600 it)",
                    path, (unsigned) (st.st_mode & 07777));
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        g_set_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_FILE,
                    "%s: cannot read the admin key", path);
        return NULL;
    }
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!key) {
        g_set_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_KEY,
                    "%s: not a PEM private key (expected an Ed25519 key, e.g. from "
                    "'openssl genpkey -algorithm ed25519')",
                    path);
        return NULL;
    }
    if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(key);
        g_set_error(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_KEY,
                    "%s: the admin key must be Ed25519 (the only kind every trustee release "
                    "accepts)",
                    path);
        return NULL;
    }
    return key;
}

char *ccm_admin_token_mint(EVP_PKEY *key, const CcmAdminTokenClaims *claims, int64_t now,
                           GError **error)
{
    static const char header[] = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}";
    unsigned lifetime = claims && claims->lifetime_s ? claims->lifetime_s : 300;

    json_object *c = json_object_new_object();
    json_object_object_add(c, "iat", json_object_new_int64(now));
    json_object_object_add(c, "exp", json_object_new_int64(now + lifetime));
    if (claims && claims->role)
        json_object_object_add(c, "role", json_object_new_string(claims->role));
    if (claims && claims->issuer)
        json_object_object_add(c, "iss", json_object_new_string(claims->issuer));
    if (claims && claims->audience)
        json_object_object_add(c, "aud", json_object_new_string(claims->audience));
    const char *text = json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE);
    g_autofree char *h64 = ccm_base64url_encode(header, strlen(header));
    g_autofree char *c64 = ccm_base64url_encode(text, strlen(text));
    json_object_put(c);
    g_autofree char *input = g_strconcat(h64, ".", c64, NULL);

    unsigned char sig[64];
    size_t sig_len = sizeof(sig);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    gboolean ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
                  EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *) input,
                                 strlen(input)) == 1 &&
                  sig_len == sizeof(sig);
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        g_set_error_literal(error, CCM_ADMIN_TOKEN_ERROR, CCM_ADMIN_TOKEN_ERROR_SIGN,
                            "cannot sign the broker admin token with the Ed25519 key");
        return NULL;
    }
    g_autofree char *s64 = ccm_base64url_encode(sig, sig_len);
    char *token = g_strconcat(input, ".", s64, NULL);
    /* The signature makes the token: no copy of it outlives this call but the caller's. */
    explicit_bzero(sig, sizeof(sig));
    explicit_bzero(s64, strlen(s64));
    return token;
}
