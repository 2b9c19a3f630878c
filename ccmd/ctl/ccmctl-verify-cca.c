/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-verify-cca.c - ccmctl verify --platform cca: an Arm CCA attestation token,
 * decoded, and compared with what `ccmctl measure --platform cca --output json` expects
 *
 * The token may be raw CBOR, hex text or base64 text. Without --expected the realm and
 * platform claims are printed; with it, the hash algorithm, RIM, REMs and RPV are
 * compared claim by claim. Either way the platform/realm binding is checked, and the
 * realm token's signature with the RAK it carries; the platform token's signature is
 * checked only with --cpak (a JWK). A check the token or the inputs do not allow (the
 * platform signature without --cpak, the binding of a token with one part, the
 * signatures of bare claims) is listed as unchecked and makes the exit status 1 unless
 * --allow-unchecked says it may be left out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "ccm/measure.h"
#include "ccmctl.h"
#include "guest-spec.h"
#include "hex.h"
#include "json-text.h"
#include "launch-plan.h"
#include "expectation-cca.h"

/* Text files may be larger than the token they encode (hex doubles it). */
#define MAX_TOKEN_FILE (4 * CCM_CCA_TOKEN_MAX_SIZE)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmCcaToken, ccm_cca_token_free)

static gboolean is_text(const char *data, gsize size)
{
    for (gsize i = 0; i < size; i++) {
        unsigned char c = (unsigned char) data[i];
        if (!g_ascii_isprint(c) && !g_ascii_isspace(c))
            return FALSE;
    }
    return size > 0;
}

/* Standard or URL-safe base64, padding optional, whitespace ignored. */
static gboolean decode_base64(const char *text, GByteArray *out)
{
    g_autoptr(GString) s = g_string_new(NULL);
    gboolean padding = FALSE;

    for (const char *p = text; *p; p++) {
        char c = *p;
        if (g_ascii_isspace(c))
            continue;
        if (c == '=') {
            padding = TRUE;
        } else if (padding) {
            return FALSE; /* data after the padding */
        } else if (c == '-') {
            c = '+';
        } else if (c == '_') {
            c = '/';
        } else if (!g_ascii_isalnum(c) && c != '+' && c != '/') {
            return FALSE;
        }
        if (c != '=')
            g_string_append_c(s, c);
    }
    if (s->len % 4 == 1 || s->len == 0)
        return FALSE;
    while (s->len % 4)
        g_string_append_c(s, '=');
    gsize n = 0;
    g_autofree guchar *raw = g_base64_decode(s->str, &n);
    g_byte_array_append(out, raw, (guint) n);
    return n > 0;
}

static gboolean load_token(const char *path, CcmCcaToken **ret, const char **ret_encoding,
                           GError **error)
{
    g_autofree char *data = NULL;
    gsize size = 0;

    if (!g_file_get_contents(path, &data, &size, error))
        return FALSE;
    if (size > MAX_TOKEN_FILE) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: %zu bytes is too large for a CCA token", path, (size_t) size);
        return FALSE;
    }
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    *ret_encoding = "CBOR";
    if (is_text(data, size)) {
        if (ccm_hex_decode(data, bytes)) {
            *ret_encoding = "hex";
        } else {
            g_byte_array_set_size(bytes, 0);
            if (!decode_base64(data, bytes)) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "%s: expected a CCA token as raw CBOR, hex or base64 text", path);
                return FALSE;
            }
            *ret_encoding = "base64";
        }
    } else {
        g_byte_array_append(bytes, (const guint8 *) data, (guint) size);
    }

    CcmError err = { 0 };
    if (ccm_cca_token_parse(bytes->data, bytes->len, path, ret, &err) < 0) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, err.message);
        return FALSE;
    }
    return TRUE;
}

static json_object *load_json(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize size = 0;

    if (!g_file_get_contents(path, &data, &size, error))
        return NULL;
    json_tokener *tok = json_tokener_new();
    json_object *o = json_tokener_parse_ex(tok, data, (int) MIN(size, (gsize) G_MAXINT));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t at = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success) {
        json_object_put(o);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s at byte %zu: expected a JSON object (%s)", path, at,
                    jerr == json_tokener_success ? "the file is empty"
                                                 : ccm_json_error_text(jerr));
        return NULL;
    }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: expected a JSON object",
                    path);
        return NULL;
    }
    return o;
}

