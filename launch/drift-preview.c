/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * drift-preview.c - what an upgrade would do to one guest's expected values
 *
 * The guest's plan is made twice from its spec: once as it is, once with the upgrade put
 * in (plan-replacement.c). Both get the expectation ccmd would compute before a start
 * (expectation.h, with the ACPI tables of each plan's QEMU), and expectation-diff.c
 * compares them value by value. `ccmctl drift` prints the result; ccmd can ask the same
 * question for a file it sees change.
 */
#include "drift-preview.h"
#include "expectation.h"

const char *ccm_drift_result_to_string(CcmDriftResult result)
{
    static const char *const names[_CCM_DRIFT_RESULT_MAX] = {
        [CCM_DRIFT_UNCHANGED] = "unchanged",   [CCM_DRIFT_CHANGES] = "changes",
        [CCM_DRIFT_INCOMPLETE] = "incomplete", [CCM_DRIFT_UNAFFECTED] = "unaffected",
        [CCM_DRIFT_FAILED] = "failed",
    };
    return result < _CCM_DRIFT_RESULT_MAX ? names[result] : NULL;
}

void ccm_drift_preview_free(CcmDriftPreview *p)
{
    if (!p)
        return;
    g_free(p->reason);
    g_free(p->measurement);
    ccm_expectation_diff_free(p->diff);
    g_free(p);
}

static CcmDriftPreview *failed(CcmDriftPreview *p, const char *when, const GError *e)
{
    p->result = CCM_DRIFT_FAILED;
    p->reason = g_strdup_printf("%s: %s", when, e->message);
    return p;
}

CcmDriftPreview *ccm_drift_preview_new(CcmGuestSpec *today, CcmGuestSpec *upgraded,
                                       const CcmPlanReplacement *r, GError **error)
{
    g_autoptr(CcmDriftPreview) p = g_new0(CcmDriftPreview, 1);
    g_autoptr(GError) e = NULL;
    p->platform = ccm_guest_spec_measured_platform(today);
    g_autoptr(CcmLaunchPlan) before = ccm_launch_plan_new(today, NULL, &e);
    if (!before) {
        ccm_guest_spec_free(upgraded);
        return failed(g_steal_pointer(&p), "today", e);
    }
    g_autoptr(CcmLaunchPlan) after = ccm_launch_plan_new(upgraded, NULL, &e);
    if (!after)
        return failed(g_steal_pointer(&p), "today", e);

    g_autoptr(GString) why_not = g_string_new(NULL);
    if (!ccm_plan_replacement_apply(r, after, &p->replaced, why_not, error))
        return NULL;
    if (p->platform == CCM_GUEST_PLATFORM_NONE) {
        p->result = CCM_DRIFT_UNAFFECTED;
        p->reason = g_strdup("it is not measured (Platform=none without Rehearses=)");
        return g_steal_pointer(&p);
    }
    if (p->replaced == CCM_PLAN_REPLACED_NONE) {
        p->result = CCM_DRIFT_UNAFFECTED;
        p->reason = g_string_free(g_steal_pointer(&why_not), FALSE);
        return g_steal_pointer(&p);
    }

    g_autoptr(CcmExpectation) old_e = ccm_expectation_new(before, CCM_EXPECTATION_READ_ACPI, &e);
    if (!old_e)
        return failed(g_steal_pointer(&p), "today", e);
    p->measurement = ccm_expectation_measurement_hex(old_e);
    g_autoptr(CcmExpectation) new_e = ccm_expectation_new(after, CCM_EXPECTATION_READ_ACPI, &e);
    if (!new_e)
        return failed(g_steal_pointer(&p), "after the upgrade", e);

    p->diff = ccm_expectation_diff_new(old_e, new_e);
    p->result = p->diff->changes     ? CCM_DRIFT_CHANGES
                : p->diff->undecided ? CCM_DRIFT_INCOMPLETE
                                     : CCM_DRIFT_UNCHANGED;
    return g_steal_pointer(&p);
}

static json_object *string_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

void ccm_drift_preview_to_json(const CcmDriftPreview *p, json_object *o)
{
    json_object_object_add(o, "platform",
                           json_object_new_string(ccm_guest_platform_to_string(p->platform)));
    json_object_object_add(o, "result",
                           json_object_new_string(ccm_drift_result_to_string(p->result)));
    json_object *replaced = json_object_new_array();
    if (p->replaced & CCM_PLAN_REPLACED_FIRMWARE)
        json_object_array_add(replaced, json_object_new_string("firmware"));
    if (p->replaced & CCM_PLAN_REPLACED_QEMU)
        json_object_array_add(replaced, json_object_new_string("qemu"));
    json_object_object_add(o, "replaced", replaced);
    json_object_object_add(o, "reason", string_or_null(p->reason));
    json_object_object_add(o, "measurement", string_or_null(p->measurement));
    json_object_object_add(o, "values", p->diff ? ccm_expectation_diff_to_json(p->diff)
                                                : json_object_new_array());
}

void ccm_plan_replacement_to_json(const CcmPlanReplacement *r, json_object *o)
{
    json_object *fw = NULL, *qemu = NULL;
    if (r->firmware) {
        fw = json_object_new_object();
        json_object_object_add(fw, "new", json_object_new_string(r->firmware));
        json_object_object_add(fw, "installed", string_or_null(r->firmware_installed));
        json_object_object_add(fw, "name", json_object_new_string(r->firmware_name));
    }
    if (r->qemu) {
        qemu = json_object_new_object();
        json_object_object_add(qemu, "new", json_object_new_string(r->qemu));
        json_object_object_add(qemu, "version", json_object_new_string(r->qemu_version));
        json_object_object_add(qemu, "architecture",
                               json_object_new_string(r->qemu_architecture));
    }
    json_object_object_add(o, "firmware", fw);
    json_object_object_add(o, "qemu", qemu);
}
