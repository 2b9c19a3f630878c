/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-tpm-inputs.c - the firmware, QEMU and option-ROM inputs of `ccmctl measure
 * --platform tpm` and `ccmctl verify --platform tpm`
 *
 * QEMU's ACPI and SMBIOS files come from the QEMU binary for the guest's shape (--qemu,
 * with a throw-away swtpm as the TPM backend: launch/acpi-dump-vtpm.c), or from a folder
 * of dumped files named as ccm-qemu-plugin's dump= names them (etc_table-loader,
 * etc_acpi_rsdp, etc_acpi_tables, etc_tpm_log, etc_smbios_smbios-tables).
 */
#include <string.h>

#include <gio/gio.h>

#include "ccmctl-tpm-inputs.h"

GOptionEntry *ccmctl_tpm_input_entries(CcmctlTpmInputs *t)
{
    GOptionEntry entries[] = {
        { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &t->firmware,
          "The OVMF CODE image (PCR0: its version and volumes; the SMBIOS type-0 strings)",
          "FILE" },
        { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &t->qemu,
          "Read QEMU's ACPI and SMBIOS files (PCR1) from this QEMU binary for the guest's "
          "shape: q35, --memory, --smp, --qemu-arg, a TPM (needs swtpm)", "BINARY" },
        { "qemu-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &t->qemu_args,
          "One more QEMU argument of the guest's shape (devices, -cpu, -nodefaults); "
          "repeatable", "ARG" },
        { "smp", 0, 0, G_OPTION_ARG_STRING, &t->smp, "The guest's vCPUs (default 1)", "N" },
        { "smm", 0, 0, G_OPTION_ARG_NONE, &t->smm,
          "The firmware is an SMM build (Debian's Secure Boot images, *.ms.fd): it negotiates "
          "SMI features, which changes the DSDT, and measures SMBIOS last (default: from a "
          "--firmware ccm knows)", NULL },
        { "fw-cfg-dir", 0, 0, G_OPTION_ARG_FILENAME, &t->fw_cfg_dir,
          "QEMU's ACPI and SMBIOS files as dumped (ccm-qemu-plugin dump=DIR), instead of "
          "--qemu", "DIR" },
        { "option-rom", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &t->option_roms,
          "A PCI option ROM OVMF loads an EFI driver from (PCR2), e.g. QEMU's efi-e1000e.rom "
          "for its default NIC; repeatable, in PCI order; 'none' for a guest without",
          "FILE" },
        { NULL },
    };
    return g_memdup2(entries, sizeof(entries));
}

const char *ccmctl_tpm_inputs_check(const CcmctlTpmInputs *t, const char *memory)
{
    if (t->qemu && t->fw_cfg_dir)
        return "--qemu and --fw-cfg-dir are alternatives";
    if (t->qemu && !memory)
        return "--qemu needs --memory (the guest's shape)";
    if ((t->qemu_args || t->smp) && !t->qemu)
        return "--qemu-arg and --smp shape the QEMU of --qemu";
    if (t->smp && (!g_ascii_isdigit(t->smp[0]) || g_ascii_strtoull(t->smp, NULL, 10) == 0))
        return "--smp: expected a number of vCPUs";
    for (char **r = t->option_roms; r && *r; r++)
        if (strcmp(*r, "none") == 0 && (r != t->option_roms || r[1]))
            return "--option-rom none stands alone";
    return NULL;
}

/* DIR/etc_NAME, as the plugin names fw_cfg files (every '/' a '_'). */
static GBytes *read_dumped(const char *dir, const char *fw_cfg_name, gboolean required,
                           GError **error)
{
    g_autofree char *base = g_strdup(fw_cfg_name);
    g_strdelimit(base, "/", '_');
    g_autofree char *path = g_build_filename(dir, base, NULL);
    char *data = NULL;
    gsize size = 0;
    if (!required && !g_file_test(path, G_FILE_TEST_EXISTS))
        return NULL;
    if (!g_file_get_contents(path, &data, &size, error))
        return NULL;
    if (size == 0) {
        g_free(data);
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: empty, expected the fw_cfg file %s", path, fw_cfg_name);
        return NULL;
    }
    return g_bytes_new_take(data, size);
}

static gboolean load_dir(const char *dir, CcmAcpiBlobs *b, GError **error)
{
    *b = (CcmAcpiBlobs) { 0 };
    if (!(b->loader = read_dumped(dir, "etc/table-loader", TRUE, error)) ||
        !(b->rsdp = read_dumped(dir, "etc/acpi/rsdp", TRUE, error)) ||
        !(b->tables = read_dumped(dir, "etc/acpi/tables", TRUE, error))) {
        ccm_acpi_blobs_clear(b);
        return FALSE;
    }
    GError *e = NULL;
    b->tpm_log = read_dumped(dir, "etc/tpm/log", FALSE, &e);
    if (!e)
        b->smbios = read_dumped(dir, "etc/smbios/smbios-tables", FALSE, &e);
    if (e) {
        g_propagate_error(error, e);
        ccm_acpi_blobs_clear(b);
        return FALSE;
    }
    return TRUE;
}