/* The CPAK from a JWK (EC, P-256/384/521), or an object whose "pkey" is one. */
static GBytes *load_cpak(const char *path, GError **error)
{
    json_object *root = load_json(path, error), *jwk = NULL, *v = NULL;
    if (!root)
        return NULL;
    jwk = json_object_object_get_ex(root, "pkey", &v) ? v : root;
    const char *kty = json_object_object_get_ex(jwk, "kty", &v) ? json_object_get_string(v) : "";
    const char *crv = json_object_object_get_ex(jwk, "crv", &v) ? json_object_get_string(v) : "";
    size_t field = g_strcmp0(crv, "P-256") == 0   ? 32
                   : g_strcmp0(crv, "P-384") == 0 ? 48
                   : g_strcmp0(crv, "P-521") == 0 ? 66
                                                  : 0;
    GByteArray *point = g_byte_array_new();
    guint8 prefix = 0x04;
    g_byte_array_append(point, &prefix, 1);
    gboolean ok = g_strcmp0(kty, "EC") == 0 && field;
    for (int i = 0; ok && i < 2; i++) {
        g_autoptr(GByteArray) c = g_byte_array_new();
        ok = json_object_object_get_ex(jwk, i ? "y" : "x", &v) &&
             json_object_is_type(v, json_type_string) &&
             decode_base64(json_object_get_string(v), c) && c->len == field;
        if (ok)
            g_byte_array_append(point, c->data, c->len);
    }
    json_object_put(root);
    if (!ok) {
        g_byte_array_unref(point);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: expected a JWK with \"kty\": \"EC\", \"crv\" P-256, P-384 or P-521 and "
                    "base64url \"x\" and \"y\" of the curve's size",
                    path);
        return NULL;
    }
    return g_byte_array_free_to_bytes(point);
}

/* ---- The expected values --------------------------------------------------------- */

typedef struct Expected {
    const char *hash; /* claim name: "sha-256", ... or NULL */
    GByteArray *rim;
    GByteArray *rem[4];
    GByteArray *rpv;
} Expected;

static void expected_clear(Expected *e)
{
    g_clear_pointer(&e->rim, g_byte_array_unref);
    g_clear_pointer(&e->rpv, g_byte_array_unref);
    for (int i = 0; i < 4; i++)
        g_clear_pointer(&e->rem[i], g_byte_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Expected, expected_clear)

static GByteArray *hex_member(json_object *v, const char *path, const char *key, size_t exact,
                              GError **error)
{
    GByteArray *b = g_byte_array_new();
    if (!json_object_is_type(v, json_type_string) || !ccm_hex_decode(json_object_get_string(v), b) ||
        b->len > CCM_DIGEST_MAX_SIZE || (exact && b->len != exact)) {
        g_byte_array_unref(b);
        if (exact)
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: \"%s\": expected a hex string of %zu bytes", path, key, exact);
        else
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: \"%s\": expected a hex string of 1 to %d bytes", path, key,
                        CCM_DIGEST_MAX_SIZE);
        return NULL;
    }
    return b;
}

static gboolean load_expected(const char *path, Expected *e, GError **error)
{
    json_object *root = load_json(path, error), *v = NULL;
    gboolean ok = root != NULL, any = FALSE;

    if (ok && json_object_object_get_ex(root, "hash", &v)) {
        static const char *const names[][2] = {
            { "sha256", "sha-256" }, { "sha384", "sha-384" }, { "sha512", "sha-512" }
        };
        const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
            if (strcmp(s, names[i][0]) == 0)
                e->hash = names[i][1];
        if (!e->hash) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: \"hash\": expected \"sha256\", \"sha384\" or \"sha512\"", path);
            ok = FALSE;
        }
        any = TRUE;
    }
    if (ok && json_object_object_get_ex(root, "rim", &v)) {
        ok = (e->rim = hex_member(v, path, "rim", 0, error)) != NULL;
        any = TRUE;
    }
    if (ok && json_object_object_get_ex(root, "personalization_value", &v) &&
        !json_object_is_type(v, json_type_null)) {
        ok = (e->rpv = hex_member(v, path, "personalization_value", 64, error)) != NULL;
        any = TRUE;
    }
    if (ok && json_object_object_get_ex(root, "rems", &v) &&
        !json_object_is_type(v, json_type_null)) {
        if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) != 4) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: \"rems\": expected an array of 4 hex strings or nulls", path);
            ok = FALSE;
        }
        for (size_t i = 0; ok && i < 4; i++) {
            json_object *rem = json_object_array_get_idx(v, i);
            if (!rem || json_object_is_type(rem, json_type_null))
                continue;
            g_autofree char *key = g_strdup_printf("rems[%zu]", i);
            ok = (e->rem[i] = hex_member(rem, path, key, 0, error)) != NULL;
        }
        any = TRUE;
    }
    if (ok && !any) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: expected at least one of \"hash\", \"rim\", \"rems\" or "
                    "\"personalization_value\"",
                    path);
        ok = FALSE;
    }
    json_object_put(root);
    return ok;
}

