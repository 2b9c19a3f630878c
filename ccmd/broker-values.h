/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* broker-values.h - what a guest registers with a broker: its values, names and identity */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "launch-plan.h"

#define CCM_BROKER_VALUES_ERROR (ccm_broker_values_error_quark())
GQuark ccm_broker_values_error_quark(void);

/**
 * ccm_broker_expected_values() - the reference values of @plan's guest
 * @for_trustee_kbs: refuse platforms Trustee has no verifier for (SEV, SEV-ES)
 *
 * Returns name -> JSON text in the default policy's names ("snp_launch_measurement" ->
 * ["<hex>"]; "sev_launch_digest" for SEV/SEV-ES), and the measurement as hex (NULL
 * and no values for Platform=none).
 */
gboolean ccm_broker_expected_values(const CcmLaunchPlan *plan, bool for_trustee_kbs,
                                    char **ret_measurement, GHashTable **ret_values,
                                    GError **error);

/* Gives an SEV-SNP spec without HostData= the identity derived from @host_id and its name. */
void ccm_broker_apply_identity(CcmGuestSpec *spec, const char *host_id);

/* The guest's identity at the broker: hex of its SEV-SNP HOST_DATA, or NULL. */
char *ccm_broker_scope(const CcmGuestSpec *spec);

/* @values with every name put under the guest's own prefix "ccm/<scope>/". */
GHashTable *ccm_broker_scoped_values(const char *scope, GHashTable *values);
