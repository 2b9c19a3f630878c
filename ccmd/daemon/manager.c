/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager.c - ccmd's manager: the guests, the store, the registration backend
 *
 * Guests are loaded from the state database at start; those with a QEMU process are
 * reconnected (or recorded as crashed if their QEMU died while ccmd was away). A guest
 * is added from its spec text, which is kept in the database, so a spec file edited or
 * deleted later does not change a guest behind ccmd's back.
 */
#include <errno.h>
#include <string.h>

#include "guest-spec.h"
#include "log.h"
#include "guest-identity.h"
#include "manager.h"
#include "private-dir.h"
#include "qemu-census.h"
#include "registration-file.h"
#include "registration-queue.h"
#include "spec-authz.h"

G_DEFINE_QUARK(ccm-manager-error-quark, ccm_manager_error)

typedef struct Watch {
    guint id;
    CcmManagerWatchFunc func;
    gpointer userdata;
} Watch;

static void config_clear(CcmManagerConfig *c)
{
    g_free(c->state_dir);
    g_free(c->runtime_dir);
    g_free(c->reference_values);
    ccm_kbs_config_clear(&c->kbs);
    g_free(c->host_id);
    g_strfreev(c->allowed_qemu);
    g_free(c->socket);
    g_free(c->config_file);
}

void ccm_manager_free(CcmManager *m)
{
    if (!m)
        return;
    g_clear_pointer(&m->guests, g_hash_table_unref);
    ccm_input_watch_free(m->input_watch);
    ccm_input_cache_free(m->input_cache);
    g_slist_free_full(m->watches, g_free);
    ccm_registration_free(m->registration);
    ccm_store_close(m->store);
    ccm_state_lock_release(m->lock);
    config_clear(&m->config);
    g_free(m->caps_cache);
    ccm_qemu_caps_memo_free(m->caps_memo);
    g_free(m);
}

/* The database and its WAL files are ccmd's alone, whatever made them. */
static gboolean private_store_files(const char *db, GError **error)
{
    g_autofree char *wal = g_strconcat(db, "-wal", NULL);
    g_autofree char *shm = g_strconcat(db, "-shm", NULL);
    return ccm_private_file(db, error) && ccm_private_file(wal, error) &&
           ccm_private_file(shm, error);
}

/* A QEMU in the runtime folder of a guest this ccmd does not know (its row was removed
 * while that QEMU ran, or someone started one by hand there) runs unsupervised: end it.
 * A guest whose row could not be loaded (@unloaded) is left alone, QEMU included. */
static void end_unknown_qemus(CcmManager *m, GHashTable *unloaded)
{
    g_autofree char *guests_dir = g_build_filename(m->config.runtime_dir, "guests", NULL);
    g_autoptr(GHashTable) all = ccm_qemu_census_all(guests_dir);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, all);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        CcmGuest *g = g_hash_table_lookup(m->guests, key);
        if ((g && !ccm_guest_is_libvirt(g)) || g_hash_table_contains(unloaded, key))
            continue;
        g_autofree char *pids = ccm_qemu_census_format(value);
        ccm_log_warning(key, "QEMU (pid %s) runs in %s/%s for a guest ccmd does not manage; "
                        "ending it", pids, guests_dir, (const char *) key);
        (void) ccm_qemu_census_end(value, 2000);
    }
}

/* Debounce of the drift guard's file events: an upgrade's several events are one look. */
#define INPUT_DEBOUNCE_MS 200

static void inputs_changed(const char *name, gpointer userdata)
{
    CcmManager *m = userdata;
    CcmGuest *g = g_hash_table_lookup(m->guests, name);
    if (g)
        ccm_guest_drift_check(g);
}

void ccm_manager_watch_inputs(CcmManager *m, CcmGuest *g)
{
    if (!m->input_watch || ccm_guest_is_libvirt(g))
        return;
    g_auto(GStrv) paths = ccm_guest_drift_paths(g);
    ccm_input_watch_set(m->input_watch, ccm_guest_name(g), (const char *const *) paths);
}

