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
#include "ccm/measure.h"
#include "ccmctl.h"
#include "ccm/measure-autoptr.h"
#include "hex.h"
#include "plan-cca.h"

/* Defaults without a better source: the breakpoint and watchpoint counts every shared
 * vector uses (the peer's test configuration); real hosts report theirs in
 * ID_AA64DFR0_EL1 and should be given with --breakpoints/--watchpoints. */
#define DEFAULT_BREAKPOINTS 6
#define DEFAULT_WATCHPOINTS 6

typedef enum OutputFormat {
    OUTPUT_HEX,
    OUTPUT_BASE64,
    OUTPUT_JSON,
} OutputFormat;

typedef struct Extend {
    unsigned index;
    uint8_t value[64];
    size_t size;
} Extend;

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
    char *end = NULL;
    guint shift = 0;
    if (!g_ascii_isdigit(text[0]))
        goto bad;
    errno = 0;
    guint64 v = g_ascii_strtoull(text, &end, 10);
    if (errno != 0)
        goto bad;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end != '\0' || v == 0 || v > (G_MAXUINT64 >> shift))
        goto bad;
    *ret = v << shift;
    return TRUE;
bad:
    return usage_error(error, "%s: '%s': expected bytes or a number with K, M or G, e.g. 1G",
                       option, text);
}

/* "INDEX:HEX", INDEX 0 to 3, 1 to 64 bytes of hex. */
static gboolean parse_extend(const char *text, Extend *ret, GError **error)
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

static void explain_step(const CcmStep *step, void *userdata)
{
    GString *text = userdata;
    g_autofree char *rim = ccm_hex_encode(step->digest, step->digest_size);
    g_autofree char *gpa = step->kind == CCM_STEP_CCA_REALM || step->kind == CCM_STEP_CCA_REC
                               ? g_strdup("-")
                               : g_strdup_printf("0x%" G_GINT64_MODIFIER "x", (gint64) step->gpa);
    g_autofree char *detail = step->kind == CCM_STEP_CCA_REC
                                  ? g_strdup_printf("rec %u, pc 0x%" G_GINT64_MODIFIER "x",
                                                    step->index, (gint64) step->gpa)
                                  : g_strdup(step->detail ? step->detail : "");
    g_string_append_printf(text, "%-12s %-14s 0x%-10" G_GINT64_MODIFIER "x %s  %s\n",
                           step->stage, gpa, (gint64) step->size, rim, detail);
}

static const char *op_kind_name(CcmCcaOpKind kind)
{
    static const char *const names[] = { "ripas", "data", "unmeasured", "rec" };
    return names[kind];
}

static char *u64_hex(guint64 v)
{
    return g_strdup_printf("0x%" G_GINT64_MODIFIER "x", (gint64) v);
}

static json_object *json_hex_u64(guint64 v)
{
    g_autofree char *s = u64_hex(v);
    return json_object_new_string(s);
}

static json_object *ops_to_json(const CcmCcaRealm *realm)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < ccm_cca_realm_n_ops(realm); i++) {
        CcmCcaOp op;
        (void) ccm_cca_realm_op(realm, i, &op);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "op", json_object_new_string(op_kind_name(op.kind)));
        if (op.kind == CCM_CCA_OP_REC) {
            json_object *gprs = json_object_new_array();
            for (int k = 0; k < 8; k++)
                json_object_array_add(gprs, json_hex_u64(op.gprs[k]));
            json_object_object_add(o, "flags", json_object_new_int64((int64_t) op.rec_flags));
            json_object_object_add(o, "pc", json_hex_u64(op.pc));
            json_object_object_add(o, "gprs", gprs);
        } else {
            if (op.name)
                json_object_object_add(o, "name", json_object_new_string(op.name));
            json_object_object_add(o, "ipa", json_hex_u64(op.ipa));
            json_object_object_add(o, "size", json_object_new_int64((int64_t) op.size));
        }
        json_object_array_add(list, o);
    }
    return list;
}

