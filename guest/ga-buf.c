/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ga-buf.c - a growable byte buffer, always NUL-terminated */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ga-buf.h"

void ga_buf_clear(GaBuf *buf)
{
    if (buf->data) {
        OPENSSL_cleanse(buf->data, buf->cap);
        free(buf->data);
    }
    *buf = (GaBuf) { 0 };
}

static void ga_buf_reserve(GaBuf *buf, size_t extra)
{
    if (extra >= SIZE_MAX / 2 - buf->len)
        abort();
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < need)
        cap *= 2;
    /* Not realloc: the old block may hold a secret and is wiped before it goes. */
    char *data = malloc(cap);
    if (!data)
        abort();
    if (buf->data) {
        memcpy(data, buf->data, buf->len + 1);
        OPENSSL_cleanse(buf->data, buf->cap);
        free(buf->data);
    }
    buf->data = data;
    buf->cap = cap;
}

void ga_buf_append(GaBuf *buf, const void *data, size_t len)
{
    ga_buf_reserve(buf, len);
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

uint8_t *ga_buf_grow(GaBuf *buf, size_t len)
{
    ga_buf_reserve(buf, len);
    uint8_t *start = (uint8_t *) buf->data + buf->len;
    memset(start, 0, len + 1);
    buf->len += len;
    return start;
}

void ga_buf_append_str(GaBuf *buf, const char *text)
{
    ga_buf_append(buf, text, strlen(text));
}

void ga_buf_printf(GaBuf *buf, const char *format, ...)
{
    /* Most texts fit in a small buffer; the size of the others comes with it. */
    char small[256];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(small, sizeof(small), format, ap);
    va_end(ap);
    if (n < 0)
        abort();
    if ((size_t) n < sizeof(small)) {
        ga_buf_append(buf, small, (size_t) n);
        OPENSSL_cleanse(small, sizeof(small));
        return;
    }
    ga_buf_reserve(buf, (size_t) n);
    va_start(ap, format);
    vsnprintf(buf->data + buf->len, (size_t) n + 1, format, ap);
    va_end(ap);
    buf->len += (size_t) n;
}

const char *ga_buf_str(const GaBuf *buf)
{
    return buf->data ? buf->data : "";
}
