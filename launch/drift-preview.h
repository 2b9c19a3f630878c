/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* drift-preview.h - what an upgrade would do to one guest's expected values */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "expectation-diff.h"
#include "guest-spec.h"
#include "plan-replacement.h"

typedef enum CcmDriftResult {
    CCM_DRIFT_UNCHANGED,    /* every predicted value stays */
    CCM_DRIFT_CHANGES,      /* at least one value changes */
    CCM_DRIFT_INCOMPLETE,   /* nothing changes that both sides predict, but a value is
                             * predicted on one side only */
    CCM_DRIFT_UNAFFECTED,   /* the upgrade does not touch the guest (->reason says why) */
    CCM_DRIFT_FAILED,       /* an expectation could not be computed (->reason) */
    _CCM_DRIFT_RESULT_MAX,
} CcmDriftResult;

/* "unchanged", "changes", "incomplete", "unaffected", "failed". */
const char *ccm_drift_result_to_string(CcmDriftResult result);

typedef struct CcmDriftPreview {
    CcmDriftResult result;
    CcmGuestPlatform platform;      /* the platform measured */
    CcmPlanReplaced replaced;       /* what the upgrade replaced in the guest's plan */
    char *reason;                   /* unaffected, failed: one sentence */
    char *measurement;              /* today's headline measurement (hex), or NULL */
    CcmExpectationDiff *diff;       /* changes, unchanged, incomplete */
} CcmDriftPreview;

void ccm_drift_preview_free(CcmDriftPreview *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmDriftPreview, ccm_drift_preview_free)

/**
 * ccm_drift_preview_new() - one guest's expected values today and after @r
 * @today, @upgraded: the guest's spec, parsed twice (both consumed)
 *
 * Computes the expectation of @today's plan and of @upgraded's with @r applied, with the
 * ACPI tables read from each plan's QEMU (TDX RTMR0), and compares them. A guest that
 * cannot be computed is a result (CCM_DRIFT_FAILED), not an error; the error is for an
 * upgrade that cannot apply at all (ccm_plan_replacement_apply()).
 */
CcmDriftPreview *ccm_drift_preview_new(CcmGuestSpec *today, CcmGuestSpec *upgraded,
                                       const CcmPlanReplacement *r, GError **error);

/* @p's members for a JSON document: "platform", "result", "replaced" (a list of
 * "firmware", "qemu"), "reason", "measurement", "values" (ccm_expectation_diff_to_json(),
 * an empty list when not compared). Added to @o. */
void ccm_drift_preview_to_json(const CcmDriftPreview *p, json_object *o);

/* @r as {"firmware": {"new", "installed", "name"} or null, "qemu": {"new", "version",
 * "architecture"} or null}, added to @o. */
void ccm_plan_replacement_to_json(const CcmPlanReplacement *r, json_object *o);
