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
#include "byte-size.h"
#include "ccmctl.h"
#include "hex.h"
#include "expectation-tdx.h"

/* Prints @in's expectation: @reg alone (mrtd, rtmr0-2), the predicted @event_log (the
 * document "ccm-event-log/1"), or the values in @output (hex, the default: MRTD; json:
 * everything). */
static int measure_and_print(const CcmTdxInputs *in, const char *reg, const char *output,
                             const char *event_log)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmExpectation) e = ccm_expectation_new_tdx(in, &error);
    if (!e)
        return ccmctl_fail("measure", error);
    const CcmTdxExpected *p = &e->tdx->predicted;
    /* hex and base64 print MRTD alone: complete whatever the RTMRs are. */
    gboolean all = event_log || (output && strcmp(output, "json") == 0);
    if (!p->have_acpi && all)
        g_ptr_array_add(e->notes, g_strdup("warning: RTMR0 is unknown without QEMU's ACPI "
                                           "tables (--acpi-dir or --qemu)"));
    /* A register the boot has but that cannot be predicted: say so in the exit status. */
    gboolean incomplete = FALSE;
    for (int i = 0; i < (in->kernel ? 3 : 1); i++) {
        g_autofree char *name = g_strdup_printf("rtmr%d", i);
        const CcmExpectedValue *v = ccm_expectation_value(e, name);
        if (v && !v->known && (!reg || strcmp(reg, name) == 0))
            incomplete = TRUE;
    }
    if (reg && incomplete) {
        ccmctl_measure_notes(e, in->explain);
        g_set_error(&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "--register %s cannot be predicted from these inputs (see the warnings; "
                    "--event-log json lists every event, with null for those not predicted)",
                    reg);
        ccmctl_fail("measure", error);
        return CCMCTL_EXIT_INCOMPLETE;
    }
    if (!event_log && !reg) {
        int rc = ccmctl_measure_print(e, output ? output : "hex", in->explain);
        return rc == CCMCTL_EXIT_OK && incomplete && all ? CCMCTL_EXIT_INCOMPLETE : rc;
    }

    ccmctl_measure_notes(e, in->explain);
    g_autofree char *text = NULL;
    if (event_log) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "platform", json_object_new_string("tdx"));
        json_object_object_add(o, "events", ccm_expectation_tdx_event_log(e));
        text = ccmctl_json_text("ccm-event-log/1", o);
    } else {
        const CcmExpectedValue *v = ccm_expectation_value(e, reg);
        g_autofree char *hex = ccm_hex_encode(v->value, v->size);
        text = g_strconcat(hex, "\n", NULL);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("measure", error);
    return incomplete ? CCMCTL_EXIT_INCOMPLETE : CCMCTL_EXIT_OK;
}

int ccmctl_measure_tdx(int argc, char **argv)
{
    g_autofree char *platform = NULL, *firmware = NULL, *memory = NULL, *order_name = NULL;
    g_autofree char *reg = NULL, *output = NULL, *acpi_dir = NULL, *qemu = NULL;
    g_autofree char *qemu_version = NULL;
    g_autofree char *layout_name = NULL, *event_log = NULL;
    g_autofree char *kernel = NULL, *initrd = NULL, *append = NULL;
    gint vcpus = 1;
    gboolean explain = FALSE, json = FALSE;
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
        { "qemu-version", 0, 0, G_OPTION_ARG_STRING, &qemu_version,
          "The QEMU release that launches the TD, e.g. 10.1 (default: --qemu's, else 10.2+): "
          "it decides which kernel bytes OVMF measures",
          "X.Y" },
        { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu,
          "Read the ACPI blobs from this QEMU (q35, -smp, -m; TCG, stopped)", "PATH" },
        { "register", 0, 0, G_OPTION_ARG_STRING, &reg, "Print this register alone (mrtd, rtmr0)",
          "REGISTER" },
        { "output", 0, 0, G_OPTION_ARG_STRING, &output, "hex (default: MRTD) or json", "FORMAT" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (--output json)", NULL },
        { "event-log", 0, 0, G_OPTION_ARG_STRING, &event_log,
          "Print the predicted event log (json)", "json" },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain, "Explain every section on stderr",
          NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --platform tdx (an Intel TD's MRTD and RTMRs)", entries,
                            NULL))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl measure");
    g_autoptr(GOptionContext) context =
        g_option_context_new("--platform tdx - the TD's expected MRTD and RTMR0");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 measurement failed, "
                                              "2 usage error, 3 printed but an RTMR the boot "
                                              "has cannot be predicted (the warnings and the "
                                              "event log's null digests say which events). "
                                              "See ccmctl-measure(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error) ||
        !ccmctl_json_option(json, "--output", &output, &error))
        return ccmctl_fail("measure", error);

    guint64 mem = 0;
    int qemu_major = 0, qemu_minor = 0;
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
    else if (!ccm_byte_size_parse(memory, &mem))
        usage = "--memory: expected bytes or a number with K, M or G, e.g. 2G";
    else if (vcpus < 1 || vcpus > 4096)
        usage = "--vcpus: expected 1 to 4096";
    else if (order < 0)
        usage = "--page-order: expected per-page or per-section";
    else if (layout < 0 && layout_name && strcmp(layout_name, "auto") != 0)
        usage = "--layout: expected auto, edk2-pre-202411, edk2-202411 or edk2-202505";
    else if (acpi_dir && qemu)
        usage = "--acpi-dir and --qemu are alternatives";
    else if (qemu_version && !ccmctl_parse_qemu_version(qemu_version, &qemu_major, &qemu_minor))
        usage = "--qemu-version: expected MAJOR.MINOR, e.g. 10.1";
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
        .qemu_major = qemu_major,
        .qemu_minor = qemu_minor,
        .explain = explain,
    };
    return measure_and_print(&in, reg, output, event_log);
}
