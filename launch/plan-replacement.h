/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-replacement.h - a launch plan as it will be once a firmware image or QEMU is upgraded */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "launch-plan.h"

/*
 * What an upgrade installs: a firmware image in place of one a guest boots from, and a
 * QEMU binary in place of the one that launches guests of its architecture. `ccmctl drift`
 * computes each guest's expectation from its plan, and again from the plan with the
 * replacement applied; ccmd can do the same for a file it sees change.
 */
typedef struct CcmPlanReplacement {
    /* Firmware (NULL: none replaced). */
    char *firmware;             /* the new image, absolute */
    char *firmware_installed;   /* the image it replaces, canonical; NULL: match by name */
    char *firmware_name;        /* the file name a guest's image must have (no folder) */
    bool firmware_is_ovmf;      /* the new image parses as OVMF (footer table) */
    char *firmware_problem;     /* else: why not (measure's message) */
    /* QEMU (NULL: none replaced). */
    char *qemu;                 /* the new binary, resolved and absolute */
    char *qemu_architecture;    /* x86_64 or aarch64: the machines it offers */
    char *qemu_version;         /* "11.1.3" */
} CcmPlanReplacement;

void ccm_plan_replacement_free(CcmPlanReplacement *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmPlanReplacement, ccm_plan_replacement_free)

/**
 * ccm_plan_replacement_new() - check and describe an upgrade
 * @firmware: NULL, NEW (replaces the image of every guest whose image has NEW's file name,
 *   as a package upgrade replaces a file of the same name) or INSTALLED=NEW (replaces
 *   the image INSTALLED, compared after resolving links)
 * @qemu: NULL, or the new QEMU binary (a path, or a name looked up on PATH); it is
 *   started once (cached) to learn its version and architecture
 *
 * The new image must be a readable regular file whose size is a non-zero multiple of
 * 4 KiB; the new QEMU must answer ccm's QMP probe. Errors (G_OPTION_ERROR for a malformed
 * @firmware or an empty @qemu, CCM_LAUNCH_ERROR_INPUT otherwise) name the option, the file
 * and what was expected.
 */
CcmPlanReplacement *ccm_plan_replacement_new(const char *firmware, const char *qemu,
                                             GError **error);

typedef enum CcmPlanReplaced {
    CCM_PLAN_REPLACED_NONE = 0,
    CCM_PLAN_REPLACED_FIRMWARE = 1 << 0,
    CCM_PLAN_REPLACED_QEMU = 1 << 1,
} CcmPlanReplaced;

/**
 * ccm_plan_replacement_apply() - put the upgrade into @plan
 * @ret_replaced: what was replaced in @plan
 * @why_not: gets one sentence per replacement that does not apply to @plan (its image
 *   has another name, its QEMU another architecture, it boots no firmware), "; "-joined
 *
 * The firmware of a plan whose image is an OVMF image must be replaced by one too: FALSE
 * with CCM_LAUNCH_ERROR_INPUT naming both files otherwise (nothing is changed then).
 */
gboolean ccm_plan_replacement_apply(const CcmPlanReplacement *r, CcmLaunchPlan *plan,
                                    CcmPlanReplaced *ret_replaced, GString *why_not,
                                    GError **error);
