/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * expectation.c - which engine a platform's expectation comes from, and what is shared
 *
 * The platform table below is the only place that maps a guest's platform to the engine
 * that computes what it will report, to what a Trustee KBS can take, and to the identity
 * a broker scopes it by. Adding a platform means a row here and a file beside this one.
 */
#include <string.h>

#include "expectation-engine.h"
#include "guest-identity.h"
#include "hex.h"
#include "json-document.h"

typedef struct PlatformRow {
    const CcmExpectationEngine *engine;  /* NULL: nothing is measured (rehearsal) */
    /* Why a Trustee KBS cannot take the platform's values, or NULL. */
    const char *trustee_refusal;
    /* The guest's identity at a broker: the spec field the host sets at launch and the
     * hardware reports (NULL: none), what it is called, and the hash that derives one. */
    GBytes **(*identity)(CcmGuestSpec *spec);
    const char *identity_name;
    const char *identity_key;           /* as a spec writes it */
    const char *identity_section, *identity_spec_key;
    GChecksumType identity_hash;
    /* Whether the launch digest has a firmware-only prefix (CCM_EXPECTATION_FIRMWARE_DIGEST). */
    bool firmware_digest;
    /* The output forms its values have (NULL-terminated; NULL: every form), and how a
     * message names the values. */
    const char *const *outputs;
    const char *values_noun;
    /* The QMP command whose reply QEMU derives from the launch measurement before the guest
     * runs (an HMAC of SEV's LD only the guest owner can check), or NULL. */
    const char *qmp_launch_measure;
} PlatformRow;

/* Where each platform keeps the identity (GBytes *) in a spec. */
static GBytes **snp_host_data(CcmGuestSpec *spec)
{
    return &spec->snp.host_data;
}

static GBytes **tdx_mrconfigid(CcmGuestSpec *spec)
{
    return &spec->tdx.mrconfigid;
}

static GBytes **cca_personalization_value(CcmGuestSpec *spec)
{
    return &spec->cca.personalization_value;
}

static const PlatformRow platforms[_CCM_GUEST_PLATFORM_MAX] = {
    [CCM_GUEST_PLATFORM_NONE] = { .engine = NULL },
    [CCM_GUEST_PLATFORM_SEV] = {
        .engine = &ccm_expectation_sev_engine,
        .trustee_refusal = "Trustee has no verifier for Platform=sev; register it with "
                           "Backend=file",
        .qmp_launch_measure = "query-sev-launch-measure",
    },
    [CCM_GUEST_PLATFORM_SEV_ES] = {
        .engine = &ccm_expectation_sev_engine,
        .trustee_refusal = "Trustee has no verifier for Platform=sev-es; register it with "
                           "Backend=file",
        .qmp_launch_measure = "query-sev-launch-measure",
    },
    [CCM_GUEST_PLATFORM_SEV_SNP] = {
        .engine = &ccm_expectation_sev_engine,
        .identity = snp_host_data,
        .identity_name = "SEV-SNP HOST_DATA",
        .identity_key = "[SEV-SNP] HostData=",
        .identity_section = "SEV-SNP",
        .identity_spec_key = "HostData",
        .identity_hash = G_CHECKSUM_SHA256,
        .firmware_digest = true,
    },
    [CCM_GUEST_PLATFORM_TDX] = {
        .engine = &ccm_expectation_tdx_engine,
        .identity = tdx_mrconfigid,
        .identity_name = "TDX MRCONFIGID",
        .identity_key = "[TDX] MRConfigId=",
        .identity_section = "TDX",
        .identity_spec_key = "MRConfigId",
        .identity_hash = G_CHECKSUM_SHA384,
        .outputs = (const char *const[]) { "hex", "json", NULL },
        .values_noun = "a TDX guest's measurement",
    },
    [CCM_GUEST_PLATFORM_CCA] = {
        .engine = &ccm_expectation_cca_engine,
        .identity = cca_personalization_value,
        .identity_name = "Arm CCA realm personalization value",
        .identity_key = "[CCA] PersonalizationValue=",
        .identity_section = "CCA",
        .identity_spec_key = "PersonalizationValue",
        .identity_hash = G_CHECKSUM_SHA512,
        .outputs = (const char *const[]) { "hex", "base64", "json", NULL },
        .values_noun = "a realm's measurement",
    },
};

