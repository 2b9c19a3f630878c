/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-check.c - what this host can run: KVM, SEV/SNP/TDX support, QEMU, firmware
 *
 * Theory of operation: each item reads one fact (a device node, a kvm module
 * parameter, a CPU flag, QEMU's probed capabilities, the firmware descriptors) and
 * says pass or fail with the reason. Each platform then needs a fixed list of items;
 * the first one that failed is why the platform cannot run here. Everything is read
 * below an optional root, so tests can build a fake /dev, /sys and /proc.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "firmware-descriptor.h"
#include "host-check.h"
#include "launch-plan.h"

static const char *const status_names[] = {
    [CCM_CHECK_PASS] = "pass",
    [CCM_CHECK_FAIL] = "fail",
    [CCM_CHECK_INFO] = "info",
};

const char *ccm_check_status_to_string(CcmCheckStatus status)
{
    return status_names[status];
}

static void item_free(gpointer p)
{
    CcmCheckItem *i = p;
    g_free(i->id);
    g_free(i->title);
    g_free(i->reason);
    g_free(i);
}

void ccm_host_check_free(CcmHostCheck *check)
{
    if (!check)
        return;
    g_ptr_array_unref(check->items);
    for (int i = 0; i < _CCM_GUEST_PLATFORM_MAX; i++)
        g_free(check->why_not[i]);
    g_free(check);
}

static const CcmCheckItem *add(CcmHostCheck *check, const char *id, const char *title,
                               CcmCheckStatus status, const char *format, ...)
    G_GNUC_PRINTF(5, 6);
static const CcmCheckItem *add(CcmHostCheck *check, const char *id, const char *title,
                               CcmCheckStatus status, const char *format, ...)
{
    CcmCheckItem *i = g_new0(CcmCheckItem, 1);
    va_list ap;

    va_start(ap, format);
    i->reason = g_strdup_vprintf(format, ap);
    va_end(ap);
    i->id = g_strdup(id);
    i->title = g_strdup(title);
    i->status = status;
    g_ptr_array_add(check->items, i);
    return i;
}

static const CcmCheckItem *find(const CcmHostCheck *check, const char *id)
{
    for (guint i = 0; i < check->items->len; i++) {
        const CcmCheckItem *item = check->items->pdata[i];
        if (strcmp(item->id, id) == 0)
            return item;
    }
    return NULL;
}

static char *path_in(const char *root, const char *path)
{
    return g_build_filename(root ? root : "/", path, NULL);
}

/* A kvm module parameter: "Y"/"1" true, "N"/"0" false; NULL when absent. */
static char *read_param(const char *root, const char *module, const char *name)
{
    g_autofree char *rel = g_strdup_printf("sys/module/%s/parameters/%s", module, name);
    g_autofree char *path = path_in(root, rel);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strdup(g_strstrip(text));
}

static bool param_on(const char *value)
{
    return value && (strcmp(value, "Y") == 0 || strcmp(value, "1") == 0 ||
                     strcmp(value, "y") == 0);
}

static void check_kvm(CcmHostCheck *check, const char *root)
{
    g_autofree char *dev = path_in(root, "dev/kvm");
    int fd = open(dev, O_RDWR | O_CLOEXEC);

    g_autofree char *pvm = path_in(root, "sys/module/kvm_pvm");
    if (fd >= 0 && g_file_test(pvm, G_FILE_TEST_IS_DIR)) {
        close(fd);
        add(check, "kvm", "KVM", CCM_CHECK_FAIL,
            "%s is PVM KVM (kvm_pvm), which cannot run firmware; Platform=none guests still "
            "run with Accelerator=tcg",
            dev);
    } else if (fd >= 0) {
        close(fd);
        add(check, "kvm", "KVM", CCM_CHECK_PASS, "%s can be opened read-write", dev);
    } else if (g_file_test(dev, G_FILE_TEST_EXISTS)) {
        add(check, "kvm", "KVM", CCM_CHECK_FAIL, "%s exists but cannot be opened: %s", dev,
            g_strerror(errno));
    } else {
        add(check, "kvm", "KVM", CCM_CHECK_FAIL, "%s does not exist (no KVM module loaded)", dev);
    }
}

/* The CPU vendor and its confidential-computing flags, from /proc/cpuinfo. */
static void check_cpu(CcmHostCheck *check, const char *root, bool *ret_amd, bool *ret_intel,
                      GHashTable *flags)
{
    g_autofree char *path = path_in(root, "proc/cpuinfo");
    g_autofree char *text = NULL;
    const char *vendor = NULL;

    *ret_amd = *ret_intel = false;
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        add(check, "cpu", "CPU", CCM_CHECK_INFO, "%s cannot be read", path);
        return;
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        if (!colon)
            continue;
        if (!vendor && g_str_has_prefix(lines[i], "vendor_id"))
            vendor = g_strstrip(colon + 1);
        if (g_str_has_prefix(lines[i], "flags") && g_hash_table_size(flags) == 0) {
            g_auto(GStrv) f = g_strsplit(g_strstrip(colon + 1), " ", -1);
            for (size_t k = 0; f[k]; k++)
                if (f[k][0])
                    g_hash_table_add(flags, g_strdup(f[k]));
        }
    }
    *ret_amd = g_strcmp0(vendor, "AuthenticAMD") == 0;
    *ret_intel = g_strcmp0(vendor, "GenuineIntel") == 0;
    g_autoptr(GString) cc = g_string_new(NULL);
    const char *interesting[] = { "sev", "sev_es", "sev_snp", "tdx_host_platform", "svm", "vmx" };
    for (size_t i = 0; i < G_N_ELEMENTS(interesting); i++)
        if (g_hash_table_contains(flags, interesting[i]))
            g_string_append_printf(cc, "%s%s", cc->len ? " " : "", interesting[i]);
    add(check, "cpu", "CPU", CCM_CHECK_INFO, "%s; confidential-computing flags: %s",
        vendor ? vendor : "unknown vendor", cc->len ? cc->str : "none");
}

