/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tee-request.h - ask the simulated TEE (ccm-qemu-plugin tee=snp|tdx) for a report or quote */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ga-error.h"

#define GA_SNP_REPORT_SIZE 1184
#define GA_SNP_REPORT_DATA_SIZE 64

/**
 * ga_tee_snp_report() - an SEV-SNP ATTESTATION_REPORT carrying @report_data
 * @report_data: the 64 bytes the report must carry in REPORT_DATA
 * @ret_report: receives the report (GA_SNP_REPORT_SIZE bytes)
 *
 * Issues the CCMT request instruction (docs/simulated-tee.md) on a locked, page-aligned
 * buffer. Outside a guest run by ccm-qemu-plugin with tee=snp the instruction is a NOP,
 * which is told apart from an answer and reported as "no simulated TEE". Every failure
 * is of kind GA_EXIT_TEE.
 */
bool ga_tee_snp_report(const uint8_t report_data[GA_SNP_REPORT_DATA_SIZE],
                       uint8_t ret_report[GA_SNP_REPORT_SIZE], GaError *error);

#define GA_TDX_QUOTE_SIZE 700

/* A simulated TDX quote (docs/simulated-tee.md) bound to @report_data. */
bool ga_tee_tdx_quote(const uint8_t report_data[GA_SNP_REPORT_DATA_SIZE],
                      uint8_t ret_quote[GA_TDX_QUOTE_SIZE], GaError *error);

/* RTMR[@rtmr] (2 or 3) extended with @digest. */
bool ga_tee_tdx_extend(unsigned rtmr, const uint8_t digest[48], GaError *error);
