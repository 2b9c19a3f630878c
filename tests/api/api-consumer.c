/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * api-consumer.c - a plain C99 program using only the installed header
 *
 * Built with -std=c99 -pedantic and no GLib or OpenSSL include paths: proves the public
 * header stands alone. Measures vector F05 and prints "ok".
 */
#include <stdio.h>
#include <string.h>

#include <ccm/measure.h>

int main(int argc, char **argv)
{
    static const char expected[] = "e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1"
                                   "674dbf281a9278a4a2ebe0eed9f22adbcd0e2b";
    CcmFirmware *fw = NULL;
    CcmSevGuest *guest = NULL;
    CcmError error;
    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t size = 0, i;
    char hex[2 * CCM_DIGEST_MAX_SIZE + 1];
    uint32_t sig = 0;
    int r;

    if (argc != 2) {
        fprintf(stderr, "usage: %s ovmf_AmdSev_suffix.bin\n", argv[0]);
        return 2;
    }
    if (ccm_firmware_open(argv[1], &fw, &error) < 0) {
        fprintf(stderr, "%s\n", error.message);
        return 1;
    }
    if (ccm_vcpu_signature_from_model("EPYC-v4", &sig) < 0 ||
        ccm_sev_guest_new(CCM_PLATFORM_SEV_SNP, &guest) < 0)
        return 1;
    ccm_sev_guest_set_firmware(guest, fw);
    ccm_firmware_unref(fw);
    ccm_sev_guest_set_vcpus(guest, 1);
    ccm_sev_guest_set_vcpu_signature(guest, sig);
    ccm_sev_guest_set_guest_features(guest, 0x21);
    r = ccm_sev_guest_measure(guest, digest, &size, &error);
    ccm_sev_guest_free(guest);
    if (r < 0) {
        fprintf(stderr, "%s\n", error.message);
        return 1;
    }
    for (i = 0; i < size; i++)
        sprintf(hex + 2 * i, "%02x", digest[i]);
    if (strcmp(hex, expected) != 0) {
        fprintf(stderr, "got %s\n", hex);
        return 1;
    }
    printf("ok\n");
    return 0;
}
