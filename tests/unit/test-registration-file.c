/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-registration-file.c - the embedded registration backend: the RVPS "sample"
 * message it exports (merged, sorted, base64 payload), withdrawal, and an export that
 * fails without changing the database or the file
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "registration-file.h"

typedef struct Fixture {
    char *dir;
    CcmStore *store;
    char *values_path;
} Fixture;

static void add_guest(CcmStore *s, const char *name)
{
    g_autoptr(GError) error = NULL;
    CcmStoredGuest g = {
        .name = (char *) name, .spec_path = (char *) "/x.guest", .spec_text = (char *) "",
        .platform = (char *) "sev-snp", .state = (char *) "defined",
    };
    g_assert_true(ccm_store_add_guest(s, &g, &error));
}

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("ccm-registration-XXXXXX", NULL);
    g_autofree char *db = g_build_filename(f->dir, "ccmd.db", NULL);
    f->store = ccm_store_open(db, &error);
    g_assert_no_error(error);
    f->values_path = g_build_filename(f->dir, "reference-values.json", NULL);
    add_guest(f->store, "a");
    add_guest(f->store, "b");
}

static void teardown(Fixture *f, gconstpointer data)
{
    ccm_store_close(f->store);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
    g_assert_cmpint(system(cmd), ==, 0);
    g_free(f->dir);
    g_free(f->values_path);
}

typedef struct Result {
    bool done;
    gboolean ok;
    GError *error;
} Result;

static void finished(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Result *r = userdata;
    r->ok = ccm_registration_finish(res, &r->error);
    r->done = true;
}

static gboolean do_register(CcmRegistration *reg, const char *guest, const char *name,
                            const char *value, GError **error)
{
    g_autoptr(GHashTable) values = g_hash_table_new(g_str_hash, g_str_equal);
    Result r = { 0 };
    if (name)
        g_hash_table_insert(values, (gpointer) name, (gpointer) value);
    reg->ops->register_async(reg, guest, NULL, values, NULL, finished, &r);
    while (!r.done)
        g_main_context_iteration(NULL, TRUE);
    if (r.error)
        g_propagate_error(error, r.error);
    return r.ok;
}

static gboolean do_withdraw(CcmRegistration *reg, const char *guest, GError **error)
{
    Result r = { 0 };
    reg->ops->withdraw_async(reg, guest, NULL, NULL, finished, &r);
    while (!r.done)
        g_main_context_iteration(NULL, TRUE);
    if (r.error)
        g_propagate_error(error, r.error);
    return r.ok;
}

/* The file's payload, decoded, as JSON text. */
static char *payload_of(const char *path)
{
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    json_object *m = json_tokener_parse(text), *v = NULL;
    g_assert_nonnull(m);
    g_assert_true(json_object_object_get_ex(m, "version", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "0.1.0");
    g_assert_true(json_object_object_get_ex(m, "type", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "sample");
    g_assert_true(json_object_object_get_ex(m, "payload", &v));
    gsize n = 0;
    g_autofree guchar *raw = g_base64_decode(json_object_get_string(v), &n);
    json_object_put(m);
    json_object *p = json_tokener_parse((const char *) raw);
    g_assert_nonnull(p);
    char *out = g_strdup(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN));
    json_object_put(p);
    return out;
}

static void test_merge_and_withdraw(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmRegistration) reg = ccm_registration_file_new(f->store, f->values_path);

    g_assert_true(do_register(reg, "b", "snp_launch_measurement", "[\"bb\"]", &error));
    g_assert_true(do_register(reg, "a", "snp_launch_measurement", "[\"aa\"]", &error));
    g_assert_no_error(error);
    g_autofree char *both = payload_of(f->values_path);
    /* One list per name, sorted, whichever guest came first. */
    g_assert_cmpstr(both, ==, "{\"snp_launch_measurement\":[\"aa\",\"bb\"]}");

    /* Registering the same value twice changes nothing; a duplicate is listed once. */
    g_assert_true(do_register(reg, "b", "snp_launch_measurement", "[\"aa\"]", &error));
    g_autofree char *dup = payload_of(f->values_path);
    g_assert_cmpstr(dup, ==, "{\"snp_launch_measurement\":[\"aa\"]}");

    g_assert_true(do_withdraw(reg, "a", &error));
    g_autofree char *after_a = payload_of(f->values_path);
    g_assert_cmpstr(after_a, ==, "{\"snp_launch_measurement\":[\"aa\"]}"); /* b's */
    g_assert_true(do_withdraw(reg, "b", &error));
    g_autofree char *none = payload_of(f->values_path);
    g_assert_cmpstr(none, ==, "{}");

    /* Written by rename: no temporary files are left beside it. */
    g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(d)))
        g_assert_true(g_str_has_prefix(name, "ccmd.db") ||
                      strcmp(name, "reference-values.json") == 0);
}

/* The export cannot be written: the registration fails naming the guest and the file,
 * and the database keeps the values it had, so the next export is still right. */
static void test_failed_export_changes_nothing(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmRegistration) good = ccm_registration_file_new(f->store, f->values_path);
    g_assert_true(do_register(good, "a", "snp_launch_measurement", "[\"aa\"]", &error));

    g_autofree char *bad_path = g_build_filename(f->dir, "missing", "values.json", NULL);
    g_autoptr(CcmRegistration) bad = ccm_registration_file_new(f->store, bad_path);
    g_assert_false(do_register(bad, "a", "snp_launch_measurement", "[\"zz\"]", &error));
    g_assert_error(error, CCM_REGISTRATION_ERROR, CCM_REGISTRATION_ERROR_FAILED);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "'a'"));
    g_assert_nonnull(strstr(error->message, bad_path));
    g_clear_error(&error);

    g_autofree char *message = ccm_registration_file_message(f->store, &error);
    g_assert_no_error(error);
    g_autofree char *kept = payload_of(f->values_path);
    g_assert_cmpstr(kept, ==, "{\"snp_launch_measurement\":[\"aa\"]}");
    g_autofree char *on_disk = NULL;
    g_assert_true(g_file_get_contents(f->values_path, &on_disk, NULL, NULL));
    g_assert_cmpstr(message, ==, on_disk); /* the database still says what the file says */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/registration-file/merge-and-withdraw", Fixture, NULL, setup,
               test_merge_and_withdraw, teardown);
    g_test_add("/registration-file/failed-export-changes-nothing", Fixture, NULL, setup,
               test_failed_export_changes_nothing, teardown);
    return g_test_run();
}
