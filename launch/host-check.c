/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-check.c - what this host can run: KVM, SEV/SNP/TDX support, QEMU, firmware
 *
 * Theory of operation: each item reads one fact (a device node, a kvm module
 * parameter, the CPU's flags, `QEMU --version`, the firmware descriptors) and says
 * pass, fail, skip (does not apply here) or info, with a one-line reason and the
 * platforms that need it. A platform can run here unless an item it needs failed or
 * was skipped; the first such item, in the order the items were made, is the reason.
 * Items are made in the order they are worth fixing (KVM, then the CPU's support, then
 * QEMU, then firmware), and a caller that knows more (the QMP probe) appends items and
 * summarises again. Everything is read through the host probe (host-probe.h), below an
 * optional root, the probe `ccmctl host` reads with, so tests can build a
 * fake /dev, /sys, /proc and firmware folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "ccm-autocleanups.h"
#include "firmware-descriptor.h"
#include "host-check.h"
#include "host-probe.h"
#include "json-document.h"
#include "json-text.h"

#define QEMU_TIMEOUT_S 10
#define DESCRIPTOR_MAX_SIZE (1024 * 1024)

#define BIT(p) CCM_PLATFORM_BIT(CCM_GUEST_PLATFORM_##p)

G_DEFINE_QUARK(ccm-host-check-error-quark, ccm_host_check_error)

static const char *const status_names[] = {
    [CCM_CHECK_PASS] = "pass",
    [CCM_CHECK_FAIL] = "fail",
    [CCM_CHECK_SKIP] = "skip",
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
    g_free(check->qemu_path);
    for (int i = 0; i < _CCM_GUEST_PLATFORM_MAX; i++) {
        g_free(check->why_not[i]);
        g_free(check->not_applicable[i]);
        g_free(check->libvirt.why_not[i]);
    }
    g_free(check->libvirt.source);
    g_free(check->libvirt.not_consulted);
    g_free(check);
}

const CcmCheckItem *ccm_host_check_add(CcmHostCheck *check, const char *id, const char *title,
                                       CcmCheckStatus status, unsigned platforms,
                                       const char *format, ...)
{
    CcmCheckItem *i = g_new0(CcmCheckItem, 1);
    va_list ap;

    va_start(ap, format);
    i->reason = g_strdup_vprintf(format, ap);
    va_end(ap);
    /* An item only platforms that do not apply here need decides nothing: skipped. */
    int na = -1;
    for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX && platforms; p++) {
        if (!(platforms & CCM_PLATFORM_BIT(p)))
            continue;
        if (check->applicable[p]) {
            na = -1;
            break;
        }
        na = p;
    }
    if (na >= 0 && (status == CCM_CHECK_PASS || status == CCM_CHECK_FAIL)) {
        char *reason = g_strdup_printf("does not apply here (%s); %s",
                                       check->not_applicable[na], i->reason);
        g_free(i->reason);
        i->reason = reason;
        status = CCM_CHECK_SKIP;
    }
    i->id = g_strdup(id);
    i->title = g_strdup(title);
    i->status = status;
    i->platforms = platforms;
    g_ptr_array_add(check->items, i);
    return i;
}

const CcmCheckItem *ccm_host_check_find(const CcmHostCheck *check, const char *id)
{
    for (guint i = 0; i < check->items->len; i++) {
        const CcmCheckItem *item = check->items->pdata[i];
        if (strcmp(item->id, id) == 0)
            return item;
    }
    return NULL;
}

/* ---- KVM ------------------------------------------------------------------------------ */

