/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-verify-snp-spec.c - `ccmctl verify --platform sev-snp` of a report against
 * the guest spec whose values it carries, and against a different one
 *
 * No AMD key signs a report for our test guest, so this test makes its own AMD-shaped PKI
 * at run time (an ARK, an ASK or ASVK, a VCEK or VLEK with AMD's extensions, RSASSA-PSS
 * SHA-384 like AMD's), pins it with --roots, and signs a report whose fields it writes
 * from the spec tests/data/guests/sev-snp.guest: the measurement `ccmctl measure` prints,
 * HOST_DATA, the policy, and the ID block's family/image ids and key digests (SHA-384 of
 * the ID and author keys in its ID authentication structure). It also covers what the
 * AMD vectors cannot: Turin (8-byte hwID, FMC SPL, its TCB layout), the signing-key flag,
 * and the ARK-signed CRL.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "cli-test.h"

static char *tmpdir;
static char *guests;

typedef struct Pki {
    EVP_PKEY *ark_key, *inter_key, *vek_key;
    X509 *ark, *inter, *vek;
    char *roots;        /* --roots folder */
    char *vek_path;
} Pki;

static X509_NAME *amd_name(const char *cn)
{
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *) "Test AMD", -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *) cn, -1, -1, 0);
    return n;
}

static void add_raw_ext(X509 *x, const char *oid, const uint8_t *der, size_t len)
{
    ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *s = ASN1_OCTET_STRING_new();
    g_assert_true(ASN1_OCTET_STRING_set(s, der, (int) len));
    X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, s);
    g_assert_nonnull(e);
    g_assert_true(X509_add_ext(x, e, -1));
    X509_EXTENSION_free(e);
    ASN1_OCTET_STRING_free(s);
    ASN1_OBJECT_free(o);
}

static void add_int_ext(X509 *x, const char *oid, unsigned v)
{
    uint8_t der[4] = { 0x02, 1, (uint8_t) v };
    if (v >= 0x80) {
        der[1] = 2, der[2] = 0, der[3] = (uint8_t) v;
        add_raw_ext(x, oid, der, 4);
    } else {
        add_raw_ext(x, oid, der, 3);
    }
}

static void add_str_ext(X509 *x, const char *oid, const char *s)
{
    uint8_t der[128] = { 0x16, (uint8_t) strlen(s) };
    memcpy(der + 2, s, strlen(s));
    add_raw_ext(x, oid, der, 2 + strlen(s));
}

/* AMD signs with a 48-byte salt; a test may make a PKI that does not. */
static int pss_salt = 48;

static void pss_sign(X509 *x, EVP_PKEY *key)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    g_assert_cmpint(EVP_DigestSignInit(ctx, &pctx, EVP_sha384(), NULL, key), ==, 1);
    g_assert_cmpint(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), ==, 1);
    g_assert_cmpint(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, pss_salt), ==, 1);
    g_assert_cmpint(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()), ==, 1);
    g_assert_cmpint(X509_sign_ctx(x, ctx), >, 0);
    EVP_MD_CTX_free(ctx);
}

static X509 *make_cert(const char *cn, long serial, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuer_key, const char *issuer_cn)
{
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
    X509_NAME *s = amd_name(cn), *i = amd_name(issuer_cn);
    X509_set_subject_name(x, s);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : i);
    X509_NAME_free(s);
    X509_NAME_free(i);
    X509_set_pubkey(x, key);
    (void) issuer_key;
    return x;
}

static void write_pem(const char *path, X509 *x)
{
    FILE *f = fopen(path, "w");
    g_assert_nonnull(f);
    g_assert_true(PEM_write_X509(f, x));
    fclose(f);
}

typedef struct Tcb {
    unsigned fmc, bl, tee, snp, ucode;
} Tcb;

/* An AMD-shaped PKI for @gen ("Genoa", "Turin"): VLEK (via an ASVK) or VCEK (via an ASK,
 * bound to @hwid of @hwid_len bytes). */
