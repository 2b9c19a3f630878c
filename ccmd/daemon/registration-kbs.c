/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registration-kbs.c - the Trustee KBS registration backend
 *
 * Theory of operation: the broker's reference value store is one flat namespace that
 * every host shares, and a registration overwrites a name whole. So every guest's
 * values live under names of its own, "ccm/<identity>/<name>", where the identity is
 * the guest's SEV-SNP HOST_DATA (set by ccmd at launch, reported by the hardware), and
 * ccmd, the single writer of those names, always writes a guest's full set in one
 * message and reads it back. ccm's attestation policy looks a guest's measurement up
 * under its own identity; its resource policy releases the repository ccm-<identity>
 * only to a guest attested that way (ccmd/broker/policies/). The policies are the same text on
 * every host, so installing them again changes nothing.
 *
 * HTTP calls block, so each operation runs in a worker thread; the state database is
 * touched only from the main thread, after the broker has answered.
 */
#include <string.h>

#include "admin-token.h"
#include "broker-policies.h"
#include "broker-values.h"
#include "kbs-admin.h"
#include "registration-kbs.h"

typedef struct KbsRegistration {
    CcmRegistration parent;
    CcmStore *store;
    CcmKbs *kbs;
    bool install_policies;
    char *resource_policy;
    char *attestation_policy;
} KbsRegistration;

void ccm_kbs_config_clear(CcmKbsConfig *c)
{
    g_free(c->url);
    g_free(c->admin_key);
    g_free(c->ca_file);
    g_free(c->trustee_version);
    g_free(c->role);
    g_free(c->issuer);
    g_free(c->audience);
    g_free(c->policy_dir);
    *c = (CcmKbsConfig) { 0 };
}

typedef struct Job {
    KbsRegistration *k;
    char *guest;
    GHashTable *values;        /* broker id -> JSON text, as sent */
} Job;

static void job_free(gpointer p)
{
    Job *j = p;
    g_free(j->guest);
    g_hash_table_unref(j->values);
    g_free(j);
}

static void register_thread(GTask *task, gpointer source, gpointer data, GCancellable *c)
{
    Job *j = data;
    KbsRegistration *k = j->k;
    GError *error = NULL;

    if (k->install_policies &&
        (!ccm_kbs_set_attestation_policy(k->kbs, "default_cpu", k->attestation_policy,
                                         &error) ||
         !ccm_kbs_set_resource_policy(k->kbs, k->resource_policy, &error))) {
        g_task_return_error(task, error);
        return;
    }
    if (g_hash_table_size(j->values) > 0 && !ccm_kbs_register_checked(k->kbs, j->values, &error)) {
        g_task_return_error(task, error);
        return;
    }
    g_task_return_boolean(task, TRUE);
}

static void thread_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    GTask *outer = userdata;
    Job *j = g_task_get_task_data(G_TASK(res));
    const char *what = g_task_get_name(outer);
    GError *error = NULL;

    g_autoptr(GHashTable) none = g_hash_table_new(g_str_hash, g_str_equal);
    /* The store keeps what the broker holds for the guest; after a withdrawal, nothing. */
    GHashTable *keep = strcmp(what, "withdrawing") == 0 ? none : j->values;

    if (!g_task_propagate_boolean(G_TASK(res), &error) ||
        !ccm_store_set_reference_values(j->k->store, j->guest, keep, &error)) {
        g_task_return_new_error(outer, CCM_REGISTRATION_ERROR, CCM_REGISTRATION_ERROR_FAILED,
                                "%s the reference values of '%s' failed: %s", what, j->guest,
                                error->message);
        g_error_free(error);
    } else {
        g_task_return_boolean(outer, TRUE);
    }
    g_object_unref(outer);
}

static void run(KbsRegistration *k, const char *what, const char *guest, GHashTable *values,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer userdata)
{
    GTask *outer = g_task_new(NULL, cancellable, callback, userdata);
    g_task_set_name(outer, what);
    Job *j = g_new0(Job, 1);
    j->k = k;
    j->guest = g_strdup(guest);
    j->values = values;
    g_autoptr(GTask) inner = g_task_new(NULL, cancellable, thread_done, outer);
    g_task_set_task_data(inner, j, job_free);
    g_task_run_in_thread(inner, register_thread);
}

static char *kbs_scope(CcmRegistration *r, const CcmGuestSpec *spec)
{
    return ccm_broker_scope(spec, ((KbsRegistration *) r)->kbs->trustee_minor);
}

