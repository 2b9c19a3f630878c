/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * expectation-cca.c - the expectation of an Arm CCA realm
 *
 * The realm comes from a VMM profile (a plan's, through plan-cca.c, or `ccmctl measure
 * --platform cca` options) or an operation list; libccm-measure measures it into the RIM
 * and extends the REMs. This file names the values, gives a broker the RIM under the name
 * Trustee's CCA examples use (broker.md §3.3), and renders the JSON and the explanation
 * (every descriptor with its GPA, size and the running RIM).
 */
#include <inttypes.h>
#include <string.h>

#include <gio/gio.h>

#include "ccm/measure-autoptr.h"
#include "expectation-cca.h"
#include "expectation-engine.h"
#include "hex.h"

const char *ccm_cca_hash_claim_name(CcmCcaHash hash)
{
    switch (hash) {
    case CCM_CCA_HASH_SHA256:
        return "sha-256";
    case CCM_CCA_HASH_SHA512:
        return "sha-512";
    case CCM_CCA_HASH_SHA384:
        return "sha-384";
    }
    return "sha-256";
}

static void explain_step(const CcmStep *step, void *userdata)
{
    GString *text = userdata;
    g_autofree char *rim = ccm_hex_encode(step->digest, step->digest_size);
    g_autofree char *gpa = step->kind == CCM_STEP_CCA_REALM || step->kind == CCM_STEP_CCA_REC
                               ? g_strdup("-")
                               : g_strdup_printf("0x%" G_GINT64_MODIFIER "x", (gint64) step->gpa);
    g_autofree char *detail = step->kind == CCM_STEP_CCA_REC
                                  ? g_strdup_printf("rec %u, pc 0x%" G_GINT64_MODIFIER "x",
                                                    step->index, (gint64) step->gpa)
                                  : g_strdup(step->detail ? step->detail : "");
    g_string_append_printf(text, "%-12s %-14s 0x%-10" G_GINT64_MODIFIER "x %s  %s\n",
                           step->stage, gpa, (gint64) step->size, rim, detail);
}

/* Measures the realm and extends the REMs into @e's detail; fills the values. */
static gboolean fill(CcmExpectation *e, CcmCcaRealm *realm, const char *vmm, CcmCcaHash hash,
                     const CcmCcaExtend *ext, size_t n_ext, CcmExpectationFlags flags,
                     GError **error)
{
    CcmCcaExpectation *c = e->cca;
    CcmError err = { 0 };
    uint8_t rim[CCM_DIGEST_MAX_SIZE];
    size_t rim_size = 0;

    c->realm = realm;
    c->vmm = g_strdup(vmm);
    c->hash = hash;
    if (realm) {
        CcmCcaRmm rmm;
        CcmCcaRealmParams params;
        uint64_t hps;
        (void) ccm_cca_realm_params(realm, &rmm, &params, &hps);
        c->hash = params.hash;
        if (flags & CCM_EXPECTATION_EXPLAIN) {
            c->steps = g_string_new(NULL);
            ccm_cca_realm_set_step_callback(realm, explain_step, c->steps);
        }
        if (ccm_cca_realm_measure(realm, rim, &rim_size, &err) < 0)
            goto failed;
    }
    for (size_t i = 0; i < n_ext; i++)
        if (ccm_cca_rem_extend(c->hash, c->rems[ext[i].index], ext[i].value, ext[i].size,
                               &err) < 0)
            goto failed;
    c->extended = n_ext > 0;

    if (realm)
        ccm_expectation_add_value(e, "rim", rim, rim_size, true);
    for (int i = 0; c->extended && i < 4; i++) {
        char name[8];
        g_snprintf(name, sizeof(name), "rem%d", i);
        ccm_expectation_add_value(e, name, c->rems[i], ccm_cca_hash_size(c->hash), true);
    }
    return TRUE;

failed:
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, err.message);
    return FALSE;
}

CcmExpectation *ccm_expectation_new_cca(CcmCcaRealm *realm, const char *vmm, CcmCcaHash hash,
                                        const CcmCcaExtend *ext, size_t n_ext,
                                        CcmExpectationFlags flags, GError **error)
{
    g_autoptr(CcmExpectation) e = ccm_expectation_alloc(CCM_GUEST_PLATFORM_CCA,
                                                        &ccm_expectation_cca_engine);
    e->cca = g_new0(CcmCcaExpectation, 1);
    if (!fill(e, realm, vmm, hash, ext, n_ext, flags, error))
        return NULL;
    ccm_expectation_finish(e);
    return g_steal_pointer(&e);
}

/* The QEMU profile with the realm plan-cca.c reads from the spec (the same firmware, DTB,
 * PMU and SVE the launch uses), and the spec's personalization value. */
static gboolean from_plan(const CcmLaunchPlan *plan, CcmExpectationFlags flags,
                          CcmExpectation *e, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    CcmCcaExpectation *c = e->cca = g_new0(CcmCcaExpectation, 1);
    if (!ccm_plan_cca_inputs(plan, &c->inputs, error))
        return FALSE;
    if (spec->cca.personalization_value) {
        gsize n = 0;
        const guint8 *d = g_bytes_get_data(spec->cca.personalization_value, &n);
        memcpy(c->personalization_value, d, MIN(n, sizeof(c->personalization_value)));
    }
    CcmCcaRealm *realm = NULL;
    CcmError err = { 0 };
    g_autoptr(GError) e_fill = NULL;
    if (ccm_cca_vmm_build(&c->inputs.config, &realm, &err) < 0) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_MEASURE, "%s: %s", spec->path,
                    err.message);
        return FALSE;
    }
    if (!fill(e, realm, "qemu", c->inputs.config.params.hash, NULL, 0, flags, &e_fill)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_MEASURE, "%s: %s", spec->path,
                    e_fill->message);
        return FALSE;
    }
    return TRUE;
}

/* The RIM as a list of standard base64, and the hash algorithm's claim name: what
 * Trustee's CCA verifier reports in input.cca.realm (broker.md §3.3). */
static void reference_values(const CcmExpectation *e, GHashTable *out)
{
    const CcmExpectedValue *v = ccm_expectation_value(e, "rim");
    if (!v)
        return;
    g_autofree char *b64 = g_base64_encode(v->value, v->size);
    g_hash_table_insert(out, g_strdup("cca.realm.cca-realm-initial-measurement"),
                        ccm_expectation_json_list(b64));
    g_hash_table_insert(out, g_strdup("cca.realm.cca-realm-hash-algo-id"),
                        ccm_expectation_json_list(ccm_cca_hash_claim_name(e->cca->hash)));
}

/* ---- renderings -------------------------------------------------------------------- */

static const char *op_kind_name(CcmCcaOpKind kind)
{
    static const char *const names[] = { "ripas", "data", "unmeasured", "rec" };
    return names[kind];
}

static json_object *json_hex_u64(guint64 v)
{
    g_autofree char *s = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", (gint64) v);
    return json_object_new_string(s);
}

static json_object *ops_to_json(const CcmCcaRealm *realm)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < ccm_cca_realm_n_ops(realm); i++) {
        CcmCcaOp op;
        (void) ccm_cca_realm_op(realm, i, &op);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "op", json_object_new_string(op_kind_name(op.kind)));
        if (op.kind == CCM_CCA_OP_REC) {
            json_object *gprs = json_object_new_array();
            for (int k = 0; k < 8; k++)
                json_object_array_add(gprs, json_hex_u64(op.gprs[k]));
            json_object_object_add(o, "flags", json_object_new_int64((int64_t) op.rec_flags));
            json_object_object_add(o, "pc", json_hex_u64(op.pc));
            json_object_object_add(o, "gprs", gprs);
        } else {
            if (op.name)
                json_object_object_add(o, "name", json_object_new_string(op.name));
            json_object_object_add(o, "ipa", json_hex_u64(op.ipa));
            json_object_object_add(o, "size", json_object_new_int64((int64_t) op.size));
        }
        json_object_array_add(list, o);
    }
    return list;
}

static json_object *to_json(const CcmExpectation *e)
{
    const CcmCcaExpectation *c = e->cca;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "platform", json_object_new_string("cca"));
    if (c->realm) {
        CcmCcaRmm rmm;
        CcmCcaRealmParams p;
        uint64_t hps;
        (void) ccm_cca_realm_params(c->realm, &rmm, &p, &hps);
        json_object *params = json_object_new_object();
        json_object_object_add(params, "flags", json_hex_u64(p.flags));
        json_object_object_add(params, "s2sz", json_object_new_int((int) p.s2sz));
        json_object_object_add(params, "sve_vl", json_object_new_int((int) p.sve_vl));
        json_object_object_add(params, "num_bps", json_object_new_int((int) p.num_bps));
        json_object_object_add(params, "num_wps", json_object_new_int((int) p.num_wps));
        json_object_object_add(params, "pmu_num_ctrs", json_object_new_int((int) p.pmu_num_ctrs));
        json_object_object_add(o, "vmm", c->vmm ? json_object_new_string(c->vmm) : NULL);
        json_object_object_add(o, "rmm", json_object_new_string(ccm_cca_rmm_to_string(rmm)));
        json_object_object_add(o, "hash", json_object_new_string(ccm_cca_hash_to_string(c->hash)));
        json_object_object_add(o, "host_page_size", json_object_new_int64((int64_t) hps));
        json_object_object_add(o, "realm_params", params);
        json_object_object_add(o, "operations", ops_to_json(c->realm));
        const CcmExpectedValue *rim = ccm_expectation_value(e, "rim");
        g_autofree char *hex = ccm_hex_encode(rim->value, rim->size);
        json_object_object_add(o, "rim", json_object_new_string(hex));
    } else {
        json_object_object_add(o, "hash", json_object_new_string(ccm_cca_hash_to_string(c->hash)));
    }
    if (c->extended) {
        json_object *list = json_object_new_array();
        for (int i = 0; i < 4; i++) {
            g_autofree char *hex = ccm_hex_encode(c->rems[i], ccm_cca_hash_size(c->hash));
            json_object_array_add(list, json_object_new_string(hex));
        }
        json_object_object_add(o, "rems", list);
    }
    return o;
}

static void explain(const CcmExpectation *e, GString *out)
{
    const CcmCcaExpectation *c = e->cca;
    if (!c->realm)
        return;
    CcmCcaRmm rmm;
    CcmCcaRealmParams params;
    uint64_t hps;
    (void) ccm_cca_realm_params(c->realm, &rmm, &params, &hps);
    const CcmExpectedValue *rim = ccm_expectation_value(e, "rim");
    g_autofree char *hex = ccm_hex_encode(rim->value, rim->size);
    g_string_append_printf(out, "Realm: RMM %s, %s, host pages %" G_GUINT64_FORMAT ", flags 0x%"
                                G_GINT64_MODIFIER "x, s2sz %u, sve_vl %u, num_bps %u, num_wps %u, "
                                "pmu_num_ctrs %u\nOperations:\n",
                           ccm_cca_rmm_to_string(rmm), ccm_cca_hash_to_string(params.hash), hps,
                           (gint64) params.flags, params.s2sz, params.sve_vl, params.num_bps,
                           params.num_wps, params.pmu_num_ctrs);
    for (size_t i = 0; i < ccm_cca_realm_n_ops(c->realm); i++) {
        CcmCcaOp op;
        (void) ccm_cca_realm_op(c->realm, i, &op);
        if (op.kind == CCM_CCA_OP_REC) {
            g_string_append_printf(out, "  %-2zu rec        flags 0x%" G_GINT64_MODIFIER "x pc 0x%"
                                        G_GINT64_MODIFIER "x x0 0x%" G_GINT64_MODIFIER "x\n",
                                   i, (gint64) op.rec_flags, (gint64) op.pc, (gint64) op.gprs[0]);
            continue;
        }
        g_string_append_printf(out, "  %-2zu %-10s 0x%-12" G_GINT64_MODIFIER "x %10" G_GUINT64_FORMAT
                                    " bytes  %s\n",
                               i, op_kind_name(op.kind), (gint64) op.ipa, op.size,
                               op.name ? op.name : "");
    }
    g_string_append_printf(out, "\n%-12s %-14s %-12s %-*s  %s\n%s\nrim %s\n", "descriptor", "GPA",
                           "size", (int) (2 * rim->size), "RIM after", "detail",
                           c->steps ? c->steps->str : "", hex);
}

static void free_detail(CcmExpectation *e)
{
    CcmCcaExpectation *c = e->cca;
    if (!c)
        return;
    g_clear_pointer(&c->realm, ccm_cca_realm_free);
    ccm_plan_cca_clear(&c->inputs);
    if (c->steps)
        g_string_free(c->steps, TRUE);
    g_free(c->vmm);
    g_clear_pointer(&e->cca, g_free);
}

const CcmExpectationEngine ccm_expectation_cca_engine = {
    .from_plan = from_plan,
    .reference_values = reference_values,
    .to_json = to_json,
    .explain = explain,
    .free_detail = free_detail,
};
