/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu-probe.c - asking a QEMU binary what it can do, over QMP, with a cache
 *
 * Theory of operation: QEMU runs with "-machine none" and its monitor on one end of a
 * socketpair (-chardev socket,fd=3), so no socket path, port or race is involved. The
 * probe conversation is recorded as a transcript; capabilities are then read from the
 * transcript, exactly as they are from a cached or recorded one. The cache is keyed by
 * the binary's canonical path, size and modification time.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>

#include "qemu-probe.h"
#include "qmp-client.h"

#define TIMEOUT_MS 15000

/* Confidential-guest classes probed in this order; others found are probed after. */
static const char *const known_cc_types[] = {
    "sev-guest", "sev-snp-guest", "tdx-guest", "rme-guest", NULL,
};

static void trace(CcmQmpClient *client, bool sent, json_object *message, void *userdata)
{
    ccm_qmp_transcript_add(userdata, message);
}

static json_object *run(CcmQmpClient *c, const char *command, json_object *args, bool may_fail,
                        GError **error)
{
    g_autoptr(GError) e = NULL;
    json_object *ret = ccm_qmp_client_execute_sync(c, command, args, TIMEOUT_MS, &e);

    if (!ret && may_fail && g_error_matches(e, CCM_QMP_ERROR, CCM_QMP_ERROR_COMMAND))
        return json_object_new_object(); /* the error is in the transcript; caps read it */
    if (!ret)
        g_propagate_error(error, g_steal_pointer(&e));
    return ret;
}

static json_object *args1(const char *key, json_object *value)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, key, value);
    return o;
}

/* The schema's command names (interned). */
static GHashTable *schema_commands(json_object *schema)
{
    GHashTable *commands = g_hash_table_new(g_str_hash, g_str_equal);

    for (size_t i = 0; json_object_is_type(schema, json_type_array) &&
                       i < json_object_array_length(schema);
         i++) {
        json_object *e = json_object_array_get_idx(schema, i), *meta, *name;
        if (json_object_object_get_ex(e, "meta-type", &meta) &&
            g_strcmp0(json_object_get_string(meta), "command") == 0 &&
            json_object_object_get_ex(e, "name", &name))
            g_hash_table_add(commands, (gpointer) g_intern_string(json_object_get_string(name)));
    }
    return commands;
}

/* Known classes first, in a fixed order, then any other, sorted: a stable order keeps
 * recordings replayable. */
static GPtrArray *cc_type_order(json_object *types)
{
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    GPtrArray *order = g_ptr_array_new_with_free_func(g_free);

    for (size_t i = 0; json_object_is_type(types, json_type_array) &&
                       i < json_object_array_length(types);
         i++) {
        json_object *item = json_object_array_get_idx(types, i), *name, *abstract;
        if (!json_object_object_get_ex(item, "name", &name) ||
            !json_object_is_type(name, json_type_string))
            continue;
        if (json_object_object_get_ex(item, "abstract", &abstract) &&
            json_object_get_boolean(abstract))
            continue;
        g_ptr_array_add(found, (gpointer) json_object_get_string(name));
    }
    for (size_t k = 0; known_cc_types[k]; k++)
        for (guint i = 0; i < found->len; i++)
            if (strcmp(found->pdata[i], known_cc_types[k]) == 0)
                g_ptr_array_add(order, g_strdup(found->pdata[i]));
    g_ptr_array_sort(found, (GCompareFunc) g_strcmp0);
    for (guint i = 0; i < found->len; i++)
        if (!g_strv_contains(known_cc_types, found->pdata[i]))
            g_ptr_array_add(order, g_strdup(found->pdata[i]));
    return order;
}

static gboolean probe_commands(CcmQmpClient *c, GError **error)
{
    json_object *ret;

    if (!(ret = run(c, "query-version", NULL, false, error)))
        return FALSE;
    json_object_put(ret);

    if (!(ret = run(c, "query-qmp-schema", NULL, false, error)))
        return FALSE;
    g_autoptr(GHashTable) commands = schema_commands(ret);
    json_object_put(ret);

    json_object *types_args =
        args1("implements", json_object_new_string("confidential-guest-support"));
    json_object_object_add(types_args, "abstract", json_object_new_boolean(1));
    if (!(ret = run(c, "qom-list-types", types_args, false, error)))
        return FALSE;
    g_autoptr(GPtrArray) order = cc_type_order(ret);
    json_object_put(ret);
    for (guint i = 0; i < order->len; i++) {
        json_object *a = args1("typename", json_object_new_string(order->pdata[i]));
        if (!(ret = run(c, "qom-list-properties", a, true, error)))
            return FALSE;
        json_object_put(ret);
    }

    const char *optional[] = { "query-sev-capabilities", "query-machines",
                               "query-cpu-definitions" };
    for (size_t i = 0; i < G_N_ELEMENTS(optional); i++) {
        if (!g_hash_table_contains(commands, optional[i]))
            continue;
        if (!(ret = run(c, optional[i], NULL, true, error)))
            return FALSE;
        json_object_put(ret);
    }

    if (!(ret = run(c, "quit", NULL, false, error)))
        return FALSE;
    json_object_put(ret);
    return TRUE;
}

