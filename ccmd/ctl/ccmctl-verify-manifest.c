/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-verify-manifest.c - ccmctl verify --manifest FILE GUEST.guest: what a boot
 * consumed (ccm-qemu-plugin's manifest) against the spec's measurement inputs, naming
 * the first input that differs
 *
 * QEMU's ACPI files for the spec's VM shape come from ccm's own dump of the spec's QEMU
 * (cached per binary and shape, as for TDX RTMR0).
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "acpi-dump.h"
#include "boot-manifest.h"
#include "ccmctl.h"
#include "launch-plan.h"
#include "qemu-argv.h"

#define ACPI_TIMEOUT_MS 30000

int ccmctl_manifest_report(const CcmLaunchPlan *plan, const char *manifest_path,
                           gboolean acpi, gboolean json, json_object **ret_json)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmBootManifest) m = ccm_boot_manifest_load(manifest_path, &error);
    if (!m)
        return ccmctl_fail("verify", error);

    CcmAcpiBlobs blobs = { 0 };
    gboolean have_acpi = FALSE;
    if (acpi && strcmp(plan->architecture, "x86_64") == 0) {
        g_autoptr(GPtrArray) shape = ccm_qemu_argv_acpi_shape(plan);
        /* The tables as QEMU builds them after the platform setup this boot's firmware
         * did (recorded in the manifest), else after ccm's own. */
        GArray *setup = m->platform_setup;
        if (!ccm_acpi_dump_cached_after(plan->qemu_binary, (const char *const *) shape->pdata,
                                        setup ? (const CcmAcpiPortWrite *) setup->data : NULL,
                                        setup ? setup->len : 0, ACPI_TIMEOUT_MS, NULL, &blobs,
                                        NULL, &error)) {
            g_prefix_error(&error, "QEMU's ACPI tables for %s: ", plan->spec->path);
            return ccmctl_fail("verify", error);
        }
        have_acpi = TRUE;
    }
    g_autoptr(GPtrArray) checks =
        ccm_boot_manifest_check(m, plan, have_acpi ? &blobs : NULL, &error);
    ccm_acpi_blobs_clear(&blobs);
    if (!checks)
        return ccmctl_fail("verify", error);

    const CcmBootCheck *first_bad = NULL;
    for (guint i = 0; i < checks->len && !first_bad; i++)
        if (!((const CcmBootCheck *) checks->pdata[i])->ok)
            first_bad = checks->pdata[i];

    g_autofree char *text = NULL;
    if (json || ret_json) {
        json_object *o = json_object_new_object(), *list = json_object_new_array();
        for (guint i = 0; i < checks->len; i++) {
            const CcmBootCheck *c = checks->pdata[i];
            json_object *j = json_object_new_object();
            json_object_object_add(j, "input", json_object_new_string(c->input));
            json_object_object_add(j, "ok", json_object_new_boolean(c->ok));
            json_object_object_add(j, "detail", json_object_new_string(c->detail));
            json_object_array_add(list, j);
        }
        json_object_object_add(o, "manifest", json_object_new_string(manifest_path));
        json_object_object_add(o, "spec", json_object_new_string(plan->spec->path));
        json_object_object_add(o, "match", json_object_new_boolean(first_bad == NULL));
        json_object_object_add(o, "first_difference",
                               first_bad ? json_object_new_string(first_bad->input) : NULL);
        json_object_object_add(o, "checks", list);
        if (ret_json) {
            *ret_json = o;
            return first_bad ? CCMCTL_EXIT_FAILURE : CCMCTL_EXIT_OK;
        }
        text = ccmctl_json_text("ccm-verify-manifest/1", o);
    } else {
        g_autoptr(GString) s = g_string_new(NULL);
        for (guint i = 0; i < checks->len; i++) {
            const CcmBootCheck *c = checks->pdata[i];
            g_string_append_printf(s, "%-4s %-18s %s\n", c->ok ? "ok" : "DIFF", c->input,
                                   c->detail);
        }
        text = g_string_free(g_steal_pointer(&s), FALSE);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("verify", error);
    if (first_bad) {
        fprintf(stderr, "ccmctl verify: %s: the first input that differs: %s: %s\n",
                manifest_path, first_bad->input, first_bad->detail);
        return CCMCTL_EXIT_FAILURE;
    }
    return CCMCTL_EXIT_OK;
}

int ccmctl_verify_manifest(int argc, char **argv)
{
    g_autofree char *manifest = NULL;
    gboolean json = FALSE, no_acpi = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest,
          "What the boot consumed (ccm-qemu-plugin manifest=)", "FILE" },
        { "no-acpi", 0, 0, G_OPTION_ARG_NONE, &no_acpi,
          "Do not compare QEMU's ACPI files (no QEMU here to dump them)", NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --manifest (a boot manifest against a guest spec)",
                            entries, NULL))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl verify");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "--manifest FILE GUEST.guest - what a boot consumed against the spec's inputs");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context,
                                     "Exit status: 0 every input matches, 1 one differs (the "
                                     "first is named) or a file cannot be read, 2 usage "
                                     "error. See ccmctl-verify(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("verify", error);
    if (!manifest || argc != 2) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "expected --manifest FILE and one GUEST.guest");
        return ccmctl_fail("verify", error);
    }
    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(argv[1], &error);
    if (!spec)
        return ccmctl_fail("verify", error);
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, &error);
    if (!plan)
        return ccmctl_fail("verify", error);
    return ccmctl_manifest_report(plan, manifest, !no_acpi, json, NULL);
}
