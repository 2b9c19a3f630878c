/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-state-store.c - ccmd's SQLite state: schema, transitions, history, values, and
 * refusals that leave the database (or a file that is not one) exactly as it was
 */
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "state-store.h"

typedef struct Fixture {
    char *dir;
    char *path;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("ccm-store-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->path = g_build_filename(f->dir, "ccmd.db", NULL);
}

static void teardown(Fixture *f, gconstpointer data)
{
    g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(f->dir, name, NULL);
        (void) unlink(p);
    }
    (void) rmdir(f->dir);
    g_free(f->dir);
    g_free(f->path);
}

static CcmStoredGuest *guest(const char *name)
{
    CcmStoredGuest *g = g_new0(CcmStoredGuest, 1);
    g->name = g_strdup(name);
    g->spec_path = g_strdup_printf("/etc/ccmd/guests/%s.guest", name);
    g->spec_text = g_strdup("[Guest]\nPlatform=none\n");
    g->platform = g_strdup("none");
    g->state = g_strdup("defined");
    g->reason = g_strdup("added");
    return g;
}

static void sql(const char *path, const char *statement)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, statement, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
}

static void test_create_and_reopen(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
        g_assert_no_error(error);
        g_assert_cmpint(ccm_store_schema_version(s), ==, 3);
        g_autoptr(CcmStoredGuest) g = guest("web1");
        g_assert_true(ccm_store_add_guest(s, g, &error));
        g_assert_true(ccm_store_transition(s, "web1", "running", "started", 4242, 99, "ab12",
                                           &error));
        g_assert_no_error(error);
    }
    /* Everything committed is there after a reopen; the journal mode is WAL. */
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_assert_no_error(error);
    g_autoptr(CcmStoredGuest) g = ccm_store_get_guest(s, "web1", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(g->state, ==, "running");
    g_assert_cmpstr(g->reason, ==, "started");
    g_assert_cmpstr(g->measurement, ==, "ab12");
    g_assert_cmpint(g->pid, ==, 4242);
    g_assert_cmpuint(g->pid_start, ==, 99);
    g_autofree char *wal = g_strconcat(f->path, "-wal", NULL);
    g_assert_true(g_file_test(wal, G_FILE_TEST_EXISTS));
}

