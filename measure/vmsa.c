/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vmsa.c - the initial VMSA page of a vCPU, as KVM measures it
 *
 * Theory of operation: an SEV-ES/SNP vCPU's register state lives in an encrypted VMSA
 * page that KVM measures at launch. Its contents are QEMU's x86 reset state after
 * KVM's adjustments (sev_es_sync_vmsa): real-mode segments, CR0.ET, EFER.SVME, the
 * default PAT, RIP at the reset vector for the boot vCPU and at the firmware's SEV-ES
 * AP reset address for the others, and in RDX the guest CPU signature (CPUID 1 EAX),
 * which is what a CPU holds in EDX after reset. KVM copies x87/SSE state (MXCSR, FCW)
 * only for VMs created with KVM_SEV_INIT2, which SNP always is. EC2 and GCE start their
 * vCPUs with a few different attributes and fixed RDX 0x600.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "vmsa.h"

/* Offsets in struct sev_es_save_area. */
enum {
    VMSA_ES = 0x000,
    VMSA_CS = 0x010,
    VMSA_SS = 0x020,
    VMSA_DS = 0x030,
    VMSA_FS = 0x040,
    VMSA_GS = 0x050,
    VMSA_GDTR = 0x060,
    VMSA_LDTR = 0x070,
    VMSA_IDTR = 0x080,
    VMSA_TR = 0x090,
    VMSA_EFER = 0x0D0,
    VMSA_CR4 = 0x148,
    VMSA_CR0 = 0x158,
    VMSA_DR7 = 0x160,
    VMSA_DR6 = 0x168,
    VMSA_RFLAGS = 0x170,
    VMSA_RIP = 0x178,
    VMSA_G_PAT = 0x268,
    VMSA_RDX = 0x310,
    VMSA_SEV_FEATURES = 0x3B0,
    VMSA_XCR0 = 0x3E8,
    VMSA_MXCSR = 0x408,
    VMSA_X87_FCW = 0x410,
};

static void set_segment(uint8_t *page, unsigned offset, uint16_t selector, uint16_t attrib,
                        uint32_t limit, uint64_t base)
{
    ccm_store_le16(page + offset, selector);
    ccm_store_le16(page + offset + 2, attrib);
    ccm_store_le32(page + offset + 4, limit);
    ccm_store_le64(page + offset + 8, base);
}

void ccm_vmsa_build(const CcmVmsaParams *params, bool ap, uint8_t *ret_page)
{
    bool ec2 = params->vmm == CCM_VMM_EC2 || params->vmm == CCM_VMM_EC2_RDX0;
    bool gce = params->vmm == CCM_VMM_GCE;
    uint16_t cs_attrib = ec2 && !ap ? 0x9A : 0x9B;
    uint16_t ss_attrib = ec2 ? 0x92 : 0x93;
    uint16_t tr_attrib = ec2 ? 0x83 : 0x8B;
    uint64_t cs_base = ap ? (params->reset_address & 0xFFFF0000u) : 0xFFFF0000u;
    uint64_t rip = ap ? (params->reset_address & 0xFFFFu) : 0xFFF0u;
    uint64_t rdx;
    bool fpu;

    switch (params->vmm) {
    case CCM_VMM_EC2:
    case CCM_VMM_GCE:
        rdx = CCM_VMSA_CLOUD_RDX;
        fpu = false;
        break;
    case CCM_VMM_EC2_RDX0:
        rdx = 0;
        fpu = false;
        break;
    case CCM_VMM_QEMU:
    default:
        rdx = params->vcpu_signature;
        fpu = params->platform == CCM_PLATFORM_SEV_SNP ||
              params->es_vmsa == CCM_SEV_ES_VMSA_INIT2;
        break;
    }

    memset(ret_page, 0, CCM_VMSA_SIZE);
    set_segment(ret_page, VMSA_ES, 0, 0x93, 0xFFFF, 0);
    set_segment(ret_page, VMSA_CS, 0xF000, cs_attrib, 0xFFFF, cs_base);
    set_segment(ret_page, VMSA_SS, 0, ss_attrib, 0xFFFF, 0);
    set_segment(ret_page, VMSA_DS, 0, 0x93, 0xFFFF, 0);
    set_segment(ret_page, VMSA_FS, 0, 0x93, 0xFFFF, 0);
    set_segment(ret_page, VMSA_GS, 0, 0x93, 0xFFFF, 0);
    set_segment(ret_page, VMSA_GDTR, 0, 0, 0xFFFF, 0);
    set_segment(ret_page, VMSA_LDTR, 0, 0x82, 0xFFFF, 0);
    set_segment(ret_page, VMSA_IDTR, 0, 0, 0xFFFF, 0);
    set_segment(ret_page, VMSA_TR, 0, tr_attrib, 0xFFFF, 0);

    ccm_store_le64(ret_page + VMSA_EFER, 0x1000);       /* SVME */
    ccm_store_le64(ret_page + VMSA_CR4, 0x40);          /* MCE */
    ccm_store_le64(ret_page + VMSA_CR0, 0x10);          /* ET; KVM clears CD and NW */
    ccm_store_le64(ret_page + VMSA_DR7, 0x400);
    ccm_store_le64(ret_page + VMSA_DR6, 0xFFFF0FF0);
    ccm_store_le64(ret_page + VMSA_RFLAGS, 0x2);
    ccm_store_le64(ret_page + VMSA_RIP, rip);
    ccm_store_le64(ret_page + VMSA_G_PAT, gce ? 0x00070106 : UINT64_C(0x0007040600070406));
    ccm_store_le64(ret_page + VMSA_RDX, rdx);
    if (params->platform == CCM_PLATFORM_SEV_SNP)
        ccm_store_le64(ret_page + VMSA_SEV_FEATURES, params->guest_features);
    ccm_store_le64(ret_page + VMSA_XCR0, 0x1);
    if (fpu) {
        ccm_store_le32(ret_page + VMSA_MXCSR, 0x1F80);
        ccm_store_le16(ret_page + VMSA_X87_FCW, 0x037F);
    }
}

