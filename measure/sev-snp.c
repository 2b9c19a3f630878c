/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-snp.c - the SEV-SNP launch digest of a QEMU, EC2 or GCE guest
 *
 * Theory of operation: the digest chains, in this order,
 *   1. every firmware page as NORMAL, from the image's GPA upwards (or a precomputed
 *      digest of exactly that, the "seed");
 *   2. the SEV metadata sections in table order: SNP_SEC_MEM as ZERO pages (GCE:
 *      UNMEASURED), SNP_SECRETS as SECRETS, CPUID as CPUID (EC2 adds every CPUID
 *      section after all the others), SVSM_CAA as ZERO, SNP_KERNEL_HASHES as NORMAL
 *      pages holding the kernel-hashes table when a kernel is measured, else ZERO;
 *   3. one VMSA page per boot vCPU, boot vCPU first, each at 0xFFFFFFFFF000.
 * The sections are kept in stored order on purpose: edk2 releases differ in where the
 * kernel-hashes section sits, and the digest depends on it.
 */
#include <errno.h>
#include <string.h>

#include "error.h"
#include "firmware.h"
#include "kernel-hashes.h"
#include "sev-guest.h"
#include "snp-chain.h"
#include "vmsa.h"

static void emit_pages(const CcmSevGuest *g, const CcmSnpChain *chain, const char *stage,
                       const char *detail, uint32_t index, uint64_t gpa, uint64_t size,
                       CcmSnpPageType type)
{
    CcmStep step = {
        .kind = CCM_STEP_PAGES,
        .stage = stage,
        .detail = detail,
        .index = index,
        .gpa = gpa,
        .size = size,
        .n_pages = size / CCM_SNP_PAGE_SIZE,
        .page_type = type,
        .digest = chain->digest,
        .digest_size = CCM_SHA384_SIZE,
    };
    ccm_sev_guest_emit(g, &step);
}

/* The section's pages with the kernel-hashes table at the hash-table base. */
static int add_kernel_hashes(CcmSevGuest *g, CcmSnpChain *chain, const CcmSevSection *s,
                             CcmError *reterr)
{
    const CcmFirmware *fw = g->firmware;
    const char *name = fw->name;

    if (!fw->sev.has_hash_table_block || fw->sev.hash_table_base == 0)
        return ccm_error_set(reterr, -ENOTSUP,
                             "%s: cannot measure a kernel: the firmware has an "
                             "SNP_KERNEL_HASHES section but no SEV hash-table block",
                             name);
    uint64_t offset = (uint64_t) fw->sev.hash_table_base - s->gpa;
    if (fw->sev.hash_table_base < s->gpa || fw->sev.hash_table_size < CCM_KERNEL_HASHES_TABLE_SIZE ||
        offset + CCM_KERNEL_HASHES_TABLE_SIZE > s->size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the SEV hash-table block (base 0x%x, size 0x%x) does not "
                             "hold the %d-byte kernel-hashes table inside the "
                             "SNP_KERNEL_HASHES section (GPA 0x%x, size 0x%x)",
                             name, fw->sev.hash_table_base, fw->sev.hash_table_size,
                             CCM_KERNEL_HASHES_TABLE_SIZE, s->gpa, s->size);

    CcmKernelHashes hashes;
    int r = ccm_sev_guest_kernel_hashes(g, &hashes, reterr);
    if (r < 0)
        return r;

    /* The table touches at most two pages; every other page of the section is a
     * zero page, measured as NORMAL with the hash of 4 KiB of zeros. */
    uint64_t window = offset / CCM_SNP_PAGE_SIZE * CCM_SNP_PAGE_SIZE;
    uint8_t pages[2 * CCM_SNP_PAGE_SIZE] = { 0 };
    static const uint8_t zero_page[CCM_SNP_PAGE_SIZE];
    uint8_t zero_hash[CCM_SHA384_SIZE];
    ccm_kernel_hashes_table(&hashes, pages + (offset - window));
    if ((r = ccm_hasher_digest(&chain->sha384, zero_page, sizeof(zero_page), zero_hash)) < 0)
        return ccm_error_set(reterr, r, "hashing failed");

    for (uint64_t page = 0; page < s->size; page += CCM_SNP_PAGE_SIZE) {
        uint8_t contents[CCM_SHA384_SIZE];
        const uint8_t *hash = zero_hash;

        if (page >= window && page < window + sizeof(pages) &&
            page < offset + CCM_KERNEL_HASHES_TABLE_SIZE) {
            r = ccm_hasher_digest(&chain->sha384, pages + (page - window), CCM_SNP_PAGE_SIZE,
                                  contents);
            if (r < 0)
                return ccm_error_set(reterr, r, "hashing failed");
            hash = contents;
        }
        if ((r = ccm_snp_chain_add_page(chain, s->gpa + page, CCM_SNP_PAGE_NORMAL, hash)) < 0)
            return ccm_error_set(reterr, r, "hashing failed");
    }
    return 0;
}

