/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-xml-write.c - libvirt domain XML from a launch plan
 *
 * Theory of operation: the XML describes the VM the QEMU renderer launches, in
 * libvirt's terms: a -bios image is <loader type='rom'>, a pflash pair is <loader
 * type='pflash'> with <nvram template=>, confidential objects are <launchSecurity>,
 * and virtio devices of confidential guests get <driver iommu='on'/>. What libvirt has
 * no element for (a TDX quote service over vsock, TDX attribute bits other than 0 and
 * 28, Arm CCA) is refused rather than silently dropped.
 */
#include <string.h>

#include "ccm-autocleanups.h"
#include "libvirt-xml.h"
#include "libxml-symbols.h"
#include "plan-id-block.h"
#include "qemu-probe.h"

static xmlNodePtr child(xmlNodePtr parent, const char *name, const char *text)
{
    return sym_xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
}

static xmlNodePtr childf(xmlNodePtr parent, const char *name, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
static xmlNodePtr childf(xmlNodePtr parent, const char *name, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *text = g_strdup_vprintf(format, ap);
    va_end(ap);
    return child(parent, name, text);
}

static void attr(xmlNodePtr node, const char *name, const char *value)
{
    sym_xmlNewProp(node, BAD_CAST name, BAD_CAST value);
}

static void b64_child(xmlNodePtr parent, const char *name, GBytes *bytes)
{
    if (!bytes)
        return;
    gsize n;
    const guchar *data = g_bytes_get_data(bytes, &n);
    g_autofree char *text = g_base64_encode(data, n);
    child(parent, name, text);
}

static gboolean refuse(GError **error, const CcmLaunchPlan *plan, const char *what)
{
    g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED, "%s: %s",
                plan->spec->path, what);
    return FALSE;
}

static void sev_elements(xmlNodePtr ls, const CcmGuestSpec *spec, const char *section,
                         uint32_t cbitpos, uint32_t reduced)
{
    if (ccm_guest_spec_given(spec, section, "CBitPos", NULL))
        childf(ls, "cbitpos", "%u", cbitpos);
    if (ccm_guest_spec_given(spec, section, "ReducedPhysBits", NULL))
        childf(ls, "reducedPhysBits", "%u", reduced);
}

/* The <launchSecurity> of @platform, as @name in @ns below @parent: libvirt's own element
 * below <domain>, or ccm's <ccm:rehearses> for a rehearsal. */
