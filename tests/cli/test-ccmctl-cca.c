/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-cca.c - `ccmctl measure --platform cca`: profiles, --operations, REMs,
 * outputs, exit codes and the messages of bad input
 *
 * Runs the real ccmctl binary (path in $CCMCTL) on tests/data/cca. Contract: the result
 * alone on stdout and exit 0; on any error nothing on stdout, one line on stderr naming
 * the option, file or key at fault, exit 1 (job failed) or 2 (usage).
 */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "cli-test.h"

#define RIM_KERNEL_INITRD "9af47a8e4d6ac775e05f8a8893f9e383694688719d1bbb4281ed1c25056e0911"
#define RIM_KVMTOOL_MIN "998dfdf6401d69f73ed88ac53d62d5ea2cfac6320b887ce4599aa8671791d4d0"
#define RIM_QEMU_DEFAULT_PREFIX "cf409055d866eea6c8d5e7862b540ff1"

typedef CcmctlResult Result;

static char *data(const char *rel)
{
    return g_test_build_filename(G_TEST_DIST, "..", "data", "cca", rel, NULL);
}

/* `ccmctl measure ARGS...` */
static Result run_argv(const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *) "measure");
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (char *) *a);
    g_ptr_array_add(argv, NULL);
    return ccmctl_run(NULL, NULL, (const char *const *) argv->pdata);
}

#define run(...) run_argv((const char *const[]) { __VA_ARGS__, NULL })

static void assert_error(const Result *r, int status, const char *needle1, const char *needle2)
{
    g_test_message("stderr: %s", r->err);
    g_assert_cmpint(r->status, ==, status);
    g_assert_cmpstr(r->out, ==, "");
    g_assert_true(g_str_has_prefix(r->err, "ccmctl measure: "));
    g_assert_cmpint(strchr(r->err, '\n') - r->err, ==, (long) strlen(r->err) - 1);
    g_assert_nonnull(strstr(r->err, needle1));
    if (needle2)
        g_assert_nonnull(strstr(r->err, needle2));
}

static void test_help(void)
{
    g_auto(CcmctlResult) r = run("--platform", "cca", "--help");
    g_assert_cmpint(r.status, ==, 0);
    for (const char *const *o = (const char *const[]) { "--vmm", "--rmm", "--dtb", "--operations",
                                                        "--rem-extend", "--extend", "--sve-vl",
                                                        "--host-page-size", NULL };
         *o; o++)
        g_assert_nonnull(strstr(r.out, *o));
    g_auto(CcmctlResult) top = run("--help");
    g_assert_nonnull(strstr(top.out, "cca"));
}

