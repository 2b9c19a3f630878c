/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-map.c - `ccmctl map MAP.json`: an execution map (ccm-qemu-plugin's map=) as a
 * summary, a list of what ran from bytes no measurement vouches for, and a picture
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "ccmctl.h"
#include "exec-map.h"

int ccmctl_map_report(const char *path, const char *svg, gboolean json, json_object **ret_json)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmExecMap) m = ccm_exec_map_load(path, &error);
    if (!m)
        return ccmctl_fail("map", error);
    if (svg) {
        g_autofree char *picture = ccm_exec_map_svg(m);
        if (!g_file_set_contents(svg, picture, -1, &error))
            return ccmctl_fail("map", error);
    }

    g_autofree char *text = NULL;
    if (json || ret_json) {
        json_object *o = json_object_new_object(), *flagged = json_object_new_array();
        json_object_object_add(o, "map", json_object_new_string(path));
        json_object_object_add(o, "platform", json_object_new_string(m->platform));
        json_object_object_add(o, "stopped", json_object_new_string(m->stopped));
        json_object_object_add(o, "executed_pages", json_object_new_int64((int64_t) m->executed_pages));
        /* Pages per kind, the kind's name in the snake_case of JSON keys. */
        static const char *const kinds[][2] = { { "measured", "measured" },
                                                { "guest-written", "guest_written" },
                                                { "host-written", "host_written" },
                                                { "unwritten", "unwritten" } };
        for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
            guint64 pages = ccm_exec_map_pages(m, kinds[i][0]);
            json_object_object_add(o, kinds[i][1], json_object_new_int64((int64_t) pages));
        }
        json_object_object_add(o, "flagged_pages", json_object_new_int64((int64_t) m->flagged_pages));
        for (guint i = 0; i < m->executed->len; i++) {
            const CcmMapRange *r = m->executed->pdata[i];
            if (!r->flagged)
                continue;
            json_object *j = json_object_new_object();
            g_autofree char *start = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", r->start);
            g_autofree char *end = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", r->end);
            json_object_object_add(j, "start", json_object_new_string(start));
            json_object_object_add(j, "end", json_object_new_string(end));
            json_object_object_add(j, "kind", json_object_new_string(r->kind));
            json_object_object_add(j, "source", r->source ? json_object_new_string(r->source) : NULL);
            json_object_array_add(flagged, j);
        }
        json_object_object_add(o, "flagged", flagged);
        json_object_object_add(o, "svg", svg ? json_object_new_string(svg) : NULL);
        if (ret_json) {
            *ret_json = o;
            return m->flagged_pages ? CCMCTL_EXIT_FAILURE : CCMCTL_EXIT_OK;
        }
        text = ccmctl_json_text("ccm-map/1", o);
    } else {
        g_autoptr(GString) s = g_string_new(NULL);
        g_string_append_printf(s, "%" G_GUINT64_FORMAT " pages ran until %s (set against %s): "
                                  "%" G_GUINT64_FORMAT " measured, %" G_GUINT64_FORMAT
                                  " guest-written, %" G_GUINT64_FORMAT " host-written, %"
                                  G_GUINT64_FORMAT " unwritten; %" G_GUINT64_FORMAT
                                  " flagged\n",
                               m->executed_pages, m->stopped, m->platform,
                               ccm_exec_map_pages(m, "measured"),
                               ccm_exec_map_pages(m, "guest-written"),
                               ccm_exec_map_pages(m, "host-written"),
                               ccm_exec_map_pages(m, "unwritten"), m->flagged_pages);
        for (guint i = 0; i < m->executed->len; i++) {
            const CcmMapRange *r = m->executed->pdata[i];
            if (r->flagged)
                g_string_append_printf(s, "flagged  0x%09" G_GINT64_MODIFIER "x-0x%09"
                                          G_GINT64_MODIFIER "x  ran %s bytes%s%s that no "
                                          "measurement covers\n",
                                       r->start, r->end, r->kind, r->source ? " from " : "",
                                       r->source ? r->source : "");
        }
        if (svg)
            g_string_append_printf(s, "picture  %s\n", svg);
        text = g_string_free(g_steal_pointer(&s), FALSE);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("map", error);
    return m->flagged_pages ? CCMCTL_EXIT_FAILURE : CCMCTL_EXIT_OK;
}

int ccmctl_map(int argc, char **argv)
{
    g_autofree char *svg = NULL;
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg,
          "Also draw the guest-physical layout as an SVG picture", "FILE" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    g_set_prgname("ccmctl map");
    g_autoptr(GOptionContext) context =
        g_option_context_new("MAP.json - what a boot executed, and from which bytes");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context,
                                     "Exit status: 0 nothing ran from bytes no measurement "
                                     "covers, 1 something did (listed) or the map cannot be "
                                     "read, 2 usage error. See ccmctl-map(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("map", error);
    if (argc != 2) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "expected one MAP.json (ccm-qemu-plugin's map=)");
        return ccmctl_fail("map", error);
    }
    return ccmctl_map_report(argv[1], svg, json, NULL);
}
