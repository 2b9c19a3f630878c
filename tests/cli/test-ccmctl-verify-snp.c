/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-verify-snp.c - `ccmctl verify --platform sev-snp` on every SEV-SNP file of
 * ../shared/vectors/attest, each with the verdict its README states, and on the README's
 * mutations of them (made here at run time from the vector files, never stored)
 *
 * Each case runs with --json and checks the verdict ("verified"), the result of the named
 * check and, for refusals, which check failed first or that a given check failed; the
 * mutations change the bytes the README names and expect the check it names to fail.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "cli-test.h"

static char *tmpdir;
static char *attest;

static char *vec(const char *rel)
{
    return g_build_filename(attest, rel, NULL);
}

static char *scratch(const char *name, const void *data, gsize size)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, (gssize) size, NULL));
    return path;
}

static GBytes *read_bytes(const char *path)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    return g_bytes_new_take(g_steal_pointer(&data), len);
}

/* The report_milan.hex vector as 1184 raw bytes. */
static GByteArray *milan_report(void)
{
    g_autofree char *path = vec("snp/virtee/report_milan.hex");
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_strstrip(text);
    GByteArray *b = g_byte_array_new();
    for (size_t i = 0; text[i] && text[i + 1]; i += 2) {
        guint8 v = (guint8) (g_ascii_xdigit_value(text[i]) << 4 |
                             g_ascii_xdigit_value(text[i + 1]));
        g_byte_array_append(b, &v, 1);
    }
    g_assert_cmpuint(b->len, ==, 1184);
    return b;
}

/* A copy of @rel with @mutate applied to it, in the scratch folder as @name. */
static char *mutated(const char *rel, const char *name, void (*mutate)(guint8 *data, gsize size))
{
    g_autofree char *path = vec(rel);
    g_autoptr(GBytes) b = read_bytes(path);
    gsize size = 0;
    g_autofree guint8 *copy = g_memdup2(g_bytes_get_data(b, &size), g_bytes_get_size(b));
    mutate(copy, size);
    return scratch(name, copy, size);
}


