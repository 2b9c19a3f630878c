/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ccmctl-rehearse.h - the attestation loop of `ccmctl rehearse --attest` */
#pragma once

#include "ccmctl.h"
#include "launch-plan.h"
#include "qemu-probe.h"

typedef struct CcmctlRehearseAttest {
    const char *spec_path;
    const char *host_id;
    CcmctlBrokerOptions broker;
    const char *registered;     /* an earlier registration's expected.json, or NULL */
    const char *vcek_key;       /* the simulated SEV-SNP TEE's signing key */
    const char *qe_key;         /* the simulated TDX module's quoting key */
    int timeout_s;
} CcmctlRehearseAttest;

/* Registers (unless a->registered), boots @plan (the rehearsal) with the simulated TEE and
 * reports the guest's verdict; returns the command's exit status. */
int ccmctl_rehearse_attest(const CcmctlRehearseAttest *a, CcmLaunchPlan *plan,
                           const CcmQemuCaps *caps, const char *plugin, const char *out_dir,
                           gboolean json_out);