static void check_kvm(CcmHostCheck *check, CcmHostProbe *probe)
{
    const unsigned needs = CCM_PLATFORMS_CONFIDENTIAL;
    g_autofree char *dev = ccm_host_probe_path(probe, "dev/kvm");
    g_autofree char *pvm = ccm_host_probe_path(probe, "sys/module/kvm_pvm");
    g_autofree char *api = NULL;
    struct stat st;
    int fd = open(dev, O_RDWR | O_CLOEXEC);

    if (fd < 0 && errno == ENOENT) {
        ccm_host_check_add(check, "kvm", "KVM", CCM_CHECK_FAIL, needs,
                           "%s does not exist (no KVM module loaded, or no hardware "
                           "virtualisation)", dev);
        return;
    }
    if (fd < 0) {
        ccm_host_check_add(check, "kvm", "KVM", CCM_CHECK_FAIL, needs,
                           "%s cannot be opened read-write: %s", dev, g_strerror(errno));
        return;
    }
    /* Only a real device node answers the ioctl; test trees hold a plain file. */
    if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) {
        int version = ioctl(fd, KVM_GET_API_VERSION, 0);
        if (version != KVM_API_VERSION) {
            int e = errno;
            close(fd);
            if (version < 0)
                ccm_host_check_add(check, "kvm", "KVM", CCM_CHECK_FAIL, needs,
                                   "%s does not answer KVM_GET_API_VERSION: %s", dev,
                                   g_strerror(e));
            else
                ccm_host_check_add(check, "kvm", "KVM", CCM_CHECK_FAIL, needs,
                                   "%s has KVM API version %d, expected %d", dev, version,
                                   KVM_API_VERSION);
            return;
        }
        api = g_strdup_printf("KVM API version %d", version);
    }
    close(fd);

    if (g_file_test(pvm, G_FILE_TEST_IS_DIR))
        ccm_host_check_add(check, "kvm", "KVM", CCM_CHECK_FAIL, needs,
                           "%s is PVM KVM (kvm_pvm), which cannot run firmware; Platform=none "
                           "guests still run with Accelerator=tcg", dev);
    else if (api)
        ccm_host_check_add(check, "kvm", "KVM", CCM_CHECK_PASS, needs,
                           "%s opens read-write, %s", dev, api);
    else
        ccm_host_check_add(check, "kvm", "KVM", CCM_CHECK_PASS, needs,
                           "%s opens read-write (not a device node: API version not asked)",
                           dev);
}

/* ---- CPU and its kernel support ------------------------------------------------------- */

/* The first processor's vendor and flags, as the probe read them from /proc/cpuinfo. */
static const CcmHostCpu *check_cpu(CcmHostCheck *check, CcmHostProbe *probe)
{
    const CcmHostCpu *cpu = ccm_host_probe_cpu(probe);

    if (cpu->error) {
        ccm_host_check_add(check, "cpu", "CPU", CCM_CHECK_INFO, 0, "%s", cpu->error);
        return cpu;
    }

    static const char *const interesting[] = {
        "svm", "vmx", "sev", "sev_es", "sev_snp", "tdx_host_platform", "tdx",
    };
    g_autoptr(GString) cc = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(interesting); i++)
        if (ccm_host_cpu_has(cpu, interesting[i]))
            g_string_append_printf(cc, "%s%s", cc->len ? " " : "", interesting[i]);
    ccm_host_check_add(check, "cpu", "CPU", CCM_CHECK_INFO, 0,
                       "%s; virtualisation and confidential-computing flags: %s",
                       cpu->vendor_name ? cpu->vendor_name : "unknown vendor",
                       cc->len ? cc->str : "none");
    return cpu;
}

/* The vendor is known and is another one: the check does not apply. */
static bool other_vendor(const CcmHostCpu *cpu, CcmCpuVendor vendor)
{
    return cpu->vendor != CCM_CPU_UNKNOWN && cpu->vendor != vendor;
}