/* ccmctl verify --platform sev-snp --json ARGS... */
static CcmctlJsonRun verify(const char *first, ...)
{
    static const char *const prefix[] = { "verify", "--platform", "sev-snp", "--json", NULL };
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

static const char *check_result(const CcmctlJsonRun *r, const char *name)
{
    json_object *checks = NULL;
    g_assert_true(json_object_object_get_ex(r->doc, "checks", &checks));
    for (size_t i = 0; i < json_object_array_length(checks); i++) {
        json_object *c = json_object_array_get_idx(checks, i);
        if (g_strcmp0(str(c, "name"), name) == 0)
            return str(c, "result");
    }
    return NULL;
}

static gboolean verified(const CcmctlJsonRun *r)
{
    json_object *v = NULL;
    g_assert_nonnull(r->doc);
    g_assert_true(json_object_object_get_ex(r->doc, "verified", &v));
    return json_object_get_boolean(v);
}

/* Verified: every check ok or not applicable, exit 0 (nothing expected). */
static void assert_verified(const CcmctlJsonRun *r, const char *generation, const char *chain_part)
{
    g_assert_nonnull(r->doc);
    g_assert_true(verified(r));
    g_assert_cmpint(r->status, ==, 0);
    g_assert_cmpstr(str(r->doc, "result"), ==, "match");
    g_assert_cmpstr(str(r->doc, "generation"), ==, generation);
    g_assert_null(str(r->doc, "first_failure"));
    static const char *const must_pass[] = { "vek", "generation", "chain", "validity",
                                             "signature", "tcb", "signing-key" };
    for (size_t i = 0; i < G_N_ELEMENTS(must_pass); i++)
        g_assert_cmpstr(check_result(r, must_pass[i]), ==, "ok");
    json_object *checks = NULL;
    json_object_object_get_ex(r->doc, "checks", &checks);
    g_assert_nonnull(strstr(json_object_to_json_string(checks), chain_part));
}

/* Refused with @check failed (and, when @first, failing first). */
static void assert_refused(const CcmctlJsonRun *r, const char *check, gboolean first, const char *detail)
{
    g_assert_nonnull(r->doc);
    g_assert_false(verified(r));
    g_assert_cmpint(r->status, ==, 1);
    g_assert_cmpstr(str(r->doc, "result"), ==, "refused");
    g_assert_cmpstr(check_result(r, check), ==, "failed");
    const char *ff = str(r->doc, "first_failure");
    g_assert_nonnull(ff);
    if (first) {
        g_autofree char *prefix = g_strconcat(check, ": ", NULL);
        g_assert_true(g_str_has_prefix(ff, prefix));
    }
    if (detail)
        g_assert_nonnull(strstr(r->out, detail));
}

static const char *report_field(const CcmctlJsonRun *r, const char *key)
{
    json_object *rep = NULL;
    g_assert_true(json_object_object_get_ex(r->doc, "report", &rep));
    return str(rep, key);
}

static void test_virtee_milan(void)
{
    g_autofree char *report = vec("snp/virtee/report_milan.hex");
    g_autofree char *vcek = vec("snp/virtee/vcek_milan.der");
    g_autofree char *chain = vec("snp/virtee/cert_chain_milan");

    g_auto(CcmctlJsonRun) a = verify("--report", report, "--vcek", vcek, NULL);
    assert_verified(&a, "Milan", "VCEK <- ASK (SEV-Milan) <- ARK (ARK-Milan");
    g_assert_cmpstr(report_field(&a, "measurement"), ==,
                    "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c"
                    "60bd95b9c480cd81841f");
    g_assert_cmpstr(report_field(&a, "policy"), ==, "0x30000");
    g_assert_cmpstr(check_result(&a, "chip-id"), ==, "ok");

    /* The same with AMD's chain given (it must still be the pinned ARK). */
    g_auto(CcmctlJsonRun) b = verify("--report", report, "--vcek", vcek, "--chain", chain, NULL);
    assert_verified(&b, "Milan", "ARK-Milan, pinned");

    /* As snpguest writes a certs folder: vcek.der, ask.pem, ark.pem. */
    g_autofree char *dir = g_build_filename(tmpdir, "certs-virtee", NULL);
    g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
    g_autoptr(GBytes) v = read_bytes(vcek);
    g_autofree char *vpath = g_build_filename(dir, "vcek.der", NULL);
    g_assert_true(g_file_set_contents(vpath, g_bytes_get_data(v, NULL),
                                      (gssize) g_bytes_get_size(v), NULL));
    const char *gens[] = { "ask", "ark" };
    for (size_t i = 0; i < 2; i++) {
        g_autofree char *src = g_strdup_printf("%s/amd/milan/%s.pem", attest, gens[i]);
        g_autofree char *dst = g_strdup_printf("%s/%s.pem", dir, gens[i]);
        g_autoptr(GBytes) c = read_bytes(src);
        g_assert_true(g_file_set_contents(dst, g_bytes_get_data(c, NULL),
                                          (gssize) g_bytes_get_size(c), NULL));
    }
    g_auto(CcmctlJsonRun) c = verify("--report", report, "--certs", dir, NULL);
    assert_verified(&c, "Milan", "VCEK <- ASK");
}

static void test_trustee_vcek(void)
{
    g_autofree char *report = vec("snp/trustee/test-report.bin");
    g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
    g_auto(CcmctlJsonRun) a = verify("--report", report, "--vcek", vcek, NULL);
    assert_verified(&a, "Milan", "VCEK <- ASK (SEV-Milan)");
    g_assert_cmpstr(report_field(&a, "measurement"), ==,
                    "a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23500644e0e6"
                    "92e6be917f9050d3d38c");
    g_assert_cmpstr(report_field(&a, "policy"), ==, "0x3001f");
    /* REPORTED_TCB is what is checked: CURRENT_TCB's microcode (206) differs. */
    g_assert_nonnull(strstr(a.out, "microcode 115"));
}

static void test_trustee_vlek(void)
{
    g_autofree char *report = vec("snp/trustee/test-vlek-report.bin");
    g_autofree char *vlek = vec("snp/trustee/test-vlek.der");
    /* The VLEK expired on 2025-12-10. */
    g_auto(CcmctlJsonRun) now = verify("--report", report, "--vlek", vlek, NULL);
    assert_refused(&now, "validity", TRUE, "expired");
    g_assert_cmpstr(check_result(&now, "chain"), ==, "ok");
    g_assert_cmpstr(check_result(&now, "signature"), ==, "ok");

    g_auto(CcmctlJsonRun) before = verify("--report", report, "--vlek", vlek, "--at", "2025-06-01", NULL);
    assert_verified(&before, "Milan", "VLEK <- ASVK (SEV-VLEK-Milan) <- ARK (ARK-Milan");
    g_assert_cmpstr(check_result(&before, "chip-id"), ==, "not-applicable");
    g_assert_cmpstr(str(before.doc, "signing_key"), ==, "VLEK");
    g_assert_cmpstr(report_field(&before, "cpuid"), ==, "19/01/01");
    g_auto(CcmctlJsonRun) unix_time = verify("--report", report, "--vlek", vlek, "--at", "@1748736000",
                                   NULL);
    g_assert_true(verified(&unix_time));
    g_auto(CcmctlJsonRun) after = verify("--report", report, "--vlek", vlek, "--at",
                               "2025-12-10T22:14:22Z", NULL);
    assert_refused(&after, "validity", TRUE, "expired");

    /* VMPL 1: a policy of VMPL 0 names the field. */
    g_autofree char *vmpl0 = scratch("vmpl0.json", "{\"vmpl\": 0}", -1);
    g_auto(CcmctlJsonRun) v0 = verify("--report", report, "--vlek", vlek, "--at", "2025-06-01",
                            "--expected", vmpl0, NULL);
    g_assert_true(verified(&v0));
    g_assert_cmpint(v0.status, ==, 1);
    g_assert_cmpstr(str(v0.doc, "result"), ==, "differ");
    g_assert_cmpstr(str(v0.doc, "first_difference"), ==, "vmpl");

    /* The VLEK under the ASK (a certs folder holding only the ASK) is refused. */
    g_autofree char *dir = g_build_filename(tmpdir, "certs-ask-only", NULL);
    g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
    g_autofree char *ask_src = vec("amd/milan/ask.pem");
    g_autoptr(GBytes) ask = read_bytes(ask_src);
    g_autofree char *ask_dst = g_build_filename(dir, "ask.pem", NULL);
    g_assert_true(g_file_set_contents(ask_dst, g_bytes_get_data(ask, NULL),
                                      (gssize) g_bytes_get_size(ask), NULL));
    g_auto(CcmctlJsonRun) under_ask = verify("--report", report, "--vlek", vlek, "--certs", dir, "--at",
                                   "2025-06-01", NULL);
    assert_refused(&under_ask, "chain", TRUE, "SEV-VLEK-Milan");
}

/* The third certificate of the Trustee bundle (ASK, ARK, ASVK). */
static char *asvk_only(void)
{
    g_autofree char *bundle = vec("amd/trustee/milan_ask_ark_asvk.pem");
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(bundle, &text, NULL, NULL));
    const char *p = text;
    for (int i = 0; i < 2; i++) {
        p = strstr(p, "-----END CERTIFICATE-----");
        g_assert_nonnull(p);
        p += strlen("-----END CERTIFICATE-----");
    }
    return scratch("asvk.pem", p, -1);
}

