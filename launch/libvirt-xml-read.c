/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-xml-read.c - a guest spec from a libvirt domain XML
 *
 * Theory of operation: the libvirt hook receives the domain XML on stdin; ccm needs
 * the same launch plan a spec file would give. Each element that decides the launch
 * measurement or the confidential configuration is mapped to the spec key it stands
 * for and parsed by the spec's own value parsers (so the checks and messages are
 * those of a spec file, naming the element and its line), then the whole-spec checks
 * run. What cannot change the measurement or the confidential configuration is not
 * read: graphics, consoles, controllers, disks that are not plain files, networks
 * other than user and ethernet, and the SEV session blobs (dhCert, session, handle).
 * The XML is parsed without network access, DTD loading or entity substitution.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "ccm-autocleanups.h"
#include "libvirt-xml.h"

typedef struct Reader {
    const char *source;
    CcmGuestSpec *spec;
} Reader;

static xmlNodePtr find(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0)
            return n;
    return NULL;
}

static char *text(xmlNodePtr node)
{
    xmlChar *t = xmlNodeGetContent(node);
    char *s = g_strstrip(g_strdup((const char *) t));
    xmlFree(t);
    return s;
}

static char *prop(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetProp(node, BAD_CAST name);
    char *s = v ? g_strdup((const char *) v) : NULL;
    xmlFree(v);
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
                node ? xmlGetLineNo(node) : 0L, node ? (const char *) node->name : "domain",
                message);
    return FALSE;
}

