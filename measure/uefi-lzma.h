/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uefi-lzma.h - decoding edk2's LZMA custom-decompress sections */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ccm/measure.h"

/* The largest decoded size libccm-measure accepts (a 4 MiB OVMF flash decodes to ~16 MiB). */
#define CCM_UEFI_LZMA_MAX_SIZE (64u << 20)

/**
 * ccm_uefi_lzma_decompress() - decode the data of an LZMA custom-decompress GUIDed section
 * @src, @size: the section's data: the 13-byte LZMA header (5 property bytes, the decoded
 *   size as UINT64), then the raw LZMA stream
 * @max_size: the largest decoded size accepted (-EFBIG above it, before anything is
 *   allocated); the decoder's dictionary is held to the same limit
 * @what: names the data in messages ("the LZMA section of FVMAIN_COMPACT at 0x84000")
 * @ret, @ret_size: receive a g_malloc'd buffer of the decoded size the header declares
 *
 * Return: 0, -EBADMSG naming what was expected (a short header, a header without a size,
 * a stream that is corrupt or ends before the declared size), -EFBIG, or -ENOMEM.
 */
int ccm_uefi_lzma_decompress(const void *src, size_t size, size_t max_size, const char *what,
                             uint8_t **ret, size_t *ret_size, CcmError *reterr);
