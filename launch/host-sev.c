/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-sev.c - this host's AMD SEV, SEV-ES and SEV-SNP state, read through the host probe
 *
 * Reads the CPU flags and kvm_amd parameters, then asks the PSP firmware through
 * /dev/sev: SEV_PLATFORM_STATUS (API version, build, state, owner, CONFIG.ES, guests),
 * SNP_PLATFORM_STATUS (SNP state, RMP, build id, chip ID and key masking, VLEK, current
 * and reported TCB) and SEV_GET_ID2 (the chip ID AMD's key server names a VCEK by). The
 * answers are raw bytes in the layouts of the kernel's uapi, decoded here field by field
 * with explicit offsets, so a recorded host is decoded exactly as a live one.
 */
#include <string.h>

#include "hex.h"
#include "host-sev.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
           (uint32_t) p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t) le32(p) | (uint64_t) le32(p + 4) << 32;
}

void ccm_sev_platform_status_decode(const uint8_t data[CCM_SEV_STATUS_SIZE],
                                    CcmSevPlatformStatus *ret)
{
    ret->api_major = data[0];
    ret->api_minor = data[1];
    ret->state = data[2];
    ret->flags = le32(data + 3);
    ret->build = data[7];
    ret->guest_count = le32(data + 8);
}

void ccm_snp_platform_status_decode(const uint8_t data[CCM_SNP_STATUS_SIZE],
                                    CcmSnpPlatformStatus *ret)
{
    ret->api_major = data[0];
    ret->api_minor = data[1];
    ret->state = data[2];
    ret->rmp_initialized = data[3] & 1;
    ret->build_id = le32(data + 4);
    ret->flags = le32(data + 8);
    ret->mask_chip_id = ret->flags & 1;
    ret->mask_chip_key = ret->flags & 2;
    ret->vlek_en = ret->flags & 4;
    ret->guest_count = le32(data + 12);
    ret->current_tcb = le64(data + 16);
    ret->reported_tcb = le64(data + 24);
}

const char *ccm_sev_state_to_string(uint8_t state, bool snp)
{
    static const char *const names[] = { "uninitialized", "initialized", "working" };
    if (state >= (snp ? 2 : 3))
        return NULL;
    return names[state];
}

void ccm_host_sev_free(CcmHostSev *sev)
{
    if (!sev)
        return;
    g_free(sev->absent);
    g_free(sev->kvm_sev);
    g_free(sev->kvm_sev_es);
    g_free(sev->kvm_sev_snp);
    g_free(sev->device);
    g_free(sev->status_error);
    g_free(sev->snp_error);
    g_free(sev->chip_id_error);
    g_free(sev->vcek_url);
    g_free(sev->cert_chain_url);
    g_free(sev);
}

/* A malformed recording stops everything; any other failure is a field's error. */
static gboolean keep_error(GError **from, char **to, GError **error)
{
    if (g_error_matches(*from, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_RECORDING)) {
        g_propagate_error(error, g_steal_pointer(from));
        return FALSE;
    }
    *to = g_strdup((*from)->message);
    g_clear_error(from);
    return TRUE;
}