/* The platforms another vendor's CPU cannot run: they do not apply here. */
static void set_applicable(CcmHostCheck *check, const CcmHostCpu *cpu)
{
    static const struct {
        CcmGuestPlatform platform;
        CcmCpuVendor vendor;
        const char *title, *vendor_name;
    } needs[] = {
        { CCM_GUEST_PLATFORM_SEV, CCM_CPU_AMD, "AMD SEV", "AMD" },
        { CCM_GUEST_PLATFORM_SEV_ES, CCM_CPU_AMD, "AMD SEV-ES", "AMD" },
        { CCM_GUEST_PLATFORM_SEV_SNP, CCM_CPU_AMD, "AMD SEV-SNP", "AMD" },
        { CCM_GUEST_PLATFORM_TDX, CCM_CPU_INTEL, "Intel TDX", "Intel" },
        { CCM_GUEST_PLATFORM_CCA, CCM_CPU_ARM, "Arm CCA", "Arm" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(needs); i++) {
        CcmGuestPlatform p = needs[i].platform;
        if (!other_vendor(cpu, needs[i].vendor))
            continue;
        check->applicable[p] = false;
        g_free(check->not_applicable[p]);
        check->not_applicable[p] = g_strdup_printf("%s: not an %s CPU (%s)", needs[i].title,
                                                   needs[i].vendor_name, cpu->vendor_name);
    }
}

static void check_amd(CcmHostCheck *check, CcmHostProbe *probe, const CcmHostCpu *cpu)
{
    static const struct {
        const char *id, *title, *param;
        unsigned platforms;
    } levels[] = {
        { "amd-sev", "AMD SEV", "sev", BIT(SEV) },
        { "amd-sev-es", "AMD SEV-ES", "sev_es", BIT(SEV_ES) },
        { "amd-sev-snp", "AMD SEV-SNP", "sev_snp", BIT(SEV_SNP) },
    };
    const unsigned all = BIT(SEV) | BIT(SEV_ES) | BIT(SEV_SNP);
    g_autofree char *sev_dev = ccm_host_probe_path(probe, "dev/sev");

    for (size_t i = 0; i < G_N_ELEMENTS(levels); i++) {
        const char *id = levels[i].id, *title = levels[i].title, *param = levels[i].param;
        unsigned needs = levels[i].platforms;
        g_autofree char *value = NULL;

        if (other_vendor(cpu, CCM_CPU_AMD)) {
            ccm_host_check_add(check, id, title, CCM_CHECK_SKIP, needs, "not an AMD CPU (%s)",
                               cpu->vendor_name);
            continue;
        }
        value = ccm_host_probe_module_param(probe, "kvm_amd", param);
        if (!value)
            ccm_host_check_add(check, id, title, CCM_CHECK_FAIL, needs,
                               "kvm_amd is not loaded or has no '%s' parameter%s", param,
                               ccm_host_cpu_has(cpu, param)
                                   ? ""
                                   : "; the CPU does not report it either");
        else if (!ccm_host_param_on(value))
            ccm_host_check_add(check, id, title, CCM_CHECK_FAIL, needs,
                               "kvm_amd.%s=%s: disabled (by the firmware/BIOS, the platform "
                               "firmware version, or the module parameter)", param, value);
        else
            ccm_host_check_add(check, id, title, CCM_CHECK_PASS, needs, "kvm_amd.%s=%s",
                               param, value);
    }

    if (other_vendor(cpu, CCM_CPU_AMD))
        ccm_host_check_add(check, "amd-sev-device", "AMD SEV device", CCM_CHECK_SKIP, all,
                           "not an AMD CPU (%s)", cpu->vendor_name);
    else if (g_file_test(sev_dev, G_FILE_TEST_EXISTS))
        ccm_host_check_add(check, "amd-sev-device", "AMD SEV device", CCM_CHECK_PASS, all,
                           "%s exists", sev_dev);
    else
        ccm_host_check_add(check, "amd-sev-device", "AMD SEV device", CCM_CHECK_FAIL, all,
                           "%s is missing (ccp driver not loaded, or SEV off in the firmware)",
                           sev_dev);
}

static void check_intel(CcmHostCheck *check, CcmHostProbe *probe, const CcmHostCpu *cpu)
{
    const unsigned needs = BIT(TDX);
    g_autofree char *value = NULL;

    if (other_vendor(cpu, CCM_CPU_INTEL)) {
        ccm_host_check_add(check, "intel-tdx", "Intel TDX", CCM_CHECK_SKIP, needs,
                           "not an Intel CPU (%s)", cpu->vendor_name);
        return;
    }
    value = ccm_host_probe_module_param(probe, "kvm_intel", "tdx");
    if (!value)
        ccm_host_check_add(check, "intel-tdx", "Intel TDX", CCM_CHECK_FAIL, needs,
                           "kvm_intel is not loaded or has no 'tdx' parameter (host kernel "
                           "without TDX)");
    else if (!ccm_host_param_on(value))
        ccm_host_check_add(check, "intel-tdx", "Intel TDX", CCM_CHECK_FAIL, needs,
                           "kvm_intel.tdx=%s: disabled (TDX module not initialised, or "
                           "kvm_intel.tdx=0)", value);
    else
        ccm_host_check_add(check, "intel-tdx", "Intel TDX", CCM_CHECK_PASS, needs,
                           "kvm_intel.tdx=%s", value);
}

static void check_arm(CcmHostCheck *check, const CcmHostCpu *cpu)
{
    if (other_vendor(cpu, CCM_CPU_ARM))
        ccm_host_check_add(check, "arm-cca", "Arm CCA", CCM_CHECK_SKIP, BIT(CCA),
                           "not an Arm CPU (%s)", cpu->vendor_name);
    else
        ccm_host_check_add(check, "arm-cca", "Arm CCA", CCM_CHECK_FAIL, BIT(CCA),
                           "this version of ccm cannot detect KVM Realm (RME) host support");
}

/* ---- QEMU ----------------------------------------------------------------------------- */

gboolean ccm_host_check_parse_qemu_version(const char *text, int *ret_major, int *ret_minor,
                                           int *ret_micro, GError **error)
{
    static const char prefix[] = "QEMU emulator version ";
    const char *p = text ? strstr(text, prefix) : NULL;
    guint64 v[3] = { 0, 0, 0 };
    size_t n = 0;

    if (p) {
        p += strlen(prefix);
        while (n < G_N_ELEMENTS(v) && g_ascii_isdigit(*p)) {
            char *end;
            v[n++] = g_ascii_strtoull(p, &end, 10);
            p = end;
            if (*p != '.')
                break;
            p++;
        }
    }
    if (n < 2 || v[0] > 9999 || v[1] > 9999 || v[2] > 9999) {
        g_autofree char *line = g_strndup(text ? text : "", strcspn(text ? text : "", "\n"));
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_VERSION,
                    "no 'QEMU emulator version X.Y.Z' in its output ('%s')", line);
        return FALSE;
    }
    *ret_major = (int) v[0];
    *ret_minor = (int) v[1];
    *ret_micro = (int) v[2];
    return TRUE;
}

