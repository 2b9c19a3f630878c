/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* byte-size.h - a size given on a command line: bytes, or a number with K, M or G */
#pragma once

#include <glib.h>

/* "4G", "512M", "64k", "1048576": bytes (binary units). FALSE for anything else, for 0
 * and for sizes that do not fit in 64 bits. */
gboolean ccm_byte_size_parse(const char *text, guint64 *ret);
