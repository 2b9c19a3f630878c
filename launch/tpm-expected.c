/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tpm-expected.c - the firmware events a vTPM guest's PCRs 0-9 hold, as ccm predicts them
 *
 * The order follows real OVMF + swtpm logs (tests/data/vtpm): PCR0 the firmware version
 * and volumes; PCR1 the ACPI files, the SMBIOS table and the boot variables; PCR2 option
 * ROM drivers; PCR4 the kernel and the boot action; PCR5 the Exit Boot Services actions;
 * PCR7 the Secure Boot variables; PCR9 what the Linux EFI stub measures; a separator in
 * each of PCR 0-7. An event whose input is not given (or that cannot be known from the
 * inputs, like the PEI volume of a build whose PEI modules write into it) is listed,
 * unknown, with the reason.
 */
#include <string.h>

#include <gio/gio.h>

#include "tpm-expected.h"

#define EV_SEPARATOR 0x4u
#define EV_EVENT_TAG 0x6u
#define EV_S_CRTM_VERSION 0x8u
#define EV_PLATFORM_CONFIG_FLAGS 0xau
#define EV_EFI_VARIABLE_DRIVER_CONFIG 0x80000001u
#define EV_EFI_VARIABLE_BOOT 0x80000002u
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define EV_EFI_BOOT_SERVICES_DRIVER 0x80000004u
#define EV_EFI_RUNTIME_SERVICES_DRIVER 0x80000005u
#define EV_EFI_ACTION 0x80000007u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB 0x80000008u
#define EV_EFI_HANDOFF_TABLES 0x80000009u

static void event_clear(gpointer p)
{
    g_free(((CcmTpmEvent *) p)->description);
}

static CcmTpmEvent *add(GArray *a, guint32 pcr, guint32 type, const char *description)
{
    CcmTpmEvent e = { pcr, type, g_strdup(description), TRUE, { 0 }, { 0 } };
    g_array_append_val(a, e);
    return &g_array_index(a, CcmTpmEvent, a->len - 1);
}

static void digest(GChecksumType type, const void *data, gsize size, guint8 *out, gsize len)
{
    GChecksum *c = g_checksum_new(type);
    g_checksum_update(c, data, (gssize) size);
    g_checksum_get_digest(c, out, &len);
    g_checksum_free(c);
}

/* @e's digests in both banks: of @data (the event data, or what it stands for). */
static void measure(CcmTpmEvent *e, const void *data, gsize size)
{
    digest(G_CHECKSUM_SHA256, data, size, e->sha256, sizeof(e->sha256));
    digest(G_CHECKSUM_SHA384, data, size, e->sha384, sizeof(e->sha384));
}

/* @e's digests, computed elsewhere. */
static void set_digests(CcmTpmEvent *e, const guint8 *sha256, const guint8 *sha384)
{
    memcpy(e->sha256, sha256, sizeof(e->sha256));
    memcpy(e->sha384, sha384, sizeof(e->sha384));
}

static void unknown(GArray *a, guint32 pcr, guint32 type, const char *description)
{
    add(a, pcr, type, description)->known = FALSE;
}

static void separator(GArray *a, guint32 pcr)
{
    static const guint8 zero4[4] = { 0 };
    measure(add(a, pcr, EV_SEPARATOR, "separator"), zero4, sizeof(zero4));
}

static void action(GArray *a, guint32 pcr, const char *text)
{
    measure(add(a, pcr, EV_EFI_ACTION, text), text, strlen(text));
}

#define PE_MACHINE_X64 0x8664
#define MAX_ROM_DRIVERS 8

/* The x64 EFI drivers of each option ROM, in ROM order: what OVMF's PCI bus driver
 * loads and measures for each device, in PCI order. */
static gboolean option_rom_events(GArray *a, const char *const *roms, GError **error)
{
    if (!roms) {
        unknown(a, 2, EV_EFI_BOOT_SERVICES_DRIVER, "option ROM drivers (give --option-rom "
                                                   "FILE for each device's ROM, or none)");
        return TRUE;
    }
    for (const char *const *path = roms; *path; path++) {
        g_autoptr(GMappedFile) f = g_mapped_file_new(*path, FALSE, error);
        if (!f)
            return FALSE;
        CcmUefiRomDriver drivers[MAX_ROM_DRIVERS];
        size_t n = 0;
        CcmError err = { 0 };
        int r = ccm_uefi_option_rom_drivers(g_mapped_file_get_contents(f),
                                            g_mapped_file_get_length(f), drivers,
                                            MAX_ROM_DRIVERS, &n, &err);
        if (r < 0) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r), "%s: %s", *path,
                        err.message);
            return FALSE;
        }
        g_autofree char *base = g_path_get_basename(*path);
        for (size_t i = 0; i < n; i++) {
            if (drivers[i].machine != PE_MACHINE_X64)
                continue;
            g_autofree char *what = g_strdup_printf("option ROM driver: %s, image at "
                                                    "0x%x-0x%x",
                                                    base, drivers[i].start, drivers[i].end);
            set_digests(add(a, 2, drivers[i].subsystem == 12 ? EV_EFI_RUNTIME_SERVICES_DRIVER
                                                               : EV_EFI_BOOT_SERVICES_DRIVER,
                            what),
                        drivers[i].sha256, drivers[i].sha384);
        }
    }
    return TRUE;
}

