/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ccmctl-time.c - the moment a verify command checks certificates at (--at) */
#include <string.h>

#include "ccmctl.h"

gboolean ccmctl_parse_at(const char *text, gint64 *ret)
{
    if (text[0] == '@') {
        char *end = NULL;
        guint64 v = g_ascii_strtoull(text + 1, &end, 10);
        if (!g_ascii_isdigit(text[1]) || *end || v == 0 || v > G_MAXINT64 / 2)
            return FALSE;
        *ret = (gint64) v;
        return TRUE;
    }
    /* A date alone is its midnight; a time without a zone is UTC. */
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autofree char *full = strchr(text, 'T') ? g_strdup(text)
                                              : g_strconcat(text, "T00:00:00Z", NULL);
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(full, utc);
    if (!t)
        return FALSE;
    *ret = g_date_time_to_unix(t);
    return *ret > 0;
}
