/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ga-buf.h - a growable byte buffer, always NUL-terminated, and scope-exit cleanups */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Plain C has no g_autofree: the compiler's cleanup attribute does the same job. */
static inline void ga_freep(void *p)
{
    free(*(void **) p);
}
#define ga_autofree __attribute__((cleanup(ga_freep)))

/* Take ownership out of an autofree variable: returns *pp and leaves NULL behind. */
static inline void *ga_steal_pointer(void *pp)
{
    void **p = pp;
    void *value = *p;
    *p = NULL;
    return value;
}

typedef struct GaBuf {
    char *data;     /* NUL-terminated once anything was appended; NULL before */
    size_t len;     /* bytes, the terminator not counted */
    size_t cap;
} GaBuf;

/* Release the memory after wiping it (buffers may hold keys or the secret). */
void ga_buf_clear(GaBuf *buf);
#define ga_auto_buf __attribute__((cleanup(ga_buf_clear)))

/* Appending aborts on out-of-memory, as GLib does: there is no sensible way on. */
void ga_buf_append(GaBuf *buf, const void *data, size_t len);
void ga_buf_append_str(GaBuf *buf, const char *text);
/* Append @len zero bytes and return where they start (for APIs that write in place). */
uint8_t *ga_buf_grow(GaBuf *buf, size_t len);
void ga_buf_printf(GaBuf *buf, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* The data as a C string ("" when empty); the buffer keeps owning it. */
const char *ga_buf_str(const GaBuf *buf);
