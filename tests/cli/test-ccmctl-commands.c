/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-commands.c - what every ccmctl command shares: `ccmctl help COMMAND`, the
 * exit status of a bad option, --help listing every platform's options, the valid values
 * an error names, verify's checks that could not be made, errors in ccm's own words,
 * and JSON that stays valid UTF-8
 *
 * Runs the real ccmctl binary (path in $CCMCTL).
 */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "cli-test.h"

typedef CcmctlResult Result;

static char *tmpdir;

#define run(...) ccmctl_run(NULL, NULL, (const char *const[]) { __VA_ARGS__, NULL })

static char *data_path(const char *first, ...)
{
    va_list ap;
    g_autoptr(GPtrArray) parts = g_ptr_array_new();
    g_ptr_array_add(parts, (char *) g_getenv("CCM_TEST_DATA"));
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        g_ptr_array_add(parts, (char *) s);
    va_end(ap);
    g_ptr_array_add(parts, NULL);
    return g_build_filenamev((char **) parts->pdata);
}

static char *write_file(const char *name, const void *data, gssize size)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, size, NULL));
    return path;
}

/* One line on stderr, "ccmctl COMMAND: ...", holding @needle; nothing on stdout. */
static void assert_error(const Result *r, const char *command, int status, const char *needle)
{
    g_autofree char *prefix = g_strdup_printf("ccmctl %s: ", command);
    g_assert_cmpint(r->status, ==, status);
    g_assert_cmpstr(r->out, ==, "");
    g_assert_true(g_str_has_prefix(r->err, prefix));
    g_assert_cmpint(strchr(r->err, '\n') - r->err, ==, (long) strlen(r->err) - 1);
    if (needle && !strstr(r->err, needle))
        g_error("'%s' is not in '%s'", needle, r->err);
}

/* The commands `ccmctl --help` lists. */
static GStrv commands(void)
{
    g_auto(CcmctlResult) r = run("--help");
    g_assert_cmpint(r.status, ==, 0);
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    const char *list = strstr(r.out, "Commands:\n");
    g_assert_nonnull(list);
    g_auto(GStrv) lines = g_strsplit(list + strlen("Commands:\n"), "\n", -1);
    for (size_t i = 0; lines[i] && lines[i][0]; i++) {
        g_auto(GStrv) words = g_strsplit_set(g_strstrip(lines[i]), " ", 2);
        g_strv_builder_add(b, words[0]);
    }
    return g_strv_builder_end(b);
}

/* `ccmctl help COMMAND` is `ccmctl COMMAND --help`; with more words, theirs. */
static void test_help_command(void)
{
    g_auto(GStrv) names = commands();
    g_assert_cmpuint(g_strv_length(names), >, 15);
    for (size_t i = 0; names[i]; i++) {
        g_auto(CcmctlResult) help = run("help", names[i]);
        g_auto(CcmctlResult) direct = run(names[i], "--help");
        g_assert_cmpint(help.status, ==, 0);
        g_assert_cmpstr(help.out, ==, direct.out);
        g_assert_true(g_str_has_prefix(help.out, "Usage:"));
    }
    g_auto(CcmctlResult) tdx = run("help", "measure", "--platform", "tdx");
    g_assert_cmpint(tdx.status, ==, 0);
    g_assert_nonnull(strstr(tdx.out, "--page-order"));
    g_assert_null(strstr(tdx.out, "--sev-es-vmsa"));

    g_auto(CcmctlResult) unknown = run("help", "mesure");
    g_assert_cmpint(unknown.status, ==, 2);
    g_assert_cmpstr(unknown.out, ==, "");
    g_assert_true(g_str_has_prefix(unknown.err, "ccmctl: unknown command 'mesure'\n"));
    g_auto(CcmctlResult) alone = run("help");
    g_assert_cmpint(alone.status, ==, 0);
    g_assert_nonnull(strstr(alone.out, "Commands:"));
}

/* Every command (and every --platform of measure and verify) answers an unknown option
 * with exit status 2 and one line on stderr. */
