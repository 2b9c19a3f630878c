/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guest-spec.c - a guest spec file (ccmd.guest(5)), parsed and checked key by key
 *
 * Theory of operation: every key the spec may hold is one row of the table below: its
 * section, its name, what kind of value it takes and where in CcmGuestSpec the value
 * goes. Parsing walks the table, converts each given value with the parser for its
 * kind (each kind reports its own "expected ..." text), then checks what only the
 * whole spec can tell (sections for another platform, Initrd= without Kernel=, ...).
 * Keys nobody asked for are reported as unknown. Defaults live in spec_defaults().
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ccm/measure.h"
#include "guest-spec.h"
#include "snp-policy.h"

static const char *const platform_names[_CCM_GUEST_PLATFORM_MAX] = {
    [CCM_GUEST_PLATFORM_NONE] = "none",       [CCM_GUEST_PLATFORM_SEV] = "sev",
    [CCM_GUEST_PLATFORM_SEV_ES] = "sev-es",   [CCM_GUEST_PLATFORM_SEV_SNP] = "sev-snp",
    [CCM_GUEST_PLATFORM_TDX] = "tdx",         [CCM_GUEST_PLATFORM_CCA] = "cca",
};

const char *ccm_guest_platform_to_string(CcmGuestPlatform platform)
{
    return platform < _CCM_GUEST_PLATFORM_MAX ? platform_names[platform] : NULL;
}

static const char *const on_drift_names[_CCM_ON_DRIFT_MAX] = {
    [CCM_ON_DRIFT_REGISTER_BOTH] = "register-both",
    [CCM_ON_DRIFT_ALERT] = "alert",
    [CCM_ON_DRIFT_REFUSE] = "refuse",
};

const char *ccm_on_drift_to_string(CcmOnDrift policy)
{
    return policy < _CCM_ON_DRIFT_MAX ? on_drift_names[policy] : NULL;
}

typedef enum ValueKind {
    VALUE_NAME,       /* guest name */
    VALUE_STRING,     /* any text without control characters */
    VALUE_PATH,       /* a file; relative to the spec's folder */
    VALUE_PLATFORM,
    VALUE_ACCEL,
    VALUE_BOOL,
    VALUE_ON_OFF_AUTO,
    VALUE_U32,
    VALUE_U64,
    VALUE_SIZE,
    VALUE_CPU_SIG,
    VALUE_BASE64,     /* exactly `bytes` bytes */
    VALUE_HEX,        /* exactly `bytes` bytes */
    VALUE_DIGEST_ALG,
    VALUE_QGS,        /* quote generation socket */
    VALUE_ON_DRIFT,
} ValueKind;

typedef struct KeySpec {
    const char *section;
    const char *key;
    ValueKind kind;
    size_t offset;
    uint64_t min, max;  /* VALUE_U32, VALUE_U64, VALUE_SIZE */
    size_t bytes;       /* VALUE_BASE64, VALUE_HEX */
} KeySpec;

#define FIELD(f) offsetof(CcmGuestSpec, f)

