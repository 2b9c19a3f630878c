/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tpm-attest.c - TPMS_ATTEST of a TPM2_Quote, as TCG TPM 2.0 Part 2 lays it out
 *
 * Big-endian: magic TPM_GENERATED_VALUE (0xff544347), type TPM_ST_ATTEST_QUOTE (0x8018),
 * qualifiedSigner (TPM2B_NAME), extraData (TPM2B_DATA: the caller's nonce), clockInfo
 * (u64 clock, u32 resetCount, u32 restartCount, u8 safe), u64 firmwareVersion, then the
 * TPMS_QUOTE_INFO: TPML_PCR_SELECTION (u32 count; per bank u16 hash, u8 sizeofSelect and
 * the bitmap) and TPM2B_DIGEST pcrDigest. Every length is checked against what is left
 * and against the type's maximum; the message must end with the digest.
 */
#include <errno.h>
#include <string.h>

#include "error.h"


typedef struct Reader {
    const uint8_t *p;
    size_t left;
    const char *name;
    CcmError *reterr;
} Reader;

static int need(Reader *r, size_t n, const char *field)
{
    if (r->left < n)
        return ccm_error_set(r->reterr, -EBADMSG,
                             "%s: the TPM quote ends inside %s (%zu bytes left, %zu needed)",
                             r->name, field, r->left, n);
    return 0;
}

static int get_u8(Reader *r, const char *field, uint8_t *ret)
{
    int e = need(r, 1, field);
    if (e < 0)
        return e;
    *ret = r->p[0];
    r->p++;
    r->left--;
    return 0;
}

static int get_be(Reader *r, size_t n, const char *field, uint64_t *ret)
{
    int e = need(r, n, field);
    if (e < 0)
        return e;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | r->p[i];
    r->p += n;
    r->left -= n;
    *ret = v;
    return 0;
}

/* A TPM2B: u16 size, then the bytes (at most @max) into @out. */
static int get_tpm2b(Reader *r, const char *field, uint8_t *out, size_t max, size_t *ret_size)
{
    uint64_t n = 0;
    int e = get_be(r, 2, field, &n);
    if (e < 0)
        return e;
    if (n > max)
        return ccm_error_set(r->reterr, -EBADMSG,
                             "%s: %s of %u bytes in the TPM quote; at most %zu expected",
                             r->name, field, (unsigned) n, max);
    if ((e = need(r, (size_t) n, field)) < 0)
        return e;
    memcpy(out, r->p, (size_t) n);
    r->p += n;
    r->left -= (size_t) n;
    *ret_size = (size_t) n;
    return 0;
}

int ccm_tpm_quote_parse(const void *data, size_t size, const char *name, CcmTpmQuote *ret,
                        CcmError *reterr)
{
    if (!name || !ret || (!data && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_tpm_quote_parse: bad arguments");
    Reader r = { .p = data, .left = size, .name = name, .reterr = reterr };
    CcmTpmQuote q;
    memset(&q, 0, sizeof(q));
    uint64_t magic = 0, type = 0, v = 0;
    int e;
    if ((e = get_be(&r, 4, "the magic", &magic)) < 0)
        return e;
    if (magic != CCM_TPM_GENERATED_VALUE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: magic 0x%08x; expected 0xff544347 (TPM_GENERATED_VALUE): "
                             "not a TPMS_ATTEST",
                             name, (unsigned) magic);
    if ((e = get_be(&r, 2, "the type", &type)) < 0)
        return e;
    if (type != CCM_TPM_ST_ATTEST_QUOTE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: attestation type 0x%04x; expected 0x8018 (TPM_ST_ATTEST_QUOTE)",
                             name, (unsigned) type);
    if ((e = get_tpm2b(&r, "qualifiedSigner", q.qualified_signer, sizeof(q.qualified_signer),
                       &q.qualified_signer_size)) < 0 ||
        (e = get_tpm2b(&r, "extraData", q.extra_data, sizeof(q.extra_data),
                       &q.extra_data_size)) < 0 ||
        (e = get_be(&r, 8, "clockInfo", &q.clock)) < 0)
        return e;
    if ((e = get_be(&r, 4, "clockInfo", &v)) < 0)
        return e;
    q.reset_count = (uint32_t) v;
    if ((e = get_be(&r, 4, "clockInfo", &v)) < 0)
        return e;
    q.restart_count = (uint32_t) v;
    if ((e = get_u8(&r, "clockInfo", &q.safe)) < 0 ||
        (e = get_be(&r, 8, "firmwareVersion", &q.firmware_version)) < 0 ||
        (e = get_be(&r, 4, "the PCR selection count", &v)) < 0)
        return e;
    if (v > CCM_TPM_BANKS_MAX)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %u PCR selections in the TPM quote; at most %d expected",
                             name, (unsigned) v, CCM_TPM_BANKS_MAX);
    q.n_banks = (uint32_t) v;
    for (uint32_t i = 0; i < q.n_banks; i++) {
        CcmTpmPcrSelection *s = &q.banks[i];
        if ((e = get_be(&r, 2, "a PCR selection", &v)) < 0 ||
            (e = get_u8(&r, "a PCR selection", &s->size_of_select)) < 0)
            return e;
        s->hash_alg = (uint16_t) v;
        if (s->size_of_select > CCM_TPM_SELECT_MAX)
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: a PCR selection bitmap of %u bytes; at most %d expected",
                                 name, s->size_of_select, CCM_TPM_SELECT_MAX);
        if ((e = need(&r, s->size_of_select, "a PCR selection")) < 0)
            return e;
        memcpy(s->select, r.p, s->size_of_select);
        r.p += s->size_of_select;
        r.left -= s->size_of_select;
    }
    if ((e = get_tpm2b(&r, "pcrDigest", q.pcr_digest, sizeof(q.pcr_digest),
                       &q.pcr_digest_size)) < 0)
        return e;
    if (r.left)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes after the TPM quote's pcrDigest; expected none",
                             name, r.left);
    *ret = q;
    return 0;
}

int ccm_tpm_pcr_selected(const CcmTpmPcrSelection *sel, unsigned pcr)
{
    return pcr / 8 < sel->size_of_select && (sel->select[pcr / 8] >> (pcr % 8)) & 1;
}

const char *ccm_tpm_alg_to_string(uint16_t alg)
{
    switch (alg) {
    case CCM_TPM_ALG_SHA1: return "sha1";
    case CCM_TPM_ALG_SHA256: return "sha256";
    case CCM_TPM_ALG_SHA384: return "sha384";
    case CCM_TPM_ALG_SHA512: return "sha512";
    }
    return NULL;
}

size_t ccm_tpm_alg_digest_size(uint16_t alg)
{
    switch (alg) {
    case CCM_TPM_ALG_SHA1: return 20;
    case CCM_TPM_ALG_SHA256: return 32;
    case CCM_TPM_ALG_SHA384: return 48;
    case CCM_TPM_ALG_SHA512: return 64;
    }
    return 0;
}
