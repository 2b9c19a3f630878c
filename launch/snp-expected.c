/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-expected.c - an SEV-SNP report's guest fields against what is expected
 *
 * From a guest spec: the measurement of its expectation; HOST_DATA when the spec sets
 * HostData= (a guest ccmd launches without one gets an identity only the daemon knows);
 * the policy; and from its ID block (IdKey= signs one, IdBlock=/IdAuth= are ready-made)
 * the family and image ids and the digests of the ID and author keys, zero without an ID
 * block, as the firmware reports them. VMPL 0 unless a document says otherwise.
 */
#include <errno.h>
#include <string.h>

#include "ccm-autocleanups.h"
#include "expectation.h"
#include "hex.h"
#include "plan-id-block.h"
#include "snp-expected.h"
#include "snp-id-block.h"

static const char *const field_names[_CCM_SNP_FIELD_MAX] = {
    [CCM_SNP_FIELD_MEASUREMENT] = "measurement",
    [CCM_SNP_FIELD_HOST_DATA] = "host_data",
    [CCM_SNP_FIELD_POLICY] = "policy",
    [CCM_SNP_FIELD_ID_KEY_DIGEST] = "id_key_digest",
    [CCM_SNP_FIELD_AUTHOR_KEY_DIGEST] = "author_key_digest",
    [CCM_SNP_FIELD_FAMILY_ID] = "family_id",
    [CCM_SNP_FIELD_IMAGE_ID] = "image_id",
    [CCM_SNP_FIELD_VMPL] = "vmpl",
    [CCM_SNP_FIELD_REPORT_DATA] = "report_data",
};

const char *ccm_snp_field_to_string(CcmSnpField field)
{
    return field < _CCM_SNP_FIELD_MAX ? field_names[field] : NULL;
}

const char *ccm_snp_field_result_to_string(CcmSnpFieldResult result)
{
    switch (result) {
    case CCM_SNP_FIELD_MATCH:
        return "match";
    case CCM_SNP_FIELD_DIFFER:
        return "differ";
    default:
        return "not-expected";
    }
}

CcmSnpExpected *ccm_snp_expected_new(void)
{
    return g_new0(CcmSnpExpected, 1);
}

void ccm_snp_expected_free(CcmSnpExpected *e)
{
    if (!e)
        return;
    g_free(e->source);
    g_free(e);
}

static void set_source(CcmSnpExpected *e, const char *source)
{
    if (!e->source) {
        e->source = g_strdup(source);
    } else if (!strstr(e->source, source)) {
        char *s = g_strdup_printf("%s + %s", e->source, source);
        g_free(e->source);
        e->source = s;
    }
}

static gboolean sha384(const uint8_t *p, size_t n, uint8_t out[CCM_SHA384_SIZE])
{
    unsigned int len = 0;
    return EVP_Digest(p, n, out, &len, EVP_sha384(), NULL) == 1 && len == CCM_SHA384_SIZE;
}

