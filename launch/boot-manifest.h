/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * boot-manifest.h - what a guest consumed at boot (ccm-qemu-plugin's manifest=), and
 * the first of its inputs that differs from what a guest spec says
 *
 * The plugin watches the firmware's fw_cfg traffic under TCG and writes every item the
 * firmware read (name, size, bytes transferred, SHA-256 and SHA-384 of those bytes), the
 * firmware image as mapped at reset, the vCPU count and the CPUID signature the guest
 * read. ccm_boot_manifest_check() sets that beside the spec's measurement inputs: the
 * firmware file, kernel, initrd, command line, QEMU's ACPI tables for the VM shape, the
 * vCPUs and the CPU model's signature.
 */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "acpi-dump.h"
#include "launch-plan.h"

#define CCM_BOOT_MANIFEST_FORMAT "ccm-boot-manifest"
#define CCM_BOOT_MANIFEST_VERSION 1

typedef struct CcmBootItem {
    guint16 key;        /* fw_cfg selector */
    char *name;         /* "etc/acpi/tables", or the legacy name ("cmdline_data") */
    guint64 size;       /* as the firmware learnt it (file_dir), else what it read */
    guint64 read;       /* bytes transferred from offset 0 in one selection */
    char *via;          /* "dma", "pio" or "dma+pio" */
    char *sha256, *sha384;  /* lowercase hex of those bytes */
} CcmBootItem;

typedef struct CcmBootManifest {
    char *path;
    int plugin_api;               /* the QEMU plugin API level it ran with */
    guint vcpus;
    bool has_cpuid_signature;
    guint32 cpuid_signature;      /* CPUID(1).EAX as vCPU 0 read it */
    bool has_firmware;
    guint64 firmware_base, firmware_size;
    char *firmware_sha256, *firmware_sha384;
    GPtrArray *items;             /* CcmBootItem, in the order first read */
    GArray *platform_setup;       /* CcmAcpiPortWrite: the PCI configuration the firmware
                                   * wrote before it read the ACPI tables; NULL if absent */
} CcmBootManifest;

void ccm_boot_manifest_free(CcmBootManifest *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmBootManifest, ccm_boot_manifest_free)

/* Reads @path strictly: a file of another format, version or shape is one error naming
 * the file and the key (CCM_LAUNCH_ERROR_INPUT). */
CcmBootManifest *ccm_boot_manifest_load(const char *path, GError **error);
CcmBootManifest *ccm_boot_manifest_parse(const char *text, gsize size, const char *path,
                                         GError **error);

/* The item named @name, or NULL when the firmware never read it. */
const CcmBootItem *ccm_boot_manifest_item(const CcmBootManifest *m, const char *name);

/* One input of the spec set beside what the guest consumed. */
typedef struct CcmBootCheck {
    char *input;     /* "firmware", "kernel", "etc/acpi/tables", "vcpus", ... */
    bool ok;
    char *detail;    /* one line: what was consumed, and what the spec gives */
} CcmBootCheck;

void ccm_boot_check_free(CcmBootCheck *c);

/**
 * ccm_boot_manifest_check() - every input of @plan against @m, in boot order
 * @acpi: QEMU's ACPI files for @plan's VM shape (ccm_acpi_dump_cached()), or NULL to
 *        leave the ACPI items unchecked
 *
 * Returns the checks (CcmBootCheck), or NULL when a spec input cannot be read.
 */
GPtrArray *ccm_boot_manifest_check(const CcmBootManifest *m, const CcmLaunchPlan *plan,
                                   const CcmAcpiBlobs *acpi, GError **error);
