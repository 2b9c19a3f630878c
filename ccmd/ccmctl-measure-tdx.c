/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-measure-tdx.c - ccmctl measure --platform tdx: MRTD and RTMR0 of a TD
 *
 * MRTD comes from the firmware file and the host's page order (tdx.md §2). RTMR0 comes
 * from the firmware, the RAM size and QEMU's three ACPI blobs (§3.2): given with
 * --acpi-dir, or read from the QEMU binary with --qemu; without them its three ACPI
 * events are listed with "digest": null and RTMR0 is null, with a warning. RTMR1 to
 * RTMR3 (kernel, command line and initrd, workload) are not computed yet: asking for one
 * is an error that says so, and the JSON lists them under "not_computed".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "acpi-dump.h"
#include "ccm/measure.h"
#include "ccmctl.h"
#include "hex.h"

typedef struct Explained {
    GString *text;
} Explained;

static void explain_step(const CcmStep *step, void *userdata)
{
    Explained *e = userdata;
    g_autofree char *hex = ccm_hex_encode(step->digest, step->digest_size);
    g_string_append_printf(e->text, "%-3u %-9s 0x%-12" G_GINT64_MODIFIER "x %6" G_GUINT64_FORMAT
                                    "  %-19s %s\n",
                           step->index, step->stage, (gint64) step->gpa, step->n_pages,
                           step->detail, hex);
}

/* "4G", "512M", "1048576": bytes. */
static gboolean parse_size(const char *text, guint64 *ret)
{
    char *end = NULL;
    guint64 v = g_ascii_strtoull(text, &end, 10);
    guint shift = 0;
    if (end == text)
        return FALSE;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end != '\0' || v == 0 || v > (G_MAXUINT64 >> shift))
        return FALSE;
    *ret = v << shift;
    return TRUE;
}

/* One ACPI file of @dir under either name (sysfs' or the dump's). */
static GBytes *read_acpi_file(const char *dir, const char *a, const char *b, GError **error)
{
    const char *names[] = { a, b };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);
        g_autofree char *data = NULL;
        gsize size = 0;
        if (g_file_get_contents(path, &data, &size, NULL))
            return g_bytes_new_take(g_steal_pointer(&data), size);
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s has neither %s nor %s", dir, a, b);
    return NULL;
}

static gboolean acpi_from_dir(const char *dir, CcmAcpiBlobs *b, GError **error)
{
    *b = (CcmAcpiBlobs) { 0 };
    if (!(b->loader = read_acpi_file(dir, "table-loader", "etc_table-loader.bin", error)) ||
        !(b->rsdp = read_acpi_file(dir, "rsdp", "etc_acpi_rsdp.bin", error)) ||
        !(b->tables = read_acpi_file(dir, "tables", "etc_acpi_tables.bin", error))) {
        ccm_acpi_blobs_clear(b);
        return FALSE;
    }
    return TRUE;
}

/* Warns when the loader or RSDP is not what the tables imply (a capture gone wrong). */
static void cross_check(const CcmAcpiBlobs *b)
{
    gsize n = 0;
    const void *t = g_bytes_get_data(b->tables, &n);
    uint8_t rsdp[CCM_ACPI_RSDP_SIZE], loader[CCM_ACPI_LOADER_SIZE];
    CcmError err = { 0 };
    if (ccm_tdx_acpi_derive(t, n, rsdp, loader, &err) < 0) {
        fprintf(stderr, "ccmctl measure: note: cannot cross-check the ACPI blobs: %s\n",
                err.message);
        return;
    }
    g_autoptr(GBytes) r = g_bytes_new(rsdp, sizeof(rsdp));
    g_autoptr(GBytes) l = g_bytes_new(loader, sizeof(loader));
    if (!g_bytes_equal(r, b->rsdp) || !g_bytes_equal(l, b->loader))
        fprintf(stderr, "ccmctl measure: warning: the ACPI RSDP or table-loader is not what "
                        "the tables imply; check how the blobs were captured\n");
}

static void sha384_bytes(GBytes *b, uint8_t *out)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA384);
    gsize n = 0;
    const guchar *d = g_bytes_get_data(b, &n);
    g_checksum_update(sum, d, (gssize) n);
    gsize len = CCM_SHA384_SIZE;
    g_checksum_get_digest(sum, out, &len);
}