static int add_section(CcmSevGuest *g, CcmSnpChain *chain, uint32_t index,
                       const CcmSevSection *s, CcmError *reterr)
{
    CcmSnpPageType type;
    int r;

    switch (s->type) {
    case CCM_SEV_SECTION_SNP_SEC_MEM:
        type = g->vmm == CCM_VMM_GCE ? CCM_SNP_PAGE_UNMEASURED : CCM_SNP_PAGE_ZERO;
        break;
    case CCM_SEV_SECTION_SNP_SECRETS:
        type = CCM_SNP_PAGE_SECRETS;
        break;
    case CCM_SEV_SECTION_CPUID:
        type = CCM_SNP_PAGE_CPUID;
        break;
    case CCM_SEV_SECTION_SVSM_CAA:
        type = CCM_SNP_PAGE_ZERO;
        break;
    case CCM_SEV_SECTION_SNP_KERNEL_HASHES:
        if (g->kernel.given) {
            if ((r = add_kernel_hashes(g, chain, s, reterr)) < 0)
                return r;
            emit_pages(g, chain, "SNP_KERNEL_HASHES", "kernel-hashes table", index, s->gpa,
                       s->size, CCM_SNP_PAGE_NORMAL);
            return 0;
        }
        type = CCM_SNP_PAGE_ZERO;
        break;
    default:
        /* The parser refuses unknown types. */
        g_assert_not_reached();
    }

    r = ccm_snp_chain_add_unhashed(chain, s->gpa, type, s->size / CCM_SNP_PAGE_SIZE);
    if (r < 0)
        return ccm_error_set(reterr, r, "hashing failed");
    emit_pages(g, chain, ccm_sev_section_type_to_string(s->type), NULL, index, s->gpa, s->size,
               type);
    return 0;
}

static int add_vmsas(CcmSevGuest *g, CcmSnpChain *chain, CcmError *reterr)
{
    CcmVmsaParams params = {
        .platform = CCM_PLATFORM_SEV_SNP,
        .vmm = g->vmm,
        .reset_address = g->firmware->sev.reset_address,
        .vcpu_signature = g->signature,
        .guest_features = g->guest_features,
    };
    uint8_t page[CCM_VMSA_SIZE];
    uint8_t hashes[2][CCM_SHA384_SIZE];
    int r;

    /* Every AP has the same VMSA, so two pages cover any number of vCPUs. */
    for (int ap = 0; ap < 2; ap++) {
        ccm_vmsa_build(&params, ap, page);
        if ((r = ccm_hasher_digest(&chain->sha384, page, sizeof(page), hashes[ap])) < 0)
            return ccm_error_set(reterr, r, "hashing a VMSA failed");
    }

    for (uint32_t i = 0; i < g->vcpus; i++) {
        const uint8_t *hash = hashes[i > 0];
        if ((r = ccm_snp_chain_add_page(chain, CCM_VMSA_GPA, CCM_SNP_PAGE_VMSA, hash)) < 0)
            return ccm_error_set(reterr, r, "hashing failed");
        CcmStep step = {
            .kind = CCM_STEP_VMSA,
            .stage = "vmsa",
            .detail = i == 0 ? "BSP" : "AP",
            .index = i,
            .gpa = CCM_VMSA_GPA,
            .size = CCM_VMSA_SIZE,
            .n_pages = 1,
            .page_type = CCM_SNP_PAGE_VMSA,
            .content_hash = hash,
            .content_hash_size = CCM_SHA384_SIZE,
            .digest = chain->digest,
            .digest_size = CCM_SHA384_SIZE,
        };
        ccm_sev_guest_emit(g, &step);
    }
    return 0;
}

