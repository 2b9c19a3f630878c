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
#include <stdio.h>
#include <unistd.h>

#include <gio/gio.h>

#include "acpi-dump.h"

/* OVMF's q35 platform setup, in the order it makes it (PlatformPei). */
static const CcmAcpiPortWrite ovmf_q35_setup[] = {
    { 0xcf8, 4, 0x8000f840 }, { 0xcfc, 4, 0x00000601 }, /* 0:1f.0 PMBASE = 0x600 */
    { 0xcf8, 4, 0x8000f844 }, { 0xcfc, 1, 0x80 },       /* 0:1f.0 ACPI_CNTL: enabled */
    { 0xcf8, 4, 0x8000f8f0 }, { 0xcfc, 4, 0xfed1c001 }, /* 0:1f.0 RCBA */
    { 0xcf8, 4, 0x80000064 }, { 0xcfc, 4, 0x00000000 }, /* 0:0.0 PCIEXBAR high */
    { 0xcf8, 4, 0x80000060 }, { 0xcfc, 4, 0xe0000001 }, /* PCIEXBAR 0xE0000000, enabled */
};

/* swtpm's control socket exists: QEMU can connect. */
static gboolean wait_for_socket(const char *path, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline) {
        if (g_file_test(path, G_FILE_TEST_EXISTS))
            return TRUE;
        g_usleep(5000);
    }
    g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_START,
                "swtpm did not open its socket %s for the ACPI dump", path);
    return FALSE;
}

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

/* Removes the swtpm state folder's files, the folder and @dir. */
static void remove_dir(const char *dir, const char *state, const char *sock)
{
    (void) unlink(sock);
    g_autoptr(GDir) d = g_dir_open(state, 0, NULL);
    for (const char *n; d && (n = g_dir_read_name(d));) {
        g_autofree char *f = g_build_filename(state, n, NULL);
        (void) unlink(f);
    }
    (void) rmdir(state);
    (void) rmdir(dir);
}

gboolean ccm_acpi_dump_vtpm(const char *qemu, const char *const *shape_args, gboolean smm,
                            guint timeout_ms, CcmAcpiBlobs *ret, GError **error)
{
    *ret = (CcmAcpiBlobs) { 0 };
    g_autofree char *swtpm = g_find_program_in_path("swtpm");
    if (!swtpm) {
        g_set_error_literal(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_START,
                            "swtpm is not installed: a TPM's ACPI tables need a TPM backend "
                            "(package swtpm), or give the dumped files instead");
        return FALSE;
    }
    g_autofree char *dir = g_dir_make_tmp("ccm-vtpm-XXXXXX", error);
    if (!dir)
        return FALSE;
    g_autofree char *state = g_build_filename(dir, "state", NULL);
    g_autofree char *sock = g_build_filename(dir, "swtpm.sock", NULL);
    g_autofree char *tpmstate = g_strdup_printf("dir=%s", state);
    g_autofree char *ctrl = g_strdup_printf("type=unixio,path=%s", sock);
    gboolean ok = FALSE;
    g_autoptr(GSubprocess) tpm = NULL;
    if (g_mkdir_with_parents(state, 0700) < 0)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot create it", state);
    else if ((tpm = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                         G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                     error, swtpm, "socket", "--tpm2", "--tpmstate", tpmstate,
                                     "--ctrl", ctrl, NULL)) &&
             wait_for_socket(sock, error))
        ok = dump_with_tpm(qemu, shape_args, smm, sock, timeout_ms, ret, error);
    if (tpm) {
        g_subprocess_force_exit(tpm);
        (void) g_subprocess_wait(tpm, NULL, NULL);
    }
    remove_dir(dir, state, sock);
    return ok;
}
