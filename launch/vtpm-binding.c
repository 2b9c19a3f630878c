/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vtpm-binding.c - a vTPM's PCR values, tied to the TEE's hardware root in one chain
 *
 * Theory of operation, for the "azure-hcl" binding kind (Azure confidential VMs): the
 * paravisor (HCL) asks the TEE for a report whose REPORT_DATA starts with the hash of its
 * runtime claims, and stores report and claims in the vTPM's NV index 0x01400001. The
 * claims hold the vTPM's attestation key (AK) as a JWK. So: (1) the TEE report is genuine
 * (SEV-SNP: AMD's chain, signature, TCB, chip id, via snp-verify.c; TDX: the TD quote's
 * offline checks and its body == the TDREPORT in the HCL report); (2) hash(claims) ==
 * REPORT_DATA[0:n], the rest zero; (3) the AK comes from those claims; (4) the TPM quote is
 * signed by the AK; (5) its extraData is the verifier's nonce; (6) its pcrDigest is the
 * hash of the selected PCR values. Each step is a row; a step that cannot be made is
 * not-checkable, and the chain stops at the first link whose failure leaves nothing to
 * check the next one with.
 *
 * Another binding kind adds one row to the table below: its applies() recognises its
 * evidence, its bind() checks the TEE report and returns the key the quote is checked with.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "ccm/measure.h"
#include "base64url.h"
#include "ccm-autocleanups.h"
#include "hex.h"
#include "launch-plan.h"
#include "snp-verify.h"
#include "tdx-quote-verify.h"
#include "vtpm-binding.h"


void ccm_vtpm_verification_free(CcmVtpmVerification *v)
{
    if (!v)
        return;
    ccm_check_list_free(v->checks);
    json_object_put(v->tee_report);
    g_free(v->report_data);
    g_free(v->claims_digest);
    g_free(v->pcr_selection);
    g_free(v->pcr_digest);
    for (int i = 0; i < CCM_VTPM_MAX_PCRS; i++)
        g_free(v->pcrs[i]);
    g_free(v);
}

static void hash(GChecksumType type, const guint8 *data, gsize size, guint8 *out, gsize *len)
{
    GChecksum *c = g_checksum_new(type);
    g_checksum_update(c, data, (gssize) size);
    g_checksum_get_digest(c, out, len);
    g_checksum_free(c);
}

/* ---- azure-hcl: the HCL report ---------------------------------------------------- */

static gboolean azure_hcl_applies(const CcmVtpmEvidence *e)
{
    return e->hcl_report != NULL;
}

/* SEV-SNP: the embedded report through snp-verify.c, each of its checks a row "snp-…". */
static gboolean check_snp(const CcmHclReport *hcl, const CcmVtpmEvidence *e,
                          const CcmVtpmOptions *o, CcmVtpmVerification *v,
                          guint8 ret_report_data[64])
{
    if (!e->vek)
        return ccm_check_list_add(v->checks, "snp-vek", CCM_CHECK_FAILED,
                                  "no VCEK or VLEK came with the evidence (--vcek FILE)");
    CcmSnpVerifyOptions so = { .vek_data = e->vek, .at = o->at,
                               .roots_dir = o->snp_roots_dir, .crl_path = o->snp_crl_path };
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmSnpVerification) snp = ccm_snp_verify_report(
        hcl->hw_report, hcl->hw_report_size, "the HCL report's SNP report", &so, &error);
    if (!snp)
        return ccm_check_list_add(v->checks, "snp-report", CCM_CHECK_FAILED, "%s",
                                  error->message);
    for (guint i = 0; i < snp->checks->len; i++) {
        const CcmSnpCheck *c = snp->checks->pdata[i];
        g_autofree char *name = g_strconcat("snp-", c->name, NULL);
        if (c->result == CCM_SNP_CHECK_NOT_APPLICABLE)
            ccm_check_list_add(v->checks, name, CCM_CHECK_OK, "not applicable: %s",
                               c->detail);
        else
            ccm_check_list_add(v->checks, name,
                               c->result == CCM_SNP_CHECK_OK ? CCM_CHECK_OK : CCM_CHECK_FAILED,
                               "%s", c->detail);
    }
    v->tee_report = ccm_snp_report_to_json(&snp->report);
    memcpy(ret_report_data, snp->report.report_data, 64);
    return snp->verified;
}

