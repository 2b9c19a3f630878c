/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sev-request.c - the inputs of one SEV-family measurement, from flags or a JSON line
 *
 * Command-line flags and --batch lines share one vocabulary: every key is a long
 * option name, every value is parsed by ccm_sev_request_set(). A batch line is
 * applied on top of a copy of the flags, so flags act as defaults for every guest.
 */
#include <errno.h>
#include <string.h>

#include <gio/gio.h>

#include "ccm/measure-autoptr.h"
#include "sev-request.h"

#define MAX_VCPUS 4096

const char *const ccm_sev_request_keys[] = {
    "platform", "firmware", "kernel", "initrd", "append", "vcpus", "cpu", "vcpu-sig",
    "guest-features", "vmm", "sev-es-vmsa", "firmware-digest", "name", NULL,
};

void ccm_sev_request_init(CcmSevRequest *req)
{
    *req = (CcmSevRequest) { .platform = -1, .vmm = -1, .sev_es_vmsa = -1 };
}

void ccm_sev_request_clear(CcmSevRequest *req)
{
    g_free(req->name);
    g_free(req->firmware);
    g_free(req->kernel);
    g_free(req->initrd);
    g_free(req->append);
    g_free(req->cpu);
    ccm_sev_request_init(req);
}

void ccm_sev_request_copy(CcmSevRequest *dst, const CcmSevRequest *src)
{
    *dst = *src;
    dst->name = g_strdup(src->name);
    dst->firmware = g_strdup(src->firmware);
    dst->kernel = g_strdup(src->kernel);
    dst->initrd = g_strdup(src->initrd);
    dst->append = g_strdup(src->append);
    dst->cpu = g_strdup(src->cpu);
}

/* Decimal, or hexadecimal with 0x; the whole string, no sign, no overflow. */
static gboolean parse_u64(const char *text, uint64_t max, uint64_t *ret)
{
    const char *digits = text;
    guint base = 10;

    if (g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X")) {
        digits = text + 2;
        base = 16;
    }
    if (!g_ascii_isxdigit(digits[0]))
        return FALSE;
    guint64 v;
    if (!g_ascii_string_to_unsigned(digits, base, 0, max, &v, NULL))
        return FALSE;
    *ret = v;
    return TRUE;
}

static gboolean bad_value(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean bad_value(GError **error, const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, message);
    return FALSE;
}

static gboolean parse_cpu(const char *value, GError **error)
{
    uint32_t sig;

    if (ccm_vcpu_signature_from_model(value, &sig) == 0)
        return TRUE;

    g_autoptr(GString) known = g_string_new(NULL);
    g_autofree char *suggestion = NULL;
    for (size_t i = 0; ccm_vcpu_model_name(i); i++) {
        const char *name = ccm_vcpu_model_name(i);
        size_t n = strlen(name);
        g_string_append_printf(known, "%s%s", i ? ", " : "", name);
        if (g_ascii_strncasecmp(value, name, n) != 0)
            continue;
        /* Same name in another case: suggest it with the user's suffix kept. */
        g_autofree char *suffix = g_ascii_strdown(value + n, -1);
        g_autofree char *candidate = g_strconcat(name, suffix, NULL);
        if (ccm_vcpu_signature_from_model(candidate, &sig) == 0) {
            g_free(suggestion);
            suggestion = g_steal_pointer(&candidate);
        }
    }
    return bad_value(error,
                     "unknown vCPU model '%s'%s%s%s; known models: %s (each also with -vN); for "
                     "'host' or any other model give --vcpu-sig instead",
                     value, suggestion ? " (did you mean '" : "", suggestion ? suggestion : "",
                     suggestion ? "'?)" : "", known->str);
}

