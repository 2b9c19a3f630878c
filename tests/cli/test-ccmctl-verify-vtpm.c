/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-verify-vtpm.c - `ccmctl verify --vtpm` over every Azure vTPM vector of
 * shared/vectors/attest (README.md, "Azure vTPM evidence") and the negative table's vTPM
 * mutations, built here from the vector files: each case's verdict, exit status and the
 * step that must fail (or be not checkable).
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "cli-test.h"

static char *tmpdir;
static const char *vectors;
/* Certificates are checked at a fixed time inside every certificate's validity. */
#define AT "2026-06-01T00:00:00Z"

static char *vec(const char *name)
{
    return g_build_filename(vectors, name, NULL);
}

static GBytes *read_vec(const char *name)
{
    g_autofree char *path = vec(name);
    g_autofree char *data = NULL;
    gsize size = 0;
    g_assert_true(g_file_get_contents(path, &data, &size, NULL));
    return g_bytes_new_take(g_steal_pointer(&data), size);
}

static char *write_tmp(const char *name, const void *data, gsize size)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, (gssize) size, NULL));
    return path;
}

/* @name from the vector folder, with byte @offset set by @op ('^' xor, '+' add, '=' set). */
static char *mutated(const char *name, const char *out, gsize offset, char op, guint8 value)
{
    g_autoptr(GBytes) b = read_vec(name);
    gsize size = 0;
    const guint8 *orig = g_bytes_get_data(b, &size);
    g_autofree guint8 *d = g_memdup2(orig, size);
    g_assert_cmpuint(offset, <, size);
    d[offset] = op == '^' ? d[offset] ^ value : op == '+' ? (guint8) (d[offset] + value) : value;
    return write_tmp(out, d, size);
}

static char *truncated(const char *name, const char *out, gsize size)
{
    g_autoptr(GBytes) b = read_vec(name);
    g_assert_cmpuint(size, <, g_bytes_get_size(b));
    return write_tmp(out, g_bytes_get_data(b, NULL), size);
}


/* `ccmctl verify --vtpm --json --at AT ARGS...`; the JSON parsed when there is one. */
static CcmctlJsonRun run(const char *first, ...)
{
    static const char *const prefix[] = { "verify", "--vtpm", "--json", "--at", AT, NULL };
    va_list ap;
    va_start(ap, first);
    CcmctlJsonRun r = ccmctl_run_json(prefix, first, ap);
    va_end(ap);
    return r;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = NULL;
    g_assert_true(json_object_object_get_ex(o, key, &v));
    return json_object_get_string(v);
}

static const char *verdict(const CcmctlJsonRun *r)
{
    g_assert_nonnull(r->doc);
    return str(r->doc, "verdict");
}

/* The result of step @name, or NULL when there is no such row. */
static const char *step(const CcmctlJsonRun *r, const char *name)
{
    json_object *checks = NULL;
    g_assert_nonnull(r->doc);
    g_assert_true(json_object_object_get_ex(r->doc, "checks", &checks));
    for (size_t i = 0; i < json_object_array_length(checks); i++) {
        json_object *c = json_object_array_get_idx(checks, i);
        if (strcmp(str(c, "step"), name) == 0)
            return str(c, "result");
    }
    return NULL;
}

/* Every row ok but those named in @allowed_not_checkable (NULL-terminated). */
static void assert_all_ok(const CcmctlJsonRun *r, const char *const *allowed_not_checkable)
{
    json_object *checks = NULL;
    g_assert_true(json_object_object_get_ex(r->doc, "checks", &checks));
    g_assert_cmpuint(json_object_array_length(checks), >, 8);
    for (size_t i = 0; i < json_object_array_length(checks); i++) {
        json_object *c = json_object_array_get_idx(checks, i);
        const char *name = str(c, "step"), *result = str(c, "result");
        gboolean allowed = FALSE;
        for (size_t k = 0; allowed_not_checkable && allowed_not_checkable[k]; k++)
            allowed |= strcmp(allowed_not_checkable[k], name) == 0;
        if (allowed)
            g_assert_cmpstr(result, ==, "not-checkable");
        else if (strcmp(result, "ok") != 0)
            g_error("step %s: %s (%s)", name, result, json_object_to_json_string(c));
    }
}

