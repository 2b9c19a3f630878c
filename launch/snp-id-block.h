/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snp-id-block.h - signing an SEV-SNP ID block and its ID authentication structure */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <openssl/evp.h>

#define CCM_SNP_ID_BLOCK_SIZE 96
#define CCM_SNP_ID_AUTH_SIZE 4096
#define CCM_SNP_PUBLIC_KEY_SIZE 0x404

#define CCM_SNP_ID_BLOCK_ERROR (ccm_snp_id_block_error_quark())
GQuark ccm_snp_id_block_error_quark(void);

typedef enum CcmSnpIdBlockError {
    CCM_SNP_ID_BLOCK_ERROR_KEY,     /* unreadable, malformed or unsuitable key */
    CCM_SNP_ID_BLOCK_ERROR_POLICY,  /* the policy would be refused by the firmware */
    CCM_SNP_ID_BLOCK_ERROR_CRYPTO,  /* OpenSSL failed */
} CcmSnpIdBlockError;

typedef struct CcmSnpIdBlockParams {
    uint8_t measurement[48];
    uint8_t family_id[16];
    uint8_t image_id[16];
    uint32_t guest_svn;
    uint64_t policy;
} CcmSnpIdBlockParams;

typedef struct CcmSnpIdBlock {
    uint8_t id_block[CCM_SNP_ID_BLOCK_SIZE];
    uint8_t id_auth[CCM_SNP_ID_AUTH_SIZE];
    bool author_key_enabled;
    uint8_t id_key_digest[48];      /* SHA-384 of the ID key structure (report ID_KEY_DIGEST) */
    uint8_t author_key_digest[48];  /* zero without an author key */
} CcmSnpIdBlock;

/**
 * ccm_snp_load_private_key() - read an ECDSA P-384 private key from a PEM file
 *
 * Errors name @path and say whether the file, the PEM, the key type or the curve is
 * wrong.
 */
EVP_PKEY *ccm_snp_load_private_key(const char *path, GError **error);

/* The 0x404-byte SNP public key structure (curve 2, QX, QY little-endian) of @key. */
gboolean ccm_snp_public_key_struct(EVP_PKEY *key, uint8_t *ret, GError **error);

/**
 * ccm_snp_sign() - the ECDSA P-384/SHA-384 signature of @data with @key, deterministic
 * @ret: 0x200 bytes, the SNP signature layout: R at 0, S at 0x48, each little-endian
 *
 * The nonce is RFC 6979's (section 3.2, HMAC-SHA-384): the same key and data always give
 * the same signature, and no random number is needed (snp-id-block.c says why).
 */
gboolean ccm_snp_sign(EVP_PKEY *key, const uint8_t *data, size_t size, uint8_t *ret,
                      GError **error);

/**
 * ccm_snp_id_block_sign() - build and sign the ID block and ID authentication structure
 * @author_key: may be NULL (no author key: AUTH_KEY_ALGO 0, author-key-enabled off)
 *
 * Deterministic: the same parameters and keys give the same bytes (ccm_snp_sign()).
 */
gboolean ccm_snp_id_block_sign(const CcmSnpIdBlockParams *params, EVP_PKEY *id_key,
                               EVP_PKEY *author_key, CcmSnpIdBlock *ret, GError **error);
