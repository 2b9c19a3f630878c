/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cca-vmm.c - where QEMU and kvmtool put a realm's images: the operation list they issue
 *
 * Theory of operation (cca.md §3.2, §3.4; the peer's docs/realm-vm.md). The VMM decides
 * what enters the RIM: the blobs it loads, at which IPA, in which order, the RAM it
 * RIPAS-initialises and the boot REC's registers. Both profiles issue, in order:
 * RTT_INIT_RIPAS over all RAM (RMM 1.0; with the RMM 2.0 host API it comes after the
 * RECs and is not measured), the blobs in ascending IPA order, the boot vCPU's REC
 * (the only runnable one; the others start through PSCI), then the unmeasured 64 KiB
 * measurement log.
 *
 * QEMU (Linaro CCA series, -M virt): RAM at 1 GiB. With -bios the firmware is loaded
 * at 0 (that flash region becomes RAM) and the DTB at the base of RAM, PC 0 and x0 0;
 * -kernel/-initrd then go to the firmware through fw_cfg and are not in the RIM. With
 * direct boot the Image goes to RAM base + text_offset, the initrd to
 * max(RAM base + min(RAM / 2, 128 MiB), kernel + image_size) rounded up to 4 KiB and
 * the DTB to the next 2 MiB boundary after the initrd; PC is the kernel entry, x0 the
 * DTB. With neither, the DTB sits at RAM base and PC points there. The log goes 1 MiB
 * after the DTB.
 *
 * kvmtool (--realm): RAM at 2 GiB, a multiple of 2 MiB. Everything but the kernel
 * lives below min(RAM end, RAM base + 256 MiB): the log in its last 64 KiB, the DTB
 * (always 64 KiB, zero padded) at the 2 MiB boundary below the log or that limit, the
 * initrd just below the DTB at a 4-byte aligned address; firmware or kernel at RAM
 * base; PC the firmware or kernel entry (0 without either), x0 the DTB.
 *
 * The DTB is always an input: QEMU's own DTB depends on its version and every device
 * option, so the same file must be given to the VMM (-dtb) and to us.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "error.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

#define QEMU_RAM_BASE (1 * GIB)
#define QEMU_FIRMWARE_MAX (128 * MIB) /* 0x00000000-0x07ffffff, firmware RAM */
#define QEMU_LOG_OFFSET (1 * MIB)
#define KVMTOOL_RAM_BASE (2 * GIB)
#define KVMTOOL_LOW_LIMIT (256 * MIB)
#define KVMTOOL_DTB_SIZE (64 * KIB)
#define LOG_SIZE (64 * KIB)
#define FDT_MAGIC 0xd00dfeedu
#define IMAGE_MAGIC 0x644d5241u /* "ARM\x64" */

static uint64_t align_down(uint64_t v, uint64_t a)
{
    return v - v % a;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return align_down(v + a - 1, a);
}

/* Bits needed to address @v - 1. */
static uint32_t bits_for(uint64_t v)
{
    uint32_t n = 0;
    for (uint64_t x = v - 1; x; x >>= 1)
        n++;
    return n;
}

CcmCcaHash ccm_cca_vmm_default_hash(CcmCcaVmm vmm, CcmCcaRmm rmm)
{
    /* rme-guest's measurement-algorithm defaults to sha512 in the RFC v3 era; the 2026
     * ports for the RMM 2.0 host API have no such property and KVM leaves SHA-256. */
    if (vmm == CCM_CCA_VMM_QEMU && rmm == CCM_CCA_RMM_1_0)
        return CCM_CCA_HASH_SHA512;
    return CCM_CCA_HASH_SHA256;
}

uint32_t ccm_cca_vmm_default_s2sz(CcmCcaVmm vmm, uint64_t memory)
{
    if (memory == 0)
        return 0;
    if (vmm == CCM_CCA_VMM_QEMU) {
        /* virt's high memory map: redistributors, ECAM, then the 512 GiB PCIe MMIO
         * window aligned to its size, above max(256 GiB, RAM end); plus the shared bit. */
        uint64_t ram_end = QEMU_RAM_BASE + memory;
        if (memory > 4096 * GIB)
            return 0;
        uint64_t base = MAX(256 * GIB, align_up(ram_end, GIB));
        uint64_t top = align_up(base + 512 * MIB, 512 * GIB) + 512 * GIB;
        return bits_for(top) + 1;
    }
    if (vmm == CCM_CCA_VMM_KVMTOOL) {
        if (memory > 4096 * GIB)
            return 0;
        return MAX(33u, bits_for(KVMTOOL_RAM_BASE + memory) + 1);
    }
    return 0;
}

/* The arm64 Image header (Documentation/arch/arm64/booting.rst). */
static int parse_image(const CcmCcaBlob *kernel, uint64_t *ret_text_offset,
                       uint64_t *ret_image_size, CcmError *reterr)
{
    const uint8_t *p = kernel->data;

    if (kernel->size >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return ccm_error_set(reterr, -EINVAL, "%s: the kernel is gzip-compressed; QEMU "
                                              "measures it decompressed: give the "
                                              "uncompressed arm64 Image", kernel->name);
    if (kernel->size < 64)
        return ccm_error_set(reterr, -EINVAL, "%s: %zu bytes, too short for an arm64 Image "
                                              "header (64 bytes)", kernel->name, kernel->size);
    if (ccm_load_le32(p + 0x38) != IMAGE_MAGIC)
        return ccm_error_set(reterr, -EINVAL, "%s: not an arm64 Image: no \"ARM\\x64\" magic "
                                              "at offset 0x38", kernel->name);
    uint64_t text_offset = ccm_load_le32(p + 8) | (uint64_t) ccm_load_le32(p + 12) << 32;
    uint64_t image_size = ccm_load_le32(p + 16) | (uint64_t) ccm_load_le32(p + 20) << 32;
    if (image_size == 0)
        return ccm_error_set(reterr, -EINVAL, "%s: the Image header has image_size 0 (a "
                                              "kernel older than 3.17): its placement is not "
                                              "modelled", kernel->name);
    if (text_offset % 4096 != 0 || text_offset >= 2 * MIB)
        return ccm_error_set(reterr, -EINVAL, "%s: Image text_offset 0x%" PRIx64 ": expected "
                                              "a 4 KiB multiple below 2 MiB", kernel->name,
                             text_offset);
    *ret_text_offset = text_offset;
    *ret_image_size = image_size;
    return 0;
}

typedef struct Placed {
    const char *name;
    const uint8_t *data;
    size_t size;
    uint64_t ipa;
} Placed;

typedef struct Layout {
    Placed blobs[4];
    size_t n;
    uint64_t pc;
    uint64_t x0;
    bool log;
    uint64_t log_base;
} Layout;

static void place(Layout *l, const CcmCcaBlob *b, const void *data, size_t size, uint64_t ipa)
{
    l->blobs[l->n++] = (Placed) { .name = b->name, .data = data, .size = size, .ipa = ipa };
}

static int too_small(const CcmCcaVmmConfig *c, const char *what, uint64_t end, uint64_t ram_end,
                     CcmError *reterr)
{
    return ccm_error_set(reterr, -EINVAL, "memory %" PRIu64 " bytes is too small for the "
                                          "images: %s would end at 0x%" PRIx64 ", past the end "
                                          "of RAM 0x%" PRIx64, c->memory, what, end, ram_end);
}

static int layout_qemu(const CcmCcaVmmConfig *c, Layout *l, CcmError *reterr)
{
    const uint64_t base = QEMU_RAM_BASE, ram_end = base + c->memory;
    int r;

    if (c->firmware.data) {
        if (c->firmware.size > QEMU_FIRMWARE_MAX)
            return ccm_error_set(reterr, -EINVAL, "%s: %zu bytes do not fit QEMU's 128 MiB "
                                                  "firmware region at 0", c->firmware.name,
                                 c->firmware.size);
        place(l, &c->firmware, c->firmware.data, c->firmware.size, 0);
        place(l, &c->dtb, c->dtb.data, c->dtb.size, base);
        l->pc = 0;
        l->x0 = 0;
    } else if (c->kernel.data) {
        uint64_t text_offset = 0, image_size = 0;
        if ((r = parse_image(&c->kernel, &text_offset, &image_size, reterr)) < 0)
            return r;
        uint64_t kstart = base + text_offset;
        uint64_t kend = kstart + MAX(image_size, (uint64_t) c->kernel.size);
        if (kend > ram_end)
            return too_small(c, c->kernel.name, kend, ram_end, reterr);
        place(l, &c->kernel, c->kernel.data, c->kernel.size, kstart);
        uint64_t istart = align_up(MAX(base + MIN(c->memory / 2, 128 * MIB),
                                       kstart + image_size), 4 * KIB);
        uint64_t iend = istart + (c->initrd.data ? c->initrd.size : 0);
        if (c->initrd.data) {
            if (iend > ram_end)
                return too_small(c, c->initrd.name, iend, ram_end, reterr);
            place(l, &c->initrd, c->initrd.data, c->initrd.size, istart);
        }
        uint64_t dtb = align_up(iend, 2 * MIB);
        if (dtb + c->dtb.size > ram_end)
            return too_small(c, c->dtb.name, dtb + c->dtb.size, ram_end, reterr);
        place(l, &c->dtb, c->dtb.data, c->dtb.size, dtb);
        l->pc = kstart;
        l->x0 = dtb;
    } else {
        if (c->initrd.data)
            return ccm_error_set(reterr, -EINVAL, "%s: an initrd needs a kernel (or firmware "
                                                  "that loads it through fw_cfg)",
                                 c->initrd.name);
        place(l, &c->dtb, c->dtb.data, c->dtb.size, base);
        l->pc = base;
        l->x0 = base;
    }
    if (c->dtb.size > ram_end - base)
        return too_small(c, c->dtb.name, base + c->dtb.size, ram_end, reterr);
    if (c->measurement_log) {
        uint64_t dtb = l->blobs[l->n - 1].ipa;
        l->log = true;
        l->log_base = dtb + QEMU_LOG_OFFSET;
        if (l->log_base + LOG_SIZE > ram_end)
            return too_small(c, "the measurement log", l->log_base + LOG_SIZE, ram_end, reterr);
    }
    return 0;
}

static int layout_kvmtool(const CcmCcaVmmConfig *c, Layout *l, CcmError *reterr)
{
    const uint64_t base = KVMTOOL_RAM_BASE, ram_end = base + c->memory;
    const uint64_t limit = base + MIN(c->memory, KVMTOOL_LOW_LIMIT);
    int r;

    if (c->memory % (2 * MIB) != 0)
        return ccm_error_set(reterr, -EINVAL, "memory %" PRIu64 " bytes: kvmtool realms need "
                                              "a multiple of 2 MiB", c->memory);
    if (c->memory < 4 * MIB)
        return ccm_error_set(reterr, -EINVAL, "memory %" PRIu64 " bytes is too small for the "
                                              "images: kvmtool needs at least 4 MiB for the "
                                              "DTB below the end of RAM", c->memory);
    if (c->dtb.size > KVMTOOL_DTB_SIZE)
        return ccm_error_set(reterr, -EINVAL, "%s: %zu bytes; kvmtool's DTB is at most 64 KiB",
                             c->dtb.name, c->dtb.size);
    if (c->firmware.data && (c->kernel.data || c->initrd.data))
        return ccm_error_set(reterr, -EINVAL, "%s: kvmtool with --firmware loads no kernel or "
                                              "initrd itself; that combination is not modelled",
                             c->firmware.name);
    if (c->initrd.data && !c->kernel.data)
        return ccm_error_set(reterr, -EINVAL, "%s: an initrd needs a kernel", c->initrd.name);
    uint64_t top = limit;
    if (c->measurement_log) {
        l->log = true;
        l->log_base = limit - LOG_SIZE;
        top = l->log_base;
    }
    uint64_t dtb = align_down(top - KVMTOOL_DTB_SIZE, 2 * MIB);
    uint64_t low = base; /* lowest address the initrd may use */
    l->pc = 0;
    if (c->firmware.data) {
        place(l, &c->firmware, c->firmware.data, c->firmware.size, base);
        low = base + c->firmware.size;
        l->pc = base;
        if (low > dtb)
            return too_small(c, c->firmware.name, low, dtb, reterr);
    } else if (c->kernel.data) {
        uint64_t text_offset = 0, image_size = 0;
        if ((r = parse_image(&c->kernel, &text_offset, &image_size, reterr)) < 0)
            return r;
        uint64_t kstart = base + text_offset;
        low = kstart + MAX(image_size, (uint64_t) c->kernel.size);
        if (low > ram_end)
            return too_small(c, c->kernel.name, low, ram_end, reterr);
        if (low > dtb)
            return too_small(c, c->kernel.name, low, dtb, reterr);
        place(l, &c->kernel, c->kernel.data, c->kernel.size, kstart);
        l->pc = kstart;
    }
    if (c->initrd.data) {
        if (c->initrd.size > dtb - low)
            return too_small(c, c->initrd.name, low + c->initrd.size, dtb, reterr);
        place(l, &c->initrd, c->initrd.data, c->initrd.size,
              align_down(dtb - c->initrd.size, 4));
    }
    place(l, &c->dtb, NULL, KVMTOOL_DTB_SIZE, dtb); /* data: the padded copy */
    l->x0 = dtb;
    return 0;
}

static int compare_placed(const void *a, const void *b)
{
    const Placed *x = a, *y = b;
    return x->ipa < y->ipa ? -1 : x->ipa > y->ipa;
}

static int check_config(const CcmCcaVmmConfig *c, CcmError *reterr)
{
    const CcmCcaBlob *blobs[] = { &c->firmware, &c->kernel, &c->initrd, &c->dtb };

    if (!ccm_cca_vmm_to_string(c->vmm))
        return ccm_error_set(reterr, -EINVAL, "unknown VMM %d: expected qemu or kvmtool",
                             (int) c->vmm);
    if (!c->dtb.data)
        return ccm_error_set(reterr, -EINVAL, "the DTB is required: the device tree sits in "
                                              "realm memory and is measured; generate it once "
                                              "(e.g. QEMU -machine dumpdtb=FILE) and pass the "
                                              "same file to the VMM (-dtb) and here");
    for (size_t i = 0; i < G_N_ELEMENTS(blobs); i++)
        if (blobs[i]->data && (!blobs[i]->name || blobs[i]->size == 0))
            return ccm_error_set(reterr, -EINVAL, "%s: the file is empty",
                                 blobs[i]->name ? blobs[i]->name : "a blob");
    if (c->dtb.size < 40 || ccm_load_le32((const uint8_t *) c->dtb.data) !=
                                GUINT32_SWAP_LE_BE(FDT_MAGIC))
        return ccm_error_set(reterr, -EINVAL, "%s: not a flattened device tree (no d00dfeed "
                                              "magic)", c->dtb.name);
    if (c->vcpus < 1 || c->vcpus > 512)
        return ccm_error_set(reterr, -EINVAL, "vcpus %u: expected 1 to 512", c->vcpus);
    if (c->memory == 0 || c->memory % c->host_page_size != 0)
        return ccm_error_set(reterr, -EINVAL, "memory %" PRIu64 " bytes: expected a non-zero "
                                              "multiple of the host page size (%" PRIu64 ")",
                             c->memory, c->host_page_size);
    uint64_t ram_base = c->vmm == CCM_CCA_VMM_QEMU ? QEMU_RAM_BASE : KVMTOOL_RAM_BASE;
    if (c->params.s2sz >= 32 && c->params.s2sz <= 52 &&
        c->memory > (UINT64_C(1) << (c->params.s2sz - 1)) - ram_base)
        return ccm_error_set(reterr, -EINVAL, "memory %" PRIu64 " bytes at 0x%" PRIx64 " does "
                                              "not fit the protected half of a %u-bit IPA space",
                             c->memory, ram_base, c->params.s2sz);
    return 0;
}

int ccm_cca_vmm_build(const CcmCcaVmmConfig *config, CcmCcaRealm **ret, CcmError *reterr)
{
    int r;

    if (!config || !ret)
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_vmm_build: config and ret are required");
    CcmCcaRealm *realm = NULL;
    /* The RealmParams first: an unknown hash or s2sz is reported as such. */
    if ((r = ccm_cca_realm_new(config->rmm, &config->params, config->host_page_size, &realm,
                               reterr)) < 0)
        return r;
    Layout l = { 0 };
    if ((r = check_config(config, reterr)) < 0 ||
        (r = config->vmm == CCM_CCA_VMM_QEMU ? layout_qemu(config, &l, reterr)
                                              : layout_kvmtool(config, &l, reterr)) < 0) {
        ccm_cca_realm_free(realm);
        return r;
    }
    g_autofree uint8_t *padded = NULL;
    for (size_t i = 0; i < l.n; i++)
        if (!l.blobs[i].data) {
            padded = g_malloc0(l.blobs[i].size);
            memcpy(padded, config->dtb.data, config->dtb.size);
            l.blobs[i].data = padded;
        }
    qsort(l.blobs, l.n, sizeof(l.blobs[0]), compare_placed);

    const uint64_t ram_base = config->vmm == CCM_CCA_VMM_QEMU ? QEMU_RAM_BASE : KVMTOOL_RAM_BASE;
    const uint64_t ripas_size = align_up(config->memory, config->host_page_size);
    const uint64_t gprs[8] = { l.x0 };
    if (config->rmm == CCM_CCA_RMM_1_0)
        r = ccm_cca_realm_add_ripas(realm, ram_base, ripas_size, reterr);
    for (size_t i = 0; i < l.n && r == 0; i++)
        r = ccm_cca_realm_add_data(realm, l.blobs[i].ipa, l.blobs[i].data, l.blobs[i].size,
                                   l.blobs[i].name, reterr);
    if (r == 0)
        r = ccm_cca_realm_add_rec(realm, CCM_CCA_REC_RUNNABLE, l.pc, gprs, reterr);
    /* RMM 2.0 host API (Linux v12+): INIT_RIPAS on the first KVM_RUN, after the RECs;
     * recorded for completeness, not measured. */
    if (r == 0 && config->rmm == CCM_CCA_RMM_2_0)
        r = ccm_cca_realm_add_ripas(realm, ram_base, ripas_size, reterr);
    if (r == 0 && l.log)
        r = ccm_cca_realm_add_unmeasured(realm, l.log_base, LOG_SIZE, reterr);
    if (r < 0) {
        ccm_cca_realm_free(realm);
        return r;
    }
    *ret = realm;
    return 0;
}
