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

/* The Trustee releases ccm supports: 0.16 to 0.21. What differs between them for us:
 * SEV-SNP claims (measurement, HOST_DATA) in standard base64 before 0.18, lowercase hex
 * from it; the admin token's role claim from 0.21; the policy contract (0.16 reads the
 * object rule "result", 0.17 on "trust_claims") and the resource path's form (a string
 * "resource/REPO/TYPE/TAG" until 0.16, a list from 0.17), which the policies handle. */
#define CCM_TRUSTEE_MINOR_FIRST 16u
#define CCM_TRUSTEE_MINOR_LAST 21u
#define CCM_TRUSTEE_MINOR_DEFAULT 21u

/**
 * ccm_trustee_version_parse() - "0.21", "v0.21.0": the minor release
 *
 * Fails (G_OPTION_ERROR_BAD_VALUE) naming the value and the supported range; a release
 * before 0.16 with the reason ccm cannot serve it.
 */
gboolean ccm_trustee_version_parse(const char *text, unsigned *ret_minor, GError **error);

/* Whether Trustee 0.@minor reports SEV-SNP measurements and HOST_DATA in hex. */
static inline bool ccm_trustee_snp_hex(unsigned minor)
{
    return minor >= 18;
}

typedef struct CcmKbs {
    char *url;                  /* https://host:port, no trailing slash */
    CcmHttpOptions http;
    char *ca_file;
    EVP_PKEY *admin_key;        /* NULL: calls go without a token (InsecureAllowAll) */
    char *role, *issuer, *audience;
    unsigned token_lifetime_s;  /* 0: 300 */
    int64_t clock_offset_s;     /* added to our clock for iat/exp (tests: clock skew) */
    unsigned trustee_minor;     /* the broker's release: 0.trustee_minor */
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
char *ccm_kbs_encode_value(unsigned trustee_minor, const char *name, const char *json);

/* Encode for the profile, register, then read every name back and compare (JSON
 * equality). */
gboolean ccm_kbs_register_checked(CcmKbs *kbs, GHashTable *values, GError **error);

/* POST /kbs/v0/resource-policy and /kbs/v0/attestation-policy (policy text is Rego). */
gboolean ccm_kbs_set_resource_policy(CcmKbs *kbs, const char *rego, GError **error);
gboolean ccm_kbs_set_attestation_policy(CcmKbs *kbs, const char *policy_id, const char *rego,
                                        GError **error);
