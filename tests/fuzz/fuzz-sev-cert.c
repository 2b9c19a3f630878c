/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-sev-cert.c - libFuzzer target: the SEV certificate parser (CEK, PEK, OCA, PDH)
 *
 * A parsed certificate has a known usage and algorithm, one key form (RSA of 2048 or
 * 4096 bits, or a curve 1..3) pointing inside the input; a refusal must explain itself.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sev-cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CcmSevCert c;
    CcmError err = { 0 };
    if (ccm_sev_cert_parse(data, size, "fuzz", &c, &err) < 0) {
        if (!err.message[0] || err.code >= 0)
            abort();
        return 0;
    }
    if (size != CCM_SEV_CERT_BYTES || !ccm_sev_usage_to_string(c.pubkey_usage) ||
        !ccm_sev_algo_to_string(c.pubkey_algo))
        abort();
    if (c.rsa_modulus) {
        if ((c.rsa_modulus_bits != 2048 && c.rsa_modulus_bits != 4096) ||
            c.rsa_modulus + CCM_SEV_CERT_RSA_MAX > data + CCM_SEV_CERT_SIGNED_BYTES)
            abort();
    } else if (c.ec_curve < 1 || c.ec_curve > 3 || !c.ec_qy ||
               c.ec_qy + CCM_SEV_CERT_EC_COORD > data + CCM_SEV_CERT_SIGNED_BYTES) {
        abort();
    }
    for (int i = 0; i < 2; i++)
        if (c.sig[i].data + 0x200 > data + size)
            abort();
    return 0;
}
