/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-sev.h - this host's AMD SEV, SEV-ES and SEV-SNP state, read through the host probe */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

#include "host-probe.h"
#include "snp-tcb.h"

/* SEV_PLATFORM_STATUS as the kernel returns it (12 bytes, packed): api_major 0,
 * api_minor 1, state 2, flags 3-6 (bit 0 owner: externally owned; bit 8 CONFIG.ES),
 * build 7, guest_count 8-11. */
#define CCM_SEV_STATUS_SIZE 12
typedef struct CcmSevPlatformStatus {
    uint8_t api_major, api_minor, state, build;
    uint32_t flags, guest_count;
} CcmSevPlatformStatus;

/* SNP_PLATFORM_STATUS (32 bytes): api_major 0, api_minor 1, state 2, byte 3 bit 0
 * is_rmp_initialized, build_id 4-7, 8-11 bit 0 mask_chip_id, bit 1 mask_chip_key, bit 2
 * vlek_en, guest_count 12-15, current TCB 16-23, reported TCB 24-31. */
#define CCM_SNP_STATUS_SIZE 32
typedef struct CcmSnpPlatformStatus {
    uint8_t api_major, api_minor, state;
    bool rmp_initialized, mask_chip_id, mask_chip_key, vlek_en;
    uint32_t build_id, flags, guest_count;
    uint64_t current_tcb, reported_tcb;
} CcmSnpPlatformStatus;

void ccm_sev_platform_status_decode(const uint8_t data[CCM_SEV_STATUS_SIZE],
                                    CcmSevPlatformStatus *ret);
void ccm_snp_platform_status_decode(const uint8_t data[CCM_SNP_STATUS_SIZE],
                                    CcmSnpPlatformStatus *ret);
/* "uninitialized", "initialized", "working" (SEV); SNP knows the first two. NULL else. */
const char *ccm_sev_state_to_string(uint8_t state, bool snp);

/* The minimum SNP firmware (API version) `ccmctl host ok` asks for: 1.51, the first the
 * upstream kernel's SNP support accepts. */
#define CCM_SNP_MIN_API_MAJOR 1
#define CCM_SNP_MIN_API_MINOR 51

#define CCM_SNP_CHIP_ID_SIZE 64

typedef struct CcmHostSev {
    bool amd;                 /* the CPU is AMD's (or unknown) */
    bool amd_known;           /* /proc/cpuinfo says AMD (or Hygon) */
    bool present;             /* /dev/sev answers SEV_PLATFORM_STATUS */
    char *absent;             /* why SEV is not present, one sentence; NULL when it is */
    bool cpu_sme, cpu_sev, cpu_sev_es, cpu_sev_snp;
    char *kvm_sev, *kvm_sev_es, *kvm_sev_snp;   /* kvm_amd parameters; NULL: absent */
    char *device;             /* ROOT/dev/sev */
    bool device_exists;
    CcmSnpGeneration generation;

    bool have_status;
    CcmSevPlatformStatus status;
    char *status_error;

    bool have_snp;
    CcmSnpPlatformStatus snp;
    CcmSnpTcbVersion current_tcb, reported_tcb;
    char *snp_error;

    size_t chip_ids;          /* IDs GET_ID2 returned (one per socket); 0 when none */
    uint8_t chip_id[CCM_SNP_CHIP_ID_SIZE];
    char *chip_id_error;
    char *vcek_url, *cert_chain_url;
} CcmHostSev;

void ccm_host_sev_free(CcmHostSev *sev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHostSev, ccm_host_sev_free)

/* What @probe's host says about SEV. NULL (with @error) only for a malformed recording:
 * whatever a live host does not answer becomes a field's error. */
CcmHostSev *ccm_host_sev_read(CcmHostProbe *probe, GError **error);

/* The "sev" member of "ccm-host/1". */
json_object *ccm_host_sev_to_json(const CcmHostSev *sev);
