/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* expectation-cca.h - the expectation of an Arm CCA realm: RIM, REMs, personalization value */
#pragma once

#include "expectation.h"
#include "plan-cca.h"

/* One REM extension: REM[index] = H(REM[index] || value). */
typedef struct CcmCcaExtend {
    unsigned index;
    uint8_t value[64];
    size_t size;
} CcmCcaExtend;

/* What a realm's expectation keeps beyond its values. */
struct CcmCcaExpectation {
    CcmCcaRealm *realm;             /* NULL: REMs alone */
    CcmPlanCca inputs;              /* the files a plan's realm was built from */
    char *vmm;                      /* the VMM profile, or NULL (an operation list) */
    CcmCcaHash hash;
    bool extended;                  /* rem0..rem3 are values */
    uint8_t rems[4][CCM_DIGEST_MAX_SIZE];
    uint8_t personalization_value[64]; /* the spec's, or zero */
    GString *steps;                 /* every descriptor, with the explain flag */
};

/**
 * ccm_expectation_new_cca() - the expectation of @realm (taken; NULL: REMs alone, in
 * @hash) after the REM extensions @ext
 * @vmm: the VMM profile that built @realm, or NULL (an operation list)
 *
 * Values: rim (primary, with a realm), rem0..rem3 (primary, with extensions). Engine
 * errors are G_IO_ERROR_INVALID_DATA with the engine's message.
 */
CcmExpectation *ccm_expectation_new_cca(CcmCcaRealm *realm, const char *vmm, CcmCcaHash hash,
                                        const CcmCcaExtend *ext, size_t n_ext,
                                        CcmExpectationFlags flags, GError **error);

/* The claim name of a realm hash algorithm ("sha-256", ...). */
const char *ccm_cca_hash_claim_name(CcmCcaHash hash);
