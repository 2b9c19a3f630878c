/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guest-drift.c - the drift guard: a guest's host inputs changed, its expectation with them
 *
 * Theory of operation. Every guest has a baseline: the identity (plan-inputs.c) of the
 * host files its registered values were computed from, those values and the
 * measurement. It is set when the guest is added and each time it starts, and kept in
 * the state database with the drift seen since. When a file may have changed (its
 * folder's inotify events, input-watch.c; ccmd's start), the files are identified
 * again and compared with the baseline by content:
 *   - nothing differs (a touch): nothing is reported; a drift seen before is over (the
 *     files are back), and the registration is the baseline's again;
 *   - an input is gone: drift "missing", reported; the next start is refused naming the
 *     file, whatever the policy;
 *   - the content differs: the expectation is computed again. Equal values (a QEMU
 *     upgrade that leaves the measurement alone, say) become the baseline silently but
 *     for an info line. Different values are a drift, handled per OnDrift=:
 *       register-both  the union of old and new values is registered: a running guest
 *                      keeps attesting with the old, its next boot with the new. A
 *                      guest that is not running (nothing attests with its old value)
 *                      is only reported: its next start registers the new value;
 *       alert          reported, the registration is unchanged;
 *       refuse         reported as "refused"; the next start is refused until the
 *                      operator accepts it (Start with accept_drift).
 * The start registers the values of the files as they are then, in place of the
 * guest's others: that is when an old value goes away, and the baseline moves on.
 * Every drift is a journal entry per input with CCM_* fields, and a Monitor update.
 * A registration that fails is logged, kept in the record (registration_error) and
 * tried again on the next change or start.
 */
#include <string.h>

#include "guest-drift.h"
#include "guest.h"
#include "log.h"
#include "manager.h"
#include "plan-inputs.h"
#include "value-set.h"

typedef struct DriftInput {
    char *role;
    char *path;
    char *old_sha256;
    char *new_sha256;   /* NULL: missing, or cannot be read */
    char *problem;      /* why new_sha256 is NULL, when seen now (not stored) */
} DriftInput;

struct CcmGuestDrift {
    /* baseline */
    GPtrArray *inputs;            /* CcmPlanInput; NULL until loaded or established */
    char *measurement;
    GHashTable *values;           /* name -> JSON text */
    /* the drift seen since, if any */
    char *state;                  /* "drift", "missing", "refused"; NULL: none */
    char *policy;
    int64_t since;                /* microseconds since the Unix epoch */
    GPtrArray *changed;           /* DriftInput */
    char *new_measurement;
    GHashTable *new_values;       /* what the files hold now (drift only) */
    bool both_registered;         /* the union is registered */
    char *registration_error;
    bool recheck;                 /* a change came during a start */
    guint generation;             /* a registration's answer belongs to this drift
                                   * (unique in this ccmd, see next_generation()) */
};

static void drift_input_free(gpointer p)
{
    DriftInput *d = p;
    g_free(d->role);
    g_free(d->path);
    g_free(d->old_sha256);
    g_free(d->new_sha256);
    g_free(d->problem);
    g_free(d);
}

static GPtrArray *inputs_copy(GPtrArray *inputs)
{
    GPtrArray *copy = g_ptr_array_new_with_free_func((GDestroyNotify) ccm_plan_input_free);
    for (guint i = 0; i < inputs->len; i++) {
        const CcmPlanInput *in = inputs->pdata[i];
        CcmPlanInput *c = g_new0(CcmPlanInput, 1);
        c->role = g_strdup(in->role);
        c->path = g_strdup(in->path);
        c->sha256 = g_strdup(in->sha256);
        c->size = in->size;
        c->mtime_ns = in->mtime_ns;
        c->problem = g_strdup(in->problem);
        g_ptr_array_add(copy, c);
    }
    return copy;
}

/* Generations are numbered across all guests, so that the answer to a registration made
 * for a guest since removed never matches a guest added again under its name. */
static guint next_generation(void)
{
    static guint last;
    return ++last;
}

CcmGuestDrift *ccm_guest_drift_new(void)
{
    CcmGuestDrift *d = g_new0(CcmGuestDrift, 1);
    d->generation = next_generation();
    return d;
}