int ccm_sev_vmsa_page(CcmPlatform platform, CcmVmm vmm, CcmSevEsVmsa es_vmsa, int ap,
                      uint32_t reset_address, uint32_t vcpu_signature, uint64_t guest_features,
                      uint8_t *ret_page)
{
    if (!ret_page || (platform != CCM_PLATFORM_SEV_ES && platform != CCM_PLATFORM_SEV_SNP) ||
        (unsigned) vmm > CCM_VMM_EC2_RDX0 || (unsigned) es_vmsa > CCM_SEV_ES_VMSA_INIT2)
        return -EINVAL;

    CcmVmsaParams params = {
        .platform = platform,
        .vmm = vmm,
        .es_vmsa = es_vmsa,
        .reset_address = reset_address,
        .vcpu_signature = vcpu_signature,
        .guest_features = guest_features,
    };
    ccm_vmsa_build(&params, ap != 0, ret_page);
    return 0;
}

/*
 * The VMSA of every vCPU of a pre-IGVM COCONUT-SVSM guest: 32-bit protected mode with
 * flat 4 GiB segments (CS selector 8, data selectors 16, attributes with G and D/B set),
 * CR0.PE, RIP at the SVSM's entry point, SEV_FEATURES 0x1. @mxcsr sets MXCSR to its reset
 * value 0x1f80; x87 FCW stays 0 either way.
 */
void ccm_vmsa_build_svsm(uint64_t rip, uint32_t vcpu_signature, bool mxcsr, uint8_t *ret_page)
{
    memset(ret_page, 0, CCM_VMSA_SIZE);
    set_segment(ret_page, VMSA_ES, 16, 0xC93, 0xFFFFFFFF, 0);
    set_segment(ret_page, VMSA_CS, 8, 0xC9B, 0xFFFFFFFF, 0);
    set_segment(ret_page, VMSA_SS, 16, 0xC93, 0xFFFFFFFF, 0);
    set_segment(ret_page, VMSA_DS, 16, 0xC93, 0xFFFFFFFF, 0);
    set_segment(ret_page, VMSA_FS, 16, 0xC93, 0xFFFFFFFF, 0);
    set_segment(ret_page, VMSA_GS, 0, 0x93, 0xFFFF, 0);
    set_segment(ret_page, VMSA_GDTR, 0, 0, 0xFFFF, 0);
    set_segment(ret_page, VMSA_LDTR, 0, 0x82, 0xFFFF, 0);
    set_segment(ret_page, VMSA_IDTR, 0, 0, 0xFFFF, 0);
    set_segment(ret_page, VMSA_TR, 0, 0x8B, 0xFFFF, 0);

    ccm_store_le64(ret_page + VMSA_EFER, 0x1000);       /* SVME */
    ccm_store_le64(ret_page + VMSA_CR4, 0x40);          /* MCE */
    ccm_store_le64(ret_page + VMSA_CR0, 0x11);          /* ET, PE */
    ccm_store_le64(ret_page + VMSA_DR7, 0x400);
    ccm_store_le64(ret_page + VMSA_DR6, 0xFFFF0FF0);
    ccm_store_le64(ret_page + VMSA_RFLAGS, 0x2);
    ccm_store_le64(ret_page + VMSA_RIP, rip);
    ccm_store_le64(ret_page + VMSA_G_PAT, UINT64_C(0x0007040600070406));
    ccm_store_le64(ret_page + VMSA_RDX, vcpu_signature);
    ccm_store_le64(ret_page + VMSA_SEV_FEATURES, 0x1);
    ccm_store_le64(ret_page + VMSA_XCR0, 0x1);
    if (mxcsr)
        ccm_store_le32(ret_page + VMSA_MXCSR, 0x1F80);
}
