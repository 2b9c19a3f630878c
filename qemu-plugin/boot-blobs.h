/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot-blobs.h - the kernel, initrd and command line as the firmware read them over fw_cfg
 *
 * The simulated SEV-SNP TEE measures direct boot the way QEMU's kernel-hashes table does:
 * SHA-256 of the kernel (the etc/boot/kernel file, or the setup data followed by the kernel
 * data), of the initrd, and of the command line with its terminating NUL. Here those hashes come from the bytes the guest actually
 * received, item by item; a new selection of an item starts it again from offset 0, and a
 * skip leaves it incomplete.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "kernel-hashes.h"

typedef struct CcmBootBlobs CcmBootBlobs;

CcmBootBlobs *ccm_boot_blobs_new(void);
void ccm_boot_blobs_free(CcmBootBlobs *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmBootBlobs, ccm_boot_blobs_free)

/* The firmware selected the fw_cfg item @name ("kernel_data", "etc/boot/kernel", ...).
 * Returns true when it is one of the boot blobs. */
bool ccm_boot_blobs_select(CcmBootBlobs *b, const char *name);
/* Bytes of the selected item at the current offset; true when they belonged to a blob. */
bool ccm_boot_blobs_data(CcmBootBlobs *b, const void *data, size_t n);
/* The selected item was skipped over: what it holds is no longer known from offset 0. */
void ccm_boot_blobs_skip(CcmBootBlobs *b);

/* Whether the firmware read any kernel bytes. */
bool ccm_boot_blobs_have_kernel(const CcmBootBlobs *b);
/* The three table entries as of now: the kernel's from what was read, the initrd's and the
 * command line's from what was read or, before that, of an empty initrd and an empty line. */
void ccm_boot_blobs_hashes(const CcmBootBlobs *b, CcmKernelHashes *ret);
/* The command line read (without its NUL), or NULL when none was read or it is not one
 * NUL-terminated string. */
const char *ccm_boot_blobs_cmdline(const CcmBootBlobs *b);
bool ccm_boot_blobs_have_initrd(const CcmBootBlobs *b);

/* Also keep the kernel's bytes (the simulated TDX hashes it as a PE image). */
void ccm_boot_blobs_keep_kernel(CcmBootBlobs *b);
/* The kernel as read (setup data and kernel data joined), or NULL. */
const GByteArray *ccm_boot_blobs_kernel_bytes(const CcmBootBlobs *b);
/* The initrd's SHA-384 and size, or -1 when none was read. */
int64_t ccm_boot_blobs_initrd_sha384(const CcmBootBlobs *b, uint8_t ret[CCM_SHA384_SIZE]);
/* The RAM in the e820 map the firmware read (etc/e820, type 1 entries), or 0. */
uint64_t ccm_boot_blobs_ram_size(const CcmBootBlobs *b);