CcmQmpTranscript *ccm_qemu_probe_session(GIOStream *stream, const char *peer,
                                         json_object *header, GError **error)
{
    g_autoptr(CcmQmpTranscript) t = ccm_qmp_transcript_new(header);
    g_autoptr(CcmQmpClient) c = ccm_qmp_client_new(stream, peer);

    ccm_qmp_client_set_trace_func(c, trace, t);
    gboolean ok = ccm_qmp_client_connect_sync(c, TIMEOUT_MS, error) && probe_commands(c, error);
    ccm_qmp_client_close(c);
    return ok ? g_steal_pointer(&t) : NULL;
}

static const char *default_accel(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return "tcg";
    close(fd);
    return "kvm";
}

char *ccm_qemu_binary_resolve(const char *binary, GError **error)
{
    g_autofree char *found = strchr(binary, '/') ? g_strdup(binary) : g_find_program_in_path(binary);

    if (!found || !g_file_test(found, G_FILE_TEST_IS_EXECUTABLE)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                    "QEMU binary '%s' not found%s", binary,
                    strchr(binary, '/') ? "" : " on PATH (install qemu-system-x86, or set QEMU=)");
        return NULL;
    }
    return g_canonicalize_filename(found, NULL);
}

static void reaped(GObject *source, GAsyncResult *res, gpointer userdata)
{
    (void) g_subprocess_wait_finish(G_SUBPROCESS(source), res, NULL);
    *(bool *) userdata = true;
}

static gboolean flag_set(gpointer userdata)
{
    *(bool *) userdata = true;
    return G_SOURCE_REMOVE;
}

/* Waits up to @ms for @p to exit; kills it if it does not. */
static void reap(GSubprocess *p, guint ms)
{
    GMainContext *ctx = g_main_context_get_thread_default();
    bool done = false, late = false;
    GSource *timer = g_timeout_source_new(ms);

    g_source_set_callback(timer, flag_set, &late, NULL);
    g_source_attach(timer, ctx);
    g_subprocess_wait_async(p, NULL, reaped, &done);
    while (!done) {
        g_main_context_iteration(ctx, TRUE);
        if (late && !done) {
            g_subprocess_force_exit(p);
            late = false;
        }
    }
    g_source_destroy(timer);
    g_source_unref(timer);
}

/* In the probe's QEMU, before exec: it dies with the process that started it, so a probe
 * interrupted by kill -9 (of ccmd or ccmctl) leaves no QEMU behind. The thread that spawns
 * it waits for it (reap()), so the thread cannot end first and take it down early. */
static void die_with_parent(gpointer userdata)
{
    pid_t parent = (pid_t) GPOINTER_TO_INT(userdata);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(127);
}

CcmQmpTranscript *ccm_qemu_probe_record(const char *binary, const CcmQemuProbeOptions *options,
                                        GError **error)
{
    g_autofree char *path = ccm_qemu_binary_resolve(binary, error);
    struct stat st;
    int fds[2];

    if (!path)
        return NULL;
    if (stat(path, &st) < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", path,
                    g_strerror(errno));
        return NULL;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "socketpair: %s",
                    g_strerror(errno));
        return NULL;
    }

    const char *accel = options && options->accel ? options->accel : default_accel();
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_INHERIT |
                                  G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                  G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_subprocess_launcher_take_fd(launcher, fds[1], 3);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent,
                                          GINT_TO_POINTER((int) getpid()), NULL);
    const char *argv[] = {
        path, "-machine", "none", "-nodefaults", "-no-user-config", "-display", "none",
        "-accel", accel, "-chardev", "socket,id=ccm-qmp,fd=3,server=off",
        "-mon", "chardev=ccm-qmp,mode=control", NULL,
    };
    g_autoptr(GSubprocess) p = g_subprocess_launcher_spawnv(launcher, argv, error);
    /* Close our copy of QEMU's end now, so a QEMU that exits early reads as end of
     * stream at once instead of a timeout. */
    g_clear_object(&launcher);
    if (!p) {
        close(fds[0]);
        g_prefix_error(error, "cannot start %s: ", path);
        return NULL;
    }

    g_autoptr(GSocket) socket = g_socket_new_from_fd(fds[0], error);
    if (!socket) {
        close(fds[0]);
        g_subprocess_force_exit(p);
        return NULL;
    }
    g_autoptr(GSocketConnection) conn = g_socket_connection_factory_create_connection(socket);

    json_object *header = json_object_new_object();
    json_object_object_add(header, "ccm-qmp-transcript",
                           json_object_new_int(CCM_QMP_TRANSCRIPT_VERSION));
    json_object_object_add(header, "binary", json_object_new_string(path));
    json_object_object_add(header, "size", json_object_new_int64((int64_t) st.st_size));
    json_object_object_add(header, "mtime",
                           json_object_new_int64((int64_t) st.st_mtim.tv_sec * 1000000000 +
                                                 st.st_mtim.tv_nsec));
    json_object_object_add(header, "accel", json_object_new_string(accel));

    g_autofree char *peer = g_strdup_printf("QEMU %s", path);
    g_autoptr(GError) e = NULL;
    CcmQmpTranscript *t = ccm_qemu_probe_session(G_IO_STREAM(conn), peer, header, &e);
    g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
    reap(p, 5000);

    if (!t) {
        /* QEMU usually explains itself on stderr; prefer its words. */
        g_autofree char *err_text = NULL;
        GInputStream *err = g_subprocess_get_stderr_pipe(p);
        char buf[4096];
        gsize n = 0;
        if (err && g_input_stream_read_all(err, buf, sizeof(buf) - 1, &n, NULL, NULL) && n > 0) {
            buf[n] = '\0';
            err_text = g_strstrip(g_strdup(buf));
            char *nl = strchr(err_text, '\n');
            if (nl)
                *nl = '\0';
        }
        if (err_text && err_text[0])
            g_set_error(error, CCM_QMP_ERROR, CCM_QMP_ERROR_CLOSED,
                        "%s did not answer the capability probe: %s", path, err_text);
        else
            g_propagate_error(error, g_steal_pointer(&e));
        return NULL;
    }
    return t;
}

