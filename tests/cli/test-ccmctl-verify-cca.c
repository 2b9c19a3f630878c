/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-ccmctl-verify-cca.c - `ccmctl verify --platform cca`: decode, compare, bad inputs */
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "cli-test.h"

static char *tmpdir;
static char *tokens;

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

static char *fixture(const char *name)
{
    return g_build_filename(tokens, name, NULL);
}

static char *write_file(const char *name, const char *contents, gssize size)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert_true(g_file_set_contents(path, contents, size, NULL));
    return path;
}

static char *repeat(const char *unit, unsigned n)
{
    GString *s = g_string_new(NULL);
    for (unsigned i = 0; i < n; i++)
        g_string_append(s, unit);
    return g_string_free(s, FALSE);
}

/* One line on stderr that starts with "ccmctl verify: " and holds @needle. */
static void assert_one_line(const char *err, const char *needle)
{
    g_assert_true(g_str_has_prefix(err, "ccmctl verify: "));
    g_assert_nonnull(strstr(err, needle));
    const char *nl = strchr(err, '\n');
    g_assert_nonnull(nl);
    g_assert_cmpstr(nl + 1, ==, "");
}

static void test_decode_text(void)
{
    g_autofree char *t01 = fixture("cca-token-01.cbor");
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(run(&out, &err, "verify", "--platform", "cca", "--token", t01,
                        "--allow-unchecked", NULL),
                    ==, 0);
    g_assert_nonnull(strstr(out, "(cca-399, CBOR)"));
    g_assert_nonnull(strstr(out, "binding                match"));
    g_assert_nonnull(strstr(out, "realm signature        verified"));
    g_assert_nonnull(strstr(out, "NOT checked: give the platform key with --cpak"));
    g_assert_nonnull(strstr(out, "personalization_value      54686520717569636b"));
    g_assert_nonnull(strstr(out, "profile                    http://arm.com/CCA-SSD/1.0.0"));
    g_assert_nonnull(strstr(out, "[3] M3 version 1"));
    g_assert_cmpstr(err, ==, "");
}

