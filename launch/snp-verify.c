/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-verify.c - the checks that make an SEV-SNP report genuine
 *
 * In the order they are made, each one a named row (snp-verify.h):
 *   vek          a VCEK or VLEK was given and its AMD extensions parse
 *   generation   Milan, Genoa or Turin: from CPUID (report version 3 and later), else from
 *                the chain that verifies the VEK (or its productName)
 *   chain        VEK <- ASK (VCEK) or ASVK (VLEK) <- ARK, each link RSASSA-PSS with
 *                SHA-384, MGF1-SHA-384 and a 48-byte salt, the ARK self-signed and equal to
 *                the pinned root of the generation. Intermediates given by the user are
 *                used instead of the built-in ones, and must chain to the same ARK.
 *   validity     every certificate of the chain at options->at (or now)
 *   crl          the ARK-signed CRL, when given, lists neither the intermediate nor the VEK
 *   signature    ECDSA P-384 SHA-384 over bytes 0..0x29f with the VEK's key; the bytes
 *                after R and S (0x330..0x49f) must be zero
 *   tcb          REPORTED_TCB (not CURRENT or COMMITTED) equals the VEK's SPLs, in Turin's
 *                layout on Turin
 *   chip-id      a VCEK's hwID equals CHIP_ID (its first 8 bytes on Turin)
 *   signing-key  the report's SIGNING_KEY field names the kind of key that verified it
 * Everything about the guest (measurement, VMPL, policy...) is snp-expected.c's.
 */
#include <errno.h>
#include <string.h>

#include <gio/gio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "amd-roots.h"
#include "ccm-autocleanups.h"
#include "hex.h"
#include "launch-plan.h"
#include "snp-verify.h"

#define KDS_BASE "https://kdsintf.amd.com"

const char *ccm_snp_check_result_to_string(CcmSnpCheckResult result)
{
    switch (result) {
    case CCM_SNP_CHECK_OK:
        return "ok";
    case CCM_SNP_CHECK_FAILED:
        return "failed";
    default:
        return "not-applicable";
    }
}

static void check_free(CcmSnpCheck *c)
{
    g_free(c->name);
    g_free(c->detail);
    g_free(c);
}

static void add_check(CcmSnpVerification *v, const char *name, CcmSnpCheckResult result,
                      const char *format, ...) G_GNUC_PRINTF(4, 5);
static void add_check(CcmSnpVerification *v, const char *name, CcmSnpCheckResult result,
                      const char *format, ...)
{
    CcmSnpCheck *c = g_new0(CcmSnpCheck, 1);
    va_list ap;
    va_start(ap, format);
    c->name = g_strdup(name);
    c->result = result;
    c->detail = g_strdup_vprintf(format, ap);
    va_end(ap);
    if (result == CCM_SNP_CHECK_FAILED && !v->first_failure)
        v->first_failure = g_strdup_printf("%s: %s", name, c->detail);
    g_ptr_array_add(v->checks, c);
}

void ccm_snp_verification_free(CcmSnpVerification *v)
{
    if (!v)
        return;
    g_free(v->generation);
    g_free(v->signing_key);
    g_free(v->vek_source);
    g_clear_pointer(&v->checks, g_ptr_array_unref);
    g_free(v->kds_url);
    g_free(v->first_failure);
    g_free(v);
}

GBytes *ccm_snp_report_load(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize size = 0;
    if (!g_file_get_contents(path, &data, &size, error))
        return NULL;
    if (size == CCM_SNP_REPORT_SIZE)
        return g_bytes_new(data, size);
    /* Hex text: 2368 digits, whitespace (a trailing newline, line breaks) ignored. */
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    if (size < 4 * CCM_SNP_REPORT_SIZE && !memchr(data, '\0', size) &&
        ccm_hex_decode(data, bytes) && bytes->len == CCM_SNP_REPORT_SIZE)
        return g_byte_array_free_to_bytes(g_steal_pointer(&bytes));
    g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                "%s: %" G_GSIZE_FORMAT " bytes; an SEV-SNP attestation report is %d bytes, "
                "or %d hex digits", path, size, CCM_SNP_REPORT_SIZE, 2 * CCM_SNP_REPORT_SIZE);
    return NULL;
}

