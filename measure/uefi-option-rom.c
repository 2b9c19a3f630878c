/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-option-rom.c - the EFI drivers of a PCI option ROM, as OVMF measures them
 *
 * A PCI option ROM is a chain of images (PCI Firmware Specification): each starts with
 * 0x55 0xAA and, at offset 0x18, the offset of its PCI data structure ("PCIR": vendor and
 * device ID, the image length in 512-byte units at 0x10, the code type at 0x14 and the
 * indicator at 0x15, whose bit 7 marks the last image). An image of code type 3 is an
 * EFI image, whose header (UEFI specification, "EFI PCI Expansion ROM Header") holds its
 * initialization size in 512-byte units (0x02), the EFI signature 0x0EF1 (0x04), the PE
 * subsystem (0x08) and machine (0x0A), the compression type (0x0C: 0 none, 1 the UEFI
 * compression algorithm) and the offset of the PE image or its compressed stream (0x16).
 *
 * OVMF's PCI bus driver loads the drivers among those images through a device path ending
 * in Offset(start,end): the image's first and last byte in the ROM, the end from the PCI
 * data structure's image length. The bytes it loads run from the PE image offset to the
 * initialization size, decompressed when the image is compressed; the measurement is the
 * Authenticode hash of those bytes, and the event's image length their size. It loads
 * boot-service and runtime drivers (subsystem 11 and 12) with a 0x0EF1 signature and
 * compression type 0 or 1, and skips every other image; so does this file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "digest.h"
#include "error.h"
#include "pe-authenticode.h"
#include "uefi-decompress.h"

#define ROM_SIGNATURE 0xaa55u
#define EFI_SIGNATURE 0x0ef1u
#define CODE_TYPE_EFI 3u
#define LAST_IMAGE 0x80u
#define SUBSYSTEM_BOOT_SERVICE_DRIVER 11u
#define SUBSYSTEM_RUNTIME_DRIVER 12u
#define ROM_HEADER_SIZE 0x1au /* through the PCI data structure offset */
#define PCIR_SIZE 0x18u       /* through the indicator and the revision-3 fields */

/* SHA-256 and SHA-384 of the image's Authenticode. */
static int digest(CcmUefiRomDriver *drv, const uint8_t *image, size_t size, const char *what,
                  CcmError *reterr)
{
    static const CcmHashAlgorithm algorithms[] = { CCM_HASH_SHA256, CCM_HASH_SHA384 };
    uint8_t *outs[] = { drv->sha256, drv->sha384 };

    for (size_t i = 0; i < G_N_ELEMENTS(algorithms); i++) {
        CcmHasher h;
        int r = ccm_hasher_init(&h, algorithms[i]);
        if (r < 0)
            return ccm_error_set(reterr, r, "out of memory for a hash context");
        if ((r = ccm_hasher_start(&h)) == 0 &&
            (r = ccm_pe_authenticode(&h, image, size, what, reterr)) == 0)
            r = ccm_hasher_finish(&h, outs[i]);
        ccm_hasher_done(&h);
        /* ccm_pe_authenticode() explains its own errors, not the hasher's. */
        if (r < 0)
            return reterr && reterr->message[0] ? r
                                                : ccm_error_set(reterr, r, "%s: hashing failed",
                                                                what);
    }
    return 0;
}

/* The driver of the EFI image at @start (its header checked to be in the ROM). */
static int load_driver(const uint8_t *img, size_t image_size, uint32_t start,
                       CcmUefiRomDriver *drv, CcmError *reterr)
{
    uint32_t init_size = (uint32_t) ccm_load_le16(img + 2) * 512;
    uint16_t compression = ccm_load_le16(img + 0x0c);
    uint16_t pe_offset = ccm_load_le16(img + 0x16);
    g_autofree char *what = g_strdup_printf("the EFI image at ROM offset 0x%" PRIx32, start);
    g_autofree uint8_t *decompressed = NULL;
    const uint8_t *pe;
    size_t pe_size;
    int r;

    if (init_size > image_size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: its initialization size (%" PRIu32 " bytes) exceeds its "
                             "image length (%zu bytes)",
                             what, init_size, image_size);
    if (pe_offset < ROM_HEADER_SIZE || pe_offset >= init_size)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: its PE image offset 0x%x is not between the ROM header's "
                             "end and its initialization size (%" PRIu32 " bytes)",
                             what, pe_offset, init_size);
    pe = img + pe_offset;
    pe_size = init_size - pe_offset;
    if (compression == 1) {
        size_t out_size;
        if ((r = ccm_uefi_decompress(pe, pe_size, CCM_UEFI_DECOMPRESS_MAX_SIZE, what,
                                     &decompressed, &out_size, reterr)) < 0)
            return r;
        pe = decompressed;
        pe_size = out_size;
    }
    if ((r = digest(drv, pe, pe_size, what, reterr)) < 0)
        return r;
    drv->start = start;
    drv->end = start + (uint32_t) image_size - 1;
    drv->image_size = (uint32_t) pe_size;
    drv->machine = ccm_load_le16(img + 0x0a);
    drv->subsystem = ccm_load_le16(img + 0x08);
    drv->compression = compression;
    return 0;
}

