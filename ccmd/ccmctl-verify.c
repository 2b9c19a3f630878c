/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-verify.c - ccmctl verify --platform tdx: a real quote against what we expect
 *
 * Compares the MRTD in a TD quote (or TDREPORT) with the MRTD of the firmware (both page
 * orders, saying which one matches), and each RTMR with the replay of the TD's event
 * log, listing every event. Predicting each event from the guest spec comes with the
 * RTMR engine; until then the RTMR check says whether the log is the one the quote
 * measured, and the event list shows what it holds.
 *
 * Inputs: the quote as raw bytes, hex text, or a JSON object with "quote" (dstack's
 * fixtures); the event log as a raw CCEL area, or JSON: a list of {"imr", "event_type",
 * "digest"} or an object whose "event_log" holds one (as a list or a JSON string).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "ccm/measure.h"
#include "ccmctl.h"
#include "hex.h"

/* Hex text (whitespace allowed) to bytes; FALSE if it is not hex. */
static gboolean unhex_text(const char *text, GByteArray *out)
{
    int hi = -1;
    for (const char *p = text; *p; p++) {
        if (g_ascii_isspace(*p))
            continue;
        int v = g_ascii_xdigit_value(*p);
        if (v < 0)
            return FALSE;
        if (hi < 0) {
            hi = v;
        } else {
            guint8 b = (guint8) (hi << 4 | v);
            g_byte_array_append(out, &b, 1);
            hi = -1;
        }
    }
    return hi < 0 && out->len > 0;
}

static gboolean load_quote(const char *path, gboolean tdreport, CcmTdxReport *ret,
                           GError **error)
{
    g_autofree char *data = NULL;
    gsize size = 0;
    if (!g_file_get_contents(path, &data, &size, error))
        return FALSE;
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    json_object *o = size && data[0] == '{' ? json_tokener_parse(data) : NULL, *q = NULL;
    if (o && json_object_object_get_ex(o, "quote", &q) && json_object_is_type(q, json_type_string))
        (void) unhex_text(json_object_get_string(q), bytes);
    else if (!memchr(data, '\0', size) && unhex_text(data, bytes))
        ;
    else
        g_byte_array_append(bytes, (const guint8 *) data, (guint) size);
    json_object_put(o);

    CcmError err = { 0 };
    int r = tdreport ? ccm_tdx_tdreport_parse(bytes->data, bytes->len, path, ret, &err)
                     : ccm_tdx_quote_parse(bytes->data, bytes->len, path, ret, &err);
    if (r < 0) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, err.message);
        return FALSE;
    }
    return TRUE;
}

/* JSON events into @events (digests copied; no data). */
static gboolean events_from_json(json_object *list, const char *path, GArray *events,
                                 GError **error)
{
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *ev = json_object_array_get_idx(list, i), *imr = NULL, *type = NULL,
                    *digest = NULL;
        if (!json_object_object_get_ex(ev, "imr", &imr) ||
            !json_object_object_get_ex(ev, "digest", &digest)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: event %zu has no \"imr\" or \"digest\"", path, i);
            return FALSE;
        }
        const char *hex = json_object_get_string(digest);
        if (strlen(hex) == 0)
            continue; /* dstack's "lite" logs leave RTMR3 digests out */
        g_autoptr(GByteArray) d = g_byte_array_new();
        int rtmr = json_object_get_int(imr);
        if (!unhex_text(hex, d) || d->len != CCM_SHA384_SIZE || rtmr < 0 || rtmr > 3) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: event %zu: expected \"imr\" 0 to 3 and a 96-digit SHA-384 "
                        "\"digest\"",
                        path, i);
            return FALSE;
        }
        CcmTdxEvent e = { .rtmr = (uint32_t) rtmr, .offset = i };
        if (json_object_object_get_ex(ev, "event_type", &type))
            e.type = (uint32_t) json_object_get_int64(type);
        memcpy(e.digest, d->data, CCM_SHA384_SIZE);
        g_array_append_val(events, e);
    }
    return TRUE;
}

