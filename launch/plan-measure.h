/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-measure.h - the measurement inputs of a launch plan */
#pragma once

#include "ccm/measure.h"
#include "launch-plan.h"

/**
 * ccm_launch_plan_sev_guest() - the libccm-measure guest a plan launches
 *
 * The only place that maps spec keys to measurement inputs: firmware, vCPUs and their
 * CPU signature, guest features, the SEV-ES VMSA variant (from LegacyVMType=), and the
 * kernel, initrd and command line when KernelHashes= measures them. Fails with
 * CCM_LAUNCH_ERROR_UNSUPPORTED for platforms that ccm cannot measure (yet).
 */
CcmSevGuest *ccm_launch_plan_sev_guest(const CcmLaunchPlan *plan, GError **error);

/* Measures @guest; errors carry the engine's message. */
gboolean ccm_launch_plan_measure(const CcmLaunchPlan *plan, CcmStepFunc step, void *userdata,
                                 uint8_t *ret_digest, size_t *ret_size, GError **error);
