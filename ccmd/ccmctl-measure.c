/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-measure.c - `ccmctl measure`: one guest's expected launch measurement
 *
 * Default output is the lower-case hex digest alone on stdout. On any error nothing
 * is written to stdout, one message goes to stderr and the exit code is non-zero.
 * --explain writes the step-by-step explanation to stderr, so `digest=$(ccmctl
 * measure ... --explain)` still captures only the digest.
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccmctl-measure-batch.h"
#include "ccmctl.h"
#include "launch-plan.h"
#include "measure-plan.h"
#include "measure-request.h"
#include "tdx-expected.h"

typedef enum OutputFormat {
    OUTPUT_HEX,
    OUTPUT_BASE64,
    OUTPUT_JSON,
    OUTPUT_FIRMWARE_DIGEST,
} OutputFormat;

/* The options that describe the guest, in ccm_measure_request_keys order. */
enum {
    OPT_PLATFORM,
    OPT_FIRMWARE,
    OPT_KERNEL,
    OPT_INITRD,
    OPT_APPEND,
    OPT_VCPUS,
    OPT_CPU,
    OPT_VCPU_SIG,
    OPT_GUEST_FEATURES,
    OPT_VMM,
    OPT_SEV_ES_VMSA,
    OPT_FIRMWARE_DIGEST,
    N_REQUEST_OPTIONS,
};

static void free_values(char **values)
{
    for (int i = 0; i < N_REQUEST_OPTIONS; i++)
        g_free(values[i]);
}

/* Applies the guest options to @req; errors name the option. */
static gboolean request_from_options(char **values, CcmMeasureRequest *req, GError **error)
{
    if (values[OPT_CPU] && values[OPT_VCPU_SIG]) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--cpu and --vcpu-sig both set the VMSA's CPU signature: give one");
        return FALSE;
    }
    for (int i = 0; i < N_REQUEST_OPTIONS; i++) {
        const char *key = ccm_measure_request_keys[i];
        g_autoptr(GError) e = NULL;

        if (values[i] && !ccm_measure_request_set(req, key, values[i], &e)) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--%s: %s", key,
                        e->message);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean parse_output(const char *value, OutputFormat *ret, GError **error)
{
    static const char *const names[] = { "hex", "base64", "json", "firmware-digest" };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (strcmp(value, names[i]) == 0) {
            *ret = (OutputFormat) i;
            return TRUE;
        }
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--output: unknown format '%s': expected hex, base64, json or firmware-digest",
                value);
    return FALSE;
}

static char *render(const CcmMeasureReport *report, OutputFormat format)
{
    switch (format) {
    case OUTPUT_BASE64: {
        g_autofree char *b64 = g_base64_encode(report->digest, report->digest_size);
        return g_strconcat(b64, "\n", NULL);
    }
    case OUTPUT_JSON: {
        json_object *o = ccm_measure_report_to_json(report, true);
        char *text = g_strconcat(json_object_to_json_string_ext(
                                     o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
                                 "\n", NULL);
        json_object_put(o);
        return text;
    }
    case OUTPUT_HEX:
    case OUTPUT_FIRMWARE_DIGEST:
    default: {
        g_autofree char *hex = ccm_hex_encode(report->digest, report->digest_size);
        return g_strconcat(hex, "\n", NULL);
    }
    }
}

/* A Platform=tdx spec: the TDX engine with the spec's firmware, RAM, vCPUs and direct
 * boot, and the ACPI tables of the QEMU that will launch it with the guest's shape (read
 * once per shape, then cached); the spec is the only source. --output hex is MRTD alone
 * and needs no QEMU. */
static int measure_tdx_spec(CcmGuestSpec *owned_spec, const char *output, gboolean explain)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(owned_spec, NULL, &error);
    if (!plan)
        return ccmctl_fail("measure", error);
    if (output && strcmp(output, "hex") != 0 && strcmp(output, "json") != 0) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--output: a TDX guest's measurement is hex or json");
        return ccmctl_fail("measure", error);
    }
    gboolean mrtd_only = output && strcmp(output, "hex") == 0;
    CcmTdxInputs in;
    g_autoptr(GPtrArray) shape = NULL;
    ccm_tdx_inputs_from_plan(plan, !mrtd_only, &in, &shape);
    in.explain = explain;
    return ccmctl_measure_tdx_run(&in, NULL, output, NULL);
}

