/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-libvirt-xml.c - domain XML between ccmctl and libvirt: the XML `ccmctl render
 * --libvirt` prints and `ccmctl define` defines (one function, so both always describe
 * the same domain), and the spec `ccmctl measure --domain` reads from a defined domain
 *
 * The XML carries the guest's identity (SEV-SNP <hostData>, TDX <mrConfigId>, or for a
 * rehearsal <ccm:identity>), derived from the host's id and the guest's name exactly as
 * ccmd derives it for its own guests, unless the spec sets one: the broker scopes the
 * guest's values by it, and ccm's libvirt hook refuses a confidential launch without it.
 * It is checked against the libvirt that will read it: a release whose schema lacks the
 * guest's <launchSecurity> would refuse it with a schema error.
 */
#include <string.h>

#include "ccmctl.h"
#include "expectation.h"
#include "guest-identity.h"
#include "libvirt-connection.h"
#include "libvirt-version.h"
#include "libvirt-xml.h"

char *ccmctl_libvirt_xml(CcmGuestSpec *owned_spec, const char *host_id,
                         const CcmLibvirtVersion *libvirt, const char *whose, const char *uuid,
                         CcmLaunchPlan **ret_plan, GError **error)
{
    g_autoptr(CcmGuestSpec) spec = owned_spec;
    g_autofree char *own_host_id = host_id ? g_strdup(host_id) : ccm_host_id_default();

    if (libvirt && !ccm_libvirt_check_version(spec, *libvirt, whose, error))
        return NULL;
    ccm_expectation_apply_identity(spec, own_host_id);
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, error);
    /* A domain whose launch measurement cannot be predicted is not written: the same
     * checks as `ccmctl measure`. */
    if (!plan || !ccm_expectation_check_plan(plan, error))
        return NULL;
    char *xml = ccm_libvirt_xml_write_uuid(plan, uuid, error);
    if (xml && ret_plan)
        *ret_plan = g_steal_pointer(&plan);
    return xml;
}

CcmGuestSpec *ccmctl_domain_spec(const char *uri, const char *name, GError **error)
{
    g_autoptr(CcmLibvirt) lv = ccm_libvirt_connect(uri, TRUE, error);
    if (!lv)
        return NULL;
    /* The persistent definition: what the domain's next start launches (and what the
     * hook sees then). */
    g_autofree char *xml = ccm_libvirt_domain_xml(lv, name, TRUE, error);
    if (!xml)
        return NULL;
    g_autofree char *source =
        g_strdup_printf("libvirt domain '%s' at %s", name, ccm_libvirt_uri(lv));
    return ccm_libvirt_xml_read(xml, strlen(xml), source, error);
}
