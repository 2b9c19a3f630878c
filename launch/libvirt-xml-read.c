/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-xml-read.c - a guest spec from a libvirt domain XML
 *
 * Theory of operation: the libvirt hook receives the domain XML on stdin; ccm needs
 * the same launch plan a spec file would give. Each element that decides the launch
 * measurement or the confidential configuration is mapped to the spec key it stands
 * for and parsed by the spec's own value parsers (so the checks and messages are
 * those of a spec file, naming the element and its line), then the whole-spec checks
 * and defaults run (ccm_guest_spec_check(), as for a file).
 *
 * Where libvirt's default differs from the spec's, the libvirt meaning wins: a
 * <launchSecurity> without kernelHashes= launches without kernel hashes (QEMU's
 * default), whereas a spec file with Kernel= defaults to KernelHashes=yes; a
 * <quoteGenerationService/> without path= is libvirt's default socket.
 *
 * What the spec cannot express is refused when it could change the measurement or
 * the confidential configuration: <qemu:commandline>/<qemu:override>/<qemu:capabilities>
 * (arguments ccm cannot see), CPU modes other than custom/host-passthrough/maximum,
 * vCPU hotplug (current= below the maximum changes how many VMSAs are measured), a
 * firmware image that is not raw, a TDX guest with the PMU on (QEMU then sets the
 * PERFMON attribute), TDX attribute bits libvirt itself rejects, an authorKey= that
 * contradicts the ID authentication structure, architectures other than x86_64, and
 * any DOCTYPE (libvirt never writes one; refusing it also rules out entities).
 *
 * What is read without being expressible exactly:
 * - <loader type='pflash'> (also stateless, as libvirt picks for SEV-SNP from 10.5):
 *   read as Firmware=, i.e. the same image loaded with -bios by ccm's own renderer. The
 *   firmware is measured by its bytes, which are the same either way; ccm's QEMU argv
 *   and XML for such a spec say -bios / type='rom'.
 * - <os firmware='efi'> without <loader> (libvirt 9.0's prepare hook sees this): no
 *   Firmware=, so the plan picks it from QEMU's firmware descriptors, as libvirt does.
 *
 * ccm's own <metadata> element (CCM_LIBVIRT_NAMESPACE) gives a rehearsal's Rehearses=
 * and the rehearsed platform's settings: <ccm:rehearses> has the content of the
 * <launchSecurity> the rehearsed launch would have, and is read by the same code.
 *
 * What is ignored, because it changes neither the measurement nor the confidential
 * configuration: uuid, title, description, other metadata, currentMemory, maxMemory,
 * memoryBacking, memtune, numatune, cputune, vcpu placement, CPU topology and CPU
 * <feature> elements (the VMSA carries only the model's signature; SNP's CPUID page is
 * measured without its contents), <features> other than TDX's <pmu> (acpi, apic, smm,
 * ioapic, hyperv, ...), <nvram> (variables are not measured), boot order, clock, pm,
 * on_* actions, the SEV session blobs (dhCert, session, handle: they key the launch,
 * not the digest), disks that are not plain files of device 'disk', networks other
 * than the first user or ethernet interface, serial ports other than the first file,
 * and every other device (graphics, consoles, controllers, channels, RNG, TPM, ...).
 */
#include <string.h>

#include "ccm-autocleanups.h"
#include "libvirt-xml.h"
#include "libxml-symbols.h"

#define QEMU_NAMESPACE "http://libvirt.org/schemas/domain/qemu/1.0"
#define TDX_DEFAULT_QGS "/var/run/tdx-qgs/qgs.socket"
#define TDX_LIBVIRT_ATTRIBUTES UINT64_C(0x10000001)  /* debug (0), SEPT_VE_DISABLE (28) */

typedef struct Reader {
    const char *source;
    CcmGuestSpec *spec;
    bool rehearsal;  /* reading ccm's <ccm:rehearses>, not libvirt's <launchSecurity> */
} Reader;

static bool same_namespace(xmlNodePtr a, xmlNodePtr b)
{
    if (!a->ns || !b->ns)
        return !a->ns && !b->ns;
    return a->ns->href && b->ns->href && sym_xmlStrcmp(a->ns->href, b->ns->href) == 0;
}

