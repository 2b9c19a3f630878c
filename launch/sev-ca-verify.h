/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-ca-verify.h - AMD's legacy SEV CA chain: the ARK's self-signature, the ASK signed by
 * the ARK, and the ARK pinned to AMD's (built in, or a --roots folder)
 *
 * The certificates are in AMD's binary format (measure/sev-ca-cert.h). Signatures are
 * RSASSA-PSS with MGF1 and a salt as long as the hash; the SEV API (55766, appendix C)
 * ties the hash to the key size: SHA-256 for 2048-bit keys (Naples), SHA-384 for
 * 4096-bit keys (Rome and later). Key, exponent and signature are little-endian.
 */
#pragma once

#include <glib.h>

#include "sev-ca-cert.h"
#include "sev-ca-roots.h"

typedef enum CcmSevCaCheckResult {
    CCM_SEV_CA_CHECK_OK,
    CCM_SEV_CA_CHECK_FAILED,
    CCM_SEV_CA_CHECK_NOT_GIVEN,
} CcmSevCaCheckResult;

/* "ok", "failed", "not-given". */
const char *ccm_sev_ca_check_result_to_string(CcmSevCaCheckResult r);

typedef struct CcmSevCaCheck {
    const char *name;       /* static: "ark-usage", "ark-signature", ... */
    CcmSevCaCheckResult result;
    char *detail;
} CcmSevCaCheck;

/* What one certificate says; key_id and certifying_id as lowercase hex of the file's
 * bytes (the form AMD and expected.json print). */
typedef struct CcmSevCaCertInfo {
    gboolean given;
    char *source;           /* the file, or "built-in <gen>" / "<roots>/<gen>/ark.cert" */
    char key_id[2 * CCM_SEV_CA_KEY_ID_SIZE + 1];
    char certifying_id[2 * CCM_SEV_CA_KEY_ID_SIZE + 1];
    guint32 usage;
    guint bits;
} CcmSevCaCertInfo;

typedef struct CcmSevCaVerification {
    GPtrArray *checks;                  /* of CcmSevCaCheck, in the order they ran */
    CcmSevCaCertInfo ark, ask;
    CcmSevGeneration generation;        /* whose pinned ARK matched; INVALID: none */
    char *roots_source;                 /* "built-in" or the --roots folder */
    gboolean verified;                  /* every check ok */
    char *first_failure;                /* "<check>: <detail>", NULL when verified */
} CcmSevCaVerification;

void ccm_sev_ca_verification_free(CcmSevCaVerification *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSevCaVerification, ccm_sev_ca_verification_free)

typedef struct CcmSevCaVerifyOptions {
    const char *ark_path;   /* NULL: the pinned ARK whose key_id the ASK names */
    const char *ask_path;   /* required */
    const char *roots_dir;  /* NULL: built in */
} CcmSevCaVerifyOptions;

/**
 * ccm_sev_ca_verify() - check the ASK (and ARK) of @options
 *
 * Return: the checks and their verdict (a failed check is a result, not an error); NULL
 * with CCM_LAUNCH_ERROR_INPUT when a file cannot be read or is not an AMD certificate
 * (the message names the file and what was expected).
 */
CcmSevCaVerification *ccm_sev_ca_verify(const CcmSevCaVerifyOptions *options, GError **error);

/* The verification as the "checks"/"ark"/"ask"/"generation"/"verified" members of
 * ccmctl verify --platform sev --json (docs/schemas/ccm-verify-sev-1.schema.json). */
struct json_object *ccm_sev_ca_verification_to_json(const CcmSevCaVerification *v);
