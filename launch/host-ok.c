/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-ok.c - `ccmctl host ok`: is this host's TEE set up to run guests, check by check
 *
 * The checks a host administrator runs before launching SEV-SNP guests: the CPU
 * advertises SEV, SEV-ES and SEV-SNP; kvm_amd enables them; /dev/sev answers; the SNP
 * firmware is recent enough, initialised, with its RMP set up; SYSCFG enables memory
 * encryption, SNP and VMPLs (when the MSR can be read: root and the msr module). TDX and
 * CCA get the checks their views allow. Each row passes, fails or is skipped (could not
 * be checked here, which fails nothing); the host is ok when no required row failed.
 */
#include "host-ok.h"
#include "json-document.h"

void ccm_host_ok_free(CcmHostOk *ok)
{
    if (!ok)
        return;
    g_ptr_array_unref(ok->rows);
    g_free(ok);
}

static void row_free(gpointer p)
{
    CcmHostOkRow *r = p;
    g_free(r->id);
    g_free(r->title);
    g_free(r->reason);
    g_free(r);
}

static void add(CcmHostOk *ok, const char *id, const char *title, CcmCheckStatus status,
                bool required, const char *format, ...) G_GNUC_PRINTF(6, 7);

static void add(CcmHostOk *ok, const char *id, const char *title, CcmCheckStatus status,
                bool required, const char *format, ...)
{
    CcmHostOkRow *r = g_new0(CcmHostOkRow, 1);
    va_list ap;

    va_start(ap, format);
    r->reason = g_strdup_vprintf(format, ap);
    va_end(ap);
    r->id = g_strdup(id);
    r->title = g_strdup(title);
    r->status = status;
    r->required = required;
    if (required && status == CCM_CHECK_FAIL)
        ok->ok = false;
    g_ptr_array_add(ok->rows, r);
}

static CcmCheckStatus pass_if(bool b)
{
    return b ? CCM_CHECK_PASS : CCM_CHECK_FAIL;
}

static void check_flag(CcmHostOk *ok, const char *id, const char *flag, bool has, bool required)
{
    g_autofree char *title = g_strdup_printf("CPU flag %s", flag);
    add(ok, id, title, pass_if(has), required, "/proc/cpuinfo %s %s", has ? "lists" : "lacks",
        flag);
}

static void check_param(CcmHostOk *ok, const char *id, const char *module, const char *name,
                        const char *value)
{
    g_autofree char *title = g_strdup_printf("%s.%s", module, name);
    if (!value)
        add(ok, id, title, CCM_CHECK_FAIL, true, "%s is not loaded or has no '%s' parameter",
            module, name);
    else
        add(ok, id, title, pass_if(ccm_host_param_on(value)), true, "%s.%s=%s", module, name,
            value);
}

static void check_syscfg(CcmHostOk *ok, CcmHostProbe *probe)
{
    static const struct {
        const char *id, *title, *what;
        uint64_t bit;
    } bits[] = {
        { "syscfg-mem-encrypt", "SYSCFG memory encryption", "MemEncryptionModEn (bit 23)",
          CCM_SYSCFG_MEM_ENCRYPT },
        { "syscfg-snp", "SYSCFG SNP enabled", "SNPEn (bit 24)", CCM_SYSCFG_SNP_EN },
        { "syscfg-vmpl", "SYSCFG VMPLs enabled", "VMPLEn (bit 25)", CCM_SYSCFG_VMPL_EN },
    };
    g_autoptr(GError) error = NULL;
    uint64_t syscfg = 0;
    bool have = ccm_host_probe_read_msr(probe, CCM_MSR_SYSCFG, &syscfg, &error);

    for (size_t i = 0; i < G_N_ELEMENTS(bits); i++) {
        if (!have)
            add(ok, bits[i].id, bits[i].title, CCM_CHECK_SKIP, true, "%s", error->message);
        else
            add(ok, bits[i].id, bits[i].title, pass_if(syscfg & bits[i].bit), true,
                "SYSCFG 0x%016" G_GINT64_MODIFIER "x: %s %s", syscfg, bits[i].what,
                syscfg & bits[i].bit ? "set" : "clear");
    }
}