static void clear_drift(CcmGuestDrift *d)
{
    g_clear_pointer(&d->state, g_free);
    g_clear_pointer(&d->policy, g_free);
    g_clear_pointer(&d->changed, g_ptr_array_unref);
    g_clear_pointer(&d->new_measurement, g_free);
    g_clear_pointer(&d->new_values, g_hash_table_unref);
    g_clear_pointer(&d->registration_error, g_free);
    d->both_registered = false;
    d->since = 0;
    d->generation = next_generation();
}

void ccm_guest_drift_free(CcmGuestDrift *d)
{
    if (!d)
        return;
    clear_drift(d);
    g_clear_pointer(&d->inputs, g_ptr_array_unref);
    g_clear_pointer(&d->values, g_hash_table_unref);
    g_free(d->measurement);
    g_free(d);
}

/* ---- the record in the state database ------------------------------------------------ */

static void add_string(json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

static const char *get_string(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *changed_to_json(GPtrArray *changed)
{
    json_object *a = json_object_new_array();
    for (guint i = 0; changed && i < changed->len; i++) {
        const DriftInput *c = changed->pdata[i];
        json_object *o = json_object_new_object();
        add_string(o, "input", c->role);
        add_string(o, "path", c->path);
        add_string(o, "old_sha256", c->old_sha256);
        add_string(o, "new_sha256", c->new_sha256);
        json_object_array_add(a, o);
    }
    return a;
}

static void save(CcmGuest *g)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    CcmManager *m = ccm_guest_manager(g);
    g_autoptr(GError) error = NULL;

    json_object *base = json_object_new_object();
    json_object_object_add(base, "inputs", ccm_plan_inputs_to_json(d->inputs));
    add_string(base, "measurement", d->measurement);
    json_object_object_add(base, "values", ccm_value_set_to_json(d->values));
    json_object *drift = NULL;
    if (d->state) {
        drift = json_object_new_object();
        add_string(drift, "state", d->state);
        add_string(drift, "policy", d->policy);
        json_object_object_add(drift, "since", json_object_new_int64(d->since));
        json_object_object_add(drift, "inputs", changed_to_json(d->changed));
        add_string(drift, "new_measurement", d->new_measurement);
        if (d->new_values)
            json_object_object_add(drift, "new_values", ccm_value_set_to_json(d->new_values));
        json_object_object_add(drift, "both_registered",
                               json_object_new_boolean(d->both_registered));
        add_string(drift, "registration_error", d->registration_error);
    }
    if (!ccm_store_set_inputs(m->store, ccm_guest_name(g),
                              json_object_to_json_string_ext(base, JSON_C_TO_STRING_PLAIN),
                              drift ? json_object_to_json_string_ext(drift, JSON_C_TO_STRING_PLAIN)
                                    : NULL,
                              &error))
        ccm_log_error(ccm_guest_name(g), "cannot record the guest's inputs: %s", error->message);
    json_object_put(base);
    json_object_put(drift);
}

static bool restore(CcmGuestDrift *d, const char *baseline, const char *drift)
{
    json_object *base = json_tokener_parse(baseline);
    json_object *inputs = NULL;
    if (!base || !json_object_object_get_ex(base, "inputs", &inputs)) {
        json_object_put(base);
        return false;
    }
    GPtrArray *list = ccm_plan_inputs_from_json(inputs);
    if (!list) {
        json_object_put(base);
        return false;
    }
    d->inputs = list;
    d->measurement = g_strdup(get_string(base, "measurement"));
    json_object *values = NULL;
    json_object_object_get_ex(base, "values", &values);
    d->values = ccm_value_set_from_json(values);
    json_object_put(base);

    json_object *o = drift ? json_tokener_parse(drift) : NULL;
    if (!o || !get_string(o, "state")) {
        json_object_put(o);
        return true;
    }
    d->state = g_strdup(get_string(o, "state"));
    d->policy = g_strdup(get_string(o, "policy"));
    json_object *v = NULL;
    if (json_object_object_get_ex(o, "since", &v))
        d->since = json_object_get_int64(v);
    d->changed = g_ptr_array_new_with_free_func(drift_input_free);
    if (json_object_object_get_ex(o, "inputs", &v) && json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *x = json_object_array_get_idx(v, i);
            DriftInput *c = g_new0(DriftInput, 1);
            c->role = g_strdup(get_string(x, "input"));
            c->path = g_strdup(get_string(x, "path"));
            c->old_sha256 = g_strdup(get_string(x, "old_sha256"));
            c->new_sha256 = g_strdup(get_string(x, "new_sha256"));
            /* Not stored: a file without a digest is taken as missing (one that cannot be
             * read is reported again, once, after a restart). */
            c->problem = c->new_sha256 ? NULL : g_strdup("missing");
            g_ptr_array_add(d->changed, c);
        }
    }
    d->new_measurement = g_strdup(get_string(o, "new_measurement"));
    if (json_object_object_get_ex(o, "new_values", &v))
        d->new_values = ccm_value_set_from_json(v);
    if (json_object_object_get_ex(o, "both_registered", &v))
        d->both_registered = json_object_get_boolean(v);
    d->registration_error = g_strdup(get_string(o, "registration_error"));
    json_object_put(o);
    return true;
}