static gboolean read_firmware(CcmHostSev *sev, CcmHostProbe *probe, GError **error)
{
    g_autoptr(GError) e = NULL;
    uint32_t fw;

    uint8_t status[CCM_SEV_STATUS_SIZE];
    size_t size = sizeof(status);
    if (ccm_host_probe_sev_command(probe, CCM_SEV_PLATFORM_STATUS, status, &size, &fw, &e)) {
        ccm_sev_platform_status_decode(status, &sev->status);
        sev->have_status = true;
    } else if (!keep_error(&e, &sev->status_error, error)) {
        return FALSE;
    }

    uint8_t snp[CCM_SNP_STATUS_SIZE];
    size = sizeof(snp);
    if (ccm_host_probe_sev_command(probe, CCM_SNP_PLATFORM_STATUS, snp, &size, &fw, &e)) {
        ccm_snp_platform_status_decode(snp, &sev->snp);
        sev->have_snp = true;
        sev->current_tcb = ccm_snp_tcb_decode(sev->snp.current_tcb, sev->generation);
        sev->reported_tcb = ccm_snp_tcb_decode(sev->snp.reported_tcb, sev->generation);
    } else if (!keep_error(&e, &sev->snp_error, error)) {
        return FALSE;
    }

    /* One ID per socket; room for two, as the firmware's GET_ID has. */
    uint8_t ids[2 * CCM_SNP_CHIP_ID_SIZE];
    size = sizeof(ids);
    if (ccm_host_probe_sev_command(probe, CCM_SEV_GET_ID2, ids, &size, &fw, &e)) {
        if (size % CCM_SNP_CHIP_ID_SIZE != 0) {
            g_autofree char *msg = g_strdup_printf(
                "SEV_GET_ID2 answered %zu bytes, not a whole number of %d-byte chip IDs", size,
                CCM_SNP_CHIP_ID_SIZE);
            if (ccm_host_probe_is_recorded(probe)) {
                g_set_error(error, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_RECORDING,
                            "recorded host %s: %s", ccm_host_probe_root(probe), msg);
                return FALSE;
            }
            sev->chip_id_error = g_steal_pointer(&msg);
        } else {
            sev->chip_ids = size / CCM_SNP_CHIP_ID_SIZE;
            memcpy(sev->chip_id, ids, CCM_SNP_CHIP_ID_SIZE);
        }
    } else if (!keep_error(&e, &sev->chip_id_error, error)) {
        return FALSE;
    }
    return TRUE;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Why SEV is absent: every reason found, in one sentence. */
static char *absent_reason(const CcmHostSev *sev, const CcmHostCpu *cpu)
{
    if (!sev->amd)
        return g_strdup_printf("not an AMD CPU (%s)", cpu->vendor_name);
    g_autoptr(GPtrArray) why = g_ptr_array_new_with_free_func(g_free);
    if (!sev->device_exists)
        g_ptr_array_add(why, g_strdup_printf("no %s", sev->device));
    else if (!sev->have_status)
        g_ptr_array_add(why, g_strdup_printf("%s does not answer: %s", sev->device,
                                             sev->status_error));
    if (!sev->cpu_sev)
        g_ptr_array_add(why, g_strdup("CPU flag sev missing"));
    if (!sev->kvm_sev)
        g_ptr_array_add(why, g_strdup("kvm_amd not loaded"));
    else if (!ccm_host_param_on(sev->kvm_sev))
        g_ptr_array_add(why, g_strdup_printf("kvm_amd.sev=%s", sev->kvm_sev));
    g_ptr_array_add(why, NULL);
    return g_strjoinv(", ", (char **) why->pdata);
}

CcmHostSev *ccm_host_sev_read(CcmHostProbe *probe, GError **error)
{
    g_autoptr(CcmHostSev) sev = g_new0(CcmHostSev, 1);
    const CcmHostCpu *cpu = ccm_host_probe_cpu(probe);

    sev->amd_known = cpu->vendor == CCM_CPU_AMD;
    sev->amd = sev->amd_known || cpu->vendor == CCM_CPU_UNKNOWN;
    sev->cpu_sme = ccm_host_cpu_has(cpu, "sme");
    sev->cpu_sev = ccm_host_cpu_has(cpu, "sev");
    sev->cpu_sev_es = ccm_host_cpu_has(cpu, "sev_es");
    sev->cpu_sev_snp = ccm_host_cpu_has(cpu, "sev_snp");
    sev->kvm_sev = ccm_host_probe_module_param(probe, "kvm_amd", "sev");
    sev->kvm_sev_es = ccm_host_probe_module_param(probe, "kvm_amd", "sev_es");
    sev->kvm_sev_snp = ccm_host_probe_module_param(probe, "kvm_amd", "sev_snp");
    sev->device = ccm_host_probe_path(probe, "dev/sev");
    sev->device_exists = g_file_test(sev->device, G_FILE_TEST_EXISTS);
    sev->generation = ccm_snp_generation_from_cpuid(cpu->family, cpu->model);

    if (sev->amd && sev->device_exists && !read_firmware(sev, probe, error))
        return NULL;
    sev->present = sev->have_status;
    if (!sev->present)
        sev->absent = absent_reason(sev, cpu);

    if (sev->chip_ids > 0 && all_zero(sev->chip_id, CCM_SNP_CHIP_ID_SIZE)) {
        sev->chip_ids = 0;
        sev->chip_id_error = g_strdup("the chip ID reads as zeros (MASK_CHIP_ID is set)");
    }
    if (sev->chip_ids > 0 && sev->have_snp)
        sev->vcek_url = ccm_snp_vcek_url(sev->generation, sev->chip_id, &sev->reported_tcb);
    if (sev->have_snp)
        sev->cert_chain_url = ccm_snp_cert_chain_url(sev->generation);
    return g_steal_pointer(&sev);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static json_object *string_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static json_object *version_json(uint8_t major, uint8_t minor)
{
    g_autofree char *v = g_strdup_printf("%u.%u", major, minor);
    return json_object_new_string(v);
}

static json_object *status_json(const CcmSevPlatformStatus *s)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "api_major", json_object_new_int(s->api_major));
    json_object_object_add(o, "api_minor", json_object_new_int(s->api_minor));
    json_object_object_add(o, "api_version", version_json(s->api_major, s->api_minor));
    json_object_object_add(o, "build", json_object_new_int(s->build));
    json_object_object_add(o, "state", json_object_new_int(s->state));
    json_object_object_add(o, "state_name", string_or_null(ccm_sev_state_to_string(s->state,
                                                                                   false)));
    json_object_object_add(o, "owner",
                           json_object_new_string(s->flags & 1 ? "external" : "self"));
    json_object_object_add(o, "config_es", json_object_new_boolean(s->flags & 0x100));
    json_object_object_add(o, "flags", json_object_new_int64(s->flags));
    json_object_object_add(o, "guest_count", json_object_new_int64(s->guest_count));
    return o;
}