static void print_operations(const CcmCcaRealm *realm, GString *out)
{
    for (size_t i = 0; i < ccm_cca_realm_n_ops(realm); i++) {
        CcmCcaOp op;
        (void) ccm_cca_realm_op(realm, i, &op);
        if (op.kind == CCM_CCA_OP_REC) {
            g_string_append_printf(out, "  %-2zu rec        flags 0x%" G_GINT64_MODIFIER "x pc 0x%"
                                        G_GINT64_MODIFIER "x x0 0x%" G_GINT64_MODIFIER "x\n",
                                   i, (gint64) op.rec_flags, (gint64) op.pc, (gint64) op.gprs[0]);
            continue;
        }
        g_string_append_printf(out, "  %-2zu %-10s 0x%-12" G_GINT64_MODIFIER "x %10" G_GUINT64_FORMAT
                                    " bytes  %s\n",
                               i, op_kind_name(op.kind), (gint64) op.ipa, op.size,
                               op.name ? op.name : "");
    }
}

static char *render(OutputFormat format, const char *vmm, const CcmCcaRealm *realm,
                    CcmCcaHash hash, const uint8_t *rim, size_t rim_size,
                    uint8_t rems[4][CCM_DIGEST_MAX_SIZE], gboolean with_rems)
{
    size_t l = ccm_cca_hash_size(hash);
    GString *text = g_string_new(NULL);

    if (format == OUTPUT_JSON) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "platform", json_object_new_string("cca"));
        if (realm) {
            CcmCcaRmm rmm;
            CcmCcaRealmParams p;
            uint64_t hps;
            (void) ccm_cca_realm_params(realm, &rmm, &p, &hps);
            json_object *params = json_object_new_object();
            json_object_object_add(params, "flags", json_hex_u64(p.flags));
            json_object_object_add(params, "s2sz", json_object_new_int((int) p.s2sz));
            json_object_object_add(params, "sve_vl", json_object_new_int((int) p.sve_vl));
            json_object_object_add(params, "num_bps", json_object_new_int((int) p.num_bps));
            json_object_object_add(params, "num_wps", json_object_new_int((int) p.num_wps));
            json_object_object_add(params, "pmu_num_ctrs",
                                   json_object_new_int((int) p.pmu_num_ctrs));
            json_object_object_add(o, "vmm", vmm ? json_object_new_string(vmm) : NULL);
            json_object_object_add(o, "rmm", json_object_new_string(ccm_cca_rmm_to_string(rmm)));
            json_object_object_add(o, "hash", json_object_new_string(ccm_cca_hash_to_string(hash)));
            json_object_object_add(o, "host_page_size", json_object_new_int64((int64_t) hps));
            json_object_object_add(o, "realm_params", params);
            json_object_object_add(o, "operations", ops_to_json(realm));
            g_autofree char *hex = ccm_hex_encode(rim, rim_size);
            json_object_object_add(o, "rim", json_object_new_string(hex));
        } else {
            json_object_object_add(o, "hash", json_object_new_string(ccm_cca_hash_to_string(hash)));
        }
        if (with_rems) {
            json_object *list = json_object_new_array();
            for (int i = 0; i < 4; i++) {
                g_autofree char *hex = ccm_hex_encode(rems[i], l);
                json_object_array_add(list, json_object_new_string(hex));
            }
            json_object_object_add(o, "rems", list);
        }
        g_string_append(text, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                                    JSON_C_TO_STRING_NOSLASHESCAPE));
        g_string_append_c(text, '\n');
        json_object_put(o);
        return g_string_free(text, FALSE);
    }
    const uint8_t *values[5];
    size_t sizes[5], n = 0;
    if (realm) {
        values[n] = rim;
        sizes[n++] = rim_size;
    }
    for (int i = 0; with_rems && i < 4; i++) {
        values[n] = rems[i];
        sizes[n++] = l;
    }
    for (size_t i = 0; i < n; i++) {
        g_autofree char *s = format == OUTPUT_BASE64 ? g_base64_encode(values[i], sizes[i])
                                                     : ccm_hex_encode(values[i], sizes[i]);
        g_string_append_printf(text, "%s\n", s);
    }
    return g_string_free(text, FALSE);
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

