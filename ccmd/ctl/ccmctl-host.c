/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-host.c - `ccmctl host show|ok|export`: this host's TEE state, its readiness
 * checks, and the SEV-SNP certificates it holds
 *
 * Everything is read through the host probe (launch/host-probe.h), the one `ccmctl
 * host-check` uses too. The hidden --root, or CCM_HOST_ROOT, points it at another tree,
 * which may be a recorded host (a testing aid: see RECORDED HOSTS in ccmctl-host(1)).
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccmctl.h"
#include "host-export.h"
#include "host-ok.h"
#include "host-view.h"

typedef struct HostArgs {
    gboolean json;
    char *root;
    char *platform;
} HostArgs;

static void host_args_clear(HostArgs *a)
{
    g_free(a->root);
    g_free(a->platform);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HostArgs, host_args_clear)

static int usage_error(const char *command, const char *message)
{
    g_autoptr(GError) error = g_error_new_literal(G_OPTION_ERROR, G_OPTION_ERROR_FAILED, message);
    return ccmctl_fail(command, error);
}

/* Parses the options every subcommand shares (and --platform for ok); leaves the
 * operands in @argv. */
static gboolean parse(const char *sub, const char *summary, bool with_platform, int *argc,
                      char ***argv, HostArgs *a, GError **error)
{
    GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &a->json, "Print JSON", NULL },
        { "root", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &a->root,
          "Read the host below this folder, or the recorded host there (tests)", "DIR" },
        { "platform", 0, 0, G_OPTION_ARG_STRING, &a->platform,
          "Check this platform (default: the CPU vendor's)", "sev|tdx|cca" },
        { NULL },
    };
    if (!with_platform)
        entries[2] = (GOptionEntry) { NULL };

    g_autofree char *prgname = g_strdup_printf("ccmctl host %s", sub);
    g_set_prgname(prgname);
    g_autoptr(GOptionContext) context = g_option_context_new(summary);
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "See ccmctl-host(1).\n");
    if (!g_option_context_parse(context, argc, argv, error))
        return FALSE;
    if (!a->root) {
        const char *env = g_getenv("CCM_HOST_ROOT");
        a->root = env && env[0] ? g_strdup(env) : NULL;
    }
    return TRUE;
}

static int write_text(const char *command, char *owned_text)
{
    g_autofree char *text = owned_text;
    g_autoptr(GError) error = NULL;
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail(command, error);
    return CCMCTL_EXIT_OK;
}

static int show(int argc, char **argv)
{
    g_auto(HostArgs) a = { 0 };
    g_autoptr(GError) error = NULL;

    if (!parse("show", "- this host's TEE state", false, &argc, &argv, &a, &error))
        return ccmctl_fail("host show", error);
    if (argc > 1)
        return usage_error("host show", "unexpected argument");
    g_autoptr(CcmHostProbe) probe = ccm_host_probe_new(a.root);
    g_autoptr(CcmHostView) view = ccm_host_view_read(probe, &error);
    if (!view)
        return ccmctl_fail("host show", error);
    return write_text("host show", a.json ? ccmctl_json_text(NULL, ccm_host_view_to_json(view))
                                          : ccm_host_view_to_text(view));
}