/* The first child element @name in its parent's namespace: libvirt's elements have none,
 * and the content of ccm's <ccm:rehearses> is in ccm's. */
static xmlNodePtr find(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && same_namespace(n, parent) &&
            sym_xmlStrcmp(n->name, BAD_CAST name) == 0)
            return n;
    return NULL;
}

static char *text(xmlNodePtr node)
{
    xmlChar *t = sym_xmlNodeGetContent(node);
    char *s = g_strstrip(g_strdup(t ? (const char *) t : ""));
    ccm_xml_free(t);
    return s;
}

static char *prop(xmlNodePtr node, const char *name)
{
    xmlChar *v = node ? sym_xmlGetProp(node, BAD_CAST name) : NULL;
    char *s = v ? g_strdup((const char *) v) : NULL;
    ccm_xml_free(v);
    return s;
}

static gboolean fail(const Reader *r, xmlNodePtr node, GError **error, const char *format, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean fail(const Reader *r, xmlNodePtr node, GError **error, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s:%ld: <%s>: %s", r->source,
                sym_xmlGetLineNo(node), (const char *) node->name, message);
    return FALSE;
}

/* Sets @section/@key from @value, as parsed for a spec file, labelled by @node. */
static gboolean set(const Reader *r, xmlNodePtr node, const char *section, const char *key,
                    const char *value, GError **error)
{
    g_autofree char *label = g_strdup_printf("<%s>", (const char *) node->name);
    return ccm_guest_spec_set_value(r->spec, section, key, value, (unsigned) sym_xmlGetLineNo(node),
                                    label, error);
}

static gboolean set_text(const Reader *r, xmlNodePtr parent, const char *element,
                         const char *section, const char *key, GError **error)
{
    xmlNodePtr node = find(parent, element);
    if (!node)
        return TRUE;
    g_autofree char *value = text(node);
    return set(r, node, section, key, value, error);
}

/* A yes/no attribute; @absent is libvirt's meaning when it is not there (NULL: the
 * spec's default applies). */
static gboolean set_attr(const Reader *r, xmlNodePtr node, const char *name, const char *absent,
                         const char *section, const char *key, GError **error)
{
    g_autofree char *v = prop(node, name);
    if (!v && !absent)
        return TRUE;
    return set(r, node, section, key, v ? v : absent, error);
}

/* <memory unit=...>: libvirt's units (scaled.rng), turned into the spec's KiB. */
static gboolean read_memory(const Reader *r, xmlNodePtr domain, GError **error)
{
    static const struct {
        const char *name;
        uint64_t scale;
    } units[] = {
        { "b", 1 },
        { "bytes", 1 },
        { "KB", 1000 },
        { "k", 1024 },
        { "KiB", 1024 },
        { "MB", 1000000 },
        { "M", 1 << 20 },
        { "MiB", 1 << 20 },
        { "GB", UINT64_C(1000000000) },
        { "G", UINT64_C(1) << 30 },
        { "GiB", UINT64_C(1) << 30 },
        { "TB", UINT64_C(1000000000000) },
        { "T", UINT64_C(1) << 40 },
        { "TiB", UINT64_C(1) << 40 },
    };
    xmlNodePtr node = find(domain, "memory");
    if (!node)
        return fail(r, domain, error, "no <memory> element");
    g_autofree char *value = text(node);
    g_autofree char *unit = prop(node, "unit");
    uint64_t scale = unit ? 0 : 1024; /* libvirt's default unit is KiB */
    for (size_t i = 0; unit && i < G_N_ELEMENTS(units); i++)
        if (strcmp(unit, units[i].name) == 0)
            scale = units[i].scale;
    if (!scale)
        return fail(r, node, error, "unit '%s' is not one of libvirt's units up to TiB", unit);
    guint64 n;
    if (!g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT64 / scale, &n, NULL))
        return fail(r, node, error, "'%s' is not a whole number of %s", value,
                    unit ? unit : "KiB");
    if ((n * scale) % 1024 != 0)
        return fail(r, node, error, "%s %s is not a whole number of KiB", value, unit);
    g_autofree char *kib = g_strdup_printf("%" G_GUINT64_FORMAT "K", n * scale / 1024);
    return set(r, node, "Guest", "Memory", kib, error);
}

