/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-plan-inputs.c - a plan's host inputs and their identity (launch/plan-inputs.c) */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "plan-inputs.h"

typedef struct Fixture {
    char *dir;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("test-plan-inputs.XXXXXX", NULL);
    g_assert_nonnull(f->dir);
}

static void teardown(Fixture *f, gconstpointer data)
{
    g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            g_rmdir(p);
        else
            g_unlink(p);
    }
    g_rmdir(f->dir);
    g_free(f->dir);
}

static char *write_file(Fixture *f, const char *name, const char *content)
{
    char *path = g_build_filename(f->dir, name, NULL);
    g_assert_true(g_file_set_contents(path, content, -1, NULL));
    return path;
}

static CcmPlanInput *input(const char *role, const char *path)
{
    CcmPlanInput *in = g_new0(CcmPlanInput, 1);
    in->role = g_strdup(role);
    in->path = g_strdup(path);
    return in;
}

/* The digest is SHA-256 of the bytes (an independent computation), with size and mtime. */
static void test_identify(Fixture *f, gconstpointer data)
{
    g_autofree char *path = write_file(f, "fw.fd", "firmware bytes");
    g_autoptr(CcmPlanInput) in = input("firmware", path);
    g_autofree char *expected = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
                                                              "firmware bytes", -1);
    struct stat st;

    g_assert_true(ccm_plan_input_identify(in, NULL));
    g_assert_cmpstr(in->sha256, ==, expected);
    g_assert_cmpuint(in->size, ==, strlen("firmware bytes"));
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(in->mtime_ns, ==, (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec);
    g_assert_null(in->problem);

    /* New content (renamed over): a new digest. */
    g_autofree char *other = write_file(f, "fw.new", "firmware bytes, upgraded");
    g_assert_cmpint(g_rename(other, path), ==, 0);
    g_assert_true(ccm_plan_input_identify(in, NULL));
    g_assert_cmpstr(in->sha256, !=, expected);
    g_assert_cmpuint(in->size, ==, strlen("firmware bytes, upgraded"));
}

/* A link is followed: the identity is the target's. */
static void test_symlink(Fixture *f, gconstpointer data)
{
    g_autofree char *target = write_file(f, "OVMF_CODE.secboot.fd", "code");
    g_autofree char *link = g_build_filename(f->dir, "OVMF_CODE.ms.fd", NULL);
    g_assert_cmpint(symlink("OVMF_CODE.secboot.fd", link), ==, 0);
    g_autoptr(CcmPlanInput) a = input("firmware", link);
    g_autoptr(CcmPlanInput) b = input("firmware", target);
    g_assert_true(ccm_plan_input_identify(a, NULL));
    g_assert_true(ccm_plan_input_identify(b, NULL));
    g_assert_cmpstr(a->sha256, ==, b->sha256);
}

/* Missing and non-regular files: no digest, a problem that says why. */
static void test_unreadable(Fixture *f, gconstpointer data)
{
    g_autofree char *missing = g_build_filename(f->dir, "gone.fd", NULL);
    g_autoptr(CcmPlanInput) in = input("kernel", missing);
    g_assert_false(ccm_plan_input_identify(in, NULL));
    g_assert_null(in->sha256);
    g_assert_cmpstr(in->problem, ==, "missing");

    g_autoptr(CcmPlanInput) dir = input("initrd", f->dir);
    g_assert_false(ccm_plan_input_identify(dir, NULL));
    g_assert_null(dir->sha256);
    g_assert_cmpstr(dir->problem, ==, "not a regular file");

    /* A file that was identified and then removed loses its digest. */
    g_autofree char *path = write_file(f, "k", "kernel");
    g_autoptr(CcmPlanInput) k = input("kernel", path);
    g_assert_true(ccm_plan_input_identify(k, NULL));
    g_unlink(path);
    g_assert_false(ccm_plan_input_identify(k, NULL));
    g_assert_null(k->sha256);
}

/* A cached digest is reused only for the same inode, size, mtime and ctime: new content
 * of the same size with the old mtime put back is still read again. */
