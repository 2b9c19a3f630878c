/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-firmware-builds.c - the OVMF CODE images of a vTPM guest we know, by SHA-256
 *
 * What a vTPM's PCRs hold depends on facts about the firmware build that its compressed
 * image does not state plainly: the edk2 release (which events exist), whether it is an
 * SMM build (SMI negotiation changes QEMU's DSDT) and its SMBIOS type-0 strings (the
 * version string is also PCR0's S_CRTM_VERSION) and whether its PEI modules leave the PEI
 * volume as built before Tcg2Pei hashes it (they run from that copy in RAM, and in most
 * builds write their global variables into it: then PCR0 depends on the boot, not only on
 * the image). Each row was checked against a real boot
 * of that image (tests/data/vtpm). Add a row when a distribution ships a new build.
 */
#include <stdbool.h>
#include <string.h>

#include "ccm/measure.h"
#include "digest.h"

#define DEBIAN_VENDOR "Debian distribution of EDK II"

static const CcmUefiFirmwareBuild builds[] = {
    {
        .name = "debian-bookworm-ovmf-2022.11-6+deb12u2",
        .file = "/usr/share/OVMF/OVMF_CODE_4M.fd",
        .edk2_release = 202211,
        .secure_boot_flags = CCM_UEFI_SECURE_BOOT_OFF_AS_ZERO,
        .version = "",
        .sha256 = "b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c",
    },
    {
        .name = "debian-bookworm-ovmf-2022.11-6+deb12u2-secboot",
        .file = "/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
        .edk2_release = 202211,
        .secure_boot_flags = CCM_UEFI_SECURE_BOOT_OFF_AS_ZERO,
        .smm = 1,
        .version = "",
        .sha256 = "d50189a486d22af418198226a3a5bcb6ddac775590f6a808bd629474ee034d62",
    },
    {
        .name = "debian-trixie-ovmf-2025.02-8+deb13u1",
        .file = "/usr/share/OVMF/OVMF_CODE_4M.fd",
        .edk2_release = 202502,
        .version = "2025.02-8+deb13u1",
        .sha256 = "624e06de18b4fa535e90db7160d00d3d07d206422b89999bf1e27d920264e4e0",
    },
    {
        .name = "debian-trixie-ovmf-2025.02-8+deb13u1-secboot",
        .file = "/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
        .edk2_release = 202502,
        .smm = 1,
        .version = "2025.02-8+deb13u1",
        .sha256 = "1a46295574430cfb7f825ee3e4dc64b052acbef08e310377ed7c64cb757a9dc1",
    },
    {
        .name = "debian-sid-ovmf-2026.08+ds-2",
        .file = "/usr/share/OVMF/OVMF_CODE_4M.fd",
        .edk2_release = 202608,
        .pei_volume_as_built = 1,
        .vendor = DEBIAN_VENDOR,
        .version = "2026.08+ds-2",
        .date = "09/26/2026",
        .sha256 = "7e34e3b83224968bb0714c0ebc88f75c5c37b4cc892c902e511ccc7a7c107f94",
    },
    {
        .name = "debian-sid-ovmf-2026.08+ds-2-secboot",
        .file = "/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
        .edk2_release = 202608,
        .smm = 1,
        .vendor = DEBIAN_VENDOR,
        .version = "2026.08+ds-2",
        .date = "09/26/2026",
        .sha256 = "b3cdbd705066cdf2bb0c0b40b77c341dc2a19e0db56c9af0a54fa1737ff3ee5b",
    },
};

const CcmUefiFirmwareBuild *ccm_uefi_firmware_build_find(const void *image, size_t size)
{
    uint8_t digest[32];
    char hex[2 * sizeof(digest) + 1];
    if (!image || ccm_digest_once(CCM_HASH_SHA256, image, size, digest) < 0)
        return NULL;
    ccm_digest_hex(digest, sizeof(digest), hex);
    for (size_t i = 0; i < sizeof(builds) / sizeof(builds[0]); i++)
        if (strcmp(builds[i].sha256, hex) == 0)
            return &builds[i];
    return NULL;
}
