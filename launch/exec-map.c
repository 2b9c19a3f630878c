/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec-map.c - reading ccm-qemu-plugin's execution map
 *
 *   { "format": "ccm-exec-map", "version": 1, "plugin_api": 7, "platform": "sev-snp",
 *     "stopped": "kernel", "firmware": { "base": "0xffc00000", "size": 4194304 },
 *     "regions":  [ { "start": "0x..", "end": "0x..", "kind": .., "source": .. | null,
 *                     "covered": bool }, ... ],
 *     "executed": [ { "start": "0x..", "end": "0x..", "kind": .., "source": .. | null,
 *                     "covered": bool, "flagged": bool }, ... ] }
 */
#include <string.h>

#include "exec-map.h"
#include "json-fields.h"
#include "launch-plan.h"

#define PAGE 4096u

static const char *const region_kinds[] = { "measured", "measured-zero", "host-written", NULL };
static const char *const executed_kinds[] = { "measured", "guest-written", "host-written",
                                              "unwritten", NULL };

static void range_free(gpointer p)
{
    CcmMapRange *r = p;
    g_free(r->kind);
    g_free(r->source);
    g_free(r);
}

void ccm_exec_map_free(CcmExecMap *m)
{
    if (!m)
        return;
    g_free(m->path);
    g_free(m->platform);
    g_free(m->stopped);
    if (m->regions)
        g_ptr_array_unref(m->regions);
    if (m->executed)
        g_ptr_array_unref(m->executed);
    g_free(m);
}

static gboolean one_of(const char *value, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(value, names[i]) == 0)
            return TRUE;
    return FALSE;
}

static gboolean parse_ranges(json_object *root, const char *key, const char *path,
                             const char *const *kinds, GPtrArray *out, GError **error)
{
    json_object *list;
    if (!json_object_object_get_ex(root, key, &list) || !json_object_is_type(list, json_type_array))
        return ccm_json_fields_bad(error, path, key, "an array");
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *o = json_object_array_get_idx(list, i), *v;
        g_autofree char *where = g_strdup_printf("%s: %s[%zu]", path, key, i);
        if (!json_object_is_type(o, json_type_object))
            return ccm_json_fields_bad(error, where, key, "an object");
        CcmMapRange *r = g_new0(CcmMapRange, 1);
        g_ptr_array_add(out, r);
        if (!ccm_json_fields_hex(o, "start", where, G_MAXUINT64, &r->start, error) ||
            !ccm_json_fields_hex(o, "end", where, G_MAXUINT64, &r->end, error) ||
            !ccm_json_fields_bool(o, "covered", where, &r->covered, error))
            return FALSE;
        if (kinds == executed_kinds &&
            !ccm_json_fields_bool(o, "flagged", where, &r->flagged, error))
            return FALSE;
        if (r->end <= r->start || r->start % PAGE || r->end % PAGE)
            return ccm_json_fields_bad(error, where, "end",
                                       "a page-aligned range with end above start");
        if (!json_object_object_get_ex(o, "kind", &v) || !json_object_is_type(v, json_type_string) ||
            !one_of(json_object_get_string(v), kinds)) {
            g_autofree char *names = g_strjoinv(", ", (char **) kinds);
            g_autofree char *expected = g_strdup_printf("one of %s", names);
            return ccm_json_fields_bad(error, where, "kind", expected);
        }
        r->kind = g_strdup(json_object_get_string(v));
        if (json_object_object_get_ex(o, "source", &v) && v) {
            if (!json_object_is_type(v, json_type_string))
                return ccm_json_fields_bad(error, where, "source", "a string or null");
            r->source = g_strdup(json_object_get_string(v));
        }
    }
    return TRUE;
}

CcmExecMap *ccm_exec_map_parse(const char *text, gsize size, const char *path, GError **error)
{
    g_autoptr(CcmExecMap) m = g_new0(CcmExecMap, 1);
    m->path = g_strdup(path);
    m->regions = g_ptr_array_new_with_free_func(range_free);
    m->executed = g_ptr_array_new_with_free_func(range_free);

    json_object *root = ccm_json_fields_parse(text, size, path, error);
    if (!root)
        return NULL;
    g_autoptr(GError) e = NULL;
    json_object *v, *fw;
    gboolean ok = TRUE;
    if (!json_object_object_get_ex(root, "format", &v) ||
        g_strcmp0(json_object_get_string(v), CCM_EXEC_MAP_FORMAT) != 0)
        ok = ccm_json_fields_bad(&e, path, "format",
                                 "\"" CCM_EXEC_MAP_FORMAT "\" (ccm-qemu-plugin's map=)");
    else if (!json_object_object_get_ex(root, "version", &v) ||
             !json_object_is_type(v, json_type_int) ||
             json_object_get_int(v) != CCM_EXEC_MAP_VERSION)
        ok = ccm_json_fields_bad(&e, path, "version", "1 (this ccmctl reads version 1)");
    else if (!json_object_object_get_ex(root, "plugin_api", &v) ||
             !json_object_is_type(v, json_type_int))
        ok = ccm_json_fields_bad(&e, path, "plugin_api", "a number");
    else
        m->plugin_api = json_object_get_int(v);
    if (ok && (!json_object_object_get_ex(root, "platform", &v) ||
               !json_object_is_type(v, json_type_string)))
        ok = ccm_json_fields_bad(&e, path, "platform", "a string");
    else if (ok)
        m->platform = g_strdup(json_object_get_string(v));
    if (ok && (!json_object_object_get_ex(root, "stopped", &v) ||
               !json_object_is_type(v, json_type_string)))
        ok = ccm_json_fields_bad(&e, path, "stopped", "a string");
    else if (ok)
        m->stopped = g_strdup(json_object_get_string(v));
    if (ok && json_object_object_get_ex(root, "firmware", &fw) && fw) {
        g_autofree char *where = g_strdup_printf("%s: firmware", path);
        ok = ccm_json_fields_hex(fw, "base", where, G_MAXUINT64, &m->firmware_base, &e) &&
             json_object_object_get_ex(fw, "size", &v) && json_object_is_type(v, json_type_int);
        if (ok)
            m->firmware_size = (guint64) json_object_get_int64(v);
        else if (!e)
            ccm_json_fields_bad(&e, where, "size", "a number");
    }
    ok = ok && parse_ranges(root, "regions", path, region_kinds, m->regions, &e) &&
         parse_ranges(root, "executed", path, executed_kinds, m->executed, &e);
    json_object_put(root);
    if (!ok) {
        g_propagate_error(error, g_steal_pointer(&e));
        return NULL;
    }
    for (guint i = 0; i < m->executed->len; i++) {
        const CcmMapRange *r = m->executed->pdata[i];
        m->executed_pages += (r->end - r->start) / PAGE;
        if (r->flagged)
            m->flagged_pages += (r->end - r->start) / PAGE;
    }
    return g_steal_pointer(&m);
}

CcmExecMap *ccm_exec_map_load(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize size = 0;
    g_autoptr(GError) e = NULL;
    if (!g_file_get_contents(path, &text, &size, &e)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s", e->message);
        return NULL;
    }
    return ccm_exec_map_parse(text, size, path, error);
}

guint64 ccm_exec_map_pages(const CcmExecMap *m, const char *kind)
{
    guint64 n = 0;
    for (guint i = 0; i < m->executed->len; i++) {
        const CcmMapRange *r = m->executed->pdata[i];
        if (strcmp(r->kind, kind) == 0)
            n += (r->end - r->start) / PAGE;
    }
    return n;
}
