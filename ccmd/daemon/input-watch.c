/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * input-watch.c - inotify on the folders of files, debounced, reported per key
 *
 * Theory of operation: a package upgrade does not write a file in place; it writes a
 * new file beside it and renames it over the old one. A watch on the file itself would
 * follow the old inode into oblivion, so the file's folder is watched instead, and an
 * event names the entry it concerns (IN_MOVED_TO for the rename, IN_CLOSE_WRITE for a
 * write in place, IN_ATTRIB for a touch, IN_DELETE/IN_MOVED_FROM for a removal). Each
 * key (a guest) has a set of files; an event on one of them marks the key, and
 * @debounce_ms after the last event the marked keys are reported once each: an upgrade
 * that touches a file several times is one report. What changed is for the caller to
 * decide (by content); this module only says "look again". A queue overflow or a
 * folder that went away marks every key that could be affected.
 *
 * The watched set is recomputed before each report: the folder of every link on the way
 * to a file is watched, and a link pointed elsewhere has its new target's folder
 * watched; a folder that does not exist (not installed yet, or removed with its package)
 * is watched through its nearest existing ancestor, whose events name the folder on the
 * way to the file when it is created, so a package installed later is seen; a path whose
 * folder was replaced gets a watch on the new one.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gio.h>

#include "input-watch.h"

#define WATCH_MASK                                                                             \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_ATTRIB |         \
     IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* A key's files: the paths it was given, and those with the symbolic links resolved as
 * they are now (recomputed at each sync: a link may be pointed elsewhere). */
typedef struct KeyFiles {
    GPtrArray *given;     /* canonical paths */
    GPtrArray *files;     /* given, and each one's target when it is a link */
} KeyFiles;

struct CcmInputWatch {
    int fd;
    guint source;
    guint debounce_ms;
    guint timer;
    CcmInputWatchFunc func;
    gpointer userdata;
    GHashTable *keys;     /* key -> KeyFiles */
    GHashTable *folders;  /* folder watched -> wd (each name of a folder) */
    GHashTable *wds;      /* wd -> folder (the first name, borrowed from folders) */
    GHashTable *missing;  /* folders of files that do not exist: an ancestor is watched */
    GHashTable *pending;  /* keys to report */
};

static void key_files_free(gpointer p)
{
    KeyFiles *k = p;
    g_ptr_array_unref(k->given);
    g_ptr_array_unref(k->files);
    g_free(k);
}

static void sync_folders(CcmInputWatch *w, bool full, KeyFiles *changed);

static gboolean debounced(gpointer userdata)
{
    CcmInputWatch *w = userdata;
    w->timer = 0;
    /* A folder that went away and came back (a package removed, then installed), or a
     * link pointed elsewhere, is watched as it is now. */
    sync_folders(w, true, NULL);
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, w->pending);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(keys, g_strdup(key));
    g_hash_table_remove_all(w->pending);
    /* The callback may change the watch (set, remove): it gets copies. */
    for (guint i = 0; i < keys->len; i++)
        w->func(keys->pdata[i], w->userdata);
    return G_SOURCE_REMOVE;
}

/* Whether @file is @path or lies below it. */
static bool at_or_below(const char *file, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(file, path, n) != 0)
        return false;
    return file[n] == '\0' || file[n] == '/' || (n > 0 && path[n - 1] == '/');
}

/*
 * Marks every key with a file at or below @path (an entry of a watched folder: the file
 * itself, or a folder on the way to it that was created, renamed or removed); @path NULL:
 * every key with a file in or below @folder; both NULL: every key.
 */
static void mark(CcmInputWatch *w, const char *folder, const char *path)
{
    GHashTableIter iter;
    gpointer key, value;
    bool any = false;

    g_hash_table_iter_init(&iter, w->keys);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const KeyFiles *k = value;
        for (guint i = 0; i < k->files->len; i++) {
            const char *f = k->files->pdata[i];
            bool hit = path ? at_or_below(f, path) : !folder || at_or_below(f, folder);
            if (hit) {
                g_hash_table_add(w->pending, g_strdup(key));
                any = true;
                break;
            }
        }
    }
    if (!any)
        return;
    if (w->timer)
        g_source_remove(w->timer);
    w->timer = g_timeout_add(w->debounce_ms, debounced, w);
}

