/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snp-policy.h - the SEV-SNP guest policy: its fields, checks, and text forms */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

/* QEMU's default sev-snp-guest policy: SMT allowed plus the must-be-one bit 17. */
#define CCM_SNP_POLICY_DEFAULT UINT64_C(0x30000)

typedef struct CcmSnpPolicyFlag {
    const char *name;     /* option and JSON name, e.g. "single-socket" */
    unsigned bit;
    const char *summary;
} CcmSnpPolicyFlag;

/* The one-bit fields (bits 16 and 18-25), NULL-name terminated. */
extern const CcmSnpPolicyFlag ccm_snp_policy_flags[];

static inline unsigned ccm_snp_policy_abi_minor(uint64_t policy)
{
    return (unsigned) (policy & 0xFF);
}

static inline unsigned ccm_snp_policy_abi_major(uint64_t policy)
{
    return (unsigned) ((policy >> 8) & 0xFF);
}

/**
 * ccm_snp_policy_check() - what the firmware or KVM would refuse
 * @ret_problems: (out) a NULL-terminated list of sentences, empty if the policy is valid
 * @ret_warnings: (out) things that are valid for the firmware but refused by KVM
 *
 * Return: TRUE if there are no problems.
 */
bool ccm_snp_policy_check(uint64_t policy, GStrv *ret_problems, GStrv *ret_warnings);

/* Parses "0x30000" or "196608" into a 64-bit policy. */
gboolean ccm_snp_policy_parse(const char *text, uint64_t *ret, GError **error);

/* The JSON document "ccm-snp-policy/1": every field by name (snake_case: "migrate_ma"),
 * plus "policy", "abi_major", "abi_minor", "valid", "problems" and "warnings". */
json_object *ccm_snp_policy_to_json(uint64_t policy);
/* One line per field. */
char *ccm_snp_policy_to_text(uint64_t policy);