static void test_vcek_under_asvk(void)
{
    g_autofree char *report = vec("snp/trustee/test-report.bin");
    g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
    g_autofree char *asvk = asvk_only();
    g_auto(CcmctlJsonRun) r = verify("--report", report, "--vcek", vcek, "--chain", asvk, NULL);
    assert_refused(&r, "chain", TRUE, "SEV-Milan");
}

static void test_cross_chip(void)
{
    g_autofree char *virtee = vec("snp/virtee/report_milan.hex");
    g_autofree char *trustee = vec("snp/trustee/test-report.bin");
    g_autofree char *vcek_v = vec("snp/virtee/vcek_milan.der");
    g_autofree char *vcek_t = vec("snp/trustee/test-vcek.der");
    g_auto(CcmctlJsonRun) a = verify("--report", virtee, "--vcek", vcek_t, NULL);
    assert_refused(&a, "signature", TRUE, NULL);
    g_assert_cmpstr(check_result(&a, "chip-id"), ==, "failed");
    g_auto(CcmctlJsonRun) b = verify("--report", trustee, "--vcek", vcek_v, NULL);
    assert_refused(&b, "signature", TRUE, NULL);
    g_assert_cmpstr(check_result(&b, "chip-id"), ==, "failed");
}

static void copy_file(const char *src, const char *dst)
{
    g_autoptr(GBytes) b = read_bytes(src);
    g_assert_true(g_file_set_contents(dst, g_bytes_get_data(b, NULL),
                                      (gssize) g_bytes_get_size(b), NULL));
}

