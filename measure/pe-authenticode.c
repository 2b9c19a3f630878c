/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pe-authenticode.c - the PE/COFF Authenticode hash of an image as OVMF measures it
 *
 * PE/COFF specification, "Calculating the PE Image Hash": the headers up to
 * SizeOfHeaders without the CheckSum field and the Certificate Table directory entry,
 * every section with raw data in the order of its file offset, then the bytes after the
 * last section, less a certificate table at the end. OVMF hashes that remainder as it is
 * (no padding). Used for the kernel of a direct boot and an option ROM's EFI driver.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "pe-authenticode.h"

#define MAX_SECTIONS 96u

int ccm_pe_authenticode(CcmHasher *h, const uint8_t *img, size_t size, const char *what,
                        CcmError *reterr)
{
    if (size < 0x40 || img[0] != 'M' || img[1] != 'Z')
        return ccm_error_set(reterr, -EBADMSG, "%s has no PE header (no \"MZ\" at its start)",
                             what);
    uint32_t pe = ccm_load_le32(img + 0x3c);
    if ((uint64_t) pe + 24 > size || memcmp(img + pe, "PE\0\0", 4) != 0)
        return ccm_error_set(reterr, -EBADMSG, "%s's PE header is missing or outside the file",
                             what);
    uint16_t n_sections = ccm_load_le16(img + pe + 6);
    uint16_t opt_size = ccm_load_le16(img + pe + 20);
    size_t opt = pe + 24;
    if (opt + opt_size > size || opt_size < 2)
        return ccm_error_set(reterr, -EBADMSG, "%s's PE optional header is cut off", what);
    uint16_t magic = ccm_load_le16(img + opt);
    bool pe32plus = magic == 0x20b;
    if (magic != 0x10b && !pe32plus)
        return ccm_error_set(reterr, -EBADMSG, "%s's PE optional header magic 0x%x is not "
                                               "PE32 or PE32+",
                             what, magic);
    size_t checksum = opt + 64;
    size_t dirs = opt + (pe32plus ? 112 : 96);
    /* SizeOfHeaders, the checksum and NumberOfRvaAndSizes must lie in the file before
     * they are read. */
    if (dirs > size)
        return ccm_error_set(reterr, -EBADMSG, "%s's PE headers do not fit the file", what);
    uint32_t n_dirs = ccm_load_le32(img + dirs - 4);
    size_t cert_dir = dirs + 4 * 8;
    uint32_t size_of_headers = ccm_load_le32(img + opt + 60);
    size_t sections = opt + opt_size;
    if (size_of_headers > size || checksum + 4 > size_of_headers ||
        (n_dirs > 4 && cert_dir + 8 > size_of_headers) ||
        sections + (size_t) n_sections * 40 > size)
        return ccm_error_set(reterr, -EBADMSG, "%s's PE headers do not fit the file", what);
    uint32_t cert_size = n_dirs > 4 ? ccm_load_le32(img + cert_dir + 4) : 0;
    int r;

    /* Headers: up to the checksum, skip it, up to the certificate entry, skip it, rest. */
    if ((r = ccm_hasher_update(h, img, checksum)) < 0)
        return r;
    if (n_dirs > 4) {
        if ((r = ccm_hasher_update(h, img + checksum + 4, cert_dir - checksum - 4)) < 0 ||
            (r = ccm_hasher_update(h, img + cert_dir + 8, size_of_headers - cert_dir - 8)) < 0)
            return r;
    } else if ((r = ccm_hasher_update(h, img + checksum + 4,
                                      size_of_headers - checksum - 4)) < 0) {
        return r;
    }
    /* Sections with raw data, in file order. */
    uint32_t order[MAX_SECTIONS];
    size_t n = 0;
    if (n_sections > MAX_SECTIONS)
        return ccm_error_set(reterr, -EBADMSG, "%s has %u PE sections", what, n_sections);
    for (uint16_t i = 0; i < n_sections; i++) {
        const uint8_t *s = img + sections + 40 * i;
        if (ccm_load_le32(s + 16) == 0)
            continue;
        size_t j = n;
        while (j > 0 && ccm_load_le32(img + sections + 40 * order[j - 1] + 20) >
                            ccm_load_le32(s + 20)) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
        n++;
    }
    uint64_t hashed = size_of_headers;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *s = img + sections + 40 * order[i];
        uint32_t raw_size = ccm_load_le32(s + 16), raw_ptr = ccm_load_le32(s + 20);
        if ((uint64_t) raw_ptr + raw_size > size)
            return ccm_error_set(reterr, -EBADMSG, "a PE section of %s lies past the end of "
                                                   "the file",
                                 what);
        if ((r = ccm_hasher_update(h, img + raw_ptr, raw_size)) < 0)
            return r;
        hashed += raw_size;
    }
    /* What follows the sections, without a certificate table, as is: OVMF's
     * MeasurePeImageAndExtend does not pad it. */
    if (size > hashed + cert_size) {
        size_t rest = (size_t) (size - hashed - cert_size);
        if ((r = ccm_hasher_update(h, img + hashed, rest)) < 0)
            return r;
    }
    return 0;
}
