/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt-connection.c - where ccmctl talks to a libvirt daemon through libvirt's C API */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "libvirt-connection.h"
#include "optional-library.h"

G_DEFINE_QUARK(ccm-libvirt-error-quark, ccm_libvirt_error)

static CCM_OPTIONAL_SYMBOL(virConnectOpen);
static CCM_OPTIONAL_SYMBOL(virConnectOpenReadOnly);
static CCM_OPTIONAL_SYMBOL(virConnectClose);
static CCM_OPTIONAL_SYMBOL(virConnectGetURI);
static CCM_OPTIONAL_SYMBOL(virConnectGetLibVersion);
static CCM_OPTIONAL_SYMBOL(virConnectGetVersion);
static CCM_OPTIONAL_SYMBOL(virConnectGetDomainCapabilities);
static CCM_OPTIONAL_SYMBOL(virDomainLookupByName);
static CCM_OPTIONAL_SYMBOL(virDomainGetXMLDesc);
static CCM_OPTIONAL_SYMBOL(virDomainDefineXML);
static CCM_OPTIONAL_SYMBOL(virDomainGetUUIDString);
static CCM_OPTIONAL_SYMBOL(virDomainFree);
static CCM_OPTIONAL_SYMBOL(virGetLastError);
static CCM_OPTIONAL_SYMBOL(virResetLastError);
static CCM_OPTIONAL_SYMBOL(virSetErrorFunc);
static CCM_OPTIONAL_SYMBOL(virGetVersion);

static const CcmOptionalSymbol symbols[] = {
    CCM_OPTIONAL_SYMBOL_ENTRY(virConnectOpen),
    CCM_OPTIONAL_SYMBOL_ENTRY(virConnectOpenReadOnly),
    CCM_OPTIONAL_SYMBOL_ENTRY(virConnectClose),
    CCM_OPTIONAL_SYMBOL_ENTRY(virConnectGetURI),
    CCM_OPTIONAL_SYMBOL_ENTRY(virConnectGetLibVersion),
    CCM_OPTIONAL_SYMBOL_ENTRY(virConnectGetVersion),
    CCM_OPTIONAL_SYMBOL_ENTRY(virConnectGetDomainCapabilities),
    CCM_OPTIONAL_SYMBOL_ENTRY(virDomainLookupByName),
    CCM_OPTIONAL_SYMBOL_ENTRY(virDomainGetXMLDesc),
    CCM_OPTIONAL_SYMBOL_ENTRY(virDomainDefineXML),
    CCM_OPTIONAL_SYMBOL_ENTRY(virDomainGetUUIDString),
    CCM_OPTIONAL_SYMBOL_ENTRY(virDomainFree),
    CCM_OPTIONAL_SYMBOL_ENTRY(virGetLastError),
    CCM_OPTIONAL_SYMBOL_ENTRY(virResetLastError),
    CCM_OPTIONAL_SYMBOL_ENTRY(virSetErrorFunc),
    CCM_OPTIONAL_SYMBOL_ENTRY(virGetVersion),
    { NULL },
};

static CcmOptionalLibrary libvirt = {
    .soname = "libvirt.so.0",
    .package = "libvirt0",
    .purpose = "talking to libvirt",
    .symbols = symbols,
};

struct CcmLibvirt {
    virConnectPtr conn;
    char *uri;
    CcmLibvirtVersion daemon, hypervisor;
};

/* libvirt prints every error on stderr unless told otherwise; ccm reports its own. */
static void quiet(void *userdata G_GNUC_UNUSED, virErrorPtr error G_GNUC_UNUSED)
{
}

static gboolean load(GError **error)
{
    g_autoptr(GError) e = NULL;
    if (!ccm_optional_library_load(&libvirt, &e)) {
        g_set_error_literal(error, CCM_LIBVIRT_ERROR, CCM_LIBVIRT_ERROR_UNAVAILABLE, e->message);
        return FALSE;
    }
    sym_virSetErrorFunc(NULL, quiet);
    return TRUE;
}

/* libvirt's message for the call that just failed, or a placeholder. */
static const char *last_message(int *ret_code)
{
    virErrorPtr e = sym_virGetLastError();
    if (ret_code)
        *ret_code = e ? e->code : 0;
    return e && e->message ? e->message : "libvirt gave no reason";
}

static void fail(GError **error, CcmLibvirtErrorCode code, const char *uri, const char *what)
{
    g_set_error(error, CCM_LIBVIRT_ERROR, code, "libvirt at %s: %s: %s", uri, what,
                last_message(NULL));
    sym_virResetLastError();
}

CcmLibvirt *ccm_libvirt_connect(const char *uri, gboolean read_only, GError **error)
{
    if (!load(error))
        return NULL;
    const char *shown = uri ? uri : "libvirt's default URI";
    virConnectPtr conn = read_only ? sym_virConnectOpenReadOnly(uri) : sym_virConnectOpen(uri);
    if (!conn) {
        g_set_error(error, CCM_LIBVIRT_ERROR, CCM_LIBVIRT_ERROR_UNAVAILABLE,
                    "cannot connect to libvirt at %s: %s", shown, last_message(NULL));
        sym_virResetLastError();
        return NULL;
    }
    CcmLibvirt *lv = g_new0(CcmLibvirt, 1);
    lv->conn = conn;
    char *canonical = sym_virConnectGetURI(conn);
    lv->uri = g_strdup(canonical ? canonical : shown);
    free(canonical);
    unsigned long v = 0;
    if (sym_virConnectGetLibVersion(conn, &v) < 0) {
        fail(error, CCM_LIBVIRT_ERROR_FAILED, lv->uri, "cannot read its version");
        ccm_libvirt_free(lv);
        return NULL;
    }
    lv->daemon = ccm_libvirt_version_from_number(v);
    v = 0;
    if (sym_virConnectGetVersion(conn, &v) == 0)
        lv->hypervisor = ccm_libvirt_version_from_number(v);
    else
        sym_virResetLastError();
    return lv;
}

