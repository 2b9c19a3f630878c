/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-lzma.c - decoding edk2's LZMA custom-decompress sections
 *
 * edk2 compresses firmware volumes (OVMF's FVMAIN_COMPACT) into a GUID-defined section
 * whose GUID names its LZMA custom decompressor. The section's data is what the LZMA SDK
 * calls the "alone" format: 5 property bytes (lc/lp/pb, dictionary size), the decoded size
 * as a little-endian UINT64, then the raw stream. liblzma's .lzma decoder reads exactly
 * that. The header is untrusted: its size is checked against the caller's limit before the
 * output is allocated, and the decoder's memory (its dictionary) is limited the same way.
 */
#include <errno.h>
#include <inttypes.h>

#include <glib.h>
#include <lzma.h>

#include "bytes.h"
#include "error.h"
#include "uefi-lzma.h"

#define LZMA_HEADER_SIZE 13
/* The decoder's own state besides its dictionary. */
#define DECODER_OVERHEAD (1u << 20)

static const char *lzma_ret_string(lzma_ret r)
{
    switch (r) {
    case LZMA_FORMAT_ERROR:
    case LZMA_OPTIONS_ERROR:
        return "invalid properties";
    case LZMA_DATA_ERROR:
        return "corrupt data";
    case LZMA_OK:
    case LZMA_BUF_ERROR:
        return "the stream ends early";
    default:
        return "decoder error";
    }
}

int ccm_uefi_lzma_decompress(const void *src, size_t size, size_t max_size, const char *what,
                             uint8_t **ret, size_t *ret_size, CcmError *reterr)
{
    const uint8_t *in = src;

    g_assert(src || size == 0);
    if (size < LZMA_HEADER_SIZE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s is %zu bytes, shorter than an LZMA header (%d bytes)", what,
                             size, LZMA_HEADER_SIZE);
    uint64_t declared = ccm_load_le32(in + 5) | (uint64_t) ccm_load_le32(in + 9) << 32;
    if (declared == UINT64_MAX)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s has an LZMA header without a decoded size (edk2 always "
                             "writes one)",
                             what);
    if (declared > max_size)
        return ccm_error_set(reterr, -EFBIG,
                             "%s declares %" PRIu64 " decoded bytes, more than the %zu "
                             "accepted",
                             what, declared, max_size);
    if (declared == 0)
        return ccm_error_set(reterr, -EBADMSG, "%s declares 0 decoded bytes", what);

    g_autofree uint8_t *out = g_try_malloc(declared);
    if (!out)
        return ccm_error_set(reterr, -ENOMEM, "cannot allocate %" PRIu64 " bytes for %s",
                             declared, what);
    lzma_stream strm = LZMA_STREAM_INIT;
    lzma_ret r = lzma_alone_decoder(&strm, (uint64_t) max_size + DECODER_OVERHEAD);
    if (r != LZMA_OK)
        return ccm_error_set(reterr, -ENOMEM, "cannot set up an LZMA decoder for %s", what);
    strm.next_in = in;
    strm.avail_in = size;
    strm.next_out = out;
    strm.avail_out = declared;
    /* liblzma reports a stream that stops short as no progress (LZMA_OK, then
     * LZMA_BUF_ERROR): go on while it makes some. */
    do {
        uint64_t before = strm.total_in + strm.total_out;
        r = lzma_code(&strm, LZMA_FINISH);
        if (r == LZMA_OK && strm.total_in + strm.total_out == before)
            r = LZMA_BUF_ERROR;
    } while (r == LZMA_OK);
    uint64_t produced = strm.total_out;
    lzma_end(&strm);
    if (r == LZMA_MEMLIMIT_ERROR)
        return ccm_error_set(reterr, -EFBIG,
                             "%s asks for an LZMA dictionary of %" PRIu32 " bytes, more than "
                             "the %zu accepted",
                             what, ccm_load_le32(in + 1), max_size);
    if (r == LZMA_MEM_ERROR)
        return ccm_error_set(reterr, -ENOMEM, "out of memory decoding %s", what);
    if (r != LZMA_STREAM_END || produced != declared)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s is not a valid LZMA stream of %" PRIu64 " bytes (%s after "
                             "%" PRIu64 " bytes)",
                             what, declared,
                             r == LZMA_STREAM_END ? "it ended" : lzma_ret_string(r), produced);
    *ret = g_steal_pointer(&out);
    *ret_size = declared;
    return 0;
}
