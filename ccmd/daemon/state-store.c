/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * state-store.c - ccmd's state in SQLite: guests, their transitions, reference values
 *
 * Theory of operation: every state change is one transaction (the guest row, its
 * history row, and whatever else changes with it), so a ccmd killed at any moment
 * leaves either the old or the new state on disk. The database runs in WAL mode with
 * synchronous=FULL: a committed transition survives power loss. The schema carries
 * its version in PRAGMA user_version; opening applies the missing migrations in one
 * transaction and refuses a database from a newer ccmd. The history is bounded: each
 * new row deletes the guest's rows beyond the newest CCM_STORE_HISTORY_MAX in the same
 * transaction, and a transition that changes neither state nor reason (QEMU's pid
 * cleared after a recorded crash, say) adds no row.
 */
#include <string.h>

#include <sqlite3.h>

#include "state-store.h"

G_DEFINE_QUARK(ccm-store-error-quark, ccm_store_error)

struct CcmStore {
    char *path;
    sqlite3 *db;
};

/* Migration N takes the schema from version N to N+1. */
static const char *const migrations[] = {
    "CREATE TABLE guests ("
    "  name TEXT PRIMARY KEY NOT NULL,"
    "  spec_path TEXT NOT NULL,"
    "  spec_text TEXT NOT NULL,"
    "  platform TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  reason TEXT,"
    "  measurement TEXT,"
    "  pid INTEGER NOT NULL DEFAULT 0,"
    "  pid_start INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE history ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  guest TEXT NOT NULL REFERENCES guests(name) ON DELETE CASCADE,"
    "  time INTEGER NOT NULL,"
    "  state TEXT NOT NULL,"
    "  reason TEXT);"
    "CREATE INDEX history_guest ON history(guest, id);"
    "CREATE TABLE reference_values ("
    "  guest TEXT NOT NULL REFERENCES guests(name) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY (guest, name));",
    /* 1 -> 2: who launches the guest: ccmd itself, or libvirt (its hook tells ccmd). */
    "ALTER TABLE guests ADD COLUMN origin TEXT NOT NULL DEFAULT 'ccmd';",
    /* 2 -> 3: the drift guard (guest-drift.c): the identity of the host files the guest's
     * registered expectation was computed from, and the drift seen since (JSON). */
    "CREATE TABLE guest_inputs ("
    "  guest TEXT PRIMARY KEY NOT NULL REFERENCES guests(name) ON DELETE CASCADE,"
    "  baseline TEXT NOT NULL,"
    "  drift TEXT);",
};

static gboolean db_error(CcmStore *s, GError **error, const char *what)
{
    g_set_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO, "%s: %s: %s", s->path, what,
                sqlite3_errmsg(s->db));
    return FALSE;
}

static gboolean exec(CcmStore *s, const char *sql, GError **error)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        g_set_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO, "%s: %s", s->path,
                    msg ? msg : "SQLite error");
        sqlite3_free(msg);
        return FALSE;
    }
    return TRUE;
}

int ccm_store_schema_version(CcmStore *s)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static gboolean migrate(CcmStore *s, GError **error)
{
    int version = ccm_store_schema_version(s);
    int latest = (int) G_N_ELEMENTS(migrations);

    if (version < 0)
        return db_error(s, error, "cannot read the schema version");
    if (version > latest) {
        g_set_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_SCHEMA,
                    "%s: schema version %d is newer than this ccmd knows (%d); refusing to "
                    "touch it",
                    s->path, version, latest);
        return FALSE;
    }
    if (version == latest)
        return TRUE;
    if (!exec(s, "BEGIN IMMEDIATE", error))
        return FALSE;
    for (int v = version; v < latest; v++) {
        g_autofree char *bump = g_strdup_printf("PRAGMA user_version = %d", v + 1);
        if (!exec(s, migrations[v], error) || !exec(s, bump, error)) {
            (void) exec(s, "ROLLBACK", NULL);
            return FALSE;
        }
    }
    return exec(s, "COMMIT", error);
}

CcmStore *ccm_store_open(const char *path, GError **error)
{
    g_autoptr(CcmStore) s = g_new0(CcmStore, 1);
    s->path = g_strdup(path);

    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                          SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        db_error(s, error, "cannot open the state database");
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (!exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
              error) ||
        !migrate(s, error))
        return NULL;
    return g_steal_pointer(&s);
}

