/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-firmware-volumes.c - the firmware volumes OVMF measures into a vTPM's PCR0
 *
 * Theory of operation. OVMF's flash (the CODE image, or the unified image after its
 * variable store) holds two firmware volumes: SECFV, which runs from flash, and
 * FVMAIN_COMPACT, whose one firmware-volume-image file holds a GUID-defined section
 * compressed with edk2's LZMA custom decompressor. Decoded, that section is a series of
 * sections, of which the first two firmware-volume-image sections are PEIFV and DXEFV.
 * SEC copies each volume into RAM (PcdOvmfPeiMemFvBase, PcdOvmfDxeMemFvBase); Tcg2Pei then
 * measures PEIFV (the boot firmware volume) and DXEFV (announced by PlatformPei) as
 * EV_EFI_PLATFORM_FIRMWARE_BLOB events of {base, FvLength}, hashing the volumes' bytes in
 * RAM.
 *
 * The two bases are build-time constants that the image does not state: PEIFV's PEIMs are
 * linked to run in place, so each PE/TE image's ImageBase less its offset in the volume
 * is PEIFV's base; OVMF's memory layout (MemFd.fdf.inc) puts DXEFV right after PEIFV.
 *
 * Because PEIMs run in place, their writes to global variables land in the very copy of
 * PEIFV that Tcg2Pei measures later; in many builds some do (PlatformPei, SMM relocation,
 * the PEI core), with values that depend on the machine and its RAM. The PEIFV digest here
 * is of the volume as decoded, which is what is measured only when none did
 * (CcmUefiFirmwareBlob.runs_in_place says which volume this concerns).
 *
 * Everything is read from an untrusted image: every header is checked against the bytes
 * that hold it, and the decoded size is limited (uefi-lzma.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "ccm/measure.h"
#include "digest.h"
#include "error.h"
#include "guid.h"
#include "uefi-lzma.h"

/* EFI_FIRMWARE_VOLUME_HEADER up to its block map. */
#define FV_HEADER_SIZE 56
#define FV_EXT_HEADER_SIZE 20
#define FFS_HEADER_SIZE 24
#define FFS_HEADER2_SIZE 32
#define FFS_ATTRIB_LARGE_FILE 0x01
#define SECTION_HEADER_SIZE 4
#define SECTION_HEADER2_SIZE 8
#define TE_HEADER_SIZE 40

#define FILE_TYPE_PEI_CORE 0x04
#define FILE_TYPE_PEIM 0x06
#define FILE_TYPE_COMBINED_PEIM_DRIVER 0x08
#define FILE_TYPE_FIRMWARE_VOLUME_IMAGE 0x0b

#define SECTION_GUID_DEFINED 0x02
#define SECTION_PE32 0x10
#define SECTION_TE 0x12
#define SECTION_FIRMWARE_VOLUME_IMAGE 0x17

/* Scanning the flash for volumes: they start on (at least) 16-byte boundaries. */
#define FV_SCAN_STEP 16

static const CcmGuid ffs2_guid =
    CCM_GUID_INIT(0x8c8ce578, 0x8a3d, 0x4f1c, 0x99, 0x35, 0x89, 0x61, 0x85, 0xc3, 0x2d, 0xd3);
static const CcmGuid ffs3_guid =
    CCM_GUID_INIT(0x5473c07a, 0x3dcb, 0x4dca, 0xbd, 0x6f, 0x1e, 0x96, 0x89, 0xe7, 0x34, 0x9a);
static const CcmGuid lzma_guid =
    CCM_GUID_INIT(0xee4e5898, 0x3914, 0x4259, 0x9d, 0x6e, 0xdc, 0x7b, 0xd7, 0x94, 0x03, 0xcf);

/* A firmware volume whose header was checked: @size is its FvLength. */
typedef struct Volume {
    const uint8_t *data;
    size_t size;
    size_t first_file;
} Volume;

typedef struct FfsFile {
    size_t offset;          /* of its header in the volume */
    uint8_t type;
    const uint8_t *body;    /* after the header */
    size_t body_size;
} FfsFile;

typedef struct Section {
    size_t offset;          /* of its header in the buffer walked */
    uint8_t type;
    const uint8_t *start;   /* its header */
    size_t header_size;
    size_t size;            /* header included */
} Section;

static uint64_t load_le64(const uint8_t *p)
{
    return ccm_load_le32(p) | (uint64_t) ccm_load_le32(p + 4) << 32;
}

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Whether the volume header at @p is whole and sound, whatever its length says. */
static bool header_intact(const uint8_t *p, size_t avail)
{
    size_t header_length = ccm_load_le16(p + 48);
    if (header_length < FV_HEADER_SIZE || header_length % 2 || header_length > avail)
        return false;
    uint16_t sum = 0;
    for (size_t i = 0; i < header_length; i += 2)
        sum = (uint16_t) (sum + ccm_load_le16(p + i));
    return sum == 0;
}

/* Checks the volume header at @p (@avail bytes readable there); -EBADMSG naming @what. */
static int volume_open(const uint8_t *p, size_t avail, const char *what, Volume *ret,
                       CcmError *reterr)
{
    if (avail < FV_HEADER_SIZE || memcmp(p + 40, "_FVH", 4) != 0)
        return ccm_error_set(reterr, -EBADMSG, "%s has no firmware volume header (\"_FVH\")",
                             what);
    uint64_t length = load_le64(p + 32);
    size_t header_length = ccm_load_le16(p + 48), ext = ccm_load_le16(p + 52);
    if (header_length < FV_HEADER_SIZE || header_length % 2 || length < header_length)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s has a firmware volume header of %zu bytes in a volume of "
                             "%" PRIu64,
                             what, header_length, length);
    if (length > avail)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s declares a firmware volume of %" PRIu64 " bytes, but only %zu "
                             "are there (truncated)",
                             what, length, avail);
    if (!header_intact(p, avail))
        return ccm_error_set(reterr, -EBADMSG, "%s has a firmware volume header whose checksum "
                                               "does not add up",
                             what);
    size_t first = header_length;
    if (ext) {
        if (ext < header_length || ext > length - FV_EXT_HEADER_SIZE)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s has its extended header at 0x%zx, outside the volume", what,
                                 ext);
        size_t ext_size = ccm_load_le32(p + ext + 16);
        if (ext_size < FV_EXT_HEADER_SIZE || ext_size > length - ext)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s has an extended header of %zu bytes at 0x%zx, past the "
                                 "volume's end",
                                 what, ext_size, ext);
        first = ext + ext_size;
    }
    ret->data = p;
    ret->size = (size_t) length;
    ret->first_file = align_up(first, 8);
    return 0;
}

