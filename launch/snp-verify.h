/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-verify.h - is an SEV-SNP attestation report genuine: AMD's chain, the report's
 * signature and the TCB it claims
 *
 * The report's key is a VCEK (one chip at one TCB) or a VLEK (one cloud provider); AMD
 * signs it with the ASK (VCEK) or the ASVK (VLEK), which its root ARK signs; the ARK is
 * pinned to the roots built into ccm for Milan, Genoa and Turin (or to those of a roots
 * folder). Each check is one named row; a report is verified only when every row is ok or
 * not applicable. What the report should contain (measurement, HOST_DATA, policy...) is
 * a separate question: snp-expected.h.
 *
 * Used by `ccmctl verify --platform sev-snp` and by the Azure vTPM verifier (whose HCL
 * report embeds an SNP report and ships the VCEK chain in its evidence: pass the 1184
 * bytes at HCL offset 0x20 and the evidence's VCEK, PEM bundle or DER, as vek_data).
 * Build: depend on snp_verify_dep (launch/meson.build), which brings measure/'s internal
 * objects for snp-report.h and snp-vek.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

#include "snp-report.h"
#include "snp-vek.h"

typedef struct CcmSnpVerifyOptions {
    /* The VCEK or VLEK: a file (PEM or DER; a PEM file may be a bundle VEK, ASK|ASVK,
     * ARK, only the first certificate is the VEK), or its bytes taken from evidence
     * (same forms). At most one of the two. */
    const char *vek_path;
    GBytes *vek_data;
    /* A PEM bundle (or one DER certificate) of intermediates and root, e.g. ASK then ARK
     * as KDS's cert_chain serves them; they must chain to the pinned ARK. */
    const char *chain_path;
    /* A folder as snpguest/snphost write it: vcek.der|vcek.pem, vlek.der|vlek.pem,
     * ask.pem, asvk.pem, ark.pem (any of them may be missing; a VEK given above wins). */
    const char *certs_dir;
    /* Replaces the built-in AMD roots: <dir>/<milan|genoa|turin>/ark.pem and ask.pem,
     * asvk.pem, or PEM bundles <gen>_ask_ark_asvk.pem; NULL: the built-in ones. */
    const char *roots_dir;
    /* AMD's CRL for the generation (DER or PEM), signed by the ARK; NULL: not checked. */
    const char *crl_path;
    /* Validity is checked at this Unix time; 0: now. */
    gint64 at;
} CcmSnpVerifyOptions;

typedef enum CcmSnpCheckResult {
    CCM_SNP_CHECK_OK,
    CCM_SNP_CHECK_FAILED,
    CCM_SNP_CHECK_NOT_APPLICABLE,
} CcmSnpCheckResult;

/* One named check: "report", "vek", "chain", "validity", "crl", "signature", "tcb",
 * "chip-id", "signing-key", "generation". */
typedef struct CcmSnpCheck {
    char *name;
    CcmSnpCheckResult result;
    char *detail;       /* one line */
} CcmSnpCheck;

typedef struct CcmSnpVerification {
    CcmSnpReport report;
    uint8_t raw[CCM_SNP_REPORT_SIZE];   /* the report's bytes */
    char *generation;       /* "Milan", "Genoa", "Turin", or NULL when unknown */
    char *signing_key;      /* what the report says signed it: "VCEK", "VLEK", "none" */
    bool have_vek;
    CcmSnpVekExtensions vek;            /* when have_vek */
    char *vek_source;       /* the file or "evidence" the VEK came from, or NULL */
    GPtrArray *checks;      /* CcmSnpCheck, in the order they were made */
    char *kds_url;          /* where AMD's KDS serves the VCEK when none was given */
    char *first_failure;    /* "<check>: <detail>" of the first failed check, or NULL */
    bool verified;
} CcmSnpVerification;

void ccm_snp_verification_free(CcmSnpVerification *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSnpVerification, ccm_snp_verification_free)

/**
 * ccm_snp_verify_report() - check the @size bytes at @data as an SNP report
 *
 * @data is the raw 1184-byte report (callers holding hex text decode it first, see
 * ccm_snp_report_load()). @name names it in messages.
 *
 * Return: the verification, whose ->verified says whether every check passed (a missing
 * VEK is a failed "vek" check with ->kds_url set); NULL with CCM_LAUNCH_ERROR_INPUT when
 * @data is not a report or a given file cannot be read or parsed.
 */
CcmSnpVerification *ccm_snp_verify_report(const uint8_t *data, size_t size, const char *name,
                                          const CcmSnpVerifyOptions *options, GError **error);

/**
 * ccm_snp_report_load() - the report in the file @path: 1184 raw bytes, or the same as
 * hex text (whitespace ignored). Anything else is one CCM_LAUNCH_ERROR_INPUT error naming
 * the file and both expected sizes.
 */
GBytes *ccm_snp_report_load(const char *path, GError **error);

/* The KDS URL of the VCEK for @report's chip at its REPORTED_TCB, in @generation
 * ("Milan", "Genoa", "Turin"); NULL when the generation is unknown. */
char *ccm_snp_kds_vcek_url(const CcmSnpReport *report, const uint8_t reported_tcb[8],
                           const char *generation);

const char *ccm_snp_check_result_to_string(CcmSnpCheckResult result);

/* {"verified", "generation", "signing_key", "vek": {...}, "checks": [{"name", "result",
 * "detail"}], "first_failure", "kds_url", "report": {...every field...}} */
json_object *ccm_snp_verification_to_json(const CcmSnpVerification *v);
json_object *ccm_snp_report_to_json(const CcmSnpReport *report);
