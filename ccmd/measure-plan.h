/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure-plan.h - `ccmctl measure GUEST.guest`: the measurement of a guest spec */
#pragma once

#include <stdbool.h>

#include "launch-plan.h"
#include "measure-report.h"

/* Measures @plan (or only its firmware digest) with every step recorded. */
gboolean ccm_measure_plan_run(const CcmLaunchPlan *plan, bool firmware_digest_only,
                              CcmMeasureReport **ret, GError **error);
