/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure-request.h - the inputs of one `ccmctl measure` run, from flags or a JSON line */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ccm/measure.h"
#include "measure-report.h"

typedef struct CcmMeasureRequest {
    char *name;                 /* batch only: echoed back */
    int platform;               /* CcmPlatform, or -1 */
    char *firmware;
    char *kernel;
    char *initrd;
    char *append;               /* NULL = no --append */
    unsigned vcpus;             /* 0 = not given */
    char *cpu;
    bool vcpu_sig_set;
    uint32_t vcpu_sig;
    bool guest_features_set;
    uint64_t guest_features;
    int vmm;                    /* CcmVmm, or -1 */
    int sev_es_vmsa;            /* CcmSevEsVmsa, or -1 */
    bool firmware_digest_set;
    uint8_t firmware_digest[CCM_SHA384_SIZE];
} CcmMeasureRequest;

/* Keys, which are also the long option names: platform firmware kernel initrd append
 * vcpus cpu vcpu-sig guest-features vmm sev-es-vmsa firmware-digest (and name). */
extern const char *const ccm_measure_request_keys[];

void ccm_measure_request_init(CcmMeasureRequest *req);
void ccm_measure_request_clear(CcmMeasureRequest *req);
void ccm_measure_request_copy(CcmMeasureRequest *dst, const CcmMeasureRequest *src);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CcmMeasureRequest, ccm_measure_request_clear)

/**
 * ccm_measure_request_set() - set @key from its text form
 *
 * Setting cpu clears vcpu-sig and the other way round, so a batch line can override a
 * default given on the command line. On failure the message describes @value only; the
 * caller says where it came from. Returns FALSE with G_OPTION_ERROR_BAD_VALUE, or
 * G_OPTION_ERROR_UNKNOWN_OPTION for an unknown @key.
 */
gboolean ccm_measure_request_set(CcmMeasureRequest *req, const char *key, const char *value,
                                 GError **error);

/* Files and firmware shared between the guests of one batch: each is read once. */
typedef struct CcmMeasureCache CcmMeasureCache;
CcmMeasureCache *ccm_measure_cache_new(void);
void ccm_measure_cache_free(CcmMeasureCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmMeasureCache, ccm_measure_cache_free)

/**
 * ccm_measure_request_run() - compute what @req asks for
 * @firmware_digest_only: compute only the SNP digest after the firmware pages
 * @cache: may be NULL
 */
gboolean ccm_measure_request_run(const CcmMeasureRequest *req, bool firmware_digest_only,
                                 CcmMeasureCache *cache, CcmMeasureReport **ret,
                                 GError **error);