/* <vcpu current=N>: fewer vCPUs at boot than the maximum would change what SEV-ES and
 * SEV-SNP measure (one VMSA per boot vCPU); the spec has no hotplug. */
static gboolean read_vcpu(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr node = find(domain, "vcpu");
    if (!node)
        return TRUE;
    g_autofree char *value = text(node);
    g_autofree char *current = prop(node, "current");
    if (current && strcmp(current, value) != 0)
        return fail(r, node, error,
                    "current='%s' below the maximum %s (vCPU hotplug) is not supported: the "
                    "boot vCPUs are part of the measurement",
                    current, value);
    return set(r, node, "Guest", "VCPUs", value, error);
}

static gboolean read_loader(const Reader *r, xmlNodePtr os, GError **error)
{
    xmlNodePtr loader = find(os, "loader");
    if (!loader)
        return TRUE;
    g_autofree char *format = prop(loader, "format");
    if (format && strcmp(format, "raw") != 0)
        return fail(r, loader, error,
                    "format='%s': ccm measures the bytes of raw firmware images only", format);
    /* rom (-bios) and read-only pflash code map the same bytes below 4 GiB; see the
     * top of this file. */
    return set_text(r, os, "loader", "Guest", "Firmware", error);
}

static gboolean read_os(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr os = find(domain, "os");
    xmlNodePtr type = find(os, "type");
    if (!os || !type)
        return fail(r, domain, error, "no <os><type> element");
    g_autofree char *arch = prop(type, "arch");
    g_autofree char *machine = prop(type, "machine");
    if (arch && strcmp(arch, "x86_64") != 0)
        return fail(r, type, error,
                    "architecture '%s': ccm reads x86_64 guests from libvirt (its only aarch64 "
                    "platform, Arm CCA, has no libvirt launch security)",
                    arch);
    if (machine && !set(r, type, "Guest", "Machine", machine, error))
        return FALSE;
    return read_loader(r, os, error) &&
           set_text(r, os, "kernel", "Guest", "Kernel", error) &&
           set_text(r, os, "initrd", "Guest", "Initrd", error) &&
           set_text(r, os, "cmdline", "Guest", "Cmdline", error);
}

static gboolean read_cpu(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr cpu = find(domain, "cpu");
    if (!cpu)
        return TRUE;
    g_autofree char *mode = prop(cpu, "mode");
    if (!mode || strcmp(mode, "custom") == 0)
        return set_text(r, cpu, "model", "Guest", "CPUModel", error);
    if (strcmp(mode, "host-passthrough") == 0)
        return set(r, cpu, "Guest", "CPUModel", "host", error);
    if (strcmp(mode, "maximum") == 0)
        return set(r, cpu, "Guest", "CPUModel", "max", error);
    return fail(r, cpu, error,
                "CPU mode '%s' does not name one CPU model; use mode='custom' with a <model> "
                "or mode='host-passthrough'",
                mode);
}

static gboolean read_disk(const Reader *r, xmlNodePtr disk, GError **error)
{
    g_autofree char *type = prop(disk, "type");
    g_autofree char *device = prop(disk, "device");
    g_autofree char *file = prop(find(disk, "source"), "file");

    if (g_strcmp0(type, "file") != 0 || g_strcmp0(device ? device : "disk", "disk") != 0 ||
        !file)
        return TRUE;
    g_autofree char *format = prop(find(disk, "driver"), "type");
    if (format && strcmp(format, "raw") != 0 && strcmp(format, "qcow2") != 0)
        return fail(r, disk, error, "disk format '%s' is not raw or qcow2", format);
    CcmGuestDisk *d = g_new0(CcmGuestDisk, 1);
    d->path = g_steal_pointer(&file);
    d->format = g_strdup(format ? format : "raw");
    d->readonly = find(disk, "readonly") != NULL;
    g_ptr_array_add(r->spec->disks, d);
    return TRUE;
}