void ccm_store_close(CcmStore *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    g_free(s->path);
    g_free(s);
}

void ccm_stored_guest_free(CcmStoredGuest *g)
{
    if (!g)
        return;
    g_free(g->name);
    g_free(g->spec_path);
    g_free(g->spec_text);
    g_free(g->origin);
    g_free(g->platform);
    g_free(g->state);
    g_free(g->reason);
    g_free(g->measurement);
    g_free(g);
}

static char *column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? g_strdup((const char *) t) : NULL;
}

#define GUEST_COLUMNS                                                                          \
    "name, spec_path, spec_text, platform, state, reason, measurement, pid, pid_start, "      \
    "created_at, updated_at, origin"

static CcmStoredGuest *guest_from_row(sqlite3_stmt *st)
{
    CcmStoredGuest *g = g_new0(CcmStoredGuest, 1);
    g->name = column_text(st, 0);
    g->spec_path = column_text(st, 1);
    g->spec_text = column_text(st, 2);
    g->platform = column_text(st, 3);
    g->state = column_text(st, 4);
    g->reason = column_text(st, 5);
    g->measurement = column_text(st, 6);
    g->pid = sqlite3_column_int64(st, 7);
    g->pid_start = (uint64_t) sqlite3_column_int64(st, 8);
    g->created_at = sqlite3_column_int64(st, 9);
    g->updated_at = sqlite3_column_int64(st, 10);
    g->origin = column_text(st, 11);
    return g;
}

GPtrArray *ccm_store_list_guests(CcmStore *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify) ccm_stored_guest_free);
    int r;

    if (sqlite3_prepare_v2(s->db, "SELECT " GUEST_COLUMNS " FROM guests ORDER BY name", -1, &st,
                           NULL) != SQLITE_OK) {
        db_error(s, error, "cannot list guests");
        g_ptr_array_unref(all);
        return NULL;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        g_ptr_array_add(all, guest_from_row(st));
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) {
        db_error(s, error, "cannot list guests");
        g_ptr_array_unref(all);
        return NULL;
    }
    return all;
}

CcmStoredGuest *ccm_store_get_guest(CcmStore *s, const char *name, GError **error)
{
    sqlite3_stmt *st = NULL;
    CcmStoredGuest *g = NULL;

    if (sqlite3_prepare_v2(s->db, "SELECT " GUEST_COLUMNS " FROM guests WHERE name = ?", -1, &st,
                           NULL) != SQLITE_OK) {
        db_error(s, error, "cannot read a guest");
        return NULL;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        g = guest_from_row(st);
    sqlite3_finalize(st);
    if (r == SQLITE_DONE)
        g_set_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_FOUND, "no guest '%s'", name);
    else if (r != SQLITE_ROW)
        db_error(s, error, "cannot read a guest");
    return g;
}