gboolean ccm_snp_expected_from_plan(CcmSnpExpected *e, const CcmLaunchPlan *plan,
                                    GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    if (spec->platform != CCM_GUEST_PLATFORM_SEV_SNP) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: Platform=%s; an SEV-SNP report is checked against a Platform=sev-snp "
                    "spec", spec->path ? spec->path : spec->name,
                    ccm_guest_platform_to_string(spec->platform));
        return FALSE;
    }
    g_autoptr(CcmExpectation) x = ccm_expectation_new(plan, CCM_EXPECTATION_DEFAULT, error);
    if (!x)
        return FALSE;
    const CcmExpectedValue *m = ccm_expectation_value(x, "measurement");
    if (!m || !m->known || m->size != CCM_SHA384_SIZE) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_MEASURE,
                    "%s: the guest's SEV-SNP measurement cannot be predicted",
                    spec->path ? spec->path : spec->name);
        return FALSE;
    }
    memcpy(e->measurement, m->value, CCM_SHA384_SIZE);
    e->has[CCM_SNP_FIELD_MEASUREMENT] = true;
    if (spec->snp.host_data && g_bytes_get_size(spec->snp.host_data) == 32) {
        memcpy(e->host_data, g_bytes_get_data(spec->snp.host_data, NULL), 32);
        e->has[CCM_SNP_FIELD_HOST_DATA] = true;
    }
    e->policy = spec->snp.policy;
    e->has[CCM_SNP_FIELD_POLICY] = true;

    g_autoptr(CcmPlanIdBlock) id = NULL;
    if (!ccm_plan_id_block(plan, &id, error))
        return FALSE;
    memset(e->id_key_digest, 0, sizeof(e->id_key_digest));
    memset(e->author_key_digest, 0, sizeof(e->author_key_digest));
    memset(e->family_id, 0, sizeof(e->family_id));
    memset(e->image_id, 0, sizeof(e->image_id));
    if (id) {
        gsize block_len = 0, auth_len = 0;
        g_autofree guchar *block = g_base64_decode(id->id_block, &block_len);
        g_autofree guchar *auth = g_base64_decode(id->id_auth, &auth_len);
        if (block_len != CCM_SNP_ID_BLOCK_SIZE || auth_len != CCM_SNP_ID_AUTH_SIZE ||
            !sha384(auth + 0x240, CCM_SNP_PUBLIC_KEY_SIZE, e->id_key_digest) ||
            (id->author_key_enabled &&
             !sha384(auth + 0x880, CCM_SNP_PUBLIC_KEY_SIZE, e->author_key_digest))) {
            g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                        "%s: the ID block or ID authentication structure has the wrong size",
                        spec->path ? spec->path : spec->name);
            return FALSE;
        }
        /* ID block: LD (48), FAMILY_ID (16), IMAGE_ID (16), VERSION, GUEST_SVN, POLICY. */
        memcpy(e->family_id, block + 48, 16);
        memcpy(e->image_id, block + 64, 16);
    }
    e->has[CCM_SNP_FIELD_ID_KEY_DIGEST] = e->has[CCM_SNP_FIELD_AUTHOR_KEY_DIGEST] = true;
    e->has[CCM_SNP_FIELD_FAMILY_ID] = e->has[CCM_SNP_FIELD_IMAGE_ID] = true;
    e->vmpl = 0;
    e->has[CCM_SNP_FIELD_VMPL] = true;
    set_source(e, spec->path ? spec->path : spec->name);
    return TRUE;
}

static gboolean hex_field(json_object *v, const char *key, size_t size, bool prefix_ok,
                          uint8_t *out, const char *source, GError **error)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    if (!json_object_is_type(v, json_type_string) ||
        !ccm_hex_decode(json_object_get_string(v), b) || b->len > size ||
        (!prefix_ok && b->len != size)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: \"%s\" must be %s%zu bytes as hex", source, key,
                    prefix_ok ? "up to " : "", size);
        return FALSE;
    }
    memset(out, 0, size);
    memcpy(out, b->data, b->len);
    return TRUE;
}

static gboolean number_field(json_object *v, const char *key, uint64_t max, uint64_t *out,
                             const char *source, GError **error)
{
    uint64_t n = 0;
    bool ok = false;
    if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0) {
        n = (uint64_t) json_object_get_int64(v);
        ok = true;
    } else if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        char *end = NULL;
        errno = 0;
        n = g_ascii_strtoull(s, &end, 0);
        ok = *s && end && *end == '\0' && errno == 0 && s[0] != '-';
    }
    if (!ok || n > max) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: \"%s\" must be a number up to %" G_GUINT64_FORMAT " (or \"0x...\")",
                    source, key, max);
        return FALSE;
    }
    *out = n;
    return TRUE;
}

