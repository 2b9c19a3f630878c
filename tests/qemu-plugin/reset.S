/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reset.S - the reset vector of ccm's test firmware: from 16-bit real mode at 0xfffffff0
 * into flat 32-bit protected mode, then firmware_main() (test-firmware.c).
 */
    .code16
    .section .reset, "ax"
    .globl reset16
reset16:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl %cs:(gdt_desc - reset16)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $start32

    .align 8
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff     /* 0x08: code, flat 4 GiB */
    .quad 0x00cf93000000ffff     /* 0x10: data, flat 4 GiB */
gdt_desc:
    .word gdt_desc - gdt - 1
    .long gdt

    .section .text32, "ax"
    .code32
start32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl $0x80000, %esp
    call firmware_main
1:  hlt
    jmp 1b

    .section .resetvec, "ax"
    .code16
    jmp reset16
    .fill 16 - 3, 1, 0xf4

    .section .note.GNU-stack, "", @progbits
