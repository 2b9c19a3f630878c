/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fw-cfg-watch.h - what the firmware read through QEMU's fw_cfg, item by item
 *
 * The guest selects an item (a 16-bit key: port 0x510, or the select bit of a DMA
 * descriptor) and reads it from offset 0 on: byte by byte from port 0x511, by string I/O
 * from the same port, or by DMA (the descriptor's address written big-endian to ports
 * 0x514 and 0x518; QEMU completes the transfer inside that write). A skip advances the
 * offset without a transfer. This is a pure state machine fed with what the plugin saw;
 * it keeps, per item, the longest read that started at offset 0 and had no gap, with its
 * SHA-256 and SHA-384, and names items from the file directory (key 0x19) as the
 * firmware itself read it, or from QEMU's fixed keys below 0x20.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define CCM_FW_CFG_PORT_SELECTOR 0x510
#define CCM_FW_CFG_PORT_DATA 0x511
#define CCM_FW_CFG_PORT_DMA_HIGH 0x514
#define CCM_FW_CFG_PORT_DMA_LOW 0x518
#define CCM_FW_CFG_KEY_FILE_DIR 0x19

/* DMA control bits. */
#define CCM_FW_CFG_DMA_ERROR 0x01u
#define CCM_FW_CFG_DMA_READ 0x02u
#define CCM_FW_CFG_DMA_SKIP 0x04u
#define CCM_FW_CFG_DMA_SELECT 0x08u
#define CCM_FW_CFG_DMA_WRITE 0x10u

typedef enum CcmFwCfgVia {
    CCM_FW_CFG_VIA_PIO = 1,
    CCM_FW_CFG_VIA_DMA = 2,
} CcmFwCfgVia;

/* A DMA descriptor in host byte order. */
typedef struct CcmFwCfgDma {
    uint32_t control;
    uint32_t length;
    uint64_t address;
} CcmFwCfgDma;

/* Decodes the 16 big-endian bytes of a descriptor. */
void ccm_fw_cfg_dma_decode(const uint8_t bytes[16], CcmFwCfgDma *ret);

typedef struct CcmFwCfgWatch CcmFwCfgWatch;

CcmFwCfgWatch *ccm_fw_cfg_watch_new(void);

/* Also keep the bytes of each item's best read, to write into @dir as files named after
 * the items (slashes as "_") when the manifest is written. */
void ccm_fw_cfg_keep_bytes(CcmFwCfgWatch *w, const char *dir);
void ccm_fw_cfg_watch_free(CcmFwCfgWatch *w);

void ccm_fw_cfg_select(CcmFwCfgWatch *w, uint16_t key);
/* Bytes the guest received from the selected item at the current offset. */
void ccm_fw_cfg_data(CcmFwCfgWatch *w, const void *data, size_t n, CcmFwCfgVia via);
void ccm_fw_cfg_skip(CcmFwCfgWatch *w, uint32_t n);

/* The selected key (0xffff before any selection). */
uint16_t ccm_fw_cfg_selected(const CcmFwCfgWatch *w);

/* The item's name ("etc/acpi/tables", "cmdline_data"), or a "key 0x2a" form; owned by @w. */
const char *ccm_fw_cfg_name(CcmFwCfgWatch *w, uint16_t key);

/* Appends the manifest's "fw_cfg" array (items in the order first read) as JSON. */
void ccm_fw_cfg_append_json(CcmFwCfgWatch *w, GString *out);

/* SHA-384 of the item @name as the firmware read it whole from offset 0 (its best read);
 * false when it was not read. Ends the current selection. */
bool ccm_fw_cfg_item_sha384(CcmFwCfgWatch *w, const char *name, uint8_t ret[48]);

/* Appends @text as a JSON string literal. */
void ccm_json_string(GString *out, const char *text);