static bool volume_is_ffs(const Volume *v)
{
    return ccm_guid_equal_bytes(&ffs2_guid, v->data + 16) ||
           ccm_guid_equal_bytes(&ffs3_guid, v->data + 16);
}

/* The file at *@cursor, moving the cursor past it. Return: 1, 0 at the volume's free space
 * or end, or -EBADMSG. */
static int file_next(const Volume *v, size_t *cursor, const char *what, FfsFile *ret,
                     CcmError *reterr)
{
    size_t off = *cursor;
    if (off >= v->size || v->size - off < FFS_HEADER_SIZE)
        return 0;
    const uint8_t *h = v->data + off;
    bool free_space = true;
    for (size_t i = 0; i < FFS_HEADER_SIZE && free_space; i++)
        free_space = h[i] == 0xff;
    if (free_space)
        return 0;
    uint64_t size = h[20] | (uint32_t) h[21] << 8 | (uint32_t) h[22] << 16;
    size_t header = FFS_HEADER_SIZE;
    if (h[19] & FFS_ATTRIB_LARGE_FILE) {
        if (v->size - off < FFS_HEADER2_SIZE)
            return ccm_error_set(reterr, -EBADMSG, "%s ends inside the file header at 0x%zx",
                                 what, off);
        size = load_le64(h + 24);
        header = FFS_HEADER2_SIZE;
    }
    if (size < header || size > v->size - off)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s has a file of %" PRIu64 " bytes at 0x%zx, which does not fit "
                             "in the volume",
                             what, size, off);
    ret->offset = off;
    ret->type = h[18];
    ret->body = h + header;
    ret->body_size = (size_t) size - header;
    *cursor = align_up(off + (size_t) size, 8);
    return 1;
}

/* The section at *@cursor of @buf, moving the cursor past it. Return: 1, 0 at the end, or
 * -EBADMSG. */
