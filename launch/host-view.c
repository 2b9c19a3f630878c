/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-view.c - one view of every TEE platform on this host: the "ccm-host/1" document */
#include <string.h>

#include "hex.h"
#include "host-view.h"
#include "json-document.h"

void ccm_host_view_free(CcmHostView *view)
{
    if (!view)
        return;
    g_free(view->root);
    g_free(view->arch);
    g_free(view->cpu_vendor);
    g_free(view->cpu_error);
    g_free(view->kvm_device);
    ccm_host_sev_free(view->sev);
    ccm_host_tdx_free(view->tdx);
    ccm_host_cca_free(view->cca);
    g_free(view);
}

CcmHostView *ccm_host_view_read(CcmHostProbe *probe, GError **error)
{
    g_autoptr(CcmHostView) view = g_new0(CcmHostView, 1);
    const CcmHostCpu *cpu = ccm_host_probe_cpu(probe);

    view->root = g_strdup(ccm_host_probe_root(probe));
    view->recorded = ccm_host_probe_is_recorded(probe);
    view->arch = g_strdup(ccm_host_probe_arch(probe));
    view->cpu_vendor = g_strdup(cpu->vendor_name);
    view->cpu_family = cpu->family;
    view->cpu_model = cpu->model;
    view->cpu_error = g_strdup(cpu->error);
    view->kvm_device = ccm_host_probe_path(probe, "dev/kvm");
    view->kvm_exists = g_file_test(view->kvm_device, G_FILE_TEST_EXISTS);
    view->sev = ccm_host_sev_read(probe, error);
    if (!view->sev)
        return NULL;
    view->tdx = ccm_host_tdx_read(probe);
    view->cca = ccm_host_cca_read(probe);
    return g_steal_pointer(&view);
}

bool ccm_host_view_tee_present(const CcmHostView *view)
{
    return view->sev->present || view->tdx->present || view->cca->present;
}

/* "AMD SEV-SNP" when SNP answers and is initialised, else "AMD SEV" (and -ES when
 * CONFIG.ES says so). */
static const char *sev_level(const CcmHostSev *sev)
{
    if (sev->have_snp && sev->snp.state == 1)
        return "AMD SEV-SNP";
    if (sev->status.flags & 0x100)
        return "AMD SEV-ES";
    return "AMD SEV";
}

char *ccm_host_view_summary(const CcmHostView *view)
{
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);

    if (ccm_host_view_tee_present(view)) {
        if (view->sev->present)
            g_ptr_array_add(parts, g_strdup(sev_level(view->sev)));
        if (view->tdx->present)
            g_ptr_array_add(parts, g_strdup("Intel TDX"));
        if (view->cca->present)
            g_ptr_array_add(parts, g_strdup("Arm CCA"));
        g_ptr_array_add(parts, NULL);
        g_autofree char *list = g_strjoinv(", ", (char **) parts->pdata);
        return g_strdup_printf("TEE present: %s", list);
    }
    g_ptr_array_add(parts, g_strdup_printf("not an AMD SEV host: %s", view->sev->absent));
    g_ptr_array_add(parts, g_strdup_printf("not an Intel TDX host: %s", view->tdx->absent));
    g_ptr_array_add(parts, g_strdup_printf("Arm CCA: %s", view->cca->absent));
    g_ptr_array_add(parts, NULL);
    g_autofree char *list = g_strjoinv("; ", (char **) parts->pdata);
    return g_strdup_printf("no TEE present: %s", list);
}