/* Tcg2Pei's version string, then the PEI and DXE volumes SEC decompressed. */
static gboolean firmware_events(GArray *a, const CcmTpmInputs *in, GError **error)
{
    if (in->firmware_version) {
        CcmTpmEvent *e = add(a, 0, EV_S_CRTM_VERSION, "firmware version");
        (void) ccm_uefi_crtm_version_digest(in->firmware_version, e->sha256, e->sha384);
    }
    else
        unknown(a, 0, EV_S_CRTM_VERSION, "firmware version (the build's version string is "
                                         "not known: an image ccm does not know)");
    if (!in->firmware) {
        unknown(a, 0, EV_EFI_PLATFORM_FIRMWARE_BLOB, "PEI firmware volume (give --firmware)");
        unknown(a, 0, EV_EFI_PLATFORM_FIRMWARE_BLOB, "DXE firmware volume (give --firmware)");
        return TRUE;
    }
    g_autoptr(GMappedFile) f = g_mapped_file_new(in->firmware, FALSE, error);
    if (!f)
        return FALSE;
    CcmUefiFirmwareBlob fv[CCM_UEFI_FIRMWARE_BLOBS];
    size_t n = 0;
    CcmError err = { 0 };
    int r = ccm_uefi_firmware_volumes(g_mapped_file_get_contents(f),
                                      g_mapped_file_get_length(f), fv,
                                      CCM_UEFI_FIRMWARE_BLOBS, &n, &err);
    if (r < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r), "%s: %s", in->firmware,
                    err.message);
        return FALSE;
    }
    if (in->pei_rehearsed && !in->pei_volume_as_built && in->firmware_version && n == 2) {
        /* The rehearsal ran this firmware: its other two PCR0 events are the predicted. */
        CcmTpmEvent crtm = { 0 };
        (void) ccm_uefi_crtm_version_digest(in->firmware_version, crtm.sha256, crtm.sha384);
        if (memcmp(crtm.sha384, in->pei_rehearsed[0].sha384, CCM_SHA384_SIZE) != 0 ||
            memcmp(fv[1].sha384, in->pei_rehearsed[2].sha384, CCM_SHA384_SIZE) != 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s: the PEI rehearsal's PCR0 events are not this firmware's version "
                        "and DXE volume (another image ran?)", in->firmware);
            return FALSE;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (fv[i].runs_in_place && !in->pei_volume_as_built && in->pei_rehearsed) {
            set_digests(add(a, 0, EV_EFI_PLATFORM_FIRMWARE_BLOB,
                            "PEI firmware volume, as the PEI rehearsal measured it"),
                        in->pei_rehearsed[1].sha256, in->pei_rehearsed[1].sha384);
            continue;
        }
        if (fv[i].runs_in_place && !in->pei_volume_as_built) {
            unknown(a, 0, EV_EFI_PLATFORM_FIRMWARE_BLOB,
                    "PEI firmware volume (this build's PEI modules write their globals into "
                    "it before it is measured: give --qemu for a PEI rehearsal)");
            continue;
        }
        g_autofree char *what = g_strdup_printf("%s firmware volume, 0x%" G_GINT64_MODIFIER
                                                "x bytes at 0x%" G_GINT64_MODIFIER "x",
                                                i == 0 ? "PEI" : "DXE",
                                                (guint64) fv[i].length, (guint64) fv[i].base);
        set_digests(add(a, 0, EV_EFI_PLATFORM_FIRMWARE_BLOB, what), fv[i].sha256,
                    fv[i].sha384);
    }
    return TRUE;
}

/* The file @name of @b, or NULL. */
static GBytes *fw_cfg_file(const CcmAcpiBlobs *b, const char *name)
{
    return strcmp(name, "etc/acpi/tables") == 0  ? b->tables
           : strcmp(name, "etc/acpi/rsdp") == 0  ? b->rsdp
           : strcmp(name, "etc/tpm/log") == 0    ? b->tpm_log
           : strcmp(name, "etc/table-loader") == 0 ? b->loader
                                                 : NULL;
}

