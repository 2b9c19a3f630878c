/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-snp-policy.c - `ccmctl snp-policy decode|encode`: the SEV-SNP guest policy bits
 *
 * decode prints every field of a policy value, and exits 1 after printing it if the
 * firmware would refuse the policy (bit 17 clear, reserved bits set). encode builds a
 * value from named fields, starting from QEMU's default 0x30000 (or --from); an
 * invalid result is an error: a message on stderr, nothing on stdout, exit 1.
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccmctl.h"
#include "snp-policy.h"

static int print_policy(uint64_t policy, gboolean json)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) problems = NULL;
    bool valid = ccm_snp_policy_check(policy, &problems, NULL);

    if (json) {
        text = ccmctl_json_text(NULL, ccm_snp_policy_to_json(policy));
    } else {
        text = ccm_snp_policy_to_text(policy);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("snp-policy", error);
    if (!valid) {
        fprintf(stderr, "ccmctl snp-policy: policy 0x%" G_GINT64_MODIFIER "x is invalid: %s\n",
                policy, problems[0]);
        return CCMCTL_EXIT_FAILURE;
    }
    return CCMCTL_EXIT_OK;
}

static int usage_error(const char *message)
{
    g_autoptr(GError) error = g_error_new_literal(G_OPTION_ERROR, G_OPTION_ERROR_FAILED, message);
    return ccmctl_fail("snp-policy", error);
}

static int decode(int argc, char **argv)
{
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };

    g_set_prgname("ccmctl snp-policy decode");
    g_autoptr(GOptionContext) context = g_option_context_new("POLICY - show every policy field");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("snp-policy", error);
    if (argc != 2)
        return usage_error("decode takes one POLICY, e.g. 0x30000");

    uint64_t policy;
    if (!ccm_snp_policy_parse(argv[1], &policy, &error))
        return ccmctl_fail("snp-policy", error);
    return print_policy(policy, json);
}

static gboolean parse_yes_no(const char *option, const char *value, bool *ret, GError **error)
{
    if (strcmp(value, "yes") == 0 || strcmp(value, "on") == 0 || strcmp(value, "1") == 0) {
        *ret = true;
    } else if (strcmp(value, "no") == 0 || strcmp(value, "off") == 0 ||
               strcmp(value, "0") == 0) {
        *ret = false;
    } else {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--%s: '%s' is not yes or no", option, value);
        return FALSE;
    }
    return TRUE;
}

static int encode(int argc, char **argv)
{
    enum { N_FLAGS = 9 };
    char *flag_values[N_FLAGS] = { NULL };
    g_autofree char *from = NULL, *abi_major = NULL, *abi_minor = NULL;
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[N_FLAGS + 5];
    size_t n = 0;

    g_assert(ccm_snp_policy_flags[N_FLAGS].name == NULL);
    for (size_t i = 0; i < N_FLAGS; i++)
        entries[n++] = (GOptionEntry) { ccm_snp_policy_flags[i].name, 0, 0, G_OPTION_ARG_STRING,
                                        &flag_values[i], ccm_snp_policy_flags[i].summary,
                                        "yes|no" };
    entries[n++] = (GOptionEntry) { "abi-major", 0, 0, G_OPTION_ARG_STRING, &abi_major,
                                    "Minimum firmware ABI major version", "N" };
    entries[n++] = (GOptionEntry) { "abi-minor", 0, 0, G_OPTION_ARG_STRING, &abi_minor,
                                    "Minimum firmware ABI minor version", "N" };
    entries[n++] = (GOptionEntry) { "from", 0, 0, G_OPTION_ARG_STRING, &from,
                                    "Start from this policy instead of 0x30000", "POLICY" };
    entries[n++] = (GOptionEntry) { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL };
    entries[n] = (GOptionEntry) { NULL };

    g_set_prgname("ccmctl snp-policy encode");
    g_autoptr(GOptionContext) context = g_option_context_new("- build a policy from its fields");
    g_option_context_add_main_entries(context, entries, NULL);
    gboolean parsed = g_option_context_parse(context, &argc, &argv, &error);
    uint64_t policy = CCM_SNP_POLICY_DEFAULT;

    if (parsed && argc > 1)
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument '%s'",
                    argv[1]);
    if (!error && from && !ccm_snp_policy_parse(from, &policy, &error))
        g_prefix_error(&error, "--from: ");
    for (size_t i = 0; !error && i < N_FLAGS; i++) {
        bool on;
        if (!flag_values[i])
            continue;
        if (parse_yes_no(ccm_snp_policy_flags[i].name, flag_values[i], &on, &error)) {
            uint64_t bit = UINT64_C(1) << ccm_snp_policy_flags[i].bit;
            policy = on ? policy | bit : policy & ~bit;
        }
    }
    const struct {
        const char *name, *value;
        unsigned shift;
    } abi[] = { { "abi-major", abi_major, 8 }, { "abi-minor", abi_minor, 0 } };
    for (size_t i = 0; !error && i < G_N_ELEMENTS(abi); i++) {
        guint64 v;
        if (!abi[i].value)
            continue;
        if (!g_ascii_string_to_unsigned(abi[i].value, 10, 0, 255, &v, NULL))
            g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--%s: '%s' is not a number from 0 to 255", abi[i].name, abi[i].value);
        else
            policy = (policy & ~(UINT64_C(0xFF) << abi[i].shift)) | (v << abi[i].shift);
    }
    for (size_t i = 0; i < N_FLAGS; i++)
        g_free(flag_values[i]);
    if (error)
        return ccmctl_fail("snp-policy", error);

    if (json)
        return print_policy(policy, TRUE);
    g_auto(GStrv) problems = NULL;
    g_auto(GStrv) warnings = NULL;
    bool valid = ccm_snp_policy_check(policy, &problems, &warnings);
    for (size_t i = 0; warnings[i]; i++)
        fprintf(stderr, "ccmctl snp-policy: warning: %s\n", warnings[i]);
    g_autofree char *text = g_strdup_printf("0x%" G_GINT64_MODIFIER "x\n", policy);
    if (!valid) {
        fprintf(stderr, "ccmctl snp-policy: policy 0x%" G_GINT64_MODIFIER "x is invalid: %s\n",
                policy, problems[0]);
        return CCMCTL_EXIT_FAILURE;
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("snp-policy", error);
    return CCMCTL_EXIT_OK;
}

int ccmctl_snp_policy(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "decode") == 0)
        return decode(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "encode") == 0)
        return encode(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("Usage: ccmctl snp-policy decode POLICY [--json]\n"
               "       ccmctl snp-policy encode [--FIELD yes|no]... [--abi-major N] "
               "[--abi-minor N] [--from POLICY] [--json]\n\n"
               "Decode or encode an SEV-SNP guest policy. Exit status: 0 valid policy, 1 "
               "invalid policy, 2 usage error. See ccmctl-snp-policy(1).\n");
        return CCMCTL_EXIT_OK;
    }
    return usage_error("expected 'decode POLICY' or 'encode [OPTION...]' (see --help)");
}
