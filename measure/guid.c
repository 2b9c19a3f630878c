/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guid.c - EFI GUIDs as they are stored in firmware images */
#include <stdio.h>

#include "bytes.h"
#include "guid.h"

const char *ccm_guid_format(const uint8_t *stored, char *buf)
{
    snprintf(buf, CCM_GUID_STRING_SIZE,
             "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             ccm_load_le32(stored), ccm_load_le16(stored + 4), ccm_load_le16(stored + 6),
             stored[8], stored[9], stored[10], stored[11], stored[12], stored[13], stored[14],
             stored[15]);
    return buf;
}
