/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* file-hash.h - hashing whole files (kernels, initrds) */
#pragma once

#include "ccm/measure.h"

/* Kernels and initrds larger than this are refused (a bad path, not a guest image). */
#define CCM_BOOT_FILE_MAX_SIZE (UINT64_C(4) << 30)

/* SHA-256 of @path; @what ("kernel", "initrd") names it in messages. */
int ccm_file_sha256(const char *path, const char *what, uint8_t *ret_sha256, CcmError *reterr);
