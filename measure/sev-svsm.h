/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-svsm.h - the SEV-SNP launch digest of a pre-IGVM COCONUT-SVSM guest (internal) */
#pragma once

#include <stdint.h>

#include "ccm/measure.h"

/* The FPU state in the SVSM vCPUs' VMSA. */
typedef enum CcmSvsmVmsa {
    /* MXCSR 0x1f80, x87 FCW 0: what sev-snp-measure 0.0.13 computes (its FCW is never
     * set), the values of its test_guest.py at HEAD. */
    CCM_SVSM_VMSA_REFERENCE = 0,
    /* MXCSR 0, x87 FCW 0: the VMSA of the hardware-measured values of sev-snp-measure
     * commit 0a1396f (COCONUT QEMU fork, pre-INIT2 host). */
    CCM_SVSM_VMSA_NOFPU = 1,
} CcmSvsmVmsa;

typedef struct CcmSvsmParams {
    CcmFirmware *ovmf;       /* ends at 4 GiB */
    CcmFirmware *svsm;       /* the SVSM binary, parsed as a firmware image */
    uint64_t vars_size;      /* OVMF_VARS bytes between the SVSM and OVMF */
    unsigned vcpus;
    uint32_t vcpu_signature;
    CcmSvsmVmsa vmsa;
} CcmSvsmParams;

/* The GPA at which the SVSM binary is loaded (it ends where OVMF_VARS starts). */
int ccm_sev_svsm_gpa(const CcmSvsmParams *params, uint64_t *ret_gpa, CcmError *reterr);

/* The VMSA page every vCPU starts with (4096 bytes). */
int ccm_sev_svsm_vmsa_page(const CcmSvsmParams *params, uint8_t *ret_page, CcmError *reterr);

/*
 * ccm_sev_svsm_measure() - the launch digest (48 bytes): OVMF's pages as NORMAL at its
 * GPA, the SVSM's pages as NORMAL at its GPA, the SVSM's SEV metadata sections as a QEMU
 * guest without kernel hashes, then one SVSM VMSA per vCPU.
 */
int ccm_sev_svsm_measure(const CcmSvsmParams *params, uint8_t *ret_digest, CcmError *reterr);
