/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guest.c - one supervised guest: its state machine, its QEMU and its QMP connection
 *
 * Theory of operation. Start is a chain, each link failing closed into "failed":
 *   0. the drift guard (guest-drift.c) identifies the guest's host files: a missing
 *      one, or a change OnDrift=refuse holds back, refuses the start (state unchanged);
 *   1. state starting;
 *   2. compute the expected measurement from the spec (launch plan);
 *   3. render QEMU's argv (checked against QEMU's capabilities) with -S, -no-shutdown
 *      and a QMP socket in the guest's runtime folder: a guest this QEMU cannot run
 *      fails here, before anything is registered;
 *   4. hand the reference values to the registration backend and wait for it;
 *   5. start QEMU with -daemonize; record its pid and start time at once, so a
 *      restarted ccmd finds it. Before that, in the window between spawning and the
 *      foreground parent's exit, a restarted ccmd still finds it: the pid file and the
 *      QMP socket, both in the guest's runtime folder, are on QEMU's command line, and
 *      QEMU writes the pid file early, from the daemon child, holding a lock on it
 *      (qemu-census.c);
 *   6. connect to QMP, check that the guest is still in prelaunch, read SEV/SEV-ES's
 *      launch measurement where QEMU reports one, then "cont": state running.
 * Once running, the values of the files identified in step 0 are the drift guard's
 * baseline, and the only ones registered for the guest.
 * Afterwards QMP events drive the state (STOP/RESUME -> paused/running, SHUTDOWN ->
 * quit QEMU, GUEST_PANICKED -> crashed), and a pidfd tells when QEMU has exited:
 * stopped if a shutdown was seen or asked for, crashed otherwise. Every transition is
 * one database transaction; the in-memory state follows only a stored transition.
 *
 * A QEMU cannot flood ccmd with events: STOP/RESUME go through the guest's event
 * limiter (event-limiter.c: a few at once, then about one change a second, the rest
 * coalesced into one change that ends in QEMU's last state); a panic is recorded once
 * and later ones are ignored; log-only events (RESET, repeated SHUTDOWN) are
 * rate-limited. Ending QEMU (quit, then SIGKILL) sets a deadline once: later events
 * and requests may bring the SIGKILL closer, never push it back.
 *
 * One QEMU per guest, whatever ccmd's restarts: a start is refused (InvalidState, with
 * the pid) while any QEMU runs in the guest's folder that ccmd does not supervise.
 * Recovery (ccm_guest_recover) makes the state equal the processes. A recorded QEMU
 * that is alive is reconnected (an interrupted start is finished from step 6). If the
 * recorded one is dead or none was recorded yet, the guest's folder is searched in
 * /proc: one process that holds the locked pid file (initialised: its foreground
 * parent has exited) is adopted -- recorded, watched, the start finished; nothing
 * found means failed (a start) or crashed; anything else is QEMU still initialising,
 * searched again every 50 ms for 5 s, then killed (every process found) and the guest
 * recorded failed or crashed. An inactive guest has no QEMU: one found is killed.
 */
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>

#include "broker-values.h"
#include "event-limiter.h"
#include "expectation.h"
#include "guest.h"
#include "hex.h"
#include "launch-plan.h"
#include "libvirt-xml.h"
#include "log.h"
#include "manager.h"
#include "private-dir.h"
#include "qemu-argv.h"
#include "qemu-census.h"
#include "qemu-process.h"
#include "qmp-client.h"

G_DEFINE_QUARK(ccm-guest-error-quark, ccm_guest_error)

static const char *const state_names[_CCM_GUEST_STATE_MAX] = {
    [CCM_GUEST_DEFINED] = "defined", [CCM_GUEST_STARTING] = "starting",
    [CCM_GUEST_RUNNING] = "running", [CCM_GUEST_PAUSED] = "paused",
    [CCM_GUEST_STOPPED] = "stopped", [CCM_GUEST_CRASHED] = "crashed",
    [CCM_GUEST_FAILED] = "failed",
};

const char *ccm_guest_state_to_string(CcmGuestState state)
{
    return state < _CCM_GUEST_STATE_MAX ? state_names[state] : NULL;
}

int ccm_guest_state_from_string(const char *name)
{
    for (int i = 0; i < _CCM_GUEST_STATE_MAX; i++)
        if (g_strcmp0(name, state_names[i]) == 0)
            return i;
    return -1;
}

struct CcmGuest {
    CcmManager *manager;
    CcmStoredGuest *stored;
    CcmLaunchPlan *plan;
    CcmGuestState state;
    char *dir;                  /* runtime folder */
    char *qmp_path;
    char *pidfile;
    CcmProcessId process;
    guint exit_watch;
    CcmQmpClient *qmp;
    bool shutdown_seen;         /* SHUTDOWN event: the guest or a request ended it */
    bool stop_requested;
    bool crash_recorded;        /* GUEST_PANICKED already made it "crashed" */
    char *panic;
    GTask *start_task;
    GHashTable *start_values;   /* during a start: the values to register */
    bool start_registered;      /* during a start: the backend holds them now */
    GPtrArray *start_argv;      /* during a start: QEMU's argv, once rendered */
    void (*after_connect)(CcmGuest *g);
    GPtrArray *stop_tasks;      /* GTask waiting for the process to exit */
    guint stop_timer;           /* a stop's wait for the guest to power off */
    bool ending;                /* "quit" sent: QEMU is being ended */
    guint kill_timer;           /* SIGKILL at kill_deadline */
    gint64 kill_deadline;       /* monotonic µs */
    CcmEventLimiter *events;    /* STOP/RESUME and log-only events */
    guint recover_timer;        /* recovery: looking again for an initialising QEMU */
    guint recover_polls;
    CcmGuestDrift *drift;       /* the drift guard's baseline and record */
    GPtrArray *start_inputs;    /* during a start: the inputs its values come from */
    GHashTable *start_baseline; /* during a start: those values (kept past registration) */
};

const char *ccm_guest_name(const CcmGuest *g)
{
    return g->stored->name;
}

CcmGuestState ccm_guest_state(const CcmGuest *g)
{
    return g->state;
}

const CcmStoredGuest *ccm_guest_stored(const CcmGuest *g)
{
    return g->stored;
}

const CcmLaunchPlan *ccm_guest_plan(const CcmGuest *g)
{
    return g->plan;
}

