/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * expectation-sev.c - the expectation of a SEV, SEV-ES or SEV-SNP guest
 *
 * One value: the launch digest (SEV-SNP: MEASUREMENT; SEV, SEV-ES: the LD that QEMU's
 * query-sev-launch-measure is an HMAC of), or with CCM_EXPECTATION_FIRMWARE_DIGEST the
 * SEV-SNP digest after the firmware pages. Every step is kept in a CcmSevReport, which
 * also renders the JSON and the explanation. A plan's inputs come through
 * ccm_plan_sev_guest(), the same mapping the QEMU renderer relies on; a request's come
 * from `ccmctl measure` options or a batch line.
 */
#include <errno.h>

#include "ccm/measure-autoptr.h"
#include "expectation-engine.h"
#include "expectation-sev.h"
#include "plan-sev.h"

static CcmGuestPlatform guest_platform(CcmPlatform platform)
{
    switch (platform) {
    case CCM_PLATFORM_SEV:
        return CCM_GUEST_PLATFORM_SEV;
    case CCM_PLATFORM_SEV_ES:
        return CCM_GUEST_PLATFORM_SEV_ES;
    case CCM_PLATFORM_SEV_SNP:
        break;
    }
    return CCM_GUEST_PLATFORM_SEV_SNP;
}

/* The report's digest becomes the expectation's one value. */
static void add_digest(CcmExpectation *e, const CcmSevReport *r)
{
    ccm_expectation_add_value(e, r->firmware_digest_only ? "firmware-digest" : "measurement",
                              r->digest, r->digest_size, true);
}

/* The step that stands for every firmware page when only their digest is asked for. */
static void add_firmware_step(CcmSevReport *r, const char *path)
{
    CcmStep step = {
        .kind = CCM_STEP_PAGES,
        .stage = "firmware",
        .detail = path,
        .gpa = r->firmware_gpa,
        .size = r->firmware_size,
        .n_pages = r->firmware_size / 4096,
        .page_type = CCM_SNP_PAGE_NORMAL,
        .digest = r->digest,
        .digest_size = CCM_SHA384_SIZE,
    };
    ccm_sev_report_add_step(&step, r);
}

static gboolean from_plan(const CcmLaunchPlan *plan, CcmExpectationFlags flags,
                          CcmExpectation *e, GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    bool firmware_digest_only = flags & CCM_EXPECTATION_FIRMWARE_DIGEST;
    CcmError err = { 0 };

    g_autoptr(CcmSevGuest) guest = ccm_plan_sev_guest(plan, error);
    if (!guest)
        return FALSE;

    g_autoptr(CcmSevReport) r = ccm_sev_report_new();
    r->name = g_strdup(spec->name);
    r->platform = ccm_plan_sev_platform(ccm_guest_spec_measured_platform(spec));
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
    if (ccm_plan_sev_kernel_hashes(plan)) {
        r->kernel = g_strdup(spec->kernel);
        r->initrd = g_strdup(spec->initrd);
        r->append = g_strdup(spec->cmdline);
    }

    g_autoptr(CcmFirmware) fw = NULL;
    if (ccm_firmware_open(plan->firmware->path, &fw, &err) < 0) {
        g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, err.message);
        return FALSE;
    }
    r->firmware_size = ccm_firmware_size(fw);
    r->firmware_gpa = ccm_firmware_gpa(fw);

    if (firmware_digest_only) {
        if (ccm_firmware_snp_digest(fw, r->digest, &err) < 0) {
            g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_MEASURE, err.message);
            return FALSE;
        }
        r->digest_size = CCM_SHA384_SIZE;
        add_firmware_step(r, r->firmware);
    } else {
        ccm_sev_guest_set_step_callback(guest, ccm_sev_report_add_step, r);
        if (ccm_sev_guest_measure(guest, r->digest, &r->digest_size, &err) < 0) {
            g_set_error_literal(error, CCM_LAUNCH_ERROR,
                                err.code == -EINVAL ? CCM_LAUNCH_ERROR_INPUT
                                                    : CCM_LAUNCH_ERROR_MEASURE,
                                err.message);
            return FALSE;
        }
    }
    add_digest(e, r);
    e->sev = g_steal_pointer(&r);
    return TRUE;
}

