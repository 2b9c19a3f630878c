/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-ca-cert.c - AMD's legacy SEV CA certificate format (SEV API 55766, appendix C) */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "sev-ca-cert.h"

int ccm_sev_ca_cert_parse(const uint8_t *data, size_t size, const char *name,
                          CcmSevCaCert *ret, CcmError *reterr)
{
    if (!data || size < CCM_SEV_CA_HEADER_SIZE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes, expected at least an AMD certificate's %d-byte "
                             "header",
                             name, size, CCM_SEV_CA_HEADER_SIZE);
    CcmSevCaCert c = { 0 };
    c.version = ccm_load_le32(data);
    if (c.version != 1)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: AMD certificate version %u, expected 1", name, c.version);
    memcpy(c.key_id, data + 0x04, sizeof(c.key_id));
    memcpy(c.certifying_id, data + 0x14, sizeof(c.certifying_id));
    c.key_usage = ccm_load_le32(data + 0x24);
    c.pubexp_bits = ccm_load_le32(data + 0x38);
    c.modulus_bits = ccm_load_le32(data + 0x3c);
    if (c.modulus_bits != 2048 && c.modulus_bits != 4096)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: modulus size %u bits, expected 2048 or 4096", name,
                             c.modulus_bits);
    if (c.pubexp_bits != c.modulus_bits)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: public exponent field of %u bits, expected %u (as wide as "
                             "the modulus)", name, c.pubexp_bits, c.modulus_bits);
    size_t n = c.modulus_bits / 8;
    size_t expected = CCM_SEV_CA_HEADER_SIZE + 3 * n;
    if (size != expected)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes, expected %zu for a %u-bit AMD certificate "
                             "(header, public exponent, modulus, signature)",
                             name, size, expected, c.modulus_bits);
    c.pubexp = data + CCM_SEV_CA_HEADER_SIZE;
    c.pubexp_size = n;
    c.modulus = c.pubexp + n;
    c.modulus_size = n;
    c.signature = c.modulus + n;
    c.signature_size = n;
    c.signed_data = data;
    c.signed_size = CCM_SEV_CA_HEADER_SIZE + 2 * n;
    *ret = c;
    return 0;
}