char *ccm_snp_kds_vcek_url(const CcmSnpReport *report, const uint8_t reported_tcb[8],
                           const char *generation)
{
    CcmAmdGeneration gen = ccm_amd_generation_from_product(generation);
    if (gen < 0)
        return NULL;
    bool turin = gen == CCM_AMD_TURIN;
    CcmSnpTcb t;
    ccm_snp_tcb_decode(reported_tcb, turin, &t);
    g_autofree char *hwid = ccm_hex_encode(report->chip_id, turin ? 8 : 64);
    g_autofree char *url = g_strdup_printf(KDS_BASE "/vcek/v1/%s/%s?blSPL=%02u&teeSPL=%02u"
                                           "&snpSPL=%02u&ucodeSPL=%02u",
                                           ccm_amd_generation_to_string(gen), hwid,
                                           t.bootloader, t.tee, t.snp, t.microcode);
    if (turin)
        return g_strdup_printf("%s&fmcSPL=%02u", url, t.fmc);
    return g_steal_pointer(&url);
}

static const char *signing_key_name(uint32_t flags)
{
    switch ((flags >> 2) & 7) {
    case 0:
        return "VCEK";
    case 1:
        return "VLEK";
    case 7:
        return "none";
    default:
        return "reserved";
    }
}

static char *cert_cn(X509 *x, bool issuer)
{
    X509_NAME *n = issuer ? X509_get_issuer_name(x) : X509_get_subject_name(x);
    char cn[128] = "";
    if (X509_NAME_get_text_by_NID(n, NID_commonName, cn, sizeof(cn)) < 0)
        return g_strdup("(no CN)");
    return g_strdup(cn);
}

/* Whether @x's signature is RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt (the
 * algorithm inside the signed part and outside it agree: X509_verify() checks that). */
static bool pss_sha384(X509 *x, char **ret_why)
{
    const X509_ALGOR *alg = NULL;
    X509_get0_signature(NULL, &alg, x);
    const ASN1_OBJECT *obj = NULL;
    int ptype = 0;
    const void *pval = NULL;
    X509_ALGOR_get0(&obj, &ptype, &pval, alg);
    if (OBJ_obj2nid(obj) != NID_rsassaPss || ptype != V_ASN1_SEQUENCE) {
        *ret_why = g_strdup("not signed with RSASSA-PSS");
        return false;
    }
    const ASN1_STRING *seq = pval;
    const unsigned char *p = ASN1_STRING_get0_data(seq);
    g_autoptr(RSA_PSS_PARAMS) pss = d2i_RSA_PSS_PARAMS(NULL, &p, ASN1_STRING_length(seq));
    if (!pss || !pss->hashAlgorithm || !pss->maskGenAlgorithm || !pss->saltLength) {
        *ret_why = g_strdup("RSASSA-PSS parameters missing or unparsable");
        return false;
    }
    /* MGF1's parameter is the AlgorithmIdentifier of its hash. */
    const ASN1_OBJECT *h = NULL, *mgf = NULL, *mh = NULL;
    int mgf_ptype = 0;
    const void *mgf_pval = NULL;
    X509_ALGOR_get0(&h, NULL, NULL, pss->hashAlgorithm);
    X509_ALGOR_get0(&mgf, &mgf_ptype, &mgf_pval, pss->maskGenAlgorithm);
    g_autoptr(X509_ALGOR) mask_hash = NULL;
    if (mgf_ptype == V_ASN1_SEQUENCE) {
        const unsigned char *q = ASN1_STRING_get0_data(mgf_pval);
        mask_hash = d2i_X509_ALGOR(NULL, &q, ASN1_STRING_length(mgf_pval));
    }
    if (mask_hash)
        X509_ALGOR_get0(&mh, NULL, NULL, mask_hash);
    long salt = ASN1_INTEGER_get(pss->saltLength);
    if (OBJ_obj2nid(h) != NID_sha384 || OBJ_obj2nid(mgf) != NID_mgf1 ||
        OBJ_obj2nid(mh) != NID_sha384 || salt != 48) {
        *ret_why = g_strdup_printf("RSASSA-PSS parameters are not SHA-384, MGF1-SHA-384, "
                                   "salt 48 (salt %ld)", salt);
        return false;
    }
    return true;
}

