/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-measure.c - `ccmctl measure` as scripts use it: outputs, exit codes, errors
 *
 * Runs the real ccmctl binary (path in $CCMCTL). Contract under test: the digest alone
 * on stdout and exit 0; on any error nothing on stdout, one line on stderr naming the
 * file, option or key at fault, exit 1 (job failed) or 2 (usage).
 */
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "cli-test.h"
#include "fake-bzimage.h"

#define F05 "e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf281a9278a4a2ebe0eed9f22adbcd0e2b"
#define F16 "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74"
#define F01 "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198"
#define F07 "4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942"

typedef CcmctlResult Result;

static char *data_path(const char *rel)
{
    return g_test_build_filename(G_TEST_DIST, "..", "data", "snp", rel, NULL);
}

/* Runs ccmctl with a NULL-terminated argument list; @input goes to stdin if non-NULL. */
static Result run_input(const char *input, const char *first, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    va_list ap;

    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (char *) a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    return ccmctl_run(NULL, input, (const char *const *) argv->pdata);
}

#define run(...) run_input(NULL, __VA_ARGS__)

/* An error: nothing on stdout, exactly one line on stderr containing each needle. */
static void assert_command_error(const Result *r, const char *command, int status,
                                 const char *needle1, const char *needle2)
{
    g_autofree char *prefix = g_strdup_printf("ccmctl %s: ", command);
    g_test_message("stderr: %s", r->err);
    g_assert_cmpint(r->status, ==, status);
    g_assert_cmpstr(r->out, ==, "");
    g_assert_true(g_str_has_prefix(r->err, prefix));
    g_assert_cmpint(strchr(r->err, '\n') - r->err, ==, (long) strlen(r->err) - 1);
    g_assert_nonnull(strstr(r->err, needle1));
    if (needle2)
        g_assert_nonnull(strstr(r->err, needle2));
}

static void assert_error(const Result *r, int status, const char *needle1, const char *needle2)
{
    assert_command_error(r, "measure", status, needle1, needle2);
}

static void test_help(void)
{
    g_auto(CcmctlResult) top = run("--help", NULL);
    g_assert_cmpint(top.status, ==, 0);
    g_assert_nonnull(strstr(top.out, "measure"));

    g_auto(CcmctlResult) r = run("measure", "--help", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "--firmware-digest"));
    g_assert_nonnull(strstr(r.out, "--sev-es-vmsa"));

    g_auto(CcmctlResult) none = run(NULL, NULL);
    g_assert_cmpint(none.status, ==, 2);
    g_auto(CcmctlResult) unknown = run("mesure", NULL);
    g_assert_cmpint(unknown.status, ==, 2);
    g_assert_nonnull(strstr(unknown.err, "unknown command 'mesure'"));
}

static void test_outputs(void)
{
    g_autofree char *fw = data_path("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");

    g_auto(CcmctlResult) hex = run("measure", "--platform", "sev-snp", "--firmware", fw, "--vcpus", "1",
                             "--cpu", "EPYC-v4", "--guest-features", "0x21", NULL);
    g_assert_cmpint(hex.status, ==, 0);
    g_assert_cmpstr(hex.out, ==, F05 "\n");
    g_assert_cmpstr(hex.err, ==, "");

    g_auto(CcmctlResult) b64 = run("measure", "--platform", "sev-snp", "--firmware", fw, "--vcpus", "1",
                             "--vcpu-sig", "0x800f12", "--guest-features", "0x21", "--output",
                             "base64", NULL);
    g_assert_cmpint(b64.status, ==, 0);
    gsize len;
    g_autofree uint8_t *raw = g_base64_decode(b64.out, &len);
    g_assert_cmpuint(len, ==, 48);
    g_autofree char *raw_hex = g_strdup_printf("%02x%02x", raw[0], raw[47]);
    g_assert_cmpstr(raw_hex, ==, "e12b");

    g_auto(CcmctlResult) explain = run("measure", "--platform", "sev-snp", "--firmware", fw, "--vcpus",
                                 "1", "--cpu", "EPYC-v4", "--guest-features", "0x21",
                                 "--explain", NULL);
    g_assert_cmpint(explain.status, ==, 0);
    g_assert_cmpstr(explain.out, ==, F05 "\n");
    g_assert_nonnull(strstr(explain.err, "measurement " F05));
    g_assert_nonnull(strstr(explain.err, "SNP_KERNEL_HASHES [5]"));
    g_assert_nonnull(strstr(explain.err, "vmsa 0 (BSP)"));

    g_auto(CcmctlResult) json = run("measure", "--platform", "sev-snp", "--firmware", fw, "--vcpus", "1",
                              "--cpu", "EPYC-v4", "--guest-features", "0x21", "--output", "json",
                              NULL);
    g_assert_cmpint(json.status, ==, 0);
    json_object *o = json_tokener_parse(json.out);
    g_assert_nonnull(o);
    json_object *m, *steps, *inputs, *sig;
    g_assert_true(json_object_object_get_ex(o, "measurement", &m));
    g_assert_cmpstr(json_object_get_string(m), ==, F05);
    g_assert_true(json_object_object_get_ex(o, "steps", &steps));
    g_assert_cmpuint(json_object_array_length(steps), ==, 9); /* fw + 7 sections + 1 VMSA */
    g_assert_true(json_object_object_get_ex(o, "inputs", &inputs));
    g_assert_true(json_object_object_get_ex(inputs, "vcpu_sig", &sig));
    g_assert_cmpstr(json_object_get_string(sig), ==, "0x800f12");
    json_object_put(o);
}

