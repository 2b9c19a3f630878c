/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec-map-svg.c - an execution map as a picture of guest-physical memory
 *
 * Guest-physical memory is sparse (low RAM, then the firmware just below 4 GiB), so the
 * picture is cut into bands: every stretch the boot touched, stretches less than 1 MiB
 * apart joined, gaps left out. Each band maps its addresses linearly onto the width and
 * has two lanes: above, what the launch measured and what the host wrote afterwards;
 * below, the pages that ran, coloured by where their bytes came from. Anything that ran
 * from bytes no measurement vouches for is red, in the band and in the list under it.
 */
#include <string.h>

#include "exec-map.h"

#define WIDTH 1000
#define MARGIN 20
#define LANE 18
#define BAND (2 * LANE + 44)
#define JOIN (1u << 20)

typedef struct Band {
    guint64 start, end;
} Band;

static int compare_start(gconstpointer a, gconstpointer b)
{
    const CcmMapRange *x = *(CcmMapRange *const *) a, *y = *(CcmMapRange *const *) b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The stretches the ranges cover, joined when closer than JOIN. */
static GArray *bands_of(const CcmExecMap *m)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new();
    for (guint i = 0; i < m->regions->len; i++)
        g_ptr_array_add(all, m->regions->pdata[i]);
    for (guint i = 0; i < m->executed->len; i++)
        g_ptr_array_add(all, m->executed->pdata[i]);
    g_ptr_array_sort(all, compare_start);
    GArray *bands = g_array_new(FALSE, FALSE, sizeof(Band));
    for (guint i = 0; i < all->len; i++) {
        const CcmMapRange *r = all->pdata[i];
        Band *last = bands->len ? &g_array_index(bands, Band, bands->len - 1) : NULL;
        if (last && r->start <= last->end + JOIN) {
            last->end = MAX(last->end, r->end);
        } else {
            Band b = { r->start, r->end };
            g_array_append_val(bands, b);
        }
    }
    return bands;
}

static const char *colour(const CcmMapRange *r, bool executed)
{
    if (r->flagged)
        return "#d62728";
    if (strcmp(r->kind, "measured") == 0)
        return executed ? "#1b7a3e" : "#8fd19e";
    if (strcmp(r->kind, "measured-zero") == 0)
        return "#c7ebcf";
    if (strcmp(r->kind, "guest-written") == 0)
        return "#3b6fc4";
    if (strcmp(r->kind, "host-written") == 0)
        return r->covered ? "#e8a33d" : "#f4c98a";
    return "#d62728"; /* unwritten */
}

static void escape(GString *s, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        switch (*p) {
        case '<': g_string_append(s, "&lt;"); break;
        case '>': g_string_append(s, "&gt;"); break;
        case '&': g_string_append(s, "&amp;"); break;
        case '"': g_string_append(s, "&quot;"); break;
        default: g_string_append_c(s, *p);
        }
    }
}

static double x_of(const Band *b, guint64 address)
{
    return MARGIN + (double) (address - b->start) * WIDTH / (double) (b->end - b->start);
}

static void lane(GString *s, const Band *b, const GPtrArray *ranges, bool executed, int y)
{
    for (guint i = 0; i < ranges->len; i++) {
        const CcmMapRange *r = ranges->pdata[i];
        if (r->end <= b->start || r->start >= b->end)
            continue;
        double x0 = x_of(b, r->start), x1 = x_of(b, r->end);
        g_string_append_printf(s, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                                  "fill=\"%s\"><title>",
                               x0, y, MAX(x1 - x0, 1.0), LANE, colour(r, executed));
        g_string_append_printf(s, "0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x %s",
                               r->start, r->end, r->kind);
        if (r->source) {
            g_string_append(s, " (");
            escape(s, r->source);
            g_string_append(s, r->kind[0] == 'h' ? (r->covered ? ", covered" : ", not covered")
                                                  : "");
            g_string_append(s, ")");
        }
        if (r->flagged)
            g_string_append(s, ": FLAGGED");
        g_string_append(s, "</title></rect>\n");
        if (!executed && r->source && x1 - x0 > 70) {
            g_string_append_printf(s, "<text x=\"%.1f\" y=\"%d\" class=\"l\">", x0 + 3,
                                   y + LANE - 5);
            escape(s, r->source);
            g_string_append(s, "</text>\n");
        }
    }
}