static void check_amd(CcmHostCheck *check, const char *root, bool amd, GHashTable *flags)
{
    static const struct {
        const char *id, *title, *param, *flag;
    } levels[] = {
        { "amd-sev", "AMD SEV", "sev", "sev" },
        { "amd-sev-es", "AMD SEV-ES", "sev_es", "sev_es" },
        { "amd-sev-snp", "AMD SEV-SNP", "sev_snp", "sev_snp" },
    };
    g_autofree char *sev_dev = path_in(root, "dev/sev");

    for (size_t i = 0; i < G_N_ELEMENTS(levels); i++) {
        g_autofree char *value = read_param(root, "kvm_amd", levels[i].param);
        if (!amd)
            add(check, levels[i].id, levels[i].title, CCM_CHECK_FAIL, "not an AMD CPU");
        else if (!value)
            add(check, levels[i].id, levels[i].title, CCM_CHECK_FAIL,
                "kvm_amd is not loaded or has no '%s' parameter%s", levels[i].param,
                g_hash_table_contains(flags, levels[i].flag) ? "" : "; the CPU does not report it");
        else if (!param_on(value))
            add(check, levels[i].id, levels[i].title, CCM_CHECK_FAIL,
                "kvm_amd.%s=%s: disabled (firmware/BIOS support, or the module parameter)",
                levels[i].param, value);
        else if (!g_file_test(sev_dev, G_FILE_TEST_EXISTS))
            add(check, levels[i].id, levels[i].title, CCM_CHECK_FAIL,
                "kvm_amd.%s=%s, but %s is missing (ccp driver not loaded?)", levels[i].param,
                value, sev_dev);
        else
            add(check, levels[i].id, levels[i].title, CCM_CHECK_PASS, "kvm_amd.%s=%s and %s",
                levels[i].param, value, sev_dev);
    }
}

static void check_intel(CcmHostCheck *check, const char *root, bool intel)
{
    g_autofree char *value = read_param(root, "kvm_intel", "tdx");

    if (!intel)
        add(check, "intel-tdx", "Intel TDX", CCM_CHECK_FAIL, "not an Intel CPU");
    else if (!value)
        add(check, "intel-tdx", "Intel TDX", CCM_CHECK_FAIL,
            "kvm_intel is not loaded or has no 'tdx' parameter (host kernel without TDX)");
    else if (!param_on(value))
        add(check, "intel-tdx", "Intel TDX", CCM_CHECK_FAIL,
            "kvm_intel.tdx=%s: disabled (TDX module not initialised, or kvm_intel.tdx=0)", value);
    else
        add(check, "intel-tdx", "Intel TDX", CCM_CHECK_PASS, "kvm_intel.tdx=%s", value);
    add(check, "arm-cca", "Arm CCA", CCM_CHECK_FAIL,
        "this is not an Arm host with the Realm Management Extension");
}

static const struct {
    const char *id, *title, *type, *needs;
} qemu_objects[] = {
    { "qemu-sev", "QEMU SEV/SEV-ES", "sev-guest", "QEMU 2.12 or later" },
    { "qemu-sev-snp", "QEMU SEV-SNP", "sev-snp-guest", "QEMU 9.1 or later" },
    { "qemu-tdx", "QEMU TDX", "tdx-guest", "QEMU 10.1 or later" },
    { "qemu-cca", "QEMU Arm CCA", "rme-guest",
      "a QEMU build with the Realm series, not in upstream QEMU" },
};

