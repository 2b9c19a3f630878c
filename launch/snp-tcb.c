/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snp-tcb.c - SEV-SNP TCB_VERSION per processor generation, and the KDS VCEK address */
#include "hex.h"
#include "snp-tcb.h"

#define KDS "https://kdsintf.amd.com/vcek/v1/"

static const char *const generation_names[] = {
    [CCM_SNP_GENERATION_UNKNOWN] = NULL,
    [CCM_SNP_GENERATION_MILAN] = "Milan",
    [CCM_SNP_GENERATION_GENOA] = "Genoa",
    [CCM_SNP_GENERATION_TURIN] = "Turin",
};

const char *ccm_snp_generation_to_string(CcmSnpGeneration g)
{
    return g >= 0 && g < _CCM_SNP_GENERATION_MAX ? generation_names[g] : NULL;
}

CcmSnpGeneration ccm_snp_generation_from_cpuid(int family, int model)
{
    if (family == 0x19 && model >= 0x00 && model <= 0x0f)
        return CCM_SNP_GENERATION_MILAN;
    if (family == 0x19 && ((model >= 0x10 && model <= 0x1f) || (model >= 0xa0 && model <= 0xaf)))
        return CCM_SNP_GENERATION_GENOA;
    if (family == 0x1a)
        return CCM_SNP_GENERATION_TURIN;
    return CCM_SNP_GENERATION_UNKNOWN;
}

static uint8_t byte_of(uint64_t raw, unsigned i)
{
    return (uint8_t) (raw >> (8 * i));
}

CcmSnpTcbVersion ccm_snp_tcb_decode(uint64_t raw, CcmSnpGeneration g)
{
    CcmSnpTcbVersion t = { .raw = raw, .fmc = -1 };

    if (g == CCM_SNP_GENERATION_TURIN) {
        t.fmc = byte_of(raw, 0);
        t.bootloader = byte_of(raw, 1);
        t.tee = byte_of(raw, 2);
        t.snp = byte_of(raw, 3);
    } else {
        t.bootloader = byte_of(raw, 0);
        t.tee = byte_of(raw, 1);
        t.snp = byte_of(raw, 6);
    }
    t.microcode = byte_of(raw, 7);
    return t;
}

json_object *ccm_snp_tcb_to_json(const CcmSnpTcbVersion *tcb)
{
    json_object *o = json_object_new_object();
    g_autofree char *raw = g_strdup_printf("0x%016" G_GINT64_MODIFIER "x", tcb->raw);

    json_object_object_add(o, "raw", json_object_new_string(raw));
    if (tcb->fmc >= 0)
        json_object_object_add(o, "fmc", json_object_new_int(tcb->fmc));
    json_object_object_add(o, "bootloader", json_object_new_int(tcb->bootloader));
    json_object_object_add(o, "tee", json_object_new_int(tcb->tee));
    json_object_object_add(o, "snp", json_object_new_int(tcb->snp));
    json_object_object_add(o, "microcode", json_object_new_int(tcb->microcode));
    return o;
}

char *ccm_snp_tcb_to_text(const CcmSnpTcbVersion *tcb)
{
    g_autofree char *fmc = tcb->fmc >= 0 ? g_strdup_printf("fmc %d ", tcb->fmc) : g_strdup("");
    return g_strdup_printf("%sbl %u tee %u snp %u ucode %u", fmc, tcb->bootloader, tcb->tee,
                           tcb->snp, tcb->microcode);
}

char *ccm_snp_vcek_url(CcmSnpGeneration g, const uint8_t chip_id[64],
                       const CcmSnpTcbVersion *tcb)
{
    const char *name = ccm_snp_generation_to_string(g);

    if (!name)
        return NULL;
    if (g == CCM_SNP_GENERATION_TURIN) {
        g_autofree char *hwid = ccm_hex_encode(chip_id, 8);
        return g_strdup_printf(KDS "%s/%s?fmcSPL=%02d&blSPL=%02u&teeSPL=%02u&snpSPL=%02u"
                               "&ucodeSPL=%02u", name, hwid, tcb->fmc, tcb->bootloader, tcb->tee,
                               tcb->snp, tcb->microcode);
    }
    g_autofree char *hwid = ccm_hex_encode(chip_id, 64);
    return g_strdup_printf(KDS "%s/%s?blSPL=%02u&teeSPL=%02u&snpSPL=%02u&ucodeSPL=%02u", name,
                           hwid, tcb->bootloader, tcb->tee, tcb->snp, tcb->microcode);
}

char *ccm_snp_cert_chain_url(CcmSnpGeneration g)
{
    const char *name = ccm_snp_generation_to_string(g);
    return name ? g_strdup_printf(KDS "%s/cert_chain", name) : NULL;
}