static gboolean add_history(CcmStore *s, const char *name, int64_t now, const char *state,
                            const char *reason, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO history (guest, time, state, reason) "
                                  "VALUES (?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, error, "cannot record history");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return db_error(s, error, "cannot record history");

    /* Retention: the newest CCM_STORE_HISTORY_MAX rows stay (history_guest indexes this). */
    if (sqlite3_prepare_v2(s->db,
                           "DELETE FROM history WHERE guest = ?1 AND id <= (SELECT id FROM "
                           "history WHERE guest = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, error, "cannot prune history");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, CCM_STORE_HISTORY_MAX);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? TRUE : db_error(s, error, "cannot prune history");
}

/* Runs @body inside BEGIN IMMEDIATE ... COMMIT, rolling back on failure. */
typedef gboolean (*TxBody)(CcmStore *s, gpointer data, GError **error);
static gboolean transaction(CcmStore *s, TxBody body, gpointer data, GError **error)
{
    if (!exec(s, "BEGIN IMMEDIATE", error))
        return FALSE;
    if (!body(s, data, error)) {
        (void) exec(s, "ROLLBACK", NULL);
        return FALSE;
    }
    if (!exec(s, "COMMIT", error)) {
        (void) exec(s, "ROLLBACK", NULL);
        return FALSE;
    }
    return TRUE;
}

static gboolean add_body(CcmStore *s, gpointer data, GError **error)
{
    const CcmStoredGuest *g = data;
    sqlite3_stmt *st = NULL;
    int64_t now = g_get_real_time();

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO guests (" GUEST_COLUMNS ") "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, error, "cannot add a guest");
    sqlite3_bind_text(st, 1, g->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, g->spec_path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, g->spec_text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, g->platform, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, g->state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, g->reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, g->measurement, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, g->pid);
    sqlite3_bind_int64(st, 9, (int64_t) g->pid_start);
    sqlite3_bind_int64(st, 10, now);
    sqlite3_bind_int64(st, 11, now);
    sqlite3_bind_text(st, 12, g->origin ? g->origin : "ccmd", -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r == SQLITE_CONSTRAINT) {
        g_set_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_EXISTS, "a guest '%s' exists already",
                    g->name);
        return FALSE;
    }
    if (r != SQLITE_DONE)
        return db_error(s, error, "cannot add a guest");
    return add_history(s, g->name, now, g->state, g->reason, error);
}

gboolean ccm_store_add_guest(CcmStore *s, const CcmStoredGuest *guest, GError **error)
{
    return transaction(s, add_body, (gpointer) guest, error);
}

typedef struct Transition {
    const char *name, *state, *reason, *measurement;
    int64_t pid;
    uint64_t pid_start;
} Transition;

static gboolean transition_body(CcmStore *s, gpointer data, GError **error)
{
    const Transition *t = data;
    sqlite3_stmt *st = NULL;
    int64_t now = g_get_real_time();
    bool same = false;

    /* Neither state nor reason changes: the guest row is updated, the history is not. */
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM guests WHERE name = ? AND state = ? AND "
                                  "reason IS ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, error, "cannot read a guest");
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, t->state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, t->reason, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return db_error(s, error, "cannot read a guest");
    same = r == SQLITE_ROW;

    if (sqlite3_prepare_v2(s->db,
                           "UPDATE guests SET state = ?, reason = ?, pid = ?, pid_start = ?, "
                           "measurement = COALESCE(?, measurement), updated_at = ? "
                           "WHERE name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, error, "cannot update a guest");
    sqlite3_bind_text(st, 1, t->state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, t->reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, t->pid);
    sqlite3_bind_int64(st, 4, (int64_t) t->pid_start);
    sqlite3_bind_text(st, 5, t->measurement, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_text(st, 7, t->name, -1, SQLITE_TRANSIENT);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return db_error(s, error, "cannot update a guest");
    if (sqlite3_changes(s->db) != 1) {
        g_set_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_FOUND, "no guest '%s'", t->name);
        return FALSE;
    }
    return same || add_history(s, t->name, now, t->state, t->reason, error);
}

gboolean ccm_store_transition(CcmStore *s, const char *name, const char *state,
                              const char *reason, int64_t pid, uint64_t pid_start,
                              const char *measurement, GError **error)
{
    Transition t = { name, state, reason, measurement, pid, pid_start };
    return transaction(s, transition_body, &t, error);
}

static gboolean remove_body(CcmStore *s, gpointer data, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM guests WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
        return db_error(s, error, "cannot remove a guest");
    sqlite3_bind_text(st, 1, data, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return db_error(s, error, "cannot remove a guest");
    if (sqlite3_changes(s->db) != 1) {
        g_set_error(error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_FOUND, "no guest '%s'",
                    (const char *) data);
        return FALSE;
    }
    return TRUE;
}

gboolean ccm_store_remove_guest(CcmStore *s, const char *name, GError **error)
{
    return transaction(s, remove_body, (gpointer) name, error);
}

static void event_free(gpointer p)
{
    CcmStoredEvent *e = p;
    g_free(e->state);
    g_free(e->reason);
    g_free(e);
}

GPtrArray *ccm_store_history(CcmStore *s, const char *name, unsigned limit, GError **error)
{
    sqlite3_stmt *st = NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func(event_free);
    int r;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT time, state, reason FROM (SELECT id, time, state, reason FROM "
                           "history WHERE guest = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        db_error(s, error, "cannot read history");
        g_ptr_array_unref(all);
        return NULL;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, (int) limit);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        CcmStoredEvent *e = g_new0(CcmStoredEvent, 1);
        e->time = sqlite3_column_int64(st, 0);
        e->state = column_text(st, 1);
        e->reason = column_text(st, 2);
        g_ptr_array_add(all, e);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) {
        db_error(s, error, "cannot read history");
        g_ptr_array_unref(all);
        return NULL;
    }
    return all;
}

typedef struct SetValues {
    const char *guest;
    GHashTable *values;
} SetValues;

static gboolean set_values_body(CcmStore *s, gpointer data, GError **error)
{
    const SetValues *v = data;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(s->db, "DELETE FROM reference_values WHERE guest = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(s, error, "cannot replace reference values");
    sqlite3_bind_text(st, 1, v->guest, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return db_error(s, error, "cannot replace reference values");

    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, v->values);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (sqlite3_prepare_v2(s->db, "INSERT INTO reference_values (guest, name, value) "
                                      "VALUES (?, ?, ?)",
                               -1, &st, NULL) != SQLITE_OK)
            return db_error(s, error, "cannot store a reference value");
        sqlite3_bind_text(st, 1, v->guest, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, value, -1, SQLITE_TRANSIENT);
        r = sqlite3_step(st);
        sqlite3_finalize(st);
        if (r != SQLITE_DONE)
            return db_error(s, error, "cannot store a reference value");
    }
    return TRUE;
}

gboolean ccm_store_set_reference_values(CcmStore *s, const char *guest, GHashTable *values,
                                        GError **error)
{
    SetValues v = { guest, values };
    return transaction(s, set_values_body, &v, error);
}

static void value_free(gpointer p)
{
    CcmStoredValue *v = p;
    g_free(v->guest);
    g_free(v->name);
    g_free(v->value);
    g_free(v);
}

GPtrArray *ccm_store_all_reference_values(CcmStore *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    GPtrArray *all = g_ptr_array_new_with_free_func(value_free);
    int r;

    if (sqlite3_prepare_v2(s->db, "SELECT guest, name, value FROM reference_values "
                                  "ORDER BY name, guest",
                           -1, &st, NULL) != SQLITE_OK) {
        db_error(s, error, "cannot read reference values");
        g_ptr_array_unref(all);
        return NULL;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        CcmStoredValue *v = g_new0(CcmStoredValue, 1);
        v->guest = column_text(st, 0);
        v->name = column_text(st, 1);
        v->value = column_text(st, 2);
        g_ptr_array_add(all, v);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) {
        db_error(s, error, "cannot read reference values");
        g_ptr_array_unref(all);
        return NULL;
    }
    return all;
}

/* ---- the drift guard's record ---------------------------------------------------------- */

typedef struct SetInputs {
    const char *guest, *baseline, *drift;
} SetInputs;

static gboolean set_inputs_body(CcmStore *s, gpointer data, GError **error)
{
    const SetInputs *v = data;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO guest_inputs (guest, baseline, drift) "
                                  "VALUES (?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, error, "cannot store a guest's inputs");
    sqlite3_bind_text(st, 1, v->guest, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, v->baseline, -1, SQLITE_TRANSIENT);
    if (v->drift)
        sqlite3_bind_text(st, 3, v->drift, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 3);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return db_error(s, error, "cannot store a guest's inputs");
    return TRUE;
}

gboolean ccm_store_set_inputs(CcmStore *s, const char *guest, const char *baseline,
                              const char *drift, GError **error)
{
    SetInputs v = { guest, baseline, drift };
    return transaction(s, set_inputs_body, &v, error);
}

gboolean ccm_store_get_inputs(CcmStore *s, const char *guest, char **ret_baseline,
                              char **ret_drift, GError **error)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(s->db, "SELECT baseline, drift FROM guest_inputs WHERE guest = ?", -1,
                           &st, NULL) != SQLITE_OK)
        return db_error(s, error, "cannot read a guest's inputs");
    sqlite3_bind_text(st, 1, guest, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *ret_baseline = column_text(st, 0);
        *ret_drift = column_text(st, 1);
    } else {
        *ret_baseline = *ret_drift = NULL;
    }
    sqlite3_finalize(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return db_error(s, error, "cannot read a guest's inputs");
    return TRUE;
}
