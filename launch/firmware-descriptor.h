/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* firmware-descriptor.h - choosing firmware from QEMU's firmware descriptors */
#pragma once

#include <stdbool.h>

#include <glib.h>

#define CCM_FIRMWARE_ERROR (ccm_firmware_error_quark())
GQuark ccm_firmware_error_quark(void);

typedef enum CcmFirmwareErrorCode {
    CCM_FIRMWARE_ERROR_NOT_FOUND,  /* no descriptor offers what the guest needs */
    CCM_FIRMWARE_ERROR_INVALID,    /* a descriptor file is malformed */
} CcmFirmwareErrorCode;

typedef struct CcmFirmwareChoice {
    char *descriptor;       /* the JSON file chosen */
    char *path;             /* executable image */
    bool flash;             /* mapping "flash" (pflash) rather than "memory" (-bios) */
    char *nvram_template;   /* flash only: the variable store template, or NULL */
    char *reason;           /* one sentence: why this one, for --explain */
} CcmFirmwareChoice;

void ccm_firmware_choice_free(CcmFirmwareChoice *choice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmFirmwareChoice, ccm_firmware_choice_free)

/*
 * The folders QEMU and libvirt read firmware descriptors from, in increasing priority (a
 * later folder's file of the same name wins): /usr/share/qemu/firmware, /etc/qemu/firmware,
 * $XDG_CONFIG_HOME/qemu/firmware. The one list that `ccmctl host-check` reports and the
 * launch plan (render, measure, define, ccmd) chooses from, so that what host-check lists
 * is what a spec without Firmware= gets.
 * @root: NULL for this system; else another system's tree (host-check --root): the first
 *   two folders inside it, and no user folder (this user's configuration belongs to this
 *   system, not to that tree).
 */
GStrv ccm_firmware_descriptor_search_path(const char *root);

/**
 * ccm_firmware_descriptor_select() - pick firmware as QEMU and libvirt would
 * @dirs: folders to search, in increasing priority; NULL for the defaults
 * @architecture: "x86_64" or "aarch64"
 * @machine: the machine type, matched against the descriptor's globs ("q35" matches
 *   "pc-q35-*")
 * @features: features the firmware must list (e.g. "amd-sev-snp"), NULL-terminated
 * @prefer_memory: prefer "memory" mappings (stateless, -bios) over "flash"
 *
 * Descriptors are considered in file-name order (after the override rule above);
 * the first that matches wins. Only "uefi" firmware with an existing image counts, and
 * only images ccm can load: "memory", or "flash" in split mode with raw images (others,
 * such as Fedora's qcow2 builds, are passed over and named in the NOT_FOUND message).
 * Malformed or unreadable files are skipped; empty files and links to /dev/null hide
 * their name. On failure: CCM_FIRMWARE_ERROR_NOT_FOUND, naming the folders, the files
 * read and why each near miss was passed over.
 */
CcmFirmwareChoice *ccm_firmware_descriptor_select(const char *const *dirs,
                                                  const char *architecture,
                                                  const char *machine,
                                                  const char *const *features,
                                                  bool prefer_memory, GError **error);