/* Runs in the child between fork and exec: the timer survives exec and kills QEMU. */
static void arm_alarm(gpointer data)
{
    alarm(GPOINTER_TO_UINT(data));
}

gboolean ccm_host_check_qemu_version(const char *path, guint timeout_s, int *ret_major,
                                     int *ret_minor, int *ret_micro, GError **error)
{
    const char *argv[] = { path, "--version", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(GError) spawn_error = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, arm_alarm,
                      GUINT_TO_POINTER(timeout_s ? timeout_s : QEMU_TIMEOUT_S), &out, &err,
                      &status, &spawn_error)) {
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_FAILED,
                    "cannot run '%s --version': %s", path, spawn_error->message);
        return FALSE;
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_FAILED,
                    "'%s --version' did not finish within %u seconds", path,
                    timeout_s ? timeout_s : QEMU_TIMEOUT_S);
        return FALSE;
    }
    if (!g_spawn_check_wait_status(status, &spawn_error)) {
        g_autofree char *line = g_strndup(err, strcspn(err, "\n"));
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_FAILED,
                    "'%s --version' failed: %s%s%s", path, spawn_error->message,
                    line[0] ? ": " : "", line);
        return FALSE;
    }
    if (!ccm_host_check_parse_qemu_version(out, ret_major, ret_minor, ret_micro, error)) {
        g_prefix_error(error, "'%s --version': ", path);
        return FALSE;
    }
    return TRUE;
}

