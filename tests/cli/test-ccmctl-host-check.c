/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-ccmctl-host-check.c - `ccmctl host-check` on this (TEE-less) machine */
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <json-c/json.h>

static int run(char **out, const char *a1, const char *a2, const char *a3)
{
    const char *argv[] = { g_getenv("CCMCTL"), "host-check", a1, a2, a3, NULL };
    g_autofree char *err = NULL;
    int status = 0;

    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err,
                               &status, NULL));
    g_test_message("stderr: %s", err);
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_host_check(void)
{
    g_autofree char *text = NULL, *json = NULL, *snp = NULL, *none = NULL, *bad = NULL,
                    *extra = NULL;

    g_assert_cmpint(run(&text, NULL, NULL, NULL), ==, 0);
    g_assert_nonnull(strstr(text, "sev-snp  cannot run here"));

    g_assert_cmpint(run(&json, "--json", NULL, NULL), ==, 0);
    json_object *o = json_tokener_parse(json), *items, *platforms;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, "items", &items));
    g_assert_cmpuint(json_object_array_length(items), >, 10);
    g_assert_true(json_object_object_get_ex(o, "platforms", &platforms));
    json_object_put(o);

    /* No TEE hardware here. */
    g_assert_cmpint(run(&snp, "--platform", "sev-snp", NULL), ==, 1);
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    g_assert_cmpint(run(&none, "--platform", "none", NULL), ==, qemu ? 0 : 1);
    g_assert_cmpint(run(&bad, "--platform", "sgx", NULL), ==, 2);
    g_assert_cmpstr(bad, ==, "");
    g_assert_cmpint(run(&extra, "now", NULL, NULL), ==, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ccmctl-host-check/host-check", test_host_check);
    return g_test_run();
}