static void test_profiles(void)
{
    g_autofree char *dtb = data("dtb/qemu-virt-smp2-1G-initrd.dtb");
    g_autofree char *kernel = data("inputs/linux-header-only.bin");
    g_autofree char *initrd = data("inputs/initrd-content.bin");
    g_autofree char *kdtb = data("dtb/kvmtool-c1-512M.dtb");
    g_autofree char *qdtb = data("dtb/qemu-virt-smp1-128M.dtb");

    g_auto(CcmctlResult) q = run("--platform", "cca", "--vmm", "qemu", "--rmm", "1.0", "--kernel",
                           kernel, "--initrd", initrd, "--dtb", dtb, "--memory", "1G", "--vcpus",
                           "2", "--hash", "sha256");
    g_assert_cmpint(q.status, ==, 0);
    g_assert_cmpstr(q.out, ==, RIM_KERNEL_INITRD "\n");
    g_assert_cmpstr(q.err, ==, "");

    /* --platform=cca; kvmtool defaults: SHA-256, s2sz 33, 6 breakpoints and watchpoints. */
    g_auto(CcmctlResult) k = run("--platform=cca", "--vmm=kvmtool", "--rmm=1.0", "--dtb", kdtb,
                           "--memory", "536870912", "--vcpus", "1");
    g_assert_cmpint(k.status, ==, 0);
    g_assert_cmpstr(k.out, ==, RIM_KVMTOOL_MIN "\n");

    /* QEMU with RMM 1.0 defaults to SHA-512; explicit defaults change nothing. */
    g_auto(CcmctlResult) d = run("--platform", "cca", "--vmm", "qemu", "--rmm", "1.0", "--dtb", qdtb,
                           "--memory", "128M", "--vcpus", "1", "--breakpoints", "6",
                           "--watchpoints", "6", "--ipa-bits", "41");
    g_assert_cmpint(d.status, ==, 0);
    g_assert_true(g_str_has_prefix(d.out, RIM_QEMU_DEFAULT_PREFIX));
    g_assert_cmpuint(strlen(d.out), ==, 129);

    /* Every knob moves the RIM: SVE, PMU, LPA2, 64K pages, RMM 2.0 (+SHA-384). */
    const char *const base[] = { "--platform", "cca", "--vmm", "qemu", "--dtb", qdtb,
                                 "--memory", "128M", "--vcpus", "1" };
    const char *const variants[][4] = {
        { "--rmm", "1.0", "--sve-vl", "512" },
        { "--rmm", "1.0", "--pmu-counters", "0" },
        { "--rmm", "1.0", "--lpa2", "--measurement-log" },
        { "--rmm", "1.0", "--host-page-size", "64K" },
        { "--rmm", "2.0", "--hash", "sha384" },
    };
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_add(seen, g_strdup(d.out));
    for (size_t i = 0; i < G_N_ELEMENTS(variants); i++) {
        const char *args[16];
        size_t n = 0;
        for (size_t k2 = 0; k2 < G_N_ELEMENTS(base); k2++)
            args[n++] = base[k2];
        for (size_t k2 = 0; k2 < 4 && variants[i][k2]; k2++)
            args[n++] = variants[i][k2];
        args[n] = NULL;
        g_auto(CcmctlResult) v = run_argv(args);
        g_test_message("variant %zu: %s %s", i, v.out, v.err);
        g_assert_cmpint(v.status, ==, 0);
        g_assert_false(g_hash_table_contains(seen, v.out));
        g_hash_table_add(seen, g_strdup(v.out));
    }
    g_hash_table_unref(seen);

    /* QEMU with firmware and kernel: the kernel goes to fw_cfg (a note says so). */
    g_autofree char *fw = data("inputs/firmware-fw-content.bin");
    g_autofree char *dtb1g = data("dtb/qemu-virt-smp2-1G.dtb");
    g_auto(CcmctlResult) b = run("--platform", "cca", "--vmm", "qemu", "--rmm", "1.0", "--firmware", fw,
                           "--kernel", kernel, "--dtb", dtb1g, "--memory", "1G", "--vcpus", "2",
                           "--hash", "sha256");
    g_assert_cmpint(b.status, ==, 0);
    g_assert_cmpstr(b.out, ==, "cbf533a94009dfa6b83016a89b428d1d910fb3593856bb386d7b2bd07a1bc834\n");
    g_assert_nonnull(strstr(b.err, "fw_cfg"));
}

static void test_outputs(void)
{
    g_autofree char *dtb = data("dtb/qemu-virt-smp2-1G-initrd.dtb");
    g_autofree char *kernel = data("inputs/linux-header-only.bin");
    g_autofree char *initrd = data("inputs/initrd-content.bin");
#define ARGS "--platform", "cca", "--vmm", "qemu", "--rmm", "1.0", "--kernel", kernel, \
             "--initrd", initrd, "--dtb", dtb, "--memory", "1G", "--vcpus", "2", "--hash", "sha256"

    g_auto(CcmctlResult) j = run(ARGS, "--output", "json", "--extend", "0:00");
    g_assert_cmpint(j.status, ==, 0);
    json_object *o = json_tokener_parse(j.out), *v = NULL;
    g_assert_nonnull(o);
    static const struct {
        const char *key, *value;
    } want[] = { { "platform", "cca" }, { "rmm", "1.0" }, { "hash", "sha256" },
                 { "vmm", "qemu" }, { "rim", RIM_KERNEL_INITRD } };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_true(json_object_object_get_ex(o, want[i].key, &v));
        g_assert_cmpstr(json_object_get_string(v), ==, want[i].value);
    }
    g_assert_true(json_object_object_get_ex(o, "rems", &v));
    g_assert_cmpuint(json_object_array_length(v), ==, 4);
    /* python3: hashlib.sha256(bytes(32) + b'\0').hexdigest() */
    g_assert_cmpstr(json_object_get_string(json_object_array_get_idx(v, 0)), ==,
                    "7f9c9e31ac8256ca2f258583df262dbc7d6f68f2a03043d5c99a4ae5a7396ce9");
    g_assert_true(json_object_object_get_ex(o, "operations", &v));
    g_assert_cmpuint(json_object_array_length(v), ==, 5);
    json_object_put(o);

    g_auto(CcmctlResult) b = run(ARGS, "--output", "base64");
    g_assert_cmpint(b.status, ==, 0);
    gsize len = 0;
    g_autofree guchar *raw = g_base64_decode(b.out, &len);
    g_assert_cmpuint(len, ==, 32);
    g_assert_cmpuint(raw[0], ==, 0x9a);

    g_auto(CcmctlResult) e = run(ARGS, "--explain");
    g_assert_cmpint(e.status, ==, 0);
    g_assert_cmpstr(e.out, ==, RIM_KERNEL_INITRD "\n");
    g_assert_nonnull(strstr(e.err, "RIPAS        0x40000000"));
    g_assert_nonnull(strstr(e.err, "DATA         0x48201000"));
    g_assert_nonnull(strstr(e.err, "rec 0, pc 0x40000000"));
    g_assert_nonnull(strstr(e.err, "rim " RIM_KERNEL_INITRD));
