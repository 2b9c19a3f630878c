/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-measure-tdx.c - ccmctl measure --platform tdx: the TD's MRTD
 *
 * MRTD comes from the firmware file and the host's page order alone (tdx.md §2). The
 * RTMRs (platform configuration, kernel, command line and initrd, ACPI tables) are not
 * computed yet: asking for one is an error that says so, and the default JSON lists
 * them under "not_computed" with a warning on stderr, so nobody mistakes a partial
 * answer for a whole one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

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

int ccmctl_measure_tdx(int argc, char **argv)
{
    g_autofree char *platform = NULL, *firmware = NULL, *memory = NULL, *order_name = NULL;
    g_autofree char *reg = NULL, *output = NULL;
    gint vcpus = 1;
    gboolean explain = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "tdx", "tdx" },
        { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &firmware, "TDVF/OVMF image (-bios)", "PATH" },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &memory, "Guest RAM: bytes or N[K|M|G]",
          "SIZE" },
        { "vcpus", 0, 0, G_OPTION_ARG_INT, &vcpus, "vCPUs (-smp N)", "N" },
        { "page-order", 0, 0, G_OPTION_ARG_STRING, &order_name,
          "per-page (default: QEMU 10.1+/upstream KVM) or per-section (QEMU 8.2 stacks)",
          "ORDER" },
        { "register", 0, 0, G_OPTION_ARG_STRING, &reg, "Print this register alone (mrtd)",
          "REGISTER" },
        { "output", 0, 0, G_OPTION_ARG_STRING, &output, "hex or json (default json)", "FORMAT" },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain, "Explain every section on stderr",
          NULL },
        { NULL },
    };
    g_set_prgname("ccmctl measure");
    g_autoptr(GOptionContext) context =
        g_option_context_new("--platform tdx - the TD's expected MRTD");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 measurement failed, "
                                              "2 usage error. See ccmctl-measure(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("measure", error);

    guint64 mem = 0;
    int order = ccm_tdx_page_order_from_string(order_name ? order_name : "per-page");
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
    else if (output && strcmp(output, "hex") != 0 && strcmp(output, "json") != 0)
        usage = "--output: expected hex or json";
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("measure", error);
    }
    if (reg && strcmp(reg, "mrtd") != 0) {
        if (strcmp(reg, "rtmr0") == 0 || strcmp(reg, "rtmr1") == 0 ||
            strcmp(reg, "rtmr2") == 0 || strcmp(reg, "rtmr3") == 0)
            g_set_error(&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        "--register %s: ccm does not compute the RTMRs yet (only mrtd)", reg);
        else
            g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--register %s: expected mrtd, rtmr0, rtmr1, rtmr2 or rtmr3", reg);
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
    if (explain)
        fprintf(stderr, "TDVF sections of %s, page order %s:\n"
                        "#   section   GPA            pages  operations          MRTD after the "
                        "section\n%s",
                firmware, ccm_tdx_page_order_to_string((CcmTdxPageOrder) order), ex.text->str);
    g_string_free(ex.text, TRUE);
    /* What went through SHA-384: 128 bytes per added page, 6144 more per extended one. */
    guint64 hashed = 0;
    for (size_t i = 0; i < n_sections; i++) {
        if (sections[i].attributes & CCM_TDVF_ATTR_PAGE_AUG)
            continue;
        guint64 pages = sections[i].mem_size / 4096;
        hashed += pages * 128;
        if (sections[i].attributes & CCM_TDVF_ATTR_MR_EXTEND)
            hashed += pages * 16 * (128 + 256);
    }
    if (explain)
        fprintf(stderr, "MRTD hashed %" G_GUINT64_FORMAT " bytes\n", hashed);

    g_autofree char *hex = ccm_hex_encode(mrtd, sizeof(mrtd));
    g_autofree char *text = NULL;
    if (reg || (output && strcmp(output, "hex") == 0)) {
        text = g_strconcat(hex, "\n", NULL);
    } else {
        fprintf(stderr, "ccmctl measure: warning: RTMR0-3 are not computed yet; only MRTD\n");
        json_object *o = json_object_new_object();
        json_object_object_add(o, "platform", json_object_new_string("tdx"));
        json_object_object_add(o, "firmware", json_object_new_string(firmware));
        json_object_object_add(o, "page_order", json_object_new_string(
                                                    ccm_tdx_page_order_to_string(order)));
        json_object_object_add(o, "memory", json_object_new_int64((int64_t) mem));
        json_object_object_add(o, "vcpus", json_object_new_int(vcpus));
        json_object_object_add(o, "mrtd", json_object_new_string(hex));
        json_object_object_add(o, "hashed_bytes", json_object_new_int64((int64_t) hashed));
        json_object *missing = json_object_new_array();
        for (int i = 0; i < 4; i++) {
            g_autofree char *name = g_strdup_printf("rtmr%d", i);
            json_object_array_add(missing, json_object_new_string(name));
        }
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
