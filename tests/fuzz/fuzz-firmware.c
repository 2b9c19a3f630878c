/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-firmware.c - libFuzzer target: firmware parsing and every SEV-family measurement
 *
 * The input is placed at the end of a zero-filled image rounded up to whole 4 KiB pages
 * (OVMF's tables live at the end), so mutations reach the footer table and the SEV
 * metadata instead of failing the size check. The raw input is also parsed as is.
 * Whatever parses is then measured as SEV, SEV-ES (both VMSAs) and SEV-SNP under
 * QEMU, EC2 and GCE, with and without a kernel.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccm/measure.h"

#define MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void measure(CcmFirmware *fw, CcmPlatform platform, CcmVmm vmm, int variant)
{
    static const uint8_t sha[32] = { 1, 2, 3 };
    CcmSevGuest *g = NULL;
    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t digest_size;
    CcmError error;

    if (ccm_sev_guest_new(platform, &g) < 0)
        abort();
    (void) ccm_sev_guest_set_firmware(g, fw);
    (void) ccm_sev_guest_set_vcpus(g, 3);
    (void) ccm_sev_guest_set_vcpu_signature(g, 0xa00f11);
    if (vmm != CCM_VMM_QEMU)
        (void) ccm_sev_guest_set_vmm(g, vmm);
    if (platform == CCM_PLATFORM_SEV_ES)
        (void) ccm_sev_guest_set_sev_es_vmsa(g, variant ? CCM_SEV_ES_VMSA_INIT2
                                                        : CCM_SEV_ES_VMSA_LEGACY);
    else if (variant)
        (void) ccm_sev_guest_set_kernel_sha256(g, "kernel", sha);
    if (ccm_sev_guest_measure(g, digest, &digest_size, &error) < 0 && error.message[0] == '\0')
        abort(); /* every failure must explain itself */
    ccm_sev_guest_free(g);
}

/* The TDVF descriptor walk and MRTD, in both page orders; the same bytes as a CCEL event
 * log, a TD quote and a TDREPORT. */
static void exercise_tdx(const uint8_t *image, size_t size)
{
    uint8_t mrtd[CCM_SHA384_SIZE];
    CcmError error;
    CcmTdxEvent *events = NULL;
    size_t n = 0;
    CcmTdxReport report;

    error.message[0] = '\0';
    if (ccm_tdx_event_log_parse(image, size, "fuzz.log", &events, &n, &error) < 0) {
        if (error.message[0] == '\0')
            abort();
    } else {
        uint8_t rtmrs[4][CCM_SHA384_SIZE];
        if (ccm_tdx_replay(events, n, rtmrs, &error) < 0)
            abort();
        free(events);
    }
    error.message[0] = '\0';
    if (ccm_tdx_quote_parse(image, size, "fuzz.quote", &report, &error) < 0 &&
        error.message[0] == '\0')
        abort();
    error.message[0] = '\0';
    if (ccm_tdx_tdreport_parse(image, size, "fuzz.report", &report, &error) < 0 &&
        error.message[0] == '\0')
        abort();

    for (int order = 0; order < 2; order++) {
        error.message[0] = '\0';
        if (ccm_tdx_mrtd(image, size, "fuzz.fd", (CcmTdxPageOrder) order, NULL, NULL, NULL,
                         NULL, mrtd, &error) < 0 &&
            error.message[0] == '\0')
            abort();
    }
}

static void exercise(const uint8_t *image, size_t size)
{
    CcmFirmware *fw = NULL;
    CcmError error;

    exercise_tdx(image, size);

    if (ccm_firmware_new_from_data(image, size, "fuzz.fd", &fw, &error) < 0) {
        if (error.message[0] == '\0')
            abort();
        return;
    }
    for (int variant = 0; variant < 2; variant++) {
        measure(fw, CCM_PLATFORM_SEV, CCM_VMM_QEMU, variant);
        measure(fw, CCM_PLATFORM_SEV_ES, CCM_VMM_QEMU, variant);
        measure(fw, CCM_PLATFORM_SEV_SNP, CCM_VMM_QEMU, variant);
        measure(fw, CCM_PLATFORM_SEV_SNP, CCM_VMM_EC2, variant);
        measure(fw, CCM_PLATFORM_SEV_SNP, CCM_VMM_GCE, variant);
    }
    ccm_firmware_unref(fw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    exercise(data, size);

    size_t padded = (size + 4095) / 4096 * 4096;
    if (padded == 0 || padded == size)
        return 0;
    uint8_t *image = calloc(1, padded);
    if (!image)
        abort();
    memcpy(image + padded - size, data, size);
    exercise(image, padded);
    free(image);
    return 0;
}