static void test_cache(Fixture *f, gconstpointer data)
{
    g_autoptr(CcmInputCache) cache = ccm_input_cache_new();
    g_autofree char *path = write_file(f, "fw.fd", "AAAA");
    g_autoptr(CcmPlanInput) in = input("firmware", path);
    g_autofree char *a = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "AAAA", -1);
    g_autofree char *b = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "BBBB", -1);
    struct stat st;

    g_assert_true(ccm_plan_input_identify(in, cache));
    g_assert_cmpstr(in->sha256, ==, a);
    g_assert_true(ccm_plan_input_identify(in, cache));
    g_assert_cmpstr(in->sha256, ==, a);

    /* Rewritten in place, same size, mtime set back: ctime differs. */
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_usleep(20000); /* past the file system's timestamp granularity */
    FILE *fp = fopen(path, "r+");
    g_assert_nonnull(fp);
    g_assert_cmpint(fputs("BBBB", fp), >=, 0);
    g_assert_cmpint(fclose(fp), ==, 0);
    struct timespec times[2] = { st.st_atim, st.st_mtim };
    g_assert_cmpint(utimensat(AT_FDCWD, path, times, 0), ==, 0);
    g_assert_true(ccm_plan_input_identify(in, cache));
    g_assert_cmpstr(in->sha256, ==, b);

    /* Renamed over with the same content: another inode, read again, same digest. */
    g_autofree char *other = write_file(f, "fw.new", "BBBB");
    g_assert_cmpint(g_rename(other, path), ==, 0);
    g_assert_true(ccm_plan_input_identify(in, cache));
    g_assert_cmpstr(in->sha256, ==, b);
}

/* The roles a spec gives, and the stored form read back. */
static void test_plan_roles_and_json(Fixture *f, gconstpointer data)
{
    g_autofree char *fw = write_file(f, "fw.fd", "fw");
    g_autofree char *kernel = write_file(f, "vmlinuz", "kernel");
    g_autofree char *initrd = write_file(f, "initrd.img", "initrd");
    g_autofree char *text = g_strdup_printf("[Guest]\nName=g\nPlatform=none\nAccelerator=tcg\n"
                                            "Firmware=%s\nKernel=%s\nInitrd=%s\n"
                                            "QEMU=/nonexistent/qemu-system-x86_64\n",
                                            fw, kernel, initrd);
    g_autofree char *spec_path = g_build_filename(f->dir, "g.guest", NULL);
    g_autoptr(GError) error = NULL;
    CcmGuestSpec *spec = ccm_guest_spec_parse(spec_path, text, strlen(text), &error);
    g_assert_no_error(error);
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(spec, NULL, &error);
    g_assert_no_error(error);

    g_autoptr(GPtrArray) inputs = ccm_plan_inputs(plan);
    const char *roles[] = { "firmware", "kernel", "initrd", "qemu" };
    g_assert_cmpuint(inputs->len, ==, G_N_ELEMENTS(roles));
    for (guint i = 0; i < inputs->len; i++)
        g_assert_cmpstr(((CcmPlanInput *) inputs->pdata[i])->role, ==, roles[i]);
    g_assert_cmpstr(ccm_plan_inputs_find(inputs, "kernel")->path, ==, kernel);
    g_assert_null(ccm_plan_inputs_find(inputs, "dtb"));

    /* The QEMU named does not exist: one input unreadable. */
    g_assert_cmpuint(ccm_plan_inputs_identify(inputs, NULL), ==, 1);
    json_object *json = ccm_plan_inputs_to_json(inputs);
    g_autoptr(GPtrArray) back = ccm_plan_inputs_from_json(json);
    json_object_put(json);
    g_assert_nonnull(back);
    g_assert_cmpuint(back->len, ==, inputs->len);
    for (guint i = 0; i < back->len; i++) {
        const CcmPlanInput *a = inputs->pdata[i], *b = back->pdata[i];
        g_assert_cmpstr(a->role, ==, b->role);
        g_assert_cmpstr(a->path, ==, b->path);
        g_assert_cmpstr(a->sha256, ==, b->sha256);
        g_assert_cmpuint(a->size, ==, b->size);
        g_assert_cmpint(a->mtime_ns, ==, b->mtime_ns);
    }
    g_assert_null(ccm_plan_inputs_find(back, "qemu")->sha256);

    /* Not the stored shape: refused. */
    json_object *bad = json_tokener_parse("[{\"role\": \"firmware\"}]");
    g_assert_null(ccm_plan_inputs_from_json(bad));
    json_object_put(bad);
    g_assert_null(ccm_plan_inputs_from_json(NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/plan-inputs/identify", test_identify);
    ADD("/plan-inputs/symlink", test_symlink);
    ADD("/plan-inputs/unreadable", test_unreadable);
    ADD("/plan-inputs/cache", test_cache);
    ADD("/plan-inputs/plan-roles-and-json", test_plan_roles_and_json);
    return g_test_run();
}