static int section_next(const uint8_t *buf, size_t size, size_t *cursor, const char *what,
                        Section *ret, CcmError *reterr)
{
    size_t off = *cursor;
    if (off >= size || size - off < SECTION_HEADER_SIZE)
        return 0;
    const uint8_t *h = buf + off;
    size_t total = h[0] | (size_t) h[1] << 8 | (size_t) h[2] << 16;
    size_t header = SECTION_HEADER_SIZE;
    if (total == 0xffffff) {
        if (size - off < SECTION_HEADER2_SIZE)
            return ccm_error_set(reterr, -EBADMSG, "%s ends inside the section header at 0x%zx",
                                 what, off);
        total = ccm_load_le32(h + 4);
        header = SECTION_HEADER2_SIZE;
    }
    if (total < header || total > size - off)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s has a section of %zu bytes at 0x%zx, which does not fit in its "
                             "%zu bytes",
                             what, total, off, size);
    ret->offset = off;
    ret->type = h[3];
    ret->start = h;
    ret->header_size = header;
    ret->size = total;
    *cursor = align_up(off + total, 4);
    return 1;
}

/* The first firmware-volume-image file's GUID-defined section in @v, or 0 when it has none. */
static int find_guided_section(const Volume *v, const char *what, Section *ret,
                               CcmError *reterr)
{
    size_t cursor = v->first_file;
    FfsFile f;
    int r;
    while ((r = file_next(v, &cursor, what, &f, reterr)) > 0) {
        if (f.type != FILE_TYPE_FIRMWARE_VOLUME_IMAGE)
            continue;
        size_t sc = 0;
        Section s;
        while ((r = section_next(f.body, f.body_size, &sc, what, &s, reterr)) > 0)
            if (s.type == SECTION_GUID_DEFINED) {
                *ret = s;
                return 1;
            }
        if (r < 0)
            return r;
    }
    return r;
}

/* FVMAIN_COMPACT's compressed data: the first FFS volume of the flash with a GUID-defined
 * section in a firmware-volume-image file (what OVMF's SEC looks for). */
static int find_compressed(const uint8_t *img, size_t size, const char *name,
                           const uint8_t **ret, size_t *ret_size, size_t *ret_volume,
                           CcmError *reterr)
{
    size_t truncated = SIZE_MAX;
    for (size_t off = 0; off < size && size - off >= FV_HEADER_SIZE; off += FV_SCAN_STEP) {
        Volume v;
        if (memcmp(img + off + 40, "_FVH", 4) != 0)
            continue;
        if (volume_open(img + off, size - off, name, &v, NULL) < 0) {
            if (truncated == SIZE_MAX && header_intact(img + off, size - off) &&
                load_le64(img + off + 32) > size - off)
                truncated = off;
            continue;
        }
        if (volume_is_ffs(&v)) {
            g_autofree char *what = g_strdup_printf("the firmware volume at 0x%zx of %s", off,
                                                    name);
            Section s;
            int r = find_guided_section(&v, what, &s, reterr);
            if (r < 0)
                return r;
            if (r > 0) {
                size_t fixed = s.header_size + 16 + 4;
                if (s.size < fixed)
                    return ccm_error_set(reterr, -EBADMSG,
                                         "%s has a GUID-defined section of %zu bytes, shorter "
                                         "than its header",
                                         what, s.size);
                const uint8_t *guid = s.start + s.header_size;
                size_t data_offset = ccm_load_le16(guid + 16);
                if (!ccm_guid_equal_bytes(&lzma_guid, guid)) {
                    char text[CCM_GUID_STRING_SIZE];
                    return ccm_error_set(reterr, -EOPNOTSUPP,
                                         "%s holds a section compressed with %s, not edk2's "
                                         "LZMA (%s)",
                                         what, ccm_guid_format(guid, text),
                                         "ee4e5898-3914-4259-9d6e-dc7bd79403cf");
                }
                if (data_offset < fixed || data_offset > s.size)
                    return ccm_error_set(reterr, -EBADMSG,
                                         "%s has a GUID-defined section whose data offset %zu "
                                         "is outside its %zu bytes",
                                         what, data_offset, s.size);
                *ret = s.start + data_offset;
                *ret_size = s.size - data_offset;
                *ret_volume = off;
                return 0;
            }
        }
        /* Go on after this volume. */
        off += align_up(v.size, FV_SCAN_STEP) - FV_SCAN_STEP;
    }
    if (truncated != SIZE_MAX)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s has a firmware volume at 0x%zx that runs past the image's end "
                             "(%zu bytes): truncated",
                             name, truncated, size);
    return ccm_error_set(reterr, -EBADMSG,
                         "%s has no firmware volume with an LZMA-compressed volume image "
                         "(OVMF's FVMAIN_COMPACT): not an OVMF image",
                         name);
}