static gboolean load_events(const char *path, GArray *events, char **ret_data, GError **error)
{
    gsize size = 0;
    if (!g_file_get_contents(path, ret_data, &size, error))
        return FALSE;
    const char *data = *ret_data;
    if (size && (data[0] == '[' || data[0] == '{')) {
        json_object *root = json_tokener_parse(data), *inner = NULL, *parsed = NULL;
        json_object *o = root;
        /* {"event_log": [...]} or {"event_log": "[...]"} (dstack's fixtures) */
        if (root && json_object_is_type(root, json_type_object) &&
            json_object_object_get_ex(root, "event_log", &inner))
            o = inner;
        if (o && json_object_is_type(o, json_type_string))
            parsed = json_tokener_parse(json_object_get_string(o));
        json_object *list = parsed ? parsed : o;
        gboolean ok = list && json_object_is_type(list, json_type_array);
        if (!ok)
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: not an event log (expected a CCEL area, or JSON events)", path);
        else
            ok = events_from_json(list, path, events, error);
        json_object_put(parsed);
        json_object_put(root);
        return ok;
    }
    CcmTdxEvent *parsed = NULL;
    size_t n = 0;
    CcmError err = { 0 };
    if (ccm_tdx_event_log_parse(data, size, path, &parsed, &n, &err) < 0) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, err.message);
        return FALSE;
    }
    g_array_append_vals(events, parsed, (guint) n);
    free(parsed);
    return TRUE;
}

/* --platform cca goes to ccmctl-verify-cca.c */
static gboolean wants_cca(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--platform=cca") == 0)
            return TRUE;
        if (strcmp(argv[i], "--platform") == 0 && i + 1 < argc && strcmp(argv[i + 1], "cca") == 0)
            return TRUE;
    }
    return FALSE;
}

