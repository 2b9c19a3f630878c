/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-report.c - the measurement registers in a TD quote (v4) or a TDREPORT
 *
 * A quote v4 is a 48-byte header (version 4, TEE type 0x81 for TDX) followed by the TD
 * report body: TEE_TCB_SVN, MRSEAM, MRSIGNERSEAM, SEAM attributes, TD attributes, XFAM,
 * MRTD, MRCONFIGID, MROWNER, MROWNERCONFIG, RTMR0..3, REPORTDATA. A TDREPORT (1024
 * bytes) carries the same TD fields in its TDINFO at offset 512. Signatures and MACs
 * are the verifier's business; this only reads the registers to compare them.
 */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "error.h"

#define QUOTE_HEADER 48
#define BODY_SIZE 584
#define TEE_TDX 0x81u

static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t) ccm_load_le32(p) | (uint64_t) ccm_load_le32(p + 4) << 32;
}

/* @td points at TD attributes: attributes, xfam, mrtd, mrconfigid, mrowner,
 * mrownerconfig, rtmr0..3 (the layout TDINFO and the quote body share). */
static void read_td_fields(const uint8_t *td, CcmTdxReport *ret)
{
    ret->td_attributes = load_le64(td);
    ret->xfam = load_le64(td + 8);
    memcpy(ret->mrtd, td + 16, CCM_SHA384_SIZE);
    memcpy(ret->mrconfigid, td + 64, CCM_SHA384_SIZE);
    memcpy(ret->mrowner, td + 112, CCM_SHA384_SIZE);
    memcpy(ret->mrownerconfig, td + 160, CCM_SHA384_SIZE);
    for (int i = 0; i < 4; i++)
        memcpy(ret->rtmr[i], td + 208 + 48 * i, CCM_SHA384_SIZE);
}

int ccm_tdx_quote_parse(const void *quote, size_t size, const char *name, CcmTdxReport *ret,
                        CcmError *reterr)
{
    const uint8_t *q = quote;

    if (!name || !ret || (!q && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_quote_parse: bad arguments");
    if (size < QUOTE_HEADER + BODY_SIZE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes is too short for a TD quote (header and report body "
                             "are %d bytes)",
                             name, size, QUOTE_HEADER + BODY_SIZE);
    uint16_t version = ccm_load_le16(q);
    uint32_t tee = ccm_load_le32(q + 4);
    if (version != 4 || tee != TEE_TDX)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: quote version %u, TEE type 0x%x; expected a TDX quote v4 "
                             "(version 4, TEE type 0x81)",
                             name, version, tee);
    const uint8_t *body = q + QUOTE_HEADER;
    memset(ret, 0, sizeof(*ret));
    /* TEE_TCB_SVN 16, MRSEAM 48, MRSIGNERSEAM 48, SEAMATTRIBUTES 8: TD fields at 120. */
    read_td_fields(body + 120, ret);
    memcpy(ret->report_data, body + 520, 64);
    return 0;
}

int ccm_tdx_tdreport_parse(const void *report, size_t size, const char *name,
                           CcmTdxReport *ret, CcmError *reterr)
{
    const uint8_t *r = report;

    if (!name || !ret || (!r && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_tdx_tdreport_parse: bad arguments");
    if (size != 1024)
        return ccm_error_set(reterr, -EBADMSG, "%s: %zu bytes; a TDREPORT is 1024 bytes", name,
                             size);
    memset(ret, 0, sizeof(*ret));
    /* REPORTMACSTRUCT: type (1 byte: 0x81 for TDX) at 0, REPORTDATA at 128. */
    if (r[0] != TEE_TDX)
        return ccm_error_set(reterr, -EBADMSG, "%s: report type 0x%02x, expected 0x81 (TDX)",
                             name, r[0]);
    memcpy(ret->report_data, r + 128, 64);
    read_td_fields(r + 512, ret);
    return 0;
}