int ccmctl_measure_tdx(int argc, char **argv)
{
    g_autofree char *platform = NULL, *firmware = NULL, *memory = NULL, *order_name = NULL;
    g_autofree char *reg = NULL, *output = NULL, *acpi_dir = NULL, *qemu = NULL;
    g_autofree char *layout_name = NULL, *event_log = NULL;
    g_autofree char *kernel = NULL, *initrd = NULL, *append = NULL;
    gint vcpus = 1;
    gboolean explain = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "tdx", "tdx" },
        { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &firmware, "TDVF/OVMF image (-bios)", "PATH" },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &memory, "Guest RAM: bytes or N[K|M|G]",
          "SIZE" },
        { "vcpus", 0, 0, G_OPTION_ARG_INT, &vcpus, "vCPUs (-smp N)", "N" },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel, "Kernel for direct boot (RTMR1)",
          "PATH" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd, "Initrd (needs --kernel; RTMR2)",
          "PATH" },
        { "append", 0, 0, G_OPTION_ARG_STRING, &append,
          "Kernel command line (needs --kernel; RTMR2)", "STRING" },
        { "page-order", 0, 0, G_OPTION_ARG_STRING, &order_name,
          "per-page (default: QEMU 10.1+/upstream KVM) or per-section (QEMU 8.2 stacks)",
          "ORDER" },
        { "layout", 0, 0, G_OPTION_ARG_STRING, &layout_name,
          "OVMF event layout: edk2-202411 (default) or edk2-pre-202411", "LAYOUT" },
        { "acpi-dir", 0, 0, G_OPTION_ARG_FILENAME, &acpi_dir,
          "QEMU's ACPI blobs: tables, rsdp, table-loader", "DIR" },
        { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu,
          "Read the ACPI blobs from this QEMU (q35, -smp, -m; TCG, stopped)", "PATH" },
        { "register", 0, 0, G_OPTION_ARG_STRING, &reg, "Print this register alone (mrtd, rtmr0)",
          "REGISTER" },
        { "output", 0, 0, G_OPTION_ARG_STRING, &output, "hex or json (default json)", "FORMAT" },
        { "event-log", 0, 0, G_OPTION_ARG_STRING, &event_log,
          "Print the predicted event log (json)", "json" },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain, "Explain every section on stderr",
          NULL },
        { NULL },
    };
    g_set_prgname("ccmctl measure");
    g_autoptr(GOptionContext) context =
        g_option_context_new("--platform tdx - the TD's expected MRTD and RTMR0");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 measurement failed, "
                                              "2 usage error. See ccmctl-measure(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("measure", error);

    guint64 mem = 0;
    int order = ccm_tdx_page_order_from_string(order_name ? order_name : "per-page");
    int layout = ccm_tdx_layout_from_string(layout_name ? layout_name : "edk2-202411");
    const char *usage = NULL;
    if (argc > 1)
        usage = "--platform tdx takes no guest spec yet; give --firmware and --memory";
    else if (!firmware)
        usage = "--firmware PATH is required";
    else if (!memory)
        usage = "--memory SIZE is required";
    else if (!parse_size(memory, &mem))
        usage = "--memory: expected bytes or a number with K, M or G, e.g. 2G";
    else if (vcpus < 1 || vcpus > 4096)
        usage = "--vcpus: expected 1 to 4096";
    else if (order < 0)
        usage = "--page-order: expected per-page or per-section";
    else if (layout < 0)
        usage = "--layout: expected edk2-202411 or edk2-pre-202411";
    else if (acpi_dir && qemu)
        usage = "--acpi-dir and --qemu are alternatives";
    else if (output && strcmp(output, "hex") != 0 && strcmp(output, "json") != 0)
        usage = "--output: expected hex or json";
    else if ((initrd || append) && !kernel)
        usage = "--initrd and --append need --kernel";
    else if (event_log && strcmp(event_log, "json") != 0)
        usage = "--event-log: expected json";
    else if (reg && strcmp(reg, "mrtd") != 0 && strcmp(reg, "rtmr0") != 0 &&
             strcmp(reg, "rtmr1") != 0 && strcmp(reg, "rtmr2") != 0 && strcmp(reg, "rtmr3") != 0)
        usage = "--register: expected mrtd, rtmr0, rtmr1, rtmr2 or rtmr3";
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("measure", error);
    }
    if (reg && strcmp(reg, "rtmr3") == 0) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--register rtmr3: the firmware leaves RTMR3 to the workload");
        return ccmctl_fail("measure", error);
    }
    if (reg && (strcmp(reg, "rtmr1") == 0 || strcmp(reg, "rtmr2") == 0) && !kernel) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "--register %s needs --kernel (direct boot)", reg);
        return ccmctl_fail("measure", error);
    }
    if (reg && strcmp(reg, "rtmr0") == 0 && !acpi_dir && !qemu) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                            "--register rtmr0 needs QEMU's ACPI tables: --acpi-dir DIR or "
                            "--qemu PATH");
        return ccmctl_fail("measure", error);
    }

    g_autoptr(GMappedFile) file = g_mapped_file_new(firmware, FALSE, &error);
    if (!file)
        return ccmctl_fail("measure", error);
    const char *data = g_mapped_file_get_contents(file);
    gsize size = g_mapped_file_get_length(file);
    uint8_t mrtd[CCM_SHA384_SIZE];
    CcmError err = { 0 };
    Explained ex = { .text = g_string_new(NULL) };
    CcmTdvfSection sections[32];
    size_t n_sections = 0;
    int r = ccm_tdx_mrtd(data, size, firmware, (CcmTdxPageOrder) order,
                         explain ? explain_step : NULL, &ex, sections, &n_sections, mrtd, &err);
    if (r < 0) {
        g_string_free(ex.text, TRUE);
        g_set_error_literal(&error, G_IO_ERROR, g_io_error_from_errno(-r), err.message);
        return ccmctl_fail("measure", error);
    }

    /* RTMR0: firmware, RAM size, and the ACPI blobs when we have them. */
    CcmAcpiBlobs blobs = { 0 };
    gboolean have_acpi = FALSE;
    if (acpi_dir) {
        if (!acpi_from_dir(acpi_dir, &blobs, &error)) {
            g_string_free(ex.text, TRUE);
            return ccmctl_fail("measure", error);
        }
        have_acpi = TRUE;
    } else if (qemu) {
        g_autofree char *smp = g_strdup_printf("%d", vcpus);
        g_autofree char *m = g_strdup_printf("%" G_GUINT64_FORMAT "K", mem >> 10);
        const char *shape[] = { "-machine", "q35", "-smp", smp, "-m", m, "-nodefaults", NULL };
        if (!ccm_acpi_dump(qemu, shape, 60000, &blobs, &error)) {
            g_string_free(ex.text, TRUE);
            return ccmctl_fail("measure", error);
        }
        have_acpi = TRUE;
    }
    uint8_t acpi[3][CCM_SHA384_SIZE];
    if (have_acpi) {
        cross_check(&blobs);
        sha384_bytes(blobs.loader, acpi[0]);
        sha384_bytes(blobs.rsdp, acpi[1]);
        sha384_bytes(blobs.tables, acpi[2]);
        ccm_acpi_blobs_clear(&blobs);
    }
    CcmTdxPredictedEvent events[CCM_TDX_MAX_PREDICTED];
    size_t n_events = 0;
    r = ccm_tdx_predict_rtmr0(data, size, firmware, mem, (CcmTdxLayout) layout,
                              have_acpi ? (const uint8_t (*)[CCM_SHA384_SIZE]) acpi : NULL,
                              events, &n_events, &err);
    if (r < 0) {
        g_string_free(ex.text, TRUE);
        g_set_error_literal(&error, G_IO_ERROR, g_io_error_from_errno(-r), err.message);
        return ccmctl_fail("measure", error);
    }
    /* RTMR1 (kernel image and the boot actions) and RTMR2 (the kernel's EFI stub measures
     * its command line and initrd, from Linux 6.9 on). */
    gboolean stub_measures = FALSE;
    if (kernel) {
        g_autoptr(GMappedFile) kf = g_mapped_file_new(kernel, FALSE, &error);
        if (!kf) {
            g_string_free(ex.text, TRUE);
            return ccmctl_fail("measure", error);
        }
        const char *kd = g_mapped_file_get_contents(kf);
        gsize ks = g_mapped_file_get_length(kf);
        gint64 initrd_size = -1;
        g_autoptr(GMappedFile) rf = NULL;
        if (initrd) {
            if (!(rf = g_mapped_file_new(initrd, FALSE, &error))) {
                g_string_free(ex.text, TRUE);
                return ccmctl_fail("measure", error);
            }
            initrd_size = (gint64) g_mapped_file_get_length(rf);
        }
        guint64 low = mem >= 0xb0000000ull ? 0x80000000ull : mem;
        CcmTdxPredictedEvent *k = &events[n_events++];
        *k = (CcmTdxPredictedEvent) { .rtmr = 1, .type = 0x80000003, .known = 1,
                                      .description = "kernel image (Authenticode)" };
        if (ccm_tdx_kernel_digest(kd, ks, low, initrd_size, k->digest, &err) < 0) {
            g_string_free(ex.text, TRUE);
            g_autofree char *msg = g_strdup_printf("%s: %s", kernel, err.message);
            g_set_error_literal(&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, msg);
            return ccmctl_fail("measure", error);
        }
        static const char *const actions[] = { "Calling EFI Application from Boot Option",
                                               NULL, "Exit Boot Services Invocation",
                                               "Exit Boot Services Returned with Success" };
        for (size_t i = 0; i < G_N_ELEMENTS(actions); i++) {
            if (!actions[i] && layout == CCM_TDX_LAYOUT_EDK2_PRE_202411)
                continue; /* that separator went to RTMR0 */
            CcmTdxPredictedEvent *a = &events[n_events++];
            g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA384);
            if (actions[i])
                g_checksum_update(sum, (const guchar *) actions[i], (gssize) strlen(actions[i]));
            else
                g_checksum_update(sum, (const guchar *) "\0\0\0\0", 4);
            gsize len = CCM_SHA384_SIZE;
            *a = (CcmTdxPredictedEvent) { .rtmr = 1, .type = actions[i] ? 0x80000007 : 0x4,
                                          .known = 1,
                                          .description = actions[i] ? actions[i] : "separator" };
            g_checksum_get_digest(sum, a->digest, &len);
        }
        g_autofree char *version = ccm_tdx_kernel_version(kd, ks);
        unsigned major = 0, minor = 0;
        stub_measures = version && sscanf(version, "%u.%u", &major, &minor) == 2 &&
                        (major > 6 || (major == 6 && minor >= 9));
        if (!stub_measures)
            fprintf(stderr, "ccmctl measure: note: kernel %s is older than 6.9: its EFI stub "
                            "does not measure the command line and initrd; RTMR2 stays zero\n",
                    version ? version : "(version unknown)");
        if (stub_measures) {
            CcmTdxPredictedEvent *c = &events[n_events++];
            *c = (CcmTdxPredictedEvent) { .rtmr = 2, .type = 0x6, .known = 1,
                                          .description = "command line (LoadOptions)" };
            (void) ccm_tdx_cmdline_digest(append ? append : "", initrd != NULL, c->digest);
            if (initrd) {
                CcmTdxPredictedEvent *i = &events[n_events++];
                *i = (CcmTdxPredictedEvent) { .rtmr = 2, .type = 0x6, .known = 1,
                                              .description = "initrd" };
                g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA384);
                g_checksum_update(sum, (const guchar *) g_mapped_file_get_contents(rf),
                                  (gssize) g_mapped_file_get_length(rf));
                gsize len = CCM_SHA384_SIZE;
                g_checksum_get_digest(sum, i->digest, &len);
            }
        }
    }

    uint8_t rtmrs[4][CCM_SHA384_SIZE];
    {
        /* Replay what is known; RTMR0 counts only with every ACPI digest. */
        CcmTdxEvent replay[CCM_TDX_MAX_PREDICTED] = { 0 };
        size_t nr = 0;
        for (size_t i = 0; i < n_events; i++) {
            if (!events[i].known)
                continue;
            replay[nr].rtmr = events[i].rtmr;
            memcpy(replay[nr++].digest, events[i].digest, CCM_SHA384_SIZE);
        }
        (void) ccm_tdx_replay(replay, nr, rtmrs, &err);
    }

    if (explain) {
        fprintf(stderr, "TDVF sections of %s, page order %s:\n"
                        "#   section   GPA            pages  operations          MRTD after the "
                        "section\n%s",
                firmware, ccm_tdx_page_order_to_string((CcmTdxPageOrder) order), ex.text->str);
        fprintf(stderr, "\nRTMR0 events (%s, %" G_GUINT64_FORMAT " bytes of RAM):\n",
                ccm_tdx_layout_to_string((CcmTdxLayout) layout), mem);
        for (size_t i = 0; i < n_events; i++) {
            g_autofree char *d = events[i].known
                                     ? ccm_hex_encode(events[i].digest, CCM_SHA384_SIZE)
                                     : g_strdup("(needs --acpi-dir or --qemu)");
            fprintf(stderr, "%-3zu %-32s %-44s %s\n", i,
                    ccm_tdx_event_type_to_string(events[i].type), events[i].description, d);
        }
    }
    g_string_free(ex.text, TRUE);
    if (!have_acpi && !reg)
        fprintf(stderr, "ccmctl measure: warning: RTMR0 is unknown without QEMU's ACPI tables "
                        "(--acpi-dir or --qemu)\n");

    g_autofree char *text = NULL;
    if (event_log) {
        json_object *list = json_object_new_array();
        for (size_t i = 0; i < n_events; i++) {
            json_object *o = json_object_new_object();
            g_autofree char *d = ccm_hex_encode(events[i].digest, CCM_SHA384_SIZE);
            json_object_object_add(o, "rtmr", json_object_new_int((int) events[i].rtmr));
            json_object_object_add(o, "type", json_object_new_string(
                                                  ccm_tdx_event_type_to_string(events[i].type)));
            json_object_object_add(o, "digest",
                                   events[i].known ? json_object_new_string(d) : NULL);
            json_object_object_add(o, "description",
                                   json_object_new_string(events[i].description));
            json_object_array_add(list, o);
        }
        text = g_strconcat(json_object_to_json_string_ext(list, JSON_C_TO_STRING_PRETTY |
                                                                    JSON_C_TO_STRING_NOSLASHESCAPE),
                           "\n", NULL);
        json_object_put(list);
    } else if (reg || (output && strcmp(output, "hex") == 0)) {
        const uint8_t *value = !reg || strcmp(reg, "mrtd") == 0 ? mrtd
                               : strcmp(reg, "rtmr0") == 0      ? rtmrs[0]
                               : strcmp(reg, "rtmr1") == 0      ? rtmrs[1]
                                                                : rtmrs[2];
        g_autofree char *hex = ccm_hex_encode(value, CCM_SHA384_SIZE);
        text = g_strconcat(hex, "\n", NULL);
    } else {
        g_autofree char *hex = ccm_hex_encode(mrtd, sizeof(mrtd));
        g_autofree char *r0 = have_acpi ? ccm_hex_encode(rtmrs[0], CCM_SHA384_SIZE) : NULL;
        guint64 hashed = 0;
        for (size_t i = 0; i < n_sections; i++) {
            if (sections[i].attributes & CCM_TDVF_ATTR_PAGE_AUG)
                continue;
            guint64 pages = sections[i].mem_size / 4096;
            hashed += pages * 128;
            if (sections[i].attributes & CCM_TDVF_ATTR_MR_EXTEND)
                hashed += pages * 16 * (128 + 256);
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "platform", json_object_new_string("tdx"));
        json_object_object_add(o, "firmware", json_object_new_string(firmware));
        json_object_object_add(o, "page_order", json_object_new_string(
                                                    ccm_tdx_page_order_to_string(order)));
        json_object_object_add(o, "layout", json_object_new_string(
                                                ccm_tdx_layout_to_string(layout)));
        json_object_object_add(o, "memory", json_object_new_int64((int64_t) mem));
        json_object_object_add(o, "vcpus", json_object_new_int(vcpus));
        json_object_object_add(o, "mrtd", json_object_new_string(hex));
        json_object_object_add(o, "hashed_bytes", json_object_new_int64((int64_t) hashed));
        json_object_object_add(o, "rtmr0", r0 ? json_object_new_string(r0) : NULL);
        json_object *missing = json_object_new_array();
        if (kernel) {
            g_autofree char *r1 = ccm_hex_encode(rtmrs[1], CCM_SHA384_SIZE);
            g_autofree char *r2 = ccm_hex_encode(rtmrs[2], CCM_SHA384_SIZE);
            json_object_object_add(o, "rtmr1", json_object_new_string(r1));
            json_object_object_add(o, "rtmr2", json_object_new_string(r2));
        } else {
            json_object_array_add(missing, json_object_new_string("rtmr1"));
            json_object_array_add(missing, json_object_new_string("rtmr2"));
        }
        json_object_object_add(o, "rtmr3", NULL); /* the workload's */
        json_object_object_add(o, "not_computed", missing);
        text = g_strconcat(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE),
                           "\n", NULL);
        json_object_put(o);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("measure", error);
    return CCMCTL_EXIT_OK;
}
