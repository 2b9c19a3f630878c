/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tee-key.h - the guest's ephemeral tee key (EC P-256): its JWK, and JWE decryption */
#pragma once

#include <stdbool.h>

#include <openssl/evp.h>

#include "ga-buf.h"
#include "ga-error.h"
#include "ga-json.h"

/* A new EC P-256 key pair, or NULL with @error (kind GA_EXIT_TRANSPORT: local). */
EVP_PKEY *ga_tee_key_new(GaError *error);

/* Append the public JWK of @key in canonical form (keys sorted, no spaces):
 * {"alg":"ECDH-ES+A256KW","crv":"P-256","kty":"EC","x":...,"y":...}. */
bool ga_tee_key_jwk(EVP_PKEY *key, GaBuf *out, GaError *error);

/**
 * ga_tee_key_decrypt() - decrypt a flattened JWE sent to @key
 * @jwe: the JSON object {protected, encrypted_key, iv, ciphertext, tag[, aad]}
 * @out: receives the plaintext
 *
 * Accepts what the KBS sends to an EC P-256 tee key: alg ECDH-ES+A256KW (Concat KDF
 * over SHA-256, RFC 7518 §4.6) with enc A256GCM. Anything else, and a tag that does not
 * verify, is an error of kind GA_EXIT_TRANSPORT (the reply is not what RCAR promises).
 */
bool ga_tee_key_decrypt(EVP_PKEY *key, GaJson jwe, GaBuf *out, GaError *error);