static const PlatformRow *row_of(CcmGuestPlatform platform)
{
    g_return_val_if_fail(platform >= 0 && platform < _CCM_GUEST_PLATFORM_MAX, &platforms[0]);
    return &platforms[platform];
}

CcmExpectation *ccm_expectation_alloc(CcmGuestPlatform platform,
                                      const CcmExpectationEngine *engine)
{
    CcmExpectation *e = g_new0(CcmExpectation, 1);
    e->platform = platform;
    e->engine = engine;
    e->values = g_array_new(FALSE, TRUE, sizeof(CcmExpectedValue));
    e->notes = g_ptr_array_new_with_free_func(g_free);
    e->reference_values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return e;
}

void ccm_expectation_free(CcmExpectation *e)
{
    if (!e)
        return;
    if (e->engine && e->engine->free_detail)
        e->engine->free_detail(e);
    g_array_unref(e->values);
    g_ptr_array_unref(e->notes);
    g_hash_table_unref(e->reference_values);
    g_free(e->name);
    g_free(e->unmeasured);
    g_free(e);
}

void ccm_expectation_add_value(CcmExpectation *e, const char *name, const uint8_t *data,
                               size_t size, bool primary)
{
    CcmExpectedValue v = { .known = data != NULL, .primary = primary, .size = size };
    g_assert(strlen(name) < sizeof(v.name) && size <= sizeof(v.value));
    strcpy(v.name, name);
    if (data)
        memcpy(v.value, data, size);
    g_array_append_val(e->values, v);
}

void ccm_expectation_note(CcmExpectation *e, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_ptr_array_add(e->notes, g_strdup_vprintf(format, ap));
    va_end(ap);
}

char *ccm_expectation_json_list(const char *value)
{
    return g_strdup_printf("[\"%s\"]", value);
}

void ccm_expectation_finish(CcmExpectation *e)
{
    if (e->engine && e->engine->reference_values)
        e->engine->reference_values(e, e->reference_values);
}

CcmExpectation *ccm_expectation_new(const CcmLaunchPlan *plan, CcmExpectationFlags flags,
                                    GError **error)
{
    const CcmGuestSpec *spec = plan->spec;
    CcmGuestPlatform platform = ccm_guest_spec_measured_platform(spec);
    const PlatformRow *row = row_of(platform);
    g_autoptr(CcmExpectation) e = ccm_expectation_alloc(platform, row->engine);

    e->name = g_strdup(spec->name);
    if (!ccm_launch_plan_check_files(plan, error))
        return NULL;
    if (!row->engine) {
        e->unmeasured = g_strdup_printf("%s: Platform=%s is the rehearsal mode: the guest has "
                                        "no launch measurement",
                                        spec->path, ccm_guest_platform_to_string(spec->platform));
        return g_steal_pointer(&e);
    }
    if ((flags & CCM_EXPECTATION_FIRMWARE_DIGEST) && !row->firmware_digest) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "--output firmware-digest is defined for sev-snp only, not Platform=%s",
                    ccm_guest_platform_to_string(platform));
        return NULL;
    }
    if (!row->engine->from_plan(plan, flags, e, error))
        return NULL;
    ccm_expectation_finish(e);
    return g_steal_pointer(&e);
}

gboolean ccm_expectation_check_plan(const CcmLaunchPlan *plan, GError **error)
{
    /* Without CCM_EXPECTATION_READ_ACPI: TDX's ACPI tables come from starting QEMU, which
     * is no check of the spec's inputs (and measure leaves RTMR0 open without them). */
    g_autoptr(CcmExpectation) e = ccm_expectation_new(plan, CCM_EXPECTATION_DEFAULT, error);
    return e != NULL;
}