/* TDX: the TD quote's offline checks, and its body == the TDREPORT in the HCL report. */
static gboolean check_tdx(const CcmHclReport *hcl, const CcmVtpmEvidence *e,
                          const CcmVtpmOptions *o, CcmVtpmVerification *v,
                          guint8 ret_report_data[64])
{
    CcmTdxReport td;
    CcmError err = { 0 };
    if (ccm_tdx_tdreport_parse(hcl->hw_report, hcl->hw_report_size,
                               "the HCL report's TDREPORT", &td, &err) < 0)
        return ccm_check_list_add(v->checks, "tdreport", CCM_CHECK_FAILED, "%s", err.message);
    g_autofree char *mrtd = ccm_hex_encode(td.mrtd, sizeof(td.mrtd));
    ccm_check_list_add(v->checks, "tdreport", CCM_CHECK_OK, "TDREPORT (type 0x81), MRTD %s",
                       mrtd);
    json_object *r = json_object_new_object();
    json_object_object_add(r, "mrtd", json_object_new_string(mrtd));
    for (int i = 0; i < 4; i++) {
        g_autofree char *key = g_strdup_printf("rtmr%d", i);
        g_autofree char *h = ccm_hex_encode(td.rtmr[i], CCM_SHA384_SIZE);
        json_object_object_add(r, key, json_object_new_string(h));
    }
    g_autofree char *cfg = ccm_hex_encode(td.mrconfigid, CCM_SHA384_SIZE);
    g_autofree char *own = ccm_hex_encode(td.mrowner, CCM_SHA384_SIZE);
    g_autofree char *owncfg = ccm_hex_encode(td.mrownerconfig, CCM_SHA384_SIZE);
    json_object_object_add(r, "mrconfigid", json_object_new_string(cfg));
    json_object_object_add(r, "mrowner", json_object_new_string(own));
    json_object_object_add(r, "mrownerconfig", json_object_new_string(owncfg));
    json_object_object_add(r, "td_attributes", json_object_new_int64((int64_t) td.td_attributes));
    json_object_object_add(r, "xfam", json_object_new_int64((int64_t) td.xfam));
    v->tee_report = r;
    memcpy(ret_report_data, td.report_data, 64);
    if (!e->td_quote)
        return ccm_check_list_add(v->checks, "td-quote-format", CCM_CHECK_FAILED,
                                  "no TD quote came with the evidence (--td-quote FILE): the "
                                  "TDREPORT's MAC can only be checked on its own machine");
    gsize size = 0;
    const guint8 *q = g_bytes_get_data(e->td_quote, &size);
    CcmTdxQuoteParts parts;
    gboolean ok = ccm_tdx_quote_verify_offline(q, size, "the TD quote", o->at, v->checks,
                                               &parts);
    const CcmCheck *format = ccm_check_list_find(v->checks, "td-quote-format");
    if (format->result != CCM_CHECK_OK)
        return FALSE;
    const char *diff = ccm_tdx_body_tdreport_difference(parts.body, hcl->hw_report);
    ok &= ccm_check_list_add(v->checks, "td-quote-body", diff ? CCM_CHECK_FAILED : CCM_CHECK_OK,
                             diff ? "the TD quote's %s differs from the TDREPORT's"
                                  : "every field of the TD quote's body equals the TDREPORT's%s",
                             diff ? diff : "");
    return ok;
}

