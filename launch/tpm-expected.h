/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tpm-expected.h - the firmware events a vTPM guest's PCRs 0-9 hold, as ccm predicts them
 *
 * An OVMF (OvmfPkgX64) direct kernel boot with a TPM, event by event in log order per PCR,
 * with the same UEFI rules ccm uses for a TD's RTMRs (libccm-measure: boot variables,
 * Secure Boot variables, the kernel bytes OVMF measures, the load options). Events whose
 * inputs ccm does not model yet are listed with known = FALSE and the reason.
 */
#pragma once

#include <glib.h>

#include "acpi-dump.h"
#include "pei-rehearsal.h"
#include "ccm/measure.h"

typedef struct CcmTpmInputs {
    unsigned edk2_release;     /* YYYYMM */
    const char *vars;          /* the pflash VARS image, or NULL */
    const char *kernel, *initrd, *append;  /* direct boot; NULL without */
    guint64 memory;            /* bytes (the patched kernel header depends on it) */
    int qemu_major, qemu_minor;/* 0.0: unknown (then QEMU 10.0 or later is assumed) */
    gboolean secure_boot_legacy; /* Secure Boot with an unsigned kernel: the legacy loader */
    const char *firmware;        /* the pflash CODE image (PCR0), or NULL */
    gboolean pei_volume_as_built; /* PCR0's PEIFV is the volume as decompressed (else
                                   * PEI wrote into it first) */
    /* PCR0's first three extends from a rehearsal of the PEI phase (pei-rehearsal.c), for
     * a build whose PEI writes into its volume; NULL: that event is not predicted. */
    const CcmPcrExtend *pei_rehearsed;
    unsigned secure_boot_flags;  /* CCM_UEFI_SECURE_BOOT_* of the build */
    gboolean smm;                /* an SMM build: its TCG driver starts later, so the SMBIOS
                                  * event follows the ReadyToBoot separators */
    /* The PCI option ROMs whose EFI drivers OVMF loads (PCR2), NULL-terminated; NULL:
     * not known (PCR2 unknown); an empty list: none. */
    const char *const *option_roms;
    const CcmAcpiBlobs *fw_cfg;  /* QEMU's ACPI files (with etc/tpm/log) and SMBIOS tables
                                  * for the VM, or NULL (PCR1's ACPI and SMBIOS unknown) */
    /* The firmware's SMBIOS type-0 strings (PcdFirmwareVendor, ...VersionString,
     * ...ReleaseDateString); NULL when not known. */
    const char *firmware_vendor, *firmware_version, *firmware_date;
} CcmTpmInputs;

typedef struct CcmTpmEvent {
    guint32 pcr, type;
    char *description;
    gboolean known;
    guint8 sha256[CCM_SHA256_SIZE];
    guint8 sha384[CCM_SHA384_SIZE];
} CcmTpmEvent;

/* The predicted events (a GArray of CcmTpmEvent, freeing their descriptions), or NULL. */
GArray *ccm_tpm_expected_events(const CcmTpmInputs *in, unsigned *ret_flags, GError **error);

/* PCR @pcr replayed from @events in the SHA-256 (@sha256) or SHA-384 bank into @ret (32
 * or 48 bytes); FALSE when one of its events is unknown. */
gboolean ccm_tpm_expected_pcr(const GArray *events, guint32 pcr, gboolean sha256,
                              guint8 *ret);
