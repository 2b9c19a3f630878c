/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * expectation-tdx.c - the expectation of an Intel TDX trust domain
 *
 * tdx-expected.c predicts MRTD, the event log and the RTMRs it replays to; this file
 * turns that into named values, the reference values a broker gets (the names Trustee's
 * default policy reads, broker.md §3.2), and the JSON and explanation `ccmctl measure`
 * prints.
 */
#include "expectation-engine.h"
#include "expectation-tdx.h"
#include "hex.h"

static gboolean rtmr1_known(const CcmTdxExpectation *t)
{
    return t->direct_boot && t->predicted.rtmr0_modelled;
}

static gboolean rtmr0_known(const CcmTdxExpected *p)
{
    return p->have_acpi && p->rtmr0_modelled && p->rtmr0_complete;
}

/* Fills @e from @in: the prediction, its notes and the named values. */
static gboolean fill(CcmExpectation *e, const CcmTdxInputs *in, GError **error)
{
    CcmTdxExpectation *t = e->tdx = g_new0(CcmTdxExpectation, 1);
    t->firmware = g_strdup(in->firmware);
    t->memory = in->memory;
    t->vcpus = in->vcpus;
    t->page_order = in->page_order;
    t->direct_boot = in->kernel != NULL;
    if (!ccm_tdx_expected_compute(in, &t->predicted, error))
        return FALSE;

    const CcmTdxExpected *p = &t->predicted;
    for (guint i = 0; i < p->notes->len; i++)
        g_ptr_array_add(e->notes, g_strdup(p->notes->pdata[i]));
    ccm_expectation_add_value(e, "mrtd", p->mrtd, CCM_SHA384_SIZE, true);
    ccm_expectation_add_value(e, "rtmr0",
                              rtmr0_known(p) ? p->rtmrs[0] : NULL,
                              CCM_SHA384_SIZE, false);
    ccm_expectation_add_value(e, "rtmr1", rtmr1_known(t) ? p->rtmrs[1] : NULL, CCM_SHA384_SIZE,
                              false);
    ccm_expectation_add_value(e, "rtmr2", t->direct_boot ? p->rtmrs[2] : NULL, CCM_SHA384_SIZE,
                              false);
    ccm_expectation_add_value(e, "rtmr3", NULL, CCM_SHA384_SIZE, false);
    return TRUE;
}

CcmExpectation *ccm_expectation_new_tdx(const CcmTdxInputs *in, GError **error)
{
    g_autoptr(CcmExpectation) e = ccm_expectation_alloc(CCM_GUEST_PLATFORM_TDX,
                                                        &ccm_expectation_tdx_engine);
    if (!fill(e, in, error))
        return NULL;
    ccm_expectation_finish(e);
    return g_steal_pointer(&e);
}

/* The plan's firmware, RAM, vCPUs and direct boot; the ACPI tables of the QEMU that will
 * launch it, with the guest's shape, when asked for. */
static gboolean from_plan(const CcmLaunchPlan *plan, CcmExpectationFlags flags,
                          CcmExpectation *e, GError **error)
{
    CcmTdxInputs in;
    g_autoptr(GPtrArray) shape = NULL;
    ccm_tdx_inputs_from_plan(plan, (flags & CCM_EXPECTATION_READ_ACPI) != 0, &in, &shape);
    in.explain = (flags & CCM_EXPECTATION_EXPLAIN) != 0;
    return fill(e, &in, error);
}

/* mr_td always; rtmr_1 and rtmr_2 with direct boot where predicted. RTMR0 needs QEMU's
 * ACPI tables and Trustee's default policy does not read it. */
static void reference_values(const CcmExpectation *e, GHashTable *out)
{
    static const struct {
        const char *value, *name;
    } names[] = { { "mrtd", "mr_td" }, { "rtmr1", "rtmr_1" }, { "rtmr2", "rtmr_2" } };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        const CcmExpectedValue *v = ccm_expectation_value(e, names[i].value);
        if (!v || !v->known)
            continue;
        g_autofree char *hex = ccm_hex_encode(v->value, v->size);
        g_hash_table_insert(out, g_strdup(names[i].name), ccm_expectation_json_list(hex));
    }
}