static gboolean launch_security_in(const CcmLaunchPlan *plan, CcmGuestPlatform platform,
                                   xmlNodePtr parent, xmlNsPtr ns, const char *name,
                                   GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    xmlNodePtr ls;

    switch (platform) {
    case CCM_GUEST_PLATFORM_NONE:
        return TRUE;
    case CCM_GUEST_PLATFORM_SEV:
    case CCM_GUEST_PLATFORM_SEV_ES:
        if (spec->sev.legacy_vm_type != CCM_AUTO)
            return refuse(error, plan, "[SEV] LegacyVMType=: libvirt has no setting for "
                                       "QEMU's legacy-vm-type; remove it to use libvirt");
        ls = sym_xmlNewChild(parent, ns, BAD_CAST name, NULL);
        attr(ls, "type", "sev");
        if (spec->sev.kernel_hashes)
            attr(ls, "kernelHashes", "yes");
        sev_elements(ls, spec, "SEV", spec->sev.cbitpos, spec->sev.reduced_phys_bits);
        childf(ls, "policy", "0x%04x", spec->sev.policy);
        return TRUE;
    case CCM_GUEST_PLATFORM_SEV_SNP: {
        g_autoptr(CcmPlanIdBlock) id = NULL;
        if (!ccm_plan_id_block(plan, &id, error))
            return FALSE;
        ls = sym_xmlNewChild(parent, ns, BAD_CAST name, NULL);
        attr(ls, "type", "sev-snp");
        if (spec->snp.kernel_hashes)
            attr(ls, "kernelHashes", "yes");
        if (id && id->author_key_enabled)
            attr(ls, "authorKey", "yes");
        if (!spec->snp.vcek)
            attr(ls, "vcek", "no");
        sev_elements(ls, spec, "SEV-SNP", spec->snp.cbitpos, spec->snp.reduced_phys_bits);
        childf(ls, "policy", "0x%08" G_GINT64_MODIFIER "x", spec->snp.policy);
        b64_child(ls, "guestVisibleWorkarounds", spec->snp.guest_visible_workarounds);
        if (id) {
            child(ls, "idBlock", id->id_block);
            child(ls, "idAuth", id->id_auth);
        }
        b64_child(ls, "hostData", spec->snp.host_data);
        if (spec->snp.guest_features != 0x1)
            return refuse(error, plan, "[SEV-SNP] GuestFeatures=: neither libvirt nor QEMU can "
                                       "request SEV_FEATURES other than 0x1");
        return TRUE;
    }
    case CCM_GUEST_PLATFORM_TDX: {
        const uint64_t libvirt_bits = UINT64_C(0x10000001);
        if (spec->tdx.attributes & ~libvirt_bits)
            return refuse(error, plan, "[TDX] Attributes=: libvirt accepts only bits 0 (debug) "
                                       "and 28 (SEPT_VE_DISABLE)");
        const char *qgs = spec->tdx.quote_generation_socket;
        if (qgs && g_str_has_prefix(qgs, "vsock:"))
            return refuse(error, plan, "[TDX] QuoteGenerationSocket=: libvirt reaches the "
                                       "quote service over a unix socket only");
        ls = sym_xmlNewChild(parent, ns, BAD_CAST name, NULL);
        attr(ls, "type", "tdx");
        childf(ls, "policy", "0x%" G_GINT64_MODIFIER "x", spec->tdx.attributes);
        b64_child(ls, "mrConfigId", spec->tdx.mrconfigid);
        b64_child(ls, "mrOwner", spec->tdx.mrowner);
        b64_child(ls, "mrOwnerConfig", spec->tdx.mrownerconfig);
        if (qgs) {
            xmlNodePtr q = sym_xmlNewChild(ls, NULL, BAD_CAST "quoteGenerationService", NULL);
            attr(q, "path", qgs);
        }
        return TRUE;
    }
    case CCM_GUEST_PLATFORM_CCA:
    default:
        return refuse(error, plan, "libvirt has no Arm CCA launch security (type='cca' is not "
                                   "in libvirt 12.8)");
    }
}

static gboolean launch_security(const CcmLaunchPlan *plan, xmlNodePtr domain, GError **error)
{
    return launch_security_in(plan, plan->spec->platform, domain, NULL, "launchSecurity",
                              error);
}

/* A rehearsal (Platform=none with Rehearses=) carries what ccm's libvirt hook needs to
 * measure and register it as the rehearsed platform: <metadata><ccm:guest> holding
 * <ccm:rehearses>, with the attributes and children the rehearsed platform's
 * <launchSecurity> would have (its policy, kernelHashes=, the identity as <hostData> or
 * <mrConfigId>, ...), so the hook reads both with the same code. */
static gboolean metadata_element(const CcmLaunchPlan *plan, xmlNodePtr domain, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    if (spec->platform != CCM_GUEST_PLATFORM_NONE || spec->rehearses == CCM_GUEST_PLATFORM_NONE)
        return TRUE;
    xmlNodePtr metadata = sym_xmlNewChild(domain, NULL, BAD_CAST "metadata", NULL);
    xmlNodePtr guest = sym_xmlNewChild(metadata, NULL, BAD_CAST "guest", NULL);
    xmlNsPtr ns = sym_xmlNewNs(guest, BAD_CAST CCM_LIBVIRT_NAMESPACE, BAD_CAST "ccm");
    sym_xmlSetNs(guest, ns);
    return launch_security_in(plan, spec->rehearses, guest, ns, "rehearses", error);
}

static void os_element(const CcmLaunchPlan *plan, xmlNodePtr domain)
{
    const CcmGuestSpec *spec = plan->spec;
    xmlNodePtr os = sym_xmlNewChild(domain, NULL, BAD_CAST "os", NULL);
    xmlNodePtr type = child(os, "type", "hvm");
    attr(type, "arch", plan->architecture);
    attr(type, "machine", plan->machine);

    xmlNodePtr loader = child(os, "loader", plan->firmware->path);
    attr(loader, "readonly", "yes");
    attr(loader, "type", plan->firmware->flash ? "pflash" : "rom");
    if (plan->firmware->flash && plan->firmware->nvram_template) {
        xmlNodePtr nvram = sym_xmlNewChild(os, NULL, BAD_CAST "nvram", NULL);
        attr(nvram, "template", plan->firmware->nvram_template);
    }
    if (spec->kernel)
        child(os, "kernel", spec->kernel);
    if (spec->initrd)
        child(os, "initrd", spec->initrd);
    if (spec->cmdline)
        child(os, "cmdline", spec->cmdline);
}