char *ccm_exec_map_svg(const CcmExecMap *m)
{
    g_autoptr(GArray) bands = bands_of(m);
    int legend = 60, height = legend + (int) bands->len * BAND + 30 +
                              16 * (int) MIN(m->executed->len, 40u);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                              "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n"
                              "<style>.l{font-size:10px;fill:#222}.a{font-size:10px;fill:#555}"
                              "</style>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                           WIDTH + 2 * MARGIN, height);
    g_string_append_printf(s, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">", MARGIN);
    escape(s, m->path);
    g_string_append_printf(s, ": %" G_GUINT64_FORMAT " pages ran (measured %" G_GUINT64_FORMAT
                              ", guest-written %" G_GUINT64_FORMAT ", host-written %"
                              G_GUINT64_FORMAT "), %" G_GUINT64_FORMAT " flagged; set against ",
                           m->executed_pages, ccm_exec_map_pages(m, "measured"),
                           ccm_exec_map_pages(m, "guest-written"),
                           ccm_exec_map_pages(m, "host-written"), m->flagged_pages);
    escape(s, m->platform);
    g_string_append(s, "</text>\n");
    static const struct {
        const char *colour, *text;
    } keys[] = {
        { "#8fd19e", "measured at launch" }, { "#f4c98a", "written by the host (fw_cfg)" },
        { "#1b7a3e", "ran: measured" },      { "#3b6fc4", "ran: written by the guest" },
        { "#e8a33d", "ran: host-written, covered" }, { "#d62728", "ran: not vouched for" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        int x = MARGIN + (int) (i % 3) * 330, y = 30 + (int) (i / 3) * 16;
        g_string_append_printf(s, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
                                  "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
                               x, y, keys[i].colour, x + 16, y + 10, keys[i].text);
    }
    for (guint i = 0; i < bands->len; i++) {
        const Band *b = &g_array_index(bands, Band, i);
        int y = legend + 10 + (int) i * BAND;
        g_string_append_printf(s, "<text x=\"%d\" y=\"%d\" class=\"a\">0x%" G_GINT64_MODIFIER
                                  "x</text><text x=\"%d\" y=\"%d\" class=\"a\" "
                                  "text-anchor=\"end\">0x%" G_GINT64_MODIFIER "x (%"
                                  G_GUINT64_FORMAT " KiB)</text>\n",
                               MARGIN, y, b->start, MARGIN + WIDTH, y, b->end,
                               (b->end - b->start) >> 10);
        g_string_append_printf(s, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                                  "fill=\"#f2f2f2\" stroke=\"#999\"/>\n",
                               MARGIN, y + 4, WIDTH, 2 * LANE);
        lane(s, b, m->regions, false, y + 4);
        lane(s, b, m->executed, true, y + 4 + LANE);
    }
    int y = legend + 10 + (int) bands->len * BAND + 6;
    guint listed = 0;
    for (guint i = 0; i < m->executed->len && listed < 40; i++) {
        const CcmMapRange *r = m->executed->pdata[i];
        if (!r->flagged)
            continue;
        g_string_append_printf(s, "<text x=\"%d\" y=\"%d\" fill=\"#d62728\">flagged: 0x%"
                                  G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x ran %s bytes",
                               MARGIN, y + 16 * (int) listed, r->start, r->end, r->kind);
        if (r->source) {
            g_string_append(s, " from ");
            escape(s, r->source);
        }
        g_string_append(s, " that no measurement covers</text>\n");
        listed++;
    }
    g_string_append(s, "</svg>\n");
    return g_string_free(s, FALSE);
}
