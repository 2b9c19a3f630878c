/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.h - filling a caller's CcmError */
#pragma once

#include <glib.h>

#include "ccm/measure.h"

/**
 * ccm_error_set() - record @code and a message in @reterr (may be NULL)
 *
 * Return: @code, so callers can write `return ccm_error_set(reterr, -EINVAL, ...)`.
 */
int ccm_error_set(CcmError *reterr, int code, const char *format, ...) G_GNUC_PRINTF(3, 4);