static void test_history(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_autoptr(CcmStoredGuest) g = guest("web1");
    g_assert_true(ccm_store_add_guest(s, g, &error));
    const char *states[] = { "starting", "running", "paused", "running", "stopped" };
    for (size_t i = 0; i < G_N_ELEMENTS(states); i++)
        g_assert_true(ccm_store_transition(s, "web1", states[i], NULL, 0, 0, NULL, &error));

    g_autoptr(GPtrArray) all = ccm_store_history(s, "web1", 100, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(all->len, ==, 6); /* the add, then each transition, oldest first */
    g_assert_cmpstr(((CcmStoredEvent *) all->pdata[0])->state, ==, "defined");
    g_assert_cmpstr(((CcmStoredEvent *) all->pdata[5])->state, ==, "stopped");
    g_autoptr(GPtrArray) last = ccm_store_history(s, "web1", 2, &error);
    g_assert_cmpuint(last->len, ==, 2);
    g_assert_cmpstr(((CcmStoredEvent *) last->pdata[0])->state, ==, "running");
    g_assert_cmpstr(((CcmStoredEvent *) last->pdata[1])->state, ==, "stopped");
    /* A transition without a measurement keeps the stored one; pid 0 clears the pid. */
    g_assert_true(ccm_store_transition(s, "web1", "running", NULL, 7, 8, "cd34", &error));
    g_assert_true(ccm_store_transition(s, "web1", "stopped", NULL, 0, 0, NULL, &error));
    g_autoptr(CcmStoredGuest) back = ccm_store_get_guest(s, "web1", &error);
    g_assert_cmpstr(back->measurement, ==, "cd34");
    g_assert_cmpint(back->pid, ==, 0);
}

/* sqlite3 "SELECT COUNT(*) ..." on the file itself, not through the store. */
static int count_rows(const char *path, const char *query)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, query, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void test_history_retention(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_autoptr(CcmStoredGuest) a = guest("web1");
    g_autoptr(CcmStoredGuest) b = guest("web2");
    g_assert_true(ccm_store_add_guest(s, a, &error));
    g_assert_true(ccm_store_add_guest(s, b, &error));
    g_assert_true(ccm_store_transition(s, "web2", "running", "started", 0, 0, NULL, &error));

    /* Many more transitions than are kept, each with its own reason. */
    const int total = CCM_STORE_HISTORY_MAX + 250;
    for (int i = 0; i < total; i++) {
        g_autofree char *reason = g_strdup_printf("event %d", i);
        g_assert_true(ccm_store_transition(s, "web1", i % 2 ? "paused" : "running", reason, 0,
                                           0, NULL, &error));
        g_assert_no_error(error);
    }
    g_assert_cmpint(count_rows(f->path, "SELECT COUNT(*) FROM history WHERE guest = 'web1'"),
                    ==, CCM_STORE_HISTORY_MAX);
    g_autoptr(GPtrArray) all = ccm_store_history(s, "web1", 10 * CCM_STORE_HISTORY_MAX, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(all->len, ==, CCM_STORE_HISTORY_MAX);
    /* The newest are kept, in order: the oldest kept is total - MAX, the last total - 1. */
    for (guint i = 0; i < all->len; i++) {
        g_autofree char *want = g_strdup_printf("event %d", total - CCM_STORE_HISTORY_MAX + (int) i);
        g_assert_cmpstr(((CcmStoredEvent *) all->pdata[i])->reason, ==, want);
    }
    g_autoptr(CcmStoredGuest) back = ccm_store_get_guest(s, "web1", &error);
    g_assert_cmpstr(back->reason, ==, all->len ? ((CcmStoredEvent *) all->pdata[all->len - 1])->reason : "");
    /* Another guest's history is its own: untouched. */
    g_autoptr(GPtrArray) other = ccm_store_history(s, "web2", 100, &error);
    g_assert_cmpuint(other->len, ==, 2);
    g_assert_cmpstr(((CcmStoredEvent *) other->pdata[0])->state, ==, "defined");
    g_assert_cmpstr(((CcmStoredEvent *) other->pdata[1])->reason, ==, "started");
}

static void test_same_state_no_history(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_autoptr(CcmStoredGuest) g = guest("web1");
    g_assert_true(ccm_store_add_guest(s, g, &error));
    g_assert_true(ccm_store_transition(s, "web1", "crashed", "the guest panicked", 77, 5, NULL,
                                       &error));
    /* QEMU is gone: the pid is cleared, the crash is not recorded twice. */
    g_assert_true(ccm_store_transition(s, "web1", "crashed", "the guest panicked", 0, 0, NULL,
                                       &error));
    g_assert_no_error(error);
    g_autoptr(CcmStoredGuest) back = ccm_store_get_guest(s, "web1", &error);
    g_assert_cmpint(back->pid, ==, 0);
    g_assert_cmpint(count_rows(f->path, "SELECT COUNT(*) FROM history WHERE state = 'crashed'"),
                    ==, 1);
    /* A new reason is a new row, and so is a new state with the same reason. */
    g_assert_true(ccm_store_transition(s, "web1", "crashed", "QEMU exited", 0, 0, NULL, &error));
    g_assert_true(ccm_store_transition(s, "web1", "stopped", "QEMU exited", 0, 0, NULL, &error));
    g_autoptr(GPtrArray) all = ccm_store_history(s, "web1", 100, &error);
    g_assert_cmpuint(all->len, ==, 4);
}

static void test_refusals_change_nothing(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_autoptr(CcmStoredGuest) g = guest("web1");
    g_assert_true(ccm_store_add_guest(s, g, &error));

    g_assert_false(ccm_store_add_guest(s, g, &error));
    g_assert_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_false(ccm_store_transition(s, "nosuch", "running", NULL, 0, 0, NULL, &error));
    g_assert_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "nosuch"));
    g_clear_error(&error);
    g_assert_false(ccm_store_remove_guest(s, "nosuch", &error));
    g_assert_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_null(ccm_store_get_guest(s, "nosuch", &error));
    g_assert_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_FOUND);
    g_clear_error(&error);

    /* No history row was written for the unknown guest, one for web1. */
    g_autoptr(GPtrArray) h = ccm_store_history(s, "nosuch", 100, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(h->len, ==, 0);
    g_autoptr(GPtrArray) list = ccm_store_list_guests(s, &error);
    g_assert_cmpuint(list->len, ==, 1);
}