static void test_decode_json(void)
{
    g_autofree char *draft = fixture("cca-token-draft-ffm-00.cbor");
    g_autofree char *cpak = fixture("cpak.json");
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(run(&out, &err, "verify", "--platform=cca", "--token", draft, "--cpak", cpak,
                        "--json", NULL),
                    ==, 0);
    json_object *o = json_tokener_parse(out), *v, *w;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, "format", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "ccm-verify-cca/1");
    g_assert_true(json_object_object_get_ex(o, "token_format", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "cca-399");
    g_assert_true(json_object_object_get_ex(o, "signatures", &v));
    g_assert_true(json_object_object_get_ex(v, "platform", &w));
    g_assert_cmpstr(json_object_get_string(w), ==, "verified");
    g_assert_true(json_object_object_get_ex(v, "realm", &w));
    g_assert_cmpstr(json_object_get_string(w), ==, "verified");
    g_assert_true(json_object_object_get_ex(o, "realm", &v));
    g_assert_true(json_object_object_get_ex(v, "rim", &w));
    g_assert_cmpstr(json_object_get_string(w), ==,
                    "311314ab73620350cf758834ae5c65d9e8c2dc7febe6e7d9654bbe864e300d49");
    g_assert_true(json_object_object_get_ex(v, "public_key_format", &w));
    g_assert_cmpstr(json_object_get_string(w), ==, "cose-key");
    g_assert_true(json_object_object_get_ex(o, "platform", &v));
    g_assert_true(json_object_object_get_ex(v, "sw_components", &w));
    g_assert_cmpuint(json_object_array_length(w), ==, 13);
    g_assert_true(json_object_object_get_ex(o, "result", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "match");
    json_object_put(o);
}

/* The same token as hex and as (URL-safe, unpadded) base64 text. */
static void test_text_encodings(void)
{
    g_autofree char *t01 = fixture("cca-token-01.cbor");
    g_autofree char *raw = NULL;
    gsize size = 0;
    g_assert_true(g_file_get_contents(t01, &raw, &size, NULL));

    GString *hex = g_string_new(NULL);
    for (gsize i = 0; i < size; i++)
        g_string_append_printf(hex, "%02X%s", (guint8) raw[i], i % 32 == 31 ? "\n" : "");
    g_autofree char *hex_path = write_file("t01.hex", hex->str, -1);
    g_string_free(hex, TRUE);
    g_autofree char *b64 = g_base64_encode((const guchar *) raw, size);
    g_strdelimit(b64, "+", '-');
    g_strdelimit(b64, "/", '_');
    g_strdelimit(b64, "=", '\0');
    g_autofree char *b64_path = write_file("t01.b64", b64, -1);

    const char *paths[] = { hex_path, b64_path };
    const char *names[] = { "(cca-399, hex)", "(cca-399, base64)" };
    for (int i = 0; i < 2; i++) {
        g_autofree char *out = NULL, *err = NULL;
        g_assert_cmpint(run(&out, &err, "verify", "--platform", "cca", "--token", paths[i],
                            "--allow-unchecked", NULL),
                        ==, 0);
        g_assert_nonnull(strstr(out, names[i]));
        g_assert_nonnull(strstr(out, "binding                match"));
    }
}

static void test_expected_match(void)
{
    g_autofree char *t02 = fixture("cca-token-02.cbor");
    g_autofree char *x43 = repeat("43", 64);
    g_autofree char *json = g_strdup_printf(
        "{\"platform\": \"cca\", \"rmm\": \"1.0\", \"hash\": \"sha256\", \"rim\": \"%s\", "
        "\"rems\": [\"%s\", null, null, \"%s\"], \"steps\": [{\"op\": \"x\"}]}",
        x43, x43, x43);
    g_autofree char *expected = write_file("match.json", json, -1);
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(run(&out, &err, "verify", "--platform", "cca", "--token", t02, "--expected",
                        expected, "--allow-unchecked", NULL),
                    ==, 0);
    g_assert_nonnull(strstr(out, "hash                   match      sha-256"));
    g_assert_nonnull(strstr(out, "rim                    match      4343"));
    g_assert_nonnull(strstr(out, "rem1                   not given"));
    g_assert_nonnull(strstr(out, "personalization_value  not given"));
    g_assert_nonnull(strstr(out, "result: unchecked (not checked: platform signature; allowed "
                                 "by --allow-unchecked)"));

    g_autofree char *jout = NULL, *jerr = NULL;
    g_assert_cmpint(run(&jout, &jerr, "verify", "--platform", "cca", "--token", t02,
                        "--expected", expected, "--json", "--allow-unchecked", NULL),
                    ==, 0);
    json_object *o = json_tokener_parse(jout), *claims, *rim, *res;
    g_assert_true(json_object_object_get_ex(o, "claims", &claims));
    g_assert_true(json_object_object_get_ex(claims, "rim", &rim));
    g_assert_true(json_object_object_get_ex(rim, "result", &res));
    g_assert_cmpstr(json_object_get_string(res), ==, "match");
    g_assert_true(json_object_object_get_ex(claims, "rem2", &rim));
    g_assert_true(json_object_object_get_ex(rim, "result", &res));
    g_assert_cmpstr(json_object_get_string(res), ==, "not-given");
    json_object_put(o);
}

static void test_expected_differ(void)
{
    g_autofree char *t01 = fixture("cca-token-01.cbor");
    g_autofree char *zero = repeat("00", 32), *x43 = repeat("43", 32);
    g_autofree char *json = g_strdup_printf(
        "{\"hash\": \"sha256\", \"rim\": \"%s\", \"rems\": [\"%s\", \"%s\", null, null]}", zero,
        zero, x43);
    g_autofree char *expected = write_file("differ.json", json, -1);
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(run(&out, &err, "verify", "--platform", "cca", "--token", t01, "--expected",
                        expected, NULL),
                    ==, 1);
    g_assert_nonnull(strstr(out, "rim                    match"));
    g_assert_nonnull(strstr(out, "rem1                   differ"));
    g_assert_nonnull(strstr(out, "result: differ (first: rem1)"));

    /* the hash algorithm */
    g_autofree char *json2 = g_strdup_printf("{\"hash\": \"sha512\", \"rim\": \"%s\"}", zero);
    g_autofree char *expected2 = write_file("differ2.json", json2, -1);
    g_autofree char *out2 = NULL, *err2 = NULL;
    g_assert_cmpint(run(&out2, &err2, "verify", "--platform", "cca", "--token", t01,
                        "--expected", expected2, "--json", NULL),
                    ==, 1);
    json_object *o = json_tokener_parse(out2), *v;
    g_assert_true(json_object_object_get_ex(o, "first_difference", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "hash");
    g_assert_true(json_object_object_get_ex(o, "result", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "differ");
    json_object_put(o);
}

/* A check that could not be made fails the command unless --allow-unchecked: the platform
 * signature without --cpak; the binding and both signatures of bare claims. With every
 * check made (token draft-ffm-00 and its CPAK) nothing is unchecked. */
static void test_unchecked(void)
{
    g_autofree char *t01 = fixture("cca-token-01.cbor");
    g_autofree char *realm = fixture("realm-claims.cbor");
    g_autofree char *draft = fixture("cca-token-draft-ffm-00.cbor");
    g_autofree char *cpak = fixture("cpak.json");
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(run(&out, &err, "verify", "--platform", "cca", "--token", t01, NULL), ==, 1);
    g_assert_nonnull(strstr(out, "NOT checked: give the platform key with --cpak"));
    g_assert_nonnull(strstr(out, "result: unchecked (not checked: platform signature; "
                                 "--allow-unchecked accepts this)"));
    g_assert_cmpstr(err, ==, "");

    g_autofree char *jout = NULL, *jerr = NULL;
    g_assert_cmpint(run(&jout, &jerr, "verify", "--platform", "cca", "--token", realm, "--json",
                        NULL),
                    ==, 1);
    json_object *o = json_tokener_parse(jout), *v;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, "result", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "unchecked");
    g_assert_true(json_object_object_get_ex(o, "unchecked", &v));
    g_assert_cmpuint(json_object_array_length(v), ==, 3);
    g_assert_cmpstr(json_object_get_string(json_object_array_get_idx(v, 0)), ==, "binding");
    g_assert_cmpstr(json_object_get_string(json_object_array_get_idx(v, 2)), ==,
                    "platform signature");
    json_object_put(o);

    g_autofree char *aout = NULL, *aerr = NULL;
    g_assert_cmpint(run(&aout, &aerr, "verify", "--platform", "cca", "--token", realm,
                        "--allow-unchecked", NULL),
                    ==, 0);
    g_assert_nonnull(strstr(aout, "binding                NOT checked (the token has no "
                                  "platform part)"));

    g_autofree char *dout = NULL, *derr = NULL;
    g_assert_cmpint(run(&dout, &derr, "verify", "--platform", "cca", "--token", draft, "--cpak",
                        cpak, "--json", NULL),
                    ==, 0);
    o = json_tokener_parse(dout);
    g_assert_true(json_object_object_get_ex(o, "unchecked", &v));
    g_assert_cmpuint(json_object_array_length(v), ==, 0);
    json_object_put(o);
}

/* Token 02's platform token is ES256 by a key not among the fixtures. */
static void test_signature_fails(void)
{
    g_autofree char *t02 = fixture("cca-token-02.cbor");
    g_autofree char *cpak = fixture("cpak.json");
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint(run(&out, &err, "verify", "--platform", "cca", "--token", t02, "--cpak", cpak,
                        NULL),
                    ==, 1);
    g_assert_nonnull(strstr(out, "platform signature     INVALID"));
    g_assert_nonnull(strstr(out, "result: differ (first: platform signature)"));
}

static void test_bad_inputs(void)
{
    g_autofree char *t01 = fixture("cca-token-01.cbor");
    g_autofree char *raw = NULL;
    gsize size = 0;
    g_assert_true(g_file_get_contents(t01, &raw, &size, NULL));
    g_autofree char *trunc = write_file("trunc.cbor", raw, 500);
    g_autofree char *garbage = write_file("garbage.txt", "this is not a token!\n", -1);
    g_autofree char *bad_hash = write_file("bad-hash.json", "{\"hash\": \"md5\"}", -1);
    g_autofree char *bad_rim = write_file("bad-rim.json", "{\"rim\": \"xyz\"}", -1);
    g_autofree char *bad_rpv = write_file("bad-rpv.json", "{\"personalization_value\": \"00\"}",
                                          -1);
    g_autofree char *bad_json = write_file("bad.json", "{\"rim\": ", -1);
    g_autofree char *bad_jwk = write_file("bad-jwk.json", "{\"kty\": \"RSA\"}", -1);
    g_autofree char *realm_claims = fixture("platform-claims.cbor");
    g_autofree char *good = write_file("good.json", "{\"hash\": \"sha256\"}", -1);

    struct {
        int status;
        const char *args[8];
        const char *needle;
    } cases[] = {
        { 1, { "--token", trunc, NULL },
          "trunc.cbor at byte 7: a byte string of 659 bytes runs past the end of the data" },
        { 1, { "--token", garbage, NULL }, "expected a CCA token as raw CBOR, hex or base64" },
        { 1, { "--token", "/nonexistent/token", NULL }, "/nonexistent/token" },
        { 1, { "--token", t01, "--expected", bad_hash, NULL },
          "bad-hash.json: \"hash\": expected \"sha256\", \"sha384\" or \"sha512\"" },
        { 1, { "--token", t01, "--expected", bad_rim, NULL }, "bad-rim.json: \"rim\": expected a hex" },
        { 1, { "--token", t01, "--expected", bad_rpv, NULL },
          "\"personalization_value\": expected a hex string of 64 bytes" },
        { 1, { "--token", t01, "--expected", bad_json, NULL },
          "bad.json at byte 8: expected a JSON object (the text ends inside a value: "
          "something is cut off or not closed)" },
        { 1, { "--token", t01, "--cpak", bad_jwk, NULL }, "bad-jwk.json: expected a JWK" },
        { 1, { "--token", realm_claims, "--expected", good, NULL }, "has no realm claims" },
        { 2, { NULL }, "--token FILE is required" },
        { 2, { "--token", t01, "a.guest", "b.guest", NULL }, "one guest spec at most" },
        { 1, { "--token", t01, "no-such.guest", NULL }, "no-such.guest" },
        { 2, { "--token", t01, "--nonsense", NULL }, "--nonsense" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_ptr_array_add(argv, (char *) g_getenv("CCMCTL"));
        g_ptr_array_add(argv, "verify");
        g_ptr_array_add(argv, "--platform");
        g_ptr_array_add(argv, "cca");
        for (int k = 0; cases[i].args[k]; k++)
            g_ptr_array_add(argv, (char *) cases[i].args[k]);
        g_ptr_array_add(argv, NULL);
        g_autofree char *out = NULL, *err = NULL;
        int status = 0;
        g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL,
                                   NULL, &out, &err, &status, NULL));
        g_test_message("case %zu: %s", i, err);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, cases[i].status);
        g_assert_cmpstr(out, ==, "");
        assert_one_line(err, cases[i].needle);
    }
}

