/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * keyfile.c - systemd-style key files, read with the line of every key kept
 *
 * GKeyFile forgets where a key was, and users of a guest spec need errors that name
 * the file, the line and the key. This parser keeps every entry with its line, lets
 * a key repeat (for lists such as Disk=), and after the caller has asked for every key
 * it knows, reports the first one it did not: unknown keys are errors, not ignored.
 */
#include <string.h>

#include "keyfile.h"

G_DEFINE_QUARK(ccm-keyfile-error-quark, ccm_keyfile_error)

static void entry_free(gpointer p)
{
    CcmKeyfileEntry *e = p;
    g_free(e->section);
    g_free(e->key);
    g_free(e->value);
    g_free(e);
}

void ccm_keyfile_free(CcmKeyfile *kf)
{
    if (!kf)
        return;
    g_ptr_array_unref(kf->entries);
    g_free(kf->path);
    g_free(kf);
}

static bool valid_name(const char *s, size_t n, const char *extra)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(s[i]) && !strchr(extra, s[i]))
            return false;
    return true;
}

CcmKeyfile *ccm_keyfile_parse(const char *path, const char *text, gsize size, GError **error)
{
    g_autoptr(CcmKeyfile) kf = g_new0(CcmKeyfile, 1);
    g_autofree char *section = NULL;
    unsigned line = 0;

    kf->path = g_strdup(path);
    kf->entries = g_ptr_array_new_with_free_func(entry_free);

    if (memchr(text, '\0', size)) {
        g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_SYNTAX,
                    "%s: contains NUL bytes: not a text file", path);
        return NULL;
    }
    if (!g_utf8_validate(text, (gssize) size, NULL)) {
        g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_SYNTAX,
                    "%s: is not valid UTF-8", path);
        return NULL;
    }

    for (const char *p = text, *end = text + size; p < end;) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
        g_autofree char *raw = g_strndup(p, len);
        char *s = g_strstrip(raw);
        p += len + (nl ? 1 : 0);
        line++;

        if (s[0] == '\0' || s[0] == '#' || s[0] == ';')
            continue;
        if (s[0] == '[') {
            size_t n = strlen(s);
            if (s[n - 1] != ']' || !valid_name(s + 1, n - 2, "-_")) {
                g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_SYNTAX,
                            "%s:%u: '%s' is not a section header such as [Guest]", path, line,
                            s);
                return NULL;
            }
            g_free(section);
            section = g_strndup(s + 1, n - 2);
            continue;
        }

        const char *eq = strchr(s, '=');
        if (!eq) {
            g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_SYNTAX,
                        "%s:%u: '%s' is neither Key=Value, a [Section] nor a comment", path,
                        line, s);
            return NULL;
        }
        g_autofree char *key = g_strndup(s, (size_t) (eq - s));
        g_strchomp(key);
        if (!valid_name(key, strlen(key), "-_")) {
            g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_SYNTAX,
                        "%s:%u: '%s' is not a key name (letters, digits, '-' and '_')", path,
                        line, key);
            return NULL;
        }
        if (!section) {
            g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_SYNTAX,
                        "%s:%u: %s= comes before any [Section]", path, line, key);
            return NULL;
        }
        CcmKeyfileEntry *e = g_new0(CcmKeyfileEntry, 1);
        e->section = g_strdup(section);
        e->key = g_steal_pointer(&key);
        e->value = g_strdup(eq + 1);
        g_strchug(e->value);
        e->line = line;
        g_ptr_array_add(kf->entries, e);
    }
    return g_steal_pointer(&kf);
}