/* ---- from options ------------------------------------------------------------------ */

static CcmSevReport *report_from_request(const CcmSevRequest *req, CcmFirmware *fw,
                                         bool firmware_digest_only)
{
    CcmSevReport *r = ccm_sev_report_new();

    r->name = g_strdup(req->name);
    r->platform = (CcmPlatform) req->platform;
    r->vmm = req->vmm < 0 ? CCM_VMM_QEMU : (CcmVmm) req->vmm;
    r->firmware_digest_only = firmware_digest_only;
    r->firmware = g_strdup(req->firmware);
    r->firmware_size = ccm_firmware_size(fw);
    r->firmware_gpa = ccm_firmware_gpa(fw);
    r->vcpus = req->vcpus;
    r->cpu = g_strdup(req->cpu);
    r->vcpu_sig_set = req->vcpu_sig_set || req->cpu;
    r->guest_features = req->guest_features_set ? req->guest_features : 0x1;
    r->sev_es_vmsa = req->sev_es_vmsa < 0 ? CCM_SEV_ES_VMSA_LEGACY
                                          : (CcmSevEsVmsa) req->sev_es_vmsa;
    r->kernel = g_strdup(req->kernel);
    r->initrd = g_strdup(req->initrd);
    r->append = g_strdup(req->append);
    r->seeded = req->firmware_digest_set;
    return r;
}

static gpointer usage_error(GError **error, const char *message)
{
    g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, message);
    return NULL;
}

/* The guest @req describes, its inputs set from @req and @cache. */
static CcmSevGuest *request_guest(const CcmSevRequest *req, CcmFirmware *fw,
                                  CcmSevCache *cache, CcmSevReport *report, GError **error)
{
    g_autoptr(CcmSevGuest) guest = NULL;
    if (ccm_sev_guest_new((CcmPlatform) req->platform, &guest) < 0)
        return usage_error(error, "cannot create the guest");
    (void) ccm_sev_guest_set_firmware(guest, fw);
    if (req->vmm >= 0)
        (void) ccm_sev_guest_set_vmm(guest, (CcmVmm) req->vmm);
    if (req->vcpus)
        (void) ccm_sev_guest_set_vcpus(guest, req->vcpus);
    if (req->cpu) {
        uint32_t sig = 0;
        (void) ccm_vcpu_signature_from_model(req->cpu, &sig); /* checked when set */
        (void) ccm_sev_guest_set_vcpu_signature(guest, sig);
        report->vcpu_sig = sig;
    } else if (req->vcpu_sig_set) {
        (void) ccm_sev_guest_set_vcpu_signature(guest, req->vcpu_sig);
        report->vcpu_sig = req->vcpu_sig;
    }
    if (req->guest_features_set)
        (void) ccm_sev_guest_set_guest_features(guest, req->guest_features);
    if (req->sev_es_vmsa >= 0)
        (void) ccm_sev_guest_set_sev_es_vmsa(guest, (CcmSevEsVmsa) req->sev_es_vmsa);
    if (req->firmware_digest_set)
        (void) ccm_sev_guest_set_firmware_digest(guest, req->firmware_digest, CCM_SHA384_SIZE);
    if (req->append)
        (void) ccm_sev_guest_set_cmdline(guest, req->append);
    if ((req->initrd || req->append) && !req->kernel)
        return usage_error(error, "--initrd and --append are measured only with --kernel "
                                  "(measured direct boot)");
    if (req->kernel) {
        uint8_t sha[CCM_SHA256_SIZE];
        if (!ccm_sev_cache_sha256(cache, req->kernel, "kernel", sha, error))
            return NULL;
        (void) ccm_sev_guest_set_kernel_sha256(guest, req->kernel, sha);
    }
    if (req->initrd) {
        uint8_t sha[CCM_SHA256_SIZE];
        if (!ccm_sev_cache_sha256(cache, req->initrd, "initrd", sha, error))
            return NULL;
        (void) ccm_sev_guest_set_initrd_sha256(guest, req->initrd, sha);
    }
    return g_steal_pointer(&guest);
}