/* What ccm knows of the --firmware build: its release, SMM, type-0 strings. */
static gboolean load_firmware(CcmctlTpmInputs *t, CcmTpmInputs *in, GError **error)
{
    g_autoptr(GMappedFile) f = g_mapped_file_new(t->firmware, FALSE, error);
    if (!f)
        return FALSE;
    const CcmUefiFirmwareBuild *b = ccm_uefi_firmware_build_find(
        g_mapped_file_get_contents(f), g_mapped_file_get_length(f));
    if (!b) {
        if (in->edk2_release)
            return TRUE;
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: not an OVMF build ccm knows (see ccmctl-measure(1)); give "
                    "--edk2-release YYYYMM", t->firmware);
        return FALSE;
    }
    if (!in->edk2_release)
        in->edk2_release = b->edk2_release;
    t->smm |= b->smm;
    in->firmware_vendor = b->vendor;
    in->firmware_version = b->version;
    in->firmware_date = b->date;
    in->pei_volume_as_built = b->pei_volume_as_built;
    in->secure_boot_flags = b->secure_boot_flags;
    t->build = b;
    return TRUE;
}

/* The guest's shape for QEMU: q35, its RAM and vCPUs, the rest as given. */
static GPtrArray *shape_args(const CcmctlTpmInputs *t, const char *memory)
{
    GPtrArray *shape = g_ptr_array_new();
    g_ptr_array_add(shape, (gpointer) "-machine");
    g_ptr_array_add(shape, (gpointer) "q35");
    g_ptr_array_add(shape, (gpointer) "-m");
    g_ptr_array_add(shape, (gpointer) memory);
    g_ptr_array_add(shape, (gpointer) "-smp");
    g_ptr_array_add(shape, (gpointer) (t->smp ? t->smp : "1"));
    for (char **a = t->qemu_args; a && *a; a++)
        g_ptr_array_add(shape, *a);
    g_ptr_array_add(shape, NULL);
    return shape;
}

/* PCR0's PEI volume of a build whose PEI modules write into it: from a rehearsal. */
static gboolean rehearse(CcmctlTpmInputs *t, const char *const *shape, CcmTpmInputs *in,
                         GError **error)
{
    CcmPeiRehearsal r = { .qemu = t->qemu, .shape_args = shape, .code = t->firmware,
                          .vars = in->vars, .kernel = in->kernel, .initrd = in->initrd,
                          .append = in->append, .legacy_loader = in->secure_boot_legacy };
    if (!ccm_pei_rehearse(&r, t->pei, error))
        return FALSE;
    t->rehearsed = TRUE;
    in->pei_rehearsed = t->pei;
    return TRUE;
}

gboolean ccmctl_tpm_inputs_load(CcmctlTpmInputs *t, const char *memory, CcmTpmInputs *in,
                                GError **error)
{
    in->firmware = t->firmware;
    if (t->firmware && !load_firmware(t, in, error))
        return FALSE;
    in->smm = t->smm;
    t->no_roms = t->option_roms && strcmp(t->option_roms[0], "none") == 0;
    static const char *const none[] = { NULL };
    in->option_roms = t->no_roms ? none : (const char *const *) t->option_roms;
    if (t->fw_cfg_dir) {
        if (!load_dir(t->fw_cfg_dir, &t->fw_cfg, error))
            return FALSE;
    } else if (t->qemu) {
        g_autoptr(GPtrArray) shape = shape_args(t, memory);
        if (!ccm_acpi_dump_vtpm(t->qemu, (const char *const *) shape->pdata, t->smm, 60000,
                                &t->fw_cfg, error))
            return FALSE;
        if (t->firmware && in->vars && !in->pei_volume_as_built &&
            !rehearse(t, (const char *const *) shape->pdata, in, error))
            return FALSE;
    } else {
        return TRUE;
    }
    t->have_fw_cfg = TRUE;
    in->fw_cfg = &t->fw_cfg;
    return TRUE;
}

void ccmctl_tpm_inputs_clear(CcmctlTpmInputs *t)
{
    g_clear_pointer(&t->firmware, g_free);
    g_clear_pointer(&t->qemu, g_free);
    g_clear_pointer(&t->qemu_args, g_strfreev);
    g_clear_pointer(&t->smp, g_free);
    g_clear_pointer(&t->fw_cfg_dir, g_free);
    g_clear_pointer(&t->option_roms, g_strfreev);
    ccm_acpi_blobs_clear(&t->fw_cfg);
    t->have_fw_cfg = FALSE;
}