json_object *ccm_expectation_tdx_event_log(const CcmExpectation *e)
{
    const CcmTdxExpected *p = &e->tdx->predicted;
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < p->n_events; i++) {
        const CcmTdxPredictedEvent *ev = &p->events[i];
        json_object *o = json_object_new_object();
        g_autofree char *d = ccm_hex_encode(ev->digest, CCM_SHA384_SIZE);
        json_object_object_add(o, "rtmr", json_object_new_int((int) ev->rtmr));
        json_object_object_add(o, "type",
                               json_object_new_string(ccm_tdx_event_type_to_string(ev->type)));
        json_object_object_add(o, "digest", ev->known ? json_object_new_string(d) : NULL);
        json_object_object_add(o, "description", json_object_new_string(ev->description));
        json_object_array_add(list, o);
    }
    return list;
}

static void add_register(json_object *o, json_object *missing, const CcmExpectation *e,
                         const char *name, const char *key)
{
    const CcmExpectedValue *v = ccm_expectation_value(e, name);
    if (v->known) {
        g_autofree char *hex = ccm_hex_encode(v->value, v->size);
        json_object_object_add(o, key, json_object_new_string(hex));
    } else {
        json_object_object_add(o, key, NULL);
        if (missing)
            json_object_array_add(missing, json_object_new_string(name));
    }
}

static json_object *to_json(const CcmExpectation *e)
{
    const CcmTdxExpectation *t = e->tdx;
    const CcmTdxExpected *p = &t->predicted;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "platform", json_object_new_string("tdx"));
    json_object_object_add(o, "firmware", json_object_new_string(t->firmware));
    json_object_object_add(o, "page_order", json_object_new_string(
                                                ccm_tdx_page_order_to_string(t->page_order)));
    json_object_object_add(o, "layout",
                           json_object_new_string(ccm_tdx_layout_to_string(p->layout)));
    json_object_object_add(o, "firmware_profile",
                           p->profile ? json_object_new_string(p->profile->name) : NULL);
    json_object_object_add(o, "memory", json_object_new_int64((int64_t) t->memory));
    json_object_object_add(o, "vcpus", json_object_new_int((int) t->vcpus));
    add_register(o, NULL, e, "mrtd", "mrtd");
    json_object_object_add(o, "hashed_bytes", json_object_new_int64((int64_t) p->hashed_bytes));
    json_object *missing = json_object_new_array();
    /* RTMR0 without ACPI tables is unknown but modelled: it is not "not computed". */
    add_register(o, NULL, e, "rtmr0", "rtmr0");
    if (!p->rtmr0_modelled)
        json_object_array_add(missing, json_object_new_string("rtmr0"));
    add_register(o, missing, e, "rtmr1", "rtmr1");
    add_register(o, missing, e, "rtmr2", "rtmr2");
    json_object_object_add(o, "rtmr3", NULL); /* the workload's */
    json_object_object_add(o, "not_computed", missing);
    return o;
}

static void explain(const CcmExpectation *e, GString *out)
{
    const CcmTdxExpectation *t = e->tdx;
    const CcmTdxExpected *p = &t->predicted;
    g_string_append_printf(out,
                           "TDVF sections of %s, page order %s:\n"
                           "#   section   GPA            pages  operations          MRTD after "
                           "the section\n%s",
                           t->firmware, ccm_tdx_page_order_to_string(t->page_order),
                           p->explain ? p->explain->str : "");
    g_string_append_printf(out, "\nPredicted events (%s%s%s, %" G_GUINT64_FORMAT
                                " bytes of RAM):\n",
                           ccm_tdx_layout_to_string(p->layout), p->profile ? ", " : "",
                           p->profile ? p->profile->name : "", t->memory);
    for (size_t i = 0; i < p->n_events; i++) {
        const CcmTdxPredictedEvent *ev = &p->events[i];
        g_autofree char *d = ev->known ? ccm_hex_encode(ev->digest, CCM_SHA384_SIZE)
                             : ev->type == 0xa ? g_strdup("(needs --acpi-dir or --qemu)")
                                               : g_strdup("(not predicted)");
        g_string_append_printf(out, "%-3zu RTMR%u %-32s %-44s %s\n", i, ev->rtmr,
                               ccm_tdx_event_type_to_string(ev->type), ev->description, d);
    }
}

static void free_detail(CcmExpectation *e)
{
    if (!e->tdx)
        return;
    ccm_tdx_expected_clear(&e->tdx->predicted);
    g_free(e->tdx->firmware);
    g_clear_pointer(&e->tdx, g_free);
}

const CcmExpectationEngine ccm_expectation_tdx_engine = {
    .from_plan = from_plan,
    .reference_values = reference_values,
    .to_json = to_json,
    .explain = explain,
    .free_detail = free_detail,
};