CcmKeyfile *ccm_keyfile_load(const char *path, GError **error)
{
    g_autoptr(GMappedFile) file = NULL;
    g_autoptr(GError) e = NULL;

    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_READ,
                    "%s: is a directory, not a guest spec", path);
        return NULL;
    }
    file = g_mapped_file_new(path, FALSE, &e);
    if (!file) {
        g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_READ, "%s", e->message);
        return NULL;
    }
    gsize size = g_mapped_file_get_length(file);
    if (size > CCM_KEYFILE_MAX_SIZE) {
        g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_READ,
                    "%s: %" G_GSIZE_FORMAT " bytes, larger than the 1 MiB a spec may be", path,
                    size);
        return NULL;
    }
    const char *text = g_mapped_file_get_contents(file);
    return ccm_keyfile_parse(path, text ? text : "", size, error);
}

void ccm_keyfile_set_error(GError **error, const CcmKeyfile *kf, const CcmKeyfileEntry *entry,
                           const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_KEY, "%s:%u: [%s] %s=: %s",
                kf->path, entry->line, entry->section, entry->key, message);
}

gboolean ccm_keyfile_get(CcmKeyfile *kf, const char *section, const char *key,
                         CcmKeyfileEntry **ret, GError **error)
{
    CcmKeyfileEntry *found = NULL;

    for (guint i = 0; i < kf->entries->len; i++) {
        CcmKeyfileEntry *e = kf->entries->pdata[i];
        if (strcmp(e->section, section) != 0 || strcmp(e->key, key) != 0)
            continue;
        e->used = true;
        if (found) {
            ccm_keyfile_set_error(error, kf, e, "given twice (first on line %u); it takes one "
                                                "value",
                                  found->line);
            return FALSE;
        }
        found = e;
    }
    *ret = found;
    return TRUE;
}

GPtrArray *ccm_keyfile_get_all(CcmKeyfile *kf, const char *section, const char *key)
{
    GPtrArray *all = g_ptr_array_new();

    for (guint i = 0; i < kf->entries->len; i++) {
        CcmKeyfileEntry *e = kf->entries->pdata[i];
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
            e->used = true;
            g_ptr_array_add(all, e);
        }
    }
    return all;
}

gboolean ccm_keyfile_has_section(const CcmKeyfile *kf, const char *section)
{
    for (guint i = 0; i < kf->entries->len; i++)
        if (strcmp(((CcmKeyfileEntry *) kf->entries->pdata[i])->section, section) == 0)
            return TRUE;
    return FALSE;
}

static int section_index(const char *const *sections, const char *name)
{
    for (int i = 0; sections[i]; i++)
        if (strcmp(sections[i], name) == 0)
            return i;
    return -1;
}

gboolean ccm_keyfile_check_unused(const CcmKeyfile *kf, const char *const *sections,
                                  const char *const *const *known_keys, GError **error)
{
    for (guint i = 0; i < kf->entries->len; i++) {
        const CcmKeyfileEntry *e = kf->entries->pdata[i];
        if (e->used)
            continue;

        int s = section_index(sections, e->section);
        if (s < 0) {
            g_autofree char *list = g_strjoinv("], [", (char **) sections);
            g_set_error(error, CCM_KEYFILE_ERROR, CCM_KEYFILE_ERROR_KEY,
                        "%s:%u: unknown section [%s]; expected [%s]", kf->path, e->line,
                        e->section, list);
            return FALSE;
        }
        g_autoptr(GString) list = g_string_new(NULL);
        const char *suggestion = NULL;
        for (size_t k = 0; known_keys[s][k]; k++) {
            g_string_append_printf(list, "%s%s=", k ? ", " : "", known_keys[s][k]);
            if (g_ascii_strcasecmp(known_keys[s][k], e->key) == 0)
                suggestion = known_keys[s][k];
        }
        if (suggestion)
            ccm_keyfile_set_error(error, kf, e, "unknown key; did you mean %s=? (keys are "
                                                "case-sensitive)",
                                  suggestion);
        else
            ccm_keyfile_set_error(error, kf, e, "unknown key in [%s]; expected one of %s",
                                  e->section, list->str);
        return FALSE;
    }
    return TRUE;
}
