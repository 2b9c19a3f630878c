/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan-measure.c - the measurement inputs of a launch plan
 *
 * What QEMU is told and what the measurement engine is told come from the same plan,
 * and this file is the only place where plan fields become measurement inputs.
 */
#include <errno.h>

#include "ccm/measure-autoptr.h"
#include "plan-measure.h"

static gboolean engine_error(GError **error, const CcmError *e)
{
    g_set_error_literal(error, CCM_LAUNCH_ERROR,
                        e->code == -EINVAL ? CCM_LAUNCH_ERROR_INPUT : CCM_LAUNCH_ERROR_MEASURE,
                        e->message);
    return FALSE;
}

CcmSevGuest *ccm_launch_plan_sev_guest(const CcmLaunchPlan *plan, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    CcmPlatform platform;
    bool kernel_hashes;
    CcmError e = { 0 };

    switch (spec->platform) {
    case CCM_GUEST_PLATFORM_SEV:
        platform = CCM_PLATFORM_SEV;
        kernel_hashes = spec->sev.kernel_hashes;
        break;
    case CCM_GUEST_PLATFORM_SEV_ES:
        platform = CCM_PLATFORM_SEV_ES;
        kernel_hashes = spec->sev.kernel_hashes;
        break;
    case CCM_GUEST_PLATFORM_SEV_SNP:
        platform = CCM_PLATFORM_SEV_SNP;
        kernel_hashes = spec->snp.kernel_hashes;
        break;
    case CCM_GUEST_PLATFORM_NONE:
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: Platform=none is the rehearsal mode: the guest has no launch "
                    "measurement",
                    spec->path);
        return NULL;
    default:
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_UNSUPPORTED,
                    "%s: measuring Platform=%s guests is not implemented yet", spec->path,
                    ccm_guest_platform_to_string(spec->platform));
        return NULL;
    }

    g_autoptr(CcmFirmware) fw = NULL;
    if (ccm_firmware_open(plan->firmware->path, &fw, &e) < 0) {
        engine_error(error, &e);
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
    if (kernel_hashes) {
        (void) ccm_sev_guest_set_kernel(guest, spec->kernel);
        if (spec->initrd)
            (void) ccm_sev_guest_set_initrd(guest, spec->initrd);
        if (spec->cmdline)
            (void) ccm_sev_guest_set_cmdline(guest, spec->cmdline);
    }
    return g_steal_pointer(&guest);
}

gboolean ccm_launch_plan_measure(const CcmLaunchPlan *plan, CcmStepFunc step, void *userdata,
                                 uint8_t *ret_digest, size_t *ret_size, GError **error)
{
    g_autoptr(CcmSevGuest) guest = ccm_launch_plan_sev_guest(plan, error);
    CcmError e = { 0 };

    if (!guest)
        return FALSE;
    ccm_sev_guest_set_step_callback(guest, step, userdata);
    if (ccm_sev_guest_measure(guest, ret_digest, ret_size, &e) < 0)
        return engine_error(error, &e);
    return TRUE;
}