static void test_firmware_digest_round_trip(void)
{
    g_autofree char *fw = data_path("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");
    g_autofree char *empty = data_path("inputs/empty.bin");

    g_auto(CcmctlResult) d = run("measure", "--platform", "sev-snp", "--firmware", fw, "--output",
                           "firmware-digest", NULL);
    g_assert_cmpint(d.status, ==, 0);
    g_assert_cmpstr(d.out, ==, F16 "\n");

    g_autofree char *seed = g_strstrip(g_strdup(d.out));
    g_auto(CcmctlResult) r = run("measure", "--platform", "sev-snp", "--firmware", fw, "--vcpus", "1",
                           "--cpu", "EPYC", "--guest-features", "0x21", "--kernel", empty,
                           "--initrd", empty, "--append", "", "--firmware-digest", seed, NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, F01 "\n");

    g_auto(CcmctlResult) both = run("measure", "--platform", "sev-snp", "--firmware", fw, "--output",
                              "firmware-digest", "--firmware-digest", seed, NULL);
    assert_error(&both, 2, "give only one", NULL);
    g_auto(CcmctlResult) sev = run("measure", "--platform", "sev", "--firmware", fw, "--output",
                             "firmware-digest", NULL);
    assert_error(&sev, 2, "sev-snp only", NULL);
}

static void test_usage_errors(void)
{
    g_autofree char *fw = data_path("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");
    g_autofree char *empty = data_path("inputs/empty.bin");
    struct {
        const char *args[12];
        const char *needle;
    } cases[] = {
        { { "--firmware", fw, NULL }, "no platform given" },
        { { "--platform", "sev-snp", NULL }, "no firmware given" },
        { { "--platform", "snp", NULL }, "--platform: unknown platform 'snp'" },
        { { "--platform", "sev-snp", "--firmware", fw, "--vcpus", "4x", NULL }, "--vcpus: '4x'" },
        { { "--platform", "sev-snp", "--firmware", fw, "--vcpus", "0", NULL }, "--vcpus: '0'" },
        { { "--platform", "sev-snp", "--firmware", fw, "--vcpus", "-1", NULL }, "--vcpus: '-1'" },
        { { "--cpu", "EPYC-Milan", "--vcpu-sig", "0x1", NULL }, "give one" },
        { { "--cpu", "Milan", NULL }, "unknown vCPU model 'Milan'" },
        { { "--vcpu-sig", "0x1ffffffff", NULL }, "--vcpu-sig: '0x1ffffffff'" },
        { { "--guest-features", "one", NULL }, "--guest-features: 'one'" },
        { { "--vmm", "azure", NULL }, "--vmm: unknown VMM type 'azure'" },
        { { "--sev-es-vmsa", "new", NULL }, "--sev-es-vmsa: unknown" },
        { { "--firmware-digest", "abcd", NULL }, "--firmware-digest: 'abcd'" },
        { { "--output", "yaml", NULL }, "--output: unknown format 'yaml'" },
        { { "--platform", "sev-snp", "--firmware", fw, "--initrd", empty, NULL },
          "measured only with --kernel" },
        { { "--platform", "sev-snp", "--firmware", fw, "web1.guest", NULL },
          "--platform cannot be combined with a guest spec: 'web1.guest'" },
        { { "a.guest", "b.guest", NULL }, "unexpected argument 'b.guest'" },
        { { "--batch", "x.jsonl", "a.guest", NULL }, "--batch, --domain and a guest spec are alternatives" },
        { { "--no-such-flag", NULL }, "--no-such-flag" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char **a = cases[i].args;
        g_auto(CcmctlResult) r = run("measure", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], NULL);
        assert_error(&r, 2, cases[i].needle, NULL);
    }
}

static void test_input_errors(void)
{
    g_autofree char *amdsev = data_path("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");
    g_autofree char *ovmfx64 = data_path("fixtures-sev-snp-measure/ovmf_OvmfX64_suffix.bin");
    g_autofree char *empty = data_path("inputs/empty.bin");
    g_autofree char *dir = g_dir_make_tmp("ccmctl-test-XXXXXX", NULL);
    g_autofree char *truncated = g_build_filename(dir, "truncated.fd", NULL);
    g_autofree char *contents = NULL;
    gsize size;

    g_assert_true(g_file_get_contents(amdsev, &contents, &size, NULL));
    g_assert_true(g_file_set_contents(truncated, contents, 2048, NULL));

    g_auto(CcmctlResult) missing = run("measure", "--platform", "sev-snp", "--firmware",
                                 "/nonexistent/OVMF.fd", "--vcpus", "1", "--cpu", "EPYC", NULL);
    assert_error(&missing, 1, "/nonexistent/OVMF.fd", "No such file");

    g_auto(CcmctlResult) trunc = run("measure", "--platform", "sev-snp", "--firmware", truncated,
                               "--vcpus", "1", "--cpu", "EPYC", NULL);
    assert_error(&trunc, 1, truncated, "expected a non-zero multiple of 4096");

    g_auto(CcmctlResult) nokernel = run("measure", "--platform", "sev-snp", "--firmware", ovmfx64,
                                  "--vcpus", "1", "--cpu", "EPYC", "--kernel", empty, NULL);
    assert_error(&nokernel, 1, ovmfx64, "cannot measure a kernel");

    g_auto(CcmctlResult) nokernel_es = run("measure", "--platform", "sev-es", "--firmware", ovmfx64,
                                     "--vcpus", "1", "--cpu", "EPYC", "--kernel", empty, NULL);
    assert_error(&nokernel_es, 1, ovmfx64, "no SEV hash-table area");

    g_auto(CcmctlResult) badkernel = run("measure", "--platform", "sev-snp", "--firmware", amdsev,
                                   "--vcpus", "1", "--cpu", "EPYC", "--kernel", dir, NULL);
    assert_error(&badkernel, 1, "kernel", "is a directory");

    g_auto(CcmctlResult) novcpus = run("measure", "--platform", "sev-es", "--firmware", amdsev, "--cpu",
                                 "EPYC", NULL);
    assert_error(&novcpus, 2, "number of vCPUs is required", NULL);

    g_unlink(truncated);
    g_rmdir(dir);
}