/* ---- comparing ---------------------------------------------------------------------- */

/* The inputs whose content differs from the baseline's (same role). */
static GPtrArray *compare(GPtrArray *baseline, GPtrArray *now)
{
    GPtrArray *changed = g_ptr_array_new_with_free_func(drift_input_free);
    for (guint i = 0; i < now->len; i++) {
        const CcmPlanInput *in = now->pdata[i];
        const CcmPlanInput *old = ccm_plan_inputs_find(baseline, in->role);
        if (!old || (old->sha256 && in->sha256 && strcmp(old->sha256, in->sha256) == 0))
            continue;
        if (!old->sha256 && !in->sha256)
            continue; /* missing before and now: nothing new */
        DriftInput *c = g_new0(DriftInput, 1);
        c->role = g_strdup(in->role);
        c->path = g_strdup(in->path);
        c->old_sha256 = g_strdup(old->sha256);
        c->new_sha256 = g_strdup(in->sha256);
        c->problem = g_strdup(in->problem);
        g_ptr_array_add(changed, c);
    }
    return changed;
}

static bool same_changes(GPtrArray *a, GPtrArray *b)
{
    if (!a || !b || a->len != b->len)
        return false;
    for (guint i = 0; i < a->len; i++) {
        const DriftInput *x = a->pdata[i], *y = b->pdata[i];
        if (g_strcmp0(x->role, y->role) != 0 || g_strcmp0(x->new_sha256, y->new_sha256) != 0 ||
            g_strcmp0(x->problem, y->problem) != 0)
            return false;
    }
    return true;
}

/* ---- reporting ----------------------------------------------------------------------- */

static void report(CcmGuest *g, int priority, const DriftInput *c, const char *what)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    const char *name = ccm_guest_name(g);
    g_autoptr(GPtrArray) f = g_ptr_array_new_with_free_func(g_free);

    g_ptr_array_add(f, g_strconcat("CCM_GUEST=", name, NULL));
    g_ptr_array_add(f, g_strconcat("CCM_INPUT=", c->role, NULL));
    g_ptr_array_add(f, g_strconcat("CCM_PATH=", c->path, NULL));
    if (c->old_sha256)
        g_ptr_array_add(f, g_strconcat("CCM_OLD_SHA256=", c->old_sha256, NULL));
    if (c->new_sha256)
        g_ptr_array_add(f, g_strconcat("CCM_NEW_SHA256=", c->new_sha256, NULL));
    if (d->measurement)
        g_ptr_array_add(f, g_strconcat("CCM_OLD_MEASUREMENT=", d->measurement, NULL));
    if (d->new_measurement)
        g_ptr_array_add(f, g_strconcat("CCM_NEW_MEASUREMENT=", d->new_measurement, NULL));
    if (d->state)
        g_ptr_array_add(f, g_strconcat("CCM_DRIFT=", d->state, NULL));
    if (d->policy)
        g_ptr_array_add(f, g_strconcat("CCM_ON_DRIFT=", d->policy, NULL));
    g_ptr_array_add(f, NULL);
    ccm_log_fields(priority, name, (const char *const *) f->pdata, "%s %s %s", c->role, c->path,
                   what);
}

static void report_all(CcmGuest *g, int priority, const char *what)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    for (guint i = 0; d->changed && i < d->changed->len; i++)
        report(g, priority, d->changed->pdata[i], what);
}

/* ---- registering ---------------------------------------------------------------------- */

typedef struct Registering {
    CcmManager *manager;
    char *name;
    guint generation;
    bool both;          /* the union (else the baseline's values again) */
} Registering;

