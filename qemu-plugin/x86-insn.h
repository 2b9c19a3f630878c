/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-insn.h - the few x86 instructions the plugin watches, recognised from their bytes
 *
 * Port I/O never reaches QEMU's memory callbacks, so the plugin finds it by decoding each
 * instruction at translation: IN and OUT with an immediate port or DX, the string forms
 * INS and OUTS (with REP), and CPUID. Everything else is "other". The firmware does its
 * fw_cfg I/O in 32- or 64-bit code, whose default operand size is 32 bits; the 16-bit
 * forms (operand-size prefix 0x66) are recognised, real-mode code is not expected.
 * The simulated TEE's request is the exact 7-byte NOP 0f 1f 80 43 43 4d 54 ("CCMT" as the
 * displacement), with no prefix; docs/simulated-tee.md describes it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum CcmInsnKind {
    CCM_INSN_OTHER,
    CCM_INSN_IN,     /* port -> AL/AX/EAX */
    CCM_INSN_OUT,    /* AL/AX/EAX -> port */
    CCM_INSN_INS,    /* port -> ES:[RDI], RCX times with REP */
    CCM_INSN_OUTS,   /* DS:[RSI] -> port */
    CCM_INSN_CPUID,
    CCM_INSN_TEE_REQUEST, /* nopl 0x544d4343(%rax): a guest's request to the simulated TEE */
} CcmInsnKind;

typedef struct CcmInsn {
    CcmInsnKind kind;
    int port;        /* the immediate port, or -1 when the port is in DX */
    unsigned size;   /* bytes per transfer: 1, 2 or 4 */
    bool rep;
} CcmInsn;

/* Decodes @len bytes of one instruction. */
CcmInsn ccm_insn_decode(const uint8_t *bytes, size_t len);
