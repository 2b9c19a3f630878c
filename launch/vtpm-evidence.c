/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vtpm-evidence.c - vTPM evidence as Trustee's verifier receives it, and as separate files
 *
 * Formats (shared/vectors/attest/README.md): v0 JSON holds byte lists ({"quote" or
 * "tpm_quote": {"signature", "message", "pcrs"}, "report" or "hcl_report", "vcek" as PEM or
 * "td_quote"}); v1 and v2 ({"version": N}) hold the quote in hex and the HCL report, VCEK
 * (DER) and TD quote in base64url, with or without padding. A TPM quote on its own comes as
 * the same hex JSON or as Rust bincode. Every member is checked for type and size here;
 * what the bytes mean is checked by the verifier (vtpm-binding.c).
 */
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "ccm-autocleanups.h"
#include "base64url.h"
#include "hex.h"
#include "launch-plan.h"
#include "vtpm-evidence.h"

#define PCR_SIZE 32
#define MAX_PCRS 64


CcmVtpmEvidence *ccm_vtpm_evidence_new(void)
{
    CcmVtpmEvidence *e = g_new0(CcmVtpmEvidence, 1);
    e->format_version = -1;
    return e;
}

void ccm_vtpm_evidence_free(CcmVtpmEvidence *e)
{
    if (!e)
        return;
    g_clear_pointer(&e->hcl_report, g_bytes_unref);
    g_clear_pointer(&e->quote_message, g_bytes_unref);
    g_clear_pointer(&e->quote_signature, g_bytes_unref);
    g_clear_pointer(&e->pcrs, g_ptr_array_unref);
    g_clear_pointer(&e->vek, g_bytes_unref);
    g_clear_pointer(&e->td_quote, g_bytes_unref);
    g_free(e);
}

GBytes *ccm_vtpm_read_file(const char *path, GError **error)
{
    /* Read at most one byte more than allowed, so a pipe or device cannot grow it. */
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInputStream) in = g_file_read(file, NULL, error); /* names @path */
    if (!in)
        return NULL;
    g_autofree guint8 *buf = g_malloc(CCM_VTPM_EVIDENCE_MAX + 1);
    gsize size = 0;
    if (!g_input_stream_read_all(G_INPUT_STREAM(in), buf, CCM_VTPM_EVIDENCE_MAX + 1, &size,
                                 NULL, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    if (size > CCM_VTPM_EVIDENCE_MAX) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: more than %u bytes; vTPM evidence files are smaller", path,
                    CCM_VTPM_EVIDENCE_MAX);
        return NULL;
    }
    return g_bytes_new(buf, size);
}

static gboolean bad(GError **error, const char *path, const char *member, const char *what)
{
    g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s: \"%s\": expected %s", path,
                member, what);
    return FALSE;
}

/* A JSON list of numbers 0..255. */
static GBytes *from_byte_list(json_object *o, const char *path, const char *member,
                              GError **error)
{
    if (!json_object_is_type(o, json_type_array)) {
        bad(error, path, member, "a list of byte values");
        return NULL;
    }
    size_t n = json_object_array_length(o);
    g_autoptr(GByteArray) b = g_byte_array_sized_new((guint) n);
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(o, i);
        int64_t x = json_object_get_int64(v);
        if (!json_object_is_type(v, json_type_int) || x < 0 || x > 255) {
            bad(error, path, member, "a list of byte values (integers 0 to 255)");
            return NULL;
        }
        guint8 byte = (guint8) x;
        g_byte_array_append(b, &byte, 1);
    }
    return g_byte_array_free_to_bytes(g_steal_pointer(&b));
}

static GBytes *from_hex(json_object *o, const char *path, const char *member, GError **error)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    if (!json_object_is_type(o, json_type_string) ||
        !ccm_hex_decode(json_object_get_string(o), b)) {
        bad(error, path, member, "a string of hex digits");
        return NULL;
    }
    return g_byte_array_free_to_bytes(g_steal_pointer(&b));
}

/* base64url (RFC 4648 §5), '=' padding optional. */
static GBytes *from_base64url(json_object *o, const char *path, const char *member,
                              GError **error)
{
    GBytes *b = json_object_is_type(o, json_type_string)
                    ? ccm_base64url_decode(json_object_get_string(o))
                    : NULL;
    if (!b)
        bad(error, path, member, "base64url text");
    return b;
}

typedef GBytes *(*Decoder)(json_object *, const char *, const char *, GError **);