static void test_bad_option(void)
{
    g_auto(GStrv) names = commands();
    for (size_t i = 0; names[i]; i++) {
        g_auto(CcmctlResult) r = run(names[i], "--no-such-option");
        /* (snp-policy wants its subcommand first) */
        assert_error(&r, names[i], 2,
                     strcmp(names[i], "snp-policy") == 0 ? "decode" : "--no-such-option");
    }
    static const char *const platforms[][3] = {
        { "measure", "--platform", "tdx" },      { "measure", "--platform", "cca" },
        { "measure", "--platform", "tpm" },      { "verify", "--platform", "cca" },
        { "verify", "--platform", "tpm" },       { "verify", "--manifest", "m.json" },
        { "verify", "--platform", "sev-snp" },
        { "snp-policy", "decode", "0x30000" }, { "snp-policy", "encode", "--smt" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(platforms); i++) {
        g_auto(CcmctlResult) r = run(platforms[i][0], platforms[i][1], platforms[i][2],
                               "--no-such-option");
        assert_error(&r, platforms[i][0], 2, "--no-such-option");
    }
}

/* measure --help and verify --help list the options of every platform, each platform
 * under its own heading. */
static void test_help_lists_every_platform(void)
{
    g_auto(CcmctlResult) m = run("measure", "--help");
    g_assert_cmpint(m.status, ==, 0);
    static const char *const measure_options[] = {
        "--sev-es-vmsa", "--batch", "Options of --platform tdx", "--page-order", "--layout",
        "Options of --platform cca", "--dtb", "--rmm", "--extend",
        "Options of --platform tpm", "--edk2-release", "--option-rom", "--fw-cfg-dir",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(measure_options); i++)
        if (!strstr(m.out, measure_options[i]))
            g_error("measure --help lacks %s", measure_options[i]);
    g_assert_true(strstr(m.out, "--page-order") > strstr(m.out, "Options of --platform tdx"));
    g_assert_true(strstr(m.out, "--dtb") > strstr(m.out, "Options of --platform cca"));
    g_assert_nonnull(strstr(m.out, "Exit status:"));

    g_auto(CcmctlResult) v = run("verify", "--help");
    g_assert_cmpint(v.status, ==, 0);
    static const char *const verify_options[] = {
        "--quote", "Options of --platform sev-snp", "--vcek", "--roots", "--at",
        "Options of --platform cca", "--cpak", "--token",
        "Options of --platform tpm", "--pcrs", "--edk2-release",
        "Options of --manifest", "--no-acpi", "--allow-unchecked",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(verify_options); i++)
        if (!strstr(v.out, verify_options[i]))
            g_error("verify --help lacks %s", verify_options[i]);
}

/* A value an option does not take is answered with every value it takes. */
static void test_valid_values_named(void)
{
    g_auto(CcmctlResult) m = run("measure", "--platform", "sgx", "--firmware", "x.fd");
    assert_error(&m, "measure", 2,
                 "--platform: unknown platform 'sgx': expected sev, sev-es, sev-snp, tdx, cca or "
                 "tpm");
    g_auto(CcmctlResult) v = run("verify", "--platform", "sgx", "--quote", "q.bin");
    assert_error(&v, "verify", 2,
                 "--platform: unknown platform 'sgx': expected tdx, sev-snp, sev, cca or tpm");
    g_auto(CcmctlResult) none = run("verify", "--quote", "q.bin");
    assert_error(&none, "verify", 2, "--platform tdx, sev-snp, sev, cca or tpm is required");
    g_auto(CcmctlResult) h = run("host-check", "--platform", "sgx");
    assert_error(&h, "host-check", 2, "expected sev, sev-es, sev-snp, tdx, cca or none");
}

static gboolean hex_decode(const char *hex, guint8 *out, size_t size)
{
    if (strlen(hex) != size * 2)
        return FALSE;
    for (size_t i = 0; i < size; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]), lo = g_ascii_xdigit_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        out[i] = (guint8) (hi << 4 | lo);
    }
    return TRUE;
}

/*
 * verify --platform tdx: a TD whose MRTD and RTMRs all match, with RTMR0's three ACPI
 * events predicted only from QEMU's blobs. Without --acpi-dir those three cannot be
 * checked: exit 1 (result "unchecked", the events named) unless --allow-unchecked; with
 * the blobs every event is checked and it exits 0. The TDREPORT is made here: trixie's
 * MRTD and the RTMRs the predicted log replays to.
 */
