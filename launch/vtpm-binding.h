/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vtpm-binding.h - one chain from the TEE's hardware root to a vTPM's PCR values
 *
 * A "binding kind" says how a vTPM's attestation key is tied to the TEE report. Known
 * kinds (ccm_vtpm_binding_kinds()): "azure-hcl" (an HCL report: runtime claims whose hash
 * is in REPORT_DATA hold the AK as a JWK). Planned next: "coconut-svsm" (the SVSM vTPM
 * service manifest hashed into the SNP REPORT_DATA, holding the vTPM's EK public key); see
 * ccmctl-verify(1), VTPM BINDING.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "check-list.h"
#include "vtpm-evidence.h"

#define CCM_VTPM_MAX_PCRS 24

typedef struct CcmVtpmOptions {
    /* The nonce the verifier chose: the quote's extraData must equal it (and, for
     * evidence v2, the start of the claims' user-data). Required. */
    GBytes *nonce;
    /* Certificates are checked at this Unix time; 0: now. */
    gint64 at;
    /* SEV-SNP: AMD roots to pin instead of the built-in ones, and AMD's CRL for the
     * generation (snp-verify.h); NULL: built-in roots, no CRL. */
    const char *snp_roots_dir;
    const char *snp_crl_path;
    /* Trustee init-data: PCR8 must be SHA-256(32 zero bytes || this), 32 bytes; or NULL. */
    GBytes *init_data_hash;
    /* The SHA-256 PCR values ccm predicts (`ccmctl measure --platform tpm --json`):
     * expected_pcrs[i] is 32 bytes or NULL (not predicted); have_expected_pcrs says
     * whether a prediction was given at all; expected_source names it. */
    const guint8 *expected_pcrs[CCM_VTPM_MAX_PCRS];
    gboolean have_expected_pcrs;
    const char *expected_source;
} CcmVtpmOptions;

typedef struct CcmVtpmVerification {
    const char *binding;   /* the binding kind's name */
    const char *tee;       /* "sev-snp", "tdx", or NULL when the report did not parse */
    int evidence_version;  /* 0, 1, 2, or -1 for separate files */
    CcmCheckList *checks;
    json_object *tee_report; /* the TEE report's fields, or NULL */
    char *report_data;     /* hex, or NULL */
    char *claims_digest;   /* hex, or NULL */
    char *pcr_selection;   /* "sha256:0-7,14", or NULL */
    char *pcr_digest;      /* hex, or NULL */
    /* the PCR values with the quote, hex (NULL where none), and whether the quote covers
     * each: only quoted values are authenticated */
    char *pcrs[CCM_VTPM_MAX_PCRS];
    gboolean quoted[CCM_VTPM_MAX_PCRS];
} CcmVtpmVerification;

void ccm_vtpm_verification_free(CcmVtpmVerification *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmVtpmVerification, ccm_vtpm_verification_free)

typedef struct CcmVtpmBindingKind {
    const char *name;
    const char *summary;
    /* Whether @e is evidence of this kind. */
    gboolean (*applies)(const CcmVtpmEvidence *e);
    /* Checks the TEE report and the binding, adding rows to @v->checks; returns the vTPM's
     * attestation key (to check the quote with), or NULL when the chain broke. */
    struct evp_pkey_st *(*bind)(const CcmVtpmEvidence *e, const CcmVtpmOptions *o,
                                CcmVtpmVerification *v);
} CcmVtpmBindingKind;

/* The binding kinds, NULL-terminated. */
const CcmVtpmBindingKind *const *ccm_vtpm_binding_kinds(void);

/*
 * ccm_vtpm_verify() - walk the chain: the binding kind's rows (TEE report, its signature
 * chain, the binding of the AK), then the quote: "quote-format", "quote-signature",
 * "nonce", "user-data" (v2 only), "pcr-digest", "pcrs-expected" (with a prediction) and
 * "init-data" (with @o->init_data_hash). A step whose inputs are missing is not-checkable.
 *
 * Return: the verification (its checks give the verdict); NULL with @error only when no
 * binding kind recognises the evidence.
 */
CcmVtpmVerification *ccm_vtpm_verify(const CcmVtpmEvidence *e, const CcmVtpmOptions *o,
                                     GError **error);

/* {"binding", "tee", "evidence_version", "verdict", "checks": [...], "not_checkable":
 * [...], "report_data", "claims_digest", "pcr_selection", "pcr_digest", "pcrs": {"0":
 * {"value", "quoted"}...}, "tee_report": {...}} (new reference) */
json_object *ccm_vtpm_verification_to_json(const CcmVtpmVerification *v);