CcmManager *ccm_guest_manager(const CcmGuest *g)
{
    return g->manager;
}

CcmGuestDrift *ccm_guest_drift(CcmGuest *g)
{
    return g->drift;
}

bool ccm_guest_is_active(const CcmGuest *g)
{
    /* A panicked guest is "crashed" while its QEMU is being ended: still active. */
    return g->state == CCM_GUEST_STARTING || g->state == CCM_GUEST_RUNNING ||
           g->state == CCM_GUEST_PAUSED || g->process.pid != 0;
}

/* How long QEMU gets to obey "quit" before SIGKILL. */
static guint quit_grace_ms(const CcmGuest *g)
{
    guint qmp = g->manager->config.qmp_timeout_ms;
    return qmp && qmp < 5000 ? qmp : 5000;
}

/* ---- state ----------------------------------------------------------------------- */

/* Stores the transition, then applies it; FALSE (logged) if the store refused. */
static gboolean transition(CcmGuest *g, CcmGuestState state, const char *reason,
                           const char *measurement)
{
    g_autoptr(GError) error = NULL;
    const char *name = ccm_guest_name(g);

    if (!ccm_store_transition(g->manager->store, name, state_names[state], reason,
                              g->process.pid, g->process.start_time, measurement, &error)) {
        ccm_log_error(name, "cannot record the change to %s: %s", state_names[state],
                      error->message);
        return FALSE;
    }
    g->state = state;
    g_free(g->stored->state);
    g->stored->state = g_strdup(state_names[state]);
    g_free(g->stored->reason);
    g->stored->reason = g_strdup(reason);
    g->stored->pid = g->process.pid;
    g->stored->pid_start = g->process.start_time;
    if (measurement) {
        g_free(g->stored->measurement);
        g->stored->measurement = g_strdup(measurement);
    }
    ccm_log(state == CCM_GUEST_FAILED || state == CCM_GUEST_CRASHED ? LOG_WARNING : LOG_INFO,
            name, "%s%s%s", state_names[state], reason ? ": " : "", reason ? reason : "");
    ccm_manager_guest_changed(g->manager, g);
    return TRUE;
}

gboolean ccm_guest_record(CcmGuest *g, CcmGuestState state, const char *reason,
                          const char *measurement)
{
    g_return_val_if_fail(ccm_guest_is_libvirt(g), FALSE);
    return transition(g, state, reason, measurement);
}

/* ---- construction ----------------------------------------------------------------- */

const CcmGuestSpec *ccm_guest_spec(const CcmGuest *g)
{
    return g->plan->spec;
}

bool ccm_guest_is_libvirt(const CcmGuest *g)
{
    return g_strcmp0(g->stored->origin, "libvirt") == 0;
}

/* A libvirt guest's spec is its domain XML, read as the hook read it. */
static CcmGuestSpec *stored_spec(const CcmStoredGuest *stored, GError **error)
{
    if (g_strcmp0(stored->origin, "libvirt") == 0) {
        g_autofree char *source = g_strdup_printf("libvirt domain '%s'", stored->name);
        return ccm_libvirt_xml_read(stored->spec_text, strlen(stored->spec_text), source, error);
    }
    return ccm_guest_spec_parse(stored->spec_path, stored->spec_text, strlen(stored->spec_text),
                                error);
}

/* Applies a STOP/RESUME (through the event limiter); defined with the events below. */
static void apply_vcpu_state(int state, const char *reason, void *userdata);

CcmGuest *ccm_guest_new(CcmManager *manager, CcmStoredGuest *stored, GError **error)
{
    g_autoptr(CcmStoredGuest) owned = stored;
    g_autoptr(CcmGuestSpec) spec = stored_spec(stored, error);
    if (!spec)
        return NULL;
    CcmLaunchPlan *plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, error);
    if (!plan)
        return NULL;

    CcmGuest *g = g_new0(CcmGuest, 1);
    g->manager = manager;
    g->stored = g_steal_pointer(&owned);
    g->plan = plan;
    /* A broker that scopes guests by identity needs HOST_DATA; a spec without one gets
     * the derived identity, in the launch as in the registration. */
    if (manager->registration && manager->registration->ops->needs_scope)
        ccm_expectation_apply_identity(plan->spec, manager->config.host_id);
    int state = ccm_guest_state_from_string(g->stored->state);
    g->state = state < 0 ? CCM_GUEST_DEFINED : (CcmGuestState) state;
    g->dir = g_build_filename(manager->config.runtime_dir, "guests", g->stored->name, NULL);
    g->qmp_path = g_build_filename(g->dir, "qmp.sock", NULL);
    g->pidfile = g_build_filename(g->dir, "qemu.pid", NULL);
    g->process.pid = g->stored->pid;
    g->process.start_time = g->stored->pid_start;
    g->stop_tasks = g_ptr_array_new();
    g->events = ccm_event_limiter_new(g->stored->name, apply_vcpu_state, g);
    g->drift = ccm_guest_drift_new();
    return g;
}

static void drop_qmp(CcmGuest *g)
{
    if (!g->qmp)
        return;
    ccm_qmp_client_set_closed_func(g->qmp, NULL, NULL);
    ccm_qmp_client_set_event_func(g->qmp, NULL, NULL);
    ccm_qmp_client_close(g->qmp);
    g_clear_pointer(&g->qmp, ccm_qmp_client_unref);
}

void ccm_guest_free(CcmGuest *g)
{
    if (!g)
        return;
    drop_qmp(g);
    if (g->exit_watch)
        g_source_remove(g->exit_watch);
    if (g->stop_timer)
        g_source_remove(g->stop_timer);
    if (g->kill_timer)
        g_source_remove(g->kill_timer);
    ccm_event_limiter_free(g->events);
    if (g->recover_timer)
        g_source_remove(g->recover_timer);
    g_ptr_array_unref(g->stop_tasks);
    g_clear_pointer(&g->start_values, g_hash_table_unref);
    g_clear_pointer(&g->start_argv, g_ptr_array_unref);
    g_clear_pointer(&g->start_inputs, g_ptr_array_unref);
    g_clear_pointer(&g->start_baseline, g_hash_table_unref);
    ccm_guest_drift_free(g->drift);
    ccm_launch_plan_free(g->plan);
    ccm_stored_guest_free(g->stored);
    g_free(g->dir);
    g_free(g->qmp_path);
    g_free(g->pidfile);
    g_free(g->panic);
    g_free(g);
}

