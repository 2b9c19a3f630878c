/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-cert.h - the SEV certificate format of the platform's keys (CEK, PEK, OCA, PDH)
 *
 * AMD SEV API spec 55766, appendix B ("SEV certificate"), 0x824 bytes, little-endian:
 *
 *   0x000  u32        version (1)
 *   0x004  u8, u8     api_major, api_minor (of the firmware that made it)
 *   0x006  u8[2]      reserved
 *   0x008  u32        pubkey_usage (0x1001 OCA, 0x1002 PEK, 0x1003 PDH, 0x1004 CEK; 0x0
 *                     ARK, 0x13 ASK)
 *   0x00c  u32        pubkey_algo (0x1/0x101 RSA-SHA256/384, 0x2/0x102 ECDSA-SHA256/384,
 *                     0x3/0x103 ECDH-SHA256/384)
 *   0x010  u8[0x404]  pubkey: RSA (u32 modulus_size in bits, pubexp[512], modulus[512]) or
 *                     EC (u32 curve: 1 P-256, 2 P-384, 3 P-521; qx[72], qy[72], reserved)
 *   0x414  u32, u32   sig1 usage, algo; 0x41c u8[0x200] sig1 (RSA: 512 bytes; ECDSA:
 *                     r[72], s[72], reserved)
 *   0x61c  u32, u32   sig2 usage, algo; 0x624 u8[0x200] sig2
 *
 * A signature slot whose usage is 0x1000 (invalid) is empty. The signatures cover bytes
 * 0x000..0x413 (everything before the first slot).
 */
#pragma once

#include <stdint.h>
#include <stddef.h>

#include "ccm/measure.h"

#define CCM_SEV_CERT_BYTES 0x824
#define CCM_SEV_CERT_SIGNED_BYTES 0x414
#define CCM_SEV_CERT_EC_COORD 72
#define CCM_SEV_CERT_RSA_MAX 512

enum {
    CCM_SEV_USAGE_ARK = 0x0,
    CCM_SEV_USAGE_ASK = 0x13,
    CCM_SEV_USAGE_NONE = 0x1000,        /* "invalid": an empty signature slot */
    CCM_SEV_USAGE_OCA = 0x1001,
    CCM_SEV_USAGE_PEK = 0x1002,
    CCM_SEV_USAGE_PDH = 0x1003,
    CCM_SEV_USAGE_CEK = 0x1004,
};

enum {
    CCM_SEV_ALGO_NONE = 0x0,
    CCM_SEV_ALGO_RSA_SHA256 = 0x1,
    CCM_SEV_ALGO_ECDSA_SHA256 = 0x2,
    CCM_SEV_ALGO_ECDH_SHA256 = 0x3,
    CCM_SEV_ALGO_RSA_SHA384 = 0x101,
    CCM_SEV_ALGO_ECDSA_SHA384 = 0x102,
    CCM_SEV_ALGO_ECDH_SHA384 = 0x103,
};

enum {
    CCM_SEV_CURVE_P256 = 1,
    CCM_SEV_CURVE_P384 = 2,
    CCM_SEV_CURVE_P521 = 3,
};

typedef struct CcmSevCertSignature {
    uint32_t usage;                 /* CCM_SEV_USAGE_NONE: empty slot */
    uint32_t algo;
    const uint8_t *data;            /* 0x200 bytes: RSA little-endian, or ECDSA r, s */
} CcmSevCertSignature;

/* Points into the buffer given to ccm_sev_cert_parse(). */
typedef struct CcmSevCert {
    uint32_t version;
    uint8_t api_major, api_minor;
    uint32_t pubkey_usage, pubkey_algo;
    /* pubkey_algo RSA: */
    uint32_t rsa_modulus_bits;      /* 2048 or 4096 */
    const uint8_t *rsa_pubexp, *rsa_modulus;    /* rsa_modulus_bits / 8 bytes, LE */
    /* pubkey_algo ECDSA or ECDH: */
    uint32_t ec_curve;
    const uint8_t *ec_qx, *ec_qy;   /* CCM_SEV_CERT_EC_COORD bytes each, LE */
    CcmSevCertSignature sig[2];
    const uint8_t *signed_data;     /* CCM_SEV_CERT_SIGNED_BYTES */
} CcmSevCert;

/**
 * ccm_sev_cert_parse() - read the SEV certificate @data (@size bytes) named @name
 *
 * Return: 0 with @ret filled; -EBADMSG (naming @name and what was expected) when @size is
 * not 0x824, the version is not 1, a usage or algorithm is not one of the spec's, an RSA
 * key is neither 2048 nor 4096 bits, a curve is not P-256/P-384/P-521, or a signature
 * slot that is not empty has no algorithm.
 */
int ccm_sev_cert_parse(const uint8_t *data, size_t size, const char *name, CcmSevCert *ret,
                       CcmError *reterr);

/* "ARK", "ASK", "OCA", "PEK", "PDH", "CEK", "none" (0x1000); NULL for other values. */
const char *ccm_sev_usage_to_string(uint32_t usage);
/* "RSA-SHA256", ..., "ECDH-SHA384"; NULL for other values (and for 0). */
const char *ccm_sev_algo_to_string(uint32_t algo);
