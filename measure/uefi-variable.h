/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uefi-variable.h - the digest of a UEFI_VARIABLE_DATA record in any bank (tdx-rtmr0.c) */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* @vendor: 16 bytes, EFI byte order; @name: ASCII, measured as UTF-16LE without its NUL. */
int ccm_uefi_variable_digest_with(CcmHashAlgorithm algorithm, const uint8_t *vendor,
                                  const char *name, const void *data, size_t size,
                                  uint8_t *ret_digest);
