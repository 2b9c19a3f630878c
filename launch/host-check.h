/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-check.h - what this host can run: KVM, SEV/SNP/TDX support, QEMU, firmware */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

#include "guest-spec.h"
#include "qemu-caps.h"

typedef enum CcmCheckStatus {
    CCM_CHECK_PASS,
    CCM_CHECK_FAIL,
    CCM_CHECK_INFO,   /* a fact, neither good nor bad */
} CcmCheckStatus;

typedef struct CcmCheckItem {
    char *id;         /* stable, e.g. "kvm", "amd-sev-snp", "qemu" */
    char *title;
    CcmCheckStatus status;
    char *reason;
} CcmCheckItem;

typedef struct CcmHostCheck {
    GPtrArray *items;                            /* CcmCheckItem */
    bool can_run[_CCM_GUEST_PLATFORM_MAX];
    char *why_not[_CCM_GUEST_PLATFORM_MAX];      /* the first missing prerequisite */
} CcmHostCheck;

typedef struct CcmHostCheckOptions {
    const char *root;        /* prefix for /dev, /sys and /proc (tests); NULL for "/" */
    const char *qemu;        /* QEMU binary; NULL: qemu-system-x86_64 on PATH */
    const CcmQemuCaps *caps; /* its probed capabilities, or NULL if it could not be probed */
    const char *caps_error;  /* why not */
    const char *const *firmware_dirs;  /* descriptor folders; NULL: QEMU's defaults */
} CcmHostCheckOptions;

void ccm_host_check_free(CcmHostCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHostCheck, ccm_host_check_free)

/* Reads only; needs no privileges. */
CcmHostCheck *ccm_host_check_run(const CcmHostCheckOptions *options);

const char *ccm_check_status_to_string(CcmCheckStatus status);
json_object *ccm_host_check_to_json(const CcmHostCheck *check);
