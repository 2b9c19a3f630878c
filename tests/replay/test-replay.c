/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-replay.c - every recorded QEMU, probed again and asked to launch every platform
 *
 * For each recording in tests/data/qmp:
 *  - the live probe runs against a fake QEMU that replays the recording, and must send
 *    exactly the recorded requests and derive the same capabilities;
 *  - every sample spec in tests/data/replay/specs (x86 specs against x86 recordings,
 *    the CCA spec against aarch64 ones) is rendered against those capabilities, and
 *    the argv or the refusal is compared with tests/data/replay/<recording>/<spec>.out.
 * CCM_TEST_REGENERATE=1 rewrites the .out files instead; review the diff.
 */
#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "fake-qemu.h"
#include "launch-plan.h"
#include "qemu-argv.h"
#include "qemu-caps.h"
#include "qemu-probe.h"

typedef struct ReplayCase {
    char *recording;   /* path of the .replies file */
    char *stem;        /* "11.1_x86_64" */
    char *spec;        /* path of the .guest file, or NULL for the probe check */
} ReplayCase;

static char *data_dir;

static CcmQmpTranscript *load_recording(const char *path)
{
    g_autoptr(GError) error = NULL;
    CcmQmpTranscript *t = ccm_qmp_transcript_load(path, &error);
    g_assert_no_error(error);
    return t;
}

static void assert_same_set(GHashTable *a, GHashTable *b)
{
    g_assert_cmpuint(g_hash_table_size(a), ==, g_hash_table_size(b));
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, a);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_assert_true(g_hash_table_contains(b, key));
}

static void test_probe(gconstpointer data)
{
    const ReplayCase *c = data;
    g_autoptr(CcmQmpTranscript) recorded = load_recording(c->recording);
    g_autoptr(GError) error = NULL;
    int fds[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
    FakeQemu *fake = fake_qemu_start(recorded, fds[1]);
    g_autoptr(GSocket) socket = g_socket_new_from_fd(fds[0], &error);
    g_assert_no_error(error);
    g_autoptr(GSocketConnection) conn = g_socket_connection_factory_create_connection(socket);

    g_autoptr(CcmQmpTranscript) again = ccm_qemu_probe_session(
        G_IO_STREAM(conn), "fake QEMU", json_object_get(recorded->header), &error);
    g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
    g_autofree char *failure = fake_qemu_finish(fake);
    if (failure)
        g_error("%s: %s", c->stem, failure);
    g_assert_no_error(error);
    g_assert_nonnull(again);

    g_autoptr(CcmQemuCaps) want = ccm_qemu_caps_from_transcript(recorded, &error);
    g_assert_no_error(error);
    g_autoptr(CcmQemuCaps) got = ccm_qemu_caps_from_transcript(again, &error);
    g_assert_no_error(error);
    g_assert_cmpint(got->major, ==, want->major);
    g_assert_cmpint(got->minor, ==, want->minor);
    g_assert_cmpint(got->micro, ==, want->micro);
    assert_same_set(got->commands, want->commands);
    assert_same_set(got->cc_types, want->cc_types);
    assert_same_set(got->machines, want->machines);
    assert_same_set(got->cpu_models, want->cpu_models);
    g_assert_cmpuint(g_hash_table_size(got->commands), >, 200);
}

/* The argv, one argument per line, or "error: MESSAGE". Paths under the source tree
 * are written relative to tests/data so the expected files do not depend on where
 * the tree lives. */
static char *render(const ReplayCase *c)
{
    g_autoptr(CcmQmpTranscript) t = load_recording(c->recording);
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmQemuCaps) caps = ccm_qemu_caps_from_transcript(t, &error);
    g_assert_no_error(error);

    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(c->spec, &error);
    g_assert_no_error(error);
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, &error);
    g_assert_no_error(error);

    CcmQemuArgvOptions options = CCM_QEMU_ARGV_OPTIONS_INIT;
    options.paused = true;
    options.qmp_socket = "/run/ccmd/qmp.sock";
    g_autoptr(GPtrArray) argv = ccm_qemu_argv_render(plan, caps, &options, &error);
    g_autoptr(GString) out = g_string_new(NULL);
    if (!argv) {
        g_string_append_printf(out, "error: %s\n", error->message);
    } else {
        for (guint i = 0; i < argv->len && argv->pdata[i]; i++)
            g_string_append_printf(out, "%s\n", (char *) argv->pdata[i]);
    }
    g_autofree char *prefix = g_canonicalize_filename(data_dir, NULL);
    g_autofree char *with_slash = g_strconcat(prefix, "/", NULL);
    g_auto(GStrv) parts = g_strsplit(out->str, with_slash, -1);
    return g_strjoinv("DATA/", parts);
}