/* The AK: the claims' JWK with "kid" "HCLAkPub", an RSA key (n, e in base64url). */
static GBytes *jwk_number(json_object *jwk, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(jwk, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return ccm_base64url_decode(json_object_get_string(v));
}

static EVP_PKEY *rsa_key(GBytes *n, GBytes *e)
{
    gsize nn = 0, en = 0;
    const guint8 *np = g_bytes_get_data(n, &nn), *ep = g_bytes_get_data(e, &en);
    g_autoptr(BIGNUM) bn = BN_bin2bn(np, (int) nn, NULL);
    g_autoptr(BIGNUM) be = BN_bin2bn(ep, (int) en, NULL);
    g_autoptr(OSSL_PARAM_BLD) bld = OSSL_PARAM_BLD_new();
    if (!bn || !be || !bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
        return NULL;
    g_autoptr(OSSL_PARAM) params = OSSL_PARAM_BLD_to_param(bld);
    g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *key = NULL;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        return NULL;
    return key;
}

/* Finds the AK in the claims (and, for evidence v2, checks user-data against the nonce). */
static EVP_PKEY *ak_from_claims(const CcmHclReport *hcl, const CcmVtpmEvidence *e,
                                const CcmVtpmOptions *o, CcmVtpmVerification *v)
{
    g_autoptr(json_tokener) tok = json_tokener_new();
    g_autoptr(json_object) claims =
        json_tokener_parse_ex(tok, (const char *) hcl->claims, (int) hcl->claims_size);
    if (!claims || json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) != hcl->claims_size ||
        !json_object_is_type(claims, json_type_object)) {
        ccm_check_list_add(v->checks, "ak", CCM_CHECK_FAILED,
                           "the runtime claims are not a JSON object: no AK to check the quote "
                           "with");
        return NULL;
    }
    json_object *keys = NULL, *ak = NULL;
    if (json_object_object_get_ex(claims, "keys", &keys) &&
        json_object_is_type(keys, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(keys) && !ak; i++) {
            json_object *k = json_object_array_get_idx(keys, i), *kid = NULL;
            if (json_object_object_get_ex(k, "kid", &kid) &&
                json_object_is_type(kid, json_type_string) &&
                strcmp(json_object_get_string(kid), "HCLAkPub") == 0)
                ak = k;
        }
    }
    json_object *kty = NULL;
    g_autoptr(GBytes) n = ak ? jwk_number(ak, "n") : NULL;
    g_autoptr(GBytes) ex = ak ? jwk_number(ak, "e") : NULL;
    EVP_PKEY *key = NULL;
    if (!ak || !json_object_object_get_ex(ak, "kty", &kty) ||
        g_strcmp0(json_object_get_string(kty), "RSA") != 0 || !n || !ex ||
        !(key = rsa_key(n, ex)) || EVP_PKEY_get_bits(key) < 2048) {
        EVP_PKEY_free(key);
        ccm_check_list_add(v->checks, "ak", CCM_CHECK_FAILED,
                           "the runtime claims hold no RSA JWK \"HCLAkPub\" of 2048 bits or "
                           "more (\"kty\", \"n\", \"e\" in base64url)");
        return NULL;
    }
    ccm_check_list_add(v->checks, "ak", CCM_CHECK_OK,
                       "RSA-%d key \"HCLAkPub\" from the runtime claims",
                       EVP_PKEY_get_bits(key));
    /* v2 evidence: the claims' user-data starts with the nonce. v0 and v1 carry zeros
     * there and bind the nonce through the quote alone, so the rule is not applied. */
    if (e->format_version == 2) {
        json_object *ud = NULL;
        g_autoptr(GByteArray) b = g_byte_array_new();
        gsize nonce_size = 0;
        const guint8 *nonce = g_bytes_get_data(o->nonce, &nonce_size);
        gboolean ok = json_object_object_get_ex(claims, "user-data", &ud) &&
                      json_object_is_type(ud, json_type_string) &&
                      ccm_hex_decode(json_object_get_string(ud), b) && b->len >= nonce_size &&
                      memcmp(b->data, nonce, nonce_size) == 0;
        ccm_check_list_add(v->checks, "user-data", ok ? CCM_CHECK_OK : CCM_CHECK_FAILED,
                           ok ? "the claims' user-data starts with the nonce (evidence v2)"
                              : "the claims' user-data does not start with the nonce (evidence "
                                "v2 requires it)");
    }
    return key;
}

static EVP_PKEY *azure_hcl_bind(const CcmVtpmEvidence *e, const CcmVtpmOptions *o,
                                CcmVtpmVerification *v)
{
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(e->hcl_report, &size);
    CcmHclReport hcl;
    CcmError err = { 0 };
    if (ccm_hcl_report_parse(data, size, "the HCL report", &hcl, &err) < 0) {
        ccm_check_list_add(v->checks, "hcl-report", CCM_CHECK_FAILED, "%s", err.message);
        return NULL;
    }
    gboolean snp = hcl.report_type == CCM_HCL_REPORT_SNP;
    v->tee = snp ? "sev-snp" : "tdx";
    ccm_check_list_add(v->checks, "hcl-report", CCM_CHECK_OK,
                       "HCL report version %u, %s report, %zu bytes of claims hashed with %s",
                       hcl.version, snp ? "SEV-SNP" : "TDX", hcl.claims_size,
                       ccm_hcl_hash_to_string(hcl.hash_type));
    guint8 report_data[64] = { 0 };
    gboolean genuine = snp ? check_snp(&hcl, e, o, v, report_data)
                           : check_tdx(&hcl, e, o, v, report_data);
    v->report_data = ccm_hex_encode(report_data, sizeof(report_data));
    (void) genuine; /* the rows say it; the binding below is checked either way */

    guint8 digest[64];
    gsize n = ccm_hcl_hash_size(hcl.hash_type), len = n;
    GChecksumType t = hcl.hash_type == CCM_HCL_HASH_SHA256   ? G_CHECKSUM_SHA256
                      : hcl.hash_type == CCM_HCL_HASH_SHA384 ? G_CHECKSUM_SHA384
                                                             : G_CHECKSUM_SHA512;
    hash(t, hcl.claims, hcl.claims_size, digest, &len);
    v->claims_digest = ccm_hex_encode(digest, n);
    gboolean rest_zero = TRUE;
    for (gsize i = n; i < 64; i++)
        rest_zero &= report_data[i] == 0;
    gboolean bound;
    if (memcmp(digest, report_data, n) != 0)
        bound = ccm_check_list_add(v->checks, "claims-binding", CCM_CHECK_FAILED,
                                   "%s(claims) %s is not REPORT_DATA[0:%zu]",
                                   ccm_hcl_hash_to_string(hcl.hash_type), v->claims_digest, n);
    else if (!rest_zero)
        bound = ccm_check_list_add(v->checks, "claims-binding", CCM_CHECK_FAILED,
                                   "REPORT_DATA[%zu:64] is not zero", n);
    else
        bound = ccm_check_list_add(v->checks, "claims-binding", CCM_CHECK_OK,
                                   "%s(claims) = REPORT_DATA[0:%zu] %s, the rest zero",
                                   ccm_hcl_hash_to_string(hcl.hash_type), n, v->claims_digest);
    /* Unbound claims still get their "ak" row (it tells a damaged JWK from a replaced
     * one), but their key checks nothing. */
    g_autoptr(EVP_PKEY) ak = ak_from_claims(&hcl, e, o, v);
    return bound ? g_steal_pointer(&ak) : NULL;
}

static const CcmVtpmBindingKind azure_hcl = {
    .name = "azure-hcl",
    .summary = "Azure HCL report: runtime claims hashed into REPORT_DATA hold the AK",
    .applies = azure_hcl_applies,
    .bind = azure_hcl_bind,
};

/* The binding kinds. "coconut-svsm" goes here next (see the header). */
static const CcmVtpmBindingKind *const kinds[] = { &azure_hcl, NULL };

const CcmVtpmBindingKind *const *ccm_vtpm_binding_kinds(void)
{
    return kinds;
}

/* ---- The TPM quote: common to every binding kind --------------------------------- */

static void append_range(GString *s, int first, int last)
{
    if (s->len && s->str[s->len - 1] != ':')
        g_string_append_c(s, ',');
    if (first == last)
        g_string_append_printf(s, "%d", first);
    else
        g_string_append_printf(s, "%d-%d", first, last);
}

/* "sha256:0-7,14" for each bank, ";"-separated. */
static char *selection_text(const CcmTpmQuote *q)
{
    GString *s = g_string_new(NULL);
    for (guint32 b = 0; b < q->n_banks; b++) {
        const CcmTpmPcrSelection *sel = &q->banks[b];
        const char *alg = ccm_tpm_alg_to_string(sel->hash_alg);
        if (b)
            g_string_append_c(s, ';');
        if (alg)
            g_string_append_printf(s, "%s:", alg);
        else
            g_string_append_printf(s, "0x%04x:", sel->hash_alg);
        int first = -1;
        for (int pcr = 0; pcr <= sel->size_of_select * 8; pcr++) {
            gboolean on = pcr < sel->size_of_select * 8 &&
                          ccm_tpm_pcr_selected(sel, (unsigned) pcr);
            if (on && first < 0)
                first = pcr;
            if (!on && first >= 0) {
                append_range(s, first, pcr - 1);
                first = -1;
            }
        }
    }
    return g_string_free(s, FALSE);
}

/* pcrDigest: SHA-256 of the selected PCR values, ascending, bank after bank. */
static void check_pcr_digest(const CcmTpmQuote *q, const CcmVtpmEvidence *e,
                             CcmVtpmVerification *v)
{
    v->pcr_digest = ccm_hex_encode(q->pcr_digest, q->pcr_digest_size);
    if (!e->pcrs) {
        ccm_check_list_add(v->checks, "pcr-digest", CCM_CHECK_NOT_CHECKABLE,
                           "PCR digest not checkable: the quote selects %s with pcrDigest %s, "
                           "and no PCR values came with it",
                           v->pcr_selection, v->pcr_digest);
        return;
    }
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    gboolean quoted[CCM_TPM_SELECT_MAX * 8] = { FALSE };
    const char *problem = NULL;
    for (guint32 b = 0; b < q->n_banks && !problem; b++) {
        const CcmTpmPcrSelection *sel = &q->banks[b];
        if (sel->hash_alg != CCM_TPM_ALG_SHA256) {
            problem = "the quote selects a bank other than SHA-256; only SHA-256 values come "
                      "with the evidence";
            break;
        }
        for (unsigned pcr = 0; pcr < sel->size_of_select * 8u; pcr++) {
            if (!ccm_tpm_pcr_selected(sel, pcr))
                continue;
            if (pcr >= e->pcrs->len) {
                problem = "the quote selects a PCR whose value did not come with it";
                break;
            }
            gsize n = 0;
            const guint8 *val = g_bytes_get_data(e->pcrs->pdata[pcr], &n);
            g_checksum_update(c, val, (gssize) n);
            quoted[pcr] = TRUE;
        }
    }
    guint8 digest[32];
    gsize len = sizeof(digest);
    g_checksum_get_digest(c, digest, &len);
    g_checksum_free(c);
    if (!problem && q->pcr_digest_size == 32 && memcmp(digest, q->pcr_digest, 32) == 0) {
        for (int i = 0; i < CCM_VTPM_MAX_PCRS; i++)
            v->quoted[i] = quoted[i];
        ccm_check_list_add(v->checks, "pcr-digest", CCM_CHECK_OK,
                           "SHA-256 of the values of %s = pcrDigest %s", v->pcr_selection,
                           v->pcr_digest);
        return;
    }
    g_autofree char *got = ccm_hex_encode(digest, sizeof(digest));
    ccm_check_list_add(v->checks, "pcr-digest", CCM_CHECK_FAILED,
                       problem ? "%s (%s)" : "the values of %s hash to %s, not to pcrDigest %s",
                       problem ? problem : v->pcr_selection, problem ? v->pcr_selection : got,
                       v->pcr_digest);
}

/* The quoted PCRs against ccm's prediction. */
static void check_expected(const CcmVtpmOptions *o, const CcmVtpmEvidence *e,
                           CcmVtpmVerification *v)
{
    g_autoptr(GString) differ = g_string_new(NULL), matched = g_string_new(NULL);
    g_autoptr(GString) unquoted = g_string_new(NULL);
    for (int i = 0; i < CCM_VTPM_MAX_PCRS; i++) {
        if (!o->expected_pcrs[i])
            continue;
        if (!v->quoted[i]) {
            g_string_append_printf(unquoted, "%s%d", unquoted->len ? "," : "", i);
            continue;
        }
        const guint8 *val = g_bytes_get_data(e->pcrs->pdata[i], NULL);
        GString *to = memcmp(val, o->expected_pcrs[i], 32) == 0 ? matched : differ;
        g_string_append_printf(to, "%s%d", to->len ? "," : "", i);
    }
    if (differ->len)
        ccm_check_list_add(v->checks, "pcrs-expected", CCM_CHECK_FAILED,
                           "PCR %s differ from %s (match: %s)", differ->str, o->expected_source,
                           matched->len ? matched->str : "none");
    else if (unquoted->len)
        ccm_check_list_add(v->checks, "pcrs-expected", CCM_CHECK_NOT_CHECKABLE,
                           "predicted PCR %s not covered by a verified quote (match: %s)",
                           unquoted->str, matched->len ? matched->str : "none");
    else if (!matched->len)
        ccm_check_list_add(v->checks, "pcrs-expected", CCM_CHECK_NOT_CHECKABLE,
                           "%s predicts no PCR", o->expected_source);
    else
        ccm_check_list_add(v->checks, "pcrs-expected", CCM_CHECK_OK,
                           "PCR %s equal %s (the PCRs it does not predict are not compared)",
                           matched->str, o->expected_source);
}

static void check_init_data(const CcmVtpmOptions *o, const CcmVtpmEvidence *e,
                            CcmVtpmVerification *v)
{
    gsize n = 0;
    const guint8 *h = g_bytes_get_data(o->init_data_hash, &n);
    guint8 buf[64] = { 0 }, want[32];
    gsize len = sizeof(want);
    memcpy(buf + 32, h, MIN(n, 32));
    hash(G_CHECKSUM_SHA256, buf, sizeof(buf), want, &len);
    g_autofree char *want_hex = ccm_hex_encode(want, sizeof(want));
    if (!v->quoted[8]) {
        ccm_check_list_add(v->checks, "init-data", CCM_CHECK_NOT_CHECKABLE,
                           "PCR8 is not covered by a verified quote (expected %s)", want_hex);
        return;
    }
    const guint8 *pcr8 = g_bytes_get_data(e->pcrs->pdata[8], NULL);
    gboolean ok = memcmp(pcr8, want, 32) == 0;
    ccm_check_list_add(v->checks, "init-data", ok ? CCM_CHECK_OK : CCM_CHECK_FAILED,
                       ok ? "PCR8 = SHA-256(zeros || init-data hash) %s%s"
                          : "PCR8 is not SHA-256(zeros || init-data hash) %s%s",
                       want_hex, ok ? "" : " (one extend of a zero PCR)");
}

CcmVtpmVerification *ccm_vtpm_verify(const CcmVtpmEvidence *e, const CcmVtpmOptions *o,
                                     GError **error)
{
    g_return_val_if_fail(o->nonce != NULL, NULL);
    g_return_val_if_fail(e->quote_message != NULL && e->quote_signature != NULL, NULL);
    const CcmVtpmBindingKind *kind = NULL;
    for (size_t i = 0; kinds[i] && !kind; i++)
        if (kinds[i]->applies(e))
            kind = kinds[i];
    if (!kind) {
        g_set_error_literal(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                            "the evidence matches no vTPM binding kind (expected an HCL "
                            "report: azure-hcl)");
        return NULL;
    }
    g_autoptr(CcmVtpmVerification) v = g_new0(CcmVtpmVerification, 1);
    v->binding = kind->name;
    v->evidence_version = e->format_version;
    v->checks = ccm_check_list_new();
    for (guint i = 0; e->pcrs && i < e->pcrs->len && i < CCM_VTPM_MAX_PCRS; i++)
        v->pcrs[i] = ccm_hex_encode(g_bytes_get_data(e->pcrs->pdata[i], NULL), 32);

    g_autoptr(EVP_PKEY) ak = kind->bind(e, o, v);
    if (!ak)
        return g_steal_pointer(&v);

    gsize msg_size = 0, sig_size = 0;
    const guint8 *msg = g_bytes_get_data(e->quote_message, &msg_size);
    const guint8 *sig = g_bytes_get_data(e->quote_signature, &sig_size);
    CcmTpmQuote q;
    CcmError err = { 0 };
    if (ccm_tpm_quote_parse(msg, msg_size, "the TPM quote", &q, &err) < 0) {
        ccm_check_list_add(v->checks, "quote-format", CCM_CHECK_FAILED, "%s", err.message);
        return g_steal_pointer(&v);
    }
    v->pcr_selection = selection_text(&q);
    ccm_check_list_add(v->checks, "quote-format", CCM_CHECK_OK,
                       "TPMS_ATTEST quote, %zu bytes, selects %s", msg_size, v->pcr_selection);
    g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new();
    gboolean signed_ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, ak) == 1 &&
                         EVP_DigestVerify(ctx, sig, sig_size, msg, msg_size) == 1;
    if (!ccm_check_list_add(v->checks, "quote-signature",
                            signed_ok ? CCM_CHECK_OK : CCM_CHECK_FAILED,
                            signed_ok ? "RSASSA-PKCS1-v1_5 SHA-256 by the AK"
                                      : "the quote's signature (%zu bytes) does not verify "
                                        "under the AK (RSASSA-PKCS1-v1_5 SHA-256)",
                            sig_size))
        return g_steal_pointer(&v);

    gsize nonce_size = 0;
    const guint8 *nonce = g_bytes_get_data(o->nonce, &nonce_size);
    g_autofree char *extra = ccm_hex_encode(q.extra_data, q.extra_data_size);
    g_autofree char *want = ccm_hex_encode(nonce, nonce_size);
    gboolean fresh = q.extra_data_size == nonce_size &&
                     memcmp(q.extra_data, nonce, nonce_size) == 0;
    ccm_check_list_add(v->checks, "nonce", fresh ? CCM_CHECK_OK : CCM_CHECK_FAILED,
                       fresh ? "extraData = the nonce %s%s"
                             : "extraData %s is not the nonce %s",
                       fresh ? want : extra, fresh ? "" : want);
    check_pcr_digest(&q, e, v);
    if (o->have_expected_pcrs)
        check_expected(o, e, v);
    if (o->init_data_hash)
        check_init_data(o, e, v);
    return g_steal_pointer(&v);
}

