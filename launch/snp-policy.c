/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-policy.c - the SEV-SNP guest policy: its fields, checks, and text forms
 *
 * The 64-bit policy is fixed at SNP_LAUNCH_START and reported in every attestation
 * report. Bits 7:0 and 15:8 are the minimum ABI minor and major versions; bit 17 must
 * be one; bits 63:26 must be zero (AMD SEV-SNP ABI specification, guest policy).
 */
#include <errno.h>
#include <string.h>

#include <gio/gio.h>

#include "json-document.h"
#include "snp-policy.h"

#define RESERVED_ONE_BIT 17
#define RESERVED_ZERO_MASK (~UINT64_C(0) << 26)
#define MIGRATE_MA_BIT 18

const CcmSnpPolicyFlag ccm_snp_policy_flags[] = {
    { "smt", 16, "SMT is allowed on the host" },
    { "migrate-ma", 18, "association with a migration agent is allowed" },
    { "debug", 19, "debugging (SNP_DBG_DECRYPT/ENCRYPT) is allowed" },
    { "single-socket", 20, "the guest may run on one socket only" },
    { "cxl-allow", 21, "CXL memory may back the guest" },
    { "mem-aes-256-xts", 22, "AES-256-XTS memory encryption is required" },
    { "rapl-dis", 23, "RAPL must be disabled" },
    { "ciphertext-hiding", 24, "ciphertext hiding (DRAM) must be enabled" },
    { "page-swap-disable", 25, "SNP_PAGE_SWAP_OUT/IN are disabled for the guest" },
    { NULL, 0, NULL },
};

bool ccm_snp_policy_check(uint64_t policy, GStrv *ret_problems, GStrv *ret_warnings)
{
    g_autoptr(GStrvBuilder) problems = g_strv_builder_new();
    g_autoptr(GStrvBuilder) warnings = g_strv_builder_new();
    bool valid = true;

    if (!(policy & (UINT64_C(1) << RESERVED_ONE_BIT))) {
        g_strv_builder_add(problems, "bit 17 is reserved and must be 1");
        valid = false;
    }
    if (policy & RESERVED_ZERO_MASK) {
        g_autofree char *p = g_strdup_printf("reserved bits 63:26 must be 0 (set: 0x%" G_GINT64_MODIFIER
                                             "x)",
                                             policy & RESERVED_ZERO_MASK);
        g_strv_builder_add(problems, p);
        valid = false;
    }
    if (policy & (UINT64_C(1) << MIGRATE_MA_BIT))
        g_strv_builder_add(warnings, "migrate-ma: Linux KVM refuses guests with a migration "
                                     "agent policy");
    if (ret_problems)
        *ret_problems = g_strv_builder_end(problems);
    if (ret_warnings)
        *ret_warnings = g_strv_builder_end(warnings);
    return valid;
}

gboolean ccm_snp_policy_parse(const char *text, uint64_t *ret, GError **error)
{
    const char *digits = text;
    guint base = 10;
    guint64 v;

    if (g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X")) {
        digits = text + 2;
        base = 16;
    }
    if (!g_ascii_isxdigit(digits[0]) ||
        !g_ascii_string_to_unsigned(digits, base, 0, G_MAXUINT64, &v, NULL)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "'%s' is not a 64-bit SNP guest policy such as 0x30000", text);
        return FALSE;
    }
    *ret = v;
    return TRUE;
}

static json_object *strv_json(GStrv strv)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; strv[i]; i++)
        json_object_array_add(a, json_object_new_string(strv[i]));
    return a;
}

json_object *ccm_snp_policy_to_json(uint64_t policy)
{
    g_auto(GStrv) problems = NULL;
    g_auto(GStrv) warnings = NULL;
    bool valid = ccm_snp_policy_check(policy, &problems, &warnings);
    g_autofree char *hex = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", policy);
    json_object *o = json_object_new_object();

    json_object_object_add(o, "policy", json_object_new_string(hex));
    json_object_object_add(o, "abi_major",
                           json_object_new_int((int) ccm_snp_policy_abi_major(policy)));
    json_object_object_add(o, "abi_minor",
                           json_object_new_int((int) ccm_snp_policy_abi_minor(policy)));
    for (const CcmSnpPolicyFlag *f = ccm_snp_policy_flags; f->name; f++) {
        /* The field's option name, in the snake_case of JSON keys. */
        g_autofree char *key = g_strdelimit(g_strdup(f->name), "-", '_');
        json_object_object_add(o, key, json_object_new_boolean((policy >> f->bit) & 1));
    }
    json_object_object_add(o, "valid", json_object_new_boolean(valid));
    json_object_object_add(o, "problems", strv_json(problems));
    json_object_object_add(o, "warnings", strv_json(warnings));
    return ccm_json_document("ccm-snp-policy/1", o);
}

char *ccm_snp_policy_to_text(uint64_t policy)
{
    g_auto(GStrv) problems = NULL;
    g_auto(GStrv) warnings = NULL;
    (void) ccm_snp_policy_check(policy, &problems, &warnings);
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "policy             0x%016" G_GINT64_MODIFIER "x\n", policy);
    g_string_append_printf(s, "abi-major          %u       (bits 15:8)  minimum firmware ABI major\n",
                           ccm_snp_policy_abi_major(policy));
    g_string_append_printf(s, "abi-minor          %u       (bits 7:0)   minimum firmware ABI minor\n",
                           ccm_snp_policy_abi_minor(policy));
    for (const CcmSnpPolicyFlag *f = ccm_snp_policy_flags; f->name; f++)
        g_string_append_printf(s, "%-18s %-7s (bit %u)%s %s\n", f->name,
                               (policy >> f->bit) & 1 ? "yes" : "no", f->bit,
                               f->bit < 10 ? "     " : "    ", f->summary);
    for (size_t i = 0; problems[i]; i++)
        g_string_append_printf(s, "invalid: %s\n", problems[i]);
    for (size_t i = 0; warnings[i]; i++)
        g_string_append_printf(s, "warning: %s\n", warnings[i]);
    return g_string_free(s, FALSE);
}