static void kbs_register(CcmRegistration *r, const char *guest, const char *scope,
                         GHashTable *values, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer userdata)
{
    KbsRegistration *k = (KbsRegistration *) r;
    if (g_hash_table_size(values) > 0 && !scope) {
        GTask *t = g_task_new(NULL, cancellable, callback, userdata);
        g_task_return_new_error(t, CCM_REGISTRATION_ERROR, CCM_REGISTRATION_ERROR_FAILED,
                                "registering the reference values of '%s' failed: the broker "
                                "needs the guest's identity (SEV-SNP HOST_DATA, TDX MRCONFIGID "
                                "or CCA personalization value)",
                                guest);
        g_object_unref(t);
        return;
    }
    /* The names are the guest's own; encodings follow the trustee release (kbs-admin.c). */
    run(k, "registering", guest, ccm_broker_scoped_values(scope ? scope : "", values),
        cancellable, callback, userdata);
}

static void kbs_withdraw(CcmRegistration *r, const char *guest, const char *scope,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer userdata)
{
    KbsRegistration *k = (KbsRegistration *) r;
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) all = ccm_store_all_reference_values(k->store, NULL);

    /* Every name the guest owns is overwritten with an empty list: nothing matches it. */
    for (guint i = 0; all && i < all->len; i++) {
        const CcmStoredValue *v = all->pdata[i];
        if (strcmp(v->guest, guest) == 0)
            g_hash_table_insert(ids, g_strdup(v->name), g_strdup("[]"));
    }
    run(k, "withdrawing", guest, ids, cancellable, callback, userdata);
}

static gboolean kbs_sync(CcmRegistration *r, GError **error)
{
    /* Every start registers the guest's full set again; nothing to do at ccmd's start
     * (and a broker that is down must not keep ccmd from serving). */
    return TRUE;
}

static void kbs_free(CcmRegistration *r)
{
    KbsRegistration *k = (KbsRegistration *) r;
    ccm_kbs_free(k->kbs);
    g_free(k->resource_policy);
    g_free(k->attestation_policy);
    g_free(k);
}

static const CcmRegistrationOps kbs_ops = {
    .name = "kbs",
    .needs_scope = true,
    .scope = kbs_scope,
    .register_async = kbs_register,
    .withdraw_async = kbs_withdraw,
    .sync = kbs_sync,
    .free = kbs_free,
};

CcmRegistration *ccm_registration_kbs_new(CcmStore *store, const CcmKbsConfig *c, GError **error)
{
    g_autoptr(CcmKbs) kbs = g_new0(CcmKbs, 1);

    if (!c->url) {
        g_set_error_literal(error, CCM_REGISTRATION_ERROR, CCM_REGISTRATION_ERROR_FAILED,
                            "Backend=kbs needs URL= (the broker's address)");
        return NULL;
    }
    if (!ccm_http_check_url(c->url, c->allow_insecure_http, error))
        return NULL;
    kbs->trustee_minor = CCM_TRUSTEE_MINOR_DEFAULT;
    if (c->trustee_version &&
        !ccm_trustee_version_parse(c->trustee_version, &kbs->trustee_minor, error)) {
        g_prefix_error(error, "TrusteeVersion=%s: ", c->trustee_version);
        return NULL;
    }
    if (c->admin_key && !(kbs->admin_key = ccm_admin_key_load(c->admin_key, error)))
        return NULL;
    kbs->url = g_strdup(c->url);
    while (g_str_has_suffix(kbs->url, "/"))
        kbs->url[strlen(kbs->url) - 1] = '\0';
    kbs->ca_file = g_strdup(c->ca_file);
    kbs->http.allow_insecure_http = c->allow_insecure_http;
    kbs->http.retries = c->retries;
    kbs->http.backoff_ms = c->backoff_ms;
    kbs->http.timeout_ms = c->timeout_ms;
    kbs->role = g_strdup(c->role ? c->role : "admin");
    kbs->issuer = g_strdup(c->issuer);
    kbs->audience = g_strdup(c->audience);

    KbsRegistration *k = g_new0(KbsRegistration, 1);
    k->parent.ops = &kbs_ops;
    k->store = store;
    k->install_policies = c->install_policies;
    if (c->install_policies &&
        !ccm_broker_policies_load(c->policy_dir, kbs->trustee_minor, &k->attestation_policy,
                                  &k->resource_policy, error)) {
        kbs_free(&k->parent);
        return NULL;
    }
    k->kbs = g_steal_pointer(&kbs);
    return &k->parent;
}
