/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-guest.h - a SEV-family guest's measurement inputs (CcmSevGuest) */
#pragma once

#include <stdbool.h>

#include "ccm/measure.h"
#include "kernel-hashes.h"

/* A measured boot file: its name for the explanation and, once known, its hash. */
typedef struct CcmBootFile {
    bool given;
    char *name;
    char *path;        /* NULL when the caller supplied the hash */
    bool hashed;
    uint8_t sha256[CCM_SHA256_SIZE];
} CcmBootFile;

struct CcmSevGuest {
    CcmPlatform platform;
    CcmFirmware *firmware;
    CcmVmm vmm;
    bool vmm_set;
    unsigned vcpus;  /* 0 = not given */
    bool signature_set;
    uint32_t signature;
    bool guest_features_set;
    uint64_t guest_features;
    bool es_vmsa_set;
    CcmSevEsVmsa es_vmsa;
    CcmBootFile kernel;
    CcmBootFile initrd;
    bool cmdline_set;
    char *cmdline;
    bool seed_set;
    uint8_t seed[CCM_SHA384_SIZE];
    CcmStepFunc step_func;
    void *step_userdata;
};

/* Hands @step to the caller's step callback, if any. */
void ccm_sev_guest_emit(const CcmSevGuest *guest, const CcmStep *step);

/* The three kernel-hashes table entries, hashing files on first use; emits one
 * CCM_STEP_KERNEL_HASH step per entry. */
int ccm_sev_guest_kernel_hashes(CcmSevGuest *guest, CcmKernelHashes *ret, CcmError *reterr);

/* The engines, called by ccm_sev_guest_measure() once the inputs are validated. */
int ccm_sev_snp_measure(CcmSevGuest *guest, uint8_t *ret_digest, CcmError *reterr);
int ccm_sev_measure(CcmSevGuest *guest, uint8_t *ret_digest, CcmError *reterr);
