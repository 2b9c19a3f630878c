/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vtpm-evidence.h - reading vTPM evidence: Trustee's JSON (v0, v1, v2) and the separate files */
#pragma once

#include <glib.h>

/* The largest evidence document or file read (the real ones are under 40 KiB). */
#define CCM_VTPM_EVIDENCE_MAX (1u << 20)

/*
 * CcmVtpmEvidence - what a vTPM verifier is handed, as bytes; no field is trusted yet
 * @format_version: 0, 1 or 2 for Trustee's evidence JSON; -1 for separate files
 * @hcl_report: the HCL report (vTPM NV index 0x01400001)
 * @quote_message, @quote_signature: the TPM2 quote: TPMS_ATTEST and its raw signature
 * @pcrs: the PCR values the quote is said to cover (GBytes, 32 bytes each, index = PCR),
 *        or NULL when none came with the quote
 * @vek: SEV-SNP: the VCEK/VLEK as PEM (possibly a bundle, the VEK first) or DER; else NULL
 * @td_quote: TDX: the TD quote v4; else NULL
 */
typedef struct CcmVtpmEvidence {
    int format_version;
    GBytes *hcl_report;
    GBytes *quote_message;
    GBytes *quote_signature;
    GPtrArray *pcrs;
    GBytes *vek;
    GBytes *td_quote;
} CcmVtpmEvidence;

CcmVtpmEvidence *ccm_vtpm_evidence_new(void);
void ccm_vtpm_evidence_free(CcmVtpmEvidence *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmVtpmEvidence, ccm_vtpm_evidence_free)

/* Reads a file of at most CCM_VTPM_EVIDENCE_MAX bytes. */
GBytes *ccm_vtpm_read_file(const char *path, GError **error);

/* Trustee's evidence JSON (v0 with byte lists, v1 and v2 with hex and base64url; SEV-SNP
 * with "vcek", TDX with "td_quote"). Errors name @path and the member at fault. */
CcmVtpmEvidence *ccm_vtpm_evidence_from_json(const char *path, GBytes *data, GError **error);

/* A TPM quote file into @e: hex JSON {"signature", "message", "pcrs"}, or the bincode form
 * (u64-LE length and signature, u64-LE length and message, u64-LE count and 32-byte PCRs). */
gboolean ccm_vtpm_evidence_set_quote(CcmVtpmEvidence *e, const char *path, GBytes *data,
                                     GError **error);

/* The SHA-256 PCR values ccm predicts, from `ccmctl measure --platform tpm --json`
 * ("ccm-measure/1") or any JSON object with {"sha256": {"0": HEX or null, ...}}: a new
 * array of CCM_VTPM_EXPECTED_PCRS entries, each GBytes (32 bytes) or NULL (not predicted). */
#define CCM_VTPM_EXPECTED_PCRS 24
GPtrArray *ccm_vtpm_expected_pcrs_load(const char *path, GError **error);