json_object *ccm_host_view_to_json(const CcmHostView *view)
{
    json_object *o = json_object_new_object();
    json_object *cpu = json_object_new_object();
    json_object *kvm = json_object_new_object();
    g_autofree char *summary = ccm_host_view_summary(view);

    json_object_object_add(o, "root", json_object_new_string(view->root));
    json_object_object_add(o, "recorded", json_object_new_boolean(view->recorded));
    json_object_object_add(o, "arch", json_object_new_string(view->arch));
    json_object_object_add(cpu, "vendor",
                           view->cpu_vendor ? json_object_new_string(view->cpu_vendor) : NULL);
    json_object_object_add(cpu, "family",
                           view->cpu_family >= 0 ? json_object_new_int(view->cpu_family) : NULL);
    json_object_object_add(cpu, "model",
                           view->cpu_model >= 0 ? json_object_new_int(view->cpu_model) : NULL);
    json_object_object_add(cpu, "error",
                           view->cpu_error ? json_object_new_string(view->cpu_error) : NULL);
    json_object_object_add(o, "cpu", cpu);
    json_object_object_add(kvm, "device", json_object_new_string(view->kvm_device));
    json_object_object_add(kvm, "exists", json_object_new_boolean(view->kvm_exists));
    json_object_object_add(o, "kvm", kvm);
    json_object_object_add(o, "tee_present",
                           json_object_new_boolean(ccm_host_view_tee_present(view)));
    json_object_object_add(o, "summary", json_object_new_string(summary));
    json_object_object_add(o, "sev", ccm_host_sev_to_json(view->sev));
    json_object_object_add(o, "tdx", ccm_host_tdx_to_json(view->tdx));
    json_object_object_add(o, "cca", ccm_host_cca_to_json(view->cca));
    return ccm_json_document("ccm-host/1", o);
}

/* ---- text ------------------------------------------------------------------------------ */