/* A Platform=cca spec: the QEMU profile with the realm plan-cca.c reads from the spec
 * (the same firmware, DTB, PMU and SVE the launch uses). */
static int measure_cca_spec(CcmGuestSpec *owned_spec, const char *output, gboolean explain)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(owned_spec, NULL, &error);
    if (!plan)
        return ccmctl_fail("measure", error);
    return ccmctl_measure_cca_plan(plan, output, explain);
}

/* Whether the command line asks for --platform @name (tdx, cca: their own options and
 * engines). */
static bool wants_platform(int argc, char **argv, const char *name)
{
    g_autofree char *joined = g_strconcat("--platform=", name, NULL);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], joined) == 0)
            return true;
        if (strcmp(argv[i], "--platform") == 0 && i + 1 < argc && strcmp(argv[i + 1], name) == 0)
            return true;
    }
    return false;
}

static bool wants_tdx(int argc, char **argv)
{
    return wants_platform(argc, argv, "tdx");
}

static bool wants_cca(int argc, char **argv)
{
    return wants_platform(argc, argv, "cca");
}

int ccmctl_measure(int argc, char **argv)
{
    if (wants_tdx(argc, argv))
        return ccmctl_measure_tdx(argc, argv);
    if (wants_cca(argc, argv))
        return ccmctl_measure_cca(argc, argv);

    g_auto(CcmMeasureRequest) request = { 0 };
    char *values[N_REQUEST_OPTIONS] = { NULL };
    g_autofree char *output = NULL;
    g_autofree char *batch = NULL;
    gboolean explain = FALSE;
    g_autoptr(GError) error = NULL;

    ccm_measure_request_init(&request);
#define REQUEST_OPTION(opt, arg, help)                                                         \
    { ccm_measure_request_keys[opt], 0, 0, G_OPTION_ARG_FILENAME, &values[opt], help, arg }
    GOptionEntry entries[] = {
        REQUEST_OPTION(OPT_PLATFORM, "sev-snp|sev-es|sev|tdx|cca",
                       "Confidential-computing platform (tdx, cca: see ccmctl-measure(1))"),
        REQUEST_OPTION(OPT_FIRMWARE, "PATH", "OVMF image (-bios, or the CODE part of pflash)"),
        REQUEST_OPTION(OPT_KERNEL, "PATH", "Kernel for measured direct boot (kernel-hashes=on)"),
        REQUEST_OPTION(OPT_INITRD, "PATH", "Initrd (needs --kernel)"),
        REQUEST_OPTION(OPT_APPEND, "STRING", "Kernel command line (needs --kernel)"),
        REQUEST_OPTION(OPT_VCPUS, "N", "Boot vCPUs (-smp N); one VMSA each"),
        REQUEST_OPTION(OPT_CPU, "MODEL", "QEMU -cpu model, e.g. EPYC-Milan"),
        REQUEST_OPTION(OPT_VCPU_SIG, "0xHEX", "CPUID(1).EAX of the guest CPU, instead of --cpu"),
        REQUEST_OPTION(OPT_GUEST_FEATURES, "0xHEX", "SNP SEV_FEATURES (default 0x1)"),
        REQUEST_OPTION(OPT_VMM, "qemu|ec2|gce", "VMM whose launch to reproduce (default qemu)"),
        REQUEST_OPTION(OPT_SEV_ES_VMSA, "legacy|init2",
                       "SEV-ES VMSA: KVM_SEV_ES_INIT (legacy, default) or KVM_SEV_INIT2"),
        REQUEST_OPTION(OPT_FIRMWARE_DIGEST, "HEX",
                       "SNP: start from this digest instead of hashing the firmware pages"),
        { "output", 0, 0, G_OPTION_ARG_STRING, &output,
          "hex (default), base64, json or firmware-digest", "FORMAT" },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
          "Explain every step on stderr (with --batch: as \"steps\" in each line)", NULL },
        { "batch", 0, 0, G_OPTION_ARG_FILENAME, &batch,
          "Measure one guest per JSON line of FILE ('-': stdin); options are defaults", "FILE" },
        { NULL },
    };