static void pki_make(Pki *p, const char *name, const char *gen, bool vlek, const Tcb *tcb,
                     const uint8_t *hwid, size_t hwid_len)
{
    p->ark_key = EVP_RSA_gen(2048);
    p->inter_key = EVP_RSA_gen(2048);
    p->vek_key = EVP_EC_gen("P-384");
    g_autofree char *ark_cn = g_strdup_printf("ARK-%s", gen);
    g_autofree char *inter_cn = g_strdup_printf(vlek ? "SEV-VLEK-%s" : "SEV-%s", gen);
    p->ark = make_cert(ark_cn, 1, p->ark_key, NULL, NULL, ark_cn);
    pss_sign(p->ark, p->ark_key);
    p->inter = make_cert(inter_cn, 2, p->inter_key, p->ark, p->ark_key, NULL);
    pss_sign(p->inter, p->ark_key);
    p->vek = make_cert(vlek ? "SEV-VLEK" : "SEV-VCEK", 0, p->vek_key, p->inter, p->inter_key,
                       NULL);
    add_int_ext(p->vek, "1.3.6.1.4.1.3704.1.1", 0);
    add_str_ext(p->vek, "1.3.6.1.4.1.3704.1.2", gen);
    add_int_ext(p->vek, "1.3.6.1.4.1.3704.1.3.1", tcb->bl);
    add_int_ext(p->vek, "1.3.6.1.4.1.3704.1.3.2", tcb->tee);
    add_int_ext(p->vek, "1.3.6.1.4.1.3704.1.3.3", tcb->snp);
    add_int_ext(p->vek, "1.3.6.1.4.1.3704.1.3.8", tcb->ucode);
    if (g_str_equal(gen, "Turin"))
        add_int_ext(p->vek, "1.3.6.1.4.1.3704.1.3.9", tcb->fmc);
    if (vlek)
        add_str_ext(p->vek, "1.3.6.1.4.1.3704.1.5", "CN=test.example");
    else
        add_raw_ext(p->vek, "1.3.6.1.4.1.3704.1.4", hwid, hwid_len);
    pss_sign(p->vek, p->inter_key);

    p->roots = g_build_filename(tmpdir, name, "roots", NULL);
    g_autofree char *lower = g_ascii_strdown(gen, -1);
    g_autofree char *gdir = g_build_filename(p->roots, lower, NULL);
    g_assert_cmpint(g_mkdir_with_parents(gdir, 0700), ==, 0);
    g_autofree char *ark_path = g_build_filename(gdir, "ark.pem", NULL);
    g_autofree char *inter_path = g_build_filename(gdir, vlek ? "asvk.pem" : "ask.pem", NULL);
    write_pem(ark_path, p->ark);
    write_pem(inter_path, p->inter);
    p->vek_path = g_build_filename(tmpdir, name, "vek.pem", NULL);
    write_pem(p->vek_path, p->vek);
}

static void pki_clear(Pki *p)
{
    EVP_PKEY_free(p->ark_key);
    EVP_PKEY_free(p->inter_key);
    EVP_PKEY_free(p->vek_key);
    X509_free(p->ark);
    X509_free(p->inter);
    X509_free(p->vek);
    g_free(p->roots);
    g_free(p->vek_path);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Pki, pki_clear)

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

/* ECDSA P-384 over bytes 0..0x29f, R and S little-endian in 72-byte fields. */
static void sign_report(uint8_t *r, EVP_PKEY *key)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char der[160];
    size_t len = sizeof(der);
    g_assert_cmpint(EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, key), ==, 1);
    g_assert_cmpint(EVP_DigestSign(ctx, der, &len, r, 0x2a0), ==, 1);
    EVP_MD_CTX_free(ctx);
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long) len);
    g_assert_nonnull(sig);
    memset(r + 0x2a0, 0, 144);
    g_assert_cmpint(BN_bn2lebinpad(ECDSA_SIG_get0_r(sig), r + 0x2a0, 72), ==, 72);
    g_assert_cmpint(BN_bn2lebinpad(ECDSA_SIG_get0_s(sig), r + 0x2a0 + 72, 72), ==, 72);
    ECDSA_SIG_free(sig);
}

static void sha384(const uint8_t *p, size_t n, uint8_t out[48])
{
    unsigned int len = 0;
    g_assert_cmpint(EVP_Digest(p, n, out, &len, EVP_sha384(), NULL), ==, 1);
}

static void hex_to(const char *hex, uint8_t *out, size_t n)
{
    g_assert_cmpuint(strlen(hex), ==, 2 * n);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t) (g_ascii_xdigit_value(hex[2 * i]) << 4 |
                            g_ascii_xdigit_value(hex[2 * i + 1]));
}

