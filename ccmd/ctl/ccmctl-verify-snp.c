/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-verify-snp.c - ccmctl verify --platform sev-snp: an SEV-SNP attestation report,
 * checked against AMD's chain (launch/snp-verify.h) and against what the guest should
 * report (launch/snp-expected.h: a guest spec, --expected JSON, or both)
 *
 * Prints each check and each field in a table whose last line names the verdict and the
 * first difference, or the document "ccm-verify-sev-snp/1" with --json.
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "ccmctl.h"
#include "guest-spec.h"
#include "launch-plan.h"
#include "snp-expected.h"
#include "snp-verify.h"

static gboolean load_expected(CcmSnpExpected *e, const char *spec_path, const char *json_path,
                              GError **error)
{
    if (spec_path) {
        g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(spec_path, error);
        if (!spec)
            return FALSE;
        g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, error);
        if (!plan || !ccm_snp_expected_from_plan(e, plan, error))
            return FALSE;
    }
    if (json_path) {
        g_autofree char *text = NULL;
        if (!g_file_get_contents(json_path, &text, NULL, error))
            return FALSE;
        json_object *o = json_tokener_parse(text);
        if (!o) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not JSON", json_path);
            return FALSE;
        }
        gboolean ok = ccm_snp_expected_from_json(e, o, json_path, error);
        json_object_put(o);
        return ok;
    }
    return TRUE;
}

static void print_checks(const CcmSnpVerification *v, GString *out)
{
    g_string_append_printf(out, "%-12s %-15s %s\n", "CHECK", "RESULT", "DETAIL");
    for (guint i = 0; i < v->checks->len; i++) {
        const CcmSnpCheck *c = v->checks->pdata[i];
        g_string_append_printf(out, "%-12s %-15s %s\n", c->name,
                               ccm_snp_check_result_to_string(c->result), c->detail);
    }
}

static void print_fields(const GPtrArray *fields, GString *out)
{
    g_string_append_printf(out, "\n%-18s %-13s %s\n", "FIELD", "RESULT", "REPORTED / EXPECTED");
    for (guint i = 0; i < fields->len; i++) {
        const CcmSnpFieldComparison *c = fields->pdata[i];
        g_string_append_printf(out, "%-18s %-13s %s\n", ccm_snp_field_to_string(c->field),
                               ccm_snp_field_result_to_string(c->result), c->reported);
        if (c->result == CCM_SNP_FIELD_DIFFER)
            g_string_append_printf(out, "%-18s %-13s %s\n", "", "expected", c->expected);
    }
}

