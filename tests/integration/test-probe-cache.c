/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-probe-cache.c - the QEMU capability probe against the real QEMU, and its cache
 *
 * The binary is a wrapper script around the installed qemu-system-x86_64, so the test
 * can change its modification time: the cache must be used while path, size and mtime
 * match, and refreshed when they do not. Skips when QEMU is not installed.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "qemu-probe.h"

static void test_cache(void)
{
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    if (!qemu) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    g_autofree char *dir = g_dir_make_tmp("ccm-probe-XXXXXX", NULL);
    g_autofree char *cache = g_build_filename(dir, "cache", NULL);
    g_autofree char *wrapper = g_build_filename(dir, "qemu-wrapper", NULL);
    g_autofree char *script = g_strdup_printf("#!/bin/sh\nexec '%s' \"$@\"\n", qemu);
    g_assert_true(g_file_set_contents(wrapper, script, -1, NULL));
    g_assert_cmpint(g_chmod(wrapper, 0755), ==, 0);

    CcmQemuProbeOptions options = { .cache_dir = cache, .accel = "tcg" };
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmQemuCaps) first = ccm_qemu_probe(wrapper, &options, &error);
    g_assert_no_error(error);
    g_assert_true(ccm_qemu_caps_has_type(first, "sev-guest"));
    g_assert_true(ccm_qemu_caps_has_machine(first, "q35"));

    /* Exactly one cache file; tamper with its recorded version to see it used. */
    g_autoptr(GDir) d = g_dir_open(cache, 0, &error);
    g_assert_no_error(error);
    const char *name = g_dir_read_name(d);
    g_assert_nonnull(name);
    g_autofree char *cached = g_build_filename(cache, name, NULL);
    g_assert_null(g_dir_read_name(d));
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(cached, &text, NULL, NULL));
    g_autofree char *major = g_strdup_printf("\"major\":%d", first->major);
    g_auto(GStrv) parts = g_strsplit(text, major, -1);
    g_autofree char *tampered = g_strjoinv("\"major\":99", parts);
    g_assert_true(g_file_set_contents(cached, tampered, -1, NULL));

    g_autoptr(CcmQemuCaps) second = ccm_qemu_probe(wrapper, &options, &error);
    g_assert_no_error(error);
    g_assert_cmpint(second->major, ==, 99);

    /* A new mtime invalidates the entry: the real QEMU is asked again. */
    struct utimbuf times = { .actime = 1000000000, .modtime = 1000000000 };
    g_assert_cmpint(utime(wrapper, &times), ==, 0);
    g_autoptr(CcmQemuCaps) third = ccm_qemu_probe(wrapper, &options, &error);
    g_assert_no_error(error);
    g_assert_cmpint(third->major, ==, first->major);

    /* A QEMU that refuses to start is reported with its own words. */
    g_autofree char *broken = g_build_filename(dir, "qemu-broken", NULL);
    g_assert_true(g_file_set_contents(broken, "#!/bin/sh\necho 'qemu: no such machine' >&2\nexit 1\n",
                                      -1, NULL));
    g_assert_cmpint(g_chmod(broken, 0755), ==, 0);
    g_autoptr(CcmQemuCaps) none = ccm_qemu_probe(broken, &options, &error);
    g_assert_null(none);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "qemu: no such machine"));
    g_clear_error(&error);
    g_autoptr(CcmQemuCaps) missing = ccm_qemu_probe("/nonexistent/qemu", &options, &error);
    g_assert_null(missing);
    g_assert_nonnull(strstr(error->message, "'/nonexistent/qemu' not found"));

    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    (void) !system(cmd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/probe/cache", test_cache);
    return g_test_run();
}
