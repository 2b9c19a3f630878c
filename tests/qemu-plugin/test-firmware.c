/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-firmware.c - a firmware that runs code the host wrote and nothing measured
 *
 * It reads QEMU's fw_cfg file directory by DMA, finds "opt/ccm/payload" (given with
 * -fw_cfg name=opt/ccm/payload,file=...), copies it by DMA to 1 MiB and jumps there. The
 * firmware image is what a TEE would measure; the payload is host-written after launch
 * and covered by nothing, so ccm-qemu-plugin's map must flag the page it runs from.
 */
#include <stdint.h>

void firmware_main(void);

struct dma {
    uint32_t control, length;
    uint64_t address;
};

struct file_entry {
    uint32_t size;
    uint16_t select, reserved;
    char name[56];
};

#define PAYLOAD_ADDRESS 0x100000u

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

/* One fw_cfg DMA transfer (big-endian descriptor), waited for. */
static void dma(uint32_t control, void *buffer, uint32_t length)
{
    volatile struct dma d __attribute__((aligned(16)));
    d.control = __builtin_bswap32(control);
    d.length = __builtin_bswap32(length);
    d.address = __builtin_bswap64((uint64_t) (uintptr_t) buffer);
    outl(0x514, 0);
    outl(0x518, __builtin_bswap32((uint32_t) (uintptr_t) &d));
    while (__builtin_bswap32(d.control) & ~1u)
        ;
}

void firmware_main(void)
{
    static const char wanted[] = "opt/ccm/payload";
    uint32_t count;
    dma((0x19u << 16) | 0x08 | 0x02, &count, sizeof(count));    /* select file_dir, read */
    count = __builtin_bswap32(count);
    for (uint32_t i = 0; i < count; i++) {
        struct file_entry e;
        dma(0x02, &e, sizeof(e));
        unsigned j = 0;
        while (wanted[j] && e.name[j] == wanted[j])
            j++;
        if (wanted[j] || e.name[j])
            continue;
        uint32_t select = __builtin_bswap16(e.select);
        dma((select << 16) | 0x08 | 0x02, (void *) PAYLOAD_ADDRESS, __builtin_bswap32(e.size));
        ((void (*)(void)) PAYLOAD_ADDRESS)();
    }
}
