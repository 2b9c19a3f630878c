/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-qemu-probe-orphan.c - the QEMU a capability probe starts dies with the process that
 * started it: a ccmd or ccmctl killed with SIGKILL mid-probe leaves no QEMU running
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "qemu-probe.h"

/* Whether @pid still runs (a zombie waiting for its reaper does not). */
static gboolean runs(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *stat = NULL;
    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return FALSE;
    const char *end = strrchr(stat, ')');
    return end && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

static void test_dies_with_parent(void)
{
    g_autofree char *dir = g_dir_make_tmp("ccm-probe-orphan-XXXXXX", NULL);
    g_assert_nonnull(dir);
    g_autofree char *pidfile = g_build_filename(dir, "pid", NULL);
    g_autofree char *qemu = g_build_filename(dir, "qemu-system-x86_64", NULL);
    /* A "QEMU" that never answers QMP: the probe waits for it until its timeout. */
    g_autofree char *script = g_strdup_printf("#!/bin/sh\necho $$ >'%s.new'\nmv '%s.new' '%s'\n"
                                              "exec sleep 60\n", pidfile, pidfile, pidfile);
    g_assert_true(g_file_set_contents(qemu, script, -1, NULL));
    g_assert_cmpint(g_chmod(qemu, 0755), ==, 0);

    pid_t prober = fork();
    g_assert_cmpint(prober, >=, 0);
    if (prober == 0) {
        (void) ccm_qemu_probe_record(qemu, NULL, NULL);
        _exit(0);
    }
    g_autofree char *text = NULL;
    for (int i = 0; i < 200 && !g_file_get_contents(pidfile, &text, NULL, NULL); i++)
        g_usleep(50000);
    g_assert_nonnull(text);
    pid_t fake = (pid_t) g_ascii_strtoll(text, NULL, 10);
    g_assert_cmpint(fake, >, 1);
    g_assert_true(runs(fake));

    g_assert_cmpint(kill(prober, SIGKILL), ==, 0);
    g_assert_cmpint(waitpid(prober, NULL, 0), ==, prober);
    gboolean gone = FALSE;
    for (int i = 0; i < 100 && !(gone = !runs(fake)); i++)
        g_usleep(50000);
    if (!gone)
        (void) kill(fake, SIGKILL);
    g_assert_true(gone);

    (void) g_unlink(pidfile);
    (void) g_unlink(qemu);
    (void) g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-probe/dies-with-parent", test_dies_with_parent);
    return g_test_run();
}
