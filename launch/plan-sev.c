/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan-sev.c - the SEV-family guest (SEV, SEV-ES, SEV-SNP) a launch plan starts
 *
 * What QEMU is told and what the measurement engine is told come from the same plan,
 * and this file is the only place where a SEV-family plan's fields become measurement
 * inputs.
 */
#include <errno.h>

#include "ccm/measure-autoptr.h"
#include "plan-sev.h"

CcmPlatform ccm_plan_sev_platform(CcmGuestPlatform platform)
{
    switch (platform) {
    case CCM_GUEST_PLATFORM_SEV:
        return CCM_PLATFORM_SEV;
    case CCM_GUEST_PLATFORM_SEV_ES:
        return CCM_PLATFORM_SEV_ES;
    default:
        g_return_val_if_fail(platform == CCM_GUEST_PLATFORM_SEV_SNP, CCM_PLATFORM_SEV_SNP);
        return CCM_PLATFORM_SEV_SNP;
    }
}

bool ccm_plan_sev_kernel_hashes(const CcmLaunchPlan *plan)
{
    const CcmGuestSpec *spec = plan->spec;
    return ccm_guest_spec_measured_platform(spec) == CCM_GUEST_PLATFORM_SEV_SNP
               ? spec->snp.kernel_hashes
               : spec->sev.kernel_hashes;
}

CcmSevGuest *ccm_plan_sev_guest(const CcmLaunchPlan *plan, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    CcmPlatform platform = ccm_plan_sev_platform(ccm_guest_spec_measured_platform(spec));
    CcmError e = { 0 };

    g_autoptr(CcmFirmware) fw = NULL;
    if (ccm_firmware_open(plan->firmware->path, &fw, &e) < 0) {
        g_set_error_literal(error, CCM_LAUNCH_ERROR,
                            e.code == -EINVAL ? CCM_LAUNCH_ERROR_INPUT : CCM_LAUNCH_ERROR_MEASURE,
                            e.message);
        return NULL;
    }
    g_autoptr(CcmSevGuest) guest = NULL;
    if (ccm_sev_guest_new(platform, &guest) < 0) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_MEASURE, "out of memory");
        return NULL;
    }
    (void) ccm_sev_guest_set_firmware(guest, fw);
    if (platform != CCM_PLATFORM_SEV) {
        (void) ccm_sev_guest_set_vcpus(guest, spec->vcpus);
        (void) ccm_sev_guest_set_vcpu_signature(guest, spec->cpu_signature);
    }
    if (platform == CCM_PLATFORM_SEV_SNP)
        (void) ccm_sev_guest_set_guest_features(guest, spec->snp.guest_features);
    if (platform == CCM_PLATFORM_SEV_ES)
        /* QEMU's legacy-vm-type=auto uses KVM_SEV_ES_INIT unless an option needs INIT2. */
        (void) ccm_sev_guest_set_sev_es_vmsa(guest, spec->sev.legacy_vm_type == CCM_OFF
                                                        ? CCM_SEV_ES_VMSA_INIT2
                                                        : CCM_SEV_ES_VMSA_LEGACY);
    if (ccm_plan_sev_kernel_hashes(plan)) {
        (void) ccm_sev_guest_set_kernel(guest, spec->kernel);
        if (spec->initrd)
            (void) ccm_sev_guest_set_initrd(guest, spec->initrd);
        if (spec->cmdline)
            (void) ccm_sev_guest_set_cmdline(guest, spec->cmdline);
    }
    return g_steal_pointer(&guest);
}
