/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-version.h - which libvirt release can launch which confidential guest
 *
 * libvirt validates a domain's XML against its schema when it is defined: a
 * <launchSecurity type='sev-snp'> is an error before 10.5.0. ccmctl render --libvirt and
 * ccmctl define check the guest against the libvirt that will read the XML, so the
 * operator reads which release is needed instead of a schema error.
 */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "guest-spec.h"

typedef struct CcmLibvirtVersion {
    unsigned major, minor, micro;
} CcmLibvirtVersion;

/* "10.5.0", "10.5" (micro 0); FALSE with G_OPTION_ERROR_BAD_VALUE otherwise. */
gboolean ccm_libvirt_version_parse(const char *text, CcmLibvirtVersion *ret, GError **error);

/* libvirt's packed form, major * 1000000 + minor * 1000 + micro. */
CcmLibvirtVersion ccm_libvirt_version_from_number(unsigned long number);

/* "10.5.0" */
char *ccm_libvirt_version_to_string(CcmLibvirtVersion v);

int ccm_libvirt_version_compare(CcmLibvirtVersion a, CcmLibvirtVersion b);

/**
 * ccm_libvirt_launch_security_since() - the first libvirt that accepts @platform's
 * <launchSecurity>
 *
 * FALSE for a platform that no libvirt release expresses (Arm CCA); a guest without
 * launch security (Platform=none, rehearsals included) needs nothing and gets {0}.
 */
bool ccm_libvirt_launch_security_since(CcmGuestPlatform platform, CcmLibvirtVersion *ret);

/**
 * ccm_libvirt_check_version() - whether libvirt @have (named by @whose, e.g. "the libvirt
 * at qemu:///system") can define @spec's domain
 *
 * FALSE with CCM_LAUNCH_ERROR_UNSUPPORTED: "SPEC: libvirt 9.0.0 (WHOSE) has no SEV-SNP
 * launch security; it needs libvirt 10.5.0 or later".
 */
gboolean ccm_libvirt_check_version(const CcmGuestSpec *spec, CcmLibvirtVersion have,
                                   const char *whose, GError **error);
