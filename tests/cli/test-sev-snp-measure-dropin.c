/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-sev-snp-measure-dropin.c - ccm-sev-snp-measure as a pipeline written for
 * sev-snp-measure runs it
 *
 * Every row of the SEV vector table (cases.tsv) is run with sev-snp-measure's own option
 * spellings; stdout must be the expected digest and one newline, byte for byte, in hex,
 * base64 and verbose form, and a row whose expected value is "ERROR: message" must fail
 * with exit 1, "Error: message" on stderr and nothing on stdout. The table and its inputs
 * come from the shared vector folder ($SNP_SHARED) when it is present, else from the
 * local copy ($SNP_DATA); each input is looked up in both.
 *
 * Every row must match, the snp:svsm rows included: F24/F25 as sev-snp-measure 0.0.13
 * computes them, S01/S02 (hardware values) through --ccm-svsm-vmsa nofpu.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "snp-cases.h"

typedef struct Run {
    int status;
    char *out;
    char *err;
} Run;

static const char *program;
static const char *shared_dir;
static const char *data_dir;
static char *tmpdir;

static void run_clear(Run *r)
{
    g_clear_pointer(&r->out, g_free);
    g_clear_pointer(&r->err, g_free);
}

/* Runs the program with @args (NULL-terminated array) in @cwd (NULL: tmpdir). */
static void run_argv(const char *cwd, const char *const *args, Run *ret)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_ptr_array_add(argv, (char *) program);
    for (size_t i = 0; args[i]; i++)
        g_ptr_array_add(argv, (char *) args[i]);
    g_ptr_array_add(argv, NULL);

    g_autofree char *line = g_strjoinv(" ", (char **) argv->pdata);
    g_test_message("run: %s", line);
    g_assert_true(g_spawn_sync(cwd ? cwd : tmpdir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                               NULL, NULL, &ret->out, &ret->err, &status, &error));
    g_assert_no_error(error);
    g_assert_true(WIFEXITED(status));
    ret->status = WEXITSTATUS(status);
    if (*ret->err)
        g_test_message("stderr: %s", ret->err);
}

static void run_list(Run *ret, ...) G_GNUC_NULL_TERMINATED;
static void run_list(Run *ret, ...)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    va_list ap;

    va_start(ap, ret);
    for (const char *a = va_arg(ap, const char *); a; a = va_arg(ap, const char *))
        g_ptr_array_add(args, (char *) a);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    run_argv(NULL, (const char *const *) args->pdata, ret);
}

/* A vector input: in the shared folder, else in the local copy; NULL if in neither. */
static char *find_input(const char *rel)
{
    const char *dirs[] = { shared_dir, data_dir };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (!dirs[i])
            continue;
        /* absolute: the program runs in a scratch directory */
        g_autofree char *joined = g_build_filename(dirs[i], rel, NULL);
        g_autofree char *path = g_canonicalize_filename(joined, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            return g_steal_pointer(&path);
    }
    return NULL;
}

static char *require_input(const char *rel)
{
    char *path = find_input(rel);
    if (!path)
        g_error("vector input %s is in neither %s nor %s", rel, shared_dir, data_dir);
    return path;
}

static bool given(const char *col)
{
    return strcmp(col, "-") != 0;
}

static const char *row_value(const char *col)
{
    return strcmp(col, "\"\"") == 0 ? "" : col;
}

/*
 * row_argv() - the row as sev-snp-measure's command line
 *
 * The table's mode and VMM names that sev-snp-measure 0.0.13 has no spelling for map to
 * ccm's --ccm-* extensions: seves-legacy (the VMSA 0.0.9 and KVM_SEV_ES_INIT produce)
 * and ec2-legacy (the EC2 VMSA with RDX 0 of 0.0.12 and virtee/sev), and snp:svsm-nofpu
 * (the SVSM VMSA without FPU state of the hardware-measured values).
 * Return: FALSE (with @ret_missing) when an input file is absent.
 */