CcmManager *ccm_manager_new(CcmManagerConfig *config, GError **error)
{
    g_autoptr(CcmManager) m = g_new0(CcmManager, 1);
    m->config = *config;
    *config = (CcmManagerConfig) { 0 };
    if (!m->config.reference_values)
        m->config.reference_values = g_build_filename(m->config.state_dir,
                                                      "reference-values.json", NULL);
    m->guests = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) ccm_guest_free);
    m->input_cache = ccm_input_cache_new();

    /* The lock first, before the database or anything in the runtime folder is touched.
     * The runtime folder may hold the Varlink socket: others may traverse it (0711) but
     * not list it; the guests' folders are private. */
    g_autofree char *guests_dir = g_build_filename(m->config.runtime_dir, "guests", NULL);
    if (!ccm_private_dir(m->config.state_dir, 0700, error) ||
        !(m->lock = ccm_state_lock_take(m->config.state_dir, error)) ||
        !ccm_private_dir(m->config.runtime_dir, 0711, error) ||
        !ccm_private_dir(guests_dir, 0700, error))
        return NULL;
    g_autofree char *db = g_build_filename(m->config.state_dir, "ccmd.db", NULL);
    if (!(m->store = ccm_store_open(db, error)) || !private_store_files(db, error))
        return NULL;
    CcmRegistration *backend = NULL;
    if (m->config.use_kbs) {
        if (!(backend = ccm_registration_kbs_new(m->store, &m->config.kbs, error)))
            return NULL;
    } else {
        backend = ccm_registration_file_new(m->store, m->config.reference_values);
    }
    /* One guest's registrations in the order they were asked for (registration-queue.h). */
    m->registration = ccm_registration_queue_new(backend);
    if (!m->registration->ops->sync(m->registration, error))
        return NULL;
    if (!m->config.host_id)
        m->config.host_id = ccm_host_id_default();
    m->caps_cache = g_build_filename(m->config.state_dir, "qemu-caps", NULL);
    m->probe.cache_dir = m->caps_cache;
    m->caps_memo = ccm_qemu_caps_memo_new();

    g_autoptr(GPtrArray) stored = ccm_store_list_guests(m->store, error);
    if (!stored)
        return NULL;
    g_autoptr(GHashTable) unloaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                           NULL);
    for (guint i = 0; i < stored->len; i++) {
        CcmStoredGuest *s = g_steal_pointer(&stored->pdata[i]);
        g_autofree char *name = g_strdup(s->name);
        g_autoptr(GError) e = NULL;
        CcmGuest *g = ccm_guest_new(m, s, &e);
        if (!g) {
            /* The spec was valid when added; a newer ccmd may read it differently. Keep
             * the row, say why the guest is not managed. */
            ccm_log_error(name, "cannot load the guest: %s", e->message);
            g_hash_table_add(unloaded, g_steal_pointer(&name));
            continue;
        }
        g_hash_table_insert(m->guests, (gpointer) ccm_guest_name(g), g);
    }
    g_ptr_array_set_free_func(stored, NULL);

    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, m->guests);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        ccm_guest_recover(value);
    end_unknown_qemus(m, unloaded);

    /* The drift guard: watch every guest's host files, and look at them now for what
     * changed while ccmd was not running. Without inotify, only that rescan is left. */
    g_autoptr(GError) e = NULL;
    m->input_watch = ccm_input_watch_new(INPUT_DEBOUNCE_MS, inputs_changed, m, &e);
    if (!m->input_watch)
        ccm_log_warning(NULL, "cannot watch the guests' host files (%s); drift is seen only "
                        "at ccmd's start and at each guest's start", e->message);
    g_hash_table_iter_init(&iter, m->guests);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        ccm_manager_watch_inputs(m, value);
        ccm_guest_drift_load(value);
    }
    return g_steal_pointer(&m);
}

CcmGuest *ccm_manager_lookup(CcmManager *m, const char *name, GError **error)
{
    CcmGuest *g = name ? g_hash_table_lookup(m->guests, name) : NULL;
    if (!g)
        g_set_error(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_NO_SUCH_GUEST,
                    "no guest '%s'", name ? name : "");
    return g;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(ccm_guest_name(*(CcmGuest *const *) a), ccm_guest_name(*(CcmGuest *const *) b));
}

GPtrArray *ccm_manager_list(CcmManager *m)
{
    GPtrArray *all = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, m->guests);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(all, value);
    g_ptr_array_sort(all, by_name);
    return all;
}

static gboolean authorize(CcmManager *m, const CcmGuestSpec *spec, const CcmCaller *caller,
                          GError **error)
{
    g_autoptr(GError) e = NULL;
    const CcmSpecAuthzPolicy policy = {
        .state_dir = m->config.state_dir,
        .runtime_dir = m->config.runtime_dir,
        .socket = m->config.socket,
        .config_file = m->config.config_file,
        .allowed_qemu = (const char *const *) m->config.allowed_qemu,
    };
    if (ccm_spec_authorize(spec, caller, &policy, &e))
        return TRUE;
    g_set_error_literal(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_PERMISSION, e->message);
    return FALSE;
}

gboolean ccm_manager_authorize_start(CcmManager *m, CcmGuest *g, const CcmCaller *caller,
                                     GError **error)
{
    return authorize(m, ccm_guest_spec(g), caller, error);
}