/* The report the guest of @spec would get, in generation @family/@model's layout. */
static void report_for_spec(const char *spec, uint8_t r[1184], uint8_t family, uint8_t model,
                            uint32_t signing_key)
{
    memset(r, 0, 1184);
    g_autofree char *out = NULL;
    const char *args[] = { "measure", spec, NULL };
    g_assert_cmpint(ccmctl_run_status(&out, NULL, args), ==, 0);
    g_strstrip(out);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_assert_true(g_key_file_load_from_file(kf, spec, G_KEY_FILE_NONE, NULL));
    g_autofree char *host = g_key_file_get_string(kf, "SEV-SNP", "HostData", NULL);
    g_autofree char *block64 = g_key_file_get_string(kf, "SEV-SNP", "IdBlock", NULL);
    g_autofree char *auth64 = g_key_file_get_string(kf, "SEV-SNP", "IdAuth", NULL);
    gsize host_len = 0, block_len = 0, auth_len = 0;
    g_autofree guchar *host_data = g_base64_decode(host, &host_len);
    g_autofree guchar *block = g_base64_decode(block64, &block_len);
    g_autofree guchar *auth = g_base64_decode(auth64, &auth_len);
    g_assert_cmpuint(host_len, ==, 32);
    g_assert_cmpuint(block_len, ==, 96);
    g_assert_cmpuint(auth_len, ==, 4096);

    put_le32(r + 0x000, 3);                  /* version */
    r[0x008] = 0x00, r[0x009] = 0x00, r[0x00a] = 0x03;  /* policy 0x30000 */
    memcpy(r + 0x010, block + 48, 16);       /* family_id */
    memcpy(r + 0x020, block + 64, 16);       /* image_id */
    put_le32(r + 0x034, 1);                  /* ECDSA P-384 SHA-384 */
    put_le32(r + 0x048, 1u | signing_key << 2);  /* author_key_en, signing key */
    memset(r + 0x050, 0x5a, 64);             /* report_data */
    hex_to(out, r + 0x090, 48);              /* measurement */
    memcpy(r + 0x0c0, host_data, 32);
    sha384(auth + 0x240, 0x404, r + 0x0e0);  /* ID key digest */
    sha384(auth + 0x880, 0x404, r + 0x110);  /* author key digest */
    r[0x188] = family, r[0x189] = model, r[0x18a] = 1;
}

static void put_tcb(uint8_t *r, const Tcb *t, bool turin)
{
    uint8_t *p = r + 0x180;
    memset(p, 0, 8);
    if (turin)
        p[0] = (uint8_t) t->fmc, p[1] = (uint8_t) t->bl, p[2] = (uint8_t) t->tee,
        p[3] = (uint8_t) t->snp;
    else
        p[0] = (uint8_t) t->bl, p[1] = (uint8_t) t->tee, p[6] = (uint8_t) t->snp;
    p[7] = (uint8_t) t->ucode;
}

static char *write_report(const char *name, const uint8_t *r)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert_true(g_file_set_contents(path, (const char *) r, 1184, NULL));
    return path;
}

static json_object *verify_json(int *status, const char *report, const Pki *p,
                                const char *extra1, const char *extra2, const char *spec)
{
    const char *args[16] = { "verify", "--platform", "sev-snp", "--json", "--report", report,
                             "--roots", p->roots, "--vcek", p->vek_path };
    int n = 10;
    if (extra1)
        args[n++] = extra1;
    if (extra2)
        args[n++] = extra2;
    if (spec)
        args[n++] = spec;
    args[n] = NULL;
    g_autofree char *out = NULL, *err = NULL;
    *status = ccmctl_run_status(&out, &err, args);
    json_object *doc = json_tokener_parse(out);
    if (!doc)
        g_test_message("stdout %s stderr %s", out, err);
    g_assert_nonnull(doc);
    return doc;
}

static const char *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

static const char *check(json_object *doc, const char *name)
{
    json_object *checks = NULL;
    g_assert_true(json_object_object_get_ex(doc, "checks", &checks));
    for (size_t i = 0; i < json_object_array_length(checks); i++)
        if (g_strcmp0(get(json_object_array_get_idx(checks, i), "name"), name) == 0)
            return get(json_object_array_get_idx(checks, i), "result");
    return NULL;
}

static const char *field(json_object *doc, const char *name)
{
    json_object *fields = NULL;
    g_assert_true(json_object_object_get_ex(doc, "fields", &fields));
    for (size_t i = 0; i < json_object_array_length(fields); i++)
        if (g_strcmp0(get(json_object_array_get_idx(fields, i), "field"), name) == 0)
            return get(json_object_array_get_idx(fields, i), "result");
    return NULL;
}

