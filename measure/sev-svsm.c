/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-svsm.c - the SEV-SNP launch digest of a pre-IGVM COCONUT-SVSM guest
 *
 * Theory of operation: before IGVM, COCONUT's QEMU fork loaded the SVSM binary right
 * below the OVMF_VARS flash, which sits right below OVMF (ending at 4 GiB). The digest
 * chains OVMF's pages, then the SVSM's pages (both NORMAL), then the sections of the
 * SVSM's own SEV metadata (OVMF's are not measured: the SVSM validates OVMF's memory
 * itself), then one VMSA per vCPU. Every vCPU, the boot one included, starts in the
 * SVSM in 32-bit protected mode at the SVSM's entry point: the offset in the SVSM
 * information block (footer GUID a789a612-0597-4c4b-a49f-cbb1fe9d1ddd) plus the SVSM's
 * GPA. SEV_FEATURES is always 0x1 (SNP active).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "error.h"
#include "firmware.h"
#include "guid.h"
#include "sev-svsm.h"
#include "snp-chain.h"
#include "vmsa.h"

static const CcmGuid svsm_info_guid =
    CCM_GUID_INIT(0xa789a612, 0x0597, 0x4c4b, 0xa4, 0x9f, 0xcb, 0xb1, 0xfe, 0x9d, 0x1d, 0xdd);

int ccm_sev_svsm_gpa(const CcmSvsmParams *params, uint64_t *ret_gpa, CcmError *reterr)
{
    uint64_t ovmf_gpa = ccm_firmware_gpa(params->ovmf);
    uint64_t below = params->vars_size + params->svsm->size;

    if (below > ovmf_gpa || (ovmf_gpa - below) % CCM_SNP_PAGE_SIZE != 0)
        return ccm_error_set(reterr, -EINVAL,
                             "%s: the SVSM (%zu bytes) and OVMF_VARS (%" G_GUINT64_FORMAT
                             " bytes) below OVMF at GPA 0x%" G_GINT64_MODIFIER "x do not "
                             "start on a page boundary above 0",
                             params->svsm->name, params->svsm->size, params->vars_size,
                             ovmf_gpa);
    *ret_gpa = ovmf_gpa - below;
    return 0;
}

int ccm_sev_svsm_vmsa_page(const CcmSvsmParams *params, uint8_t *ret_page, CcmError *reterr)
{
    const CcmOvmfTableEntry *info = ccm_ovmf_table_find(&params->svsm->table, &svsm_info_guid);
    uint64_t gpa;
    int r;

    if (!info || info->size < 4)
        return ccm_error_set(reterr, -ENOTSUP,
                             "%s: the SVSM has no SVSM information block (footer GUID "
                             "a789a612-0597-4c4b-a49f-cbb1fe9d1ddd)",
                             params->svsm->name);
    if ((r = ccm_sev_svsm_gpa(params, &gpa, reterr)) < 0)
        return r;
    ccm_vmsa_build_svsm(gpa + ccm_load_le32(info->data), params->vcpu_signature,
                        params->vmsa == CCM_SVSM_VMSA_REFERENCE, ret_page);
    return 0;
}

static CcmSnpPageType section_page_type(uint32_t type)
{
    switch (type) {
    case CCM_SEV_SECTION_SNP_SECRETS:
        return CCM_SNP_PAGE_SECRETS;
    case CCM_SEV_SECTION_CPUID:
        return CCM_SNP_PAGE_CPUID;
    default:
        /* SEC_MEM, SVSM_CAA, and KERNEL_HASHES (no kernel is measured here) */
        return CCM_SNP_PAGE_ZERO;
    }
}

int ccm_sev_svsm_measure(const CcmSvsmParams *params, uint8_t *ret_digest, CcmError *reterr)
{
    CcmFirmware *svsm = params->svsm;
    uint8_t start[CCM_SHA384_SIZE];
    uint8_t page[CCM_VMSA_SIZE];
    uint8_t vmsa_hash[CCM_SHA384_SIZE];
    uint64_t svsm_gpa;
    CcmSnpChain chain;
    int r;

    if (svsm->size % CCM_SNP_PAGE_SIZE != 0)
        return ccm_error_set(reterr, -EBADMSG, "%s: the SVSM is %zu bytes, not whole pages",
                             svsm->name, svsm->size);
    if ((r = ccm_sev_svsm_vmsa_page(params, page, reterr)) < 0)
        return r;
    if ((r = ccm_sev_svsm_gpa(params, &svsm_gpa, reterr)) < 0)
        return r;
    if ((r = ccm_firmware_snp_digest(params->ovmf, start, reterr)) < 0)
        return r;
    if ((r = ccm_snp_chain_init(&chain, start)) < 0)
        return ccm_error_set(reterr, r, "cannot set up SHA-384");

    r = ccm_snp_chain_add_data(&chain, svsm_gpa, CCM_SNP_PAGE_NORMAL, svsm->data, svsm->size);
    for (size_t i = 0; i < svsm->sev.n_sections && r == 0; i++) {
        const CcmSevSection *s = &svsm->sev.sections[i];
        r = ccm_snp_chain_add_unhashed(&chain, s->gpa, section_page_type(s->type),
                                       s->size / CCM_SNP_PAGE_SIZE);
    }
    if (r == 0)
        r = ccm_hasher_digest(&chain.sha384, page, sizeof(page), vmsa_hash);
    for (unsigned i = 0; i < params->vcpus && r == 0; i++)
        r = ccm_snp_chain_add_page(&chain, CCM_VMSA_GPA, CCM_SNP_PAGE_VMSA, vmsa_hash);
    if (r == 0)
        memcpy(ret_digest, chain.digest, CCM_SHA384_SIZE);
    ccm_snp_chain_done(&chain);
    if (r < 0)
        return ccm_error_set(reterr, r, "hashing failed");
    return 0;
}
