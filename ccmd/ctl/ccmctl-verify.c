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
 * "digest"} or an object whose "event_log" holds one (as a list or a JSON string), or
 * whose "events" does (`ccmctl measure --event-log json`, "ccm-event-log/1").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "ccm/measure.h"
#include "byte-size.h"
#include "ccmctl.h"
#include "guest-spec.h"
#include "hex.h"
#include "launch-plan.h"
#include "expectation-tdx.h"

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
        (void) ccm_hex_decode(json_object_get_string(q), bytes);
    else if (!memchr(data, '\0', size) && ccm_hex_decode(data, bytes))
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
        /* dstack's {"imr", "event_type": N} or our own {"rtmr", "type": "EV_..."}
         * (ccmctl measure --event-log json) */
        if (!json_object_is_type(ev, json_type_object) ||
            (!json_object_object_get_ex(ev, "imr", &imr) &&
             !json_object_object_get_ex(ev, "rtmr", &imr)) ||
            !json_object_object_get_ex(ev, "digest", &digest)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: event %zu has no \"imr\" (or \"rtmr\") or \"digest\"", path, i);
            return FALSE;
        }
        if (json_object_is_type(digest, json_type_null)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: event %zu has a null \"digest\" (a prediction without its "
                        "inputs is not a log)",
                        path, i);
            return FALSE;
        }
        const char *hex = json_object_get_string(digest);
        if (strlen(hex) == 0)
            continue; /* dstack's "lite" logs leave RTMR3 digests out */
        g_autoptr(GByteArray) d = g_byte_array_new();
        int rtmr = json_object_get_int(imr);
        if (!ccm_hex_decode(hex, d) || d->len != CCM_SHA384_SIZE || rtmr < 0 || rtmr > 3) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: event %zu: expected \"imr\" 0 to 3 and a 96-digit SHA-384 "
                        "\"digest\"",
                        path, i);
            return FALSE;
        }
        CcmTdxEvent e = { .rtmr = (uint32_t) rtmr, .offset = i };
        if (json_object_object_get_ex(ev, "event_type", &type) ||
            json_object_object_get_ex(ev, "type", &type)) {
            int64_t t = json_object_is_type(type, json_type_string)
                            ? ccm_tdx_event_type_from_string(json_object_get_string(type))
                            : json_object_get_int64(type);
            if (t < 0 || t > G_MAXUINT32) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "%s: event %zu: expected an event type number or a name like "
                            "\"EV_SEPARATOR\", not %s",
                            path, i, json_object_to_json_string(type));
                return FALSE;
            }
            e.type = (uint32_t) t;
        }
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
        /* {"event_log": [...]} or {"event_log": "[...]"} (dstack's fixtures), or the
         * document "ccm-event-log/1" with "events" (ccmctl measure --event-log json) */
        if (root && json_object_is_type(root, json_type_object) &&
            (json_object_object_get_ex(root, "event_log", &inner) ||
             json_object_object_get_ex(root, "events", &inner)))
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

static const char *type_name(uint32_t type, char buf[16])
{
    const char *name = ccm_tdx_event_type_to_string(type);
    if (name)
        return name;
    g_snprintf(buf, 16, "0x%08x", type);
    return buf;
}

/*
 * Every logged event of RTMR0 to RTMR2 against the predicted ones of the same register,
 * in order: match, differ, unknown (an input was not given), missing (predicted, not
 * logged), unexpected (logged, not predicted), not-predicted (a register without a
 * prediction: RTMR1 and RTMR2 without a kernel, RTMR3 always). Returns the description of
 * the first difference, or NULL.
 */
