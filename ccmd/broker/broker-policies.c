/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * broker-policies.c - the Rego policies ccm installs on a Trustee KBS
 *
 * Trustee's attestation service judges every CPU guest (SEV-SNP, TDX, CCA and the rest)
 * with one policy, default_cpu, and the KBS offers no way to read it back or to run a
 * second one beside it. So ccm installs a default_cpu made of two parts: its own rules
 * (ccm-attestation.rego), which decide only for guests whose identity ccm registered
 * values for, and Trustee's own default judgement of the same release, restated in our
 * words in trustee-default-cpu-0.N.rego (its claim rules renamed stock_*), which decides
 * everything else exactly as before. Both parts are the files in one folder; the second
 * has its package and import lines dropped, the module is the first's.
 */
#include <string.h>

#include "broker-policies.h"

/* The first Trustee minor release of each restatement, newest last: each covers the
 * releases up to the next one. */
static const struct {
    unsigned first;
    const char *file;
} stock_files[] = {
    { 16, "trustee-default-cpu-0.16.rego" },
    { 17, "trustee-default-cpu-0.17.rego" },
    { 19, "trustee-default-cpu-0.19.rego" },
    { 20, "trustee-default-cpu-0.20.rego" },
};

const char *ccm_broker_stock_policy_file(unsigned trustee_minor)
{
    const char *file = stock_files[0].file;
    for (size_t i = 0; i < G_N_ELEMENTS(stock_files); i++)
        if (trustee_minor >= stock_files[i].first)
            file = stock_files[i].file;
    return file;
}

static char *read_policy(const char *dir, const char *file, GError **error)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error)) {
        g_prefix_error(error, "the broker policy: ");
        return NULL;
    }
    return text;
}

/* @text without its package and import lines (they are the first part's). */
static void append_rules(GString *out, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        const char *l = lines[i];
        if (g_str_has_prefix(l, "package ") || g_str_has_prefix(l, "import "))
            continue;
        g_string_append(out, l);
        if (lines[i + 1])
            g_string_append_c(out, '\n');
    }
}

gboolean ccm_broker_policies_load(const char *dir, unsigned trustee_minor,
                                  char **ret_attestation, char **ret_resource, GError **error)
{
    if (!dir)
        dir = CCM_POLICY_DIR;
    g_autofree char *ccm = read_policy(dir, "ccm-attestation.rego", error);
    g_autofree char *stock = ccm ? read_policy(dir, ccm_broker_stock_policy_file(trustee_minor),
                                               error)
                                 : NULL;
    g_autofree char *resource = stock ? read_policy(dir, "ccm-resource.rego", error) : NULL;
    if (!resource)
        return FALSE;
    GString *attestation = g_string_new(ccm);
    if (!g_str_has_suffix(attestation->str, "\n"))
        g_string_append_c(attestation, '\n');
    g_string_append_printf(attestation, "\n# ---- %s ----\n",
                           ccm_broker_stock_policy_file(trustee_minor));
    append_rules(attestation, stock);
    *ret_attestation = g_string_free(attestation, FALSE);
    *ret_resource = g_steal_pointer(&resource);
    return TRUE;
}
