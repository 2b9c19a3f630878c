/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cca-operations.c - a CCA realm's operation list from its JSON description
 *
 * The description is one entry of the shared vector file (cca-rim-vectors/1): the
 * operations are applied in the order QEMU and kvmtool use, RIPAS ranges, then the blobs
 * in ascending IPA order, then the RECs, then the unmeasured ranges. Numbers are JSON
 * integers or "0x..." strings. Every key is checked: an unknown key, a value of the wrong
 * type or a blob that cannot be read is an error naming the file and the key.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cca-operations.h"
#include "json-text.h"
#include "ccm/measure-autoptr.h"

#define MAX_BLOB_SIZE (G_GUINT64_CONSTANT(1) << 31)

typedef struct Ctx {
    const char *source;
    const char *base_dir;
    GError **error;
} Ctx;

static gboolean fail(Ctx *c, const char *key, const char *what)
{
    g_set_error(c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: key '%s': %s", c->source,
                key, what);
    return FALSE;
}

/* A JSON integer >= 0 or a "0x..." string. */
static gboolean get_u64(Ctx *c, json_object *v, const char *key, guint64 *ret)
{
    if (v && json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i < 0)
            return fail(c, key, "expected a number >= 0");
        *ret = (guint64) i;
        return TRUE;
    }
    if (v && json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        char *end = NULL;
        if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) && g_ascii_isxdigit(s[2])) {
            errno = 0;
            guint64 u = g_ascii_strtoull(s + 2, &end, 16);
            if (errno == 0 && *end == '\0') {
                *ret = u;
                return TRUE;
            }
        }
    }
    return fail(c, key, "expected an integer or a \"0x...\" string");
}

static gboolean get_small(Ctx *c, json_object *v, const char *key, guint32 max, guint32 *ret)
{
    guint64 u = 0;
    if (!get_u64(c, v, key, &u))
        return FALSE;
    if (u > max) {
        g_autofree char *what = g_strdup_printf("%" G_GUINT64_FORMAT " is out of range: "
                                                "expected at most %u", u, max);
        return fail(c, key, what);
    }
    *ret = (guint32) u;
    return TRUE;
}

static json_object *get_array(Ctx *c, json_object *o, const char *key, gboolean *ok)
{
    json_object *v = NULL;
    *ok = TRUE;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return NULL;
    if (!json_object_is_type(v, json_type_array)) {
        *ok = fail(c, key, "expected a list");
        return NULL;
    }
    return v;
}

static gboolean check_keys(Ctx *c, json_object *o, const char *prefix, const char *const *known)
{
    struct json_object_iterator it = json_object_iter_begin(o), end = json_object_iter_end(o);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *k = json_object_iter_peek_name(&it);
        gboolean found = FALSE;
        for (const char *const *n = known; *n && !found; n++)
            found = strcmp(*n, k) == 0;
        if (!found) {
            g_autofree char *key = prefix ? g_strdup_printf("%s.%s", prefix, k) : g_strdup(k);
            return fail(c, key, "unknown key");
        }
    }
    return TRUE;
}

