/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-cert.c - the SEV certificate format of CEK, PEK, OCA and PDH (SEV API 55766, app. B) */
#include <errno.h>
#include <stdbool.h>

#include "bytes.h"
#include "error.h"
#include "sev-cert.h"

#define OFF_PUBKEY 0x010
#define OFF_SIG1 0x414
#define SIG_SLOT_SIZE 0x208     /* usage, algo, 0x200 bytes */

const char *ccm_sev_usage_to_string(uint32_t usage)
{
    switch (usage) {
    case CCM_SEV_USAGE_ARK:
        return "ARK";
    case CCM_SEV_USAGE_ASK:
        return "ASK";
    case CCM_SEV_USAGE_NONE:
        return "none";
    case CCM_SEV_USAGE_OCA:
        return "OCA";
    case CCM_SEV_USAGE_PEK:
        return "PEK";
    case CCM_SEV_USAGE_PDH:
        return "PDH";
    case CCM_SEV_USAGE_CEK:
        return "CEK";
    default:
        return NULL;
    }
}

const char *ccm_sev_algo_to_string(uint32_t algo)
{
    switch (algo) {
    case CCM_SEV_ALGO_RSA_SHA256:
        return "RSA-SHA256";
    case CCM_SEV_ALGO_ECDSA_SHA256:
        return "ECDSA-SHA256";
    case CCM_SEV_ALGO_ECDH_SHA256:
        return "ECDH-SHA256";
    case CCM_SEV_ALGO_RSA_SHA384:
        return "RSA-SHA384";
    case CCM_SEV_ALGO_ECDSA_SHA384:
        return "ECDSA-SHA384";
    case CCM_SEV_ALGO_ECDH_SHA384:
        return "ECDH-SHA384";
    default:
        return NULL;
    }
}

static bool algo_is_rsa(uint32_t algo)
{
    return algo == CCM_SEV_ALGO_RSA_SHA256 || algo == CCM_SEV_ALGO_RSA_SHA384;
}

static int parse_pubkey(const uint8_t *p, const char *name, CcmSevCert *c, CcmError *reterr)
{
    if (algo_is_rsa(c->pubkey_algo)) {
        c->rsa_modulus_bits = ccm_load_le32(p);
        if (c->rsa_modulus_bits != 2048 && c->rsa_modulus_bits != 4096)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: RSA modulus size %u bits, expected 2048 or 4096", name,
                                 c->rsa_modulus_bits);
        c->rsa_pubexp = p + 4;
        c->rsa_modulus = p + 4 + CCM_SEV_CERT_RSA_MAX;
        return 0;
    }
    c->ec_curve = ccm_load_le32(p);
    if (c->ec_curve < CCM_SEV_CURVE_P256 || c->ec_curve > CCM_SEV_CURVE_P521)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: elliptic curve %u, expected 1 (P-256), 2 (P-384) or 3 "
                             "(P-521)", name, c->ec_curve);
    c->ec_qx = p + 4;
    c->ec_qy = p + 4 + CCM_SEV_CERT_EC_COORD;
    return 0;
}

int ccm_sev_cert_parse(const uint8_t *data, size_t size, const char *name, CcmSevCert *ret,
                       CcmError *reterr)
{
    if (!data || size != CCM_SEV_CERT_BYTES)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes, expected %d for an SEV certificate", name, size,
                             CCM_SEV_CERT_BYTES);
    CcmSevCert c = { 0 };
    c.version = ccm_load_le32(data);
    if (c.version != 1)
        return ccm_error_set(reterr, -EBADMSG, "%s: SEV certificate version %u, expected 1",
                             name, c.version);
    c.api_major = data[4];
    c.api_minor = data[5];
    c.pubkey_usage = ccm_load_le32(data + 0x08);
    c.pubkey_algo = ccm_load_le32(data + 0x0c);
    if (!ccm_sev_usage_to_string(c.pubkey_usage) || c.pubkey_usage == CCM_SEV_USAGE_NONE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: public key usage 0x%x, expected OCA, PEK, PDH, CEK, ARK or "
                             "ASK", name, c.pubkey_usage);
    if (!ccm_sev_algo_to_string(c.pubkey_algo))
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: public key algorithm 0x%x, expected one of the SEV API's "
                             "RSA, ECDSA or ECDH algorithms", name, c.pubkey_algo);
    int r = parse_pubkey(data + OFF_PUBKEY, name, &c, reterr);
    if (r < 0)
        return r;
    for (int i = 0; i < 2; i++) {
        const uint8_t *slot = data + OFF_SIG1 + (size_t) i * SIG_SLOT_SIZE;
        CcmSevCertSignature *s = &c.sig[i];
        s->usage = ccm_load_le32(slot);
        s->algo = ccm_load_le32(slot + 4);
        s->data = slot + 8;
        if (s->usage == CCM_SEV_USAGE_NONE)
            continue;
        if (!ccm_sev_usage_to_string(s->usage))
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: signature %d usage 0x%x, expected a signing key's usage "
                                 "or 0x1000 (empty)", name, i + 1, s->usage);
        if (!ccm_sev_algo_to_string(s->algo))
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: signature %d algorithm 0x%x, expected an RSA or ECDSA "
                                 "algorithm", name, i + 1, s->algo);
    }
    c.signed_data = data;
    *ret = c;
    return 0;
}
