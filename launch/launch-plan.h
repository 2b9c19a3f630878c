/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* launch-plan.h - everything one guest launch needs, derived from its spec */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ccm/measure.h"
#include "firmware-descriptor.h"
#include "guest-spec.h"

#define CCM_LAUNCH_ERROR (ccm_launch_error_quark())
GQuark ccm_launch_error_quark(void);

typedef enum CcmLaunchErrorCode {
    CCM_LAUNCH_ERROR_INPUT,        /* a file or value the spec names is unusable */
    CCM_LAUNCH_ERROR_UNSUPPORTED,  /* this platform, QEMU or host cannot do it */
    CCM_LAUNCH_ERROR_MEASURE,      /* the measurement engine refused */
} CcmLaunchErrorCode;

typedef struct CcmLaunchPlanOptions {
    const char *const *firmware_dirs;  /* descriptor folders; NULL: QEMU's defaults */
} CcmLaunchPlanOptions;

/*
 * The one struct that the measurement, the QEMU argv renderer and the libvirt XML
 * writer all read. Built from a spec; nothing in it is guessed later.
 */
typedef struct CcmLaunchPlan {
    CcmGuestSpec *spec;         /* owned */
    char *architecture;         /* x86_64 or aarch64 */
    char *machine;              /* q35 or virt */
    char *qemu_binary;          /* QEMU= or the architecture's default */
    char *accelerator;          /* kvm or tcg */
    CcmFirmwareChoice *firmware; /* Firmware= (reason "given in the spec") or a descriptor */
} CcmLaunchPlan;

void ccm_launch_plan_free(CcmLaunchPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmLaunchPlan, ccm_launch_plan_free)

/* Takes ownership of @spec (also on failure). */
CcmLaunchPlan *ccm_launch_plan_new(CcmGuestSpec *spec, const CcmLaunchPlanOptions *options,
                                   GError **error);

/*
 * ccm_launch_plan_check_files() - whether the files the guest boots from can be read
 *
 * Firmware= (or the image a descriptor chose), Kernel=, Initrd= and a realm's [CCA] DTB=
 * must each be a regular file this process can open. One error (CCM_LAUNCH_ERROR_INPUT)
 * names the key, the file and why. The first of the checks ccm_expectation_new() makes,
 * so a plan that `ccmctl measure` refuses is refused by `ccmctl render` too.
 */
gboolean ccm_launch_plan_check_files(const CcmLaunchPlan *plan, GError **error);

/* The firmware features a platform needs from a descriptor (NULL-terminated). */
const char *const *ccm_launch_plan_firmware_features(CcmGuestPlatform platform);
