/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * digest.c - SHA-256/SHA-384/SHA-512 through OpenSSL's EVP interface
 *
 * The SNP launch digest hashes one 112-byte record per 4 KiB page, so per-message
 * overhead matters: the EVP_MD objects are fetched once per process (an implicit
 * fetch on every EVP_DigestInit costs more than hashing a record) and each CcmHasher
 * keeps one EVP_MD_CTX that is restarted instead of reallocated.
 */
#include <errno.h>

#include <glib.h>

#include "digest.h"

static const char *const hash_names[_CCM_HASH_MAX] = {
    [CCM_HASH_SHA256] = "SHA256",
    [CCM_HASH_SHA384] = "SHA384",
    [CCM_HASH_SHA512] = "SHA512",
};

static const size_t hash_sizes[_CCM_HASH_MAX] = {
    [CCM_HASH_SHA256] = 32,
    [CCM_HASH_SHA384] = 48,
    [CCM_HASH_SHA512] = 64,
};

static EVP_MD *fetched[_CCM_HASH_MAX];

static const EVP_MD *hash_md(CcmHashAlgorithm algorithm)
{
    static gsize initialized;

    if (g_once_init_enter(&initialized)) {
        for (int i = 0; i < _CCM_HASH_MAX; i++)
            fetched[i] = EVP_MD_fetch(NULL, hash_names[i], NULL);
        g_once_init_leave(&initialized, 1);
    }
    return fetched[algorithm];
}

size_t ccm_hash_size(CcmHashAlgorithm algorithm)
{
    g_assert(algorithm >= 0 && algorithm < _CCM_HASH_MAX);
    return hash_sizes[algorithm];
}

int ccm_hasher_init(CcmHasher *hasher, CcmHashAlgorithm algorithm)
{
    g_assert(algorithm >= 0 && algorithm < _CCM_HASH_MAX);

    if (!hash_md(algorithm))
        return -ENOTSUP;
    hasher->algorithm = algorithm;
    hasher->ctx = EVP_MD_CTX_new();
    return hasher->ctx ? 0 : -ENOMEM;
}

void ccm_hasher_done(CcmHasher *hasher)
{
    EVP_MD_CTX_free(hasher->ctx);
    hasher->ctx = NULL;
}

int ccm_hasher_start(CcmHasher *hasher)
{
    return EVP_DigestInit_ex2(hasher->ctx, hash_md(hasher->algorithm), NULL) == 1 ? 0 : -EIO;
}

int ccm_hasher_update(CcmHasher *hasher, const void *data, size_t size)
{
    return EVP_DigestUpdate(hasher->ctx, data, size) == 1 ? 0 : -EIO;
}

int ccm_hasher_finish(CcmHasher *hasher, uint8_t *ret_digest)
{
    return EVP_DigestFinal_ex(hasher->ctx, ret_digest, NULL) == 1 ? 0 : -EIO;
}

int ccm_hasher_peek(const CcmHasher *hasher, uint8_t *ret_digest)
{
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    int r = -EIO;

    if (!copy)
        return -ENOMEM;
    if (EVP_MD_CTX_copy_ex(copy, hasher->ctx) == 1 &&
        EVP_DigestFinal_ex(copy, ret_digest, NULL) == 1)
        r = 0;
    EVP_MD_CTX_free(copy);
    return r;
}

int ccm_hasher_digest(CcmHasher *hasher, const void *data, size_t size, uint8_t *ret_digest)
{
    int r = ccm_hasher_start(hasher);

    if (r == 0)
        r = ccm_hasher_update(hasher, data, size);
    if (r == 0)
        r = ccm_hasher_finish(hasher, ret_digest);
    return r;
}

int ccm_hasher_copy(CcmHasher *dst, const CcmHasher *src)
{
    g_assert(dst->algorithm == src->algorithm);
    return EVP_MD_CTX_copy_ex(dst->ctx, src->ctx) == 1 ? 0 : -EIO;
}

int ccm_digest_once(CcmHashAlgorithm algorithm, const void *data, size_t size,
                    uint8_t *ret_digest)
{
    CcmHasher h;
    int r = ccm_hasher_init(&h, algorithm);
    if (r == 0)
        r = ccm_hasher_digest(&h, data, size, ret_digest);
    ccm_hasher_done(&h);
    return r;
}

void ccm_digest_hex(const uint8_t *digest, size_t size, char *ret_hex)
{
    for (size_t i = 0; i < size; i++) {
        ret_hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
        ret_hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
    }
    ret_hex[2 * size] = '\0';
}
