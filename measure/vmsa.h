/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmsa.h - the initial VMSA page of a vCPU, as KVM measures it */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ccm/measure.h"

#define CCM_VMSA_SIZE 4096u
/* KVM measures every VMSA at this GPA (INITIAL_VMSA_GPA). */
#define CCM_VMSA_GPA UINT64_C(0xFFFFFFFFF000)
/* RDX that EC2 and GCE put in every VMSA. */
#define CCM_VMSA_CLOUD_RDX 0x600u

typedef struct CcmVmsaParams {
    CcmPlatform platform;
    CcmVmm vmm;
    CcmSevEsVmsa es_vmsa;
    uint32_t reset_address;
    uint32_t vcpu_signature;
    uint64_t guest_features;
} CcmVmsaParams;

/* Fills @ret_page (4096 bytes) for the boot vCPU (@ap false) or an AP. */
void ccm_vmsa_build(const CcmVmsaParams *params, bool ap, uint8_t *ret_page);

/* Fills @ret_page with the VMSA every vCPU of a pre-IGVM COCONUT-SVSM guest starts with
 * (see sev-svsm.c); @mxcsr puts MXCSR 0x1f80 in it. */
void ccm_vmsa_build_svsm(uint64_t rip, uint32_t vcpu_signature, bool mxcsr, uint8_t *ret_page);