static const KeySpec keys[] = {
    { "Guest", "Name", VALUE_NAME, FIELD(name) },
    { "Guest", "Platform", VALUE_PLATFORM, FIELD(platform) },
    { "Guest", "Rehearses", VALUE_PLATFORM, FIELD(rehearses) },
    { "Guest", "VCPUs", VALUE_U32, FIELD(vcpus), 1, 4096 },
    { "Guest", "CPUModel", VALUE_STRING, FIELD(cpu_model) },
    { "Guest", "CPUSignature", VALUE_CPU_SIG, FIELD(cpu_signature), 0, UINT32_MAX },
    { "Guest", "Memory", VALUE_SIZE, FIELD(memory), UINT64_C(16) << 20, UINT64_C(16) << 40 },
    { "Guest", "Firmware", VALUE_PATH, FIELD(firmware) },
    { "Guest", "Kernel", VALUE_PATH, FIELD(kernel) },
    { "Guest", "Initrd", VALUE_PATH, FIELD(initrd) },
    { "Guest", "Cmdline", VALUE_STRING, FIELD(cmdline) },
    { "Guest", "SerialLog", VALUE_PATH, FIELD(serial_log) },
    { "Guest", "QEMU", VALUE_PATH, FIELD(qemu) },
    { "Guest", "Accelerator", VALUE_ACCEL, FIELD(accelerator) },
    { "Guest", "Machine", VALUE_STRING, FIELD(machine) },
    { "Guest", "OnDrift", VALUE_ON_DRIFT, FIELD(on_drift) },
    /* Disk= and Network= are parsed by parse_disks() and parse_network(). */

    { "SEV", "Policy", VALUE_U32, FIELD(sev.policy), 0, UINT32_MAX },
    { "SEV", "LegacyVMType", VALUE_ON_OFF_AUTO, FIELD(sev.legacy_vm_type) },
    { "SEV", "KernelHashes", VALUE_BOOL, FIELD(sev.kernel_hashes) },
    { "SEV", "CBitPos", VALUE_U32, FIELD(sev.cbitpos), 32, 63 },
    { "SEV", "ReducedPhysBits", VALUE_U32, FIELD(sev.reduced_phys_bits), 0, 63 },

    { "SEV-SNP", "Policy", VALUE_U64, FIELD(snp.policy), 0, UINT64_MAX },
    { "SEV-SNP", "GuestFeatures", VALUE_U64, FIELD(snp.guest_features), 0, UINT64_MAX },
    { "SEV-SNP", "KernelHashes", VALUE_BOOL, FIELD(snp.kernel_hashes) },
    { "SEV-SNP", "HostData", VALUE_BASE64, FIELD(snp.host_data), 0, 0, 32 },
    { "SEV-SNP", "GuestVisibleWorkarounds", VALUE_BASE64, FIELD(snp.guest_visible_workarounds),
      0, 0, 16 },
    { "SEV-SNP", "IdKey", VALUE_PATH, FIELD(snp.id_key) },
    { "SEV-SNP", "AuthorKey", VALUE_PATH, FIELD(snp.author_key) },
    { "SEV-SNP", "IdBlock", VALUE_BASE64, FIELD(snp.id_block), 0, 0, 96 },
    { "SEV-SNP", "IdAuth", VALUE_BASE64, FIELD(snp.id_auth), 0, 0, 4096 },
    { "SEV-SNP", "FamilyId", VALUE_HEX, FIELD(snp.family_id), 0, 0, 16 },
    { "SEV-SNP", "ImageId", VALUE_HEX, FIELD(snp.image_id), 0, 0, 16 },
    { "SEV-SNP", "GuestSVN", VALUE_U32, FIELD(snp.guest_svn), 0, UINT32_MAX },
    { "SEV-SNP", "VCEK", VALUE_BOOL, FIELD(snp.vcek) },
    { "SEV-SNP", "CBitPos", VALUE_U32, FIELD(snp.cbitpos), 32, 63 },
    { "SEV-SNP", "ReducedPhysBits", VALUE_U32, FIELD(snp.reduced_phys_bits), 0, 63 },

    { "TDX", "Attributes", VALUE_U64, FIELD(tdx.attributes), 0, UINT64_MAX },
    { "TDX", "SeptVeDisable", VALUE_BOOL, FIELD(tdx.sept_ve_disable) },
    { "TDX", "MRConfigId", VALUE_BASE64, FIELD(tdx.mrconfigid), 0, 0, 48 },
    { "TDX", "MROwner", VALUE_BASE64, FIELD(tdx.mrowner), 0, 0, 48 },
    { "TDX", "MROwnerConfig", VALUE_BASE64, FIELD(tdx.mrownerconfig), 0, 0, 48 },
    { "TDX", "QuoteGenerationSocket", VALUE_QGS, FIELD(tdx.quote_generation_socket) },

    { "CCA", "MeasurementAlgorithm", VALUE_DIGEST_ALG, FIELD(cca.measurement_algorithm) },
    { "CCA", "PersonalizationValue", VALUE_BASE64, FIELD(cca.personalization_value), 0, 0, 64 },
    { "CCA", "DTB", VALUE_PATH, FIELD(cca.dtb) },
    { "CCA", "RMM", VALUE_STRING, FIELD(cca.rmm) },
    { "CCA", "IPABits", VALUE_U32, FIELD(cca.ipa_bits), 32, 48 },
    { "CCA", "Breakpoints", VALUE_U32, FIELD(cca.breakpoints), 2, 16 },
    { "CCA", "Watchpoints", VALUE_U32, FIELD(cca.watchpoints), 2, 16 },
    { "CCA", "PMUCounters", VALUE_U32, FIELD(cca.pmu_counters), 1, 31 },
    { "CCA", "SVEVectorLength", VALUE_U32, FIELD(cca.sve_vector_length), 128, 2048 },
    { "CCA", "LPA2", VALUE_BOOL, FIELD(cca.lpa2) },
    { "CCA", "MeasurementLog", VALUE_BOOL, FIELD(cca.measurement_log) },
    { "CCA", "HostPageSize", VALUE_SIZE, FIELD(cca.host_page_size), 4096, 65536 },
};

/* [Guest] first, then the platform sections, then the sections any platform may have. */
static const char *const sections[] = { "Guest", "SEV", "SEV-SNP", "TDX", "CCA", "Broker", NULL };

static bool is_platform_section(const char *section)
{
    return strcmp(section, "Guest") != 0 && strcmp(section, "Broker") != 0;
}

void ccm_guest_spec_free(CcmGuestSpec *spec)
{
    if (!spec)
        return;
    g_clear_pointer(&spec->given, g_hash_table_unref);
    g_clear_pointer(&spec->labels, g_hash_table_unref);
    if (spec->disks)
        g_ptr_array_unref(spec->disks);
    if (spec->resources)
        g_ptr_array_unref(spec->resources);
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        void *field = (char *) spec + keys[i].offset;
        switch (keys[i].kind) {
        case VALUE_NAME:
        case VALUE_STRING:
        case VALUE_PATH:
        case VALUE_ACCEL:
        case VALUE_DIGEST_ALG:
        case VALUE_QGS:
            g_free(*(char **) field);
            break;
        case VALUE_BASE64:
        case VALUE_HEX:
            if (*(GBytes **) field)
                g_bytes_unref(*(GBytes **) field);
            break;
        default:
            break;
        }
    }
    g_free(spec->network_ifname);
    g_free(spec->path);
    g_free(spec);
}

void ccm_guest_disk_free(gpointer p)
{
    CcmGuestDisk *d = p;
    g_free(d->path);
    g_free(d->format);
    g_free(d);
}

