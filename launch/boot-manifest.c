/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * boot-manifest.c - what a guest consumed at boot, against what its spec says
 *
 * The manifest (written by ccm-qemu-plugin, qemu-plugin/boot-manifest.c there):
 *
 *   { "format": "ccm-boot-manifest", "version": 1, "plugin_api": 7, "vcpus": 2,
 *     "cpuid_signature": "0x00a00f11" | null,
 *     "firmware": { "base": "0xffc00000", "size": 4194304, "sha256": .., "sha384": .. } | null,
 *     "fw_cfg": [ { "key": "0x25", "name": "etc/boot/kernel", "size": N, "read": N,
 *                   "via": "dma", "sha256": .., "sha384": .. }, ... ] }
 *
 * The checks run in the order the boot consumes the inputs, and compare bytes, never
 * names alone: the firmware as mapped with the spec's firmware file, the command line
 * (-append plus its NUL, fw_cfg cmdline_data), the kernel (QEMU serves the file unchanged
 * as etc/boot/kernel), the initrd (initrd_data), QEMU's three ACPI files with ccm's own
 * dump of the same QEMU and VM shape, the vCPU count and the CPU model's signature.
 */
#include <string.h>

#include "ccm/measure.h"
#include "boot-manifest.h"
#include "hex.h"
#include "json-fields.h"

static void item_free(gpointer p)
{
    CcmBootItem *i = p;
    g_free(i->name);
    g_free(i->via);
    g_free(i->sha256);
    g_free(i->sha384);
    g_free(i);
}

void ccm_boot_manifest_free(CcmBootManifest *m)
{
    if (!m)
        return;
    g_free(m->path);
    g_free(m->firmware_sha256);
    g_free(m->firmware_sha384);
    if (m->items)
        g_ptr_array_unref(m->items);
    if (m->platform_setup)
        g_array_unref(m->platform_setup);
    g_free(m);
}

void ccm_boot_check_free(CcmBootCheck *c)
{
    if (!c)
        return;
    g_free(c->input);
    g_free(c->detail);
    g_free(c);
}

/* ---- parsing ------------------------------------------------------------------------ */

static gboolean parse_item(json_object *o, const char *path, guint index, CcmBootItem **ret,
                           GError **error)
{
    g_autofree char *where = g_strdup_printf("%s: fw_cfg[%u]", path, index);
    CcmBootItem *i = g_new0(CcmBootItem, 1);
    guint64 key = 0;
    if (!json_object_is_type(o, json_type_object)) {
        item_free(i);
        return ccm_json_fields_bad(error, where, "fw_cfg", "an object");
    }
    if (!ccm_json_fields_hex(o, "key", where, 0xffff, &key, error) ||
        !ccm_json_fields_string(o, "name", where, &i->name, error) ||
        !ccm_json_fields_uint(o, "size", where, G_MAXUINT32, &i->size, error) ||
        !ccm_json_fields_uint(o, "read", where, G_MAXUINT32, &i->read, error) ||
        !ccm_json_fields_string(o, "via", where, &i->via, error) ||
        !ccm_json_fields_digest(o, "sha256", 32, where, &i->sha256, error) ||
        !ccm_json_fields_digest(o, "sha384", 48, where, &i->sha384, error)) {
        item_free(i);
        return FALSE;
    }
    i->key = (guint16) key;
    *ret = i;
    return TRUE;
}

