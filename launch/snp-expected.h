/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-expected.h - what an SEV-SNP report should contain, and each field compared
 *
 * The expected values come from a guest spec (its expectation: measurement; HOST_DATA is
 * the guest identity; policy; ID key and author key digests, family and image id from its
 * ID block), from a JSON document (`ccmctl measure --json` of an SNP guest, or a plain
 * object of fields), or both. A field nobody expects is listed as "not expected".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

#include "launch-plan.h"
#include "snp-report.h"

typedef enum CcmSnpField {
    CCM_SNP_FIELD_MEASUREMENT,
    CCM_SNP_FIELD_HOST_DATA,
    CCM_SNP_FIELD_POLICY,
    CCM_SNP_FIELD_ID_KEY_DIGEST,
    CCM_SNP_FIELD_AUTHOR_KEY_DIGEST,
    CCM_SNP_FIELD_FAMILY_ID,
    CCM_SNP_FIELD_IMAGE_ID,
    CCM_SNP_FIELD_VMPL,
    CCM_SNP_FIELD_REPORT_DATA,
    _CCM_SNP_FIELD_MAX,
} CcmSnpField;

typedef struct CcmSnpExpected {
    bool has[_CCM_SNP_FIELD_MAX];
    uint8_t measurement[CCM_SHA384_SIZE];
    uint8_t host_data[32];
    uint64_t policy;
    uint8_t id_key_digest[CCM_SHA384_SIZE];
    uint8_t author_key_digest[CCM_SHA384_SIZE];
    uint8_t family_id[16];
    uint8_t image_id[16];
    uint32_t vmpl;
    uint8_t report_data[64];
    char *source;           /* the spec or JSON file the values came from */
} CcmSnpExpected;

CcmSnpExpected *ccm_snp_expected_new(void);
void ccm_snp_expected_free(CcmSnpExpected *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSnpExpected, ccm_snp_expected_free)

/* The JSON name of @field: "measurement", "host_data", "policy", ... */
const char *ccm_snp_field_to_string(CcmSnpField field);

/* The values of the SNP guest @plan launches (its expectation and ID block); the VMPL
 * expected is 0. FALSE with CCM_LAUNCH_ERROR for another platform or an unmeasurable
 * guest. */
gboolean ccm_snp_expected_from_plan(CcmSnpExpected *e, const CcmLaunchPlan *plan,
                                    GError **error);

/* The values in @o, read from @source: a "ccm-measure/1" document of an SNP guest, or
 * {"measurement": hex, "host_data": hex, "policy": number | "0x..", "id_key_digest": hex,
 * "author_key_digest": hex, "family_id": hex, "image_id": hex, "vmpl": n,
 * "report_data": hex (up to 64 bytes, zero-extended)}. Values given here replace those
 * already in @e. Unknown members are refused (a typo must not skip a check). */
gboolean ccm_snp_expected_from_json(CcmSnpExpected *e, json_object *o, const char *source,
                                    GError **error);

typedef enum CcmSnpFieldResult {
    CCM_SNP_FIELD_MATCH,
    CCM_SNP_FIELD_DIFFER,
    CCM_SNP_FIELD_NOT_EXPECTED,
} CcmSnpFieldResult;

typedef struct CcmSnpFieldComparison {
    CcmSnpField field;
    CcmSnpFieldResult result;
    char *reported;         /* hex, or the number for policy and vmpl */
    char *expected;         /* NULL when not expected */
} CcmSnpFieldComparison;

/* Each field of @report against @e, in CcmSnpField order (CcmSnpFieldComparison). */
GPtrArray *ccm_snp_expected_compare(const CcmSnpExpected *e, const CcmSnpReport *report);

/* The first differing field's name, or NULL. */
const char *ccm_snp_comparison_first_difference(const GPtrArray *fields);

const char *ccm_snp_field_result_to_string(CcmSnpFieldResult result);

/* [{"field", "result", "reported", "expected"}] */
json_object *ccm_snp_comparison_to_json(const GPtrArray *fields);
