/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* keyfile.h - systemd-style key files, read with the line of every key kept */
#pragma once

#include <stdbool.h>

#include <glib.h>

#define CCM_KEYFILE_ERROR (ccm_keyfile_error_quark())
GQuark ccm_keyfile_error_quark(void);

typedef enum CcmKeyfileError {
    CCM_KEYFILE_ERROR_READ,    /* the file cannot be read */
    CCM_KEYFILE_ERROR_SYNTAX,  /* not [Section] / Key=Value / comment */
    CCM_KEYFILE_ERROR_KEY,     /* unknown, missing, repeated or badly valued key */
} CcmKeyfileError;

typedef struct CcmKeyfileEntry {
    char *section;
    char *key;
    char *value;
    unsigned line;
    bool used;
} CcmKeyfileEntry;

typedef struct CcmKeyfile {
    char *path;
    GPtrArray *entries;  /* CcmKeyfileEntry, in file order */
} CcmKeyfile;

/* Larger than any guest spec; a bigger file is the wrong file. */
#define CCM_KEYFILE_MAX_SIZE (1u << 20)

/**
 * ccm_keyfile_parse() - read a key file
 *
 * Lines are "[Section]", "Key=Value" (whitespace around both trimmed), empty, or
 * comments starting with '#' or ';'. A key may repeat (lists); keys before the first
 * section, text that is none of these, and NUL bytes are errors naming the line.
 */
CcmKeyfile *ccm_keyfile_parse(const char *path, const char *text, gsize size, GError **error);
CcmKeyfile *ccm_keyfile_load(const char *path, GError **error);
void ccm_keyfile_free(CcmKeyfile *keyfile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmKeyfile, ccm_keyfile_free)

/* The single entry for @section/@key (marked used), or NULL. Two entries are an error. */
gboolean ccm_keyfile_get(CcmKeyfile *keyfile, const char *section, const char *key,
                         CcmKeyfileEntry **ret, GError **error);
/* Every entry for @section/@key in file order (marked used); never NULL. */
GPtrArray *ccm_keyfile_get_all(CcmKeyfile *keyfile, const char *section, const char *key);
/* Whether any entry is in @section. */
gboolean ccm_keyfile_has_section(const CcmKeyfile *keyfile, const char *section);

/* An error about @entry: "PATH:LINE: [Section] Key=: MESSAGE". */
void ccm_keyfile_set_error(GError **error, const CcmKeyfile *keyfile,
                           const CcmKeyfileEntry *entry, const char *format, ...)
    G_GNUC_PRINTF(4, 5);

/* The first entry nobody asked for, as an error listing the keys @section knows. */
gboolean ccm_keyfile_check_unused(const CcmKeyfile *keyfile, const char *const *sections,
                                  const char *const *const *known_keys, GError **error);
