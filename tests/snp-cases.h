/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snp-cases.h - the SEV-SNP vector table (cases.tsv), as the vector and drop-in tests read it */
#pragma once

#include <glib.h>

/* The columns, in the order of the table's header line. */
enum {
    COL_ID,
    COL_MODE,
    COL_VMM,
    COL_VCPUS,
    COL_VCPU_SIG,
    COL_GUEST_FEATURES,
    COL_OVMF,
    COL_KERNEL,
    COL_INITRD,
    COL_APPEND,
    COL_SEED,
    COL_EXTRA,
    COL_EXPECTED,
    COL_SOURCE,
    N_COLUMNS,
};

typedef struct Row {
    char **cols;
} Row;

static inline void row_free(gpointer p)
{
    Row *row = p;
    g_strfreev(row->cols);
    g_free(row);
}

/* Every row of @path (Row, owned); the test fails on a wrong header or column count. */
static inline GPtrArray *snp_cases_load(const char *path)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;

    if (!g_file_get_contents(path, &text, NULL, &error))
        g_error("%s", error->message);
    GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_assert_true(g_str_has_prefix(lines[0], "id\tmode\tvmm\tvcpus\tvcpu_sig\tguest_features\t"
                                             "ovmf\tkernel\tinitrd\tappend\t"
                                             "snp_ovmf_hash_seed\textra\texpected\tsource"));
    for (size_t i = 1; lines[i]; i++) {
        if (lines[i][0] == '\0')
            continue;
        Row *row = g_new0(Row, 1);
        row->cols = g_strsplit(lines[i], "\t", -1);
        if (g_strv_length(row->cols) != N_COLUMNS)
            g_error("%s:%zu: %u columns, expected %d", path, i + 1, g_strv_length(row->cols),
                    N_COLUMNS);
        g_ptr_array_add(rows, row);
    }
    return rows;
}
