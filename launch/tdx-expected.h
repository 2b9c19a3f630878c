/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tdx-expected.h - a TD's expected MRTD, event log and RTMRs, from files or a guest spec */
#pragma once

#include <glib.h>

#include "ccm/measure.h"
#include "launch-plan.h"

/* Events after RTMR0's: the kernel image, three boot actions and a separator (RTMR1),
 * command line and initrd (RTMR2). */
#define CCM_TDX_EXPECTED_MAX_EVENTS (CCM_TDX_MAX_PREDICTED + 8)

typedef struct CcmTdxInputs {
    const char *firmware;          /* TDVF/OVMF image (-bios) */
    guint64 memory;                /* bytes */
    guint vcpus;
    const char *kernel, *initrd, *append;  /* direct boot; NULL without */
    CcmTdxPageOrder page_order;
    int layout;                    /* a CcmTdxLayout, or -1: from the firmware profile */
    const char *acpi_dir;          /* the three ACPI blobs captured from a guest, or */
    const char *qemu;              /* read them from this QEMU binary, with */
    const char *const *acpi_shape; /* this shape (NULL: q35 with -smp and -m) */
    const char *acpi_cache_dir;    /* NULL: ccm_acpi_dump_cached()'s default */
    int qemu_major, qemu_minor;    /* the QEMU release that launches it; 0.0: @qemu's, or
                                    * unknown (then 10.2 or later is assumed) */
    gboolean explain;              /* fill @explain in the result */
} CcmTdxInputs;

typedef struct CcmTdxExpected {
    uint8_t mrtd[CCM_SHA384_SIZE];
    CcmTdvfSection sections[32];
    size_t n_sections;
    guint64 hashed_bytes;                  /* bytes MRTD hashes (for benchmarks) */
    CcmTdxLayout layout;
    const CcmTdxFirmwareProfile *profile;  /* NULL: an image we do not know */
    gboolean have_acpi;                    /* RTMR0's ACPI digests are known */
    gboolean acpi_cached;                  /* ...and came from the dump cache */
    gboolean rtmr0_modelled;               /* FALSE for layouts we do not predict */
    gboolean rtmr0_complete;               /* every RTMR0 event's digest is known */
    unsigned boot_flags;                   /* CCM_TDX_BOOT_* used for RTMR1 and RTMR2 */
    gboolean rtmr12;                       /* direct boot: RTMR1 and RTMR2 predicted */
    CcmTdxPredictedEvent events[CCM_TDX_EXPECTED_MAX_EVENTS];
    size_t n_events;
    uint8_t rtmrs[4][CCM_SHA384_SIZE];     /* replay of the known events */
    GPtrArray *notes;                      /* sentences for stderr (warnings, choices) */
    GString *explain;                      /* MRTD section by section, with explain */
} CcmTdxExpected;

void ccm_tdx_expected_clear(CcmTdxExpected *e);

/* Fills @ret (cleared first; clear it after, also on failure). */
gboolean ccm_tdx_expected_compute(const CcmTdxInputs *in, CcmTdxExpected *ret, GError **error);

/**
 * ccm_tdx_inputs_from_plan() - the TDX inputs a Platform=tdx plan gives
 * @ret_shape: set to the ACPI shape of the plan's QEMU command line (owned by the caller;
 *             ret->acpi_shape points into it)
 *
 * Firmware, RAM, vCPUs, direct boot and the QEMU binary; page order per-page and the
 * layout from the firmware profile. The ACPI blobs are read from that QEMU only when
 * @use_qemu (it starts the binary once per shape; the result is cached).
 */
void ccm_tdx_inputs_from_plan(const CcmLaunchPlan *plan, gboolean use_qemu, CcmTdxInputs *ret,
                              GPtrArray **ret_shape);