/* Whether @issuer signed @child: names, PSS parameters, signature. */
static bool signed_by(X509 *child, X509 *issuer, const char *child_what,
                      const char *issuer_what, char **ret_why)
{
    g_autofree char *why = NULL;
    g_autofree char *icn = cert_cn(child, true), *scn = cert_cn(issuer, false);
    if (X509_NAME_cmp(X509_get_issuer_name(child), X509_get_subject_name(issuer)) != 0) {
        *ret_why = g_strdup_printf("%s <- %s: the %s was issued by %s, not by %s", child_what,
                                   issuer_what, child_what, icn, scn);
        return false;
    }
    if (!pss_sha384(child, &why)) {
        *ret_why = g_strdup_printf("%s <- %s: %s", child_what, issuer_what, why);
        return false;
    }
    EVP_PKEY *key = X509_get0_pubkey(issuer);
    int ok = key ? X509_verify(child, key) : -1;
    ERR_clear_error();
    if (ok != 1) {
        *ret_why = g_strdup_printf("%s <- %s: the signature does not verify", child_what,
                                   issuer_what);
        return false;
    }
    return true;
}

static bool is_self_issued(X509 *x)
{
    return X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(x)) == 0;
}

/* The certificates the user gave besides the VEK: from the VEK's own bundle, --chain and
 * the certs folder. */
typedef struct Given {
    GPtrArray *intermediates;   /* X509 */
    GPtrArray *arks;            /* X509, self-issued */
} Given;

