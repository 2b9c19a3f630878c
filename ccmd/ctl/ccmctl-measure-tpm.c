/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-measure-tpm.c - ccmctl measure --platform tpm: the PCRs 0-9 and firmware event log
 * a vTPM guest (OVMF, direct kernel boot) will have
 *
 * launch/tpm-expected.c predicts the events with the UEFI rules ccm uses for a TD's RTMRs,
 * from the firmware, QEMU's ACPI and SMBIOS files and the option ROMs
 * (ccmctl-tpm-inputs.c) and the kernel, initrd and command line.
 * Events it does not model yet are listed with a null digest, and the PCRs they go to are
 * null; the exit status is then 3, as for --platform tdx. Prints one line per PCR (its
 * number, SHA-256 and SHA-384 in hex, "-" where not predicted), the document
 * "ccm-measure/1" with --json, or "ccm-event-log/1" with --event-log json.
 */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "byte-size.h"
#include "ccmctl.h"
#include "ccmctl-tpm-inputs.h"
#include "hex.h"
#include "tpm-expected.h"

int ccmctl_measure_tpm(int argc, char **argv)
{
    g_autofree char *platform = NULL, *release_text = NULL, *vars = NULL, *kernel = NULL;
    g_autofree char *initrd = NULL, *append = NULL, *memory = NULL, *qemu_version = NULL;
    g_autofree char *event_log = NULL;
    gboolean legacy = FALSE, json = FALSE;
    g_autoptr(GError) error = NULL;
    g_auto(CcmctlTpmInputs) tpm = { 0 };
    g_autofree GOptionEntry *tpm_entries = ccmctl_tpm_input_entries(&tpm);
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "tpm", "tpm" },
        { "edk2-release", 0, 0, G_OPTION_ARG_STRING, &release_text,
          "The OVMF's edk2-stable tag, YYYYMM (Debian bookworm 202211, trixie 202502, sid "
          "202608)", "YYYYMM" },
        { "vars", 0, 0, G_OPTION_ARG_FILENAME, &vars,
          "The pflash VARS image the guest starts from (PCR7)", "FILE" },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel, "Direct-boot kernel (PCR4)", "PATH" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd, "Its initrd (PCR9)", "PATH" },
        { "append", 0, 0, G_OPTION_ARG_STRING, &append, "Its command line (PCR9)", "STRING" },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &memory, "The guest's RAM (PCR4)", "SIZE" },
        { "qemu-version", 0, 0, G_OPTION_ARG_STRING, &qemu_version,
          "The QEMU release (default: 10.0 or later)", "X.Y" },
        { "legacy-loader", 0, 0, G_OPTION_ARG_NONE, &legacy,
          "Secure Boot with an unsigned kernel: the legacy loader measures neither it nor its "
          "command line", NULL },
        { "event-log", 0, 0, G_OPTION_ARG_STRING, &event_log,
          "Print the predicted event log (json)", "json" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --platform tpm (a vTPM guest's PCRs 0-9)", entries,
                            tpm_entries))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl measure");
    g_autoptr(GOptionContext) context =
        g_option_context_new("--platform tpm - a vTPM guest's expected PCRs 0-9");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_add_main_entries(context, tpm_entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 failed, 2 usage "
                                              "error, 3 printed but a PCR cannot be predicted "
                                              "(its events are listed with null digests). See "
                                              "ccmctl-measure(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("measure", error);
    CcmTpmInputs in = { .vars = vars, .kernel = kernel, .initrd = initrd, .append = append,
                        .secure_boot_legacy = legacy };
    const char *usage = NULL;
    if (argc > 1)
        usage = "--platform tpm takes no guest spec";
    else if (!release_text && !tpm.firmware)
        usage = "--firmware FILE or --edk2-release YYYYMM is required (the OVMF release "
                "decides the events)";
    else if (release_text &&
             (!g_ascii_isdigit(release_text[0]) || strlen(release_text) != 6 ||
              (in.edk2_release = (unsigned) g_ascii_strtoull(release_text, NULL, 10)) < 201501))
        usage = "--edk2-release: expected YYYYMM, e.g. 202502";
    else if (qemu_version && !ccmctl_parse_qemu_version(qemu_version, &in.qemu_major,
                                                        &in.qemu_minor))
        usage = "--qemu-version: expected MAJOR.MINOR, e.g. 10.1";
    else if (memory && !ccm_byte_size_parse(memory, &in.memory))
        usage = "--memory: expected bytes or a number with K, M or G, e.g. 2G";
    else if (kernel && !memory)
        usage = "--kernel needs --memory";
    else if ((initrd || append) && !kernel)
        usage = "--initrd and --append need --kernel";
    else if (event_log && strcmp(event_log, "json") != 0)
        usage = "--event-log: expected json";
    else
        usage = ccmctl_tpm_inputs_check(&tpm, memory);
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("measure", error);
    }
    if (!ccmctl_tpm_inputs_load(&tpm, memory, &in, &error))
        return ccmctl_fail("measure", error);
    unsigned flags = 0;
    g_autoptr(GArray) events = ccm_tpm_expected_events(&in, &flags, &error);
    if (!events)
        return ccmctl_fail("measure", error);

    gboolean incomplete = FALSE;
    json_object *o = json_object_new_object();
    g_autoptr(GString) text_lines = g_string_new(NULL);
    if (event_log) {
        json_object *list = json_object_new_array();
        json_object_object_add(o, "platform", json_object_new_string("tpm"));
        json_object_object_add(o, "events", list);
        for (guint i = 0; i < events->len; i++) {
            const CcmTpmEvent *e = &g_array_index(events, CcmTpmEvent, i);
            json_object *j = json_object_new_object();
            g_autofree char *d = e->known ? ccm_hex_encode(e->sha384, CCM_SHA384_SIZE) : NULL;
            g_autofree char *d256 = e->known ? ccm_hex_encode(e->sha256, CCM_SHA256_SIZE)
                                             : NULL;
            json_object_object_add(j, "pcr", json_object_new_int((int) e->pcr));
            json_object_object_add(j, "type", json_object_new_string(
                                                  ccm_tdx_event_type_to_string(e->type)));
            json_object_object_add(j, "sha256", d256 ? json_object_new_string(d256) : NULL);
            json_object_object_add(j, "sha384", d ? json_object_new_string(d) : NULL);
            json_object_object_add(j, "description", json_object_new_string(e->description));
            json_object_array_add(list, j);
            incomplete |= !e->known;
        }
    } else {
        json_object_object_add(o, "platform", json_object_new_string("tpm"));
        json_object_object_add(o, "edk2_release", json_object_new_int((int) in.edk2_release));
        json_object_object_add(o, "firmware_build",
                               tpm.build ? json_object_new_string(tpm.build->name) : NULL);
        /* Where PCR0's PEI volume digest came from. */
        json_object_object_add(o, "pei_volume",
                               tpm.rehearsed              ? json_object_new_string("rehearsal")
                               : in.pei_volume_as_built && in.firmware
                                   ? json_object_new_string("image")
                                   : NULL);
        json_object_object_add(o, "kernel_rule",
                               json_object_new_string(flags & CCM_TDX_BOOT_KERNEL_FILE
                                                          ? "file"
                                                          : "patched-header"));
        json_object *missing = json_object_new_array();
        for (int bank = 0; bank < 2; bank++) {
            gboolean sha256 = bank == 0;
            json_object *pcrs = json_object_new_object();
            for (guint32 pcr = 0; pcr < 10; pcr++) {
                guint8 v[CCM_SHA384_SIZE];
                char key[4];
                snprintf(key, sizeof(key), "%u", pcr);
                if (ccm_tpm_expected_pcr(events, pcr, sha256, v)) {
                    g_autofree char *hex =
                        ccm_hex_encode(v, sha256 ? CCM_SHA256_SIZE : CCM_SHA384_SIZE);
                    json_object_object_add(pcrs, key, json_object_new_string(hex));
                } else {
                    json_object_object_add(pcrs, key, NULL);
                    if (sha256)
                        json_object_array_add(missing, json_object_new_int((int) pcr));
                    incomplete = TRUE;
                }
            }
            json_object_object_add(o, sha256 ? "sha256" : "sha384", pcrs);
        }
        json_object_object_add(o, "not_predicted", missing);
        /* The text: "PCR SHA-256 SHA-384" per PCR, "-" where not predicted. */
        json_object *b256 = json_object_object_get(o, "sha256");
        json_object *b384 = json_object_object_get(o, "sha384");
        for (guint32 pcr = 0; pcr < 10; pcr++) {
            char key[4];
            snprintf(key, sizeof(key), "%u", pcr);
            const char *h256 = json_object_get_string(json_object_object_get(b256, key));
            const char *h384 = json_object_get_string(json_object_object_get(b384, key));
            g_string_append_printf(text_lines, "%u %s %s\n", pcr, h256 ? h256 : "-",
                                   h384 ? h384 : "-");
        }
    }
    for (guint i = 0; i < events->len; i++) {
        const CcmTpmEvent *e = &g_array_index(events, CcmTpmEvent, i);
        if (!e->known)
            fprintf(stderr, "ccmctl measure: warning: PCR%u: %s\n", e->pcr, e->description);
    }
    g_autofree char *text = NULL;
    if (event_log)
        text = ccmctl_json_text("ccm-event-log/1", o);
    else if (json)
        text = ccmctl_json_text("ccm-measure/1", o);
    else {
        text = g_strdup(text_lines->str);
        json_object_put(o);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("measure", error);
    return incomplete ? CCMCTL_EXIT_INCOMPLETE : CCMCTL_EXIT_OK;
}
