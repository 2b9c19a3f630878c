/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hex.h - lowercase hex text of bytes, as measurements and identities are shown */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* @size bytes as 2 * @size lowercase hex digits (g_free it). */
char *ccm_hex_encode(const uint8_t *data, size_t size);
