/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * expectation-diff.c - two expectations of one guest compared value by value
 *
 * What an upgrade does to a guest's attestation is the difference between its expectation
 * from today's inputs and its expectation from the new ones: per register, unchanged, a
 * change from one value to another, or not predicted (on either side: nothing can be
 * promised about a value ccm does not predict, so it is neither "unchanged" nor a change).
 */
#include <string.h>

#include "expectation-diff.h"
#include "hex.h"

const char *ccm_value_drift_to_string(CcmValueDrift drift)
{
    static const char *const names[_CCM_VALUE_DRIFT_MAX] = {
        [CCM_VALUE_UNCHANGED] = "unchanged",
        [CCM_VALUE_CHANGES] = "changes",
        [CCM_VALUE_NOT_PREDICTED] = "not_predicted",
    };
    return drift >= 0 && drift < _CCM_VALUE_DRIFT_MAX ? names[drift] : NULL;
}

static void clear_change(gpointer data)
{
    CcmValueChange *c = data;
    g_free(c->old_hex);
    g_free(c->new_hex);
}

void ccm_expectation_diff_free(CcmExpectationDiff *diff)
{
    if (!diff)
        return;
    if (diff->values)
        g_array_unref(diff->values);
    g_free(diff);
}

static char *hex_of(const CcmExpectedValue *v)
{
    return v && v->known ? ccm_hex_encode(v->value, v->size) : NULL;
}

CcmExpectationDiff *ccm_expectation_diff_new(const CcmExpectation *before,
                                             const CcmExpectation *after)
{
    CcmExpectationDiff *diff = g_new0(CcmExpectationDiff, 1);
    diff->values = g_array_new(FALSE, TRUE, sizeof(CcmValueChange));
    g_array_set_clear_func(diff->values, clear_change);
    for (guint i = 0; before->values && i < before->values->len; i++) {
        const CcmExpectedValue *b = &g_array_index(before->values, CcmExpectedValue, i);
        const CcmExpectedValue *a = ccm_expectation_value(after, b->name);
        CcmValueChange c = { .old_hex = hex_of(b), .new_hex = hex_of(a) };
        g_strlcpy(c.name, b->name, sizeof(c.name));
        if (!c.old_hex || !c.new_hex) {
            c.drift = CCM_VALUE_NOT_PREDICTED;
            /* A value only one side predicts is a question, not an answer. */
            if (c.old_hex || c.new_hex)
                diff->undecided++;
        } else if (strcmp(c.old_hex, c.new_hex) == 0) {
            c.drift = CCM_VALUE_UNCHANGED;
        } else {
            c.drift = CCM_VALUE_CHANGES;
            diff->changes++;
        }
        g_array_append_val(diff->values, c);
    }
    return diff;
}

json_object *ccm_expectation_diff_to_json(const CcmExpectationDiff *diff)
{
    json_object *list = json_object_new_array();
    for (guint i = 0; i < diff->values->len; i++) {
        const CcmValueChange *c = &g_array_index(diff->values, CcmValueChange, i);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(c->name));
        json_object_object_add(o, "state",
                               json_object_new_string(ccm_value_drift_to_string(c->drift)));
        json_object_object_add(o, "old", c->old_hex ? json_object_new_string(c->old_hex) : NULL);
        json_object_object_add(o, "new", c->new_hex ? json_object_new_string(c->new_hex) : NULL);
        json_object_array_add(list, o);
    }
    return list;
}
