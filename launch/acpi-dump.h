/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* acpi-dump.h - QEMU's ACPI fw_cfg files for a VM shape, read from the QEMU binary itself */
#pragma once

#include <glib.h>

#define CCM_ACPI_DUMP_ERROR (ccm_acpi_dump_error_quark())
GQuark ccm_acpi_dump_error_quark(void);

typedef enum CcmAcpiDumpErrorCode {
    CCM_ACPI_DUMP_ERROR_START,     /* QEMU did not start (its message is quoted) */
    CCM_ACPI_DUMP_ERROR_PROTOCOL,  /* an answer of the wrong shape */
    CCM_ACPI_DUMP_ERROR_MISSING,   /* QEMU serves no such file for this machine */
} CcmAcpiDumpErrorCode;

typedef struct CcmAcpiBlobs {
    GBytes *tables;   /* etc/acpi/tables */
    GBytes *rsdp;     /* etc/acpi/rsdp */
    GBytes *loader;   /* etc/table-loader */
    GBytes *tpm_log;  /* etc/tpm/log, when the VM has a TPM (else NULL) */
    GBytes *smbios;   /* etc/smbios/smbios-tables, when served (else NULL) */
} CcmAcpiBlobs;

void ccm_acpi_blobs_clear(CcmAcpiBlobs *blobs);

/* A port write the firmware made before it read the tables (recorded by ccm-qemu-plugin):
 * QEMU builds the tables from the machine as the firmware set it up (PCIEXBAR, PM base). */
typedef struct CcmAcpiPortWrite {
    guint16 port;
    guint8 size;     /* 1, 2 or 4 */
    guint32 value;
} CcmAcpiPortWrite;

/**
 * ccm_acpi_dump() - start @qemu stopped with @shape_args and read its three ACPI files
 * @shape_args: the guest's machine, -smp, -m and devices (NULL-terminated), exactly as
 *              the launch will give them
 *
 * Runs QEMU under TCG with a qtest socket (no guest code runs), sets the q35 PCIEXBAR as
 * the firmware would, and reads the files through fw_cfg DMA. Blocks (about half a
 * second); not for a main loop.
 */
gboolean ccm_acpi_dump(const char *qemu, const char *const *shape_args, guint timeout_ms,
                       CcmAcpiBlobs *ret, GError **error);

/* ccm_acpi_dump() after replaying @setup (@n_setup port writes) instead of ccm's own
 * first act of the firmware (PCIEXBAR = 0xb0000000). */
gboolean ccm_acpi_dump_after(const char *qemu, const char *const *shape_args,
                             const CcmAcpiPortWrite *setup, size_t n_setup, guint timeout_ms,
                             CcmAcpiBlobs *ret, GError **error);

/* What to do before the files are read. */
typedef struct CcmAcpiDumpOptions {
    const CcmAcpiPortWrite *setup;  /* NULL: ccm's own PCIEXBAR write */
    size_t n_setup;
    gboolean negotiate_smi;         /* an SMM firmware's SMI feature negotiation */
} CcmAcpiDumpOptions;

/* ccm_acpi_dump() with @options. */
gboolean ccm_acpi_dump_with(const char *qemu, const char *const *shape_args,
                            const CcmAcpiDumpOptions *options, guint timeout_ms,
                            CcmAcpiBlobs *ret, GError **error);

/**
 * ccm_acpi_dump_vtpm() - the files an OVMF guest with a TPM downloads (acpi-dump-vtpm.c)
 * @shape_args: the guest's machine, -smp, -m and devices, without the TPM (added here,
 *              tpm-tis with a temporary swtpm as its backend)
 * @smm: the firmware is an SMM build (Debian's Secure Boot images): negotiate SMI features
 *
 * Also sets ret->tpm_log and ret->smbios. Needs swtpm in $PATH.
 */
gboolean ccm_acpi_dump_vtpm(const char *qemu, const char *const *shape_args, gboolean smm,
                            guint timeout_ms, CcmAcpiBlobs *ret, GError **error);

/**
 * ccm_acpi_dump_cached() - ccm_acpi_dump(), kept per QEMU binary and VM shape
 * @cache_dir: NULL: $CCM_ACPI_CACHE, else $XDG_CACHE_HOME/ccm/acpi
 * @ret_cached: set to whether the blobs came from the cache (may be NULL)
 *
 * The key is the QEMU binary's resolved path, size and mtime plus every shape argument,
 * so an upgraded QEMU or any change to the shape dumps again. A cache that cannot be
 * written is not an error (the next call dumps again).
 */
gboolean ccm_acpi_dump_cached(const char *qemu, const char *const *shape_args,
                              guint timeout_ms, const char *cache_dir, CcmAcpiBlobs *ret,
                              gboolean *ret_cached, GError **error);

/* The same with @setup replayed first (part of the cache key). */
gboolean ccm_acpi_dump_cached_after(const char *qemu, const char *const *shape_args,
                                    const CcmAcpiPortWrite *setup, size_t n_setup,
                                    guint timeout_ms, const char *cache_dir, CcmAcpiBlobs *ret,
                                    gboolean *ret_cached, GError **error);