/* Without --platform cca, verify is still the TDX command. */
static void test_tdx_untouched(void)
{
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint(run(&out, &err, "verify", "--platform", "tdx", NULL), ==, 2);
    g_assert_nonnull(strstr(err, "--quote FILE or --report FILE"));
}

/* A Platform=cca guest spec is the expectation: its RIM (the vector qemu_kernel_initrd
 * realm), hash and personalization value; token 01's RIM is zero, so the RIM differs
 * while the hash and RPV (given in the spec) match. */
static void test_guest_spec(void)
{
    g_autofree char *t01 = fixture("cca-token-01.cbor");
    g_autofree char *cca = g_build_filename(g_getenv("CCM_TEST_DATA"), "cca", NULL);
    g_autofree char *text = g_strdup_printf(
        "[Guest]\nName=realm1\nPlatform=cca\nVCPUs=2\nMemory=1G\n"
        "Kernel=%s/inputs/linux-header-only.bin\nInitrd=%s/inputs/initrd-content.bin\n"
        "[CCA]\nRMM=1.0\nMeasurementAlgorithm=sha256\nDTB=%s/dtb/qemu-virt-smp2-1G-initrd.dtb\n"
        "PersonalizationValue=VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIDEzIGxhenkgZG9ncy5UaGUgcXVp"
        "Y2sgYnJvd24gZm94IA==\n",
        cca, cca, cca);
    g_autofree char *spec = write_file("realm1.guest", text, -1);
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint(run(&out, &err, "verify", "--platform", "cca", "--token", t01, spec, NULL),
                    ==, 1);
    g_assert_nonnull(strstr(out, "hash                   match"));
    g_assert_nonnull(strstr(out, "expected 9af47a8e4d6ac775e05f8a8893f9e383694688719d1bbb4281ed1c25056e0911"));
    g_assert_nonnull(strstr(out, "personalization_value  match"));
    g_assert_nonnull(strstr(out, "result: differ (first: rim)"));

    g_autofree char *expected = write_file("e.json", "{\"hash\": \"sha256\"}", -1);
    g_autofree char *out2 = NULL, *err2 = NULL;
    g_assert_cmpint(run(&out2, &err2, "verify", "--platform", "cca", "--token", t01, "--expected",
                        expected, spec, NULL),
                    ==, 2);
    assert_one_line(err2, "not both");
    /* An existing kernel: the files are checked before the keys that need them. */
    g_autofree char *no_dtb_text = g_strdup_printf(
        "[Guest]\nPlatform=cca\nKernel=%s/inputs/linux-header-only.bin\n[CCA]\nRMM=1.0\n", cca);
    g_autofree char *no_dtb = write_file("nodtb.guest", no_dtb_text, -1);
    g_autofree char *out3 = NULL, *err3 = NULL;
    g_assert_cmpint(run(&out3, &err3, "verify", "--platform", "cca", "--token", t01, no_dtb, NULL),
                    ==, 1);
    assert_one_line(err3, "[CCA] DTB= is needed");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("ccm-verify-cca-XXXXXX", NULL);
    tokens = g_build_filename(g_getenv("CCM_TEST_DATA"), "cca", "tokens", NULL);

    g_test_add_func("/ccmctl-verify-cca/decode-text", test_decode_text);
    g_test_add_func("/ccmctl-verify-cca/decode-json", test_decode_json);
    g_test_add_func("/ccmctl-verify-cca/text-encodings", test_text_encodings);
    g_test_add_func("/ccmctl-verify-cca/expected-match", test_expected_match);
    g_test_add_func("/ccmctl-verify-cca/expected-differ", test_expected_differ);
    g_test_add_func("/ccmctl-verify-cca/signature-fails", test_signature_fails);
    g_test_add_func("/ccmctl-verify-cca/unchecked", test_unchecked);
    g_test_add_func("/ccmctl-verify-cca/bad-inputs", test_bad_inputs);
    g_test_add_func("/ccmctl-verify-cca/tdx-untouched", test_tdx_untouched);
    g_test_add_func("/ccmctl-verify-cca/guest-spec", test_guest_spec);
    int r = g_test_run();

    ccm_test_rm_tree(tmpdir);
    g_free(tmpdir);
    g_free(tokens);
    return r;
}
