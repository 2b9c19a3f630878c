/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-qemu.c - a QMP peer that replays a recorded transcript, for the replay suite
 *
 * The client code under test runs unmodified over a real socket; only the peer is
 * replaced by the recording of a real QEMU. Requests must match the recording exactly,
 * and every recorded request must be consumed, so a change in what ccm sends shows up
 * as a test failure rather than as a silently stale recording.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "fake-qemu.h"

struct FakeQemu {
    const CcmQmpTranscript *transcript;
    int fd;
    GThread *thread;
    char *failure;
};

static bool write_message(int fd, json_object *m)
{
    const char *text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
    g_autofree char *line = g_strconcat(text, "\r\n", NULL);
    size_t n = strlen(line), off = 0;

    while (off < n) {
        ssize_t w = write(fd, line + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        off += (size_t) w;
    }
    return true;
}

/* One request line from the client (ours end with "\n"), or NULL at end of stream. */
static char *read_line(int fd, GString *buffer)
{
    for (;;) {
        char *nl = memchr(buffer->str, '\n', buffer->len);
        if (nl) {
            size_t len = (size_t) (nl - buffer->str);
            char *line = g_strndup(buffer->str, len);
            g_string_erase(buffer, 0, (gssize) len + 1);
            return line;
        }
        char chunk[65536];
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return NULL;
        g_string_append_len(buffer, chunk, r);
    }
}

static gpointer serve(gpointer data)
{
    FakeQemu *f = data;
    GPtrArray *m = f->transcript->messages;
    g_autoptr(GString) buffer = g_string_new(NULL);
    guint i = 0;

    /* QEMU speaks first. */
    while (i < m->len && ccm_qmp_transcript_is_from_qemu(m->pdata[i]))
        if (!write_message(f->fd, m->pdata[i++]))
            return NULL;

    while (i < m->len) {
        json_object *expected = m->pdata[i++];
        g_autofree char *line = read_line(f->fd, buffer);
        if (!line) {
            f->failure = g_strdup_printf("the client stopped before sending %s",
                                         json_object_to_json_string(expected));
            return NULL;
        }
        json_object *got = json_tokener_parse(line);
        if (!got || !json_object_equal(got, expected)) {
            f->failure = g_strdup_printf("request %s differs from the recorded %s", line,
                                         json_object_to_json_string(expected));
            json_object_put(got);
            return NULL;
        }
        json_object_put(got);
        while (i < m->len && ccm_qmp_transcript_is_from_qemu(m->pdata[i]))
            if (!write_message(f->fd, m->pdata[i++]))
                return NULL;
    }
    /* Like QEMU after quit: close. */
    return NULL;
}

FakeQemu *fake_qemu_start(const CcmQmpTranscript *transcript, int fd)
{
    FakeQemu *f = g_new0(FakeQemu, 1);
    f->transcript = transcript;
    f->fd = fd;
    f->thread = g_thread_new("fake-qemu", serve, f);
    return f;
}

char *fake_qemu_finish(FakeQemu *f)
{
    g_thread_join(f->thread);
    close(f->fd);
    char *failure = f->failure;
    g_free(f);
    return failure;
}
