/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-check-libvirt.c - which confidential guests the libvirt daemon can launch here
 *
 * libvirt's domain capabilities are its own verdict on the host, the kernel, QEMU and the
 * firmware together: <features><sev supported=> (with maxGuests, maxESGuests),
 * <tdx supported=> and, from 10.5.0, <launchSecurity><enum name='sectype'> listing the
 * <launchSecurity type=> values it would accept. Its release decides the rest: a type its
 * schema lacks is refused whatever the host has (libvirt-version.c). These items say
 * what a `virsh start` could do; ccmd launches QEMU itself, so they leave ccmd's verdict
 * (can_run) alone.
 */
#include <string.h>

#include "host-check.h"
#include "libxml-symbols.h"

typedef struct Domcaps {
    char *emulator, *domain, *machine;
    bool sev_listed, sev, tdx;
    unsigned max_es_guests;     /* 0 also when not reported */
    bool es_reported;
    GPtrArray *sectypes;        /* NULL when libvirt lists none (before 10.5.0) */
} Domcaps;

static void domcaps_clear(Domcaps *d)
{
    g_free(d->emulator);
    g_free(d->domain);
    g_free(d->machine);
    if (d->sectypes)
        g_ptr_array_unref(d->sectypes);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Domcaps, domcaps_clear)

static bool named(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && sym_xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (named(n, name))
            return n;
    return NULL;
}

static char *content(xmlNodePtr n)
{
    if (!n)
        return NULL;
    xmlChar *c = sym_xmlNodeGetContent(n);
    char *s = g_strstrip(g_strdup((const char *) c));
    ccm_xml_free(c);
    return s;
}

static bool supported(xmlNodePtr n)
{
    if (!n)
        return false;
    xmlChar *v = sym_xmlGetProp(n, BAD_CAST "supported");
    bool yes = v && sym_xmlStrcmp(v, BAD_CAST "yes") == 0;
    ccm_xml_free(v);
    return yes;
}

static void read_sectypes(Domcaps *d, xmlNodePtr ls)
{
    if (!ls)
        return;
    d->sectypes = g_ptr_array_new_with_free_func(g_free);
    if (!supported(ls))
        return;
    for (xmlNodePtr e = ls->children; e; e = e->next) {
        if (!named(e, "enum"))
            continue;
        xmlChar *name = sym_xmlGetProp(e, BAD_CAST "name");
        bool sectype = name && sym_xmlStrcmp(name, BAD_CAST "sectype") == 0;
        ccm_xml_free(name);
        for (xmlNodePtr v = sectype ? e->children : NULL; v; v = v->next)
            if (named(v, "value"))
                g_ptr_array_add(d->sectypes, content(v));
    }
}

static gboolean parse(const char *xml, const char *uri, Domcaps *d, GError **error)
{
    if (!ccm_libxml_load(error))
        return FALSE;
    sym_xmlResetLastError();
    g_autoptr(xmlDoc) doc = sym_xmlReadMemory(xml, (int) strlen(xml), NULL, NULL,
                                              XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                  XML_PARSE_NOWARNING);
    xmlNodePtr root = doc ? sym_xmlDocGetRootElement(doc) : NULL;
    if (!root || !named(root, "domainCapabilities")) {
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_LIBVIRT,
                    "libvirt at %s: its domain capabilities are not a <domainCapabilities> "
                    "document",
                    uri);
        return FALSE;
    }
    d->emulator = content(child(root, "path"));
    d->domain = content(child(root, "domain"));
    d->machine = content(child(root, "machine"));
    xmlNodePtr features = child(root, "features");
    xmlNodePtr sev = child(features, "sev");
    d->sev_listed = sev != NULL;
    d->sev = supported(sev);
    g_autofree char *es = content(child(sev, "maxESGuests"));
    if (es) {
        d->es_reported = true;
        d->max_es_guests = (unsigned) g_ascii_strtoull(es, NULL, 10);
    }
    d->tdx = supported(child(features, "tdx"));
    xmlNodePtr ls = child(features, "launchSecurity");
    read_sectypes(d, ls ? ls : child(root, "launchSecurity"));
    return TRUE;
}

static bool lists(const Domcaps *d, const char *sectype)
{
    for (guint i = 0; d->sectypes && i < d->sectypes->len; i++)
        if (strcmp(d->sectypes->pdata[i], sectype) == 0)
            return true;
    return false;
}

