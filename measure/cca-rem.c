/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cca-rem.c - Arm CCA Realm Extensible Measurements (RSI_MEASUREMENT_EXTEND)
 *
 * cca.md §2.8: a REM starts at zero and each extension replaces it with
 * H(REM[0..L) || value[0..size)), where L is the realm's hash length and size (0 to 64)
 * is what the guest passes. The RMM keeps each REM in a 64-byte slot, zero past L.
 * (One peer tool hashes H(value padded to 64 bytes) and drops the old REM; that is not
 * what TF-RMM does.)
 */
#include <errno.h>
#include <string.h>

#include "cca-realm.h"
#include "error.h"

int ccm_cca_rem_extend(CcmCcaHash hash, uint8_t *rem, const void *value, size_t size,
                       CcmError *reterr)
{
    size_t l = ccm_cca_hash_size(hash);
    CcmHasher h;
    uint8_t out[CCM_DIGEST_MAX_SIZE] = { 0 };
    int r;

    if (!rem || (!value && size > 0))
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_rem_extend: rem and value are required");
    if (l == 0)
        return ccm_error_set(reterr, -EINVAL, "unknown hash algorithm %d: expected sha256, "
                                              "sha512 or sha384", (int) hash);
    if (size > 64)
        return ccm_error_set(reterr, -EINVAL, "REM extension of %zu bytes: expected at most 64",
                             size);
    if ((r = ccm_hasher_init(&h, ccm_cca_hash_algorithm(hash))) < 0)
        return ccm_error_set(reterr, r, "cannot set up %s", ccm_cca_hash_to_string(hash));
    if ((r = ccm_hasher_start(&h)) == 0 && (r = ccm_hasher_update(&h, rem, l)) == 0 &&
        (size == 0 || (r = ccm_hasher_update(&h, value, size)) == 0))
        r = ccm_hasher_finish(&h, out);
    ccm_hasher_done(&h);
    if (r < 0)
        return ccm_error_set(reterr, r, "%s failed", ccm_cca_hash_to_string(hash));
    memcpy(rem, out, CCM_DIGEST_MAX_SIZE);
    return 0;
}