static void given_clear(Given *g)
{
    g_clear_pointer(&g->intermediates, g_ptr_array_unref);
    g_clear_pointer(&g->arks, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Given, given_clear)

static void given_add(Given *g, X509 *x)
{
    g_ptr_array_add(is_self_issued(x) ? g->arks : g->intermediates, X509_dup(x));
}

static gboolean read_certs(const char *path, GPtrArray **ret, GError **error)
{
    g_autofree char *data = NULL;
    gsize size = 0;
    if (!g_file_get_contents(path, &data, &size, error))
        return FALSE;
    return (*ret = ccm_x509_list_from_bytes(data, size, path, error)) != NULL;
}

static char *time_text(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return g_strdup("(unreadable time)");
    return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *unix_text(gint64 at)
{
    g_autoptr(GDateTime) d = g_date_time_new_from_unix_utc(at);
    return d ? g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ") : g_strdup("(bad time)");
}

/* The chain's outcome for one generation. */
typedef struct Chain {
    CcmAmdGeneration gen;
    X509 *intermediate;     /* borrowed */
    X509 *ark;              /* borrowed */
    const char *inter_what; /* "ASK" or "ASVK" */
    char *why;              /* NULL: verified */
} Chain;

static void try_chain(X509 *vek, CcmSnpVekKind kind, CcmAmdGeneration gen,
                      const CcmAmdRoots *roots, const Given *given, Chain *ret)
{
    *ret = (Chain) { .gen = gen, .inter_what = kind == CCM_SNP_VEK_VLEK ? "ASVK" : "ASK" };
    const char *gname = ccm_amd_generation_to_string(gen);
    const char *vek_what = kind == CCM_SNP_VEK_VLEK ? "VLEK" : "VCEK";
    X509 *ark = roots->ark[gen];
    if (!ark) {
        ret->why = g_strdup_printf("no %s ARK among the roots (%s)", gname, roots->source);
        return;
    }
    /* A given ARK must be the pinned one. */
    for (guint i = 0; i < given->arks->len; i++)
        if (X509_cmp(given->arks->pdata[i], ark) != 0 &&
            X509_NAME_cmp(X509_get_subject_name(given->arks->pdata[i]),
                          X509_get_subject_name(ark)) == 0) {
            ret->why = g_strdup_printf("the given %s ARK is not the pinned one (%s)", gname,
                                       roots->source);
            return;
        }
    g_autofree char *why = NULL;
    if (!signed_by(ark, ark, "ARK", "ARK", &why)) {
        ret->why = g_strdup_printf("%s ARK: %s", gname, why);
        return;
    }
    ret->ark = ark;
    /* The intermediate: the ones given, else the built-in ASK (VCEK) or ASVK (VLEK). */
    X509 *builtin = kind == CCM_SNP_VEK_VLEK ? roots->asvk[gen] : roots->ask[gen];
    X509 *const *cands = given->intermediates->len ? (X509 *const *) given->intermediates->pdata
                                                   : &builtin;
    guint n = given->intermediates->len ? given->intermediates->len : builtin ? 1 : 0;
    if (n == 0) {
        ret->why = g_strdup_printf("no %s %s to check the %s with", gname, ret->inter_what,
                                   vek_what);
        return;
    }
    for (guint i = 0; i < n; i++) {
        g_autofree char *w = NULL;
        g_autofree char *cn = cert_cn(cands[i], false);
        const char *what = g_str_has_prefix(cn, "SEV-VLEK") ? "ASVK" : "ASK";
        if (!signed_by(vek, cands[i], vek_what, what, &w)) {
            if (!why)
                why = g_steal_pointer(&w);
            continue;
        }
        ret->inter_what = what;
        if (!signed_by(cands[i], ark, what, "ARK", &w)) {
            g_free(why);
            why = g_strdup_printf("%s (%s ARK)", w, gname);
            continue;
        }
        ret->intermediate = cands[i];
        return;
    }
    ret->why = g_steal_pointer(&why);
}

static bool check_validity(CcmSnpVerification *v, X509 *const *certs, const char *const *names,
                           size_t n, gint64 at)
{
    g_autofree char *at_text = unix_text(at);
    time_t t = (time_t) at;
    g_autoptr(GString) until = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        if (!certs[i])
            continue;
        g_autofree char *nb = time_text(X509_get0_notBefore(certs[i]));
        g_autofree char *na = time_text(X509_get0_notAfter(certs[i]));
        if (X509_cmp_time(X509_get0_notAfter(certs[i]), &t) <= 0) {
            add_check(v, "validity", CCM_SNP_CHECK_FAILED,
                      "expired: the %s's validity ended %s (checked at %s)", names[i], na,
                      at_text);
            return false;
        }
        if (X509_cmp_time(X509_get0_notBefore(certs[i]), &t) >= 0) {
            add_check(v, "validity", CCM_SNP_CHECK_FAILED,
                      "not yet valid: the %s is valid from %s (checked at %s)", names[i], nb,
                      at_text);
            return false;
        }
        g_string_append_printf(until, "%s%s until %s", until->len ? ", " : "", names[i], na);
    }
    add_check(v, "validity", CCM_SNP_CHECK_OK, "at %s: %s", at_text, until->str);
    return true;
}

static void check_crl(CcmSnpVerification *v, const char *crl_path, const Chain *chain,
                      X509 *vek, gint64 at)
{
    if (!crl_path) {
        add_check(v, "crl", CCM_SNP_CHECK_NOT_APPLICABLE, "no CRL given");
        return;
    }
    g_autofree char *data = NULL;
    gsize size = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(crl_path, &data, &size, &error)) {
        add_check(v, "crl", CCM_SNP_CHECK_FAILED, "%s", error->message);
        return;
    }
    g_autoptr(X509_CRL) crl = NULL;
    if (size < G_MAXINT && g_strstr_len(data, (gssize) size, "-----BEGIN")) {
        g_autoptr(BIO) bio = BIO_new_mem_buf(data, (int) size);
        crl = bio ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
    } else if (size < G_MAXINT) {
        const unsigned char *p = (const unsigned char *) data;
        crl = d2i_X509_CRL(NULL, &p, (long) size);
    }
    ERR_clear_error();
    if (!crl) {
        add_check(v, "crl", CCM_SNP_CHECK_FAILED, "%s: not a CRL (DER or PEM)", crl_path);
        return;
    }
    if (!chain->ark) {
        add_check(v, "crl", CCM_SNP_CHECK_FAILED, "no verified ARK to check the CRL with");
        return;
    }
    EVP_PKEY *key = X509_get0_pubkey(chain->ark);
    int ok = X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(chain->ark)) == 0 &&
             key && X509_CRL_verify(crl, key) == 1;
    ERR_clear_error();
    if (!ok) {
        add_check(v, "crl", CCM_SNP_CHECK_FAILED, "%s is not signed by the %s ARK", crl_path,
                  ccm_amd_generation_to_string(chain->gen));
        return;
    }
    time_t t = (time_t) at;
    const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
    if (next && X509_cmp_time(next, &t) <= 0) {
        g_autofree char *nt = time_text(next);
        add_check(v, "crl", CCM_SNP_CHECK_FAILED, "%s is out of date (next update %s)",
                  crl_path, nt);
        return;
    }
    X509 *const listed[] = { chain->intermediate, vek };
    const char *const names[] = { chain->inter_what, "VEK" };
    for (size_t i = 0; i < G_N_ELEMENTS(listed); i++) {
        X509_REVOKED *rev = NULL;
        if (listed[i] && X509_CRL_get0_by_cert(crl, &rev, listed[i]) == 1) {
            add_check(v, "crl", CCM_SNP_CHECK_FAILED, "revoked: %s lists the %s", crl_path,
                      names[i]);
            return;
        }
    }
    add_check(v, "crl", CCM_SNP_CHECK_OK, "%s (signed by the ARK) revokes neither the %s nor "
              "the VEK", crl_path, chain->inter_what);
}