char *ccm_guest_scope(const CcmGuest *g)
{
    CcmRegistration *r = g->manager->registration;
    if (r && r->ops->scope)
        return r->ops->scope(r, g->plan->spec);
    return ccm_expectation_identity_hex(g->plan->spec);
}

json_object *ccm_guest_to_json(const CcmGuest *g)
{
    json_object *o = json_object_new_object();
    const CcmStoredGuest *s = g->stored;

    json_object_object_add(o, "name", json_object_new_string(s->name));
    json_object_object_add(o, "platform", json_object_new_string(s->platform));
    json_object_object_add(o, "state", json_object_new_string(state_names[g->state]));
    if (s->reason)
        json_object_object_add(o, "reason", json_object_new_string(s->reason));
    if (s->measurement)
        json_object_object_add(o, "measurement", json_object_new_string(s->measurement));
    if (ccm_guest_is_active(g) && g->process.pid)
        json_object_object_add(o, "pid", json_object_new_int64(g->process.pid));
    json_object_object_add(o, "spec", json_object_new_string(s->spec_path));
    json_object_object_add(o, "launched_by",
                           json_object_new_string(ccm_guest_is_libvirt(g) ? "libvirt" : "ccmd"));
    json_object *drift = ccm_guest_drift_to_json(g);
    if (drift)
        json_object_object_add(o, "drift", drift);
    g_autofree char *scope = ccm_guest_scope(g);
    if (scope && g->manager->registration->ops->needs_scope) {
        /* Where the operator puts the guest's secrets: its repository at the broker. */
        json_object *paths = json_object_new_array();
        for (guint i = 0; i < g->plan->spec->resources->len; i++) {
            g_autofree char *p = g_strdup_printf("ccm-%s/%s", scope,
                                                 (const char *) g->plan->spec->resources->pdata[i]);
            json_object_array_add(paths, json_object_new_string(p));
        }
        json_object_object_add(o, "identity", json_object_new_string(scope));
        json_object_object_add(o, "resources", paths);
    }
    return o;
}

/* ---- expected values ------------------------------------------------------------------ */

gboolean ccm_guest_expected_values(const CcmGuest *g, char **ret_measurement,
                                   GHashTable **ret_values, GError **error)
{
    CcmRegistration *r = g->manager->registration;
    g_autoptr(GError) e = NULL;

    if (!ccm_broker_expected_values(g->plan, r && r->ops->needs_scope, ret_measurement,
                                    ret_values, &e)) {
        g_set_error_literal(error, CCM_GUEST_ERROR, CCM_GUEST_ERROR_MEASUREMENT, e->message);
        return FALSE;
    }
    return TRUE;
}

gboolean ccm_guest_compute_measurement(CcmGuest *g, GError **error)
{
    g_autofree char *measurement = NULL;
    g_autoptr(GHashTable) values = NULL;
    g_autoptr(GError) e = NULL;

    if (!ccm_guest_expected_values(g, &measurement, &values, &e)) {
        g_set_error(error, CCM_GUEST_ERROR, CCM_GUEST_ERROR_MEASUREMENT, "%s: %s",
                    g->stored->spec_path, e->message);
        return FALSE;
    }
    g_free(g->stored->measurement);
    g->stored->measurement = g_steal_pointer(&measurement);
    return TRUE;
}

/* ---- process exit and QMP events -------------------------------------------------------- */

static void finish_stop_tasks(CcmGuest *g, GError *error)
{
    g_autoptr(GPtrArray) tasks = g_steal_pointer(&g->stop_tasks);
    g->stop_tasks = g_ptr_array_new();
    for (guint i = 0; i < tasks->len; i++) {
        GTask *t = tasks->pdata[i];
        if (error)
            g_task_return_error(t, g_error_copy(error));
        else
            g_task_return_boolean(t, TRUE);
        g_object_unref(t);
    }
}

static void fail_start(CcmGuest *g, GError *error);

/* QEMU is gone: nothing waits for it, nothing ends it, its waiting events are void. */
static void forget_qemu_timers(CcmGuest *g)
{
    if (g->stop_timer) {
        g_source_remove(g->stop_timer);
        g->stop_timer = 0;
    }
    if (g->kill_timer) {
        g_source_remove(g->kill_timer);
        g->kill_timer = 0;
    }
    g->ending = false;
    ccm_event_limiter_cancel(g->events);
}

/* QEMU has exited: decide between stopped and crashed. */
static gboolean process_exited(gpointer userdata)
{
    CcmGuest *g = userdata;

    g->exit_watch = 0;
    forget_qemu_timers(g);
    drop_qmp(g);
    (void) unlink(g->pidfile);
    (void) unlink(g->qmp_path);
    g->process = (CcmProcessId) { 0 };

    if (g->start_task) {
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START,
                                  "QEMU exited during the start"));
        return G_SOURCE_REMOVE;
    }
    if (g->crash_recorded)
        (void) transition(g, CCM_GUEST_CRASHED, g->panic, NULL);
    else if (g->shutdown_seen || g->stop_requested)
        (void) transition(g, CCM_GUEST_STOPPED,
                          g->stop_requested ? "stopped on request" : "the guest shut down", NULL);
    else
        (void) transition(g, CCM_GUEST_CRASHED, "QEMU exited unexpectedly (killed or crashed)",
                          NULL);
    g->crash_recorded = g->shutdown_seen = g->stop_requested = false;
    finish_stop_tasks(g, NULL);
    return G_SOURCE_REMOVE;
}

static void quit_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    g_autoptr(GError) error = NULL;
    json_object *ret = ccm_qmp_client_execute_finish(NULL, res, &error);
    json_object_put(ret);
    /* The exit itself arrives through the pidfd; a failed quit is followed by SIGKILL
     * when a stop times out. */
    (void) userdata;
}

static gboolean kill_timed_out(gpointer userdata)
{
    CcmGuest *g = userdata;

    g->kill_timer = 0;
    ccm_log_warning(ccm_guest_name(g), "QEMU did not quit; killing it");
    (void) ccm_process_kill(&g->process);
    return G_SOURCE_REMOVE;
}

static void send_quit(CcmGuest *g)
{
    if (g->qmp)
        ccm_qmp_client_execute_async(g->qmp, "quit", NULL, NULL, quit_done, g);
    else
        (void) ccm_process_kill(&g->process);
}