static void test_tdx_unchecked(void)
{
    g_autofree char *fw = data_path("tdx", "OVMF.trixie.fd", NULL);
    g_autofree char *acpi = data_path("tdx", "acpi-qemu7.2-q35-2cpu-2G", NULL);
    g_auto(CcmctlResult) log = run("measure", "--platform", "tdx", "--firmware", fw, "--memory", "2G",
                             "--vcpus", "2", "--acpi-dir", acpi, "--event-log", "json");
    g_assert_cmpint(log.status, ==, 0);
    json_object *doc = json_tokener_parse(log.out), *list = doc;
    g_assert_nonnull(doc);
    if (json_object_is_type(doc, json_type_object))
        g_assert_true(json_object_object_get_ex(doc, "events", &list));
    guint8 rtmr[4][48] = { { 0 } };
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *e = json_object_array_get_idx(list, i), *v = NULL;
        guint8 digest[48];
        g_assert_true(json_object_object_get_ex(e, "rtmr", &v));
        int r = json_object_get_int(v);
        g_assert_true(json_object_object_get_ex(e, "digest", &v));
        g_assert_true(hex_decode(json_object_get_string(v), digest, sizeof(digest)));
        g_autoptr(GChecksum) c = g_checksum_new(G_CHECKSUM_SHA384);
        g_checksum_update(c, rtmr[r], 48);
        g_checksum_update(c, digest, 48);
        gsize n = 48;
        g_checksum_get_digest(c, rtmr[r], &n);
    }
    g_autofree char *events = write_file("td-events.json", json_object_to_json_string(list), -1);
    json_object_put(doc);

    g_auto(CcmctlResult) mrtd = run("measure", "--platform", "tdx", "--firmware", fw, "--memory", "2G",
                              "--register", "mrtd");
    g_assert_cmpint(mrtd.status, ==, 0);
    guint8 report[1024] = { 0x81 };
    g_assert_true(hex_decode(g_strstrip(mrtd.out), report + 512 + 16, 48));
    for (int i = 0; i < 4; i++)
        memcpy(report + 512 + 208 + 48 * i, rtmr[i], 48);
    g_autofree char *report_path = write_file("tdreport.bin", report, sizeof(report));

    g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--report", report_path, "--event-log",
                           events, "--firmware", fw, "--memory", "2G", "--json");
    g_assert_cmpint(r.status, ==, 1);
    json_object *o = json_tokener_parse(r.out), *v = NULL;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, "result", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "unchecked");
    g_assert_true(json_object_object_get_ex(o, "first_difference", &v));
    g_assert_null(v);
    g_assert_true(json_object_object_get_ex(o, "unchecked", &v));
    g_assert_cmpuint(json_object_array_length(v), ==, 3);
    g_assert_cmpstr(json_object_get_string(json_object_array_get_idx(v, 0)), ==,
                    "RTMR0 ACPI DATA: etc/table-loader");
    json_object_put(o);

    g_auto(CcmctlResult) allowed = run("verify", "--platform", "tdx", "--report", report_path,
                                 "--event-log", events, "--firmware", fw, "--memory", "2G",
                                 "--allow-unchecked");
    g_assert_cmpint(allowed.status, ==, 0);
    g_assert_nonnull(strstr(allowed.out, "unchecked: 3 predicted events could not be checked"));
    g_assert_nonnull(strstr(allowed.out, "allowed by --allow-unchecked"));

    g_auto(CcmctlResult) full = run("verify", "--platform", "tdx", "--report", report_path,
                              "--event-log", events, "--firmware", fw, "--memory", "2G",
                              "--acpi-dir", acpi, "--json");
    g_assert_cmpint(full.status, ==, 0);
    o = json_tokener_parse(full.out);
    g_assert_true(json_object_object_get_ex(o, "result", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "match");
    g_assert_true(json_object_object_get_ex(o, "unchecked", &v));
    g_assert_cmpuint(json_object_array_length(v), ==, 0);
    json_object_put(o);
}

/* verify --platform tpm: bookworm's log names no OVMF release, so its boot variables
 * cannot be compared: exit 1 unless --allow-unchecked, or --edk2-release names it. */
static void test_tpm_unchecked(void)
{
    g_autofree char *log = data_path("vtpm", "bookworm-plain", "binary_bios_measurements", NULL);
    g_autofree char *pcrs = data_path("vtpm", "bookworm-plain", "pcrs.json", NULL);

    g_auto(CcmctlResult) r = run("verify", "--platform", "tpm", "--event-log", log, "--pcrs", pcrs);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.out, "first difference: (none)"));
    g_assert_nonnull(strstr(r.out, "unchecked: PCR1 BootOrder; PCR1 Boot0000 (UiApp) "
                                   "(--allow-unchecked accepts this)"));
    g_auto(CcmctlResult) j = run("verify", "--platform", "tpm", "--event-log", log, "--pcrs", pcrs,
                           "--json");
    g_assert_cmpint(j.status, ==, 1);
    json_object *o = json_tokener_parse(j.out), *v = NULL;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, "result", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "unchecked");
    g_assert_true(json_object_object_get_ex(o, "unchecked", &v));
    g_assert_cmpuint(json_object_array_length(v), ==, 2);
    json_object_put(o);

    g_auto(CcmctlResult) allowed = run("verify", "--platform", "tpm", "--event-log", log, "--pcrs",
                                 pcrs, "--allow-unchecked");
    g_assert_cmpint(allowed.status, ==, 0);
    g_auto(CcmctlResult) named = run("verify", "--platform", "tpm", "--event-log", log, "--pcrs", pcrs,
                               "--edk2-release", "202211");
    g_assert_cmpint(named.status, ==, 0);
    g_assert_null(strstr(named.out, "unchecked:"));
}