static char *compare_events(const CcmTdxExpected *ex, const GArray *events, json_object *list,
                            GString *text)
{
    char *first = NULL;
    for (uint32_t rtmr = 0; rtmr < 4; rtmr++) {
        gboolean predicted = (rtmr == 0 && ex->rtmr0_modelled) ||
                             (rtmr == 1 && ex->rtmr12 && ex->rtmr0_modelled) ||
                             (rtmr == 2 && ex->rtmr12);
        size_t k = 0; /* next predicted event of this register */
        guint logged = 0;
        for (guint i = 0; i <= events->len; i++) {
            const CcmTdxEvent *e = i < events->len ? &g_array_index(events, CcmTdxEvent, i)
                                                   : NULL;
            if (e && e->rtmr != rtmr)
                continue;
            const CcmTdxPredictedEvent *p = NULL;
            if (predicted)
                while (k < ex->n_events && ex->events[k].rtmr != rtmr)
                    k++;
            if (predicted && k < ex->n_events)
                p = &ex->events[k];
            if (!e && !p)
                break;
            const char *result, *what;
            char tb[16];
            if (!predicted) {
                result = "not-predicted";
                what = rtmr == 3   ? "(the workload's)"
                       : rtmr == 0 ? "(not modelled for this OVMF layout)"
                                   : "(needs the kernel: direct boot)";
            } else if (!e) {
                result = "missing";
                what = p->description;
            } else if (!p) {
                result = "unexpected";
                what = "(not predicted)";
            } else if (p->type != e->type) {
                result = "differ";
                what = p->description;
            } else if (!p->known) {
                result = "unknown";
                what = p->description;
            } else {
                result = memcmp(p->digest, e->digest, CCM_SHA384_SIZE) == 0 ? "match" : "differ";
                what = p->description;
            }
            if (p)
                k++;
            if (e)
                logged++;
            gboolean bad = strcmp(result, "differ") == 0 || strcmp(result, "missing") == 0 ||
                           strcmp(result, "unexpected") == 0;
            g_autofree char *label = g_strdup_printf("RTMR%u event %u (%s)", rtmr,
                                                     e ? logged : logged + 1,
                                                     p ? p->description
                                                       : type_name(e->type, tb));
            if (bad && !first)
                first = g_strdup(label);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "rtmr", json_object_new_int((int) rtmr));
            json_object_object_add(o, "event", json_object_new_string(what));
            json_object_object_add(o, "type", json_object_new_string(
                                                  type_name(e ? e->type : p->type, tb)));
            json_object_object_add(o, "result", json_object_new_string(result));
            g_autofree char *lh = e ? ccm_hex_encode(e->digest, CCM_SHA384_SIZE) : NULL;
            g_autofree char *ph = p && p->known ? ccm_hex_encode(p->digest, CCM_SHA384_SIZE)
                                                : NULL;
            json_object_object_add(o, "logged", lh ? json_object_new_string(lh) : NULL);
            json_object_object_add(o, "expected", ph ? json_object_new_string(ph) : NULL);
            json_object_array_add(list, o);
            g_string_append_printf(text, "  RTMR%u %-13s %-34s %s\n", rtmr, result,
                                   type_name(e ? e->type : p->type, tb), what);
            if (bad && ph && lh)
                g_string_append_printf(text, "        expected %s\n        logged   %s\n", ph,
                                       lh);
        }
    }
    return first;
}

/* --platform cca goes to ccmctl-verify-cca.c, --platform tpm to ccmctl-verify-tpm.c,
 * --platform sev-snp to ccmctl-verify-snp.c, --platform sev to ccmctl-verify-sev.c, --vtpm
 * to ccmctl-verify-vtpm.c */
static gboolean wants_platform(int argc, char **argv, const char *name)
{
    g_autofree char *joined = g_strconcat("--platform=", name, NULL);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], joined) == 0)
            return TRUE;
        if (strcmp(argv[i], "--platform") == 0 && i + 1 < argc && strcmp(argv[i + 1], name) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean wants_option(int argc, char **argv, const char *option)
{
    g_autofree char *with_value = g_strconcat(option, "=", NULL);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], option) == 0 || g_str_has_prefix(argv[i], with_value))
            return TRUE;
    return FALSE;
}