/* A report under another generation's chain: Genoa's ASK and ARK offered for a Milan
 * VCEK, and (as roots) Milan's ASK under Genoa's ARK. */
static void test_other_generation(void)
{
    g_autofree char *report = vec("snp/virtee/report_milan.hex");
    g_autofree char *vcek = vec("snp/virtee/vcek_milan.der");
    g_autofree char *genoa_ask = vec("amd/genoa/ask.pem");
    g_autofree char *genoa_ark = vec("amd/genoa/ark.pem");
    g_autofree char *milan_ask = vec("amd/milan/ask.pem");

    g_autofree char *chain = g_build_filename(tmpdir, "genoa-chain.pem", NULL);
    g_autoptr(GBytes) a = read_bytes(genoa_ask);
    g_autoptr(GBytes) k = read_bytes(genoa_ark);
    g_autoptr(GString) bundle = g_string_new_len(g_bytes_get_data(a, NULL),
                                                 (gssize) g_bytes_get_size(a));
    g_string_append_len(bundle, g_bytes_get_data(k, NULL), (gssize) g_bytes_get_size(k));
    g_assert_true(g_file_set_contents(chain, bundle->str, (gssize) bundle->len, NULL));
    g_auto(CcmctlJsonRun) r = verify("--report", report, "--vcek", vcek, "--chain", chain, NULL);
    assert_refused(&r, "chain", TRUE, "SEV-Genoa");

    g_autofree char *roots = g_build_filename(tmpdir, "mixed-roots", "milan", NULL);
    g_assert_cmpint(g_mkdir_with_parents(roots, 0700), ==, 0);
    g_autofree char *ark_dst = g_build_filename(roots, "ark.pem", NULL);
    g_autofree char *ask_dst = g_build_filename(roots, "ask.pem", NULL);
    copy_file(genoa_ark, ark_dst);
    copy_file(milan_ask, ask_dst);
    g_autofree char *roots_dir = g_path_get_dirname(roots);
    g_auto(CcmctlJsonRun) m = verify("--report", report, "--vcek", vcek, "--roots", roots_dir, NULL);
    assert_refused(&m, "chain", TRUE, "ASK <- ARK");
}

static void test_invalid_vceks(void)
{
    g_autofree char *report = vec("snp/trustee/test-report.bin");
    const char *files[] = { "snp/trustee/test-vcek-invalid-legacy.der",
                            "snp/trustee/test-vcek-invalid-new.der" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *vcek = vec(files[i]);
        g_auto(CcmctlJsonRun) r = verify("--report", report, "--vcek", vcek, NULL);
        g_assert_cmpstr(check_result(&r, "vek"), ==, "ok");  /* its extensions parse */
        assert_refused(&r, "chain", TRUE, NULL);
        g_assert_cmpstr(check_result(&r, "signature"), ==, "failed");
    }
}