#undef REQUEST_OPTION

    g_set_prgname("ccmctl measure");
    g_autoptr(GOptionContext) context = g_option_context_new("[GUEST.guest] - expected launch measurement");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(
        context, "Computes the launch digest the AMD Secure Processor will report for a guest.");
    g_option_context_set_description(context, "Exit status: 0 success, 1 measurement failed, "
                                              "2 usage error. See ccmctl-measure(1).\n");
    g_option_context_set_help_enabled(context, TRUE);

    gboolean parsed = g_option_context_parse(context, &argc, &argv, &error) &&
                      request_from_options(values, &request, &error);
    bool request_given[N_REQUEST_OPTIONS];
    for (int i = 0; i < N_REQUEST_OPTIONS; i++)
        request_given[i] = values[i] != NULL;
    free_values(values);
    if (!parsed)
        return ccmctl_fail("measure", error);
    if (argc > 2) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "unexpected argument '%s'", argv[2]);
        return ccmctl_fail("measure", error);
    }
    const char *spec_path = argc == 2 ? argv[1] : NULL;

    OutputFormat format = OUTPUT_HEX;
    if (output && !parse_output(output, &format, &error))
        return ccmctl_fail("measure", error);

    if (batch && spec_path) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--batch and a guest spec are alternatives");
        return ccmctl_fail("measure", error);
    }
    if (batch) {
        if (output && format != OUTPUT_JSON && format != OUTPUT_FIRMWARE_DIGEST) {
            g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                "--batch writes one JSON object per line; --output can only "
                                "be json or firmware-digest");
            return ccmctl_fail("measure", error);
        }
        return ccmctl_measure_batch(batch, &request, format == OUTPUT_FIRMWARE_DIGEST,
                                    explain);
    }

    g_autoptr(CcmMeasureReport) report = NULL;
    if (spec_path) {
        /* A guest spec is the only source: options that describe the guest would be a
         * second one. */
        for (int i = 0; i < N_REQUEST_OPTIONS; i++)
            if (request_given[i]) {
                g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--%s cannot be combined with a guest spec: '%s' gives every "
                            "input",
                            ccm_measure_request_keys[i], spec_path);
                return ccmctl_fail("measure", error);
            }
        g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(spec_path, &error);
        if (!spec)
            return ccmctl_fail("measure", error);
        if (spec->platform == CCM_GUEST_PLATFORM_TDX)
            return measure_tdx_spec(g_steal_pointer(&spec), output, explain);
        if (spec->platform == CCM_GUEST_PLATFORM_CCA)
            return measure_cca_spec(g_steal_pointer(&spec), output, explain);
        g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, &error);
        if (!plan ||
            !ccm_measure_plan_run(plan, format == OUTPUT_FIRMWARE_DIGEST, &report, &error))
            return ccmctl_fail("measure", error);
    } else if (!ccm_measure_request_run(&request, format == OUTPUT_FIRMWARE_DIGEST, NULL,
                                        &report, &error)) {
        return ccmctl_fail("measure", error);
    }

    if (explain)
        ccm_measure_report_print_explain(report, stderr);
    g_autofree char *text = render(report, format);
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("measure", error);
    return CCMCTL_EXIT_OK;
}
