/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pei-rehearsal.h - PCR0's first events of an OVMF boot, read from a rehearsal of the
 * firmware's PEI phase under TCG
 */
#pragma once

#include <glib.h>

#include "ccm/measure.h"

typedef struct CcmPeiRehearsal {
    const char *qemu;
    const char *const *shape_args; /* the guest's machine, -m, -smp, devices (no TPM) */
    const char *code, *vars;       /* the pflash images; @vars is copied, never written */
    const char *kernel, *initrd, *append; /* direct boot, or NULL */
    gboolean legacy_loader;        /* -fw_cfg opt/org.tianocore/EnableLegacyLoader=yes */
    guint timeout_ms;              /* 0: 60 s */
} CcmPeiRehearsal;

#define CCM_PEI_PCR0_EVENTS 3

/* The digests of one TPM2_PCR_Extend. */
typedef struct CcmPcrExtend {
    guint8 sha256[CCM_SHA256_SIZE];
    guint8 sha384[CCM_SHA384_SIZE];
} CcmPcrExtend;

/**
 * ccm_pei_rehearse() - boot the firmware until PEI has measured PCR0's first three events
 *
 * Runs QEMU under TCG with the guest's shape and a throw-away swtpm that logs every
 * command it receives, stops QEMU once the firmware has extended PCR0 three times (the
 * version string, the PEI volume, the DXE volume) and returns those three extends' SHA-256
 * and SHA-384 digests, in order. A few seconds.
 */
gboolean ccm_pei_rehearse(const CcmPeiRehearsal *r, CcmPcrExtend ret[CCM_PEI_PCR0_EVENTS],
                          GError **error);

/* The PCR @pcr extends in a swtpm command log (swtpm --log level=20), in order, up to
 * @capacity; returns how many (exposed for tests). */
size_t ccm_swtpm_log_extends(const char *log, gsize size, guint32 pcr, CcmPcrExtend *ret,
                             size_t capacity);
