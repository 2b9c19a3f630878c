/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-snp-vek.c - libFuzzer target: AMD's VCEK/VLEK certificate extension parser
 *
 * A parsed certificate's fields must be in range (SPLs -1..255, hwID 0, 8 or 64 bytes,
 * strings terminated); a refusal must explain itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snp-vek.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CcmSnpVekExtensions e;
    CcmError err = { 0 };
    if (ccm_snp_vek_extensions_parse(data, size, "fuzz", &e, &err) < 0) {
        if (!err.message[0])
            abort();
        return 0;
    }
    const int spls[] = { e.bl_spl, e.tee_spl, e.snp_spl, e.ucode_spl, e.fmc_spl };
    for (size_t i = 0; i < sizeof(spls) / sizeof(spls[0]); i++)
        if (spls[i] < -1 || spls[i] > 255)
            abort();
    if ((e.hwid_size != 0 && e.hwid_size != 8 && e.hwid_size != 64) ||
        !memchr(e.product_name, '\0', sizeof(e.product_name)) ||
        !memchr(e.csp_id, '\0', sizeof(e.csp_id)))
        abort();
    if ((e.kind == CCM_SNP_VEK_VCEK) != (e.hwid_size != 0))
        abort();
    return 0;
}