/* NULL when libvirt can launch @p, else why not. */
static char *why_not(CcmGuestPlatform p, CcmLibvirtVersion version, const Domcaps *d,
                     const char *virttype)
{
    if (p == CCM_GUEST_PLATFORM_NONE)
        return NULL;
    CcmLibvirtVersion since;
    g_autofree char *have = ccm_libvirt_version_to_string(version);
    if (!ccm_libvirt_launch_security_since(p, &since))
        return g_strdup("no libvirt release has its launch security");
    if (ccm_libvirt_version_compare(version, since) < 0) {
        g_autofree char *need = ccm_libvirt_version_to_string(since);
        return g_strdup_printf("libvirt %s has no such launch security; it needs %s or later",
                               have, need);
    }
    if (strcmp(virttype, "kvm") != 0)
        return g_strdup("libvirt has no KVM here, and confidential guests need it");
    const char *sectype = p == CCM_GUEST_PLATFORM_TDX        ? "tdx"
                          : p == CCM_GUEST_PLATFORM_SEV_SNP ? "sev-snp"
                                                            : "sev";
    if (d->sectypes) {
        if (!lists(d, sectype))
            return g_strdup_printf("its domain capabilities do not list launch security "
                                   "type '%s'",
                                   sectype);
    } else if (p == CCM_GUEST_PLATFORM_TDX ? !d->tdx : !d->sev) {
        return g_strdup_printf("its domain capabilities say <%s supported='no'>",
                               p == CCM_GUEST_PLATFORM_TDX ? "tdx" : "sev");
    }
    if (p == CCM_GUEST_PLATFORM_SEV_ES && d->es_reported && d->max_es_guests == 0)
        return g_strdup("its domain capabilities say <maxESGuests>0</maxESGuests>");
    return NULL;
}

static const char *item_id(CcmGuestPlatform p)
{
    switch (p) {
    case CCM_GUEST_PLATFORM_SEV:
        return "libvirt-sev";
    case CCM_GUEST_PLATFORM_SEV_ES:
        return "libvirt-sev-es";
    case CCM_GUEST_PLATFORM_SEV_SNP:
        return "libvirt-sev-snp";
    case CCM_GUEST_PLATFORM_TDX:
        return "libvirt-tdx";
    case CCM_GUEST_PLATFORM_CCA:
        return "libvirt-cca";
    default:
        return NULL;
    }
}

gboolean ccm_host_check_add_libvirt(CcmHostCheck *check, const char *uri,
                                    CcmLibvirtVersion version, const char *domcaps,
                                    const char *virttype, GError **error)
{
    g_auto(Domcaps) d = { 0 };
    if (!parse(domcaps, uri, &d, error))
        return FALSE;

    CcmHostCheckLibvirt *l = &check->libvirt;
    g_autofree char *have = ccm_libvirt_version_to_string(version);
    g_free(l->source);
    g_free(l->not_consulted);
    l->not_consulted = NULL;
    l->source = g_strdup_printf("domain capabilities of libvirt %s at %s", have, uri);
    ccm_host_check_add(check, "libvirt", "libvirt", CCM_CHECK_INFO, 0,
                       "libvirt %s at %s: QEMU %s, domain type %s, machine %s", have, uri,
                       d.emulator ? d.emulator : "(not named)", d.domain ? d.domain : virttype,
                       d.machine ? d.machine : "(default)");
    for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++) {
        g_free(l->why_not[p]);
        l->why_not[p] = why_not((CcmGuestPlatform) p, version, &d, virttype);
        l->can_launch[p] = l->why_not[p] == NULL;
        const char *id = item_id((CcmGuestPlatform) p);
        if (!id)
            continue;
        g_autofree char *title = g_strdup_printf(
            "libvirt: %s", ccm_guest_platform_to_string((CcmGuestPlatform) p));
        if (!check->applicable[p])
            ccm_host_check_add(check, id, title, CCM_CHECK_SKIP, 0, "does not apply here (%s); %s",
                               check->not_applicable[p],
                               l->can_launch[p] ? "libvirt can launch it" : l->why_not[p]);
        else
            ccm_host_check_add(check, id, title,
                               l->can_launch[p] ? CCM_CHECK_PASS : CCM_CHECK_FAIL, 0, "%s",
                               l->can_launch[p] ? "libvirt can launch it" : l->why_not[p]);
    }
    return TRUE;
}

void ccm_host_check_libvirt_not_consulted(CcmHostCheck *check, const char *why)
{
    g_free(check->libvirt.not_consulted);
    check->libvirt.not_consulted = g_strdup(why);
    ccm_host_check_add(check, "libvirt", "libvirt", CCM_CHECK_INFO, 0, "not consulted: %s", why);
}
