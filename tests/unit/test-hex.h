/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-hex.h - lower-case hex for test assertions */
#pragma once

#include <stdint.h>

#include <glib.h>

static inline char *test_hex(const uint8_t *data, size_t size)
{
    GString *s = g_string_sized_new(2 * size + 1);
    for (size_t i = 0; i < size; i++)
        g_string_append_printf(s, "%02x", data[i]);
    return g_string_free(s, FALSE);
}