static char *find_qemu(const char *qemu, GError **error)
{
    g_autofree char *found = NULL;

    if (strchr(qemu, '/'))
        found = g_strdup(qemu);
    else
        found = g_find_program_in_path(qemu);
    if (!found) {
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_NOT_FOUND,
                    "%s is not on PATH (install qemu-system-x86, or pass --qemu)", qemu);
        return NULL;
    }
    if (!g_file_test(found, G_FILE_TEST_IS_REGULAR) ||
        !g_file_test(found, G_FILE_TEST_IS_EXECUTABLE)) {
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_NOT_FOUND,
                    "%s is not an executable file", found);
        return NULL;
    }
    return g_steal_pointer(&found);
}

/* What each confidential-guest object needs, by QEMU's --version alone. */
static const struct {
    const char *id, *title, *type;
    int major, minor;          /* first upstream release with it; 0: none */
    unsigned platforms;
} qemu_types[] = {
    { "qemu-sev", "QEMU for SEV/SEV-ES", "sev-guest", 2, 12, BIT(SEV) | BIT(SEV_ES) },
    { "qemu-sev-snp", "QEMU for SEV-SNP", "sev-snp-guest", 9, 1, BIT(SEV_SNP) },
    { "qemu-tdx", "QEMU for TDX", "tdx-guest", 10, 1, BIT(TDX) },
    { "qemu-cca", "QEMU for Arm CCA", "rme-guest", 0, 0, BIT(CCA) },
};

static bool version_at_least(const CcmHostCheck *check, int major, int minor)
{
    return check->qemu_major > major || (check->qemu_major == major && check->qemu_minor >= minor);
}

static void check_qemu(CcmHostCheck *check, const CcmHostCheckOptions *o)
{
    const char *name = o->qemu ? o->qemu : "qemu-system-x86_64";
    g_autoptr(GError) error = NULL;
    g_autofree char *path = find_qemu(name, &error);
    int major = 0, minor = 0, micro = 0;

    check->qemu_major = check->qemu_minor = check->qemu_micro = -1;
    if (path && !ccm_host_check_qemu_version(path, o->qemu_timeout_s, &major, &minor, &micro,
                                             &error))
        g_clear_pointer(&path, g_free);
    if (!path) {
        ccm_host_check_add(check, "qemu", "QEMU", CCM_CHECK_FAIL, CCM_PLATFORMS_ALL, "%s",
                           error->message);
        for (size_t i = 0; i < G_N_ELEMENTS(qemu_types); i++)
            ccm_host_check_add(check, qemu_types[i].id, qemu_types[i].title, CCM_CHECK_SKIP,
                               qemu_types[i].platforms, "no QEMU to check");
        return;
    }

    check->qemu_path = g_steal_pointer(&path);
    check->qemu_major = major;
    check->qemu_minor = minor;
    check->qemu_micro = micro;
    ccm_host_check_add(check, "qemu", "QEMU", CCM_CHECK_PASS, CCM_PLATFORMS_ALL,
                       "%s is QEMU %d.%d.%d", check->qemu_path, major, minor, micro);
    for (size_t i = 0; i < G_N_ELEMENTS(qemu_types); i++) {
        const char *id = qemu_types[i].id, *title = qemu_types[i].title;
        const char *type = qemu_types[i].type;
        unsigned needs = qemu_types[i].platforms;
        int want_major = qemu_types[i].major, want_minor = qemu_types[i].minor;

        if (want_major == 0)
            ccm_host_check_add(check, id, title, CCM_CHECK_FAIL, needs,
                               "upstream QEMU has no %s (Arm CCA support is out of tree)", type);
        else if (version_at_least(check, want_major, want_minor))
            ccm_host_check_add(check, id, title, CCM_CHECK_PASS, needs,
                               "QEMU %d.%d >= %d.%d, the first with %s", major, minor,
                               want_major, want_minor, type);
        else
            ccm_host_check_add(check, id, title, CCM_CHECK_FAIL, needs,
                               "QEMU %d.%d is older than %d.%d, the first with %s", major,
                               minor, want_major, want_minor, type);
    }
}