static gboolean row_argv(const Row *row, GPtrArray *argv, GPtrArray *owned, char **ret_missing)
{
    char *const *c = row->cols;
    const char *mode = c[COL_MODE];

#define ADD(s) g_ptr_array_add(argv, (char *) (s))
#define ADD_PATH(col)                                                                          \
    do {                                                                                       \
        char *path_ = find_input(col);                                                         \
        if (!path_) {                                                                          \
            *ret_missing = g_strdup(col);                                                      \
            return FALSE;                                                                      \
        }                                                                                      \
        g_ptr_array_add(owned, path_);                                                         \
        ADD(path_);                                                                            \
    } while (0)

    ADD("--mode");
    if (strcmp(mode, "seves-legacy") == 0) {
        ADD("seves");
        ADD("--ccm-sev-es-vmsa");
        ADD("legacy");
    } else if (strcmp(mode, "snp:svsm-nofpu") == 0) {
        ADD("snp:svsm");
        ADD("--ccm-svsm-vmsa");
        ADD("nofpu");
    } else {
        ADD(mode);
    }

    const char *vmm = c[COL_VMM];
    if (strcmp(vmm, "ec2") == 0 || strcmp(vmm, "gce") == 0) {
        ADD("--vmm-type");
        ADD(vmm);
    } else if (strcmp(vmm, "ec2-legacy") == 0) {
        ADD("--vmm-type");
        ADD("ec2");
        ADD("--ccm-ec2-vmsa");
        ADD("legacy");
    } else if (strcmp(vmm, "qemu") == 0) {
        /* QEMU is the default; spell it out on every other row to cover both forms. */
        const char *id = c[COL_ID];
        if (*id && strchr("13579", id[strlen(id) - 1])) {
            ADD("--vmm-type");
            ADD("QEMU");
        }
    } else {
        g_assert_cmpstr(vmm, ==, "-");
    }

    if (given(c[COL_VCPUS])) {
        ADD("--vcpus");
        ADD(c[COL_VCPUS]);
    }
    if (given(c[COL_VCPU_SIG])) {
        ADD("--vcpu-sig");
        ADD(c[COL_VCPU_SIG]);
    }
    if (given(c[COL_GUEST_FEATURES])) {
        ADD("--guest-features");
        ADD(c[COL_GUEST_FEATURES]);
    }
    ADD("--ovmf");
    ADD_PATH(c[COL_OVMF]);
    if (given(c[COL_KERNEL])) {
        ADD("--kernel");
        ADD_PATH(c[COL_KERNEL]);
    }
    if (given(c[COL_INITRD])) {
        ADD("--initrd");
        ADD_PATH(c[COL_INITRD]);
    }
    if (given(c[COL_APPEND])) {
        ADD("--append");
        ADD(row_value(c[COL_APPEND]));
    }
    if (given(c[COL_SEED])) {
        ADD("--snp-ovmf-hash");
        ADD(c[COL_SEED]);
    }
    if (given(c[COL_EXTRA])) {
        /* svsm=PATH;vars_size=N */
        g_auto(GStrv) items = g_strsplit(c[COL_EXTRA], ";", -1);
        for (size_t i = 0; items[i]; i++) {
            if (g_str_has_prefix(items[i], "svsm=")) {
                ADD("--svsm");
                ADD_PATH(items[i] + strlen("svsm="));
            } else if (g_str_has_prefix(items[i], "vars_size=")) {
                char *v = g_strdup(items[i] + strlen("vars_size="));
                g_ptr_array_add(owned, v);
                ADD("--vars-size");
                ADD(v);
            } else {
                g_error("%s: unknown extra item '%s'", c[COL_ID], items[i]);
            }
        }
    }
#undef ADD_PATH
#undef ADD
    return TRUE;
}

static const char *verbose_label(const char *mode)
{
    if (strcmp(mode, "sev") == 0)
        return "SEV";
    if (g_str_has_prefix(mode, "seves"))
        return "SEV_ES";
    if (g_str_has_prefix(mode, "snp:svsm"))
        return "SEV_SNP_SVSM";  /* sev-snp-measure prints SevMode's member name */
    return "SEV_SNP";
}

