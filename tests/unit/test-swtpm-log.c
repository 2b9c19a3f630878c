/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-swtpm-log.c - ccm_swtpm_log_extends(): TPM2_PCR_Extend commands in a swtpm command
 * log (--log level=20), as the PEI rehearsal reads them; truncated or foreign lines give
 * nothing rather than garbage
 */
#include <string.h>

#include <glib.h>

#include "pei-rehearsal.h"

/* A TPM2_PCR_Extend of @pcr with SHA-1 (ignored), SHA-256 = 0x11.., SHA-384 = 0x22.. */
static GByteArray *extend_command(guint32 pcr)
{
    GByteArray *c = g_byte_array_new();
    static const guint8 head[] = { 0x80, 0x02, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x82 };
    g_byte_array_append(c, head, sizeof(head));
    guint8 handle[4] = { (guint8) (pcr >> 24), (guint8) (pcr >> 16), (guint8) (pcr >> 8),
                         (guint8) pcr };
    g_byte_array_append(c, handle, 4);
    /* A password session: auth size 9, handle, empty nonce, attributes, empty HMAC. */
    static const guint8 auth[] = { 0, 0, 0, 9, 0x40, 0, 0, 9, 0, 0, 0, 0, 0 };
    g_byte_array_append(c, auth, sizeof(auth));
    static const guint8 count[] = { 0, 0, 0, 3 };
    g_byte_array_append(c, count, 4);
    const struct { guint16 alg; gsize size; guint8 fill; } d[] = {
        { 0x0004, 20, 0x33 }, { 0x000b, 32, 0x11 }, { 0x000c, 48, 0x22 } };
    for (size_t i = 0; i < G_N_ELEMENTS(d); i++) {
        guint8 alg[2] = { (guint8) (d[i].alg >> 8), (guint8) d[i].alg };
        g_byte_array_append(c, alg, 2);
        for (gsize k = 0; k < d[i].size; k++)
            g_byte_array_append(c, &d[i].fill, 1);
    }
    c->data[4] = (guint8) (c->len >> 8);
    c->data[5] = (guint8) c->len;
    return c;
}

/* swtpm's layout: a header line, then the bytes in hex, 16 to a line. */
static void log_read(GString *log, const GByteArray *c, gsize claimed)
{
    g_string_append_printf(log, " SWTPM_IO_Read: length %zu\n", claimed);
    for (guint i = 0; i < c->len; i++)
        g_string_append_printf(log, " %02X%s", c->data[i], i % 16 == 15 ? " \n" : "");
    g_string_append(log, " \n Ctrl Cmd: length 4\n 00 00 00 10 \n");
}

static void test_extends(void)
{
    g_autoptr(GString) log = g_string_new(" Ctrl Cmd: length 4\n 00 00 00 01 \n");
    g_autoptr(GByteArray) zero = extend_command(0), seven = extend_command(7);
    log_read(log, zero, zero->len);
    log_read(log, seven, seven->len);
    log_read(log, zero, zero->len);
    CcmPcrExtend e[4];
    g_assert_cmpuint(ccm_swtpm_log_extends(log->str, log->len, 0, e, 4), ==, 2);
    for (gsize k = 0; k < sizeof(e[0].sha256); k++)
        g_assert_cmpuint(e[1].sha256[k], ==, 0x11);
    for (gsize k = 0; k < sizeof(e[0].sha384); k++)
        g_assert_cmpuint(e[1].sha384[k], ==, 0x22);
    g_assert_cmpuint(ccm_swtpm_log_extends(log->str, log->len, 7, e, 4), ==, 1);
    g_assert_cmpuint(ccm_swtpm_log_extends(log->str, log->len, 0, e, 1), ==, 1);
}

static void test_bad_logs(void)
{
    g_autoptr(GByteArray) zero = extend_command(0);
    CcmPcrExtend e[2];
    /* The log cut anywhere: never more than the complete commands, never a crash. */
    g_autoptr(GString) log = g_string_new(NULL);
    log_read(log, zero, zero->len);
    for (gsize cut = 0; cut < log->len; cut++)
        g_assert_cmpuint(ccm_swtpm_log_extends(log->str, cut, 0, e, 2), <=, 1);
    gsize bytes_end = (gsize) (strstr(log->str, " Ctrl") - log->str);
    g_assert_cmpuint(ccm_swtpm_log_extends(log->str, bytes_end - 6, 0, e, 2), ==, 0);
    /* A length that claims more than the bytes that follow. */
    g_autoptr(GString) longer = g_string_new(NULL);
    log_read(longer, zero, zero->len + 40);
    g_assert_cmpuint(ccm_swtpm_log_extends(longer->str, longer->len, 0, e, 2), ==, 0);
    /* A command too short for its own digest list. */
    g_autoptr(GByteArray) cut = extend_command(0);
    g_byte_array_set_size(cut, cut->len - 10);
    g_autoptr(GString) shortlog = g_string_new(NULL);
    log_read(shortlog, cut, cut->len);
    g_assert_cmpuint(ccm_swtpm_log_extends(shortlog->str, shortlog->len, 0, e, 2), ==, 0);
    /* Noise. */
    static const char noise[] = " SWTPM_IO_Read: length 99999999999\n ZZ \n";
    g_assert_cmpuint(ccm_swtpm_log_extends(noise, strlen(noise), 0, e, 2), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/swtpm-log/extends", test_extends);
    g_test_add_func("/swtpm-log/bad", test_bad_logs);
    return g_test_run();
}
