/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-probe.c - how ccm reads the host: files below a root, SEV ioctls, MSRs, sockets
 *
 * Theory of operation: `ccmctl host-check` and `ccmctl host` read the host only through
 * this probe, so both see the same facts and tests can stand in for the hardware. Files
 * (/proc/cpuinfo, /sys/module/..., /sys/firmware/...) are read below a root folder. The
 * things a folder cannot hold are the PSP firmware's answers (SEV_ISSUE_CMD ioctls on
 * /dev/sev) and MSRs; a root that holds a ".ccm-recorded" folder is a recorded host, and
 * those are answered from files there instead:
 *
 *   .ccm-recorded/arch                the machine ("x86_64", "aarch64"); default uname's
 *   .ccm-recorded/ioctl/NAME.bin      the bytes command NAME writes into its buffer
 *   .ccm-recorded/ioctl/NAME.errno    or how it fails: "ERRNO [FIRMWARE-STATUS]"
 *   .ccm-recorded/blob/NAME.bin       a blob the host holds (SNP_CERT_TABLE)
 *   .ccm-recorded/msr/0xMSR           an MSR of CPU 0, as hex text
 *   .ccm-recorded/vsock/PORT          a vsock port something listens on (empty file)
 *
 * A command with neither file fails with ENOTTY, as on a kernel that lacks it. The
 * recorded bytes are the raw structs of the kernel's uapi, so the decoders above this
 * layer read the same bytes a live host would give them.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/psp-sev.h>
#include <linux/vm_sockets.h>

#include <gio/gio.h>

#include "host-probe.h"

#define TEXT_MAX (64 * 1024)

G_DEFINE_QUARK(ccm-host-probe-error-quark, ccm_host_probe_error)

/* Our numbers are the kernel's where the installed headers know the command. */
G_STATIC_ASSERT((int) CCM_SEV_PLATFORM_STATUS == SEV_PLATFORM_STATUS);
G_STATIC_ASSERT((int) CCM_SEV_GET_ID2 == SEV_GET_ID2);
G_STATIC_ASSERT((int) CCM_SEV_PDH_CERT_EXPORT == SEV_PDH_CERT_EXPORT);
G_STATIC_ASSERT(sizeof(struct sev_user_data_status) == 12);

struct CcmHostProbe {
    char *root;
    char *recording;   /* ROOT/.ccm-recorded, or NULL for a live host */
    char *arch;
    int sev_fd;        /* /dev/sev once opened; -1 before */
    CcmHostCpu cpu;
    bool have_cpu;
};

static const struct {
    CcmSevCommand command;
    const char *name;
} command_names[] = {
    { CCM_SEV_PLATFORM_STATUS, "SEV_PLATFORM_STATUS" },
    { CCM_SEV_PDH_CERT_EXPORT, "SEV_PDH_CERT_EXPORT" },
    { CCM_SEV_GET_ID2, "SEV_GET_ID2" },
    { CCM_SNP_PLATFORM_STATUS, "SNP_PLATFORM_STATUS" },
};

const char *ccm_sev_command_name(CcmSevCommand command)
{
    for (size_t i = 0; i < G_N_ELEMENTS(command_names); i++)
        if (command_names[i].command == command)
            return command_names[i].name;
    return "unknown";
}

/* The firmware status codes, in the order of the specifications' status table. */
static const char *const firmware_errors[] = {
    "SUCCESS", "INVALID_PLATFORM_STATE", "INVALID_GUEST_STATE", "INVALID_CONFIG",
    "INVALID_LENGTH", "ALREADY_OWNED", "INVALID_CERTIFICATE", "POLICY_FAILURE", "INACTIVE",
    "INVALID_ADDRESS", "BAD_SIGNATURE", "BAD_MEASUREMENT", "ASID_OWNED", "INVALID_ASID",
    "WBINVD_REQUIRED", "DF_FLUSH_REQUIRED", "INVALID_GUEST", "INVALID_COMMAND", "ACTIVE",
    "HWERROR_PLATFORM", "HWERROR_UNSAFE", "UNSUPPORTED", "INVALID_PARAM", "RESOURCE_LIMIT",
    "SECURE_DATA_INVALID",
};