/* Sets @section/@key from @value, as parsed for a spec file, labelled by @node. */
static gboolean set(const Reader *r, xmlNodePtr node, const char *section, const char *key,
                    const char *value, GError **error)
{
    g_autofree char *label = g_strdup_printf("<%s>", (const char *) node->name);
    return ccm_guest_spec_set_value(r->spec, section, key, value, (unsigned) xmlGetLineNo(node),
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

/* <memory unit='KiB'>: libvirt's units, all binary except the plain byte. */
static gboolean read_memory(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr node = find(domain, "memory");
    if (!node)
        return fail(r, domain, error, "no <memory> element");
    g_autofree char *value = text(node);
    g_autofree char *unit = prop(node, "unit");
    static const struct {
        const char *name, *spec_unit;
    } units[] = { { "KiB", "K" }, { "k", "K" }, { "K", "K" }, { "MiB", "M" }, { "M", "M" },
                  { "GiB", "G" }, { "G", "G" }, { "TiB", "T" }, { "T", "T" } };
    const char *spec_unit = unit ? NULL : "K";
    for (size_t i = 0; unit && i < G_N_ELEMENTS(units); i++)
        if (strcmp(unit, units[i].name) == 0)
            spec_unit = units[i].spec_unit;
    if (!spec_unit)
        return fail(r, node, error, "unit '%s' is not one of KiB, MiB, GiB, TiB", unit);
    g_autofree char *size = g_strconcat(value, spec_unit, NULL);
    return set(r, node, "Guest", "Memory", size, error);
}

static gboolean read_os(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr os = find(domain, "os");
    xmlNodePtr type = find(os, "type");
    if (!os || !type)
        return fail(r, domain, error, "no <os><type> element");
    g_autofree char *arch = prop(type, "arch");
    g_autofree char *machine = prop(type, "machine");
    if (arch && strcmp(arch, "x86_64") != 0 && strcmp(arch, "aarch64") != 0)
        return fail(r, type, error, "architecture '%s' is neither x86_64 nor aarch64", arch);
    if (machine && !set(r, type, "Guest", "Machine", machine, error))
        return FALSE;

    /* Firmware is measured by its bytes: a rom (-bios) and a read-only pflash code
     * image are read the same way here. */
    if (!set_text(r, os, "loader", "Guest", "Firmware", error) ||
        !set_text(r, os, "kernel", "Guest", "Kernel", error) ||
        !set_text(r, os, "initrd", "Guest", "Initrd", error) ||
        !set_text(r, os, "cmdline", "Guest", "Cmdline", error))
        return FALSE;
    return TRUE;
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

static gboolean read_devices(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr devices = find(domain, "devices");
    CcmGuestSpec *spec = r->spec;

    if (!devices)
        return TRUE;
    if (!set_text(r, devices, "emulator", "Guest", "QEMU", error))
        return FALSE;
    for (xmlNodePtr n = devices->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        g_autofree char *type = prop(n, "type");
        if (xmlStrcmp(n->name, BAD_CAST "disk") == 0 && g_strcmp0(type, "file") == 0) {
            g_autofree char *device = prop(n, "device");
            xmlNodePtr source = find(n, "source");
            g_autofree char *file = source ? prop(source, "file") : NULL;
            if (g_strcmp0(device ? device : "disk", "disk") != 0 || !file)
                continue;
            g_autofree char *format = find(n, "driver") ? prop(find(n, "driver"), "type") : NULL;
            if (format && strcmp(format, "raw") != 0 && strcmp(format, "qcow2") != 0)
                return fail(r, n, error, "disk format '%s' is not raw or qcow2", format);
            CcmGuestDisk *d = g_new0(CcmGuestDisk, 1);
            d->path = g_steal_pointer(&file);
            d->format = g_strdup(format ? format : "raw");
            d->readonly = find(n, "readonly") != NULL;
            g_ptr_array_add(spec->disks, d);
        } else if (xmlStrcmp(n->name, BAD_CAST "interface") == 0 &&
                   spec->network == CCM_NETWORK_NONE) {
            if (g_strcmp0(type, "user") == 0) {
                spec->network = CCM_NETWORK_USER;
            } else if (g_strcmp0(type, "ethernet") == 0 && find(n, "target")) {
                spec->network = CCM_NETWORK_TAP;
                spec->network_ifname = prop(find(n, "target"), "dev");
            }
        } else if (xmlStrcmp(n->name, BAD_CAST "serial") == 0 && g_strcmp0(type, "file") == 0 &&
                   !spec->serial_log && find(n, "source")) {
            g_autofree char *path = prop(find(n, "source"), "path");
            if (path && !set(r, n, "Guest", "SerialLog", path, error))
                return FALSE;
        }
    }
    return TRUE;
}

static gboolean yes_attr(const Reader *r, xmlNodePtr node, const char *name, const char *section,
                         const char *key, GError **error)
{
    g_autofree char *v = prop(node, name);
    return !v || set(r, node, section, key, v, error);
}

static gboolean read_launch_security(const Reader *r, xmlNodePtr domain, GError **error)
{
    xmlNodePtr ls = find(domain, "launchSecurity");
    if (!ls)
        return TRUE;
    g_autofree char *type = prop(ls, "type");

    if (g_strcmp0(type, "sev") == 0) {
        xmlNodePtr policy = find(ls, "policy");
        g_autofree char *value = policy ? text(policy) : NULL;
        /* Like QEMU, the policy's ES bit (2) makes an SEV-ES guest. */
        guint64 p = value ? g_ascii_strtoull(value, NULL, 0) : 0;
        if (!set(r, ls, "Guest", "Platform", (p & 0x4) ? "sev-es" : "sev", error) ||
            (policy && !set(r, policy, "SEV", "Policy", value, error)) ||
            !yes_attr(r, ls, "kernelHashes", "SEV", "KernelHashes", error) ||
            !set_text(r, ls, "cbitpos", "SEV", "CBitPos", error) ||
            !set_text(r, ls, "reducedPhysBits", "SEV", "ReducedPhysBits", error))
            return FALSE;
        return TRUE;
    }
    if (g_strcmp0(type, "sev-snp") == 0) {
        /* authorKey= follows from idAuth, which says whether it holds an author key. */
        return set(r, ls, "Guest", "Platform", "sev-snp", error) &&
               yes_attr(r, ls, "kernelHashes", "SEV-SNP", "KernelHashes", error) &&
               yes_attr(r, ls, "vcek", "SEV-SNP", "VCEK", error) &&
               set_text(r, ls, "policy", "SEV-SNP", "Policy", error) &&
               set_text(r, ls, "cbitpos", "SEV-SNP", "CBitPos", error) &&
               set_text(r, ls, "reducedPhysBits", "SEV-SNP", "ReducedPhysBits", error) &&
               set_text(r, ls, "guestVisibleWorkarounds", "SEV-SNP", "GuestVisibleWorkarounds",
                        error) &&
               set_text(r, ls, "idBlock", "SEV-SNP", "IdBlock", error) &&
               set_text(r, ls, "idAuth", "SEV-SNP", "IdAuth", error) &&
               set_text(r, ls, "hostData", "SEV-SNP", "HostData", error);
    }
    if (g_strcmp0(type, "tdx") == 0) {
        xmlNodePtr qgs = find(ls, "quoteGenerationService");
        g_autofree char *path = qgs ? prop(qgs, "path") : NULL;
        return set(r, ls, "Guest", "Platform", "tdx", error) &&
               set_text(r, ls, "policy", "TDX", "Attributes", error) &&
               set_text(r, ls, "mrConfigId", "TDX", "MRConfigId", error) &&
               set_text(r, ls, "mrOwner", "TDX", "MROwner", error) &&
               set_text(r, ls, "mrOwnerConfig", "TDX", "MROwnerConfig", error) &&
               (!path || set(r, qgs, "TDX", "QuoteGenerationSocket", path, error));
    }
    return fail(r, ls, error, "launch security type '%s' is not supported; expected sev, sev-snp "
                              "or tdx",
                type ? type : "(none)");
}

CcmGuestSpec *ccm_libvirt_xml_read(const char *xml, size_t size, const char *source,
                                   GError **error)
{
    Reader r = { .source = source };

    if (size > CCM_LIBVIRT_XML_MAX_SIZE || size > G_MAXINT) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: %zu bytes, larger than any domain XML ccm reads", source, size);
        return NULL;
    }
    g_autoptr(xmlDoc) doc = xmlReadMemory(xml, (int) size, NULL, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        g_autofree char *why = g_strdup(e && e->message ? e->message : "parse error");
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s:%d: not well-formed XML: %s", source, e ? e->line : 0, g_strstrip(why));
        return NULL;
    }
    xmlNodePtr domain = xmlDocGetRootElement(doc);
    if (!domain || xmlStrcmp(domain->name, BAD_CAST "domain") != 0) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: the root element is not <domain>", source);
        return NULL;
    }

    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_new(source);
    r.spec = spec;
    g_autofree char *type = prop(domain, "type");
    if (g_strcmp0(type, "kvm") != 0 && g_strcmp0(type, "qemu") != 0) {
        fail(&r, domain, error, "domain type '%s' is neither kvm nor qemu", type ? type : "");
        return NULL;
    }
    if (!set(&r, domain, "Guest", "Accelerator", strcmp(type, "kvm") == 0 ? "kvm" : "tcg",
             error))
        return NULL;
    xmlNodePtr name = find(domain, "name");
    if (!name) {
        fail(&r, domain, error, "no <name> element");
        return NULL;
    }
    if (!set_text(&r, domain, "name", "Guest", "Name", error) ||
        !read_memory(&r, domain, error) ||
        !set_text(&r, domain, "vcpu", "Guest", "VCPUs", error) || !read_os(&r, domain, error) ||
        !read_cpu(&r, domain, error) || !read_devices(&r, domain, error) ||
        !read_launch_security(&r, domain, error))
        return NULL;
    if (!ccm_guest_spec_check(spec, error))
        return NULL;
    return g_steal_pointer(&spec);
}
