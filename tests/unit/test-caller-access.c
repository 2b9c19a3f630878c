/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-caller-access.c - the POSIX permission evaluation ccmd makes for its callers
 * (caller-access.c), on real files and folders with real modes: owner, group and other
 * bits, search permission on the folders above, symlinks judged by their target,
 * creating files, sockets, and what an output path resolves to
 */
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "caller-access.h"

typedef struct Fixture {
    char *dir;
    gid_t group_list[1];
    CcmCaller owner;     /* the files' owner (this process's uid) */
    CcmCaller grouped;   /* another uid in the files' group (as a supplementary group) */
    CcmCaller stranger;  /* another uid, other groups */
} Fixture;

static char *make_file(Fixture *f, const char *name, mode_t mode)
{
    char *path = g_build_filename(f->dir, name, NULL);
    g_assert_true(g_file_set_contents(path, "x", 1, NULL));
    g_assert_cmpint(chmod(path, mode), ==, 0);
    return path;
}

static char *make_dir(Fixture *f, const char *name, mode_t mode)
{
    char *path = g_build_filename(f->dir, name, NULL);
    g_assert_cmpint(mkdir(path, 0700), ==, 0);
    g_assert_cmpint(chmod(path, mode), ==, 0);
    return path;
}

static void setup(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("ccm-access-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    g_assert_cmpint(chmod(f->dir, 0755), ==, 0);
    f->group_list[0] = getegid();
    f->owner = (CcmCaller) { .class = CCM_CALLER_MEMBER, .uid = geteuid(), .gid = getegid() };
    f->grouped = (CcmCaller) { .class = CCM_CALLER_MEMBER, .uid = geteuid() + 4242,
                               .gid = getegid() + 4242, .groups = f->group_list,
                               .n_groups = 1 };
    f->stranger = (CcmCaller) { .class = CCM_CALLER_MEMBER, .uid = geteuid() + 4243,
                                .gid = getegid() + 4243 };
}

/* Removes the fixture folder and one level of folders below it. */
static void remove_tree(const char *dir, int depth)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    (void) chmod(dir, 0700);
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);
        struct stat st;
        if (depth > 0 && lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p, depth - 1);
        else
            (void) unlink(p);
    }
    (void) rmdir(dir);
}

static void teardown(Fixture *f, gconstpointer data)
{
    remove_tree(f->dir, 1);
    g_free(f->dir);
}

/* Whether @c may open @path for @access; the reason, if not, must hold @why. */
static void expect(const CcmCaller *c, const char *path, CcmAccess access, const char *why)
{
    g_autofree char *reason = NULL;
    bool ok = ccm_caller_may_open(c, path, access, &reason);
    if (!why) {
        g_assert_true(ok);
        g_assert_null(reason);
        return;
    }
    g_assert_false(ok);
    g_assert_nonnull(reason);
    if (!strstr(reason, why))
        g_error("%s: expected a reason with '%s', got '%s'", path, why, reason);
}

static void test_mode_bits(Fixture *f, gconstpointer data)
{
    g_autofree char *f640 = make_file(f, "f640", 0640);
    g_autofree char *f604 = make_file(f, "f604", 0604);
    g_autofree char *f066 = make_file(f, "f066", 0066);

    expect(&f->owner, f640, CCM_ACCESS_READ | CCM_ACCESS_WRITE, NULL);
    expect(&f->grouped, f640, CCM_ACCESS_READ, NULL);
    expect(&f->grouped, f640, CCM_ACCESS_READ | CCM_ACCESS_WRITE, "cannot write it");
    expect(&f->stranger, f640, CCM_ACCESS_READ, "cannot read it");
    /* The group bits apply to the group even when the other bits would allow more. */
    expect(&f->grouped, f604, CCM_ACCESS_READ, "cannot read it");
    expect(&f->stranger, f604, CCM_ACCESS_READ, NULL);
    /* And the owner bits to the owner. */
    expect(&f->owner, f066, CCM_ACCESS_READ, "cannot read it");
    expect(&f->grouped, f066, CCM_ACCESS_READ | CCM_ACCESS_WRITE, NULL);
}

static void test_folders(Fixture *f, gconstpointer data)
{
    g_autofree char *closed = make_dir(f, "closed", 0750);
    g_autofree char *inner = g_build_filename(closed, "inner", NULL);
    g_assert_true(g_file_set_contents(inner, "x", 1, NULL));
    g_assert_cmpint(chmod(inner, 0644), ==, 0);

    expect(&f->owner, inner, CCM_ACCESS_READ, NULL);
    expect(&f->grouped, inner, CCM_ACCESS_READ, NULL);
    g_autofree char *why = g_strdup_printf("cannot search the folder %s", closed);
    expect(&f->stranger, inner, CCM_ACCESS_READ, why);
    expect(&f->stranger, "/nonexistent/file", CCM_ACCESS_READ, "it does not exist");
}

