/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-main.c - runs a libFuzzer target over corpus files without libFuzzer
 *
 * Builds with any compiler, so the fuzz corpus is a regression suite in every build:
 * each argument is a file or a folder of files, each file one input.
 */
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *data = NULL;
    gsize size = 0;

    if (!g_file_get_contents(path, &data, &size, &error)) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *) data, size);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned n = 0;

    for (int i = 1; i < argc; i++) {
        if (!g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            if (run_file(argv[i]))
                return 1;
            n++;
            continue;
        }
        g_autoptr(GError) error = NULL;
        g_autoptr(GDir) dir = g_dir_open(argv[i], 0, &error);
        if (!dir) {
            fprintf(stderr, "%s\n", error->message);
            return 1;
        }
        for (const char *name; (name = g_dir_read_name(dir));) {
            g_autofree char *path = g_build_filename(argv[i], name, NULL);
            if (run_file(path))
                return 1;
            n++;
        }
    }
    printf("ran %u inputs\n", n);
    return n ? 0 : 1;
}