static GByteArray *hex_decode(const char *hex)
{
    GByteArray *bytes = g_byte_array_new();
    size_t n = strlen(hex);

    g_assert_cmpuint(n % 2, ==, 0);
    for (size_t i = 0; i < n; i += 2) {
        int hi = g_ascii_xdigit_value(hex[i]), lo = g_ascii_xdigit_value(hex[i + 1]);
        g_assert_true(hi >= 0 && lo >= 0);
        uint8_t b = (uint8_t) (hi << 4 | lo);
        g_byte_array_append(bytes, &b, 1);
    }
    return bytes;
}

static void run_row_with(const Row *row, const char *const *more, Run *ret)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *missing = NULL;

    g_assert_true(row_argv(row, argv, owned, &missing));
    for (size_t i = 0; more && more[i]; i++)
        g_ptr_array_add(argv, (char *) more[i]);
    g_ptr_array_add(argv, NULL);
    run_argv(NULL, (const char *const *) argv->pdata, ret);
}

static void test_row(gconstpointer data)
{
    const Row *row = data;
    char *const *c = row->cols;
    const char *expected = c[COL_EXPECTED];
    Run r = { 0 };

    {
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *missing = NULL;
        if (!row_argv(row, argv, owned, &missing)) {
            g_autofree char *why = g_strdup_printf("input %s is not present", missing);
            g_test_skip(why);
            return;
        }
    }

    if (g_str_has_prefix(expected, "ERROR: ")) {
        g_autofree char *want = g_strdup_printf("Error: %s\n", expected + strlen("ERROR: "));
        run_row_with(row, NULL, &r);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_cmpstr(r.out, ==, "");
        g_assert_cmpstr(r.err, ==, want);
        run_clear(&r);
        return;
    }

    /* hex, the default */
    g_autofree char *want_hex = g_strdup_printf("%s\n", expected);
    run_row_with(row, NULL, &r);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, want_hex);
    g_assert_cmpstr(r.err, ==, "");
    run_clear(&r);

    /* snp:ovmf-hash ignores every other option and prints hex alone */
    if (strcmp(c[COL_MODE], "snp:ovmf-hash") == 0) {
        const char *const more[] = { "--output-format", "base64", "-v", NULL };
        run_row_with(row, more, &r);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_cmpstr(r.out, ==, want_hex);
        run_clear(&r);
        return;
    }

    /* base64 */
    g_autoptr(GByteArray) bytes = hex_decode(expected);
    g_autofree char *b64 = g_base64_encode(bytes->data, bytes->len);
    g_autofree char *want_b64 = g_strdup_printf("%s\n", b64);
    const char *const base64[] = { "--output-format", "base64", NULL };
    run_row_with(row, base64, &r);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, want_b64);
    run_clear(&r);

    /* verbose, in both forms */
    g_autofree char *want_verbose = g_strdup_printf("Calculated %s guest measurement: %s\n",
                                                    verbose_label(c[COL_MODE]), expected);
    const char *const verbose[] = { "-v", NULL };
    run_row_with(row, verbose, &r);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, want_verbose);
    run_clear(&r);

    g_autofree char *want_verbose_b64 =
        g_strdup_printf("Calculated %s guest measurement: %s\n", verbose_label(c[COL_MODE]), b64);
    const char *const verbose_b64[] = { "--verbose", "--output-format=base64", NULL };
    run_row_with(row, verbose_b64, &r);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, want_verbose_b64);
    run_clear(&r);
}