bool ccm_guest_spec_given(const CcmGuestSpec *spec, const char *section, const char *key,
                          unsigned *ret_line)
{
    g_autofree char *k = g_strconcat(section, "/", key, NULL);
    gpointer line;

    if (!g_hash_table_lookup_extended(spec->given, k, NULL, &line))
        return false;
    if (ret_line)
        *ret_line = GPOINTER_TO_UINT(line);
    return true;
}

/* ---- value parsers: each says what it expected ---------------------------------- */

static gboolean parse_u64(const char *text, uint64_t *ret)
{
    const char *digits = text;
    guint base = 10;

    if (g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X")) {
        digits = text + 2;
        base = 16;
    }
    guint64 v;
    if (!g_ascii_isxdigit(digits[0]) ||
        !g_ascii_string_to_unsigned(digits, base, 0, G_MAXUINT64, &v, NULL))
        return FALSE;
    *ret = v;
    return TRUE;
}

static gboolean parse_bool(const char *text, bool *ret)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };

    for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (g_ascii_strcasecmp(text, yes[i]) == 0) {
            *ret = true;
            return TRUE;
        }
        if (g_ascii_strcasecmp(text, no[i]) == 0) {
            *ret = false;
            return TRUE;
        }
    }
    return FALSE;
}

/* "4G", "512M", "1.5G" is not accepted: a whole number and a binary unit. */
static gboolean parse_size(const char *text, uint64_t *ret)
{
    static const struct {
        const char *suffix;
        unsigned shift;
    } units[] = { { "K", 10 }, { "KiB", 10 }, { "M", 20 }, { "MiB", 20 },
                  { "G", 30 }, { "GiB", 30 }, { "T", 40 }, { "TiB", 40 } };
    char *end;
    guint64 n;

    if (!g_ascii_isdigit(text[0]))
        return FALSE;
    n = g_ascii_strtoull(text, &end, 10);
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
        if (g_ascii_strcasecmp(end, units[i].suffix) == 0) {
            if (n > (G_MAXUINT64 >> units[i].shift))
                return FALSE;
            *ret = n << units[i].shift;
            return TRUE;
        }
    }
    return FALSE;
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(s[i]) && !strchr("._-", s[i]))
            return false;
    return true;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static char *resolve_path(const char *spec_path, const char *value)
{
    if (g_path_is_absolute(value))
        return g_canonicalize_filename(value, NULL);
    /* The spec's own path may be relative (to the current folder). */
    g_autofree char *dir = g_path_get_dirname(spec_path);
    g_autofree char *abs_dir = g_canonicalize_filename(dir, NULL);
    return g_canonicalize_filename(value, abs_dir);
}

static GBytes *decode_hex(const char *text, size_t bytes)
{
    if (strlen(text) != 2 * bytes)
        return NULL;
    g_autofree uint8_t *out = g_malloc(bytes);
    for (size_t i = 0; i < bytes; i++) {
        int hi = g_ascii_xdigit_value(text[2 * i]), lo = g_ascii_xdigit_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return NULL;
        out[i] = (uint8_t) (hi << 4 | lo);
    }
    return g_bytes_new_take(g_steal_pointer(&out), bytes);
}

static GBytes *decode_base64(const char *text, size_t bytes)
{
    size_t n = strlen(text);

    /* g_base64_decode() skips junk; insist on the alphabet and whole quanta. */
    if (n == 0 || n % 4 != 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(text[i]) && text[i] != '+' && text[i] != '/' &&
            !(text[i] == '=' && i >= n - 2))
            return NULL;
    gsize len = 0;
    guchar *out = g_base64_decode(text, &len);
    if (len != bytes) {
        g_free(out);
        return NULL;
    }
    return g_bytes_new_take(out, len);
}

/* An error about a value; @where is "FILE:LINE: [Section] Key=" or the like. */
static void value_error(GError **error, const char *where, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
static void value_error(GError **error, const char *where, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_KEY, "%s: %s", where, message);
}

