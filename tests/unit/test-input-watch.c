/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-input-watch.c - inotify on the inputs' folders, debounced (ccmd/daemon/input-watch.c) */
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "input-watch.h"

#define DEBOUNCE_MS 100

typedef struct Fixture {
    char *dir;
    CcmInputWatch *watch;
    GHashTable *reports;   /* key -> count */
    gint64 last_report;    /* monotonic µs */
} Fixture;

static void reported(const char *key, gpointer userdata)
{
    Fixture *f = userdata;
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(f->reports, key));
    g_hash_table_insert(f->reports, g_strdup(key), GUINT_TO_POINTER(n + 1));
    f->last_report = g_get_monotonic_time();
}

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("test-input-watch.XXXXXX", NULL);
    f->reports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    f->watch = ccm_input_watch_new(DEBOUNCE_MS, reported, f, &error);
    g_assert_no_error(error);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ccm_input_watch_free(f->watch);
    g_hash_table_unref(f->reports);
    g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);
        g_unlink(p);
    }
    g_rmdir(f->dir);
    g_free(f->dir);
}

/* Runs the main loop for @ms. */
static void run_for(guint ms)
{
    gint64 end = g_get_monotonic_time() + (gint64) ms * 1000;
    while (g_get_monotonic_time() < end)
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(2000);
}

static guint count(Fixture *f, const char *key)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(f->reports, key));
}

static char *path_of(Fixture *f, const char *name)
{
    return g_build_filename(f->dir, name, NULL);
}

static void write_file(const char *path, const char *content)
{
    g_assert_true(g_file_set_contents_full(path, content, -1, G_FILE_SET_CONTENTS_NONE, 0644,
                                           NULL));
}

/* A package upgrade: a new file renamed over the watched one; several events, one report
 * per key, after the debounce. */
static void test_rename_over(Fixture *f, gconstpointer data)
{
    g_autofree char *fw = path_of(f, "OVMF.fd");
    g_autofree char *tmp = path_of(f, "OVMF.fd.dpkg-new");
    write_file(fw, "old");
    const char *paths[] = { fw, NULL };
    ccm_input_watch_set(f->watch, "alpha", paths);
    ccm_input_watch_set(f->watch, "beta", paths);
    g_assert_cmpuint(ccm_input_watch_n_folders(f->watch), ==, 1);

    gint64 t0 = g_get_monotonic_time();
    write_file(tmp, "new");
    g_assert_cmpint(g_rename(tmp, fw), ==, 0);
    run_for(DEBOUNCE_MS / 2);
    g_assert_cmpuint(count(f, "alpha"), ==, 0); /* not before the debounce */
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 1);
    g_assert_cmpuint(count(f, "beta"), ==, 1);
    g_assert_cmpint(f->last_report - t0, >=, DEBOUNCE_MS * 1000);
}

/* Only the watched names count; a touch and a removal are reported (the caller decides
 * by content); a removed key is not. */
static void test_which_events(Fixture *f, gconstpointer data)
{
    g_autofree char *kernel = path_of(f, "vmlinuz");
    g_autofree char *other = path_of(f, "unrelated");
    write_file(kernel, "k");
    const char *paths[] = { kernel, NULL };
    ccm_input_watch_set(f->watch, "alpha", paths);

    write_file(other, "x");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 0);

    g_assert_cmpint(g_utime(kernel, NULL), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 1);

    g_assert_cmpint(g_unlink(kernel), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 2);

    ccm_input_watch_remove(f->watch, "alpha");
    g_assert_cmpuint(ccm_input_watch_n_folders(f->watch), ==, 0);
    write_file(kernel, "k again");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 2);
}

/* A symbolic link: a change of its target, in another folder, is seen. */
static void test_symlink_target(Fixture *f, gconstpointer data)
{
    g_autofree char *sub = path_of(f, "target-dir");
    g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
    g_autofree char *target = g_build_filename(sub, "OVMF_CODE.secboot.fd", NULL);
    g_autofree char *link = path_of(f, "OVMF_CODE.ms.fd");
    write_file(target, "code");
    g_assert_cmpint(symlink(target, link), ==, 0);
    const char *paths[] = { link, NULL };
    ccm_input_watch_set(f->watch, "alpha", paths);
    g_assert_cmpuint(ccm_input_watch_n_folders(f->watch), ==, 2);

    g_autofree char *tmp = g_build_filename(sub, "new", NULL);
    write_file(tmp, "code, upgraded");
    g_assert_cmpint(g_rename(tmp, target), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 1);
    ccm_input_watch_remove(f->watch, "alpha");
    g_unlink(target);
    g_rmdir(sub);
}

/* A file in a folder that does not exist yet (its package is installed later): the
 * folder's creation, then the file's, are seen. */
static void test_folder_created_later(Fixture *f, gconstpointer data)
{
    g_autofree char *sub = path_of(f, "edk2");
    g_autofree char *subsub = g_build_filename(sub, "ovmf", NULL);
    g_autofree char *fw = g_build_filename(subsub, "OVMF.fd", NULL);
    const char *paths[] = { fw, NULL };
    ccm_input_watch_set(f->watch, "alpha", paths);
    g_assert_cmpuint(ccm_input_watch_n_folders(f->watch), ==, 1); /* the nearest ancestor */

    g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpint(g_mkdir(subsub, 0700), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    guint before = count(f, "alpha");
    write_file(fw, "installed");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), >, before);

    /* Written at once with its folders (mkdir -p, then the file, within one debounce). */
    g_autofree char *deep = path_of(f, "a/b/vmlinuz");
    const char *paths2[] = { deep, NULL };
    ccm_input_watch_set(f->watch, "beta", paths2);
    g_autofree char *b = path_of(f, "a/b");
    g_assert_cmpint(g_mkdir_with_parents(b, 0700), ==, 0);
    write_file(deep, "k");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "beta"), >=, 1);
    guint seen = count(f, "beta");
    write_file(deep, "k2");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "beta"), ==, seen + 1);

    ccm_input_watch_remove(f->watch, "alpha");
    ccm_input_watch_remove(f->watch, "beta");
    g_assert_cmpuint(ccm_input_watch_n_folders(f->watch), ==, 0);
    g_unlink(fw);
    g_rmdir(subsub);
    g_rmdir(sub);
    g_unlink(deep);
    g_rmdir(b);
    g_autofree char *a = path_of(f, "a");
    g_rmdir(a);
}

