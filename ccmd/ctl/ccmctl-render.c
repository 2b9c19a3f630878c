/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-render.c - `ccmctl render GUEST.guest --qemu|--libvirt`: what a spec launches
 *
 * The QEMU command line is checked against the capabilities of the QEMU that will run
 * it: probed from the binary (cached), or read from a recorded probe with --caps. The
 * libvirt XML is checked against the libvirt that will read it: --libvirt-version, the
 * daemon at --connect, or else the libvirt library installed here (none: not checked).
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccmctl.h"
#include "expectation.h"
#include "launch-plan.h"
#include "libvirt-connection.h"
#include "libvirt-xml.h"
#include "qemu-argv.h"
#include "qemu-probe.h"

static char *shell_line(GPtrArray *argv)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < argv->len && argv->pdata[i]; i++) {
        const char *a = argv->pdata[i];
        bool plain = a[0] != '\0';
        for (const char *p = a; *p && plain; p++)
            plain = g_ascii_isalnum(*p) || strchr("-_=,./:+@%", *p);
        g_autofree char *quoted = plain ? g_strdup(a) : g_shell_quote(a);
        g_string_append_printf(s, "%s%s", i ? " " : "", quoted);
    }
    g_string_append_c(s, '\n');
    return g_string_free(s, FALSE);
}

static CcmQemuCaps *load_caps(const char *caps_file, const CcmLaunchPlan *plan, GError **error)
{
    if (caps_file) {
        g_autoptr(CcmQmpTranscript) t = ccm_qmp_transcript_load(caps_file, error);
        return t ? ccm_qemu_caps_from_transcript(t, error) : NULL;
    }
    return ccm_qemu_probe(plan->qemu_binary, NULL, error);
}

/* Which libvirt the XML is for: TRUE with @ret_have set, or with *@ret_whose NULL when
 * there is none to check against (no option, and libvirt not installed here). */
static gboolean target_libvirt(const char *version, const char *uri, CcmLibvirtVersion *ret_have,
                               char **ret_whose, GError **error)
{
    *ret_whose = NULL;
    if (version && uri) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--libvirt-version and --connect are alternatives");
        return FALSE;
    }
    if (version) {
        if (!ccm_libvirt_version_parse(version, ret_have, error)) {
            g_prefix_error(error, "--libvirt-version: ");
            return FALSE;
        }
        *ret_whose = g_strdup("--libvirt-version");
        return TRUE;
    }
    if (uri) {
        g_autoptr(CcmLibvirt) lv = ccm_libvirt_connect(uri, TRUE, error);
        if (!lv)
            return FALSE;
        *ret_have = ccm_libvirt_daemon_version(lv);
        *ret_whose = g_strdup_printf("the libvirt at %s", ccm_libvirt_uri(lv));
        return TRUE;
    }
    if (ccm_libvirt_library_version(ret_have, NULL))
        *ret_whose = g_strdup("the libvirt installed here; --libvirt-version X.Y.Z names the one that will read it");
    return TRUE;
}

