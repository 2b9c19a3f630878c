/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-measure-batch.c - `ccmctl measure --batch`: many guests, firmware read once
 *
 * Input: one JSON object per line; its keys are the long option names of `ccmctl
 * measure` (plus "name", echoed back), applied on top of the options given on the
 * command line. The whole file is parsed before anything is measured, so a typo on
 * line 900 fails the run before any output. Output: one JSON document "ccm-measure-batch/1"
 * per input line, in order, with "line" and either "measurement" (or "firmware_digest") or
 * "error".
 * Firmware images and the SHA-256 of kernels and initrds are cached by path, so a
 * thousand guests sharing one firmware hash it once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccmctl-measure-batch.h"
#include "ccmctl.h"
#include "json-document.h"
#include "json-text.h"

#define BATCH_MAX_SIZE (64u << 20)
#define BATCH_MAX_GUESTS 100000u

typedef struct BatchItem {
    guint line;
    CcmSevRequest request;
} BatchItem;

static void batch_item_clear(gpointer p)
{
    BatchItem *item = p;
    ccm_sev_request_clear(&item->request);
}

static gboolean read_input(const char *path, char **ret, GError **error)
{
    if (strcmp(path, "-") != 0) {
        g_autoptr(GMappedFile) mapped = g_mapped_file_new(path, FALSE, error);
        if (!mapped)
            return FALSE;
        if (g_mapped_file_get_length(mapped) > BATCH_MAX_SIZE) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: larger than the %u MiB a batch may hold", path,
                        BATCH_MAX_SIZE >> 20);
            return FALSE;
        }
        *ret = g_strndup(g_mapped_file_get_contents(mapped), g_mapped_file_get_length(mapped));
        return TRUE;
    }

    g_autoptr(GString) s = g_string_new(NULL);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
        if (s->len + n > BATCH_MAX_SIZE) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "stdin: larger than the %u MiB a batch may hold", BATCH_MAX_SIZE >> 20);
            return FALSE;
        }
        g_string_append_len(s, buf, (gssize) n);
    }
    if (ferror(stdin)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "stdin: read error");
        return FALSE;
    }
    *ret = g_string_free(g_steal_pointer(&s), FALSE);
    return TRUE;
}

/* The text form of a JSON value for ccm_sev_request_set(). */
static gboolean value_text(json_object *value, char **ret)
{
    switch (json_object_get_type(value)) {
    case json_type_string:
        *ret = g_strdup(json_object_get_string(value));
        return TRUE;
    case json_type_int:
        if (json_object_get_int64(value) < 0)
            return FALSE;
        *ret = g_strdup_printf("%" G_GUINT64_FORMAT, json_object_get_uint64(value));
        return TRUE;
    default:
        return FALSE;
    }
}

static gboolean parse_line(const char *file, guint line, const char *text,
                           const CcmSevRequest *defaults, CcmSevRequest *ret,
                           GError **error)
{
    enum json_tokener_error jerr;
    json_object *o = json_tokener_parse_verbose(text, &jerr);

    if (!o || !json_object_is_type(o, json_type_object)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s:%u: expected one JSON object per line%s%s%s", file, line,
                    o ? "" : " (", o ? "" : ccm_json_error_text(jerr), o ? "" : ")");
        json_object_put(o);
        return FALSE;
    }

    ccm_sev_request_copy(ret, defaults);
    bool cpu = false, sig = false;
    struct json_object_iterator it = json_object_iter_begin(o);
    struct json_object_iterator end = json_object_iter_end(o);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);
        json_object *value = json_object_iter_peek_value(&it);
        g_autofree char *v = NULL;
        g_autoptr(GError) e = NULL;

        if (!value_text(value, &v)) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "%s:%u: key '%s': expected a string or a non-negative integer", file,
                        line, key);
            break;
        }
        cpu = cpu || strcmp(key, "cpu") == 0;
        sig = sig || strcmp(key, "vcpu-sig") == 0;
        if (!ccm_sev_request_set(ret, key, v, &e)) {
            if (g_error_matches(e, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION)) {
                g_autofree char *known = g_strjoinv(", ", (char **) ccm_sev_request_keys);
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "%s:%u: unknown key '%s'; expected %s", file, line, key, known);
            } else {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s:%u: key '%s': %s",
                            file, line, key, e->message);
            }
            break;
        }
    }
    if (!*error && cpu && sig)
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s:%u: 'cpu' and 'vcpu-sig' both set the VMSA's CPU signature: give one",
                    file, line);
    json_object_put(o);
    if (*error) {
        ccm_sev_request_clear(ret);
        return FALSE;
    }
    return TRUE;
}

int ccmctl_measure_batch(const char *path, const CcmSevRequest *defaults,
                         bool firmware_digest_only, bool with_steps)
{
    const char *file = strcmp(path, "-") == 0 ? "stdin" : path;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    if (!read_input(path, &text, &error))
        return ccmctl_fail("measure", error);

    g_autoptr(GArray) items = g_array_new(FALSE, TRUE, sizeof(BatchItem));
    g_array_set_clear_func(items, batch_item_clear);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_strstrip(lines[i]);
        if (lines[i][0] == '\0')
            continue;
        if (items->len == BATCH_MAX_GUESTS) {
            g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "%s: more than %u guests in one batch", file, BATCH_MAX_GUESTS);
            return ccmctl_fail("measure", error);
        }
        BatchItem item = { .line = i + 1 };
        if (!parse_line(file, i + 1, lines[i], defaults, &item.request, &error))
            return ccmctl_fail("measure", error);
        g_array_append_val(items, item);
    }

    g_autoptr(CcmSevCache) cache = ccm_sev_cache_new();
    g_autoptr(GString) out = g_string_new(NULL);
    guint failed = 0;
    for (guint i = 0; i < items->len; i++) {
        BatchItem *item = &g_array_index(items, BatchItem, i);
        g_autoptr(GError) e = NULL;
        json_object *o;
        g_autoptr(CcmExpectation) expected = ccm_expectation_new_sev(
            &item->request, cache,
            firmware_digest_only ? CCM_EXPECTATION_FIRMWARE_DIGEST : CCM_EXPECTATION_DEFAULT, &e);

        if (expected) {
            o = ccm_sev_report_to_json(expected->sev, with_steps);
        } else {
            fprintf(stderr, "ccmctl measure: %s:%u: %s\n", file, item->line, e->message);
            o = json_object_new_object();
            if (item->request.name)
                json_object_object_add(o, "name", json_object_new_string(item->request.name));
            json_object_object_add(o, "error", json_object_new_string(e->message));
            failed++;
        }
        json_object_object_add(o, "line", json_object_new_int((int) item->line));
        o = ccm_json_document("ccm-measure-batch/1", o);
        g_autofree char *line = ccm_json_document_text(o, true);
        g_string_append(out, line);
        json_object_put(o);
    }

    if (!ccmctl_write_stdout(out->str, &error))
        return ccmctl_fail("measure", error);
    if (failed) {
        fprintf(stderr, "ccmctl measure: %u of %u guests failed\n", failed, items->len);
        return CCMCTL_EXIT_FAILURE;
    }
    return CCMCTL_EXIT_OK;
}
