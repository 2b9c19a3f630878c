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

/**
 * ccm_broker_scope() - the guest's key in a Trustee broker's names, or NULL without an
 * identity
 *
 * Its identity (SEV-SNP HOST_DATA, TDX MRCONFIGID, CCA personalization value) written as
 * Trustee 0.@trustee_minor reports it to the policies in input.init_data: lowercase hex,
 * but SEV-SNP's in standard base64 before 0.18. So that a policy can build the same key
 * from the claim with string functions alone, base64 is made name-safe as base64url
 * without padding ('+' -> '-', '/' -> '_', no '='). Values live under "ccm/<key>/",
 * resources in the repository "ccm-<key>".
 */
char *ccm_broker_scope(const CcmGuestSpec *spec, unsigned trustee_minor);

/* @values with every name put under the guest's own prefix "ccm/<scope>/". */
GHashTable *ccm_broker_scoped_values(const char *scope, GHashTable *values);