/* A folder removed with its package and installed again later is watched again. */
static void test_folder_comes_back(Fixture *f, gconstpointer data)
{
    g_autofree char *sub = path_of(f, "ovmf");
    g_autofree char *fw = g_build_filename(sub, "OVMF.fd", NULL);
    g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
    write_file(fw, "v1");
    const char *paths[] = { fw, NULL };
    ccm_input_watch_set(f->watch, "alpha", paths);

    g_assert_cmpint(g_unlink(fw), ==, 0);
    g_assert_cmpint(g_rmdir(sub), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), >=, 1);

    guint before = count(f, "alpha");
    g_assert_cmpint(g_mkdir(sub, 0700), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    write_file(fw, "v2");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), >, before);
    before = count(f, "alpha");
    write_file(fw, "v3");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, before + 1);

    ccm_input_watch_remove(f->watch, "alpha");
    g_unlink(fw);
    g_rmdir(sub);
}

/* A link pointed at a file in another folder (update-alternatives, a new package layout):
 * a change of the new target is seen, the old target no longer counts. */
static void test_link_retargeted(Fixture *f, gconstpointer data)
{
    g_autofree char *one = path_of(f, "one");
    g_autofree char *two = path_of(f, "two");
    g_assert_cmpint(g_mkdir(one, 0700), ==, 0);
    g_assert_cmpint(g_mkdir(two, 0700), ==, 0);
    g_autofree char *t1 = g_build_filename(one, "OVMF.fd", NULL);
    g_autofree char *t2 = g_build_filename(two, "OVMF.fd", NULL);
    g_autofree char *link = path_of(f, "OVMF.fd");
    g_autofree char *tmp = path_of(f, "OVMF.fd.new");
    write_file(t1, "one");
    write_file(t2, "two");
    g_assert_cmpint(symlink(t1, link), ==, 0);
    const char *paths[] = { link, NULL };
    ccm_input_watch_set(f->watch, "alpha", paths);

    g_assert_cmpint(symlink(t2, tmp), ==, 0);
    g_assert_cmpint(g_rename(tmp, link), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 1);

    write_file(t2, "two, upgraded");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 2);
    write_file(t1, "one, upgraded");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 2);
    g_assert_cmpuint(ccm_input_watch_n_folders(f->watch), ==, 2);

    ccm_input_watch_remove(f->watch, "alpha");
    g_unlink(t1);
    g_unlink(t2);
    g_rmdir(one);
    g_rmdir(two);
}

/* A chain of links in three folders (update-alternatives: the name, the alternative, the
 * file): pointing the middle link at another file is seen, and so is that file's change. */
static void test_link_chain(Fixture *f, gconstpointer data)
{
    g_autofree char *alt = path_of(f, "alternatives");
    g_autofree char *lib = path_of(f, "lib");
    g_assert_cmpint(g_mkdir(alt, 0700), ==, 0);
    g_assert_cmpint(g_mkdir(lib, 0700), ==, 0);
    g_autofree char *v1 = g_build_filename(lib, "qemu-9", NULL);
    g_autofree char *v2 = g_build_filename(lib, "qemu-10", NULL);
    g_autofree char *middle = g_build_filename(alt, "qemu", NULL);
    g_autofree char *tmp = g_build_filename(alt, "qemu.dpkg-tmp", NULL);
    g_autofree char *name = path_of(f, "qemu");
    write_file(v1, "nine");
    write_file(v2, "ten");
    g_assert_cmpint(symlink(v1, middle), ==, 0);
    g_assert_cmpint(symlink(middle, name), ==, 0);
    const char *paths[] = { name, NULL };
    ccm_input_watch_set(f->watch, "alpha", paths);
    g_assert_cmpuint(ccm_input_watch_n_folders(f->watch), ==, 3);

    g_assert_cmpint(symlink(v2, tmp), ==, 0);
    g_assert_cmpint(g_rename(tmp, middle), ==, 0);
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 1);
    write_file(v2, "ten, patched");
    run_for(DEBOUNCE_MS * 3);
    g_assert_cmpuint(count(f, "alpha"), ==, 2);

    ccm_input_watch_remove(f->watch, "alpha");
    g_unlink(middle);
    g_unlink(v1);
    g_unlink(v2);
    g_rmdir(alt);
    g_rmdir(lib);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/input-watch/rename-over", test_rename_over);
    ADD("/input-watch/which-events", test_which_events);
    ADD("/input-watch/symlink-target", test_symlink_target);
    ADD("/input-watch/folder-created-later", test_folder_created_later);
    ADD("/input-watch/folder-comes-back", test_folder_comes_back);
    ADD("/input-watch/link-retargeted", test_link_retargeted);
    ADD("/input-watch/link-chain", test_link_chain);
    return g_test_run();
}