/* Quit, and SIGKILL if QEMU is still there @grace_ms from now (a hung QEMU). "quit" is
 * sent once; the SIGKILL deadline is set once and only ever brought closer, so no event
 * or request can keep a QEMU alive by ending it again. */
static void end_qemu_within(CcmGuest *g, guint grace_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64) grace_ms * 1000;

    if (g->stop_timer) {
        /* No more waiting for a power-off: QEMU is being ended. */
        g_source_remove(g->stop_timer);
        g->stop_timer = 0;
    }
    if (!g->ending) {
        g->ending = true;
        send_quit(g);
    }
    if (g->kill_timer && g->kill_deadline <= deadline)
        return;
    if (g->kill_timer)
        g_source_remove(g->kill_timer);
    g->kill_deadline = deadline;
    g->kill_timer = g_timeout_add(grace_ms, kill_timed_out, g);
}

static void end_qemu(CcmGuest *g)
{
    end_qemu_within(g, quit_grace_ms(g));
}

static void apply_vcpu_state(int state, const char *reason, void *userdata)
{
    CcmGuest *g = userdata;

    /* Decided now, when the (possibly coalesced) change is applied: the guest may have
     * crashed, been asked to stop or shut down since the events came. */
    if (g->state != CCM_GUEST_RUNNING && g->state != CCM_GUEST_PAUSED)
        return;
    if (state == CCM_GUEST_PAUSED && (g->stop_requested || g->shutdown_seen))
        return;
    if (g->state == (CcmGuestState) state) {
        ccm_log_info(ccm_guest_name(g), "still %s: %s", state_names[state], reason);
        return;
    }
    (void) transition(g, (CcmGuestState) state, reason, NULL);
}

/* STOP or RESUME: what QEMU's vCPUs do now. */
static void vcpu_event(CcmGuest *g, CcmGuestState state, const char *reason)
{
    if (g->state != CCM_GUEST_RUNNING && g->state != CCM_GUEST_PAUSED)
        return;
    /* While events wait to be coalesced, the recorded state is not QEMU's: even one that
     * repeats it counts, it may undo the waiting one. */
    if (g->state == state && !ccm_event_limiter_pending(g->events))
        return;
    ccm_event_limiter_offer(g->events, (int) state, reason);
}

static void on_event(CcmQmpClient *client, const char *event, json_object *data, void *userdata)
{
    CcmGuest *g = userdata;
    const char *name = ccm_guest_name(g);

    if (strcmp(event, "STOP") == 0) {
        if (!g->stop_requested && !g->shutdown_seen)
            vcpu_event(g, CCM_GUEST_PAUSED, "QEMU paused the vCPUs");
    } else if (strcmp(event, "RESUME") == 0) {
        vcpu_event(g, CCM_GUEST_RUNNING, "resumed");
    } else if (strcmp(event, "SHUTDOWN") == 0) {
        json_object *reason = NULL;
        if (data)
            json_object_object_get_ex(data, "reason", &reason);
        if (!g->shutdown_seen || ccm_event_limiter_may_log(g->events, event))
            ccm_log_info(name, "shutdown (%s)",
                         reason ? json_object_get_string(reason) : "unknown");
        g->shutdown_seen = true;
        /* -no-shutdown keeps QEMU after a guest power-off; end it (once). */
        end_qemu(g);
    } else if (strcmp(event, "RESET") == 0) {
        if (ccm_event_limiter_may_log(g->events, event))
            ccm_log_info(name, "reset");
    } else if (strcmp(event, "GUEST_PANICKED") == 0) {
        /* A crash is one transition: QEMU is being ended already, later panics (and the
         * STOPs that come with them) change nothing. */
        if (g->crash_recorded) {
            if (ccm_event_limiter_may_log(g->events, event))
                ccm_log_info(name, "QEMU reports another panic; the crash is recorded");
            return;
        }
        ccm_event_limiter_cancel(g->events);
        g_free(g->panic);
        g->panic = g_strdup_printf("the guest panicked%s%s", data ? ": " : "",
                                   data ? json_object_to_json_string_ext(
                                              data, JSON_C_TO_STRING_PLAIN)
                                        : "");
        g->crash_recorded = true;
        (void) transition(g, CCM_GUEST_CRASHED, g->panic, NULL);
        end_qemu(g);
    }
}

static void on_qmp_closed(CcmQmpClient *client, const GError *error, void *userdata)
{
    CcmGuest *g = userdata;

    /* The pidfd decides what the end means; here we only note a lost monitor of a QEMU
     * that is still running. */
    if (ccm_process_alive(&g->process) && !g->shutdown_seen && !g->stop_requested)
        ccm_log_warning(ccm_guest_name(g), "lost the QMP connection: %s", error->message);
}

static void watch_process(CcmGuest *g)
{
    if (g->exit_watch)
        return;
    g->exit_watch = ccm_process_watch(&g->process, process_exited, g);
    if (!g->exit_watch)
        g_idle_add(process_exited, g); /* already gone */
}

/* ---- start --------------------------------------------------------------------------- */

static void failed_start_withdrawn(GObject *source, GAsyncResult *res, gpointer userdata)
{
    g_autofree char *name = userdata;
    g_autoptr(GError) error = NULL;
    if (ccm_registration_finish(res, &error))
        ccm_log_info(name, "withdrew the reference values registered for the failed start");
    else
        ccm_log_warning(name, "could not withdraw the reference values of the failed start: %s",
                        error->message);
}