static void cpu_element(const CcmLaunchPlan *plan, xmlNodePtr domain)
{
    const CcmGuestSpec *spec = plan->spec;
    xmlNodePtr cpu = sym_xmlNewChild(domain, NULL, BAD_CAST "cpu", NULL);
    const char *model = spec->cpu_model;

    if (!model || strcmp(model, "host") == 0) {
        bool tcg = strcmp(plan->accelerator, "tcg") == 0;
        attr(cpu, "mode", !model && tcg ? "maximum" : "host-passthrough");
        return;
    }
    if (strcmp(model, "max") == 0) {
        attr(cpu, "mode", "maximum");
        return;
    }
    attr(cpu, "mode", "custom");
    attr(cpu, "match", "exact");
    attr(cpu, "check", "none");
    xmlNodePtr m = child(cpu, "model", model);
    attr(m, "fallback", "forbid");
}

static void devices_element(const CcmLaunchPlan *plan, xmlNodePtr domain)
{
    const CcmGuestSpec *spec = plan->spec;
    bool confidential = spec->platform != CCM_GUEST_PLATFORM_NONE;
    xmlNodePtr devices = sym_xmlNewChild(domain, NULL, BAD_CAST "devices", NULL);

    /* libvirt wants an absolute path: the QEMU ccm probes for this plan (QEMU=, or the
     * name found on PATH), so the XML runs the binary `ccmctl render --qemu` checked and
     * the libvirt hook probes. Not installed here: Debian's /usr/bin (XML for another host). */
    g_autofree char *emulator = ccm_qemu_binary_resolve(plan->qemu_binary, NULL);
    if (!emulator)
        emulator = g_path_is_absolute(plan->qemu_binary)
                       ? g_strdup(plan->qemu_binary)
                       : g_build_filename("/usr/bin", plan->qemu_binary, NULL);
    child(devices, "emulator", emulator);
    for (guint i = 0; i < spec->disks->len; i++) {
        const CcmGuestDisk *d = spec->disks->pdata[i];
        xmlNodePtr disk = sym_xmlNewChild(devices, NULL, BAD_CAST "disk", NULL);
        attr(disk, "type", "file");
        attr(disk, "device", "disk");
        xmlNodePtr driver = sym_xmlNewChild(disk, NULL, BAD_CAST "driver", NULL);
        attr(driver, "name", "qemu");
        attr(driver, "type", d->format);
        if (confidential)
            attr(driver, "iommu", "on");
        xmlNodePtr source = sym_xmlNewChild(disk, NULL, BAD_CAST "source", NULL);
        attr(source, "file", d->path);
        xmlNodePtr target = sym_xmlNewChild(disk, NULL, BAD_CAST "target", NULL);
        g_autofree char *dev = g_strdup_printf("vd%c", 'a' + (char) MIN(i, 25u));
        attr(target, "dev", dev);
        attr(target, "bus", "virtio");
        if (d->readonly)
            sym_xmlNewChild(disk, NULL, BAD_CAST "readonly", NULL);
    }
    if (spec->network != CCM_NETWORK_NONE) {
        xmlNodePtr iface = sym_xmlNewChild(devices, NULL, BAD_CAST "interface", NULL);
        attr(iface, "type", spec->network == CCM_NETWORK_USER ? "user" : "ethernet");
        if (spec->network == CCM_NETWORK_TAP) {
            xmlNodePtr target = sym_xmlNewChild(iface, NULL, BAD_CAST "target", NULL);
            attr(target, "dev", spec->network_ifname);
            attr(target, "managed", "no");
        }
        xmlNodePtr model = sym_xmlNewChild(iface, NULL, BAD_CAST "model", NULL);
        attr(model, "type", "virtio");
        if (confidential) {
            xmlNodePtr driver = sym_xmlNewChild(iface, NULL, BAD_CAST "driver", NULL);
            attr(driver, "iommu", "on");
        }
    }
    if (spec->serial_log) {
        xmlNodePtr serial = sym_xmlNewChild(devices, NULL, BAD_CAST "serial", NULL);
        attr(serial, "type", "file");
        xmlNodePtr source = sym_xmlNewChild(serial, NULL, BAD_CAST "source", NULL);
        attr(source, "path", spec->serial_log);
        xmlNodePtr target = sym_xmlNewChild(serial, NULL, BAD_CAST "target", NULL);
        attr(target, "port", "0");
    }
    xmlNodePtr balloon = sym_xmlNewChild(devices, NULL, BAD_CAST "memballoon", NULL);
    attr(balloon, "model", "none");
}

