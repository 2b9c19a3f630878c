/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-quote.c - a TD quote v4 taken apart for its signature checks (Intel DCAP layout)
 *
 * 48-byte header (u16 version 4, u16 attestation key type 2 = ECDSA P-256, u32 TEE type
 * 0x81, ...), 584-byte TD report body, u32 signature data length, then: the quote
 * signature (64), the attestation key (64), certification data (u16 type, u32 size). Type
 * 6 holds the QE report (384), its signature (64), u16 QE auth data size and the auth
 * data, then nested certification data of type 5: the PCK chain in PEM. The crypto lives
 * above (launch/tdx-quote-verify.c); this only finds the bytes, within bounds.
 */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "error.h"


#define TEE_TDX 0x81u
#define CERT_QE_REPORT 6
#define CERT_PCK_CHAIN 5

int ccm_tdx_quote_parts(const void *data, size_t size, const char *name,
                        CcmTdxQuoteParts *ret, CcmError *reterr)
{
    const uint8_t *q = data;
    if (!name || !ret || (!q && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_quote_parts: bad arguments");
    const size_t sig_len_at = CCM_TDX_QUOTE_HEADER_SIZE + CCM_TDX_QUOTE_BODY_SIZE;
    if (size < sig_len_at + 4)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes is too short for a TD quote v4 (header, body and "
                             "signature length are %zu bytes)",
                             name, size, sig_len_at + 4);
    uint16_t version = ccm_load_le16(q), key_type = ccm_load_le16(q + 2);
    uint32_t tee = ccm_load_le32(q + 4);
    if (version != 4 || tee != TEE_TDX || key_type != CCM_TDX_ATT_KEY_ECDSA_P256)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: quote version %u, key type %u, TEE type 0x%x; expected a TD "
                             "quote v4 (4, 2 = ECDSA P-256, 0x81)",
                             name, version, key_type, tee);
    uint32_t sig_len = ccm_load_le32(q + sig_len_at);
    const uint8_t *s = q + sig_len_at + 4;
    size_t left = size - sig_len_at - 4;
    if (sig_len > left || sig_len < 64 + 64 + 6)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: signature data length %u; expected 134 to %zu bytes", name,
                             sig_len, left);
    CcmTdxQuoteParts p = {
        .signed_data = q,
        .signed_size = sig_len_at,
        .body = q + CCM_TDX_QUOTE_HEADER_SIZE,
        .signature = s,
        .attestation_key = s + 64,
        .size = sig_len_at + 4 + sig_len,
    };
    for (size_t i = p.size; i < size; i++)
        if (q[i])
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: non-zero bytes after the %zu-byte quote; expected "
                                 "nothing or zeros",
                                 name, p.size);
    uint16_t type = ccm_load_le16(s + 128);
    uint32_t cert_size = ccm_load_le32(s + 130);
    const uint8_t *c = s + 134;
    if (type != CERT_QE_REPORT || cert_size != sig_len - 134)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: certification data type %u of %u bytes; expected type 6 (QE "
                             "report) filling the %u bytes left",
                             name, type, cert_size, sig_len - 134);
    if (cert_size < CCM_TDX_QE_REPORT_SIZE + 64 + 2)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: QE report certification data of %u bytes; too short", name,
                             cert_size);
    p.qe_report = c;
    p.qe_report_signature = c + CCM_TDX_QE_REPORT_SIZE;
    size_t at = CCM_TDX_QE_REPORT_SIZE + 64;
    p.qe_auth_size = ccm_load_le16(c + at);
    at += 2;
    p.qe_auth = c + at;
    if (p.qe_auth_size > cert_size - at || cert_size - at - p.qe_auth_size < 6)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: QE auth data of %zu bytes runs past the certification data",
                             name, p.qe_auth_size);
    at += p.qe_auth_size;
    uint16_t inner_type = ccm_load_le16(c + at);
    uint32_t inner_size = ccm_load_le32(c + at + 2);
    at += 6;
    if (inner_type != CERT_PCK_CHAIN || inner_size != cert_size - at)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: inner certification data type %u of %u bytes; expected type "
                             "5 (PCK chain in PEM) filling the %zu bytes left",
                             name, inner_type, inner_size, cert_size - at);
    p.pck_chain = (const char *) c + at;
    p.pck_chain_size = inner_size;
    while (p.pck_chain_size && p.pck_chain[p.pck_chain_size - 1] == '\0')
        p.pck_chain_size--;
    if (memchr(p.pck_chain, '\0', p.pck_chain_size))
        return ccm_error_set(reterr, -EBADMSG, "%s: a NUL inside the PCK chain's PEM text",
                             name);
    *ret = p;
    return 0;
}

const char *ccm_tdx_body_tdreport_difference(const uint8_t *body, const uint8_t *tdreport)
{
    /* body offset, TDREPORT offset, size, name: TEE_TCB_INFO sits at 256 of the TDREPORT
     * (after its 8-byte valid mask), TDINFO at 512, REPORTDATA at 128. */
    static const struct {
        unsigned body, report, size;
        const char *name;
    } fields[] = {
        { 0, 264, 16, "TEE_TCB_SVN" },       { 16, 280, 48, "MRSEAM" },
        { 64, 328, 48, "MRSIGNERSEAM" },     { 112, 376, 8, "SEAMATTRIBUTES" },
        { 120, 512, 8, "TDATTRIBUTES" },     { 128, 520, 8, "XFAM" },
        { 136, 528, 48, "MRTD" },            { 184, 576, 48, "MRCONFIGID" },
        { 232, 624, 48, "MROWNER" },         { 280, 672, 48, "MROWNERCONFIG" },
        { 328, 720, 192, "RTMR0..3" },       { 520, 128, 64, "REPORTDATA" },
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (memcmp(body + fields[i].body, tdreport + fields[i].report, fields[i].size) != 0)
            return fields[i].name;
    return NULL;
}
