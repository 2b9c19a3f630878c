/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * manager-api.c - the io.ccm.Manager Varlink interface of ccmd
 *
 * Each method checks its parameters (a wrong one gets org.varlink.service.
 * InvalidParameter naming it): strings must hold no NUL character (json-c would cut them
 * there: "v0\u0000x" is not "v0"), and a guest's name must be one by the spec's grammar
 * (ccmd.guest(5)) before it is looked up, so a name that gets past this edge is plain
 * ASCII and may be quoted in messages and logs. A refused value is never echoed. For
 * methods that change anything, the caller is checked too (ccmd(8), AUTHORISATION):
 * full (root, ccmd's own user) or a member of the client group, taken from the
 * socket's credentials (SO_PEERCRED, SO_PEERGROUPS), and never a guest's QEMU process
 * or anything it started (its parent chain in /proc). Add and Start check the spec
 * against the caller (spec-authz.c). Failures are named io.ccm.Manager errors with a
 * "message" saying what went wrong in one sentence.
 */
#include <string.h>
#include <unistd.h>

#include "ccm-autocleanups.h"
#include "guest-spec.h"
#include "libvirt-guests.h"
#include "manager-api.h"
#include "hex.h"

static const char interface_description[] =
    "# The ccm daemon: confidential guests supervised on this host.\n"
    "interface io.ccm.Manager\n"
    "\n"
    "type Guest (\n"
    "  name: string,\n"
    "  platform: string,\n"
    "  state: string,\n"
    "  reason: ?string,\n"
    "  measurement: ?string,\n"
    "  pid: ?int,\n"
    "  spec: string,\n"
    "  # ccmd, or libvirt (its hook reports the guest; ccmd never runs its QEMU)\n"
    "  launched_by: string,\n"
    "  # the drift guard: absent or null when the guest's host files are as registered\n"
    "  drift: ?Drift\n"
    ")\n"
    "\n"
    "# One host file of a guest's expectation that changed: its role (firmware, varstore,\n"
    "# kernel, initrd, dtb, qemu), path, and SHA-256 before and now (null: missing).\n"
    "type DriftInput (input: string, path: string, old_sha256: ?string, new_sha256: ?string)\n"
    "\n"
    "# state: \"drift\" (new value registered beside the old, or only reported under alert),\n"
    "#        \"missing\" (an input is gone), \"refused\" (policy refuse: next start refused)\n"
    "# policy: the guest's OnDrift=; since: microseconds since the Unix epoch (as Transition.time); the measurements are the\n"
    "# guest's primary value (as Guest.measurement) before and with the changed files;\n"
    "# registration_error: registering the new value beside the old failed (tried again).\n"
    "type Drift (state: string, policy: string, since: int, inputs: []DriftInput,\n"
    "            old_measurement: ?string, new_measurement: ?string,\n"
    "            registration_error: ?string)\n"
    "\n"
    "type Transition (time: int, state: string, reason: ?string)\n"
    "\n"
    "method List() -> (guests: []Guest)\n"
    "method Status(name: string) -> (guest: Guest, history: []Transition)\n"
    "method Add(path: string, spec: string) -> (guest: Guest)\n"
    "method Remove(name: string) -> ()\n"
    "# accept_drift: start a guest that OnDrift=refuse holds back, with its new values.\n"
    "method Start(name: string, accept_drift: ?bool) -> (guest: Guest)\n"
    "method Stop(name: string, timeout: ?int) -> (guest: Guest)\n"
    "method Kill(name: string) -> (guest: Guest)\n"
    "method Measure(name: string) -> (platform: string, measurement: ?string,\n"
    "                                 reference_values: [string]string)\n"
    "# With more: the current guests first, then one reply per change.\n"
    "method Monitor() -> (guests: ?[]Guest, guest: ?Guest)\n"
    "# One call of libvirt's QEMU hook (ccmd-libvirt-hook forwards it; root only): the\n"
    "# domain's name, the operation, its phase, the extra argument and the domain XML.\n"
    "method LibvirtHook(domain: string, operation: string, phase: string, extra: string,\n"
    "                   xml: string) -> ()\n"
    "\n"
    "error NoSuchGuest (message: string)\n"
    "error GuestExists (message: string)\n"
    "error InvalidSpec (message: string)\n"
    "error InvalidState (message: string)\n"
    "error MeasurementFailed (message: string)\n"
    "error RegistrationFailed (message: string)\n"
    "error StartFailed (message: string)\n"
    "error StopFailed (message: string)\n"
    "error TooManyGuests (message: string)\n"
    "error PermissionDenied (message: string)\n"
    "error InternalError (message: string)\n";

#define ERR(name) "io.ccm.Manager." name

/* ---- helpers --------------------------------------------------------------------- */

static void invalid_parameter(CcmVarlinkCall *call, const char *key)
{
    json_object *p = json_object_new_object();
    json_object_object_add(p, "parameter", json_object_new_string(key));
    ccm_varlink_call_error(call, "org.varlink.service.InvalidParameter", p);
}

/* A string parameter @key, without NUL characters. */
static bool string_param(CcmVarlinkCall *call, json_object *params, const char *key,
                         const char **ret)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(params, key, &v) || !json_object_is_type(v, json_type_string) ||
        (size_t) json_object_get_string_len(v) != strlen(json_object_get_string(v))) {
        invalid_parameter(call, key);
        return false;
    }
    *ret = json_object_get_string(v);
    return true;
}