static GBytes *member(json_object *obj, const char *key, Decoder decode, const char *path,
                      GError **error)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || !v) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s: no \"%s\" member", path,
                    key);
        return NULL;
    }
    return decode(v, path, key, error);
}

/* {"signature", "message", "pcrs"}, each as @decode reads bytes. */
static gboolean quote_from_json(CcmVtpmEvidence *e, json_object *q, Decoder decode,
                                const char *path, GError **error)
{
    if (!json_object_is_type(q, json_type_object))
        return bad(error, path, "tpm_quote", "an object with \"signature\", \"message\" and "
                                             "\"pcrs\"");
    if (!(e->quote_signature = member(q, "signature", decode, path, error)) ||
        !(e->quote_message = member(q, "message", decode, path, error)))
        return FALSE;
    json_object *pcrs = NULL;
    if (!json_object_object_get_ex(q, "pcrs", &pcrs) ||
        !json_object_is_type(pcrs, json_type_array) || json_object_array_length(pcrs) > MAX_PCRS)
        return bad(error, path, "pcrs", "a list of up to 64 PCR values");
    e->pcrs = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
    for (size_t i = 0; i < json_object_array_length(pcrs); i++) {
        g_autofree char *name = g_strdup_printf("pcrs[%zu]", i);
        GBytes *v = decode(json_object_array_get_idx(pcrs, i), path, name, error);
        if (!v)
            return FALSE;
        g_ptr_array_add(e->pcrs, v);
        if (g_bytes_get_size(v) != PCR_SIZE)
            return bad(error, path, name, "a 32-byte SHA-256 PCR value");
    }
    return TRUE;
}

CcmVtpmEvidence *ccm_vtpm_evidence_from_json(const char *path, GBytes *data, GError **error)
{
    gsize size = 0;
    const char *text = g_bytes_get_data(data, &size);
    g_autoptr(json_tokener) tok = json_tokener_new();
    g_autoptr(json_object) root =
        tok ? json_tokener_parse_ex(tok, text, (int) size) : NULL;
    if (!root || json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) != size || !json_object_is_type(root, json_type_object)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: not a JSON object (Trustee's vTPM evidence)", path);
        return NULL;
    }
    g_autoptr(CcmVtpmEvidence) e = ccm_vtpm_evidence_new();
    json_object *v = NULL, *q = NULL;
    if (json_object_object_get_ex(root, "version", &v)) {
        int version = json_object_is_type(v, json_type_int) ? json_object_get_int(v) : -1;
        if (version != 1 && version != 2) {
            bad(error, path, "version", "1 or 2 (no \"version\": 0)");
            return NULL;
        }
        e->format_version = version;
        if (!json_object_object_get_ex(root, "tpm_quote", &q)) {
            bad(error, path, "tpm_quote", "the TPM quote");
            return NULL;
        }
        if (!quote_from_json(e, q, from_hex, path, error) ||
            !(e->hcl_report = member(root, "hcl_report", from_base64url, path, error)))
            return NULL;
        gboolean snp = json_object_object_get_ex(root, "vcek", NULL);
        gboolean tdx = json_object_object_get_ex(root, "td_quote", NULL);
        if (snp == tdx) {
            g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                        "%s: expected one of \"vcek\" (SEV-SNP) or \"td_quote\" (TDX)", path);
            return NULL;
        }
        if (snp && !(e->vek = member(root, "vcek", from_base64url, path, error)))
            return NULL;
        if (tdx && !(e->td_quote = member(root, "td_quote", from_base64url, path, error)))
            return NULL;
        return g_steal_pointer(&e);
    }
    /* v0: SEV-SNP {"quote", "report", "vcek": PEM}, TDX {"tpm_quote", "hcl_report",
     * "td_quote"}, byte lists */
    e->format_version = 0;
    gboolean snp = json_object_object_get_ex(root, "quote", &q);
    if (!snp && !json_object_object_get_ex(root, "tpm_quote", &q)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: no \"quote\" or \"tpm_quote\" member: not vTPM evidence", path);
        return NULL;
    }
    if (!quote_from_json(e, q, from_byte_list, path, error) ||
        !(e->hcl_report = member(root, snp ? "report" : "hcl_report", from_byte_list, path,
                                 error)))
        return NULL;
    if (snp) {
        json_object *pem = NULL;
        if (!json_object_object_get_ex(root, "vcek", &pem) ||
            !json_object_is_type(pem, json_type_string)) {
            bad(error, path, "vcek", "the VCEK in PEM");
            return NULL;
        }
        e->vek = g_bytes_new(json_object_get_string(pem), json_object_get_string_len(pem));
    } else if (!(e->td_quote = member(root, "td_quote", from_byte_list, path, error))) {
        return NULL;
    }
    return g_steal_pointer(&e);
}

