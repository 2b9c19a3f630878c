/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.c - filling a caller's CcmError */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int ccm_error_set(CcmError *reterr, int code, const char *format, ...)
{
    g_assert(code < 0);

    if (reterr) {
        va_list ap;

        va_start(ap, format);
        reterr->code = code;
        vsnprintf(reterr->message, sizeof(reterr->message), format, ap);
        va_end(ap);
    }
    return code;
}