static const char *const tdx_unchecked[] = { "intel-collateral", NULL };

/* The quote's steps every genuine case has. */
static void assert_chain_ok(const CcmctlJsonRun *r)
{
    g_assert_cmpstr(step(r, "hcl-report"), ==, "ok");
    g_assert_cmpstr(step(r, "claims-binding"), ==, "ok");
    g_assert_cmpstr(step(r, "ak"), ==, "ok");
    g_assert_cmpstr(step(r, "quote-signature"), ==, "ok");
    g_assert_cmpstr(step(r, "nonce"), ==, "ok");
}

static void assert_pcr0(const CcmctlJsonRun *r, const char *value)
{
    json_object *pcrs = NULL, *p0 = NULL, *quoted = NULL;
    g_assert_true(json_object_object_get_ex(r->doc, "pcrs", &pcrs));
    g_assert_true(json_object_object_get_ex(pcrs, "0", &p0));
    g_assert_cmpstr(str(p0, "value"), ==, value);
    g_assert_true(json_object_object_get_ex(p0, "quoted", &quoted));
    g_assert_true(json_object_get_boolean(quoted));
}

#define SNP_PCR0 "e15c44796beabf46abcec7c57e590942041e47497e4ec27571c8b7664f48dced"
#define SNP_CLAIMS "af2910341dd8108360e485f1b72494255190b9cdd5ccb44b73b883037cf99f21"
#define SNP_DIGEST "cfa3a9112493e8c8741c1d895ced6d05a9ea19a24a02a44a8b02eaf22a1b143f"

static void test_snp_evidence(gconstpointer data)
{
    g_autofree char *ev = vec(data);
    g_auto(CcmctlJsonRun) r = run(ev, "--nonce-text", "challenge", NULL);
    g_assert_cmpstr(verdict(&r), ==, "verified");
    g_assert_cmpint(r.status, ==, 0);
    assert_all_ok(&r, NULL);
    assert_chain_ok(&r);
    g_assert_cmpstr(str(r.doc, "tee"), ==, "sev-snp");
    g_assert_cmpstr(str(r.doc, "claims_digest"), ==, SNP_CLAIMS);
    g_assert_cmpstr(str(r.doc, "pcr_digest"), ==, SNP_DIGEST);
    assert_pcr0(&r, SNP_PCR0);
    /* v0 and v1: user-data is zero and the v2 rule is not applied */
    g_assert_null(step(&r, "user-data"));
}

static void test_snp_files(gconstpointer quote)
{
    g_autofree char *hcl = vec("az-snp-vtpm/hcl-report.bin");
    g_autofree char *q = vec(quote);
    g_autofree char *vcek = vec("az-snp-vtpm/vcek.pem");
    g_auto(CcmctlJsonRun) r = run("--hcl-report", hcl, "--tpm-quote", q, "--vcek", vcek, "--nonce",
                        "6368616c6c656e6765", NULL);
    g_assert_cmpstr(verdict(&r), ==, "verified");
    g_assert_cmpint(r.status, ==, 0);
    assert_all_ok(&r, NULL);
    g_assert_cmpstr(str(r.doc, "claims_digest"), ==,
                    "b3fbad6514c83caeb0380882145e49f794229ef37c421b91fc47ff93556bafac");
    g_assert_cmpstr(str(r.doc, "pcr_digest"), ==,
                    "0daff74c2fca14910b1e9b54a384707434c3365db9f163cc73a39a9f7500833f");
    assert_pcr0(&r, "f3a7e99a5f819a034386bce753a48a73cfdaa0bea0ecfc124bedbf5a8c4799be");
}

static void test_snp_2048(void)
{
    g_autofree char *hcl = vec("az-snp-vtpm/hcl-report-2048.bin");
    g_autofree char *msg = vec("az-snp-vtpm/tpm-quote.msg");
    g_autofree char *sig = vec("az-snp-vtpm/tpm-quote.sig");
    g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
    static const char *const pcr_digest[] = { "pcr-digest", NULL };
    for (int allow = 0; allow < 2; allow++) {
        g_auto(CcmctlJsonRun) r = run("--hcl-report", hcl, "--tpm-quote", msg, "--tpm-signature", sig,
                            "--vcek", vcek, "--nonce-text", "challenge",
                            allow ? "--allow-unchecked" : NULL, NULL);
        g_assert_cmpstr(verdict(&r), ==, "unchecked");
        g_assert_cmpint(r.status, ==, allow ? 0 : 1);
        assert_all_ok(&r, pcr_digest);
        g_assert_cmpstr(str(r.doc, "pcr_selection"), ==, "sha256:0-7,14");
        g_assert_cmpstr(str(r.doc, "pcr_digest"), ==,
                        "9d608cf40eb5bc7454c6cbc0985c17c2efa45d5e5b28004aa7d77c1285d2fa5d");
    }
}