static gboolean parse_params(Ctx *c, json_object *o, CcmCcaRealmParams *p)
{
    static const char *const known[] = { "s2sz", "num_bps", "num_wps", "pmu", "pmu_num_ctrs",
                                         "sve", "sve_vl", "lpa2", NULL };
    static const struct {
        const char *key;
        guint32 max;
        size_t offset;
    } fields[] = {
        { "s2sz", 64, G_STRUCT_OFFSET(CcmCcaRealmParams, s2sz) },
        { "num_bps", 255, G_STRUCT_OFFSET(CcmCcaRealmParams, num_bps) },
        { "num_wps", 255, G_STRUCT_OFFSET(CcmCcaRealmParams, num_wps) },
        { "pmu_num_ctrs", 255, G_STRUCT_OFFSET(CcmCcaRealmParams, pmu_num_ctrs) },
        { "sve_vl", 255, G_STRUCT_OFFSET(CcmCcaRealmParams, sve_vl) },
    };
    static const struct {
        const char *key;
        uint64_t flag;
    } flags[] = {
        { "lpa2", CCM_CCA_FLAG_LPA2 },
        { "sve", CCM_CCA_FLAG_SVE },
        { "pmu", CCM_CCA_FLAG_PMU },
    };

    if (!json_object_is_type(o, json_type_object))
        return fail(c, "realm_params", "expected an object");
    if (!check_keys(c, o, "realm_params", known))
        return FALSE;
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, "s2sz", &v))
        return fail(c, "realm_params.s2sz", "missing: the IPA width in bits is required");
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_autofree char *key = g_strdup_printf("realm_params.%s", fields[i].key);
        guint32 *field = G_STRUCT_MEMBER_P(p, fields[i].offset);
        *field = 0;
        if (json_object_object_get_ex(o, fields[i].key, &v) &&
            !get_small(c, v, key, fields[i].max, field))
            return FALSE;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
        g_autofree char *key = g_strdup_printf("realm_params.%s", flags[i].key);
        guint32 on = 0;
        if (json_object_object_get_ex(o, flags[i].key, &v) && !get_small(c, v, key, 1, &on))
            return FALSE;
        if (on)
            p->flags |= flags[i].flag;
    }
    return TRUE;
}

/* [[base, size], ...] */
static gboolean parse_ranges(Ctx *c, json_object *list, const char *name, GArray *out)
{
    for (size_t i = 0; list && i < json_object_array_length(list); i++) {
        json_object *e = json_object_array_get_idx(list, i);
        g_autofree char *key = g_strdup_printf("%s[%zu]", name, i);
        guint64 pair[2];
        if (!e || !json_object_is_type(e, json_type_array) || json_object_array_length(e) != 2)
            return fail(c, key, "expected [base, size]");
        if (!get_u64(c, json_object_array_get_idx(e, 0), key, &pair[0]) ||
            !get_u64(c, json_object_array_get_idx(e, 1), key, &pair[1]))
            return FALSE;
        g_array_append_vals(out, pair, 2);
    }
    return TRUE;
}

typedef struct Blob {
    guint64 ipa;
    char *name;
    char *data;
    gsize size;
    size_t index;
} Blob;

static void blob_clear(gpointer p)
{
    Blob *b = p;
    g_free(b->name);
    g_free(b->data);
}

