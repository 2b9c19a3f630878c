/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt-guests.c - the guests libvirt launches, kept in step by ccm's libvirt hook
 *
 * Theory of operation: libvirt runs its QEMU hook (ccmd-libvirt-hook) synchronously at
 * each step of a domain's life, with the domain XML on stdin; the hook forwards the
 * steps of domains that ask for ccm (a <launchSecurity>, or ccm's <metadata>) here. At
 * "prepare" ccmd reads the XML with the same reader as `ccmctl measure --domain`
 * (libvirt-xml-read.c), computes the guest's expectation and registers its values, and
 * records the guest, marked as launched by libvirt; a failure is the hook's exit status,
 * so libvirt refuses the start and shows the message. The later steps only record what
 * libvirt did; "release" withdraws the values and forgets the guest. ccmd never calls
 * libvirt from here (libvirt forbids it during a hook: it would deadlock) and never
 * touches the QEMU libvirt runs.
 *
 * A domain whose launch carries a confidential object must carry its identity too
 * (SEV-SNP <hostData>, TDX <mrConfigId>): a broker scopes the guest's values by what the
 * hardware reports, and ccmd cannot add it to libvirt's command line. A rehearsal (ccm's
 * metadata, no confidential object) gets the identity ccmd derives, as its own guests do.
 */
#include <string.h>

#include "expectation.h"
#include "libvirt-guests.h"
#include "libvirt-xml.h"
#include "log.h"

typedef struct HookJob {
    CcmManager *manager;
    char *domain;
    char *measurement;
    CcmGuestState state_after;  /* what a successful registration leaves the guest in */
} HookJob;

static void hook_job_free(gpointer p)
{
    HookJob *j = p;
    g_free(j->domain);
    g_free(j->measurement);
    g_free(j);
}

static CcmGuest *libvirt_guest(CcmManager *m, const char *domain)
{
    CcmGuest *g = g_hash_table_lookup(m->guests, domain);
    return g && ccm_guest_is_libvirt(g) ? g : NULL;
}

/* Forgets a guest in the store and in memory (its values are the caller's affair). */
static gboolean forget(CcmManager *m, const char *domain, GError **error)
{
    if (!ccm_store_remove_guest(m->store, domain, error))
        return FALSE;
    g_hash_table_remove(m->guests, domain);
    return TRUE;
}

/* The domain XML as a guest spec, refused when its launch would not carry the identity
 * the broker scopes its values by. */
static gboolean check_domain(CcmManager *m, const CcmLibvirtHookCall *c, GError **error)
{
    g_autofree char *source = g_strdup_printf("libvirt domain '%s'", c->domain);
    g_autoptr(GError) e = NULL;
    g_autoptr(CcmGuestSpec) spec = ccm_libvirt_xml_read(c->xml, strlen(c->xml), source, &e);
    if (!spec) {
        g_set_error_literal(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_INVALID_SPEC, e->message);
        return FALSE;
    }
    if (strcmp(spec->name, c->domain) != 0) {
        g_set_error(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_INVALID_SPEC,
                    "%s: the XML names the domain '%s'", source, spec->name);
        return FALSE;
    }
    CcmGuestPlatform measured = ccm_guest_spec_measured_platform(spec);
    if (measured == CCM_GUEST_PLATFORM_NONE) {
        g_set_error(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_INVALID_SPEC,
                    "%s: ccm's metadata names no platform to rehearse (<ccm:rehearses>)",
                    source);
        return FALSE;
    }
    g_autoptr(GBytes) identity = ccm_expectation_identity(spec);
    const char *identity_name = ccm_expectation_identity_name(measured);
    if (spec->platform != CCM_GUEST_PLATFORM_NONE && identity_name && !identity &&
        m->registration->ops->needs_scope) {
        g_set_error(error, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_INVALID_SPEC,
                    "%s launches without its %s: the broker scopes the guest's values by the "
                    "identity the hardware reports, so the domain must set it (ccmctl define "
                    "and ccmctl render --libvirt write it)",
                    source, identity_name);
        return FALSE;
    }
    return TRUE;
}

static void registered(GObject *source, GAsyncResult *res, gpointer userdata)
{
    GTask *task = userdata;
    HookJob *j = g_task_get_task_data(task);
    GError *error = NULL;
    CcmGuest *g = libvirt_guest(j->manager, j->domain);

    if (!ccm_registration_finish(res, &error)) {
        if (g)
            (void) ccm_guest_record(g, CCM_GUEST_FAILED, error->message, NULL);
        g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_REGISTRATION,
                                "libvirt domain '%s' not started: %s", j->domain,
                                error->message);
        g_error_free(error);
        g_object_unref(task);
        return;
    }
    if (g)
        (void) ccm_guest_record(g, j->state_after,
                                j->state_after == CCM_GUEST_RUNNING
                                    ? "registered again; libvirt runs it"
                                    : "registered; libvirt launches it",
                                j->measurement);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

/* prepare (and a reconnect or start of a domain ccmd does not know): record the guest
 * and register its values; @task completes when the broker answered. */