static gboolean read_interface(const Reader *r, xmlNodePtr iface, GError **error)
{
    g_autofree char *type = prop(iface, "type");
    CcmGuestSpec *spec = r->spec;

    if (spec->network != CCM_NETWORK_NONE)
        return TRUE;
    if (g_strcmp0(type, "user") == 0) {
        spec->network = CCM_NETWORK_USER;
    } else if (g_strcmp0(type, "ethernet") == 0) {
        g_autofree char *dev = prop(find(iface, "target"), "dev");
        if (!dev)
            return TRUE;
        if (!ccm_guest_name_is_valid(dev) || strlen(dev) >= 16)
            return fail(r, find(iface, "target"), error, "'%s' is not a network interface name",
                        dev);
        spec->network = CCM_NETWORK_TAP;
        spec->network_ifname = g_steal_pointer(&dev);
    } else {
        return TRUE;
    }
    ccm_guest_spec_set_given(spec, "Guest", "Network", (unsigned) sym_xmlGetLineNo(iface));
    return TRUE;
}

static gboolean read_devices(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr devices = find(domain, "devices");

    if (!devices)
        return TRUE;
    if (!set_text(r, devices, "emulator", "Guest", "QEMU", error))
        return FALSE;
    for (xmlNodePtr n = devices->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || n->ns)
            continue;
        if (sym_xmlStrcmp(n->name, BAD_CAST "disk") == 0) {
            if (!read_disk(r, n, error))
                return FALSE;
        } else if (sym_xmlStrcmp(n->name, BAD_CAST "interface") == 0) {
            if (!read_interface(r, n, error))
                return FALSE;
        } else if (sym_xmlStrcmp(n->name, BAD_CAST "serial") == 0 && !r->spec->serial_log) {
            g_autofree char *type = prop(n, "type");
            g_autofree char *path = prop(find(n, "source"), "path");
            if (g_strcmp0(type, "file") == 0 && path &&
                !set(r, n, "Guest", "SerialLog", path, error))
                return FALSE;
        }
    }
    return TRUE;
}

/* The platform a <launchSecurity> launches, or that a <ccm:rehearses> is measured as. */
static gboolean set_platform(const Reader *r, xmlNodePtr ls, const char *platform,
                             GError **error)
{
    return set(r, ls, "Guest", r->rehearsal ? "Rehearses" : "Platform", platform, error);
}

static gboolean read_sev(const Reader *r, xmlNodePtr ls, GError **error)
{
    xmlNodePtr policy = find(ls, "policy");
    if (!policy)
        return fail(r, ls, error, "type 'sev' needs a <policy>");
    g_autofree char *value = text(policy);
    /* Like QEMU, the policy's ES bit (2) makes an SEV-ES guest; an unparsable policy is
     * reported by the SEV/Policy parser below. */
    guint64 p = g_ascii_strtoull(value, NULL, 0);
    return set_platform(r, ls, (p & 0x4) ? "sev-es" : "sev", error) &&
           set(r, policy, "SEV", "Policy", value, error) &&
           set_attr(r, ls, "kernelHashes", "no", "SEV", "KernelHashes", error) &&
           set_text(r, ls, "cbitpos", "SEV", "CBitPos", error) &&
           set_text(r, ls, "reducedPhysBits", "SEV", "ReducedPhysBits", error);
}

/* authorKey= tells QEMU whether the ID authentication structure carries an author key;
 * the spec derives that from the structure, so a contradiction cannot launch. */
static gboolean check_author_key(const Reader *r, xmlNodePtr ls, GError **error)
{
    g_autofree char *author_key = prop(ls, "authorKey");
    GBytes *id_auth = r->spec->snp.id_auth;
    bool in_auth = id_auth && ((const uint8_t *) g_bytes_get_data(id_auth, NULL))[4] != 0;

    if (!author_key)
        author_key = g_strdup("no");
    if (strcmp(author_key, "yes") != 0 && strcmp(author_key, "no") != 0)
        return fail(r, ls, error, "authorKey='%s' is not yes or no", author_key);
    if ((strcmp(author_key, "yes") == 0) != in_auth)
        return fail(r, ls, error,
                    "authorKey='%s' contradicts <idAuth>, which %s an author key", author_key,
                    in_auth ? "holds" : "does not hold");
    return TRUE;
}

