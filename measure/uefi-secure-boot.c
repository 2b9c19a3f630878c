/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-secure-boot.c - the Secure Boot policy variables OVMF measures, from a varstore
 *
 * SecureBoot, PK, KEK, db and dbx as EV_EFI_VARIABLE_DRIVER_CONFIG events: SHA-384 of the
 * whole UEFI_VARIABLE_DATA (vendor GUID, name, data). The values come from the
 * authenticated variable store of a TD's configuration volume (RTMR0) or of a pflash VARS
 * image (a vTPM's PCR7); a variable that is not set is measured with no data. One rule for
 * both (docs/edk2-202505-events.md §3.5).
 */
#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "ccm/measure.h"
#include "guid.h"
#include "uefi-variable.h"

static const CcmGuid efi_global =
    CCM_GUID_INIT(0x8be4df61, 0x93ca, 0x11d2, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c);
static const CcmGuid image_security =
    CCM_GUID_INIT(0xd719b2cb, 0x3d3a, 0x4596, 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f);
static const CcmGuid auth_store =
    CCM_GUID_INIT(0xaaf32c78, 0x947b, 0x439a, 0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92);

#define AUTH_HEADER 60
#define VAR_ADDED 0x3f

/* The data of live variable @name/@vendor in the CFV's authenticated store, or NULL. */
static const uint8_t *find_variable(const uint8_t *cfv, size_t size, const char *name,
                                    const CcmGuid *vendor, size_t *ret_size)
{
    const uint8_t *store = NULL;
    for (size_t off = 0; off + 28 <= size; off += 8)
        if (ccm_guid_equal_bytes(&auth_store, cfv + off)) {
            store = cfv + off;
            break;
        }
    if (!store)
        return NULL;
    size_t left = size - (size_t) (store - cfv), declared = ccm_load_le32(store + 16);
    size_t end = left < declared ? left : declared;
    size_t off = 28;
    size_t name_len = strlen(name);
    while (off + AUTH_HEADER <= end && ccm_load_le16(store + off) == 0x55aa) {
        const uint8_t *h = store + off;
        uint32_t name_size = ccm_load_le32(h + 36), data_size = ccm_load_le32(h + 40);
        if (name_size > end || data_size > end ||
            off + AUTH_HEADER + (size_t) name_size + data_size > end)
            return NULL;
        const uint8_t *n = h + AUTH_HEADER;
        bool same = h[2] == VAR_ADDED && ccm_guid_equal_bytes(vendor, h + 44) &&
                    name_size == 2 * (name_len + 1);
        for (size_t i = 0; same && i < name_len; i++)
            same = n[2 * i] == (uint8_t) name[i] && n[2 * i + 1] == 0;
        if (same) {
            *ret_size = data_size;
            return n + name_size;
        }
        off += AUTH_HEADER + name_size + data_size;
        off = (off + 3) & ~(size_t) 3;
    }
    return NULL;
}


int ccm_uefi_secure_boot_variables(const void *varstore, size_t size,
                                   CcmUefiVariableEvent ret[CCM_UEFI_SECURE_BOOT_VARIABLES],
                                   int *ret_secure)
{
    return ccm_uefi_secure_boot_variables_ex(varstore, size, 0, ret, ret_secure);
}

int ccm_uefi_secure_boot_variables_ex(const void *varstore, size_t size, unsigned flags,
                                      CcmUefiVariableEvent ret[CCM_UEFI_SECURE_BOOT_VARIABLES],
                                      int *ret_secure)
{
    static const CcmGuid secure_boot_enable =
        CCM_GUID_INIT(0xf0a30bc7, 0xaf08, 0x4556, 0x99, 0xc4, 0x00, 0x10, 0x09, 0xc9, 0x3a, 0x44);
    static const struct {
        const char *name;
        const CcmGuid *vendor;
        const char *description;
    } policy[] = {
        { "PK", &efi_global, "Secure Boot: PK" },
        { "KEK", &efi_global, "Secure Boot: KEK" },
        { "db", &image_security, "Secure Boot: db" },
        { "dbx", &image_security, "Secure Boot: dbx" },
    };
    const uint8_t *store = varstore;
    size_t pk_size = 0, sbe_size = 0;
    const uint8_t *pk = store ? find_variable(store, size, "PK", &efi_global, &pk_size) : NULL;
    const uint8_t *sbe = store ? find_variable(store, size, "SecureBootEnable",
                                               &secure_boot_enable, &sbe_size)
                               : NULL;
    /* SecureBoot is volatile: 1 once PK is enrolled, unless SecureBootEnable says 0. */
    const uint8_t one = 1;
    bool secure = pk && pk_size > 0 && !(sbe && sbe_size == 1 && sbe[0] == 0);
    /* Off: the variable is absent, or (CCM_UEFI_SECURE_BOOT_OFF_AS_ZERO) one byte 0. */
    const uint8_t zero = 0;
    const uint8_t *value = secure ? &one : &zero;
    size_t value_size = secure || (flags & CCM_UEFI_SECURE_BOOT_OFF_AS_ZERO) ? 1 : 0;
    ret[0].description = "Secure Boot: SecureBoot";
    int r = ccm_tdx_uefi_variable_digest(efi_global.bytes, "SecureBoot", value, value_size,
                                         ret[0].sha384);
    if (r == 0)
        r = ccm_uefi_variable_digest_with(CCM_HASH_SHA256, efi_global.bytes, "SecureBoot", value,
                                          value_size, ret[0].sha256);
    for (size_t i = 0; r == 0 && i < sizeof(policy) / sizeof(policy[0]); i++) {
        size_t vsize = 0;
        const uint8_t *v = store ? find_variable(store, size, policy[i].name, policy[i].vendor,
                                                 &vsize)
                                 : NULL;
        ret[i + 1].description = policy[i].description;
        r = ccm_tdx_uefi_variable_digest(policy[i].vendor->bytes, policy[i].name, v,
                                         v ? vsize : 0, ret[i + 1].sha384);
        if (r == 0)
            r = ccm_uefi_variable_digest_with(CCM_HASH_SHA256, policy[i].vendor->bytes,
                                              policy[i].name, v, v ? vsize : 0,
                                              ret[i + 1].sha256);
    }
    if (ret_secure)
        *ret_secure = secure;
    return r;
}