static void line(GString *s, const char *key, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void line(GString *s, const char *key, const char *format, ...)
{
    va_list ap;
    g_string_append_printf(s, "  %-22s ", key);
    va_start(ap, format);
    g_string_append_vprintf(s, format, ap);
    va_end(ap);
    g_string_append_c(s, '\n');
}

static const char *or_absent(const char *value)
{
    return value ? value : "(absent)";
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

static void sev_text(GString *s, const CcmHostSev *sev)
{
    g_string_append_printf(s, "\nAMD SEV: %s\n", sev->present ? "present" : sev->absent);
    if (!sev->amd)
        return;
    line(s, "CPU flags", "sme %s, sev %s, sev_es %s, sev_snp %s", yes_no(sev->cpu_sme),
         yes_no(sev->cpu_sev), yes_no(sev->cpu_sev_es), yes_no(sev->cpu_sev_snp));
    line(s, "kvm_amd", "sev=%s sev_es=%s sev_snp=%s", or_absent(sev->kvm_sev),
         or_absent(sev->kvm_sev_es), or_absent(sev->kvm_sev_snp));
    line(s, "device", "%s %s", sev->device, sev->device_exists ? "exists" : "is missing");
    if (sev->have_status) {
        const CcmSevPlatformStatus *p = &sev->status;
        const char *state = ccm_sev_state_to_string(p->state, false);
        line(s, "SEV firmware", "API %u.%u build %u", p->api_major, p->api_minor, p->build);
        line(s, "SEV state", "%s, %s-owned, CONFIG.ES %s, %u guests",
             state ? state : "unknown", p->flags & 1 ? "externally" : "self",
             yes_no(p->flags & 0x100), p->guest_count);
    } else if (sev->status_error) {
        line(s, "SEV platform status", "%s", sev->status_error);
    }
    if (sev->have_snp) {
        const CcmSnpPlatformStatus *p = &sev->snp;
        const char *state = ccm_sev_state_to_string(p->state, true);
        g_autofree char *current = ccm_snp_tcb_to_text(&sev->current_tcb);
        g_autofree char *reported = ccm_snp_tcb_to_text(&sev->reported_tcb);
        line(s, "SNP firmware", "API %u.%u build id %u", p->api_major, p->api_minor,
             p->build_id);
        line(s, "SNP state", "%s, RMP %sinitialised, %u guests", state ? state : "unknown",
             p->rmp_initialized ? "" : "not ", p->guest_count);
        line(s, "SNP config", "mask_chip_id %s, mask_chip_key %s, vlek_en %s",
             yes_no(p->mask_chip_id), yes_no(p->mask_chip_key), yes_no(p->vlek_en));
        line(s, "generation", "%s",
             ccm_snp_generation_to_string(sev->generation)
                 ? ccm_snp_generation_to_string(sev->generation)
                 : "unknown (TCB read as Milan's layout)");
        line(s, "current TCB", "0x%016" G_GINT64_MODIFIER "x (%s)", sev->current_tcb.raw,
             current);
        line(s, "reported TCB", "0x%016" G_GINT64_MODIFIER "x (%s)", sev->reported_tcb.raw,
             reported);
    } else if (sev->snp_error) {
        line(s, "SNP platform status", "%s", sev->snp_error);
    }
    if (sev->chip_ids) {
        g_autofree char *id = ccm_hex_encode(sev->chip_id, CCM_SNP_CHIP_ID_SIZE);
        line(s, "chip ID", "%s", id);
    } else if (sev->chip_id_error) {
        line(s, "chip ID", "%s", sev->chip_id_error);
    }
    if (sev->vcek_url)
        line(s, "VCEK", "%s", sev->vcek_url);
    if (sev->cert_chain_url)
        line(s, "ASK and ARK", "%s", sev->cert_chain_url);
}

static void tdx_text(GString *s, const CcmHostTdx *tdx)
{
    g_string_append_printf(s, "\nIntel TDX: %s\n", tdx->present ? "present" : tdx->absent);
    if (!tdx->intel)
        return;
    line(s, "CPU flags", "tdx_host_platform %s, tdx_guest %s", yes_no(tdx->cpu_tdx_host),
         yes_no(tdx->cpu_tdx_guest));
    line(s, "kvm_intel", "tdx=%s", or_absent(tdx->kvm_tdx));
    if (tdx->module_source) {
        line(s, "TDX module", "%s (from %s)", tdx->version ? tdx->version : "version unknown",
             tdx->module_source);
        if (tdx->status)
            line(s, "module status", "%s", tdx->status);
        if (tdx->attributes)
            line(s, "module attributes", "%s", tdx->attributes);
        if (tdx->vendor_id)
            line(s, "module vendor", "%s", tdx->vendor_id);
        if (tdx->build_date || tdx->build_num)
            line(s, "module build", "%s, number %s", or_absent(tdx->build_date),
                 or_absent(tdx->build_num));
        if (tdx->seamldr_version)
            line(s, "P-SEAMLDR", "%s, %s updates left", tdx->seamldr_version,
                 or_absent(tdx->num_remaining_updates));
    } else {
        line(s, "TDX module", "not described in sysfs");
    }
    if (tdx->qgs_socket_reachable)
        line(s, "QGS", "%s answers", tdx->qgs_socket);
    else if (tdx->qgs_vsock_reachable)
        line(s, "QGS", "vsock port %d answers", CCM_TDX_QGS_VSOCK_PORT);
    else
        line(s, "QGS", "%s", tdx->qgs_error);
}

char *ccm_host_view_to_text(const CcmHostView *view)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_autofree char *summary = ccm_host_view_summary(view);

    g_string_append_printf(s, "%s\n\n", summary);
    g_string_append_printf(s, "host: %s%s, %s, CPU %s", view->root,
                           view->recorded ? " (recorded)" : "", view->arch,
                           view->cpu_vendor ? view->cpu_vendor : "of unknown vendor");
    if (view->cpu_family >= 0)
        g_string_append_printf(s, " family 0x%x model 0x%x", view->cpu_family,
                               MAX(view->cpu_model, 0));
    g_string_append_printf(s, ", %s %s\n", view->kvm_device,
                           view->kvm_exists ? "exists" : "is missing");
    sev_text(s, view->sev);
    tdx_text(s, view->tdx);
    g_string_append_printf(s, "\nArm CCA: %s\n", view->cca->present ? "present"
                                                                     : view->cca->absent);
    return g_string_free(g_steal_pointer(&s), FALSE);
}