/* A file that is not JSON is described in ccm's words, naming the file, the line or byte,
 * and what was expected; json-c's own ("null expected", "continue") never shows. */
static void test_json_errors_in_our_words(void)
{
    g_autofree char *batch = write_file("guests.jsonl", "{\"platform\": nul}\n", -1);
    g_auto(CcmctlResult) b = run("measure", "--batch", batch);
    g_assert_cmpint(b.status, !=, 0);
    g_assert_nonnull(strstr(b.err, "guests.jsonl:1: expected one JSON object per line (a word "
                                   "that is not null"));
    g_autofree char *cut = write_file("expected.json", "{\"rim\": \"00\"", -1);
    g_autofree char *token = data_path("cca", "tokens", "cca-token-01.cbor", NULL);
    g_auto(CcmctlResult) v = run("verify", "--platform", "cca", "--token", token, "--expected", cut);
    assert_error(&v, "verify", 1,
                 "expected.json at byte 12: expected a JSON object (the text ends inside a "
                 "value");
    g_autofree char *ops = write_file("ops.json", "{\"rmm\": \"1.0\",", -1);
    g_auto(CcmctlResult) o = run("measure", "--platform", "cca", "--operations", ops);
    assert_error(&o, "measure", 1, "ops.json: not valid JSON at byte 14: the text ends inside");
    const char *const json_c[] = { "null expected", "continue", "unexpected end of data",
                                   "unexpected character" };
    for (size_t i = 0; i < G_N_ELEMENTS(json_c); i++) {
        g_assert_null(strstr(b.err, json_c[i]));
        g_assert_null(strstr(v.err, json_c[i]));
        g_assert_null(strstr(o.err, json_c[i]));
    }
}

/* A copy of the test data file FIRST/... in tmpdir, named @name (any bytes). */
static char *copy_as(const char *name, const char *first, ...)
{
    va_list ap;
    g_autoptr(GPtrArray) parts = g_ptr_array_new();
    g_ptr_array_add(parts, (char *) g_getenv("CCM_TEST_DATA"));
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *))
        g_ptr_array_add(parts, (char *) p);
    va_end(ap);
    g_ptr_array_add(parts, NULL);
    g_autofree char *from = g_build_filenamev((char **) parts->pdata);
    g_autofree char *data = NULL;
    gsize size = 0;
    g_assert_true(g_file_get_contents(from, &data, &size, NULL));
    return write_file(name, data, (gssize) size);
}

/* A file name with byte 0xff (not UTF-8) printed by --json: the output is still valid
 * UTF-8 and valid JSON, the stray byte written as \xff (ccmctl(1), JSON OUTPUT). */
static void test_json_non_utf8_path(void)
{
    g_autofree char *token = copy_as("token-\xff.cbor", "cca", "tokens", "cca-token-01.cbor",
                                     NULL);
    g_autofree char *log = copy_as("log-\xff.bin", "vtpm", "sid-plain",
                                   "binary_bios_measurements", NULL);
    struct {
        const char *args[10];
        const char *key, *suffix;
    } cases[] = {
        { { "verify", "--platform", "cca", "--token", token, "--allow-unchecked", "--json",
            NULL },
          "token", "/token-\\xff.cbor" },
        { { "verify", "--platform", "tpm", "--event-log", log, "--json", NULL },
          "event_log", "/log-\\xff.bin" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_auto(CcmctlResult) r = ccmctl_run(NULL, NULL, cases[i].args);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_true(g_utf8_validate(r.out, -1, NULL));
        enum json_tokener_error jerr = json_tokener_success;
        json_object *o = json_tokener_parse_verbose(r.out, &jerr), *v = NULL;
        g_assert_nonnull(o);
        g_assert_true(json_object_object_get_ex(o, cases[i].key, &v));
        g_assert_true(g_str_has_suffix(json_object_get_string(v), cases[i].suffix));
        json_object_put(o);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("ccm-ctl-commands-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    g_test_add_func("/ccmctl-commands/help-command", test_help_command);
    g_test_add_func("/ccmctl-commands/bad-option", test_bad_option);
    g_test_add_func("/ccmctl-commands/help-lists-every-platform", test_help_lists_every_platform);
    g_test_add_func("/ccmctl-commands/valid-values-named", test_valid_values_named);
    g_test_add_func("/ccmctl-commands/tdx-unchecked", test_tdx_unchecked);
    g_test_add_func("/ccmctl-commands/tpm-unchecked", test_tpm_unchecked);
    g_test_add_func("/ccmctl-commands/json-non-utf8-path", test_json_non_utf8_path);
    g_test_add_func("/ccmctl-commands/json-errors-in-our-words", test_json_errors_in_our_words);
    int r = g_test_run();

    ccm_test_rm_tree(tmpdir);
    g_free(tmpdir);
    return r;
}