static void registered(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Registering *r = userdata;
    g_autoptr(GError) error = NULL;
    gboolean ok = ccm_registration_finish(res, &error);
    CcmGuest *g = g_hash_table_lookup(r->manager->guests, r->name);
    CcmGuestDrift *d = g ? ccm_guest_drift(g) : NULL;

    if (!d || d->generation != r->generation) {
        /* The guest was removed, started or its drift is over: this answer is stale. */
        if (!ok)
            ccm_log_warning(r->name, "an earlier registration failed: %s", error->message);
    } else if (!r->both) {
        if (!ok)
            ccm_log_error(r->name, "cannot register the baseline's values again: %s; the next "
                          "start registers them", error->message);
    } else {
        g_clear_pointer(&d->registration_error, g_free);
        d->both_registered = ok;
        if (ok) {
            ccm_log_notice(r->name, "registered the new values beside the old ones: a running "
                           "guest keeps the old, its next boot gets the new");
        } else {
            d->registration_error = g_strdup(error->message);
            ccm_log_error(r->name, "cannot register the new values beside the old ones: %s; "
                          "tried again on the next change or start", error->message);
        }
        save(g);
        ccm_manager_guest_changed(r->manager, g);
    }
    g_free(r->name);
    g_free(r);
}

static void register_values(CcmGuest *g, GHashTable *values, bool both)
{
    CcmManager *m = ccm_guest_manager(g);
    CcmRegistration *reg = m->registration;
    Registering *r = g_new0(Registering, 1);
    r->manager = m;
    r->name = g_strdup(ccm_guest_name(g));
    r->generation = ccm_guest_drift(g)->generation;
    r->both = both;
    g_autofree char *scope = ccm_guest_scope(g);
    reg->ops->register_async(reg, ccm_guest_name(g), scope, values, NULL, registered, r);
}

/* ---- deciding --------------------------------------------------------------------------- */

static GPtrArray *identify_now(CcmGuest *g)
{
    GPtrArray *now = ccm_plan_inputs(ccm_guest_plan(g));
    (void) ccm_plan_inputs_identify(now, ccm_guest_manager(g)->input_cache);
    return now;
}

/* The drift is over (the files are back, or their change leaves the values alone). */
static void end_drift(CcmGuest *g, const char *why)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    if (!d->state)
        return;
    bool registered_both = d->both_registered;
    ccm_log_notice(ccm_guest_name(g), "drift over: %s", why);
    clear_drift(d);
    /* The union was registered: the guest's own values alone again. */
    if (registered_both)
        register_values(g, d->values, false);
}

static void set_drift(CcmGuest *g, const char *state, GPtrArray *changed,
                      const char *new_measurement, GHashTable *new_values)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    int64_t since = d->state ? d->since : g_get_real_time();
    bool was_both = d->both_registered;

    clear_drift(d);
    d->state = g_strdup(state);
    d->policy = g_strdup(ccm_on_drift_to_string(ccm_guest_spec(g)->on_drift));
    d->since = since;
    d->changed = g_ptr_array_ref(changed);
    d->new_measurement = g_strdup(new_measurement);
    d->new_values = new_values ? ccm_value_set_copy(new_values) : NULL;
    /* What is registered did not change by recording this drift. */
    d->both_registered = was_both;
}

static void drift_missing(CcmGuest *g, GPtrArray *changed)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    if (g_strcmp0(d->state, "missing") == 0 && same_changes(d->changed, changed))
        return;
    set_drift(g, "missing", changed, NULL, NULL);
    /* "missing" names the state; the journal says what is wrong with each file (one
     * that is there but cannot be read is not missing). */
    for (guint i = 0; i < changed->len; i++) {
        const DriftInput *c = changed->pdata[i];
        g_autofree char *what = NULL;
        if (c->new_sha256)
            what = g_strdup("changed; another input is missing: the next start is refused");
        else if (c->problem && strcmp(c->problem, "missing") != 0)
            what = g_strdup_printf("cannot be read (%s): the next start is refused",
                                   c->problem);
        else
            what = g_strdup("is missing: the next start is refused");
        report(g, LOG_WARNING, c, what);
    }
    save(g);
    ccm_manager_guest_changed(ccm_guest_manager(g), g);
}

