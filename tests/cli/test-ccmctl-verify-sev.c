/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-verify-sev.c - `ccmctl verify --platform sev` on AMD's legacy SEV CA
 * certificates of ../shared/vectors/attest/amd/sev-legacy (ARK and ASK of Naples, Rome,
 * Milan, Genoa and Turin), each with what the vectors' README and expected.json
 * ("sev_legacy_ca", read here at run time) state, and on mutations of them made here at
 * run time: bit flips in the signature, the modulus and certifying_id, truncated files,
 * a generation's ASK under another's ARK, an ARK that is not pinned, the ASK as ARK.
 */
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "cli-test.h"

static const char *const gens[] = { "naples", "rome", "milan", "genoa", "turin" };

static char *tmpdir;
static char *attest;
static json_object *expected;   /* expected.json's "sev_legacy_ca" */

static char *legacy(const char *gen, const char *file)
{
    return g_build_filename(attest, "amd", "sev-legacy", gen, file, NULL);
}

static GByteArray *read_vector(const char *gen, const char *file)
{
    g_autofree char *path = legacy(gen, file);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *) data, (guint) len);
    return b;
}

static char *scratch(const char *name, const guint8 *data, gsize size)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert_true(g_file_set_contents(path, (const char *) data, (gssize) size, NULL));
    return path;
}

/* A copy of @gen's @file with byte @offset XORed with @mask (@size: truncate, 0 keeps). */
static char *mutated(const char *gen, const char *file, gsize offset, guint8 mask, gsize size,
                     const char *name)
{
    g_autoptr(GByteArray) b = read_vector(gen, file);
    if (mask)
        b->data[offset] ^= mask;
    return scratch(name, b->data, size ? size : b->len);
}


static CcmctlJsonRun verify(const char *first, ...)
{
    static const char *const prefix[] = { "verify", "--platform", "sev", NULL };
    va_list ap;
    va_start(ap, first);
    CcmctlJsonRun r = ccmctl_run_json(prefix, first, ap);
    va_end(ap);
    return r;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    g_assert_true(json_object_object_get_ex(o, key, &v));
    return v;
}

static const char *check_result(const CcmctlJsonRun *r, const char *name)
{
    json_object *checks = member(r->doc, "checks");
    for (size_t i = 0; i < json_object_array_length(checks); i++) {
        json_object *c = json_object_array_get_idx(checks, i);
        if (g_strcmp0(str(c, "name"), name) == 0)
            return str(c, "result");
    }
    return NULL;
}

/* Refused (exit 1) with @check failed, and failing first when @first. */
static void assert_refused(const CcmctlJsonRun *r, const char *check, gboolean first)
{
    g_assert_nonnull(r->doc);
    g_assert_cmpint(r->status, ==, 1);
    g_assert_false(json_object_get_boolean(member(r->doc, "verified")));
    g_assert_cmpstr(str(r->doc, "result"), ==, "refused");
    g_assert_cmpstr(check_result(r, check), ==, "failed");
    const char *ff = str(r->doc, "first_failure");
    g_assert_nonnull(ff);
    if (first) {
        g_autofree char *prefix = g_strconcat(check, ": ", NULL);
        g_assert_true(g_str_has_prefix(ff, prefix));
    }
}