static int job_failed(const CcmError *err)
{
    g_autoptr(GError) error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                  err->message);
    return ccmctl_fail("measure", error);
}

/* Measures @realm (taking @notes), extends the REMs and prints what --output asks for,
 * the explanation on stderr first. */
static int measure_and_print(CcmCcaRealm *realm, const char *vmm_name, OutputFormat format,
                             gboolean explain, GString *notes, const Extend *ext, size_t n_ext,
                             uint8_t rems[4][CCM_DIGEST_MAX_SIZE])
{
    g_autoptr(GError) error = NULL;
    CcmError err = { 0 };
    GString *steps = g_string_new(NULL);
    if (explain)
        ccm_cca_realm_set_step_callback(realm, explain_step, steps);
    uint8_t rim[CCM_DIGEST_MAX_SIZE];
    size_t rim_size = 0;
    CcmCcaRmm rmm;
    CcmCcaRealmParams params;
    uint64_t hps;
    (void) ccm_cca_realm_params(realm, &rmm, &params, &hps);
    int r = ccm_cca_realm_measure(realm, rim, &rim_size, &err);
    for (size_t i = 0; r == 0 && i < n_ext; i++)
        r = ccm_cca_rem_extend(params.hash, rems[ext[i].index], ext[i].value, ext[i].size, &err);
    if (r < 0) {
        g_string_free(notes, TRUE);
        g_string_free(steps, TRUE);
        return job_failed(&err);
    }
    if (explain) {
        g_autofree char *hex = ccm_hex_encode(rim, rim_size);
        GString *ops = g_string_new(NULL);
        print_operations(realm, ops);
        fprintf(stderr, "Realm: RMM %s, %s, host pages %" G_GUINT64_FORMAT ", flags 0x%"
                        G_GINT64_MODIFIER "x, s2sz %u, sve_vl %u, num_bps %u, num_wps %u, "
                        "pmu_num_ctrs %u\nOperations:\n%s\n"
                        "%-12s %-14s %-12s %-*s  %s\n%s\nrim %s\n",
                ccm_cca_rmm_to_string(rmm), ccm_cca_hash_to_string(params.hash), hps,
                (gint64) params.flags, params.s2sz, params.sve_vl, params.num_bps,
                params.num_wps, params.pmu_num_ctrs, ops->str, "descriptor", "GPA", "size",
                (int) (2 * rim_size), "RIM after", "detail", steps->str, hex);
        g_string_free(ops, TRUE);
    }
    g_string_free(steps, TRUE);
    fputs(notes->str, stderr);
    g_string_free(notes, TRUE);
    g_autofree char *text = render(format, vmm_name, realm, params.hash, rim, rim_size, rems,
                                   n_ext > 0);
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("measure", error);
    return CCMCTL_EXIT_OK;
}

