/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guid.h - EFI GUIDs as they are stored in firmware images */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* A GUID in EFI (mixed-endian) byte order, exactly as it appears in an image. */
typedef struct CcmGuid {
    uint8_t bytes[16];
} CcmGuid;

#define CCM_GUID_STRING_SIZE 37

/* Builds the stored form of GUID d1-d2-d3-b0b1-b2b3b4b5b6b7. */
#define CCM_GUID_INIT(d1, d2, d3, b0, b1, b2, b3, b4, b5, b6, b7)                                 \
    {                                                                                              \
        {                                                                                          \
            (d1) & 0xff, ((d1) >> 8) & 0xff, ((d1) >> 16) & 0xff, ((d1) >> 24) & 0xff, (d2) & 0xff,\
                ((d2) >> 8) & 0xff, (d3) & 0xff, ((d3) >> 8) & 0xff, b0, b1, b2, b3, b4, b5, b6,   \
                b7                                                                                 \
        }                                                                                          \
    }

static inline bool ccm_guid_equal_bytes(const CcmGuid *guid, const uint8_t *bytes)
{
    return memcmp(guid->bytes, bytes, sizeof(guid->bytes)) == 0;
}

/* Writes the canonical lower-case text form into @buf (CCM_GUID_STRING_SIZE bytes). */
const char *ccm_guid_format(const uint8_t *stored, char *buf);
