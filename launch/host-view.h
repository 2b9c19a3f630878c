/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-view.h - one view of every TEE platform on this host: the "ccm-host/1" document */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

#include "host-cca.h"
#include "host-probe.h"
#include "host-sev.h"
#include "host-tdx.h"

typedef struct CcmHostView {
    char *root;
    bool recorded;
    char *arch;
    char *cpu_vendor;           /* NULL when unknown */
    int cpu_family, cpu_model;  /* -1 when unknown */
    char *cpu_error;            /* why /proc/cpuinfo could not be read */
    char *kvm_device;
    bool kvm_exists;
    CcmHostSev *sev;
    CcmHostTdx *tdx;
    CcmHostCca *cca;
} CcmHostView;

void ccm_host_view_free(CcmHostView *view);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHostView, ccm_host_view_free)

/* Reads every platform through @probe. NULL (with @error) only for a malformed
 * recording. */
CcmHostView *ccm_host_view_read(CcmHostProbe *probe, GError **error);

/* Whether any TEE (SEV, TDX, CCA) is present. */
bool ccm_host_view_tee_present(const CcmHostView *view);

/* One sentence: "TEE present: AMD SEV-SNP" or "no TEE present: not an AMD SEV host: ...;
 * not an Intel TDX host: ...; Arm CCA: not an Arm host (x86_64)". */
char *ccm_host_view_summary(const CcmHostView *view);

/* The document "ccm-host/1" (`ccmctl host show --json`; schema in ccmctl-host(1)). */
json_object *ccm_host_view_to_json(const CcmHostView *view);

/* The human-readable form `ccmctl host show` prints. */
char *ccm_host_view_to_text(const CcmHostView *view);