void ccm_libvirt_free(CcmLibvirt *lv)
{
    if (!lv)
        return;
    if (lv->conn)
        sym_virConnectClose(lv->conn);
    g_free(lv->uri);
    g_free(lv);
}

const char *ccm_libvirt_uri(const CcmLibvirt *lv)
{
    return lv->uri;
}

CcmLibvirtVersion ccm_libvirt_daemon_version(const CcmLibvirt *lv)
{
    return lv->daemon;
}

CcmLibvirtVersion ccm_libvirt_hypervisor_version(const CcmLibvirt *lv)
{
    return lv->hypervisor;
}

/* The domain @name, or NULL with @error (CCM_LIBVIRT_ERROR_NO_DOMAIN when there is none). */
static virDomainPtr lookup(CcmLibvirt *lv, const char *name, GError **error)
{
    virDomainPtr dom = sym_virDomainLookupByName(lv->conn, name);
    if (dom)
        return dom;
    int code = 0;
    const char *message = last_message(&code);
    if (code == VIR_ERR_NO_DOMAIN)
        g_set_error(error, CCM_LIBVIRT_ERROR, CCM_LIBVIRT_ERROR_NO_DOMAIN,
                    "libvirt at %s has no domain named '%s'", lv->uri, name);
    else
        g_set_error(error, CCM_LIBVIRT_ERROR, CCM_LIBVIRT_ERROR_FAILED,
                    "libvirt at %s: cannot look up domain '%s': %s", lv->uri, name, message);
    sym_virResetLastError();
    return NULL;
}

gboolean ccm_libvirt_domain_uuid(CcmLibvirt *lv, const char *name, char **ret_uuid,
                                 GError **error)
{
    g_autoptr(GError) e = NULL;
    *ret_uuid = NULL;
    virDomainPtr dom = lookup(lv, name, &e);
    if (!dom) {
        if (g_error_matches(e, CCM_LIBVIRT_ERROR, CCM_LIBVIRT_ERROR_NO_DOMAIN))
            return TRUE;
        g_propagate_error(error, g_steal_pointer(&e));
        return FALSE;
    }
    char uuid[VIR_UUID_STRING_BUFLEN] = "";
    int r = sym_virDomainGetUUIDString(dom, uuid);
    if (r < 0) {
        g_autofree char *what = g_strdup_printf("cannot read the UUID of domain '%s'", name);
        fail(error, CCM_LIBVIRT_ERROR_FAILED, lv->uri, what);
    }
    sym_virDomainFree(dom);
    if (r < 0)
        return FALSE;
    *ret_uuid = g_strdup(uuid);
    return TRUE;
}

char *ccm_libvirt_domain_xml(CcmLibvirt *lv, const char *name, gboolean inactive,
                             GError **error)
{
    virDomainPtr dom = lookup(lv, name, error);
    if (!dom)
        return NULL;
    char *xml = sym_virDomainGetXMLDesc(dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
    if (!xml) {
        g_autofree char *what = g_strdup_printf("cannot read the XML of domain '%s'", name);
        fail(error, CCM_LIBVIRT_ERROR_FAILED, lv->uri, what);
    }
    sym_virDomainFree(dom);
    char *copy = g_strdup(xml);
    free(xml);
    return copy;
}

char *ccm_libvirt_define(CcmLibvirt *lv, const char *xml, GError **error)
{
    virDomainPtr dom = sym_virDomainDefineXML(lv->conn, xml);
    if (!dom) {
        fail(error, CCM_LIBVIRT_ERROR_FAILED, lv->uri, "it refused the domain");
        return NULL;
    }
    char uuid[VIR_UUID_STRING_BUFLEN] = "";
    if (sym_virDomainGetUUIDString(dom, uuid) < 0) {
        sym_virResetLastError();
        uuid[0] = '\0';
    }
    sym_virDomainFree(dom);
    return g_strdup(uuid);
}

char *ccm_libvirt_domain_capabilities(CcmLibvirt *lv, const char *emulator, const char *arch,
                                      const char *machine, const char *virttype,
                                      GError **error)
{
    char *xml = sym_virConnectGetDomainCapabilities(lv->conn, emulator, arch, machine, virttype,
                                                    0);
    if (!xml) {
        g_autofree char *what =
            g_strdup_printf("cannot read its domain capabilities for %s", virttype);
        fail(error, CCM_LIBVIRT_ERROR_FAILED, lv->uri, what);
        return NULL;
    }
    char *copy = g_strdup(xml);
    free(xml);
    return copy;
}

gboolean ccm_libvirt_library_version(CcmLibvirtVersion *ret, GError **error)
{
    if (!load(error))
        return FALSE;
    unsigned long v = 0;
    if (sym_virGetVersion(&v, NULL, NULL) < 0) {
        g_set_error(error, CCM_LIBVIRT_ERROR, CCM_LIBVIRT_ERROR_FAILED,
                    "the libvirt library cannot tell its version: %s", last_message(NULL));
        sym_virResetLastError();
        return FALSE;
    }
    *ret = ccm_libvirt_version_from_number(v);
    return TRUE;
}
