/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt-xml.h - libvirt domain XML from a launch plan, and a guest spec from domain XML */
#pragma once

#include <glib.h>

#include "guest-spec.h"
#include "launch-plan.h"

/* The namespace of ccm's element in a domain's <metadata>: <ccm:guest> marks a domain
 * whose launches ccm's libvirt hook measures and registers; for a rehearsal (a TCG guest
 * measured as the platform it rehearses) it holds <ccm:rehearses> and <ccm:identity>. */
#define CCM_LIBVIRT_NAMESPACE "urn:ccm:domain:1"

/* Larger than any domain XML ccm has reason to read. */
#define CCM_LIBVIRT_XML_MAX_SIZE (4u << 20)

/**
 * ccm_libvirt_xml_write() - the domain XML that makes libvirt launch @plan's guest
 *
 * Describes the same VM as ccm_qemu_argv_render(): vCPUs, CPU model, memory, firmware,
 * kernel boot, disks, network, serial log and <launchSecurity> for sev, sev-snp and
 * tdx. Fails with CCM_LAUNCH_ERROR_UNSUPPORTED for what libvirt cannot express.
 */
char *ccm_libvirt_xml_write(const CcmLaunchPlan *plan, GError **error);

/* The same, with the domain's <uuid> (to redefine a domain libvirt knows: it refuses a
 * second domain of the same name with another UUID); NULL: none, libvirt makes one. */
char *ccm_libvirt_xml_write_uuid(const CcmLaunchPlan *plan, const char *uuid, GError **error);

/**
 * ccm_libvirt_xml_read() - a guest spec from a domain XML (as the libvirt hook gets it)
 * @source: names the XML in messages, e.g. "web1.xml" or "libvirt domain 'web1'"
 *
 * Reads what decides the launch measurement and the confidential configuration; the
 * result goes through the same checks as a spec file. What could change either but has
 * no spec key (QEMU pass-through, vCPU hotplug, a TDX guest with the PMU on, ...) is
 * refused; libvirt-xml-read.c lists what is ignored. At most CCM_LIBVIRT_XML_MAX_SIZE
 * bytes; no network, no DOCTYPE, no entities. Errors are CCM_LAUNCH_ERROR_INPUT or, from
 * the spec's own checks, CCM_KEYFILE_ERROR_KEY, and name the element and its line.
 */
CcmGuestSpec *ccm_libvirt_xml_read(const char *xml, size_t size, const char *source,
                                   GError **error);