static json_object *snp_json(const CcmHostSev *sev)
{
    const CcmSnpPlatformStatus *s = &sev->snp;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "api_major", json_object_new_int(s->api_major));
    json_object_object_add(o, "api_minor", json_object_new_int(s->api_minor));
    json_object_object_add(o, "api_version", version_json(s->api_major, s->api_minor));
    json_object_object_add(o, "build_id", json_object_new_int64(s->build_id));
    json_object_object_add(o, "state", json_object_new_int(s->state));
    json_object_object_add(o, "state_name",
                           string_or_null(ccm_sev_state_to_string(s->state, true)));
    json_object_object_add(o, "rmp_initialized", json_object_new_boolean(s->rmp_initialized));
    json_object_object_add(o, "mask_chip_id", json_object_new_boolean(s->mask_chip_id));
    json_object_object_add(o, "mask_chip_key", json_object_new_boolean(s->mask_chip_key));
    json_object_object_add(o, "vlek_en", json_object_new_boolean(s->vlek_en));
    json_object_object_add(o, "guest_count", json_object_new_int64(s->guest_count));
    json_object_object_add(o, "current_tcb", ccm_snp_tcb_to_json(&sev->current_tcb));
    json_object_object_add(o, "reported_tcb", ccm_snp_tcb_to_json(&sev->reported_tcb));
    /* SNP_PLATFORM_STATUS carries no committed TCB; a guest's attestation report does. */
    json_object_object_add(o, "committed_tcb", NULL);
    return o;
}

json_object *ccm_host_sev_to_json(const CcmHostSev *sev)
{
    json_object *o = json_object_new_object();
    json_object *flags = json_object_new_object();
    json_object *kvm = json_object_new_object();
    json_object *device = json_object_new_object();

    json_object_object_add(o, "present", json_object_new_boolean(sev->present));
    json_object_object_add(o, "absent_reason", string_or_null(sev->absent));
    json_object_object_add(flags, "sme", json_object_new_boolean(sev->cpu_sme));
    json_object_object_add(flags, "sev", json_object_new_boolean(sev->cpu_sev));
    json_object_object_add(flags, "sev_es", json_object_new_boolean(sev->cpu_sev_es));
    json_object_object_add(flags, "sev_snp", json_object_new_boolean(sev->cpu_sev_snp));
    json_object_object_add(o, "cpu_flags", flags);
    json_object_object_add(kvm, "sev", string_or_null(sev->kvm_sev));
    json_object_object_add(kvm, "sev_es", string_or_null(sev->kvm_sev_es));
    json_object_object_add(kvm, "sev_snp", string_or_null(sev->kvm_sev_snp));
    json_object_object_add(o, "kvm_amd", kvm);
    json_object_object_add(device, "path", json_object_new_string(sev->device));
    json_object_object_add(device, "exists", json_object_new_boolean(sev->device_exists));
    json_object_object_add(o, "device", device);
    json_object_object_add(o, "generation",
                           string_or_null(ccm_snp_generation_to_string(sev->generation)));
    json_object_object_add(o, "platform_status",
                           sev->have_status ? status_json(&sev->status) : NULL);
    json_object_object_add(o, "platform_status_error", string_or_null(sev->status_error));
    json_object_object_add(o, "snp", sev->have_snp ? snp_json(sev) : NULL);
    json_object_object_add(o, "snp_error", string_or_null(sev->snp_error));
    g_autofree char *chip_id = sev->chip_ids ? ccm_hex_encode(sev->chip_id,
                                                              CCM_SNP_CHIP_ID_SIZE)
                                             : NULL;
    json_object_object_add(o, "chip_id", string_or_null(chip_id));
    json_object_object_add(o, "chip_ids", json_object_new_int64((int64_t) sev->chip_ids));
    json_object_object_add(o, "chip_id_error", string_or_null(sev->chip_id_error));
    json_object_object_add(o, "vcek_url", string_or_null(sev->vcek_url));
    json_object_object_add(o, "cert_chain_url", string_or_null(sev->cert_chain_url));
    return o;
}
