/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-varlink-output-cap.c - a stream whose client does not read is cut off at
 * CCM_VARLINK_OUTPUT_MAX queued bytes, over a real UNIX socket; a client that reads
 * takes far more than that through the same stream and stays connected
 */
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "varlink-server.h"

#define CHUNK (64u << 10)

typedef struct Stream {
    CcmVarlinkCall *call;
    guint source;
    gsize produced;       /* reply bytes handed to the server */
    gboolean cancelled;   /* the server ended the call: the client is gone */
    gsize limit;          /* stop producing after this many bytes */
} Stream;

static Stream streams[2];
static guint n_streams;
static char *payload;

static gboolean produce(gpointer userdata)
{
    Stream *s = userdata;
    if (s->cancelled || s->produced >= s->limit) {
        s->source = 0;
        return G_SOURCE_REMOVE;
    }
    json_object *p = json_object_new_object();
    json_object_object_add(p, "data", json_object_new_string(payload));
    ccm_varlink_call_reply(s->call, p, true);
    s->produced += CHUNK;
    return G_SOURCE_CONTINUE;
}

static void stream_cancelled(gpointer userdata)
{
    Stream *s = userdata;
    s->cancelled = TRUE;
}

static void method_flood(CcmVarlinkCall *call, json_object *parameters, gpointer userdata)
{
    g_assert_cmpuint(n_streams, <, G_N_ELEMENTS(streams));
    Stream *s = &streams[n_streams++];
    s->call = ccm_varlink_call_ref(call);
    s->limit = (gsize) 40 << 20;
    ccm_varlink_call_set_cancel_func(call, stream_cancelled, s);
    s->source = g_idle_add(produce, s);
}

static GSocket *connect_and_call(const char *path)
{
    g_autoptr(GError) error = NULL;
    GSocket *sock = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_DEFAULT, &error);
    g_assert_no_error(error);
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);
    g_assert_true(g_socket_connect(sock, address, NULL, &error));
    static const char request[] = "{\"method\":\"test.Stream.Flood\",\"more\":true}";
    g_assert_cmpint(g_socket_send(sock, request, sizeof(request), NULL, &error), ==,
                    sizeof(request));
    return sock;
}

static gsize drained;

static gboolean drain(GSocket *sock, GIOCondition condition, gpointer userdata)
{
    char buf[65536];
    gssize n = g_socket_receive(sock, buf, sizeof(buf), NULL, NULL);
    if (n <= 0)
        return G_SOURCE_REMOVE;
    drained += (gsize) n;
    return G_SOURCE_CONTINUE;
}

static gboolean deadline_passed;

static gboolean deadline(gpointer userdata)
{
    deadline_passed = TRUE;
    return G_SOURCE_REMOVE;
}

/* One stream cut off, the other produced in full and read to the end. */
static gboolean settled(void)
{
    if (n_streams < 2 || streams[0].cancelled == streams[1].cancelled)
        return FALSE;
    const Stream *kept = streams[0].cancelled ? &streams[1] : &streams[0];
    return kept->produced >= kept->limit && drained >= kept->produced;
}

static void test_output_cap(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("varlink-cap-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *path = g_build_filename(dir, "socket", NULL);
    payload = g_malloc(CHUNK + 1);
    memset(payload, 'x', CHUNK);
    payload[CHUNK] = '\0';

    CcmVarlinkServer *server = ccm_varlink_server_new("ccm", "test", "0", "https://example");
    ccm_varlink_server_add_interface(server, "test.Stream",
                                     "interface test.Stream\nmethod Flood() -> (data: string)\n");
    ccm_varlink_server_add_method(server, "test.Stream.Flood", method_flood, NULL);
    g_assert_true(ccm_varlink_server_listen_path(server, path, 0600, &error));
    g_assert_no_error(error);

    /* Client 0 never reads; client 1 reads everything. */
    g_autoptr(GSocket) deaf = connect_and_call(path);
    g_autoptr(GSocket) reader = connect_and_call(path);
    g_socket_set_blocking(reader, FALSE);
    g_autoptr(GSource) drain_source = g_socket_create_source(reader, G_IO_IN, NULL);
    g_source_set_callback(drain_source, (GSourceFunc) (GCallback) drain, NULL, NULL);
    g_source_attach(drain_source, NULL);
    guint timer = g_timeout_add_seconds(30, deadline, NULL);

    while (!deadline_passed && !settled())
        g_main_context_iteration(NULL, TRUE);
    g_assert_false(deadline_passed);
    g_source_remove(timer);

    /* Which stream is whose: the deaf client connected first, but the server may take
     * the two in any order; the cut-off one is the deaf one. */
    Stream *cut = streams[0].cancelled ? &streams[0] : &streams[1];
    Stream *kept = cut == &streams[0] ? &streams[1] : &streams[0];
    g_test_message("deaf client cut off after %zu KiB produced; reader took %zu KiB, "
                   "connected: %d",
                   cut->produced >> 10, drained >> 10, ccm_varlink_call_connected(kept->call));
    g_assert_true(cut->cancelled);
    g_assert_false(kept->cancelled);
    g_assert_true(ccm_varlink_call_connected(kept->call));
    /* Queued beyond the cap, plus what the kernel's socket buffer took, plus one chunk. */
    g_assert_cmpuint(cut->produced, >, CCM_VARLINK_OUTPUT_MAX);
    g_assert_cmpuint(cut->produced, <, CCM_VARLINK_OUTPUT_MAX + (8u << 20));
    /* The reader got more than the cap through the same kind of stream. */
    g_assert_cmpuint(drained, >, 2 * (gsize) CCM_VARLINK_OUTPUT_MAX);
    /* The deaf client sees its connection closed once it reads: the replies that fit
     * the socket buffer, then end of file. */
    g_socket_set_blocking(deaf, FALSE);
    char buf[65536];
    gssize n;
    gsize got = 0;
    while ((n = g_socket_receive(deaf, buf, sizeof(buf), NULL, NULL)) > 0)
        got += (gsize) n;
    g_assert_cmpint(n, ==, 0);
    g_assert_cmpuint(got, <, cut->produced);

    for (guint i = 0; i < n_streams; i++) {
        if (streams[i].source)
            g_source_remove(streams[i].source);
        ccm_varlink_call_set_cancel_func(streams[i].call, NULL, NULL);
        ccm_varlink_call_unref(streams[i].call);
    }
    g_source_destroy(drain_source);
    ccm_varlink_server_free(server);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    (void) unlink(path);
    (void) g_rmdir(dir);
    g_free(payload);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/varlink/output-cap", test_output_cap);
    return g_test_run();
}
