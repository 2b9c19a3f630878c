/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-ccmctl-host-check.c - `ccmctl host-check` on this (TEE-less) machine */
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "cli-test.h"

/* Runs `ccmctl host-check ARGS...`; returns its exit status. */
static int run(char **out, char **err, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();

    g_ptr_array_add(argv, "host-check");
    for (size_t i = 0; args[i]; i++)
        g_ptr_array_add(argv, (gpointer) args[i]);
    g_ptr_array_add(argv, NULL);
    return ccmctl_run_status(out, err, (const char *const *) argv->pdata);
}

#define RUN(out, err, ...) run((out), (err), (const char *const[]) { __VA_ARGS__, NULL })

static void test_text(void)
{
    g_autofree char *text = NULL;

    g_assert_cmpint(RUN(&text, NULL, NULL), ==, 0);
    g_assert_nonnull(strstr(text, "sev-snp  cannot run here: "));
    g_assert_nonnull(strstr(text, "\ninfo  CPU "));
    g_assert_nonnull(strstr(text, "  AMD SEV device "));
}

static void test_json(void)
{
    g_autofree char *json = NULL;
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");

    g_assert_cmpint(RUN(&json, NULL, "--json"), ==, 0);
    json_object *o = json_tokener_parse(json), *items, *platforms, *v;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, "items", &items));
    g_assert_cmpuint(json_object_array_length(items), >, 10);
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        json_object *item = json_object_array_get_idx(items, i);
        const char *keys[] = { "id", "title", "status", "reason" };
        for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
            g_assert_true(json_object_object_get_ex(item, keys[k], &v));
            g_assert_true(json_object_is_type(v, json_type_string));
        }
        g_assert_true(json_object_object_get_ex(item, "status", &v));
        const char *status = json_object_get_string(v);
        g_assert_true(g_strv_contains((const char *const[]) { "pass", "fail", "skip", "info",
                                                              NULL },
                                      status));
        g_assert_true(json_object_object_get_ex(item, "platforms", &v));
        g_assert_true(json_object_is_type(v, json_type_array));
    }

    g_assert_true(json_object_object_get_ex(o, "platforms", &platforms));
    g_assert_cmpint(json_object_object_length(platforms), ==, 6);
    static const char *const names[] = { "none", "sev", "sev_es", "sev_snp", "tdx", "cca" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        json_object *p, *ok, *reason;
        g_assert_true(json_object_object_get_ex(platforms, names[i], &p));
        g_assert_true(json_object_object_get_ex(p, "ok", &ok));
        g_assert_true(json_object_object_get_ex(p, "reason", &reason));
        g_test_message("%s: %s", names[i], json_object_get_string(reason));
        /* A reason exactly when the platform cannot run. */
        g_assert_cmpint(json_object_get_boolean(ok), ==, reason == NULL);
    }
    g_assert_true(json_object_object_get_ex(platforms, "sev_snp", &v));
    g_assert_true(json_object_object_get_ex(v, "ok", &v));
    g_assert_false(json_object_get_boolean(v));
    g_assert_true(json_object_object_get_ex(platforms, "none", &v));
    g_assert_true(json_object_object_get_ex(v, "ok", &v));
    g_assert_cmpint(json_object_get_boolean(v), ==, qemu != NULL);
    json_object_put(o);
}

static void test_platform(void)
{
    g_autofree char *snp = NULL, *none = NULL, *missing = NULL, *missing_err = NULL;
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");

    /* No TEE hardware here. */
    g_assert_cmpint(RUN(&snp, NULL, "--platform", "sev-snp"), ==, 1);
    g_assert_nonnull(strstr(snp, "sev-snp  cannot run here"));
    /* Platform=none needs only QEMU (TCG is enough). */
    g_assert_cmpint(RUN(&none, NULL, "--platform", "none"), ==, qemu ? 0 : 1);
    g_assert_cmpint(RUN(&missing, &missing_err, "--platform", "none", "--qemu",
                        "/nonexistent/qemu-system-x86_64"),
                    ==, 1);
    g_assert_nonnull(strstr(missing, "none     cannot run here: QEMU: "));
    g_assert_cmpstr(missing_err, ==, "");
}