#define TDX_PCR0 "782b20b10f55cc46e2142cc2145d548698073e5beb82752c8d7f9279f0d8a273"

static void assert_tdx_verified(const CcmctlJsonRun *r, gboolean allowed)
{
    g_assert_cmpstr(verdict(r), ==, "unchecked");
    g_assert_cmpint(r->status, ==, allowed ? 0 : 1);
    assert_all_ok(r, tdx_unchecked);
    assert_chain_ok(r);
    for (const char *const *s = (const char *const[]) { "td-quote-signature", "qe-report-binding",
                                                        "qe-report-signature", "pck-chain",
                                                        "td-quote-body", "pcr-digest", NULL };
         *s; s++)
        g_assert_cmpstr(step(r, *s), ==, "ok");
    g_assert_cmpstr(str(r->doc, "tee"), ==, "tdx");
    g_assert_cmpstr(str(r->doc, "claims_digest"), ==,
                    "9734504f161d104c74e3165c15f779b06a9bb40dfa71937817d7eee68e593839");
    g_assert_cmpstr(str(r->doc, "pcr_digest"), ==,
                    "6c0e21d918212d57872a752bcf358355d508d1d5b8cb632259b898b15f9f658d");
    assert_pcr0(r, TDX_PCR0);
    json_object *report = NULL;
    g_assert_true(json_object_object_get_ex(r->doc, "tee_report", &report));
    g_assert_cmpstr(str(report, "mrtd"), ==,
                    "024a32b070383331181619fa387cb4d55d1e38879f989933055ccad5bc2db795d1737b66"
                    "205949d15469dc8c1ba7ab7b");
}

static void test_tdx_evidence(void)
{
    g_autofree char *ev = vec("az-tdx-vtpm/evidence-v0.json");
    g_auto(CcmctlJsonRun) r = run(ev, "--nonce-text", "challenge", NULL);
    assert_tdx_verified(&r, FALSE);
    g_auto(CcmctlJsonRun) a = run(ev, "--nonce-text", "challenge", "--allow-unchecked", NULL);
    assert_tdx_verified(&a, TRUE);
}

static void test_tdx_files(gconstpointer quote)
{
    g_autofree char *hcl = vec("az-tdx-vtpm/hcl-report.bin");
    g_autofree char *q = vec(quote);
    g_autofree char *td = vec("az-tdx-vtpm/td-quote.bin");
    g_auto(CcmctlJsonRun) r = run("--hcl-report", hcl, "--tpm-quote", q, "--td-quote", td,
                        "--nonce-text", "challenge", "--allow-unchecked", NULL);
    assert_tdx_verified(&r, TRUE);
}

/* ---- the negative table ------------------------------------------------------------ */

static CcmctlJsonRun run_snp_hcl(const char *hcl, const char *quote, const char *nonce)
{
    g_autofree char *q = quote ? g_strdup(quote) : vec("az-snp-vtpm/tpm-quote-v1.json");
    g_autofree char *vcek = vec("az-snp-vtpm/vcek.pem");
    g_autofree char *h = hcl ? g_strdup(hcl) : vec("az-snp-vtpm/hcl-report.bin");
    return run("--hcl-report", h, "--tpm-quote", q, "--vcek", vcek, "--nonce-text", nonce,
               NULL);
}

static void assert_refused(const CcmctlJsonRun *r, const char *failed_step)
{
    g_assert_cmpint(r->status, ==, 1);
    g_assert_cmpstr(verdict(r), ==, "refused");
    g_assert_cmpstr(step(r, failed_step), ==, "failed");
}