static int compare_blobs(gconstpointer a, gconstpointer b)
{
    const Blob *x = a, *y = b;
    if (x->ipa != y->ipa)
        return x->ipa < y->ipa ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static gboolean parse_blobs(Ctx *c, json_object *list, GArray *out)
{
    static const char *const known[] = { "file", "ipa", NULL };
    for (size_t i = 0; list && i < json_object_array_length(list); i++) {
        json_object *e = json_object_array_get_idx(list, i), *file = NULL, *ipa = NULL;
        g_autofree char *key = g_strdup_printf("blobs[%zu]", i);
        if (!e || !json_object_is_type(e, json_type_object))
            return fail(c, key, "expected {\"file\": PATH, \"ipa\": ADDRESS}");
        if (!check_keys(c, e, key, known))
            return FALSE;
        g_autofree char *fkey = g_strdup_printf("blobs[%zu].file", i);
        g_autofree char *ikey = g_strdup_printf("blobs[%zu].ipa", i);
        if (!json_object_object_get_ex(e, "file", &file) || !file ||
            !json_object_is_type(file, json_type_string) || !*json_object_get_string(file))
            return fail(c, fkey, "expected a file name");
        Blob b = { .index = i };
        if (!json_object_object_get_ex(e, "ipa", &ipa))
            return fail(c, ikey, "missing");
        if (!get_u64(c, ipa, ikey, &b.ipa))
            return FALSE;
        const char *rel = json_object_get_string(file);
        g_autofree char *path = g_path_is_absolute(rel) ? g_strdup(rel)
                                                         : g_build_filename(c->base_dir, rel, NULL);
        GStatBuf st;
        if (g_stat(path, &st) == 0 && (guint64) st.st_size > MAX_BLOB_SIZE)
            return fail(c, fkey, "the file is larger than 2 GiB");
        g_autoptr(GError) e2 = NULL;
        if (!g_file_get_contents(path, &b.data, &b.size, &e2)) {
            g_set_error(c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: key '%s': %s",
                        c->source, fkey, e2->message);
            return FALSE;
        }
        b.name = g_strdup(rel);
        g_array_append_val(out, b);
    }
    return TRUE;
}

static gboolean parse_rec(Ctx *c, json_object *e, size_t i, guint64 *flags, guint64 *pc,
                          guint64 *gprs)
{
    static const char *const known[] = { "flags", "pc", "gprs", NULL };
    g_autofree char *key = g_strdup_printf("recs[%zu]", i);
    json_object *v = NULL;
    if (!e || !json_object_is_type(e, json_type_object))
        return fail(c, key, "expected {\"flags\": N, \"pc\": ADDRESS, \"gprs\": [x0, ...]}");
    if (!check_keys(c, e, key, known))
        return FALSE;
    g_autofree char *fkey = g_strdup_printf("recs[%zu].flags", i);
    g_autofree char *pkey = g_strdup_printf("recs[%zu].pc", i);
    g_autofree char *gkey = g_strdup_printf("recs[%zu].gprs", i);
    *flags = 0;
    *pc = 0;
    if (json_object_object_get_ex(e, "flags", &v) && !get_u64(c, v, fkey, flags))
        return FALSE;
    if (json_object_object_get_ex(e, "pc", &v) && !get_u64(c, v, pkey, pc))
        return FALSE;
    if (json_object_object_get_ex(e, "gprs", &v)) {
        if (!v || !json_object_is_type(v, json_type_array) || json_object_array_length(v) > 8)
            return fail(c, gkey, "expected a list of at most 8 registers (x0 to x7)");
        for (size_t k = 0; k < json_object_array_length(v); k++)
            if (!get_u64(c, json_object_array_get_idx(v, k), gkey, &gprs[k]))
                return FALSE;
    }
    return TRUE;
}

static gboolean add_failed(Ctx *c, const char *key, const CcmError *err)
{
    g_set_error(c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: key '%s': %s", c->source,
                key, err->message);
    return FALSE;
}

CcmCcaRealm *ccm_cca_operations_from_json(json_object *o, const char *source,
                                          const char *base_dir, GError **error)
{
    static const char *const known[] = { "name", "source", "peer_cmdline", "vmm", "note",
                                         "expected_rim", "rmm", "hash", "realm_params", "ripas",
                                         "blobs", "recs", "unmeasured", "host_page_size",
                                         NULL };
    Ctx c = { .source = source, .base_dir = base_dir, .error = error };
    json_object *v = NULL;

    if (!o || !json_object_is_type(o, json_type_object)) {
        fail(&c, "(top level)", "expected one realm description object");
        return NULL;
    }
    if (!check_keys(&c, o, NULL, known))
        return NULL;
    if (!json_object_object_get_ex(o, "rmm", &v) || !v ||
        !json_object_is_type(v, json_type_string) ||
        ccm_cca_rmm_from_string(json_object_get_string(v)) < 0) {
        fail(&c, "rmm", "expected \"1.0\" or \"2.0\"");
        return NULL;
    }
    CcmCcaRmm rmm = (CcmCcaRmm) ccm_cca_rmm_from_string(json_object_get_string(v));
    if (!json_object_object_get_ex(o, "hash", &v) || !v ||
        !json_object_is_type(v, json_type_string) ||
        ccm_cca_hash_from_string(json_object_get_string(v)) < 0) {
        fail(&c, "hash", "expected \"sha256\", \"sha512\" or \"sha384\"");
        return NULL;
    }
    CcmCcaRealmParams params = { .hash = (CcmCcaHash) ccm_cca_hash_from_string(
                                     json_object_get_string(v)) };
    if (!json_object_object_get_ex(o, "realm_params", &v) || !v) {
        fail(&c, "realm_params", "missing");
        return NULL;
    }
    if (!parse_params(&c, v, &params))
        return NULL;
    guint64 host_page_size = 4096;
    if (json_object_object_get_ex(o, "host_page_size", &v) &&
        !get_u64(&c, v, "host_page_size", &host_page_size))
        return NULL;

    CcmError err = { 0 };
    g_autoptr(CcmCcaRealm) realm = NULL;
    if (ccm_cca_realm_new(rmm, &params, host_page_size, &realm, &err) < 0) {
        const char *key = strstr(err.message, "host page") ? "host_page_size"
                          : strstr(err.message, "hash")    ? "hash"
                                                           : "realm_params";
        add_failed(&c, key, &err);
        return NULL;
    }

    gboolean ok = TRUE;
    g_autoptr(GArray) ripas = g_array_new(FALSE, FALSE, sizeof(guint64));
    g_autoptr(GArray) unmeasured = g_array_new(FALSE, FALSE, sizeof(guint64));
    g_autoptr(GArray) blobs = g_array_new(FALSE, TRUE, sizeof(Blob));
    g_array_set_clear_func(blobs, blob_clear);
    json_object *list = get_array(&c, o, "ripas", &ok);
    if (!ok || !parse_ranges(&c, list, "ripas", ripas))
        return NULL;
    list = get_array(&c, o, "unmeasured", &ok);
    if (!ok || !parse_ranges(&c, list, "unmeasured", unmeasured))
        return NULL;
    list = get_array(&c, o, "blobs", &ok);
    if (!ok || !parse_blobs(&c, list, blobs))
        return NULL;
    g_array_sort(blobs, compare_blobs);
    json_object *recs = get_array(&c, o, "recs", &ok);
    if (!ok)
        return NULL;

    for (guint i = 0; i < ripas->len / 2; i++) {
        g_autofree char *key = g_strdup_printf("ripas[%u]", i);
        const guint64 *pair = &g_array_index(ripas, guint64, 2 * i);
        if (ccm_cca_realm_add_ripas(realm, pair[0], pair[1], &err) < 0) {
            add_failed(&c, key, &err);
            return NULL;
        }
    }
    for (guint i = 0; i < blobs->len; i++) {
        const Blob *b = &g_array_index(blobs, Blob, i);
        g_autofree char *key = g_strdup_printf("blobs[%zu]", b->index);
        if (ccm_cca_realm_add_data(realm, b->ipa, b->data, b->size, b->name, &err) < 0) {
            add_failed(&c, key, &err);
            return NULL;
        }
    }
    for (size_t i = 0; recs && i < json_object_array_length(recs); i++) {
        guint64 flags = 0, pc = 0, gprs[8] = { 0 };
        if (!parse_rec(&c, json_object_array_get_idx(recs, i), i, &flags, &pc, gprs))
            return NULL;
        if (ccm_cca_realm_add_rec(realm, flags, pc, gprs, &err) < 0) {
            g_autofree char *key = g_strdup_printf("recs[%zu]", i);
            add_failed(&c, key, &err);
            return NULL;
        }
    }
    for (guint i = 0; i < unmeasured->len / 2; i++) {
        g_autofree char *key = g_strdup_printf("unmeasured[%u]", i);
        const guint64 *pair = &g_array_index(unmeasured, guint64, 2 * i);
        if (ccm_cca_realm_add_unmeasured(realm, pair[0], pair[1], &err) < 0) {
            add_failed(&c, key, &err);
            return NULL;
        }
    }
    return g_steal_pointer(&realm);
}

CcmCcaRealm *ccm_cca_operations_load(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize size = 0;

    if (!g_file_get_contents(path, &text, &size, error))
        return NULL;
    json_tokener *tok = json_tokener_new();
    json_object *o = json_tokener_parse_ex(tok, text, (int) MIN(size, (gsize) G_MAXINT));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (jerr == json_tokener_success && end < size) {
        /* Only white space may follow the object. */
        for (const char *p = text + end; *p; p++)
            if (!g_ascii_isspace(*p)) {
                jerr = json_tokener_error_parse_unexpected;
                break;
            }
    }
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success) {
        json_object_put(o);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: not valid JSON at byte %zu: %s", path, end, ccm_json_error_text(jerr));
        return NULL;
    }
    g_autofree char *dir = g_path_get_dirname(path);
    CcmCcaRealm *realm = ccm_cca_operations_from_json(o, path, dir, error);
    json_object_put(o);
    return realm;
}