static gboolean parse_value(const char *where, const char *v, const KeySpec *k,
                            CcmGuestSpec *spec, GError **error)
{
    void *field = (char *) spec + k->offset;
    uint64_t u;

    if (v[0] == '\0' && k->kind != VALUE_STRING) {
        value_error(error, where, "empty value; remove the line to use the default");
        return FALSE;
    }

    switch (k->kind) {
    case VALUE_NAME:
        if (!valid_name(v)) {
            value_error(error, where,
                                  "'%s' is not a guest name: 1 to 64 letters, digits, '.', '_' "
                                  "or '-', not starting with '.' or '-'",
                                  v);
            return FALSE;
        }
        *(char **) field = g_strdup(v);
        return TRUE;
    case VALUE_STRING:
        if (has_control(v)) {
            value_error(error, where, "control characters are not allowed");
            return FALSE;
        }
        *(char **) field = g_strdup(v);
        return TRUE;
    case VALUE_PATH:
        if (has_control(v)) {
            value_error(error, where, "control characters are not allowed in a path");
            return FALSE;
        }
        *(char **) field = resolve_path(spec->path, v);
        return TRUE;
    case VALUE_PLATFORM:
        for (int i = 0; i < _CCM_GUEST_PLATFORM_MAX; i++)
            if (strcmp(v, platform_names[i]) == 0) {
                *(CcmGuestPlatform *) field = (CcmGuestPlatform) i;
                return TRUE;
            }
        value_error(error, where,
                              "unknown platform '%s'; expected sev, sev-es, sev-snp, tdx, cca or "
                              "none",
                              v);
        return FALSE;
    case VALUE_ON_DRIFT:
        for (int i = 0; i < _CCM_ON_DRIFT_MAX; i++)
            if (strcmp(v, on_drift_names[i]) == 0) {
                *(CcmOnDrift *) field = (CcmOnDrift) i;
                return TRUE;
            }
        value_error(error, where, "unknown policy '%s'; expected register-both, alert or refuse",
                    v);
        return FALSE;
    case VALUE_ACCEL:
        if (strcmp(v, "kvm") != 0 && strcmp(v, "tcg") != 0) {
            value_error(error, where, "'%s' is not an accelerator; expected kvm or tcg",
                                  v);
            return FALSE;
        }
        *(char **) field = g_strdup(v);
        return TRUE;
    case VALUE_BOOL:
        if (!parse_bool(v, (bool *) field)) {
            value_error(error, where, "'%s' is not a boolean; expected yes or no", v);
            return FALSE;
        }
        return TRUE;
    case VALUE_ON_OFF_AUTO:
        if (strcmp(v, "auto") == 0) {
            *(CcmOnOffAuto *) field = CCM_AUTO;
        } else {
            bool b;
            if (!parse_bool(v, &b)) {
                value_error(error, where, "'%s' is not on, off or auto", v);
                return FALSE;
            }
            *(CcmOnOffAuto *) field = b ? CCM_ON : CCM_OFF;
        }
        return TRUE;
    case VALUE_U32:
    case VALUE_CPU_SIG:
        if (!parse_u64(v, &u) || u < k->min || u > k->max) {
            value_error(error, where,
                                  "'%s' is not a number from %" G_GUINT64_FORMAT
                                  " to %" G_GUINT64_FORMAT " (decimal, or hex with 0x)",
                                  v, k->min, k->max);
            return FALSE;
        }
        *(uint32_t *) field = (uint32_t) u;
        return TRUE;
    case VALUE_U64:
        if (!parse_u64(v, &u)) {
            value_error(error, where,
                                  "'%s' is not a 64-bit number (decimal, or hex with 0x)", v);
            return FALSE;
        }
        *(uint64_t *) field = u;
        return TRUE;
    case VALUE_SIZE:
        if (!parse_size(v, &u) || u < k->min || u > k->max) {
            value_error(error, where,
                                  "'%s' is not a size from 16M to 16T with a unit, such as 4G "
                                  "or 512M",
                                  v);
            return FALSE;
        }
        *(uint64_t *) field = u;
        return TRUE;
    case VALUE_BASE64:
        if (!(*(GBytes **) field = decode_base64(v, k->bytes))) {
            value_error(error, where, "expected base64 of exactly %zu bytes", k->bytes);
            return FALSE;
        }
        return TRUE;
    case VALUE_HEX:
        if (!(*(GBytes **) field = decode_hex(v, k->bytes))) {
            value_error(error, where, "expected exactly %zu hex digits", 2 * k->bytes);
            return FALSE;
        }
        return TRUE;
    case VALUE_DIGEST_ALG:
        if (strcmp(v, "sha256") != 0 && strcmp(v, "sha512") != 0 && strcmp(v, "sha384") != 0) {
            value_error(error, where, "'%s' is not sha256, sha512 or sha384", v);
            return FALSE;
        }
        *(char **) field = g_strdup(v);
        return TRUE;
    case VALUE_QGS: {
        unsigned cid, port;
        char tail;
        if (g_str_has_prefix(v, "vsock:")) {
            if (sscanf(v, "vsock:%u:%u%c", &cid, &port, &tail) != 2) {
                value_error(error, where, "'%s' is not vsock:CID:PORT", v);
                return FALSE;
            }
            *(char **) field = g_strdup(v);
        } else if (v[0] == '/') {
            *(char **) field = g_strdup(v);
        } else {
            value_error(error, where,
                                  "'%s' is neither an absolute unix socket path nor "
                                  "vsock:CID:PORT",
                                  v);
            return FALSE;
        }
        return TRUE;
    }
    }
    g_assert_not_reached();
}

static gboolean parse_disks(CcmKeyfile *kf, CcmGuestSpec *spec, GError **error)
{
    g_autoptr(GPtrArray) all = ccm_keyfile_get_all(kf, "Guest", "Disk");

    for (guint i = 0; i < all->len; i++) {
        const CcmKeyfileEntry *e = all->pdata[i];
        g_auto(GStrv) parts = g_strsplit(e->value, ",", -1);
        CcmGuestDisk *d = g_new0(CcmGuestDisk, 1);

        g_ptr_array_add(spec->disks, d);
        if (!parts[0] || parts[0][0] == '\0' || has_control(parts[0])) {
            ccm_keyfile_set_error(error, kf, e,
                                  "expected PATH[,format=raw|qcow2][,readonly=yes|no]");
            return FALSE;
        }
        d->path = resolve_path(spec->path, g_strstrip(parts[0]));
        for (size_t p = 1; parts[p]; p++) {
            char *opt = g_strstrip(parts[p]);
            if (g_str_has_prefix(opt, "format=")) {
                const char *f = opt + strlen("format=");
                if (strcmp(f, "raw") != 0 && strcmp(f, "qcow2") != 0) {
                    ccm_keyfile_set_error(error, kf, e, "disk format '%s' is not raw or qcow2",
                                          f);
                    return FALSE;
                }
                g_free(d->format);
                d->format = g_strdup(f);
            } else if (g_str_has_prefix(opt, "readonly=")) {
                if (!parse_bool(opt + strlen("readonly="), &d->readonly)) {
                    ccm_keyfile_set_error(error, kf, e, "'%s' is not readonly=yes or no", opt);
                    return FALSE;
                }
            } else {
                ccm_keyfile_set_error(error, kf, e,
                                      "unknown disk option '%s'; expected format= or readonly=",
                                      opt);
                return FALSE;
            }
        }
        if (!d->format)
            d->format = g_strdup(g_str_has_suffix(d->path, ".qcow2") ? "qcow2" : "raw");
    }
    return TRUE;
}

