/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim-tdx.h - a simulated TDX module: MRTD, the RTMRs OVMF would have extended, and quotes
 *
 * MRTD covers the TDVF sections the TDX module adds at build time; it depends only on the
 * firmware bytes and the host's page order, so it is computed at reset from the image QEMU
 * mapped below 4 GiB. OVMF under TCG extends no RTMR itself, so the RTMRs are the events
 * libccm-measure derives from what the plugin watched the firmware read: the firmware and
 * RAM size (the TD HOB, the CFV, the Secure Boot variables), QEMU's three ACPI files, the
 * kernel, initrd and command line (tdx.md §3). The guest may extend RTMR2 and RTMR3, and
 * asks for a quote: a TDX quote v4 header and TD report body, signed ECDSA P-256 by a test
 * quoting key (docs/simulated-tee.md).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "boot-blobs.h"
#include "ccm/measure.h"
#include "fw-cfg-watch.h"

#define CCM_SIM_TDX_QUOTE_SIZE 700

typedef struct CcmSimTdxConfig {
    CcmTdxPageOrder order;
    const char *qe_key_path;       /* PEM, EC P-256 private key; NULL: no quotes */
    uint8_t mrconfigid[CCM_SHA384_SIZE];
    uint64_t td_attributes;
    uint64_t xfam;
} CcmSimTdxConfig;

typedef struct CcmSimTdx CcmSimTdx;

/* NULL with *ret_error when the quoting key cannot be loaded. */
CcmSimTdx *ccm_sim_tdx_new(const CcmSimTdxConfig *config, char **ret_error);
void ccm_sim_tdx_free(CcmSimTdx *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSimTdx, ccm_sim_tdx_free)

/* false (and why) when the image has no TDX metadata or it does not hold together. */
bool ccm_sim_tdx_set_firmware(CcmSimTdx *sim, const uint8_t *image, size_t size,
                              char **ret_error);

/* The RTMRs from what was observed; the first call fixes them (OVMF's events happen once). */
bool ccm_sim_tdx_measure(CcmSimTdx *sim, const CcmBootBlobs *blobs, CcmFwCfgWatch *fw,
                         char **ret_error);

bool ccm_sim_tdx_measured(const CcmSimTdx *sim);

/* RTMR[@index] = SHA-384(RTMR[@index] || @data): 2 and 3 only, as a TD's TDG.MR.RTMR.EXTEND. */
bool ccm_sim_tdx_extend(CcmSimTdx *sim, unsigned index, const uint8_t data[CCM_SHA384_SIZE],
                        char **ret_error);

/* A quote for @report_data (measures first if needed). */
bool ccm_sim_tdx_quote(CcmSimTdx *sim, const CcmBootBlobs *blobs, CcmFwCfgWatch *fw,
                       const uint8_t report_data[64], uint8_t ret[CCM_SIM_TDX_QUOTE_SIZE],
                       char **ret_error);

/* {"platform": "tdx", "mrtd": ..., "rtmr": [...], "inputs": {...}} */
void ccm_sim_tdx_append_json(const CcmSimTdx *sim, GString *out);
