/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-tdx-mrtd.c - MRTD against the SHA-384 floor, in one process (tools/bench measure-tdx)
 *
 *   bench-tdx-mrtd FIRMWARE [RUNS]
 *
 * Times ccm_tdx_mrtd() on the mapped image and, interleaved, one OpenSSL SHA-384 over as
 * many bytes as MRTD hashes (the floor: no implementation can hash those bytes faster).
 * Prints the medians and their ratio as "key value" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <openssl/evp.h>

#include "ccm/measure.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t) n, sizeof(*v), compare);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-tdx-mrtd FIRMWARE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 31;
    g_autoptr(GMappedFile) file = g_mapped_file_new(argv[1], FALSE, NULL);
    if (!file || runs < 1) {
        fprintf(stderr, "bench-tdx-mrtd: cannot map %s\n", argv[1]);
        return 1;
    }
    const void *image = g_mapped_file_get_contents(file);
    size_t size = g_mapped_file_get_length(file);
    CcmTdvfSection sections[32];
    size_t n = 0;
    uint8_t mrtd[CCM_SHA384_SIZE];
    CcmError err = { 0 };
    if (ccm_tdx_mrtd(image, size, argv[1], CCM_TDX_PAGE_ORDER_PER_PAGE, NULL, NULL, sections, &n,
                     mrtd, &err) < 0) {
        fprintf(stderr, "bench-tdx-mrtd: %s\n", err.message);
        return 1;
    }
    size_t hashed = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pages = sections[i].mem_size / 4096;
        hashed += pages * 128;
        if (sections[i].attributes & CCM_TDVF_ATTR_MR_EXTEND)
            hashed += pages * 16 * (128 + 256);
    }
    uint8_t *bytes = g_malloc(hashed);
    memset(bytes, 0x5a, hashed);

    double *ours = g_new(double, runs), *floor = g_new(double, runs);
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        (void) ccm_tdx_mrtd(image, size, argv[1], CCM_TDX_PAGE_ORDER_PER_PAGE, NULL, NULL, NULL,
                            NULL, mrtd, &err);
        double t1 = now_ms();
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int out_len = 0;
        EVP_Digest(bytes, hashed, out, &out_len, EVP_sha384(), NULL);
        double t2 = now_ms();
        ours[i] = t1 - t0;
        floor[i] = t2 - t1;
    }
    double m_ours = median(ours, runs), m_floor = median(floor, runs);
    printf("image_bytes %zu\nhashed_bytes %zu\nruns %d\nmrtd_ms %.3f\nfloor_ms %.3f\n"
           "ratio %.3f\n",
           size, hashed, runs, m_ours, m_floor, m_ours / m_floor);
    g_free(ours);
    g_free(floor);
    g_free(bytes);
    return 0;
}
