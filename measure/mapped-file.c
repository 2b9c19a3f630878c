/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mapped-file.c - a regular file mapped read-only, with a size limit */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mapped-file.h"

int ccm_mapped_file_open(const char *path, uint64_t max_size, const char *what,
                         CcmMappedFile **ret, CcmError *reterr)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0)
        return ccm_error_set(reterr, -errno, "%s: cannot open the %s: %s", path, what,
                             g_strerror(errno));
    if (fstat(fd, &st) < 0) {
        int r = -errno;
        close(fd);
        return ccm_error_set(reterr, r, "%s: cannot stat the %s: %s", path, what, g_strerror(-r));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return ccm_error_set(reterr, -EISDIR, "%s: is a directory; the %s must be a regular file",
                             path, what);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ccm_error_set(reterr, -ENODEV, "%s: is not a regular file, as the %s must be",
                             path, what);
    }
    if ((uint64_t) st.st_size > max_size) {
        close(fd);
        return ccm_error_set(reterr, -EFBIG,
                             "%s: %s is %jd bytes, larger than the %" G_GUINT64_FORMAT
                             " bytes accepted",
                             path, what, (intmax_t) st.st_size, max_size);
    }

    g_autofree CcmMappedFile *file = calloc(1, sizeof(*file));
    g_autofree char *path_copy = strdup(path);
    if (!file || !path_copy) {
        close(fd);
        return ccm_error_set(reterr, -ENOMEM, "%s: out of memory", path);
    }

    file->size = (size_t) st.st_size;
    if (file->size == 0) {
        file->data = (const uint8_t *) "";
    } else {
        /* No MAP_POPULATE: with a cold page cache it reads the whole file before
         * hashing starts, while faulting it in sequentially lets readahead overlap
         * the I/O with hashing (tools/bench: 1.20x -> 1.05x of openssl, cold). */
        void *m = mmap(NULL, file->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            int r = -errno;
            close(fd);
            return ccm_error_set(reterr, r, "%s: cannot map the %s: %s", path, what,
                                 g_strerror(-r));
        }
        (void) madvise(m, file->size, MADV_SEQUENTIAL);
        file->mapping = m;
        file->data = m;
    }
    close(fd);

    file->path = g_steal_pointer(&path_copy);
    *ret = g_steal_pointer(&file);
    return 0;
}

void ccm_mapped_file_free(CcmMappedFile *file)
{
    if (!file)
        return;
    if (file->mapping)
        munmap(file->mapping, file->size);
    free(file->path);
    free(file);
}
