/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snp-report.h - the SEV-SNP ATTESTATION_REPORT: AMD's byte layout, both ways */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccm/measure.h"

#define CCM_SNP_REPORT_SIZE 1184
/* The signature covers bytes [0, CCM_SNP_REPORT_SIGNED). */
#define CCM_SNP_REPORT_SIGNED 0x2a0
#define CCM_SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384 1
/* R and S: little-endian, zero-extended to 72 bytes each. */
#define CCM_SNP_SIGNATURE_COMPONENT 72

/* A TCB_VERSION's security patch levels. Milan and Genoa lay them out at bytes 0 (boot
 * loader), 1 (TEE), 6 (SNP), 7 (microcode); Turin (CPUID family 0x1A) at 0 (FMC), 1 (boot
 * loader), 2 (TEE), 3 (SNP), 7 (microcode). @fmc is zero outside Turin. */
typedef struct CcmSnpTcb {
    uint8_t bootloader, tee, snp, microcode;
    uint8_t fmc;
} CcmSnpTcb;

#define CCM_SNP_TCB_SIZE 8
#define CCM_SNP_CPUID_FAMILY_TURIN 0x1a

/* The patch levels of the 8 bytes @raw, in Turin's layout when @turin, else Milan's. */
void ccm_snp_tcb_decode(const uint8_t raw[CCM_SNP_TCB_SIZE], bool turin, CcmSnpTcb *ret);
void ccm_snp_tcb_encode(const CcmSnpTcb *tcb, bool turin, uint8_t ret[CCM_SNP_TCB_SIZE]);

typedef struct CcmSnpReport {
    uint32_t version;
    uint32_t guest_svn;
    uint64_t policy;
    uint8_t family_id[16];
    uint8_t image_id[16];
    uint32_t vmpl;
    uint32_t signature_algo;
    CcmSnpTcb current_tcb;
    uint64_t platform_info;
    uint32_t flags;           /* bit 0 author_key_en, 1 mask_chip_key, 4:2 signing key */
    uint8_t report_data[64];
    uint8_t measurement[CCM_SHA384_SIZE];
    uint8_t host_data[32];
    uint8_t id_key_digest[CCM_SHA384_SIZE];
    uint8_t author_key_digest[CCM_SHA384_SIZE];
    uint8_t report_id[32];
    uint8_t report_id_ma[32];
    CcmSnpTcb reported_tcb;
    uint8_t cpuid_family, cpuid_model, cpuid_stepping;  /* version 3 and later */
    uint8_t chip_id[64];
    CcmSnpTcb committed_tcb;
    uint8_t current_build, current_minor, current_major;
    uint8_t committed_build, committed_minor, committed_major;
    CcmSnpTcb launch_tcb;
    uint64_t launch_mit_vector, current_mit_vector;    /* version 5 and later */
    uint8_t signature_r[CCM_SNP_SIGNATURE_COMPONENT];
    uint8_t signature_s[CCM_SNP_SIGNATURE_COMPONENT];
} CcmSnpReport;

/* Whether @report lays its TCB_VERSIONs out as Turin does (version 3 or later with CPUID
 * family 0x1A; a version-2 report cannot say). */
bool ccm_snp_report_turin_tcb(const CcmSnpReport *report);

/* Lays @report out in AMD's format; reserved bytes are zero. */
void ccm_snp_report_serialize(const CcmSnpReport *report, uint8_t ret[CCM_SNP_REPORT_SIZE]);

/* Reads @size bytes as a report (versions 2, 3 and 5 as AMD defines them; a later version
 * is read with version 5's fields). -EBADMSG (naming @name) for a wrong size, a version
 * below 2 or an unknown signature algorithm. */
int ccm_snp_report_parse(const void *data, size_t size, const char *name, CcmSnpReport *ret,
                         CcmError *reterr);

/* The family, model and stepping a CPUID(1).EAX signature encodes. */
void ccm_cpuid_signature_split(uint32_t signature, uint8_t *ret_family, uint8_t *ret_model,
                               uint8_t *ret_stepping);

/* ECDSA P-384 over SHA-384 of the signed part, in the report's R/S encoding. */
typedef struct evp_pkey_st EVP_PKEY;
/* Signs @report in place with @key (an EC P-384 private key). -EINVAL for another key. */
int ccm_snp_report_sign(uint8_t report[CCM_SNP_REPORT_SIZE], EVP_PKEY *key, CcmError *reterr);
/* 0 when @report's signature verifies under @key, -EBADMSG when it does not. */
int ccm_snp_report_verify(const uint8_t report[CCM_SNP_REPORT_SIZE], EVP_PKEY *key,
                          CcmError *reterr);