/* The members of a plain object of fields. */
static gboolean fields_from_object(CcmSnpExpected *e, json_object *o, const char *source,
                                   GError **error)
{
    struct json_object_iterator it = json_object_iter_begin(o), end = json_object_iter_end(o);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);
        json_object *val = json_object_iter_peek_value(&it);
        int f = -1;
        for (int i = 0; i < _CCM_SNP_FIELD_MAX; i++)
            if (strcmp(key, field_names[i]) == 0)
                f = i;
        gboolean ok = TRUE;
        uint64_t n = 0;
        switch (f) {
        case CCM_SNP_FIELD_MEASUREMENT:
            ok = hex_field(val, key, CCM_SHA384_SIZE, false, e->measurement, source, error);
            break;
        case CCM_SNP_FIELD_HOST_DATA:
            ok = hex_field(val, key, 32, false, e->host_data, source, error);
            break;
        case CCM_SNP_FIELD_POLICY:
            ok = number_field(val, key, G_MAXUINT64, &e->policy, source, error);
            break;
        case CCM_SNP_FIELD_ID_KEY_DIGEST:
            ok = hex_field(val, key, CCM_SHA384_SIZE, false, e->id_key_digest, source, error);
            break;
        case CCM_SNP_FIELD_AUTHOR_KEY_DIGEST:
            ok = hex_field(val, key, CCM_SHA384_SIZE, false, e->author_key_digest, source,
                           error);
            break;
        case CCM_SNP_FIELD_FAMILY_ID:
            ok = hex_field(val, key, 16, false, e->family_id, source, error);
            break;
        case CCM_SNP_FIELD_IMAGE_ID:
            ok = hex_field(val, key, 16, false, e->image_id, source, error);
            break;
        case CCM_SNP_FIELD_VMPL:
            ok = number_field(val, key, 3, &n, source, error);
            e->vmpl = (uint32_t) n;
            break;
        case CCM_SNP_FIELD_REPORT_DATA:
            ok = hex_field(val, key, 64, true, e->report_data, source, error);
            break;
        default:
            g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                        "%s: unknown member \"%s\" (expected measurement, host_data, policy, "
                        "id_key_digest, author_key_digest, family_id, image_id, vmpl, "
                        "report_data, or a \"ccm-measure/1\" document)", source, key);
            return FALSE;
        }
        if (!ok)
            return FALSE;
        e->has[f] = true;
    }
    return TRUE;
}

gboolean ccm_snp_expected_from_json(CcmSnpExpected *e, json_object *o, const char *source,
                                    GError **error)
{
    json_object *format = NULL, *platform = NULL, *m = NULL;
    if (!json_object_is_type(o, json_type_object)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: expected a JSON object", source);
        return FALSE;
    }
    if (json_object_object_get_ex(o, "format", &format)) {
        /* `ccmctl measure --json`: {"format": "ccm-measure/1", "platform": "sev-snp",
         * "measurement": hex, ...}; only its measurement is a report field. */
        if (g_strcmp0(json_object_get_string(format), "ccm-measure/1") != 0 ||
            !json_object_object_get_ex(o, "platform", &platform) ||
            g_strcmp0(json_object_get_string(platform), "sev-snp") != 0 ||
            !json_object_object_get_ex(o, "measurement", &m)) {
            g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                        "%s: not the \"ccm-measure/1\" document of a Platform=sev-snp guest",
                        source);
            return FALSE;
        }
        if (!hex_field(m, "measurement", CCM_SHA384_SIZE, false, e->measurement, source,
                       error))
            return FALSE;
        e->has[CCM_SNP_FIELD_MEASUREMENT] = true;
    } else if (!fields_from_object(e, o, source, error)) {
        return FALSE;
    }
    set_source(e, source);
    return TRUE;
}

static void comparison_free(CcmSnpFieldComparison *c)
{
    g_free(c->reported);
    g_free(c->expected);
    g_free(c);
}

