/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-define.c - `ccmctl define GUEST.guest`: define in libvirt the domain that
 * `ccmctl render --libvirt` describes
 *
 * Checked first against the connected libvirt's release, so an operator reads which
 * release a SEV-SNP or TDX guest needs instead of a schema error. `virsh start` then
 * launches it, and ccm's libvirt hook measures and registers it (ccmd(8), "LIBVIRT").
 */
#include <stdio.h>

#include <json-c/json.h>

#include "ccmctl.h"
#include "expectation.h"
#include "launch-plan.h"
#include "libvirt-connection.h"

int ccmctl_define(int argc, char **argv)
{
    gboolean json = FALSE;
    g_autofree char *uri = NULL, *host_id = NULL;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
          "libvirt URI (default: libvirt's own, e.g. qemu:///system for root)", "URI" },
        { "host-id", 0, 0, G_OPTION_ARG_STRING, &host_id,
          "Derive the guest's identity from this host id, as ccmd's HostId= (default: "
          "/etc/machine-id)", "ID" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };

    g_set_prgname("ccmctl define");
    g_autoptr(GOptionContext) context =
        g_option_context_new("GUEST.guest - define the guest's domain in libvirt");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 defined, 1 the spec, libvirt "
                                              "or its release cannot define it, 2 usage "
                                              "error. See ccmctl-define(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("define", error);
    if (argc < 2)
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "expected one GUEST.guest file");
    else if (argc > 2)
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument '%s'",
                    argv[2]);
    if (error)
        return ccmctl_fail("define", error);

    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(argv[1], &error);
    if (!spec)
        return ccmctl_fail("define", error);
    g_autoptr(CcmLibvirt) lv = ccm_libvirt_connect(uri, FALSE, &error);
    if (!lv)
        return ccmctl_fail("define", error);
    CcmLibvirtVersion have = ccm_libvirt_daemon_version(lv);
    g_autofree char *whose = g_strdup_printf("the libvirt at %s", ccm_libvirt_uri(lv));
    /* A domain of that name is redefined: libvirt wants its UUID in the XML. */
    g_autofree char *old_uuid = NULL;
    if (!ccm_libvirt_domain_uuid(lv, spec->name, &old_uuid, &error))
        return ccmctl_fail("define", error);
    g_autoptr(CcmLaunchPlan) plan = NULL;
    g_autofree char *xml = ccmctl_libvirt_xml(g_steal_pointer(&spec), host_id, &have, whose,
                                              old_uuid, &plan, &error);
    if (!xml)
        return ccmctl_fail("define", error);
    g_autofree char *uuid = ccm_libvirt_define(lv, xml, &error);
    if (!uuid) {
        g_prefix_error(&error, "%s: ", argv[1]);
        return ccmctl_fail("define", error);
    }

    const CcmGuestSpec *s = plan->spec;
    CcmGuestPlatform measured = ccm_guest_spec_measured_platform(s);
    g_autofree char *identity = ccm_expectation_identity_hex(s);
    g_autofree char *version = ccm_libvirt_version_to_string(have);
    g_autofree char *text = NULL;
    if (json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(s->name));
        json_object_object_add(o, "uuid", json_object_new_string(uuid));
        json_object_object_add(o, "redefined", json_object_new_boolean(old_uuid != NULL));
        json_object_object_add(o, "uri", json_object_new_string(ccm_libvirt_uri(lv)));
        json_object_object_add(o, "libvirt_version", json_object_new_string(version));
        json_object_object_add(o, "platform",
                               json_object_new_string(ccm_guest_platform_to_string(s->platform)));
        json_object_object_add(o, "measured_as",
                               json_object_new_string(ccm_guest_platform_to_string(measured)));
        json_object_object_add(o, "identity", identity ? json_object_new_string(identity) : NULL);
        text = ccmctl_json_text("ccm-define/1", o);
    } else {
        g_autofree char *identity_line =
            identity ? g_strdup_printf("\nidentity   %s (%s)", identity,
                                       ccm_expectation_identity_name(measured))
                     : g_strdup("");
        text = g_strdup_printf("%-10s %s (%s)\nlibvirt    %s at %s\nmeasured   as %s%s%s\n",
                               old_uuid ? "redefined" : "defined", s->name, uuid, version, ccm_libvirt_uri(lv),
                               ccm_guest_platform_to_string(measured),
                               s->platform == CCM_GUEST_PLATFORM_NONE &&
                                       measured != CCM_GUEST_PLATFORM_NONE
                                   ? " (a rehearsal under TCG)"
                                   : "",
                               identity_line);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("define", error);
    return CCMCTL_EXIT_OK;
}