int ccmctl_measure_cca_plan(const CcmLaunchPlan *plan, const char *output, gboolean explain)
{
    g_autoptr(GError) error = NULL;
    OutputFormat format = OUTPUT_HEX;
    if (output && strcmp(output, "base64") == 0)
        format = OUTPUT_BASE64;
    else if (output && strcmp(output, "json") == 0)
        format = OUTPUT_JSON;
    else if (output && strcmp(output, "hex") != 0) {
        usage_error(&error, "--output: a realm's measurement is hex, base64 or json");
        return ccmctl_fail("measure", error);
    }
    g_auto(CcmPlanCca) cca = { 0 };
    if (!ccm_plan_cca_inputs(plan, &cca, &error))
        return ccmctl_fail("measure", error);
    g_autoptr(CcmCcaRealm) realm = NULL;
    CcmError err = { 0 };
    if (ccm_cca_vmm_build(&cca.config, &realm, &err) < 0)
        return job_failed(&err);
    uint8_t rems[4][CCM_DIGEST_MAX_SIZE] = { { 0 } };
    return measure_and_print(realm, "qemu", format, explain, g_string_new(NULL), NULL, 0, rems);
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
    gboolean lpa2 = FALSE, log = FALSE, rem_only = FALSE, explain = FALSE;
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
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
          "List every descriptor with its GPA, size and the running RIM on stderr", NULL },
        { NULL },
    };
    g_set_prgname("ccmctl measure");
    g_autoptr(GOptionContext) context =
        g_option_context_new("--platform cca - an Arm CCA realm's initial measurement (RIM)");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 measurement failed, "
                                              "2 usage error. See ccmctl-measure(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
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
    Extend ext[64];
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

    uint8_t rems[4][CCM_DIGEST_MAX_SIZE] = { { 0 } };
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
        CcmError err = { 0 };
        for (size_t i = 0; i < n_ext; i++)
            if (ccm_cca_rem_extend(h, rems[ext[i].index], ext[i].value, ext[i].size, &err) < 0)
                return job_failed(&err);
        g_autofree char *text = render(format, NULL, NULL, h, NULL, 0, rems, TRUE);
        if (!ccmctl_write_stdout(text, &error))
            return ccmctl_fail("measure", error);
        return CCMCTL_EXIT_OK;
    }

    g_autoptr(CcmCcaRealm) realm = NULL;
    g_autoptr(GMappedFile) f_firmware = NULL, f_kernel = NULL, f_initrd = NULL, f_dtb = NULL;
    GString *notes = g_string_new(NULL);
    CcmError err = { 0 };
    if (operations) {
        for (size_t i = 0; i < G_N_ELEMENTS(profile_options); i++)
            if (profile_options[i].given || hash_name) {
                usage_error(&error, "--operations gives every input of the realm: %s cannot "
                                    "be combined with it",
                            profile_options[i].given ? profile_options[i].option : "--hash");
                g_string_free(notes, TRUE);
                return ccmctl_fail("measure", error);
            }
        if (!(realm = ccm_cca_operations_load(operations, &error))) {
            g_string_free(notes, TRUE);
            return ccmctl_fail("measure", error);
        }
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
            g_string_free(notes, TRUE);
            return ccmctl_fail("measure", error);
        }
        config.vmm = (CcmCcaVmm) vmm;
        config.rmm = (CcmCcaRmm) rmm;
        config.memory = mem;
        config.host_page_size = 4096;
        CcmCcaRealmParams *p = &config.params;
        p->hash = hash < 0 ? ccm_cca_vmm_default_hash(config.vmm, config.rmm) : (CcmCcaHash) hash;
        p->num_bps = DEFAULT_BREAKPOINTS - 1;
        p->num_wps = DEFAULT_WATCHPOINTS - 1;
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
            g_string_free(notes, TRUE);
            return ccmctl_fail("measure", error);
        }
        if (!read_blob("--firmware", firmware, &f_firmware, &config.firmware, &error) ||
            !read_blob("--kernel", kernel, &f_kernel, &config.kernel, &error) ||
            !read_blob("--initrd", initrd, &f_initrd, &config.initrd, &error) ||
            !read_blob("--dtb", dtb, &f_dtb, &config.dtb, &error)) {
            g_string_free(notes, TRUE);
            return ccmctl_fail("measure", error);
        }
        if (firmware && kernel && config.vmm == CCM_CCA_VMM_QEMU)
            g_string_append(notes, "ccmctl measure: note: with --firmware, QEMU hands --kernel "
                                   "and --initrd to the firmware through fw_cfg: the firmware "
                                   "measures them into REMs, not the RIM\n");
        if (ccm_cca_vmm_build(&config, &realm, &err) < 0) {
            g_string_free(notes, TRUE);
            return job_failed(&err);
        }
    }

    return measure_and_print(realm, operations ? NULL : vmm_name, format, explain, notes, ext,
                             n_ext, rems);
}
