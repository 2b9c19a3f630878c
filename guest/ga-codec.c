/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ga-codec.c - base64url (JOSE's flavour) and lowercase hex */
#include "ga-codec.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void ga_b64url_encode(GaBuf *out, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t) data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t) data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        char quad[4] = {
            b64url_alphabet[v >> 18 & 63], b64url_alphabet[v >> 12 & 63],
            b64url_alphabet[v >> 6 & 63], b64url_alphabet[v & 63],
        };
        size_t n = len - i >= 3 ? 4 : len - i + 1;
        ga_buf_append(out, quad, n);
    }
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

bool ga_b64url_decode(GaBuf *out, const char *text, size_t len)
{
    if (len % 4 == 1)
        return false;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value(text[i]);
        if (v < 0)
            return false;
        acc = (acc << 6 | (uint32_t) v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            uint8_t byte = (uint8_t) (acc >> bits);
            ga_buf_append(out, &byte, 1);
        }
    }
    return true;
}

void ga_hex_encode(GaBuf *out, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        char pair[2] = { digits[data[i] >> 4], digits[data[i] & 15] };
        ga_buf_append(out, pair, 2);
    }
}