/* A KBS path segment: [A-Za-z0-9_-][A-Za-z0-9_.-]* (trustee's resource plugin rule). */
static bool valid_segment(const char *s)
{
    if (!*s || !(g_ascii_isalnum(s[0]) || s[0] == '_' || s[0] == '-'))
        return false;
    for (const char *p = s; *p; p++)
        if (!(g_ascii_isalnum(*p) || *p == '_' || *p == '-' || *p == '.'))
            return false;
    return true;
}

static gboolean parse_resources(CcmKeyfile *kf, CcmGuestSpec *spec, GError **error)
{
    g_autoptr(GPtrArray) all = ccm_keyfile_get_all(kf, "Broker", "Resource");

    for (guint i = 0; i < all->len; i++) {
        const CcmKeyfileEntry *e = all->pdata[i];
        g_auto(GStrv) parts = g_strsplit(e->value, "/", -1);
        if (g_strv_length(parts) != 2 || !valid_segment(parts[0]) || !valid_segment(parts[1])) {
            ccm_keyfile_set_error(error, kf, e,
                                  "expected TYPE/TAG, each of letters, digits, '_', '-' and "
                                  "'.' (the guest's repository is added by ccm)");
            return FALSE;
        }
        for (guint j = 0; j < spec->resources->len; j++)
            if (strcmp(spec->resources->pdata[j], e->value) == 0) {
                ccm_keyfile_set_error(error, kf, e, "'%s' is listed twice", e->value);
                return FALSE;
            }
        g_ptr_array_add(spec->resources, g_strdup(e->value));
    }
    return TRUE;
}

static gboolean parse_network(CcmKeyfile *kf, CcmGuestSpec *spec, GError **error)
{
    CcmKeyfileEntry *e;

    if (!ccm_keyfile_get(kf, "Guest", "Network", &e, error))
        return FALSE;
    if (!e)
        return TRUE;
    g_hash_table_insert(spec->given, g_strdup("Guest/Network"), GUINT_TO_POINTER(e->line));
    if (strcmp(e->value, "none") == 0) {
        spec->network = CCM_NETWORK_NONE;
    } else if (strcmp(e->value, "user") == 0) {
        spec->network = CCM_NETWORK_USER;
    } else if (g_str_has_prefix(e->value, "tap:") && valid_name(e->value + 4) &&
               strlen(e->value + 4) < 16) {
        spec->network = CCM_NETWORK_TAP;
        spec->network_ifname = g_strdup(e->value + 4);
    } else {
        ccm_keyfile_set_error(error, kf, e,
                              "'%s' is not a network; expected none, user or tap:IFNAME",
                              e->value);
        return FALSE;
    }
    return TRUE;
}

static void spec_defaults(CcmGuestSpec *spec)
{
    spec->platform = CCM_GUEST_PLATFORM_NONE;
    spec->vcpus = 1;
    spec->memory = UINT64_C(1) << 30;
    spec->network = CCM_NETWORK_NONE;
    spec->sev.legacy_vm_type = CCM_AUTO;
    spec->snp.policy = CCM_SNP_POLICY_DEFAULT;
    spec->snp.guest_features = 0x1;
    spec->snp.vcek = true;
    spec->tdx.attributes = 0x10000000;
    spec->tdx.sept_ve_disable = true;
}

/* The section that holds @platform's parameters, or NULL. */
static const char *platform_section(CcmGuestPlatform platform)
{
    switch (platform) {
    case CCM_GUEST_PLATFORM_SEV:
    case CCM_GUEST_PLATFORM_SEV_ES:
        return "SEV";
    case CCM_GUEST_PLATFORM_SEV_SNP:
        return "SEV-SNP";
    case CCM_GUEST_PLATFORM_TDX:
        return "TDX";
    case CCM_GUEST_PLATFORM_CCA:
        return "CCA";
    default:
        return NULL;
    }
}

static const CcmKeyfileEntry *first_in_section(const CcmKeyfile *kf, const char *section)
{
    for (guint i = 0; i < kf->entries->len; i++) {
        const CcmKeyfileEntry *e = kf->entries->pdata[i];
        if (strcmp(e->section, section) == 0)
            return e;
    }
    return NULL;
}

char *ccm_guest_spec_key_location(const CcmGuestSpec *spec, const char *section,
                                  const char *key)
{
    unsigned line = 0;
    g_autofree char *id = g_strconcat(section, "/", key, NULL);
    const char *label = spec->labels ? g_hash_table_lookup(spec->labels, id) : NULL;

    if (ccm_guest_spec_given(spec, section, key, &line) && label)
        return g_strdup_printf("%s:%u: %s", spec->path, line, label);
    if (line)
        return g_strdup_printf("%s:%u: [%s] %s=", spec->path, line, section, key);
    return g_strdup_printf("%s: [%s] %s=", spec->path, section, key);
}

