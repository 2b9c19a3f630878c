/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-measure-cca.c - ccmctl measure --platform cca: an Arm CCA realm's RIM and REMs
 *
 * Three ways in: a VMM profile (--vmm qemu|kvmtool with the images, the DTB and the VM's
 * shape), an operation list (--operations FILE.json, the form of one entry of the shared
 * vector file), or REM extensions alone (--rem-extend with --extend INDEX:HEX). Every
 * option is checked before anything is read; on any error nothing goes to stdout and one
 * line naming the option or file goes to stderr. --explain writes every descriptor with
 * its GPA, size and the running RIM to stderr once the measurement succeeded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "cca-operations.h"
#include "ccm/measure-autoptr.h"
#include "ccm/measure.h"
#include "byte-size.h"
#include "ccmctl.h"
#include "expectation-cca.h"

typedef enum OutputFormat {
    OUTPUT_HEX,
    OUTPUT_BASE64,
    OUTPUT_JSON,
} OutputFormat;

static gboolean usage_error(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean usage_error(GError **error, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, msg);
    return FALSE;
}

/* A plain decimal number in [min, max]. */
static gboolean parse_uint(const char *option, const char *text, guint64 min, guint64 max,
                           guint64 *ret, GError **error)
{
    if (!g_ascii_string_to_unsigned(text, 10, min, max, ret, NULL))
        return usage_error(error, "%s: '%s': expected a number from %" G_GUINT64_FORMAT " to %"
                                  G_GUINT64_FORMAT, option, text, min, max);
    return TRUE;
}

/* "1073741824", "512M", "1G": bytes. */
static gboolean parse_size(const char *option, const char *text, guint64 *ret, GError **error)
{
    if (ccm_byte_size_parse(text, ret))
        return TRUE;
    return usage_error(error, "%s: '%s': expected bytes or a number with K, M or G, e.g. 1G",
                       option, text);
}

/* "INDEX:HEX", INDEX 0 to 3, 1 to 64 bytes of hex. */
static gboolean parse_extend(const char *text, CcmCcaExtend *ret, GError **error)
{
    const char *colon = strchr(text, ':');
    size_t n = colon ? strlen(colon + 1) : 0;
    if (!colon || colon - text != 1 || text[0] < '0' || text[0] > '3' || n == 0 || n % 2 != 0 ||
        n > 128)
        return usage_error(error, "--extend: '%s': expected INDEX:HEX with INDEX 0 to 3 and 1 "
                                  "to 64 bytes of hex", text);
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isxdigit(colon[1 + i]))
            return usage_error(error, "--extend: '%s': '%c' is not a hex digit", text,
                               colon[1 + i]);
    ret->index = (unsigned) (text[0] - '0');
    ret->size = n / 2;
    for (size_t i = 0; i < ret->size; i++)
        ret->value[i] = (uint8_t) (g_ascii_xdigit_value(colon[1 + 2 * i]) << 4 |
                                   g_ascii_xdigit_value(colon[2 + 2 * i]));
    return TRUE;
}

/* A whole input file, for a VMM profile; NULL path: absent. */
static gboolean read_blob(const char *option, const char *path, GMappedFile **ret_file,
                          CcmCcaBlob *blob, GError **error)
{
    if (!path)
        return TRUE;
    g_autoptr(GError) e = NULL;
    g_autoptr(GMappedFile) f = g_mapped_file_new(path, FALSE, &e);
    if (!f) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", option, e->message);
        return FALSE;
    }
    if (g_mapped_file_get_length(f) == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s: the file is empty",
                    option, path);
        return FALSE;
    }
    *blob = (CcmCcaBlob) { .data = g_mapped_file_get_contents(f),
                           .size = g_mapped_file_get_length(f),
                           .name = path };
    *ret_file = g_steal_pointer(&f);
    return TRUE;
}

static const char *const output_names[] = { [OUTPUT_HEX] = "hex", [OUTPUT_BASE64] = "base64",
                                            [OUTPUT_JSON] = "json" };

/* Measures @realm (taken; NULL: REMs alone in @hash), extends the REMs and prints. */
static int measure_and_print(CcmCcaRealm *realm, const char *vmm_name, CcmCcaHash hash,
                             OutputFormat format, gboolean explain, const char *note,
                             const CcmCcaExtend *ext, size_t n_ext)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmExpectation) e = ccm_expectation_new_cca(
        realm, vmm_name, hash, ext, n_ext,
        explain ? CCM_EXPECTATION_EXPLAIN : CCM_EXPECTATION_DEFAULT, &error);
    if (!e)
        return ccmctl_fail("measure", error);
    if (note)
        g_ptr_array_add(e->notes, g_strdup(note));
    return ccmctl_measure_print(e, output_names[format], explain);
}

