/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-boot-options.c - the boot variables OVMF measures at ReadyToBoot in a direct boot
 *
 * BootOrder, then each Boot#### it lists, as EV_EFI_VARIABLE_BOOT events whose digests
 * cover the variable data only. A TD logs them in RTMR0, a vTPM boot in PCR1: one rule for
 * both. Which options exist depends on the edk2 release and on whether the image is the
 * IntelTdx build (docs/edk2-202505-events.md §3.9, checked against real logs in
 * tests/data/vtpm).
 */
#include <string.h>

#include "ccm/measure.h"

/* Boot0000 in direct boot: the UiApp load option (attributes 0x109, FV and FvFile
 * device-path nodes, end node), as OVMF creates it. */
static const uint8_t ui_app[] = {
    0x09, 0x01, 0x00, 0x00, 0x2c, 0x00, 'U', 0, 'i', 0, 'A', 0, 'p', 0, 'p', 0, 0, 0,
    0x04, 0x07, 0x14, 0x00, 0xc9, 0xbd, 0xb8, 0x7c, 0xeb, 0xf8, 0x34, 0x4f, 0xaa, 0xea, 0x3e,
    0xe4, 0xaf, 0x65, 0x16, 0xa1, 0x04, 0x06, 0x14, 0x00, 0x21, 0xaa, 0x2c, 0x46, 0x14, 0x76,
    0x03, 0x45, 0x83, 0x6e, 0x8a, 0xb6, 0xf4, 0x66, 0x23, 0x31, 0x7f, 0xff, 0x04, 0x00,
};

/* From edk2-stable202505: Boot0000 is BootManagerMenuApp (0x109), Boot0001 the UiApp as
 * "EFI Firmware Setup" (0x101), both in DXEFV. */
static const uint8_t boot_manager_menu[] = {
    0x09, 0x01, 0x00, 0x00, 0x2c, 0x00, 'B', 0, 'o', 0, 'o', 0, 't', 0, 'M', 0, 'a', 0, 'n', 0,
    'a', 0, 'g', 0, 'e', 0, 'r', 0, 'M', 0, 'e', 0, 'n', 0, 'u', 0, 'A', 0, 'p', 0, 'p', 0, 0, 0,
    0x04, 0x07, 0x14, 0x00, 0xc9, 0xbd, 0xb8, 0x7c, 0xeb, 0xf8, 0x34, 0x4f, 0xaa, 0xea, 0x3e,
    0xe4, 0xaf, 0x65, 0x16, 0xa1, 0x04, 0x06, 0x14, 0x00, 0xdc, 0x5b, 0xc2, 0xee, 0xf2, 0x67,
    0x95, 0x4d, 0xb1, 0xd5, 0xf8, 0x1b, 0x20, 0x39, 0xd1, 0x1d, 0x7f, 0xff, 0x04, 0x00,
};
static const uint8_t firmware_setup[] = {
    0x01, 0x01, 0x00, 0x00, 0x2c, 0x00, 'E', 0, 'F', 0, 'I', 0, ' ', 0, 'F', 0, 'i', 0, 'r', 0,
    'm', 0, 'w', 0, 'a', 0, 'r', 0, 'e', 0, ' ', 0, 'S', 0, 'e', 0, 't', 0, 'u', 0, 'p', 0, 0, 0,
    0x04, 0x07, 0x14, 0x00, 0xc9, 0xbd, 0xb8, 0x7c, 0xeb, 0xf8, 0x34, 0x4f, 0xaa, 0xea, 0x3e,
    0xe4, 0xaf, 0x65, 0x16, 0xa1, 0x04, 0x06, 0x14, 0x00, 0x21, 0xaa, 0x2c, 0x46, 0x14, 0x76,
    0x03, 0x45, 0x83, 0x6e, 0x8a, 0xb6, 0xf4, 0x66, 0x23, 0x31, 0x7f, 0xff, 0x04, 0x00,
};
static const uint8_t one_option[2] = { 0, 0 };
static const uint8_t two_options[4] = { 0, 0, 1, 0 };

size_t ccm_uefi_boot_variables(unsigned edk2_release, int inteltdx,
                               CcmUefiBootVariable ret[CCM_UEFI_MAX_BOOT_VARIABLES])
{
    size_t n = 0;
#define VAR(desc_, data_) (ret[n++] = (CcmUefiBootVariable) { (desc_), (data_), sizeof(data_) })
    if (edk2_release < 202505) {
        VAR("BootOrder", one_option);
        VAR("Boot0000 (UiApp)", ui_app);
    } else if (!inteltdx || edk2_release < 202605) {
        VAR("BootOrder (0000 0001)", two_options);
        VAR("Boot0000 (BootManagerMenuApp)", boot_manager_menu);
        VAR("Boot0001 (EFI Firmware Setup)", firmware_setup);
    } else if (edk2_release >= 202608) {
        VAR("BootOrder (0000)", one_option);
        VAR("Boot0000 (BootManagerMenuApp)", boot_manager_menu);
    } /* IntelTdx 202605: no option is created, no BootOrder exists, nothing is measured */
#undef VAR
    return n;
}
