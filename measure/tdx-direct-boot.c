/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-direct-boot.c - RTMR1's and RTMR2's events of a direct kernel boot (tdx.md §3.3)
 *
 * RTMR1: the kernel as OVMF loads it (Authenticode of the bzImage QEMU patched), the boot
 * actions and, from edk2-stable202411, the ReadyToBoot separator (older OVMF logs it in
 * RTMR0). RTMR2: the command line and the initrd, which the Linux EFI stub measures from
 * 6.9 on. Shared by `ccmctl measure` (files) and ccm-qemu-plugin's simulated TDX (bytes it
 * watched the firmware read), so both predict from one rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccm/measure.h"
#include "digest.h"
#include "error.h"

#define EV_SEPARATOR 0x4
#define EV_EVENT_TAG 0x6
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003
#define EV_EFI_ACTION 0x80000007

static int add(CcmTdxPredictedEvent *events, size_t capacity, size_t *n, uint32_t rtmr,
               uint32_t type, const char *description, CcmTdxPredictedEvent **ret)
{
    if (*n >= capacity)
        return -ENOBUFS;
    events[*n] = (CcmTdxPredictedEvent) { .rtmr = rtmr, .type = type, .known = 1,
                                          .description = description };
    *ret = &events[(*n)++];
    return 0;
}

static int sha384(const void *data, size_t size, uint8_t *out)
{
    return ccm_digest_once(CCM_HASH_SHA384, data, size, out);
}

int ccm_tdx_predict_direct_boot(const void *kernel, size_t kernel_size, uint64_t ram_size,
                                int64_t initrd_size, const uint8_t *initrd_sha384,
                                const char *append, CcmTdxLayout layout, unsigned flags,
                                CcmTdxPredictedEvent *events, size_t capacity, size_t *n,
                                int *ret_stub_measures, CcmError *reterr)
{
    if (!kernel || !events || !n || (initrd_size >= 0 && !initrd_sha384))
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_predict_direct_boot: bad arguments");
    CcmTdxPredictedEvent *ev = NULL;
    int r = add(events, capacity, n, 1, EV_EFI_BOOT_SERVICES_APPLICATION,
                flags & CCM_TDX_BOOT_KERNEL_FILE
                    ? "kernel image (Authenticode of the file, etc/boot/kernel)"
                    : "kernel image (Authenticode, setup header as QEMU patched it)",
                &ev);
    if (r < 0)
        return ccm_error_set(reterr, r, "too many events");
    r = ccm_tdx_kernel_event_digest(kernel, kernel_size, flags, ram_size, initrd_size,
                                    ev->digest, reterr);
    if (r < 0)
        return r;
    static const char *const actions[] = { "Calling EFI Application from Boot Option", NULL,
                                           "Exit Boot Services Invocation",
                                           "Exit Boot Services Returned with Success" };
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        if (!actions[i] && layout == CCM_TDX_LAYOUT_EDK2_PRE_202411)
            continue; /* that separator went to RTMR0 */
        r = add(events, capacity, n, 1, actions[i] ? EV_EFI_ACTION : EV_SEPARATOR,
                actions[i] ? actions[i] : "separator", &ev);
        if (r < 0)
            return ccm_error_set(reterr, r, "too many events");
        r = actions[i] ? sha384(actions[i], strlen(actions[i]), ev->digest)
                       : sha384("\0\0\0\0", 4, ev->digest);
        if (r < 0)
            return ccm_error_set(reterr, r, "SHA-384 failed");
    }
    char *version = ccm_tdx_kernel_version(kernel, kernel_size);
    unsigned major = 0, minor = 0;
    int stub_measures = version && sscanf(version, "%u.%u", &major, &minor) == 2 &&
                        (major > 6 || (major == 6 && minor >= 9));
    free(version);
    if (ret_stub_measures)
        *ret_stub_measures = stub_measures;
    if (!stub_measures)
        return 0;
    r = add(events, capacity, n, 2, EV_EVENT_TAG, "command line (LoadOptions)", &ev);
    if (r < 0)
        return ccm_error_set(reterr, r, "too many events");
    (void) ccm_tdx_load_options_digest(append ? append : "", initrd_size >= 0, flags,
                                       ev->digest);
    if (initrd_size >= 0) {
        r = add(events, capacity, n, 2, EV_EVENT_TAG, "initrd", &ev);
        if (r < 0)
            return ccm_error_set(reterr, r, "too many events");
        memcpy(ev->digest, initrd_sha384, CCM_SHA384_SIZE);
    }
    return 0;
}
