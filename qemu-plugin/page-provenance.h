/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page-provenance.h - where the bytes of each executed guest page came from
 *
 * Fed by the plugin with what it saw: the firmware image as mapped at reset, every page
 * the host wrote through fw_cfg (DMA or string I/O) with its content right after, and
 * each page the guest is about to execute with its content at that moment (code is
 * classified when QEMU translates it, and QEMU translates again after any write to a page
 * that holds code, so the content seen is the content run). A page is "measured" when its
 * bytes are those the TEE measured at launch (the firmware image, or a measured section of
 * it still unchanged), "host-written" while it still holds what the host wrote (then the
 * fw_cfg item is its source, "covered" when the platform's measurement covers that item),
 * "guest-written" when the guest changed it since, and "unwritten" when nothing wrote it
 * and no measurement says what it holds. Host-written and not covered, or unwritten, is
 * flagged.
 *
 * The platform decides what is measured: SEV, SEV-ES and SEV-SNP measure the whole
 * firmware image and SEV-SNP also its metadata sections (SNP_SEC_MEM, SECRETS, CPUID,
 * the kernel hashes); TDX measures the TDVF sections (BFV and CFV by content, TD HOB and
 * TempMem as zero pages). Coverage of host items: SEV's kernel hashes cover the kernel,
 * initrd and command line when the firmware has the hashes table and the guest launches
 * with kernel-hashes=on; TDX's RTMRs cover those and QEMU's ACPI files.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define CCM_PAGE_SIZE 4096u

typedef struct CcmProvenance CcmProvenance;

/* @platform: sev, sev-es, sev-snp or tdx. NULL when it is not one of these. */
CcmProvenance *ccm_provenance_new(const char *platform, bool kernel_hashes);
void ccm_provenance_free(CcmProvenance *p);

/**
 * ccm_provenance_set_firmware() - the firmware as mapped below 4 GiB at reset
 *
 * Finds what the platform measures in it (SEV metadata, TDVF sections) with
 * libccm-measure. Returns false with *@ret_why when the image cannot be read as the
 * platform needs it (a TDX map without TDVF metadata).
 */
bool ccm_provenance_set_firmware(CcmProvenance *p, uint64_t base, const uint8_t *image,
                                 size_t size, char **ret_why);

/* Measured pages outside the firmware image (RAM sections): their content at launch is
 * set with ccm_provenance_initial_page(). */
GArray *ccm_provenance_ram_pages(const CcmProvenance *p); /* of uint64_t page numbers */
void ccm_provenance_initial_page(CcmProvenance *p, uint64_t page, const uint8_t *content);

/* The host wrote (part of) @page for fw_cfg item @item; @content is the page after. */
void ccm_provenance_host_page(CcmProvenance *p, uint64_t page, const char *item,
                              const uint8_t *content);

/* @page (CCM_PAGE_SIZE bytes of @content) is about to run. */
void ccm_provenance_executed(CcmProvenance *p, uint64_t page, const uint8_t *content);

/* Appends "firmware", "regions" and "executed" members (without braces) as JSON. */
void ccm_provenance_append_json(CcmProvenance *p, GString *out);

uint64_t ccm_provenance_flagged_pages(const CcmProvenance *p);
