/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-cca.h - the Arm CCA realm a Platform=cca launch plan starts, as measurement input */
#pragma once

#include <glib.h>

#include "ccm/measure.h"
#include "launch-plan.h"

/* What every realm gets unless the spec (or --breakpoints/--watchpoints) says otherwise:
 * the counts every shared vector uses (the peer's test configuration). They are host
 * facts: real hosts report theirs in ID_AA64DFR0_EL1 (see ccmd.guest(5)). */
#define CCM_CCA_DEFAULT_BREAKPOINTS 6
#define CCM_CCA_DEFAULT_WATCHPOINTS 6

typedef struct CcmPlanCca {
    CcmCcaVmmConfig config;   /* blobs point into @files */
    GMappedFile *files[4];    /* firmware, kernel, initrd, DTB (NULL when absent) */
} CcmPlanCca;

void ccm_plan_cca_clear(CcmPlanCca *cca);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CcmPlanCca, ccm_plan_cca_clear)

/**
 * ccm_plan_cca_inputs() - the QEMU-profile inputs of @plan's realm
 *
 * The one mapping from a spec to the CCA engine: firmware loaded with -bios (or none for
 * a realm that boots its kernel directly), kernel, initrd, DTB, RAM, vCPUs, [CCA] RMM=,
 * MeasurementAlgorithm= (default: the QEMU series' for the RMM), IPABits=, Breakpoints=,
 * Watchpoints=, PMUCounters=, SVEVectorLength=, LPA2=, HostPageSize=, MeasurementLog=.
 * Fails naming the spec and key when RMM= or DTB= is missing or the firmware is a
 * pflash image, and naming the file when one cannot be read.
 */
gboolean ccm_plan_cca_inputs(const CcmLaunchPlan *plan, CcmPlanCca *ret, GError **error);