static gboolean take_u64_block(const guint8 **p, gsize *left, guint64 *ret)
{
    if (*left < 8)
        return FALSE;
    guint64 v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | (*p)[i];
    *p += 8;
    *left -= 8;
    *ret = v;
    return TRUE;
}

gboolean ccm_vtpm_evidence_set_quote(CcmVtpmEvidence *e, const char *path, GBytes *data,
                                     GError **error)
{
    gsize size = 0;
    const guint8 *d = g_bytes_get_data(data, &size);
    if (size && d[0] == '{') {
        g_autoptr(json_tokener) tok = json_tokener_new();
        g_autoptr(json_object) root = json_tokener_parse_ex(tok, (const char *) d, (int) size);
        if (!root || json_tokener_get_error(tok) != json_tokener_success) {
            g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                        "%s: not JSON (a TPM quote as {\"signature\", \"message\", \"pcrs\"} in "
                        "hex)",
                        path);
            return FALSE;
        }
        return quote_from_json(e, root, from_hex, path, error);
    }
    /* bincode */
    const guint8 *p = d;
    gsize left = size;
    guint64 n = 0;
    const char *what = NULL;
    if (!take_u64_block(&p, &left, &n) || n > left)
        what = "the signature";
    else {
        e->quote_signature = g_bytes_new(p, (gsize) n);
        p += n;
        left -= (gsize) n;
        if (!take_u64_block(&p, &left, &n) || n > left)
            what = "the message";
        else {
            e->quote_message = g_bytes_new(p, (gsize) n);
            p += n;
            left -= (gsize) n;
            if (!take_u64_block(&p, &left, &n) || n > MAX_PCRS || n * PCR_SIZE != left)
                what = "the PCR values";
            else {
                e->pcrs = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
                for (guint64 i = 0; i < n; i++)
                    g_ptr_array_add(e->pcrs, g_bytes_new(p + i * PCR_SIZE, PCR_SIZE));
            }
        }
    }
    if (what) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: a bincode TPM quote whose length of %s runs past the end (or is not "
                    "followed by exactly that many bytes)",
                    path, what);
        return FALSE;
    }
    return TRUE;
}

GPtrArray *ccm_vtpm_expected_pcrs_load(const char *path, GError **error)
{
    g_autoptr(GBytes) data = ccm_vtpm_read_file(path, error);
    if (!data)
        return NULL;
    gsize size = 0;
    const char *text = g_bytes_get_data(data, &size);
    g_autoptr(json_tokener) tok = json_tokener_new();
    g_autoptr(json_object) root = json_tokener_parse_ex(tok, text, (int) size);
    json_object *bank = NULL;
    if (!root || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "sha256", &bank) ||
        !json_object_is_type(bank, json_type_object)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: expected a JSON object with \"sha256\": {\"0\": HEX or null, ...} "
                    "(ccmctl measure --platform tpm --json)",
                    path);
        return NULL;
    }
    g_autoptr(GPtrArray) pcrs = g_ptr_array_new_full(CCM_VTPM_EXPECTED_PCRS,
                                                     (GDestroyNotify) g_bytes_unref);
    g_ptr_array_set_size(pcrs, CCM_VTPM_EXPECTED_PCRS);
    /* the iterator: json_object_object_foreach is a GNU statement expression */
    struct json_object_iterator it = json_object_iter_begin(bank);
    struct json_object_iterator it_end = json_object_iter_end(bank);
    for (; !json_object_iter_equal(&it, &it_end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);
        json_object *val = json_object_iter_peek_value(&it);
        char *end = NULL;
        guint64 pcr = g_ascii_strtoull(key, &end, 10);
        if (!*key || *end || pcr >= CCM_VTPM_EXPECTED_PCRS) {
            bad(error, path, key, "PCR numbers 0 to 23 as keys");
            return NULL;
        }
        if (json_object_is_type(val, json_type_null))
            continue;
        g_autofree char *name = g_strdup_printf("sha256\": \"%s", key);
        GBytes *b = from_hex(val, path, name, error);
        if (!b)
            return NULL;
        g_ptr_array_index(pcrs, pcr) = b;
        if (g_bytes_get_size(b) != PCR_SIZE) {
            bad(error, path, name, "a 32-byte SHA-256 value or null");
            return NULL;
        }
    }
    return g_steal_pointer(&pcrs);
}
