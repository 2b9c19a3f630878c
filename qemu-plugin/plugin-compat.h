/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin-compat.h - one way to write the plugin for QEMU's API levels 4 and 7
 *
 * The callbacks whose shape changed at level 7 (translate, vCPU init, exit) are registered
 * here with shapes that carry neither the plugin id nor userdata, register reads return bool
 * at both levels, the register list does not depend on the descriptor size, and guest memory
 * is read through whichever call this QEMU has.
 *
 * Block, instruction and memory exec callbacks kept their shape at level 7; register them with
 * QEMU's functions directly (plugin-api.h).
 *
 * Everything here uses plugin-api.h and GLib only. GLib is not linked into the plugin: its
 * symbols, like the qemu_plugin_* ones, resolve against the QEMU process that loads it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "plugin-api.h"

/**
 * ccm_plugin_check_info() - whether this QEMU suits the plugin; says why not
 *
 * QEMU already refused a level outside its range before calling install(); this also refuses
 * user-mode emulation, which has no guest-physical memory. Logs the reason with
 * qemu_plugin_outs(). Returns true to go on.
 */
bool ccm_plugin_check_info(const qemu_info_t *info);

/* qemu_plugin_outs() with printf formatting. */
void ccm_plugin_outf(const char *format, ...) G_GNUC_PRINTF(1, 2);

/*
 * Callbacks without the id or userdata. One of each kind per plugin: the level-4 shapes have
 * no userdata to tell two apart, so a second registration of the same kind is refused.
 */
typedef void (*CcmPluginTbTranslateFn)(struct qemu_plugin_tb *tb);
typedef void (*CcmPluginVcpuFn)(unsigned int vcpu_index);
typedef void (*CcmPluginExitFn)(void);

/* Called for every block QEMU translates, in the translating vCPU's thread. */
void ccm_plugin_on_tb_translate(qemu_plugin_id_t id, CcmPluginTbTranslateFn fn);
/* Called once per vCPU, in its thread: the place to look up register handles. */
void ccm_plugin_on_vcpu_init(qemu_plugin_id_t id, CcmPluginVcpuFn fn);
/* Called when QEMU exits, including on SIGTERM; no vCPU context (no register or memory reads). */
void ccm_plugin_on_exit(qemu_plugin_id_t id, CcmPluginExitFn fn);

/* A register of the current vCPU: the handle for reads and its gdbstub name. */
typedef struct CcmPluginReg {
    struct qemu_plugin_register *handle;
    const char *name;              /* interned by QEMU; lives as long as the process */
} CcmPluginReg;

/**
 * ccm_plugin_list_registers() - the current vCPU's registers
 * @ret_n: set to the number of entries
 *
 * Call in vCPU context (a vCPU-init callback). Returns an array to free with g_free(), or NULL
 * with *@ret_n = 0 when QEMU lists none.
 */
CcmPluginReg *ccm_plugin_list_registers(size_t *ret_n);

/**
 * ccm_plugin_find_register() - the handle of the register called @name, or NULL
 *
 * Call in vCPU context. Handles are the same for every vCPU of one CPU model.
 */
struct qemu_plugin_register *ccm_plugin_find_register(const char *name);

/**
 * ccm_plugin_read_reg() - the value of @reg in the current vCPU, in target byte order
 * @buf: emptied, then filled with the register's bytes
 *
 * Only works in callbacks registered with QEMU_PLUGIN_CB_R_REGS or stronger, and in vCPU-init
 * callbacks. Returns false when QEMU could not read it.
 *
 * The PC is not kept current inside a block: in an instruction callback "rip" reads as an
 * earlier address of the block (where QEMU last stored it), on 10.0 and 11.1 alike. Take the
 * instruction's address from qemu_plugin_insn_vaddr() at translation instead.
 */
bool ccm_plugin_read_reg(struct qemu_plugin_register *reg, GByteArray *buf);

/**
 * ccm_plugin_read_reg_u64() - ccm_plugin_read_reg() for a register of at most 8 bytes
 *
 * Assumes a little-endian target (x86). Uses a buffer per host thread, so it suits exec
 * callbacks that run on several vCPU threads at once.
 */
bool ccm_plugin_read_reg_u64(struct qemu_plugin_register *reg, uint64_t *ret_value);

/**
 * ccm_plugin_have_physical() - whether guest-physical accesses are real
 *
 * True when this QEMU has read_memory_hwaddr and translate_vaddr (level 5, QEMU 10.1+). When
 * false, ccm_plugin_read_guest() and ccm_plugin_translate() treat a physical address as a
 * virtual one, which is only right while the guest runs identity-mapped (firmware, early
 * boot). Tools should say so next to what they report.
 */
bool ccm_plugin_have_physical(void);

/**
 * ccm_plugin_read_guest() - read @len guest bytes at @addr into @buf
 * @physical: @addr is guest-physical rather than virtual
 *
 * Call in vCPU context. Physical reads use read_memory_hwaddr when QEMU has it and otherwise
 * read_memory_vaddr at the same address (identity mapping assumed); virtual reads always use
 * read_memory_vaddr. Returns false if QEMU could not read all of it.
 */
bool ccm_plugin_read_guest(uint64_t addr, bool physical, void *buf, size_t len);

/**
 * ccm_plugin_translate() - the guest-physical address behind virtual @vaddr
 *
 * Call in vCPU context. Uses translate_vaddr when QEMU has it and otherwise returns @vaddr
 * itself (identity mapping assumed, see ccm_plugin_have_physical()). Returns false when QEMU
 * finds no mapping.
 */
bool ccm_plugin_translate(uint64_t vaddr, uint64_t *ret_paddr);

/* Level 5 and later (QEMU 10.1+), level-7 build only: whether this QEMU lets the plugin write
 * guest memory and registers. */
bool ccm_plugin_can_write(void);

/* Writes guest-physical memory; false when QEMU refused or cannot. */
bool ccm_plugin_write_guest(uint64_t paddr, const void *buf, size_t len);

/* Writes a 64-bit register (in a QEMU_PLUGIN_CB_RW_REGS callback) and reads it back. */
bool ccm_plugin_write_reg_u64(struct qemu_plugin_register *reg, uint64_t value);