/* Each generation's pair verifies, with expected.json's key id, usages and key size. */
static void test_generations(void)
{
    static const char *const all[] = { "ark-usage", "ark-self-id", "ark-signature",
                                       "ark-pinned", "ask-usage", "ask-signature",
                                       "ask-issuer" };
    for (size_t g = 0; g < G_N_ELEMENTS(gens); g++) {
        json_object *e = member(expected, gens[g]);
        g_assert_true(json_object_get_boolean(member(e, "ark_self_sig_ok")));
        g_assert_true(json_object_get_boolean(member(e, "ask_by_ark_ok")));
        g_autofree char *dir = g_build_filename(attest, "amd", "sev-legacy", gens[g], NULL);
        g_auto(CcmctlJsonRun) r = verify("--certs", dir, "--json", NULL);
        g_assert_nonnull(r.doc);
        g_assert_cmpint(r.status, ==, 0);
        g_assert_true(json_object_get_boolean(member(r.doc, "verified")));
        g_assert_cmpstr(str(r.doc, "result"), ==, "verified");
        g_assert_cmpstr(str(r.doc, "generation"), ==, gens[g]);
        g_assert_null(str(r.doc, "first_failure"));
        for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
            g_assert_cmpstr(check_result(&r, all[i]), ==, "ok");
        json_object *ark = member(r.doc, "ark"), *ask = member(r.doc, "ask");
        g_assert_cmpstr(str(ark, "key_id"), ==, str(e, "ark_key_id"));
        g_assert_cmpstr(str(ark, "certifying_id"), ==, str(e, "ark_key_id"));
        g_assert_cmpstr(str(ark, "usage"), ==, str(e, "ark_usage"));
        g_assert_cmpstr(str(ask, "usage"), ==, str(e, "ask_usage"));
        if (json_object_get_boolean(member(e, "ask_certifying_id_is_ark_key_id")))
            g_assert_cmpstr(str(ask, "certifying_id"), ==, str(e, "ark_key_id"));
        int bits = json_object_get_int(member(e, "bits"));
        g_assert_cmpint(json_object_get_int(member(ark, "bits")), ==, bits);
        g_assert_cmpint(json_object_get_int(member(ask, "bits")), ==, bits);
        /* The scheme expected.json names is the one the signature check used. */
        const char *hash = bits == 2048 ? "SHA-256" : "SHA-384";
        g_assert_nonnull(strstr(r.out, hash));
        g_assert_nonnull(strstr(str(e, "scheme"), bits == 2048 ? "sha256" : "sha384"));
    }
}

/* --ark/--ask and the text output; --ask alone takes the pinned ARK. */
static void test_files_and_text(void)
{
    g_autofree char *ark = legacy("naples", "ark.cert");
    g_autofree char *ask = legacy("naples", "ask.cert");
    g_auto(CcmctlJsonRun) r = verify("--ark", ark, "--ask", ask, NULL);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "generation: naples"));
    g_assert_nonnull(strstr(r.out, "ask-signature  ok"));
    g_assert_true(g_str_has_suffix(r.out, "\nverified\n"));

    /* A --certs folder without ark.cert, with a platform certificate beside: the pinned
     * ARK, and the platform certificate named as not checked. */
    g_autofree char *dir = g_build_filename(tmpdir, "host-export", NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_autoptr(GByteArray) b = read_vector("naples", "ask.cert");
    g_autofree char *dir_ask = g_build_filename(dir, "ask.cert", NULL);
    g_autofree char *dir_pek = g_build_filename(dir, "pek.cert", NULL);
    g_assert_true(g_file_set_contents(dir_ask, (const char *) b->data, b->len, NULL));
    g_assert_true(g_file_set_contents(dir_pek, "x", 1, NULL));
    g_auto(CcmctlJsonRun) folder = verify("--certs", dir, NULL);
    g_assert_cmpint(folder.status, ==, 0);
    g_autofree char *line = g_strdup_printf("not checked: %s (", dir_pek);
    g_assert_nonnull(strstr(folder.out, line));
    g_auto(CcmctlJsonRun) folder_json = verify("--certs", dir, "--json", NULL);
    json_object *nc = member(folder_json.doc, "not_checked");
    g_assert_cmpint(json_object_array_length(nc), ==, 1);
    g_assert_cmpstr(json_object_get_string(json_object_array_get_idx(nc, 0)), ==, dir_pek);

    g_auto(CcmctlJsonRun) alone = verify("--ask", ask, "--json", NULL);
    g_assert_cmpint(alone.status, ==, 0);
    g_assert_cmpstr(str(alone.doc, "generation"), ==, "naples");
    const char *source = str(member(alone.doc, "ark"), "source");
    g_assert_cmpstr(source, ==, "the naples ARK (pinned: built-in)");
}

/* Milan's ASK under Genoa's ARK: refused at the signature. */
static void test_cross_generation(void)
{
    g_autofree char *ark = legacy("genoa", "ark.cert");
    g_autofree char *ask = legacy("milan", "ask.cert");
    g_auto(CcmctlJsonRun) r = verify("--ark", ark, "--ask", ask, "--json", NULL);
    assert_refused(&r, "ask-signature", TRUE);
    g_assert_cmpstr(check_result(&r, "ask-issuer"), ==, "failed");
    g_assert_cmpstr(check_result(&r, "ark-pinned"), ==, "ok");
    g_assert_cmpstr(str(r.doc, "generation"), ==, "genoa");
}