void ccm_guest_drift_check(CcmGuest *g)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    const char *name = ccm_guest_name(g);

    if (ccm_guest_is_libvirt(g) || !d->inputs)
        return;
    if (ccm_guest_state(g) == CCM_GUEST_STARTING) {
        /* The start computes its values from the files as they are; look after it. */
        d->recheck = true;
        return;
    }
    g_autoptr(GPtrArray) now = identify_now(g);
    g_autoptr(GPtrArray) changed = compare(d->inputs, now);

    if (changed->len == 0) {
        /* The same content (a touch): refresh what is recorded, report nothing. */
        bool was = d->state != NULL;
        g_ptr_array_unref(d->inputs);
        d->inputs = g_steal_pointer(&now);
        end_drift(g, "the inputs are those of the registered values again");
        save(g);
        if (was)
            ccm_manager_guest_changed(ccm_guest_manager(g), g);
        return;
    }
    for (guint i = 0; i < changed->len; i++) {
        if (!((DriftInput *) changed->pdata[i])->new_sha256) {
            drift_missing(g, changed);
            return;
        }
    }

    g_autofree char *measurement = NULL;
    g_autoptr(GHashTable) values = NULL;
    g_autoptr(GError) error = NULL;
    if (!ccm_guest_expected_values(g, &measurement, &values, &error)) {
        /* A new file the measurement cannot be computed from: a drift without a new
         * value; the next start fails with the same error. */
        ccm_log_error(name, "the inputs changed and the expectation cannot be computed: %s",
                      error->message);
        if (g_strcmp0(d->state, "drift") != 0 || !same_changes(d->changed, changed)) {
            set_drift(g, ccm_guest_spec(g)->on_drift == CCM_ON_DRIFT_REFUSE ? "refused" : "drift",
                      changed, NULL, NULL);
            report_all(g, LOG_ERR, "changed; the new expectation cannot be computed");
            save(g);
            ccm_manager_guest_changed(ccm_guest_manager(g), g);
        }
        return;
    }
    if (ccm_value_set_equal(values, d->values)) {
        for (guint i = 0; i < changed->len; i++)
            report(g, LOG_INFO, changed->pdata[i],
                   "changed, but the expected values did not: nothing to register");
        bool was = d->state != NULL;
        g_ptr_array_unref(d->inputs);
        d->inputs = g_steal_pointer(&now);
        end_drift(g, "the changed inputs give the registered values");
        save(g);
        if (was)
            ccm_manager_guest_changed(ccm_guest_manager(g), g);
        return;
    }

    CcmOnDrift policy = ccm_guest_spec(g)->on_drift;
    const char *state = policy == CCM_ON_DRIFT_REFUSE ? "refused" : "drift";
    /* Only a guest that runs (or may: paused, being ended) attests with the old value;
     * one that does not gets the new value alone at its next start. */
    bool register_both = policy == CCM_ON_DRIFT_REGISTER_BOTH && ccm_guest_is_active(g);
    bool again = g_strcmp0(d->state, state) == 0 && same_changes(d->changed, changed) &&
                 g_strcmp0(d->new_measurement, measurement) == 0;
    if (again && !(register_both && !d->both_registered)) {
        /* Seen already (another touch of the new file). */
        return;
    }
    if (!again) {
        set_drift(g, state, changed, measurement, values);
        const char *what = "changed: the next start is refused until the drift is accepted";
        if (register_both)
            what = "changed: registering the new value beside the old one";
        else if (policy == CCM_ON_DRIFT_REGISTER_BOTH)
            what = "changed: the guest is not running; its next start registers the new value";
        else if (policy == CCM_ON_DRIFT_ALERT)
            what = "changed: reported only (OnDrift=alert)";
        report_all(g, LOG_WARNING, what);
        save(g);
        ccm_manager_guest_changed(ccm_guest_manager(g), g);
    }
    if (register_both) {
        g_autoptr(GHashTable) both = ccm_value_set_union(d->values, values);
        register_values(g, both, true);
    }
}

/* ---- baseline ----------------------------------------------------------------------- */

static void set_baseline(CcmGuestDrift *d, GPtrArray *inputs, const char *measurement,
                         GHashTable *values)
{
    g_clear_pointer(&d->inputs, g_ptr_array_unref);
    g_clear_pointer(&d->values, g_hash_table_unref);
    g_free(d->measurement);
    d->inputs = inputs_copy(inputs);
    d->measurement = g_strdup(measurement);
    d->values = values ? ccm_value_set_copy(values) : ccm_value_set_new();
}