void ccm_host_check_add_qemu_caps(CcmHostCheck *check, const CcmQemuCaps *caps,
                                  const char *caps_error)
{
    const unsigned needs = CCM_PLATFORMS_CONFIDENTIAL;

    if (!caps) {
        ccm_host_check_add(check, "qemu-qmp", "QEMU QMP probe", CCM_CHECK_FAIL, needs, "%s",
                           caps_error ? caps_error : "not probed");
    } else {
        g_autofree char *version = ccm_qemu_caps_version_string(caps);
        ccm_host_check_add(check, "qemu-qmp", "QEMU QMP probe", CCM_CHECK_PASS, needs,
                           "QEMU %s answers QMP (accelerator %s)", version,
                           caps->accel ? caps->accel : "unknown");
        for (size_t i = 0; i < G_N_ELEMENTS(qemu_types); i++) {
            const char *type = qemu_types[i].type;
            g_autofree char *id = g_strconcat("qemu-object-", type, NULL);
            g_autofree char *title = g_strconcat("QEMU ", type, NULL);

            if (ccm_qemu_caps_has_type(caps, type))
                ccm_host_check_add(check, id, title, CCM_CHECK_PASS, qemu_types[i].platforms,
                                   "QEMU %s has the %s object", version, type);
            else
                ccm_host_check_add(check, id, title, CCM_CHECK_FAIL, qemu_types[i].platforms,
                                   "QEMU %s has no %s object", version, type);
        }
    }
    ccm_host_check_summarise(check);
}

/* ---- firmware descriptors ------------------------------------------------------------- */

/* The "features" of one descriptor; an empty file (QEMU's way to disable a descriptor of
 * the same name in a lower-priority folder) sets @ret_empty and returns NULL. */
