/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-sev.h - the SEV-family guest (SEV, SEV-ES, SEV-SNP) a launch plan starts */
#pragma once

#include <stdbool.h>

#include "ccm/measure.h"
#include "launch-plan.h"

/**
 * ccm_plan_sev_guest() - the libccm-measure guest a Platform=sev|sev-es|sev-snp plan launches
 *
 * The only place that maps spec keys to SEV-family measurement inputs: firmware, vCPUs
 * and their CPU signature, guest features, the SEV-ES VMSA variant (from LegacyVMType=),
 * and the kernel, initrd and command line when KernelHashes= measures them. Errors name
 * the firmware file.
 */
CcmSevGuest *ccm_plan_sev_guest(const CcmLaunchPlan *plan, GError **error);

/* The engine platform of a SEV-family spec platform. */
CcmPlatform ccm_plan_sev_platform(CcmGuestPlatform platform);

/* Whether the plan's guest measures its kernel, initrd and command line (KernelHashes=). */
bool ccm_plan_sev_kernel_hashes(const CcmLaunchPlan *plan);