const CcmExpectedValue *ccm_expectation_value(const CcmExpectation *e, const char *name)
{
    for (guint i = 0; i < e->values->len; i++) {
        const CcmExpectedValue *v = &g_array_index(e->values, CcmExpectedValue, i);
        if (strcmp(v->name, name) == 0)
            return v;
    }
    return NULL;
}

char *ccm_expectation_measurement_hex(const CcmExpectation *e)
{
    for (guint i = 0; i < e->values->len; i++) {
        const CcmExpectedValue *v = &g_array_index(e->values, CcmExpectedValue, i);
        if (v->primary && v->known)
            return ccm_hex_encode(v->value, v->size);
    }
    return NULL;
}

char *ccm_expectation_values_text(const CcmExpectation *e, bool base64)
{
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < e->values->len; i++) {
        const CcmExpectedValue *v = &g_array_index(e->values, CcmExpectedValue, i);
        if (!v->primary)
            continue;
        g_autofree char *s = base64 ? g_base64_encode(v->value, v->size)
                                    : ccm_hex_encode(v->value, v->size);
        g_string_append_printf(text, "%s\n", s);
    }
    return g_string_free(text, FALSE);
}

json_object *ccm_expectation_to_json(const CcmExpectation *e)
{
    g_return_val_if_fail(e->engine, NULL);
    return ccm_json_document("ccm-measure/1", e->engine->to_json(e));
}

void ccm_expectation_explain(const CcmExpectation *e, GString *out)
{
    if (e->engine)
        e->engine->explain(e, out);
}

gboolean ccm_expectation_check_output(CcmGuestPlatform platform, const char *format,
                                      GError **error)
{
    const PlatformRow *row = row_of(platform);
    if (!format || !row->outputs)
        return TRUE;
    g_autoptr(GString) forms = g_string_new(NULL);
    for (size_t i = 0; row->outputs[i]; i++) {
        if (strcmp(row->outputs[i], format) == 0)
            return TRUE;
        g_string_append_printf(forms, "%s%s", i == 0 ? "" : row->outputs[i + 1] ? ", " : " or ",
                               row->outputs[i]);
    }
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--output: %s is %s",
                row->values_noun, forms->str);
    return FALSE;
}

const char *ccm_expectation_qmp_launch_measure(CcmGuestPlatform platform)
{
    return row_of(platform)->qmp_launch_measure;
}

const char *ccm_expectation_trustee_refusal(CcmGuestPlatform platform)
{
    return row_of(platform)->trustee_refusal;
}

GBytes *ccm_expectation_identity(const CcmGuestSpec *spec)
{
    const PlatformRow *row = row_of(ccm_guest_spec_measured_platform(spec));
    if (!row->identity)
        return NULL;
    GBytes *id = *row->identity((CcmGuestSpec *) spec);
    return id ? g_bytes_ref(id) : NULL;
}

const char *ccm_expectation_identity_name(CcmGuestPlatform platform)
{
    return row_of(platform)->identity_name;
}

const char *ccm_expectation_identity_key(CcmGuestPlatform platform)
{
    return row_of(platform)->identity_key;
}

bool ccm_expectation_identity_spec_key(CcmGuestPlatform platform, const char **ret_section,
                                       const char **ret_key)
{
    const PlatformRow *row = row_of(platform);
    if (!row->identity)
        return false;
    *ret_section = row->identity_section;
    *ret_key = row->identity_spec_key;
    return true;
}

char *ccm_expectation_identity_hex(const CcmGuestSpec *spec)
{
    g_autoptr(GBytes) id = ccm_expectation_identity(spec);
    if (!id)
        return NULL;
    gsize n = 0;
    const guint8 *b = g_bytes_get_data(id, &n);
    return ccm_hex_encode(b, n);
}

void ccm_expectation_apply_identity(CcmGuestSpec *spec, const char *host_id)
{
    const PlatformRow *row = row_of(ccm_guest_spec_measured_platform(spec));
    if (!row->identity)
        return;
    GBytes **slot = row->identity(spec);
    if (!*slot)
        *slot = ccm_guest_identity_derive(host_id, spec->name, row->identity_hash);
}