/* OVMF's AcpiPlatformDxe measures the table-loader script, then each file the script
 * allocates, as downloaded (before any pointer or checksum is patched), in script order:
 * EV_PLATFORM_CONFIG_FLAGS "ACPI DATA". */
static gboolean acpi_events(GArray *a, const CcmAcpiBlobs *b, GError **error)
{
    if (!b) {
        unknown(a, 1, EV_PLATFORM_CONFIG_FLAGS, "ACPI DATA (give QEMU's ACPI files: --qemu "
                                                "or --fw-cfg-dir)");
        return TRUE;
    }
    gsize n = 0;
    const guint8 *loader = g_bytes_get_data(b->loader, &n);
    measure(add(a, 1, EV_PLATFORM_CONFIG_FLAGS, "ACPI DATA: etc/table-loader"), loader, n);
    for (gsize off = 0; off + 128 <= n; off += 128) {
        if (loader[off] != 1 || loader[off + 1] || loader[off + 2] || loader[off + 3])
            continue; /* not ALLOCATE */
        char name[57] = { 0 };
        memcpy(name, loader + off + 4, 56);
        GBytes *file = fw_cfg_file(b, name);
        if (!file) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                        "etc/table-loader allocates '%s', which is not among the ACPI files "
                        "given", name);
            return FALSE;
        }
        g_autofree char *what = g_strdup_printf("ACPI DATA: %s", name);
        gsize size = 0;
        const void *data = g_bytes_get_data(file, &size);
        measure(add(a, 1, EV_PLATFORM_CONFIG_FLAGS, what), data, size);
    }
    return TRUE;
}

/* SmbiosMeasurementDxe's event: QEMU's structures, OVMF's type 0, filtered. */
static gboolean smbios_event(GArray *a, const CcmTpmInputs *in, GError **error)
{
    if (!in->fw_cfg || !in->fw_cfg->smbios) {
        unknown(a, 1, EV_EFI_HANDOFF_TABLES, "SMBIOS table (give QEMU's etc/smbios/"
                                             "smbios-tables: --qemu or --fw-cfg-dir)");
        return TRUE;
    }
    if (!in->firmware_vendor || !in->firmware_version || !in->firmware_date) {
        unknown(a, 1, EV_EFI_HANDOFF_TABLES, "SMBIOS table (the firmware's type-0 strings "
                                             "are not known for this image)");
        return TRUE;
    }
    gsize size = 0;
    const void *data = g_bytes_get_data(in->fw_cfg->smbios, &size);
    CcmError err = { 0 };
    CcmTpmEvent *e = add(a, 1, EV_EFI_HANDOFF_TABLES, "SMBIOS table (filtered)");
    int r = ccm_uefi_smbios_digest(data, size, in->firmware_vendor, in->firmware_version,
                                   in->firmware_date, e->sha256, e->sha384, &err);
    if (r < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r), "%s", err.message);
        return FALSE;
    }
    return TRUE;
}