static void check_qemu(CcmHostCheck *check, const CcmHostCheckOptions *o)
{
    const CcmQemuCaps *caps = o->caps;
    const char *qemu = o->qemu ? o->qemu : "qemu-system-x86_64";

    if (!caps) {
        add(check, "qemu", "QEMU", CCM_CHECK_FAIL, "%s", o->caps_error ? o->caps_error
                                                                      : "not probed");
        for (size_t i = 0; i < G_N_ELEMENTS(qemu_objects); i++)
            add(check, qemu_objects[i].id, qemu_objects[i].title, CCM_CHECK_FAIL,
                "QEMU could not be probed");
        return;
    }
    g_autofree char *version = ccm_qemu_caps_version_string(caps);
    add(check, "qemu", "QEMU", CCM_CHECK_PASS, "%s %s answers QMP", qemu, version);
    for (size_t i = 0; i < G_N_ELEMENTS(qemu_objects); i++) {
        if (ccm_qemu_caps_has_type(caps, qemu_objects[i].type))
            add(check, qemu_objects[i].id, qemu_objects[i].title, CCM_CHECK_PASS,
                "QEMU %s has %s", version, qemu_objects[i].type);
        else
            add(check, qemu_objects[i].id, qemu_objects[i].title, CCM_CHECK_FAIL,
                "QEMU %s has no %s object (needs %s)", version, qemu_objects[i].type,
                qemu_objects[i].needs);
    }
}

static void check_firmware(CcmHostCheck *check, const CcmHostCheckOptions *o)
{
    static const struct {
        const char *id, *title, *feature;
    } fw[] = {
        { "firmware-sev", "firmware for SEV", "amd-sev" },
        { "firmware-sev-es", "firmware for SEV-ES", "amd-sev-es" },
        { "firmware-sev-snp", "firmware for SEV-SNP", "amd-sev-snp" },
        { "firmware-tdx", "firmware for TDX", "intel-tdx" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(fw); i++) {
        const char *features[] = { fw[i].feature, NULL };
        g_autoptr(GError) error = NULL;
        g_autoptr(CcmFirmwareChoice) c = ccm_firmware_descriptor_select(
            o->firmware_dirs, "x86_64", "q35", features, true, &error);
        if (c)
            add(check, fw[i].id, fw[i].title, CCM_CHECK_PASS, "%s", c->reason);
        else
            add(check, fw[i].id, fw[i].title, CCM_CHECK_FAIL, "%s", error->message);
    }
}

/* Which items each platform needs, in the order they are worth fixing. */
static void summarise(CcmHostCheck *check)
{
    static const char *const needs[_CCM_GUEST_PLATFORM_MAX][5] = {
        [CCM_GUEST_PLATFORM_NONE] = { "qemu", NULL },
        [CCM_GUEST_PLATFORM_SEV] = { "kvm", "amd-sev", "qemu-sev", "firmware-sev", NULL },
        [CCM_GUEST_PLATFORM_SEV_ES] = { "kvm", "amd-sev-es", "qemu-sev", "firmware-sev-es", NULL },
        [CCM_GUEST_PLATFORM_SEV_SNP] = { "kvm", "amd-sev-snp", "qemu-sev-snp", "firmware-sev-snp",
                                         NULL },
        [CCM_GUEST_PLATFORM_TDX] = { "kvm", "intel-tdx", "qemu-tdx", "firmware-tdx", NULL },
        [CCM_GUEST_PLATFORM_CCA] = { "kvm", "arm-cca", "qemu-cca", NULL },
    };
    for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++) {
        check->can_run[p] = true;
        for (size_t i = 0; needs[p][i]; i++) {
            const CcmCheckItem *item = find(check, needs[p][i]);
            if (item && item->status == CCM_CHECK_FAIL) {
                check->can_run[p] = false;
                check->why_not[p] = g_strdup_printf("%s: %s", item->title, item->reason);
                break;
            }
        }
    }
}

CcmHostCheck *ccm_host_check_run(const CcmHostCheckOptions *o)
{
    CcmHostCheckOptions defaults = { 0 };
    CcmHostCheck *check = g_new0(CcmHostCheck, 1);
    g_autoptr(GHashTable) flags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    bool amd, intel;

    if (!o)
        o = &defaults;
    check->items = g_ptr_array_new_with_free_func(item_free);
    check_kvm(check, o->root);
    check_cpu(check, o->root, &amd, &intel, flags);
    check_amd(check, o->root, amd, flags);
    check_intel(check, o->root, intel);
    check_qemu(check, o);
    check_firmware(check, o);
    summarise(check);
    return check;
}

json_object *ccm_host_check_to_json(const CcmHostCheck *check)
{
    json_object *o = json_object_new_object();
    json_object *items = json_object_new_array();
    json_object *platforms = json_object_new_object();

    for (guint i = 0; i < check->items->len; i++) {
        const CcmCheckItem *item = check->items->pdata[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "id", json_object_new_string(item->id));
        json_object_object_add(j, "title", json_object_new_string(item->title));
        json_object_object_add(j, "status",
                               json_object_new_string(ccm_check_status_to_string(item->status)));
        json_object_object_add(j, "reason", json_object_new_string(item->reason));
        json_object_array_add(items, j);
    }
    for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++) {
        json_object *j = json_object_new_object();
        json_object_object_add(j, "ok", json_object_new_boolean(check->can_run[p]));
        json_object_object_add(j, "reason", check->why_not[p]
                                                ? json_object_new_string(check->why_not[p])
                                                : NULL);
        json_object_object_add(platforms, ccm_guest_platform_to_string((CcmGuestPlatform) p), j);
    }
    json_object_object_add(o, "items", items);
    json_object_object_add(o, "platforms", platforms);
    return o;
}
