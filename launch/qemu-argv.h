/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qemu-argv.h - the QEMU command line of a launch plan, checked against QEMU's capabilities */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "launch-plan.h"
#include "qemu-caps.h"

typedef struct CcmQemuArgvOptions {
    bool paused;               /* -S: start with the vCPUs stopped */
    bool no_shutdown;          /* -no-shutdown: keep QEMU when the guest powers off */
    const char *qmp_socket;    /* a QMP monitor on this unix socket path (QEMU listens) */
    int qmp_fd;                /* or on this inherited, connected socket fd; -1 for none */
    const char *nvram;         /* pflash firmware: the guest's own variable store */
} CcmQemuArgvOptions;

#define CCM_QEMU_ARGV_OPTIONS_INIT { .qmp_fd = -1 }

/**
 * ccm_qemu_argv_render() - the argv that launches @plan's guest with the QEMU of @caps
 *
 * Emits only what that QEMU supports; otherwise fails with CCM_LAUNCH_ERROR_UNSUPPORTED
 * and a sentence naming the QEMU version and what is needed, e.g. "QEMU 7.2.22 has no
 * sev-snp-guest object; SEV-SNP needs QEMU 9.1 or later". For SEV-SNP with IdKey= the
 * launch digest is computed and the ID block signed here. Returns a NULL-terminated
 * array whose first element is the QEMU binary.
 */
GPtrArray *ccm_qemu_argv_render(const CcmLaunchPlan *plan, const CcmQemuCaps *caps,
                                const CcmQemuArgvOptions *options, GError **error);

/**
 * ccm_qemu_argv_acpi_shape() - what of @plan's command line decides QEMU's ACPI tables
 *
 * The machine (without its confidential-guest-support, which needs KVM), -smp, -m and
 * the devices with stand-in backends; for ccm_acpi_dump(). NULL-terminated.
 */
GPtrArray *ccm_qemu_argv_acpi_shape(const CcmLaunchPlan *plan);
