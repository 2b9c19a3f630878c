/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * optional-library.h - a shared library loaded on the first call that needs it
 *
 * ccmctl must start fast for the commands a build pipeline runs one guest at a time
 * (measure, snp-policy, snp-id-block) and for the daemon's client commands, so libraries
 * only some paths use (libcurl for brokers, libxml2 for libvirt domain XML) are not
 * linked: the code that uses one lists the functions it calls and loads them on first use.
 * A missing library is one clear error naming it, the Debian package that provides it, and
 * what needed it.
 *
 * A user declares a pointer per function with the library's own prototype,
 *     CCM_OPTIONAL_SYMBOL(curl_easy_init);          (defines sym_curl_easy_init)
 * lists them in a CcmOptionalLibrary and calls ccm_optional_library_load() before the
 * first sym_*() call.
 */
#pragma once

#include <glib.h>

#define CCM_OPTIONAL_LIBRARY_ERROR (ccm_optional_library_error_quark())
GQuark ccm_optional_library_error_quark(void);

/* Defines the pointer that ccm_optional_library_load() fills for @name. */
#define CCM_OPTIONAL_SYMBOL(name) __typeof__(name) *sym_##name = NULL

/* An entry of CcmOptionalLibrary.symbols. */
#define CCM_OPTIONAL_SYMBOL_ENTRY(name) { #name, (void **) &sym_##name }

typedef struct CcmOptionalSymbol {
    const char *name;
    void **address;
} CcmOptionalSymbol;

typedef struct CcmOptionalLibrary {
    const char *soname;             /* e.g. "libcurl.so.4" */
    const char *package;            /* the Debian package with it, e.g. "libcurl4" */
    const char *purpose;            /* what needs it, e.g. "HTTP to a key broker" */
    const CcmOptionalSymbol *symbols; /* terminated by { NULL } */
    /* Set by the loader. */
    gsize loaded;                   /* g_once_init: 1 loaded, 2 failed */
    char *failure;
} CcmOptionalLibrary;

/**
 * ccm_optional_library_load() - load @lib and every symbol once (thread-safe)
 *
 * Returns TRUE when every symbol pointer is set; else FALSE with "SONAME is needed for
 * PURPOSE but cannot be loaded (REASON); install the Debian package PACKAGE". A failure
 * is remembered: later calls fail the same way without trying again.
 */
gboolean ccm_optional_library_load(CcmOptionalLibrary *lib, GError **error);