int ccmctl_measure_cca(int argc, char **argv)
{
    g_autofree char *platform = NULL, *vmm_name = NULL, *rmm_name = NULL, *hash_name = NULL;
    g_autofree char *firmware = NULL, *kernel = NULL, *initrd = NULL, *dtb = NULL;
    g_autofree char *memory = NULL, *ipa_bits = NULL, *sve_vl = NULL, *pmu = NULL;
    g_autofree char *bps = NULL, *wps = NULL, *hps_name = NULL, *operations = NULL;
    g_autofree char *output = NULL;
    g_auto(GStrv) extends = NULL;
    gint vcpus = 0;
    gboolean lpa2 = FALSE, log = FALSE, rem_only = FALSE, explain = FALSE, json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "cca", "cca" },
        { "vmm", 0, 0, G_OPTION_ARG_STRING, &vmm_name,
          "VMM whose realm layout to reproduce: qemu or kvmtool", "VMM" },
        { "rmm", 0, 0, G_OPTION_ARG_STRING, &rmm_name,
          "RMM generation: 1.0 (RIPAS measured) or 2.0", "1.0|2.0" },
        { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &firmware,
          "Firmware (QEMU -bios at 0, kvmtool --firmware at RAM base)", "PATH" },
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel, "arm64 Image for direct boot",
          "PATH" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd, "Initrd (needs --kernel)", "PATH" },
        { "dtb", 0, 0, G_OPTION_ARG_FILENAME, &dtb,
          "The device tree given to the VMM (QEMU -dtb); required", "PATH" },
        { "memory", 0, 0, G_OPTION_ARG_STRING, &memory, "Guest RAM: bytes or N[K|M|G]",
          "SIZE" },
        { "vcpus", 0, 0, G_OPTION_ARG_INT, &vcpus, "vCPUs (-smp N, kvmtool -c N)", "N" },
        { "hash", 0, 0, G_OPTION_ARG_STRING, &hash_name,
          "sha256, sha512 or sha384 (RMM 2.0); default per VMM and RMM", "HASH" },
        { "ipa-bits", 0, 0, G_OPTION_ARG_STRING, &ipa_bits,
          "IPA width s2sz (default: what the VMM picks for the RAM size)", "N" },
        { "sve-vl", 0, 0, G_OPTION_ARG_STRING, &sve_vl,
          "SVE vector length in bits, 128 to 2048 (default: SVE off)", "BITS" },
        { "pmu-counters", 0, 0, G_OPTION_ARG_STRING, &pmu,
          "PMU with N event counters, 0 to 31 (default: PMU off)", "N" },
        { "breakpoints", 0, 0, G_OPTION_ARG_STRING, &bps, "Breakpoints, 2 to 16 (default 6)",
          "N" },
        { "watchpoints", 0, 0, G_OPTION_ARG_STRING, &wps, "Watchpoints, 2 to 16 (default 6)",
          "N" },
        { "lpa2", 0, 0, G_OPTION_ARG_NONE, &lpa2, "The host uses LPA2 stage-2 tables", NULL },
        { "host-page-size", 0, 0, G_OPTION_ARG_STRING, &hps_name,
          "Host kernel page size: 4K (default) or 64K", "SIZE" },
        { "measurement-log", 0, 0, G_OPTION_ARG_NONE, &log,
          "The VMM places its 64 KiB measurement log (unmeasured)", NULL },
        { "operations", 0, 0, G_OPTION_ARG_FILENAME, &operations,
          "Measure the operation list in FILE.json instead of a VMM profile", "FILE" },
        { "extend", 0, 0, G_OPTION_ARG_STRING_ARRAY, &extends,
          "Extend REM INDEX (0-3) with HEX (up to 64 bytes); repeatable", "INDEX:HEX" },
        { "rem-extend", 0, 0, G_OPTION_ARG_NONE, &rem_only,
          "Compute only the REMs of the --extend values (with --hash)", NULL },
        { "output", 0, 0, G_OPTION_ARG_STRING, &output, "hex (default), base64 or json",
          "FORMAT" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (--output json)", NULL },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
          "List every descriptor with its GPA, size and the running RIM on stderr", NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --platform cca (an Arm CCA realm's RIM and REMs)",
                            entries, NULL))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl measure");
    g_autoptr(GOptionContext) context =
        g_option_context_new("--platform cca - an Arm CCA realm's initial measurement (RIM)");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 measurement failed, "
                                              "2 usage error. See ccmctl-measure(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error) ||
        !ccmctl_json_option(json, "--output", &output, &error))
        return ccmctl_fail("measure", error);

    /* Every option first: nothing is read before the command line holds together. */
    const struct {
        const char *option;
        gboolean given;
    } profile_options[] = {
        { "--vmm", vmm_name != NULL },         { "--firmware", firmware != NULL },
        { "--kernel", kernel != NULL },        { "--initrd", initrd != NULL },
        { "--dtb", dtb != NULL },              { "--memory", memory != NULL },
        { "--vcpus", vcpus != 0 },             { "--ipa-bits", ipa_bits != NULL },
        { "--sve-vl", sve_vl != NULL },        { "--pmu-counters", pmu != NULL },
        { "--breakpoints", bps != NULL },      { "--watchpoints", wps != NULL },
        { "--lpa2", lpa2 },                    { "--host-page-size", hps_name != NULL },
        { "--measurement-log", log },          { "--rmm", rmm_name != NULL },
    };
    OutputFormat format = OUTPUT_HEX;
    CcmCcaExtend ext[64];
    size_t n_ext = extends ? g_strv_length(extends) : 0;
    if (argc > 1) {
        usage_error(&error, "unexpected argument '%s'", argv[1]);
        return ccmctl_fail("measure", error);
    }
    if (output) {
        if (strcmp(output, "hex") == 0)
            format = OUTPUT_HEX;
        else if (strcmp(output, "base64") == 0)
            format = OUTPUT_BASE64;
        else if (strcmp(output, "json") == 0)
            format = OUTPUT_JSON;
        else {
            usage_error(&error, "--output: '%s': expected hex, base64 or json", output);
            return ccmctl_fail("measure", error);
        }
    }
    if (n_ext > G_N_ELEMENTS(ext)) {
        usage_error(&error, "--extend: at most %zu extensions", G_N_ELEMENTS(ext));
        return ccmctl_fail("measure", error);
    }
    for (size_t i = 0; i < n_ext; i++)
        if (!parse_extend(extends[i], &ext[i], &error))
            return ccmctl_fail("measure", error);
    int hash = -1;
    if (hash_name && (hash = ccm_cca_hash_from_string(hash_name)) < 0) {
        usage_error(&error, "--hash: '%s': expected sha256, sha512 or sha384", hash_name);
        return ccmctl_fail("measure", error);
    }

    if (rem_only) {
        for (size_t i = 0; i < G_N_ELEMENTS(profile_options); i++)
            if (profile_options[i].given) {
                usage_error(&error, "--rem-extend computes REMs alone: %s does not apply",
                            profile_options[i].option);
                return ccmctl_fail("measure", error);
            }
        if (operations || explain) {
            usage_error(&error, "--rem-extend computes REMs alone: %s does not apply",
                        operations ? "--operations" : "--explain");
            return ccmctl_fail("measure", error);
        }
        if (n_ext == 0) {
            usage_error(&error, "--rem-extend needs at least one --extend INDEX:HEX");
            return ccmctl_fail("measure", error);
        }
        CcmCcaHash h = hash < 0 ? CCM_CCA_HASH_SHA256 : (CcmCcaHash) hash;
        return measure_and_print(NULL, NULL, h, format, FALSE, NULL, ext, n_ext);
    }

    g_autoptr(CcmCcaRealm) realm = NULL;
    g_autoptr(GMappedFile) f_firmware = NULL, f_kernel = NULL, f_initrd = NULL, f_dtb = NULL;
    const char *note = NULL;
    CcmError err = { 0 };
    if (operations) {
        for (size_t i = 0; i < G_N_ELEMENTS(profile_options); i++)
            if (profile_options[i].given || hash_name) {
                usage_error(&error, "--operations gives every input of the realm: %s cannot "
                                    "be combined with it",
                            profile_options[i].given ? profile_options[i].option : "--hash");
                return ccmctl_fail("measure", error);
            }
        if (!(realm = ccm_cca_operations_load(operations, &error)))
            return ccmctl_fail("measure", error);
    } else {
        CcmCcaVmmConfig config = { .vcpus = (unsigned) vcpus, .measurement_log = log };
        guint64 mem = 0, v = 0;
        gboolean ok = TRUE;
        int vmm = vmm_name ? ccm_cca_vmm_from_string(vmm_name) : -1;
        int rmm = rmm_name ? ccm_cca_rmm_from_string(rmm_name) : -1;
        if (!vmm_name)
            ok = usage_error(&error, "--vmm qemu|kvmtool is required (or --operations FILE, or "
                                     "--rem-extend)");
        else if (vmm < 0)
            ok = usage_error(&error, "--vmm: '%s': expected qemu or kvmtool", vmm_name);
        else if (!rmm_name)
            ok = usage_error(&error, "--rmm 1.0|2.0 is required: the RMM generation decides "
                                     "whether RIPAS is measured");
        else if (rmm < 0)
            ok = usage_error(&error, "--rmm: '%s': expected 1.0 or 2.0", rmm_name);
        else if (!dtb)
            ok = usage_error(&error, "--dtb PATH is required: the device tree sits in realm "
                                     "memory and is measured; generate it once (e.g. QEMU "
                                     "-machine dumpdtb=FILE) and pass the same file to the "
                                     "VMM (-dtb) and here");
        else if (!memory)
            ok = usage_error(&error, "--memory SIZE is required");
        else if (!parse_size("--memory", memory, &mem, &error))
            ok = FALSE;
        else if (vcpus < 1 || vcpus > 512)
            ok = usage_error(&error, "--vcpus N is required: expected 1 to 512");
        else if (initrd && !kernel)
            ok = usage_error(&error, "--initrd needs --kernel");
        else if (hash == CCM_CCA_HASH_SHA384 && rmm == CCM_CCA_RMM_1_0)
            ok = usage_error(&error, "--hash sha384: RMM 1.0 knows only sha256 and sha512; "
                                     "SHA-384 needs --rmm 2.0");
        if (!ok) {
            return ccmctl_fail("measure", error);
        }
        config.vmm = (CcmCcaVmm) vmm;
        config.rmm = (CcmCcaRmm) rmm;
        config.memory = mem;
        config.host_page_size = 4096;
        CcmCcaRealmParams *p = &config.params;
        p->hash = hash < 0 ? ccm_cca_vmm_default_hash(config.vmm, config.rmm) : (CcmCcaHash) hash;
        p->num_bps = CCM_CCA_DEFAULT_BREAKPOINTS - 1;
        p->num_wps = CCM_CCA_DEFAULT_WATCHPOINTS - 1;
        if (lpa2)
            p->flags |= CCM_CCA_FLAG_LPA2;
        if (hps_name) {
            if (strcmp(hps_name, "4K") == 0 || strcmp(hps_name, "4096") == 0)
                config.host_page_size = 4096;
            else if (strcmp(hps_name, "64K") == 0 || strcmp(hps_name, "65536") == 0)
                config.host_page_size = 65536;
            else
                ok = usage_error(&error, "--host-page-size: '%s': expected 4K or 64K", hps_name);
        }
        if (ok && ipa_bits) {
            ok = parse_uint("--ipa-bits", ipa_bits, 32, lpa2 ? 52 : 48, &v, &error);
            p->s2sz = (uint32_t) v;
        } else if (ok) {
            p->s2sz = ccm_cca_vmm_default_s2sz(config.vmm, mem);
            if (p->s2sz == 0 || p->s2sz > (lpa2 ? 52u : 48u))
                ok = usage_error(&error, "--memory %s: too large for the %s memory map model; "
                                         "give --ipa-bits", memory, vmm_name);
        }
        if (ok && sve_vl) {
            ok = parse_uint("--sve-vl", sve_vl, 128, 2048, &v, &error);
            if (ok && v % 128 != 0)
                ok = usage_error(&error, "--sve-vl: '%s': expected a multiple of 128 bits",
                                 sve_vl);
            p->flags |= CCM_CCA_FLAG_SVE;
            p->sve_vl = (uint32_t) (v / 128 - 1);
        }
        if (ok && pmu) {
            ok = parse_uint("--pmu-counters", pmu, 0, 31, &v, &error);
            p->flags |= CCM_CCA_FLAG_PMU;
            p->pmu_num_ctrs = (uint32_t) v;
        }
        if (ok && bps) {
            ok = parse_uint("--breakpoints", bps, 2, 16, &v, &error);
            p->num_bps = (uint32_t) v - 1;
        }
        if (ok && wps) {
            ok = parse_uint("--watchpoints", wps, 2, 16, &v, &error);
            p->num_wps = (uint32_t) v - 1;
        }
        if (!ok) {
            return ccmctl_fail("measure", error);
        }
        if (!read_blob("--firmware", firmware, &f_firmware, &config.firmware, &error) ||
            !read_blob("--kernel", kernel, &f_kernel, &config.kernel, &error) ||
            !read_blob("--initrd", initrd, &f_initrd, &config.initrd, &error) ||
            !read_blob("--dtb", dtb, &f_dtb, &config.dtb, &error)) {
            return ccmctl_fail("measure", error);
        }
        if (firmware && kernel && config.vmm == CCM_CCA_VMM_QEMU)
            note = "note: with --firmware, QEMU hands --kernel and --initrd to the firmware "
                   "through fw_cfg: the firmware measures them into REMs, not the RIM";
        if (ccm_cca_vmm_build(&config, &realm, &err) < 0) {
            g_set_error_literal(&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, err.message);
            return ccmctl_fail("measure", error);
        }
    }

    return measure_and_print(g_steal_pointer(&realm), operations ? NULL : vmm_name, 0, format,
                             explain, note, ext, n_ext);
}