/* The "name" parameter: a guest name by the spec's grammar. */
static bool name_param(CcmVarlinkCall *call, json_object *params, const char **ret)
{
    const char *name;
    if (!string_param(call, params, "name", &name))
        return false;
    if (!ccm_guest_name_is_valid(name)) {
        invalid_parameter(call, "name");
        return false;
    }
    *ret = name;
    return true;
}

/* The parent of @pid from /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold
 * spaces and parentheses), or 0. */
static pid_t parent_of(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%ld/stat", (long) pid);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    const char *p = strrchr(text, ')');
    if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
        return 0;
    return (pid_t) g_ascii_strtoll(p + 4, NULL, 10);
}

/* The guest whose QEMU process is @pid or an ancestor of @pid (up to 64 generations),
 * or NULL. */
static CcmGuest *qemu_ancestor(CcmManager *m, pid_t pid)
{
    g_autoptr(GPtrArray) guests = ccm_manager_list(m);

    for (int depth = 0; pid > 1 && depth < 64; depth++, pid = parent_of(pid))
        for (guint i = 0; i < guests->len; i++)
            if (ccm_guest_stored(guests->pdata[i])->pid == pid)
                return guests->pdata[i];
    return NULL;
}

/* QEMU runs with ccmd's rights and may run what a guest makes it run: neither it nor
 * anything it started may change guests, whatever its uid. */
static bool from_qemu(CcmManagerApi *api, CcmVarlinkCall *call)
{
    pid_t pid = ccm_varlink_call_pid(call);
    CcmGuest *g = pid > 0 ? qemu_ancestor(api->manager, pid) : NULL;
    if (!g)
        return false;
    g_autofree char *msg = g_strdup_printf("pid %ld (uid %u) is the QEMU process of guest "
                                           "'%s' or was started by it; QEMU processes may "
                                           "not change guests",
                                           (long) pid, (unsigned) ccm_varlink_call_uid(call),
                                           ccm_guest_name(g));
    ccm_varlink_call_error_message(call, ERR("PermissionDenied"), msg);
    return true;
}

/* The caller and its class (ccmd(8), AUTHORISATION): full for root and ccmd's own user,
 * member for the client group, reader for anyone else. */
static void caller_of(CcmManagerApi *api, CcmVarlinkCall *call, CcmCaller *ret)
{
    ret->uid = ccm_varlink_call_uid(call);
    ret->gid = ccm_varlink_call_gid(call);
    ret->groups = ccm_varlink_call_groups(call, &ret->n_groups);
    gid_t group = api->manager->config.client_group;
    if (ret->uid == 0 || ret->uid == geteuid())
        ret->class = CCM_CALLER_FULL;
    else if (ret->uid != (uid_t) -1 && group != (gid_t) -1 && ccm_caller_in_group(ret, group))
        ret->class = CCM_CALLER_MEMBER;
    else
        ret->class = CCM_CALLER_READER;
}

/* Full callers and members may change guests, unless they are (run by) a QEMU. */
static bool may_change(CcmManagerApi *api, CcmVarlinkCall *call, CcmCaller *ret_caller)
{
    caller_of(api, call, ret_caller);
    if (from_qemu(api, call))
        return false;
    if (ret_caller->class != CCM_CALLER_READER)
        return true;
    g_autofree char *msg = g_strdup_printf("uid %u may read but not change guests (needs root "
                                           "or the client group, gid %ld)",
                                           (unsigned) ret_caller->uid,
                                           (long) api->manager->config.client_group);
    ccm_varlink_call_error_message(call, ERR("PermissionDenied"), msg);
    return false;
}