static int check_firmware(const CcmSevGuest *g, CcmError *reterr)
{
    const CcmFirmware *fw = g->firmware;
    bool has_kernel_section = false;

    if (!fw->sev.has_metadata)
        return ccm_error_set(reterr, -ENOTSUP,
                             "%s: the firmware has no SEV metadata (footer GUID dc886566-984a-"
                             "4798-a75e-5585a7bf67cc): it cannot launch an SEV-SNP guest",
                             fw->name);
    if (!fw->sev.has_reset_block)
        return ccm_error_set(reterr, -ENOTSUP,
                             "%s: the firmware has no SEV-ES reset block (footer GUID "
                             "00f771de-1a7e-4fcb-890e-68c77e2fb44e): it cannot start SEV-SNP "
                             "vCPUs",
                             fw->name);
    if (fw->sev.reset_address == 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the SEV-ES reset block holds address 0, which QEMU refuses",
                             fw->name);
    for (size_t i = 0; i < fw->sev.n_sections; i++)
        if (fw->sev.sections[i].type == CCM_SEV_SECTION_SNP_KERNEL_HASHES)
            has_kernel_section = true;
    if (g->kernel.given && !has_kernel_section)
        return ccm_error_set(reterr, -ENOTSUP,
                             "%s: cannot measure a kernel: the firmware's SEV metadata has no "
                             "SNP_KERNEL_HASHES section (measured direct boot needs an AmdSev "
                             "OVMF build)",
                             fw->name);
    return 0;
}

int ccm_sev_snp_measure(CcmSevGuest *g, uint8_t *ret_digest, CcmError *reterr)
{
    CcmFirmware *fw = g->firmware;
    uint8_t start[CCM_SHA384_SIZE];
    int r;

    if ((r = check_firmware(g, reterr)) < 0)
        return r;

    if (g->seed_set)
        memcpy(start, g->seed, sizeof(start));
    else if ((r = ccm_firmware_snp_digest(fw, start, reterr)) < 0)
        return r;

    CcmSnpChain chain;
    if ((r = ccm_snp_chain_init(&chain, start)) < 0)
        return ccm_error_set(reterr, r, "cannot set up SHA-384");

    CcmStep first = {
        .kind = g->seed_set ? CCM_STEP_SEED : CCM_STEP_PAGES,
        .stage = "firmware",
        .detail = fw->name,
        .gpa = ccm_firmware_gpa(fw),
        .size = fw->size,
        .n_pages = fw->size / CCM_SNP_PAGE_SIZE,
        .page_type = CCM_SNP_PAGE_NORMAL,
        .digest = chain.digest,
        .digest_size = CCM_SHA384_SIZE,
    };
    ccm_sev_guest_emit(g, &first);

    bool ec2 = g->vmm == CCM_VMM_EC2 || g->vmm == CCM_VMM_EC2_RDX0;
    for (int pass = 0; pass < (ec2 ? 2 : 1) && r == 0; pass++) {
        for (uint32_t i = 0; i < fw->sev.n_sections && r == 0; i++) {
            const CcmSevSection *s = &fw->sev.sections[i];
            bool cpuid = s->type == CCM_SEV_SECTION_CPUID;

            /* EC2 measures CPUID sections last: skip them in the first pass and take
             * only them in the second. */
            if (ec2 && cpuid != (pass == 1))
                continue;
            r = add_section(g, &chain, i, s, reterr);
        }
    }
    if (r == 0)
        r = add_vmsas(g, &chain, reterr);
    if (r == 0)
        memcpy(ret_digest, chain.digest, CCM_SHA384_SIZE);
    ccm_snp_chain_done(&chain);
    return r;
}