static void test_bit_flips(void)
{
    g_autofree char *ark = legacy("milan", "ark.cert");
    /* The ASK's signature (last 512 bytes), modulus (0x240..0x440), certifying_id. */
    g_autofree char *sig = mutated("milan", "ask.cert", 1600 - 7, 0x01, 0, "ask-sig.cert");
    g_autofree char *mod = mutated("milan", "ask.cert", 0x300, 0x80, 0, "ask-mod.cert");
    g_autofree char *cid = mutated("milan", "ask.cert", 0x14, 0x01, 0, "ask-cid.cert");
    g_auto(CcmctlJsonRun) r1 = verify("--ark", ark, "--ask", sig, "--json", NULL);
    assert_refused(&r1, "ask-signature", TRUE);
    g_assert_cmpstr(check_result(&r1, "ask-issuer"), ==, "ok");
    g_auto(CcmctlJsonRun) r2 = verify("--ark", ark, "--ask", mod, "--json", NULL);
    assert_refused(&r2, "ask-signature", TRUE);
    g_auto(CcmctlJsonRun) r3 = verify("--ark", ark, "--ask", cid, "--json", NULL);
    assert_refused(&r3, "ask-issuer", FALSE);
    assert_refused(&r3, "ask-signature", TRUE);

    /* The ARK's signature and modulus: its self-signature fails, and it is not pinned. */
    g_autofree char *ark_sig = mutated("naples", "ark.cert", 832 - 1, 0x40, 0, "ark-sig.cert");
    g_autofree char *naples_ask = legacy("naples", "ask.cert");
    g_auto(CcmctlJsonRun) r4 = verify("--ark", ark_sig, "--ask", naples_ask, "--json", NULL);
    assert_refused(&r4, "ark-signature", TRUE);
    g_assert_cmpstr(check_result(&r4, "ark-pinned"), ==, "failed");
    g_assert_cmpstr(check_result(&r4, "ask-signature"), ==, "ok");
    g_assert_null(str(r4.doc, "generation"));
    g_autofree char *ark_mod = mutated("naples", "ark.cert", 0x150, 0x02, 0, "ark-mod.cert");
    g_auto(CcmctlJsonRun) r5 = verify("--ark", ark_mod, "--ask", naples_ask, "--json", NULL);
    assert_refused(&r5, "ark-signature", TRUE);
    g_assert_cmpstr(check_result(&r5, "ask-signature"), ==, "failed");
}

/* Cut short or with a byte too many: an input error naming the file and the size. */
static void test_truncated(void)
{
    g_autofree char *ark = legacy("rome", "ark.cert");
    const gsize sizes[] = { 0, 10, 63, 64, 1599 };
    for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autoptr(GByteArray) b = read_vector("rome", "ask.cert");
        g_autofree char *name = g_strdup_printf("ask-%zu.cert", sizes[i]);
        g_autofree char *path = scratch(name, b->data, sizes[i]);
        g_auto(CcmctlJsonRun) r = verify("--ark", ark, "--ask", path, "--json", NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_null(r.doc);
        g_assert_nonnull(strstr(r.err, path));
        g_assert_nonnull(strstr(r.err, "expected"));
    }
    g_autoptr(GByteArray) b = read_vector("rome", "ask.cert");
    guint8 extra = 0;
    g_byte_array_append(b, &extra, 1);
    g_autofree char *longer = scratch("ask-1601.cert", b->data, b->len);
    g_auto(CcmctlJsonRun) r = verify("--ark", ark, "--ask", longer, "--json", NULL);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_nonnull(strstr(r.err, "1601 bytes, expected 1600"));
    /* A modulus size field that is neither 2048 nor 4096. */
    g_autofree char *bad_size = mutated("rome", "ask.cert", 0x3d, 0x01, 0, "ask-size.cert");
    g_auto(CcmctlJsonRun) r2 = verify("--ark", ark, "--ask", bad_size, NULL);
    g_assert_cmpint(r2.status, ==, 1);
    g_assert_nonnull(strstr(r2.err, "expected 2048 or 4096"));
}