void ccm_guest_drift_establish(CcmGuest *g)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    g_autofree char *measurement = NULL;
    g_autoptr(GHashTable) values = NULL;
    g_autoptr(GError) error = NULL;

    if (ccm_guest_is_libvirt(g))
        return;
    g_autoptr(GPtrArray) now = identify_now(g);
    if (!ccm_guest_expected_values(g, &measurement, &values, &error)) {
        /* Recorded with no values: the first start that works sets them. */
        ccm_log_warning(ccm_guest_name(g), "cannot compute the expectation to guard: %s",
                        error->message);
    }
    set_baseline(d, now, measurement, values);
    clear_drift(d);
    save(g);
}

/* The values the backend holds for the guest (name -> JSON text), or NULL: none, or the
 * store cannot say. */
static GHashTable *registered_values(CcmGuest *g)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) all = ccm_store_all_reference_values(ccm_guest_manager(g)->store,
                                                              &error);
    if (!all)
        return NULL;
    g_autoptr(GHashTable) mine = ccm_value_set_new();
    for (guint i = 0; i < all->len; i++) {
        const CcmStoredValue *v = all->pdata[i];
        if (strcmp(v->guest, ccm_guest_name(g)) == 0)
            g_hash_table_insert(mine, g_strdup(v->name), g_strdup(v->value));
    }
    return g_hash_table_size(mine) ? g_steal_pointer(&mine) : NULL;
}

/*
 * A guest with registered values but no record of its inputs (a state database from
 * before the drift guard, schema 2): its baseline is what is registered, not what the
 * files give now. A file upgraded before this ccmd ran would otherwise become the
 * baseline silently, and a later change would register the union without the value the
 * running guest attests with. When the files give other values than those registered,
 * the inputs' old identities are unknown (none): every input is reported as changed and
 * the drift is handled per OnDrift=. Returns whether the guest had registered values.
 */
static bool adopt_registered(CcmGuest *g)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    g_autoptr(GHashTable) registered = registered_values(g);
    g_autofree char *measurement = NULL;
    g_autoptr(GHashTable) values = NULL;
    g_autoptr(GError) error = NULL;

    if (!registered)
        return false;
    if (ccm_guest_expected_values(g, &measurement, &values, &error) &&
        ccm_value_set_equal(values, registered)) {
        ccm_log_info(ccm_guest_name(g), "no record of the guest's inputs; they give the "
                     "registered values: recording them as they are now");
        ccm_guest_drift_establish(g);
        return true;
    }
    ccm_log_warning(ccm_guest_name(g), "no record of the guest's inputs, and they do not give "
                    "the registered values: comparing with what is registered");
    g_autoptr(GPtrArray) unknown = ccm_plan_inputs(ccm_guest_plan(g));
    set_baseline(d, unknown, ccm_guest_stored(g)->measurement, registered);
    clear_drift(d);
    save(g);
    ccm_guest_drift_check(g);
    return true;
}

void ccm_guest_drift_load(CcmGuest *g)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    CcmManager *m = ccm_guest_manager(g);
    g_autofree char *baseline = NULL, *drift = NULL;
    g_autoptr(GError) error = NULL;

    if (ccm_guest_is_libvirt(g))
        return;
    if (!ccm_store_get_inputs(m->store, ccm_guest_name(g), &baseline, &drift, &error)) {
        ccm_log_error(ccm_guest_name(g), "cannot read the guest's inputs: %s", error->message);
        return;
    }
    if (!baseline || !restore(d, baseline, drift)) {
        if (adopt_registered(g))
            return;
        ccm_log_info(ccm_guest_name(g), "no record of the guest's inputs; recording them as "
                     "they are now");
        ccm_guest_drift_establish(g);
        return;
    }
    /* What changed while ccmd was not running. */
    ccm_guest_drift_check(g);
}

char **ccm_guest_drift_paths(CcmGuest *g)
{
    g_autoptr(GPtrArray) inputs = ccm_plan_inputs(ccm_guest_plan(g));
    GPtrArray *paths = g_ptr_array_new();
    for (guint i = 0; i < inputs->len; i++)
        g_ptr_array_add(paths, g_strdup(((CcmPlanInput *) inputs->pdata[i])->path));
    g_ptr_array_add(paths, NULL);
    return (char **) g_ptr_array_free(paths, FALSE);
}

/* ---- start -------------------------------------------------------------------------------- */

