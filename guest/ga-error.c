/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ga-error.c - recording a failure with its exit status */
#include <stdarg.h>
#include <stdio.h>

#include "ga-error.h"

bool ga_error_set(GaError *error, GaExit kind, const char *format, ...)
{
    if (error->kind != GA_EXIT_RELEASED)
        return false;
    error->kind = kind;
    va_list ap;
    va_start(ap, format);
    vsnprintf(error->text, sizeof(error->text), format, ap);
    va_end(ap);
    return false;
}