/* Where the PE or TE image at @offset of the volume (@img, @size bytes) says the volume is
 * linked to be. Return: 0, or -EBADMSG. */
static int linked_base(const uint8_t *img, size_t size, uint8_t type, size_t offset,
                       const char *what, uint64_t *ret, CcmError *reterr)
{
    uint64_t image_start;
    if (type == SECTION_TE) {
        if (size < TE_HEADER_SIZE || img[0] != 'V' || img[1] != 'Z')
            return ccm_error_set(reterr, -EBADMSG, "%s has a TE section at 0x%zx without a TE "
                                                   "header",
                                 what, offset);
        uint64_t image_base = load_le64(img + 16);
        uint64_t stripped = ccm_load_le16(img + 6);
        /* The TE header sits where the stripped PE headers ended. */
        if (image_base > UINT64_MAX - stripped || image_base + stripped < TE_HEADER_SIZE)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s has a TE image at 0x%zx with an impossible base", what,
                                 offset);
        image_start = image_base + stripped - TE_HEADER_SIZE;
    } else {
        if (size < 0x40 || img[0] != 'M' || img[1] != 'Z')
            return ccm_error_set(reterr, -EBADMSG, "%s has a PE32 section at 0x%zx without an "
                                                   "MZ header",
                                 what, offset);
        size_t pe = ccm_load_le32(img + 0x3c);
        if (pe > size - 4 || size - pe < 24 + 32 || memcmp(img + pe, "PE\0\0", 4) != 0)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s has a PE32 section at 0x%zx without a PE header", what,
                                 offset);
        uint16_t magic = ccm_load_le16(img + pe + 24);
        if (magic == 0x20b)
            image_start = load_le64(img + pe + 24 + 24);
        else if (magic == 0x10b)
            image_start = ccm_load_le32(img + pe + 24 + 28);
        else
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s has a PE image at 0x%zx with optional header magic 0x%x",
                                 what, offset, magic);
    }
    if (image_start < offset)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s has an image at 0x%zx linked at 0x%" PRIx64 ", below the "
                             "volume",
                             what, offset, image_start);
    *ret = image_start - offset;
    return 0;
}

/* PEIFV's base: the one every PEI core and PEIM image in it is linked for. */
static int peifv_base(const Volume *v, uint64_t *ret, CcmError *reterr)
{
    const char *what = "PEIFV";
    size_t cursor = v->first_file;
    size_t images = 0, first_at = 0;
    uint64_t base = 0;
    FfsFile f;
    int r;
    while ((r = file_next(v, &cursor, what, &f, reterr)) > 0) {
        if (f.type != FILE_TYPE_PEI_CORE && f.type != FILE_TYPE_PEIM &&
            f.type != FILE_TYPE_COMBINED_PEIM_DRIVER)
            continue;
        size_t sc = 0;
        Section s;
        while ((r = section_next(f.body, f.body_size, &sc, what, &s, reterr)) > 0) {
            if (s.type != SECTION_PE32 && s.type != SECTION_TE)
                continue;
            const uint8_t *img = s.start + s.header_size;
            size_t at = (size_t) (img - v->data);
            uint64_t b = 0;
            r = linked_base(img, s.size - s.header_size, s.type, at, what, &b, reterr);
            if (r < 0)
                return r;
            if (images > 0 && b != base)
                return ccm_error_set(reterr, -EBADMSG,
                                     "the PEI images of PEIFV are linked for different bases "
                                     "(0x%" PRIx64 " by the image at 0x%zx, 0x%" PRIx64 " by "
                                     "the one at 0x%zx): not images that run in place",
                                     base, first_at, b, at);
            if (images++ == 0) {
                base = b;
                first_at = at;
            }
        }
        if (r < 0)
            return r;
    }
    if (r < 0)
        return r;
    if (images == 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "PEIFV holds no PEI core or PEIM image: not an OVMF build with a "
                             "PEI phase");
    *ret = base;
    return 0;
}