static void test_stdout_failure(void)
{
    g_autofree char *fw = data_path("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");
    g_autofree char *cmd = g_strdup_printf("'%s' measure --platform sev --firmware '%s' >/dev/full",
                                           g_getenv("CCMCTL"), fw);
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    g_autofree char *err = NULL;
    int status = 0;

    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               &err, &status, NULL));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "cannot write the output"));
}

static void test_batch(void)
{
    g_autofree char *fw = data_path("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");
    g_autofree char *empty = data_path("inputs/empty.bin");
    g_autofree char *dir = g_dir_make_tmp("ccmctl-test-XXXXXX", NULL);
    g_autofree char *batch = g_build_filename(dir, "guests.jsonl", NULL);
    g_autofree char *lines = g_strdup_printf(
        "{\"name\": \"a\", \"vcpus\": 1, \"cpu\": \"EPYC-v4\", \"guest-features\": \"0x21\"}\n"
        "\n"
        "{\"name\": \"b\", \"vcpus\": 4, \"vcpu-sig\": \"0x800f12\", \"guest-features\": 33, "
        "\"kernel\": \"%s\", \"initrd\": \"%s\", \"append\": \"\"}\n"
        "{\"name\": \"c\", \"vcpus\": 1, \"cpu\": \"EPYC\", \"kernel\": \"/nonexistent/k\"}\n",
        empty, empty);
    g_assert_true(g_file_set_contents(batch, lines, -1, NULL));

    /* Options on the command line are defaults for every line. */
    g_auto(CcmctlResult) r = run("measure", "--batch", batch, "--platform", "sev-snp", "--firmware", fw,
                           NULL);
    g_test_message("stderr: %s", r.err);
    g_assert_cmpint(r.status, ==, 1);
    g_auto(GStrv) out = g_strsplit(r.out, "\n", -1);
    g_assert_cmpuint(g_strv_length(out), ==, 4);
    g_assert_cmpstr(out[3], ==, "");

    const char *expect[] = { F05, F07, NULL };
    const int line_no[] = { 1, 3, 4 };
    for (int i = 0; i < 3; i++) {
        json_object *o = json_tokener_parse(out[i]), *v;
        g_assert_nonnull(o);
        g_assert_true(json_object_object_get_ex(o, "line", &v));
        g_assert_cmpint(json_object_get_int(v), ==, line_no[i]);
        if (expect[i]) {
            g_assert_true(json_object_object_get_ex(o, "measurement", &v));
            g_assert_cmpstr(json_object_get_string(v), ==, expect[i]);
            g_assert_false(json_object_object_get_ex(o, "steps", NULL));
        } else {
            g_assert_true(json_object_object_get_ex(o, "error", &v));
            g_assert_nonnull(strstr(json_object_get_string(v), "/nonexistent/k"));
        }
        json_object_put(o);
    }
    g_assert_nonnull(strstr(r.err, ":4: cannot hash the kernel"));
    g_assert_nonnull(strstr(r.err, "1 of 3 guests failed"));

    /* The same through stdin, with steps. */
    g_auto(CcmctlResult) s = run_input("{\"vcpus\": 1, \"cpu\": \"EPYC-v4\", \"guest-features\": "
                                 "\"0x21\"}\n",
                                 "measure", "--batch", "-", "--platform", "sev-snp",
                                 "--firmware", fw, "--explain", NULL);
    g_assert_cmpint(s.status, ==, 0);
    g_assert_nonnull(strstr(s.out, "\"measurement\":\"" F05 "\""));
    g_assert_nonnull(strstr(s.out, "\"steps\":["));

    /* A bad line anywhere fails the whole run before any output. */
    const char *bad[][2] = {
        { "{\"vcpus\": 1}\n{\"vcpu\": 2}\n", ":2: unknown key 'vcpu'" },
        { "{\"vcpus\": 1}\n[1]\n", ":2: expected one JSON object per line" },
        { "{\"vcpus\": 1}\n{\"vcpus\": \n", ":2: expected one JSON object" },
        { "{\"vcpus\": true}\n", ":1: key 'vcpus': expected a string" },
        { "{\"vcpus\": \"x\"}\n", ":1: key 'vcpus': 'x' is not" },
        { "{\"cpu\": \"EPYC\", \"vcpu-sig\": 1}\n", ":1: 'cpu' and 'vcpu-sig'" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_true(g_file_set_contents(batch, bad[i][0], -1, NULL));
        g_auto(CcmctlResult) b = run("measure", "--batch", batch, "--platform", "sev-snp", "--firmware",
                               fw, NULL);
        assert_error(&b, 2, batch, bad[i][1]);
    }

    g_auto(CcmctlResult) fmt = run("measure", "--batch", batch, "--output", "hex", NULL);
    assert_error(&fmt, 2, "--batch writes one JSON object per line", NULL);
    g_auto(CcmctlResult) missing = run("measure", "--batch", "/nonexistent/batch", NULL);
    assert_error(&missing, 1, "/nonexistent/batch", NULL);

    g_unlink(batch);
    g_rmdir(dir);
}

/* A guest spec gives the same digest as the equivalent options (vector F05). */
static void test_guest_spec(void)
{
    g_autofree char *fw = data_path("fixtures-sev-snp-measure/ovmf_AmdSev_suffix.bin");
    g_autofree char *dir = g_dir_make_tmp("ccmctl-test-XXXXXX", NULL);
    g_autofree char *spec = g_build_filename(dir, "f05.guest", NULL);
    g_autofree char *bad = g_build_filename(dir, "bad.guest", NULL);
    g_autofree char *text = g_strdup_printf("[Guest]\nPlatform=sev-snp\nVCPUs=1\n"
                                            "CPUModel=EPYC-v4\nFirmware=%s\n\n[SEV-SNP]\n"
                                            "GuestFeatures=0x21\n",
                                            fw);
    g_assert_true(g_file_set_contents(spec, text, -1, NULL));
    g_assert_true(g_file_set_contents(bad, "[Guest]\nPlatform=sev-snp\nVCPUS=2\n", -1, NULL));

    g_auto(CcmctlResult) r = run("measure", spec, "--explain", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, F05 "\n");
    g_assert_nonnull(strstr(r.err, "given in the spec (Firmware=)"));

    g_auto(CcmctlResult) e = run("measure", bad, NULL);
    g_autofree char *where = g_strdup_printf("%s:3: [Guest] VCPUS=:", bad);
    assert_error(&e, 1, where, "did you mean VCPUs=?");

    g_auto(CcmctlResult) none = run("measure", "/nonexistent/x.guest", NULL);
    assert_error(&none, 1, "/nonexistent/x.guest", NULL);

    g_unlink(spec);
    g_unlink(bad);
    g_rmdir(dir);
}

#define TDX_BOOKWORM_PER_PAGE "4c7206f0f483c524f12c366c711e9049030a8d47c471ee5aa9c4999a08de4057fb887fed0744d5631a212967fb231c47"
#define TDX_BOOKWORM_PER_SECTION "acccbcc870a381adab0d3919d90a7f268ac3b0364771f202ed4bb4e892d045b33db3b32e6924cba830a724eed443f7e1"

/* --platform tdx: MRTD alone, JSON with what is not computed, and its errors. */
static void test_tdx(void)
{
    g_autofree char *fw = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                "OVMF.bookworm.fd", NULL);
    {
        g_auto(CcmctlResult) r = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                               "2G", "--register", "mrtd", NULL);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_cmpstr(r.out, ==, TDX_BOOKWORM_PER_PAGE "\n");
        g_assert_cmpstr(r.err, ==, "");
    }
    {
        g_auto(CcmctlResult) r = run("measure", "--platform=tdx", "--firmware", fw, "--memory",
                               "1073741824", "--page-order", "per-section", "--output", "hex",
                               NULL);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_cmpstr(r.out, ==, TDX_BOOKWORM_PER_SECTION "\n");
    }
    {
        /* By default MRTD alone, as for every platform's primary value: complete. */
        g_auto(CcmctlResult) d = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                               "512M", NULL);
        g_assert_cmpint(d.status, ==, 0);
        g_assert_cmpstr(d.out, ==, TDX_BOOKWORM_PER_PAGE "\n");
        g_auto(CcmctlResult) both = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                                  "512M", "--json", "--output", "hex", NULL);
        assert_error(&both, 2, "--json is --output json", NULL);
        g_auto(CcmctlResult) r = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                               "512M", "--explain", "--json", NULL);
        g_assert_cmpint(r.status, ==, 3); /* printed, but RTMR0 cannot be predicted */
        json_object *o = json_tokener_parse(r.out), *v = NULL;
        g_assert_nonnull(o);
        g_assert_true(json_object_object_get_ex(o, "format", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, "ccm-measure/1");
        g_assert_true(json_object_object_get_ex(o, "mrtd", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, TDX_BOOKWORM_PER_PAGE);
        g_assert_true(json_object_object_get_ex(o, "not_computed", &v));
        g_assert_cmpuint(json_object_array_length(v), ==, 2); /* rtmr1, rtmr2: no --kernel */
        g_assert_true(json_object_object_get_ex(o, "rtmr0", &v));
        g_assert_null(v); /* no ACPI tables given */
        g_assert_true(json_object_object_get_ex(o, "memory", &v));
        g_assert_cmpint(json_object_get_int64(v), ==, 512 << 20);
        json_object_put(o);
        g_assert_nonnull(strstr(r.err, "RTMR0 is unknown without QEMU's ACPI tables"));
        g_assert_nonnull(strstr(r.err, "BFV"));
        g_assert_nonnull(strstr(r.err, "TD_HOB"));
    }
    {
        g_auto(CcmctlResult) r = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                               "2G", "--register", "rtmr1", NULL);
        assert_error(&r, 2, "--register rtmr1 needs --kernel", NULL);
    }
    {
        g_auto(CcmctlResult) r = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                               "2G", "--register", "rtmr0", NULL);
        assert_error(&r, 2, "rtmr0 needs QEMU's ACPI tables", NULL);
    }
    {
        /* With the recorded QEMU 7.2 blobs: RTMR0 alone equals the JSON's, and the
         * predicted event log lists 14 RTMR0 events, all with digests (bookworm's OVMF is
         * known as edk2 2022.11: its ReadyToBoot separator goes to RTMR0). */
        g_autofree char *acpi = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                      "acpi-qemu7.2-q35-2cpu-2G", NULL);
        g_auto(CcmctlResult) one = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                                 "2G", "--acpi-dir", acpi, "--register", "rtmr0", NULL);
        g_assert_cmpint(one.status, ==, 0);
        g_assert_cmpuint(strlen(one.out), ==, 97);
        g_auto(CcmctlResult) all = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                                 "2G", "--acpi-dir", acpi, "--json", NULL);
        g_assert_cmpint(all.status, ==, 0);
        json_object *o = json_tokener_parse(all.out), *v = NULL;
        g_assert_true(json_object_object_get_ex(o, "rtmr0", &v));
        g_autofree char *line = g_strconcat(json_object_get_string(v), "\n", NULL);
        g_assert_cmpstr(line, ==, one.out);
        g_assert_true(json_object_object_get_ex(o, "firmware_profile", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, "debian-bookworm-ovmf-2022.11-6+deb12u2");
        g_assert_true(json_object_object_get_ex(o, "layout", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, "edk2-pre-202411");
        json_object_put(o);
        g_auto(CcmctlResult) log = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                                 "2G", "--acpi-dir", acpi, "--event-log", "json", NULL);
        g_assert_cmpint(log.status, ==, 0);
        json_object *doc = json_tokener_parse(log.out), *list = NULL;
        g_assert_true(json_object_object_get_ex(doc, "events", &list));
        g_assert_cmpuint(json_object_array_length(list), ==, 14);
        for (size_t i = 0; i < 14; i++) {
            json_object *ev = json_object_array_get_idx(list, i), *d = NULL;
            g_assert_true(json_object_object_get_ex(ev, "digest", &d));
            g_assert_nonnull(d);
        }
        json_object_put(doc);
    }
    {
        g_auto(CcmctlResult) r = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                               "2X", NULL);
        assert_error(&r, 2, "--memory", "K, M or G");
    }
    {
        g_auto(CcmctlResult) r = run("measure", "--platform", "tdx", "--firmware", fw, NULL);
        assert_error(&r, 2, "--memory SIZE is required", NULL);
    }
    {
        g_auto(CcmctlResult) r = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                               "2G", "--page-order", "sideways", NULL);
        assert_error(&r, 2, "--page-order", "per-page or per-section");
    }
    {
        /* An SEV-only fixture: the 4 KiB tail of an AmdSev build, whose metadata points
         * outside it. */
        g_autofree char *amd = data_path("fixtures-sev-snp-measure/ovmf_OvmfX64_suffix.bin");
        g_auto(CcmctlResult) r = run("measure", "--platform", "tdx", "--firmware", amd, "--memory",
                               "2G", "--register", "mrtd", NULL);
        assert_error(&r, 1, "ovmf_OvmfX64_suffix.bin", "past the end");
    }
}

