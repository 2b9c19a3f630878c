/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kbs-admin.h - Trustee KBS admin API calls: reference values and policies */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "admin-token.h"
#include "http-client.h"

#define CCM_KBS_ERROR (ccm_kbs_error_quark())
GQuark ccm_kbs_error_quark(void);

typedef enum CcmKbsErrorCode {
    CCM_KBS_ERROR_UNREACHABLE,   /* no HTTP answer (connection, TLS, URL) */
    CCM_KBS_ERROR_REFUSED,       /* the broker answered with an error status */
    CCM_KBS_ERROR_MISMATCH,      /* read-back differs from what was written */
    CCM_KBS_ERROR_REPLY,         /* a reply of the wrong shape */
} CcmKbsErrorCode;

/* The trustee releases whose behaviour differs for us (broker.md §1). */
typedef enum CcmTrusteeProfile {
    CCM_TRUSTEE_0_15,    /* SNP measurement in base64; no role claim */
    CCM_TRUSTEE_0_18,    /* hex; exp required; role is the persona */
    CCM_TRUSTEE_0_21,    /* hex; role claim required */
} CcmTrusteeProfile;

/* Parses "0.15" ... "0.21" (or "v0.21.0"); -1 if not a release we know. */
int ccm_trustee_profile_from_string(const char *text);

typedef struct CcmKbs {
    char *url;                  /* https://host:port, no trailing slash */
    CcmHttpOptions http;
    char *ca_file;
    EVP_PKEY *admin_key;        /* NULL: calls go without a token (InsecureAllowAll) */
    char *role, *issuer, *audience;
    unsigned token_lifetime_s;  /* 0: 300 */
    int64_t clock_offset_s;     /* added to our clock for iat/exp (tests: clock skew) */
    CcmTrusteeProfile profile;
} CcmKbs;

void ccm_kbs_free(CcmKbs *kbs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmKbs, ccm_kbs_free)

/**
 * ccm_kbs_register() - POST /kbs/v0/reference-value with an RVPS "sample" message
 * @values: name -> JSON text; every name is written (overwriting), in one message
 */
gboolean ccm_kbs_register(CcmKbs *kbs, GHashTable *values, GError **error);

/* GET /kbs/v0/reference-value/@id: the stored JSON value (new reference). */
json_object *ccm_kbs_get_value(CcmKbs *kbs, const char *id, GError **error);

/* @json as the trustee release compares it: before 0.18, an SNP measurement list in
 * base64 of the raw bytes instead of hex; anything else unchanged. */
char *ccm_kbs_encode_value(CcmTrusteeProfile profile, const char *name, const char *json);

/* Encode for the profile, register, then read every name back and compare (JSON
 * equality). */
gboolean ccm_kbs_register_checked(CcmKbs *kbs, GHashTable *values, GError **error);

/* POST /kbs/v0/resource-policy and /kbs/v0/attestation-policy (policy text is Rego). */
gboolean ccm_kbs_set_resource_policy(CcmKbs *kbs, const char *rego, GError **error);
gboolean ccm_kbs_set_attestation_policy(CcmKbs *kbs, const char *policy_id, const char *rego,
                                        GError **error);
