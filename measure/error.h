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

/* Like ccm_error_set(), for an errno value from a failed libc call on @path. */
int ccm_error_set_errno(CcmError *reterr, int errnum, const char *path, const char *what);
