/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-snp.h - a simulated SEV-SNP secure processor: measures and signs what it observed
 *
 * It knows nothing of the guest's spec. The plugin hands it the firmware as mapped at reset,
 * the vCPU count, the CPUID signature vCPU 0 read and the direct-boot blobs the firmware read
 * over fw_cfg; it computes the launch digest with libccm-measure from those alone, and answers
 * report requests with an ATTESTATION_REPORT signed by a test VCEK (docs/simulated-tee.md).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "boot-blobs.h"
#include "snp-report.h"

/* What the host asks the secure processor for at launch (SNP_LAUNCH_START/FINISH), and the
 * platform it pretends to be. */
typedef struct CcmSimSnpConfig {
    uint64_t policy;
    uint8_t host_data[32];
    bool guest_features_set;
    uint64_t guest_features;
    CcmSnpTcb tcb;
    const char *vcek_key_path;  /* PEM, EC P-384 private key */
} CcmSimSnpConfig;

typedef struct CcmSimSnp CcmSimSnp;

/* NULL with *ret_error when the key cannot be loaded. */
CcmSimSnp *ccm_sim_snp_new(const CcmSimSnpConfig *config, char **ret_error);
void ccm_sim_snp_free(CcmSimSnp *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSimSnp, ccm_sim_snp_free)

/* The firmware as mapped at reset. false (and why) when it cannot launch an SNP guest. */
bool ccm_sim_snp_set_firmware(CcmSimSnp *sim, const uint8_t *image, size_t size,
                              char **ret_error);
/* Where the firmware wants the kernel-hashes table, if it takes one. */
bool ccm_sim_snp_hashes_area(const CcmSimSnp *sim, uint32_t *ret_base, uint32_t *ret_size);

/* The observations besides the firmware. */
typedef struct CcmSimSnpInputs {
    unsigned vcpus;
    bool have_signature;
    uint32_t signature;
    const CcmBootBlobs *blobs;
} CcmSimSnpInputs;

/* The launch digest of what was observed; the first call fixes it (a launch is measured
 * once). Also records the inputs for ccm_sim_snp_append_json(). */
bool ccm_sim_snp_measure(CcmSimSnp *sim, const CcmSimSnpInputs *in, uint8_t ret[CCM_SHA384_SIZE],
                         char **ret_error);
bool ccm_sim_snp_measured(const CcmSimSnp *sim);

/* A signed report for @report_data at @vmpl; measures first if needed. */
bool ccm_sim_snp_report(CcmSimSnp *sim, const CcmSimSnpInputs *in, const uint8_t report_data[64],
                        uint32_t vmpl, uint8_t ret[CCM_SNP_REPORT_SIZE], char **ret_error);

/* {"platform": "sev-snp", "measurement": ..., "inputs": {...}, "reports": N} */
void ccm_sim_snp_append_json(const CcmSimSnp *sim, GString *out);
