/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-tpm-inputs.h - the firmware, QEMU and option-ROM inputs of `ccmctl measure
 * --platform tpm` and `ccmctl verify --platform tpm`, one set of options for both
 */
#pragma once

#include <glib.h>

#include "tpm-expected.h"

typedef struct CcmctlTpmInputs {
    /* Options. */
    char *firmware;         /* --firmware: the pflash CODE image (PCR0, type-0 strings) */
    char *qemu;             /* --qemu: read QEMU's ACPI and SMBIOS files for the shape */
    char **qemu_args;       /* --qemu-arg: the rest of the guest's shape */
    char *smp;              /* --smp */
    char *fw_cfg_dir;       /* --fw-cfg-dir: those files, dumped (plugin dump= names) */
    gboolean smm;           /* --smm: the firmware is an SMM build */
    char **option_roms;     /* --option-rom FILE (or "none"), repeatable */
    /* Loaded. */
    CcmAcpiBlobs fw_cfg;
    gboolean have_fw_cfg;
    gboolean no_roms;       /* --option-rom none */
    const CcmUefiFirmwareBuild *build; /* the --firmware build, when ccm knows it */
    CcmPcrExtend pei[CCM_PEI_PCR0_EVENTS]; /* the PEI rehearsal's PCR0 extends */
    gboolean rehearsed;
} CcmctlTpmInputs;

/* The option entries that fill @t (add them to a GOptionContext). */
GOptionEntry *ccmctl_tpm_input_entries(CcmctlTpmInputs *t);

/* A usage message for a bad combination, or NULL. */
const char *ccmctl_tpm_inputs_check(const CcmctlTpmInputs *t, const char *memory);

/* Reads the files and runs QEMU as the options say, and points @in at the results (which
 * @t keeps). @memory: the guest's RAM option as given (for the QEMU shape). A known
 * --firmware build sets in->edk2_release when it is 0, SMM and the type-0 strings. With
 * --qemu, --firmware and in->vars, a build whose PEI writes into its volume gets a PEI
 * rehearsal (with in->kernel, initrd, append and legacy loader: fill those first). */
gboolean ccmctl_tpm_inputs_load(CcmctlTpmInputs *t, const char *memory, CcmTpmInputs *in,
                                GError **error);

void ccmctl_tpm_inputs_clear(CcmctlTpmInputs *t);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CcmctlTpmInputs, ccmctl_tpm_inputs_clear)