static void check_tcb(CcmSnpVerification *v, const uint8_t raw_tcb[8], bool turin)
{
    const CcmSnpVekExtensions *e = &v->vek;
    CcmSnpTcb t;
    ccm_snp_tcb_decode(raw_tcb, turin, &t);
    struct {
        const char *name;
        unsigned reported;
        int spl;
    } parts[] = {
        { "fmc", t.fmc, e->fmc_spl },
        { "boot loader", t.bootloader, e->bl_spl },
        { "TEE", t.tee, e->tee_spl },
        { "SNP", t.snp, e->snp_spl },
        { "microcode", t.microcode, e->ucode_spl },
    };
    g_autoptr(GString) text = g_string_new(NULL);
    for (size_t i = turin ? 0 : 1; i < G_N_ELEMENTS(parts); i++) {
        if (parts[i].spl < 0) {
            add_check(v, "tcb", CCM_SNP_CHECK_FAILED, "the VEK carries no %s SPL",
                      parts[i].name);
            return;
        }
        if ((int) parts[i].reported != parts[i].spl) {
            add_check(v, "tcb", CCM_SNP_CHECK_FAILED, "REPORTED_TCB %s %u, the VEK's %s SPL "
                      "is %d", parts[i].name, parts[i].reported, parts[i].name, parts[i].spl);
            return;
        }
        g_string_append_printf(text, "%s%s %u", text->len ? ", " : "", parts[i].name,
                               parts[i].reported);
    }
    add_check(v, "tcb", CCM_SNP_CHECK_OK, "REPORTED_TCB %s (%s layout) = the VEK's SPLs",
              text->str, turin ? "Turin" : "Milan/Genoa");
}

static void check_chip_id(CcmSnpVerification *v)
{
    if (v->vek.kind != CCM_SNP_VEK_VCEK) {
        add_check(v, "chip-id", CCM_SNP_CHECK_NOT_APPLICABLE, "a %s is not bound to a chip",
                  ccm_snp_vek_kind_to_string(v->vek.kind));
        return;
    }
    g_autofree char *hw = ccm_hex_encode(v->vek.hwid, v->vek.hwid_size);
    if (memcmp(v->report.chip_id, v->vek.hwid, v->vek.hwid_size) != 0) {
        g_autofree char *chip = ccm_hex_encode(v->report.chip_id, v->vek.hwid_size);
        add_check(v, "chip-id", CCM_SNP_CHECK_FAILED, "CHIP_ID %.16s... is not the VCEK's "
                  "hwID %.16s... (another chip)", chip, hw);
        return;
    }
    add_check(v, "chip-id", CCM_SNP_CHECK_OK, "CHIP_ID%s = the VCEK's hwID %.16s...",
              v->vek.hwid_size == 8 ? "[0:8]" : "", hw);
}

/* The VEK and everything given beside it. FALSE with @error for a file that cannot be
 * read; an unusable VEK is a failed "vek" check (returned as *ret_vek NULL). */