static void test_render(gconstpointer data)
{
    const ReplayCase *c = data;
    g_autofree char *got = render(c);
    g_autofree char *base = g_path_get_basename(c->spec);
    base[strlen(base) - strlen(".guest")] = '\0';
    g_autofree char *name = g_strconcat(base, ".out", NULL);
    g_autofree char *expected_path = g_build_filename(data_dir, "replay", c->stem, name, NULL);

    if (g_getenv("CCM_TEST_REGENERATE")) {
        g_autofree char *dir = g_path_get_dirname(expected_path);
        g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
        g_assert_true(g_file_set_contents(expected_path, got, -1, NULL));
        return;
    }
    g_autofree char *expected = NULL;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(expected_path, &expected, NULL, &error))
        g_error("%s (run with CCM_TEST_REGENERATE=1 to create it)", error->message);
    if (strcmp(got, expected) != 0)
        g_error("%s/%s differs from %s:\n--- expected\n%s--- got\n%s", c->stem, base,
                expected_path, expected, got);
}

static void case_free(gpointer p)
{
    ReplayCase *c = p;
    g_free(c->recording);
    g_free(c->stem);
    g_free(c->spec);
    g_free(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *raw_data_dir = g_test_build_filename(G_TEST_DIST, "..", "data", NULL);
    data_dir = g_canonicalize_filename(raw_data_dir, NULL);

    g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func(case_free);
    g_autofree char *qmp_dir = g_build_filename(data_dir, "qmp", NULL);
    g_autofree char *spec_dir = g_build_filename(data_dir, "replay", "specs", NULL);
    g_autoptr(GDir) recordings = g_dir_open(qmp_dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func(g_free);
    g_assert_nonnull(recordings);
    for (const char *n; (n = g_dir_read_name(recordings));)
        if (g_str_has_suffix(n, ".replies"))
            g_ptr_array_add(names, g_strdup(n));
    g_autoptr(GDir) spec_files = g_dir_open(spec_dir, 0, NULL);
    g_assert_nonnull(spec_files);
    for (const char *n; (n = g_dir_read_name(spec_files));)
        if (g_str_has_suffix(n, ".guest"))
            g_ptr_array_add(specs, g_strdup(n));
    g_ptr_array_sort(names, (GCompareFunc) g_strcmp0);
    g_ptr_array_sort(specs, (GCompareFunc) g_strcmp0);
    g_assert_cmpuint(names->len, >=, 3);

    for (guint i = 0; i < names->len; i++) {
        const char *n = *(char **) &names->pdata[i];
        g_autofree char *stem = g_strndup(n, strlen(n) - strlen(".replies"));
        bool arm = g_str_has_suffix(stem, "_aarch64");

        ReplayCase *probe = g_new0(ReplayCase, 1);
        probe->recording = g_build_filename(qmp_dir, n, NULL);
        probe->stem = g_strdup(stem);
        g_ptr_array_add(cases, probe);
        g_autofree char *probe_name = g_strdup_printf("/replay/%s/probe", stem);
        g_test_add_data_func(probe_name, probe, test_probe);

        for (guint s = 0; s < specs->len; s++) {
            const char *spec = *(char **) &specs->pdata[s];
            if (arm != g_str_has_prefix(spec, "cca"))
                continue;
            ReplayCase *c = g_new0(ReplayCase, 1);
            c->recording = g_build_filename(qmp_dir, n, NULL);
            c->stem = g_strdup(stem);
            c->spec = g_build_filename(spec_dir, spec, NULL);
            g_ptr_array_add(cases, c);
            g_autofree char *test_name = g_strdup_printf("/replay/%s/%s", stem, spec);
            g_test_add_data_func(test_name, c, test_render);
        }
    }
    int r = g_test_run();
    g_free(data_dir);
    return r;
}
