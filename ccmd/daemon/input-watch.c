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

struct CcmInputWatch {
    int fd;
    guint source;
    guint debounce_ms;
    guint timer;
    CcmInputWatchFunc func;
    gpointer userdata;
    GHashTable *keys;     /* key -> GPtrArray of file paths (given and resolved) */
    GHashTable *folders;  /* folder -> wd (GINT_TO_POINTER) */
    GHashTable *wds;      /* wd -> folder (borrowed from folders) */
    GHashTable *pending;  /* keys to report */
};

static void sync_folders(CcmInputWatch *w);

static gboolean debounced(gpointer userdata)
{
    CcmInputWatch *w = userdata;
    w->timer = 0;
    /* A folder that went away and came back (a package removed, then installed) is
     * watched again. */
    sync_folders(w);
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

/* Marks every key with a file @path (or, @path NULL, every key with a file in @folder). */
static void mark(CcmInputWatch *w, const char *folder, const char *path)
{
    GHashTableIter iter;
    gpointer key, value;
    bool any = false;

    g_hash_table_iter_init(&iter, w->keys);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        GPtrArray *files = value;
        for (guint i = 0; i < files->len; i++) {
            const char *f = files->pdata[i];
            g_autofree char *dir = g_path_get_dirname(f);
            bool hit = path ? strcmp(f, path) == 0 : !folder || strcmp(dir, folder) == 0;
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
                mark(w, NULL, NULL);
                continue;
            }
            const char *folder = g_hash_table_lookup(w->wds, GINT_TO_POINTER(ev->wd));
            if (!folder)
                continue;
            if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
                /* The folder itself went: every file in it is gone (or moved). */
                g_autofree char *gone = g_strdup(folder);
                if (ev->mask & IN_IGNORED) {
                    g_hash_table_remove(w->wds, GINT_TO_POINTER(ev->wd));
                    g_hash_table_remove(w->folders, gone);
                }
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
    w->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);
    w->folders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    w->wds = g_hash_table_new(g_direct_hash, g_direct_equal);
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
    g_hash_table_unref(w->pending);
    g_free(w);
}

/* Watches exactly the folders of the files of all keys. */
static void sync_folders(CcmInputWatch *w)
{
    g_autoptr(GHashTable) wanted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, w->keys);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        GPtrArray *files = value;
        for (guint i = 0; i < files->len; i++)
            g_hash_table_add(wanted, g_path_get_dirname(files->pdata[i]));
    }
    g_hash_table_iter_init(&iter, w->folders);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (g_hash_table_contains(wanted, key))
            continue;
        /* Its IN_IGNORED finds no folder any more and is dropped. */
        (void) inotify_rm_watch(w->fd, GPOINTER_TO_INT(value));
        g_hash_table_remove(w->wds, value);
        g_hash_table_iter_remove(&iter);
    }
    g_hash_table_iter_init(&iter, wanted);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (g_hash_table_contains(w->folders, key))
            continue;
        int wd = inotify_add_watch(w->fd, key, WATCH_MASK);
        if (wd < 0)
            continue; /* not there (yet): the rescan at ccmd's start covers it */
        /* Two names of one folder give one wd: keep the first name. */
        if (g_hash_table_contains(w->wds, GINT_TO_POINTER(wd)))
            continue;
        char *folder = g_strdup(key);
        g_hash_table_insert(w->folders, folder, GINT_TO_POINTER(wd));
        g_hash_table_insert(w->wds, GINT_TO_POINTER(wd), folder);
    }
}

void ccm_input_watch_set(CcmInputWatch *w, const char *key, const char *const *paths)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; paths && paths[i]; i++) {
        g_autofree char *given = g_canonicalize_filename(paths[i], NULL);
        /* A symbolic link: its target's folder too (a package may replace either). */
        g_autofree char *resolved = realpath(given, NULL);
        if (resolved && strcmp(resolved, given) != 0)
            g_ptr_array_add(files, g_steal_pointer(&resolved));
        g_ptr_array_add(files, g_steal_pointer(&given));
    }
    g_hash_table_insert(w->keys, g_strdup(key), files);
    sync_folders(w);
}

void ccm_input_watch_remove(CcmInputWatch *w, const char *key)
{
    g_hash_table_remove(w->keys, key);
    g_hash_table_remove(w->pending, key);
    sync_folders(w);
}

guint ccm_input_watch_n_folders(CcmInputWatch *w)
{
    return g_hash_table_size(w->folders);
}