/* The document as libvirt writes its own files: indented, no XML declaration. */
static char *serialize(const CcmLaunchPlan *plan, xmlDocPtr doc, GError **error)
{
    xmlBufferPtr buf = sym_xmlBufferCreate();
    xmlSaveCtxtPtr save = sym_xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
    long written = save ? sym_xmlSaveDoc(save, doc) : -1;

    if (save && sym_xmlSaveClose(save) < 0)
        written = -1;
    if (written < 0 || !sym_xmlBufferContent(buf)) {
        sym_xmlBufferFree(buf);
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: libxml2 could not serialize the domain XML", plan->spec->path);
        return NULL;
    }
    char *out = g_strdup((const char *) sym_xmlBufferContent(buf));
    sym_xmlBufferFree(buf);
    return out;
}

char *ccm_libvirt_xml_write(const CcmLaunchPlan *plan, GError **error)
{
    return ccm_libvirt_xml_write_uuid(plan, NULL, error);
}

char *ccm_libvirt_xml_write_uuid(const CcmLaunchPlan *plan, const char *uuid, GError **error)
{
    if (plan->spec->platform == CCM_GUEST_PLATFORM_CCA) {
        refuse(error, plan, "libvirt has no Arm CCA launch security (type='cca' is not in "
                            "libvirt 12.8; only out-of-tree patches have it): launch realms "
                            "with ccmd or the QEMU command line");
        return NULL;
    }
    if (strcmp(plan->machine, "none") == 0) {
        refuse(error, plan, "[Guest] Machine=none is for ccmd's own tests; libvirt domains "
                            "boot a machine");
        return NULL;
    }
    if (!ccm_libxml_load(error))
        return NULL;
    const CcmGuestSpec *spec = plan->spec;
    g_autoptr(xmlDoc) doc = sym_xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr domain = sym_xmlNewNode(NULL, BAD_CAST "domain");

    sym_xmlDocSetRootElement(doc, domain);
    attr(domain, "type", strcmp(plan->accelerator, "kvm") == 0 ? "kvm" : "qemu");
    child(domain, "name", spec->name);
    if (uuid)
        child(domain, "uuid", uuid);
    if (!metadata_element(plan, domain, error))
        return NULL;
    xmlNodePtr memory = childf(domain, "memory", "%" G_GUINT64_FORMAT, spec->memory >> 10);
    attr(memory, "unit", "KiB");
    childf(domain, "vcpu", "%u", spec->vcpus);
    os_element(plan, domain);

    xmlNodePtr features = sym_xmlNewChild(domain, NULL, BAD_CAST "features", NULL);
    sym_xmlNewChild(features, NULL, BAD_CAST "acpi", NULL);
    if (spec->platform != CCM_GUEST_PLATFORM_NONE && spec->platform != CCM_GUEST_PLATFORM_CCA) {
        xmlNodePtr smm = sym_xmlNewChild(features, NULL, BAD_CAST "smm", NULL);
        attr(smm, "state", "off");
    }
    if (spec->platform == CCM_GUEST_PLATFORM_TDX) {
        /* QEMU's -cpu ...,pmu=off (with the PMU on, QEMU sets the PERFMON TD attribute)
         * and -machine kernel-irqchip=split, as the QEMU renderer passes them. */
        xmlNodePtr pmu = sym_xmlNewChild(features, NULL, BAD_CAST "pmu", NULL);
        attr(pmu, "state", "off");
        xmlNodePtr ioapic = sym_xmlNewChild(features, NULL, BAD_CAST "ioapic", NULL);
        attr(ioapic, "driver", "qemu");
    }
    cpu_element(plan, domain);
    devices_element(plan, domain);
    if (!launch_security(plan, domain, error))
        return NULL;

    return serialize(plan, doc, error);
}
