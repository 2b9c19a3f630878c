/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-ca-roots.h - AMD's legacy SEV ARK and ASK of each generation, Naples to Turin
 *
 * Built in from launch/amd-roots/<gen>/{ark,ask}.cert (AMD's files byte for byte, beside
 * the SNP roots' .pem files), or read from a folder of the same layout.
 */
#pragma once

#include <glib.h>

typedef enum CcmSevGeneration {
    CCM_SEV_GENERATION_NAPLES,
    CCM_SEV_GENERATION_ROME,
    CCM_SEV_GENERATION_MILAN,
    CCM_SEV_GENERATION_GENOA,
    CCM_SEV_GENERATION_TURIN,
    _CCM_SEV_GENERATION_MAX,
    _CCM_SEV_GENERATION_INVALID = -1,
} CcmSevGeneration;

/* "naples", "rome", "milan", "genoa", "turin" (the folder names under amd-roots/). */
const char *ccm_sev_generation_to_string(CcmSevGeneration g);

/* The pinned ARKs and ASKs: the built-in ones, or those in a folder of the same layout
 * (<gen>/ark.cert, <gen>/ask.cert). Each is the file's bytes, or NULL when absent. */
typedef struct CcmSevCaRoots {
    GBytes *ark[_CCM_SEV_GENERATION_MAX];
    GBytes *ask[_CCM_SEV_GENERATION_MAX];
    char *source;
} CcmSevCaRoots;

/* NULL @dir: the built-in ones. CCM_LAUNCH_ERROR_INPUT when @dir holds no <gen>/ark.cert
 * or one does not parse. */
CcmSevCaRoots *ccm_sev_ca_roots_load(const char *dir, GError **error);
void ccm_sev_ca_roots_free(CcmSevCaRoots *roots);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSevCaRoots, ccm_sev_ca_roots_free)