CcmBootManifest *ccm_boot_manifest_parse(const char *text, gsize size, const char *path,
                                         GError **error)
{
    g_autoptr(CcmBootManifest) m = g_new0(CcmBootManifest, 1);
    m->path = g_strdup(path);
    m->items = g_ptr_array_new_with_free_func(item_free);

    json_object *root = ccm_json_fields_parse(text, size, path, error);
    if (!root)
        return NULL;
    g_autoptr(GError) e = NULL;
    json_object *v;
    guint64 n = 0;
    gboolean ok = TRUE;
    if ((!json_object_object_get_ex(root, "format", &v) ||
               g_strcmp0(json_object_get_string(v), CCM_BOOT_MANIFEST_FORMAT) != 0))
        ok = ccm_json_fields_bad(&e, path, "format", "\"" CCM_BOOT_MANIFEST_FORMAT "\" (ccm-qemu-plugin's "
                                     "manifest=)");
    if (ok && (!ccm_json_fields_uint(root, "version", path, 1000, &n, &e) ||
               n != CCM_BOOT_MANIFEST_VERSION))
        ok = e ? FALSE : ccm_json_fields_bad(&e, path, "version", "1 (this ccmctl reads version 1)");
    if (ok && ccm_json_fields_uint(root, "plugin_api", path, 1000, &n, &e))
        m->plugin_api = (int) n;
    else
        ok = FALSE;
    if (ok && ccm_json_fields_uint(root, "vcpus", path, 4096, &n, &e))
        m->vcpus = (guint) n;
    else
        ok = FALSE;
    if (ok && json_object_object_get_ex(root, "cpuid_signature", &v) && v) {
        ok = ccm_json_fields_hex(root, "cpuid_signature", path, G_MAXUINT32, &n, &e);
        m->has_cpuid_signature = ok;
        m->cpuid_signature = (guint32) n;
    }
    if (ok && json_object_object_get_ex(root, "firmware", &v) && v) {
        g_autofree char *where = g_strdup_printf("%s: firmware", path);
        ok = json_object_is_type(v, json_type_object)
                 ? ccm_json_fields_hex(v, "base", where, G_MAXUINT64, &m->firmware_base, &e) &&
                       ccm_json_fields_uint(v, "size", where, G_MAXUINT32, &m->firmware_size, &e) &&
                       ccm_json_fields_digest(v, "sha256", 32, where, &m->firmware_sha256, &e) &&
                       ccm_json_fields_digest(v, "sha384", 48, where, &m->firmware_sha384, &e)
                 : ccm_json_fields_bad(&e, path, "firmware", "an object or null");
        m->has_firmware = ok;
    }
    json_object *setup;
    if (ok && json_object_object_get_ex(root, "platform_setup", &setup) && setup) {
        if (!json_object_is_type(setup, json_type_array))
            ok = ccm_json_fields_bad(&e, path, "platform_setup", "an array");
        m->platform_setup = g_array_new(FALSE, FALSE, sizeof(CcmAcpiPortWrite));
        for (size_t i = 0; ok && i < json_object_array_length(setup); i++) {
            json_object *w = json_object_array_get_idx(setup, i);
            g_autofree char *where = g_strdup_printf("%s: platform_setup[%zu]", path, i);
            guint64 port = 0, width = 0, value = 0;
            ok = json_object_is_type(w, json_type_object) &&
                 ccm_json_fields_hex(w, "port", where, 0xffff, &port, &e) &&
                 ccm_json_fields_uint(w, "size", where, 4, &width, &e) &&
                 ccm_json_fields_hex(w, "value", where, G_MAXUINT32, &value, &e) &&
                 (width == 1 || width == 2 || width == 4);
            if (!ok && !e)
                ccm_json_fields_bad(&e, where, "size", "1, 2 or 4");
            CcmAcpiPortWrite pw = { (guint16) port, (guint8) width, (guint32) value };
            if (ok)
                g_array_append_val(m->platform_setup, pw);
        }
    }
    if (ok && (!json_object_object_get_ex(root, "fw_cfg", &v) ||
               !json_object_is_type(v, json_type_array)))
        ok = ccm_json_fields_bad(&e, path, "fw_cfg", "an array");
    for (size_t i = 0; ok && i < json_object_array_length(v); i++) {
        CcmBootItem *item = NULL;
        ok = parse_item(json_object_array_get_idx(v, i), path, (guint) i, &item, &e);
        if (ok)
            g_ptr_array_add(m->items, item);
    }
    json_object_put(root);
    if (!ok) {
        g_propagate_error(error, g_steal_pointer(&e));
        return NULL;
    }
    return g_steal_pointer(&m);
}

CcmBootManifest *ccm_boot_manifest_load(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize size = 0;
    g_autoptr(GError) e = NULL;
    if (!g_file_get_contents(path, &text, &size, &e)) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT, "%s", e->message);
        return NULL;
    }
    if (size > 16u << 20) {
        g_set_error(error, CCM_LAUNCH_ERROR, CCM_LAUNCH_ERROR_INPUT,
                    "%s: %" G_GSIZE_FORMAT " bytes, larger than any boot manifest", path, size);
        return NULL;
    }
    return ccm_boot_manifest_parse(text, size, path, error);
}

