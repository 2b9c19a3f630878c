/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev.c - the SEV and SEV-ES launch digest
 *
 * Theory of operation: for SEV and SEV-ES guests the firmware computes one SHA-256
 * over everything LAUNCH_UPDATE_DATA/VMSA encrypted, in order: the firmware image,
 * the 176-byte kernel-hashes table when a kernel is measured, and (SEV-ES) one VMSA
 * page per vCPU, boot vCPU first. This "LD" is what ccm reports; the value QEMU
 * returns from query-sev-launch-measure is an HMAC over it keyed with the guest
 * owner's TIK.
 */
#include <errno.h>
#include <string.h>

#include "error.h"
#include "firmware.h"
#include "kernel-hashes.h"
#include "sev-guest.h"
#include "vmsa.h"

static void emit_bytes(const CcmSevGuest *g, const CcmHasher *ld, const char *stage,
                       const char *detail, uint64_t gpa, uint64_t size)
{
    uint8_t running[CCM_SHA256_SIZE];

    if (!g->step_func || ccm_hasher_peek(ld, running) < 0)
        return;
    CcmStep step = {
        .kind = CCM_STEP_BYTES,
        .stage = stage,
        .detail = detail,
        .gpa = gpa,
        .size = size,
        .digest = running,
        .digest_size = CCM_SHA256_SIZE,
    };
    ccm_sev_guest_emit(g, &step);
}

static int add_kernel_hashes(CcmSevGuest *g, CcmHasher *ld, CcmError *reterr)
{
    const CcmFirmware *fw = g->firmware;

    if (!fw->sev.has_hash_table_block || fw->sev.hash_table_base == 0)
        return ccm_error_set(reterr, -ENOTSUP,
                             "%s: cannot measure a kernel: the firmware has no SEV hash-table "
                             "area (footer GUID 7255371f-3a3b-4b04-927b-1da6efa8d454 %s); "
                             "measured direct boot needs an AmdSev OVMF build",
                             fw->name, fw->sev.has_hash_table_block ? "has base 0" : "missing");
    if (fw->sev.hash_table_size < CCM_KERNEL_HASHES_TABLE_SIZE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the SEV hash-table area is %u bytes, smaller than the %d "
                             "bytes of the kernel-hashes table",
                             fw->name, fw->sev.hash_table_size, CCM_KERNEL_HASHES_TABLE_SIZE);

    CcmKernelHashes hashes;
    uint8_t table[CCM_KERNEL_HASHES_TABLE_SIZE];
    int r = ccm_sev_guest_kernel_hashes(g, &hashes, reterr);
    if (r < 0)
        return r;
    ccm_kernel_hashes_table(&hashes, table);
    if ((r = ccm_hasher_update(ld, table, sizeof(table))) < 0)
        return ccm_error_set(reterr, r, "hashing failed");
    emit_bytes(g, ld, "kernel-hashes", "kernel-hashes table", fw->sev.hash_table_base,
               sizeof(table));
    return 0;
}

static int add_vmsas(CcmSevGuest *g, CcmHasher *ld, CcmError *reterr)
{
    const CcmFirmware *fw = g->firmware;

    if (!fw->sev.has_reset_block)
        return ccm_error_set(reterr, -ENOTSUP,
                             "%s: the firmware has no SEV-ES reset block (footer GUID "
                             "00f771de-1a7e-4fcb-890e-68c77e2fb44e): it cannot start SEV-ES "
                             "vCPUs",
                             fw->name);
    if (fw->sev.reset_address == 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the SEV-ES reset block holds address 0, which QEMU refuses",
                             fw->name);

    CcmVmsaParams params = {
        .platform = CCM_PLATFORM_SEV_ES,
        .vmm = g->vmm,
        .es_vmsa = g->es_vmsa,
        .reset_address = fw->sev.reset_address,
        .vcpu_signature = g->signature,
    };
    uint8_t pages[2][CCM_VMSA_SIZE];
    uint8_t hashes[2][CCM_SHA256_SIZE];
    CcmHasher page_hasher;
    int r;

    if ((r = ccm_hasher_init(&page_hasher, CCM_HASH_SHA256)) < 0)
        return ccm_error_set(reterr, r, "cannot set up SHA-256");
    for (int ap = 0; ap < 2 && r == 0; ap++) {
        ccm_vmsa_build(&params, ap, pages[ap]);
        r = ccm_hasher_digest(&page_hasher, pages[ap], CCM_VMSA_SIZE, hashes[ap]);
    }
    ccm_hasher_done(&page_hasher);

    for (uint32_t i = 0; i < g->vcpus && r == 0; i++) {
        int ap = i > 0;
        if ((r = ccm_hasher_update(ld, pages[ap], CCM_VMSA_SIZE)) < 0)
            break;
        if (g->step_func) {
            uint8_t running[CCM_SHA256_SIZE];
            if ((r = ccm_hasher_peek(ld, running)) < 0)
                break;
            CcmStep step = {
                .kind = CCM_STEP_VMSA,
                .stage = "vmsa",
                .detail = ap ? "AP" : "BSP",
                .index = i,
                .size = CCM_VMSA_SIZE,
                .n_pages = 1,
                .content_hash = hashes[ap],
                .content_hash_size = CCM_SHA256_SIZE,
                .digest = running,
                .digest_size = CCM_SHA256_SIZE,
            };
            ccm_sev_guest_emit(g, &step);
        }
    }
    return r < 0 ? ccm_error_set(reterr, r, "hashing the VMSAs failed") : 0;
}

int ccm_sev_measure(CcmSevGuest *g, uint8_t *ret_digest, CcmError *reterr)
{
    CcmFirmware *fw = g->firmware;
    CcmHasher ld;
    int r;

    if ((r = ccm_hasher_init(&ld, CCM_HASH_SHA256)) < 0)
        return ccm_error_set(reterr, r, "cannot set up SHA-256");
    if ((r = ccm_firmware_sev_prefix(fw, &ld, reterr)) < 0)
        goto out;
    emit_bytes(g, &ld, "firmware", fw->name, ccm_firmware_gpa(fw), fw->size);

    if (g->kernel.given && (r = add_kernel_hashes(g, &ld, reterr)) < 0)
        goto out;
    if (g->platform == CCM_PLATFORM_SEV_ES && (r = add_vmsas(g, &ld, reterr)) < 0)
        goto out;
    if ((r = ccm_hasher_finish(&ld, ret_digest)) < 0)
        ccm_error_set(reterr, r, "hashing failed");
out:
    ccm_hasher_done(&ld);
    return r;
}