/* The firmware hash of snp:ovmf-hash, fed back as --snp-ovmf-hash, gives the full digest. */
static void test_seed_round_trip(void)
{
    g_autofree char *ovmf = require_input("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");
    g_autofree char *kernel = require_input("inputs/empty.bin");
    Run r = { 0 };

    run_list(&r, "--mode", "snp:ovmf-hash", "--ovmf", ovmf, NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_autofree char *seed = g_strchomp(g_steal_pointer(&r.out));
    run_clear(&r);

    run_list(&r, "--mode", "snp", "--vcpus", "3", "--vcpu-type", "EPYC-Genoa", "--ovmf", ovmf,
             "--kernel", kernel, "--append", "ro", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_autofree char *full = g_steal_pointer(&r.out);
    run_clear(&r);

    run_list(&r, "--mode", "snp", "--vcpus", "3", "--vcpu-type", "EPYC-Genoa", "--ovmf", ovmf,
             "--kernel", kernel, "--append", "ro", "--snp-ovmf-hash", seed, NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, full);
    run_clear(&r);
}

/* sev-snp-measure's --vcpu-type names and the family/model/stepping each stands for
 * (its table of QEMU's EPYC models); every spelling of a signature gives one digest. */
static void test_vcpu_spellings(void)
{
    static const struct {
        const char *name;
        const char *family, *model, *stepping;
        const char *sig;
    } types[] = {
        { "EPYC", "23", "1", "2", "0x800f12" },
        { "EPYC-v1", "23", "1", "2", "0x800f12" },
        { "EPYC-v2", "23", "1", "2", "0x800f12" },
        { "EPYC-IBPB", "23", "1", "2", "0x800f12" },
        { "EPYC-v3", "23", "1", "2", "0x800f12" },
        { "EPYC-v4", "23", "1", "2", "0x800f12" },
        { "EPYC-Rome", "23", "49", "0", "0x830f10" },
        { "EPYC-Rome-v1", "23", "49", "0", "0x830f10" },
        { "EPYC-Rome-v2", "23", "49", "0", "0x830f10" },
        { "EPYC-Rome-v3", "23", "49", "0", "0x830f10" },
        { "EPYC-Milan", "25", "1", "1", "0xa00f11" },
        { "EPYC-Milan-v1", "25", "1", "1", "0xa00f11" },
        { "EPYC-Milan-v2", "25", "1", "1", "0xa00f11" },
        { "EPYC-Genoa", "25", "17", "0", "0xa10f10" },
        { "EPYC-Genoa-v1", "25", "17", "0", "0xa10f10" },
        { "EPYC-Turin", "26", "0", "0", "0xb00f00" },
    };
    g_autofree char *ovmf = require_input("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");

    for (size_t i = 0; i < G_N_ELEMENTS(types); i++) {
        Run a = { 0 }, b = { 0 }, s = { 0 };
        run_list(&a, "--mode", "snp", "--vcpus", "2", "--vcpu-type", types[i].name, "--ovmf",
                 ovmf, NULL);
        run_list(&b, "--mode", "snp", "--vcpus", "2", "--vcpu-family", types[i].family,
                 "--vcpu-model", types[i].model, "--vcpu-stepping", types[i].stepping, "--ovmf",
                 ovmf, NULL);
        run_list(&s, "--mode", "snp", "--vcpus", "2", "--vcpu-sig", types[i].sig, "--ovmf", ovmf,
                 NULL);
        g_assert_cmpint(a.status, ==, 0);
        g_assert_cmpuint(strlen(a.out), ==, 97);
        g_assert_cmpstr(a.out, ==, b.out);
        g_assert_cmpstr(a.out, ==, s.out);
        run_clear(&a);
        run_clear(&b);
        run_clear(&s);
    }

    /* F07's digest in other spellings: decimal signature, --opt=value, abbreviations,
     * options in another order; --vcpu-family wins over --vcpu-sig, which wins over
     * --vcpu-type. */
    const char *want = "4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b4"
                       "22907be0b4698e2414a631942\n";
    g_autofree char *empty = require_input("inputs/empty.bin");
    g_autofree char *ovmf_eq = g_strconcat("--ovmf=", ovmf, NULL);
    g_autofree char *kernel_eq = g_strconcat("--kern=", empty, NULL);
    const char *const forms[][20] = {
        { "--mode=snp", "--vcpus=4", "--vcpu-sig=8392466", "--guest-features=33", ovmf_eq,
          kernel_eq, NULL },
        { "--guest-feat", "0x21", "--vcpu-si", "0X800F12", "--vcpus", "4", "--mode", "snp",
          ovmf_eq, kernel_eq, "--append", "", NULL },
        { "--mode", "snp", "--vcpus", "4", "--vcpu-type", "EPYC-Milan", "--vcpu-sig",
          "0x80_0f12", "--guest-features", "0b100001", ovmf_eq, kernel_eq, NULL },
        { "--mode", "snp", "--vcpus", "4", "--vcpu-sig", "0", "--vcpu-family", "23",
          "--vcpu-model", "1", "--vcpu-stepping", "2", "--guest-features", "0o41", ovmf_eq,
          kernel_eq, NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
        Run r = { 0 };
        run_argv(NULL, forms[i], &r);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_cmpstr(r.out, ==, want);
        run_clear(&r);
    }
}

static GBytes *read_file(const char *path)
{
    g_autofree char *contents = NULL;
    gsize size;
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_get_contents(path, &contents, &size, &error));
    return g_bytes_new_take(g_steal_pointer(&contents), size);
}

/* --dump-vmsa writes the pages the vector folder holds, one file per vCPU. */
static void test_dump_vmsa(void)
{
    static const struct {
        const char *name;
        const char *args[12];
    } cases[] = {
        { "qemu-EPYC-v4-gf0x1-apeip0x80b004",
          { "--mode", "snp", "--vcpu-type", "EPYC-v4", NULL } },
        { "qemu-EPYC-Milan-gf0x21-apeip0x80b004",
          { "--mode", "snp", "--vcpu-type", "EPYC-Milan", "--guest-features", "0x21", NULL } },
        { "ec2-gf0x1-apeip0x80b004", { "--mode", "snp", "--vmm-type", "ec2", NULL } },
        { "gce-gf0x1-apeip0x80b004", { "--mode", "snp", "--vmm-type", "gce", NULL } },
        { "seves-qemu-EPYC-v4-apeip0x80b004",
          { "--mode", "seves", "--vcpu-sig", "0x800f12", NULL } },
    };
    g_autofree char *ovmf = require_input("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *dir = g_build_filename(tmpdir, cases[i].name, NULL);
        g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);

        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        for (size_t j = 0; cases[i].args[j]; j++)
            g_ptr_array_add(argv, (char *) cases[i].args[j]);
        const char *tail[] = { "--vcpus", "3", "--ovmf", ovmf, "--dump-vmsa", NULL };
        for (size_t j = 0; tail[j]; j++)
            g_ptr_array_add(argv, (char *) tail[j]);
        g_ptr_array_add(argv, NULL);

        Run r = { 0 };
        run_argv(dir, (const char *const *) argv->pdata, &r);
        g_assert_cmpint(r.status, ==, 0);
        run_clear(&r);

        for (int v = 0; v < 4; v++) {
            g_autofree char *name = g_strdup_printf("vmsa%d.bin", v);
            g_autofree char *dumped = g_build_filename(dir, name, NULL);
            if (v == 3) {
                g_assert_false(g_file_test(dumped, G_FILE_TEST_EXISTS));
                continue;
            }
            g_autofree char *rel = g_strdup_printf("vmsa/%s-%s.bin", cases[i].name,
                                                   v == 0 ? "bsp" : "ap");
            g_autofree char *reference = require_input(rel);
            g_autoptr(GBytes) got = read_file(dumped);
            g_autoptr(GBytes) want = read_file(reference);
            g_assert_cmpuint(g_bytes_get_size(got), ==, 4096);
            g_assert_true(g_bytes_equal(got, want));
            g_assert_cmpint(g_unlink(dumped), ==, 0);
        }
        g_assert_cmpint(g_rmdir(dir), ==, 0);
    }
}

/* The options sev-snp-measure 0.0.13 has; --help lists each, and the man page documents
 * every option --help lists. */
static void test_help(void)
{
    static const char *const peer_options[] = {
        "-h", "--help", "--version", "-v", "--verbose", "--mode", "--vcpus", "--vcpu-type",
        "--vcpu-sig", "--vcpu-family", "--vcpu-model", "--vcpu-stepping", "--vmm-type",
        "--ovmf", "--kernel", "--initrd", "--append", "--guest-features", "--output-format",
        "--snp-ovmf-hash", "--dump-vmsa", "--svsm", "--vars-size", "--vars-file",
    };
    static const char *const modes[] = { "sev", "seves", "snp", "snp:ovmf-hash", "snp:svsm" };
    Run r = { 0 };

    run_list(&r, "--help", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.err, ==, "");
    g_assert_true(g_str_has_prefix(r.out, "Usage: ccm-sev-snp-measure "));
    for (size_t i = 0; i < G_N_ELEMENTS(peer_options); i++) {
        g_autofree char *spaced = g_strdup_printf(" %s ", peer_options[i]);
        g_autofree char *comma = g_strdup_printf(" %s,", peer_options[i]);
        if (!strstr(r.out, spaced) && !strstr(r.out, comma))
            g_error("--help does not list %s", peer_options[i]);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++)
        g_assert_nonnull(strstr(r.out, modes[i]));

    g_autofree char *help = g_steal_pointer(&r.out);
    run_clear(&r);
    run_list(&r, "-h", NULL);
    g_assert_cmpstr(r.out, ==, help);
    run_clear(&r);

    /* help-matches-man, for this program: roff writes "-" as "\-" */
    const char *man_path = g_getenv("SEV_SNP_MEASURE_MAN");
    g_assert_nonnull(man_path);
    g_autoptr(GBytes) man_bytes = read_file(man_path);
    g_autoptr(GString) man = g_string_new_len(g_bytes_get_data(man_bytes, NULL),
                                              (gssize) g_bytes_get_size(man_bytes));
    g_string_replace(man, "\\-", "-", 0);
    g_autoptr(GRegex) option = g_regex_new("--[a-z0-9-]+", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;
    for (g_regex_match(option, help, 0, &match); g_match_info_matches(match);
         g_match_info_next(match, NULL)) {
        g_autofree char *opt = g_match_info_fetch(match, 0);
        if (!strstr(man->str, opt))
            g_error("--help lists %s, the man page %s does not", opt, man_path);
    }
}

static void test_version(void)
{
    Run r = { 0 };

    run_list(&r, "--version", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_true(g_str_has_prefix(r.out, "ccm-sev-snp-measure 0.0.13 (ccm "));
    g_assert_true(g_str_has_suffix(r.out, ")\n"));
    g_assert_cmpstr(r.err, ==, "");
    run_clear(&r);
}

/* Each bad input: the exit code, one line on stderr holding @needle, nothing on stdout. */
static void test_bad_input(void)
{
    g_autofree char *ovmf = require_input("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");
    g_autofree char *empty = require_input("inputs/empty.bin");
    g_autofree char *missing = g_build_filename(tmpdir, "no-such-OVMF.fd", NULL);
    g_autofree char *missing_kernel = g_build_filename(tmpdir, "no-such-vmlinuz", NULL);
    g_autofree char *truncated = g_build_filename(tmpdir, "truncated-OVMF.fd", NULL);
    g_autofree char *trailer_cut = g_build_filename(tmpdir, "cut-OVMF.fd", NULL);
    g_autoptr(GBytes) firmware = read_file(ovmf);
    const char *fw = g_bytes_get_data(firmware, NULL);

    g_assert_true(g_file_set_contents(truncated, fw, 1000, NULL));
    /* A whole page, but its footer table ends early: the last 32 bytes are gone. */
    g_autofree char *shifted = g_malloc0(4096);
    memcpy(shifted + 32, fw, 4096 - 32);
    g_assert_true(g_file_set_contents(trailer_cut, shifted, 4096, NULL));

    const char *snp[] = { "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC" };
    static const char hash47[] = "0123456789abcdef0123456789abcdef0123456789abcdef"
                                 "0123456789abcdef0123456789abcdef0123456789abcd";
    const struct {
        int status;
        const char *needle;
        const char *args[16];
    } cases[] = {
        /* the measurement fails: exit 1, "Error: " and the file */
        { 1, missing, { snp[0], snp[1], snp[2], snp[3], snp[4], snp[5], "--ovmf", missing } },
        { 1, missing, { "--mode", "sev", "--ovmf", missing } },
        { 1, missing, { "--mode", "snp:ovmf-hash", "--ovmf", missing } },
        { 1, truncated, { snp[0], snp[1], snp[2], snp[3], snp[4], snp[5], "--ovmf", truncated } },
        { 1, truncated, { "--mode", "seves", "--vcpus", "2", "--vcpu-sig", "1", "--ovmf",
                          truncated } },
        { 1, trailer_cut, { snp[0], snp[1], snp[2], snp[3], snp[4], snp[5], "--ovmf",
                            trailer_cut } },
        { 1, missing_kernel, { snp[0], snp[1], snp[2], snp[3], snp[4], snp[5], "--ovmf", ovmf,
                               "--kernel", missing_kernel } },
        { 1, "--snp-ovmf-hash", { snp[0], snp[1], snp[2], snp[3], snp[4], snp[5], "--ovmf",
                                  ovmf, "--snp-ovmf-hash", hash47 } },
        { 1, "--snp-ovmf-hash", { "--mode", "seves", "--vcpus", "1", "--vcpu-sig", "1",
                                  "--ovmf", ovmf, "--snp-ovmf-hash", hash47 } },
        { 1, empty, { "--mode", "snp:svsm", "--vcpus", "1", "--vcpu-sig", "1", "--ovmf", ovmf,
                      "--svsm", empty, "--vars-size", "4096" } },
        { 1, "--svsm", { "--mode", "snp:svsm", "--vcpus", "1", "--vcpu-sig", "1", "--ovmf",
                         ovmf, "--vars-size", "4096" } },
        { 1, "Qemu", { "--mode", "snp:svsm", "--vcpus", "1", "--vmm-type", "ec2", "--ovmf",
                       ovmf, "--svsm", empty, "--vars-size", "4096" } },
        { 1, "--vmm-type ec2", { "--mode", "seves", "--vcpus", "1", "--vmm-type", "ec2",
                                 "--ovmf", ovmf } },
        /* the command line is wrong: exit 2 and the option */
        { 2, "--mode", { "--mode", "snp-es", "--ovmf", ovmf } },
        { 2, "'--vcpu-typo'", { "--mode", "snp", "--vcpus", "1", "--vcpu-typo", "EPYC",
                                "--ovmf", ovmf } },
        { 2, "--vcpus", { "--mode", "snp", "--vcpu", "1", "--vcpu-type", "EPYC", "--ovmf",
                          ovmf } },
        { 2, "--mode, --ovmf", { "--vcpus", "1", NULL } },
        { 2, "--ovmf", { "--mode", "sev", NULL } },
        { 2, "--vcpus", { "--mode", "snp", "--vcpu-type", "EPYC", "--ovmf", ovmf } },
        { 2, "--vcpus", { "--mode", "snp", "--vcpus", "four", "--ovmf", ovmf } },
        { 2, "--vcpus", { "--mode", "snp", "--vcpus", "0", "--vcpu-type", "EPYC", "--ovmf",
                          ovmf } },
        { 2, "--vcpu-type", { "--mode", "snp", "--vcpus", "1", "--ovmf", ovmf } },
        { 2, "--vcpu-type", { "--mode", "snp", "--vcpus", "1", "--vcpu-type", "Skylake",
                              "--ovmf", ovmf } },
        { 2, "--vcpu-sig", { "--mode", "snp", "--vcpus", "1", "--vcpu-sig", "010", "--ovmf",
                             ovmf } },
        { 2, "--vcpu-model", { "--mode", "snp", "--vcpus", "1", "--vcpu-family", "25",
                               "--ovmf", ovmf } },
        { 2, "--vmm-type", { "--mode", "snp", "--vcpus", "1", "--vmm-type", "qemu", "--ovmf",
                             ovmf } },
        { 2, "--kernel", { "--mode", "sev", "--ovmf", ovmf, "--initrd", empty } },
        { 2, "--kernel", { "--mode", "sev", "--ovmf", ovmf, "--append", "ro" } },
        { 2, "--output-format", { "--mode", "sev", "--ovmf", ovmf, "--output-format", "HEX" } },
        { 2, "--dump-vmsa", { "--mode", "sev", "--ovmf", ovmf, "--dump-vmsa" } },
        { 2, "--vars-size", { "--mode", "snp:svsm", "--vcpus", "1", "--vcpu-sig", "1", "--ovmf",
                              ovmf, "--vars-size", "1", "--vars-file", empty } },
        { 2, "--vars-size", { "--mode", "snp:svsm", "--vcpus", "1", "--vcpu-sig", "1", "--ovmf",
                              ovmf, "--svsm", empty } },
        { 2, "--ccm-sev-es-vmsa", { "--mode", "snp", "--vcpus", "1", "--vcpu-sig", "1",
                                    "--ovmf", ovmf, "--ccm-sev-es-vmsa", "legacy" } },
        { 2, "--ccm-svsm-vmsa", { "--mode", "snp", "--vcpus", "1", "--vcpu-sig", "1",
                                  "--ovmf", ovmf, "--ccm-svsm-vmsa", "nofpu" } },
        { 2, "--ccm-svsm-vmsa", { "--mode", "snp:svsm", "--vcpus", "1", "--vcpu-sig", "1",
                                  "--ovmf", ovmf, "--vars-size", "1", "--ccm-svsm-vmsa",
                                  "fpu" } },
        { 2, "'stray'", { "--mode", "sev", "--ovmf", ovmf, "stray" } },
        { 2, "--append", { "--mode", "sev", "--ovmf", ovmf, "--append" } },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Run r = { 0 };
        run_argv(NULL, cases[i].args, &r);
        g_assert_cmpint(r.status, ==, cases[i].status);
        g_assert_cmpstr(r.out, ==, "");
        const char *newline = strchr(r.err, '\n');
        if (!newline || newline[1] != '\0')
            g_error("case %zu: stderr is not one line: '%s'", i, r.err);
        if (!strstr(r.err, cases[i].needle))
            g_error("case %zu: stderr '%s' does not name '%s'", i, r.err, cases[i].needle);
        if (cases[i].status == 1)
            g_assert_true(g_str_has_prefix(r.err, "Error: "));
        else
            g_assert_true(g_str_has_prefix(r.err, "ccm-sev-snp-measure: error: "));
        run_clear(&r);
    }
    g_assert_cmpint(g_unlink(truncated), ==, 0);
    g_assert_cmpint(g_unlink(trailer_cut), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    program = g_getenv("CCM_SEV_SNP_MEASURE");
    data_dir = g_getenv("SNP_DATA");
    shared_dir = g_getenv("SNP_SHARED");
    if (!program || !data_dir)
        g_error("CCM_SEV_SNP_MEASURE and SNP_DATA must be set");
    if (shared_dir && !g_file_test(shared_dir, G_FILE_TEST_IS_DIR))
        shared_dir = NULL;

    g_autoptr(GError) error = NULL;
    tmpdir = g_dir_make_tmp("ccm-sev-snp-measure-XXXXXX", &error);
    g_assert_no_error(error);

    /* The shared table when present (it is the reference), else the local copy. */
    g_autofree char *table = g_build_filename(shared_dir ? shared_dir : data_dir, "cases.tsv",
                                              NULL);
    g_test_message("vector table: %s", table);
    g_autoptr(GPtrArray) rows = snp_cases_load(table);
    for (guint i = 0; i < rows->len; i++) {
        const Row *row = rows->pdata[i];
        g_autofree char *name = g_strdup_printf("/sev-snp-measure/row/%s/%s", row->cols[COL_ID],
                                                row->cols[COL_MODE]);
        g_test_add_data_func(name, row, test_row);
    }
    g_test_add_func("/sev-snp-measure/seed-round-trip", test_seed_round_trip);
    g_test_add_func("/sev-snp-measure/vcpu-spellings", test_vcpu_spellings);
    g_test_add_func("/sev-snp-measure/dump-vmsa", test_dump_vmsa);
    g_test_add_func("/sev-snp-measure/help", test_help);
    g_test_add_func("/sev-snp-measure/version", test_version);
    g_test_add_func("/sev-snp-measure/bad-input", test_bad_input);

    int status = g_test_run();
    (void) g_rmdir(tmpdir);
    g_free(tmpdir);
    return status;
}