/* A Platform=tdx guest spec drives the same engine: the same MRTD as the options. */
static void test_tdx_spec(void)
{
    g_autofree char *fw = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                "OVMF.bookworm.fd", NULL);
    g_autofree char *dir = g_dir_make_tmp("ccm-tdx-spec-XXXXXX", NULL);
    g_autofree char *spec = g_build_filename(dir, "td1.guest", NULL);
    g_autofree char *text = g_strdup_printf("[Guest]\nPlatform=tdx\nVCPUs=2\nMemory=2G\n"
                                            "Firmware=%s\n", fw);
    g_assert_true(g_file_set_contents(spec, text, -1, NULL));
    g_auto(CcmctlResult) r = run("measure", spec, "--output", "hex", NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, TDX_BOOKWORM_PER_PAGE "\n");
    g_auto(CcmctlResult) bad = run("measure", spec, "--output", "base64", NULL);
    assert_error(&bad, 2, "hex or json", NULL);
    g_unlink(spec);
    g_rmdir(dir);
}

/* ccmctl verify --platform tdx against dstack's real quotes. */
static void test_tdx_verify(void)
{
    g_autofree char *q = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                               "quote-report.json", NULL);
    g_autofree char *lite = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                  "tdx-lite-getquote.json", NULL);
    g_autofree char *fw = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                "OVMF.bookworm.fd", NULL);
    {
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, "--event-log", q,
                               "--json", NULL);
        g_assert_cmpint(r.status, ==, 0);
        json_object *o = json_tokener_parse(r.out), *v = NULL;
        g_assert_nonnull(o);
        g_assert_true(json_object_object_get_ex(o, "result", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, "match");
        g_assert_true(json_object_object_get_ex(o, "events", &v));
        g_assert_cmpuint(json_object_array_length(v), ==, 28);
        json_object_put(o);
    }
    {
        /* The lite log has no RTMR3 digests, and the quote's firmware is not bookworm's:
         * both differ, exit 1, and the expected MRTDs are shown. */
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", lite, "--event-log",
                               lite, "--firmware", fw, NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_nonnull(strstr(r.out, "RTMR0   match"));
        g_assert_nonnull(strstr(r.out, "RTMR3   differ"));
        g_assert_nonnull(strstr(r.out, "MRTD    differ"));
        g_assert_nonnull(strstr(r.out, "(per-section)"));
    }
    {
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", fw, "--event-log", q,
                               NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_nonnull(strstr(r.err, "expected a TDX quote v4"));
    }
    {
        /* RTMR0 event by event against dstack's CCEL log (trixie layout, 1 GiB): every
         * event but the three ACPI ones (dstack's QEMU) matches; with 2 GiB the TD HOB is
         * named as the first difference. */
        g_autofree char *ccel = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                      "ccel.bin", NULL);
        g_autofree char *trixie = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                        "OVMF.trixie.fd", NULL);
        g_auto(CcmctlResult) ok = run("verify", "--platform", "tdx", "--quote", q, "--event-log", ccel,
                                "--firmware", trixie, "--memory", "1G", "--json", NULL);
        json_object *o = json_tokener_parse(ok.out), *list = NULL;
        g_assert_nonnull(o);
        g_assert_true(json_object_object_get_ex(o, "event_comparison", &list));
        g_assert_cmpuint(json_object_array_length(list), ==, 18);
        unsigned match = 0, unknown = 0, not_predicted = 0;
        for (size_t i = 0; i < 18; i++) {
            json_object *res = NULL;
            json_object_object_get_ex(json_object_array_get_idx(list, i), "result", &res);
            match += strcmp(json_object_get_string(res), "match") == 0;
            unknown += strcmp(json_object_get_string(res), "unknown") == 0;
            not_predicted += strcmp(json_object_get_string(res), "not-predicted") == 0;
        }
        g_assert_cmpuint(match, ==, 10);
        g_assert_cmpuint(unknown, ==, 3);
        g_assert_cmpuint(not_predicted, ==, 5); /* RTMR1 without --kernel */
        json_object_put(o);
        g_auto(CcmctlResult) wrong = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                                   ccel, "--firmware", trixie, "--memory", "2G", NULL);
        g_assert_cmpint(wrong.status, ==, 1);
        g_assert_nonnull(strstr(wrong.out, "first difference: RTMR0 event 1 (TD HOB)"));
    }
    {
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, NULL);
        g_assert_cmpint(r.status, ==, 2);
        g_assert_nonnull(strstr(r.err, "--event-log"));
    }
}