static void fail_start(CcmGuest *g, GError *error)
{
    GTask *task = g_steal_pointer(&g->start_task);

    /* Values registered for a start that did not happen are withdrawn: nothing at the
     * broker vouches for a guest that is not running. The next start registers them
     * again. */
    if (g->start_registered) {
        CcmRegistration *r = g->manager->registration;
        g_autofree char *scope = ccm_guest_scope(g);
        g->start_registered = false;
        r->ops->withdraw_async(r, ccm_guest_name(g), scope, NULL, failed_start_withdrawn,
                               g_strdup(ccm_guest_name(g)));
    }

    g_clear_pointer(&g->start_values, g_hash_table_unref);
    g_clear_pointer(&g->start_argv, g_ptr_array_unref);
    g_clear_pointer(&g->start_inputs, g_ptr_array_unref);
    g_clear_pointer(&g->start_baseline, g_hash_table_unref);
    ccm_guest_drift_start_ended(g, NULL, NULL, NULL);

    /* A QEMU that got this far must not keep running a guest ccmd disowned. */
    if (g->process.pid && ccm_process_alive(&g->process)) {
        (void) ccm_process_kill(&g->process);
    }
    if (g->exit_watch) {
        g_source_remove(g->exit_watch);
        g->exit_watch = 0;
    }
    forget_qemu_timers(g);
    drop_qmp(g);
    (void) unlink(g->pidfile);
    (void) unlink(g->qmp_path);
    g->process = (CcmProcessId) { 0 };
    (void) transition(g, CCM_GUEST_FAILED, error->message, NULL);
    if (task) {
        g_task_return_error(task, error);
        g_object_unref(task);
    } else {
        g_error_free(error);
    }
}

static void started(CcmGuest *g)
{
    GTask *task = g_steal_pointer(&g->start_task);
    g->start_registered = false;
    /* The values of the inputs as they were at the start are the only ones registered
     * now: they are the drift guard's baseline. (A start recovered after a ccmd restart
     * has no record of them; the rescan at ccmd's start covered its inputs.) */
    ccm_guest_drift_start_ended(g, g->start_inputs, g->stored->measurement, g->start_baseline);
    g_clear_pointer(&g->start_inputs, g_ptr_array_unref);
    g_clear_pointer(&g->start_baseline, g_hash_table_unref);
    (void) transition(g, CCM_GUEST_RUNNING, "started", NULL);
    if (task) {
        g_task_return_boolean(task, TRUE);
        g_object_unref(task);
    }
}

/* "QEMU of 'NAME': COMMAND returned {...} (expected ...)", the reply cut to 120 bytes. */
static char *wrong_shape(CcmGuest *g, const char *command, json_object *ret,
                         const char *expected)
{
    const char *text = ret ? json_object_to_json_string_ext(ret, JSON_C_TO_STRING_PLAIN)
                           : "nothing";
    return g_strdup_printf("QEMU of '%s': %s returned %.120s%s (expected %s)",
                           ccm_guest_name(g), command, text, strlen(text) > 120 ? "..." : "",
                           expected);
}

static void cont_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    g_autoptr(GError) error = NULL;
    json_object *ret = ccm_qmp_client_execute_finish(NULL, res, &error);

    json_object_put(ret);
    if (!g->start_task)
        return;
    if (error) {
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START, "%s",
                                  error->message));
        return;
    }
    started(g);
}

static void sev_measure_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    g_autoptr(GError) error = NULL;
    json_object *ret = ccm_qmp_client_execute_finish(NULL, res, &error);
    json_object *data = NULL;

    if (!g->start_task) {
        json_object_put(ret);
        return;
    }
    if (!ret || !json_object_is_type(ret, json_type_object) ||
        !json_object_object_get_ex(ret, "data", &data) ||
        !json_object_is_type(data, json_type_string)) {
        g_autofree char *why = wrong_shape(g, "query-sev-launch-measure", ret,
                                           "a string \"data\"");
        json_object_put(ret);
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START,
                                  "QEMU did not report the SEV launch measurement: %s",
                                  error ? error->message : why));
        return;
    }
    /* The reported value is HMAC(TIK, ... LD ...) || MNONCE: only the guest owner, who
     * holds the TIK, can compare it with our LD. Record it for them. */
    ccm_log_info(ccm_guest_name(g), "QEMU reports the SEV launch measurement %s (LD %s)",
                 json_object_get_string(data), g->stored->measurement);
    json_object_put(ret);
    ccm_qmp_client_execute_async(g->qmp, "cont", NULL, NULL, cont_done, g);
}

static void status_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    g_autoptr(GError) error = NULL;
    json_object *ret = ccm_qmp_client_execute_finish(NULL, res, &error);
    json_object *status = NULL;

    if (!g->start_task) {
        json_object_put(ret);
        return;
    }
    if (!ret || !json_object_is_type(ret, json_type_object) ||
        !json_object_object_get_ex(ret, "status", &status) ||
        !json_object_is_type(status, json_type_string)) {
        g_autofree char *why = wrong_shape(g, "query-status", ret, "a string \"status\"");
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START, "%s",
                                  error ? error->message : why));
        json_object_put(ret);
        return;
    }
    g_autofree char *st = g_strdup(json_object_get_string(status));
    json_object_put(ret);
    if (strcmp(st, "running") == 0) {
        started(g); /* a recovered start that had already resumed */
        return;
    }
    if (strcmp(st, "prelaunch") != 0 && strcmp(st, "paused") != 0) {
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START,
                                  "QEMU is in state '%s', expected prelaunch", st));
        return;
    }
    const char *launch_measure = ccm_expectation_qmp_launch_measure(g->plan->spec->platform);
    if (launch_measure)
        ccm_qmp_client_execute_async(g->qmp, launch_measure, NULL, NULL, sev_measure_done, g);
    else
        ccm_qmp_client_execute_async(g->qmp, "cont", NULL, NULL, cont_done, g);
}

/* Connects to the guest's QMP socket; then @next runs with the negotiated client. */
static void connect_qmp(CcmGuest *g, void (*next)(CcmGuest *g));

static void qmp_ready(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    g_autoptr(GError) error = NULL;
    void (*next)(CcmGuest *g) = g->after_connect;

    g->after_connect = NULL;
    if (!g->qmp || !ccm_qmp_client_connect_finish(g->qmp, res, &error)) {
        GError *e = g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START, "%s",
                                error ? error->message : "the QMP connection was dropped");
        if (g->start_task) {
            fail_start(g, e);
        } else {
            ccm_log_warning(ccm_guest_name(g), "%s", e->message);
            g_error_free(e);
        }
        return;
    }
    next(g);
}

