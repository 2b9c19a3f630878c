/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim-tdx.c - a simulated TDX module's build-time measurement: MRTD of the firmware as mapped */
#include "sim-tdx.h"

struct CcmSimTdx {
    CcmTdxPageOrder order;
    bool measured;
    uint8_t mrtd[CCM_SHA384_SIZE];
    char *firmware_sha256;
};

CcmSimTdx *ccm_sim_tdx_new(CcmTdxPageOrder order)
{
    CcmSimTdx *sim = g_new0(CcmSimTdx, 1);
    sim->order = order;
    return sim;
}

void ccm_sim_tdx_free(CcmSimTdx *sim)
{
    if (!sim)
        return;
    g_free(sim->firmware_sha256);
    g_free(sim);
}

bool ccm_sim_tdx_set_firmware(CcmSimTdx *sim, const uint8_t *image, size_t size, char **ret_error)
{
    CcmError error = { 0 };
    if (ccm_tdx_mrtd(image, size, "the firmware mapped at reset", sim->order, NULL, NULL, NULL,
                     NULL, sim->mrtd, &error) < 0) {
        *ret_error = g_strdup(error.message);
        return false;
    }
    sim->measured = true;
    g_free(sim->firmware_sha256);
    sim->firmware_sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, image, size);
    return true;
}

void ccm_sim_tdx_append_json(const CcmSimTdx *sim, GString *out)
{
    g_string_append(out, "{ \"platform\": \"tdx\", \"mrtd\": ");
    if (!sim->measured) {
        g_string_append(out, "null }");
        return;
    }
    g_string_append_c(out, '"');
    for (size_t i = 0; i < sizeof(sim->mrtd); i++)
        g_string_append_printf(out, "%02x", sim->mrtd[i]);
    g_string_append_printf(out, "\",\n    \"inputs\": { \"firmware_sha256\": \"%s\", "
                                "\"page_order\": \"%s\" } }",
                           sim->firmware_sha256, ccm_tdx_page_order_to_string(sim->order));
}
