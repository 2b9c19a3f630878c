/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-optional-library.c - libraries loaded on first use, and the errors when they are not there */
#include <string.h>

#include "optional-library.h"

static CCM_OPTIONAL_SYMBOL(strlen);
static CCM_OPTIONAL_SYMBOL(strcmp);

static void test_loads(void)
{
    static const CcmOptionalSymbol symbols[] = {
        CCM_OPTIONAL_SYMBOL_ENTRY(strlen), CCM_OPTIONAL_SYMBOL_ENTRY(strcmp), { NULL }
    };
    static CcmOptionalLibrary libc = {
        .soname = "libc.so.6", .package = "libc6", .purpose = "testing", .symbols = symbols
    };
    g_autoptr(GError) error = NULL;
    g_assert_true(ccm_optional_library_load(&libc, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(sym_strlen("four"), ==, 4);
    g_assert_cmpint(sym_strcmp("a", "a"), ==, 0);
    /* Once loaded, loaded. */
    g_assert_true(ccm_optional_library_load(&libc, NULL));
}

/* A missing library: one sentence with the library, what needs it and the package. */
static void test_missing_library(void)
{
    static const CcmOptionalSymbol symbols[] = { { NULL } };
    static CcmOptionalLibrary lib = { .soname = "libccm-no-such-library.so.9",
                                      .package = "ccm-no-such-package",
                                      .purpose = "HTTP to a key broker",
                                      .symbols = symbols };
    for (int round = 0; round < 2; round++) { /* the failure is remembered */
        g_autoptr(GError) error = NULL;
        g_assert_false(ccm_optional_library_load(&lib, &error));
        g_assert_error(error, CCM_OPTIONAL_LIBRARY_ERROR, 0);
        g_test_message("%s", error->message);
        g_assert_true(g_str_has_prefix(error->message, "libccm-no-such-library.so.9 is needed "
                                                       "for HTTP to a key broker but cannot "
                                                       "be loaded ("));
        g_assert_true(g_str_has_suffix(error->message,
                                       "; install the Debian package ccm-no-such-package"));
        g_assert_null(strchr(error->message, '\n'));
    }
}

/* A library without a symbol we need (an older or foreign build): refused as a whole. */
static void *sym_ccm_no_such_function;
static void *sym_strchr;

static void test_missing_symbol(void)
{
    static const CcmOptionalSymbol symbols[] = {
        { "strchr", &sym_strchr },
        { "ccm_no_such_function", &sym_ccm_no_such_function },
        { NULL },
    };
    static CcmOptionalLibrary lib = {
        .soname = "libc.so.6", .package = "libc6", .purpose = "testing", .symbols = symbols
    };
    g_autoptr(GError) error = NULL;
    g_assert_false(ccm_optional_library_load(&lib, &error));
    g_assert_nonnull(strstr(error->message, "it has no ccm_no_such_function"));
    g_assert_null(sym_strchr); /* nothing half-loaded is left behind */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/optional-library/loads", test_loads);
    g_test_add_func("/optional-library/missing-library", test_missing_library);
    g_test_add_func("/optional-library/missing-symbol", test_missing_symbol);
    return g_test_run();
}