/* ---- Output ------------------------------------------------------------------------ */

/* What a Platform=cca spec expects: its RIM and hash (plan-cca.c, the realm the launch
 * starts) and its personalization value (64 zero bytes when the spec sets none). */
static gboolean expected_from_spec(const char *path, Expected *e, GError **error)
{
    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(path, error);
    if (!spec)
        return FALSE;
    if (spec->platform != CCM_GUEST_PLATFORM_CCA) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: Platform=%s; verify --platform cca needs a Platform=cca spec", path,
                    ccm_guest_platform_to_string(spec->platform));
        return FALSE;
    }
    g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL, error);
    if (!plan)
        return FALSE;
    g_autoptr(CcmExpectation) expected = ccm_expectation_new(plan, CCM_EXPECTATION_DEFAULT,
                                                             error);
    if (!expected)
        return FALSE;
    const CcmExpectedValue *rim = ccm_expectation_value(expected, "rim");
    e->hash = ccm_cca_hash_claim_name(expected->cca->hash);
    e->rim = g_byte_array_new();
    g_byte_array_append(e->rim, rim->value, (guint) rim->size);
    e->rpv = g_byte_array_new();
    g_byte_array_append(e->rpv, expected->cca->personalization_value,
                        sizeof(expected->cca->personalization_value));
    return TRUE;
}

static json_object *hex_json(const uint8_t *data, size_t size)
{
    if (!data)
        return NULL;
    g_autofree char *hex = ccm_hex_encode(data, size);
    return json_object_new_string(hex);
}