/* A copy of the test spec with absolute paths and another kernel command line. */
static char *other_spec(const char *spec)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_assert_true(g_key_file_load_from_file(kf, spec, G_KEY_FILE_KEEP_COMMENTS, NULL));
    const char *keys[] = { "Firmware", "Kernel", "Initrd" };
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        g_autofree char *v = g_key_file_get_string(kf, "Guest", keys[i], NULL);
        g_autofree char *abs = g_build_filename(guests, v, NULL);
        g_key_file_set_string(kf, "Guest", keys[i], abs);
    }
    g_key_file_set_string(kf, "Guest", "Cmdline", "console=ttyS0 root=/dev/vda2 ro");
    char *path = g_build_filename(tmpdir, "other.guest", NULL);
    g_assert_true(g_key_file_save_to_file(kf, path, NULL));
    return path;
}

static void test_genoa_vlek_spec(void)
{
    g_autofree char *spec = g_build_filename(guests, "sev-snp.guest", NULL);
    const Tcb tcb = { .bl = 9, .tee = 0, .snp = 21, .ucode = 0x84 };
    g_auto(Pki) p = { 0 };
    pki_make(&p, "genoa", "Genoa", true, &tcb, NULL, 0);
    uint8_t r[1184];
    report_for_spec(spec, r, 0x19, 0x11, 1);
    put_tcb(r, &tcb, false);
    sign_report(r, p.vek_key);
    g_autofree char *report = write_report("genoa.bin", r);

    /* Against its own spec: verified, every field the spec decides matches. */
    int status = -1;
    json_object *a = verify_json(&status, report, &p, NULL, NULL, spec);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(get(a, "result"), ==, "match");
    g_assert_cmpstr(get(a, "generation"), ==, "Genoa");
    g_assert_cmpstr(check(a, "chain"), ==, "ok");
    g_assert_cmpstr(check(a, "tcb"), ==, "ok");
    const char *spec_fields[] = { "measurement", "host_data", "policy", "id_key_digest",
                                  "author_key_digest", "family_id", "image_id", "vmpl" };
    for (size_t i = 0; i < G_N_ELEMENTS(spec_fields); i++)
        g_assert_cmpstr(field(a, spec_fields[i]), ==, "match");
    g_assert_cmpstr(field(a, "report_data"), ==, "not-expected");
    json_object_put(a);

    /* The text table says match field by field. */
    g_autofree char *text = NULL;
    const char *args[] = { "verify", "--platform", "sev-snp", "--report", report, "--roots",
                           p.roots, "--vlek", p.vek_path, spec, NULL };
    g_assert_cmpint(ccmctl_run_status(&text, NULL, args), ==, 0);
    g_assert_nonnull(strstr(text, "\nmeasurement        match "));
    g_assert_nonnull(strstr(text, "\nhost_data          match "));
    g_assert_true(g_str_has_suffix(text, "verified; every expected field matches\n"));

    /* Against a spec with another command line: the measurement is named. */
    g_autofree char *other = other_spec(spec);
    json_object *b = verify_json(&status, report, &p, NULL, NULL, other);
    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(get(b, "result"), ==, "differ");
    g_assert_cmpstr(get(b, "first_difference"), ==, "measurement");
    g_assert_cmpstr(field(b, "host_data"), ==, "match");
    json_object_put(b);

    /* `ccmctl measure --json` of the spec as --expected. */
    g_autofree char *doc = NULL;
    const char *margs[] = { "measure", "--json", spec, NULL };
    g_assert_cmpint(ccmctl_run_status(&doc, NULL, margs), ==, 0);
    g_autofree char *doc_path = g_build_filename(tmpdir, "measure.json", NULL);
    g_assert_true(g_file_set_contents(doc_path, doc, -1, NULL));
    json_object *c = verify_json(&status, report, &p, "--expected", doc_path, NULL);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(field(c, "measurement"), ==, "match");
    g_assert_cmpstr(field(c, "host_data"), ==, "not-expected");
    json_object_put(c);

    /* Without --roots, AMD's roots: this chain is not AMD's. */
    g_autofree char *out = NULL;
    const char *amd[] = { "verify", "--platform", "sev-snp", "--json", "--report", report,
                          "--vlek", p.vek_path, NULL };
    g_assert_cmpint(ccmctl_run_status(&out, NULL, amd), ==, 1);
    g_assert_nonnull(strstr(out, "\"first_failure\":\"chain: "));
}