#undef ARGS
}

/* One vectors.json entry as its own file, blob paths made absolute. */
static char *operations_file(const char *dir, const char *name, const char *edit_key,
                             json_object *edit_value)
{
    g_autofree char *vpath = data("vectors.json");
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(vpath, &text, NULL, NULL));
    json_object *root = json_tokener_parse(text), *list = NULL, *blobs = NULL;
    g_assert_true(json_object_object_get_ex(root, "vectors", &list));
    json_object *v = NULL;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *e = json_object_array_get_idx(list, i), *n = NULL;
        json_object_object_get_ex(e, "name", &n);
        if (strcmp(json_object_get_string(n), name) == 0)
            v = e;
    }
    g_assert_nonnull(v);
    if (json_object_object_get_ex(v, "blobs", &blobs))
        for (size_t i = 0; i < json_object_array_length(blobs); i++) {
            json_object *b = json_object_array_get_idx(blobs, i), *f = NULL;
            json_object_object_get_ex(b, "file", &f);
            g_autofree char *abs = data(json_object_get_string(f));
            json_object_object_add(b, "file", json_object_new_string(abs));
        }
    if (edit_key) {
        json_object *params = NULL;
        json_object_object_get_ex(v, "realm_params", &params);
        json_object_object_add(strchr(edit_key, '.') ? params : v,
                               strchr(edit_key, '.') ? strchr(edit_key, '.') + 1 : edit_key,
                               edit_value);
    }
    g_autofree char *file = g_strdup_printf("%s-%s.json", name, edit_key ? edit_key : "plain");
    char *path = g_build_filename(dir, file, NULL);
    g_assert_true(g_file_set_contents(path, json_object_to_json_string(v), -1, NULL));
    json_object_put(root);
    return path;
}

