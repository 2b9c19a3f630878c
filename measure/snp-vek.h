/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-vek.h - what an AMD VCEK or VLEK certificate says about the chip and its firmware
 *
 * AMD's versioned endorsement keys (VCEK: one chip at one TCB; VLEK: one cloud provider)
 * carry X.509 extensions under 1.3.6.1.4.1.3704.1 (AMD spec 57230): structVersion (.1),
 * productName (.2), the security patch levels the key was derived for (.3.1 boot loader,
 * .3.2 TEE, .3.3 SNP, .3.4-.3.7 reserved, .3.8 microcode, .3.9 FMC on Turin), the chip's
 * hwID (.4, VCEK only: 64 bytes, 8 on Turin, raw or inside an OCTET STRING) and the cloud
 * provider's name (.5, VLEK only).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccm/measure.h"

#define CCM_SNP_VEK_HWID_MAX 64

typedef enum CcmSnpVekKind {
    CCM_SNP_VEK_UNKNOWN,        /* neither hwID nor csp_id */
    CCM_SNP_VEK_VCEK,           /* has hwID */
    CCM_SNP_VEK_VLEK,           /* has csp_id */
} CcmSnpVekKind;

/* An SPL the certificate does not carry is -1. */
typedef struct CcmSnpVekExtensions {
    CcmSnpVekKind kind;
    int64_t struct_version;                 /* -1: absent */
    char product_name[32];                  /* "Milan-B0", "Genoa", "Turin"...; "" absent */
    int bl_spl, tee_spl, snp_spl, ucode_spl, fmc_spl;
    uint8_t hwid[CCM_SNP_VEK_HWID_MAX];
    size_t hwid_size;                       /* 0: absent; 64, or 8 on Turin */
    bool hwid_wrapped;                      /* hwID was inside a DER OCTET STRING */
    char csp_id[128];                       /* "" absent */
} CcmSnpVekExtensions;

/**
 * ccm_snp_vek_extensions_parse() - AMD's extensions of the DER certificate @der
 *
 * Return: 0; -EBADMSG (naming @name) when @der is not one DER X.509 certificate, or an
 * AMD extension is malformed (an SPL that is not a DER INTEGER 0..255, a productName that
 * is not an IA5String, a hwID of another size). A certificate without AMD extensions
 * parses with kind CCM_SNP_VEK_UNKNOWN and every field absent.
 */
int ccm_snp_vek_extensions_parse(const uint8_t *der, size_t size, const char *name,
                                 CcmSnpVekExtensions *ret, CcmError *reterr);

/* "VCEK", "VLEK" or "unknown". */
const char *ccm_snp_vek_kind_to_string(CcmSnpVekKind kind);
