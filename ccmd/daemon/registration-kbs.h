/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registration-kbs.h - the Trustee KBS registration backend */
#pragma once

#include <stdbool.h>

#include "registration.h"
#include "state-store.h"

typedef struct CcmKbsConfig {
    char *url;                 /* https://kbs.example:8080 */
    char *admin_key;           /* Ed25519 private key PEM, mode 0600; NULL: no token */
    char *ca_file;             /* the broker's CA; NULL: the system's */
    bool allow_insecure_http;  /* http:// to a host that is not loopback */
    char *trustee_version;     /* "0.21" (default), "0.18", "0.15" */
    char *role;                /* "role" claim for trustee 0.21+; default "admin" */
    char *issuer;
    char *audience;
    bool install_policies;     /* POST ccm's resource and attestation policies */
    char *policy_dir;          /* ccm-resource.rego, ccm-attestation.rego */
    unsigned retries;          /* on connection errors and 5xx */
    unsigned backoff_ms;
    unsigned timeout_ms;
} CcmKbsConfig;

void ccm_kbs_config_clear(CcmKbsConfig *config);

/**
 * ccm_registration_kbs_new() - register with a Trustee KBS over its admin API
 *
 * Loads the admin key (refusing one others may read) and the policies now, so a bad
 * configuration stops ccmd at start with one message. A guest's values are registered
 * under names only it uses, "ccm/<scope>/<name>" (scope: its identity, hex), in one
 * RVPS sample message, read back, and kept in @store; withdrawing overwrites them with
 * empty lists (the KBS has no delete) and drops them from @store.
 */
CcmRegistration *ccm_registration_kbs_new(CcmStore *store, const CcmKbsConfig *config,
                                          GError **error);
