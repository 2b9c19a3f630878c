/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kbs-admin.c - Trustee KBS admin API calls: reference values and policies
 *
 * Encodings differ per call (broker.md §0): the reference value message carries its
 * payload in standard base64 with padding, the policy bodies in base64url without
 * padding. Every call carries a freshly minted admin token. The KBS answers 401 for
 * almost every error, including a malformed message; its body {"type", "detail"} says
 * which, so errors quote the type's last segment and the detail. Calls block: they run
 * in worker threads.
 */
#include <string.h>

#include "kbs-admin.h"
#include "secret-redact.h"

G_DEFINE_QUARK(ccm-kbs-error-quark, ccm_kbs_error)

gboolean ccm_trustee_version_parse(const char *text, unsigned *ret_minor, GError **error)
{
    const char *p = text[0] == 'v' ? text + 1 : text;
    char *end = NULL;
    guint64 major = 1, minor = 0;

    if (g_ascii_isdigit(p[0]))
        major = g_ascii_strtoull(p, &end, 10);
    if (major != 0 || !end || *end != '.' || !g_ascii_isdigit(end[1])) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "'%s' is not a Trustee release: expected 0.MINOR, e.g. 0.%u", text,
                    CCM_TRUSTEE_MINOR_DEFAULT);
        return FALSE;
    }
    minor = g_ascii_strtoull(end + 1, &end, 10);
    /* "0.21", "0.21.0", "v0.21.1": the patch level does not matter. */
    if (*end == '.')
        for (end++; g_ascii_isdigit(*end); end++)
            ;
    if (*end != '\0') {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "'%s' is not a Trustee release: expected 0.MINOR, e.g. 0.%u", text,
                    CCM_TRUSTEE_MINOR_DEFAULT);
        return FALSE;
    }
    if (minor < CCM_TRUSTEE_MINOR_FIRST) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "Trustee %s is not supported: before 0.16 the attestation service reads one "
                    "policy rule per claim with the reference values in data.reference, and a "
                    "reference value read answers with the whole store; ccm supports Trustee "
                    "0.%u to 0.%u",
                    text, CCM_TRUSTEE_MINOR_FIRST, CCM_TRUSTEE_MINOR_LAST);
        return FALSE;
    }
    if (minor > CCM_TRUSTEE_MINOR_LAST) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "Trustee %s is newer than the releases ccm knows (0.%u to 0.%u); to use it "
                    "as 0.%u, say 0.%u",
                    text, CCM_TRUSTEE_MINOR_FIRST, CCM_TRUSTEE_MINOR_LAST, CCM_TRUSTEE_MINOR_LAST,
                    CCM_TRUSTEE_MINOR_LAST);
        return FALSE;
    }
    *ret_minor = (unsigned) minor;
    return TRUE;
}

void ccm_kbs_free(CcmKbs *kbs)
{
    if (!kbs)
        return;
    g_free(kbs->url);
    g_free(kbs->ca_file);
    EVP_PKEY_free(kbs->admin_key);
    g_free(kbs->role);
    g_free(kbs->issuer);
    g_free(kbs->audience);
    g_free(kbs);
}

/* "401 RvpsError: <detail>" from the broker's error body, or the start of the body;
 * credentials redacted. */
static char *describe_error(const CcmHttpResponse *r)
{
    json_object *o = r->size ? json_tokener_parse(r->body) : NULL, *type = NULL, *detail = NULL;
    char *out;

    if (o && json_object_is_type(o, json_type_object) &&
        json_object_object_get_ex(o, "type", &type) &&
        json_object_object_get_ex(o, "detail", &detail)) {
        const char *t = json_object_get_string(type);
        const char *slash = strrchr(t, '/');
        out = g_strdup_printf("%ld %s: %s", r->status, slash ? slash + 1 : t,
                              json_object_get_string(detail));
    } else {
        g_autofree char *start = g_strndup(r->body, MIN(r->size, 200));
        g_autofree char *clean = g_strescape(start, NULL);
        out = g_strdup_printf("%ld%s%s", r->status, r->size ? ": " : "", clean);
    }
    json_object_put(o);
    g_autofree char *unredacted = out;
    return ccm_redact_secrets(unredacted);
}

static CcmHttpResponse *call(CcmKbs *kbs, const char *method, const char *path,
                             const char *body, GError **error)
{
    g_autofree char *url = g_strconcat(kbs->url, "/kbs/v0/", path, NULL);
    g_autofree char *token = NULL;

    if (kbs->admin_key) {
        CcmAdminTokenClaims claims = {
            .role = kbs->trustee_minor >= 21 ? kbs->role : NULL,
            .issuer = kbs->issuer,
            .audience = kbs->audience,
            .lifetime_s = kbs->token_lifetime_s,
        };
        token = ccm_admin_token_mint(kbs->admin_key, &claims,
                                     g_get_real_time() / G_USEC_PER_SEC + kbs->clock_offset_s,
                                     error);
        if (!token)
            return NULL;
    }
    CcmHttpOptions http = kbs->http;
    http.ca_file = kbs->ca_file;
    g_autoptr(GError) e = NULL;
    CcmHttpResponse *r = ccm_http_request(&http, method, url, token,
                                          body ? "application/json" : NULL, body,
                                          body ? strlen(body) : 0, &e);
    if (token)
        explicit_bzero(token, strlen(token));
    if (!r) {
        g_set_error(error, CCM_KBS_ERROR, CCM_KBS_ERROR_UNREACHABLE, "broker: %s", e->message);
        return NULL;
    }
    if (r->status != 200) {
        g_autofree char *why = describe_error(r);
        g_set_error(error, CCM_KBS_ERROR, CCM_KBS_ERROR_REFUSED, "broker: %s %s: %s%s", method,
                    url, why,
                    r->status == 401 && !kbs->admin_key ? " (no admin key configured)" : "");
        ccm_http_response_free(r);
        return NULL;
    }
    return r;
}