static GStrv read_features(const char *path, bool *ret_empty, GError **error)
{
    g_autofree char *text = NULL;
    size_t size;
    struct stat st;

    *ret_empty = false;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > DESCRIPTOR_MAX_SIZE) {
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_DESCRIPTOR,
                    "%s is larger than %d bytes", path, DESCRIPTOR_MAX_SIZE);
        return NULL;
    }
    if (!g_file_get_contents(path, &text, &size, error))
        return NULL;
    if (size == 0) {
        *ret_empty = true;
        return NULL;
    }

    enum json_tokener_error jerr = json_tokener_success;
    g_autoptr(json_object) d = json_tokener_parse_verbose(text, &jerr);
    json_object *features;
    if (!d) {
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_DESCRIPTOR,
                    "%s is not JSON: %s", path, ccm_json_error_text(jerr));
        return NULL;
    }
    if (!json_object_is_type(d, json_type_object) ||
        !json_object_object_get_ex(d, "features", &features) ||
        !json_object_is_type(features, json_type_array)) {
        g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_DESCRIPTOR,
                    "%s has no \"features\" array", path);
        return NULL;
    }

    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    for (size_t i = 0; i < json_object_array_length(features); i++) {
        json_object *f = json_object_array_get_idx(features, i);
        if (!json_object_is_type(f, json_type_string)) {
            g_set_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_DESCRIPTOR,
                        "%s: \"features\" holds something other than a string", path);
            return NULL;
        }
        g_strv_builder_add(b, json_object_get_string(f));
    }
    return g_strv_builder_end(b);
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void check_firmware(CcmHostCheck *check, const CcmHostCheckOptions *o)
{
    static const struct {
        const char *id, *title, *feature;
        unsigned platforms;
    } wanted[] = {
        { "firmware-sev", "firmware for SEV", "amd-sev", BIT(SEV) },
        { "firmware-sev-es", "firmware for SEV-ES", "amd-sev-es", BIT(SEV_ES) },
        { "firmware-sev-snp", "firmware for SEV-SNP", "amd-sev-snp", BIT(SEV_SNP) },
        { "firmware-tdx", "firmware for TDX", "intel-tdx", BIT(TDX) },
    };
    g_auto(GStrv) defaults = NULL;
    const char *const *dirs = o->firmware_dirs;

    if (!dirs) {
        /* The folders a spec without Firmware= chooses from (render, measure, ccmd). */
        defaults = ccm_firmware_descriptor_search_path(o->root);
        dirs = (const char *const *) defaults;
    }
    g_autofree char *where = g_strjoinv(", ", (char **) dirs);

    /* File name -> path; a later folder's file of the same name wins, as in QEMU. */
    g_autoptr(GHashTable) files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (size_t i = 0; dirs[i]; i++) {
        g_autoptr(GDir) dir = g_dir_open(dirs[i], 0, NULL);
        const char *name;
        while (dir && (name = g_dir_read_name(dir)))
            if (g_str_has_suffix(name, ".json"))
                g_hash_table_replace(files, g_strdup(name), g_build_filename(dirs[i], name, NULL));
    }
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, files);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, compare_names);
    if (names->len == 0)
        ccm_host_check_add(check, "firmware", "firmware descriptors", CCM_CHECK_INFO, 0,
                           "none in %s", where);

    /* One fact per descriptor, in QEMU's priority (file name) order. */
    g_autoptr(GHashTable) parsed = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_strfreev);
    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        const char *path = g_hash_table_lookup(files, name);
        g_autofree char *id = g_strconcat("firmware:", name, NULL);
        g_autoptr(GError) error = NULL;
        bool empty;
        GStrv features = read_features(path, &empty, &error);

        if (empty) {
            ccm_host_check_add(check, id, "firmware descriptor", CCM_CHECK_INFO, 0,
                               "%s is empty: disables the descriptor of that name", path);
            continue;
        }
        if (!features) {
            ccm_host_check_add(check, id, "firmware descriptor", CCM_CHECK_INFO, 0,
                               "ignored: %s", error->message);
            continue;
        }
        g_autofree char *list = g_strjoinv(", ", features);
        ccm_host_check_add(check, id, "firmware descriptor", CCM_CHECK_INFO, 0, "%s: %s", path,
                           features[0] ? list : "no features");
        g_hash_table_insert(parsed, (gpointer) name, features);
    }

    /* Then, per confidential feature, which descriptors declare it. */
    for (size_t k = 0; k < G_N_ELEMENTS(wanted); k++) {
        g_autoptr(GString) by = g_string_new(NULL);
        for (guint i = 0; i < names->len; i++) {
            const char *const *features = g_hash_table_lookup(parsed, names->pdata[i]);
            if (features && g_strv_contains(features, wanted[k].feature))
                g_string_append_printf(by, "%s%s", by->len ? ", " : "",
                                       (const char *) names->pdata[i]);
        }
        if (by->len > 0)
            ccm_host_check_add(check, wanted[k].id, wanted[k].title, CCM_CHECK_PASS,
                               wanted[k].platforms, "%s declared by %s", wanted[k].feature,
                               by->str);
        else
            ccm_host_check_add(check, wanted[k].id, wanted[k].title, CCM_CHECK_FAIL,
                               wanted[k].platforms, "no firmware descriptor in %s declares %s",
                               where, wanted[k].feature);
    }
}

/* ---- summary -------------------------------------------------------------------------- */

void ccm_host_check_summarise(CcmHostCheck *check)
{
    for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++) {
        check->can_run[p] = true;
        g_clear_pointer(&check->why_not[p], g_free);
        if (!check->applicable[p]) {
            check->can_run[p] = false;
            check->why_not[p] = g_strdup(check->not_applicable[p]);
            continue;
        }
        for (guint i = 0; i < check->items->len; i++) {
            const CcmCheckItem *item = check->items->pdata[i];
            if (!(item->platforms & CCM_PLATFORM_BIT(p)))
                continue;
            if (item->status == CCM_CHECK_FAIL || item->status == CCM_CHECK_SKIP) {
                check->can_run[p] = false;
                check->why_not[p] = g_strdup_printf("%s: %s", item->title, item->reason);
                break;
            }
        }
    }
}

