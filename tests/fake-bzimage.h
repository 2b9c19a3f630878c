/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fake-bzimage.h - a tiny synthetic x86 kernel for the TDX RTMR1/RTMR2 tests */
#pragma once

#include <stdint.h>
#include <string.h>

#include <glib.h>

/* A small synthetic bzImage with an EFI stub PE header: one section, PE32+. */
static uint8_t *fake_bzimage(size_t *ret_size)
{
    size_t size = 0x3000 + 5; /* trailing bytes not a multiple of 8 */
    uint8_t *k = g_malloc0(size);
    k[0] = 'M';
    k[1] = 'Z';
    k[0x3c] = 0x40;
    memcpy(k + 0x40, "PE\0\0", 4);
    k[0x40 + 6] = 1;                 /* one section */
    k[0x40 + 20] = 240;              /* PE32+ optional header size */
    size_t opt = 0x40 + 24;
    k[opt] = 0x0b;
    k[opt + 1] = 0x02;               /* PE32+ */
    k[opt + 60] = 0x00;
    k[opt + 61] = 0x10;              /* SizeOfHeaders 0x1000 */
    k[opt + 108] = 16;               /* 16 data directories */
    size_t sec = opt + 240;
    memcpy(sec + k, ".text", 5);
    k[sec + 17] = 0x10;              /* raw size 0x1000 */
    k[sec + 21] = 0x10;              /* raw pointer 0x1000 */
    memcpy(k + 0x202, "HdrS", 4);
    k[0x206] = 0x0f;
    k[0x207] = 0x02;                 /* protocol 2.15 */
    k[0x211] = 0x01;                 /* LOADED_HIGH */
    k[0x236] = 0x02;                 /* CAN_BE_LOADED_ABOVE_4G */
    k[0x20e] = 0x00;
    k[0x20f] = 0x02;                 /* version string at 0x400 */
    memcpy(k + 0x400, "6.12.0-test", 12);
    for (size_t i = 0x1000; i < size; i++)
        k[i] = (uint8_t) i;
    *ret_size = size;
    return k;
}