GPtrArray *ccm_snp_expected_compare(const CcmSnpExpected *e, const CcmSnpReport *r)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify) comparison_free);
    for (int f = 0; f < _CCM_SNP_FIELD_MAX; f++) {
        const uint8_t *rep = NULL, *exp = NULL;
        size_t size = 0;
        uint64_t rn = 0, en = 0;
        switch ((CcmSnpField) f) {
        case CCM_SNP_FIELD_MEASUREMENT:
            rep = r->measurement, exp = e->measurement, size = CCM_SHA384_SIZE;
            break;
        case CCM_SNP_FIELD_HOST_DATA:
            rep = r->host_data, exp = e->host_data, size = 32;
            break;
        case CCM_SNP_FIELD_POLICY:
            rn = r->policy, en = e->policy;
            break;
        case CCM_SNP_FIELD_ID_KEY_DIGEST:
            rep = r->id_key_digest, exp = e->id_key_digest, size = CCM_SHA384_SIZE;
            break;
        case CCM_SNP_FIELD_AUTHOR_KEY_DIGEST:
            rep = r->author_key_digest, exp = e->author_key_digest, size = CCM_SHA384_SIZE;
            break;
        case CCM_SNP_FIELD_FAMILY_ID:
            rep = r->family_id, exp = e->family_id, size = 16;
            break;
        case CCM_SNP_FIELD_IMAGE_ID:
            rep = r->image_id, exp = e->image_id, size = 16;
            break;
        case CCM_SNP_FIELD_VMPL:
            rn = r->vmpl, en = e->vmpl;
            break;
        case CCM_SNP_FIELD_REPORT_DATA:
            rep = r->report_data, exp = e->report_data, size = 64;
            break;
        default:
            break;
        }
        CcmSnpFieldComparison *c = g_new0(CcmSnpFieldComparison, 1);
        c->field = (CcmSnpField) f;
        bool policy = f == CCM_SNP_FIELD_POLICY;
        if (rep) {
            c->reported = ccm_hex_encode(rep, size);
            if (e->has[f])
                c->expected = ccm_hex_encode(exp, size);
        } else {
            c->reported = policy ? g_strdup_printf("0x%" G_GINT64_MODIFIER "x", rn)
                                 : g_strdup_printf("%" G_GUINT64_FORMAT, rn);
            if (e->has[f])
                c->expected = policy ? g_strdup_printf("0x%" G_GINT64_MODIFIER "x", en)
                                     : g_strdup_printf("%" G_GUINT64_FORMAT, en);
        }
        c->result = !e->has[f] ? CCM_SNP_FIELD_NOT_EXPECTED
                    : strcmp(c->reported, c->expected) == 0 ? CCM_SNP_FIELD_MATCH
                                                              : CCM_SNP_FIELD_DIFFER;
        g_ptr_array_add(rows, c);
    }
    return rows;
}

const char *ccm_snp_comparison_first_difference(const GPtrArray *fields)
{
    for (guint i = 0; i < fields->len; i++) {
        const CcmSnpFieldComparison *c = fields->pdata[i];
        if (c->result == CCM_SNP_FIELD_DIFFER)
            return ccm_snp_field_to_string(c->field);
    }
    return NULL;
}

json_object *ccm_snp_comparison_to_json(const GPtrArray *fields)
{
    json_object *list = json_object_new_array();
    for (guint i = 0; i < fields->len; i++) {
        const CcmSnpFieldComparison *c = fields->pdata[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "field",
                               json_object_new_string(ccm_snp_field_to_string(c->field)));
        json_object_object_add(o, "result",
                               json_object_new_string(ccm_snp_field_result_to_string(c->result)));
        json_object_object_add(o, "reported", json_object_new_string(c->reported));
        json_object_object_add(o, "expected",
                               c->expected ? json_object_new_string(c->expected) : NULL);
        json_object_array_add(list, o);
    }
    return list;
}
