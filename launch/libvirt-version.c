/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-version.c - which libvirt release can launch which confidential guest
 *
 * The first releases whose domain schema has each <launchSecurity type=>: 'sev' 4.4.0,
 * 'sev-snp' 10.5.0 and 'tdx' 11.6.0 (see qemu-libvirt.md in the project's specs: 11.3
 * rejects it, the Go XML bindings added it in July 2025, before 11.6.0 was released).
 * No release to date has one for Arm CCA.
 */
#include <errno.h>
#include <stdio.h>

#include "launch-plan.h"
#include "libvirt-version.h"

gboolean ccm_libvirt_version_parse(const char *text, CcmLibvirtVersion *ret, GError **error)
{
    unsigned v[3] = { 0, 0, 0 };
    int n = 0;
    const char *p = text;

    while (n < 3 && g_ascii_isdigit(*p)) {
        char *end = NULL;
        errno = 0;
        guint64 x = g_ascii_strtoull(p, &end, 10);
        if (errno || x > 999 || end - p > 3)
            break;
        v[n++] = (unsigned) x;
        p = end;
        if (*p != '.')
            break;
        p++;
    }
    if (n < 2 || *p != '\0' || p[-1] == '.') {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "'%s' is not a libvirt version; expected MAJOR.MINOR[.MICRO], e.g. 10.5.0",
                    text);
        return FALSE;
    }
    *ret = (CcmLibvirtVersion){ v[0], v[1], v[2] };
    return TRUE;
}

CcmLibvirtVersion ccm_libvirt_version_from_number(unsigned long number)
{
    return (CcmLibvirtVersion){ (unsigned) (number / 1000000), (unsigned) (number / 1000 % 1000),
                                (unsigned) (number % 1000) };
}

char *ccm_libvirt_version_to_string(CcmLibvirtVersion v)
{
    return g_strdup_printf("%u.%u.%u", v.major, v.minor, v.micro);
}

int ccm_libvirt_version_compare(CcmLibvirtVersion a, CcmLibvirtVersion b)
{
    if (a.major != b.major)
        return a.major < b.major ? -1 : 1;
    if (a.minor != b.minor)
        return a.minor < b.minor ? -1 : 1;
    if (a.micro != b.micro)
        return a.micro < b.micro ? -1 : 1;
    return 0;
}

bool ccm_libvirt_launch_security_since(CcmGuestPlatform platform, CcmLibvirtVersion *ret)
{
    switch (platform) {
    case CCM_GUEST_PLATFORM_NONE:
        *ret = (CcmLibvirtVersion){ 0, 0, 0 };
        return true;
    case CCM_GUEST_PLATFORM_SEV:
    case CCM_GUEST_PLATFORM_SEV_ES:
        *ret = (CcmLibvirtVersion){ 4, 4, 0 };
        return true;
    case CCM_GUEST_PLATFORM_SEV_SNP:
        *ret = (CcmLibvirtVersion){ 10, 5, 0 };
        return true;
    case CCM_GUEST_PLATFORM_TDX:
        *ret = (CcmLibvirtVersion){ 11, 6, 0 };
        return true;
    case CCM_GUEST_PLATFORM_CCA:
    default:
        return false;
    }
}

static const char *platform_title(CcmGuestPlatform platform)
{
    switch (platform) {
    case CCM_GUEST_PLATFORM_SEV:
        return "SEV";
    case CCM_GUEST_PLATFORM_SEV_ES:
        return "SEV-ES";
    case CCM_GUEST_PLATFORM_SEV_SNP:
        return "SEV-SNP";
    case CCM_GUEST_PLATFORM_TDX:
        return "TDX";
    case CCM_GUEST_PLATFORM_CCA:
        return "Arm CCA";
    default:
        return "no";
    }
}

gboolean ccm_libvirt_check_version(const CcmGuestSpec *spec, CcmLibvirtVersion have,
                                   const char *whose, GError **error)
{
    CcmLibvirtVersion since;
    g_autofree char *have_s = ccm_libvirt_version_to_string(have);

    if (!ccm_libvirt_launch_security_since(spec->platform, &since)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: no libvirt release has %s launch security (libvirt %s is %s)",
                    spec->path, platform_title(spec->platform), have_s, whose);
        return FALSE;
    }
    if (ccm_libvirt_version_compare(have, since) < 0) {
        g_autofree char *since_s = ccm_libvirt_version_to_string(since);
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: libvirt %s (%s) has no %s launch security; it needs libvirt %s or "
                    "later",
                    spec->path, have_s, whose, platform_title(spec->platform), since_s);
        return FALSE;
    }
    return TRUE;
}