int ccmctl_verify(int argc, char **argv)
{
    if (wants_platform(argc, argv, "cca"))
        return ccmctl_verify_cca(argc, argv);
    if (wants_platform(argc, argv, "tpm"))
        return ccmctl_verify_tpm(argc, argv);
    if (wants_platform(argc, argv, "sev-snp"))
        return ccmctl_verify_snp(argc, argv);
    if (wants_platform(argc, argv, "sev"))
        return ccmctl_verify_sev(argc, argv);
    if (wants_option(argc, argv, "--manifest"))
        return ccmctl_verify_manifest(argc, argv);
    if (wants_option(argc, argv, "--vtpm"))
        return ccmctl_verify_vtpm(argc, argv);

    g_autofree char *platform = NULL, *quote = NULL, *report = NULL, *log = NULL;
    g_autofree char *firmware = NULL, *memory = NULL, *layout_name = NULL;
    g_autofree char *kernel = NULL, *initrd = NULL, *append = NULL, *acpi_dir = NULL;
    g_autofree char *qemu = NULL, *qemu_version = NULL;
    int qemu_major = 0, qemu_minor = 0;
    gint vcpus = 0;
    gboolean json = FALSE, allow_unchecked = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform,
          "tdx, sev-snp, sev, cca or tpm (the options of sev-snp, sev, cca, tpm and "
          "--manifest follow)",
          "tdx|sev-snp|sev|cca|tpm" },
        { "quote", 0, 0, G_OPTION_ARG_FILENAME, &quote, "A TD quote v4 (raw, hex or JSON)",
          "FILE" },
        { "report", 0, 0, G_OPTION_ARG_FILENAME, &report, "A TDREPORT (1024 bytes)", "FILE" },
        { "event-log", 0, 0, G_OPTION_ARG_FILENAME, &log, "The TD's CCEL event log (raw or JSON)",
          "FILE" },
        { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &firmware,
          "The TDVF/OVMF image the TD booted (without a guest spec)", "PATH" },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &memory,
          "The TD's RAM (with --firmware: predict its events)", "SIZE" },
        { "vcpus", 0, 0, G_OPTION_ARG_INT, &vcpus, "The TD's vCPUs (for --qemu)", "N" },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel, "Direct boot kernel (RTMR1)", "PATH" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd, "Initrd (RTMR2)", "PATH" },
        { "append", 0, 0, G_OPTION_ARG_STRING, &append, "Kernel command line (RTMR2)",
          "STRING" },
        { "layout", 0, 0, G_OPTION_ARG_STRING, &layout_name,
          "OVMF event layout: auto (default), edk2-pre-202411, edk2-202411 or edk2-202505",
          "LAYOUT" },
        { "acpi-dir", 0, 0, G_OPTION_ARG_FILENAME, &acpi_dir,
          "QEMU's ACPI blobs: tables, rsdp, table-loader", "DIR" },
        { "qemu-version", 0, 0, G_OPTION_ARG_STRING, &qemu_version,
          "The QEMU release that launches the TD, e.g. 10.1 (default: --qemu's, else 10.2+): "
          "it decides which kernel bytes OVMF measures",
          "X.Y" },
        { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu,
          "Read the ACPI blobs from this QEMU (without a guest spec)", "PATH" },
        { "allow-unchecked", 0, 0, G_OPTION_ARG_NONE, &allow_unchecked,
          "Exit 0 even when a predicted event could not be checked (unknown: an input is "
          "missing; RTMR0 not predicted for the layout)",
          NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    g_set_prgname("ccmctl verify");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "[GUEST.guest] - compare a TD's quote and event log with what is expected");
    g_option_context_add_main_entries(context, entries, NULL);
    /* --help lists the options of --platform cca, tpm and --manifest too. */
    g_autofree char *sections = NULL;
    if (ccmctl_wants_help(argc, argv)) {
        int (*const others[])(int, char **) = { ccmctl_verify_snp, ccmctl_verify_sev,
                                                ccmctl_verify_cca,
                                                ccmctl_verify_tpm, ccmctl_verify_manifest,
                                                ccmctl_verify_vtpm, NULL };
        sections = ccmctl_help_sections(others);
    }
    g_autofree char *description = g_strconcat(
        sections ? sections : "",
        "Exit status: 0 every register matches and every predicted event was checked, 1 a "
        "register differs, an event could not be checked (without --allow-unchecked) or an "
        "input is bad, 2 usage error. See ccmctl-verify(1).\n",
        NULL);
    g_option_context_set_description(context, description);
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("verify", error);
    const char *spec_path = argc > 1 ? argv[1] : NULL;
    int layout = !layout_name || strcmp(layout_name, "auto") == 0
                     ? -1
                     : ccm_tdx_layout_from_string(layout_name);
    guint64 mem = 0;
    const char *usage = NULL;
    g_autofree char *bad_platform = NULL;
    if (!platform)
        usage = "--platform tdx, sev-snp, sev, cca or tpm is required (or --manifest FILE, "
                "or --vtpm)";
    else if (strcmp(platform, "tdx") != 0)
        usage = bad_platform = g_strdup_printf("--platform: unknown platform '%s': expected "
                                               "tdx, sev-snp, sev, cca or tpm",
                                               platform);
    else if (!quote == !report)
        usage = "give one of --quote FILE or --report FILE";
    else if (argc > 2)
        usage = "give one guest spec at most";
    else if (spec_path && (firmware || memory || kernel || initrd || append || qemu || vcpus))
        usage = "the guest spec gives firmware, RAM, vCPUs, boot files and QEMU: drop "
                "--firmware, --memory, --vcpus, --kernel, --initrd, --append and --qemu";
    else if (!spec_path && !log && !firmware)
        usage = "give a guest spec, --event-log FILE, --firmware PATH, or a combination";
    else if (memory && !ccm_byte_size_parse(memory, &mem))
        usage = "--memory: expected bytes or a number with K, M or G, e.g. 2G";
    else if (!spec_path && memory && (!firmware || !log))
        usage = "--memory predicts the events: it needs --firmware and --event-log";
    else if (!spec_path && (kernel || acpi_dir || qemu) && !memory)
        usage = "--kernel, --acpi-dir and --qemu predict events: they need --memory";
    else if ((initrd || append) && !kernel)
        usage = "--initrd and --append need --kernel";
    else if (acpi_dir && qemu)
        usage = "--acpi-dir and --qemu are alternatives";
    else if (vcpus < 0 || vcpus > 4096)
        usage = "--vcpus: expected 1 to 4096";
    else if (layout < 0 && layout_name && strcmp(layout_name, "auto") != 0)
        usage = "--layout: expected auto, edk2-pre-202411, edk2-202411 or edk2-202505";
    else if (qemu_version && !ccmctl_parse_qemu_version(qemu_version, &qemu_major, &qemu_minor))
        usage = "--qemu-version: expected MAJOR.MINOR, e.g. 10.1";
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("verify", error);
    }

    /* What is expected: from the guest spec, or from the options. */
    g_autoptr(CcmLaunchPlan) plan = NULL;
    g_autoptr(GPtrArray) shape = NULL;
    CcmTdxInputs in = { 0 };
    gboolean predict = FALSE;
    if (spec_path) {
        g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(spec_path, &error);
        if (!spec)
            return ccmctl_fail("verify", error);
        if (spec->platform != CCM_GUEST_PLATFORM_TDX) {
            g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                        "%s: Platform=%s; verify --platform tdx needs a Platform=tdx spec",
                        spec_path, ccm_guest_platform_to_string(spec->platform));
            return ccmctl_fail("verify", error);
        }
        if (!(plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, &error)))
            return ccmctl_fail("verify", error);
        ccm_tdx_inputs_from_plan(plan, log && !acpi_dir, &in, &shape);
        in.acpi_dir = acpi_dir;
        firmware = g_strdup(in.firmware);
        predict = log != NULL;
    } else if (firmware && memory) {
        in = (CcmTdxInputs) { .firmware = firmware, .memory = mem,
                              .vcpus = vcpus ? (guint) vcpus : 1, .kernel = kernel,
                              .initrd = initrd, .append = append, .acpi_dir = acpi_dir,
                              .qemu = qemu };
        predict = TRUE;
    }
    in.layout = layout;
    in.qemu_major = qemu_major;
    in.qemu_minor = qemu_minor;

    CcmTdxReport td;
    if (!load_quote(quote ? quote : report, report != NULL, &td, &error))
        return ccmctl_fail("verify", error);

    json_object *out = json_object_new_object();
    g_autoptr(GString) text = g_string_new(NULL);
    gboolean all_match = TRUE;
    /* The predicted events that could not be checked. */
    g_autoptr(GPtrArray) unchecked = g_ptr_array_new_with_free_func(g_free);
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
            /* The page order as a key, in snake_case: "per_page", "per_section". */
            g_autofree char *key = g_strdelimit(g_strdup(name), "-", '_');
            json_object_object_add(m, key, json_object_new_string(h));
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
            json_object_object_get_ex(m, "per_page", &pp);
            json_object_object_get_ex(m, "per_section", &ps);
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
        g_autoptr(CcmExpectation) expected = NULL;
        if (predict && !(expected = ccm_expectation_new_tdx(&in, &error))) {
            json_object_put(out);
            return ccmctl_fail("verify", error);
        }
        for (guint i = 0; expected && i < expected->notes->len; i++)
            fprintf(stderr, "ccmctl verify: %s\n", (const char *) expected->notes->pdata[i]);

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
            char tb[16];
            g_autofree char *d = ccm_hex_encode(e->digest, CCM_SHA384_SIZE);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "rtmr", json_object_new_int((int) e->rtmr));
            json_object_object_add(o, "type", json_object_new_string(type_name(e->type, tb)));
            json_object_object_add(o, "digest", json_object_new_string(d));
            json_object_array_add(list, o);
            g_string_append_printf(text, "  RTMR%u %-34s %s\n", e->rtmr, type_name(e->type, tb),
                                   d);
        }
        json_object_object_add(out, "events", list);

        if (expected) {
            const CcmTdxExpected *ex = &expected->tdx->predicted;
            json_object *cmp = json_object_new_array();
            g_string_append_printf(text, "\nEvents against the expected ones (%s, %s%s%s, %"
                                         G_GUINT64_FORMAT " bytes of RAM):\n",
                                   spec_path ? spec_path : in.firmware,
                                   ccm_tdx_layout_to_string(ex->layout),
                                   ex->profile ? ", " : "", ex->profile ? ex->profile->name : "",
                                   in.memory);
            g_autofree char *first = compare_events(ex, events, cmp, text);
            /* Predicted events that could not be checked: unknown (an input is missing), and
             * RTMR0's when the layout is not modelled. RTMR1 and RTMR2 without a direct-boot
             * kernel and RTMR3 are not predicted at all (not asked for). */
            for (size_t i = 0; i < json_object_array_length(cmp); i++) {
                json_object *e = json_object_array_get_idx(cmp, i), *r = NULL, *reg = NULL;
                json_object *what = NULL;
                json_object_object_get_ex(e, "result", &r);
                json_object_object_get_ex(e, "rtmr", &reg);
                json_object_object_get_ex(e, "event", &what);
                const char *res = json_object_get_string(r);
                if (strcmp(res, "unknown") == 0 ||
                    (strcmp(res, "not-predicted") == 0 && json_object_get_int(reg) == 0))
                    g_ptr_array_add(unchecked, g_strdup_printf("RTMR%d %s",
                                                               json_object_get_int(reg),
                                                               json_object_get_string(what)));
            }
            json_object_object_add(out, "event_comparison", cmp);
            json_object_object_add(out, "first_difference",
                                   first ? json_object_new_string(first) : NULL);
            if (first) {
                g_string_append_printf(text, "first difference: %s\n", first);
                all_match = FALSE;
            }
        }
    }
    json_object *unchecked_json = json_object_new_array();
    for (guint i = 0; i < unchecked->len; i++)
        json_object_array_add(unchecked_json, json_object_new_string(unchecked->pdata[i]));
    json_object_object_add(out, "unchecked", unchecked_json);
    if (unchecked->len)
        g_string_append_printf(text, "unchecked: %u predicted event%s could not be checked "
                                     "(unknown, or RTMR0 not predicted)%s\n",
                               unchecked->len, unchecked->len == 1 ? "" : "s",
                               allow_unchecked ? "; allowed by --allow-unchecked"
                                               : "; --allow-unchecked accepts this");
    json_object_object_add(out, "result",
                           json_object_new_string(!all_match       ? "differ"
                                                  : unchecked->len ? "unchecked"
                                                                   : "match"));
    g_autofree char *s = NULL;
    if (json)
        s = ccmctl_json_text("ccm-verify-tdx/1", out);
    else {
        s = g_strdup(text->str);
        json_object_put(out);
    }
    if (!ccmctl_write_stdout(s, &error))
        return ccmctl_fail("verify", error);
    return all_match && (allow_unchecked || !unchecked->len) ? CCMCTL_EXIT_OK
                                                              : CCMCTL_EXIT_FAILURE;
}
