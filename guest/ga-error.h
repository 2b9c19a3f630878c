/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ga-error.h - what went wrong in ccm-guest-attest, and which exit status it earns */
#pragma once

#include <stdbool.h>

/* The exit statuses, documented in ccm-guest-attest(8). An error's kind is its status. */
typedef enum GaExit {
    GA_EXIT_RELEASED = 0,   /* the secret was released and printed */
    GA_EXIT_REFUSED = 1,    /* the KBS answered a request with an error status */
    GA_EXIT_TEE = 2,        /* no simulated TEE, or the TEE failed */
    GA_EXIT_TRANSPORT = 3,  /* transport, protocol or local failure */
    GA_EXIT_USAGE = 64,     /* bad command line (EX_USAGE) */
} GaExit;

/* The line printed for a failure is "refused: TEXT" for GA_EXIT_REFUSED and
 * "error: TEXT" otherwise. */
typedef struct GaError {
    GaExit kind;
    char text[1536];
} GaError;

/**
 * ga_error_set() - record a failure of @kind described by a printf format
 *
 * Keeps the first failure if @error already holds one (callers add no context over an
 * inner message). Returns false, so "return ga_error_set(...)" ends a bool function.
 */
bool ga_error_set(GaError *error, GaExit kind, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
