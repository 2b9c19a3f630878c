/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * broker-values.c - what a guest registers with a broker: its values, names and identity
 *
 * Shared by ccmd (registration before a start) and ccmctl register/export (pipelines
 * without a daemon), so both write exactly the same names and encodings.
 */
#include "broker-values.h"
#include "guest-identity.h"
#include "hex.h"
#include "plan-cca.h"
#include "plan-measure.h"
#include "tdx-expected.h"

G_DEFINE_QUARK(ccm-broker-values-error-quark, ccm_broker_values_error)

/*
 * TDX: the names Trustee's default attestation policy reads (broker.md §3.2): mr_td, and
 * with direct boot rtmr_1 and rtmr_2, each a list of lowercase hex. RTMR0 needs QEMU's ACPI
 * tables and the default policy does not read it, so it is not registered.
 */
static gboolean tdx_values(const CcmLaunchPlan *plan, char **ret_measurement,
                           GHashTable **ret_values, GError **error)
{
    CcmTdxInputs in;
    g_autoptr(GPtrArray) shape = NULL;
    ccm_tdx_inputs_from_plan(plan, FALSE, &in, &shape);
    CcmTdxExpected ex;
    g_autoptr(GError) e = NULL;
    if (!ccm_tdx_expected_compute(&in, &ex, &e)) {
        ccm_tdx_expected_clear(&ex);
        g_set_error(error, CCM_BROKER_VALUES_ERROR, 0,
                    "cannot compute the expected measurement: %s", e->message);
        return FALSE;
    }
    g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autofree char *mrtd = ccm_hex_encode(ex.mrtd, CCM_SHA384_SIZE);
    g_hash_table_insert(values, g_strdup("mr_td"), g_strdup_printf("[\"%s\"]", mrtd));
    if (ex.rtmr12 && ex.rtmr0_modelled) {
        g_autofree char *r1 = ccm_hex_encode(ex.rtmrs[1], CCM_SHA384_SIZE);
        g_hash_table_insert(values, g_strdup("rtmr_1"), g_strdup_printf("[\"%s\"]", r1));
    }
    if (ex.rtmr12) {
        g_autofree char *r2 = ccm_hex_encode(ex.rtmrs[2], CCM_SHA384_SIZE);
        g_hash_table_insert(values, g_strdup("rtmr_2"), g_strdup_printf("[\"%s\"]", r2));
    }
    ccm_tdx_expected_clear(&ex);
    *ret_measurement = g_steal_pointer(&mrtd);
    *ret_values = g_steal_pointer(&values);
    return TRUE;
}

/* CCA: the RIM as a list of standard base64 under the name Trustee's CCA examples use
 * (broker.md §3.3); the measurement ccmd shows is its hex. */
static gboolean cca_values(const CcmLaunchPlan *plan, char **ret_measurement,
                           GHashTable **ret_values, GError **error)
{
    uint8_t rim[CCM_DIGEST_MAX_SIZE];
    size_t size = 0;
    CcmCcaHash hash;
    g_autoptr(GError) e = NULL;
    if (!ccm_plan_cca_measure(plan, rim, &size, &hash, &e)) {
        g_set_error(error, CCM_BROKER_VALUES_ERROR, 0,
                    "cannot compute the expected measurement: %s", e->message);
        return FALSE;
    }
    g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autofree char *b64 = g_base64_encode(rim, size);
    g_hash_table_insert(values, g_strdup("cca.realm.cca-realm-initial-measurement"),
                        g_strdup_printf("[\"%s\"]", b64));
    *ret_measurement = ccm_hex_encode(rim, size);
    *ret_values = g_steal_pointer(&values);
    return TRUE;
}

gboolean ccm_broker_expected_values(const CcmLaunchPlan *plan, bool for_trustee_kbs,
                                    char **ret_measurement, GHashTable **ret_values,
                                    GError **error)
{
    g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    CcmGuestPlatform platform = plan->spec->platform;
    const char *name = NULL;

    switch (platform) {
    case CCM_GUEST_PLATFORM_NONE:
        *ret_measurement = NULL;
        *ret_values = g_steal_pointer(&values);
        return TRUE;
    case CCM_GUEST_PLATFORM_SEV_SNP:
        name = "snp_launch_measurement"; /* Trustee's default policy name */
        break;
    case CCM_GUEST_PLATFORM_SEV:
    case CCM_GUEST_PLATFORM_SEV_ES:
        name = "sev_launch_digest";      /* Trustee has no legacy SEV verifier */
        break;
    case CCM_GUEST_PLATFORM_TDX:
    case CCM_GUEST_PLATFORM_CCA:
        if (for_trustee_kbs) {
            g_set_error(error, CCM_BROKER_VALUES_ERROR, 0,
                        "the Trustee KBS backend scopes a guest's values by its SEV-SNP "
                        "HOST_DATA; Platform=%s registers with Backend=file for now",
                        ccm_guest_platform_to_string(platform));
            return FALSE;
        }
        return platform == CCM_GUEST_PLATFORM_TDX
                   ? tdx_values(plan, ret_measurement, ret_values, error)
                   : cca_values(plan, ret_measurement, ret_values, error);
    default:
        g_set_error(error, CCM_BROKER_VALUES_ERROR, 0,
                    "ccm cannot register reference values for Platform=%s",
                    ccm_guest_platform_to_string(platform));
        return FALSE;
    }
    if (for_trustee_kbs && platform != CCM_GUEST_PLATFORM_SEV_SNP) {
        g_set_error(error, CCM_BROKER_VALUES_ERROR, 0,
                    "Trustee has no verifier for Platform=%s; register it with Backend=file",
                    ccm_guest_platform_to_string(platform));
        return FALSE;
    }

    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t size = 0;
    g_autoptr(GError) e = NULL;
    if (!ccm_launch_plan_measure(plan, NULL, NULL, digest, &size, &e)) {
        g_set_error(error, CCM_BROKER_VALUES_ERROR, 0,
                    "cannot compute the expected measurement: %s", e->message);
        return FALSE;
    }
    g_autofree char *hex = ccm_hex_encode(digest, size);
    g_hash_table_insert(values, g_strdup(name), g_strdup_printf("[\"%s\"]", hex));
    *ret_measurement = g_steal_pointer(&hex);
    *ret_values = g_steal_pointer(&values);
    return TRUE;
}

void ccm_broker_apply_identity(CcmGuestSpec *spec, const char *host_id)
{
    if (spec->platform == CCM_GUEST_PLATFORM_SEV_SNP && !spec->snp.host_data)
        spec->snp.host_data = ccm_guest_identity_derive(host_id, spec->name);
}

char *ccm_broker_scope(const CcmGuestSpec *spec)
{
    if (spec->platform != CCM_GUEST_PLATFORM_SEV_SNP || !spec->snp.host_data)
        return NULL;
    gsize n = 0;
    const guint8 *b = g_bytes_get_data(spec->snp.host_data, &n);
    return ccm_hex_encode(b, n);
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
