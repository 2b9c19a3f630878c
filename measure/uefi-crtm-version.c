/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-crtm-version.c - PCR0's EV_S_CRTM_VERSION event
 *
 * Tcg2Pei logs the firmware version string (PcdFirmwareVersionString) first in PCR0: the
 * event data is the string as UTF-16LE with its NUL, the digests are of that data. The
 * string is a fixed-at-build value inside Tcg2Pei's image with nothing that marks it, and
 * an empty one (Debian's 2022.11 builds) leaves no trace at all, so it is not read from the
 * image: callers take it from what they know of the build (ccm_uefi_firmware_build_find()).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "ccm/measure.h"
#include "digest.h"

int ccm_uefi_crtm_version_digest(const char *version, uint8_t *ret_sha256, uint8_t *ret_sha384)
{
    if (!version)
        return -EINVAL;
    glong units = 0;
    g_autofree gunichar2 *utf16 = g_utf8_to_utf16(version, -1, NULL, &units, NULL);
    if (!utf16)
        return -EINVAL;
    /* The NUL is part of the event data. */
    size_t size = ((size_t) units + 1) * 2;
    g_autofree uint8_t *data = g_malloc(size);
    for (size_t i = 0; i <= (size_t) units; i++) {
        data[2 * i] = (uint8_t) utf16[i];
        data[2 * i + 1] = (uint8_t) (utf16[i] >> 8);
    }
    uint8_t sha256[CCM_SHA256_SIZE], sha384[CCM_SHA384_SIZE];
    int r = ccm_digest_once(CCM_HASH_SHA256, data, size, sha256);
    if (r == 0)
        r = ccm_digest_once(CCM_HASH_SHA384, data, size, sha384);
    if (r < 0)
        return r;
    if (ret_sha256)
        memcpy(ret_sha256, sha256, sizeof(sha256));
    if (ret_sha384)
        memcpy(ret_sha384, sha384, sizeof(sha384));
    return 0;
}
