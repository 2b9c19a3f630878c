/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * secret-redact.c - credentials cut out of text a broker sent us, before we print it
 *
 * Theory of operation: a handful of patterns, applied in order, each replacing what it
 * matches with "[redacted]". They err towards cutting too much: a reason with a
 * redacted word still says what went wrong, a printed token is a live credential in a
 * terminal's scrollback or a journal. The patterns are compiled once per process.
 */
#include <glib.h>

#include "secret-redact.h"

/* Key names whose values are secrets. */
#define SECRET_KEYS \
    "(?:token|password|passwd|secret|private_key|privatekey|api_key|apikey|admin_key)"

typedef struct Rule {
    const char *pattern;
    const char *replacement;  /* \1 keeps the part that names the secret */
} Rule;

static const Rule rules[] = {
    /* PEM private keys, whole (or to the end of a cut-off text). */
    { "-----BEGIN [A-Z ]*PRIVATE KEY-----(?:.|\\n)*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
      "[redacted]" },
    /* Header values that carry credentials, whatever scheme follows. */
    { "(?i)((?:proxy-)?authorization|cookie|set-cookie|x-api-key)(\"?\\s*[:=]\\s*\"?)"
      "[^\"\\r\\n]*",
      "\\1\\2[redacted]" },
    /* Schemes seen on their own ("... Bearer eyJ..."); a credential is 8 characters or
     * more, so "a Bearer token" in a reason stays. */
    { "(?i)\\b(bearer|basic)\\s+[^\\s\",;]{8,}", "\\1 [redacted]" },
    /* Keys naming secrets: a JSON member ("token": "...") or a key=value pair. */
    { "(?i)(\"[a-z_-]*" SECRET_KEYS "\"\\s*:\\s*\"?|\\b[a-z_-]*" SECRET_KEYS "=)[^\"\\s,;}&]+",
      "\\1[redacted]" },
    /* JWS/JWT compact forms anywhere: three base64url parts joined by dots. */
    { "[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", "[redacted]" },
};

char *ccm_redact_secrets(const char *text)
{
    static GRegex *compiled[G_N_ELEMENTS(rules)];
    static gsize once;

    if (g_once_init_enter(&once)) {
        for (gsize i = 0; i < G_N_ELEMENTS(rules); i++)
            compiled[i] = g_regex_new(rules[i].pattern, G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, NULL);
        g_once_init_leave(&once, 1);
    }
    char *out = g_strdup(text ? text : "");
    for (gsize i = 0; i < G_N_ELEMENTS(rules); i++) {
        char *next = compiled[i] ? g_regex_replace(compiled[i], out, -1, 0, rules[i].replacement,
                                                   0, NULL)
                                 : NULL;
        /* A pattern that cannot run (it never fails on valid patterns) cuts everything
         * rather than letting the text through unexamined. */
        g_free(out);
        out = next ? next : g_strdup("[redacted]");
    }
    return out;
}