static void check_sev(CcmHostOk *ok, CcmHostProbe *probe, const CcmHostSev *sev,
                      const char *vendor)
{
    add(ok, "amd-cpu", "AMD CPU", pass_if(sev->amd_known), true, "%s",
        vendor ? vendor : "vendor unknown");
    check_flag(ok, "cpu-sme", "sme", sev->cpu_sme, false);
    check_flag(ok, "cpu-sev", "sev", sev->cpu_sev, true);
    check_flag(ok, "cpu-sev-es", "sev_es", sev->cpu_sev_es, true);
    check_flag(ok, "cpu-sev-snp", "sev_snp", sev->cpu_sev_snp, true);
    check_param(ok, "kvm-sev", "kvm_amd", "sev", sev->kvm_sev);
    check_param(ok, "kvm-sev-es", "kvm_amd", "sev_es", sev->kvm_sev_es);
    check_param(ok, "kvm-sev-snp", "kvm_amd", "sev_snp", sev->kvm_sev_snp);

    if (sev->have_status)
        add(ok, "sev-device", "/dev/sev", CCM_CHECK_PASS, true,
            "%s answers SEV_PLATFORM_STATUS: API %u.%u build %u", sev->device,
            sev->status.api_major, sev->status.api_minor, sev->status.build);
    else
        add(ok, "sev-device", "/dev/sev", CCM_CHECK_FAIL, true, "%s",
            sev->device_exists ? sev->status_error : "no such device (ccp not loaded, or SEV "
                                                     "off in the firmware setup)");

    if (!sev->have_snp) {
        const char *why = sev->snp_error ? sev->snp_error : "no /dev/sev to ask";
        add(ok, "snp-status", "SNP platform status", CCM_CHECK_FAIL, true, "%s", why);
        add(ok, "snp-firmware", "SNP firmware version", CCM_CHECK_SKIP, true,
            "no SNP platform status");
        add(ok, "snp-init", "SNP initialised", CCM_CHECK_SKIP, true, "no SNP platform status");
        add(ok, "snp-rmp", "RMP initialised", CCM_CHECK_SKIP, true, "no SNP platform status");
        add(ok, "snp-reported-tcb", "reported TCB", CCM_CHECK_SKIP, false,
            "no SNP platform status");
    } else {
        const CcmSnpPlatformStatus *s = &sev->snp;
        bool recent = s->api_major > CCM_SNP_MIN_API_MAJOR ||
                      (s->api_major == CCM_SNP_MIN_API_MAJOR &&
                       s->api_minor >= CCM_SNP_MIN_API_MINOR);
        g_autofree char *current = ccm_snp_tcb_to_text(&sev->current_tcb);
        g_autofree char *reported = ccm_snp_tcb_to_text(&sev->reported_tcb);

        add(ok, "snp-status", "SNP platform status", CCM_CHECK_PASS, true,
            "SNP_PLATFORM_STATUS answers");
        add(ok, "snp-firmware", "SNP firmware version", pass_if(recent), true,
            "API %u.%u build id %u, %s %d.%d", s->api_major, s->api_minor, s->build_id,
            recent ? "at least" : "older than", CCM_SNP_MIN_API_MAJOR, CCM_SNP_MIN_API_MINOR);
        add(ok, "snp-init", "SNP initialised", pass_if(s->state == 1), true, "SNP state %u (%s)",
            s->state, s->state == 1 ? "initialized" : "SNP_INIT has not run");
        add(ok, "snp-rmp", "RMP initialised", pass_if(s->rmp_initialized), true,
            "is_rmp_initialized %u", s->rmp_initialized);
        add(ok, "snp-reported-tcb", "reported TCB", pass_if(s->reported_tcb == s->current_tcb),
            false, "reported %s, current %s%s", reported, current,
            s->reported_tcb == s->current_tcb
                ? ""
                : ": guests' reports name another TCB than the one running (SNP_SET_CONFIG)");
    }
    check_syscfg(ok, probe);
    if (sev->chip_ids)
        add(ok, "chip-id", "chip ID", CCM_CHECK_PASS, false,
            "SEV_GET_ID2 answers %zu chip ID(s)", sev->chip_ids);
    else
        add(ok, "chip-id", "chip ID", sev->have_status ? CCM_CHECK_FAIL : CCM_CHECK_SKIP, false,
            "%s", sev->chip_id_error ? sev->chip_id_error : "not asked");
}

