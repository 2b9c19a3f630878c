/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pe-authenticode.h - the PE/COFF Authenticode hash OVMF measures an image by */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ccm/measure.h"
#include "digest.h"

/**
 * ccm_pe_authenticode() - feed @hasher (started) the Authenticode bytes of a PE image
 * @what: names the image in messages ("the kernel")
 *
 * The headers without the checksum and the certificate-table directory entry, the
 * sections with raw data in file order, then what follows them except a certificate
 * table, unpadded (OVMF's MeasurePeImageAndExtend). Return: 0, -EBADMSG for an image
 * whose headers or sections do not fit @size, or the hasher's error.
 */
int ccm_pe_authenticode(CcmHasher *hasher, const uint8_t *image, size_t size, const char *what,
                        CcmError *reterr);