CcmGuest *ccm_manager_add(CcmManager *m, const char *path, const char *text,
                          const CcmCaller *caller, GError **error)
{
    g_autoptr(GError) e = NULL;
    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_parse(path, text, strlen(text), &e);

    if (!spec) {
        g_set_error_literal(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_INVALID_SPEC, e->message);
        return NULL;
    }
    if (!authorize(m, spec, caller, error))
        return NULL;
    if (g_hash_table_contains(m->guests, spec->name)) {
        g_set_error(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_GUEST_EXISTS,
                    "a guest '%s' exists already", spec->name);
        return NULL;
    }
    if (g_hash_table_size(m->guests) >= m->config.max_guests) {
        g_set_error(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_LIMIT,
                    "this ccmd manages %u guests already, its limit", m->config.max_guests);
        return NULL;
    }

    CcmStoredGuest *s = g_new0(CcmStoredGuest, 1);
    s->name = g_strdup(spec->name);
    s->spec_path = g_strdup(path);
    s->spec_text = g_strdup(text);
    s->platform = g_strdup(ccm_guest_platform_to_string(spec->platform));
    s->state = g_strdup(ccm_guest_state_to_string(CCM_GUEST_DEFINED));
    s->reason = g_strdup("added");
    CcmGuest *g = ccm_guest_new(m, s, &e);
    if (!g) {
        g_set_error_literal(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_INVALID_SPEC, e->message);
        return NULL;
    }
    /* A spec whose measurement cannot be computed (a missing or wrong firmware, say) is
     * refused now rather than at its first start; operators see the expected value at
     * once. */
    if (!ccm_guest_compute_measurement(g, &e)) {
        g_set_error_literal(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_INVALID_SPEC, e->message);
        ccm_guest_free(g);
        return NULL;
    }
    if (!ccm_store_add_guest(m->store, ccm_guest_stored(g), error)) {
        ccm_guest_free(g);
        return NULL;
    }
    g_hash_table_insert(m->guests, (gpointer) ccm_guest_name(g), g);
    ccm_log_info(ccm_guest_name(g), "added from %s", path);
    ccm_guest_drift_establish(g);
    ccm_manager_watch_inputs(m, g);
    ccm_manager_guest_changed(m, g);
    return g;
}

typedef struct RemoveData {
    CcmManager *manager;
    char *name;
} RemoveData;

static void remove_data_free(gpointer p)
{
    RemoveData *d = p;
    g_free(d->name);
    g_free(d);
}

static void withdrawn(GObject *source, GAsyncResult *res, gpointer userdata)
{
    GTask *task = userdata;
    RemoveData *d = g_task_get_task_data(task);
    GError *error = NULL;

    if (!ccm_registration_finish(res, &error) ||
        !ccm_store_remove_guest(d->manager->store, d->name, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    ccm_log_info(d->name, "removed");
    if (d->manager->input_watch)
        ccm_input_watch_remove(d->manager->input_watch, d->name);
    g_hash_table_remove(d->manager->guests, d->name);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

void ccm_manager_remove_async(CcmManager *m, const char *name, GAsyncReadyCallback callback,
                              gpointer userdata)
{
    GTask *task = g_task_new(NULL, NULL, callback, userdata);
    GError *error = NULL;
    CcmGuest *g = ccm_manager_lookup(m, name, &error);

    if (!g) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    if (ccm_guest_is_active(g)) {
        g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                                "guest '%s' is %s; stop it first", name,
                                ccm_guest_state_to_string(ccm_guest_state(g)));
        g_object_unref(task);
        return;
    }
    RemoveData *d = g_new0(RemoveData, 1);
    d->manager = m;
    d->name = g_strdup(name);
    g_task_set_task_data(task, d, remove_data_free);
    g_autofree char *scope = ccm_guest_scope(g);
    m->registration->ops->withdraw_async(m->registration, name, scope, NULL, withdrawn, task);
}

gboolean ccm_manager_remove_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

guint ccm_manager_watch(CcmManager *m, CcmManagerWatchFunc func, gpointer userdata)
{
    static guint next_id;
    Watch *w = g_new0(Watch, 1);
    w->id = ++next_id;
    w->func = func;
    w->userdata = userdata;
    m->watches = g_slist_append(m->watches, w);
    return w->id;
}

void ccm_manager_unwatch(CcmManager *m, guint id)
{
    for (GSList *l = m->watches; l; l = l->next) {
        Watch *w = l->data;
        if (w->id == id) {
            m->watches = g_slist_delete_link(m->watches, l);
            g_free(w);
            return;
        }
    }
}

void ccm_manager_guest_changed(CcmManager *m, CcmGuest *g)
{
    /* A watcher may unwatch itself while being told; walk a copy. */
    g_autoptr(GSList) copy = g_slist_copy(m->watches);
    for (GSList *l = copy; l; l = l->next) {
        Watch *w = l->data;
        if (g_slist_find(m->watches, w))
            w->func(g, w->userdata);
    }
}
