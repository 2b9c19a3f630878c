/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ga-codec.h - base64url (JOSE's flavour) and lowercase hex */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ga-buf.h"

/* URL-safe base64 without padding, appended to @out. */
void ga_b64url_encode(GaBuf *out, const uint8_t *data, size_t len);

/* Decode URL-safe base64 without padding into @out; false on any other alphabet, on
 * '=' and on an impossible length (as strict as the KBS's own decoder). */
bool ga_b64url_decode(GaBuf *out, const char *text, size_t len);

/* Lowercase hex, appended to @out. */
void ga_hex_encode(GaBuf *out, const uint8_t *data, size_t len);
