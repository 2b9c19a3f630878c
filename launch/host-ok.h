/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-ok.h - `ccmctl host ok`: is this host's TEE set up to run guests, check by check */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

#include "host-check.h"
#include "host-probe.h"
#include "host-view.h"

/* SYSCFG (MSR 0xC0010010): bit 23 memory encryption enabled, 24 SNP enabled, 25 VMPLs. */
#define CCM_MSR_SYSCFG 0xc0010010u
#define CCM_SYSCFG_MEM_ENCRYPT (1ull << 23)
#define CCM_SYSCFG_SNP_EN (1ull << 24)
#define CCM_SYSCFG_VMPL_EN (1ull << 25)

typedef enum CcmHostOkPlatform {
    CCM_HOST_OK_SEV = 1 << 0,
    CCM_HOST_OK_TDX = 1 << 1,
    CCM_HOST_OK_CCA = 1 << 2,
} CcmHostOkPlatform;

typedef struct CcmHostOkRow {
    char *id, *title;
    CcmCheckStatus status;  /* pass, fail or skip (could not be checked here) */
    bool required;          /* a failure makes the host not ok */
    char *reason;
} CcmHostOkRow;

typedef struct CcmHostOk {
    unsigned platforms;     /* CcmHostOkPlatform bits checked */
    GPtrArray *rows;        /* CcmHostOkRow */
    bool ok;                /* no required row failed */
} CcmHostOk;

void ccm_host_ok_free(CcmHostOk *ok);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHostOk, ccm_host_ok_free)

/* The platforms the CPU vendor calls for: SEV on AMD, TDX on Intel, CCA on Arm, SEV
 * and TDX when the vendor is unknown. */
unsigned ccm_host_ok_default_platforms(const CcmHostView *view);

/* The checks of @platforms on @view's host (@probe reads the MSRs). */
CcmHostOk *ccm_host_ok_run(CcmHostProbe *probe, const CcmHostView *view, unsigned platforms);

/* The document "ccm-host-ok/1". */
json_object *ccm_host_ok_to_json(const CcmHostOk *ok);