int ccmctl_verify(int argc, char **argv)
{
    if (wants_cca(argc, argv))
        return ccmctl_verify_cca(argc, argv);

    g_autofree char *platform = NULL, *quote = NULL, *report = NULL, *log = NULL;
    g_autofree char *firmware = NULL, *memory = NULL, *layout_name = NULL;
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "tdx", "tdx" },
        { "quote", 0, 0, G_OPTION_ARG_FILENAME, &quote, "A TD quote v4 (raw, hex or JSON)",
          "FILE" },
        { "report", 0, 0, G_OPTION_ARG_FILENAME, &report, "A TDREPORT (1024 bytes)", "FILE" },
        { "event-log", 0, 0, G_OPTION_ARG_FILENAME, &log, "The TD's CCEL event log (raw or JSON)",
          "FILE" },
        { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &firmware,
          "The TDVF/OVMF image the TD booted (for MRTD)", "PATH" },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &memory,
          "The TD's RAM (with --firmware and --event-log: check RTMR0 event by event)", "SIZE" },
        { "layout", 0, 0, G_OPTION_ARG_STRING, &layout_name,
          "OVMF event layout: edk2-202411 (default) or edk2-pre-202411", "LAYOUT" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    g_set_prgname("ccmctl verify");
    g_autoptr(GOptionContext) context =
        g_option_context_new("- compare a TD's quote with the expected MRTD and its event log");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 every register matches, 1 a "
                                              "register differs or an input is bad, 2 usage "
                                              "error. See ccmctl-verify(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("verify", error);
    const char *usage = NULL;
    if (!platform || strcmp(platform, "tdx") != 0)
        usage = "--platform tdx is required (the only platform verify knows yet)";
    else if (!quote == !report)
        usage = "give one of --quote FILE or --report FILE";
    else if (!log && !firmware)
        usage = "give --event-log FILE, --firmware PATH, or both";
    else if (argc > 1)
        usage = "a guest spec is not taken yet; give --firmware";
    else if (memory && (!firmware || !log))
        usage = "--memory checks RTMR0 event by event: it needs --firmware and --event-log";
    else if (layout_name && ccm_tdx_layout_from_string(layout_name) < 0)
        usage = "--layout: expected edk2-202411 or edk2-pre-202411";
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("verify", error);
    }

    CcmTdxReport td;
    if (!load_quote(quote ? quote : report, report != NULL, &td, &error))
        return ccmctl_fail("verify", error);

    json_object *out = json_object_new_object();
    g_autoptr(GString) text = g_string_new(NULL);
    gboolean all_match = TRUE;
    g_autofree char *mrtd_hex = ccm_hex_encode(td.mrtd, sizeof(td.mrtd));

    if (firmware) {
        g_autoptr(GMappedFile) fw = g_mapped_file_new(firmware, FALSE, &error);
        if (!fw) {
            json_object_put(out);
            return ccmctl_fail("verify", error);
        }
        const char *matched = NULL;
        json_object *m = json_object_new_object();
        for (int order = 0; order < 2; order++) {
            uint8_t mrtd[CCM_SHA384_SIZE];
            CcmError err = { 0 };
            if (ccm_tdx_mrtd(g_mapped_file_get_contents(fw), g_mapped_file_get_length(fw),
                             firmware, (CcmTdxPageOrder) order, NULL, NULL, NULL, NULL, mrtd,
                             &err) < 0) {
                json_object_put(m);
                json_object_put(out);
                g_set_error_literal(&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, err.message);
                return ccmctl_fail("verify", error);
            }
            g_autofree char *h = ccm_hex_encode(mrtd, sizeof(mrtd));
            const char *name = ccm_tdx_page_order_to_string((CcmTdxPageOrder) order);
            json_object_object_add(m, name, json_object_new_string(h));
            if (memcmp(mrtd, td.mrtd, sizeof(mrtd)) == 0)
                matched = name;
        }
        json_object_object_add(m, "quote", json_object_new_string(mrtd_hex));
        json_object_object_add(m, "result", json_object_new_string(matched ? "match" : "differ"));
        json_object_object_add(m, "page_order", matched ? json_object_new_string(matched) : NULL);
        if (matched) {
            g_string_append_printf(text, "MRTD    match   %s  (%s, page order %s)\n", mrtd_hex,
                                   firmware, matched);
        } else {
            json_object *pp = NULL, *ps = NULL;
            json_object_object_get_ex(m, "per-page", &pp);
            json_object_object_get_ex(m, "per-section", &ps);
            g_string_append_printf(text,
                                   "MRTD    differ  %s\n        %s gives %s (per-page)\n"
                                   "        and %s (per-section)\n",
                                   mrtd_hex, firmware, json_object_get_string(pp),
                                   json_object_get_string(ps));
        }
        json_object_object_add(out, "mrtd", m);
        all_match &= matched != NULL;
    }

    if (log) {
        g_autoptr(GArray) events = g_array_new(FALSE, TRUE, sizeof(CcmTdxEvent));
        g_autofree char *log_data = NULL;
        if (!load_events(log, events, &log_data, &error)) {
            json_object_put(out);
            return ccmctl_fail("verify", error);
        }
        uint8_t rtmrs[4][CCM_SHA384_SIZE];
        CcmError err = { 0 };
        (void) ccm_tdx_replay((const CcmTdxEvent *) events->data, events->len, rtmrs, &err);
        json_object *regs = json_object_new_object();
        for (int i = 0; i < 4; i++) {
            g_autofree char *q = ccm_hex_encode(td.rtmr[i], CCM_SHA384_SIZE);
            g_autofree char *r = ccm_hex_encode(rtmrs[i], CCM_SHA384_SIZE);
            gboolean same = memcmp(td.rtmr[i], rtmrs[i], CCM_SHA384_SIZE) == 0;
            json_object *o = json_object_new_object();
            json_object_object_add(o, "quote", json_object_new_string(q));
            json_object_object_add(o, "replay", json_object_new_string(r));
            json_object_object_add(o, "result", json_object_new_string(same ? "match"
                                                                             : "differ"));
            g_autofree char *key = g_strdup_printf("rtmr%d", i);
            json_object_object_add(regs, key, o);
            g_string_append_printf(text, "RTMR%d   %s  %s%s\n", i, same ? "match " : "differ", q,
                                   same ? "" : "  (the log replays to another value)");
            all_match &= same;
        }
        json_object_object_add(out, "rtmrs", regs);
        json_object *list = json_object_new_array();
        g_string_append_printf(text, "\n%u events:\n", events->len);
        for (guint i = 0; i < events->len; i++) {
            const CcmTdxEvent *e = &g_array_index(events, CcmTdxEvent, i);
            const char *type = ccm_tdx_event_type_to_string(e->type);
            g_autofree char *d = ccm_hex_encode(e->digest, CCM_SHA384_SIZE);
            g_autofree char *unknown = g_strdup_printf("0x%08x", e->type);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "rtmr", json_object_new_int((int) e->rtmr));
            json_object_object_add(o, "type", json_object_new_string(type ? type : unknown));
            json_object_object_add(o, "digest", json_object_new_string(d));
            json_object_array_add(list, o);
            g_string_append_printf(text, "  RTMR%u %-34s %s\n", e->rtmr, type ? type : unknown,
                                   d);
        }
        json_object_object_add(out, "events", list);

        /* RTMR0 event by event: what the firmware and RAM size predict, against the log. */
        guint64 mem = 0;
        char *end = NULL;
        if (memory) {
            mem = g_ascii_strtoull(memory, &end, 10);
            if (end && (*end == 'G' || *end == 'g'))
                mem <<= 30;
            else if (end && (*end == 'M' || *end == 'm'))
                mem <<= 20;
        }
        if (memory && firmware && mem) {
            g_autoptr(GMappedFile) fw = g_mapped_file_new(firmware, FALSE, &error);
            if (!fw) {
                json_object_put(out);
                return ccmctl_fail("verify", error);
            }
            CcmTdxPredictedEvent predicted[CCM_TDX_MAX_PREDICTED];
            size_t np = 0;
            int layout = ccm_tdx_layout_from_string(layout_name ? layout_name : "edk2-202411");
            if (ccm_tdx_predict_rtmr0(g_mapped_file_get_contents(fw),
                                      g_mapped_file_get_length(fw), firmware, mem,
                                      (CcmTdxLayout) layout, NULL, predicted, &np, &err) < 0) {
                json_object_put(out);
                g_set_error_literal(&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, err.message);
                return ccmctl_fail("verify", error);
            }
            json_object *cmp = json_object_new_array();
            size_t k = 0;
            const char *first_differ = NULL;
            g_string_append_printf(text, "\nRTMR0 events against %s with %s of RAM (%s):\n",
                                   firmware, memory,
                                   ccm_tdx_layout_to_string((CcmTdxLayout) layout));
            for (guint i = 0; i < events->len; i++) {
                const CcmTdxEvent *e = &g_array_index(events, CcmTdxEvent, i);
                if (e->rtmr != 0)
                    continue;
                const char *result;
                const char *desc = k < np ? predicted[k].description : "(not predicted)";
                if (k >= np || predicted[k].type != e->type)
                    result = "differ";
                else if (!predicted[k].known)
                    result = "unknown";
                else
                    result = memcmp(predicted[k].digest, e->digest, CCM_SHA384_SIZE) == 0
                                 ? "match"
                                 : "differ";
                if (strcmp(result, "differ") == 0 && !first_differ)
                    first_differ = desc;
                json_object *o = json_object_new_object();
                json_object_object_add(o, "event", json_object_new_string(desc));
                json_object_object_add(o, "result", json_object_new_string(result));
                json_object_array_add(cmp, o);
                g_string_append_printf(text, "  %-8s %s\n", result, desc);
                k++;
            }
            for (; k < np; k++) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "event", json_object_new_string(predicted[k].description));
                json_object_object_add(o, "result", json_object_new_string("missing"));
                json_object_array_add(cmp, o);
                g_string_append_printf(text, "  %-8s %s\n", "missing", predicted[k].description);
                if (!first_differ)
                    first_differ = predicted[k].description;
            }
            json_object_object_add(out, "rtmr0_events", cmp);
            if (first_differ) {
                g_string_append_printf(text, "first difference: %s\n", first_differ);
                all_match = FALSE;
            }
        }
    }
    json_object_object_add(out, "result", json_object_new_string(all_match ? "match"
                                                                           : "differ"));
    g_autofree char *s = json ? g_strconcat(json_object_to_json_string_ext(
                                                out, JSON_C_TO_STRING_PRETTY |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE),
                                            "\n", NULL)
                              : g_strdup(text->str);
    json_object_put(out);
    if (!ccmctl_write_stdout(s, &error))
        return ccmctl_fail("verify", error);
    return all_match ? CCMCTL_EXIT_OK : CCMCTL_EXIT_FAILURE;
}
