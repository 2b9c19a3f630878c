/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mapped-file.h - a regular file mapped read-only, with a size limit */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "ccm/measure.h"

typedef struct CcmMappedFile {
    char *path;
    const uint8_t *data;  /* never NULL, even for an empty file */
    size_t size;
    void *mapping;        /* what munmap() takes, or NULL */
} CcmMappedFile;

/**
 * ccm_mapped_file_open() - map @path, refusing anything but a regular file
 * @max_size: files larger than this fail with -EFBIG
 * @what: what the file is for ("firmware", "kernel"), used in messages
 */
int ccm_mapped_file_open(const char *path, uint64_t max_size, const char *what,
                         CcmMappedFile **ret, CcmError *reterr);
void ccm_mapped_file_free(CcmMappedFile *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmMappedFile, ccm_mapped_file_free)
