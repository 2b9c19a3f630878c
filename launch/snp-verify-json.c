/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snp-verify-json.c - an SEV-SNP report and its verification as JSON */
#include <string.h>

#include "hex.h"
#include "snp-verify.h"

static void add_hex(json_object *o, const char *key, const uint8_t *p, size_t n)
{
    g_autofree char *h = ccm_hex_encode(p, n);
    json_object_object_add(o, key, json_object_new_string(h));
}

static void add_u64_hex(json_object *o, const char *key, uint64_t v)
{
    g_autofree char *h = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", v);
    json_object_object_add(o, key, json_object_new_string(h));
}

static json_object *tcb_json(const uint8_t raw[8], bool turin)
{
    CcmSnpTcb t;
    ccm_snp_tcb_decode(raw, turin, &t);
    json_object *o = json_object_new_object();
    add_hex(o, "raw", raw, 8);
    if (turin)
        json_object_object_add(o, "fmc", json_object_new_int(t.fmc));
    json_object_object_add(o, "bootloader", json_object_new_int(t.bootloader));
    json_object_object_add(o, "tee", json_object_new_int(t.tee));
    json_object_object_add(o, "snp", json_object_new_int(t.snp));
    json_object_object_add(o, "microcode", json_object_new_int(t.microcode));
    return o;
}

json_object *ccm_snp_report_to_json(const CcmSnpReport *r)
{
    uint8_t raw[CCM_SNP_REPORT_SIZE];
    ccm_snp_report_serialize(r, raw);
    bool turin = ccm_snp_report_turin_tcb(r);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "guest_svn", json_object_new_int64(r->guest_svn));
    add_u64_hex(o, "policy", r->policy);
    add_hex(o, "family_id", r->family_id, 16);
    add_hex(o, "image_id", r->image_id, 16);
    json_object_object_add(o, "vmpl", json_object_new_int64(r->vmpl));
    json_object_object_add(o, "current_tcb", tcb_json(raw + 0x038, turin));
    add_u64_hex(o, "platform_info", r->platform_info);
    add_u64_hex(o, "flags", r->flags);
    add_hex(o, "report_data", r->report_data, 64);
    add_hex(o, "measurement", r->measurement, CCM_SHA384_SIZE);
    add_hex(o, "host_data", r->host_data, 32);
    add_hex(o, "id_key_digest", r->id_key_digest, CCM_SHA384_SIZE);
    add_hex(o, "author_key_digest", r->author_key_digest, CCM_SHA384_SIZE);
    add_hex(o, "report_id", r->report_id, 32);
    add_hex(o, "report_id_ma", r->report_id_ma, 32);
    json_object_object_add(o, "reported_tcb", tcb_json(raw + 0x180, turin));
    if (r->version >= 3) {
        g_autofree char *cpuid = g_strdup_printf("%02x/%02x/%02x", r->cpuid_family,
                                                 r->cpuid_model, r->cpuid_stepping);
        json_object_object_add(o, "cpuid", json_object_new_string(cpuid));
    }
    add_hex(o, "chip_id", r->chip_id, 64);
    json_object_object_add(o, "committed_tcb", tcb_json(raw + 0x1e0, turin));
    g_autofree char *cur = g_strdup_printf("%u.%u.%u", r->current_major, r->current_minor,
                                           r->current_build);
    g_autofree char *com = g_strdup_printf("%u.%u.%u", r->committed_major,
                                           r->committed_minor, r->committed_build);
    json_object_object_add(o, "current_version", json_object_new_string(cur));
    json_object_object_add(o, "committed_version", json_object_new_string(com));
    json_object_object_add(o, "launch_tcb", tcb_json(raw + 0x1f0, turin));
    if (r->version >= 5) {
        add_u64_hex(o, "launch_mit_vector", r->launch_mit_vector);
        add_u64_hex(o, "current_mit_vector", r->current_mit_vector);
    }
    return o;
}

static json_object *string_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static json_object *vek_json(const CcmSnpVerification *v)
{
    if (!v->have_vek)
        return NULL;
    const CcmSnpVekExtensions *e = &v->vek;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string(ccm_snp_vek_kind_to_string(e->kind)));
    json_object_object_add(o, "source", string_or_null(v->vek_source));
    json_object_object_add(o, "struct_version",
                           e->struct_version >= 0 ? json_object_new_int64(e->struct_version)
                                                  : NULL);
    json_object_object_add(o, "product_name",
                           e->product_name[0] ? json_object_new_string(e->product_name) : NULL);
    const struct {
        const char *key;
        int v;
    } spls[] = { { "bl_spl", e->bl_spl }, { "tee_spl", e->tee_spl }, { "snp_spl", e->snp_spl },
                 { "ucode_spl", e->ucode_spl }, { "fmc_spl", e->fmc_spl } };
    for (size_t i = 0; i < G_N_ELEMENTS(spls); i++)
        json_object_object_add(o, spls[i].key,
                               spls[i].v >= 0 ? json_object_new_int(spls[i].v) : NULL);
    if (e->hwid_size) {
        add_hex(o, "hwid", e->hwid, e->hwid_size);
    } else {
        json_object_object_add(o, "hwid", NULL);
    }
    json_object_object_add(o, "csp_id", e->csp_id[0] ? json_object_new_string(e->csp_id) : NULL);
    return o;
}

json_object *ccm_snp_verification_to_json(const CcmSnpVerification *v)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "verified", json_object_new_boolean(v->verified));
    json_object_object_add(o, "generation", string_or_null(v->generation));
    json_object_object_add(o, "signing_key", string_or_null(v->signing_key));
    json_object_object_add(o, "vek", vek_json(v));
    json_object *checks = json_object_new_array();
    for (guint i = 0; i < v->checks->len; i++) {
        const CcmSnpCheck *c = v->checks->pdata[i];
        json_object *row = json_object_new_object();
        json_object_object_add(row, "name", json_object_new_string(c->name));
        json_object_object_add(row, "result",
                               json_object_new_string(ccm_snp_check_result_to_string(c->result)));
        json_object_object_add(row, "detail", json_object_new_string(c->detail));
        json_object_array_add(checks, row);
    }
    json_object_object_add(o, "checks", checks);
    json_object_object_add(o, "first_failure", string_or_null(v->first_failure));
    json_object_object_add(o, "kds_url", string_or_null(v->kds_url));
    json_object_object_add(o, "report", ccm_snp_report_to_json(&v->report));
    return o;
}
