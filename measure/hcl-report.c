/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hcl-report.c - Azure's HCL report: header, hardware report area, runtime claims
 *
 * Layout (little-endian): 0x00 "HCLA", version, report_size, request_type, status, 12
 * reserved bytes; 0x20 the hardware report area (1184 bytes: an SEV-SNP report, or a
 * 1024-byte TDREPORT followed by zeros); 0x4C0 the runtime data header (data_size,
 * version 1, report_type 2 SNP / 4 TDX, hash_type 1..3, claims_size); 0x4D4 the claims
 * JSON, then zeros to the end of the NV index. Only the claims are bound to the TEE (their
 * hash is in REPORT_DATA); the rest of the header is read, not trusted.
 */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "error.h"


static const char *report_type_name(uint32_t t)
{
    return t == CCM_HCL_REPORT_SNP ? "SEV-SNP" : t == CCM_HCL_REPORT_TDX ? "TDX" : NULL;
}

const char *ccm_hcl_hash_to_string(CcmHclHash hash)
{
    switch (hash) {
    case CCM_HCL_HASH_SHA256: return "sha256";
    case CCM_HCL_HASH_SHA384: return "sha384";
    case CCM_HCL_HASH_SHA512: return "sha512";
    }
    return NULL;
}

size_t ccm_hcl_hash_size(CcmHclHash hash)
{
    switch (hash) {
    case CCM_HCL_HASH_SHA256: return 32;
    case CCM_HCL_HASH_SHA384: return 48;
    case CCM_HCL_HASH_SHA512: return 64;
    }
    return 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int ccm_hcl_report_parse(const void *data, size_t size, const char *name, CcmHclReport *ret,
                         CcmError *reterr)
{
    const uint8_t *d = data;

    if (!name || !ret || (!d && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_hcl_report_parse: bad arguments");
    if (size < CCM_HCL_CLAIMS_OFFSET)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes is too short for an HCL report (header, hardware "
                             "report and runtime data header are %d bytes)",
                             name, size, CCM_HCL_CLAIMS_OFFSET);
    if (memcmp(d, "HCLA", 4) != 0)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: no \"HCLA\" signature at offset 0; not an HCL report", name);
    CcmHclReport r = {
        .version = ccm_load_le32(d + 4),
        .report_size = ccm_load_le32(d + 8),
        .request_type = ccm_load_le32(d + 12),
        .status = ccm_load_le32(d + 16),
        .hw_report = d + CCM_HCL_HW_REPORT_OFFSET,
        .hw_report_size = CCM_HCL_HW_REPORT_SIZE,
    };
    const uint8_t *rt = d + CCM_HCL_RUNTIME_OFFSET;
    r.data_size = ccm_load_le32(rt);
    r.data_version = ccm_load_le32(rt + 4);
    uint32_t type = ccm_load_le32(rt + 8), hash = ccm_load_le32(rt + 12);
    uint32_t claims_size = ccm_load_le32(rt + 16);
    if (r.data_version != 1)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: runtime data version %u at 0x4c4; expected 1", name,
                             r.data_version);
    if (!report_type_name(type))
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: report type %u at 0x4c8; expected 2 (SEV-SNP) or 4 (TDX)",
                             name, type);
    if (hash < CCM_HCL_HASH_SHA256 || hash > CCM_HCL_HASH_SHA512)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: hash type %u at 0x4cc; expected 1 (SHA-256), 2 (SHA-384) or "
                             "3 (SHA-512)",
                             name, hash);
    if (claims_size == 0 || claims_size > size - CCM_HCL_CLAIMS_OFFSET)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: claims size %u at 0x4d0; expected 1 to %zu (the bytes after "
                             "0x4d4)",
                             name, claims_size, size - CCM_HCL_CLAIMS_OFFSET);
    if ((uint64_t) r.data_size != (uint64_t) claims_size + CCM_HCL_RUNTIME_HEADER_SIZE)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: runtime data size %u at 0x4c0; expected the claims size %u "
                             "plus the 20-byte header",
                             name, r.data_size, claims_size);
    if (!all_zero(d + CCM_HCL_CLAIMS_OFFSET + claims_size,
                  size - CCM_HCL_CLAIMS_OFFSET - claims_size))
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: non-zero bytes after the %u bytes of claims; expected zero "
                             "padding",
                             name, claims_size);
    if (type == CCM_HCL_REPORT_TDX) {
        if (!all_zero(r.hw_report + CCM_HCL_TDREPORT_SIZE,
                      CCM_HCL_HW_REPORT_SIZE - CCM_HCL_TDREPORT_SIZE))
            return ccm_error_set(reterr, -EBADMSG,
                                 "%s: non-zero bytes after the 1024-byte TDREPORT at 0x420; "
                                 "expected zeros",
                                 name);
        r.hw_report_size = CCM_HCL_TDREPORT_SIZE;
    }
    r.report_type = (CcmHclReportType) type;
    r.hash_type = (CcmHclHash) hash;
    r.claims = d + CCM_HCL_CLAIMS_OFFSET;
    r.claims_size = claims_size;
    *ret = r;
    return 0;
}
