/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qmp-transcript.c - a recorded QMP conversation
 *
 * The same format serves the recordings under tests/data/qmp/ (replayed by the
 * replay suite's fake QEMU) and the capability cache: a probe of a real binary is
 * saved as a transcript, and capabilities are always derived from a transcript, so a
 * cached probe and a fresh one cannot disagree.
 */
#include <string.h>

#include <gio/gio.h>

#include "json-text.h"
#include "qmp-transcript.h"

static void json_put(gpointer o)
{
    json_object_put(o);
}

CcmQmpTranscript *ccm_qmp_transcript_new(json_object *header)
{
    CcmQmpTranscript *t = g_new0(CcmQmpTranscript, 1);
    t->header = header;
    t->messages = g_ptr_array_new_with_free_func(json_put);
    return t;
}

void ccm_qmp_transcript_free(CcmQmpTranscript *t)
{
    if (!t)
        return;
    json_object_put(t->header);
    g_ptr_array_unref(t->messages);
    g_free(t->path);
    g_free(t);
}

void ccm_qmp_transcript_add(CcmQmpTranscript *t, json_object *message)
{
    g_ptr_array_add(t->messages, json_object_get(message));
}

gboolean ccm_qmp_transcript_is_from_qemu(json_object *message)
{
    return !json_object_object_get_ex(message, "execute", NULL);
}

gboolean ccm_qmp_transcript_save(const CcmQmpTranscript *t, const char *path, GError **error)
{
    g_autoptr(GString) s = g_string_new(NULL);
    const int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

    g_string_append(s, json_object_to_json_string_ext(t->header, flags));
    g_string_append_c(s, '\n');
    for (guint i = 0; i < t->messages->len; i++) {
        g_string_append(s, json_object_to_json_string_ext(t->messages->pdata[i], flags));
        g_string_append_c(s, '\n');
    }
    return g_file_set_contents(path, s->str, (gssize) s->len, error);
}

CcmQmpTranscript *ccm_qmp_transcript_load(const char *path, GError **error)
{
    g_autoptr(GMappedFile) file = g_mapped_file_new(path, FALSE, error);
    if (!file)
        return NULL;
    gsize size = g_mapped_file_get_length(file);
    if (size > CCM_QMP_TRANSCRIPT_MAX_SIZE) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: %" G_GSIZE_FORMAT " bytes, larger than any QMP transcript", path, size);
        return NULL;
    }
    g_autofree char *text = g_strndup(g_mapped_file_get_contents(file), size);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(CcmQmpTranscript) t = NULL;

    for (guint i = 0; lines[i]; i++) {
        if (g_strstrip(lines[i])[0] == '\0')
            continue;
        enum json_tokener_error jerr;
        json_object *o = json_tokener_parse_verbose(lines[i], &jerr);
        if (!o || !json_object_is_type(o, json_type_object)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s:%u: expected one JSON object per line%s%s%s", path, i + 1,
                        o ? "" : " (", o ? "" : ccm_json_error_text(jerr), o ? "" : ")");
            json_object_put(o);
            return NULL;
        }
        if (!t) {
            json_object *v;
            if (!json_object_object_get_ex(o, "ccm-qmp-transcript", &v) ||
                json_object_get_int(v) != CCM_QMP_TRANSCRIPT_VERSION) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "%s:%u: not a ccm QMP transcript (expected a header with "
                            "\"ccm-qmp-transcript\": %d)",
                            path, i + 1, CCM_QMP_TRANSCRIPT_VERSION);
                json_object_put(o);
                return NULL;
            }
            t = ccm_qmp_transcript_new(o);
            continue;
        }
        g_ptr_array_add(t->messages, o);
    }
    if (!t) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: empty transcript", path);
        return NULL;
    }
    t->path = g_strdup(path);
    return g_steal_pointer(&t);
}
