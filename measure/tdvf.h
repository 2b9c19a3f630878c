/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tdvf.h - the TDX metadata (TDVF descriptor) of a firmware image */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ccm/measure.h"

#define CCM_TDVF_MAX_SECTIONS 32

/**
 * ccm_tdvf_parse() - find and check the TDVF descriptor of @image
 * @name: image name for messages
 *
 * Finds the descriptor through the footer table entry, checks its signature, version
 * and length, and every section: known type, 4 KiB aligned GPA and size, raw data no
 * larger than the memory and inside the file, BFV/CFV fully backed by the file, one
 * TD_HOB, at least one BFV, no overlapping GPA ranges, and BFV+CFV tiling the file (a
 * split OVMF_CODE image carries the unified image's offsets and is refused).
 * Return: 0; -ENOENT (image without TDX metadata) or -EBADMSG, with a message naming
 * @name and what is wrong.
 */
int ccm_tdvf_parse(const uint8_t *image, size_t size, const char *name,
                   CcmTdvfSection *ret_sections, size_t *ret_n, CcmError *reterr);