const char *ccm_sev_firmware_error_name(uint32_t code)
{
    return code < G_N_ELEMENTS(firmware_errors) ? firmware_errors[code] : NULL;
}

static void cpu_clear(CcmHostCpu *cpu)
{
    g_free(cpu->vendor_name);
    g_free(cpu->error);
    g_clear_pointer(&cpu->flags, g_hash_table_unref);
}

CcmHostProbe *ccm_host_probe_new(const char *root)
{
    CcmHostProbe *probe = g_new0(CcmHostProbe, 1);
    struct utsname u;

    probe->root = g_strdup(root && root[0] ? root : "/");
    probe->sev_fd = -1;
    g_autofree char *recording = g_build_filename(probe->root, CCM_HOST_RECORDING_DIR, NULL);
    if (g_file_test(recording, G_FILE_TEST_IS_DIR))
        probe->recording = g_steal_pointer(&recording);
    if (probe->recording) {
        g_autofree char *arch_file = g_build_filename(probe->recording, "arch", NULL);
        g_autofree char *arch = NULL;
        if (g_file_get_contents(arch_file, &arch, NULL, NULL))
            probe->arch = g_strdup(g_strstrip(arch));
    }
    if (!probe->arch)
        probe->arch = g_strdup(uname(&u) == 0 ? u.machine : "unknown");
    return probe;
}

void ccm_host_probe_free(CcmHostProbe *probe)
{
    if (!probe)
        return;
    if (probe->sev_fd >= 0)
        close(probe->sev_fd);
    cpu_clear(&probe->cpu);
    g_free(probe->root);
    g_free(probe->recording);
    g_free(probe->arch);
    g_free(probe);
}

const char *ccm_host_probe_root(const CcmHostProbe *probe)
{
    return probe->root;
}

bool ccm_host_probe_is_recorded(const CcmHostProbe *probe)
{
    return probe->recording != NULL;
}

const char *ccm_host_probe_arch(const CcmHostProbe *probe)
{
    return probe->arch;
}

char *ccm_host_probe_path(const CcmHostProbe *probe, const char *path)
{
    return g_build_filename(probe->root, path, NULL);
}

/* Reads at most @max bytes of @path; FALSE (with @error) for a larger file. */
static gboolean read_limited(const char *path, size_t max, char **ret_data, size_t *ret_size,
                             GError **error)
{
    struct stat st;

    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (guint64) st.st_size > max) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s is larger than %zu bytes", path,
                    max);
        return FALSE;
    }
    return g_file_get_contents(path, ret_data, ret_size, error);
}

char *ccm_host_probe_read_text(const CcmHostProbe *probe, const char *path, GError **error)
{
    g_autofree char *full = ccm_host_probe_path(probe, path);
    char *text = NULL;

    if (!read_limited(full, TEXT_MAX, &text, NULL, error))
        return NULL;
    return g_strchomp(text);
}

char *ccm_host_probe_module_param(const CcmHostProbe *probe, const char *module,
                                  const char *name)
{
    g_autofree char *rel = g_strdup_printf("sys/module/%s/parameters/%s", module, name);
    char *text = ccm_host_probe_read_text(probe, rel, NULL);
    return text ? g_strstrip(text) : NULL;
}

bool ccm_host_param_on(const char *value)
{
    return value && (strcmp(value, "Y") == 0 || strcmp(value, "y") == 0 ||
                     strcmp(value, "1") == 0);
}

