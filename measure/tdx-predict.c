/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-predict.c - RTMR0's events for a direct-boot TD, predicted from files and RAM size
 *
 * The order and content follow OVMF (tdx.md §3.2): TD HOB, configuration volume, the
 * Secure Boot policy variables (SecureBoot, PK, KEK, db, dbx) as found in the CFV's
 * authenticated variable store, the separator, QEMU's three ACPI blobs, then at
 * ReadyToBoot BootOrder and Boot0000, whose digests cover the variable data only.
 * OVMF before edk2-stable202411 also puts the ReadyToBoot separator into RTMR0.
 *
 * From edk2-stable202505 (docs/edk2-202505-events.md): the fw_cfg items QemuFwCfgLib
 * measures right after the CFV (BootMenu, bootorder), the SMBIOS table at ReadyToBoot,
 * an authority event when Secure Boot verified the kernel, and other boot options
 * (BootManagerMenuApp, "EFI Firmware Setup"), which depend on the release and on whether
 * the image is the IntelTdx build. The SMBIOS and authority digests need inputs ccm does
 * not have: those events are listed, with known = 0 and the reason in the description.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "digest.h"
#include "error.h"
#include "guid.h"
#include "tdvf.h"

#define EV_SEPARATOR 0x4u
#define EV_PLATFORM_CONFIG_FLAGS 0xau
#define EV_EFI_VARIABLE_DRIVER_CONFIG 0x80000001u
#define EV_EFI_VARIABLE_BOOT 0x80000002u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB2 0x8000000au
#define EV_EFI_HANDOFF_TABLES2 0x8000000bu


/* What QEMU serves as fw_cfg bootorder for a direct boot without other boot devices. */
static const char linuxboot_bootorder[] = "/rom@genroms/linuxboot_dma.bin";

#define EV_EFI_HANDOFF_TABLES 0x80000009u
#define EV_EFI_VARIABLE_AUTHORITY 0x800000e0u

static int sha384(const void *data, size_t size, uint8_t *out)
{
    return ccm_digest_once(CCM_HASH_SHA384, data, size, out);
}