GArray *ccm_tpm_expected_events(const CcmTpmInputs *in, unsigned *ret_flags, GError **error)
{
    g_autoptr(GArray) a = g_array_new(FALSE, TRUE, sizeof(CcmTpmEvent));
    g_array_set_clear_func(a, event_clear);
    /* A vTPM guest is no confidential guest: QEMU still patches its setup item. */
    unsigned flags = ccm_tdx_boot_flags(NULL, in->edk2_release,
                                        in->qemu_major > 0 ? in->qemu_major : -1,
                                        in->qemu_major > 0 ? in->qemu_minor : -1, 0);
    if (ret_flags)
        *ret_flags = flags;

    /* PCR0: the firmware. */
    if (!firmware_events(a, in, error))
        return NULL;
    /* PCR7: the Secure Boot policy, measured when the variable driver arrives. */
    g_autofree char *store = NULL;
    gsize store_size = 0;
    if (in->vars && !g_file_get_contents(in->vars, &store, &store_size, error))
        return NULL;
    CcmUefiVariableEvent sb[CCM_UEFI_SECURE_BOOT_VARIABLES];
    if (in->vars) {
        (void) ccm_uefi_secure_boot_variables_ex(store, store_size, in->secure_boot_flags, sb,
                                                 NULL);
        for (size_t i = 0; i < CCM_UEFI_SECURE_BOOT_VARIABLES; i++)
            set_digests(add(a, 7, EV_EFI_VARIABLE_DRIVER_CONFIG, sb[i].description),
                        sb[i].sha256, sb[i].sha384);
    } else {
        unknown(a, 7, EV_EFI_VARIABLE_DRIVER_CONFIG, "Secure Boot variables (give the VARS "
                                                     "image)");
    }
    separator(a, 7);
    /* PCR1: QEMU's ACPI files; the real logs show them from edk2 2025.02 on, and none
     * from 2022.11. */
    if (in->edk2_release >= 202502 && !acpi_events(a, in->fw_cfg, error))
        return NULL;
    /* PCR2: the option ROMs' EFI drivers (QEMU's default NIC: iPXE). */
    if (!option_rom_events(a, in->option_roms, error))
        return NULL;
    /* PCR4: the kernel. */
    if (in->kernel && !in->secure_boot_legacy) {
        g_autoptr(GMappedFile) kf = g_mapped_file_new(in->kernel, FALSE, error);
        if (!kf)
            return NULL;
        gint64 initrd_size = -1;
        if (in->initrd) {
            g_autoptr(GFile) f = g_file_new_for_path(in->initrd);
            g_autoptr(GFileInfo) info = g_file_query_info(f, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                          G_FILE_QUERY_INFO_NONE, NULL, error);
            if (!info)
                return NULL;
            initrd_size = g_file_info_get_size(info);
        }
        CcmTpmEvent *k = add(a, 4, EV_EFI_BOOT_SERVICES_APPLICATION,
                             flags & CCM_TDX_BOOT_KERNEL_FILE
                                 ? "kernel image (the file, etc/boot/kernel)"
                                 : "kernel image (setup header as QEMU patched it)");
        CcmError err = { 0 };
        int r = ccm_uefi_kernel_event_digests(g_mapped_file_get_contents(kf),
                                              g_mapped_file_get_length(kf), flags, in->memory,
                                              initrd_size, k->sha256, k->sha384, &err);
        if (r < 0) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r), "%s: %s", in->kernel,
                        err.message);
            return NULL;
        }
    }
    /* ReadyToBoot: the SMBIOS table, the boot variables, the separators. */
    /* SmbiosMeasurementDxe, new in edk2-stable202505: its ReadyToBoot callback runs before
     * the TCG driver's unless that driver started later (SMM builds: see
     * docs/edk2-202505-events.md §3.10). */
    gboolean smbios = in->edk2_release >= 202505;
    if (smbios && !in->smm && !smbios_event(a, in, error))
        return NULL;
    CcmUefiBootVariable options[CCM_UEFI_MAX_BOOT_VARIABLES];
    size_t n = ccm_uefi_boot_variables(in->edk2_release, 0, options);
    for (size_t i = 0; i < n; i++)
        measure(add(a, 1, EV_EFI_VARIABLE_BOOT, options[i].description), options[i].data,
                options[i].size);
    if (in->kernel) /* the legacy loader logs this action too, without the image */
        action(a, 4, "Calling EFI Application from Boot Option");
    for (guint32 pcr = 0; pcr < 7; pcr++)
        separator(a, pcr);
    if (smbios && in->smm && !smbios_event(a, in, error))
        return NULL;
    /* The kernel's EFI stub (PCR9), then ExitBootServices (PCR5). */
    if (in->append && !in->secure_boot_legacy) {
        CcmTpmEvent *e = add(a, 9, EV_EVENT_TAG, "load options (command line)");
        (void) ccm_uefi_load_options_digests(in->append, in->initrd != NULL, flags, e->sha256,
                                             e->sha384);
    }
    if (in->initrd) { /* even through the legacy loader: the stub measures it */
        g_autoptr(GMappedFile) rf = g_mapped_file_new(in->initrd, FALSE, error);
        if (!rf)
            return NULL;
        measure(add(a, 9, EV_EVENT_TAG, "initrd"), g_mapped_file_get_contents(rf),
                g_mapped_file_get_length(rf));
    }
    action(a, 5, "Exit Boot Services Invocation");
    action(a, 5, "Exit Boot Services Returned with Success");
    return g_steal_pointer(&a);
}

gboolean ccm_tpm_expected_pcr(const GArray *events, guint32 pcr, gboolean sha256,
                              guint8 *ret)
{
    gsize size = sha256 ? 32 : CCM_SHA384_SIZE;
    memset(ret, 0, size);
    for (guint i = 0; i < events->len; i++) {
        const CcmTpmEvent *e = &g_array_index(events, CcmTpmEvent, i);
        if (e->pcr != pcr)
            continue;
        if (!e->known)
            return FALSE;
        guint8 both[2 * CCM_SHA384_SIZE];
        memcpy(both, ret, size);
        memcpy(both + size, sha256 ? e->sha256 : e->sha384, size);
        digest(sha256 ? G_CHECKSUM_SHA256 : G_CHECKSUM_SHA384, both, 2 * size, ret, size);
    }
    return TRUE;
}