static gboolean gather(CcmSnpVerification *v, const CcmSnpVerifyOptions *o, Given *given,
                       X509 **ret_vek, char **ret_vek_problem, GError **error)
{
    g_autoptr(GPtrArray) vek_list = NULL;
    g_autoptr(GError) vek_error = NULL;
    if (o->vek_data) {
        gsize size = 0;
        const void *data = g_bytes_get_data(o->vek_data, &size);
        vek_list = ccm_x509_list_from_bytes(data, size, "the VEK in the evidence", &vek_error);
        v->vek_source = g_strdup("evidence");
    } else if (o->vek_path) {
        g_autofree char *data = NULL;
        gsize size = 0;
        if (!g_file_get_contents(o->vek_path, &data, &size, error))
            return FALSE;
        vek_list = ccm_x509_list_from_bytes(data, size, o->vek_path, &vek_error);
        v->vek_source = g_strdup(o->vek_path);
    }
    if (o->certs_dir) {
        static const char *const inter[] = { "ask.pem", "ask.der", "asvk.pem", "asvk.der",
                                             "ark.pem", "ark.der" };
        for (size_t i = 0; i < G_N_ELEMENTS(inter); i++) {
            g_autofree char *path = g_build_filename(o->certs_dir, inter[i], NULL);
            g_autoptr(GPtrArray) list = NULL;
            if (!g_file_test(path, G_FILE_TEST_EXISTS))
                continue;
            if (!read_certs(path, &list, error))
                return FALSE;
            for (guint k = 0; k < list->len; k++)
                given_add(given, list->pdata[k]);
        }
        if (!o->vek_data && !o->vek_path) {
            /* The key the report names first, then the other. */
            bool vlek = strcmp(v->signing_key, "VLEK") == 0;
            const char *names[] = { vlek ? "vlek.der" : "vcek.der", vlek ? "vlek.pem" : "vcek.pem",
                                    vlek ? "vcek.der" : "vlek.der", vlek ? "vcek.pem" : "vlek.pem" };
            for (size_t i = 0; i < G_N_ELEMENTS(names) && !vek_list && !vek_error; i++) {
                g_autofree char *path = g_build_filename(o->certs_dir, names[i], NULL);
                if (!g_file_test(path, G_FILE_TEST_EXISTS))
                    continue;
                g_autofree char *data = NULL;
                gsize size = 0;
                if (!g_file_get_contents(path, &data, &size, error))
                    return FALSE;
                vek_list = ccm_x509_list_from_bytes(data, size, path, &vek_error);
                v->vek_source = g_steal_pointer(&path);
            }
        }
    }
    if (o->chain_path) {
        g_autoptr(GPtrArray) list = NULL;
        if (!read_certs(o->chain_path, &list, error))
            return FALSE;
        for (guint k = 0; k < list->len; k++)
            given_add(given, list->pdata[k]);
    }
    if (vek_error) {
        *ret_vek_problem = g_strdup(vek_error->message);
        return TRUE;
    }
    for (guint k = 1; vek_list && k < vek_list->len; k++)
        given_add(given, vek_list->pdata[k]);
    if (vek_list)
        *ret_vek = X509_dup(vek_list->pdata[0]);
    return TRUE;
}

static gboolean vek_extensions(CcmSnpVerification *v, X509 *vek, char **ret_problem)
{
    unsigned char *der = NULL;
    int len = i2d_X509(vek, &der);
    CcmError err = { 0 };
    int r = len > 0 ? ccm_snp_vek_extensions_parse(der, (size_t) len,
                                                   v->vek_source ? v->vek_source : "VEK",
                                                   &v->vek, &err)
                    : -EBADMSG;
    OPENSSL_free(der);
    if (r < 0) {
        *ret_problem = g_strdup(len > 0 ? err.message : "the VEK cannot be re-encoded");
        return FALSE;
    }
    v->have_vek = true;
    return TRUE;
}

/* The "vek" row when there is no usable VEK, with the KDS URL of a VCEK report's. */
static void missing_vek(CcmSnpVerification *v, const char *problem, CcmAmdGeneration gen)
{
    if (problem) {
        add_check(v, "vek", CCM_SNP_CHECK_FAILED, "%s", problem);
    } else if (strcmp(v->signing_key, "VCEK") == 0) {
        const char *g = gen >= 0 ? ccm_amd_generation_to_string(gen) : "Milan";
        v->kds_url = ccm_snp_kds_vcek_url(&v->report, v->raw + 0x180, g);
        add_check(v, "vek", CCM_SNP_CHECK_FAILED,
                  "no VCEK given; AMD's KDS serves this chip's at its reported TCB: %s%s",
                  v->kds_url, gen >= 0 ? "" : " (the report does not name its "
                                              "generation: Milan assumed, Genoa otherwise)");
    } else {
        add_check(v, "vek", CCM_SNP_CHECK_FAILED, "no %s given%s", v->signing_key,
                  strcmp(v->signing_key, "VLEK") == 0 ? " (VLEKs come from the cloud "
                                                        "provider, not from AMD's KDS)"
                                                      : "");
    }
    v->generation = g_strdup(ccm_amd_generation_to_string(gen));
    v->verified = false;
}

