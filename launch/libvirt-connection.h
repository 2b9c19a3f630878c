/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-connection.h - where ccmctl talks to a libvirt daemon through libvirt's C API
 *
 * `ccmctl define` defines a domain, `ccmctl measure --domain` reads one's XML and
 * `ccmctl host-check` reads the domain capabilities. libvirt.so.0 is loaded on first use
 * (optional-library.h): nothing else in ccm needs it, and ccmd never calls libvirt (its
 * hook runs while libvirt holds the domain: a call back would deadlock).
 *
 * libvirt's own error printing is silenced; every failure is one GError (domain
 * CCM_LIBVIRT_ERROR) that names the connection URI and carries libvirt's message.
 */
#pragma once

#include <glib.h>

#include "libvirt-version.h"

#define CCM_LIBVIRT_ERROR (ccm_libvirt_error_quark())
GQuark ccm_libvirt_error_quark(void);

typedef enum CcmLibvirtErrorCode {
    CCM_LIBVIRT_ERROR_UNAVAILABLE, /* the library cannot be loaded, or no daemon answers */
    CCM_LIBVIRT_ERROR_NO_DOMAIN,   /* no domain of that name */
    CCM_LIBVIRT_ERROR_FAILED,      /* libvirt refused the request; its message says why */
} CcmLibvirtErrorCode;

typedef struct CcmLibvirt CcmLibvirt;

/**
 * ccm_libvirt_connect() - open a connection to the libvirt daemon at @uri
 * @uri: e.g. "qemu:///system"; NULL for libvirt's default (LIBVIRT_DEFAULT_URI, ...)
 * @read_only: whether reading is all the caller does (allowed to more users)
 *
 * Never starts a daemon of its own accord beyond what libvirt does for @uri.
 */
CcmLibvirt *ccm_libvirt_connect(const char *uri, gboolean read_only, GError **error);
void ccm_libvirt_free(CcmLibvirt *lv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmLibvirt, ccm_libvirt_free)

/* The URI the connection reached (libvirt's canonical form). */
const char *ccm_libvirt_uri(const CcmLibvirt *lv);

/* The version of the daemon's libvirt (what decides the XML it accepts). */
CcmLibvirtVersion ccm_libvirt_daemon_version(const CcmLibvirt *lv);

/* The version of the hypervisor the daemon drives, e.g. QEMU 7.2.22; {0} if unknown. */
CcmLibvirtVersion ccm_libvirt_hypervisor_version(const CcmLibvirt *lv);

/**
 * ccm_libvirt_domain_xml() - the XML of the defined domain @name
 * @inactive: TRUE for its persistent definition (what its next start launches), FALSE for
 *            the running one when it runs
 */
char *ccm_libvirt_domain_xml(CcmLibvirt *lv, const char *name, gboolean inactive,
                             GError **error);

/* The UUID of the defined domain @name: TRUE with *@ret_uuid NULL when there is none. */
gboolean ccm_libvirt_domain_uuid(CcmLibvirt *lv, const char *name, char **ret_uuid,
                                 GError **error);

/* Defines (or, with the same name and UUID, redefines) the domain @xml describes; returns
 * its UUID as a string. */
char *ccm_libvirt_define(CcmLibvirt *lv, const char *xml, GError **error);

/**
 * ccm_libvirt_domain_capabilities() - libvirt's domain capabilities XML
 * @emulator, @arch, @machine: NULL for libvirt's defaults
 * @virttype: "kvm" or "qemu" (TCG)
 */
char *ccm_libvirt_domain_capabilities(CcmLibvirt *lv, const char *emulator, const char *arch,
                                      const char *machine, const char *virttype,
                                      GError **error);

/* The version of the libvirt library installed here, for when no daemon is asked; FALSE
 * (with @error) when libvirt is not installed. */
gboolean ccm_libvirt_library_version(CcmLibvirtVersion *ret, GError **error);
