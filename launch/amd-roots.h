/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * amd-roots.h - AMD's SEV-SNP certificate authorities per product generation
 *
 * For Milan, Genoa and Turin: the ARK (root, self-signed), the ASK (issues VCEKs) and the
 * ASVK (issues VLEKs). AMD publishes them (KDS cert_chain); ccm builds them in from
 * launch/amd-roots/<gen>/{ark,ask,asvk}.pem. A folder given by the user replaces them: the
 * same layout, or one bundle <gen>_ask_ark_asvk.pem per generation (ASK, ARK, ASVK).
 */
#pragma once

#include <glib.h>
#include <openssl/x509.h>

typedef enum CcmAmdGeneration {
    CCM_AMD_MILAN,
    CCM_AMD_GENOA,
    CCM_AMD_TURIN,
    _CCM_AMD_GENERATION_MAX,
    _CCM_AMD_GENERATION_INVALID = -1,
} CcmAmdGeneration;

typedef struct CcmAmdRoots {
    X509 *ark[_CCM_AMD_GENERATION_MAX];     /* NULL: this generation is not available */
    X509 *ask[_CCM_AMD_GENERATION_MAX];
    X509 *asvk[_CCM_AMD_GENERATION_MAX];
    char *source;                           /* "built-in" or the folder */
} CcmAmdRoots;

/* "Milan", "Genoa", "Turin" (KDS's spelling). */
const char *ccm_amd_generation_to_string(CcmAmdGeneration gen);
/* From a CPUID family/model (SNP report version 3 and later): family 0x19 models
 * 0x00-0x0f Milan, 0x10-0x1f and 0xa0-0xaf Genoa; family 0x1a Turin. */
CcmAmdGeneration ccm_amd_generation_from_cpuid(unsigned family, unsigned model);
/* From a VEK's productName ("Milan-B0" is Milan). */
CcmAmdGeneration ccm_amd_generation_from_product(const char *product_name);

/* The built-in roots (@dir NULL) or those in @dir. CCM_LAUNCH_ERROR_INPUT when @dir holds
 * no generation's ARK or a file there is not a certificate. */
CcmAmdRoots *ccm_amd_roots_load(const char *dir, GError **error);
void ccm_amd_roots_free(CcmAmdRoots *roots);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmAmdRoots, ccm_amd_roots_free)

/* Every certificate in @data: PEM (any number) or one DER. NULL with
 * CCM_LAUNCH_ERROR_INPUT naming @name when there is none or one does not parse. */
GPtrArray *ccm_x509_list_from_bytes(const void *data, size_t size, const char *name,
                                    GError **error);