static void test_signing_key_flag(void)
{
    g_autofree char *spec = g_build_filename(guests, "sev-snp.guest", NULL);
    const Tcb tcb = { .bl = 9, .tee = 0, .snp = 21, .ucode = 0x84 };
    g_auto(Pki) p = { 0 };
    pki_make(&p, "flag", "Genoa", true, &tcb, NULL, 0);
    uint8_t r[1184];
    report_for_spec(spec, r, 0x19, 0x11, 0);    /* says VCEK, signed by the VLEK */
    put_tcb(r, &tcb, false);
    sign_report(r, p.vek_key);
    g_autofree char *report = write_report("flag.bin", r);
    int status = -1;
    json_object *a = verify_json(&status, report, &p, NULL, NULL, NULL);
    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(check(a, "signature"), ==, "ok");
    g_assert_cmpstr(check(a, "signing-key"), ==, "failed");
    json_object_put(a);
}

static void test_turin_vcek(void)
{
    g_autofree char *spec = g_build_filename(guests, "sev-snp.guest", NULL);
    const Tcb tcb = { .fmc = 2, .bl = 3, .tee = 4, .snp = 5, .ucode = 0x9a };
    static const uint8_t hwid[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    g_auto(Pki) p = { 0 };
    pki_make(&p, "turin", "Turin", false, &tcb, hwid, 8);
    uint8_t r[1184];
    report_for_spec(spec, r, 0x1a, 0x02, 0);
    put_tcb(r, &tcb, true);
    memcpy(r + 0x1a0, hwid, 8);
    sign_report(r, p.vek_key);
    g_autofree char *report = write_report("turin.bin", r);
    int status = -1;
    json_object *a = verify_json(&status, report, &p, NULL, NULL, NULL);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(get(a, "generation"), ==, "Turin");
    g_assert_cmpstr(check(a, "tcb"), ==, "ok");
    g_assert_cmpstr(check(a, "chip-id"), ==, "ok");
    json_object_put(a);

    /* Read in Milan's layout these bytes would not match: the FMC SPL is checked. */
    r[0x180] = 3;
    sign_report(r, p.vek_key);
    g_autofree char *fmc = write_report("turin-fmc.bin", r);
    json_object *b = verify_json(&status, fmc, &p, NULL, NULL, NULL);
    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(check(b, "tcb"), ==, "failed");
    g_assert_nonnull(strstr(json_object_to_json_string(b), "REPORTED_TCB fmc 3"));
    json_object_put(b);

    /* Another chip: the 8-byte hwID differs. */
    r[0x180] = 2;
    r[0x1a0] ^= 1;
    sign_report(r, p.vek_key);
    g_autofree char *chip = write_report("turin-chip.bin", r);
    json_object *c = verify_json(&status, chip, &p, NULL, NULL, NULL);
    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(check(c, "chip-id"), ==, "failed");
    json_object_put(c);

    /* Without a VCEK: Turin's KDS URL, 8-byte hwID and fmcSPL. */
    g_autofree char *out = NULL;
    const char *args[] = { "verify", "--platform", "sev-snp", "--json", "--report", report,
                           NULL };
    g_assert_cmpint(ccmctl_run_status(&out, NULL, args), ==, 1);
    json_object *d = json_tokener_parse(out);
    g_assert_cmpstr(get(d, "kds_url"), ==,
                    "https://kdsintf.amd.com/vcek/v1/Turin/1122334455667788?blSPL=03&teeSPL=04"
                    "&snpSPL=05&ucodeSPL=154&fmcSPL=02");
    json_object_put(d);
}

/* A chain signed with RSASSA-PSS but a 32-byte salt is not AMD's: refused. */
static void test_pss_parameters(void)
{
    g_autofree char *spec = g_build_filename(guests, "sev-snp.guest", NULL);
    const Tcb tcb = { .bl = 9, .tee = 0, .snp = 21, .ucode = 0x84 };
    g_auto(Pki) p = { 0 };
    pss_salt = 32;
    pki_make(&p, "salt", "Genoa", true, &tcb, NULL, 0);
    pss_salt = 48;
    uint8_t r[1184];
    report_for_spec(spec, r, 0x19, 0x11, 1);
    put_tcb(r, &tcb, false);
    sign_report(r, p.vek_key);
    g_autofree char *report = write_report("salt.bin", r);
    int status = -1;
    json_object *a = verify_json(&status, report, &p, NULL, NULL, NULL);
    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(check(a, "chain"), ==, "failed");
    g_assert_cmpstr(check(a, "signature"), ==, "ok");
    g_assert_nonnull(strstr(json_object_to_json_string(a), "salt 32"));
    json_object_put(a);
}

static X509_CRL *make_crl(EVP_PKEY *key, X509 *issuer, long revoked_serial)
{
    X509_CRL *crl = X509_CRL_new();
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
    ASN1_TIME *now = X509_gmtime_adj(NULL, -60), *next = X509_gmtime_adj(NULL, 3600L * 24);
    X509_CRL_set1_lastUpdate(crl, now);
    X509_CRL_set1_nextUpdate(crl, next);
    if (revoked_serial >= 0) {
        X509_REVOKED *rev = X509_REVOKED_new();
        ASN1_INTEGER *s = ASN1_INTEGER_new();
        ASN1_INTEGER_set(s, revoked_serial);
        X509_REVOKED_set_serialNumber(rev, s);
        X509_REVOKED_set_revocationDate(rev, now);
        X509_CRL_add0_revoked(crl, rev);
        ASN1_INTEGER_free(s);
    }
    ASN1_TIME_free(now);
    ASN1_TIME_free(next);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    g_assert_cmpint(EVP_DigestSignInit(ctx, &pctx, EVP_sha384(), NULL, key), ==, 1);
    g_assert_cmpint(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), ==, 1);
    g_assert_cmpint(X509_CRL_sign_ctx(crl, ctx), >, 0);
    EVP_MD_CTX_free(ctx);
    return crl;
}

