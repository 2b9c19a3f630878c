/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tpm-expected.c - the firmware events a vTPM guest's PCRs 0-9 hold, as ccm predicts them
 *
 * The order follows real OVMF + swtpm logs (tests/data/vtpm): PCR0 the firmware version
 * and volumes; PCR1 the ACPI blobs, the SMBIOS table and the boot variables; PCR2 option
 * ROM drivers; PCR4 the kernel and the boot action; PCR5 the Exit Boot Services actions;
 * PCR7 the Secure Boot variables; PCR9 what the Linux EFI stub measures; a separator in
 * each of PCR 0-7. PCR0's volumes, the ACPI and SMBIOS tables and option ROMs are not
 * predicted yet: they are listed, unknown.
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
#define EV_EFI_ACTION 0x80000007u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB 0x80000008u
#define EV_EFI_HANDOFF_TABLES 0x80000009u

static void event_clear(gpointer p)
{
    g_free(((CcmTpmEvent *) p)->description);
}

static CcmTpmEvent *add(GArray *a, guint32 pcr, guint32 type, const char *description)
{
    CcmTpmEvent e = { pcr, type, g_strdup(description), TRUE, { 0 } };
    g_array_append_val(a, e);
    return &g_array_index(a, CcmTpmEvent, a->len - 1);
}

static void sha384(const void *data, gsize size, guint8 *out)
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA384);
    gsize len = CCM_SHA384_SIZE;
    g_checksum_update(c, data, (gssize) size);
    g_checksum_get_digest(c, out, &len);
    g_checksum_free(c);
}

static void unknown(GArray *a, guint32 pcr, guint32 type, const char *description)
{
    add(a, pcr, type, description)->known = FALSE;
}

static void separator(GArray *a, guint32 pcr)
{
    static const guint8 zero4[4] = { 0 };
    sha384(zero4, sizeof(zero4), add(a, pcr, EV_SEPARATOR, "separator")->sha384);
}

static void action(GArray *a, guint32 pcr, const char *text)
{
    sha384(text, strlen(text), add(a, pcr, EV_EFI_ACTION, text)->sha384);
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
    unknown(a, 0, EV_S_CRTM_VERSION, "firmware version (not predicted: the package's)");
    unknown(a, 0, EV_EFI_PLATFORM_FIRMWARE_BLOB, "PEI firmware volume (not predicted yet)");
    unknown(a, 0, EV_EFI_PLATFORM_FIRMWARE_BLOB, "DXE firmware volume (not predicted yet)");
    /* PCR7: the Secure Boot policy, measured when the variable driver arrives. */
    g_autofree char *store = NULL;
    gsize store_size = 0;
    if (in->vars && !g_file_get_contents(in->vars, &store, &store_size, error))
        return NULL;
    CcmUefiVariableEvent sb[CCM_UEFI_SECURE_BOOT_VARIABLES];
    if (in->vars) {
        (void) ccm_uefi_secure_boot_variables(store, store_size, sb, NULL);
        for (size_t i = 0; i < CCM_UEFI_SECURE_BOOT_VARIABLES; i++)
            memcpy(add(a, 7, EV_EFI_VARIABLE_DRIVER_CONFIG, sb[i].description)->sha384,
                   sb[i].sha384, CCM_SHA384_SIZE);
    } else {
        unknown(a, 7, EV_EFI_VARIABLE_DRIVER_CONFIG, "Secure Boot variables (give the VARS "
                                                     "image)");
    }
    separator(a, 7);
    /* PCR1: QEMU's ACPI blobs (with a TPM: table-loader, rsdp, tpm/log, tables); the real
     * logs show them from edk2 2025.02 on, and none from 2022.11. */
    if (in->edk2_release >= 202502)
        unknown(a, 1, EV_PLATFORM_CONFIG_FLAGS, "ACPI DATA (not predicted yet: QEMU's blobs "
                                                "for a VM with a TPM)");
    /* PCR2: option ROM drivers (the NIC's iPXE). */
    unknown(a, 2, EV_EFI_BOOT_SERVICES_DRIVER, "option ROM drivers (not predicted yet)");
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
        int r = ccm_tdx_kernel_event_digest(g_mapped_file_get_contents(kf),
                                            g_mapped_file_get_length(kf), flags, in->memory,
                                            initrd_size, k->sha384, &err);
        if (r < 0) {
            g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r), "%s: %s", in->kernel,
                        err.message);
            return NULL;
        }
    }
    /* ReadyToBoot: the SMBIOS table, the boot variables, the separators. */
    if (in->edk2_release >= 202505) /* SmbiosMeasurementDxe, new in edk2-stable202505 */
        unknown(a, 1, EV_EFI_HANDOFF_TABLES, "SMBIOS tables (not predicted yet)");
    CcmUefiBootVariable options[CCM_UEFI_MAX_BOOT_VARIABLES];
    size_t n = ccm_uefi_boot_variables(in->edk2_release, 0, options);
    for (size_t i = 0; i < n; i++)
        sha384(options[i].data, options[i].size,
               add(a, 1, EV_EFI_VARIABLE_BOOT, options[i].description)->sha384);
    if (in->kernel) /* the legacy loader logs this action too, without the image */
        action(a, 4, "Calling EFI Application from Boot Option");
    for (guint32 pcr = 0; pcr < 7; pcr++)
        separator(a, pcr);
    /* The kernel's EFI stub (PCR9), then ExitBootServices (PCR5). */
    if (in->append && !in->secure_boot_legacy)
        (void) ccm_tdx_load_options_digest(in->append, in->initrd != NULL, flags,
                                           add(a, 9, EV_EVENT_TAG, "load options (command "
                                                                   "line)")->sha384);
    if (in->initrd) {
        g_autoptr(GMappedFile) rf = g_mapped_file_new(in->initrd, FALSE, error);
        if (!rf)
            return NULL;
        sha384(g_mapped_file_get_contents(rf), g_mapped_file_get_length(rf),
               add(a, 9, EV_EVENT_TAG, "initrd")->sha384);
    }
    action(a, 5, "Exit Boot Services Invocation");
    action(a, 5, "Exit Boot Services Returned with Success");
    return g_steal_pointer(&a);
}

gboolean ccm_tpm_expected_pcr(const GArray *events, guint32 pcr, guint8 ret[CCM_SHA384_SIZE])
{
    memset(ret, 0, CCM_SHA384_SIZE);
    for (guint i = 0; i < events->len; i++) {
        const CcmTpmEvent *e = &g_array_index(events, CcmTpmEvent, i);
        if (e->pcr != pcr)
            continue;
        if (!e->known)
            return FALSE;
        guint8 both[2 * CCM_SHA384_SIZE];
        memcpy(both, ret, CCM_SHA384_SIZE);
        memcpy(both + CCM_SHA384_SIZE, e->sha384, CCM_SHA384_SIZE);
        sha384(both, sizeof(both), ret);
    }
    return TRUE;
}
