/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* base64url.c - the URL-safe base64 of RFC 4648 section 5, decoded */
#include <string.h>

#include "base64url.h"

#define BASE64URL_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

GBytes *ccm_base64url_decode(const char *text)
{
    size_t len = text ? strlen(text) : 0;
    while (len && text[len - 1] == '=')
        len--;
    /* @len stops before the padding: at most two '=', and only the alphabet before them */
    if (len == 0 || len % 4 == 1 || strlen(text) - len > 2 ||
        strspn(text, BASE64URL_ALPHABET) != len)
        return NULL;
    g_autoptr(GString) standard = g_string_new_len(text, (gssize) len);
    g_strdelimit(standard->str, "-", '+');
    g_strdelimit(standard->str, "_", '/');
    while (standard->len % 4)
        g_string_append_c(standard, '=');
    gsize n = 0;
    guchar *raw = g_base64_decode(standard->str, &n);
    return g_bytes_new_take(raw, n);
}
