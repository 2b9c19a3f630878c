/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * measure-plan.c - `ccmctl measure GUEST.guest`: the measurement of a guest spec
 *
 * The inputs come from the launch plan through ccm_launch_plan_sev_guest(), the same
 * mapping the QEMU renderer relies on; this file only fills the report around it.
 */
#include "ccm/measure-autoptr.h"
#include "measure-plan.h"
#include "plan-measure.h"

static CcmPlatform report_platform(CcmGuestPlatform platform)
{
    switch (platform) {
    case CCM_GUEST_PLATFORM_SEV:
        return CCM_PLATFORM_SEV;
    case CCM_GUEST_PLATFORM_SEV_ES:
        return CCM_PLATFORM_SEV_ES;
    default:
        return CCM_PLATFORM_SEV_SNP;
    }
}

gboolean ccm_measure_plan_run(const CcmLaunchPlan *plan, bool firmware_digest_only,
                              CcmMeasureReport **ret, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    CcmError e = { 0 };

    /* Also refuses platforms ccm cannot measure, with the reason. */
    g_autoptr(CcmSevGuest) guest = ccm_launch_plan_sev_guest(plan, error);
    if (!guest)
        return FALSE;

    g_autoptr(CcmMeasureReport) r = ccm_measure_report_new();
    r->name = g_strdup(spec->name);
    r->platform = report_platform(spec->platform);
    r->vmm = CCM_VMM_QEMU;
    r->firmware_digest_only = firmware_digest_only;
    r->firmware = g_strdup(plan->firmware->path);
    r->firmware_reason = g_strdup(plan->firmware->reason);
    r->vcpus = spec->vcpus;
    r->cpu = g_strdup(spec->cpu_model);
    r->vcpu_sig_set = true;
    r->vcpu_sig = spec->cpu_signature;
    r->guest_features = spec->snp.guest_features;
    r->sev_es_vmsa = spec->sev.legacy_vm_type == CCM_OFF ? CCM_SEV_ES_VMSA_INIT2
                                                         : CCM_SEV_ES_VMSA_LEGACY;
    bool kernel_hashes = spec->platform == CCM_GUEST_PLATFORM_SEV_SNP ? spec->snp.kernel_hashes
                                                                      : spec->sev.kernel_hashes;
    if (kernel_hashes) {
        r->kernel = g_strdup(spec->kernel);
        r->initrd = g_strdup(spec->initrd);
        r->append = g_strdup(spec->cmdline);
    }

    g_autoptr(CcmFirmware) fw = NULL;
    if (ccm_firmware_open(plan->firmware->path, &fw, &e) < 0) {
        g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, e.message);
        return FALSE;
    }
    r->firmware_size = ccm_firmware_size(fw);
    r->firmware_gpa = ccm_firmware_gpa(fw);

    if (firmware_digest_only) {
        if (spec->platform != CCM_GUEST_PLATFORM_SEV_SNP) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                        "--output firmware-digest is defined for sev-snp only, not Platform=%s",
                        ccm_guest_platform_to_string(spec->platform));
            return FALSE;
        }
        if (ccm_firmware_snp_digest(fw, r->digest, &e) < 0) {
            g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_MEASURE, e.message);
            return FALSE;
        }
        r->digest_size = CCM_SHA384_SIZE;
        CcmStep step = {
            .kind = CCM_STEP_PAGES,
            .stage = "firmware",
            .detail = r->firmware,
            .gpa = r->firmware_gpa,
            .size = r->firmware_size,
            .n_pages = r->firmware_size / 4096,
            .page_type = CCM_SNP_PAGE_NORMAL,
            .digest = r->digest,
            .digest_size = CCM_SHA384_SIZE,
        };
        ccm_measure_report_add_step(&step, r);
        *ret = g_steal_pointer(&r);
        return TRUE;
    }

    ccm_sev_guest_set_step_callback(guest, ccm_measure_report_add_step, r);
    if (ccm_sev_guest_measure(guest, r->digest, &r->digest_size, &e) < 0) {
        g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_MEASURE, e.message);
        return FALSE;
    }
    *ret = g_steal_pointer(&r);
    return TRUE;
}