static void flip_40(guint8 *d, gsize n)
{
    g_assert_cmpuint(n, >, 40);
    d[40] ^= 0xff;
}
static void inc_42(guint8 *d, gsize n)
{
    g_assert_cmpuint(n, >, 42);
    d[42]++;
}
static void inc_384(guint8 *d, gsize n)
{
    g_assert_cmpuint(n, >, 384);
    d[384]++;
}
static void hcl_tcb_zero(guint8 *d, gsize n)
{
    g_assert_cmpuint(n, >, 0x1a6);
    d[0x1a6] = 0;
}

/* The README's negative table, the rows about SNP reports and their certificates. */
static void test_mutations(void)
{
    /* report_milan.hex decoded, byte 21 ^= 0x80 (family_id): the signature. */
    g_autoptr(GByteArray) milan = milan_report();
    milan->data[21] ^= 0x80;
    g_autofree char *m21 = scratch("milan-21.bin", milan->data, milan->len);
    g_autofree char *vcek_v = vec("snp/virtee/vcek_milan.der");
    g_auto(CcmctlJsonRun) a = verify("--report", m21, "--vcek", vcek_v, NULL);
    assert_refused(&a, "signature", TRUE, NULL);
    g_assert_cmpstr(check_result(&a, "chain"), ==, "ok");
    g_assert_cmpstr(check_result(&a, "tcb"), ==, "ok");

    /* vcek_milan.der byte 40 ^= 0xff: VCEK <- ASK. */
    g_autofree char *v40 = mutated("snp/virtee/vcek_milan.der", "vcek-40.der", flip_40);
    g_autofree char *report_v = vec("snp/virtee/report_milan.hex");
    g_auto(CcmctlJsonRun) b = verify("--report", report_v, "--vcek", v40, NULL);
    assert_refused(&b, "chain", TRUE, "VCEK <- ASK");

    /* test-vcek.der byte 42 += 1: VCEK <- ASK. */
    g_autofree char *t42 = mutated("snp/trustee/test-vcek.der", "test-vcek-42.der", inc_42);
    g_autofree char *report_t = vec("snp/trustee/test-report.bin");
    g_auto(CcmctlJsonRun) c = verify("--report", report_t, "--vcek", t42, NULL);
    assert_refused(&c, "chain", TRUE, "VCEK <- ASK");

    /* test-report.bin byte 42 += 1: the signature; byte 384 += 1: TCB and signature. */
    g_autofree char *vcek_t = vec("snp/trustee/test-vcek.der");
    g_autofree char *r42 = mutated("snp/trustee/test-report.bin", "report-42.bin", inc_42);
    g_auto(CcmctlJsonRun) d = verify("--report", r42, "--vcek", vcek_t, NULL);
    assert_refused(&d, "signature", TRUE, NULL);
    g_assert_cmpstr(check_result(&d, "tcb"), ==, "ok");
    g_autofree char *r384 = mutated("snp/trustee/test-report.bin", "report-384.bin", inc_384);
    g_auto(CcmctlJsonRun) e = verify("--report", r384, "--vcek", vcek_t, NULL);
    assert_refused(&e, "tcb", FALSE, "boot loader 4");
    g_assert_cmpstr(check_result(&e, "signature"), ==, "failed");

    /* test-vlek-report.bin byte 42 / byte 384 (at a time the VLEK was valid). */
    g_autofree char *vlek = vec("snp/trustee/test-vlek.der");
    g_autofree char *l42 = mutated("snp/trustee/test-vlek-report.bin", "vlek-42.bin", inc_42);
    g_auto(CcmctlJsonRun) f = verify("--report", l42, "--vlek", vlek, "--at", "2025-06-01", NULL);
    assert_refused(&f, "signature", TRUE, NULL);
    g_autofree char *l384 = mutated("snp/trustee/test-vlek-report.bin", "vlek-384.bin", inc_384);
    g_auto(CcmctlJsonRun) g = verify("--report", l384, "--vlek", vlek, "--at", "2025-06-01", NULL);
    assert_refused(&g, "tcb", FALSE, "boot loader 5");
    g_assert_cmpstr(check_result(&g, "signature"), ==, "failed");

    /* az-snp-vtpm/hcl-report.bin [0x1a6] = 0: the SNP report inside it (at 0x20) has
     * REPORTED_TCB's SNP byte zeroed: TCB and signature. Unchanged, it verifies with the
     * VCEK bundle next to it. */
    g_autofree char *hcl = vec("az-snp-vtpm/hcl-report.bin");
    g_autofree char *bundle = vec("az-snp-vtpm/vcek.pem");
    g_autoptr(GBytes) h = read_bytes(hcl);
    g_assert_cmpuint(g_bytes_get_size(h), >=, 0x20 + 1184);
    g_autofree char *inner = scratch("hcl-snp.bin", (const guint8 *) g_bytes_get_data(h, NULL) + 0x20,
                                     1184);
    g_auto(CcmctlJsonRun) ok = verify("--report", inner, "--vcek", bundle, NULL);
    assert_verified(&ok, "Milan", "VCEK <- ASK (SEV-Milan)");
    g_autofree char *hz = mutated("az-snp-vtpm/hcl-report.bin", "hcl-tcb.bin", hcl_tcb_zero);
    g_autoptr(GBytes) hzb = read_bytes(hz);
    g_autofree char *inner_z = scratch("hcl-snp-tcb.bin",
                                       (const guint8 *) g_bytes_get_data(hzb, NULL) + 0x20, 1184);
    g_auto(CcmctlJsonRun) z = verify("--report", inner_z, "--vcek", bundle, NULL);
    assert_refused(&z, "tcb", FALSE, "SNP 0");
    g_assert_cmpstr(check_result(&z, "signature"), ==, "failed");
}

