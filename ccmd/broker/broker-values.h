/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* broker-values.h - what a guest registers with a broker: its values, under its identity */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "launch-plan.h"

#define CCM_BROKER_VALUES_ERROR (ccm_broker_values_error_quark())
GQuark ccm_broker_values_error_quark(void);

/**
 * ccm_broker_expected_values() - the reference values of @plan's guest
 * @for_trustee_kbs: refuse platforms a Trustee KBS cannot take (see
 *                   ccm_expectation_trustee_refusal())
 *
 * Returns the guest's expectation's reference values (name -> JSON list text, in the
 * names the broker's policies read) and its measurement as hex (NULL and no values for
 * Platform=none).
 */
gboolean ccm_broker_expected_values(const CcmLaunchPlan *plan, bool for_trustee_kbs,
                                    char **ret_measurement, GHashTable **ret_values,
                                    GError **error);

/* @values with every name put under the guest's own prefix "ccm/<scope>/". */
GHashTable *ccm_broker_scoped_values(const char *scope, GHashTable *values);