static char *write_crl(const char *name, X509_CRL *crl, bool pem)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    FILE *f = fopen(path, "w");
    g_assert_nonnull(f);
    g_assert_true(pem ? PEM_write_X509_CRL(f, crl) : i2d_X509_CRL_fp(f, crl));
    fclose(f);
    return path;
}

static void test_crl(void)
{
    g_autofree char *spec = g_build_filename(guests, "sev-snp.guest", NULL);
    const Tcb tcb = { .bl = 9, .tee = 0, .snp = 21, .ucode = 0x84 };
    g_auto(Pki) p = { 0 };
    pki_make(&p, "crl", "Genoa", true, &tcb, NULL, 0);
    uint8_t r[1184];
    report_for_spec(spec, r, 0x19, 0x11, 1);
    put_tcb(r, &tcb, false);
    sign_report(r, p.vek_key);
    g_autofree char *report = write_report("crl.bin", r);

    X509_CRL *clean = make_crl(p.ark_key, p.ark, -1);
    X509_CRL *revoking = make_crl(p.ark_key, p.ark, 2);     /* the ASVK's serial */
    X509_CRL *foreign = make_crl(p.inter_key, p.ark, -1);   /* ARK's name, another key */
    g_autofree char *clean_path = write_crl("clean.crl", clean, false);
    g_autofree char *revoking_path = write_crl("revoking.pem", revoking, true);
    g_autofree char *foreign_path = write_crl("foreign.crl", foreign, false);
    X509_CRL_free(clean);
    X509_CRL_free(revoking);
    X509_CRL_free(foreign);

    int status = -1;
    json_object *a = verify_json(&status, report, &p, "--crl", clean_path, NULL);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(check(a, "crl"), ==, "ok");
    json_object_put(a);
    json_object *b = verify_json(&status, report, &p, "--crl", revoking_path, NULL);
    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(check(b, "crl"), ==, "failed");
    g_assert_nonnull(strstr(json_object_to_json_string(b), "revoked"));
    json_object_put(b);
    json_object *c = verify_json(&status, report, &p, "--crl", foreign_path, NULL);
    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(check(c, "crl"), ==, "failed");
    json_object_put(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("ccm-verify-snp-spec-XXXXXX", NULL);
    guests = g_build_filename(g_getenv("CCM_TEST_DATA"), "guests", NULL);
    g_test_add_func("/ccmctl-verify-snp/genoa-vlek-spec", test_genoa_vlek_spec);
    g_test_add_func("/ccmctl-verify-snp/signing-key-flag", test_signing_key_flag);
    g_test_add_func("/ccmctl-verify-snp/turin-vcek", test_turin_vcek);
    g_test_add_func("/ccmctl-verify-snp/crl", test_crl);
    g_test_add_func("/ccmctl-verify-snp/pss-parameters", test_pss_parameters);
    int r = g_test_run();
    ccm_test_rm_tree(tmpdir);
    g_free(tmpdir);
    g_free(guests);
    return r;
}
