/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration-file.c - the embedded registration backend: state DB + an RVPS message file
 *
 * Theory of operation: reference values are kept per guest in the state database (one
 * transaction per change) and exported, after every change, as one file in the form
 * Trustee's reference value provider service registers: {"version": "0.1.0", "type":
 * "sample", "payload": base64 of a JSON object}, loadable with `rvps-tool register
 * --path FILE` or POST /kbs/v0/reference-value. Values with the same name from several
 * guests are lists (the default policy tests membership), so they are merged into one
 * sorted list without duplicates. The file is replaced atomically (write, fsync,
 * rename): a reader sees the old or the new set, never half of one.
 */
#include <string.h>

#include <json-c/json.h>

#include "registration-file.h"

typedef struct FileRegistration {
    CcmRegistration parent;
    CcmStore *store;
    char *path;
} FileRegistration;

static int compare_json_strings(const void *a, const void *b)
{
    return g_strcmp0(json_object_get_string(*(json_object *const *) a),
                     json_object_get_string(*(json_object *const *) b));
}

char *ccm_registration_file_message(CcmStore *store, GError **error)
{
    g_autoptr(GPtrArray) values = ccm_store_all_reference_values(store, error);
    if (!values)
        return NULL;

    json_object *payload = json_object_new_object();
    for (guint i = 0; i < values->len; i++) {
        const CcmStoredValue *v = values->pdata[i];
        json_object *value = json_tokener_parse(v->value);
        json_object *existing = NULL;
        if (!value)
            continue; /* stored by us; cannot happen, and never exported half-parsed */
        if (json_object_object_get_ex(payload, v->name, &existing) &&
            json_object_is_type(existing, json_type_array) &&
            json_object_is_type(value, json_type_array)) {
            for (size_t k = 0; k < json_object_array_length(value); k++) {
                json_object *item = json_object_array_get_idx(value, k);
                bool dup = false;
                for (size_t e = 0; e < json_object_array_length(existing) && !dup; e++)
                    dup = json_object_equal(item, json_object_array_get_idx(existing, e));
                if (!dup)
                    json_object_array_add(existing, json_object_get(item));
            }
            json_object_array_sort(existing, compare_json_strings);
            json_object_put(value);
        } else {
            json_object_object_add(payload, v->name, value);
        }
    }
    const char *text = json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN);
    g_autofree char *b64 = g_base64_encode((const guchar *) text, strlen(text));
    json_object_put(payload);

    json_object *message = json_object_new_object();
    json_object_object_add(message, "version", json_object_new_string("0.1.0"));
    json_object_object_add(message, "type", json_object_new_string("sample"));
    json_object_object_add(message, "payload", json_object_new_string(b64));
    char *out = g_strconcat(json_object_to_json_string_ext(message, JSON_C_TO_STRING_PRETTY),
                            "\n", NULL);
    json_object_put(message);
    return out;
}

static gboolean export(FileRegistration *f, GError **error)
{
    g_autofree char *message = ccm_registration_file_message(f->store, error);
    if (!message)
        return FALSE;
    /* g_file_set_contents() writes a temporary file, fsyncs it and renames it. */
    return g_file_set_contents_full(f->path, message, -1,
                                    G_FILE_SET_CONTENTS_CONSISTENT |
                                        G_FILE_SET_CONTENTS_DURABLE,
                                    0644, error);
}

static void complete(GTask *task, const char *what, const char *guest, GError *error)
{
    if (error) {
        g_task_return_new_error(task, CCM_REGISTRATION_ERROR, CCM_REGISTRATION_ERROR_FAILED,
                                "%s the reference values of '%s' failed: %s", what, guest,
                                error->message);
        g_error_free(error);
    } else {
        g_task_return_boolean(task, TRUE);
    }
    g_object_unref(task);
}

/* The values @guest has in the store now (name -> JSON text), or NULL on error. */
static GHashTable *values_of(CcmStore *store, const char *guest, GError **error)
{
    g_autoptr(GPtrArray) all = ccm_store_all_reference_values(store, error);
    if (!all)
        return NULL;
    GHashTable *mine = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (guint i = 0; i < all->len; i++) {
        const CcmStoredValue *v = all->pdata[i];
        if (strcmp(v->guest, guest) == 0)
            g_hash_table_insert(mine, g_strdup(v->name), g_strdup(v->value));
    }
    return mine;
}

/* Stores @values for @guest and exports; if the export fails, the store gets the old
 * values back, so the database and the file never disagree. */
static gboolean replace(FileRegistration *f, const char *guest, GHashTable *values,
                        GError **error)
{
    g_autoptr(GHashTable) old = values_of(f->store, guest, error);
    if (!old || !ccm_store_set_reference_values(f->store, guest, values, error))
        return FALSE;
    if (export(f, error))
        return TRUE;
    (void) ccm_store_set_reference_values(f->store, guest, old, NULL);
    return FALSE;
}

static void file_register(CcmRegistration *r, const char *guest, const char *scope,
                          GHashTable *values, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer userdata)
{
    FileRegistration *f = (FileRegistration *) r;
    GTask *task = g_task_new(NULL, cancellable, callback, userdata);
    GError *error = NULL;

    (void) replace(f, guest, values, &error);
    complete(task, "registering", guest, error);
}

static void file_withdraw(CcmRegistration *r, const char *guest, const char *scope,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer userdata)
{
    FileRegistration *f = (FileRegistration *) r;
    GTask *task = g_task_new(NULL, cancellable, callback, userdata);
    g_autoptr(GHashTable) none = g_hash_table_new(g_str_hash, g_str_equal);
    GError *error = NULL;

    (void) replace(f, guest, none, &error);
    complete(task, "withdrawing", guest, error);
}

static gboolean file_sync(CcmRegistration *r, GError **error)
{
    return export((FileRegistration *) r, error);
}

static void file_free(CcmRegistration *r)
{
    FileRegistration *f = (FileRegistration *) r;
    g_free(f->path);
    g_free(f);
}

static const CcmRegistrationOps file_ops = {
    .name = "file",
    .register_async = file_register,
    .withdraw_async = file_withdraw,
    .sync = file_sync,
    .free = file_free,
};

CcmRegistration *ccm_registration_file_new(CcmStore *store, const char *path)
{
    FileRegistration *f = g_new0(FileRegistration, 1);
    f->parent.ops = &file_ops;
    f->store = store;
    f->path = g_strdup(path);
    return &f->parent;
}