static void test_operations(void)
{
    g_autofree char *dir = g_dir_make_tmp("ccm-cca-XXXXXX", NULL);
    g_assert_nonnull(dir);

    g_autofree char *ok = operations_file(dir, "qemu_kernel_initrd", NULL, NULL);
    g_auto(CcmctlResult) r = run("--platform", "cca", "--operations", ok);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.out, ==, RIM_KERNEL_INITRD "\n");
    g_auto(CcmctlResult) j = run("--platform", "cca", "--operations", ok, "--output", "json");
    g_assert_nonnull(strstr(j.out, "\"vmm\":null"));

    /* The relative form, exactly as the shared vector entry: files next to the JSON. */
    g_autofree char *s512 = operations_file(dir, "realm_create_only_sha512", NULL, NULL);
    g_auto(CcmctlResult) s = run("--platform", "cca", "--operations", s512);
    g_assert_cmpint(s.status, ==, 0);
    g_assert_true(g_str_has_prefix(s.out, "799e434048fb57eb"));

    g_autofree char *bad_s2sz = operations_file(dir, "qemu_kernel", "realm_params.s2sz",
                                                json_object_new_string("forty-one"));
    g_auto(CcmctlResult) b1 = run("--platform", "cca", "--operations", bad_s2sz);
    assert_error(&b1, 1, "key 'realm_params.s2sz'", "\"0x...\" string");

    g_autofree char *bad_key = operations_file(dir, "qemu_kernel", "realm_params.sev",
                                               json_object_new_int(1));
    g_auto(CcmctlResult) b2 = run("--platform", "cca", "--operations", bad_key);
    assert_error(&b2, 1, "key 'realm_params.sev'", "unknown key");

    g_autofree char *bad_hash = operations_file(dir, "qemu_kernel", "hash",
                                                json_object_new_string("md5"));
    g_auto(CcmctlResult) b3 = run("--platform", "cca", "--operations", bad_hash);
    assert_error(&b3, 1, "key 'hash'", "sha384");

    g_autofree char *sha384 = operations_file(dir, "qemu_kernel", "hash",
                                              json_object_new_string("sha384"));
    g_auto(CcmctlResult) b4 = run("--platform", "cca", "--operations", sha384);
    assert_error(&b4, 1, "key 'hash'", "SHA-384 needs RMM 2.0");

    json_object *bad_ripas = json_tokener_parse("[[\"0x40000800\", \"0x1000\"]]");
    g_autofree char *unaligned = operations_file(dir, "qemu_kernel", "ripas", bad_ripas);
    g_auto(CcmctlResult) b5 = run("--platform", "cca", "--operations", unaligned);
    assert_error(&b5, 1, "key 'ripas[0]'", "4 KiB aligned");

    json_object *overlap = json_tokener_parse("[{\"file\": \"/dev/null\", \"ipa\": 0}]");
    g_autofree char *empty = operations_file(dir, "qemu_kernel", "blobs", overlap);
    g_auto(CcmctlResult) b6 = run("--platform", "cca", "--operations", empty);
    assert_error(&b6, 1, "key 'blobs[0]'", "empty");

    g_autofree char *garbage = g_build_filename(dir, "garbage.json", NULL);
    g_assert_true(g_file_set_contents(garbage, "{\"rmm\": \"1.0\",", -1, NULL));
    g_auto(CcmctlResult) b7 = run("--platform", "cca", "--operations", garbage);
    /* In ccm's words, not json-c's ("continue"). */
    assert_error(&b7, 1, "garbage.json: not valid JSON at byte 14: the text ends inside a value",
                 NULL);
    g_assert_null(strstr(b7.err, "continue"));

    g_auto(CcmctlResult) b8 = run("--platform", "cca", "--operations", "/nonexistent.json");
    assert_error(&b8, 1, "/nonexistent.json", NULL);

    g_auto(CcmctlResult) b9 = run("--platform", "cca", "--operations", ok, "--vmm", "qemu");
    assert_error(&b9, 2, "--operations", "--vmm");

    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    for (const char *n; (n = g_dir_read_name(d));) {
        g_autofree char *p = g_build_filename(dir, n, NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}

static void test_rem(void)
{
    /* python3: k = hashlib.sha256(open('linux-header-only.bin','rb').read()).hexdigest();
     * sha256(bytes(32) + bytes.fromhex(k)) = c7f33e8b... (cca.md §2.8) */
    g_auto(CcmctlResult) r = run("--platform", "cca", "--rem-extend", "--extend",
                           "0:1d996b14b5b5fcc2beb6abd2c6beb6d9ca8ae38e16542cdd83bbdb49213e7351",
                           "--extend", "3:ab");
    g_assert_cmpint(r.status, ==, 0);
    g_auto(GStrv) lines = g_strsplit(r.out, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 5);
    g_assert_cmpstr(lines[0], ==, "c7f33e8bb0e50acac6ab7fa35a567f8a913ec37d245c73519cff128141b41ac1");
    g_assert_cmpstr(lines[1], ==, "0000000000000000000000000000000000000000000000000000000000000000");
    /* python3: hashlib.sha256(bytes(32) + b'\xab').hexdigest() */
    g_assert_cmpstr(lines[3], ==, "4084699242137713cfa603a59e2a8b78ea5e59da75b5b147b0c152cef8bca56a");

    g_auto(CcmctlResult) j = run("--platform", "cca", "--rem-extend", "--hash", "sha512", "--extend",
                           "1:00", "--output", "json");
    g_assert_cmpint(j.status, ==, 0);
    g_assert_nonnull(strstr(j.out, "\"rems\""));
    g_assert_nonnull(strstr(j.out, "\"hash\":\"sha512\""));

    g_auto(CcmctlResult) e1 = run("--platform", "cca", "--rem-extend");
    assert_error(&e1, 2, "--rem-extend needs at least one --extend", NULL);
    g_auto(CcmctlResult) e2 = run("--platform", "cca", "--rem-extend", "--extend", "4:00");
    assert_error(&e2, 2, "--extend: '4:00'", "INDEX 0 to 3");
    g_auto(CcmctlResult) e3 = run("--platform", "cca", "--rem-extend", "--extend", "0:0g");
    assert_error(&e3, 2, "not a hex digit", NULL);
    g_auto(CcmctlResult) e4 = run("--platform", "cca", "--rem-extend", "--extend", "0:00", "--vmm",
                            "qemu");
    assert_error(&e4, 2, "--vmm does not apply", NULL);
}

static void test_usage_errors(void)
{
    g_autofree char *dtb = data("dtb/qemu-virt-smp2-1G.dtb");
    g_autofree char *initrd = data("inputs/initrd-content.bin");
    static const struct {
        const char *args[12];
        const char *needle1, *needle2;
    } cases[] = {
        { { "--rmm", "1.0", "--memory", "1G", "--vcpus", "1" }, "--vmm qemu|kvmtool is required",
          NULL },
        { { "--vmm", "xen", "--rmm", "1.0" }, "--vmm: 'xen'", "qemu or kvmtool" },
        { { "--vmm", "qemu", "--memory", "1G" }, "--rmm 1.0|2.0 is required", NULL },
        { { "--vmm", "qemu", "--rmm", "3.0" }, "--rmm: '3.0'", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--memory", "1G", "--vcpus", "1" },
          "--dtb PATH is required", "dumpdtb" },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1T", "--vcpus", "1" },
          "--memory: '1T'", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G" }, "--vcpus",
          NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--hash", "sha1" }, "--hash: 'sha1'", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--hash", "sha384" }, "SHA-384 needs --rmm 2.0", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--sve-vl", "100" }, "--sve-vl: '100'", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--sve-vl", "200" }, "multiple of 128", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--breakpoints", "1" }, "--breakpoints: '1'", "2 to 16" },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--watchpoints", "17" }, "--watchpoints: '17'", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--pmu-counters", "32" }, "--pmu-counters: '32'", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--ipa-bits", "49" }, "--ipa-bits: '49'", "32 to 48" },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--host-page-size", "16K" }, "--host-page-size: '16K'", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--initrd", "INITRD" }, "--initrd needs --kernel", NULL },
        { { "--vmm", "qemu", "--rmm", "1.0", "--dtb", "DTB", "--memory", "1G", "--vcpus", "1",
            "--output", "xml" }, "--output: 'xml'", NULL },
        { { "--bogus" }, "--bogus", NULL },
        { { "extra" }, "unexpected argument 'extra'", NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *args[16] = { "--platform", "cca" };
        size_t n = 2;
        for (size_t k = 0; k < 12 && cases[i].args[k]; k++) {
            const char *a = cases[i].args[k];
            args[n++] = strcmp(a, "DTB") == 0 ? dtb : strcmp(a, "INITRD") == 0 ? initrd : a;
        }
        args[n] = NULL;
        g_auto(CcmctlResult) r = run_argv(args);
        assert_error(&r, 2, cases[i].needle1, cases[i].needle2);
    }
}