static void test_snp_tcb_byte(void)
{
    g_autofree char *hcl = mutated("az-snp-vtpm/hcl-report.bin", "tcb.bin", 0x1a6, '=', 0);
    g_auto(CcmctlJsonRun) r = run_snp_hcl(hcl, NULL, "challenge");
    assert_refused(&r, "snp-tcb");
    assert_refused(&r, "snp-signature");
}

static void test_snp_claims_byte(void)
{
    g_autofree char *hcl = mutated("az-snp-vtpm/hcl-report.bin", "claims.bin", 0x6e0, '+', 1);
    g_auto(CcmctlJsonRun) r = run_snp_hcl(hcl, NULL, "challenge");
    assert_refused(&r, "claims-binding");
    g_assert_null(step(&r, "quote-signature")); /* an unbound AK checks nothing */
}

static void test_snp_ak_byte(void)
{
    g_autofree char *hcl = mutated("az-snp-vtpm/hcl-report.bin", "ak.bin", 0x540, '=', 0);
    g_auto(CcmctlJsonRun) r = run_snp_hcl(hcl, NULL, "challenge");
    assert_refused(&r, "claims-binding");
    g_assert_cmpstr(step(&r, "ak"), ==, "failed");
}

/* tpm-quote-v1.json with one hex digit of @member changed */
static char *quote_json_mutated(const char *member, gboolean pcr)
{
    g_autoptr(GBytes) b = read_vec("az-snp-vtpm/tpm-quote-v1.json");
    json_object *o = json_tokener_parse(g_bytes_get_data(b, NULL)), *v = NULL;
    g_assert_nonnull(o);
    g_assert_true(json_object_object_get_ex(o, member, &v));
    if (pcr)
        v = json_object_array_get_idx(v, 0);
    g_autofree char *hex = g_strdup(json_object_get_string(v));
    hex[1] = "0123456789abcdef"[g_ascii_xdigit_value(hex[1]) ^ 1]; /* byte 0 ^= 1 */
    if (pcr)
        json_object_array_put_idx(json_object_object_get(o, member), 0,
                                  json_object_new_string(hex));
    else
        json_object_object_add(o, member, json_object_new_string(hex));
    const char *text = json_object_to_json_string(o);
    char *path = write_tmp(pcr ? "quote-pcr.json" : "quote-sig.json", text, strlen(text));
    json_object_put(o);
    return path;
}

static void test_quote_signature_bit(void)
{
    g_autofree char *q = quote_json_mutated("signature", FALSE);
    g_auto(CcmctlJsonRun) r = run_snp_hcl(NULL, q, "challenge");
    assert_refused(&r, "quote-signature");
    g_assert_cmpstr(step(&r, "claims-binding"), ==, "ok");
}

static void test_quote_pcr_bit(void)
{
    g_autofree char *q = quote_json_mutated("pcrs", TRUE);
    g_auto(CcmctlJsonRun) r = run_snp_hcl(NULL, q, "challenge");
    assert_refused(&r, "pcr-digest");
    g_assert_cmpstr(step(&r, "quote-signature"), ==, "ok");
}

static void test_wrong_nonce(void)
{
    g_auto(CcmctlJsonRun) r = run_snp_hcl(NULL, NULL, "egnellahc");
    assert_refused(&r, "nonce");
    g_autofree char *ev = vec("az-tdx-vtpm/evidence-v0.json");
    g_auto(CcmctlJsonRun) t = run(ev, "--nonce-text", "egnellahc", "--allow-unchecked", NULL);
    assert_refused(&t, "nonce");
}

static void test_tdx_claims_byte(void)
{
    g_autofree char *hcl = mutated("az-tdx-vtpm/hcl-report.bin", "tdx-claims.bin", 0x880, '+', 1);
    g_autofree char *q = vec("az-tdx-vtpm/tpm-quote-v1.json");
    g_autofree char *td = vec("az-tdx-vtpm/td-quote.bin");
    g_auto(CcmctlJsonRun) r = run("--hcl-report", hcl, "--tpm-quote", q, "--td-quote", td, "--nonce-text",
                        "challenge", NULL);
    assert_refused(&r, "claims-binding");
    g_assert_cmpstr(step(&r, "td-quote-body"), ==, "ok");
}

