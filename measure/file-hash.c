/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* file-hash.c - hashing whole files (kernels, initrds) */
#include <errno.h>

#include "digest.h"
#include "error.h"
#include "file-hash.h"
#include "mapped-file.h"

int ccm_file_sha256(const char *path, const char *what, uint8_t *ret_sha256, CcmError *reterr)
{
    g_autoptr(CcmMappedFile) file = NULL;
    int r = ccm_mapped_file_open(path, CCM_BOOT_FILE_MAX_SIZE, what, &file, reterr);
    if (r < 0)
        return r;

    CcmHasher hasher;
    if ((r = ccm_hasher_init(&hasher, CCM_HASH_SHA256)) < 0)
        return ccm_error_set(reterr, r, "%s: cannot set up SHA-256", path);
    r = ccm_hasher_digest(&hasher, file->data, file->size, ret_sha256);
    ccm_hasher_done(&hasher);
    return r < 0 ? ccm_error_set(reterr, r, "%s: hashing the %s failed", path, what) : 0;
}

int ccm_sha256_file(const char *path, uint8_t *ret_sha256, CcmError *reterr)
{
    if (!path || !ret_sha256)
        return ccm_error_set(reterr, -EINVAL, "ccm_sha256_file: path and ret are required");
    return ccm_file_sha256(path, "input file", ret_sha256, reterr);
}
