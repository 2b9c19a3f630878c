/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-report.c - the SEV-SNP ATTESTATION_REPORT in AMD's layout (SEV-SNP ABI, table
 * "ATTESTATION_REPORT structure"): 1184 little-endian bytes, the signed part first
 * (0x000-0x29f), then ECDSA P-384 R and S as 72-byte little-endian fields.
 */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "snp-report.h"

static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t) ccm_load_le32(p) | (uint64_t) ccm_load_le32(p + 4) << 32;
}

void ccm_snp_tcb_encode(const CcmSnpTcb *tcb, bool turin, uint8_t p[CCM_SNP_TCB_SIZE])
{
    memset(p, 0, CCM_SNP_TCB_SIZE);
    if (turin) {
        p[0] = tcb->fmc;
        p[1] = tcb->bootloader;
        p[2] = tcb->tee;
        p[3] = tcb->snp;
    } else {
        p[0] = tcb->bootloader;
        p[1] = tcb->tee;
        p[6] = tcb->snp;
    }
    p[7] = tcb->microcode;
}

void ccm_snp_tcb_decode(const uint8_t p[CCM_SNP_TCB_SIZE], bool turin, CcmSnpTcb *tcb)
{
    *tcb = (CcmSnpTcb) { .microcode = p[7] };
    if (turin) {
        tcb->fmc = p[0];
        tcb->bootloader = p[1];
        tcb->tee = p[2];
        tcb->snp = p[3];
    } else {
        tcb->bootloader = p[0];
        tcb->tee = p[1];
        tcb->snp = p[6];
    }
}

bool ccm_snp_report_turin_tcb(const CcmSnpReport *r)
{
    return r->version >= 3 && r->cpuid_family == CCM_SNP_CPUID_FAMILY_TURIN;
}

void ccm_snp_report_serialize(const CcmSnpReport *r, uint8_t out[CCM_SNP_REPORT_SIZE])
{
    bool turin = ccm_snp_report_turin_tcb(r);

    memset(out, 0, CCM_SNP_REPORT_SIZE);
    ccm_store_le32(out + 0x000, r->version);
    ccm_store_le32(out + 0x004, r->guest_svn);
    ccm_store_le64(out + 0x008, r->policy);
    memcpy(out + 0x010, r->family_id, 16);
    memcpy(out + 0x020, r->image_id, 16);
    ccm_store_le32(out + 0x030, r->vmpl);
    ccm_store_le32(out + 0x034, r->signature_algo);
    ccm_snp_tcb_encode(&r->current_tcb, turin, out + 0x038);
    ccm_store_le64(out + 0x040, r->platform_info);
    ccm_store_le32(out + 0x048, r->flags);
    memcpy(out + 0x050, r->report_data, 64);
    memcpy(out + 0x090, r->measurement, CCM_SHA384_SIZE);
    memcpy(out + 0x0c0, r->host_data, 32);
    memcpy(out + 0x0e0, r->id_key_digest, CCM_SHA384_SIZE);
    memcpy(out + 0x110, r->author_key_digest, CCM_SHA384_SIZE);
    memcpy(out + 0x140, r->report_id, 32);
    memcpy(out + 0x160, r->report_id_ma, 32);
    ccm_snp_tcb_encode(&r->reported_tcb, turin, out + 0x180);
    if (r->version >= 3) {
        out[0x188] = r->cpuid_family;
        out[0x189] = r->cpuid_model;
        out[0x18a] = r->cpuid_stepping;
    }
    memcpy(out + 0x1a0, r->chip_id, 64);
    ccm_snp_tcb_encode(&r->committed_tcb, turin, out + 0x1e0);
    out[0x1e8] = r->current_build;
    out[0x1e9] = r->current_minor;
    out[0x1ea] = r->current_major;
    out[0x1ec] = r->committed_build;
    out[0x1ed] = r->committed_minor;
    out[0x1ee] = r->committed_major;
    ccm_snp_tcb_encode(&r->launch_tcb, turin, out + 0x1f0);
    if (r->version >= 5) {
        ccm_store_le64(out + 0x1f8, r->launch_mit_vector);
        ccm_store_le64(out + 0x200, r->current_mit_vector);
    }
    memcpy(out + 0x2a0, r->signature_r, CCM_SNP_SIGNATURE_COMPONENT);
    memcpy(out + 0x2a0 + CCM_SNP_SIGNATURE_COMPONENT, r->signature_s,
           CCM_SNP_SIGNATURE_COMPONENT);
}