static void connect_qmp(CcmGuest *g, void (*next)(CcmGuest *g))
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(g->qmp_path);
    /* A local socket: connecting does not block. */
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect(client, G_SOCKET_CONNECTABLE(address), NULL, &error);

    if (!conn) {
        GError *e = g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START,
                                "cannot connect to QMP at %s: %s", g->qmp_path, error->message);
        if (g->start_task) {
            fail_start(g, e);
        } else {
            ccm_log_warning(ccm_guest_name(g), "%s", e->message);
            g_error_free(e);
        }
        return;
    }
    g_autofree char *peer = g_strdup_printf("QEMU of '%s'", ccm_guest_name(g));
    drop_qmp(g);
    g->qmp = ccm_qmp_client_new(G_IO_STREAM(conn), peer);
    ccm_qmp_client_set_command_timeout(g->qmp, g->manager->config.qmp_timeout_ms);
    ccm_qmp_client_set_message_rate(g->qmp, CCM_EVENT_LIMITER_QMP_MESSAGES_PER_SECOND);
    ccm_qmp_client_set_event_func(g->qmp, on_event, g);
    ccm_qmp_client_set_closed_func(g->qmp, on_qmp_closed, g);
    g->after_connect = next;
    ccm_qmp_client_connect_async(g->qmp, NULL, qmp_ready, g);
}

static void check_and_cont(CcmGuest *g)
{
    ccm_qmp_client_execute_async(g->qmp, "query-status", NULL, NULL, status_done, g);
}

static void spawn_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    GError *error = NULL;
    CcmProcessId id;

    if (!ccm_qemu_spawn_finish(res, &id, &error)) {
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START, "%s",
                                  error->message));
        g_error_free(error);
        return;
    }
    g->process = id;
    /* Recorded before anything else, so a ccmd killed now still finds its QEMU. */
    if (!transition(g, CCM_GUEST_STARTING, "QEMU started (paused)", NULL)) {
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START,
                                  "cannot record QEMU's pid in the state database"));
        return;
    }
    watch_process(g);
    connect_qmp(g, check_and_cont);
}

static gboolean prepare_runtime_dir(CcmGuest *g, GError **error)
{
    g_autoptr(GError) e = NULL;
    if (!ccm_private_dir(g->dir, 0700, &e)) {
        g_set_error_literal(error, CCM_GUEST_ERROR, CCM_GUEST_ERROR_START, e->message);
        return FALSE;
    }
    (void) unlink(g->qmp_path);
    (void) unlink(g->pidfile);
    return TRUE;
}

/* The registration backend has the values: QEMU may start. */
static void registered(GObject *source, GAsyncResult *res, gpointer userdata);

/* Renders QEMU's argv against @caps, then hands the values to the registration backend. */
static void render_and_register(CcmGuest *g, const CcmQemuCaps *caps)
{
    g_autoptr(GError) error = NULL;
    CcmQemuArgvOptions options = CCM_QEMU_ARGV_OPTIONS_INIT;

    options.paused = true;
    options.no_shutdown = true;
    options.qmp_socket = g->qmp_path;
    g->start_argv = ccm_qemu_argv_render(g->plan, caps, &options, &error);
    if (!g->start_argv) {
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START, "%s",
                                  error->message));
        return;
    }
    CcmRegistration *r = g->manager->registration;
    g_autofree char *scope = ccm_guest_scope(g);
    r->ops->register_async(r, ccm_guest_name(g), scope, g->start_values, NULL, registered, g);
}

static void probed(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    g_autoptr(GError) error = NULL;
    CcmQemuCaps *caps = ccm_qemu_probe_finish(res, &error);

    if (!caps) {
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START, "%s",
                                  error->message));
        return;
    }
    ccm_qemu_caps_memo_store(g->manager->caps_memo, g->plan->qemu_binary, caps);
    /* Reading the transcript took megabytes in the worker thread's malloc arena, which
     * glibc keeps unless told: give it back, ccmd stays small for hours. */
    (void) malloc_trim(0);
    render_and_register(g, caps);
}

static void registered(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    GError *error = NULL;

    if (!ccm_registration_finish(res, &error)) {
        GError *e = g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_REGISTRATION,
                                "not started: %s", error->message);
        g_error_free(error);
        fail_start(g, e);
        return;
    }
    g_clear_pointer(&g->start_values, g_hash_table_unref);
    g->start_registered = true;
    g_autoptr(GPtrArray) argv = g_steal_pointer(&g->start_argv);
    g_autofree char *peer = g_strdup_printf("QEMU of '%s'", ccm_guest_name(g));
    ccm_qemu_spawn_async(argv, g->pidfile, peer, NULL, spawn_done, g);
}

static void launch_qemu(CcmGuest *g)
{
    g_autoptr(GError) error = NULL;

    if (!prepare_runtime_dir(g, &error)) {
        fail_start(g, g_steal_pointer(&error));
        return;
    }
    const CcmQemuCaps *known = ccm_qemu_caps_memo_lookup(g->manager->caps_memo,
                                                          g->plan->qemu_binary);
    if (known) {
        render_and_register(g, known);
        return;
    }
    /* Read from the probe's cache on disk, or a first probe runs QEMU: in a worker
     * thread either way. */
    ccm_qemu_probe_async(g->plan->qemu_binary, &g->manager->probe, NULL, probed, g);
}

void ccm_guest_start_async(CcmGuest *g, bool accept_drift, GAsyncReadyCallback callback,
                           gpointer userdata)
{
    GTask *task = g_task_new(NULL, NULL, callback, userdata);
    GError *error = NULL;

    if (ccm_guest_is_libvirt(g)) {
        g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                                "guest '%s' is launched by libvirt: use virsh start",
                                ccm_guest_name(g));
        g_object_unref(task);
        return;
    }
    if (ccm_guest_is_active(g)) {
        g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                                "guest '%s' is %s already", ccm_guest_name(g),
                                state_names[g->state]);
        g_object_unref(task);
        return;
    }
    /* Never two QEMUs for one guest: one that ccmd does not supervise (started by hand
     * in the guest's folder) is not ccmd's to kill, so the start is refused. */
    g_autoptr(GArray) others = ccm_qemu_census_folder(g->dir);
    if (others->len) {
        g_autofree char *pids = ccm_qemu_census_format(others);
        g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                                "guest '%s' is %s, but a QEMU not supervised by ccmd runs in "
                                "its folder %s (pid %s); end it before starting the guest",
                                ccm_guest_name(g), state_names[g->state], g->dir, pids);
        g_object_unref(task);
        return;
    }
    /* A missing input, or a drift that OnDrift=refuse holds back, stops it here. */
    g_autoptr(GPtrArray) inputs = NULL;
    if (!ccm_guest_drift_may_start(g, accept_drift, &inputs, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    g->start_task = task;
    g->shutdown_seen = g->stop_requested = g->crash_recorded = false;
    if (!transition(g, CCM_GUEST_STARTING, "computing the expected measurement", NULL)) {
        g->start_task = NULL;
        g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_START,
                                "cannot record the start in the state database");
        g_object_unref(task);
        return;
    }

    g_autofree char *measurement = NULL;
    g_autoptr(GHashTable) values = NULL;
    if (!ccm_guest_expected_values(g, &measurement, &values, &error)) {
        fail_start(g, error);
        return;
    }
    if (measurement &&
        !transition(g, CCM_GUEST_STARTING, "checking QEMU, then registering the values",
                    measurement)) {
        fail_start(g, g_error_new(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START,
                                  "cannot record the measurement in the state database"));
        return;
    }
    g->start_inputs = g_steal_pointer(&inputs);
    g->start_baseline = g_hash_table_ref(values);
    g->start_values = g_steal_pointer(&values);
    launch_qemu(g);
}