/* The hidden --root reads a fake tree: here an empty one. */
static void test_root(void)
{
    g_autofree char *root = g_dir_make_tmp("ccm-host-cli-XXXXXX", NULL);
    g_autofree char *json = NULL;

    g_assert_nonnull(root);
    g_assert_cmpint(RUN(&json, NULL, "--json", "--root", root, "--qemu", "/nonexistent/qemu"),
                    ==, 0);
    g_assert_nonnull(strstr(json, "/dev/kvm does not exist"));
    g_assert_nonnull(strstr(json, "\"none in "));
    g_assert_cmpint(g_rmdir(root), ==, 0);
}

/* Arm CCA on an x86 host (a fake AMD one): not applicable, not failed; --platform cca
 * exits 1 all the same (it cannot run here). */
static void test_not_applicable(void)
{
    g_autofree char *root = g_dir_make_tmp("ccm-host-cli-XXXXXX", NULL);
    g_autofree char *proc = g_build_filename(root, "proc", NULL);
    g_autofree char *cpuinfo = g_build_filename(proc, "cpuinfo", NULL);
    g_assert_cmpint(g_mkdir(proc, 0700), ==, 0);
    g_assert_true(g_file_set_contents(cpuinfo, "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                                               "flags\t\t: fpu svm\n", -1, NULL));
    g_autofree char *text = NULL, *json = NULL, *sev = NULL;

    g_assert_cmpint(RUN(&text, NULL, "--root", root, "--qemu", "/nonexistent/qemu", "--platform",
                        "cca"),
                    ==, 1);
    g_assert_nonnull(strstr(text, "\ncca      not applicable here: Arm CCA: not an Arm CPU "
                                  "(AuthenticAMD)\n"));
    g_assert_nonnull(strstr(text, "\ntdx      not applicable here: Intel TDX: not an Intel CPU"));
    g_assert_nonnull(strstr(text, "\nsev      cannot run here: "));
    g_assert_null(strstr(text, "fail  firmware for TDX"));
    g_assert_nonnull(strstr(text, "skip  firmware for TDX       does not apply here (Intel TDX: "));

    g_assert_cmpint(RUN(&json, NULL, "--root", root, "--qemu", "/nonexistent/qemu", "--json"), ==,
                    0);
    json_object *o = json_tokener_parse(json), *platforms, *p, *v;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, "platforms", &platforms));
    g_assert_true(json_object_object_get_ex(platforms, "cca", &p));
    g_assert_true(json_object_object_get_ex(p, "applicable", &v));
    g_assert_false(json_object_get_boolean(v));
    g_assert_true(json_object_object_get_ex(p, "ok", &v));
    g_assert_false(json_object_get_boolean(v));
    g_assert_true(json_object_object_get_ex(platforms, "sev", &p));
    g_assert_true(json_object_object_get_ex(p, "applicable", &v));
    g_assert_true(json_object_get_boolean(v));
    json_object_put(o);

    g_assert_cmpint(RUN(&sev, NULL, "--root", root, "--qemu", "/nonexistent/qemu", "--platform",
                        "sev"),
                    ==, 1);
    g_unlink(cpuinfo);
    g_rmdir(proc);
    g_rmdir(root);
}

static void test_usage(void)
{
    g_autofree char *bad = NULL, *bad_err = NULL, *option = NULL, *option_err = NULL;
    g_autofree char *extra = NULL, *help = NULL;

    g_assert_cmpint(RUN(&bad, &bad_err, "--platform", "sgx"), ==, 2);
    g_assert_cmpstr(bad, ==, "");
    g_assert_true(g_str_has_prefix(bad_err, "ccmctl host-check: --platform: unknown platform "
                                            "'sgx'"));
    g_assert_cmpint(RUN(&option, &option_err, "--bogus"), ==, 2);
    g_assert_cmpstr(option, ==, "");
    g_assert_true(g_str_has_prefix(option_err, "ccmctl host-check: "));
    g_assert_cmpint(RUN(&extra, NULL, "now"), ==, 2);
    g_assert_cmpint(RUN(&help, NULL, "--help"), ==, 0);
    g_assert_nonnull(strstr(help, "--platform"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ccmctl-host-check/text", test_text);
    g_test_add_func("/ccmctl-host-check/json", test_json);
    g_test_add_func("/ccmctl-host-check/platform", test_platform);
    g_test_add_func("/ccmctl-host-check/root", test_root);
    g_test_add_func("/ccmctl-host-check/not-applicable", test_not_applicable);
    g_test_add_func("/ccmctl-host-check/usage", test_usage);
    return g_test_run();
}
