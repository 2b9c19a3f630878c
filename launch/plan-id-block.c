/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan-id-block.c - the SEV-SNP ID block a launch plan carries, signed or ready-made
 *
 * Shared by the QEMU renderer and the libvirt writer, so both launch a guest with the
 * same ID block, signed over the digest computed from the same plan.
 */
#include <string.h>

#include "ccm-autocleanups.h"
#include "expectation.h"
#include "plan-id-block.h"
#include "snp-id-block.h"

void ccm_plan_id_block_free(CcmPlanIdBlock *id)
{
    if (!id)
        return;
    g_free(id->id_block);
    g_free(id->id_auth);
    g_free(id);
}

static char *encode(GBytes *bytes)
{
    gsize n;
    const guchar *data = g_bytes_get_data(bytes, &n);
    return g_base64_encode(data, n);
}

gboolean ccm_plan_id_block(const CcmLaunchPlan *plan, CcmPlanIdBlock **ret, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    g_autoptr(CcmPlanIdBlock) id = g_new0(CcmPlanIdBlock, 1);

    if (spec->snp.id_block) {
        gsize n;
        const uint8_t *auth = g_bytes_get_data(spec->snp.id_auth, &n);
        id->author_key_enabled = auth[4] != 0; /* AUTH_KEY_ALGO: an author key is present */
        id->id_block = encode(spec->snp.id_block);
        id->id_auth = encode(spec->snp.id_auth);
        *ret = g_steal_pointer(&id);
        return TRUE;
    }
    if (!spec->snp.id_key) {
        *ret = NULL;
        return TRUE;
    }

    CcmSnpIdBlockParams params = { .policy = spec->snp.policy, .guest_svn = spec->snp.guest_svn };
    g_autoptr(CcmExpectation) expected = ccm_expectation_new(plan, CCM_EXPECTATION_DEFAULT, error);
    if (!expected)
        return FALSE;
    const CcmExpectedValue *measurement = ccm_expectation_value(expected, "measurement");
    if (!measurement || measurement->size != sizeof(params.measurement)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: an ID block signs an SEV-SNP launch measurement; Platform=%s has none",
                    spec->path, ccm_guest_platform_to_string(spec->platform));
        return FALSE;
    }
    memcpy(params.measurement, measurement->value, sizeof(params.measurement));
    if (spec->snp.family_id)
        memcpy(params.family_id, g_bytes_get_data(spec->snp.family_id, NULL), 16);
    if (spec->snp.image_id)
        memcpy(params.image_id, g_bytes_get_data(spec->snp.image_id, NULL), 16);

    g_autoptr(EVP_PKEY) id_key = ccm_snp_load_private_key(spec->snp.id_key, error);
    if (!id_key)
        return FALSE;
    g_autoptr(EVP_PKEY) author_key = NULL;
    if (spec->snp.author_key &&
        !(author_key = ccm_snp_load_private_key(spec->snp.author_key, error)))
        return FALSE;
    CcmSnpIdBlock block;
    if (!ccm_snp_id_block_sign(&params, id_key, author_key, &block, error))
        return FALSE;
    id->id_block = g_base64_encode(block.id_block, sizeof(block.id_block));
    id->id_auth = g_base64_encode(block.id_auth, sizeof(block.id_auth));
    id->author_key_enabled = block.author_key_enabled;
    *ret = g_steal_pointer(&id);
    return TRUE;
}