CcmExpectation *ccm_expectation_new_sev(const CcmSevRequest *req, CcmSevCache *cache,
                                        CcmExpectationFlags flags, GError **error)
{
    g_autoptr(CcmSevCache) own_cache = NULL;
    bool firmware_digest_only = flags & CCM_EXPECTATION_FIRMWARE_DIGEST;
    CcmError err = { 0 };

    if (req->platform < 0)
        return usage_error(error, "no platform given: expected --platform sev-snp, sev-es or sev");
    if (!req->firmware)
        return usage_error(error, "no firmware given: expected --firmware PATH");
    if (firmware_digest_only && req->platform != CCM_PLATFORM_SEV_SNP)
        return usage_error(error, "--output firmware-digest is defined for sev-snp only (SEV "
                                  "and SEV-ES hash the firmware with the rest in one SHA-256)");
    if (firmware_digest_only && req->firmware_digest_set)
        return usage_error(error, "--output firmware-digest computes the digest that "
                                  "--firmware-digest supplies; give only one of them");
    if (!cache)
        cache = own_cache = ccm_sev_cache_new();

    g_autoptr(CcmFirmware) fw = ccm_sev_cache_firmware(cache, req->firmware, error);
    if (!fw)
        return NULL;
    g_autoptr(CcmSevReport) report = report_from_request(req, fw, firmware_digest_only);

    if (firmware_digest_only) {
        if (ccm_firmware_snp_digest(fw, report->digest, &err) < 0) {
            ccm_sev_request_error(error, &err);
            return NULL;
        }
        report->digest_size = CCM_SHA384_SIZE;
        add_firmware_step(report, req->firmware);
    } else {
        g_autoptr(CcmSevGuest) guest = request_guest(req, fw, cache, report, error);
        if (!guest)
            return NULL;
        ccm_sev_guest_set_step_callback(guest, ccm_sev_report_add_step, report);
        if (ccm_sev_guest_measure(guest, report->digest, &report->digest_size, &err) < 0) {
            ccm_sev_request_error(error, &err);
            return NULL;
        }
    }

    g_autoptr(CcmExpectation) e = ccm_expectation_alloc(guest_platform(report->platform),
                                                        &ccm_expectation_sev_engine);
    e->name = g_strdup(req->name);
    add_digest(e, report);
    e->sev = g_steal_pointer(&report);
    ccm_expectation_finish(e);
    return g_steal_pointer(&e);
}

/* ---- the engine's row -------------------------------------------------------------- */

/* Trustee's default policy reads snp_launch_measurement; it has no verifier for SEV and
 * SEV-ES, whose digest goes under ccm's own name. A firmware digest is no reference
 * value. */
static void reference_values(const CcmExpectation *e, GHashTable *out)
{
    const CcmExpectedValue *v = ccm_expectation_value(e, "measurement");
    if (!v)
        return;
    g_autofree char *hex = ccm_hex_encode(v->value, v->size);
    g_hash_table_insert(out,
                        g_strdup(e->platform == CCM_GUEST_PLATFORM_SEV_SNP
                                     ? "snp_launch_measurement"
                                     : "sev_launch_digest"),
                        ccm_expectation_json_list(hex));
}

static json_object *to_json(const CcmExpectation *e)
{
    return ccm_sev_report_to_json(e->sev, true);
}

static void explain(const CcmExpectation *e, GString *out)
{
    ccm_sev_report_explain(e->sev, out);
}

static void free_detail(CcmExpectation *e)
{
    g_clear_pointer(&e->sev, ccm_sev_report_free);
}

const CcmExpectationEngine ccm_expectation_sev_engine = {
    .from_plan = from_plan,
    .reference_values = reference_values,
    .to_json = to_json,
    .explain = explain,
    .free_detail = free_detail,
};