/* A validly self-signed ARK that is not pinned: --roots holding only another one. */
static void test_not_pinned(void)
{
    g_autofree char *roots = g_build_filename(tmpdir, "roots", NULL);
    g_autofree char *genoa = g_build_filename(roots, "genoa", NULL);
    g_assert_cmpint(g_mkdir_with_parents(genoa, 0755), ==, 0);
    g_autoptr(GByteArray) b = read_vector("genoa", "ark.cert");
    g_autofree char *pinned = g_build_filename(genoa, "ark.cert", NULL);
    g_assert_true(g_file_set_contents(pinned, (const char *) b->data, b->len, NULL));

    g_autofree char *ark = legacy("turin", "ark.cert");
    g_autofree char *ask = legacy("turin", "ask.cert");
    g_auto(CcmctlJsonRun) r = verify("--ark", ark, "--ask", ask, "--roots", roots, "--json", NULL);
    assert_refused(&r, "ark-pinned", TRUE);
    g_assert_cmpstr(check_result(&r, "ark-signature"), ==, "ok");
    g_assert_cmpstr(check_result(&r, "ask-signature"), ==, "ok");
    g_assert_cmpstr(str(r.doc, "roots"), ==, roots);

    g_autofree char *gark = legacy("genoa", "ark.cert");
    g_autofree char *gask = legacy("genoa", "ask.cert");
    g_auto(CcmctlJsonRun) ok = verify("--ark", gark, "--ask", gask, "--roots", roots, "--json", NULL);
    g_assert_cmpint(ok.status, ==, 0);
    g_assert_cmpstr(str(ok.doc, "generation"), ==, "genoa");
}

/* The ASK given as ARK: refused at the usage. */
static void test_ask_as_ark(void)
{
    g_autofree char *ask = legacy("rome", "ask.cert");
    g_auto(CcmctlJsonRun) r = verify("--ark", ask, "--ask", ask, "--json", NULL);
    assert_refused(&r, "ark-usage", TRUE);
    g_assert_cmpstr(check_result(&r, "ark-self-id"), ==, "failed");
    g_assert_cmpstr(check_result(&r, "ark-pinned"), ==, "failed");
    /* And the ARK as ASK: the usage again. */
    g_autofree char *ark = legacy("rome", "ark.cert");
    g_auto(CcmctlJsonRun) r2 = verify("--ark", ark, "--ask", ark, "--json", NULL);
    assert_refused(&r2, "ask-usage", TRUE);
}

static void test_usage(void)
{
    g_autofree char *ask = legacy("rome", "ask.cert");
    g_auto(CcmctlJsonRun) none = verify(NULL);
    g_assert_cmpint(none.status, ==, 2);
    g_assert_nonnull(strstr(none.err, "--certs DIR or --ask FILE is required"));
    g_auto(CcmctlJsonRun) both = verify("--certs", tmpdir, "--ask", ask, NULL);
    g_assert_cmpint(both.status, ==, 2);
    g_auto(CcmctlJsonRun) bad = verify("--bogus", NULL);
    g_assert_cmpint(bad.status, ==, 2);
    g_autofree char *empty = g_build_filename(tmpdir, "empty", NULL);
    g_assert_cmpint(g_mkdir_with_parents(empty, 0755), ==, 0);
    g_auto(CcmctlJsonRun) no_roots = verify("--ask", ask, "--roots", empty, NULL);
    g_assert_cmpint(no_roots.status, ==, 1);
    g_assert_nonnull(strstr(no_roots.err, "no legacy SEV ARK here"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    attest = g_strdup(g_getenv("CCM_ATTEST_VECTORS"));
    if (!attest || !g_file_test(attest, G_FILE_TEST_IS_DIR)) {
        g_printerr("CCM_ATTEST_VECTORS (../shared/vectors/attest) is missing\n");
        return 1;
    }
    g_autofree char *exp_path = g_build_filename(attest, "expected.json", NULL);
    json_object *all = json_object_from_file(exp_path);
    if (!all || !json_object_object_get_ex(all, "sev_legacy_ca", &expected)) {
        g_printerr("%s: no \"sev_legacy_ca\"\n", exp_path);
        return 1;
    }
    tmpdir = g_dir_make_tmp("ccm-verify-sev-XXXXXX", NULL);
    g_test_add_func("/ccmctl-verify-sev/generations", test_generations);
    g_test_add_func("/ccmctl-verify-sev/files-and-text", test_files_and_text);
    g_test_add_func("/ccmctl-verify-sev/cross-generation", test_cross_generation);
    g_test_add_func("/ccmctl-verify-sev/bit-flips", test_bit_flips);
    g_test_add_func("/ccmctl-verify-sev/truncated", test_truncated);
    g_test_add_func("/ccmctl-verify-sev/not-pinned", test_not_pinned);
    g_test_add_func("/ccmctl-verify-sev/ask-as-ark", test_ask_as_ark);
    g_test_add_func("/ccmctl-verify-sev/usage", test_usage);
    int r = g_test_run();
    ccm_test_rm_tree(tmpdir);
    g_free(tmpdir);
    g_free(attest);
    json_object_put(all);
    return r;
}
