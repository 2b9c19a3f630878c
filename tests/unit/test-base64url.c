/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-base64url.c - base64url text (JWKs, Trustee's evidence) decoded, and refused */
#include <string.h>

#include <glib.h>

#include "base64url.h"

static void assert_decodes(const char *text, const char *want, size_t want_size)
{
    g_autoptr(GBytes) b = ccm_base64url_decode(text);
    g_assert_nonnull(b);
    g_assert_cmpmem(g_bytes_get_data(b, NULL), g_bytes_get_size(b), want, want_size);
}

static void test_decodes(void)
{
    /* 0xfb 0xff 0xbf: '+', '/' in standard base64 are '-', '_' here */
    assert_decodes("-_-_", "\xfb\xff\xbf", 3);
    assert_decodes("AQAB", "\x01\x00\x01", 3);          /* an RSA exponent as JWKs carry it */
    assert_decodes("YQ", "a", 1);                       /* without padding */
    assert_decodes("YQ==", "a", 1);                     /* with it */
    assert_decodes("YWI", "ab", 2);
    assert_decodes("YWI=", "ab", 2);
}

static void test_refuses(void)
{
    static const char *const bad[] = {
        "",         /* nothing */
        "====",     /* padding only */
        "Y",        /* a length no encoding has */
        "YQ===",    /* three '=' */
        "YW+I",     /* standard base64's '+' */
        "YW/I",     /* and '/' */
        "YW I",     /* a space */
        "Y=Q=",     /* '=' inside */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GBytes) b = ccm_base64url_decode(bad[i]);
        if (b)
            g_error("'%s' was decoded", bad[i]);
    }
    g_assert_null(ccm_base64url_decode(NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/base64url/decodes", test_decodes);
    g_test_add_func("/base64url/refuses", test_refuses);
    return g_test_run();
}
