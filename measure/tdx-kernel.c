/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-kernel.c - RTMR1's kernel image digest and RTMR2's command line, for direct boot
 *
 * OVMF measures the kernel it gets from QEMU's fw_cfg as a PE image (the EFI stub's
 * header): the Authenticode SHA-384. QEMU patches the bzImage setup header before it
 * serves it (x86_load_linux: loader type, heap end, command line address, and the
 * initrd's address and size), so the digest is of the patched image (tdx.md §3.3).
 * The Authenticode hash itself is pe-authenticode.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "digest.h"
#include "error.h"
#include "pe-authenticode.h"

#define ACPI_DATA_SIZE 0x28000u
#define CMDLINE_ADDR 0x20000u

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* QEMU's setup-header patch; -EBADMSG if @k is not a bzImage QEMU would load. */
static int patch_header(uint8_t *k, size_t size, uint64_t low_ram, int64_t initrd_size,
                        CcmError *reterr)
{
    if (size < 0x1000 || memcmp(k + 0x202, "HdrS", 4) != 0)
        return ccm_error_set(reterr, -EBADMSG, "the kernel has no Linux setup header (\"HdrS\" "
                                               "at 0x202): not a bzImage");
    uint16_t protocol = ccm_load_le16(k + 0x206);
    if (protocol < 0x202 || !(k[0x211] & 0x01))
        return ccm_error_set(reterr, -EBADMSG,
                             "the kernel's boot protocol 0x%x (or a kernel not loaded high) is "
                             "older than direct TDX boot supports",
                             protocol);
    k[0x210] = 0xb0;                          /* type_of_loader: QEMU */
    k[0x211] |= 0x80;                         /* loadflags: CAN_USE_HEAP */
    ccm_store_le16(k + 0x224, (uint16_t) (CMDLINE_ADDR - 0x10000 - 0x200)); /* heap_end_ptr */
    ccm_store_le32(k + 0x228, CMDLINE_ADDR);  /* cmd_line_ptr */
    if (initrd_size >= 0) {
        uint64_t initrd_max;
        if (protocol >= 0x20c && (ccm_load_le16(k + 0x236) & 0x2))
            initrd_max = 0xffffffffull;
        else if (protocol >= 0x203)
            initrd_max = ccm_load_le32(k + 0x22c);
        else
            initrd_max = 0x37ffffffull;
        uint64_t below_4g = min_u64(low_ram, 0x100000000ull);
        if (initrd_max >= below_4g - ACPI_DATA_SIZE)
            initrd_max = below_4g - ACPI_DATA_SIZE - 1;
        if ((uint64_t) initrd_size > initrd_max)
            return ccm_error_set(reterr, -EBADMSG,
                                 "the initrd (%" PRId64 " bytes) does not fit below the TD's "
                                 "low RAM",
                                 initrd_size);
        ccm_store_le32(k + 0x218, (uint32_t) ((initrd_max - (uint64_t) initrd_size) & ~0xfffull));
        ccm_store_le32(k + 0x21c, (uint32_t) initrd_size);
    }
    return 0;
}

/* The kernel's Authenticode (pe-authenticode.c), saying what a kernel without a PE header
 * lacks. */
static int authenticode(CcmHasher *h, const uint8_t *img, size_t size, CcmError *reterr)
{
    if (size < 0x40 || img[0] != 'M' || img[1] != 'Z')
        return ccm_error_set(reterr, -EBADMSG, "the kernel has no PE header (an EFI stub is "
                                               "needed for TDX direct boot)");
    return ccm_pe_authenticode(h, img, size, "the kernel", reterr);
}

int ccm_tdx_kernel_digest(const void *kernel, size_t size, uint64_t low_ram,
                          int64_t initrd_size, uint8_t *ret_digest, CcmError *reterr)
{
    if (!kernel || !ret_digest)
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_kernel_digest: bad arguments");
    uint8_t *k = malloc(size);
    if (!k)
        return ccm_error_set(reterr, -ENOMEM, "out of memory for the kernel");
    memcpy(k, kernel, size);
    CcmHasher h;
    int r = patch_header(k, size, low_ram, initrd_size, reterr);
    if (r == 0 && (r = ccm_hasher_init(&h, CCM_HASH_SHA384)) == 0) {
        if ((r = ccm_hasher_start(&h)) == 0 && (r = authenticode(&h, k, size, reterr)) == 0)
            r = ccm_hasher_finish(&h, ret_digest);
        ccm_hasher_done(&h);
    }
    free(k);
    if (r < 0 && reterr && reterr->message[0] == '\0')
        return ccm_error_set(reterr, r, "SHA-384 failed");
    return r;
}

int ccm_tdx_kernel_file_digest(const void *kernel, size_t size, uint8_t *ret_digest,
                               CcmError *reterr)
{
    if (!kernel || !ret_digest)
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_kernel_file_digest: bad arguments");
    CcmHasher h;
    int r = ccm_hasher_init(&h, CCM_HASH_SHA384);
    if (r == 0) {
        if ((r = ccm_hasher_start(&h)) == 0 && (r = authenticode(&h, kernel, size, reterr)) == 0)
            r = ccm_hasher_finish(&h, ret_digest);
        ccm_hasher_done(&h);
    }
    if (r < 0 && reterr && reterr->message[0] == '\0')
        return ccm_error_set(reterr, r, "SHA-384 failed");
    return r;
}

int ccm_tdx_kernel_event_digest(const void *kernel, size_t size, unsigned flags,
                                uint64_t ram_size, int64_t initrd_size, uint8_t *ret_digest,
                                CcmError *reterr)
{
    if (flags & CCM_TDX_BOOT_KERNEL_FILE)
        return ccm_tdx_kernel_file_digest(kernel, size, ret_digest, reterr);
    /* q35 keeps RAM below 2 GiB once it would reach the PCI hole (tdx.md §3.2). */
    uint64_t low_ram = ram_size >= 0xb0000000ull ? 0x80000000ull : ram_size;
    return ccm_tdx_kernel_digest(kernel, size, low_ram, initrd_size, ret_digest, reterr);
}

int ccm_tdx_cmdline_digest(const char *append, int with_initrd, uint8_t *ret_digest)
{
    return ccm_tdx_load_options_digest(append, with_initrd, 0, ret_digest);
}

int ccm_tdx_load_options_digest(const char *append, int with_initrd, unsigned flags,
                                uint8_t *ret_digest)
{
    return ccm_uefi_load_options_digests(append, with_initrd, flags, NULL, ret_digest);
}

/* The Authenticode digest of @img with @algorithm. */
static int authenticode_digest(const uint8_t *img, size_t size, CcmHashAlgorithm algorithm,
                               uint8_t *ret_digest, CcmError *reterr)
{
    CcmHasher h;
    int r = ccm_hasher_init(&h, algorithm);
    if (r == 0) {
        if ((r = ccm_hasher_start(&h)) == 0 && (r = authenticode(&h, img, size, reterr)) == 0)
            r = ccm_hasher_finish(&h, ret_digest);
        ccm_hasher_done(&h);
    }
    if (r < 0 && reterr && reterr->message[0] == '\0')
        return ccm_error_set(reterr, r, "the kernel's digest failed");
    return r;
}

int ccm_uefi_kernel_event_digests(const void *kernel, size_t size, unsigned flags,
                                  uint64_t ram_size, int64_t initrd_size, uint8_t *ret_sha256,
                                  uint8_t *ret_sha384, CcmError *reterr)
{
    if (!kernel || !ret_sha384)
        return ccm_error_set(reterr, -EINVAL, "ccm_uefi_kernel_event_digests: bad arguments");
    const uint8_t *img = kernel;
    uint8_t *k = NULL;
    int r = 0;
    if (!(flags & CCM_TDX_BOOT_KERNEL_FILE)) {
        if (!(k = malloc(size)))
            return ccm_error_set(reterr, -ENOMEM, "out of memory for the kernel");
        memcpy(k, kernel, size);
        uint64_t low_ram = ram_size >= 0xb0000000ull ? 0x80000000ull : ram_size;
        r = patch_header(k, size, low_ram, initrd_size, reterr);
        img = k;
    }
    if (r == 0)
        r = authenticode_digest(img, size, CCM_HASH_SHA384, ret_sha384, reterr);
    if (r == 0 && ret_sha256)
        r = authenticode_digest(img, size, CCM_HASH_SHA256, ret_sha256, reterr);
    free(k);
    return r;
}

int ccm_uefi_load_options_digests(const char *append, int with_initrd, unsigned flags,
                                  uint8_t *ret_sha256, uint8_t *ret_sha384)
{
    bool first = with_initrd && (flags & CCM_TDX_BOOT_INITRD_FIRST);
    const char *prefix = first ? "initrd=initrd " : "";
    const char *suffix = with_initrd && !first ? " initrd=initrd" : "";
    size_t n = strlen(prefix) + strlen(append ? append : "") + strlen(suffix);
    uint8_t *u = calloc(n + 1, 2);
    if (!u)
        return -ENOMEM;
    size_t i = 0;
    for (const char *p = prefix; *p; p++, i++)
        u[2 * i] = (uint8_t) *p;
    for (const char *p = append ? append : ""; *p; p++, i++)
        u[2 * i] = (uint8_t) *p;
    for (const char *p = suffix; *p; p++, i++)
        u[2 * i] = (uint8_t) *p;
    int r = ret_sha384 ? ccm_digest_once(CCM_HASH_SHA384, u, 2 * (n + 1), ret_sha384) : 0;
    if (r == 0 && ret_sha256)
        r = ccm_digest_once(CCM_HASH_SHA256, u, 2 * (n + 1), ret_sha256);
    free(u);
    return r;
}

char *ccm_tdx_kernel_version(const void *kernel, size_t size)
{
    const uint8_t *k = kernel;
    if (!k || size < 0x210 || memcmp(k + 0x202, "HdrS", 4) != 0)
        return NULL;
    size_t off = (size_t) ccm_load_le16(k + 0x20e) + 0x200;
    if (off >= size)
        return NULL;
    size_t len = strnlen((const char *) k + off, size - off);
    if (len == 0 || len == size - off)
        return NULL;
    return strndup((const char *) k + off, len);
}