static void parse_cpuinfo(CcmHostCpu *cpu, char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    bool have_flags = false, have_family = false, have_model = false;

    for (size_t i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        if (!colon)
            continue;
        *colon = '\0';
        const char *key = g_strstrip(lines[i]);
        char *value = g_strstrip(colon + 1);
        if (!cpu->vendor_name && strcmp(key, "vendor_id") == 0) {
            cpu->vendor_name = g_strdup(value);
        } else if (!cpu->vendor_name && strcmp(key, "CPU implementer") == 0) {
            cpu->vendor_name = g_strdup_printf("Arm (implementer %s)", value);
            cpu->vendor = CCM_CPU_ARM;
        } else if (!have_family && strcmp(key, "cpu family") == 0) {
            cpu->family = (int) g_ascii_strtoll(value, NULL, 10);
            have_family = true;
        } else if (!have_model && strcmp(key, "model") == 0) {
            cpu->model = (int) g_ascii_strtoll(value, NULL, 10);
            have_model = true;
        } else if (!have_flags && (strcmp(key, "flags") == 0 || strcmp(key, "Features") == 0)) {
            g_auto(GStrv) f = g_strsplit(value, " ", -1);
            for (size_t k = 0; f[k]; k++)
                if (f[k][0])
                    g_hash_table_add(cpu->flags, g_strdup(f[k]));
            have_flags = true;
        }
    }
    if (cpu->vendor == CCM_CPU_ARM)
        return;
    if (g_strcmp0(cpu->vendor_name, "AuthenticAMD") == 0 ||
        g_strcmp0(cpu->vendor_name, "HygonGenuine") == 0)
        cpu->vendor = CCM_CPU_AMD;
    else if (g_strcmp0(cpu->vendor_name, "GenuineIntel") == 0)
        cpu->vendor = CCM_CPU_INTEL;
    else if (cpu->vendor_name)
        cpu->vendor = CCM_CPU_OTHER;
}

const CcmHostCpu *ccm_host_probe_cpu(CcmHostProbe *probe)
{
    CcmHostCpu *cpu = &probe->cpu;
    g_autoptr(GError) error = NULL;

    if (probe->have_cpu)
        return cpu;
    probe->have_cpu = true;
    cpu->family = cpu->model = -1;
    cpu->flags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *text = ccm_host_probe_read_text(probe, "proc/cpuinfo", &error);
    if (!text)
        cpu->error = g_strdup(error->message);
    else
        parse_cpuinfo(cpu, text);
    return cpu;
}

bool ccm_host_cpu_has(const CcmHostCpu *cpu, const char *flag)
{
    return g_hash_table_contains(cpu->flags, flag);
}

/* ---- SEV commands ---------------------------------------------------------------------- */

/* The answer's size when it is fixed (the kernel's packed structs); 0 when it varies. */
static size_t fixed_size(CcmSevCommand command)
{
    switch (command) {
    case CCM_SEV_PLATFORM_STATUS:
        return 12;
    case CCM_SNP_PLATFORM_STATUS:
        return 32;
    case CCM_SEV_PDH_CERT_EXPORT:
        return CCM_SEV_PDH_EXPORT_SIZE;
    default:
        return 0;
    }
}

static gboolean open_sev(CcmHostProbe *probe, GError **error)
{
    if (probe->sev_fd >= 0)
        return TRUE;
    g_autofree char *dev = ccm_host_probe_path(probe, "dev/sev");
    /* Status commands need no write access; other tools' commands do. */
    int fd = open(dev, O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 && (errno == EACCES || errno == EPERM))
        fd = open(dev, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot open %s: %s", dev,
                    g_strerror(e));
        return FALSE;
    }
    probe->sev_fd = fd;
    return TRUE;
}

static const struct {
    const char *name;
    int value;
} errno_names[] = {
    { "EPERM", EPERM },   { "ENOENT", ENOENT }, { "EIO", EIO },          { "ENOMEM", ENOMEM },
    { "EACCES", EACCES }, { "EFAULT", EFAULT }, { "EBUSY", EBUSY },      { "ENODEV", ENODEV },
    { "EINVAL", EINVAL }, { "ENOTTY", ENOTTY }, { "ENOSPC", ENOSPC },    { "ENOTSUP", ENOTSUP },
    { "ETIMEDOUT", ETIMEDOUT }, { "EAGAIN", EAGAIN }, { "ENXIO", ENXIO },
};

