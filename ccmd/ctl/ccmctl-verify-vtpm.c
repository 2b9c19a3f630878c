/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-verify-vtpm.c - ccmctl verify --vtpm: a vTPM's quote, bound to the TEE report
 *
 * Reads the evidence (Trustee's JSON v0, v1 or v2, or the separate files: HCL report, TPM
 * quote, VCEK or TD quote), hands it to launch/vtpm-binding.c and prints its rows: one per
 * step of the chain from the hardware root to the PCR values, with the verdict. Exit
 * status: 0 verified, 1 refused or (without --allow-unchecked) a step not checkable or a
 * bad input, 2 usage.
 */
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "ccmctl.h"
#include "hex.h"
#include "vtpm-binding.h"
#include "vtpm-evidence.h"

static gboolean load_file(const char *path, GBytes **ret, GError **error)
{
    return (*ret = ccm_vtpm_read_file(path, error)) != NULL;
}

int ccmctl_verify_vtpm(int argc, char **argv)
{
    gboolean vtpm = FALSE, json = FALSE, allow_unchecked = FALSE;
    g_autofree char *hcl = NULL, *quote = NULL, *signature = NULL, *vcek = NULL;
    g_autofree char *td_quote = NULL, *nonce_hex = NULL, *nonce_text = NULL, *at_text = NULL;
    g_autofree char *pcrs_expected = NULL, *init_data = NULL, *roots = NULL, *crl = NULL;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "vtpm", 0, 0, G_OPTION_ARG_NONE, &vtpm,
          "Verify vTPM evidence: EVIDENCE.json (Trustee v0, v1, v2) or the files below", NULL },
        { "hcl-report", 0, 0, G_OPTION_ARG_FILENAME, &hcl,
          "The HCL report (vTPM NV index 0x01400001)", "FILE" },
        { "tpm-quote", 0, 0, G_OPTION_ARG_FILENAME, &quote,
          "The TPM quote: hex JSON {\"signature\", \"message\", \"pcrs\"}, bincode, or with "
          "--tpm-signature the raw TPMS_ATTEST",
          "FILE" },
        { "tpm-signature", 0, 0, G_OPTION_ARG_FILENAME, &signature,
          "The raw signature of a raw --tpm-quote (no PCR values: the digest is not checkable)",
          "FILE" },
        { "vcek", 0, 0, G_OPTION_ARG_FILENAME, &vcek,
          "SEV-SNP: the VCEK or VLEK (DER, PEM, or a PEM bundle with the VEK first)", "FILE" },
        { "td-quote", 0, 0, G_OPTION_ARG_FILENAME, &td_quote, "TDX: the TD quote v4", "FILE" },
        { "roots", 0, 0, G_OPTION_ARG_FILENAME, &roots,
          "SEV-SNP: AMD roots to pin instead of the built-in ones (as --platform sev-snp)",
          "DIR" },
        { "crl", 0, 0, G_OPTION_ARG_FILENAME, &crl,
          "SEV-SNP: AMD's CRL for the generation (DER or PEM, signed by the ARK)", "FILE" },
        { "nonce", 0, 0, G_OPTION_ARG_STRING, &nonce_hex,
          "The nonce the quote's extraData must hold, in hex", "HEX" },
        { "nonce-text", 0, 0, G_OPTION_ARG_STRING, &nonce_text,
          "The nonce as text (its bytes, e.g. challenge)", "STRING" },
        { "at", 0, 0, G_OPTION_ARG_STRING, &at_text,
          "Check certificate validity at this time (ISO 8601, a date, or @UNIX-SECONDS; "
          "default: now)",
          "TIME" },
        { "pcrs-expected", 0, 0, G_OPTION_ARG_FILENAME, &pcrs_expected,
          "Compare the quoted PCRs with ccm's prediction (ccmctl measure --platform tpm "
          "--json)",
          "FILE" },
        { "init-data-hash", 0, 0, G_OPTION_ARG_STRING, &init_data,
          "Trustee init-data: PCR8 must be SHA-256(32 zero bytes || HEX)", "HEX" },
        { "allow-unchecked", 0, 0, G_OPTION_ARG_NONE, &allow_unchecked,
          "Exit 0 when no step failed even if some were not checkable", NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (ccm-verify-vtpm/1)", NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --vtpm (a vTPM quote bound to the TEE report)", entries,
                            NULL))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl verify");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "--vtpm [EVIDENCE.json] - check a vTPM quote from the TEE's root to the PCR values");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context,
                                     "Exit status: 0 verified, 1 refused, a step not checkable "
                                     "(without --allow-unchecked) or an input is bad, 2 usage "
                                     "error. See ccmctl-verify(1), VTPM BINDING.\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("verify", error);
    const char *evidence_path = argc > 1 ? argv[1] : NULL;
    gint64 at = 0;
    g_autoptr(GByteArray) nonce = g_byte_array_new();
    g_autoptr(GByteArray) init_hash = g_byte_array_new();
    const char *usage = NULL;
    if (!vtpm)
        usage = "--vtpm is required";
    else if (argc > 2)
        usage = "give one evidence file at most";
    else if (evidence_path && (hcl || quote || signature || vcek || td_quote))
        usage = "give EVIDENCE.json or the separate files (--hcl-report, --tpm-quote, "
                "--vcek | --td-quote), not both";
    else if (!evidence_path && (!hcl || !quote))
        usage = "give EVIDENCE.json, or --hcl-report FILE and --tpm-quote FILE";
    else if (vcek && td_quote)
        usage = "--vcek (SEV-SNP) and --td-quote (TDX) are alternatives";
    else if ((roots || crl) && td_quote)
        usage = "--roots and --crl are for SEV-SNP evidence, not --td-quote";
    else if (!nonce_hex == !nonce_text)
        usage = "give one of --nonce HEX or --nonce-text STRING";
    else if (nonce_hex && (!ccm_hex_decode(nonce_hex, nonce) || nonce->len > 64))
        usage = "--nonce: expected 1 to 64 bytes in hex";
    else if (nonce_text && (!*nonce_text || strlen(nonce_text) > 64))
        usage = "--nonce-text: expected 1 to 64 bytes";
    else if (at_text && !ccmctl_parse_at(at_text, &at))
        usage = "--at: expected a time in ISO 8601 with a zone (2026-01-01T00:00:00Z), a date "
                "(2026-01-01) or @UNIX-SECONDS";
    else if (init_data && (!ccm_hex_decode(init_data, init_hash) || init_hash->len != 32))
        usage = "--init-data-hash: expected 32 bytes in hex";
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("verify", error);
    }
    if (nonce_text)
        g_byte_array_append(nonce, (const guint8 *) nonce_text, (guint) strlen(nonce_text));

    g_autoptr(CcmVtpmEvidence) e = NULL;
    if (evidence_path) {
        g_autoptr(GBytes) data = ccm_vtpm_read_file(evidence_path, &error);
        if (!data || !(e = ccm_vtpm_evidence_from_json(evidence_path, data, &error)))
            return ccmctl_fail("verify", error);
    } else {
        e = ccm_vtpm_evidence_new();
        g_autoptr(GBytes) q = NULL;
        if (!load_file(hcl, &e->hcl_report, &error) || !load_file(quote, &q, &error) ||
            (vcek && !load_file(vcek, &e->vek, &error)) ||
            (td_quote && !load_file(td_quote, &e->td_quote, &error)))
            return ccmctl_fail("verify", error);
        if (signature) {
            e->quote_message = g_steal_pointer(&q);
            if (!load_file(signature, &e->quote_signature, &error))
                return ccmctl_fail("verify", error);
        } else if (!ccm_vtpm_evidence_set_quote(e, quote, q, &error)) {
            return ccmctl_fail("verify", error);
        }
    }
    g_autoptr(GPtrArray) expected = NULL;
    if (pcrs_expected && !(expected = ccm_vtpm_expected_pcrs_load(pcrs_expected, &error)))
        return ccmctl_fail("verify", error);

    g_autoptr(GBytes) nonce_bytes = g_bytes_new(nonce->data, nonce->len);
    g_autoptr(GBytes) init_bytes = init_data ? g_bytes_new(init_hash->data, init_hash->len)
                                             : NULL;
    CcmVtpmOptions o = { .nonce = nonce_bytes, .at = at, .init_data_hash = init_bytes,
                         .snp_roots_dir = roots, .snp_crl_path = crl,
                         .have_expected_pcrs = expected != NULL,
                         .expected_source = pcrs_expected };
    for (guint i = 0; expected && i < expected->len && i < CCM_VTPM_MAX_PCRS; i++)
        o.expected_pcrs[i] = expected->pdata[i] ? g_bytes_get_data(expected->pdata[i], NULL)
                                                : NULL;
    g_autoptr(CcmVtpmVerification) v = ccm_vtpm_verify(e, &o, &error);
    if (!v)
        return ccmctl_fail("verify", error);

    const char *verdict = ccm_check_list_verdict(v->checks);
    gboolean ok = strcmp(verdict, "verified") == 0 ||
                  (allow_unchecked && strcmp(verdict, "unchecked") == 0);
    g_autofree char *s = NULL;
    if (json) {
        s = ccmctl_json_text("ccm-verify-vtpm/1", ccm_vtpm_verification_to_json(v));
    } else {
        g_autoptr(GString) text = g_string_new(NULL);
        g_string_append_printf(text, "vTPM binding %s, %s, %s\n", v->binding,
                               v->tee ? v->tee : "unknown TEE",
                               v->evidence_version >= 0 ? "Trustee evidence" : "separate files");
        ccm_check_list_append_text(v->checks, text);
        guint unchecked = ccm_check_list_count(v->checks, CCM_CHECK_NOT_CHECKABLE);
        guint failed = ccm_check_list_count(v->checks, CCM_CHECK_FAILED);
        g_string_append_printf(text, "%s", verdict);
        if (failed)
            g_string_append_printf(text, ": %u step%s failed", failed, failed == 1 ? "" : "s");
        else if (unchecked)
            g_string_append_printf(text, ": %u step%s not checkable%s", unchecked,
                                   unchecked == 1 ? "" : "s",
                                   allow_unchecked ? " (allowed by --allow-unchecked)"
                                                   : "; --allow-unchecked accepts this");
        g_string_append_c(text, '\n');
        s = g_string_free(g_steal_pointer(&text), FALSE);
    }
    if (!ccmctl_write_stdout(s, &error))
        return ccmctl_fail("verify", error);
    return ok ? CCMCTL_EXIT_OK : CCMCTL_EXIT_FAILURE;
}
