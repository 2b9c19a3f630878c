/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hex.c - lowercase hex text of bytes, as measurements and identities are shown, and back */
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

gboolean ccm_hex_decode(const char *text, GByteArray *out)
{
    int hi = -1;

    for (const char *p = text; *p; p++) {
        if (g_ascii_isspace(*p))
            continue;
        int v = g_ascii_xdigit_value(*p);
        if (v < 0)
            return FALSE;
        if (hi < 0) {
            hi = v;
        } else {
            guint8 b = (guint8) (hi << 4 | v);
            g_byte_array_append(out, &b, 1);
            hi = -1;
        }
    }
    return hi < 0 && out->len > 0;
}