static void test_remove_cascades(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_autoptr(CcmStoredGuest) a = guest("a"), b = guest("b");
    g_assert_true(ccm_store_add_guest(s, a, &error));
    g_assert_true(ccm_store_add_guest(s, b, &error));
    g_autoptr(GHashTable) v = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(v, (gpointer) "snp_launch_measurement", (gpointer) "[\"aa\"]");
    g_assert_true(ccm_store_set_reference_values(s, "a", v, &error));
    g_assert_true(ccm_store_set_reference_values(s, "b", v, &error));

    g_assert_true(ccm_store_remove_guest(s, "a", &error));
    g_autoptr(GPtrArray) values = ccm_store_all_reference_values(s, &error);
    g_assert_cmpuint(values->len, ==, 1);
    g_assert_cmpstr(((CcmStoredValue *) values->pdata[0])->guest, ==, "b");
    g_autoptr(GPtrArray) h = ccm_store_history(s, "a", 100, &error);
    g_assert_cmpuint(h->len, ==, 0);
}

static void test_values_replace(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_autoptr(CcmStoredGuest) a = guest("a");
    g_assert_true(ccm_store_add_guest(s, a, &error));
    g_autoptr(GHashTable) one = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(one, (gpointer) "x", (gpointer) "[\"1\"]");
    g_hash_table_insert(one, (gpointer) "y", (gpointer) "[\"2\"]");
    g_assert_true(ccm_store_set_reference_values(s, "a", one, &error));
    g_autoptr(GHashTable) two = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(two, (gpointer) "x", (gpointer) "[\"3\"]");
    g_assert_true(ccm_store_set_reference_values(s, "a", two, &error));

    g_autoptr(GPtrArray) values = ccm_store_all_reference_values(s, &error);
    g_assert_cmpuint(values->len, ==, 1); /* y is gone: the set is replaced, not merged */
    g_assert_cmpstr(((CcmStoredValue *) values->pdata[0])->value, ==, "[\"3\"]");

    /* Values of an unknown guest are refused by the foreign key. */
    g_assert_false(ccm_store_set_reference_values(s, "nosuch", two, &error));
    g_assert_nonnull(error);
}

/* A database written by a newer ccmd is refused, and left untouched. */
static void test_newer_schema(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    ccm_store_close(ccm_store_open(f->path, &error));
    g_assert_no_error(error);
    sql(f->path, "PRAGMA user_version = 7; CREATE TABLE future (x);");
    g_autofree char *before = NULL;
    gsize size_before = 0;
    g_assert_true(g_file_get_contents(f->path, &before, &size_before, NULL));

    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_assert_null(s);
    g_assert_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_SCHEMA);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, f->path));
    g_assert_nonnull(strstr(error->message, "schema version 7 is newer"));
    g_autofree char *after = NULL;
    gsize size_after = 0;
    g_assert_true(g_file_get_contents(f->path, &after, &size_after, NULL));
    g_assert_cmpmem(before, size_before, after, size_after);
}

/* A file that is not a database: an error naming it, and the file keeps its bytes. */
static void test_not_a_database(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    const char junk[] = "this is not an SQLite database, but somebody's notes\n";
    g_assert_true(g_file_set_contents(f->path, junk, -1, NULL));

    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_assert_null(s);
    g_assert_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, f->path));
    g_autofree char *after = NULL;
    g_assert_true(g_file_get_contents(f->path, &after, NULL, NULL));
    g_assert_cmpstr(after, ==, junk);
}

/* An old database (version 0: created by hand, empty) is migrated in one step. */
static void test_migrate_from_empty(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    sql(f->path, "PRAGMA user_version = 0;");
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(ccm_store_schema_version(s), ==, 3);
}

/* A version-1 database (before libvirt guests) keeps its guests, launched by ccmd; a
 * libvirt guest's origin is stored. */
