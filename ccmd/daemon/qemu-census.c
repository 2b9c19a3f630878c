/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu-census.c - which QEMU processes run for which guest folder, found in /proc
 *
 * Theory of operation: every QEMU that ccmd launches for a guest names the guest's
 * runtime folder RUNTIME/guests/NAME/ in its command line, twice: "-pidfile
 * DIR/qemu.pid" and the QMP chardev's "path=DIR/qmp.sock". That holds from the first
 * instruction of the foreground process to the last of the daemonized one, so a scan
 * of /proc (processes with ccmd's uid, not zombies, whose cmdline has one of those two
 * arguments) finds a guest's QEMU in every window of a start, even before QEMU wrote
 * its pid file, and even the foreground parent that has not exited yet. Nothing else
 * ccmd runs names those paths (the capability probe talks over fd 3).
 *
 * The pid file says which of them is the daemonized QEMU: QEMU writes it early, in the
 * daemon child, and holds a POSIX lock on it for its whole life; F_GETLK tells the
 * holder's pid, which must be the pid written in the file.
 *
 * The scan is cheap (a few hundred /proc entries) and runs only at a start and at
 * recovery, never per event. Ending a census SIGKILLs each process through a pidfd and
 * waits on that pidfd for its exit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "qemu-census.h"
#include "qemu-process.h"

/* The folder name after @guests_dir/ in @arg when @arg is "-pidfile"'s value
 * GUESTS/NAME/qemu.pid (@after_pidfile) or holds "path=GUESTS/NAME/qmp.sock". */
static char *guest_of_arg(const char *arg, bool after_pidfile, const char *guests_dir)
{
    g_autofree char *prefix = g_strconcat(after_pidfile ? "" : "path=", guests_dir, "/", NULL);
    const char *p = after_pidfile ? (g_str_has_prefix(arg, prefix) ? arg : NULL)
                                  : strstr(arg, prefix);
    if (!p)
        return NULL;
    p += strlen(prefix);
    const char *slash = strchr(p, '/');
    if (!slash || slash == p)
        return NULL;
    const char *rest = slash + 1;
    const char *file = after_pidfile ? "qemu.pid" : "qmp.sock";
    size_t n = strlen(file);
    if (strncmp(rest, file, n) != 0 || (rest[n] != '\0' && rest[n] != ','))
        return NULL;
    return g_strndup(p, (gsize) (slash - p));
}

/* Whether /proc/PID is a live process of our uid; then its cmdline's guest folder. */
static char *guest_of_process(const char *pid_text, const char *guests_dir)
{
    g_autofree char *dir = g_strdup_printf("/proc/%s", pid_text);
    g_autofree char *cmdline_path = g_build_filename(dir, "cmdline", NULL);
    g_autofree char *cmdline = NULL;
    gsize len = 0;
    struct stat st;
    uint64_t start;

    if (stat(dir, &st) < 0 || st.st_uid != geteuid())
        return NULL;
    if (!ccm_process_start_time(g_ascii_strtoll(pid_text, NULL, 10), &start))
        return NULL; /* gone, or a zombie */
    if (!g_file_get_contents(cmdline_path, &cmdline, &len, NULL) || len == 0)
        return NULL;
    const char *prev = NULL;
    for (const char *arg = cmdline; arg < cmdline + len; arg += strlen(arg) + 1) {
        char *name = guest_of_arg(arg, prev && strcmp(prev, "-pidfile") == 0, guests_dir);
        if (name)
            return name;
        prev = arg;
    }
    return NULL;
}

static gint compare_pid(gconstpointer a, gconstpointer b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y ? -1 : x > y;
}

GHashTable *ccm_qemu_census_all(const char *guests_dir)
{
    GHashTable *all = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_array_unref);
    g_autofree char *clean = g_strdup(guests_dir);
    size_t n = strlen(clean);
    while (n > 1 && clean[n - 1] == '/')
        clean[--n] = '\0';

    DIR *proc = opendir("/proc");
    if (!proc)
        return all;
    struct dirent *e;
    while ((e = readdir(proc))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        g_autofree char *name = guest_of_process(e->d_name, clean);
        if (!name)
            continue;
        GArray *pids = g_hash_table_lookup(all, name);
        if (!pids) {
            pids = g_array_new(FALSE, FALSE, sizeof(int64_t));
            g_hash_table_insert(all, g_strdup(name), pids);
        }
        int64_t pid = g_ascii_strtoll(e->d_name, NULL, 10);
        g_array_append_val(pids, pid);
    }
    closedir(proc);

    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, all);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_array_sort(value, compare_pid);
    return all;
}

GArray *ccm_qemu_census_folder(const char *dir)
{
    g_autofree char *clean = g_strdup(dir);
    size_t n = strlen(clean);
    while (n > 1 && clean[n - 1] == '/')
        clean[--n] = '\0';
    g_autofree char *parent = g_path_get_dirname(clean);
    g_autofree char *name = g_path_get_basename(clean);
    g_autoptr(GHashTable) all = ccm_qemu_census_all(parent);
    GArray *pids = g_hash_table_lookup(all, name);
    return pids ? g_array_ref(pids) : g_array_new(FALSE, FALSE, sizeof(int64_t));
}

int64_t ccm_qemu_pidfile_holder(const char *pidfile)
{
    g_autofree char *text = NULL;
    int fd = open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return 0;
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    int r = fcntl(fd, F_GETLK, &lock);
    close(fd);
    if (r < 0 || lock.l_type == F_UNLCK || lock.l_pid <= 0)
        return 0;
    if (!g_file_get_contents(pidfile, &text, NULL, NULL))
        return 0;
    int64_t written = g_ascii_strtoll(g_strstrip(text), NULL, 10);
    return written == lock.l_pid ? written : 0;
}

char *ccm_qemu_census_format(const GArray *pids)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < pids->len; i++)
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? ", " : "",
                               g_array_index(pids, int64_t, i));
    return g_string_free(s, FALSE);
}

gboolean ccm_qemu_census_end(const GArray *pids, guint timeout_ms)
{
    int64_t deadline = g_get_monotonic_time() + (int64_t) timeout_ms * 1000;
    gboolean all_gone = TRUE;

    /* A pidfd first, checked against the process's identity: the signal and the wait
     * are then for that process, even if its pid were reused meanwhile. It becomes
     * readable when the process has exited (children or not). */
    for (guint i = 0; i < pids->len; i++) {
        CcmProcessId id = { .pid = g_array_index(pids, int64_t, i) };
        if (!ccm_process_start_time(id.pid, &id.start_time))
            continue;
        int fd = (int) syscall(SYS_pidfd_open, (pid_t) id.pid, 0);
        if (fd < 0)
            continue; /* gone already */
        if (!ccm_process_alive(&id) ||
            syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0) {
            close(fd);
            continue;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int64_t left = (deadline - g_get_monotonic_time()) / 1000;
        int r;
        do
            r = poll(&p, 1, left > 0 ? (int) left : 0);
        while (r < 0 && errno == EINTR);
        close(fd);
        if (r <= 0)
            all_gone = FALSE;
    }
    return all_gone;
}