static void prepare(CcmManager *m, const CcmLibvirtHookCall *c, CcmGuestState state_after,
                    GTask *task)
{
    GError *error = NULL;
    CcmGuest *existing = g_hash_table_lookup(m->guests, c->domain);

    if (existing && !ccm_guest_is_libvirt(existing)) {
        g_task_return_new_error(task, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_GUEST_EXISTS,
                                "ccmd launches a guest named '%s' itself; a libvirt domain of "
                                "that name cannot be measured beside it",
                                c->domain);
        g_object_unref(task);
        return;
    }
    if (!check_domain(m, c, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    /* A record left from an earlier launch (libvirt released it while ccmd was away):
     * the new registration replaces its values. */
    if (existing && !forget(m, c->domain, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    if (g_hash_table_size(m->guests) >= m->config.max_guests) {
        g_task_return_new_error(task, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_LIMIT,
                                "this ccmd manages %u guests already, its limit",
                                m->config.max_guests);
        g_object_unref(task);
        return;
    }

    CcmStoredGuest *s = g_new0(CcmStoredGuest, 1);
    s->name = g_strdup(c->domain);
    s->spec_path = g_strdup_printf("libvirt:%s", c->domain);
    s->spec_text = g_strdup(c->xml);
    s->origin = g_strdup("libvirt");
    s->state = g_strdup(ccm_guest_state_to_string(CCM_GUEST_STARTING));
    s->reason = g_strdup("libvirt is launching it: computing the expected measurement");
    g_autoptr(GError) e = NULL;
    CcmGuest *g = ccm_guest_new(m, s, &e);
    if (!g) {
        g_task_return_new_error(task, CCM_MANAGER_ERROR, CCM_MANAGER_ERROR_INVALID_SPEC, "%s",
                                e->message);
        g_object_unref(task);
        return;
    }
    g_autofree char *measurement = NULL;
    g_autoptr(GHashTable) values = NULL;
    if (!ccm_guest_expected_values(g, &measurement, &values, &e)) {
        ccm_guest_free(g);
        g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_MEASUREMENT,
                                "libvirt domain '%s' not started: %s", c->domain, e->message);
        g_object_unref(task);
        return;
    }
    CcmStoredGuest *stored = (CcmStoredGuest *) ccm_guest_stored(g);
    g_free(stored->platform);
    stored->platform = g_strdup(ccm_guest_platform_to_string(ccm_guest_spec(g)->platform));
    if (!ccm_store_add_guest(m->store, stored, &error)) {
        ccm_guest_free(g);
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    g_hash_table_insert(m->guests, (gpointer) ccm_guest_name(g), g);
    ccm_log_info(c->domain, "libvirt is launching it (%s); registering its values",
                 c->operation);
    ccm_manager_guest_changed(m, g);

    HookJob *j = g_new0(HookJob, 1);
    j->manager = m;
    j->domain = g_strdup(c->domain);
    j->measurement = g_steal_pointer(&measurement);
    j->state_after = state_after;
    g_task_set_task_data(task, j, hook_job_free);
    g_autofree char *scope = ccm_guest_scope(g);
    m->registration->ops->register_async(m->registration, c->domain, scope, values, NULL,
                                         registered, task);
}

static void released(GObject *source, GAsyncResult *res, gpointer userdata)
{
    GTask *task = userdata;
    HookJob *j = g_task_get_task_data(task);
    GError *error = NULL;

    if (!ccm_registration_finish(res, &error) || !forget(j->manager, j->domain, &error)) {
        CcmGuest *g = libvirt_guest(j->manager, j->domain);
        g_autofree char *reason =
            g_strdup_printf("released by libvirt; withdrawing its values failed: %s",
                            error->message);
        if (g)
            (void) ccm_guest_record(g, CCM_GUEST_STOPPED, reason, NULL);
        ccm_log_warning(j->domain, "libvirt released it, but %s", error->message);
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    ccm_log_info(j->domain, "libvirt released it: values withdrawn, guest forgotten");
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

void ccm_manager_libvirt_hook_async(CcmManager *m, const CcmLibvirtHookCall *c,
                                    GAsyncReadyCallback callback, gpointer userdata)
{
    GTask *task = g_task_new(NULL, NULL, callback, userdata);
    CcmGuest *g = libvirt_guest(m, c->domain);
    const char *op = c->operation;

    if (strcmp(op, "prepare") == 0) {
        prepare(m, c, CCM_GUEST_STARTING, task);
        return;
    }
    if ((strcmp(op, "started") == 0 || strcmp(op, "reconnect") == 0) && !g) {
        /* ccmd lost the record (or was not running at prepare): register now. */
        prepare(m, c, CCM_GUEST_RUNNING, task);
        return;
    }
    if (g && (strcmp(op, "started") == 0 || strcmp(op, "reconnect") == 0)) {
        (void) ccm_guest_record(g, CCM_GUEST_RUNNING,
                                strcmp(op, "started") == 0 ? "started by libvirt"
                                                           : "running (libvirt reconnected)",
                                NULL);
    } else if (g && strcmp(op, "stopped") == 0) {
        (void) ccm_guest_record(g, CCM_GUEST_STOPPED, "stopped by libvirt", NULL);
    } else if (g && strcmp(op, "release") == 0) {
        HookJob *j = g_new0(HookJob, 1);
        j->manager = m;
        j->domain = g_strdup(c->domain);
        g_task_set_task_data(task, j, hook_job_free);
        g_autofree char *scope = ccm_guest_scope(g);
        m->registration->ops->withdraw_async(m->registration, c->domain, scope, NULL, released,
                                             task);
        return;
    }
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

gboolean ccm_manager_libvirt_hook_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}