int ccm_snp_report_parse(const void *data, size_t size, const char *name, CcmSnpReport *ret,
                         CcmError *reterr)
{
    const uint8_t *in = data;
    CcmSnpReport parsed, *r = &parsed;

    if (!name || !ret || (!in && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_snp_report_parse: bad arguments");
    if (size != CCM_SNP_REPORT_SIZE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes; an SEV-SNP attestation report is %d bytes", name,
                             size, CCM_SNP_REPORT_SIZE);
    memset(r, 0, sizeof(*r));
    r->version = ccm_load_le32(in);
    r->signature_algo = ccm_load_le32(in + 0x034);
    if (r->version < 2)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: report version %u; expected 2 or later", name, r->version);
    if (r->signature_algo != CCM_SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: signature algorithm %u; expected 1 (ECDSA P-384 with SHA-384)",
                             name, r->signature_algo);
    if (r->version >= 3) {
        r->cpuid_family = in[0x188];
        r->cpuid_model = in[0x189];
        r->cpuid_stepping = in[0x18a];
    }
    bool turin = ccm_snp_report_turin_tcb(r);
    r->guest_svn = ccm_load_le32(in + 0x004);
    r->policy = load_le64(in + 0x008);
    memcpy(r->family_id, in + 0x010, 16);
    memcpy(r->image_id, in + 0x020, 16);
    r->vmpl = ccm_load_le32(in + 0x030);
    ccm_snp_tcb_decode(in + 0x038, turin, &r->current_tcb);
    r->platform_info = load_le64(in + 0x040);
    r->flags = ccm_load_le32(in + 0x048);
    memcpy(r->report_data, in + 0x050, 64);
    memcpy(r->measurement, in + 0x090, CCM_SHA384_SIZE);
    memcpy(r->host_data, in + 0x0c0, 32);
    memcpy(r->id_key_digest, in + 0x0e0, CCM_SHA384_SIZE);
    memcpy(r->author_key_digest, in + 0x110, CCM_SHA384_SIZE);
    memcpy(r->report_id, in + 0x140, 32);
    memcpy(r->report_id_ma, in + 0x160, 32);
    ccm_snp_tcb_decode(in + 0x180, turin, &r->reported_tcb);
    memcpy(r->chip_id, in + 0x1a0, 64);
    ccm_snp_tcb_decode(in + 0x1e0, turin, &r->committed_tcb);
    r->current_build = in[0x1e8];
    r->current_minor = in[0x1e9];
    r->current_major = in[0x1ea];
    r->committed_build = in[0x1ec];
    r->committed_minor = in[0x1ed];
    r->committed_major = in[0x1ee];
    ccm_snp_tcb_decode(in + 0x1f0, turin, &r->launch_tcb);
    if (r->version >= 5) {
        r->launch_mit_vector = load_le64(in + 0x1f8);
        r->current_mit_vector = load_le64(in + 0x200);
    }
    memcpy(r->signature_r, in + 0x2a0, CCM_SNP_SIGNATURE_COMPONENT);
    memcpy(r->signature_s, in + 0x2a0 + CCM_SNP_SIGNATURE_COMPONENT, CCM_SNP_SIGNATURE_COMPONENT);
    *ret = parsed;  /* @ret is untouched on failure */
    return 0;
}

void ccm_cpuid_signature_split(uint32_t signature, uint8_t *family, uint8_t *model,
                               uint8_t *stepping)
{
    unsigned base_family = (signature >> 8) & 0xf;
    unsigned base_model = (signature >> 4) & 0xf;
    *stepping = (uint8_t) (signature & 0xf);
    *family = (uint8_t) (base_family == 0xf ? base_family + ((signature >> 20) & 0xff)
                                            : base_family);
    *model = (uint8_t) (base_family == 0xf || base_family == 0x6
                            ? (((signature >> 16) & 0xf) << 4) | base_model
                            : base_model);
}
