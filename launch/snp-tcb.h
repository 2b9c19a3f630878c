/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snp-tcb.h - SEV-SNP TCB_VERSION per processor generation, and the KDS VCEK address */
#pragma once

#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

typedef enum CcmSnpGeneration {
    CCM_SNP_GENERATION_UNKNOWN,
    CCM_SNP_GENERATION_MILAN,
    CCM_SNP_GENERATION_GENOA,
    CCM_SNP_GENERATION_TURIN,
    _CCM_SNP_GENERATION_MAX,
} CcmSnpGeneration;

/* "Milan", "Genoa", "Turin" (as AMD's key server names them); NULL for unknown. */
const char *ccm_snp_generation_to_string(CcmSnpGeneration g);

/* The generation of a CPU by its CPUID family and model (as /proc/cpuinfo prints them):
 * family 0x19 models 0x00-0x0f Milan, 0x10-0x1f and 0xa0-0xaf Genoa; family 0x1a Turin. */
CcmSnpGeneration ccm_snp_generation_from_cpuid(int family, int model);

/* A TCB_VERSION's security patch levels. Milan and Genoa: byte 0 boot loader, 1 TEE,
 * 6 SNP, 7 microcode. Turin: byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 7 microcode. */
typedef struct CcmSnpTcbVersion {
    uint64_t raw;
    int fmc;  /* -1 before Turin */
    uint8_t bootloader, tee, snp, microcode;
} CcmSnpTcbVersion;

/* Decodes @raw (the 8 bytes read little-endian) for @g; an unknown generation reads as
 * Milan's layout. */
CcmSnpTcbVersion ccm_snp_tcb_decode(uint64_t raw, CcmSnpGeneration g);

/* {"raw": "0x...", "fmc"?, "bootloader", "tee", "snp", "microcode"} */
json_object *ccm_snp_tcb_to_json(const CcmSnpTcbVersion *tcb);

/* "bl 3 tee 0 snp 8 ucode 115" (with "fmc N " first on Turin). */
char *ccm_snp_tcb_to_text(const CcmSnpTcbVersion *tcb);

/* The address of the VCEK of @chip_id at @tcb on AMD's key distribution server, or NULL
 * for an unknown generation. Turin names the chip by the first 8 bytes of its ID. */
char *ccm_snp_vcek_url(CcmSnpGeneration g, const uint8_t chip_id[64],
                       const CcmSnpTcbVersion *tcb);

/* The address of the ASK and ARK (the "cert_chain") for @g, or NULL. */
char *ccm_snp_cert_chain_url(CcmSnpGeneration g);
