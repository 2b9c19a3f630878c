/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-host-check.c - `ccmctl host-check`: which confidential guests this host can run
 *
 * Reads the host's KVM, CPU flags, kernel module parameters and firmware descriptors,
 * asks the QEMU binary for its --version, then probes it over QMP (cached, like ccmctl
 * render) for its confidential-guest objects: what ccmd's own launches need. When a
 * libvirt daemon answers, its domain capabilities say what `virsh start` could launch.
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccmctl.h"
#include "host-check.h"
#include "libvirt-connection.h"
#include "qemu-probe.h"

#define DEFAULT_URI "qemu:///system"

/* libvirt's verdict, when a daemon answers at @uri: KVM's domain capabilities, or TCG's
 * when it has no KVM. */
static void consult_libvirt(CcmHostCheck *check, const char *uri)
{
    g_autoptr(GError) error = NULL;
    /* Domain capabilities need a read-write connection (libvirt refuses them read-only). */
    g_autoptr(CcmLibvirt) lv = ccm_libvirt_connect(uri, FALSE, &error);
    if (!lv) {
        ccm_host_check_libvirt_not_consulted(check, error->message);
        return;
    }
    const char *virttype = "kvm";
    g_autofree char *caps =
        ccm_libvirt_domain_capabilities(lv, NULL, NULL, NULL, virttype, &error);
    if (!caps) {
        g_clear_error(&error);
        virttype = "qemu";
        caps = ccm_libvirt_domain_capabilities(lv, NULL, NULL, NULL, virttype, &error);
    }
    if (!caps || !ccm_host_check_add_libvirt(check, ccm_libvirt_uri(lv),
                                             ccm_libvirt_daemon_version(lv), caps, virttype,
                                             &error))
        ccm_host_check_libvirt_not_consulted(check, error->message);
}

int ccmctl_host_check(int argc, char **argv)
{
    gboolean json = FALSE, no_libvirt = FALSE;
    g_autofree char *platform = NULL, *qemu = NULL, *root = NULL, *uri = NULL;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform,
          "Exit 0 only if this platform can run here", "PLATFORM" },
        { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu,
          "QEMU binary to check (default qemu-system-x86_64)", "PATH" },
        { "connect", 0, 0, G_OPTION_ARG_STRING, &uri,
          "Ask the libvirt daemon at this URI (default " DEFAULT_URI ")", "URI" },
        { "no-libvirt", 0, 0, G_OPTION_ARG_NONE, &no_libvirt,
          "Do not ask libvirt what it can launch", NULL },
        { "root", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &root,
          "Read /dev, /sys, /proc, /usr and /etc below this folder (tests)", "DIR" },
        { NULL },
    };

    g_set_prgname("ccmctl host-check");
    g_autoptr(GOptionContext) context = g_option_context_new("- what this host can run");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context,
                                     "Exit status: 0 the check ran (with --platform: that "
                                     "platform can run here), 1 it cannot, 2 usage error. See "
                                     "ccmctl-host-check(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("host-check", error);
    if (argc > 1) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument '%s'",
                    argv[1]);
        return ccmctl_fail("host-check", error);
    }
    int wanted = -1;
    for (int p = 0; platform && p < _CCM_GUEST_PLATFORM_MAX; p++)
        if (strcmp(platform, ccm_guest_platform_to_string((CcmGuestPlatform) p)) == 0)
            wanted = p;
    if (platform && wanted < 0) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--platform: unknown platform '%s'; expected sev, sev-es, sev-snp, tdx, cca "
                    "or none",
                    platform);
        return ccmctl_fail("host-check", error);
    }

    CcmHostCheckOptions options = {
        .root = root,
        .qemu = qemu,
    };
    g_autoptr(CcmHostCheck) check = ccm_host_check_run(&options);
    if (check->qemu_path) {
        g_autoptr(GError) probe_error = NULL;
        g_autoptr(CcmQemuCaps) caps = ccm_qemu_probe(check->qemu_path, NULL, &probe_error);
        ccm_host_check_add_qemu_caps(check, caps, probe_error ? probe_error->message : NULL);
    }
    if (no_libvirt)
        ccm_host_check_libvirt_not_consulted(check, "--no-libvirt");
    else if (root && !uri)
        ccm_host_check_libvirt_not_consulted(check, "--root reads another tree (--connect "
                                                    "asks a daemon anyway)");
    else
        consult_libvirt(check, uri ? uri : DEFAULT_URI);

    g_autofree char *text = NULL;
    if (json) {
        text = ccmctl_json_text(NULL, ccm_host_check_to_json(check));
    } else {
        g_autoptr(GString) s = g_string_new(NULL);
        for (guint i = 0; i < check->items->len; i++) {
            const CcmCheckItem *item = check->items->pdata[i];
            g_string_append_printf(s, "%-5s %-22s %s\n",
                                   ccm_check_status_to_string(item->status), item->title,
                                   item->reason);
        }
        g_string_append(s, "\n");
        for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++)
            g_string_append_printf(s, "%-8s %s%s%s\n",
                                   ccm_guest_platform_to_string((CcmGuestPlatform) p),
                                   check->can_run[p]        ? "can run here"
                                   : !check->applicable[p] ? "not applicable here"
                                                           : "cannot run here",
                                   check->why_not[p] ? ": " : "",
                                   check->why_not[p] ? check->why_not[p] : "");
        const CcmHostCheckLibvirt *l = &check->libvirt;
        if (l->source) {
            g_string_append_printf(s, "\nwith virsh (%s):\n", l->source);
            for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++)
                g_string_append_printf(s, "%-8s %s%s%s\n",
                                       ccm_guest_platform_to_string((CcmGuestPlatform) p),
                                       l->can_launch[p] ? "libvirt can launch it"
                                                        : "libvirt cannot launch it",
                                       l->why_not[p] ? ": " : "",
                                       l->why_not[p] ? l->why_not[p] : "");
        } else {
            g_string_append_printf(s, "\nwith virsh: libvirt not consulted (%s)\n",
                                   l->not_consulted);
        }
        text = g_string_free(g_steal_pointer(&s), FALSE);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("host-check", error);
    if (wanted >= 0 && !check->can_run[wanted])
        return CCMCTL_EXIT_FAILURE;
    return CCMCTL_EXIT_OK;
}
