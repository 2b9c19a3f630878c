/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cli-test.c - what the CLI tests share: running $CCMCTL, removing their scratch folder */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cli-test.h"

void ccmctl_result_clear(CcmctlResult *r)
{
    g_free(r->out);
    g_free(r->err);
}

static char *text(GBytes *bytes)
{
    gsize n = bytes ? g_bytes_get_size(bytes) : 0;
    return g_strndup(n ? g_bytes_get_data(bytes, NULL) : "", n);
}

CcmctlResult ccmctl_run(char **env, const char *input, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *) g_getenv("CCMCTL"));
    for (size_t i = 0; args[i]; i++)
        g_ptr_array_add(argv, (char *) args[i]);
    g_ptr_array_add(argv, NULL);

    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
        (input ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0));
    if (env)
        g_subprocess_launcher_set_environ(launcher, env);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p = g_subprocess_launcher_spawnv(
        launcher, (const char *const *) argv->pdata, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) in = input ? g_bytes_new_static(input, strlen(input)) : NULL;
    g_autoptr(GBytes) out = NULL, err = NULL;
    g_assert_true(g_subprocess_communicate(p, in, NULL, &out, &err, &error));
    g_assert_no_error(error);
    g_assert_true(g_subprocess_get_if_exited(p));
    CcmctlResult r = { .status = g_subprocess_get_exit_status(p), .out = text(out),
                       .err = text(err) };
    g_test_message("ccmctl %s: exit %d\nstdout: %s\nstderr: %s", args[0] ? args[0] : "",
                   r.status, r.out, r.err);
    return r;
}

int ccmctl_run_status(char **out, char **err, const char *const *args)
{
    g_auto(CcmctlResult) r = ccmctl_run(NULL, NULL, args);
    if (out)
        *out = g_steal_pointer(&r.out);
    if (err)
        *err = g_steal_pointer(&r.err);
    return r.status;
}

void ccm_test_rm_tree(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    for (const char *name; dir && (name = g_dir_read_name(dir));) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            ccm_test_rm_tree(child);
        else
            (void) g_unlink(child);
    }
    (void) g_rmdir(path);
}

void ccmctl_json_run_clear(CcmctlJsonRun *r)
{
    json_object_put(r->doc);
    g_free(r->out);
    g_free(r->err);
}

CcmctlJsonRun ccmctl_run_json(const char *const *prefix, const char *first, va_list ap)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    for (size_t i = 0; prefix[i]; i++)
        g_ptr_array_add(argv, (char *) prefix[i]);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (char *) a);
    g_ptr_array_add(argv, NULL);
    CcmctlJsonRun r = { 0 };
    r.status = ccmctl_run_status(&r.out, &r.err, (const char *const *) argv->pdata);
    r.doc = r.out && r.out[0] == '{' ? json_tokener_parse(r.out) : NULL;
    g_test_message("exit %d\nstdout: %s\nstderr: %s", r.status, r.out, r.err);
    return r;
}