/* "ERRNO [FIRMWARE-STATUS]": ERRNO a name of the table above or a positive number. */
static gboolean parse_errno_file(const char *path, int *ret_errno, uint32_t *ret_fw,
                                 GError **error)
{
    g_autofree char *text = NULL;
    if (!read_limited(path, 256, &text, NULL, error))
        return FALSE;
    g_auto(GStrv) all = g_strsplit_set(g_strstrip(text), " \t\n", -1);
    const char *words[3] = { NULL };
    size_t n = 0;
    for (size_t i = 0; all[i]; i++)
        if (all[i][0] && n++ < G_N_ELEMENTS(words))
            words[n - 1] = all[i];

    int e = 0;
    for (size_t i = 0; n >= 1 && i < G_N_ELEMENTS(errno_names); i++)
        if (strcmp(words[0], errno_names[i].name) == 0)
            e = errno_names[i].value;
    guint64 number = 0, fw = 0;
    if (n >= 1 && e == 0 && g_ascii_string_to_unsigned(words[0], 10, 1, 4095, &number, NULL))
        e = (int) number;
    if (n < 1 || n > 2 || e == 0 ||
        (n == 2 && !g_ascii_string_to_unsigned(words[1], 10, 0, G_MAXUINT32, &fw, NULL) &&
         !(g_str_has_prefix(words[1], "0x") &&
           g_ascii_string_to_unsigned(words[1] + 2, 16, 0, G_MAXUINT32, &fw, NULL)))) {
        g_set_error(error, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_RECORDING,
                    "%s: expected \"ERRNO [FIRMWARE-STATUS]\" (an errno name such as EIO or a "
                    "positive number, then an optional number)", path);
        return FALSE;
    }
    *ret_errno = e;
    *ret_fw = (uint32_t) fw;
    return TRUE;
}

static void set_command_error(GError **error, const char *where, CcmSevCommand command, int e,
                              uint32_t fw)
{
    const char *name = ccm_sev_command_name(command);
    if (fw) {
        const char *fw_name = ccm_sev_firmware_error_name(fw);
        g_set_error(error, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_FIRMWARE,
                    "%s on %s: the firmware answered status 0x%x (%s)", name, where, fw,
                    fw_name ? fw_name : "unknown");
    } else {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "%s on %s: %s", name, where,
                    g_strerror(e));
    }
}

static gboolean recorded_command(CcmHostProbe *probe, CcmSevCommand command, void *buffer,
                                 size_t *size, uint32_t *ret_fw_error, GError **error)
{
    const char *name = ccm_sev_command_name(command);
    g_autofree char *base = g_build_filename(probe->recording, "ioctl", name, NULL);
    g_autofree char *bin = g_strconcat(base, ".bin", NULL);
    g_autofree char *err = g_strconcat(base, ".errno", NULL);
    g_autofree char *dev = ccm_host_probe_path(probe, "dev/sev");
    bool have_bin = g_file_test(bin, G_FILE_TEST_EXISTS);
    bool have_err = g_file_test(err, G_FILE_TEST_EXISTS);

    if (have_bin && have_err) {
        g_set_error(error, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_RECORDING,
                    "%s and %s both exist: a command either answers or fails", bin, err);
        return FALSE;
    }
    if (have_err) {
        int e;
        uint32_t fw;
        if (!parse_errno_file(err, &e, &fw, error))
            return FALSE;
        *ret_fw_error = fw;
        set_command_error(error, dev, command, e, fw);
        return FALSE;
    }
    if (!have_bin) {
        set_command_error(error, dev, command, ENOTTY, 0);
        return FALSE;
    }

    g_autofree char *data = NULL;
    size_t n = 0;
    if (!read_limited(bin, 64 * 1024, &data, &n, error))
        return FALSE;
    size_t want = fixed_size(command);
    if (want && n != want) {
        g_set_error(error, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_RECORDING,
                    "%s holds %zu bytes; %s answers exactly %zu", bin, n, name, want);
        return FALSE;
    }
    if (n == 0 || n > *size) {
        g_set_error(error, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_RECORDING,
                    "%s holds %zu bytes; %s answers 1 to %zu", bin, n, name, *size);
        return FALSE;
    }
    memcpy(buffer, data, n);
    *size = n;
    return TRUE;
}