static json_object *str_json(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static void text_bytes(GString *t, const char *label, const uint8_t *data, size_t size)
{
    if (!data) {
        g_string_append_printf(t, "  %-26s (absent)\n", label);
        return;
    }
    g_autofree char *hex = ccm_hex_encode(data, size);
    g_string_append_printf(t, "  %-26s %s\n", label, hex);
}

static void text_str(GString *t, const char *label, const char *s)
{
    g_string_append_printf(t, "  %-26s %s\n", label, s ? s : "(absent)");
}

/* The MEC policy claim as shown: its integer value, or its CBOR encoding in hex. */
static char *mec_policy_text(const CcmCcaRealmClaims *r)
{
    const uint8_t *p = r->mec_policy;
    size_t n = r->mec_policy_size;
    if (!p)
        return NULL;
    if ((p[0] >> 5) == 0 && n <= 9) {
        uint64_t v = p[0] & 0x1f;
        if (n > 1) {
            v = 0;
            for (size_t i = 1; i < n; i++)
                v = v << 8 | p[i];
        }
        return g_strdup_printf("%" G_GUINT64_FORMAT, v);
    }
    g_autofree char *hex = ccm_hex_encode(p, n);
    return g_strdup_printf("cbor:%s", hex);
}

static json_object *realm_json(const CcmCcaRealmClaims *r, GString *t)
{
    json_object *o = json_object_new_object();
    g_autofree char *mec = mec_policy_text(r);

    json_object_object_add(o, "profile", str_json(r->profile));
    json_object_object_add(o, "challenge", hex_json(r->challenge, r->challenge_size));
    json_object_object_add(o, "personalization_value",
                           hex_json(r->personalization_value, r->personalization_value_size));
    json_object_object_add(o, "hash_algo_id", str_json(r->hash_algo_id));
    json_object_object_add(o, "public_key", hex_json(r->public_key, r->public_key_size));
    json_object_object_add(o, "public_key_format",
                           json_object_new_string(r->public_key_is_cose_key ? "cose-key"
                                                                            : "raw"));
    json_object_object_add(o, "public_key_hash_algo_id", str_json(r->public_key_hash_algo_id));
    json_object_object_add(o, "rim", hex_json(r->rim, r->rim_size));
    json_object *rems = json_object_new_array();
    for (int i = 0; i < 4; i++)
        json_object_array_add(rems, hex_json(r->rem[i], r->rem_size[i]));
    json_object_object_add(o, "rems", rems);
    json_object_object_add(o, "instance_id", hex_json(r->instance_id, r->instance_id_size));
    json_object_object_add(o, "mec_policy", str_json(mec));

    g_string_append(t, "Realm claims\n");
    text_str(t, "profile", r->profile);
    text_bytes(t, "challenge", r->challenge, r->challenge_size);
    text_bytes(t, "personalization_value", r->personalization_value,
               r->personalization_value_size);
    text_str(t, "hash_algo_id", r->hash_algo_id);
    text_bytes(t, "rim", r->rim, r->rim_size);
    for (int i = 0; i < 4; i++) {
        g_autofree char *label = g_strdup_printf("rem%d", i);
        text_bytes(t, label, r->rem[i], r->rem_size[i]);
    }
    g_autofree char *key_label = g_strdup_printf("public_key (%s)", r->public_key_is_cose_key
                                                                        ? "COSE_Key"
                                                                        : "raw");
    text_bytes(t, key_label, r->public_key, r->public_key_size);
    text_str(t, "public_key_hash_algo_id", r->public_key_hash_algo_id);
    if (r->instance_id)
        text_bytes(t, "instance_id", r->instance_id, r->instance_id_size);
    if (mec)
        text_str(t, "mec_policy", mec);
    return o;
}

static json_object *platform_json(const CcmCcaPlatformClaims *p, GString *t)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "profile", str_json(p->profile));
    json_object_object_add(o, "challenge", hex_json(p->challenge, p->challenge_size));
    json_object_object_add(o, "implementation_id",
                           hex_json(p->implementation_id, p->implementation_id_size));
    json_object_object_add(o, "instance_id", hex_json(p->instance_id, p->instance_id_size));
    json_object_object_add(o, "config", hex_json(p->config, p->config_size));
    json_object_object_add(o, "lifecycle", json_object_new_int64((int64_t) p->lifecycle));
    json_object_object_add(o, "hash_algo_id", str_json(p->hash_algo_id));
    json_object_object_add(o, "verification_service", str_json(p->verification_service));

    g_string_append(t, "Platform claims\n");
    text_str(t, "profile", p->profile);
    text_bytes(t, "challenge", p->challenge, p->challenge_size);
    text_bytes(t, "implementation_id", p->implementation_id, p->implementation_id_size);
    text_bytes(t, "instance_id", p->instance_id, p->instance_id_size);
    text_bytes(t, "config", p->config, p->config_size);
    g_string_append_printf(t, "  %-26s 0x%04" G_GINT64_MODIFIER "x\n", "lifecycle", p->lifecycle);
    text_str(t, "hash_algo_id", p->hash_algo_id);
    text_str(t, "verification_service", p->verification_service);
    g_string_append_printf(t, "  sw_components              %zu\n", p->n_sw_components);

    json_object *list = json_object_new_array();
    for (size_t i = 0; i < p->n_sw_components; i++) {
        const CcmCcaSwComponent *sw = &p->sw_components[i];
        json_object *c = json_object_new_object();
        json_object_object_add(c, "type", str_json(sw->type));
        json_object_object_add(c, "measurement", hex_json(sw->measurement, sw->measurement_size));
        json_object_object_add(c, "version", str_json(sw->version));
        json_object_object_add(c, "signer_id", hex_json(sw->signer_id, sw->signer_id_size));
        json_object_object_add(c, "hash_algo_id", str_json(sw->hash_algo_id));
        json_object_array_add(list, c);

        g_autofree char *m = ccm_hex_encode(sw->measurement, sw->measurement_size);
        g_string_append_printf(t, "    [%zu] %s version %s%s%s\n        measurement %s\n", i,
                               sw->type ? sw->type : "(no type)",
                               sw->version ? sw->version : "(none)",
                               sw->hash_algo_id ? ", " : "",
                               sw->hash_algo_id ? sw->hash_algo_id : "", m);
        if (sw->signer_id) {
            g_autofree char *s = ccm_hex_encode(sw->signer_id, sw->signer_id_size);
            g_string_append_printf(t, "        signer_id   %s\n", s);
        }
    }
    json_object_object_add(o, "sw_components", list);
    return o;
}