/* The "generation" and "chain" rows: the chain of the generation CPUID names (@gen), else
 * the VEK's productName (@product), else the first generation whose chain verifies. */
static void check_generation_and_chain(CcmSnpVerification *v, X509 *vek, CcmAmdGeneration gen,
                                       bool has_cpuid, CcmAmdGeneration product,
                                       const CcmAmdRoots *roots, const Given *given,
                                       Chain *chain)
{
    const char *gen_from = NULL;
    *chain = (Chain) { .gen = _CCM_AMD_GENERATION_INVALID };
    if (gen >= 0) {
        gen_from = "CPUID";
        try_chain(vek, v->vek.kind, gen, roots, given, chain);
    } else if (product >= 0) {
        gen_from = "the VEK's productName";
        try_chain(vek, v->vek.kind, product, roots, given, chain);
    } else {
        gen_from = "the chain";
        for (int g = 0; g < _CCM_AMD_GENERATION_MAX; g++) {
            Chain c;
            try_chain(vek, v->vek.kind, (CcmAmdGeneration) g, roots, given, &c);
            if (!c.why || g == 0) {
                g_free(chain->why);
                *chain = c;
            } else {
                g_free(c.why);
            }
            if (!chain->why)
                break;
        }
    }
    if (gen >= 0 && product >= 0 && gen != product) {
        add_check(v, "generation", CCM_SNP_CHECK_FAILED, "CPUID says %s, the VEK's productName "
                  "%s", ccm_amd_generation_to_string(gen), v->vek.product_name);
    } else if (chain->gen >= 0 && (!chain->why || gen >= 0 || product >= 0)) {
        v->generation = g_strdup(ccm_amd_generation_to_string(chain->gen));
        if (has_cpuid && gen < 0)
            add_check(v, "generation", CCM_SNP_CHECK_FAILED, "CPUID family 0x%02x model 0x%02x "
                      "is no SNP generation ccm knows", v->report.cpuid_family,
                      v->report.cpuid_model);
        else
            add_check(v, "generation", CCM_SNP_CHECK_OK, "%s (from %s)", v->generation,
                      gen_from);
    } else {
        add_check(v, "generation", CCM_SNP_CHECK_FAILED, "no AMD generation's chain verifies "
                  "the %s", ccm_snp_vek_kind_to_string(v->vek.kind));
    }
    if (chain->why) {
        add_check(v, "chain", CCM_SNP_CHECK_FAILED, "%s", chain->why);
    } else {
        g_autofree char *icn = cert_cn(chain->intermediate, false);
        g_autofree char *acn = cert_cn(chain->ark, false);
        add_check(v, "chain", CCM_SNP_CHECK_OK, "%s <- %s (%s) <- ARK (%s, pinned, %s)",
                  ccm_snp_vek_kind_to_string(v->vek.kind), chain->inter_what, icn, acn,
                  roots->source);
    }
}

/* The "signature" row: the bytes after R and S must be zero, the ECDSA signature verify. */
static void check_signature(CcmSnpVerification *v, X509 *vek)
{
    /* The signature covers 0x000-0x29f; R and S take 0x2a0-0x32f; AMD leaves the rest
     * zero. Bytes there would be unsigned data riding along: refused. */
    const size_t tail = CCM_SNP_REPORT_SIGNED + 2 * CCM_SNP_SIGNATURE_COMPONENT;
    bool tail_zero = true;
    for (size_t i = tail; i < CCM_SNP_REPORT_SIZE; i++)
        tail_zero &= v->raw[i] == 0;
    CcmError err = { 0 };
    if (!tail_zero)
        add_check(v, "signature", CCM_SNP_CHECK_FAILED, "bytes 0x%zx-0x%x after the signature "
                  "are not zero (nothing signs them)", tail, CCM_SNP_REPORT_SIZE - 1);
    else if (ccm_snp_report_verify(v->raw, X509_get0_pubkey(vek), &err) < 0)
        add_check(v, "signature", CCM_SNP_CHECK_FAILED, "%s", err.message);
    else
        add_check(v, "signature", CCM_SNP_CHECK_OK, "ECDSA P-384 SHA-384 by the %s",
                  ccm_snp_vek_kind_to_string(v->vek.kind));
}