static gboolean live_command(CcmHostProbe *probe, CcmSevCommand command, void *buffer,
                             size_t *size, uint32_t *ret_fw_error, GError **error)
{
    struct sev_issue_cmd cmd = { .cmd = (uint32_t) command };
    struct sev_user_data_get_id2 id = { 0 };
    struct sev_user_data_pdh_cert_export pdh = { 0 };
    g_autofree char *dev = ccm_host_probe_path(probe, "dev/sev");
    size_t want = fixed_size(command);

    if (want && *size < want) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "%s needs a buffer of %zu bytes", ccm_sev_command_name(command), want);
        return FALSE;
    }
    if (command == CCM_SEV_GET_ID2) {
        /* GET_ID2 takes the address and length of the buffer, and returns the length. */
        id.address = (uintptr_t) buffer;
        id.length = (uint32_t) MIN(*size, G_MAXUINT32);
        cmd.data = (uintptr_t) &id;
    } else if (command == CCM_SEV_PDH_CERT_EXPORT) {
        /* Two buffers: the PDH certificate, and the chain behind it. */
        pdh.pdh_cert_address = (uintptr_t) buffer;
        pdh.pdh_cert_len = CCM_SEV_CERT_SIZE;
        pdh.cert_chain_address = (uintptr_t) buffer + CCM_SEV_CERT_SIZE;
        pdh.cert_chain_len = CCM_SEV_PDH_EXPORT_SIZE - CCM_SEV_CERT_SIZE;
        cmd.data = (uintptr_t) &pdh;
    } else {
        cmd.data = (uintptr_t) buffer;
    }
    if (ioctl(probe->sev_fd, SEV_ISSUE_CMD, &cmd) < 0) {
        int e = errno;
        *ret_fw_error = cmd.error;
        set_command_error(error, dev, command, e, cmd.error);
        return FALSE;
    }
    if (command == CCM_SEV_PDH_CERT_EXPORT &&
        (pdh.pdh_cert_len != CCM_SEV_CERT_SIZE ||
         pdh.cert_chain_len != CCM_SEV_PDH_EXPORT_SIZE - CCM_SEV_CERT_SIZE)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                    "SEV_PDH_CERT_EXPORT on %s answered a %u-byte PDH and a %u-byte chain, "
                    "not %d and %d", dev, pdh.pdh_cert_len, pdh.cert_chain_len,
                    CCM_SEV_CERT_SIZE, CCM_SEV_PDH_EXPORT_SIZE - CCM_SEV_CERT_SIZE);
        return FALSE;
    }
    *size = command == CCM_SEV_GET_ID2 ? MIN(id.length, *size) : want;
    return TRUE;
}

gboolean ccm_host_probe_sev_command(CcmHostProbe *probe, CcmSevCommand command, void *buffer,
                                    size_t *size, uint32_t *ret_fw_error, GError **error)
{
    *ret_fw_error = 0;
    if (!open_sev(probe, error))
        return FALSE;
    if (probe->recording)
        return recorded_command(probe, command, buffer, size, ret_fw_error, error);
    return live_command(probe, command, buffer, size, ret_fw_error, error);
}