static void reply_guest(CcmVarlinkCall *call, CcmGuest *g)
{
    json_object *p = json_object_new_object();
    json_object_object_add(p, "guest", ccm_guest_to_json(g));
    ccm_varlink_call_reply(call, p, false);
}

static const char *guest_error_name(const GError *error)
{
    if (error->domain == CCM_MANAGER_ERROR) {
        switch (error->code) {
        case CCM_MANAGER_ERROR_NO_SUCH_GUEST:
            return ERR("NoSuchGuest");
        case CCM_MANAGER_ERROR_GUEST_EXISTS:
            return ERR("GuestExists");
        case CCM_MANAGER_ERROR_INVALID_SPEC:
            return ERR("InvalidSpec");
        case CCM_MANAGER_ERROR_LIMIT:
            return ERR("TooManyGuests");
        case CCM_MANAGER_ERROR_PERMISSION:
            return ERR("PermissionDenied");
        }
    }
    if (error->domain == CCM_GUEST_ERROR) {
        switch (error->code) {
        case CCM_GUEST_ERROR_INVALID_STATE:
            return ERR("InvalidState");
        case CCM_GUEST_ERROR_MEASUREMENT:
            return ERR("MeasurementFailed");
        case CCM_GUEST_ERROR_REGISTRATION:
            return ERR("RegistrationFailed");
        case CCM_GUEST_ERROR_START:
            return ERR("StartFailed");
        case CCM_GUEST_ERROR_STOP:
            return ERR("StopFailed");
        }
    }
    if (error->domain == CCM_REGISTRATION_ERROR)
        return ERR("RegistrationFailed");
    return ERR("InternalError");
}

static void reply_error(CcmVarlinkCall *call, const GError *error)
{
    ccm_varlink_call_error_message(call, guest_error_name(error), error->message);
}

static CcmGuest *lookup(CcmManagerApi *api, CcmVarlinkCall *call, json_object *params)
{
    const char *name;
    g_autoptr(GError) error = NULL;

    if (!name_param(call, params, &name))
        return NULL;
    CcmGuest *g = ccm_manager_lookup(api->manager, name, &error);
    if (!g)
        reply_error(call, error);
    return g;
}

/* ---- methods ------------------------------------------------------------------------- */

static json_object *guest_list(CcmManager *m)
{
    g_autoptr(GPtrArray) guests = ccm_manager_list(m);
    json_object *a = json_object_new_array();
    for (guint i = 0; i < guests->len; i++)
        json_object_array_add(a, ccm_guest_to_json(guests->pdata[i]));
    return a;
}

static void method_list(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    json_object *p = json_object_new_object();
    json_object_object_add(p, "guests", guest_list(api->manager));
    ccm_varlink_call_reply(call, p, false);
}

static void method_status(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    CcmGuest *g = lookup(api, call, params);
    g_autoptr(GError) error = NULL;

    if (!g)
        return;
    g_autoptr(GPtrArray) history = ccm_store_history(api->manager->store, ccm_guest_name(g), 20,
                                                     &error);
    if (!history) {
        reply_error(call, error);
        return;
    }
    json_object *h = json_object_new_array();
    for (guint i = 0; i < history->len; i++) {
        const CcmStoredEvent *e = history->pdata[i];
        json_object *t = json_object_new_object();
        json_object_object_add(t, "time", json_object_new_int64(e->time));
        json_object_object_add(t, "state", json_object_new_string(e->state));
        if (e->reason)
            json_object_object_add(t, "reason", json_object_new_string(e->reason));
        json_object_array_add(h, t);
    }
    json_object *p = json_object_new_object();
    json_object_object_add(p, "guest", ccm_guest_to_json(g));
    json_object_object_add(p, "history", h);
    ccm_varlink_call_reply(call, p, false);
}

static void method_add(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    const char *path, *spec;
    g_autoptr(GError) error = NULL;

    CcmCaller caller;

    if (!string_param(call, params, "path", &path) || !string_param(call, params, "spec", &spec) ||
        !may_change(api, call, &caller))
        return;
    CcmGuest *g = ccm_manager_add(api->manager, path, spec, &caller, &error);
    if (!g) {
        reply_error(call, error);
        return;
    }
    reply_guest(call, g);
}