static gboolean read_sev_snp(const Reader *r, xmlNodePtr ls, GError **error)
{
    if (!find(ls, "policy"))
        return fail(r, ls, error, "type 'sev-snp' needs a <policy>");
    return set_platform(r, ls, "sev-snp", error) &&
           set_attr(r, ls, "kernelHashes", "no", "SEV-SNP", "KernelHashes", error) &&
           set_attr(r, ls, "vcek", NULL, "SEV-SNP", "VCEK", error) &&
           set_text(r, ls, "policy", "SEV-SNP", "Policy", error) &&
           set_text(r, ls, "cbitpos", "SEV-SNP", "CBitPos", error) &&
           set_text(r, ls, "reducedPhysBits", "SEV-SNP", "ReducedPhysBits", error) &&
           set_text(r, ls, "guestVisibleWorkarounds", "SEV-SNP", "GuestVisibleWorkarounds",
                    error) &&
           set_text(r, ls, "idBlock", "SEV-SNP", "IdBlock", error) &&
           set_text(r, ls, "idAuth", "SEV-SNP", "IdAuth", error) &&
           set_text(r, ls, "hostData", "SEV-SNP", "HostData", error) &&
           check_author_key(r, ls, error);
}

static gboolean read_tdx(const Reader *r, xmlNodePtr domain, xmlNodePtr ls, GError **error)
{
    /* A rehearsal runs under TCG, with no TD attributes to set. */
    g_autofree char *pmu = prop(find(find(domain, "features"), "pmu"), "state");
    if (!r->rehearsal && g_strcmp0(pmu, "off") != 0)
        return fail(r, ls, error,
                    "TDX guests need <features><pmu state='off'/>: with the PMU on, QEMU sets "
                    "the PERFMON TD attribute, which ccm does not launch with");
    if (!set_platform(r, ls, "tdx", error) ||
        !set_text(r, ls, "policy", "TDX", "Attributes", error))
        return FALSE;
    xmlNodePtr policy = find(ls, "policy");
    if (policy && (r->spec->tdx.attributes & ~TDX_LIBVIRT_ATTRIBUTES))
        return fail(r, policy, error,
                    "0x%" G_GINT64_MODIFIER "x: libvirt accepts only bits 0 (debug) and 28 "
                    "(SEPT_VE_DISABLE)",
                    r->spec->tdx.attributes);
    xmlNodePtr qgs = find(ls, "quoteGenerationService");
    g_autofree char *path = prop(qgs, "path");
    return set_text(r, ls, "mrConfigId", "TDX", "MRConfigId", error) &&
           set_text(r, ls, "mrOwner", "TDX", "MROwner", error) &&
           set_text(r, ls, "mrOwnerConfig", "TDX", "MROwnerConfig", error) &&
           (!qgs ||
            set(r, qgs, "TDX", "QuoteGenerationSocket", path ? path : TDX_DEFAULT_QGS, error));
}

/* A <launchSecurity> (or a <ccm:rehearses>, which has the same content). */
static gboolean read_launch_security_node(const Reader *r, xmlNodePtr domain, xmlNodePtr ls,
                                          GError **error)
{
    g_autofree char *type = prop(ls, "type");

    if (g_strcmp0(type, "sev") == 0)
        return read_sev(r, ls, error);
    if (g_strcmp0(type, "sev-snp") == 0)
        return read_sev_snp(r, ls, error);
    if (g_strcmp0(type, "tdx") == 0)
        return read_tdx(r, domain, ls, error);
    return fail(r, ls, error, "%s type '%s' is not supported; expected sev, sev-snp or tdx",
                r->rehearsal ? "rehearsed launch security" : "launch security",
                type ? type : "(none)");
}

static gboolean read_launch_security(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr ls = find(domain, "launchSecurity");
    return !ls || read_launch_security_node(r, domain, ls, error);
}

/* ccm's own <metadata><ccm:guest> (CCM_LIBVIRT_NAMESPACE): a rehearsal's <ccm:rehearses>,
 * the launch security it is measured and registered as. */
