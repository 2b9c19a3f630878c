/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu-process.c - QEMU processes that outlive ccmd: spawning, identity, exit watching
 *
 * Theory of operation: guests must keep running while ccmd restarts, so QEMU is started
 * with -daemonize: it reports initialisation errors to the waiting parent and then runs
 * on, reparented away from ccmd. ccmd remembers it by pid and start time (a pid alone
 * could be reused after a reboot or a long downtime) and learns of its exit through a
 * pidfd, which works for processes that are not its children.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib-unix.h>

#include "qemu-process.h"

gboolean ccm_process_start_time(int64_t pid, uint64_t *ret)
{
    g_autofree char *path = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/stat", pid);
    g_autofree char *text = NULL;

    if (pid <= 0 || !g_file_get_contents(path, &text, NULL, NULL))
        return FALSE;
    /* "pid (comm) state ...": comm may hold spaces and parentheses; skip to the last ')'. */
    char *p = strrchr(text, ')');
    if (!p)
        return FALSE;
    g_auto(GStrv) fields = g_strsplit(p + 2, " ", -1);
    /* fields[0] is field 3 (state); field 22 (starttime) is fields[19]. */
    if (g_strv_length(fields) < 20 || fields[0][0] == 'Z' || fields[0][0] == 'X')
        return FALSE;
    *ret = g_ascii_strtoull(fields[19], NULL, 10);
    return TRUE;
}

bool ccm_process_alive(const CcmProcessId *id)
{
    uint64_t start;
    return id->pid > 0 && ccm_process_start_time(id->pid, &start) && start == id->start_time;
}

gboolean ccm_process_kill(const CcmProcessId *id)
{
    if (!ccm_process_alive(id))
        return FALSE;
    return kill((pid_t) id->pid, SIGKILL) == 0;
}

typedef struct SpawnData {
    char *pidfile;
    char *peer;
} SpawnData;

static void spawn_data_free(gpointer p)
{
    SpawnData *d = p;
    g_free(d->pidfile);
    g_free(d->peer);
    g_free(d);
}

static void spawned(GObject *source, GAsyncResult *res, gpointer userdata)
{
    GTask *task = userdata;
    GSubprocess *p = G_SUBPROCESS(source);
    SpawnData *d = g_task_get_task_data(task);
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;

    if (!g_subprocess_communicate_utf8_finish(p, res, NULL, &err, &error)) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", d->peer,
                                error->message);
        g_object_unref(task);
        return;
    }
    if (!g_subprocess_get_if_exited(p) || g_subprocess_get_exit_status(p) != 0) {
        g_autofree char *why = g_strdup(g_strstrip(err ? err : ""));
        char *nl = strchr(why, '\n');
        if (nl)
            *nl = '\0';
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s did not start: %s",
                                d->peer, why[0] ? why : "it exited without a message");
        g_object_unref(task);
        return;
    }

    g_autofree char *text = NULL;
    CcmProcessId *id = g_new0(CcmProcessId, 1);
    if (!g_file_get_contents(d->pidfile, &text, NULL, &error) ||
        (id->pid = g_ascii_strtoll(g_strstrip(text), NULL, 10)) <= 0 ||
        !ccm_process_start_time(id->pid, &id->start_time)) {
        g_free(id);
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                "%s daemonized but left no live pid in %s", d->peer, d->pidfile);
        g_object_unref(task);
        return;
    }
    g_task_return_pointer(task, id, g_free);
    g_object_unref(task);
}

void ccm_qemu_spawn_async(GPtrArray *argv, const char *pidfile, const char *peer,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer userdata)
{
    GTask *task = g_task_new(NULL, cancellable, callback, userdata);
    SpawnData *d = g_new0(SpawnData, 1);
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    g_autoptr(GError) error = NULL;

    d->pidfile = g_strdup(pidfile);
    d->peer = g_strdup(peer);
    g_task_set_task_data(task, d, spawn_data_free);
    (void) unlink(pidfile);

    for (guint i = 0; i < argv->len && argv->pdata[i]; i++)
        g_ptr_array_add(args, argv->pdata[i]);
    g_ptr_array_add(args, (gpointer) "-daemonize");
    g_ptr_array_add(args, (gpointer) "-pidfile");
    g_ptr_array_add(args, (gpointer) pidfile);
    g_ptr_array_add(args, NULL);

    GSubprocess *p = g_subprocess_newv((const char *const *) args->pdata,
                                       G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                           G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                           G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                       &error);
    if (!p) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot start: %s",
                                peer, error->message);
        g_object_unref(task);
        return;
    }
    /* The foreground process exits once QEMU has daemonized; stderr carries its errors. */
    g_subprocess_communicate_utf8_async(p, NULL, cancellable, spawned, task);
    g_object_unref(p);
}

gboolean ccm_qemu_spawn_finish(GAsyncResult *result, CcmProcessId *ret, GError **error)
{
    g_autofree CcmProcessId *id = g_task_propagate_pointer(G_TASK(result), error);
    if (!id)
        return FALSE;
    *ret = *id;
    return TRUE;
}

typedef struct Watch {
    int pidfd;
    GSourceFunc func;
    gpointer userdata;
} Watch;

static gboolean process_gone(gint fd, GIOCondition condition, gpointer userdata)
{
    Watch *w = userdata;
    w->func(w->userdata);
    return G_SOURCE_REMOVE;
}

static void watch_free(gpointer p)
{
    Watch *w = p;
    close(w->pidfd);
    g_free(w);
}

guint ccm_process_watch(const CcmProcessId *id, GSourceFunc func, gpointer userdata)
{
    int fd = (int) syscall(SYS_pidfd_open, (pid_t) id->pid, 0);
    if (fd < 0)
        return 0;
    /* The pid may have been reused between our check and pidfd_open. */
    if (!ccm_process_alive(id)) {
        close(fd);
        return 0;
    }
    Watch *w = g_new0(Watch, 1);
    w->pidfd = fd;
    w->func = func;
    w->userdata = userdata;
    return g_unix_fd_add_full(G_PRIORITY_DEFAULT, fd, G_IO_IN, process_gone, w, watch_free);
}