/* Operations that complete later answer the call they were given. */
typedef struct Pending {
    CcmVarlinkCall *call;
    CcmManagerApi *api;
    char *name;
} Pending;

static Pending *pending_new(CcmVarlinkCall *call, CcmManagerApi *api, const char *name)
{
    Pending *p = g_new0(Pending, 1);
    p->call = ccm_varlink_call_ref(call);
    p->api = api;
    p->name = g_strdup(name);
    return p;
}

static void pending_free(Pending *p)
{
    ccm_varlink_call_unref(p->call);
    g_free(p->name);
    g_free(p);
}

static void operation_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Pending *p = userdata;
    g_autoptr(GError) error = NULL;

    if (!ccm_guest_operation_finish(res, &error)) {
        reply_error(p->call, error);
    } else {
        CcmGuest *g = ccm_manager_lookup(p->api->manager, p->name, &error);
        if (g)
            reply_guest(p->call, g);
        else
            reply_error(p->call, error);
    }
    pending_free(p);
}

static void method_start(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    CcmGuest *g = lookup(api, call, params);
    CcmCaller caller;
    g_autoptr(GError) error = NULL;
    json_object *accept = NULL;

    if (!g)
        return;
    if (json_object_object_get_ex(params, "accept_drift", &accept) &&
        !json_object_is_type(accept, json_type_null) &&
        !json_object_is_type(accept, json_type_boolean)) {
        invalid_parameter(call, "accept_drift");
        return;
    }
    if (!may_change(api, call, &caller))
        return;
    if (!ccm_manager_authorize_start(api->manager, g, &caller, &error)) {
        reply_error(call, error);
        return;
    }
    ccm_guest_start_async(g, accept && json_object_get_boolean(accept), operation_done,
                          pending_new(call, api, ccm_guest_name(g)));
}

static void method_stop(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    CcmGuest *g = lookup(api, call, params);
    guint timeout_ms = api->manager->config.stop_timeout_ms;
    json_object *t = NULL;
    CcmCaller caller;

    if (!g)
        return;
    if (json_object_object_get_ex(params, "timeout", &t) && !json_object_is_type(t, json_type_null)) {
        if (!json_object_is_type(t, json_type_int) || json_object_get_int64(t) < 0 ||
            json_object_get_int64(t) > 3600) {
            invalid_parameter(call, "timeout");
            return;
        }
        timeout_ms = (guint) json_object_get_int64(t) * 1000;
    }
    if (!may_change(api, call, &caller))
        return;
    ccm_guest_stop_async(g, timeout_ms, operation_done, pending_new(call, api, ccm_guest_name(g)));
}

static void method_kill(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    CcmGuest *g = lookup(api, call, params);
    CcmCaller caller;
    if (!g || !may_change(api, call, &caller))
        return;
    ccm_guest_kill_async(g, operation_done, pending_new(call, api, ccm_guest_name(g)));
}

static void removed(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Pending *p = userdata;
    g_autoptr(GError) error = NULL;

    if (ccm_manager_remove_finish(res, &error))
        ccm_varlink_call_reply(p->call, NULL, false);
    else
        reply_error(p->call, error);
    pending_free(p);
}

static void method_remove(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    const char *name;
    CcmCaller caller;
    if (!name_param(call, params, &name) || !may_change(api, call, &caller))
        return;
    ccm_manager_remove_async(api->manager, name, removed, pending_new(call, api, name));
}

static void method_measure(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    CcmGuest *g = lookup(api, call, params);
    g_autofree char *measurement = NULL;
    g_autoptr(GHashTable) values = NULL;
    g_autoptr(GError) error = NULL;

    if (!g)
        return;
    if (!ccm_guest_expected_values(g, &measurement, &values, &error)) {
        reply_error(call, error);
        return;
    }
    json_object *p = json_object_new_object();
    json_object *rv = json_object_new_object();
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, values);
    while (g_hash_table_iter_next(&iter, &key, &value))
        json_object_object_add(rv, key, json_object_new_string(value));
    json_object_object_add(p, "platform", json_object_new_string(ccm_guest_stored(g)->platform));
    if (measurement)
        json_object_object_add(p, "measurement", json_object_new_string(measurement));
    json_object_object_add(p, "reference_values", rv);
    ccm_varlink_call_reply(call, p, false);
}

