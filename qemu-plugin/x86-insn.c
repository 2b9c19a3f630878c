/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86-insn.c - the few x86 instructions the plugin watches, recognised from their bytes */
#include <string.h>

#include "x86-insn.h"

static const uint8_t tee_request[] = { 0x0f, 0x1f, 0x80, 0x43, 0x43, 0x4d, 0x54 };

CcmInsn ccm_insn_decode(const uint8_t *b, size_t len)
{
    CcmInsn insn = { .kind = CCM_INSN_OTHER, .port = -1, .size = 4 };
    if (len >= sizeof(tee_request) && memcmp(b, tee_request, sizeof(tee_request)) == 0) {
        insn.kind = CCM_INSN_TEE_REQUEST;
        return insn;
    }
    bool operand16 = false;
    size_t i = 0;

    /* Legacy prefixes, then at most one REX prefix (64-bit code). */
    for (; i < len; i++) {
        uint8_t p = b[i];
        if (p == 0x66)
            operand16 = true;
        else if (p == 0xf3 || p == 0xf2)
            insn.rep = true;
        else if (p == 0x67 || p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e || p == 0x64 ||
                 p == 0x65 || p == 0xf0)
            continue;
        else
            break;
    }
    if (i < len && (b[i] & 0xf0) == 0x40)
        i++;
    if (i >= len)
        return insn;

    uint8_t op = b[i];
    unsigned wide = operand16 ? 2 : 4;
    switch (op) {
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:    /* in/out with an immediate port */
        if (i + 1 >= len)
            return insn;
        insn.kind = op < 0xe6 ? CCM_INSN_IN : CCM_INSN_OUT;
        insn.port = b[i + 1];
        insn.size = (op & 1) ? wide : 1;
        return insn;
    case 0xec: case 0xed: case 0xee: case 0xef:    /* in/out with the port in DX */
        insn.kind = op < 0xee ? CCM_INSN_IN : CCM_INSN_OUT;
        insn.size = (op & 1) ? wide : 1;
        return insn;
    case 0x6c: case 0x6d: case 0x6e: case 0x6f:    /* ins/outs */
        insn.kind = op < 0x6e ? CCM_INSN_INS : CCM_INSN_OUTS;
        insn.size = (op & 1) ? wide : 1;
        return insn;
    case 0x0f:
        if (i + 1 < len && b[i + 1] == 0xa2)
            insn.kind = CCM_INSN_CPUID;
        return insn;
    default:
        return insn;
    }
}