/* Forgets @wd (the kernel dropped it, or will): its folder's names are watched no more. */
static void forget_wd(CcmInputWatch *w, int wd)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_remove(w->wds, GINT_TO_POINTER(wd));
    g_hash_table_iter_init(&iter, w->folders);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (GPOINTER_TO_INT(value) == wd)
            g_hash_table_iter_remove(&iter);
}

static gboolean readable(gint fd, GIOCondition condition, gpointer userdata)
{
    CcmInputWatch *w = userdata;
    char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
        __attribute__((aligned(__alignof__(struct inotify_event))));

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *) p;
            p += sizeof(*ev) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                /* Events were lost: every key looks again, and the sync before the report
                 * watches every folder afresh. */
                mark(w, NULL, NULL);
                continue;
            }
            const char *folder = g_hash_table_lookup(w->wds, GINT_TO_POINTER(ev->wd));
            if (!folder)
                continue;
            if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
                /* The folder itself went (or moved): every file in it is gone. The sync
                 * before the report watches what is at its path now, or an ancestor. */
                g_autofree char *gone = g_strdup(folder);
                if (ev->mask & IN_IGNORED)
                    forget_wd(w, ev->wd);
                mark(w, gone, NULL);
                continue;
            }
            if (ev->len == 0)
                continue;
            g_autofree char *path = g_build_filename(folder, ev->name, NULL);
            mark(w, NULL, path);
        }
    }
    return G_SOURCE_CONTINUE;
}

CcmInputWatch *ccm_input_watch_new(guint debounce_ms, CcmInputWatchFunc func, gpointer userdata,
                                   GError **error)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "inotify: %s", g_strerror(e));
        return NULL;
    }
    CcmInputWatch *w = g_new0(CcmInputWatch, 1);
    w->fd = fd;
    w->debounce_ms = debounce_ms;
    w->func = func;
    w->userdata = userdata;
    w->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, key_files_free);
    w->folders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->wds = g_hash_table_new(g_direct_hash, g_direct_equal);
    w->missing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->source = g_unix_fd_add(fd, G_IO_IN, readable, w);
    return w;
}

void ccm_input_watch_free(CcmInputWatch *w)
{
    if (!w)
        return;
    if (w->timer)
        g_source_remove(w->timer);
    g_source_remove(w->source);
    (void) close(w->fd);
    g_hash_table_unref(w->keys);
    g_hash_table_unref(w->wds);
    g_hash_table_unref(w->folders);
    g_hash_table_unref(w->missing);
    g_hash_table_unref(w->pending);
    g_free(w);
}

static void add_file(GPtrArray *files, char *path)
{
    for (guint i = 0; i < files->len; i++) {
        if (strcmp(files->pdata[i], path) == 0) {
            g_free(path);
            return;
        }
    }
    g_ptr_array_add(files, path);
}

/* The most links followed from one path (the kernel's own limit). */
#define LINK_HOPS_MAX 40

/*
 * @k's files as the file system resolves them now: each given path, every link on the
 * way from it to the file (update-alternatives makes two: /usr/bin/NAME ->
 * /etc/alternatives/NAME -> the file; pointing the second elsewhere changes the file
 * booted as much as replacing it), and the file itself with every folder link resolved.
 */
static void resolve(KeyFiles *k)
{
    g_ptr_array_set_size(k->files, 0);
    for (guint i = 0; i < k->given->len; i++) {
        const char *given = k->given->pdata[i];
        add_file(k->files, g_strdup(given));
        g_autofree char *at = g_strdup(given);
        for (int hop = 0; hop < LINK_HOPS_MAX; hop++) {
            g_autofree char *target = g_file_read_link(at, NULL);
            if (!target)
                break;
            g_autofree char *dir = g_path_get_dirname(at);
            g_free(at);
            at = g_canonicalize_filename(target, dir);
            add_file(k->files, g_strdup(at));
        }
        char *resolved = realpath(given, NULL);
        if (resolved)
            add_file(k->files, resolved);
    }
}

/* Watches @folder, or, while it does not exist, its nearest ancestor that does (whose
 * events name the folder on the way when it is created). Adds to @watched (name -> wd)
 * and, for a folder watched through an ancestor, to @missing. */
