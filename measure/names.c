/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* names.c - the names of the public enumerations, both ways */
#include <errno.h>
#include <string.h>

#include "ccm/measure.h"

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const platform_names[] = {
    [CCM_PLATFORM_SEV] = "sev",
    [CCM_PLATFORM_SEV_ES] = "sev-es",
    [CCM_PLATFORM_SEV_SNP] = "sev-snp",
};

static const char *const vmm_names[] = {
    [CCM_VMM_QEMU] = "qemu",
    [CCM_VMM_EC2] = "ec2",
    [CCM_VMM_GCE] = "gce",
    [CCM_VMM_EC2_RDX0] = "ec2-legacy",
};

static const char *const sev_es_vmsa_names[] = {
    [CCM_SEV_ES_VMSA_LEGACY] = "legacy",
    [CCM_SEV_ES_VMSA_INIT2] = "init2",
};

static const char *const page_type_names[] = {
    [CCM_SNP_PAGE_NORMAL] = "NORMAL",   [CCM_SNP_PAGE_VMSA] = "VMSA",
    [CCM_SNP_PAGE_ZERO] = "ZERO",       [CCM_SNP_PAGE_UNMEASURED] = "UNMEASURED",
    [CCM_SNP_PAGE_SECRETS] = "SECRETS", [CCM_SNP_PAGE_CPUID] = "CPUID",
};

static const char *const cca_rmm_names[] = {
    [CCM_CCA_RMM_1_0] = "1.0",
    [CCM_CCA_RMM_2_0] = "2.0",
};

static const char *const cca_hash_names[] = {
    [CCM_CCA_HASH_SHA256] = "sha256",
    [CCM_CCA_HASH_SHA512] = "sha512",
    [CCM_CCA_HASH_SHA384] = "sha384",
};

static const char *const cca_vmm_names[] = {
    [CCM_CCA_VMM_QEMU] = "qemu",
    [CCM_CCA_VMM_KVMTOOL] = "kvmtool",
};

static const char *lookup(const char *const *names, size_t n, int value)
{
    return value >= 0 && (size_t) value < n ? names[value] : NULL;
}

static int reverse(const char *const *names, size_t n, const char *name)
{
    if (!name)
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return (int) i;
    return -EINVAL;
}

const char *ccm_platform_to_string(CcmPlatform platform)
{
    return lookup(platform_names, N_ELEMENTS(platform_names), (int) platform);
}

int ccm_platform_from_string(const char *name)
{
    return reverse(platform_names, N_ELEMENTS(platform_names), name);
}

const char *ccm_vmm_to_string(CcmVmm vmm)
{
    return lookup(vmm_names, N_ELEMENTS(vmm_names), (int) vmm);
}

int ccm_vmm_from_string(const char *name)
{
    return reverse(vmm_names, N_ELEMENTS(vmm_names), name);
}

const char *ccm_sev_es_vmsa_to_string(CcmSevEsVmsa vmsa)
{
    return lookup(sev_es_vmsa_names, N_ELEMENTS(sev_es_vmsa_names), (int) vmsa);
}

int ccm_sev_es_vmsa_from_string(const char *name)
{
    return reverse(sev_es_vmsa_names, N_ELEMENTS(sev_es_vmsa_names), name);
}

const char *ccm_snp_page_type_to_string(CcmSnpPageType type)
{
    return lookup(page_type_names, N_ELEMENTS(page_type_names), (int) type);
}

const char *ccm_sev_section_type_to_string(CcmSevSectionType type)
{
    switch (type) {
    case CCM_SEV_SECTION_SNP_SEC_MEM:
        return "SNP_SEC_MEM";
    case CCM_SEV_SECTION_SNP_SECRETS:
        return "SNP_SECRETS";
    case CCM_SEV_SECTION_CPUID:
        return "CPUID";
    case CCM_SEV_SECTION_SVSM_CAA:
        return "SVSM_CAA";
    case CCM_SEV_SECTION_SNP_KERNEL_HASHES:
        return "SNP_KERNEL_HASHES";
    }
    return NULL;
}

static const char *const tdvf_section_names[] = {
    [CCM_TDVF_SECTION_BFV] = "BFV",
    [CCM_TDVF_SECTION_CFV] = "CFV",
    [CCM_TDVF_SECTION_TD_HOB] = "TD_HOB",
    [CCM_TDVF_SECTION_TEMP_MEM] = "TempMem",
    [CCM_TDVF_SECTION_PERM_MEM] = "PermMem",
    [CCM_TDVF_SECTION_PAYLOAD] = "Payload",
    [CCM_TDVF_SECTION_PAYLOAD_PARAM] = "PayloadParam",
};

const char *ccm_tdvf_section_type_to_string(CcmTdvfSectionType type)
{
    return lookup(tdvf_section_names, N_ELEMENTS(tdvf_section_names), (int) type);
}

static const char *const page_order_names[] = {
    [CCM_TDX_PAGE_ORDER_PER_PAGE] = "per-page",
    [CCM_TDX_PAGE_ORDER_PER_SECTION] = "per-section",
};

const char *ccm_tdx_page_order_to_string(CcmTdxPageOrder order)
{
    return lookup(page_order_names, N_ELEMENTS(page_order_names), (int) order);
}

int ccm_tdx_page_order_from_string(const char *name)
{
    return reverse(page_order_names, N_ELEMENTS(page_order_names), name);
}

static const char *const layout_names[] = {
    [CCM_TDX_LAYOUT_EDK2_202411] = "edk2-202411",
    [CCM_TDX_LAYOUT_EDK2_PRE_202411] = "edk2-pre-202411",
    [CCM_TDX_LAYOUT_EDK2_202505] = "edk2-202505",
};

const char *ccm_tdx_layout_to_string(CcmTdxLayout layout)
{
    return lookup(layout_names, N_ELEMENTS(layout_names), (int) layout);
}

int ccm_tdx_layout_from_string(const char *name)
{
    return reverse(layout_names, N_ELEMENTS(layout_names), name);
}

const char *ccm_cca_rmm_to_string(CcmCcaRmm rmm)
{
    return lookup(cca_rmm_names, N_ELEMENTS(cca_rmm_names), (int) rmm);
}

int ccm_cca_rmm_from_string(const char *name)
{
    return reverse(cca_rmm_names, N_ELEMENTS(cca_rmm_names), name);
}

const char *ccm_cca_hash_to_string(CcmCcaHash hash)
{
    return lookup(cca_hash_names, N_ELEMENTS(cca_hash_names), (int) hash);
}

int ccm_cca_hash_from_string(const char *name)
{
    return reverse(cca_hash_names, N_ELEMENTS(cca_hash_names), name);
}

const char *ccm_cca_vmm_to_string(CcmCcaVmm vmm)
{
    return lookup(cca_vmm_names, N_ELEMENTS(cca_vmm_names), (int) vmm);
}

int ccm_cca_vmm_from_string(const char *name)
{
    return reverse(cca_vmm_names, N_ELEMENTS(cca_vmm_names), name);
}
