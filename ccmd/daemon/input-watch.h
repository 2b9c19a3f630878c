/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* input-watch.h - inotify on the folders of files, debounced, reported per key */
#pragma once

#include <glib.h>

typedef struct CcmInputWatch CcmInputWatch;

/* Called once per key whose files may have changed, @debounce_ms after the last event. */
typedef void (*CcmInputWatchFunc)(const char *key, gpointer userdata);

/* NULL (with @error) when inotify is not available. */
CcmInputWatch *ccm_input_watch_new(guint debounce_ms, CcmInputWatchFunc func, gpointer userdata,
                                   GError **error);
void ccm_input_watch_free(CcmInputWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmInputWatch, ccm_input_watch_free)

/*
 * ccm_input_watch_set() - watch @paths (NULL-terminated) for @key, replacing its old set
 *
 * The folder of each path is watched, so a file replaced by a rename (as package
 * managers do), created, deleted, written or touched is seen; for a symbolic link the
 * folder of the file it points to now is watched too. A folder that does not exist is
 * watched through its nearest existing ancestor until it is created. A folder that
 * cannot be watched otherwise (no permission, no inotify watches left) is skipped: the
 * rescans at ccmd's and the guest's start cover it.
 */
void ccm_input_watch_set(CcmInputWatch *watch, const char *key, const char *const *paths);
void ccm_input_watch_remove(CcmInputWatch *watch, const char *key);

/* How many folders are watched, ancestors of missing ones included (for tests). */
guint ccm_input_watch_n_folders(CcmInputWatch *watch);