gboolean ccm_guest_operation_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- stop and kill ------------------------------------------------------------------ */

static gboolean stop_timed_out(gpointer userdata)
{
    CcmGuest *g = userdata;

    g->stop_timer = 0;
    ccm_log_notice(ccm_guest_name(g), "the guest did not power off in time; quitting QEMU");
    /* If QEMU does not even quit, it is killed after one more period. */
    end_qemu_within(g, g->manager->config.stop_timeout_ms);
    return G_SOURCE_REMOVE;
}

static void powerdown_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    json_object_put(ccm_qmp_client_execute_finish(NULL, res, NULL));
}

static void stop(CcmGuest *g, bool now, guint timeout_ms, GTask *task)
{
    if (!ccm_guest_is_active(g) || g->start_task) {
        g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                                "guest '%s' is %s", ccm_guest_name(g),
                                g->start_task ? "still starting" : state_names[g->state]);
        g_object_unref(task);
        return;
    }
    g_ptr_array_add(g->stop_tasks, task);
    /* A panicked guest is being ended already; a stop only waits for that. */
    if (g->state == CCM_GUEST_CRASHED)
        return;
    g->stop_requested = true;
    if (now) {
        end_qemu(g);
        return;
    }
    /* QEMU is being ended already (its guest shut down): that deadline holds. */
    if (g->ending)
        return;
    if (g->qmp)
        ccm_qmp_client_execute_async(g->qmp, "system_powerdown", NULL, NULL, powerdown_done, g);
    if (!g->stop_timer)
        g->stop_timer = g_timeout_add(timeout_ms, stop_timed_out, g);
}

/* libvirt runs its guests' QEMU; ccmd only follows them. */
static bool refuse_libvirt(CcmGuest *g, GTask *task, const char *how)
{
    if (!ccm_guest_is_libvirt(g))
        return false;
    g_task_return_new_error(task, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                            "guest '%s' is launched by libvirt: use virsh %s",
                            ccm_guest_name(g), how);
    g_object_unref(task);
    return true;
}

void ccm_guest_stop_async(CcmGuest *g, guint timeout_ms, GAsyncReadyCallback callback,
                          gpointer userdata)
{
    GTask *task = g_task_new(NULL, NULL, callback, userdata);
    if (!refuse_libvirt(g, task, "shutdown"))
        stop(g, false, timeout_ms, task);
}

void ccm_guest_kill_async(CcmGuest *g, GAsyncReadyCallback callback, gpointer userdata)
{
    GTask *task = g_task_new(NULL, NULL, callback, userdata);
    if (!refuse_libvirt(g, task, "destroy"))
        stop(g, true, 0, task);
}

/* ---- recovery after a ccmd restart ------------------------------------------------- */

static void recovered_status(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    g_autoptr(GError) error = NULL;
    json_object *ret = ccm_qmp_client_execute_finish(NULL, res, &error);
    json_object *status = NULL;

    if (!ret || !json_object_is_type(ret, json_type_object) ||
        !json_object_object_get_ex(ret, "status", &status) ||
        !json_object_is_type(status, json_type_string)) {
        g_autofree char *why = wrong_shape(g, "query-status", ret, "a string \"status\"");
        ccm_log_warning(ccm_guest_name(g), "cannot read QEMU's status after reconnecting: %s",
                        error ? error->message : why);
        json_object_put(ret);
        return;
    }
    const char *st = json_object_get_string(status);
    if (strcmp(st, "running") == 0) {
        if (g->state != CCM_GUEST_RUNNING)
            (void) transition(g, CCM_GUEST_RUNNING, "reconnected: running", NULL);
        else
            ccm_log_info(ccm_guest_name(g), "reconnected: running");
    } else if (strcmp(st, "shutdown") == 0) {
        /* The guest powered off while ccmd was away; -no-shutdown kept QEMU. */
        g->shutdown_seen = true;
        end_qemu(g);
    } else if (strcmp(st, "guest-panicked") == 0 || strcmp(st, "internal-error") == 0) {
        /* It happened while ccmd was away: record it as a crash and end QEMU. */
        g_free(g->panic);
        g->panic = g_strdup_printf("reconnected: QEMU status is %s", st);
        g->crash_recorded = true;
        (void) transition(g, CCM_GUEST_CRASHED, g->panic, NULL);
        end_qemu(g);
    } else if (g->state != CCM_GUEST_PAUSED) {
        /* paused, io-error, suspended, watchdog, debug, ...: the vCPUs are stopped. */
        g_autofree char *why = g_strdup_printf("reconnected: QEMU status is %s", st);
        (void) transition(g, CCM_GUEST_PAUSED, why, NULL);
    }
    json_object_put(ret);
}

static void recover_running(CcmGuest *g)
{
    ccm_qmp_client_execute_async(g->qmp, "query-status", NULL, NULL, recovered_status, g);
}

static void recover_start_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmGuest *g = userdata;
    g_autoptr(GError) error = NULL;
    if (!ccm_guest_operation_finish(res, &error))
        ccm_log_warning(ccm_guest_name(g), "the interrupted start failed: %s", error->message);
}

/* How often, and how long, recovery looks again for a QEMU that is still initialising.
 * A poll, not an event: "the pid file is written" has none a non-parent can wait for,
 * and it runs only after a restart that interrupted a start, for at most 5 s. */
#define RECOVER_POLL_MS 50
#define RECOVER_POLL_LIMIT_MS 5000

