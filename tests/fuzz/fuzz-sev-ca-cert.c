/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-sev-ca-cert.c - libFuzzer target: AMD's legacy SEV CA certificate parser (ARK, ASK)
 *
 * A parsed certificate's pointers must lie inside the input, the sizes must add up to it
 * and the signed part must end where the signature starts; a refusal must explain itself.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sev-ca-cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CcmSevCaCert c;
    CcmError err = { 0 };
    if (ccm_sev_ca_cert_parse(data, size, "fuzz", &c, &err) < 0) {
        if (!err.message[0] || err.code >= 0)
            abort();
        return 0;
    }
    if (c.modulus_bits != 2048 && c.modulus_bits != 4096)
        abort();
    if (c.pubexp != data + CCM_SEV_CA_HEADER_SIZE || c.modulus != c.pubexp + c.pubexp_size ||
        c.signature != c.modulus + c.modulus_size ||
        c.signature + c.signature_size != data + size ||
        c.signed_data + c.signed_size != c.signature)
        abort();
    return 0;
}