static void test_truncated(void)
{
    g_autofree char *report = vec("snp/trustee/test-report.bin");
    g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
    g_autoptr(GBytes) r = read_bytes(report);
    g_autoptr(GBytes) c = read_bytes(vcek);

    /* A short report: one line naming the file and the sizes, exit 1. */
    g_autofree char *short_report = scratch("short.bin", g_bytes_get_data(r, NULL), 1000);
    g_auto(CcmctlJsonRun) a = verify("--report", short_report, "--vcek", vcek, NULL);
    g_assert_cmpint(a.status, ==, 1);
    g_assert_nonnull(strstr(a.err, "short.bin"));
    g_assert_nonnull(strstr(a.err, "1184 bytes"));
    g_assert_nonnull(strstr(a.err, "2368 hex digits"));
    g_assert_cmpstr(strchr(a.err, '\n') + 1, ==, "");
    /* Nor is hex of the wrong length, or text that is not hex. */
    g_autofree char *bad_hex = scratch("bad.hex", "0011zz", -1);
    g_auto(CcmctlJsonRun) b = verify("--report", bad_hex, "--vcek", vcek, NULL);
    g_assert_cmpint(b.status, ==, 1);
    g_assert_nonnull(strstr(b.err, "bad.hex"));

    /* A truncated VCEK: a failed "vek" check, not a crash or a usage error. */
    g_autofree char *short_vcek = scratch("short.der", g_bytes_get_data(c, NULL), 700);
    g_auto(CcmctlJsonRun) d = verify("--report", report, "--vcek", short_vcek, NULL);
    assert_refused(&d, "vek", TRUE, "not an X.509 certificate");
    /* A bit flipped in the VCEK's signature: the chain. */
    g_autofree guint8 *flip = g_memdup2(g_bytes_get_data(c, NULL), g_bytes_get_size(c));
    flip[g_bytes_get_size(c) - 10] ^= 1;
    g_autofree char *flipped = scratch("flipped.der", flip, g_bytes_get_size(c));
    g_auto(CcmctlJsonRun) e = verify("--report", report, "--vcek", flipped, NULL);
    assert_refused(&e, "chain", TRUE, "signature does not verify");
}

/* Bit flips all over a report and its VCEK: each is refused cleanly (exit 1, a document,
 * a failed check), never accepted and never a crash. */
