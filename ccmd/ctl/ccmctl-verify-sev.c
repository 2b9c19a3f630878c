/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-verify-sev.c - ccmctl verify --platform sev: AMD's legacy SEV CA certificates
 * (ARK, ASK in AMD's binary format) checked against each other and the pinned ARKs
 * (launch/sev-ca-verify.h)
 *
 * Prints one row per check and a verdict line, or the document "ccm-verify-sev/1" with
 * --json.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "ccmctl.h"
#include "sev-ca-verify.h"

static void print_cert(const char *role, const CcmSevCaCertInfo *c, GString *out)
{
    g_string_append_printf(out, "%s %s: key_id %s, usage 0x%x, %u-bit\n", role, c->source,
                           c->key_id, c->usage, c->bits);
}

/* The platform certificates `ccmctl host export` writes beside them: present in --certs
 * DIR, but not checked (the CEK/PEK/OCA/PDH chain is not verified yet). */
static GPtrArray *platform_files(const char *dir)
{
    static const char *const names[] = { "cek.cert", "pek.cert", "oca.cert", "pdh.cert" };
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; dir && i < G_N_ELEMENTS(names); i++) {
        char *path = g_build_filename(dir, names[i], NULL);
        if (g_file_test(path, G_FILE_TEST_EXISTS))
            g_ptr_array_add(found, path);
        else
            g_free(path);
    }
    return found;
}

static char *render_text(const CcmSevCaVerification *v, const GPtrArray *unchecked)
{
    g_autoptr(GString) out = g_string_new(NULL);
    print_cert("ARK", &v->ark, out);
    print_cert("ASK", &v->ask, out);
    g_string_append_printf(out, "generation: %s (pinned ARKs: %s)\n\n",
                           v->generation == _CCM_SEV_GENERATION_INVALID
                               ? "none"
                               : ccm_sev_generation_to_string(v->generation),
                           v->roots_source);
    g_string_append_printf(out, "%-14s %-10s %s\n", "CHECK", "RESULT", "DETAIL");
    for (guint i = 0; i < v->checks->len; i++) {
        const CcmSevCaCheck *c = v->checks->pdata[i];
        g_string_append_printf(out, "%-14s %-10s %s\n", c->name,
                               ccm_sev_ca_check_result_to_string(c->result), c->detail);
    }
    g_string_append_c(out, '\n');
    for (guint i = 0; i < unchecked->len; i++)
        g_string_append_printf(out, "not checked: %s (the platform chain is not verified)\n",
                               (const char *) unchecked->pdata[i]);
    if (v->verified)
        g_string_append(out, "verified\n");
    else
        g_string_append_printf(out, "refused: %s\n", v->first_failure);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

int ccmctl_verify_sev(int argc, char **argv)
{
    g_autofree char *platform = NULL, *certs = NULL, *ark = NULL, *ask = NULL, *roots = NULL;
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "sev", "sev" },
        { "certs", 0, 0, G_OPTION_ARG_FILENAME, &certs,
          "A folder holding ask.cert and ark.cert (AMD's binary format; without ark.cert "
          "the pinned ARK the ASK names)", "DIR" },
        { "ark", 0, 0, G_OPTION_ARG_FILENAME, &ark,
          "The AMD Root Key certificate (AMD's binary format)", "FILE" },
        { "ask", 0, 0, G_OPTION_ARG_FILENAME, &ask,
          "The AMD SEV Key certificate, signed by the ARK", "FILE" },
        { "roots", 0, 0, G_OPTION_ARG_FILENAME, &roots,
          "ARKs to pin instead of the built-in ones: <gen>/ark.cert", "DIR" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --platform sev (AMD's legacy SEV CA certificates)",
                            entries, NULL))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl verify");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "- check AMD's legacy SEV ARK and ASK: signatures, usages and the pinned ARK");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 verified, 1 a check failed or "
                                              "an input is bad, 2 usage error. See "
                                              "ccmctl-verify(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("verify", error);

    const char *usage = NULL;
    if (!platform || strcmp(platform, "sev") != 0)
        usage = "--platform sev is required";
    else if (certs && (ark || ask))
        usage = "give --certs DIR or --ark FILE --ask FILE, not both";
    else if (!certs && !ask)
        usage = "--certs DIR or --ask FILE is required";
    else if (argc > 1)
        usage = "verify --platform sev takes no guest spec";
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("verify", error);
    }

    g_autofree char *dir_ark = NULL, *dir_ask = NULL;
    if (certs) {
        dir_ark = g_build_filename(certs, "ark.cert", NULL);
        dir_ask = g_build_filename(certs, "ask.cert", NULL);
        if (!g_file_test(dir_ark, G_FILE_TEST_EXISTS))
            g_clear_pointer(&dir_ark, g_free);
    }
    CcmSevCaVerifyOptions options = {
        .ark_path = certs ? dir_ark : ark,
        .ask_path = certs ? dir_ask : ask,
        .roots_dir = roots,
    };
    g_autoptr(CcmSevCaVerification) v = ccm_sev_ca_verify(&options, &error);
    if (!v)
        return ccmctl_fail("verify", error);

    g_autoptr(GPtrArray) unchecked = platform_files(certs);
    g_autofree char *text = NULL;
    if (json) {
        json_object *out = ccm_sev_ca_verification_to_json(v);
        json_object *files = json_object_new_array();
        for (guint i = 0; i < unchecked->len; i++)
            json_object_array_add(files, json_object_new_string(unchecked->pdata[i]));
        json_object_object_add(out, "not_checked", files);
        json_object_object_add(out, "result",
                               json_object_new_string(v->verified ? "verified" : "refused"));
        text = ccmctl_json_text("ccm-verify-sev/1", out);
    } else {
        text = render_text(v, unchecked);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("verify", error);
    return v->verified ? CCMCTL_EXIT_OK : CCMCTL_EXIT_FAILURE;
}
