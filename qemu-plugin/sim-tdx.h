/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-tdx.h - a simulated TDX module's build-time measurement: MRTD of the firmware as mapped
 *
 * MRTD covers the TDVF sections the TDX module adds with TDH.MEM.PAGE.ADD and
 * TDH.MR.EXTEND; it depends only on the firmware bytes and the host's page order, so it is
 * computed at reset from the image QEMU mapped below 4 GiB (libccm-measure's ccm_tdx_mrtd).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "ccm/measure.h"

typedef struct CcmSimTdx CcmSimTdx;

CcmSimTdx *ccm_sim_tdx_new(CcmTdxPageOrder order);
void ccm_sim_tdx_free(CcmSimTdx *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSimTdx, ccm_sim_tdx_free)

/* false (and why) when the image has no TDX metadata or it does not hold together. */
bool ccm_sim_tdx_set_firmware(CcmSimTdx *sim, const uint8_t *image, size_t size,
                              char **ret_error);

/* {"platform": "tdx", "mrtd": ..., "inputs": {...}} */
void ccm_sim_tdx_append_json(const CcmSimTdx *sim, GString *out);
