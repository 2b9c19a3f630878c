/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* admin-token.h - the key broker's admin credential: an Ed25519 key and the JWTs it signs */
#pragma once

#include <stdint.h>

#include <glib.h>
#include <openssl/evp.h>

#define CCM_ADMIN_TOKEN_ERROR (ccm_admin_token_error_quark())
GQuark ccm_admin_token_error_quark(void);

typedef enum CcmAdminTokenErrorCode {
    CCM_ADMIN_TOKEN_ERROR_FILE,        /* cannot read the key file */
    CCM_ADMIN_TOKEN_ERROR_PERMISSIONS, /* the key file is readable by others */
    CCM_ADMIN_TOKEN_ERROR_KEY,         /* not an Ed25519 private key */
    CCM_ADMIN_TOKEN_ERROR_SIGN,
} CcmAdminTokenErrorCode;

/**
 * ccm_admin_key_load() - the Ed25519 private key in PEM file @path
 *
 * Refuses a file that its group or others may read or write (mode 0600 or stricter
 * is required), a file that is not a regular file, and a key of another type. Errors
 * name the file and say what to do; they never include key material.
 */
EVP_PKEY *ccm_admin_key_load(const char *path, GError **error);

typedef struct CcmAdminTokenClaims {
    const char *role;        /* "role" claim (trustee v0.21+), or NULL */
    const char *issuer;      /* "iss", or NULL */
    const char *audience;    /* "aud", or NULL */
    unsigned lifetime_s;     /* exp = iat + this; 0 means 300 */
} CcmAdminTokenClaims;

/**
 * ccm_admin_token_mint() - a JWS compact token "header.claims.signature", EdDSA
 * @now: seconds since the epoch, for "iat" (and "exp")
 *
 * The header is {"alg":"EdDSA","typ":"JWT"}; every part is base64url without padding.
 * The caller must not log the result.
 */
char *ccm_admin_token_mint(EVP_PKEY *key, const CcmAdminTokenClaims *claims, int64_t now,
                           GError **error);

/* base64url without padding (RFC 7515 §2), as JWS and the policy endpoints want it. */
char *ccm_base64url_encode(const void *data, size_t size);