int ccm_tdx_predict_rtmr0(const void *image, size_t size, const char *name, uint64_t ram_size,
                          CcmTdxLayout layout, const uint8_t acpi[3][CCM_SHA384_SIZE],
                          CcmTdxPredictedEvent *ev, size_t *ret_n, CcmError *reterr)
{
    CcmTdvfSection sections[CCM_TDVF_MAX_SECTIONS];
    size_t n_sections = 0, n = 0;
    int r;

    if (!image || !name || !ev || !ret_n || !ccm_tdx_layout_to_string(layout))
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_predict_rtmr0: bad arguments");
    if ((r = ccm_tdvf_parse(image, size, name, sections, &n_sections, reterr)) < 0)
        return r;
    /* 202505 on: which release and build decide the boot options (an unknown image: the
     * newest IntelTdx rule, as in Debian sid). */
    bool since_202505 = layout == CCM_TDX_LAYOUT_EDK2_202505;
    const CcmTdxFirmwareProfile *profile =
        since_202505 ? ccm_tdx_firmware_profile_find(image, size) : NULL;
    unsigned release = profile && profile->edk2_release ? profile->edk2_release : 202608;
    bool inteltdx = profile ? profile->inteltdx != 0 : true;

#define ADD(type_, desc_)                                                                      \
    (ev[n] = (CcmTdxPredictedEvent) { .rtmr = 0, .type = (type_), .known = 1,                  \
                                      .description = (desc_) },                                \
     &ev[n++])

    CcmTdxPredictedEvent *e = ADD(EV_EFI_HANDOFF_TABLES2, "TD HOB");
    if ((r = ccm_tdx_td_hob_digest(sections, n_sections, ram_size, e->digest, reterr)) < 0)
        return r;
    e = ADD(EV_EFI_PLATFORM_FIRMWARE_BLOB2, "configuration firmware volume (varstore)");
    if ((r = ccm_tdx_cfv_digest(image, size, sections, n_sections, e->digest, reterr)) < 0)
        return r;
    if (since_202505) {
        /* QemuFwCfgLib's cache: BootMenu (u16 0: no -boot menu=on), then bootorder (QEMU's
         * linuxboot option ROM, the only boot device of a direct boot). */
        static const uint8_t boot_menu_off[2] = { 0, 0 };
        e = ADD(EV_PLATFORM_CONFIG_FLAGS, "fw_cfg BootMenu (0: no -boot menu=on)");
        (void) sha384(boot_menu_off, sizeof(boot_menu_off), e->digest);
        e = ADD(EV_PLATFORM_CONFIG_FLAGS, "fw_cfg bootorder (/rom@genroms/linuxboot_dma.bin)");
        (void) sha384(linuxboot_bootorder, sizeof(linuxboot_bootorder), e->digest);
    }

    const uint8_t *cfv = NULL;
    size_t cfv_size = 0;
    for (size_t i = 0; i < n_sections; i++)
        if (sections[i].type == CCM_TDVF_SECTION_CFV) {
            cfv = (const uint8_t *) image + sections[i].raw_offset;
            cfv_size = sections[i].raw_size;
        }
    CcmUefiVariableEvent sb[CCM_UEFI_SECURE_BOOT_VARIABLES];
    int secure = 0;
    if ((r = ccm_uefi_secure_boot_variables(cfv, cfv_size, sb, &secure)) < 0)
        return ccm_error_set(reterr, r, "SHA-384 failed");
    for (size_t i = 0; i < CCM_UEFI_SECURE_BOOT_VARIABLES; i++) {
        e = ADD(EV_EFI_VARIABLE_DRIVER_CONFIG, sb[i].description);
        memcpy(e->digest, sb[i].sha384, CCM_SHA384_SIZE);
    }
    static const uint8_t zero4[4] = { 0 };
    e = ADD(EV_SEPARATOR, "separator");
    (void) sha384(zero4, sizeof(zero4), e->digest);

    static const char *const acpi_names[3] = { "ACPI DATA: etc/table-loader",
                                               "ACPI DATA: etc/acpi/rsdp",
                                               "ACPI DATA: etc/acpi/tables" };
    for (int i = 0; i < 3; i++) {
        e = ADD(EV_PLATFORM_CONFIG_FLAGS, acpi_names[i]);
        if (acpi)
            memcpy(e->digest, acpi[i], CCM_SHA384_SIZE);
        else
            e->known = 0;
    }
    if (since_202505) {
        if (secure) {
            e = ADD(EV_EFI_VARIABLE_AUTHORITY,
                    "Secure Boot authority: the db entry that verified the kernel (not "
                    "predicted: depends on who signed it; an unsigned kernel cannot direct-boot "
                    "in a TD with this firmware)");
            e->known = 0;
        }
        e = ADD(EV_EFI_HANDOFF_TABLES, "SMBIOS tables (not predicted: needs the guest's "
                                       "SMBIOS table, which QEMU builds from the VM shape)");
        e->known = 0;
    }
    /* ReadyToBoot: BootOrder, then each option in it (the same rule as a vTPM's PCR1). */
    CcmUefiBootVariable vars[CCM_UEFI_MAX_BOOT_VARIABLES];
    size_t n_vars = ccm_uefi_boot_variables(since_202505 ? release : 202411, inteltdx ? 1 : 0,
                                            vars);
    for (size_t i = 0; i < n_vars; i++) {
        e = ADD(EV_EFI_VARIABLE_BOOT, vars[i].description);
        (void) sha384(vars[i].data, vars[i].size, e->digest);
    }
    if (layout == CCM_TDX_LAYOUT_EDK2_PRE_202411) {
        e = ADD(EV_SEPARATOR, "ReadyToBoot separator");
        (void) sha384(zero4, sizeof(zero4), e->digest);
    }
#undef ADD
    *ret_n = n;
    return 0;
}