/* ---- Monitor --------------------------------------------------------------------------- */

typedef struct Monitor {
    CcmManagerApi *api;
    CcmVarlinkCall *call;
    guint watch;
} Monitor;

static void monitor_changed(CcmGuest *g, gpointer userdata)
{
    Monitor *mon = userdata;
    json_object *p = json_object_new_object();
    json_object_object_add(p, "guest", ccm_guest_to_json(g));
    ccm_varlink_call_reply(mon->call, p, true);
}

static void monitor_cancel(gpointer userdata)
{
    Monitor *mon = userdata;
    ccm_manager_unwatch(mon->api->manager, mon->watch);
    mon->api->monitors = g_slist_remove(mon->api->monitors, mon);
    ccm_varlink_call_unref(mon->call);
    g_free(mon);
}

static void method_monitor(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    json_object *p = json_object_new_object();

    json_object_object_add(p, "guests", guest_list(api->manager));
    if (!ccm_varlink_call_wants_more(call)) {
        ccm_varlink_call_reply(call, p, false);
        return;
    }
    Monitor *mon = g_new0(Monitor, 1);
    mon->api = api;
    mon->call = ccm_varlink_call_ref(call);
    mon->watch = ccm_manager_watch(api->manager, monitor_changed, mon);
    api->monitors = g_slist_prepend(api->monitors, mon);
    ccm_varlink_call_set_cancel_func(call, monitor_cancel, mon);
    ccm_varlink_call_reply(call, p, true);
}

static void hook_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Pending *p = userdata;
    g_autoptr(GError) error = NULL;

    if (ccm_manager_libvirt_hook_finish(res, &error))
        ccm_varlink_call_reply(p->call, json_object_new_object(), false);
    else
        reply_error(p->call, error);
    pending_free(p);
}

/* libvirtd runs its hooks as root; ccmd's own user may call too (a ccmd run by hand). */
static bool is_hook_caller(CcmManagerApi *api, CcmVarlinkCall *call)
{
    uid_t uid = ccm_varlink_call_uid(call);
    if (from_qemu(api, call))
        return false;
    if (uid == 0 || uid == geteuid())
        return true;
    g_autofree char *msg = g_strdup_printf("uid %u may not act as libvirt's hook (root only)",
                                           (unsigned) uid);
    ccm_varlink_call_error_message(call, ERR("PermissionDenied"), msg);
    return false;
}

static void method_libvirt_hook(CcmVarlinkCall *call, json_object *params, gpointer userdata)
{
    CcmManagerApi *api = userdata;
    CcmLibvirtHookCall c;

    if (!string_param(call, params, "domain", &c.domain) ||
        !string_param(call, params, "operation", &c.operation) ||
        !string_param(call, params, "phase", &c.phase) ||
        !string_param(call, params, "extra", &c.extra) ||
        !string_param(call, params, "xml", &c.xml) || !is_hook_caller(api, call))
        return;
    ccm_manager_libvirt_hook_async(api->manager, &c, hook_done, pending_new(call, api, c.domain));
}

/* ---- setup ------------------------------------------------------------------------------ */

CcmManagerApi *ccm_manager_api_new(CcmManager *manager, CcmVarlinkServer *server)
{
    CcmManagerApi *api = g_new0(CcmManagerApi, 1);
    static const struct {
        const char *name;
        CcmVarlinkMethodFunc func;
    } methods[] = {
        { "List", method_list },       { "Status", method_status }, { "Add", method_add },
        { "Remove", method_remove },   { "Start", method_start },   { "Stop", method_stop },
        { "Kill", method_kill },       { "Measure", method_measure },
        { "Monitor", method_monitor }, { "LibvirtHook", method_libvirt_hook },
    };

    api->manager = manager;
    ccm_varlink_server_add_interface(server, "io.ccm.Manager", interface_description);
    for (size_t i = 0; i < G_N_ELEMENTS(methods); i++) {
        g_autofree char *full = g_strconcat("io.ccm.Manager.", methods[i].name, NULL);
        ccm_varlink_server_add_method(server, full, methods[i].func, api);
    }
    return api;
}

void ccm_manager_api_free(CcmManagerApi *api)
{
    if (!api)
        return;
    while (api->monitors) {
        Monitor *mon = api->monitors->data;
        ccm_varlink_call_set_cancel_func(mon->call, NULL, NULL);
        monitor_cancel(mon);
    }
    g_free(api);
}
