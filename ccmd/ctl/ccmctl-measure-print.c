/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-measure-print.c - how `ccmctl measure` prints an expectation, whatever the platform
 *
 * The explanation and the notes go to stderr, the values to stdout, so
 * `digest=$(ccmctl measure ... --explain)` captures only the digest.
 */
#include <stdio.h>
#include <string.h>

#include "ccmctl.h"
#include "expectation.h"

void ccmctl_measure_notes(const CcmExpectation *e, gboolean explain)
{
    if (explain) {
        g_autoptr(GString) text = g_string_new(NULL);
        ccm_expectation_explain(e, text);
        fputs(text->str, stderr);
    }
    for (guint i = 0; i < e->notes->len; i++)
        fprintf(stderr, "ccmctl measure: %s\n", (const char *) e->notes->pdata[i]);
}

int ccmctl_measure_print(const CcmExpectation *e, const char *output, gboolean explain)
{
    g_autoptr(GError) error = NULL;
    ccmctl_measure_notes(e, explain);

    g_autofree char *text = NULL;
    if (output && strcmp(output, "json") == 0) {
        text = ccmctl_json_text(NULL, ccm_expectation_to_json(e));
    } else {
        text = ccm_expectation_values_text(e, output && strcmp(output, "base64") == 0);
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("measure", error);
    return CCMCTL_EXIT_OK;
}