static gboolean read_metadata(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr guest = NULL;
    for (xmlNodePtr n = find(domain, "metadata") ? find(domain, "metadata")->children : NULL; n;
         n = n->next)
        if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
            sym_xmlStrcmp(n->ns->href, BAD_CAST CCM_LIBVIRT_NAMESPACE) == 0 &&
            sym_xmlStrcmp(n->name, BAD_CAST "guest") == 0)
            guest = n;
    if (!guest)
        return TRUE;
    Reader rehearsal = *r;
    rehearsal.rehearsal = true;
    for (xmlNodePtr n = guest->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (sym_xmlStrcmp(n->name, BAD_CAST "rehearses") != 0)
            return fail(r, n, error, "<ccm:%s> is not an element of ccm's metadata (expected "
                                     "rehearses)",
                        (const char *) n->name);
        if (find(domain, "launchSecurity"))
            return fail(r, n, error, "<ccm:rehearses> is for a domain without launch "
                                     "security; this one has a <launchSecurity>");
        if (!read_launch_security_node(&rehearsal, domain, n, error))
            return FALSE;
    }
    return TRUE;
}

/* <qemu:commandline> and friends hand QEMU arguments or capabilities ccm cannot see. */
static gboolean refuse_qemu_namespace(const Reader *r, xmlNodePtr domain, GError **error)
{
    for (xmlNodePtr n = domain->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href ||
            sym_xmlStrcmp(n->ns->href, BAD_CAST QEMU_NAMESPACE) != 0)
            continue;
        if (sym_xmlStrcmp(n->name, BAD_CAST "deprecation") == 0)
            continue;
        return fail(r, n, error,
                    "libvirt's QEMU pass-through (%s) can change the measured launch in ways "
                    "ccm cannot check; remove it",
                    (const char *) n->name);
    }
    return TRUE;
}

static xmlDocPtr parse(const char *xml, size_t size, const char *source, GError **error)
{
    if (size > CCM_LIBVIRT_XML_MAX_SIZE) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: %zu bytes, larger than any domain XML ccm reads (%u)", source, size,
                    CCM_LIBVIRT_XML_MAX_SIZE);
        return NULL;
    }
    if (!ccm_libxml_load(error))
        return NULL;
    /* No XML_PARSE_NOENT (entities stay unexpanded), no DTD loading, no network. */
    sym_xmlResetLastError();
    xmlDocPtr doc = sym_xmlReadMemory(xml, (int) size, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = sym_xmlGetLastError();
        g_autofree char *why = g_strdup(e && e->message ? e->message : "parse error");
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s:%d: not well-formed XML: %s", source, e ? e->line : 0, g_strstrip(why));
        return NULL;
    }
    if (doc->intSubset || doc->extSubset) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: a <!DOCTYPE> is not accepted in domain XML (libvirt never writes one)",
                    source);
        sym_xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

CcmGuestSpec *ccm_libvirt_xml_read(const char *xml, size_t size, const char *source,
                                   GError **error)
{
    g_autoptr(xmlDoc) doc = parse(xml, size, source, error);
    if (!doc)
        return NULL;
    xmlNodePtr domain = sym_xmlDocGetRootElement(doc);
    if (!domain || domain->ns || sym_xmlStrcmp(domain->name, BAD_CAST "domain") != 0) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: the root element is not <domain>", source);
        return NULL;
    }

    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_new(source);
    Reader r = { .source = source, .spec = spec };
    g_autofree char *type = prop(domain, "type");
    if (g_strcmp0(type, "kvm") != 0 && g_strcmp0(type, "qemu") != 0) {
        fail(&r, domain, error, "domain type '%s' is neither kvm nor qemu", type ? type : "");
        return NULL;
    }
    if (!find(domain, "name")) {
        fail(&r, domain, error, "no <name> element");
        return NULL;
    }
    if (!refuse_qemu_namespace(&r, domain, error) ||
        !set(&r, domain, "Guest", "Accelerator", strcmp(type, "kvm") == 0 ? "kvm" : "tcg",
             error) ||
        !set_text(&r, domain, "name", "Guest", "Name", error) ||
        !read_memory(&r, domain, error) || !read_vcpu(&r, domain, error) ||
        !read_os(&r, domain, error) || !read_cpu(&r, domain, error) ||
        !read_devices(&r, domain, error) || !read_launch_security(&r, domain, error) ||
        !read_metadata(&r, domain, error))
        return NULL;
    if (!ccm_guest_spec_check(spec, error))
        return NULL;
    return g_steal_pointer(&spec);
}
