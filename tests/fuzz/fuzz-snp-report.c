/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-snp-report.c - libFuzzer target: the SEV-SNP attestation report parser
 *
 * Whatever parses must serialize back to the same fields (the layout read and written
 * agree for versions 2, 3 and 5, in Milan's and Turin's TCB layouts) and its signature
 * check under a fixed P-384 key must fail cleanly, never crash. Every failure explains
 * itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "snp-report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *key;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CcmSnpReport r, again;
    CcmError err = { 0 };

    if (!key)
        key = EVP_EC_gen("P-384");
    if (ccm_snp_report_parse(data, size, "fuzz", &r, &err) < 0) {
        if (!err.message[0])
            abort();
        return 0;
    }
    uint8_t out[CCM_SNP_REPORT_SIZE], out_again[CCM_SNP_REPORT_SIZE];
    ccm_snp_report_serialize(&r, out);
    if (ccm_snp_report_parse(out, sizeof(out), "fuzz", &again, &err) < 0)
        abort();
    ccm_snp_report_serialize(&again, out_again);
    if (memcmp(out, out_again, sizeof(out)) != 0 || memcmp(out, data, 0x38) != 0)
        abort();    /* version to signature_algo have no reserved bytes */
    CcmSnpTcb tcb;
    uint8_t raw[CCM_SNP_TCB_SIZE];
    ccm_snp_tcb_decode(data + 0x180, ccm_snp_report_turin_tcb(&r), &tcb);
    ccm_snp_tcb_encode(&tcb, ccm_snp_report_turin_tcb(&r), raw);
    if (memcmp(&tcb, &r.reported_tcb, sizeof(tcb)) != 0)
        abort();
    if (key && ccm_snp_report_verify(data, key, &err) == 0)
        abort();    /* a fresh key signed nothing */
    return 0;
}