/* The TD quote's body no longer matches, and its signature fails. */
static void test_tdx_quote_byte(void)
{
    g_autofree char *hcl = vec("az-tdx-vtpm/hcl-report.bin");
    g_autofree char *q = vec("az-tdx-vtpm/tpm-quote-v1.json");
    g_autofree char *td = mutated("az-tdx-vtpm/td-quote.bin", "td.bin", 48 + 136, '^', 1);
    g_auto(CcmctlJsonRun) r = run("--hcl-report", hcl, "--tpm-quote", q, "--td-quote", td, "--nonce-text",
                        "challenge", NULL);
    assert_refused(&r, "td-quote-signature");
    assert_refused(&r, "td-quote-body");
    /* a QE report byte: the PCK's signature over it fails */
    g_autofree char *qe = mutated("az-tdx-vtpm/td-quote.bin", "qe.bin", 632 + 4 + 134 + 10, '^',
                                  1);
    g_auto(CcmctlJsonRun) s = run("--hcl-report", hcl, "--tpm-quote", q, "--td-quote", qe, "--nonce-text",
                        "challenge", NULL);
    assert_refused(&s, "qe-report-signature");
}

/* v2 evidence applies the user-data rule: the same v1 document called v2 is refused,
 * since its user-data is zero. */
static void test_v2_user_data(void)
{
    g_autoptr(GBytes) b = read_vec("az-snp-vtpm/evidence-v1.json");
    g_autofree char *text = g_strndup(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
    char *at = strstr(text, "\"version\": 1");
    g_assert_nonnull(at);
    at[strlen("\"version\": ")] = '2';
    g_autofree char *path = write_tmp("evidence-v2.json", text, strlen(text));
    g_auto(CcmctlJsonRun) r = run(path, "--nonce-text", "challenge", NULL);
    assert_refused(&r, "user-data");
    g_assert_cmpstr(step(&r, "quote-signature"), ==, "ok");
}

/* Truncated or damaged inputs: refused with one line, never a crash. */
static void test_truncated(void)
{
    static const struct {
        const char *file, *option;
        gsize size;
        const char *step;
    } cases[] = {
        { "az-snp-vtpm/hcl-report.bin", "--hcl-report", 1000, "hcl-report" },
        { "az-snp-vtpm/hcl-report.bin", "--hcl-report", 0x4d4 + 100, "hcl-report" },
        { "az-tdx-vtpm/td-quote.bin", "--td-quote", 4000, "td-quote-format" },
        { "az-tdx-vtpm/td-quote.bin", "--td-quote", 600, "td-quote-format" },
        { "az-snp-vtpm/tpm-quote.msg", "--tpm-quote", 100, "quote-format" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("trunc-%zu", i);
        g_autofree char *cut = truncated(cases[i].file, name, cases[i].size);
        gboolean tdx = strcmp(cases[i].option, "--td-quote") == 0;
        gboolean raw = strcmp(cases[i].option, "--tpm-quote") == 0;
        g_autofree char *hcl = strcmp(cases[i].option, "--hcl-report") == 0 ? g_strdup(cut)
                               : tdx ? vec("az-tdx-vtpm/hcl-report.bin")
                                     : vec("az-snp-vtpm/hcl-report-2048.bin");
        g_autofree char *quote = raw    ? g_strdup(cut)
                                 : tdx ? vec("az-tdx-vtpm/quote.bin")
                                 : vec("az-snp-vtpm/quote.bin");
        g_autofree char *sig = vec("az-snp-vtpm/tpm-quote.sig");
        g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
        g_autofree char *td = tdx ? g_strdup(cut) : NULL;
        g_auto(CcmctlJsonRun) r = tdx ? run("--hcl-report", hcl, "--tpm-quote", quote, "--td-quote", td,
                                  "--nonce-text", "challenge", NULL)
                            : run("--hcl-report", hcl, "--tpm-quote", quote, "--vcek", vcek,
                                  "--nonce-text", "challenge", raw ? "--tpm-signature" : NULL,
                                  sig, NULL);
        assert_refused(&r, cases[i].step);
    }
    /* a bincode quote cut short, evidence JSON cut short: one line on stderr, exit 1 */
    g_autofree char *bin = truncated("az-snp-vtpm/quote.bin", "quote-cut.bin", 600);
    g_autofree char *hcl = vec("az-snp-vtpm/hcl-report.bin");
    g_auto(CcmctlJsonRun) r = run("--hcl-report", hcl, "--tpm-quote", bin, "--nonce-text", "challenge",
                        NULL);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_null(r.doc);
    g_assert_true(g_str_has_prefix(r.err, "ccmctl verify: "));
    g_assert_nonnull(strstr(r.err, "bincode"));
    g_autofree char *ev = truncated("az-snp-vtpm/evidence-v1.json", "ev-cut.json", 4000);
    g_auto(CcmctlJsonRun) e = run(ev, "--nonce-text", "challenge", NULL);
    g_assert_cmpint(e.status, ==, 1);
    g_assert_null(e.doc);
    g_assert_nonnull(strstr(e.err, "not a JSON object"));
}

static void test_malformed_json(void)
{
    static const char *const docs[] = {
        "[]",
        "{\"version\": 1}",
        "{\"version\": 3, \"tpm_quote\": {}}",
        "{\"quote\": {\"signature\": [1, 2, 300], \"message\": [1], \"pcrs\": []}, "
        "\"report\": [1], \"vcek\": \"x\"}",
        "{\"version\": 1, \"tpm_quote\": {\"signature\": \"zz\", \"message\": \"00\", "
        "\"pcrs\": []}, \"hcl_report\": \"AA\", \"vcek\": \"AA\"}",
        "{\"version\": 1, \"tpm_quote\": {\"signature\": \"00\", \"message\": \"00\", "
        "\"pcrs\": [\"00\"]}, \"hcl_report\": \"AA\", \"vcek\": \"AA\"}",
        "{\"version\": 1, \"tpm_quote\": {\"signature\": \"00\", \"message\": \"00\", "
        "\"pcrs\": []}, \"hcl_report\": \"A!\", \"vcek\": \"AA\"}",
        "{\"version\": 1, \"tpm_quote\": {\"signature\": \"00\", \"message\": \"00\", "
        "\"pcrs\": []}, \"hcl_report\": \"AA\", \"vcek\": \"AA\", \"td_quote\": \"AA\"}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(docs); i++) {
        g_autofree char *name = g_strdup_printf("bad-%zu.json", i);
        g_autofree char *path = write_tmp(name, docs[i], strlen(docs[i]));
        g_auto(CcmctlJsonRun) r = run(path, "--nonce-text", "challenge", NULL);
        g_assert_cmpint(r.status, ==, 1);
        g_assert_null(r.doc);
        g_assert_true(g_str_has_prefix(r.err, "ccmctl verify: "));
        g_assert_nonnull(strstr(r.err, name));
        g_assert_cmpint(strchr(r.err, '\n') - r.err + 1, ==, (long) strlen(r.err));
    }
    /* well-formed JSON whose HCL report is not one: a refused row, not a crash */
    const char *short_report = "{\"version\": 1, \"tpm_quote\": {\"signature\": \"00\", "
                               "\"message\": \"00\", \"pcrs\": []}, \"hcl_report\": \"SENMQQ\", "
                               "\"vcek\": \"AA\"}";
    g_autofree char *path = write_tmp("short.json", short_report, strlen(short_report));
    g_auto(CcmctlJsonRun) r = run(path, "--nonce-text", "challenge", NULL);
    assert_refused(&r, "hcl-report");
}

static void test_pcrs_expected(void)
{
    g_autofree char *ev = vec("az-snp-vtpm/evidence-v1.json");
    const char *good = "{\"sha256\": {\"0\": \"" SNP_PCR0 "\", \"1\": null}}";
    g_autofree char *gp = write_tmp("pcrs-good.json", good, strlen(good));
    g_auto(CcmctlJsonRun) r = run(ev, "--nonce-text", "challenge", "--pcrs-expected", gp, NULL);
    g_assert_cmpstr(verdict(&r), ==, "verified");
    g_assert_cmpstr(step(&r, "pcrs-expected"), ==, "ok");
    const char *bad = "{\"sha256\": {\"0\": \"" SNP_PCR0 "\", \"4\": \"" SNP_PCR0 "\"}}";
    g_autofree char *bp = write_tmp("pcrs-bad.json", bad, strlen(bad));
    g_auto(CcmctlJsonRun) b = run(ev, "--nonce-text", "challenge", "--pcrs-expected", bp, NULL);
    assert_refused(&b, "pcrs-expected");
    /* the 2048 vector covers PCRs 0-7 and 14 but brings no values: not checkable */
    g_autofree char *hcl = vec("az-snp-vtpm/hcl-report-2048.bin");
    g_autofree char *msg = vec("az-snp-vtpm/tpm-quote.msg");
    g_autofree char *sig = vec("az-snp-vtpm/tpm-quote.sig");
    g_autofree char *vcek = vec("snp/trustee/test-vcek.der");
    g_auto(CcmctlJsonRun) u = run("--hcl-report", hcl, "--tpm-quote", msg, "--tpm-signature", sig,
                        "--vcek", vcek, "--nonce-text", "challenge", "--pcrs-expected", gp,
                        NULL);
    g_assert_cmpstr(step(&u, "pcrs-expected"), ==, "not-checkable");
}

static void test_init_data(void)
{
    /* PCR8 is zero in every vector: an init-data hash is refused */
    g_autofree char *ev = vec("az-tdx-vtpm/evidence-v0.json");
    g_auto(CcmctlJsonRun) r = run(ev, "--nonce-text", "challenge", "--allow-unchecked", "--init-data-hash",
                        "8505e4e25e50a27c5dc8147af88efbece627fbea55291911eff832d9ee127781", NULL);
    assert_refused(&r, "init-data");
}

static void test_usage(void)
{
    g_autofree char *ev = vec("az-snp-vtpm/evidence-v1.json");
    g_autofree char *hcl = vec("az-snp-vtpm/hcl-report.bin");
    const char *const *cases[] = {
        (const char *const[]) { "verify", "--vtpm", NULL, NULL },
        (const char *const[]) { "verify", "--vtpm", "--nonce", "6368", "--nonce-text", "c",
                                NULL },
        (const char *const[]) { "verify", "--vtpm", "--nonce", "xyz", ev, NULL },
        (const char *const[]) { "verify", "--vtpm", "--nonce", "00", "--hcl-report", hcl, NULL },
        (const char *const[]) { "verify", "--vtpm", "--nonce", "00", "--at", "yesterday", ev,
                                NULL },
        (const char *const[]) { "verify", "--vtpm", "--nonce", "00", "--init-data-hash", "00",
                                ev, NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *out = NULL, *err = NULL;
        g_assert_cmpint(ccmctl_run_status(&out, &err, cases[i]), ==, 2);
        g_assert_true(g_str_has_prefix(err, "ccmctl verify: "));
    }
}

/* --at in its three forms; a time after the PCK certificate's end refuses the TD quote's
 * chain, one inside it does not */
static void test_at(void)
{
    g_autofree char *ev = vec("az-tdx-vtpm/evidence-v0.json");
    static const char *const inside[] = { "2027-01-01", "@1798761600", "2027-01-01T00:00:00Z" };
    for (size_t i = 0; i < G_N_ELEMENTS(inside); i++) {
        g_auto(CcmctlJsonRun) r = run(ev, "--nonce-text", "challenge", "--at", inside[i], NULL);
        g_assert_cmpstr(step(&r, "pck-chain"), ==, "ok");
    }
    g_auto(CcmctlJsonRun) late = run(ev, "--nonce-text", "challenge", "--at", "2031-01-01", NULL);
    assert_refused(&late, "pck-chain");
    g_assert_cmpstr(step(&late, "qe-report-signature"), ==, "failed");
}

/* --roots and --crl reach the SNP verifier: the shared AMD bundles pin the same chain; roots
 * of another generation only, or a file that is no CRL, refuse the evidence at that row. */
static void test_snp_roots_crl(void)
{
    g_autofree char *ev = vec("az-snp-vtpm/evidence-v1.json");
    g_autofree char *bundles = vec("amd/trustee");
    g_auto(CcmctlJsonRun) pinned = run(ev, "--nonce-text", "challenge", "--roots", bundles, NULL);
    g_assert_cmpstr(verdict(&pinned), ==, "verified");
    g_assert_nonnull(strstr(json_object_to_json_string_ext(pinned.doc, JSON_C_TO_STRING_NOSLASHESCAPE), bundles));

    g_autofree char *genoa = g_build_filename(tmpdir, "genoa-roots", "genoa", NULL);
    g_assert_cmpint(g_mkdir_with_parents(genoa, 0700), ==, 0);
    static const char *const names[] = { "ark.pem", "ask.pem" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *from = g_strconcat("amd/genoa/", names[i], NULL);
        g_autoptr(GBytes) b = read_vec(from);
        g_autofree char *to = g_build_filename(genoa, names[i], NULL);
        g_assert_true(g_file_set_contents(to, g_bytes_get_data(b, NULL),
                                          (gssize) g_bytes_get_size(b), NULL));
    }
    g_autofree char *genoa_only = g_path_get_dirname(genoa);
    g_auto(CcmctlJsonRun) other = run(ev, "--nonce-text", "challenge", "--roots", genoa_only, NULL);
    assert_refused(&other, "snp-chain");

    g_autofree char *crl = write_tmp("not-a.crl", "garbage\n", 8);
    g_auto(CcmctlJsonRun) bad_crl = run(ev, "--nonce-text", "challenge", "--crl", crl, NULL);
    assert_refused(&bad_crl, "snp-crl");

    g_autofree char *td = vec("az-tdx-vtpm/td-quote.bin");
    g_autofree char *hcl = vec("az-tdx-vtpm/hcl-report.bin");
    g_autofree char *quote = vec("az-tdx-vtpm/tpm-quote-v1.json");
    g_auto(CcmctlJsonRun) usage = run("--hcl-report", hcl, "--tpm-quote", quote, "--td-quote", td,
                            "--nonce-text", "challenge", "--crl", crl, NULL);
    g_assert_cmpint(usage.status, ==, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vectors = g_getenv("CCM_ATTEST_VECTORS");
    g_assert_nonnull(vectors);
    tmpdir = g_dir_make_tmp("ccm-vtpm-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    g_test_add_data_func("/vtpm/snp/evidence-v0", "az-snp-vtpm/evidence-v0.json",
                         test_snp_evidence);
    g_test_add_data_func("/vtpm/snp/evidence-v1", "az-snp-vtpm/evidence-v1.json",
                         test_snp_evidence);
    g_test_add_data_func("/vtpm/snp/files-json", "az-snp-vtpm/tpm-quote-v1.json",
                         test_snp_files);
    g_test_add_data_func("/vtpm/snp/files-bincode", "az-snp-vtpm/quote.bin", test_snp_files);
    g_test_add_func("/vtpm/snp/hcl-report-2048", test_snp_2048);
    g_test_add_func("/vtpm/tdx/evidence-v0", test_tdx_evidence);
    g_test_add_data_func("/vtpm/tdx/files-json", "az-tdx-vtpm/tpm-quote-v1.json",
                         test_tdx_files);
    g_test_add_data_func("/vtpm/tdx/files-bincode", "az-tdx-vtpm/quote.bin", test_tdx_files);
    g_test_add_func("/vtpm/negative/snp-tcb-byte", test_snp_tcb_byte);
    g_test_add_func("/vtpm/negative/snp-claims-byte", test_snp_claims_byte);
    g_test_add_func("/vtpm/negative/snp-ak-byte", test_snp_ak_byte);
    g_test_add_func("/vtpm/negative/quote-signature-bit", test_quote_signature_bit);
    g_test_add_func("/vtpm/negative/quote-pcr-bit", test_quote_pcr_bit);
    g_test_add_func("/vtpm/negative/wrong-nonce", test_wrong_nonce);
    g_test_add_func("/vtpm/negative/tdx-claims-byte", test_tdx_claims_byte);
    g_test_add_func("/vtpm/negative/tdx-quote-byte", test_tdx_quote_byte);
    g_test_add_func("/vtpm/negative/v2-user-data", test_v2_user_data);
    g_test_add_func("/vtpm/negative/truncated", test_truncated);
    g_test_add_func("/vtpm/negative/malformed-json", test_malformed_json);
    g_test_add_func("/vtpm/pcrs-expected", test_pcrs_expected);
    g_test_add_func("/vtpm/init-data", test_init_data);
    g_test_add_func("/vtpm/usage", test_usage);
    g_test_add_func("/vtpm/at", test_at);
    g_test_add_func("/vtpm/snp/roots-crl", test_snp_roots_crl);
    int status = g_test_run();
    ccm_test_rm_tree(tmpdir);
    g_free(tmpdir);
    return status;
}
