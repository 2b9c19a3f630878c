/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * acpi-dump-vtpm.c - QEMU's ACPI and SMBIOS fw_cfg files for an OVMF guest with a vTPM
 *
 * A vTPM guest's PCR1 holds the digests of the fw_cfg files OVMF downloads for its ACPI
 * tables (etc/table-loader, then every file the loader allocates, as served) and of the
 * SMBIOS table OVMF builds from etc/smbios/smbios-tables. QEMU builds those files from
 * the machine as the firmware has set it up, and a TPM adds its own: the TPM2 table, the
 * DSDT's TPM device and the zeroed etc/tpm/log area. So the dump runs QEMU with the
 * guest's shape plus a TPM whose backend is a throw-away swtpm, and replays what OVMF
 * (not TDVF) does on q35 before it reads them, measured on real boots with
 * ccm-qemu-plugin: the ICH9 power-management base 0x600 and its enable bit, the root
 * complex base, PCIEXBAR at 0xE0000000, and for an SMM build the SMI features.
 */
#include <gio/gio.h>

#include "acpi-dump.h"
#include "swtpm.h"

/* OVMF's q35 platform setup, in the order it makes it (PlatformPei). */
static const CcmAcpiPortWrite ovmf_q35_setup[] = {
    { 0xcf8, 4, 0x8000f840 }, { 0xcfc, 4, 0x00000601 }, /* 0:1f.0 PMBASE = 0x600 */
    { 0xcf8, 4, 0x8000f844 }, { 0xcfc, 1, 0x80 },       /* 0:1f.0 ACPI_CNTL: enabled */
    { 0xcf8, 4, 0x8000f8f0 }, { 0xcfc, 4, 0xfed1c001 }, /* 0:1f.0 RCBA */
    { 0xcf8, 4, 0x80000064 }, { 0xcfc, 4, 0x00000000 }, /* 0:0.0 PCIEXBAR high */
    { 0xcf8, 4, 0x80000060 }, { 0xcfc, 4, 0xe0000001 }, /* PCIEXBAR 0xE0000000, enabled */
};

/* Runs the dump against the swtpm listening on @sock. */
static gboolean dump_with_tpm(const char *qemu, const char *const *shape_args, gboolean smm,
                              const char *sock, guint timeout_ms, CcmAcpiBlobs *ret,
                              GError **error)
{
    g_autoptr(GPtrArray) shape = g_ptr_array_new_with_free_func(g_free);
    for (const char *const *a = shape_args; a && *a; a++)
        g_ptr_array_add(shape, g_strdup(*a));
    g_ptr_array_add(shape, g_strdup("-chardev"));
    g_ptr_array_add(shape, g_strdup_printf("socket,id=ccm-tpm-chr,path=%s", sock));
    g_ptr_array_add(shape, g_strdup("-tpmdev"));
    g_ptr_array_add(shape, g_strdup("emulator,id=ccm-tpm,chardev=ccm-tpm-chr"));
    g_ptr_array_add(shape, g_strdup("-device"));
    g_ptr_array_add(shape, g_strdup("tpm-tis,tpmdev=ccm-tpm"));
    g_ptr_array_add(shape, NULL);
    CcmAcpiDumpOptions o = { .setup = ovmf_q35_setup,
                             .n_setup = G_N_ELEMENTS(ovmf_q35_setup),
                             .negotiate_smi = smm };
    if (!ccm_acpi_dump_with(qemu, (const char *const *) shape->pdata, &o, timeout_ms, ret,
                            error))
        return FALSE;
    if (!ret->tpm_log) {
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_MISSING,
                    "%s serves no etc/tpm/log with a tpm-tis device", qemu);
        ccm_acpi_blobs_clear(ret);
        return FALSE;
    }
    return TRUE;
}

gboolean ccm_acpi_dump_vtpm(const char *qemu, const char *const *shape_args, gboolean smm,
                            guint timeout_ms, CcmAcpiBlobs *ret, GError **error)
{
    *ret = (CcmAcpiBlobs) { 0 };
    g_auto(CcmSwtpm) tpm = { 0 };
    return ccm_swtpm_start(&tpm, FALSE, error) &&
           dump_with_tpm(qemu, shape_args, smm, tpm.socket, timeout_ms, ret, error);
}
