/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-tdx.h - this host's Intel TDX state: kvm_intel, the TDX module, the QGS */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

#include "host-probe.h"

/* Where the quote generation service listens by convention (libvirt's default). */
#define CCM_TDX_QGS_SOCKET "var/run/tdx-qgs/qgs.socket"
/* ... or the vsock port guests reach it on. */
#define CCM_TDX_QGS_VSOCK_PORT 4050

typedef struct CcmHostTdx {
    bool intel;               /* the CPU is Intel's (or unknown) */
    bool intel_known;         /* /proc/cpuinfo says Intel */
    bool present;             /* kvm_intel.tdx is on */
    char *absent;             /* why TDX is not present, one sentence; NULL when it is */
    bool cpu_tdx_host, cpu_tdx_guest;   /* flags tdx_host_platform, tdx_guest */
    char *kvm_tdx;            /* kvm_intel.tdx; NULL: absent */
    /* The TDX module: /sys/devices/faux/tdx_host (upstream) and/or
     * /sys/firmware/tdx/tdx_module (Intel's kernels); NULL fields were not found. */
    char *module_source;
    char *status, *attributes, *vendor_id, *build_date, *build_num;
    char *version;            /* "major.minor.update" */
    int major, minor, update; /* -1 when unknown */
    char *seamldr_version, *num_remaining_updates;
    char *qgs_socket;         /* ROOT/var/run/tdx-qgs/qgs.socket */
    bool qgs_reachable;       /* on its UNIX socket or its vsock port */
    bool qgs_socket_reachable, qgs_vsock_reachable;
    char *qgs_error;          /* why neither answers */
} CcmHostTdx;

void ccm_host_tdx_free(CcmHostTdx *tdx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHostTdx, ccm_host_tdx_free)

CcmHostTdx *ccm_host_tdx_read(CcmHostProbe *probe);

/* The "tdx" member of "ccm-host/1". */
json_object *ccm_host_tdx_to_json(const CcmHostTdx *tdx);
