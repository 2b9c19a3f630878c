/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * broker-values.c - what a guest registers with a broker: its values, under its identity
 *
 * The values come from the guest's expectation (launch/expectation.c decides them per
 * platform); this file adds what only a broker needs: the refusal of platforms it cannot
 * verify and the per-guest prefix. Shared by ccmd (registration before a start) and
 * ccmctl register/export (pipelines without a daemon), so both write exactly the same
 * names and encodings.
 */
#include <string.h>

#include "broker-values.h"
#include "expectation.h"
#include "hex.h"
#include "kbs-admin.h"

G_DEFINE_QUARK(ccm-broker-values-error-quark, ccm_broker_values_error)

gboolean ccm_broker_expected_values(const CcmLaunchPlan *plan, bool for_trustee_kbs,
                                    char **ret_measurement, GHashTable **ret_values,
                                    GError **error)
{
    const char *refusal =
        ccm_expectation_trustee_refusal(ccm_guest_spec_measured_platform(plan->spec));
    if (for_trustee_kbs && refusal) {
        g_set_error_literal(error, CCM_BROKER_VALUES_ERROR, 0, refusal);
        return FALSE;
    }
    g_autoptr(GError) e = NULL;
    g_autoptr(CcmExpectation) expected = ccm_expectation_new(plan, CCM_EXPECTATION_DEFAULT, &e);
    if (!expected) {
        g_set_error(error, CCM_BROKER_VALUES_ERROR, 0,
                    "cannot compute the expected measurement: %s", e->message);
        return FALSE;
    }
    *ret_measurement = ccm_expectation_measurement_hex(expected);
    *ret_values = g_hash_table_ref(expected->reference_values);
    return TRUE;
}

char *ccm_broker_scope(const CcmGuestSpec *spec, unsigned trustee_minor)
{
    g_autoptr(GBytes) identity = ccm_expectation_identity(spec);
    if (!identity)
        return NULL;
    gsize n = 0;
    const guint8 *b = g_bytes_get_data(identity, &n);
    if (ccm_guest_spec_measured_platform(spec) != CCM_GUEST_PLATFORM_SEV_SNP ||
        ccm_trustee_snp_hex(trustee_minor))
        return ccm_hex_encode(b, n);
    g_autofree char *b64 = g_base64_encode(b, n);
    g_strdelimit(b64, "+", '-');
    g_strdelimit(b64, "/", '_');
    char *end = strchr(b64, '=');
    if (end)
        *end = '\0';
    return g_steal_pointer(&b64);
}

GHashTable *ccm_broker_scoped_values(const char *scope, GHashTable *values)
{
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTableIter it;
    gpointer name, value;

    g_hash_table_iter_init(&it, values);
    while (g_hash_table_iter_next(&it, &name, &value))
        g_hash_table_insert(ids, g_strdup_printf("ccm/%s/%s", scope, (const char *) name),
                            g_strdup(value));
    return ids;
}
