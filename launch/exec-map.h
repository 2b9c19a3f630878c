/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec-map.h - which guest-physical pages a boot executed, and where their bytes came
 * from (ccm-qemu-plugin's map=)
 *
 * Each executed page is classified by who last wrote it before it ran: "measured" (its
 * bytes are those the TEE measured at launch: the firmware image, or a measured section
 * of it such as SEV's SNP_SEC_MEM or TDVF's TD HOB, unchanged since), "guest-written"
 * (the guest's own code wrote it, e.g. the firmware decompressing a volume into RAM),
 * "host-written" (the host wrote it after launch through fw_cfg: a kernel, tables; then
 * "source" names the item and "covered" says whether a measurement covers it: SEV's
 * kernel hashes, TDX's RTMRs) or "unwritten" (nobody wrote it, and no measurement says
 * what it holds). A page that is host-written and not covered, or unwritten, is flagged:
 * code the TEE never vouched for ran there.
 */
#pragma once

#include <stdbool.h>

#include <glib.h>

#define CCM_EXEC_MAP_FORMAT "ccm-exec-map"
#define CCM_EXEC_MAP_VERSION 1

typedef struct CcmMapRange {
    guint64 start, end;   /* guest-physical, end exclusive, page aligned */
    char *kind;           /* regions: measured, measured-zero, host-written;
                           * executed: measured, guest-written, host-written, unwritten */
    char *source;         /* firmware, a section name, an fw_cfg item, or NULL */
    bool covered;         /* host-written: a measurement covers the item */
    bool flagged;         /* executed: ran from bytes the TEE never vouched for */
} CcmMapRange;

typedef struct CcmExecMap {
    char *path;
    int plugin_api;
    char *platform;       /* the platform whose measurement the map is set against */
    char *stopped;        /* what ended the recording: kernel, exit, pio:PORT */
    guint64 firmware_base, firmware_size;
    GPtrArray *regions;   /* CcmMapRange: measured and host-written memory */
    GPtrArray *executed;  /* CcmMapRange: executed pages, by class */
    guint64 executed_pages, flagged_pages;
} CcmExecMap;

void ccm_exec_map_free(CcmExecMap *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmExecMap, ccm_exec_map_free)

/* Reads @path strictly; another format, version or shape is one error naming the file and
 * the key (CCM_LAUNCH_ERROR_INPUT). */
CcmExecMap *ccm_exec_map_load(const char *path, GError **error);
CcmExecMap *ccm_exec_map_parse(const char *text, gsize size, const char *path, GError **error);

/* Pages of @m's executed ranges whose class is @kind. */
guint64 ccm_exec_map_pages(const CcmExecMap *m, const char *kind);

/* The picture: an SVG document of the guest-physical layout, one band per stretch of
 * memory the boot touched (gaps collapsed), with what was measured or host-written above
 * and what ran, by class, below; flagged pages in red. */
char *ccm_exec_map_svg(const CcmExecMap *m);