static char *cache_path(const CcmQemuProbeOptions *options, const char *binary)
{
    const char *dir = options && options->cache_dir ? options->cache_dir
                                                    : g_getenv("CCM_QEMU_CAPS_CACHE");
    g_autofree char *default_dir = NULL;
    if (!dir)
        dir = default_dir = g_build_filename(g_get_user_cache_dir(), "ccm", "qemu-caps", NULL);
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, binary, -1);
    hash[16] = '\0';
    g_autofree char *name = g_strconcat(hash, ".replies", NULL);
    return g_build_filename(dir, name, NULL);
}

static bool header_matches(json_object *header, const char *binary, const struct stat *st)
{
    json_object *v;
    return json_object_object_get_ex(header, "binary", &v) &&
           g_strcmp0(json_object_get_string(v), binary) == 0 &&
           json_object_object_get_ex(header, "size", &v) &&
           json_object_get_int64(v) == (int64_t) st->st_size &&
           json_object_object_get_ex(header, "mtime", &v) &&
           json_object_get_int64(v) ==
               (int64_t) st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

CcmQemuCaps *ccm_qemu_probe(const char *binary, const CcmQemuProbeOptions *options,
                            GError **error)
{
    g_autofree char *path = ccm_qemu_binary_resolve(binary, error);
    struct stat st;

    if (!path)
        return NULL;
    if (stat(path, &st) < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", path,
                    g_strerror(errno));
        return NULL;
    }

    g_autofree char *cached = cache_path(options, path);
    bool use_cache = !(options && options->no_cache);
    if (use_cache) {
        g_autoptr(CcmQmpTranscript) t = ccm_qmp_transcript_load(cached, NULL);
        if (t && header_matches(t->header, path, &st)) {
            CcmQemuCaps *caps = ccm_qemu_caps_from_transcript(t, NULL);
            if (caps)
                return caps;
        }
    }

    g_autoptr(CcmQmpTranscript) t = ccm_qemu_probe_record(path, options, error);
    if (!t)
        return NULL;
    if (use_cache) {
        /* A cache that cannot be written only costs the next run a probe. */
        g_autofree char *dir = g_path_get_dirname(cached);
        if (g_mkdir_with_parents(dir, 0700) == 0)
            (void) ccm_qmp_transcript_save(t, cached, NULL);
    }
    return ccm_qemu_caps_from_transcript(t, error);
}

typedef struct ProbeJob {
    char *binary;
    char *cache_dir;
    char *accel;
    bool no_cache;
} ProbeJob;

static void probe_job_free(gpointer p)
{
    ProbeJob *job = p;
    g_free(job->binary);
    g_free(job->cache_dir);
    g_free(job->accel);
    g_free(job);
}

static void probe_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    ProbeJob *job = data;
    CcmQemuProbeOptions options = {
        .cache_dir = job->cache_dir, .no_cache = job->no_cache, .accel = job->accel,
    };
    g_autoptr(GMainContext) context = g_main_context_new();
    GError *error = NULL;

    /* The probe's synchronous waits iterate the thread-default context: this one. */
    g_main_context_push_thread_default(context);
    CcmQemuCaps *caps = ccm_qemu_probe(job->binary, &options, &error);
    g_main_context_pop_thread_default(context);
    if (caps)
        g_task_return_pointer(task, caps, (GDestroyNotify) ccm_qemu_caps_free);
    else
        g_task_return_error(task, error);
}

void ccm_qemu_probe_async(const char *binary, const CcmQemuProbeOptions *options,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer userdata)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, userdata);
    ProbeJob *job = g_new0(ProbeJob, 1);

    job->binary = g_strdup(binary);
    if (options) {
        job->cache_dir = g_strdup(options->cache_dir);
        job->accel = g_strdup(options->accel);
        job->no_cache = options->no_cache;
    }
    g_task_set_task_data(task, job, probe_job_free);
    g_task_run_in_thread(task, probe_thread);
}

CcmQemuCaps *ccm_qemu_probe_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}