static void test_migrate_origin(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    sql(f->path,
        "CREATE TABLE guests (name TEXT PRIMARY KEY NOT NULL, spec_path TEXT NOT NULL,"
        " spec_text TEXT NOT NULL, platform TEXT NOT NULL, state TEXT NOT NULL, reason TEXT,"
        " measurement TEXT, pid INTEGER NOT NULL DEFAULT 0, pid_start INTEGER NOT NULL "
        "DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
        "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guest TEXT NOT NULL "
        "REFERENCES guests(name) ON DELETE CASCADE, time INTEGER NOT NULL, state TEXT NOT "
        "NULL, reason TEXT);"
        "CREATE TABLE reference_values (guest TEXT NOT NULL REFERENCES guests(name) ON DELETE "
        "CASCADE, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (guest, name));"
        "INSERT INTO guests VALUES ('old', '/p', '[Guest]', 'none', 'defined', 'added', NULL,"
        " 0, 0, 1, 1);"
        "PRAGMA user_version = 1;");
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(ccm_store_schema_version(s), ==, 3);
    g_autoptr(CcmStoredGuest) old = ccm_store_get_guest(s, "old", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(old->origin, ==, "ccmd");
    g_autoptr(CcmStoredGuest) lv = guest("dom1");
    lv->origin = g_strdup("libvirt");
    g_assert_true(ccm_store_add_guest(s, lv, &error));
    g_autoptr(CcmStoredGuest) back = ccm_store_get_guest(s, "dom1", &error);
    g_assert_cmpstr(back->origin, ==, "libvirt");
}

/* A version-2 database (before the drift guard) keeps its guests and their registered
 * values; they have no record of inputs until one is stored, and removing a guest removes
 * its record. */
static void test_migrate_inputs(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
        g_assert_no_error(error);
        g_autoptr(CcmStoredGuest) g = guest("web1");
        g_assert_true(ccm_store_add_guest(s, g, &error));
        g_autoptr(GHashTable) values = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_insert(values, "snp_launch_measurement", "[\"ab\"]");
        g_assert_true(ccm_store_set_reference_values(s, "web1", values, &error));
        g_assert_no_error(error);
    }
    sql(f->path, "DROP TABLE guest_inputs; PRAGMA user_version = 2;");

    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(ccm_store_schema_version(s), ==, 3);
    g_autoptr(CcmStoredGuest) back = ccm_store_get_guest(s, "web1", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(back->name, ==, "web1");
    g_autoptr(GPtrArray) all = ccm_store_all_reference_values(s, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(all->len, ==, 1);

    g_autofree char *baseline = NULL, *drift = NULL;
    g_assert_true(ccm_store_get_inputs(s, "web1", &baseline, &drift, &error));
    g_assert_null(baseline);
    g_assert_null(drift);
    g_assert_true(ccm_store_set_inputs(s, "web1", "{\"inputs\":[]}", NULL, &error));
    g_assert_no_error(error);
    g_assert_true(ccm_store_get_inputs(s, "web1", &baseline, &drift, &error));
    g_assert_cmpstr(baseline, ==, "{\"inputs\":[]}");
    g_assert_null(drift);

    g_assert_true(ccm_store_remove_guest(s, "web1", &error));
    g_clear_pointer(&baseline, g_free);
    g_assert_true(ccm_store_get_inputs(s, "web1", &baseline, &drift, &error));
    g_assert_null(baseline);
    /* No record for a guest the database does not hold. */
    g_assert_false(ccm_store_set_inputs(s, "gone", "{}", NULL, &error));
    g_assert_nonnull(error);
}

/* A failing migration rolls back: the schema version and tables stay as they were. */
static void test_failed_migration_rolls_back(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    /* A version-0 database that already has a table the first migration creates. */
    sql(f->path, "CREATE TABLE guests (x); INSERT INTO guests VALUES (1);");
    g_autoptr(CcmStore) s = ccm_store_open(f->path, &error);
    g_assert_null(s);
    g_assert_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, f->path));

    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_open(f->path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE "
                                           "name IN ('history', 'reference_values')",
                                       -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int(st, 0), ==, 0);
    sqlite3_finalize(st);
    g_assert_cmpint(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int(st, 0), ==, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/state-store/create-and-reopen", test_create_and_reopen);
    ADD("/state-store/history", test_history);
    ADD("/state-store/history-retention", test_history_retention);
    ADD("/state-store/same-state-no-history", test_same_state_no_history);
    ADD("/state-store/refusals-change-nothing", test_refusals_change_nothing);
    ADD("/state-store/remove-cascades", test_remove_cascades);
    ADD("/state-store/values-replace", test_values_replace);
    ADD("/state-store/newer-schema", test_newer_schema);
    ADD("/state-store/not-a-database", test_not_a_database);
    ADD("/state-store/migrate-from-empty", test_migrate_from_empty);
    ADD("/state-store/migrate-origin", test_migrate_origin);
    ADD("/state-store/migrate-inputs", test_migrate_inputs);
    ADD("/state-store/failed-migration-rolls-back", test_failed_migration_rolls_back);
    return g_test_run();
}