int ccmctl_verify_snp(int argc, char **argv)
{
    g_autofree char *platform = NULL, *report_path = NULL, *vcek = NULL, *vlek = NULL;
    g_autofree char *certs = NULL, *chain = NULL, *roots = NULL, *crl = NULL, *at_text = NULL;
    g_autofree char *expected_path = NULL;
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "sev-snp", "sev-snp" },
        { "report", 0, 0, G_OPTION_ARG_FILENAME, &report_path,
          "The SEV-SNP attestation report (1184 bytes, raw or hex)", "FILE" },
        { "vcek", 0, 0, G_OPTION_ARG_FILENAME, &vcek,
          "The VCEK that signed it (DER or PEM; a PEM bundle may add ASK and ARK)", "FILE" },
        { "vlek", 0, 0, G_OPTION_ARG_FILENAME, &vlek,
          "The VLEK that signed it (DER or PEM; a PEM bundle may add ASVK and ARK)", "FILE" },
        { "certs", 0, 0, G_OPTION_ARG_FILENAME, &certs,
          "A folder as snpguest writes it: vcek.der|pem, vlek.der|pem, ask.pem, asvk.pem, "
          "ark.pem", "DIR" },
        { "chain", 0, 0, G_OPTION_ARG_FILENAME, &chain,
          "Intermediate and root certificates (PEM bundle, e.g. KDS's cert_chain)", "FILE" },
        { "roots", 0, 0, G_OPTION_ARG_FILENAME, &roots,
          "AMD roots to pin instead of the built-in ones: <gen>/ark.pem, ask.pem, asvk.pem",
          "DIR" },
        { "crl", 0, 0, G_OPTION_ARG_FILENAME, &crl,
          "AMD's CRL for the generation (DER or PEM, signed by the ARK)", "FILE" },
        { "at", 0, 0, G_OPTION_ARG_STRING, &at_text,
          "Check certificate validity at this time instead of now (ISO 8601 or @UNIX)",
          "TIME" },
        { "expected", 0, 0, G_OPTION_ARG_FILENAME, &expected_path,
          "Expected fields: ccmctl measure --json of an SNP guest, or an object of fields",
          "JSON" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --platform sev-snp (an SEV-SNP attestation report)",
                            entries, NULL))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl verify");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "[GUEST.guest] - check an SEV-SNP report's signature, AMD chain and TCB, and compare "
        "its fields with the expected ones");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 the report verifies and every "
                                              "expected field matches, 1 a check failed, a "
                                              "field differs or an input is bad, 2 usage "
                                              "error. See ccmctl-verify(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("verify", error);

    const char *spec_path = argc > 1 ? argv[1] : NULL;
    gint64 at = 0;
    const char *usage = NULL;
    if (!platform || strcmp(platform, "sev-snp") != 0)
        usage = "--platform sev-snp is required";
    else if (!report_path)
        usage = "--report FILE is required";
    else if (vcek && vlek)
        usage = "give one of --vcek FILE or --vlek FILE";
    else if (argc > 2)
        usage = "give one guest spec at most";
    else if (at_text && !ccmctl_parse_at(at_text, &at))
        usage = "--at: expected an ISO 8601 time (2025-06-01T12:00:00Z), a date, or @UNIX";
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("verify", error);
    }

    g_autoptr(CcmSnpExpected) expected = ccm_snp_expected_new();
    if (!load_expected(expected, spec_path, expected_path, &error))
        return ccmctl_fail("verify", error);
    g_autoptr(GBytes) report = ccm_snp_report_load(report_path, &error);
    if (!report)
        return ccmctl_fail("verify", error);
    CcmSnpVerifyOptions options = {
        .vek_path = vcek ? vcek : vlek,
        .certs_dir = certs,
        .chain_path = chain,
        .roots_dir = roots,
        .crl_path = crl,
        .at = at,
    };
    gsize size = 0;
    const uint8_t *data = g_bytes_get_data(report, &size);
    g_autoptr(CcmSnpVerification) v = ccm_snp_verify_report(data, size, report_path, &options,
                                                            &error);
    if (!v)
        return ccmctl_fail("verify", error);

    g_autoptr(GPtrArray) fields = ccm_snp_expected_compare(expected, &v->report);
    const char *first = ccm_snp_comparison_first_difference(fields);
    const char *result = !v->verified ? "refused" : first ? "differ" : "match";

    g_autofree char *text = NULL;
    if (json) {
        json_object *out = ccm_snp_verification_to_json(v);
        json_object_object_add(out, "expected_from",
                               expected->source ? json_object_new_string(expected->source)
                                                : NULL);
        json_object_object_add(out, "fields", ccm_snp_comparison_to_json(fields));
        json_object_object_add(out, "first_difference",
                               first ? json_object_new_string(first) : NULL);
        json_object_object_add(out, "result", json_object_new_string(result));
        text = ccmctl_json_text("ccm-verify-sev-snp/1", out);
    } else {
        g_autoptr(GString) out = g_string_new(NULL);
        g_string_append_printf(out, "report %s: version %u, VMPL %u, signed by the %s\n\n",
                               report_path, v->report.version, v->report.vmpl, v->signing_key);
        print_checks(v, out);
        print_fields(fields, out);
        if (v->kds_url)
            g_string_append_printf(out, "\nVCEK: %s\n", v->kds_url);
        g_string_append_c(out, '\n');
        if (!v->verified)
            g_string_append_printf(out, "refused: %s\n", v->first_failure);
        else if (first)
            g_string_append_printf(out, "verified; first difference: %s\n", first);
        else
            g_string_append_printf(out, "verified; every expected field matches%s\n",
                                   expected->source ? "" : " (nothing expected)");
        text = g_string_free(g_steal_pointer(&out), FALSE);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("verify", error);
    return strcmp(result, "match") == 0 ? CCMCTL_EXIT_OK : CCMCTL_EXIT_FAILURE;
}
