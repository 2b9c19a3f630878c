/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-qmp-client-rate.c - the QMP client's message rate over a real socket pair: a
 * peer that floods is read no faster than the rate, nothing is lost or reordered, and a
 * reply queued behind the flood still completes
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "qmp-client.h"

typedef struct Seen {
    guint events;
    gboolean in_order;
    gboolean connected;
    json_object *reply;
    gboolean replied;
} Seen;

static void on_event(CcmQmpClient *c, const char *event, json_object *data, void *userdata)
{
    Seen *seen = userdata;
    json_object *n = NULL;
    if (!data || !json_object_object_get_ex(data, "n", &n) ||
        json_object_get_int(n) != (int) seen->events)
        seen->in_order = FALSE;
    seen->events++;
}

static void connected(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Seen *seen = userdata;
    g_autoptr(GError) error = NULL;
    g_assert_true(ccm_qmp_client_connect_finish(NULL, res, &error));
    g_assert_no_error(error);
    seen->connected = TRUE;
}

static void replied(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Seen *seen = userdata;
    g_autoptr(GError) error = NULL;
    seen->reply = ccm_qmp_client_execute_finish(NULL, res, &error);
    g_assert_no_error(error);
    seen->replied = TRUE;
}

static void write_all(int fd, const char *text)
{
    size_t n = strlen(text), off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        g_assert_cmpint(w, >, 0);
        off += (size_t) w;
    }
}

static void write_events(int fd, guint from, guint count)
{
    g_autoptr(GString) s = g_string_new(NULL);
    for (guint i = from; i < from + count; i++)
        g_string_append_printf(s, "{\"event\": \"STOP\", \"data\": {\"n\": %u}, \"timestamp\": "
                                  "{\"seconds\": 1, \"microseconds\": 2}}\r\n",
                               i);
    write_all(fd, s->str);
}

/* Iterates the main context until @done or @ms have passed. */
static void iterate(guint ms, gboolean *done)
{
    gint64 end = g_get_monotonic_time() + (gint64) ms * 1000;
    while ((!done || !*done) && g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static void test_rate(void)
{
    int fds[2];
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) sock = g_socket_new_from_fd(fds[0], &error);
    g_assert_no_error(error);
    g_autoptr(GSocketConnection) conn = g_socket_connection_factory_create_connection(sock);
    g_autoptr(CcmQmpClient) c = ccm_qmp_client_new(G_IO_STREAM(conn), "the test peer");
    Seen seen = { .in_order = TRUE };
    const guint rate = 20, total = 60;

    ccm_qmp_client_set_message_rate(c, rate);
    ccm_qmp_client_set_event_func(c, on_event, &seen);
    ccm_qmp_client_connect_async(c, NULL, connected, &seen);
    write_all(fds[1], "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 9, \"minor\": 2, "
                      "\"micro\": 0}, \"package\": \"\"}, \"capabilities\": []}}\r\n"
                      "{\"return\": {}, \"id\": \"ccm-capabilities\"}\r\n");
    iterate(2000, &seen.connected);
    g_assert_true(seen.connected);

    /* The flood, and a command whose reply comes after it. */
    gint64 t0 = g_get_monotonic_time();
    ccm_qmp_client_execute_async(c, "query-status", NULL, NULL, replied, &seen);
    write_events(fds[1], 0, total);
    write_all(fds[1], "{\"return\": {\"status\": \"running\"}, \"id\": \"ccm-1\"}\r\n");

    /* Half a second in: the burst (the rate's worth, less the two handshake messages)
     * and half a second's refill at most. */
    iterate(500, NULL);
    g_assert_cmpuint(seen.events, >=, rate / 2);
    g_assert_cmpuint(seen.events, <=, rate + rate / 2 + 1);
    g_assert_false(seen.replied);

    iterate(10000, &seen.replied);
    gint64 took_ms = (g_get_monotonic_time() - t0) / 1000;
    g_test_message("%u events and a reply in %" G_GINT64_FORMAT " ms at %u a second",
                   seen.events, took_ms, rate);
    g_assert_true(seen.replied);
    g_assert_cmpuint(seen.events, ==, total);
    g_assert_true(seen.in_order);
    /* (total + reply + handshake - burst) / rate seconds, give or take. */
    g_assert_cmpint(took_ms, >=, (gint64) (total + 3 - rate) * 1000 / rate - 300);
    json_object *status = NULL;
    g_assert_true(json_object_object_get_ex(seen.reply, "status", &status));
    g_assert_cmpstr(json_object_get_string(status), ==, "running");
    json_object_put(seen.reply);

    ccm_qmp_client_close(c);
    close(fds[1]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp-client/message-rate", test_rate);
    return g_test_run();
}