static int ok(int argc, char **argv)
{
    g_auto(HostArgs) a = { 0 };
    g_autoptr(GError) error = NULL;

    if (!parse("ok", "- check that this host's TEE can run guests", true, &argc, &argv, &a,
               &error))
        return ccmctl_fail("host ok", error);
    if (argc > 1)
        return usage_error("host ok", "unexpected argument");
    unsigned platforms = 0;
    if (g_strcmp0(a.platform, "sev") == 0)
        platforms = CCM_HOST_OK_SEV;
    else if (g_strcmp0(a.platform, "tdx") == 0)
        platforms = CCM_HOST_OK_TDX;
    else if (g_strcmp0(a.platform, "cca") == 0)
        platforms = CCM_HOST_OK_CCA;
    else if (a.platform)
        return usage_error("host ok", "--platform: expected sev, tdx or cca");

    g_autoptr(CcmHostProbe) probe = ccm_host_probe_new(a.root);
    g_autoptr(CcmHostView) view = ccm_host_view_read(probe, &error);
    if (!view)
        return ccmctl_fail("host ok", error);
    if (!platforms)
        platforms = ccm_host_ok_default_platforms(view);
    g_autoptr(CcmHostOk) result = ccm_host_ok_run(probe, view, platforms);

    char *text;
    if (a.json) {
        text = ccmctl_json_text(NULL, ccm_host_ok_to_json(result));
    } else {
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < result->rows->len; i++) {
            const CcmHostOkRow *r = result->rows->pdata[i];
            g_autofree char *status = g_ascii_strup(ccm_check_status_to_string(r->status), -1);
            g_string_append_printf(s, "%-4s %-26s %s%s\n", status, r->title, r->reason,
                                   r->required ? "" : " (not required)");
        }
        g_string_append_printf(s, "\n%s\n", result->ok ? "ok: every required check passed"
                                                       : "not ok: a required check failed");
        text = g_string_free(s, FALSE);
    }
    int status = write_text("host ok", text);
    if (status != CCMCTL_EXIT_OK)
        return status;
    return result->ok ? CCMCTL_EXIT_OK : CCMCTL_EXIT_FAILURE;
}

static int export(int argc, char **argv)
{
    g_auto(HostArgs) a = { 0 };
    g_autoptr(GError) error = NULL;

    if (!parse("export", "DIR - write the SEV-SNP certificates this host holds", false, &argc,
               &argv, &a, &error))
        return ccmctl_fail("host export", error);
    if (argc != 2)
        return usage_error("host export", "expected one folder (DIR)");
    g_autoptr(CcmHostProbe) probe = ccm_host_probe_new(a.root);
    g_autoptr(CcmHostView) view = ccm_host_view_read(probe, &error);
    if (!view)
        return ccmctl_fail("host export", error);
    g_autoptr(GPtrArray) written = NULL;
    g_autofree char *note = NULL;
    if (!ccm_host_export(probe, view->sev, argv[1], &written, &note, &error))
        return ccmctl_fail("host export", error);
    if (note)
        fprintf(stderr, "ccmctl host export: note: %s\n", note);

    if (a.json) {
        json_object *o = json_object_new_object();
        json_object *files = json_object_new_array();
        for (guint i = 0; i < written->len; i++)
            json_object_array_add(files, json_object_new_string(written->pdata[i]));
        json_object_object_add(o, "files", files);
        return write_text("host export", ccmctl_json_text("ccm-host-export/1", o));
    }
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < written->len; i++)
        g_string_append_printf(s, "%s\n", (const char *) written->pdata[i]);
    return write_text("host export", g_string_free(s, FALSE));
}

int ccmctl_host(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return show(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "ok") == 0)
        return ok(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "export") == 0)
        return export(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("Usage: ccmctl host show [--json]\n"
               "       ccmctl host ok [--platform sev|tdx|cca] [--json]\n"
               "       ccmctl host export DIR [--json]\n\n"
               "This host's TEE state (AMD SEV/SEV-ES/SEV-SNP, Intel TDX, Arm CCA), its "
               "readiness checks, and the SEV-SNP certificates it holds. Exit status: 0 "
               "shown, checks passed, certificates written; 1 a required check failed, no "
               "certificates held, or the host cannot be read; 2 usage error. See "
               "ccmctl-host(1).\n");
        return CCMCTL_EXIT_OK;
    }
    if (argc >= 2) {
        g_autofree char *message = g_strdup_printf(
            "%s '%s': expected 'show', 'ok' or 'export DIR' (see --help)",
            argv[1][0] == '-' ? "unknown option" : "unknown subcommand", argv[1]);
        return usage_error("host", message);
    }
    return usage_error("host", "expected 'show', 'ok' or 'export DIR' (see --help)");
}
