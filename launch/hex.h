/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hex.h - lowercase hex text of bytes, as measurements and identities are shown, and back */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* @size bytes as 2 * @size lowercase hex digits (g_free it). */
char *ccm_hex_encode(const uint8_t *data, size_t size);

/* Hex digits of @text (whitespace ignored) appended to @out as bytes; FALSE if @text is
 * not a non-empty, even run of hex digits. */
gboolean ccm_hex_decode(const char *text, GByteArray *out);
