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
#include "expectation-sev.h"
#include "launch-plan.h"

typedef enum OutputFormat {
    OUTPUT_HEX,
    OUTPUT_BASE64,
    OUTPUT_JSON,
    OUTPUT_FIRMWARE_DIGEST,
} OutputFormat;

/* The options that describe the guest, in ccm_sev_request_keys order. */
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
static gboolean request_from_options(char **values, CcmSevRequest *req, GError **error)
{
    if (values[OPT_CPU] && values[OPT_VCPU_SIG]) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--cpu and --vcpu-sig both set the VMSA's CPU signature: give one");
        return FALSE;
    }
    /* tdx, cca and tpm have their own commands (ccmctl_measure() picks them): a value
     * that none of the four takes is answered with every platform's name. */
    static const char *const sev_platforms[] = { "sev", "sev-es", "sev-snp", NULL };
    if (values[OPT_PLATFORM] && !g_strv_contains(sev_platforms, values[OPT_PLATFORM])) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--platform: unknown platform '%s': expected sev, sev-es, sev-snp, tdx, cca "
                    "or tpm",
                    values[OPT_PLATFORM]);
        return FALSE;
    }
    for (int i = 0; i < N_REQUEST_OPTIONS; i++) {
        const char *key = ccm_sev_request_keys[i];
        g_autoptr(GError) e = NULL;

        if (values[i] && !ccm_sev_request_set(req, key, values[i], &e)) {
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

/* A guest spec is the only source of every input: the platform's engine from the spec
 * (for TDX the ACPI tables of the QEMU that will launch it, read once per VM shape and
 * cached, unless --output hex asks for MRTD alone). */
static int measure_spec(CcmGuestSpec *owned_spec, OutputFormat format, const char *output,
                        gboolean explain)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(owned_spec, NULL, &error);
    if (!plan || !ccm_expectation_check_output(ccm_guest_spec_measured_platform(plan->spec), output,
                                                &error))
        return ccmctl_fail("measure", error);
    CcmExpectationFlags flags = CCM_EXPECTATION_READ_ACPI;
    if (format == OUTPUT_FIRMWARE_DIGEST)
        flags = CCM_EXPECTATION_FIRMWARE_DIGEST;
    else if (format == OUTPUT_HEX)
        flags = CCM_EXPECTATION_DEFAULT;
    if (explain)
        flags |= CCM_EXPECTATION_EXPLAIN;
    g_autoptr(CcmExpectation) e = ccm_expectation_new(plan, flags, &error);
    if (!e)
        return ccmctl_fail("measure", error);
    if (e->unmeasured) {
        g_set_error_literal(&error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                            e->unmeasured);
        return ccmctl_fail("measure", error);
    }
    return ccmctl_measure_print(e, output, explain);
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
    if (wants_platform(argc, argv, "tpm"))
        return ccmctl_measure_tpm(argc, argv);

    g_auto(CcmSevRequest) request = { 0 };
    char *values[N_REQUEST_OPTIONS] = { NULL };
    g_autofree char *output = NULL;
    g_autofree char *batch = NULL, *domain = NULL, *uri = NULL;
    gboolean explain = FALSE, json = FALSE;
    g_autoptr(GError) error = NULL;

    ccm_sev_request_init(&request);
#define REQUEST_OPTION(opt, arg, help)                                                         \
    { ccm_sev_request_keys[opt], 0, 0, G_OPTION_ARG_FILENAME, &values[opt], help, arg }
    GOptionEntry entries[] = {
        REQUEST_OPTION(OPT_PLATFORM, "sev-snp|sev-es|sev|tdx|cca|tpm",
                       "Confidential-computing platform (tdx, cca, tpm: see ccmctl-measure(1))"),
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
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (--output json)", NULL },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
          "Explain every step on stderr (with --batch: as \"steps\" in each line)", NULL },
        { "batch", 0, 0, G_OPTION_ARG_FILENAME, &batch,
          "Measure one guest per JSON line of FILE ('-': stdin); options are defaults", "FILE" },
        { "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
          "Measure the libvirt domain NAME from its XML (its next launch)", "NAME" },
        { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
          "With --domain: the libvirt URI (default: libvirt's own)", "URI" },
        { NULL },
    };
#undef REQUEST_OPTION

    g_set_prgname("ccmctl measure");
    g_autoptr(GOptionContext) context =
        g_option_context_new("[GUEST.guest | --domain NAME] - expected launch measurement");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(
        context, "Computes the launch measurement a guest's hardware will report. The options "
                 "below are those of a guest spec, --domain, --batch and --platform sev, sev-es "
                 "and sev-snp (the launch digest the AMD Secure Processor reports); those of "
                 "--platform tdx, cca and tpm follow them.");
    /* --help lists the options of the other platforms' commands too. */
    g_autofree char *sections = NULL;
    if (ccmctl_wants_help(argc, argv)) {
        int (*const others[])(int, char **) = { ccmctl_measure_tdx, ccmctl_measure_cca,
                                                ccmctl_measure_tpm, NULL };
        sections = ccmctl_help_sections(others);
    }
    g_autofree char *description = g_strconcat(sections ? sections : "",
                                               "Exit status: 0 success, 1 measurement failed, "
                                               "2 usage error, 3 (tdx, tpm) printed but a "
                                               "register cannot be predicted. See "
                                               "ccmctl-measure(1).\n",
                                               NULL);
    g_option_context_set_description(context, description);
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
    if (!ccmctl_json_option(json, "--output", &output, &error) ||
        (output && !parse_output(output, &format, &error)))
        return ccmctl_fail("measure", error);

    if (!!batch + !!spec_path + !!domain > 1) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--batch, --domain and a guest spec are alternatives");
        return ccmctl_fail("measure", error);
    }
    if (uri && !domain) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--connect applies to --domain");
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

    if (spec_path || domain) {
        /* A guest spec (or a domain's XML) is the only source: options that describe the
         * guest would be a second one. */
        for (int i = 0; i < N_REQUEST_OPTIONS; i++)
            if (request_given[i]) {
                g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--%s cannot be combined with %s: '%s' gives every input",
                            ccm_sev_request_keys[i], spec_path ? "a guest spec" : "--domain",
                            spec_path ? spec_path : domain);
                return ccmctl_fail("measure", error);
            }
        g_autoptr(CcmGuestSpec) spec = spec_path ? ccm_guest_spec_load(spec_path, &error)
                                                 : ccmctl_domain_spec(uri, domain, &error);
        if (!spec)
            return ccmctl_fail("measure", error);
        return measure_spec(g_steal_pointer(&spec), format, output, explain);
    }
    g_autoptr(CcmExpectation) e = ccm_expectation_new_sev(
        &request, NULL,
        format == OUTPUT_FIRMWARE_DIGEST ? CCM_EXPECTATION_FIRMWARE_DIGEST : CCM_EXPECTATION_DEFAULT,
        &error);
    if (!e)
        return ccmctl_fail("measure", error);
    return ccmctl_measure_print(e, output, explain);
}