const CcmBootItem *ccm_boot_manifest_item(const CcmBootManifest *m, const char *name)
{
    for (guint i = 0; i < m->items->len; i++) {
        const CcmBootItem *item = m->items->pdata[i];
        if (strcmp(item->name, name) == 0)
            return item;
    }
    return NULL;
}

/* ---- checks ------------------------------------------------------------------------- */

typedef struct Digests {
    guint64 size;
    char *sha256, *sha384;
} Digests;

static void digests_clear(Digests *d)
{
    g_free(d->sha256);
    g_free(d->sha384);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Digests, digests_clear)

static void digests_of(const void *data, gsize size, Digests *ret)
{
    ret->size = size;
    ret->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, size);
    ret->sha384 = g_compute_checksum_for_data(G_CHECKSUM_SHA384, data, size);
}

static gboolean file_digests(const char *path, Digests *ret, GError **error)
{
    g_autoptr(GMappedFile) f = g_mapped_file_new(path, FALSE, error);
    if (!f)
        return FALSE;
    digests_of(g_mapped_file_get_contents(f), g_mapped_file_get_length(f), ret);
    return TRUE;
}

static char *short_hex(const char *hex)
{
    return g_strndup(hex, 16);
}

static void add(GPtrArray *checks, const char *input, bool ok, const char *format, ...)
    G_GNUC_PRINTF(4, 5);
static void add(GPtrArray *checks, const char *input, bool ok, const char *format, ...)
{
    CcmBootCheck *c = g_new0(CcmBootCheck, 1);
    va_list ap;
    va_start(ap, format);
    c->detail = g_strdup_vprintf(format, ap);
    va_end(ap);
    c->input = g_strdup(input);
    c->ok = ok;
    g_ptr_array_add(checks, c);
}

/* @item (what the guest read) against @want (what the spec gives), as @what names it. */
static void compare_item(GPtrArray *checks, const char *input, const CcmBootItem *item,
                         const char *item_name, const Digests *want, const char *source)
{
    g_autofree char *want_short = short_hex(want->sha384);
    if (!item) {
        add(checks, input, false, "the guest never read fw_cfg %s; %s gives %" G_GUINT64_FORMAT
                                  " bytes, SHA-384 %s…",
            item_name, source, want->size, want_short);
        return;
    }
    g_autofree char *got_short = short_hex(item->sha384);
    bool ok = item->read == want->size && strcmp(item->sha384, want->sha384) == 0;
    if (ok)
        add(checks, input, true, "%s: %" G_GUINT64_FORMAT " bytes, SHA-384 %s…, as %s",
            item->name, item->read, got_short, source);
    else
        add(checks, input, false,
            "%s: %" G_GUINT64_FORMAT " bytes%s, SHA-384 %s…; %s gives %" G_GUINT64_FORMAT
            " bytes, SHA-384 %s…",
            item->name, item->read, item->read < item->size ? " (read in part)" : "",
            got_short, source, want->size, want_short);
}

static void check_firmware(GPtrArray *checks, const CcmBootManifest *m,
                           const CcmLaunchPlan *plan, GError **error, gboolean *failed)
{
    const char *path = plan->firmware ? plan->firmware->path : NULL;
    if (!path)
        return;
    g_auto(Digests) want = { 0 };
    if (!file_digests(path, &want, error)) {
        *failed = TRUE;
        return;
    }
    g_autofree char *want_short = short_hex(want.sha384);
    if (!m->has_firmware) {
        add(checks, "firmware", false, "the manifest holds no firmware image; the spec's is "
                                       "%s, SHA-384 %s…",
            path, want_short);
        return;
    }
    g_autofree char *got_short = short_hex(m->firmware_sha384);
    bool ok = m->firmware_size == want.size && strcmp(m->firmware_sha384, want.sha384) == 0;
    add(checks, "firmware", ok,
        "mapped at 0x%" G_GINT64_MODIFIER "x: %" G_GUINT64_FORMAT " bytes, SHA-384 %s…%s%s "
        "(%" G_GUINT64_FORMAT " bytes, SHA-384 %s…)",
        m->firmware_base, m->firmware_size, got_short, ok ? ", as " : "; the spec's firmware is ",
        path, want.size, want_short);
}

