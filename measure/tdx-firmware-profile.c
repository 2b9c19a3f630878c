/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-firmware-profile.c - the TDVF images we know, by SHA-384, and their edk2 generation
 *
 * The event layout of RTMR0 and RTMR1 moved between edk2 releases (tdx.md §3.2) and
 * nothing in a compressed OVMF image says which release built it, so the generation is
 * recorded per image digest. Add a row when a distribution ships a new build.
 */
#include <stdbool.h>
#include <string.h>

#include "ccm/measure.h"
#include "digest.h"

static const CcmTdxFirmwareProfile profiles[] = {
    {
        .name = "debian-bookworm-ovmf-2022.11-6+deb12u2",
        .file = "/usr/share/ovmf/OVMF.fd",
        .layout = CCM_TDX_LAYOUT_EDK2_PRE_202411,
        .edk2_release = 202211,
        .sha384 = "fa0dd56f4e3156e03cb377d56b5785bda51999a9c01fcf4e3d00e8848d6fe02a"
                  "94d95e2c1fab707a000bb08674a7ce6a",
    },
    {
        .name = "debian-trixie-ovmf-2025.02-8+deb13u1",
        .file = "/usr/share/ovmf/OVMF.fd",
        .layout = CCM_TDX_LAYOUT_EDK2_202411,
        .edk2_release = 202502,
        .sha384 = "6b26bfdf4a92cdb061eb305d723495f09948dcaf82e939519d546952772c5e30"
                  "4a8adec5c294c6e1810f8f6bd1a946b0",
    },
    {
        /* OvmfPkgX64 with TDX support (Config-A): the same events as the vTPM builds. */
        .name = "debian-sid-ovmf-2026.08+ds-2",
        .file = "/usr/share/ovmf/OVMF.fd",
        .layout = CCM_TDX_LAYOUT_EDK2_202505,
        .edk2_release = 202608,
        .sha384 = "065f9be925952cbe3ac42f046494f96b4bde8479e5d3560b42422918ebeab4da"
                  "eaa88cd6d473d378ddd98293c3b79df0",
    },
    {
        .name = "debian-sid-ovmf-inteltdx-2026.08+ds-2",
        .file = "/usr/share/ovmf/OVMF.inteltdx.ms.fd",
        .layout = CCM_TDX_LAYOUT_EDK2_202505,
        .secure_boot_keys = 1,
        .edk2_release = 202608,
        .inteltdx = 1,
        .sha384 = "233c782278a7b10f62fa98f19268f853ef39cc41e64544a6cdbf71344f163bc5"
                  "41973605655826370a468c7862bb1ef2",
    },
};

const CcmTdxFirmwareProfile *ccm_tdx_firmware_profile_find(const void *image, size_t size)
{
    uint8_t digest[CCM_SHA384_SIZE];
    char hex[2 * CCM_SHA384_SIZE + 1];

    CcmHasher h;
    if (!image || ccm_hasher_init(&h, CCM_HASH_SHA384) < 0)
        return NULL;
    int r = ccm_hasher_digest(&h, image, size, digest);
    ccm_hasher_done(&h);
    if (r < 0)
        return NULL;
    ccm_digest_hex(digest, sizeof(digest), hex);
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
        if (strcmp(profiles[i].sha384, hex) == 0)
            return &profiles[i];
    return NULL;
}

unsigned ccm_tdx_boot_flags(const CcmTdxFirmwareProfile *profile, unsigned edk2_release,
                            int qemu_major, int qemu_minor, int confidential)
{
    unsigned release = profile ? profile->edk2_release : edk2_release;
    if (qemu_major < 0) {
        qemu_major = 10;  /* upstream QEMU launches TDs from 10.1; assume the newer rule */
        qemu_minor = 2;
    }
    bool qemu_serves_file = qemu_major >= 10;           /* etc/boot/kernel, unpatched */
    bool qemu_patches_td = !confidential || qemu_major < 10 || (qemu_major == 10 && qemu_minor < 2);
    unsigned flags = 0;
    if ((release >= 202502 && qemu_serves_file) || !qemu_patches_td)
        flags |= CCM_TDX_BOOT_KERNEL_FILE;
    if (release >= 202508)
        flags |= CCM_TDX_BOOT_INITRD_FIRST;
    return flags;
}