static gboolean entry_error(GError **error, const CcmGuestSpec *spec, const char *section,
                            const char *key, const char *message)
{
    g_autofree char *where = ccm_guest_spec_key_location(spec, section, key);
    g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_KEY, "%s: %s", where, message);
    return FALSE;
}

CcmGuestPlatform ccm_guest_spec_measured_platform(const CcmGuestSpec *spec)
{
    return spec->platform == CCM_GUEST_PLATFORM_NONE ? spec->rehearses : spec->platform;
}

/* Sections for another platform than Platform= (or the rehearsed one) are mistakes,
 * found before any value of theirs is read. */
static gboolean check_sections(const CcmKeyfile *kf, const CcmGuestSpec *spec, GError **error)
{
    CcmGuestPlatform measured = ccm_guest_spec_measured_platform(spec);
    const char *own = platform_section(measured);
    const char *platform = platform_names[measured];

    for (int s = 1; sections[s]; s++) {
        if (!is_platform_section(sections[s]) || (own && strcmp(sections[s], own) == 0))
            continue;
        const CcmKeyfileEntry *e = first_in_section(kf, sections[s]);
        if (e) {
            g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_KEY,
                        "%s:%u: section [%s] does not apply to Platform=%s%s%s%s", kf->path,
                        e->line, sections[s], platform, own ? " (its section is [" : "",
                        own ? own : "", own ? "])" : "");
            return FALSE;
        }
    }

    return TRUE;
}

/* What only the whole spec can tell. The platform's own checks and defaults follow the
 * measured platform, so a rehearsal is checked as the guest it rehearses. */