json_object *ccm_vtpm_verification_to_json(const CcmVtpmVerification *v)
{
    json_object *o = json_object_new_object();
#define STR(s) ((s) ? json_object_new_string(s) : NULL)
    json_object_object_add(o, "binding", STR(v->binding));
    json_object_object_add(o, "tee", STR(v->tee));
    json_object_object_add(o, "evidence_version",
                           v->evidence_version >= 0 ? json_object_new_int(v->evidence_version)
                                                    : NULL);
    json_object_object_add(o, "verdict", json_object_new_string(
                                             ccm_check_list_verdict(v->checks)));
    json_object_object_add(o, "checks", ccm_check_list_to_json(v->checks));
    json_object *nc = json_object_new_array();
    for (guint i = 0; i < v->checks->checks->len; i++) {
        const CcmCheck *c = v->checks->checks->pdata[i];
        if (c->result == CCM_CHECK_NOT_CHECKABLE)
            json_object_array_add(nc, json_object_new_string(c->name));
    }
    json_object_object_add(o, "not_checkable", nc);
    json_object_object_add(o, "report_data", STR(v->report_data));
    json_object_object_add(o, "claims_digest", STR(v->claims_digest));
    json_object_object_add(o, "pcr_selection", STR(v->pcr_selection));
    json_object_object_add(o, "pcr_digest", STR(v->pcr_digest));
    json_object *pcrs = json_object_new_object();
    for (int i = 0; i < CCM_VTPM_MAX_PCRS; i++) {
        if (!v->pcrs[i])
            continue;
        json_object *p = json_object_new_object();
        char key[4];
        g_snprintf(key, sizeof(key), "%d", i);
        json_object_object_add(p, "value", json_object_new_string(v->pcrs[i]));
        json_object_object_add(p, "quoted", json_object_new_boolean(v->quoted[i]));
        json_object_object_add(pcrs, key, p);
    }
    json_object_object_add(o, "pcrs", pcrs);
    json_object_object_add(o, "tee_report", v->tee_report ? json_object_get(v->tee_report)
                                                          : NULL);
#undef STR
    return o;
}