static void test_symlinks(Fixture *f, gconstpointer data)
{
    g_autofree char *secret = make_file(f, "secret", 0600);
    g_free(make_file(f, "open", 0644));
    g_autofree char *to_secret = g_build_filename(f->dir, "to-secret", NULL);
    g_autofree char *to_open = g_build_filename(f->dir, "to-open", NULL);
    g_assert_cmpint(symlink(secret, to_secret), ==, 0);
    g_assert_cmpint(symlink("open", to_open), ==, 0);

    /* A symlink grants nothing: its target decides. */
    expect(&f->stranger, to_secret, CCM_ACCESS_READ, "cannot read it");
    expect(&f->stranger, to_open, CCM_ACCESS_READ, NULL);
}

static void test_create(Fixture *f, gconstpointer data)
{
    g_autofree char *shared = make_dir(f, "shared", 0777);
    g_autofree char *mine = make_dir(f, "mine", 0755);
    g_autofree char *in_shared = g_build_filename(shared, "new.log", NULL);
    g_autofree char *in_mine = g_build_filename(mine, "new.log", NULL);
    g_autofree char *existing = make_file(f, "existing.log", 0646);
    g_autofree char *dangling = g_build_filename(f->dir, "dangling", NULL);
    g_assert_cmpint(symlink("/nonexistent/target", dangling), ==, 0);
    g_autofree char *why = NULL;

    g_assert_true(ccm_caller_may_create(&f->stranger, in_shared, &why));
    g_assert_true(ccm_caller_may_create(&f->owner, in_mine, &why));
    g_assert_false(ccm_caller_may_create(&f->stranger, in_mine, &why));
    g_assert_nonnull(strstr(why, "cannot create files in the folder"));
    g_clear_pointer(&why, g_free);
    g_assert_true(ccm_caller_may_create(&f->stranger, existing, &why));
    g_assert_false(ccm_caller_may_create(&f->grouped, existing, &why));
    g_assert_cmpstr(why, ==, "cannot write it");
    g_clear_pointer(&why, g_free);
    g_assert_false(ccm_caller_may_create(&f->owner, dangling, &why));
    g_assert_nonnull(strstr(why, "symlink to a file that does not exist"));
}

static void test_output_target(Fixture *f, gconstpointer data)
{
    g_autofree char *real_dir = ccm_output_target(f->dir, NULL);
    g_free(make_dir(f, "target", 0755));
    g_autofree char *via = g_build_filename(f->dir, "via", NULL);
    g_assert_cmpint(symlink("target", via), ==, 0);
    g_autofree char *through = g_build_filename(via, "..", "via", "new.log", NULL);
    g_autofree char *why = NULL;

    /* A new file through a symlinked folder ends up in the folder's real place. */
    g_autofree char *t = ccm_output_target(through, &why);
    g_autofree char *want = g_build_filename(real_dir, "target", "new.log", NULL);
    g_assert_cmpstr(t, ==, want);
    g_autofree char *missing = ccm_output_target("/nonexistent/folder/x", &why);
    g_assert_null(missing);
    g_assert_nonnull(strstr(why, "/nonexistent/folder"));
}

static void test_socket(Fixture *f, gconstpointer data)
{
    g_autofree char *path = g_build_filename(f->dir, "qgs.sock", NULL);
    g_autofree char *plain = make_file(f, "plain", 0666);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(chmod(path, 0660), ==, 0);

    expect(&f->grouped, path, CCM_ACCESS_CONNECT, NULL);
    expect(&f->stranger, path, CCM_ACCESS_CONNECT, "cannot connect to it");
    expect(&f->owner, plain, CCM_ACCESS_CONNECT, "it is not a UNIX socket");
    close(fd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/caller-access/mode-bits", Fixture, NULL, setup, test_mode_bits, teardown);
    g_test_add("/caller-access/folders", Fixture, NULL, setup, test_folders, teardown);
    g_test_add("/caller-access/symlinks", Fixture, NULL, setup, test_symlinks, teardown);
    g_test_add("/caller-access/create", Fixture, NULL, setup, test_create, teardown);
    g_test_add("/caller-access/output-target", Fixture, NULL, setup, test_output_target,
               teardown);
    g_test_add("/caller-access/socket", Fixture, NULL, setup, test_socket, teardown);
    return g_test_run();
}