static void test_job_errors(void)
{
    g_autofree char *dtb = data("dtb/qemu-virt-smp2-1G.dtb");
    g_autofree char *initrd = data("inputs/initrd-content.bin");
    g_autofree char *kernel = data("inputs/linux-header-only.bin");

    g_auto(CcmctlResult) a = run("--platform", "cca", "--vmm", "qemu", "--rmm", "1.0", "--dtb",
                           "/nonexistent.dtb", "--memory", "1G", "--vcpus", "1");
    assert_error(&a, 1, "--dtb", "/nonexistent.dtb");
    g_auto(CcmctlResult) b = run("--platform", "cca", "--vmm", "qemu", "--rmm", "1.0", "--dtb", dtb,
                           "--memory", "1G", "--vcpus", "1", "--kernel", initrd);
    assert_error(&b, 1, "initrd-content.bin", "arm64 Image");
    g_auto(CcmctlResult) c = run("--platform", "cca", "--vmm", "qemu", "--rmm", "1.0", "--dtb", dtb,
                           "--memory", "32M", "--vcpus", "1", "--kernel", kernel);
    assert_error(&c, 1, "too small for the images", NULL);
    g_auto(CcmctlResult) d = run("--platform", "cca", "--vmm", "qemu", "--rmm", "1.0", "--dtb", kernel,
                           "--memory", "1G", "--vcpus", "1");
    assert_error(&d, 1, "not a flattened device tree", NULL);
}