CcmSnpVerification *ccm_snp_verify_report(const uint8_t *data, size_t size, const char *name,
                                          const CcmSnpVerifyOptions *options, GError **error)
{
    static const CcmSnpVerifyOptions none = { 0 };
    const CcmSnpVerifyOptions *o = options ? options : &none;
    g_autoptr(CcmSnpVerification) v = g_new0(CcmSnpVerification, 1);
    v->checks = g_ptr_array_new_with_free_func((GDestroyNotify) check_free);

    CcmError err = { 0 };
    if (ccm_snp_report_parse(data, size, name, &v->report, &err) < 0) {
        g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, err.message);
        return NULL;
    }
    memcpy(v->raw, data, CCM_SNP_REPORT_SIZE);
    v->signing_key = g_strdup(signing_key_name(v->report.flags));
    gint64 at = o->at ? o->at : g_get_real_time() / G_USEC_PER_SEC;

    g_autoptr(CcmAmdRoots) roots = ccm_amd_roots_load(o->roots_dir, error);
    if (!roots)
        return NULL;
    g_auto(Given) given = { g_ptr_array_new_with_free_func((GDestroyNotify) X509_free),
                            g_ptr_array_new_with_free_func((GDestroyNotify) X509_free) };
    g_autoptr(X509) vek = NULL;
    g_autofree char *vek_problem = NULL;
    if (!gather(v, o, &given, &vek, &vek_problem, error))
        return NULL;

    /* The generation from CPUID, when the report has it (version 3 and later; a zero
     * family is read as "not given"). */
    bool has_cpuid = v->report.version >= 3 && v->report.cpuid_family != 0;
    CcmAmdGeneration gen = has_cpuid ? ccm_amd_generation_from_cpuid(v->report.cpuid_family,
                                                                     v->report.cpuid_model)
                                     : _CCM_AMD_GENERATION_INVALID;

    if (vek && !vek_extensions(v, vek, &vek_problem))
        g_clear_pointer(&vek, X509_free);
    if (!vek) {
        missing_vek(v, vek_problem, gen);
        return g_steal_pointer(&v);
    }
    add_check(v, "vek", CCM_SNP_CHECK_OK, "%s from %s, productName %s",
              ccm_snp_vek_kind_to_string(v->vek.kind), v->vek_source,
              v->vek.product_name[0] ? v->vek.product_name : "(none)");

    CcmAmdGeneration product = ccm_amd_generation_from_product(v->vek.product_name);
    Chain chain;
    check_generation_and_chain(v, vek, gen, has_cpuid, product, roots, &given, &chain);
    g_clear_pointer(&chain.why, g_free);

    X509 *const certs[] = { vek, chain.intermediate, chain.ark };
    const char *const names[] = { ccm_snp_vek_kind_to_string(v->vek.kind), chain.inter_what,
                                  "ARK" };
    (void) check_validity(v, certs, names, G_N_ELEMENTS(certs), at);
    check_crl(v, o->crl_path, &chain, vek, at);

    check_signature(v, vek);

    bool turin = chain.gen == CCM_AMD_TURIN || gen == CCM_AMD_TURIN || product == CCM_AMD_TURIN;
    check_tcb(v, v->raw + 0x180, turin);
    check_chip_id(v);

    const char *kind = ccm_snp_vek_kind_to_string(v->vek.kind);
    if (strcmp(v->signing_key, kind) == 0)
        add_check(v, "signing-key", CCM_SNP_CHECK_OK, "the report names the %s, and a %s "
                  "verified it", v->signing_key, kind);
    else
        add_check(v, "signing-key", CCM_SNP_CHECK_FAILED, "the report names the %s (flags "
                  "0x%x), the key given is a %s", v->signing_key, v->report.flags, kind);

    v->verified = v->first_failure == NULL;
    return g_steal_pointer(&v);
}