static gboolean check_file(GPtrArray *checks, const CcmBootManifest *m, const char *input,
                           const char *path, const char *const *names, GError **error)
{
    g_auto(Digests) want = { 0 };
    if (!file_digests(path, &want, error))
        return FALSE;
    const CcmBootItem *item = NULL;
    for (size_t i = 0; names[i] && !item; i++)
        item = ccm_boot_manifest_item(m, names[i]);
    g_autofree char *source = g_strdup_printf("the spec's %s %s", input, path);
    compare_item(checks, input, item, names[0], &want, source);
    return TRUE;
}

static void check_acpi(GPtrArray *checks, const CcmBootManifest *m, const CcmLaunchPlan *plan,
                       const CcmAcpiBlobs *acpi)
{
    struct {
        const char *name;
        GBytes *bytes;
    } files[] = {
        /* The tables first: the loader and the RSDP change when the tables move. */
        { "etc/acpi/tables", acpi->tables },
        { "etc/table-loader", acpi->loader },
        { "etc/acpi/rsdp", acpi->rsdp },
    };
    g_autofree char *source = g_strdup_printf("the spec's QEMU (%s) for this VM shape",
                                              plan->qemu_binary);
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        if (!files[i].bytes)
            continue;
        g_auto(Digests) want = { 0 };
        gsize n = 0;
        const void *data = g_bytes_get_data(files[i].bytes, &n);
        digests_of(data, n, &want);
        compare_item(checks, files[i].name, ccm_boot_manifest_item(m, files[i].name),
                     files[i].name, &want, source);
    }
}

GPtrArray *ccm_boot_manifest_check(const CcmBootManifest *m, const CcmLaunchPlan *plan,
                                   const CcmAcpiBlobs *acpi, GError **error)
{
    g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func((GDestroyNotify) ccm_boot_check_free);
    const CcmGuestSpec *spec = plan->spec;
    gboolean failed = FALSE;

    check_firmware(checks, m, plan, error, &failed);
    if (failed)
        return NULL;
    if (spec->kernel && spec->cmdline) {
        /* QEMU hands the command line over with its terminating NUL. */
        g_auto(Digests) want = { 0 };
        digests_of(spec->cmdline, strlen(spec->cmdline) + 1, &want);
        compare_item(checks, "cmdline", ccm_boot_manifest_item(m, "cmdline_data"),
                     "cmdline_data", &want, "the spec's Cmdline= (with its NUL)");
    }
    static const char *const kernel_names[] = { "etc/boot/kernel", NULL };
    static const char *const initrd_names[] = { "initrd_data", "etc/boot/initrd", NULL };
    if (spec->kernel && !check_file(checks, m, "kernel", spec->kernel, kernel_names, error))
        return NULL;
    if (spec->initrd && !check_file(checks, m, "initrd", spec->initrd, initrd_names, error))
        return NULL;
    if (acpi)
        check_acpi(checks, m, plan, acpi);
    add(checks, "vcpus", m->vcpus == spec->vcpus, "%u vCPUs%s%u", m->vcpus,
        m->vcpus == spec->vcpus ? ", as the spec's VCPUs=" : "; the spec's VCPUs= is ",
        spec->vcpus);
    uint32_t signature = 0;
    if (spec->cpu_model && ccm_vcpu_signature_from_model(spec->cpu_model, &signature) == 0) {
        if (!m->has_cpuid_signature)
            add(checks, "cpuid", false, "the guest never read CPUID leaf 1; CPUModel=%s has "
                                        "signature 0x%08x",
                spec->cpu_model, signature);
        else
            add(checks, "cpuid", m->cpuid_signature == signature,
                "CPUID(1).EAX 0x%08x%s%s (0x%08x)", m->cpuid_signature,
                m->cpuid_signature == signature ? ", as CPUModel=" : "; CPUModel=",
                spec->cpu_model, signature);
    }
    return g_steal_pointer(&checks);
}
