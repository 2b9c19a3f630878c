/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-probe.h - how ccm reads the host: files below a root, SEV ioctls, MSRs, sockets */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define CCM_HOST_PROBE_ERROR (ccm_host_probe_error_quark())
GQuark ccm_host_probe_error_quark(void);

typedef enum CcmHostProbeErrorCode {
    CCM_HOST_PROBE_ERROR_RECORDING, /* a recorded answer that cannot be one (size, errno) */
    CCM_HOST_PROBE_ERROR_FIRMWARE,  /* the PSP firmware refused the command (fw_error set) */
} CcmHostProbeErrorCode;

/* The recordings of a recorded host live here, below its root. */
#define CCM_HOST_RECORDING_DIR ".ccm-recorded"

/* SEV_ISSUE_CMD command ids of the kernel's uapi (linux/psp-sev.h). The SNP ones came
 * with Linux 6.11 and are not in every distribution's headers, hence our own table. */
typedef enum CcmSevCommand {
    CCM_SEV_PLATFORM_STATUS = 1,
    CCM_SEV_PDH_CERT_EXPORT = 5,
    CCM_SEV_GET_ID2 = 8,
    CCM_SNP_PLATFORM_STATUS = 0x100,
} CcmSevCommand;

/* SEV_PDH_CERT_EXPORT's answer as the probe returns it: the PDH certificate, then the
 * chain (PEK, OCA, CEK), each certificate 2084 bytes (SEV API: the SEV certificate). */
#define CCM_SEV_CERT_SIZE 2084
#define CCM_SEV_PDH_EXPORT_SIZE (4 * CCM_SEV_CERT_SIZE)

/* The name of @command as recordings are named ("SNP_PLATFORM_STATUS"). */
const char *ccm_sev_command_name(CcmSevCommand command);

/* The name of a PSP firmware status code (SEV API 55766 / SNP ABI 56860 status table),
 * or NULL for one we do not know. */
const char *ccm_sev_firmware_error_name(uint32_t code);

/* What /proc/cpuinfo says about the first processor. */
typedef enum CcmCpuVendor {
    CCM_CPU_UNKNOWN,
    CCM_CPU_AMD,
    CCM_CPU_INTEL,
    CCM_CPU_ARM,
    CCM_CPU_OTHER,
} CcmCpuVendor;

typedef struct CcmHostCpu {
    CcmCpuVendor vendor;
    char *vendor_name;  /* "AuthenticAMD", "Arm (implementer 0x41)", NULL when unknown */
    int family, model;  /* "cpu family" and "model" (x86); -1 when absent */
    GHashTable *flags;  /* set of "flags" (x86) or "Features" (Arm) words */
    char *error;        /* why /proc/cpuinfo could not be read, else NULL */
} CcmHostCpu;

typedef struct CcmHostProbe CcmHostProbe;

/**
 * ccm_host_probe_new() - a probe of the host below @root
 * @root: where /dev, /sys, /proc, /var/run and /etc are read; NULL for "/"
 *
 * When @root holds CCM_HOST_RECORDING_DIR, the probe is a recorded host: SEV commands
 * and MSRs are answered from the recordings there (see ccmctl-host(1), RECORDED HOSTS),
 * and the architecture is the one its "arch" file names. Otherwise SEV commands are
 * ioctls on @root/dev/sev and MSRs are read from @root/dev/cpu/0/msr.
 */
CcmHostProbe *ccm_host_probe_new(const char *root);
void ccm_host_probe_free(CcmHostProbe *probe);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHostProbe, ccm_host_probe_free)

const char *ccm_host_probe_root(const CcmHostProbe *probe);
bool ccm_host_probe_is_recorded(const CcmHostProbe *probe);
/* The machine as uname(2) names it ("x86_64", "aarch64"), or the recorded one. */
const char *ccm_host_probe_arch(const CcmHostProbe *probe);

/* @path ("dev/sev", "sys/module/kvm_amd") below the root; free it. */
char *ccm_host_probe_path(const CcmHostProbe *probe, const char *path);

/* The text of @path below the root, at most 64 KiB, with trailing white space removed;
 * NULL (with @error) when it cannot be read. */
char *ccm_host_probe_read_text(const CcmHostProbe *probe, const char *path, GError **error);

/* A kernel module parameter (/sys/module/MODULE/parameters/NAME), stripped; NULL when
 * the module or the parameter is absent. */
char *ccm_host_probe_module_param(const CcmHostProbe *probe, const char *module,
                                  const char *name);

/* Whether a module parameter's value means "on": "Y", "y" or "1". */
bool ccm_host_param_on(const char *value);

/* The first processor of /proc/cpuinfo (read once, then kept). */
const CcmHostCpu *ccm_host_probe_cpu(CcmHostProbe *probe);
bool ccm_host_cpu_has(const CcmHostCpu *cpu, const char *flag);

/**
 * ccm_host_probe_sev_command() - one SEV_ISSUE_CMD on /dev/sev, or its recorded answer
 * @buffer: the command's output buffer (the struct, or the data a GET_ID2 points at)
 * @size: its size; on success set to the bytes the answer holds (GET_ID2: the ID length)
 * @ret_fw_error: the firmware status the kernel reported (0 when none)
 *
 * FALSE with @error when the device cannot be opened, the ioctl fails (G_IO_ERROR from
 * the errno; CCM_HOST_PROBE_ERROR_FIRMWARE when a firmware status came with it) or the
 * recording is malformed (CCM_HOST_PROBE_ERROR_RECORDING). Fixed-size answers must fill
 * @size exactly.
 */
gboolean ccm_host_probe_sev_command(CcmHostProbe *probe, CcmSevCommand command, void *buffer,
                                    size_t *size, uint32_t *ret_fw_error, GError **error);

/**
 * ccm_host_probe_sev_blob() - a variable-length answer the host holds as a blob
 * @name: the recording's name ("SNP_CERT_TABLE")
 *
 * Only recorded hosts answer (upstream Linux keeps no SNP certificate table: QEMU hands
 * guests the file its sev-snp-guest certs-path names); a live host answers
 * G_IO_ERROR_NOT_SUPPORTED. At most @max bytes.
 */
GBytes *ccm_host_probe_sev_blob(CcmHostProbe *probe, const char *name, size_t max,
                                GError **error);

/* MSR @msr of CPU 0 (/dev/cpu/0/msr needs root and the msr module). */
gboolean ccm_host_probe_read_msr(CcmHostProbe *probe, uint32_t msr, uint64_t *ret_value,
                                 GError **error);

/* Whether something listens on the UNIX stream socket @path below the root: connects
 * and closes at once. */
gboolean ccm_host_probe_connect_unix(CcmHostProbe *probe, const char *path, GError **error);

/* Whether something listens on vsock @port of this host (VMADDR_CID_LOCAL, which needs
 * the vsock_loopback module), waiting at most @timeout_ms for the connection. A recorded
 * host listens on the ports .ccm-recorded/vsock/PORT names. */
gboolean ccm_host_probe_connect_vsock(CcmHostProbe *probe, unsigned port, int timeout_ms,
                                      GError **error);