gboolean ccm_guest_spec_check(CcmGuestSpec *spec, GError **error)
{
    if ((spec->initrd || ccm_guest_spec_given(spec, "Guest", "Cmdline", NULL)) && !spec->kernel)
        return entry_error(error, spec, "Guest", spec->initrd ? "Initrd" : "Cmdline",
                           "needs Kernel= (direct kernel boot)");
    if (ccm_guest_spec_given(spec, "Guest", "Rehearses", NULL)) {
        if (spec->platform != CCM_GUEST_PLATFORM_NONE)
            return entry_error(error, spec, "Guest", "Rehearses",
                               "is for Platform=none guests, which run without a confidential "
                               "object and are measured as the rehearsed platform");
        if (spec->rehearses == CCM_GUEST_PLATFORM_NONE ||
            spec->rehearses == CCM_GUEST_PLATFORM_CCA)
            return entry_error(error, spec, "Guest", "Rehearses",
                               "expected sev, sev-es, sev-snp or tdx (a realm needs an Arm "
                               "machine: rehearsing one is not supported)");
    }
    CcmGuestPlatform measured = ccm_guest_spec_measured_platform(spec);

    if (measured == CCM_GUEST_PLATFORM_SEV || measured == CCM_GUEST_PLATFORM_SEV_ES) {
        /* QEMU picks SEV-ES by policy bit 2; the default policy follows the platform. */
        if (!ccm_guest_spec_given(spec, "SEV", "Policy", NULL))
            spec->sev.policy = measured == CCM_GUEST_PLATFORM_SEV_ES ? 0x5 : 0x1;
        bool es_bit = spec->sev.policy & 0x4;
        if (es_bit != (measured == CCM_GUEST_PLATFORM_SEV_ES))
            return entry_error(error, spec, "SEV", "Policy",
                               es_bit ? "policy bit 2 (ES) is set, which makes an SEV-ES guest: "
                                        "use Platform=sev-es"
                                      : "Platform=sev-es needs policy bit 2 (ES) set, e.g. 0x5");
        if (!ccm_guest_spec_given(spec, "SEV", "KernelHashes", NULL))
            spec->sev.kernel_hashes = spec->kernel != NULL;
        if (spec->sev.kernel_hashes && !spec->kernel)
            return entry_error(error, spec, "SEV", "KernelHashes",
                               "measures the kernel, initrd and command line: give Kernel= too");
    }

    if (measured == CCM_GUEST_PLATFORM_SEV_SNP) {
        g_auto(GStrv) problems = NULL;
        if (!ccm_snp_policy_check(spec->snp.policy, &problems, NULL))
            return entry_error(error, spec, "SEV-SNP", "Policy", problems[0]);
        if (!(spec->snp.guest_features & 0x1))
            return entry_error(error, spec, "SEV-SNP", "GuestFeatures",
                               "bit 0 (SNPActive) must be set: KVM sets it for every SNP guest");
        if (!ccm_guest_spec_given(spec, "SEV-SNP", "KernelHashes", NULL))
            spec->snp.kernel_hashes = spec->kernel != NULL;
        if (spec->snp.kernel_hashes && !spec->kernel)
            return entry_error(error, spec, "SEV-SNP", "KernelHashes",
                               "measures the kernel, initrd and command line: give Kernel= too");
        bool ready = spec->snp.id_block || spec->snp.id_auth;
        if (ready && !(spec->snp.id_block && spec->snp.id_auth))
            return entry_error(error, spec, "SEV-SNP", spec->snp.id_block ? "IdBlock" : "IdAuth",
                               "IdBlock= and IdAuth= go together");
        if (ready && (spec->snp.id_key || spec->snp.author_key))
            return entry_error(error, spec, "SEV-SNP", spec->snp.id_key ? "IdKey" : "AuthorKey",
                               "give either IdKey= (ccm signs the ID block) or a ready-made "
                               "IdBlock=/IdAuth=, not both");
        if (spec->snp.author_key && !spec->snp.id_key)
            return entry_error(error, spec, "SEV-SNP", "AuthorKey",
                               "signs the ID key: give IdKey= too");
        const char *id_only[] = { "FamilyId", "ImageId", "GuestSVN" };
        for (size_t i = 0; i < G_N_ELEMENTS(id_only); i++)
            if (ccm_guest_spec_given(spec, "SEV-SNP", id_only[i], NULL) && !spec->snp.id_key)
                return entry_error(error, spec, "SEV-SNP", id_only[i],
                                   "goes into the ID block ccm signs: give IdKey= too");
    }

    if (measured == CCM_GUEST_PLATFORM_TDX) {
        bool bit28 = spec->tdx.attributes & 0x10000000;
        if (ccm_guest_spec_given(spec, "TDX", "SeptVeDisable", NULL) &&
            ccm_guest_spec_given(spec, "TDX", "Attributes", NULL) &&
            bit28 != spec->tdx.sept_ve_disable)
            return entry_error(error, spec, "TDX", "SeptVeDisable",
                               "contradicts bit 28 of Attributes=; give only one of them");
        if (ccm_guest_spec_given(spec, "TDX", "SeptVeDisable", NULL))
            spec->tdx.attributes = spec->tdx.sept_ve_disable ? spec->tdx.attributes | 0x10000000
                                                             : spec->tdx.attributes & ~UINT64_C(0x10000000);
        spec->tdx.sept_ve_disable = spec->tdx.attributes & 0x10000000;
    }

    if (measured == CCM_GUEST_PLATFORM_CCA) {
        if (spec->cca.rmm && strcmp(spec->cca.rmm, "1.0") != 0 && strcmp(spec->cca.rmm, "2.0") != 0)
            return entry_error(error, spec, "CCA", "RMM",
                               "expected 1.0 (RTT_INIT_RIPAS is measured) or 2.0");
        if (spec->cca.measurement_algorithm &&
            strcmp(spec->cca.measurement_algorithm, "sha384") == 0 &&
            (!spec->cca.rmm || strcmp(spec->cca.rmm, "2.0") != 0))
            return entry_error(error, spec, "CCA", "MeasurementAlgorithm",
                               "sha384 exists from RMM 2.0 on: give RMM=2.0");
        if (spec->cca.sve_vector_length % 128)
            return entry_error(error, spec, "CCA", "SVEVectorLength",
                               "expected a multiple of 128 bits, e.g. 256");
        if (spec->cca.host_page_size && spec->cca.host_page_size != 4096 &&
            spec->cca.host_page_size != 65536)
            return entry_error(error, spec, "CCA", "HostPageSize", "expected 4K or 64K");
    }

    if (spec->platform != CCM_GUEST_PLATFORM_NONE && spec->accelerator &&
        strcmp(spec->accelerator, "tcg") == 0)
        return entry_error(error, spec, "Guest", "Accelerator",
                           "confidential guests need KVM (QEMU refuses them under TCG); "
                           "Accelerator=tcg is for Platform=none only");

    /* The CPU: known models give the VMSA signature; others need CPUSignature=. */
    bool sev_family = measured == CCM_GUEST_PLATFORM_SEV_ES ||
                      measured == CCM_GUEST_PLATFORM_SEV_SNP || measured == CCM_GUEST_PLATFORM_SEV;
    if (sev_family) {
        if (!spec->cpu_model)
            return entry_error(error, spec, "Guest", "CPUModel",
                               "required for SEV guests, e.g. EPYC-Milan: the model's CPUID "
                               "signature is part of the measurement");
        uint32_t sig;
        bool known = ccm_vcpu_signature_from_model(spec->cpu_model, &sig) == 0;
        bool given_sig = ccm_guest_spec_given(spec, "Guest", "CPUSignature", NULL);
        if (!known && !given_sig) {
            g_autofree char *msg = g_strdup_printf(
                "ccm does not know the CPUID signature of '%s'; give CPUSignature= (CPUID "
                "leaf 1 EAX of that model) or use an EPYC model",
                spec->cpu_model);
            return entry_error(error, spec, "Guest", "CPUModel", msg);
        }
        if (known && given_sig && sig != spec->cpu_signature) {
            g_autofree char *msg = g_strdup_printf(
                "0x%x contradicts CPUModel=%s (0x%x); remove CPUSignature=",
                spec->cpu_signature, spec->cpu_model, sig);
            return entry_error(error, spec, "Guest", "CPUSignature", msg);
        }
        if (known)
            spec->cpu_signature = sig;
    } else if (ccm_guest_spec_given(spec, "Guest", "CPUSignature", NULL)) {
        return entry_error(error, spec, "Guest", "CPUSignature",
                           "only SEV guests measure a CPU signature");
    }
    if (spec->platform == CCM_GUEST_PLATFORM_TDX && spec->cpu_model &&
        strcmp(spec->cpu_model, "host") != 0)
        return entry_error(error, spec, "Guest", "CPUModel",
                           "TDX guests run with -cpu host only (QEMU refuses named models)");
    return TRUE;
}