static char *write_temp(const char *dir, const char *name, const void *data, gsize size)
{
    char *path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, (gssize) size, NULL));
    return path;
}

static const char *first_difference(const char *json)
{
    static char buf[256];
    json_object *o = json_tokener_parse(json), *v = NULL;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, "first_difference", &v));
    g_strlcpy(buf, v ? json_object_get_string(v) : "(none)", sizeof(buf));
    json_object_put(o);
    return buf;
}

/*
 * Event by event through RTMR0 to RTMR2: the predicted log of a direct-boot TD (firmware,
 * RAM, ACPI blobs, kernel, initrd, command line) checked against itself from the options
 * and from a guest spec matches every event; one input changed is named as the first
 * difference.
 */
static void test_tdx_verify_events(void)
{
    g_autofree char *fw = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                "OVMF.trixie.fd", NULL);
    g_autofree char *acpi = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                                  "acpi-qemu7.2-q35-2cpu-2G", NULL);
    g_autofree char *q = g_test_build_filename(G_TEST_DIST, "..", "data", "tdx",
                                               "quote-report.json", NULL);
    g_autofree char *dir = g_dir_make_tmp("ccm-tdx-verify-XXXXXX", NULL);
    gsize ksize = 0;
    g_autofree uint8_t *k = fake_bzimage(&ksize);
    g_autofree char *kernel = write_temp(dir, "bzImage", k, ksize);
    g_autofree char *initrd = write_temp(dir, "initrd", "an initrd", 9);
    g_auto(CcmctlResult) log = run("measure", "--platform", "tdx", "--firmware", fw, "--memory", "2G",
                             "--vcpus", "2", "--kernel", kernel, "--initrd", initrd, "--append",
                             "console=hvc0", "--acpi-dir", acpi, "--event-log", "json", NULL);
    g_assert_cmpint(log.status, ==, 0);
    g_autofree char *events = write_temp(dir, "events.json", log.out, strlen(log.out));
    {
        /* 13 RTMR0, 5 RTMR1, 2 RTMR2 events; all match (the quote is another TD's, so
         * its registers differ and the exit status is 1). */
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                               events, "--firmware", fw, "--memory", "2G", "--kernel", kernel,
                               "--initrd", initrd, "--append", "console=hvc0", "--acpi-dir",
                               acpi, "--json", NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_cmpstr(first_difference(r.out), ==, "(none)");
        json_object *o = json_tokener_parse(r.out), *list = NULL;
        g_assert_true(json_object_object_get_ex(o, "event_comparison", &list));
        g_assert_cmpuint(json_object_array_length(list), ==, 20);
        for (size_t i = 0; i < 20; i++) {
            json_object *res = NULL;
            json_object_object_get_ex(json_object_array_get_idx(list, i), "result", &res);
            g_assert_cmpstr(json_object_get_string(res), ==, "match");
        }
        json_object_put(o);
    }
    {
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                               events, "--firmware", fw, "--memory", "2G", "--kernel", kernel,
                               "--initrd", initrd, "--append", "console=ttyS0", "--acpi-dir",
                               acpi, "--json", NULL);
        g_assert_cmpstr(first_difference(r.out), ==, "RTMR2 event 1 (command line (LoadOptions))");
    }
    {
        /* Without the initrd: on QEMU 10.2+ (assumed) OVMF measures the kernel file as it
         * is, so RTMR1 still matches and the command line (no " initrd=initrd") is the
         * first difference; RTMR2's initrd is missing. */
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                               events, "--firmware", fw, "--memory", "2G", "--kernel", kernel,
                               "--append", "console=hvc0", "--acpi-dir", acpi, NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_nonnull(strstr(r.out, "first difference: RTMR2 event 1 (command line"));
        g_assert_nonnull(strstr(r.out, "unexpected"));
    }
    {
        /* On QEMU 9.2 OVMF measures the kernel with the setup header QEMU patched (RAM and
         * initrd placement): RTMR1's kernel image is the first difference. */
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                               events, "--firmware", fw, "--memory", "2G", "--kernel", kernel,
                               "--initrd", initrd, "--append", "console=hvc0", "--acpi-dir",
                               acpi, "--qemu-version", "9.2", NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_nonnull(strstr(r.out, "first difference: RTMR1 event 1 (kernel image"));
    }
    {
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                               events, "--firmware", fw, "--memory", "2G", "--qemu-version",
                               "ten", NULL);
        assert_command_error(&r, "verify", 2, "--qemu-version: expected MAJOR.MINOR", NULL);
    }
    {
        /* The same TD as a guest spec: the spec is the only source. */
        g_autofree char *text = g_strdup_printf("[Guest]\nName=td1\nPlatform=tdx\nVCPUs=2\n"
                                                "Memory=2G\nFirmware=%s\nKernel=%s\n"
                                                "Initrd=%s\nCmdline=console=hvc0\n",
                                                fw, kernel, initrd);
        g_autofree char *spec = write_temp(dir, "td1.guest", text, strlen(text));
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                               events, "--acpi-dir", acpi, spec, "--json", NULL);
        g_assert_cmpstr(first_difference(r.out), ==, "(none)");
        g_auto(CcmctlResult) both = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                                  events, "--memory", "2G", spec, NULL);
        assert_command_error(&both, "verify", 2, "the guest spec gives", NULL);
        g_autofree char *sev = g_strdup_printf("[Guest]\nPlatform=sev\nFirmware=%s\n", fw);
        g_autofree char *sev_spec = write_temp(dir, "sev.guest", sev, strlen(sev));
        g_auto(CcmctlResult) wrong = run("verify", "--platform", "tdx", "--quote", q, sev_spec, NULL);
        g_assert_cmpint(wrong.status, !=, 0);
        g_assert_nonnull(strstr(wrong.err, "sev.guest"));
        g_unlink(spec);
        g_unlink(sev_spec);
    }
    {
        /* A prediction without its inputs is not a log. */
        g_auto(CcmctlResult) p = run("measure", "--platform", "tdx", "--firmware", fw, "--memory",
                               "2G", "--event-log", "json", NULL);
        g_autofree char *partial = write_temp(dir, "partial.json", p.out, strlen(p.out));
        g_auto(CcmctlResult) r = run("verify", "--platform", "tdx", "--quote", q, "--event-log",
                               partial, NULL);
        assert_command_error(&r, "verify", 1, "partial.json: event 8 has a null \"digest\"",
                             NULL);
        g_unlink(partial);
    }
    g_unlink(events);
    g_unlink(kernel);
    g_unlink(initrd);
    g_rmdir(dir);
}

