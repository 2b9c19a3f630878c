/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-vtpm-evidence.c - libFuzzer target: the vTPM evidence parsers of libccm-measure
 *
 * Every input goes through the HCL report parser, the TPMS_ATTEST parser and the TD quote v4
 * parts parser. Whatever parses is walked (every byte a returned pointer covers is read, so
 * a range past the buffer shows up under ASan), and every failure must explain itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccm/measure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sink ^= p[i];
}

static void check_error(int r, const CcmError *err)
{
    if (r < 0 && (err->code != r || !err->message[0]))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CcmError err = { 0 };
    CcmHclReport hcl;
    int r = ccm_hcl_report_parse(data, size, "fuzz", &hcl, &err);
    check_error(r, &err);
    if (r == 0) {
        touch(hcl.hw_report, hcl.hw_report_size);
        touch(hcl.claims, hcl.claims_size);
        if (!ccm_hcl_hash_to_string(hcl.hash_type) || !ccm_hcl_hash_size(hcl.hash_type))
            abort();
    }

    memset(&err, 0, sizeof(err));
    CcmTpmQuote q;
    r = ccm_tpm_quote_parse(data, size, "fuzz", &q, &err);
    check_error(r, &err);
    if (r == 0) {
        if (q.n_banks > CCM_TPM_BANKS_MAX || q.extra_data_size > CCM_TPM_DATA_MAX ||
            q.pcr_digest_size > CCM_TPM_DIGEST_MAX)
            abort();
        for (uint32_t b = 0; b < q.n_banks; b++)
            for (unsigned pcr = 0; pcr < 80; pcr++)
                sink ^= (uint8_t) ccm_tpm_pcr_selected(&q.banks[b], pcr);
    }

    memset(&err, 0, sizeof(err));
    CcmTdxQuoteParts p;
    r = ccm_tdx_quote_parts(data, size, "fuzz", &p, &err);
    check_error(r, &err);
    if (r == 0) {
        touch(p.signed_data, p.signed_size);
        touch(p.signature, 64);
        touch(p.attestation_key, 64);
        touch(p.qe_report, CCM_TDX_QE_REPORT_SIZE);
        touch(p.qe_report_signature, 64);
        touch(p.qe_auth, p.qe_auth_size);
        touch((const uint8_t *) p.pck_chain, p.pck_chain_size);
        if (p.size > size)
            abort();
        /* the body against a TDREPORT-sized prefix of the input itself */
        if (size >= 1024)
            sink ^= (uint8_t) (ccm_tdx_body_tdreport_difference(p.body, data) != NULL);
    }
    return 0;
}