/* ---- Comparison ----------------------------------------------------------------------- */

typedef struct Report {
    json_object *claims; /* name -> {result, token, expected} */
    GString *text;
    char *first_differ; /* owned */
} Report;

static void report_row(Report *rep, const char *name, const char *token_value,
                       const char *expected_value)
{
    const char *result = !expected_value                           ? "not-given"
                         : g_strcmp0(token_value, expected_value) == 0 ? "match"
                                                                       : "differ";
    json_object *o = json_object_new_object();
    json_object_object_add(o, "result", json_object_new_string(result));
    json_object_object_add(o, "token", str_json(token_value));
    json_object_object_add(o, "expected", str_json(expected_value));
    json_object_object_add(rep->claims, name, o);

    if (strcmp(result, "differ") == 0) {
        g_string_append_printf(rep->text, "%-22s differ     token    %s\n%-22s            "
                               "expected %s\n", name, token_value, "", expected_value);
        if (!rep->first_differ)
            rep->first_differ = g_strdup(name);
    } else {
        g_string_append_printf(rep->text, "%-22s %-10s %s\n", name,
                               strcmp(result, "match") == 0 ? "match" : "not given",
                               token_value ? token_value : "");
    }
}

static void compare(const CcmCcaRealmClaims *r, const Expected *e, Report *rep)
{
    g_autofree char *rim = ccm_hex_encode(r->rim, r->rim_size);
    g_autofree char *erim = e->rim ? ccm_hex_encode(e->rim->data, e->rim->len) : NULL;
    g_autofree char *rpv = ccm_hex_encode(r->personalization_value,
                                          r->personalization_value_size);
    g_autofree char *erpv = e->rpv ? ccm_hex_encode(e->rpv->data, e->rpv->len) : NULL;

    report_row(rep, "hash", r->hash_algo_id, e->hash);
    report_row(rep, "rim", rim, erim);
    for (int i = 0; i < 4; i++) {
        g_autofree char *name = g_strdup_printf("rem%d", i);
        g_autofree char *rem = ccm_hex_encode(r->rem[i], r->rem_size[i]);
        g_autofree char *erem = e->rem[i] ? ccm_hex_encode(e->rem[i]->data, e->rem[i]->len)
                                          : NULL;
        report_row(rep, name, rem, erem);
    }
    report_row(rep, "personalization_value", rpv, erpv);
}

static size_t hash_size(const char *name)
{
    if (g_strcmp0(name, "sha-256") == 0)
        return 32;
    if (g_strcmp0(name, "sha-384") == 0)
        return 48;
    if (g_strcmp0(name, "sha-512") == 0)
        return 64;
    return 0;
}

