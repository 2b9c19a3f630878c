/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-cca.h - what this host's kernel says about Arm CCA (Realm Management Extension) */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

#include "host-probe.h"

typedef struct CcmHostCca {
    bool arm;            /* an arm64 host */
    bool present;        /* Realm support detected (never, yet: see host-cca.c) */
    char *absent;        /* why not, one sentence */
    char *kvm_arm_mode;  /* kvm-arm.mode= of the kernel command line, or NULL */
    bool kvm_device;     /* ROOT/dev/kvm exists */
} CcmHostCca;

void ccm_host_cca_free(CcmHostCca *cca);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHostCca, ccm_host_cca_free)

CcmHostCca *ccm_host_cca_read(CcmHostProbe *probe);

/* The "cca" member of "ccm-host/1". */
json_object *ccm_host_cca_to_json(const CcmHostCca *cca);
