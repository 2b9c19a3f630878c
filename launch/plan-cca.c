/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan-cca.c - the Arm CCA realm of a Platform=cca plan, for the measurement engine
 *
 * `ccmctl measure realm.guest` and ccmd's registration both read a realm's inputs here,
 * so the RIM they compute is the one of the realm qemu-argv.c launches (the same
 * firmware, DTB, PMU and SVE).
 */
#include <string.h>

#include <gio/gio.h>

#include "ccm/measure-autoptr.h"
#include "plan-cca.h"

void ccm_plan_cca_clear(CcmPlanCca *cca)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cca->files); i++)
        g_clear_pointer(&cca->files[i], g_mapped_file_unref);
    cca->config = (CcmCcaVmmConfig) { 0 };
}

static gboolean spec_error(GError **error, const CcmGuestSpec *spec, const char *section,
                           const char *key, const char *problem)
{
    g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s: [%s] %s= %s", spec->path,
                section, key, problem);
    return FALSE;
}

static gboolean map(const char *path, const char *key, GMappedFile **ret_file,
                    CcmCcaBlob *ret_blob, GError **error)
{
    if (!path)
        return TRUE;
    g_autoptr(GError) e = NULL;
    g_autoptr(GMappedFile) f = g_mapped_file_new(path, FALSE, &e);
    if (!f) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s=: %s", key,
                    e->message);
        return FALSE;
    }
    if (g_mapped_file_get_length(f) == 0) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s=: %s: the file is empty", key, path);
        return FALSE;
    }
    *ret_blob = (CcmCcaBlob) { .data = g_mapped_file_get_contents(f),
                               .size = g_mapped_file_get_length(f),
                               .name = path };
    *ret_file = g_steal_pointer(&f);
    return TRUE;
}

gboolean ccm_plan_cca_inputs(const CcmLaunchPlan *plan, CcmPlanCca *ret, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    *ret = (CcmPlanCca) { 0 };
    if (spec->platform != CCM_GUEST_PLATFORM_CCA)
        return spec_error(error, spec, "Guest", "Platform", "is not cca");
    if (!spec->cca.rmm)
        return spec_error(error, spec, "CCA", "RMM",
                          "is needed to measure a realm: 1.0 (RTT_INIT_RIPAS measured) or 2.0, "
                          "the RMM generation of the host");
    if (!spec->cca.dtb)
        return spec_error(error, spec, "CCA", "DTB",
                          "is needed to measure a realm: the device tree is loaded into realm "
                          "memory and measured; generate it once (QEMU -machine "
                          "dumpdtb=FILE) and name it here, the launch passes the same file "
                          "with -dtb");
    if (plan->firmware && plan->firmware->flash)
        return spec_error(error, spec, "Guest", "Firmware",
                          "is needed: a realm's firmware is measured when QEMU loads it with "
                          "-bios, and this plan chose a pflash descriptor");

    CcmCcaVmmConfig *c = &ret->config;
    c->vmm = CCM_CCA_VMM_QEMU;
    c->rmm = (CcmCcaRmm) ccm_cca_rmm_from_string(spec->cca.rmm);
    c->memory = spec->memory;
    c->vcpus = spec->vcpus;
    c->host_page_size = spec->cca.host_page_size ? spec->cca.host_page_size : 4096;
    c->measurement_log = spec->cca.measurement_log;
    CcmCcaRealmParams *p = &c->params;
    p->hash = spec->cca.measurement_algorithm
                  ? (CcmCcaHash) ccm_cca_hash_from_string(spec->cca.measurement_algorithm)
                  : ccm_cca_vmm_default_hash(c->vmm, c->rmm);
    p->s2sz = spec->cca.ipa_bits ? spec->cca.ipa_bits
                                 : ccm_cca_vmm_default_s2sz(c->vmm, spec->memory);
    if (p->s2sz == 0)
        return spec_error(error, spec, "CCA", "IPABits",
                          "is needed: the RAM is too large for the QEMU memory map model");
    p->num_bps = (spec->cca.breakpoints ? spec->cca.breakpoints : CCM_CCA_DEFAULT_BREAKPOINTS) - 1;
    p->num_wps = (spec->cca.watchpoints ? spec->cca.watchpoints : CCM_CCA_DEFAULT_WATCHPOINTS) - 1;
    if (spec->cca.lpa2)
        p->flags |= CCM_CCA_FLAG_LPA2;
    if (spec->cca.pmu_counters) {
        p->flags |= CCM_CCA_FLAG_PMU;
        p->pmu_num_ctrs = spec->cca.pmu_counters;
    }
    if (spec->cca.sve_vector_length) {
        p->flags |= CCM_CCA_FLAG_SVE;
        p->sve_vl = spec->cca.sve_vector_length / 128 - 1;
    }
    const char *firmware = plan->firmware ? plan->firmware->path : NULL;
    if (!map(firmware, "Firmware", &ret->files[0], &c->firmware, error) ||
        !map(spec->kernel, "Kernel", &ret->files[1], &c->kernel, error) ||
        !map(spec->initrd, "Initrd", &ret->files[2], &c->initrd, error) ||
        !map(spec->cca.dtb, "DTB", &ret->files[3], &c->dtb, error)) {
        ccm_plan_cca_clear(ret);
        return FALSE;
    }
    return TRUE;
}
