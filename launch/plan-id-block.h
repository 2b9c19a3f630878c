/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-id-block.h - the SEV-SNP ID block a launch plan carries, signed or ready-made */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "launch-plan.h"

typedef struct CcmPlanIdBlock {
    char *id_block;             /* base64 of 96 bytes */
    char *id_auth;              /* base64 of 4096 bytes */
    bool author_key_enabled;
} CcmPlanIdBlock;

void ccm_plan_id_block_free(CcmPlanIdBlock *id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmPlanIdBlock, ccm_plan_id_block_free)

/**
 * ccm_plan_id_block() - the ID block of an SEV-SNP plan
 * @ret: set to NULL when the spec asks for none
 *
 * Ready-made IdBlock=/IdAuth= are passed through (the author key is enabled when the
 * ID authentication structure carries one); with IdKey= the launch digest is computed
 * from the plan and the block signed.
 */
gboolean ccm_plan_id_block(const CcmLaunchPlan *plan, CcmPlanIdBlock **ret, GError **error);