static int blob_hash(CcmUefiFirmwareBlob *blob, const Volume *v)
{
    int r = ccm_digest_once(CCM_HASH_SHA256, v->data, v->size, blob->sha256);
    if (r == 0)
        r = ccm_digest_once(CCM_HASH_SHA384, v->data, v->size, blob->sha384);
    return r;
}

int ccm_uefi_firmware_volumes(const void *code, size_t size, CcmUefiFirmwareBlob *ret_blobs,
                              size_t capacity, size_t *ret_n, CcmError *reterr)
{
    const char *name = "the firmware image";
    if (!code || !ret_blobs || !ret_n)
        return ccm_error_set(reterr, -EINVAL, "ccm_uefi_firmware_volumes() needs an image and "
                                              "room for the result");
    if (capacity < CCM_UEFI_FIRMWARE_BLOBS)
        return ccm_error_set(reterr, -ENOBUFS,
                             "ccm_uefi_firmware_volumes() needs room for %d volumes, not %zu",
                             CCM_UEFI_FIRMWARE_BLOBS, capacity);

    const uint8_t *packed = NULL;
    size_t packed_size = 0, at = 0;
    int r = find_compressed(code, size, name, &packed, &packed_size, &at, reterr);
    if (r < 0)
        return r;
    g_autofree char *what = g_strdup_printf("the LZMA section of FVMAIN_COMPACT at 0x%zx of %s",
                                            at, name);
    g_autofree uint8_t *decoded = NULL;
    size_t decoded_size = 0;
    r = ccm_uefi_lzma_decompress(packed, packed_size, CCM_UEFI_LZMA_MAX_SIZE, what, &decoded,
                                 &decoded_size, reterr);
    if (r < 0)
        return r;

    /* SEC's order: the first volume-image section is PEIFV, the second DXEFV. */
    static const char *const names[CCM_UEFI_FIRMWARE_BLOBS] = { "PEIFV", "DXEFV" };
    Volume volumes[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n = 0, cursor = 0;
    Section s;
    while (n < CCM_UEFI_FIRMWARE_BLOBS &&
           (r = section_next(decoded, decoded_size, &cursor, what, &s, reterr)) > 0) {
        if (s.type != SECTION_FIRMWARE_VOLUME_IMAGE)
            continue;
        g_autofree char *vwhat = g_strdup_printf("%s (decoded offset 0x%zx)", names[n],
                                                 s.offset);
        r = volume_open(s.start + s.header_size, s.size - s.header_size, vwhat, &volumes[n],
                        reterr);
        if (r < 0)
            return r;
        n++;
    }
    if (r < 0)
        return r;
    if (n < CCM_UEFI_FIRMWARE_BLOBS)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s decodes to %zu firmware volume image(s), where OVMF's SEC "
                             "expects two (PEIFV and DXEFV)",
                             what, n);

    CcmUefiFirmwareBlob blobs[CCM_UEFI_FIRMWARE_BLOBS] = { 0 };
    uint64_t base = 0;
    r = peifv_base(&volumes[0], &base, reterr);
    if (r < 0)
        return r;
    /* SEC's memory-FV bases are 32-bit. */
    if (base > UINT32_MAX || volumes[0].size + (uint64_t) volumes[1].size > UINT32_MAX - base)
        return ccm_error_set(reterr, -EBADMSG,
                             "PEIFV is linked at 0x%" PRIx64 ", where PEIFV and DXEFV do not fit "
                             "below 4 GiB",
                             base);
    for (size_t i = 0; i < CCM_UEFI_FIRMWARE_BLOBS; i++) {
        blobs[i].name = names[i];
        blobs[i].base = base;
        blobs[i].length = volumes[i].size;
        blobs[i].runs_in_place = i == 0;
        r = blob_hash(&blobs[i], &volumes[i]);
        if (r < 0)
            return ccm_error_set(reterr, r, "cannot hash %s", names[i]);
        base += volumes[i].size;
    }
    memcpy(ret_blobs, blobs, sizeof(blobs));
    *ret_n = CCM_UEFI_FIRMWARE_BLOBS;
    return 0;
}