int ccmctl_render(int argc, char **argv)
{
    gboolean qemu = FALSE, libvirt = FALSE, json = FALSE, paused = FALSE, explain = FALSE;
    g_autofree char *caps_file = NULL, *qmp_socket = NULL, *nvram = NULL;
    g_autofree char *libvirt_version = NULL, *uri = NULL, *host_id = NULL;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "qemu", 0, 0, G_OPTION_ARG_NONE, &qemu, "Print the QEMU command line", NULL },
        { "libvirt", 0, 0, G_OPTION_ARG_NONE, &libvirt, "Print the libvirt domain XML", NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json,
          "With --qemu: print JSON (\"argv\": the arguments)", NULL },
        { "caps", 0, 0, G_OPTION_ARG_FILENAME, &caps_file,
          "Use this recorded QEMU probe instead of running QEMU", "FILE.replies" },
        { "paused", 0, 0, G_OPTION_ARG_NONE, &paused, "Start with the vCPUs stopped (-S)", NULL },
        { "qmp-socket", 0, 0, G_OPTION_ARG_FILENAME, &qmp_socket,
          "Add a QMP monitor listening on this unix socket", "PATH" },
        { "nvram", 0, 0, G_OPTION_ARG_FILENAME, &nvram,
          "Variable store for pflash firmware", "PATH" },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
          "Explain the decisions (firmware, QEMU) on stderr", NULL },
        { "libvirt-version", 0, 0, G_OPTION_ARG_STRING, &libvirt_version,
          "With --libvirt: the libvirt release that will read the XML", "X.Y.Z" },
        { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
          "With --libvirt: ask the libvirt daemon at this URI for its release", "URI" },
        { "host-id", 0, 0, G_OPTION_ARG_STRING, &host_id,
          "With --libvirt: derive the guest's identity from this host id (as ccmctl define)",
          "ID" },
        { NULL },
    };

    g_set_prgname("ccmctl render");
    g_autoptr(GOptionContext) context =
        g_option_context_new("GUEST.guest - the QEMU command line or libvirt XML of a guest");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 the spec or this "
                                              "QEMU cannot launch the guest, 2 usage error. "
                                              "See ccmctl-render(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("render", error);
    if (argc != 2 || qemu == libvirt) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            argc != 2 ? "expected one GUEST.guest file"
                                      : "expected exactly one of --qemu and --libvirt");
        return ccmctl_fail("render", error);
    }
    if (json && !qemu) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--json applies to --qemu (the libvirt output is XML)");
        return ccmctl_fail("render", error);
    }
    if (qemu && (libvirt_version || uri || host_id)) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--libvirt-version, --connect and --host-id apply to --libvirt");
        return ccmctl_fail("render", error);
    }

    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(argv[1], &error);
    if (!spec)
        return ccmctl_fail("render", error);
    g_autoptr(CcmLaunchPlan) plan = NULL;
    g_autofree char *text = NULL;
    if (libvirt) {
        CcmLibvirtVersion have;
        g_autofree char *whose = NULL;
        if (!target_libvirt(libvirt_version, uri, &have, &whose, &error))
            return ccmctl_fail("render", error);
        text = ccmctl_libvirt_xml(g_steal_pointer(&spec), host_id, whose ? &have : NULL, whose,
                                  NULL, &plan, &error);
        if (!text)
            return ccmctl_fail("render", error);
        if (explain) {
            g_autofree char *have_s = whose ? ccm_libvirt_version_to_string(have) : NULL;
            fprintf(stderr, "guest      %s (%s)\nfirmware   %s\n           %s\nlibvirt    %s%s%s%s\n",
                    plan->spec->name, ccm_guest_platform_to_string(plan->spec->platform),
                    plan->firmware->path ? plan->firmware->path : "(none)",
                    plan->firmware->reason, whose ? have_s : "not checked (no libvirt here; "
                                                             "give --libvirt-version)",
                    whose ? " (" : "", whose ? whose : "", whose ? ")" : "");
        }
    } else {
        plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, &error);
        /* What measure would refuse is not rendered either (as for --libvirt). */
        if (!plan || !ccm_expectation_check_plan(plan, &error))
            return ccmctl_fail("render", error);
    }

    if (qemu) {
        g_autoptr(CcmQemuCaps) caps = load_caps(caps_file, plan, &error);
        if (!caps)
            return ccmctl_fail("render", error);
        if (explain) {
            g_autofree char *version = ccm_qemu_caps_version_string(caps);
            fprintf(stderr, "guest      %s (%s)\nfirmware   %s\n           %s\nQEMU       %s "
                            "%s (capabilities from %s)\n",
                    plan->spec->name, ccm_guest_platform_to_string(plan->spec->platform),
                    plan->firmware->path ? plan->firmware->path : "(none)",
                    plan->firmware->reason, plan->qemu_binary, version,
                    caps->source);
        }
        CcmQemuArgvOptions options = CCM_QEMU_ARGV_OPTIONS_INIT;
        options.paused = paused;
        options.qmp_socket = qmp_socket;
        options.nvram = nvram;
        g_autoptr(GPtrArray) args = ccm_qemu_argv_render(plan, caps, &options, &error);
        if (!args)
            return ccmctl_fail("render", error);
        if (json) {
            json_object *o = json_object_new_object(), *a = json_object_new_array();
            for (guint i = 0; i < args->len && args->pdata[i]; i++)
                json_object_array_add(a, json_object_new_string(args->pdata[i]));
            json_object_object_add(o, "argv", a);
            text = ccmctl_json_text("ccm-render/1", o);
        } else {
            text = shell_line(args);
        }
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("render", error);
    return CCMCTL_EXIT_OK;
}