int ccm_uefi_option_rom_drivers(const void *rom, size_t size, CcmUefiRomDriver *ret,
                                size_t capacity, size_t *ret_n, CcmError *reterr)
{
    const uint8_t *base = rom;
    g_autoptr(GArray) found = g_array_new(false, true, sizeof(CcmUefiRomDriver));
    int r;

    if (reterr)
        reterr->message[0] = '\0';
    if (!rom || !ret_n || (!ret && capacity > 0))
        return ccm_error_set(reterr, -EINVAL, "ccm_uefi_option_rom_drivers: bad arguments");
    /* The ROM BAR is at most 16 MiB; offsets below fit 32 bits. */
    if (size > UINT32_MAX)
        return ccm_error_set(reterr, -EFBIG, "the option ROM is %zu bytes, larger than 4 GiB",
                             size);

    for (size_t off = 0;;) {
        if (size - off < ROM_HEADER_SIZE)
            return ccm_error_set(reterr, -EBADMSG,
                                 "the option ROM image at 0x%zx is cut off: %zu bytes, a "
                                 "%u-byte header expected",
                                 off, size - off, ROM_HEADER_SIZE);
        const uint8_t *img = base + off;
        if (ccm_load_le16(img) != ROM_SIGNATURE)
            return ccm_error_set(reterr, -EBADMSG,
                                 "no option ROM image at 0x%zx: 0x55 0xAA expected, found "
                                 "0x%02x 0x%02x",
                                 off, img[0], img[1]);
        uint16_t pcir_off = ccm_load_le16(img + 0x18);
        if (pcir_off < ROM_HEADER_SIZE || (pcir_off & 3) != 0 ||
            pcir_off + PCIR_SIZE > size - off)
            return ccm_error_set(reterr, -EBADMSG,
                                 "the option ROM image at 0x%zx: its PCI data structure "
                                 "offset 0x%x is not a 4-byte aligned offset past its header "
                                 "with %u bytes in the ROM",
                                 off, pcir_off, PCIR_SIZE);
        const uint8_t *pcir = img + pcir_off;
        if (memcmp(pcir, "PCIR", 4) != 0)
            return ccm_error_set(reterr, -EBADMSG,
                                 "the option ROM image at 0x%zx: \"PCIR\" expected at 0x%zx",
                                 off, off + pcir_off);
        size_t image_size = (size_t) ccm_load_le16(pcir + 0x10) * 512;
        uint8_t code_type = pcir[0x14], indicator = pcir[0x15];
        if (image_size == 0 || image_size > size - off)
            return ccm_error_set(reterr, -EBADMSG,
                                 "the option ROM image at 0x%zx declares %zu bytes, the ROM "
                                 "holds %zu from there",
                                 off, image_size, size - off);
        if (code_type == CODE_TYPE_EFI && ccm_load_le32(img + 4) == EFI_SIGNATURE &&
            (ccm_load_le16(img + 8) == SUBSYSTEM_BOOT_SERVICE_DRIVER ||
             ccm_load_le16(img + 8) == SUBSYSTEM_RUNTIME_DRIVER) &&
            ccm_load_le16(img + 0x0c) <= 1) {
            CcmUefiRomDriver drv = { 0 };
            if ((r = load_driver(img, image_size, (uint32_t) off, &drv, reterr)) < 0)
                return r;
            drv.vendor_id = ccm_load_le16(pcir + 4);
            drv.device_id = ccm_load_le16(pcir + 6);
            if (ret && found->len >= capacity)
                return ccm_error_set(reterr, -ENOBUFS,
                                     "the option ROM holds more than %zu EFI drivers",
                                     capacity);
            g_array_append_val(found, drv);
        }
        off += image_size;
        if (indicator & LAST_IMAGE)
            break;
        if (off == size)
            return ccm_error_set(reterr, -EBADMSG,
                                 "the option ROM ends at 0x%zx after an image not marked last "
                                 "(bit 7 of its PCI data structure's indicator)",
                                 off);
    }
    if (ret && found->len > 0)
        memcpy(ret, found->data, found->len * sizeof(CcmUefiRomDriver));
    *ret_n = found->len;
    return 0;
}
