/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hex.c - lowercase hex text of bytes, as measurements and identities are shown */
#include <glib.h>

#include "hex.h"

char *ccm_hex_encode(const uint8_t *data, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    char *hex = g_malloc(2 * size + 1);

    for (size_t i = 0; i < size; i++) {
        hex[2 * i] = digits[data[i] >> 4];
        hex[2 * i + 1] = digits[data[i] & 0xF];
    }
    hex[2 * size] = '\0';
    return hex;
}