gboolean ccm_kbs_register(CcmKbs *kbs, GHashTable *values, GError **error)
{
    json_object *payload = json_object_new_object();
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init(&it, values);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        json_object *value = json_tokener_parse(v);
        if (!value) {
            json_object_put(payload);
            g_set_error(error, CCM_KBS_ERROR, CCM_KBS_ERROR_REPLY,
                        "reference value '%s' is not JSON", (const char *) k);
            return FALSE;
        }
        json_object_object_add(payload, k, value);
    }
    const char *text = json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE);
    g_autofree char *b64 = g_base64_encode((const guchar *) text, strlen(text));
    json_object_put(payload);
    json_object *m = json_object_new_object();
    json_object_object_add(m, "version", json_object_new_string("0.1.0"));
    json_object_object_add(m, "type", json_object_new_string("sample"));
    json_object_object_add(m, "payload", json_object_new_string(b64));
    g_autofree char *body = g_strdup(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
    json_object_put(m);
    g_autoptr(CcmHttpResponse) r = call(kbs, "POST", "reference-value", body, error);
    return r != NULL;
}

json_object *ccm_kbs_get_value(CcmKbs *kbs, const char *id, GError **error)
{
    g_autofree char *path = g_strconcat("reference-value/", id, NULL);
    g_autoptr(CcmHttpResponse) r = call(kbs, "GET", path, NULL, error);
    if (!r)
        return NULL;
    json_object *o = json_tokener_parse(r->body);
    if (!o && strcmp(r->body, "null") != 0) {
        g_set_error(error, CCM_KBS_ERROR, CCM_KBS_ERROR_REPLY,
                    "broker: GET %s: the reply is not JSON", path);
        return NULL;
    }
    return o;
}

char *ccm_kbs_encode_value(unsigned trustee_minor, const char *name, const char *json)
{
    if (ccm_trustee_snp_hex(trustee_minor) || !g_str_has_suffix(name, "snp_launch_measurement"))
        return g_strdup(json);
    json_object *list = json_tokener_parse(json);
    json_object *out = json_object_new_array();
    for (size_t i = 0; list && json_object_is_type(list, json_type_array) &&
                       i < json_object_array_length(list);
         i++) {
        const char *hex = json_object_get_string(json_object_array_get_idx(list, i));
        size_t n = strlen(hex) / 2;
        g_autofree guint8 *raw = g_malloc(n + 1);
        for (size_t b = 0; b < n; b++)
            raw[b] = (guint8) (g_ascii_xdigit_value(hex[2 * b]) << 4 |
                               g_ascii_xdigit_value(hex[2 * b + 1]));
        g_autofree char *b64 = g_base64_encode(raw, n);
        json_object_array_add(out, json_object_new_string(b64));
    }
    json_object_put(list);
    char *text = g_strdup(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
    json_object_put(out);
    return text;
}

gboolean ccm_kbs_register_checked(CcmKbs *kbs, GHashTable *plain, GError **error)
{
    g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTableIter pi;
    gpointer pk, pv;
    g_hash_table_iter_init(&pi, plain);
    while (g_hash_table_iter_next(&pi, &pk, &pv))
        g_hash_table_insert(values, g_strdup(pk), ccm_kbs_encode_value(kbs->trustee_minor, pk, pv));

    if (!ccm_kbs_register(kbs, values, error))
        return FALSE;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, values);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_autoptr(GError) e = NULL;
        json_object *want = json_tokener_parse(v);
        json_object *got = ccm_kbs_get_value(kbs, k, &e);
        bool same = got && json_object_equal(want, got);
        json_object_put(want);
        if (e) {
            g_propagate_prefixed_error(error, g_steal_pointer(&e), "reading back '%s': ",
                                       (const char *) k);
            return FALSE;
        }
        if (!same) {
            /* What the broker sent, cut and with credentials redacted: it may echo ours. */
            const char *text = got ? json_object_to_json_string_ext(got, JSON_C_TO_STRING_PLAIN)
                                   : "null";
            g_autofree char *start = g_strndup(text, 200);
            g_autofree char *shown = ccm_redact_secrets(start);
            g_set_error(error, CCM_KBS_ERROR, CCM_KBS_ERROR_MISMATCH,
                        "broker: reference value '%s' reads back as %s%s, not as written",
                        (const char *) k, shown, strlen(text) > 200 ? "..." : "");
            json_object_put(got);
            return FALSE;
        }
        json_object_put(got);
    }
    return TRUE;
}

static gboolean post_policy(CcmKbs *kbs, const char *path, const char *policy_id,
                            const char *rego, GError **error)
{
    g_autofree char *b64 = ccm_base64url_encode(rego, strlen(rego));
    json_object *m = json_object_new_object();
    if (policy_id) {
        json_object_object_add(m, "policy_id", json_object_new_string(policy_id));
        json_object_object_add(m, "type", json_object_new_string("rego"));
    }
    json_object_object_add(m, "policy", json_object_new_string(b64));
    g_autofree char *body = g_strdup(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN));
    json_object_put(m);
    g_autoptr(CcmHttpResponse) r = call(kbs, "POST", path, body, error);
    return r != NULL;
}

gboolean ccm_kbs_set_resource_policy(CcmKbs *kbs, const char *rego, GError **error)
{
    return post_policy(kbs, "resource-policy", NULL, rego, error);
}

gboolean ccm_kbs_set_attestation_policy(CcmKbs *kbs, const char *policy_id, const char *rego,
                                        GError **error)
{
    return post_policy(kbs, "attestation-policy", policy_id, rego, error);
}
