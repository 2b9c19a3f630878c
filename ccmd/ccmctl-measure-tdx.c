/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-measure-tdx.c - ccmctl measure --platform tdx: a TD's MRTD, RTMRs and event log
 *
 * The options become CcmTdxInputs and launch/tdx-expected.c does the work: MRTD from the
 * firmware and the host's page order (tdx.md §2); RTMR0 from the firmware, its edk2
 * generation (known images by digest, else --layout), the RAM size and QEMU's three ACPI
 * blobs (--acpi-dir, or read from the QEMU binary with --qemu; without them the ACPI
 * events are listed with "digest": null and RTMR0 is null, with a warning); RTMR1 and
 * RTMR2 with --kernel. RTMR3 belongs to the workload.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "ccm/measure.h"
#include "ccmctl.h"
#include "hex.h"
#include "tdx-expected.h"

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
          "OVMF event layout: auto (default: from the image's profile), edk2-pre-202411, "
          "edk2-202411 or edk2-202505",
          "LAYOUT" },
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
    int layout = !layout_name || strcmp(layout_name, "auto") == 0
                     ? -1
                     : ccm_tdx_layout_from_string(layout_name);
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
    else if (layout < 0 && layout_name && strcmp(layout_name, "auto") != 0)
        usage = "--layout: expected auto, edk2-pre-202411, edk2-202411 or edk2-202505";
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

    CcmTdxInputs in = {
        .firmware = firmware,
        .memory = mem,
        .vcpus = (guint) vcpus,
        .kernel = kernel,
        .initrd = initrd,
        .append = append,
        .page_order = (CcmTdxPageOrder) order,
        .layout = layout,
        .acpi_dir = acpi_dir,
        .qemu = qemu,
        .explain = explain,
    };
    return ccmctl_measure_tdx_run(&in, reg, output, event_log);
}

int ccmctl_measure_tdx_run(const CcmTdxInputs *in, const char *reg, const char *output,
                           const char *event_log)
{
    g_autoptr(GError) error = NULL;
    const char *firmware = in->firmware;
    const char *kernel = in->kernel;
    guint64 mem = in->memory;
    CcmTdxExpected ex;
    if (!ccm_tdx_expected_compute(in, &ex, &error)) {
        ccm_tdx_expected_clear(&ex);
        return ccmctl_fail("measure", error);
    }
    if (reg && (strcmp(reg, "rtmr0") == 0 || strcmp(reg, "rtmr1") == 0) && !ex.rtmr0_modelled) {
        g_set_error(&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "--register %s: %s uses the %s event layout, which is not modelled", reg,
                    firmware, ccm_tdx_layout_to_string(ex.layout));
        ccm_tdx_expected_clear(&ex);
        return ccmctl_fail("measure", error);
    }
    for (guint i = 0; i < ex.notes->len; i++)
        fprintf(stderr, "ccmctl measure: %s\n", (const char *) ex.notes->pdata[i]);
    const CcmTdxPredictedEvent *events = ex.events;
    size_t n_events = ex.n_events;
    const uint8_t *mrtd = ex.mrtd;
    uint8_t (*rtmrs)[CCM_SHA384_SIZE] = ex.rtmrs;
    gboolean have_acpi = ex.have_acpi && ex.rtmr0_modelled;

    if (in->explain) {
        fprintf(stderr, "TDVF sections of %s, page order %s:\n"
                        "#   section   GPA            pages  operations          MRTD after the "
                        "section\n%s",
                firmware, ccm_tdx_page_order_to_string(in->page_order),
                ex.explain->str);
        fprintf(stderr, "\nPredicted events (%s%s%s, %" G_GUINT64_FORMAT " bytes of RAM):\n",
                ccm_tdx_layout_to_string(ex.layout), ex.profile ? ", " : "",
                ex.profile ? ex.profile->name : "", mem);
        for (size_t i = 0; i < n_events; i++) {
            g_autofree char *d = events[i].known
                                     ? ccm_hex_encode(events[i].digest, CCM_SHA384_SIZE)
                                     : g_strdup("(needs --acpi-dir or --qemu)");
            fprintf(stderr, "%-3zu RTMR%u %-32s %-44s %s\n", i, events[i].rtmr,
                    ccm_tdx_event_type_to_string(events[i].type), events[i].description, d);
        }
    }
    if (!ex.have_acpi && ex.rtmr0_modelled && !reg)
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
        g_autofree char *hex = ccm_hex_encode(mrtd, CCM_SHA384_SIZE);
        g_autofree char *r0 = have_acpi ? ccm_hex_encode(rtmrs[0], CCM_SHA384_SIZE) : NULL;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "platform", json_object_new_string("tdx"));
        json_object_object_add(o, "firmware", json_object_new_string(firmware));
        json_object_object_add(o, "page_order", json_object_new_string(
                                                    ccm_tdx_page_order_to_string(in->page_order)));
        json_object_object_add(o, "layout", json_object_new_string(
                                                ccm_tdx_layout_to_string(ex.layout)));
        json_object_object_add(o, "firmware_profile",
                               ex.profile ? json_object_new_string(ex.profile->name) : NULL);
        json_object_object_add(o, "memory", json_object_new_int64((int64_t) mem));
        json_object_object_add(o, "vcpus", json_object_new_int((int) in->vcpus));
        json_object_object_add(o, "mrtd", json_object_new_string(hex));
        json_object_object_add(o, "hashed_bytes", json_object_new_int64((int64_t) ex.hashed_bytes));
        json_object_object_add(o, "rtmr0", r0 ? json_object_new_string(r0) : NULL);
        json_object *missing = json_object_new_array();
        if (!ex.rtmr0_modelled)
            json_object_array_add(missing, json_object_new_string("rtmr0"));
        if (kernel && ex.rtmr0_modelled) {
            g_autofree char *r1 = ccm_hex_encode(rtmrs[1], CCM_SHA384_SIZE);
            json_object_object_add(o, "rtmr1", json_object_new_string(r1));
        } else {
            json_object_object_add(o, "rtmr1", NULL);
            json_object_array_add(missing, json_object_new_string("rtmr1"));
        }
        if (kernel) {
            g_autofree char *r2 = ccm_hex_encode(rtmrs[2], CCM_SHA384_SIZE);
            json_object_object_add(o, "rtmr2", json_object_new_string(r2));
        } else {
            json_object_object_add(o, "rtmr2", NULL);
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
