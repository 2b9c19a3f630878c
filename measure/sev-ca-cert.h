/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-ca-cert.h - AMD's legacy SEV CA certificates (ARK, ASK) in AMD's own binary format
 *
 * AMD SEV API spec 55766, appendix C ("AMD certificate"), all fields little-endian:
 *
 *   0x00  u32     version (1)
 *   0x04  u8[16]  key_id
 *   0x14  u8[16]  certifying_id (the ARK's own key_id in the ARK)
 *   0x24  u32     key_usage (0x0 the ARK, 0x13 the ASK)
 *   0x28  u8[16]  reserved
 *   0x38  u32     pubexp_size, in bits
 *   0x3c  u32     modulus_size, in bits (2048 or 4096)
 *   0x40          pubexp (pubexp_size / 8 bytes), modulus (modulus_size / 8),
 *                 signature (modulus_size / 8): RSASSA-PSS over bytes 0x00..end of modulus
 *
 * AMD's certificates use a pubexp field as wide as the modulus (832 bytes for 2048-bit
 * keys, 1600 for 4096-bit); the parser accepts exactly that shape.
 */
#pragma once

#include <stdint.h>
#include <stddef.h>

#include "ccm/measure.h"

#define CCM_SEV_CA_KEY_ID_SIZE 16
#define CCM_SEV_CA_HEADER_SIZE 0x40
#define CCM_SEV_CA_USAGE_ARK 0x0     /* usage names: ccm_sev_usage_to_string(), sev-cert.h */
#define CCM_SEV_CA_USAGE_ASK 0x13

/* Points into the buffer given to ccm_sev_ca_cert_parse(); the numbers are little-endian
 * as in the file (OpenSSL wants them big-endian: BN_lebin2bn). */
typedef struct CcmSevCaCert {
    uint32_t version;
    uint8_t key_id[CCM_SEV_CA_KEY_ID_SIZE];
    uint8_t certifying_id[CCM_SEV_CA_KEY_ID_SIZE];
    uint32_t key_usage;
    uint32_t pubexp_bits, modulus_bits;
    const uint8_t *pubexp, *modulus, *signature;
    size_t pubexp_size, modulus_size, signature_size;   /* bytes */
    const uint8_t *signed_data;                         /* 0x00 .. end of the modulus */
    size_t signed_size;
} CcmSevCaCert;

/**
 * ccm_sev_ca_cert_parse() - read the AMD certificate @data (@size bytes) named @name
 *
 * Return: 0 with @ret filled; -EBADMSG (naming @name and what was expected) when @data
 * is shorter or longer than its header says, the version is not 1, the key is neither
 * 2048 nor 4096 bits, or the pubexp field is not as wide as the modulus.
 */
int ccm_sev_ca_cert_parse(const uint8_t *data, size_t size, const char *name,
                          CcmSevCaCert *ret, CcmError *reterr);
