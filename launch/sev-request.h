/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-request.h - the inputs of one SEV-family measurement, from flags or a JSON line */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ccm/measure.h"

typedef struct CcmSevRequest {
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
} CcmSevRequest;

/* Keys, which are also the long option names: platform firmware kernel initrd append
 * vcpus cpu vcpu-sig guest-features vmm sev-es-vmsa firmware-digest (and name). */
extern const char *const ccm_sev_request_keys[];

void ccm_sev_request_init(CcmSevRequest *req);
void ccm_sev_request_clear(CcmSevRequest *req);
void ccm_sev_request_copy(CcmSevRequest *dst, const CcmSevRequest *src);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CcmSevRequest, ccm_sev_request_clear)

/**
 * ccm_sev_request_set() - set @key from its text form
 *
 * Setting cpu clears vcpu-sig and the other way round, so a batch line can override a
 * default given on the command line. On failure the message describes @value only; the
 * caller says where it came from. Returns FALSE with G_OPTION_ERROR_BAD_VALUE, or
 * G_OPTION_ERROR_UNKNOWN_OPTION for an unknown @key.
 */
gboolean ccm_sev_request_set(CcmSevRequest *req, const char *key, const char *value,
                             GError **error);

/* Files and firmware shared between the guests of one batch: each is read once. */
typedef struct CcmSevCache CcmSevCache;
CcmSevCache *ccm_sev_cache_new(void);
void ccm_sev_cache_free(CcmSevCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSevCache, ccm_sev_cache_free)

/* The cached firmware at @path (a new reference), opened on first use. */
CcmFirmware *ccm_sev_cache_firmware(CcmSevCache *cache, const char *path, GError **error);

/* The cached SHA-256 of the file at @path; @what names it in errors ("kernel"). */
gboolean ccm_sev_cache_sha256(CcmSevCache *cache, const char *path, const char *what,
                              uint8_t *ret, GError **error);

/* @e as a GError: -EINVAL (inputs that do not fit together) is a usage error. */
gboolean ccm_sev_request_error(GError **error, const CcmError *e);
