/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* byte-size.c - a size given on a command line: bytes, or a number with K, M or G */
#include <errno.h>

#include "byte-size.h"

gboolean ccm_byte_size_parse(const char *text, guint64 *ret)
{
    char *end = NULL;
    guint shift = 0;

    if (!g_ascii_isdigit(text[0]))
        return FALSE;
    errno = 0;
    guint64 v = g_ascii_strtoull(text, &end, 10);
    if (errno != 0)
        return FALSE;
    switch (*end) {
    case 'K':
    case 'k':
        shift = 10;
        break;
    case 'M':
    case 'm':
        shift = 20;
        break;
    case 'G':
    case 'g':
        shift = 30;
        break;
    default:
        break;
    }
    if (shift)
        end++;
    if (*end != '\0' || v == 0 || v > (G_MAXUINT64 >> shift))
        return FALSE;
    *ret = v << shift;
    return TRUE;
}