/*
 * `ccmctl measure GUEST.guest` for Platform=cca: a spec describing the vectors' realms
 * gives their RIMs (qemu_kernel_initrd: direct boot, no firmware; qemu_bios_sha512:
 * firmware with -bios), the same as the options; a spec that lacks RMM= or DTB= is
 * refused naming the key.
 */
static void test_spec(void)
{
    g_autofree char *dir = g_dir_make_tmp("ccm-cca-spec-XXXXXX", NULL);
    g_autofree char *kernel = data("inputs/linux-header-only.bin");
    g_autofree char *initrd = data("inputs/initrd-content.bin");
    g_autofree char *fw = data("inputs/firmware-fw-content.bin");
    g_autofree char *dtb_initrd = data("dtb/qemu-virt-smp2-1G-initrd.dtb");
    g_autofree char *dtb = data("dtb/qemu-virt-smp2-1G.dtb");
    g_autofree char *direct = g_strdup_printf(
        "[Guest]\nName=r1\nPlatform=cca\nVCPUs=2\nMemory=1G\nKernel=%s\nInitrd=%s\n"
        "[CCA]\nRMM=1.0\nMeasurementAlgorithm=sha256\nDTB=%s\n",
        kernel, initrd, dtb_initrd);
    g_autofree char *bios = g_strdup_printf(
        "[Guest]\nName=r2\nPlatform=cca\nVCPUs=2\nMemory=1G\nFirmware=%s\n"
        "[CCA]\nRMM=1.0\nMeasurementAlgorithm=sha512\nDTB=%s\n",
        fw, dtb);
    g_autofree char *no_rmm = g_strdup_printf(
        "[Guest]\nName=r3\nPlatform=cca\nMemory=1G\nKernel=%s\nInitrd=%s\n[CCA]\nDTB=%s\n",
        kernel, initrd, dtb_initrd);
    g_autofree char *no_dtb = g_strdup_printf(
        "[Guest]\nName=r4\nPlatform=cca\nMemory=1G\nKernel=%s\n[CCA]\nRMM=2.0\n", kernel);
    struct {
        const char *file, *text, *rim, *err;
    } cases[] = {
        { "direct.guest", direct,
          "9af47a8e4d6ac775e05f8a8893f9e383694688719d1bbb4281ed1c25056e0911\n", NULL },
        { "bios.guest", bios,
          "3175b3c0c201081ad410defe6c32e145fd77ff03e63518a9f00831b12b6ec2070f743f43f0ff3290902e"
          "cebd4e6bea8d5926dca19dc1a06fb8d51d551a4a2b79\n", NULL },
        { "no-rmm.guest", no_rmm, NULL, "[CCA] RMM= is needed to measure a realm" },
        { "no-dtb.guest", no_dtb, NULL, "[CCA] DTB= is needed to measure a realm" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_build_filename(dir, cases[i].file, NULL);
        g_assert_true(g_file_set_contents(path, cases[i].text, -1, NULL));
        g_auto(CcmctlResult) r = run(path);
        if (cases[i].rim) {
            g_test_message("stderr: %s", r.err);
            g_assert_cmpint(r.status, ==, 0);
            g_assert_cmpstr(r.out, ==, cases[i].rim);
        } else {
            assert_error(&r, 1, cases[i].file, cases[i].err);
        }
        g_unlink(path);
    }
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ccmctl/cca/help", test_help);
    g_test_add_func("/ccmctl/cca/profiles", test_profiles);
    g_test_add_func("/ccmctl/cca/outputs", test_outputs);
    g_test_add_func("/ccmctl/cca/operations", test_operations);
    g_test_add_func("/ccmctl/cca/rem", test_rem);
    g_test_add_func("/ccmctl/cca/usage-errors", test_usage_errors);
    g_test_add_func("/ccmctl/cca/job-errors", test_job_errors);
    g_test_add_func("/ccmctl/cca/spec", test_spec);
    return g_test_run();
}