GBytes *ccm_host_probe_sev_blob(CcmHostProbe *probe, const char *name, size_t max,
                                GError **error)
{
    if (!probe->recording) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "the kernel keeps no %s: upstream Linux hands guests the certificates "
                    "QEMU's sev-snp-guest certs-path names", name);
        return NULL;
    }
    g_autofree char *file = g_strconcat(name, ".bin", NULL);
    g_autofree char *path = g_build_filename(probe->recording, "blob", file, NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "this host holds no %s", name);
        return NULL;
    }
    char *data = NULL;
    size_t n = 0;
    if (!read_limited(path, max, &data, &n, error))
        return NULL;
    return g_bytes_new_take(data, n);
}

/* ---- MSRs and sockets ------------------------------------------------------------------ */

gboolean ccm_host_probe_read_msr(CcmHostProbe *probe, uint32_t msr, uint64_t *ret_value,
                                 GError **error)
{
    if (probe->recording) {
        g_autofree char *name = g_strdup_printf("0x%08x", msr);
        g_autofree char *path = g_build_filename(probe->recording, "msr", name, NULL);
        g_autofree char *text = NULL;
        guint64 value;
        if (!read_limited(path, 64, &text, NULL, error))
            return FALSE;
        const char *hex = g_strstrip(text);
        if (g_str_has_prefix(hex, "0x"))
            hex += 2;
        if (!g_ascii_string_to_unsigned(hex, 16, 0, G_MAXUINT64, &value, NULL)) {
            g_set_error(error, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_RECORDING,
                        "%s: expected a hexadecimal number", path);
            return FALSE;
        }
        *ret_value = value;
        return TRUE;
    }

    g_autofree char *dev = ccm_host_probe_path(probe, "dev/cpu/0/msr");
    int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    uint64_t value;
    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot open %s: %s", dev,
                    g_strerror(e));
        return FALSE;
    }
    ssize_t n = pread(fd, &value, sizeof(value), msr);
    int e = errno;
    close(fd);
    if (n != (ssize_t) sizeof(value)) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(n < 0 ? e : EIO),
                    "cannot read MSR 0x%x from %s: %s", msr, dev,
                    n < 0 ? g_strerror(e) : "short read");
        return FALSE;
    }
    *ret_value = value;
    return TRUE;
}

gboolean ccm_host_probe_connect_unix(CcmHostProbe *probe, const char *path, GError **error)
{
    g_autofree char *full = ccm_host_probe_path(probe, path);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    if (strlen(full) >= sizeof(sa.sun_path)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                    "%s is too long for a socket address", full);
        return FALSE;
    }
    memcpy(sa.sun_path, full, strlen(full) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot connect to %s: %s",
                    full, g_strerror(e));
        return FALSE;
    }
    close(fd);
    return TRUE;
}

gboolean ccm_host_probe_connect_vsock(CcmHostProbe *probe, unsigned port, int timeout_ms,
                                      GError **error)
{
    if (probe->recording) {
        g_autofree char *name = g_strdup_printf("%u", port);
        g_autofree char *path = g_build_filename(probe->recording, "vsock", name, NULL);
        if (g_file_test(path, G_FILE_TEST_EXISTS))
            return TRUE;
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                    "cannot connect to vsock port %u: %s", port, g_strerror(ECONNREFUSED));
        return FALSE;
    }

    struct sockaddr_vm sa = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_LOCAL,
                              .svm_port = port };
    int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int e = 0;
    if (fd < 0) {
        e = errno;
    } else if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        e = errno;
        if (e == EINPROGRESS) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            socklen_t len = sizeof(e);
            int n = poll(&p, 1, timeout_ms);
            if (n == 0)
                e = ETIMEDOUT;
            else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
                e = errno;
        }
    }
    if (fd >= 0)
        close(fd);
    if (e) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
                    "cannot connect to vsock port %u: %s", port, g_strerror(e));
        return FALSE;
    }
    return TRUE;
}