static void test_bit_flips(void)
{
    g_autofree char *report = vec("snp/trustee/test-report.bin");
    g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
    g_autoptr(GBytes) r = read_bytes(report);
    g_autoptr(GBytes) c = read_bytes(vcek);
    for (gsize pos = 0; pos < 1184; pos += 37) {
        g_autofree guint8 *d = g_memdup2(g_bytes_get_data(r, NULL), 1184);
        d[pos] ^= (guint8) (1u << (pos % 8));
        g_autofree char *name = g_strdup_printf("flip-report-%zu.bin", pos);
        g_autofree char *path = scratch(name, d, 1184);
        g_auto(CcmctlJsonRun) v = verify("--report", path, "--vcek", vcek, NULL);
        g_test_message("report byte 0x%zx: %s", pos, str(v.doc, "first_failure"));
        g_assert_false(verified(&v));
        g_assert_cmpint(v.status, ==, 1);
    }
    gsize size = g_bytes_get_size(c);
    for (gsize pos = 0; pos < size; pos += 41) {
        g_autofree guint8 *d = g_memdup2(g_bytes_get_data(c, NULL), size);
        d[pos] ^= (guint8) (1u << (pos % 8));
        g_autofree char *name = g_strdup_printf("flip-vcek-%zu.der", pos);
        g_autofree char *path = scratch(name, d, size);
        g_auto(CcmctlJsonRun) v = verify("--report", report, "--vcek", path, NULL);
        g_test_message("VCEK byte %zu: %s", pos, str(v.doc, "first_failure"));
        g_assert_false(verified(&v));
        g_assert_cmpint(v.status, ==, 1);
    }
}

static void test_no_vcek(void)
{
    /* Version 3 (CPUID: Milan) and version 2 (generation unknown): the KDS URL of this
     * chip at its reported TCB. */
    g_autofree char *report = vec("snp/trustee/test-report.bin");
    g_auto(CcmctlJsonRun) a = verify("--report", report, NULL);
    assert_refused(&a, "vek", TRUE, "no VCEK given");
    g_assert_cmpstr(str(a.doc, "kds_url"), ==,
                    "https://kdsintf.amd.com/vcek/v1/Milan/c38427a30d4c7af9d96f7a15b97269825a64cb"
                    "76a2352ffd5d18115d89ad473f8e8c0bcd9a5d9286612bad4aadfb4426205a3b9e4fea823011"
                    "35a170e477524e?blSPL=03&teeSPL=00&snpSPL=08&ucodeSPL=115");
    /* A VLEK report has no KDS URL. */
    g_autofree char *vlek_report = vec("snp/trustee/test-vlek-report.bin");
    g_auto(CcmctlJsonRun) b = verify("--report", vlek_report, NULL);
    assert_refused(&b, "vek", TRUE, "no VLEK given");
    g_assert_null(str(b.doc, "kds_url"));
    /* The text form prints the URL on a line of its own. */
    g_autofree char *out = NULL;
    const char *args[] = { "verify", "--platform", "sev-snp", "--report", report, NULL };
    g_assert_cmpint(ccmctl_run_status(&out, NULL, args), ==, 1);
    g_assert_nonnull(strstr(out, "\nVCEK: https://kdsintf.amd.com/vcek/v1/Milan/c38427a3"));
}

