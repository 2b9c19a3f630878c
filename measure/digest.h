/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* digest.h - SHA-256/SHA-384/SHA-512 through OpenSSL's EVP interface, with a reusable context */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

typedef enum CcmHashAlgorithm {
    CCM_HASH_SHA256,
    CCM_HASH_SHA384,
    CCM_HASH_SHA512,
    _CCM_HASH_MAX,
} CcmHashAlgorithm;

/* A hash context that is set up once and restarted for every message. */
typedef struct CcmHasher {
    CcmHashAlgorithm algorithm;
    EVP_MD_CTX *ctx;
} CcmHasher;

size_t ccm_hash_size(CcmHashAlgorithm algorithm);

/* Return: 0 or -ENOMEM. Release with ccm_hasher_done(). */
int ccm_hasher_init(CcmHasher *hasher, CcmHashAlgorithm algorithm);
void ccm_hasher_done(CcmHasher *hasher);

int ccm_hasher_start(CcmHasher *hasher);
int ccm_hasher_update(CcmHasher *hasher, const void *data, size_t size);
int ccm_hasher_finish(CcmHasher *hasher, uint8_t *ret_digest);
/* The digest of what was fed so far, leaving the context running. */
int ccm_hasher_peek(const CcmHasher *hasher, uint8_t *ret_digest);
/* start + update + finish. */
int ccm_hasher_digest(CcmHasher *hasher, const void *data, size_t size, uint8_t *ret_digest);
/* One message, one digest, without a context to keep: 0 or a negative errno. */
int ccm_digest_once(CcmHashAlgorithm algorithm, const void *data, size_t size,
                    uint8_t *ret_digest);
/* Make @dst (set up with ccm_hasher_init) continue from where @src stands. */
int ccm_hasher_copy(CcmHasher *dst, const CcmHasher *src);
/* @size bytes of @digest as lowercase hex into @ret_hex (2 * @size + 1 bytes, NUL-ended). */
void ccm_digest_hex(const uint8_t *digest, size_t size, char *ret_hex);