static void watch_folder(CcmInputWatch *w, const char *folder, GHashTable *watched,
                         GHashTable *missing)
{
    g_autofree char *at = g_strdup(folder);
    for (;;) {
        if (g_hash_table_contains(watched, at))
            return;
        int wd = inotify_add_watch(w->fd, at, WATCH_MASK);
        if (wd >= 0) {
            g_hash_table_insert(watched, g_strdup(at), GINT_TO_POINTER(wd));
            return;
        }
        if (errno != ENOENT && errno != ENOTDIR)
            return; /* not ours to watch (EACCES, ENOSPC): the rescans at starts cover it */
        g_hash_table_add(missing, g_strdup(folder));
        if (strcmp(at, "/") == 0)
            return;
        char *up = g_path_get_dirname(at);
        g_free(at);
        at = up;
    }
}

/*
 * Watches exactly the folders of the files of all keys (or their nearest existing
 * ancestors). With @full (before a report), every key's links are resolved again and
 * every folder is added again, which returns its watch when it is the same folder,
 * or a new one when the path names another folder now (the old one was moved away or
 * replaced): a watch the kernel dropped or events lost in an overflow leave no stale
 * entry behind. Otherwise (a key set or removed) only @changed (may be NULL) is resolved
 * and only folders not watched yet are added: adding N guests costs O(N) system calls,
 * not O(N^2).
 * Keys with files in a folder that just appeared are marked: the file may have been
 * written before the folder was watched.
 */
static void sync_folders(CcmInputWatch *w, bool full, KeyFiles *changed)
{
    g_autoptr(GHashTable) wanted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) watched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) missing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, w->keys);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        KeyFiles *k = value;
        if (full || k == changed)
            resolve(k);
        for (guint i = 0; i < k->files->len; i++)
            g_hash_table_add(wanted, g_path_get_dirname(k->files->pdata[i]));
    }
    g_hash_table_iter_init(&iter, wanted);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        gpointer wd;
        if (!full && g_hash_table_lookup_extended(w->folders, key, NULL, &wd))
            g_hash_table_insert(watched, g_strdup(key), wd);
        else
            watch_folder(w, key, watched, missing);
    }

    /* Watches no longer wanted go; their IN_IGNORED finds no folder and is dropped. */
    g_autoptr(GHashTable) keep = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_iter_init(&iter, watched);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_hash_table_add(keep, value);
    g_hash_table_iter_init(&iter, w->wds);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        if (!g_hash_table_contains(keep, key))
            (void) inotify_rm_watch(w->fd, GPOINTER_TO_INT(key));

    g_hash_table_remove_all(w->wds);
    g_hash_table_remove_all(w->folders);
    g_hash_table_iter_init(&iter, watched);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        char *folder = g_strdup(key);
        g_hash_table_insert(w->folders, folder, value);
        /* Two names of one folder (a linked folder) give one wd: events use the first. */
        if (!g_hash_table_contains(w->wds, value))
            g_hash_table_insert(w->wds, value, folder);
    }

    g_autoptr(GHashTable) was_missing = g_steal_pointer(&w->missing);
    w->missing = g_steal_pointer(&missing);
    g_hash_table_iter_init(&iter, was_missing);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        if (!g_hash_table_contains(w->missing, key))
            mark(w, key, NULL);
}

void ccm_input_watch_set(CcmInputWatch *w, const char *key, const char *const *paths)
{
    KeyFiles *k = g_new0(KeyFiles, 1);
    k->given = g_ptr_array_new_with_free_func(g_free);
    k->files = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; paths && paths[i]; i++)
        g_ptr_array_add(k->given, g_canonicalize_filename(paths[i], NULL));
    g_hash_table_insert(w->keys, g_strdup(key), k);
    sync_folders(w, false, k);
}

void ccm_input_watch_remove(CcmInputWatch *w, const char *key)
{
    g_hash_table_remove(w->keys, key);
    g_hash_table_remove(w->pending, key);
    sync_folders(w, false, NULL);
}

guint ccm_input_watch_n_folders(CcmInputWatch *w)
{
    return g_hash_table_size(w->wds);
}