/* Reads @k from the file, if given, and records its line. */
static gboolean parse_key(CcmKeyfile *kf, const KeySpec *k, CcmGuestSpec *spec, GError **error)
{
    CcmKeyfileEntry *e;

    if (!ccm_keyfile_get(kf, k->section, k->key, &e, error))
        return FALSE;
    if (!e)
        return TRUE;
    g_hash_table_insert(spec->given, g_strconcat(k->section, "/", k->key, NULL),
                        GUINT_TO_POINTER(e->line));
    g_autofree char *where = g_strdup_printf("%s:%u: [%s] %s=", kf->path, e->line, e->section,
                                             e->key);
    return parse_value(where, e->value, k, spec, error);
}

gboolean ccm_guest_spec_set_value(CcmGuestSpec *spec, const char *section, const char *key,
                                  const char *value, unsigned line, const char *label,
                                  GError **error)
{
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].key, key) != 0)
            continue;
        g_autofree char *where = g_strdup_printf("%s:%u: %s", spec->path, line, label);
        ccm_guest_spec_set_given(spec, section, key, line);
        if (!spec->labels)
            spec->labels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_hash_table_insert(spec->labels, g_strconcat(section, "/", key, NULL), g_strdup(label));
        return parse_value(where, value, &keys[i], spec, error);
    }
    g_assert_not_reached();
}

/* Unknown keys, listing what each section knows. */
static gboolean check_unknown_keys(const CcmKeyfile *kf, GError **error)
{
    GPtrArray *known[G_N_ELEMENTS(sections)] = { NULL };
    const char *const *known_lists[G_N_ELEMENTS(sections)] = { NULL };

    for (size_t s = 0; sections[s]; s++) {
        known[s] = g_ptr_array_new();
        for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
            if (strcmp(keys[i].section, sections[s]) == 0)
                g_ptr_array_add(known[s], (gpointer) keys[i].key);
        if (s == 0) {
            g_ptr_array_add(known[s], (gpointer) "Disk");
            g_ptr_array_add(known[s], (gpointer) "Network");
        }
        if (strcmp(sections[s], "Broker") == 0)
            g_ptr_array_add(known[s], (gpointer) "Resource");
        g_ptr_array_add(known[s], NULL);
        known_lists[s] = (const char *const *) known[s]->pdata;
    }
    gboolean ok = ccm_keyfile_check_unused(kf, sections, known_lists, error);
    for (size_t s = 0; sections[s]; s++)
        g_ptr_array_unref(known[s]);
    return ok;
}

CcmGuestSpec *ccm_guest_spec_new(const char *source)
{
    CcmGuestSpec *spec = g_new0(CcmGuestSpec, 1);
    spec->path = g_strdup(source);
    spec->given = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    spec->disks = g_ptr_array_new_with_free_func(ccm_guest_disk_free);
    spec->resources = g_ptr_array_new_with_free_func(g_free);
    spec_defaults(spec);
    return spec;
}

void ccm_guest_spec_set_given(CcmGuestSpec *spec, const char *section, const char *key,
                              unsigned line)
{
    g_hash_table_insert(spec->given, g_strconcat(section, "/", key, NULL),
                        GUINT_TO_POINTER(line));
}

bool ccm_guest_name_is_valid(const char *name)
{
    return valid_name(name);
}

static CcmGuestSpec *spec_from_keyfile(CcmKeyfile *kf, GError **error)
{
    const char *path = kf->path;
    g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_new(path);

    /* Platform= and Rehearses= first: they decide which sections may appear. */
    const KeySpec *platform_key = &keys[1], *rehearses_key = &keys[2];
    g_assert(platform_key->kind == VALUE_PLATFORM && rehearses_key->kind == VALUE_PLATFORM);
    if (!parse_key(kf, platform_key, spec, error) || !parse_key(kf, rehearses_key, spec, error) ||
        !check_sections(kf, spec, error))
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
        if (&keys[i] != platform_key && &keys[i] != rehearses_key &&
            !parse_key(kf, &keys[i], spec, error))
            return NULL;
    if (!parse_disks(kf, spec, error) || !parse_network(kf, spec, error) ||
        !parse_resources(kf, spec, error))
        return NULL;

    if (!check_unknown_keys(kf, error))
        return NULL;

    if (!spec->name) {
        g_autofree char *base = g_path_get_basename(path);
        if (g_str_has_suffix(base, ".guest"))
            base[strlen(base) - strlen(".guest")] = '\0';
        if (!valid_name(base)) {
            g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_KEY,
                        "%s: [Guest] Name=: not given, and the file name '%s' is not a guest "
                        "name; set Name=",
                        path, base);
            return NULL;
        }
        spec->name = g_steal_pointer(&base);
    }
    if (!ccm_guest_spec_check(spec, error))
        return NULL;
    return g_steal_pointer(&spec);
}

CcmGuestSpec *ccm_guest_spec_parse(const char *path, const char *text, gsize size,
                                   GError **error)
{
    g_autoptr(CcmKeyfile) kf = ccm_keyfile_parse(path, text, size, error);
    return kf ? spec_from_keyfile(kf, error) : NULL;
}

CcmGuestSpec *ccm_guest_spec_load(const char *path, GError **error)
{
    g_autoptr(CcmKeyfile) kf = ccm_keyfile_load(path, error);
    return kf ? spec_from_keyfile(kf, error) : NULL;
}
