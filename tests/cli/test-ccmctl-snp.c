/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-ccmctl-snp.c - `ccmctl snp-id-block` and `ccmctl snp-policy` as scripts use them */
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli-test.h"

static char *tmpdir;

static int run(char **out, char **err, const char *first, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    va_list ap;

    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (char *) a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    return ccmctl_run_status(out, err, (const char *const *) argv->pdata);
}

static char *new_key(const char *name, const char *curve, int mode)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
    char *path = g_build_filename(tmpdir, name, NULL);
    FILE *f = fopen(path, "w");

    g_assert_nonnull(f);
    g_assert_true(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL));
    fclose(f);
    g_chmod(path, mode);
    EVP_PKEY_free(key);
    return path;
}

#define MEASUREMENT                                                                            \
    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c" \
    "2d2e2f30"

static void test_id_block(void)
{
    g_autofree char *id = new_key("id.pem", "P-384", 0600);
    g_autofree char *author = new_key("author.pem", "P-384", 0644);
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(run(&out, &err, "snp-id-block", "--measurement", MEASUREMENT, "--policy",
                        "0x30000", "--id-key", id, "--author-key", author, "--guest-svn", "3",
                        "--family-id", "00112233445566778899aabbccddeeff", NULL),
                    ==, 0);
    /* The world-readable author key is used, with a warning. */
    g_assert_nonnull(strstr(err, "readable by other users"));
    g_assert_nonnull(strstr(err, author));

    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 6);
    g_assert_true(g_str_has_prefix(lines[0], "id-block="));
    g_assert_true(g_str_has_prefix(lines[1], "id-auth="));
    g_assert_cmpstr(lines[2], ==, "author-key-enabled=on");
    g_assert_true(g_str_has_prefix(lines[3], "id-key-digest="));
    g_assert_true(g_str_has_prefix(lines[4], "author-key-digest="));

    gsize size;
    g_autofree uint8_t *block = g_base64_decode(lines[0] + strlen("id-block="), &size);
    g_assert_cmpuint(size, ==, 96);
    g_assert_cmpuint(block[0], ==, 0x01);
    g_assert_cmpuint(block[47], ==, 0x30);
    g_assert_cmpuint(block[0x30], ==, 0x00);
    g_assert_cmpuint(block[0x3F], ==, 0xff);
    g_assert_cmpuint(block[0x54], ==, 3);
    g_autofree uint8_t *auth = g_base64_decode(lines[1] + strlen("id-auth="), &size);
    g_assert_cmpuint(size, ==, 4096);
    g_assert_cmpuint(auth[0], ==, 1); /* ID_KEY_ALGO: ECDSA P-384 with SHA-384 */
    g_assert_cmpuint(auth[4], ==, 1); /* AUTH_KEY_ALGO */

    g_autofree char *jout = NULL, *jerr = NULL;
    g_assert_cmpint(run(&jout, &jerr, "snp-id-block", "--measurement", MEASUREMENT, "--policy",
                        "0x30000", "--id-key", id, "--json", NULL),
                    ==, 0);
    json_object *o = json_tokener_parse(jout), *v;
    g_assert_true(json_object_object_get_ex(o, "author_key_enabled", &v));
    g_assert_false(json_object_get_boolean(v));
    g_assert_true(json_object_object_get_ex(o, "id_block", &v));
    json_object_put(o);
    g_assert_cmpstr(jerr, ==, "");
}

static void test_id_block_errors(void)
{
    g_autofree char *id = new_key("id2.pem", "P-384", 0600);
    g_autofree char *p256 = new_key("p256.pem", "P-256", 0600);
    struct {
        int status;
        const char *args[10];
        const char *needle;
    } cases[] = {
        { 2, { "--policy", "0x30000", "--id-key", id, NULL }, "are required" },
        { 2, { "--measurement", "abc", "--policy", "0x30000", "--id-key", id, NULL },
          "--measurement: 'abc' is not 96 hex digits" },
        { 2, { "--measurement", MEASUREMENT, "--policy", "x", "--id-key", id, NULL },
          "--policy: 'x'" },
        { 2, { "--measurement", MEASUREMENT, "--policy", "0x30000", "--id-key", id, "--guest-svn",
               "-1", NULL },
          "--guest-svn" },
        { 1, { "--measurement", MEASUREMENT, "--policy", "0x30000", "--id-key", p256, NULL },
          "must be ECDSA P-384" },
        { 1, { "--measurement", MEASUREMENT, "--policy", "0x30000", "--id-key", "/nonexistent",
               NULL },
          "/nonexistent" },
        { 1, { "--measurement", MEASUREMENT, "--policy", "0x20000000030000", "--id-key", id, NULL },
          "reserved bits 63:26" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char **a = cases[i].args;
        g_autofree char *out = NULL, *err = NULL;
        int status = run(&out, &err, "snp-id-block", a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                         a[7], NULL);
        g_assert_cmpint(status, ==, cases[i].status);
        g_assert_cmpstr(out, ==, "");
        g_assert_nonnull(strstr(err, cases[i].needle));
    }
}

static void test_policy(void)
{
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(run(&out, &err, "snp-policy", "encode", "--smt", "no", "--debug", "yes",
                        "--abi-major", "1", "--abi-minor", "55", NULL),
                    ==, 0);
    g_assert_cmpstr(out, ==, "0xa0137\n");

    g_autofree char *dout = NULL, *derr = NULL;
    g_assert_cmpint(run(&dout, &derr, "snp-policy", "decode", "0xa0137", "--json", NULL), ==, 0);
    json_object *o = json_tokener_parse(dout), *v;
    g_assert_true(json_object_object_get_ex(o, "debug", &v));
    g_assert_true(json_object_get_boolean(v));
    g_assert_true(json_object_object_get_ex(o, "smt", &v));
    g_assert_false(json_object_get_boolean(v));
    g_assert_true(json_object_object_get_ex(o, "abi_minor", &v));
    g_assert_cmpint(json_object_get_int(v), ==, 55);
    json_object_put(o);

    /* An invalid policy is still shown, but the exit code says so. */
    g_autofree char *iout = NULL, *ierr = NULL;
    g_assert_cmpint(run(&iout, &ierr, "snp-policy", "decode", "0x10000", NULL), ==, 1);
    g_assert_nonnull(strstr(iout, "invalid: bit 17"));
    g_assert_nonnull(strstr(ierr, "is invalid"));

    g_autofree char *eout = NULL, *eerr = NULL;
    g_assert_cmpint(run(&eout, &eerr, "snp-policy", "encode", "--debug", "maybe", NULL), ==, 2);
    g_assert_nonnull(strstr(eerr, "--debug: 'maybe' is not yes or no"));
    g_autofree char *uout = NULL, *uerr = NULL;
    g_assert_cmpint(run(&uout, &uerr, "snp-policy", "frobnicate", NULL), ==, 2);
    g_autofree char *hout = NULL, *herr = NULL;
    g_assert_cmpint(run(&hout, &herr, "snp-policy", "--help", NULL), ==, 0);
    g_assert_nonnull(strstr(hout, "encode"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("ccmctl-snp-XXXXXX", NULL);
    g_test_add_func("/ccmctl-snp/id-block", test_id_block);
    g_test_add_func("/ccmctl-snp/id-block-errors", test_id_block_errors);
    g_test_add_func("/ccmctl-snp/policy", test_policy);
    int r = g_test_run();

    ccm_test_rm_tree(tmpdir);
    g_free(tmpdir);
    return r;
}