static const char *or_none(const char *s)
{
    return s ? s : "none";
}

gboolean ccm_guest_drift_may_start(CcmGuest *g, bool accept, GPtrArray **ret_inputs,
                                   GError **error)
{
    CcmGuestDrift *d = ccm_guest_drift(g);
    const char *name = ccm_guest_name(g);
    g_autoptr(GPtrArray) now = identify_now(g);

    for (guint i = 0; i < now->len; i++) {
        const CcmPlanInput *in = now->pdata[i];
        if (in->sha256)
            continue;
        if (d->inputs) {
            g_autoptr(GPtrArray) changed = compare(d->inputs, now);
            if (changed->len)
                drift_missing(g, changed);
        }
        if (g_strcmp0(in->problem, "missing") == 0)
            g_set_error(error, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                        "guest '%s' is not started: its %s %s is missing (was a package "
                        "removed?)",
                        name, in->role, in->path);
        else
            g_set_error(error, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                        "guest '%s' is not started: its %s %s cannot be read: %s", name,
                        in->role, in->path, in->problem ? in->problem : "unknown error");
        return FALSE;
    }
    if (d->inputs && ccm_guest_spec(g)->on_drift == CCM_ON_DRIFT_REFUSE && !accept) {
        /* A change the watch has not reported yet counts as well. */
        g_autoptr(GPtrArray) changed = compare(d->inputs, now);
        if (changed->len)
            ccm_guest_drift_check(g);
    }
    if (g_strcmp0(d->state, "refused") == 0 && d->changed && d->changed->len) {
        const DriftInput *c = d->changed->pdata[0];
        if (!accept) {
            g_set_error(error, CCM_GUEST_ERROR, CCM_GUEST_ERROR_INVALID_STATE,
                        "guest '%s' is not started: its %s %s changed (sha256 %s -> %s) and "
                        "OnDrift=refuse; accept the drift to start it (ccmctl start "
                        "--accept-drift %s)",
                        name, c->role, c->path, or_none(c->old_sha256), or_none(c->new_sha256),
                        name);
            return FALSE;
        }
        report_all(g, LOG_NOTICE, "changed: drift accepted by the operator; starting with the "
                                  "new value");
    }
    *ret_inputs = g_steal_pointer(&now);
    return TRUE;
}

typedef struct Recheck {
    CcmManager *manager;
    char *name;
} Recheck;

static gboolean recheck_later(gpointer userdata)
{
    Recheck *r = userdata;
    CcmGuest *g = g_hash_table_lookup(r->manager->guests, r->name);
    if (g)
        ccm_guest_drift_check(g);
    g_free(r->name);
    g_free(r);
    return G_SOURCE_REMOVE;
}

void ccm_guest_drift_start_ended(CcmGuest *g, GPtrArray *inputs, const char *measurement,
                                 GHashTable *values)
{
    CcmGuestDrift *d = ccm_guest_drift(g);

    /* inputs NULL: a start that failed (nothing of it stays registered), or one recovered
     * after a ccmd restart, whose values the ccmd before computed: the baseline stays. */
    if (inputs && values) {
        if (d->state) {
            report_all(g, LOG_NOTICE, "changed: the guest started with the new value; the old "
                                      "one is withdrawn");
        }
        clear_drift(d);
        set_baseline(d, inputs, measurement, values);
        save(g);
    }
    if (d->recheck) {
        d->recheck = false;
        Recheck *r = g_new0(Recheck, 1);
        r->manager = ccm_guest_manager(g);
        r->name = g_strdup(ccm_guest_name(g));
        g_idle_add(recheck_later, r);
    }
}

/* ---- the API's record ----------------------------------------------------------------- */

json_object *ccm_guest_drift_to_json(const CcmGuest *g)
{
    const CcmGuestDrift *d = ccm_guest_drift((CcmGuest *) g);
    if (!d || !d->state)
        return NULL;
    json_object *o = json_object_new_object();
    add_string(o, "state", d->state);
    add_string(o, "policy", d->policy);
    json_object_object_add(o, "since", json_object_new_int64(d->since));
    json_object_object_add(o, "inputs", changed_to_json(d->changed));
    add_string(o, "old_measurement", d->measurement);
    add_string(o, "new_measurement", d->new_measurement);
    if (d->registration_error)
        add_string(o, "registration_error", d->registration_error);
    return o;
}
