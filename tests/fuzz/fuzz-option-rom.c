/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-option-rom.c - libFuzzer target: PCI option ROM walk, UEFI decompression, PE hash
 *
 * The input is read three ways: as a whole option ROM; as the compressed stream of the
 * one EFI image of a ROM built around it (so mutations reach the decompressor without
 * having to keep the ROM headers right); and as the uncompressed PE image of such a ROM
 * (the Authenticode walk). Every failure must explain itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccm/measure.h"

#define MAX_INPUT (1u << 20)
#define PE_OFFSET 0x38u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const uint8_t *rom, size_t size)
{
    CcmUefiRomDriver drivers[4];
    size_t n = 0;
    CcmError error;

    error.message[0] = '\0';
    if (ccm_uefi_option_rom_drivers(rom, size, drivers, 4, &n, &error) < 0 &&
        error.message[0] == '\0')
        abort();
    if (ccm_uefi_option_rom_drivers(rom, size, NULL, 0, &n, &error) < 0 &&
        error.message[0] == '\0')
        abort();
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

/* One EFI image (x64 boot-service driver) holding @data at PE_OFFSET. */
static void wrapped(const uint8_t *data, size_t size, uint16_t compression)
{
    size_t len = (PE_OFFSET + size + 511) / 512 * 512;
    if (len / 512 > 0xffff)
        return;
    uint8_t *rom = calloc(1, len);
    if (!rom)
        abort();
    rom[0] = 0x55, rom[1] = 0xaa;
    put16(rom + 2, (uint16_t) (len / 512));
    put16(rom + 4, 0x0ef1);
    put16(rom + 8, 11);
    put16(rom + 0x0a, 0x8664);
    put16(rom + 0x0c, compression);
    put16(rom + 0x16, PE_OFFSET);
    put16(rom + 0x18, 0x1c);
    memcpy(rom + 0x1c, "PCIR", 4);
    put16(rom + 0x1c + 0x10, (uint16_t) (len / 512));
    rom[0x1c + 0x14] = 3;
    rom[0x1c + 0x15] = 0x80;
    memcpy(rom + PE_OFFSET, data, size);
    walk(rom, len);
    free(rom);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    walk(data, size);
    wrapped(data, size, 1);
    wrapped(data, size, 0);
    return 0;
}