CcmHostCheck *ccm_host_check_new(void)
{
    CcmHostCheck *check = g_new0(CcmHostCheck, 1);
    check->items = g_ptr_array_new_with_free_func(item_free);
    for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++)
        check->applicable[p] = true;
    return check;
}

CcmHostCheck *ccm_host_check_run(const CcmHostCheckOptions *o)
{
    const CcmHostCheckOptions defaults = { 0 };
    CcmHostCheck *check = ccm_host_check_new();

    if (!o)
        o = &defaults;
    g_autoptr(CcmHostProbe) probe = ccm_host_probe_new(o->root);
    check_kvm(check, probe);
    const CcmHostCpu *cpu = check_cpu(check, probe);
    set_applicable(check, cpu);
    check_amd(check, probe, cpu);
    check_intel(check, probe, cpu);
    check_arm(check, cpu);
    check_qemu(check, o);
    check_firmware(check, o);
    ccm_host_check_summarise(check);
    return check;
}

/* Adds @value under platform @p's name as a JSON key: snake_case ("sev_snp"), where
 * values keep the name ("sev-snp"). */
static void add_platform(json_object *platforms, CcmGuestPlatform p, json_object *value)
{
    g_autofree char *key = g_strdelimit(g_strdup(ccm_guest_platform_to_string(p)), "-", '_');
    json_object_object_add(platforms, key, value);
}

static json_object *libvirt_to_json(const CcmHostCheckLibvirt *l)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "source", l->source ? json_object_new_string(l->source) : NULL);
    json_object_object_add(o, "not_consulted",
                           l->not_consulted ? json_object_new_string(l->not_consulted) : NULL);
    if (!l->source)
        return o;
    json_object *platforms = json_object_new_object();
    for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++) {
        json_object *j = json_object_new_object();
        json_object_object_add(j, "ok", json_object_new_boolean(l->can_launch[p]));
        json_object_object_add(j, "reason",
                               l->why_not[p] ? json_object_new_string(l->why_not[p]) : NULL);
        add_platform(platforms, (CcmGuestPlatform) p, j);
    }
    json_object_object_add(o, "platforms", platforms);
    return o;
}

json_object *ccm_host_check_to_json(const CcmHostCheck *check)
{
    json_object *o = json_object_new_object();
    json_object *items = json_object_new_array();
    json_object *platforms = json_object_new_object();

    for (guint i = 0; i < check->items->len; i++) {
        const CcmCheckItem *item = check->items->pdata[i];
        json_object *j = json_object_new_object();
        json_object *needed_by = json_object_new_array();
        for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++) {
            const char *name = ccm_guest_platform_to_string((CcmGuestPlatform) p);
            if (item->platforms & CCM_PLATFORM_BIT(p))
                json_object_array_add(needed_by, json_object_new_string(name));
        }
        json_object_object_add(j, "id", json_object_new_string(item->id));
        json_object_object_add(j, "title", json_object_new_string(item->title));
        json_object_object_add(j, "status",
                               json_object_new_string(ccm_check_status_to_string(item->status)));
        json_object_object_add(j, "reason", json_object_new_string(item->reason));
        json_object_object_add(j, "platforms", needed_by);
        json_object_array_add(items, j);
    }
    for (int p = 0; p < _CCM_GUEST_PLATFORM_MAX; p++) {
        json_object *j = json_object_new_object();
        json_object *reason = NULL;
        if (check->why_not[p])
            reason = json_object_new_string(check->why_not[p]);
        json_object_object_add(j, "ok", json_object_new_boolean(check->can_run[p]));
        json_object_object_add(j, "applicable", json_object_new_boolean(check->applicable[p]));
        json_object_object_add(j, "reason", reason);
        add_platform(platforms, (CcmGuestPlatform) p, j);
    }
    json_object_object_add(o, "items", items);
    json_object_object_add(o, "platforms", platforms);
    json_object_object_add(o, "libvirt", libvirt_to_json(&check->libvirt));
    return ccm_json_document("ccm-host-check/1", o);
}