static void test_expected_json(void)
{
    g_autofree char *report = vec("snp/trustee/test-report.bin");
    g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
    /* The values of the README's trustee-milan-vcek row. */
    const char *fields =
        "{\"measurement\": \"a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23"
        "500644e0e692e6be917f9050d3d38c\", \"host_data\": \"00000000000000000000000000000000000"
        "00000000000000000000000000000\", \"policy\": \"0x3001f\", \"vmpl\": 0, \"report_data\": "
        "\"ec6c52d7533cc2c4f45be7849cf112ab82b2009fe7bd43e71ed08c14400ad7e2\"}";
    g_autofree char *good = scratch("good.json", fields, -1);
    g_auto(CcmctlJsonRun) a = verify("--report", report, "--vcek", vcek, "--expected", good, NULL);
    g_assert_cmpint(a.status, ==, 0);
    g_assert_cmpstr(str(a.doc, "result"), ==, "match");
    json_object *rows = NULL;
    g_assert_true(json_object_object_get_ex(a.doc, "fields", &rows));
    guint matched = 0;
    for (size_t i = 0; i < json_object_array_length(rows); i++)
        matched += g_strcmp0(str(json_object_array_get_idx(rows, i), "result"), "match") == 0;
    g_assert_cmpuint(matched, ==, 5);

    /* One measurement byte off: that field is named, in JSON and on the last text line. */
    g_autofree char *bad_text = g_strdup(fields);
    char *m = strstr(bad_text, "a1f39304");
    m[0] = 'b';
    g_autofree char *bad = scratch("bad.json", bad_text, -1);
    g_auto(CcmctlJsonRun) b = verify("--report", report, "--vcek", vcek, "--expected", bad, NULL);
    g_assert_cmpint(b.status, ==, 1);
    g_assert_cmpstr(str(b.doc, "result"), ==, "differ");
    g_assert_cmpstr(str(b.doc, "first_difference"), ==, "measurement");
    g_autofree char *out = NULL;
    const char *args[] = { "verify", "--platform", "sev-snp", "--report", report, "--vcek", vcek,
                           "--expected", bad, NULL };
    g_assert_cmpint(ccmctl_run_status(&out, NULL, args), ==, 1);
    g_assert_true(g_str_has_suffix(out, "verified; first difference: measurement\n"));

    /* A typo is refused rather than skipped. */
    g_autofree char *typo = scratch("typo.json", "{\"measurment\": \"00\"}", -1);
    g_auto(CcmctlJsonRun) c = verify("--report", report, "--vcek", vcek, "--expected", typo, NULL);
    g_assert_cmpint(c.status, ==, 1);
    g_assert_nonnull(strstr(c.err, "unknown member \"measurment\""));
}

static void test_usage(void)
{
    g_autofree char *report = vec("snp/trustee/test-report.bin");
    g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
    g_auto(CcmctlJsonRun) a = verify("--vcek", vcek, NULL);
    g_assert_cmpint(a.status, ==, 2);
    g_auto(CcmctlJsonRun) b = verify("--report", report, "--vcek", vcek, "--vlek", vcek, NULL);
    g_assert_cmpint(b.status, ==, 2);
    g_auto(CcmctlJsonRun) c = verify("--report", report, "--at", "yesterday", NULL);
    g_assert_cmpint(c.status, ==, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("ccm-verify-snp-XXXXXX", NULL);
    attest = g_strdup(g_getenv("CCM_ATTEST_VECTORS"));
    if (!attest || !g_file_test(attest, G_FILE_TEST_IS_DIR)) {
        g_printerr("CCM_ATTEST_VECTORS (../shared/vectors/attest) is missing\n");
        return 1;
    }
    g_test_add_func("/ccmctl-verify-snp/virtee-milan", test_virtee_milan);
    g_test_add_func("/ccmctl-verify-snp/trustee-vcek", test_trustee_vcek);
    g_test_add_func("/ccmctl-verify-snp/trustee-vlek", test_trustee_vlek);
    g_test_add_func("/ccmctl-verify-snp/vcek-under-asvk", test_vcek_under_asvk);
    g_test_add_func("/ccmctl-verify-snp/cross-chip", test_cross_chip);
    g_test_add_func("/ccmctl-verify-snp/other-generation", test_other_generation);
    g_test_add_func("/ccmctl-verify-snp/invalid-vceks", test_invalid_vceks);
    g_test_add_func("/ccmctl-verify-snp/mutations", test_mutations);
    g_test_add_func("/ccmctl-verify-snp/truncated", test_truncated);
    g_test_add_func("/ccmctl-verify-snp/bit-flips", test_bit_flips);
    g_test_add_func("/ccmctl-verify-snp/no-vcek", test_no_vcek);
    g_test_add_func("/ccmctl-verify-snp/expected-json", test_expected_json);
    g_test_add_func("/ccmctl-verify-snp/usage", test_usage);
    int r = g_test_run();
    ccm_test_rm_tree(tmpdir);
    g_free(tmpdir);
    g_free(attest);
    return r;
}