int ccmctl_verify_cca(int argc, char **argv)
{
    g_autofree char *platform = NULL, *token_path = NULL, *expected_path = NULL;
    g_autofree char *cpak_path = NULL;
    gboolean json = FALSE, allow_unchecked = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, "cca", "cca" },
        { "token", 0, 0, G_OPTION_ARG_FILENAME, &token_path,
          "The CCA attestation token (raw CBOR, hex or base64)", "FILE" },
        { "expected", 0, 0, G_OPTION_ARG_FILENAME, &expected_path,
          "Expected values: the JSON of ccmctl measure --platform cca --output json", "JSON" },
        { "cpak", 0, 0, G_OPTION_ARG_FILENAME, &cpak_path,
          "The platform attestation key (JWK) to check the platform token's signature",
          "FILE" },
        { "allow-unchecked", 0, 0, G_OPTION_ARG_NONE, &allow_unchecked,
          "Exit 0 even when a check could not be made (listed as unchecked): without --cpak, "
          "the platform signature; with a token of one part, the binding",
          NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };
    if (ccmctl_help_section("Options of --platform cca (an Arm CCA attestation token)", entries,
                            NULL))
        return CCMCTL_EXIT_OK;
    g_set_prgname("ccmctl verify");
    g_autoptr(GOptionContext) context = g_option_context_new(
        "[GUEST.guest] - decode an Arm CCA attestation token and compare it with the expected "
        "values");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 every given value matches and "
                                              "every check was made, 1 a value, the binding or "
                                              "a signature differs, a check could not be made "
                                              "(without --allow-unchecked) or an input is bad, "
                                              "2 usage error. See ccmctl-verify(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("verify", error);
    const char *usage = NULL;
    if (!platform || strcmp(platform, "cca") != 0)
        usage = "--platform cca is required here";
    else if (!token_path)
        usage = "--token FILE is required";
    else if (argc > 2)
        usage = "give one guest spec at most (the token goes with --token FILE)";
    else if (argc > 1 && expected_path)
        usage = "give --expected JSON or a guest spec, not both";
    if (usage) {
        g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, usage);
        return ccmctl_fail("verify", error);
    }

    g_autoptr(CcmCcaToken) token = NULL;
    const char *encoding = NULL;
    if (!load_token(token_path, &token, &encoding, &error))
        return ccmctl_fail("verify", error);
    g_auto(Expected) expected = { 0 };
    if (expected_path && !load_expected(expected_path, &expected, &error))
        return ccmctl_fail("verify", error);
    if (argc > 1) {
        if (!expected_from_spec(argv[1], &expected, &error))
            return ccmctl_fail("verify", error);
        expected_path = g_strdup(argv[1]);
    }
    g_autoptr(GBytes) cpak = NULL;
    if (cpak_path && !(cpak = load_cpak(cpak_path, &error)))
        return ccmctl_fail("verify", error);

    const CcmCcaRealmClaims *realm = ccm_cca_token_realm(token);
    const CcmCcaPlatformClaims *plat = ccm_cca_token_platform(token);
    if (expected_path && !realm) {
        g_set_error(&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: the token has no realm claims to compare with %s", token_path,
                    expected_path);
        return ccmctl_fail("verify", error);
    }
    CcmCcaTokenFormat format = ccm_cca_token_format(token);
    gboolean all_ok = TRUE;
    g_autofree char *first_failure = NULL;
    /* The checks that could not be made, by name. */
    g_autoptr(GPtrArray) unchecked = g_ptr_array_new();
    json_object *out = json_object_new_object();
    g_autoptr(GString) head = g_string_new(NULL);
    g_autoptr(GString) body = g_string_new(NULL);

    json_object_object_add(out, "token", json_object_new_string(token_path));
    json_object_object_add(out, "token_format",
                           json_object_new_string(ccm_cca_token_format_to_string(format)));
    g_string_append_printf(head, "%-22s %s (%s, %s)\n", "token", token_path,
                           ccm_cca_token_format_to_string(format), encoding);

    /* Binding */
    CcmError err = { 0 };
    json_object *binding = json_object_new_object();
    if (realm && plat) {
        int r = ccm_cca_token_check_binding(token, NULL, NULL, &err);
        const char *result = r == 0 ? "match" : "differ";
        json_object_object_add(binding, "result", json_object_new_string(result));
        json_object_object_add(binding, "algorithm", str_json(realm->public_key_hash_algo_id));
        if (r == 0) {
            g_string_append_printf(head, "%-22s match      platform challenge = %s(realm public "
                                   "key)\n", "binding", realm->public_key_hash_algo_id);
        } else {
            json_object_object_add(binding, "error", json_object_new_string(err.message));
            g_string_append_printf(head, "%-22s differ     %s\n", "binding", err.message);
            all_ok = FALSE;
            if (!first_failure)
                first_failure = g_strdup("binding");
        }
    } else {
        json_object_object_add(binding, "result", json_object_new_string("not-applicable"));
        g_string_append_printf(head, "%-22s NOT checked (the token has no %s part)\n", "binding",
                               realm ? "platform" : "realm");
        g_ptr_array_add(unchecked, "binding");
    }
    json_object_object_add(out, "binding", binding);

    /* Signatures */
    json_object *sigs = json_object_new_object();
    gboolean signed_realm = format == CCM_CCA_TOKEN_COLLECTION ||
                            format == CCM_CCA_TOKEN_COLLECTION_907 ||
                            format == CCM_CCA_TOKEN_REALM_TOKEN;
    gboolean signed_platform = format == CCM_CCA_TOKEN_COLLECTION ||
                               format == CCM_CCA_TOKEN_COLLECTION_907 ||
                               format == CCM_CCA_TOKEN_PLATFORM_TOKEN;
    for (int part = 0; part < 2; part++) {
        const char *name = part ? "platform" : "realm";
        const char *result, *why;
        g_autofree char *label = g_strdup_printf("%s signature", name);
        if (!(part ? signed_platform : signed_realm)) {
            result = "absent";
            const void *present = part ? (const void *) plat : (const void *) realm;
            why = present ? "NOT checked: bare claims, nothing is signed"
                          : "NOT checked: the token has no such part";
            g_ptr_array_add(unchecked, part ? "platform signature" : "realm signature");
        } else if (part && !cpak) {
            result = "not-checked";
            why = "NOT checked: give the platform key with --cpak";
            g_ptr_array_add(unchecked, "platform signature");
        } else {
            int r = part ? ccm_cca_token_verify_platform(token, g_bytes_get_data(cpak, NULL),
                                                         g_bytes_get_size(cpak), &err)
                         : ccm_cca_token_verify_realm(token, &err);
            result = r == 0 ? "verified" : "invalid";
            why = r == 0 ? (part ? "verified with the given CPAK" : "verified with the RAK it "
                                                                    "carries")
                         : err.message;
            if (r < 0) {
                all_ok = FALSE;
                if (!first_failure)
                    first_failure = g_strdup_printf("%s signature", name);
            }
        }
        json_object_object_add(sigs, name, json_object_new_string(result));
        g_string_append_printf(head, "%-22s %-10s %s\n", label,
                               strcmp(result, "verified") == 0  ? "verified"
                               : strcmp(result, "invalid") == 0 ? "INVALID"
                                                                : "-",
                               why);
    }
    json_object_object_add(out, "signatures", sigs);

    /* A RIM or REM whose length does not fit its algorithm is worth a word. */
    if (realm) {
        size_t expect = hash_size(realm->hash_algo_id);
        if (expect && realm->rim_size != expect)
            g_string_append_printf(head, "note: the RIM is %zu bytes but %s digests are %zu\n",
                                   realm->rim_size, realm->hash_algo_id, expect);
    }

    if (expected_path) {
        Report rep = { .claims = json_object_new_object(), .text = body };
        g_string_append_printf(body, "\nAgainst %s:\n", expected_path);
        compare(realm, &expected, &rep);
        json_object_object_add(out, "claims", rep.claims);
        if (rep.first_differ) {
            all_ok = FALSE;
            if (!first_failure)
                first_failure = g_steal_pointer(&rep.first_differ);
            g_free(rep.first_differ);
        }
    } else {
        g_string_append_c(body, '\n');
        if (realm)
            json_object_object_add(out, "realm", realm_json(realm, body));
        if (realm && plat)
            g_string_append_c(body, '\n');
        if (plat)
            json_object_object_add(out, "platform", platform_json(plat, body));
    }

    /* Nothing differs but a check was not made: "unchecked", a failure unless allowed. */
    const char *result = !all_ok ? "differ" : unchecked->len ? "unchecked" : "match";
    json_object *unchecked_json = json_object_new_array();
    g_autoptr(GString) unchecked_text = g_string_new(NULL);
    for (guint i = 0; i < unchecked->len; i++) {
        json_object_array_add(unchecked_json, json_object_new_string(unchecked->pdata[i]));
        g_string_append_printf(unchecked_text, "%s%s", i ? ", " : "",
                               (const char *) unchecked->pdata[i]);
    }
    json_object_object_add(out, "unchecked", unchecked_json);
    json_object_object_add(out, "result", json_object_new_string(result));
    json_object_object_add(out, "first_difference", str_json(first_failure));
    if (first_failure)
        g_string_append_printf(body, "\nresult: differ (first: %s)\n", first_failure);
    else if (unchecked->len)
        g_string_append_printf(body, "\nresult: unchecked (not checked: %s%s)\n",
                               unchecked_text->str,
                               allow_unchecked ? "; allowed by --allow-unchecked"
                                               : "; --allow-unchecked accepts this");
    else
        g_string_append(body, expected_path ? "\nresult: match\n" : "");

    g_autofree char *s = NULL;
    if (json) {
        s = ccmctl_json_text("ccm-verify-cca/1", out);
    } else {
        s = g_strconcat(head->str, body->str, NULL);
        json_object_put(out);
    }
    if (!ccmctl_write_stdout(s, &error))
        return ccmctl_fail("verify", error);
    return all_ok && (allow_unchecked || unchecked->len == 0) ? CCMCTL_EXIT_OK
                                                               : CCMCTL_EXIT_FAILURE;
}