static void check_tdx(CcmHostOk *ok, const CcmHostTdx *tdx, const char *vendor)
{
    add(ok, "intel-cpu", "Intel CPU", pass_if(tdx->intel_known), true, "%s",
        vendor ? vendor : "vendor unknown");
    check_flag(ok, "cpu-tdx-host", "tdx_host_platform", tdx->cpu_tdx_host, true);
    check_param(ok, "kvm-tdx", "kvm_intel", "tdx", tdx->kvm_tdx);
    if (!tdx->module_source)
        add(ok, "tdx-module", "TDX module", CCM_CHECK_FAIL, true, "not described in sysfs");
    else if (tdx->status && g_ascii_strcasecmp(tdx->status, "initialized") != 0)
        add(ok, "tdx-module", "TDX module", CCM_CHECK_FAIL, true, "status '%s'", tdx->status);
    else
        add(ok, "tdx-module", "TDX module", CCM_CHECK_PASS, true, "version %s",
            tdx->version ? tdx->version : "unknown");
    if (tdx->qgs_socket_reachable)
        add(ok, "tdx-qgs", "quote generation service", CCM_CHECK_PASS, false, "%s answers",
            tdx->qgs_socket);
    else if (tdx->qgs_vsock_reachable)
        add(ok, "tdx-qgs", "quote generation service", CCM_CHECK_PASS, false,
            "vsock port %d answers", CCM_TDX_QGS_VSOCK_PORT);
    else
        add(ok, "tdx-qgs", "quote generation service", CCM_CHECK_FAIL, false, "%s",
            tdx->qgs_error);
}

unsigned ccm_host_ok_default_platforms(const CcmHostView *view)
{
    if (view->cca->arm)
        return CCM_HOST_OK_CCA;
    if (view->sev->amd && !view->tdx->intel)
        return CCM_HOST_OK_SEV;
    if (view->tdx->intel && !view->sev->amd)
        return CCM_HOST_OK_TDX;
    return CCM_HOST_OK_SEV | CCM_HOST_OK_TDX;
}

CcmHostOk *ccm_host_ok_run(CcmHostProbe *probe, const CcmHostView *view, unsigned platforms)
{
    CcmHostOk *ok = g_new0(CcmHostOk, 1);

    ok->rows = g_ptr_array_new_with_free_func(row_free);
    ok->platforms = platforms;
    ok->ok = true;
    if (platforms & CCM_HOST_OK_SEV)
        check_sev(ok, probe, view->sev, view->cpu_vendor);
    if (platforms & CCM_HOST_OK_TDX)
        check_tdx(ok, view->tdx, view->cpu_vendor);
    if (platforms & CCM_HOST_OK_CCA)
        add(ok, "arm-cca", "Arm CCA", CCM_CHECK_FAIL, true, "%s", view->cca->absent);
    return ok;
}

json_object *ccm_host_ok_to_json(const CcmHostOk *ok)
{
    json_object *o = json_object_new_object();
    json_object *platforms = json_object_new_array();
    json_object *checks = json_object_new_array();

    if (ok->platforms & CCM_HOST_OK_SEV)
        json_object_array_add(platforms, json_object_new_string("sev"));
    if (ok->platforms & CCM_HOST_OK_TDX)
        json_object_array_add(platforms, json_object_new_string("tdx"));
    if (ok->platforms & CCM_HOST_OK_CCA)
        json_object_array_add(platforms, json_object_new_string("cca"));
    for (guint i = 0; i < ok->rows->len; i++) {
        const CcmHostOkRow *r = ok->rows->pdata[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "id", json_object_new_string(r->id));
        json_object_object_add(j, "title", json_object_new_string(r->title));
        json_object_object_add(j, "status",
                               json_object_new_string(ccm_check_status_to_string(r->status)));
        json_object_object_add(j, "required", json_object_new_boolean(r->required));
        json_object_object_add(j, "reason", json_object_new_string(r->reason));
        json_object_array_add(checks, j);
    }
    json_object_object_add(o, "ok", json_object_new_boolean(ok->ok));
    json_object_object_add(o, "platforms", platforms);
    json_object_object_add(o, "checks", checks);
    return ccm_json_document("ccm-host-ok/1", o);
}