/* Nothing of the guest runs (any more): a start fails, anything else crashed. */
static void recover_nothing_runs(CcmGuest *g, const char *why)
{
    g->process = (CcmProcessId) { 0 };
    if (g->start_task)
        fail_start(g, g_error_new_literal(CCM_GUEST_ERROR, CCM_GUEST_ERROR_START, why));
    else
        (void) transition(g, CCM_GUEST_CRASHED, why, NULL);
}

/* @pid, the daemonized QEMU, becomes the guest's: recorded first, then watched and
 * reconnected; an interrupted start is finished as if spawn_done had run. */
static void adopt(CcmGuest *g, int64_t pid)
{
    CcmProcessId id = { .pid = pid };
    if (!ccm_process_start_time(pid, &id.start_time)) {
        recover_nothing_runs(g, "QEMU exited while ccmd was not running");
        return;
    }
    g->process = id;
    g_autofree char *why = g_strdup_printf("reconnected: adopted QEMU (pid %" G_GINT64_FORMAT
                                           ") found by its pid file", pid);
    if (!transition(g, g->state, why, NULL)) {
        g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(int64_t));
        g_array_append_val(pids, pid);
        (void) ccm_qemu_census_end(pids, 2000);
        recover_nothing_runs(g, "cannot record the adopted QEMU's pid in the state database");
        return;
    }
    ccm_log_info(ccm_guest_name(g), "adopted QEMU (pid %" G_GINT64_FORMAT ")", pid);
    watch_process(g);
    connect_qmp(g, g->start_task ? check_and_cont : recover_running);
}

static void recover_search(CcmGuest *g);

static gboolean recover_poll(gpointer userdata)
{
    CcmGuest *g = userdata;
    g->recover_timer = 0;
    recover_search(g);
    return G_SOURCE_REMOVE;
}

/*
 * The recorded QEMU is gone, or none was recorded yet (ccmd died between the
 * "starting" transition and spawn_done): find what runs in the guest's folder.
 *   nothing                         -> failed (a start) or crashed;
 *   exactly one process, the holder
 *   of the locked pid file          -> adopted: a daemonized QEMU whose foreground
 *                                      parent has exited, i.e. initialised;
 *   anything else                   -> QEMU is initialising (foreground parent still
 *                                      there, pid file not written yet): look again
 *                                      every 50 ms, for at most 5 s, then end every
 *                                      process found and record failed/crashed.
 */
static void recover_search(CcmGuest *g)
{
    g_autoptr(GArray) pids = ccm_qemu_census_folder(g->dir);

    if (pids->len == 0) {
        recover_nothing_runs(g, g->stored->pid ? "QEMU exited while ccmd was not running"
                                               : "ccmd stopped during the start, before QEMU ran");
        return;
    }
    /* QEMU is spawned only once the backend accepted the values: a failed start now
     * withdraws them. */
    if (g->start_task)
        g->start_registered = true;
    int64_t holder = ccm_qemu_pidfile_holder(g->pidfile);
    if (pids->len == 1 && holder == g_array_index(pids, int64_t, 0)) {
        adopt(g, holder);
        return;
    }
    if (g->recover_polls++ < RECOVER_POLL_LIMIT_MS / RECOVER_POLL_MS) {
        g->recover_timer = g_timeout_add(RECOVER_POLL_MS, recover_poll, g);
        return;
    }
    g_autofree char *list = ccm_qemu_census_format(pids);
    g_autofree char *why = g_strdup_printf(
        "ccmd stopped during the start; its QEMU (pid %s) did not come up as one daemonized "
        "process within %d ms and was ended", list, RECOVER_POLL_LIMIT_MS);
    ccm_log_warning(ccm_guest_name(g), "ending QEMU (pid %s)", list);
    if (!ccm_qemu_census_end(pids, 2000))
        ccm_log_error(ccm_guest_name(g), "QEMU (pid %s) survived SIGKILL", list);
    recover_nothing_runs(g, why);
}

/* A guest ccmd shows inactive has no QEMU: end any found in its folder. */
static void end_strays(CcmGuest *g)
{
    g_autoptr(GArray) pids = ccm_qemu_census_folder(g->dir);
    if (pids->len == 0)
        return;
    g_autofree char *list = ccm_qemu_census_format(pids);
    ccm_log_warning(ccm_guest_name(g), "QEMU (pid %s) runs in %s though the guest is %s; "
                    "ending it", list, g->dir, state_names[g->state]);
    if (!ccm_qemu_census_end(pids, 2000))
        ccm_log_error(ccm_guest_name(g), "QEMU (pid %s) survived SIGKILL", list);
}

void ccm_guest_recover(CcmGuest *g)
{
    const char *name = ccm_guest_name(g);

    /* libvirt's guests are libvirt's to reconnect to; its hook reports them again. */
    if (ccm_guest_is_libvirt(g))
        return;
    if (!ccm_guest_is_active(g)) {
        end_strays(g);
        return;
    }
    if (g->state == CCM_GUEST_CRASHED) {
        /* It panicked and ccmd stopped before its QEMU was gone: end it now. */
        g->crash_recorded = true;
        g->panic = g_strdup(g->stored->reason);
        if (ccm_process_alive(&g->process)) {
            ccm_log_info(name, "ending the QEMU of the panicked guest");
            watch_process(g);
            (void) ccm_process_kill(&g->process);
        } else {
            g->process = (CcmProcessId) { 0 };
            end_strays(g);
            (void) transition(g, CCM_GUEST_CRASHED, g->panic, NULL);
        }
        return;
    }
    /* A start found in the database was interrupted: it is finished or failed here. The
     * values were registered before QEMU was spawned, so a failure withdraws them. */
    if (g->state == CCM_GUEST_STARTING) {
        g->start_task = g_task_new(NULL, NULL, recover_start_done, g);
        g->start_registered = g->process.pid != 0;
    }
    if (!g->process.pid || !ccm_process_alive(&g->process)) {
        g->process = (CcmProcessId) { 0 };
        recover_search(g);
        return;
    }
    ccm_log_info(name, "reconnecting to QEMU (pid %" G_GINT64_FORMAT ")", g->process.pid);
    watch_process(g);
    /* ccmd stopped between starting QEMU and "cont": finish the start. */
    connect_qmp(g, g->start_task ? check_and_cont : recover_running);
}