/* --platform tpm: a real vTPM log (tests/data/vtpm) replayed against the PCRs its guest
 * read, ccm's boot variables and load options against its events, and bad input. */
static void test_tpm_verify(void)
{
    g_autofree char *dir = g_test_build_filename(G_TEST_DIST, "..", "data", "vtpm", "sid-plain",
                                                 NULL);
    g_autofree char *log = g_build_filename(dir, "binary_bios_measurements", NULL);
    g_autofree char *pcrs = g_build_filename(dir, "pcrs.json", NULL);
    g_autofree char *other = g_test_build_filename(G_TEST_DIST, "..", "data", "vtpm", "sid-ms",
                                                   "pcrs.json", NULL);
    g_autofree char *tmp = g_dir_make_tmp("ccm-tpm-verify-XXXXXX", NULL);
    g_autofree char *initrd = g_build_filename(tmp, "initrd", NULL);
    g_assert_true(g_file_set_contents(initrd, "an initrd", 9, NULL));
    {
        /* The log's initrd is not kept (a build product); this stand-in gives the right
         * load options but another initrd digest: every event before it matches. */
        g_auto(CcmctlResult) r = run("verify", "--platform", "tpm", "--event-log", log, "--pcrs", pcrs,
                               "--initrd", initrd, "--append", "console=ttyS0 panic=-1", NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_nonnull(strstr(r.out, "compared with"));
        g_assert_nonnull(strstr(r.out, ": equal\n"));
        g_assert_nonnull(strstr(r.out, "15 predicted events compared (OVMF 202608"));
        g_assert_nonnull(strstr(r.out, "first difference: PCR9 event 2 (initrd)"));
        g_assert_null(strstr(r.out, "load options (command line): log"));
    }
    {
        g_auto(CcmctlResult) r = run("verify", "--platform", "tpm", "--event-log", log, "--pcrs", pcrs,
                               NULL);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_nonnull(strstr(r.out, "first difference: (none)"));
        g_assert_nonnull(strstr(r.out, "PCR0 PEI firmware volume (give --firmware)"));
    }
    {
        /* By default one line per PCR: its number, SHA-256 and SHA-384, "-" where not
         * predicted; the same values with --json. */
        g_auto(CcmctlResult) t = run("measure", "--platform", "tpm", "--edk2-release", "202608", NULL);
        g_assert_cmpint(t.status, ==, 3);
        g_assert_true(g_str_has_prefix(t.out, "0 - -\n1 "));
        g_assert_nonnull(strstr(t.out, "50529d96fe4d1afdafb65e7f95bf23c4\n4 "));
        g_auto(CcmctlResult) m = run("measure", "--platform", "tpm", "--edk2-release", "202608",
                               "--json", NULL);
        g_assert_cmpint(m.status, ==, 3);
        json_object *o = json_tokener_parse(m.out), *v = NULL, *pcr = NULL;
        g_assert_true(json_object_object_get_ex(o, "sha384", &v));
        g_assert_true(json_object_object_get_ex(v, "3", &pcr)); /* a separator alone */
        g_assert_cmpstr(json_object_get_string(pcr), ==,
                        "518923b0f955d08da077c96aaba522b9decede61c599cea6c41889cfbea4ae4d"
                        "50529d96fe4d1afdafb65e7f95bf23c4");
        g_assert_true(json_object_object_get_ex(v, "0", &pcr));
        g_assert_null(pcr);
        json_object_put(o);
        g_assert_nonnull(strstr(m.err, "PCR0: PEI firmware volume"));
        g_auto(CcmctlResult) u = run("measure", "--platform", "tpm", NULL);
        assert_error(&u, 2, "--firmware FILE or --edk2-release YYYYMM is required", NULL);
    }
    {
        /* The firmware, QEMU and option-ROM inputs: each bad one named, nothing printed. */
        g_auto(CcmctlResult) q = run("measure", "--platform", "tpm", "--edk2-release", "202608",
                               "--qemu", "/nonexistent/qemu", NULL);
        assert_error(&q, 2, "--qemu needs --memory", NULL);
        g_auto(CcmctlResult) s = run("measure", "--platform", "tpm", "--edk2-release", "202608",
                               "--smp", "2", NULL);
        assert_error(&s, 2, "--qemu-arg and --smp shape the QEMU of --qemu", NULL);
        g_auto(CcmctlResult) d = run("measure", "--platform", "tpm", "--edk2-release", "202608",
                               "--fw-cfg-dir", tmp, NULL);
        assert_command_error(&d, "measure", 1, "etc_table-loader", NULL);
        g_assert_cmpstr(d.out, ==, "");
        g_auto(CcmctlResult) o = run("measure", "--platform", "tpm", "--edk2-release", "202608",
                               "--option-rom", initrd, NULL);
        assert_command_error(&o, "measure", 1, "initrd: ", NULL);
        g_assert_cmpstr(o.out, ==, "");
        g_auto(CcmctlResult) f = run("measure", "--platform", "tpm", "--firmware", initrd, NULL);
        assert_command_error(&f, "measure", 1, "not an OVMF build ccm knows", NULL);
        g_auto(CcmctlResult) n = run("measure", "--platform", "tpm", "--edk2-release", "202608",
                               "--option-rom", "none", "--event-log", "json", NULL);
        g_assert_cmpint(n.status, ==, 3);
        g_assert_null(strstr(n.out, "option ROM"));
        g_assert_null(strstr(n.err, "PCR2"));
        g_auto(CcmctlResult) b = run("measure", "--platform", "tpm", "--edk2-release", "202608",
                               "--option-rom", "none", "--option-rom", initrd, NULL);
        assert_error(&b, 2, "--option-rom none stands alone", NULL);
    }
    {
        /* The fw_cfg files sid-ms's firmware read (recorded): its four ACPI events match;
         * one changed byte in the tables is named as PCR1's fourth event. */
        g_autofree char *ms = g_test_build_filename(G_TEST_DIST, "..", "data", "vtpm", "sid-ms",
                                                    NULL);
        g_autofree char *ms_log = g_build_filename(ms, "binary_bios_measurements", NULL);
        g_autofree char *fw_cfg = g_build_filename(ms, "fw-cfg", NULL);
        g_auto(CcmctlResult) r = run("verify", "--platform", "tpm", "--event-log", ms_log,
                               "--fw-cfg-dir", fw_cfg, "--option-rom", "none", "--json", NULL);
        /* Verify compares what ccm predicts; the NIC driver's event is not predicted with
         * --option-rom none, and a logged event without a prediction is not flagged. */
        g_assert_cmpint(r.status, ==, 0);
        json_object *o = json_tokener_parse(r.out), *v = NULL;
        g_assert_true(json_object_object_get_ex(o, "event_comparison", &v));
        int acpi = 0;
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *e = json_object_array_get_idx(v, i), *name = NULL, *match = NULL;
            json_object_object_get_ex(e, "event", &name);
            json_object_object_get_ex(e, "match", &match);
            if (g_str_has_prefix(json_object_get_string(name), "ACPI DATA: ")) {
                g_assert_true(json_object_get_boolean(match));
                acpi++;
            }
        }
        g_assert_cmpint(acpi, ==, 4);
        json_object_put(o);

        g_autofree char *copy = g_build_filename(tmp, "fw-cfg", NULL);
        g_assert_cmpint(g_mkdir(copy, 0700), ==, 0);
        static const char *const files[] = { "etc_table-loader", "etc_acpi_rsdp",
                                             "etc_acpi_tables", "etc_tpm_log",
                                             "etc_smbios_smbios-tables" };
        for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
            g_autofree char *from = g_build_filename(fw_cfg, files[i], NULL);
            g_autofree char *to = g_build_filename(copy, files[i], NULL);
            g_autofree char *data = NULL;
            gsize size = 0;
            g_assert_true(g_file_get_contents(from, &data, &size, NULL));
            if (i == 2)
                data[100] ^= 1;
            g_assert_true(g_file_set_contents(to, data, (gssize) size, NULL));
        }
        g_auto(CcmctlResult) t = run("verify", "--platform", "tpm", "--event-log", ms_log,
                               "--fw-cfg-dir", copy, NULL);
        g_assert_cmpint(t.status, ==, 1);
        g_assert_nonnull(strstr(t.out, "first difference: PCR1 event 4 (ACPI DATA: "
                                       "etc/acpi/tables)"));
    }
    {
        /* Another boot's PCRs, another command line: both named. */
        g_auto(CcmctlResult) r = run("verify", "--platform", "tpm", "--event-log", log, "--pcrs", other,
                               "--initrd", initrd, "--append", "console=ttyS0", "--json", NULL);
        g_assert_cmpint(r.status, ==, 1);
        json_object *o = json_tokener_parse(r.out), *v = NULL;
        g_assert_true(json_object_object_get_ex(o, "first_difference", &v));
        g_assert_cmpstr(json_object_get_string(v), ==, "PCR9 event 1 (load options (command line))");
        g_assert_true(json_object_object_get_ex(o, "pcrs", &v));
        gboolean any_differs = FALSE;
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *m = NULL;
            json_object_object_get_ex(json_object_array_get_idx(v, i), "match", &m);
            any_differs |= !json_object_get_boolean(m);
        }
        g_assert_true(any_differs);
        json_object_put(o);
    }
    {
        g_autofree char *cut = g_build_filename(tmp, "cut.bin", NULL);
        g_autofree char *data = NULL;
        gsize size = 0;
        g_assert_true(g_file_get_contents(log, &data, &size, NULL));
        g_assert_true(g_file_set_contents(cut, data, (gssize) size / 2, NULL));
        g_auto(CcmctlResult) r = run("verify", "--platform", "tpm", "--event-log", cut, NULL);
        assert_command_error(&r, "verify", 1, "cut.bin: the record at offset", NULL);
        g_auto(CcmctlResult) u = run("verify", "--platform", "tpm", NULL);
        assert_command_error(&u, "verify", 2, "--event-log FILE is required", NULL);
        g_auto(CcmctlResult) k = run("verify", "--platform", "tpm", "--event-log", log, "--kernel",
                               initrd, NULL);
        assert_command_error(&k, "verify", 2, "--kernel needs --memory", NULL);
        g_unlink(cut);
    }
    g_unlink(initrd);
    g_rmdir(tmp);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!g_getenv("CCMCTL"))
        g_error("set CCMCTL to the ccmctl binary");
    g_test_add_func("/ccmctl-measure/help", test_help);
    g_test_add_func("/ccmctl-measure/outputs", test_outputs);
    g_test_add_func("/ccmctl-measure/firmware-digest-round-trip", test_firmware_digest_round_trip);
    g_test_add_func("/ccmctl-measure/usage-errors", test_usage_errors);
    g_test_add_func("/ccmctl-measure/input-errors", test_input_errors);
    g_test_add_func("/ccmctl-measure/stdout-failure", test_stdout_failure);
    g_test_add_func("/ccmctl-measure/batch", test_batch);
    g_test_add_func("/ccmctl-measure/guest-spec", test_guest_spec);
    g_test_add_func("/ccmctl-measure/tdx", test_tdx);
    g_test_add_func("/ccmctl-measure/tdx-verify", test_tdx_verify);
    g_test_add_func("/ccmctl-measure/tdx-verify-events", test_tdx_verify_events);
    g_test_add_func("/ccmctl-measure/tpm-verify", test_tpm_verify);
    g_test_add_func("/ccmctl-measure/tdx-spec", test_tdx_spec);
    return g_test_run();
}
