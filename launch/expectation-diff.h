/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* expectation-diff.h - two expectations of one guest compared value by value */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "expectation.h"

typedef enum CcmValueDrift {
    CCM_VALUE_UNCHANGED,      /* known before and after, the same */
    CCM_VALUE_CHANGES,        /* known before and after, different */
    CCM_VALUE_NOT_PREDICTED,  /* not known before, after or both: nothing can be said */
    _CCM_VALUE_DRIFT_MAX,
    _CCM_VALUE_DRIFT_INVALID = -1,
} CcmValueDrift;

/* "unchanged", "changes", "not_predicted". */
const char *ccm_value_drift_to_string(CcmValueDrift drift);

typedef struct CcmValueChange {
    char name[24];            /* as CcmExpectedValue names it: "mrtd", "rtmr0", ... */
    CcmValueDrift drift;
    char *old_hex, *new_hex;  /* lowercase hex, NULL when not predicted */
} CcmValueChange;

typedef struct CcmExpectationDiff {
    GArray *values;           /* CcmValueChange, in the platform's order */
    guint changes;            /* values that change */
    guint undecided;          /* values predicted on one side only */
} CcmExpectationDiff;

void ccm_expectation_diff_free(CcmExpectationDiff *diff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmExpectationDiff, ccm_expectation_diff_free)

/* Every value of @before beside the value of the same name in @after (the same guest's
 * expectation computed from other inputs; a value @after lacks counts as not predicted). */
CcmExpectationDiff *ccm_expectation_diff_new(const CcmExpectation *before,
                                             const CcmExpectation *after);

/* The values as a JSON array of {"name", "state", "old", "new"} (state as
 * ccm_value_drift_to_string(), old and new hex or null). */
json_object *ccm_expectation_diff_to_json(const CcmExpectationDiff *diff);
