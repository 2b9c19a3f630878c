/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uefi-decompress.h - decoding the UEFI specification's compressed format ("EFI Compress") */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ccm/measure.h"

/* The largest original size libccm-measure's callers accept: as much as the largest PCI
 * ROM BAR holds, far above any EFI driver (iPXE's are 70 to 180 KiB). A stream can declare
 * any size in a few bytes, so this bounds the memory and time hostile input costs. */
#define CCM_UEFI_DECOMPRESS_MAX_SIZE (16u << 20)

/**
 * ccm_uefi_decompress() - decode one compressed stream (8-byte header, then the bit stream)
 * @src, @size: the stream; bytes after the compressed size its header declares are ignored
 * @max_size: the largest original size accepted (-EFBIG above it)
 * @what: names the stream in messages ("the EFI image at ROM offset 0x1a800")
 * @ret, @ret_size: receive a g_malloc'd buffer of the original size the header declares
 *
 * Every table and length is checked against the format's limits, every match against the
 * output so far, every bit read against the declared compressed size; the output never
 * exceeds the declared original size. Return: 0, -EBADMSG naming what was expected,
 * -EFBIG, or -ENOMEM.
 */
int ccm_uefi_decompress(const void *src, size_t size, size_t max_size, const char *what,
                        uint8_t **ret, size_t *ret_size, CcmError *reterr);