static gboolean parse_hex_digest(const char *value, uint8_t *ret, size_t size)
{
    if (strlen(value) != 2 * size)
        return FALSE;
    for (size_t i = 0; i < size; i++) {
        int hi = g_ascii_xdigit_value(value[2 * i]);
        int lo = g_ascii_xdigit_value(value[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        ret[i] = (uint8_t) (hi << 4 | lo);
    }
    return TRUE;
}

static gboolean set_path(char **field, const char *value, GError **error)
{
    if (value[0] == '\0')
        return bad_value(error, "an empty path is not a file");
    g_free(*field);
    *field = g_strdup(value);
    return TRUE;
}

gboolean ccm_sev_request_set(CcmSevRequest *req, const char *key, const char *value,
                                 GError **error)
{
    uint64_t v;
    int e;

    if (strcmp(key, "platform") == 0) {
        if ((e = ccm_platform_from_string(value)) < 0)
            return bad_value(error, "unknown platform '%s': expected sev-snp, sev-es or sev",
                             value);
        req->platform = e;
    } else if (strcmp(key, "firmware") == 0) {
        return set_path(&req->firmware, value, error);
    } else if (strcmp(key, "kernel") == 0) {
        return set_path(&req->kernel, value, error);
    } else if (strcmp(key, "initrd") == 0) {
        return set_path(&req->initrd, value, error);
    } else if (strcmp(key, "append") == 0) {
        g_free(req->append);
        req->append = g_strdup(value);
    } else if (strcmp(key, "vcpus") == 0) {
        if (!parse_u64(value, MAX_VCPUS, &v) || v == 0)
            return bad_value(error, "'%s' is not a vCPU count from 1 to %d", value, MAX_VCPUS);
        req->vcpus = (unsigned) v;
    } else if (strcmp(key, "cpu") == 0) {
        if (!parse_cpu(value, error))
            return FALSE;
        g_free(req->cpu);
        req->cpu = g_strdup(value);
        req->vcpu_sig_set = false;
    } else if (strcmp(key, "vcpu-sig") == 0) {
        if (!parse_u64(value, UINT32_MAX, &v))
            return bad_value(error,
                             "'%s' is not a CPUID signature: expected a 32-bit number such as "
                             "0xa00f11",
                             value);
        req->vcpu_sig = (uint32_t) v;
        req->vcpu_sig_set = true;
        g_clear_pointer(&req->cpu, g_free);
    } else if (strcmp(key, "guest-features") == 0) {
        if (!parse_u64(value, UINT64_MAX, &v))
            return bad_value(error, "'%s' is not a 64-bit SEV_FEATURES value such as 0x1",
                             value);
        req->guest_features = v;
        req->guest_features_set = true;
    } else if (strcmp(key, "vmm") == 0) {
        e = ccm_vmm_from_string(value);
        if (e < 0 || e == CCM_VMM_EC2_RDX0)
            return bad_value(error, "unknown VMM type '%s': expected qemu, ec2 or gce", value);
        req->vmm = e;
    } else if (strcmp(key, "sev-es-vmsa") == 0) {
        if ((e = ccm_sev_es_vmsa_from_string(value)) < 0)
            return bad_value(error, "unknown SEV-ES VMSA variant '%s': expected legacy or init2",
                             value);
        req->sev_es_vmsa = e;
    } else if (strcmp(key, "firmware-digest") == 0) {
        if (!parse_hex_digest(value, req->firmware_digest, CCM_SHA384_SIZE))
            return bad_value(error,
                             "'%s' is not a firmware digest: expected 96 hex digits, as "
                             "printed by --output firmware-digest",
                             value);
        req->firmware_digest_set = true;
    } else if (strcmp(key, "name") == 0) {
        g_free(req->name);
        req->name = g_strdup(value);
    } else {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, "unknown key '%s'",
                    key);
        return FALSE;
    }
    return TRUE;
}

/* ---- cache ---------------------------------------------------------------------- */

struct CcmSevCache {
    GHashTable *firmware;   /* path -> CcmFirmware */
    GHashTable *sha256;     /* path -> 32-byte GBytes */
};

CcmSevCache *ccm_sev_cache_new(void)
{
    CcmSevCache *cache = g_new0(CcmSevCache, 1);
    cache->firmware = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) ccm_firmware_unref);
    cache->sha256 = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_bytes_unref);
    return cache;
}

void ccm_sev_cache_free(CcmSevCache *cache)
{
    if (!cache)
        return;
    g_hash_table_unref(cache->firmware);
    g_hash_table_unref(cache->sha256);
    g_free(cache);
}

gboolean ccm_sev_request_error(GError **error, const CcmError *e)
{
    if (e->code == -EINVAL)
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, e->message);
    else
        g_set_error_literal(error, G_IO_ERROR, g_io_error_from_errno(-e->code), e->message);
    return FALSE;
}

CcmFirmware *ccm_sev_cache_firmware(CcmSevCache *cache, const char *path, GError **error)
{
    CcmFirmware *fw = g_hash_table_lookup(cache->firmware, path);
    CcmError e = { 0 };

    if (fw)
        return ccm_firmware_ref(fw);
    if (ccm_firmware_open(path, &fw, &e) < 0) {
        ccm_sev_request_error(error, &e);
        return NULL;
    }
    g_hash_table_insert(cache->firmware, g_strdup(path), ccm_firmware_ref(fw));
    return fw;
}

gboolean ccm_sev_cache_sha256(CcmSevCache *cache, const char *path, const char *what,
                              uint8_t *ret, GError **error)
{
    GBytes *b = g_hash_table_lookup(cache->sha256, path);
    CcmError e = { 0 };

    if (!b) {
        uint8_t sha[CCM_SHA256_SIZE];
        if (ccm_sha256_file(path, sha, &e) < 0) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-e.code),
                        "cannot hash the %s: %s", what, e.message);
            return FALSE;
        }
        b = g_bytes_new(sha, sizeof(sha));
        g_hash_table_insert(cache->sha256, g_strdup(path), b);
    }
    memcpy(ret, g_bytes_get_data(b, NULL), CCM_SHA256_SIZE);
    return TRUE;
}

