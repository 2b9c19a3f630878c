/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qmp-client.c - a QMP (QEMU Machine Protocol) client over any GIOStream
 *
 * Theory of operation: QEMU speaks JSON objects, one after another, on a stream
 * socket. The client reads continuously into an incremental JSON tokener; each
 * complete object is checked for its shape and dispatched: the greeting ("QMP") ends
 * the connect step, "event" objects go to the event callback in arrival order, and
 * "return"/"error" objects complete the pending command with the same "id". Every
 * command is sent with a fresh id ("ccm-N"), writes are queued so only one is in flight,
 * and any malformed or unexpected message, oversized message or end of stream fails
 * every pending command and ends the connection: a client never guesses past a
 * protocol error. Messages larger than CCM_QMP_MAX_MESSAGE are refused: the tokener
 * holds at most one message, so a peer cannot make the client buffer without limit.
 * With a message rate set, a token bucket is checked before each message; when it is
 * empty the rest of the chunk is held and reading resumes by a timer once a token is
 * due, so a flooding peer fills its own socket instead of the caller's main loop.
 */
#include <string.h>

#include "json-text.h"
#include "qmp-client.h"

G_DEFINE_QUARK(ccm-qmp-error-quark, ccm_qmp_error)

#define READ_CHUNK 65536

typedef enum ClientState {
    STATE_NEW,
    STATE_GREETING,       /* waiting for the greeting */
    STATE_NEGOTIATING,    /* qmp_capabilities sent */
    STATE_READY,
    STATE_CLOSED,
} ClientState;

typedef struct Pending {
    char *id;
    char *command;
    GTask *task;
    GSource *timeout;
} Pending;

struct CcmQmpClient {
    gint refcount;
    GIOStream *stream;
    char *peer;
    ClientState state;
    GTask *connect_task;
    GSource *connect_timeout;
    guint command_timeout_ms;   /* 0: none */
    GHashTable *pending;        /* id -> Pending */
    guint64 next_id;
    json_tokener *tokener;
    size_t message_bytes;       /* bytes fed since the last complete message */
    uint8_t buffer[READ_CHUNK];
    guint message_rate;         /* messages a second; 0: unlimited */
    double message_tokens;
    gint64 tokens_refilled;     /* monotonic µs */
    size_t held_off, held_size; /* bytes of buffer the rate holds back */
    GSource *resume;            /* resumes reading them */
    GCancellable *reading;      /* cancels the read loop on close */
    GQueue writes;              /* GBytes waiting to be written */
    GBytes *in_flight;          /* the one being written */
    int version[3];
    char *package;
    CcmQmpEventFunc event_func;
    void *event_userdata;
    CcmQmpTraceFunc trace_func;
    void *trace_userdata;
    CcmQmpClosedFunc closed_func;
    void *closed_userdata;
};

static void json_put(gpointer o)
{
    json_object_put(o);
}

static void pending_free(gpointer p)
{
    Pending *pending = p;
    g_free(pending->id);
    g_free(pending->command);
    g_clear_object(&pending->task);
    if (pending->timeout) {
        g_source_destroy(pending->timeout);
        g_source_unref(pending->timeout);
    }
    g_free(pending);
}

CcmQmpClient *ccm_qmp_client_new(GIOStream *stream, const char *peer)
{
    CcmQmpClient *c = g_new0(CcmQmpClient, 1);

    c->refcount = 1;
    c->stream = g_object_ref(stream);
    c->peer = g_strdup(peer);
    c->pending = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pending_free);
    c->tokener = json_tokener_new_ex(64);
    c->reading = g_cancellable_new();
    g_queue_init(&c->writes);
    return c;
}

CcmQmpClient *ccm_qmp_client_ref(CcmQmpClient *c)
{
    g_atomic_int_inc(&c->refcount);
    return c;
}

void ccm_qmp_client_unref(CcmQmpClient *c)
{
    if (!c || !g_atomic_int_dec_and_test(&c->refcount))
        return;
    g_assert(g_hash_table_size(c->pending) == 0);
    if (c->resume) {
        g_source_destroy(c->resume);
        g_source_unref(c->resume);
    }
    g_hash_table_unref(c->pending);
    json_tokener_free(c->tokener);
    g_queue_clear_full(&c->writes, (GDestroyNotify) g_bytes_unref);
    g_clear_pointer(&c->in_flight, g_bytes_unref);
    g_object_unref(c->reading);
    g_object_unref(c->stream);
    g_free(c->package);
    g_free(c->peer);
    g_free(c);
}

void ccm_qmp_client_set_event_func(CcmQmpClient *c, CcmQmpEventFunc func, void *userdata)
{
    c->event_func = func;
    c->event_userdata = userdata;
}

void ccm_qmp_client_set_trace_func(CcmQmpClient *c, CcmQmpTraceFunc func, void *userdata)
{
    c->trace_func = func;
    c->trace_userdata = userdata;
}

void ccm_qmp_client_set_command_timeout(CcmQmpClient *c, guint timeout_ms)
{
    c->command_timeout_ms = timeout_ms;
}

void ccm_qmp_client_set_message_rate(CcmQmpClient *c, guint per_second)
{
    c->message_rate = per_second;
    c->message_tokens = per_second;
    c->tokens_refilled = g_get_monotonic_time();
}

void ccm_qmp_client_set_closed_func(CcmQmpClient *c, CcmQmpClosedFunc func, void *userdata)
{
    c->closed_func = func;
    c->closed_userdata = userdata;
}

void ccm_qmp_client_get_version(const CcmQmpClient *c, int *major, int *minor, int *micro,
                                const char **package)
{
    if (major)
        *major = c->version[0];
    if (minor)
        *minor = c->version[1];
    if (micro)
        *micro = c->version[2];
    if (package)
        *package = c->package;
}

/* Ends the connection: every pending command and the connect step fail with @error. */
static void client_fail(CcmQmpClient *c, GError *error)
{
    if (c->state == STATE_CLOSED) {
        g_error_free(error);
        return;
    }
    c->state = STATE_CLOSED;
    g_cancellable_cancel(c->reading);
    if (c->resume) {
        g_source_destroy(c->resume);
        g_clear_pointer(&c->resume, g_source_unref);
    }
    ccm_qmp_client_ref(c);

    GHashTableIter iter;
    gpointer value;
    g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func(g_object_unref);
    g_hash_table_iter_init(&iter, c->pending);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(tasks, g_steal_pointer(&((Pending *) value)->task));
    g_hash_table_remove_all(c->pending);
    for (guint i = 0; i < tasks->len; i++)
        g_task_return_error(tasks->pdata[i], g_error_copy(error));
    if (c->connect_timeout) {
        g_source_destroy(c->connect_timeout);
        g_clear_pointer(&c->connect_timeout, g_source_unref);
    }
    if (c->connect_task) {
        GTask *t = g_steal_pointer(&c->connect_task);
        g_task_return_error(t, g_error_copy(error));
        g_object_unref(t);
    }
    if (c->closed_func)
        c->closed_func(c, error, c->closed_userdata);
    g_error_free(error);
    ccm_qmp_client_unref(c);
}

static void protocol_error(CcmQmpClient *c, json_object *message, const char *what)
{
    const char *text = message ? json_object_to_json_string_ext(message, JSON_C_TO_STRING_PLAIN)
                               : "";
    g_autofree char *excerpt = g_strndup(text, 200);

    client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_PROTOCOL, "%s: %s%s%s%s", c->peer,
                               what, excerpt[0] ? ": " : "", excerpt,
                               strlen(text) > 200 ? "..." : ""));
}

/* ---- writing ------------------------------------------------------------------- */

static void write_next(CcmQmpClient *c);

static void write_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmQmpClient *c = userdata;
    g_autoptr(GError) error = NULL;

    g_clear_pointer(&c->in_flight, g_bytes_unref);
    if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res, NULL, &error)) {
        if (c->state != STATE_CLOSED)
            client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_CLOSED,
                                       "%s: cannot send: %s", c->peer, error->message));
    } else if (c->state != STATE_CLOSED) {
        write_next(c);
    }
    ccm_qmp_client_unref(c);
}

static void write_next(CcmQmpClient *c)
{
    if (c->in_flight || g_queue_is_empty(&c->writes))
        return;
    c->in_flight = g_queue_pop_head(&c->writes);
    gsize size;
    const void *data = g_bytes_get_data(c->in_flight, &size);

    g_output_stream_write_all_async(g_io_stream_get_output_stream(c->stream), data, size,
                                    G_PRIORITY_DEFAULT, NULL, write_done,
                                    ccm_qmp_client_ref(c));
}

static void send_message(CcmQmpClient *c, json_object *message)
{
    if (c->trace_func)
        c->trace_func(c, true, message, c->trace_userdata);
    const char *text = json_object_to_json_string_ext(message, JSON_C_TO_STRING_PLAIN);
    g_autofree char *line = g_strconcat(text, "\n", NULL);
    size_t n = strlen(line);
    g_queue_push_tail(&c->writes, g_bytes_new_take(g_steal_pointer(&line), n));
    write_next(c);
}

/* ---- reading ------------------------------------------------------------------- */

static const char *get_string(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static void handle_greeting(CcmQmpClient *c, json_object *message)
{
    json_object *qmp, *version, *qemu, *v;

    if (!json_object_object_get_ex(message, "QMP", &qmp) ||
        !json_object_is_type(qmp, json_type_object) ||
        !json_object_object_get_ex(qmp, "version", &version) ||
        !json_object_object_get_ex(version, "qemu", &qemu) ||
        !json_object_is_type(qemu, json_type_object)) {
        protocol_error(c, message, "expected the QMP greeting {\"QMP\": {\"version\": ...}}");
        return;
    }
    static const char *const parts[] = { "major", "minor", "micro" };
    for (int i = 0; i < 3; i++) {
        if (!json_object_object_get_ex(qemu, parts[i], &v) ||
            !json_object_is_type(v, json_type_int)) {
            protocol_error(c, message, "greeting without a numeric QEMU version");
            return;
        }
        c->version[i] = json_object_get_int(v);
    }
    c->package = g_strdup(get_string(version, "package"));

    c->state = STATE_NEGOTIATING;
    json_object *cmd = json_object_new_object();
    json_object_object_add(cmd, "execute", json_object_new_string("qmp_capabilities"));
    json_object_object_add(cmd, "id", json_object_new_string("ccm-capabilities"));
    send_message(c, cmd);
    json_object_put(cmd);
}

/* {"return": ...} or {"error": {"class", "desc"}} with our id. */
static void handle_reply(CcmQmpClient *c, json_object *message)
{
    json_object *id_obj, *ret = NULL, *err = NULL;
    const char *id = NULL;

    if (json_object_object_get_ex(message, "id", &id_obj) &&
        json_object_is_type(id_obj, json_type_string))
        id = json_object_get_string(id_obj);
    bool has_return = json_object_object_get_ex(message, "return", &ret);
    bool has_error = json_object_object_get_ex(message, "error", &err);
    if (has_return == has_error) {
        protocol_error(c, message, "a reply needs exactly one of \"return\" and \"error\"");
        return;
    }
    const char *klass = NULL, *desc = NULL;
    if (has_error) {
        klass = json_object_is_type(err, json_type_object) ? get_string(err, "class") : NULL;
        desc = json_object_is_type(err, json_type_object) ? get_string(err, "desc") : NULL;
        if (!klass || !desc) {
            protocol_error(c, message, "an error reply needs string \"class\" and \"desc\"");
            return;
        }
    }

    if (c->state == STATE_NEGOTIATING) {
        if (g_strcmp0(id, "ccm-capabilities") != 0) {
            protocol_error(c, message, "unexpected reply during capabilities negotiation");
            return;
        }
        if (has_error) {
            client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_COMMAND,
                                       "%s: capabilities negotiation failed: %s: %s", c->peer,
                                       klass, desc));
            return;
        }
        c->state = STATE_READY;
        if (c->connect_timeout) {
            g_source_destroy(c->connect_timeout);
            g_clear_pointer(&c->connect_timeout, g_source_unref);
        }
        GTask *t = g_steal_pointer(&c->connect_task);
        if (t) {
            g_task_return_boolean(t, TRUE);
            g_object_unref(t);
        }
        return;
    }

    Pending *pending = id ? g_hash_table_lookup(c->pending, id) : NULL;
    if (!pending) {
        protocol_error(c, message, "a reply to no command we sent");
        return;
    }
    GTask *task = g_steal_pointer(&pending->task);
    g_autofree char *command = g_strdup(pending->command);
    g_hash_table_remove(c->pending, id);
    if (has_error)
        g_task_return_new_error(task, CCM_QMP_ERROR, CCM_QMP_ERROR_COMMAND,
                                "%s: %s failed: %s: %s", c->peer, command, klass, desc);
    else
        g_task_return_pointer(task, json_object_get(ret), json_put);
    g_object_unref(task);
}

static void handle_event(CcmQmpClient *c, json_object *message)
{
    const char *name = get_string(message, "event");
    json_object *data = NULL, *ts;

    if (!name || !json_object_object_get_ex(message, "timestamp", &ts) ||
        !json_object_is_type(ts, json_type_object)) {
        protocol_error(c, message, "an event needs a string \"event\" and a \"timestamp\"");
        return;
    }
    if (json_object_object_get_ex(message, "data", &data) &&
        !json_object_is_type(data, json_type_object)) {
        protocol_error(c, message, "event \"data\" must be an object");
        return;
    }
    if (c->event_func)
        c->event_func(c, name, data, c->event_userdata);
}

static void dispatch(CcmQmpClient *c, json_object *message)
{
    if (c->trace_func)
        c->trace_func(c, false, message, c->trace_userdata);
    if (!json_object_is_type(message, json_type_object)) {
        protocol_error(c, message, "expected a JSON object");
        return;
    }
    if (c->state == STATE_GREETING) {
        handle_greeting(c, message);
    } else if (json_object_object_get_ex(message, "event", NULL)) {
        handle_event(c, message);
    } else if (json_object_object_get_ex(message, "QMP", NULL)) {
        protocol_error(c, message, "a second greeting");
    } else {
        handle_reply(c, message);
    }
}

static void read_more(CcmQmpClient *c);
static void consume(CcmQmpClient *c, const uint8_t *data, size_t size);

/* A token for one more message; else 0 and @ret_wait_ms until one is due. */
static gboolean take_message_token(CcmQmpClient *c, guint *ret_wait_ms)
{
    gint64 now = g_get_monotonic_time();

    c->message_tokens = MIN((double) c->message_rate,
                            c->message_tokens + (double) (now - c->tokens_refilled) *
                                                    c->message_rate / G_USEC_PER_SEC);
    c->tokens_refilled = now;
    if (c->message_tokens >= 1.0) {
        c->message_tokens -= 1.0;
        return TRUE;
    }
    *ret_wait_ms = (guint) ((1.0 - c->message_tokens) * 1000.0 / c->message_rate) + 1;
    return FALSE;
}

static gboolean resume_reading(gpointer userdata)
{
    CcmQmpClient *c = userdata;
    size_t off = c->held_off, size = c->held_size;

    g_clear_pointer(&c->resume, g_source_unref); /* the dispatch holds its own */
    c->held_size = 0;
    ccm_qmp_client_ref(c);
    consume(c, c->buffer + off, size);
    if (c->state != STATE_CLOSED && !c->resume)
        read_more(c);
    ccm_qmp_client_unref(c);
    return G_SOURCE_REMOVE;
}

/* Feeds @size bytes (of c->buffer) to the tokener and dispatches every complete message;
 * with a message rate, holds back what the rate does not allow yet. */
static void consume(CcmQmpClient *c, const uint8_t *data, size_t size)
{
    size_t off = 0;

    while (off < size && c->state != STATE_CLOSED) {
        /* Whitespace between messages (QEMU ends each with CRLF) is not a message. */
        if (c->message_bytes == 0 && g_ascii_isspace(data[off])) {
            off++;
            continue;
        }
        guint wait_ms = 0;
        if (c->message_rate && c->message_bytes == 0 && !take_message_token(c, &wait_ms)) {
            c->held_off = (size_t) (data + off - c->buffer);
            c->held_size = size - off;
            c->resume = g_timeout_source_new(wait_ms);
            g_source_set_callback(c->resume, resume_reading, c, NULL);
            g_source_attach(c->resume, g_main_context_get_thread_default());
            return;
        }
        size_t chunk = size - off;
        json_object *message = json_tokener_parse_ex(c->tokener, (const char *) data + off,
                                                     (int) chunk);
        enum json_tokener_error jerr = json_tokener_get_error(c->tokener);
        if (jerr == json_tokener_continue) {
            c->message_bytes += chunk;
            if (c->message_bytes > CCM_QMP_MAX_MESSAGE)
                client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_PROTOCOL,
                                           "%s: sent a message larger than %u MiB", c->peer,
                                           CCM_QMP_MAX_MESSAGE >> 20));
            return;
        }
        if (jerr != json_tokener_success || !message) {
            /* Show the bytes around the error, escaped, so the log says what came. */
            size_t at = MIN(json_tokener_get_parse_end(c->tokener), chunk);
            size_t from = at > 16 ? at - 16 : 0;
            g_autofree char *raw = g_strndup((const char *) data + off + from,
                                             MIN(chunk - from, 40));
            g_autofree char *near = g_strescape(raw, NULL);
            client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_PROTOCOL,
                                       "%s: sent something that is not JSON (%s) near \"%s\"",
                                       c->peer, ccm_json_error_text(jerr), near));
            return;
        }
        size_t used = json_tokener_get_parse_end(c->tokener);
        off += used;
        json_tokener_reset(c->tokener);
        c->message_bytes = 0;
        dispatch(c, message);
        json_object_put(message);
    }
}

static void read_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    CcmQmpClient *c = userdata;
    g_autoptr(GError) error = NULL;
    gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), res, &error);

    if (c->state == STATE_CLOSED) {
        ccm_qmp_client_unref(c);
        return;
    }
    if (n < 0)
        client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_CLOSED, "%s: cannot read: %s",
                                   c->peer, error->message));
    else if (n == 0)
        client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_CLOSED,
                                   "%s: the connection was closed%s", c->peer,
                                   c->message_bytes ? " in the middle of a message" : ""));
    else {
        consume(c, c->buffer, (size_t) n);
        if (c->state != STATE_CLOSED && !c->resume)
            read_more(c);
    }
    ccm_qmp_client_unref(c);
}

static void read_more(CcmQmpClient *c)
{
    g_input_stream_read_async(g_io_stream_get_input_stream(c->stream), c->buffer,
                              sizeof(c->buffer), G_PRIORITY_DEFAULT, c->reading, read_done,
                              ccm_qmp_client_ref(c));
}

/* ---- per-command timeouts ----------------------------------------------------------- */

typedef struct TimeoutData {
    CcmQmpClient *client;
    char *command;
} TimeoutData;

static void timeout_data_free(gpointer p)
{
    TimeoutData *t = p;
    g_free(t->command);
    g_free(t);
}

/* A peer that does not answer in time is stuck: the connection is ended. */
static gboolean command_timed_out(gpointer userdata)
{
    TimeoutData *t = userdata;
    CcmQmpClient *c = t->client;

    client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_TIMEOUT,
                               "%s: no answer to %s within %u ms", c->peer, t->command,
                               c->command_timeout_ms));
    return G_SOURCE_REMOVE;
}

static void arm_timeout(CcmQmpClient *c, Pending *pending)
{
    TimeoutData *t = g_new0(TimeoutData, 1);
    t->client = c;
    t->command = g_strdup(pending->command);
    pending->timeout = g_timeout_source_new(c->command_timeout_ms);
    g_source_set_callback(pending->timeout, command_timed_out, t, timeout_data_free);
    g_source_attach(pending->timeout, g_main_context_get_thread_default());
}

/* ---- public operations ----------------------------------------------------------- */

static gboolean connect_timed_out(gpointer userdata)
{
    CcmQmpClient *c = userdata;

    g_clear_pointer(&c->connect_timeout, g_source_unref);
    client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_TIMEOUT,
                               "%s: the QMP handshake (greeting, qmp_capabilities) did not "
                               "complete within %u ms",
                               c->peer,
                               c->command_timeout_ms));
    return G_SOURCE_REMOVE;
}

void ccm_qmp_client_connect_async(CcmQmpClient *c, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer userdata)
{
    GTask *task = g_task_new(NULL, cancellable, callback, userdata);

    if (c->state != STATE_NEW) {
        g_task_return_new_error(task, CCM_QMP_ERROR, CCM_QMP_ERROR_PROTOCOL,
                                "%s: already connected", c->peer);
        g_object_unref(task);
        return;
    }
    c->state = STATE_GREETING;
    c->connect_task = task;
    if (c->command_timeout_ms) {
        /* The greeting and the negotiation count as one command. */
        c->connect_timeout = g_timeout_source_new(c->command_timeout_ms);
        g_source_set_callback(c->connect_timeout, connect_timed_out, c, NULL);
        g_source_attach(c->connect_timeout, g_main_context_get_thread_default());
    }
    read_more(c);
}

gboolean ccm_qmp_client_connect_finish(CcmQmpClient *c, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

void ccm_qmp_client_execute_async(CcmQmpClient *c, const char *command, json_object *arguments,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer userdata)
{
    GTask *task = g_task_new(NULL, cancellable, callback, userdata);

    if (c->state != STATE_READY) {
        bool closed = c->state == STATE_CLOSED;
        json_object_put(arguments);
        g_task_return_new_error(task, CCM_QMP_ERROR,
                                closed ? CCM_QMP_ERROR_CLOSED : CCM_QMP_ERROR_PROTOCOL,
                                "%s: cannot run %s: the connection is %s", c->peer, command,
                                closed ? "closed" : "not negotiated yet");
        g_object_unref(task);
        return;
    }

    Pending *pending = g_new0(Pending, 1);
    pending->id = g_strdup_printf("ccm-%" G_GUINT64_FORMAT, ++c->next_id);
    pending->command = g_strdup(command);
    pending->task = task;
    g_hash_table_insert(c->pending, pending->id, pending);
    if (c->command_timeout_ms)
        arm_timeout(c, pending);

    json_object *cmd = json_object_new_object();
    json_object_object_add(cmd, "execute", json_object_new_string(command));
    if (arguments)
        json_object_object_add(cmd, "arguments", arguments);
    json_object_object_add(cmd, "id", json_object_new_string(pending->id));
    send_message(c, cmd);
    json_object_put(cmd);
}

json_object *ccm_qmp_client_execute_finish(CcmQmpClient *c, GAsyncResult *result,
                                           GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

void ccm_qmp_client_close(CcmQmpClient *c)
{
    client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_CLOSED, "%s: connection closed",
                               c->peer));
}

/* ---- blocking forms ------------------------------------------------------------ */

typedef struct SyncCall {
    bool done;
    bool timed_out;
    GAsyncResult *result;
} SyncCall;

static void sync_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    SyncCall *call = userdata;
    call->result = g_object_ref(res);
    call->done = true;
}

static gboolean sync_timeout(gpointer userdata)
{
    SyncCall *call = userdata;
    call->timed_out = true;
    return G_SOURCE_REMOVE;
}

/* Iterates until @call is done; on timeout closes the client so the call completes. */
static void sync_wait(CcmQmpClient *c, SyncCall *call, guint timeout_ms, const char *what)
{
    GMainContext *ctx = g_main_context_get_thread_default();
    GSource *timer = g_timeout_source_new(timeout_ms);

    g_source_set_callback(timer, sync_timeout, call, NULL);
    g_source_attach(timer, ctx);
    while (!call->done) {
        g_main_context_iteration(ctx, TRUE);
        if (call->timed_out && !call->done)
            client_fail(c, g_error_new(CCM_QMP_ERROR, CCM_QMP_ERROR_TIMEOUT,
                                       "%s: no answer to %s within %u ms", c->peer, what,
                                       timeout_ms));
    }
    g_source_destroy(timer);
    g_source_unref(timer);
}

gboolean ccm_qmp_client_connect_sync(CcmQmpClient *c, guint timeout_ms, GError **error)
{
    SyncCall call = { 0 };

    ccm_qmp_client_connect_async(c, NULL, sync_done, &call);
    sync_wait(c, &call, timeout_ms, "the greeting");
    gboolean ok = ccm_qmp_client_connect_finish(c, call.result, error);
    g_object_unref(call.result);
    return ok;
}

json_object *ccm_qmp_client_execute_sync(CcmQmpClient *c, const char *command,
                                         json_object *arguments, guint timeout_ms,
                                         GError **error)
{
    SyncCall call = { 0 };

    ccm_qmp_client_execute_async(c, command, arguments, NULL, sync_done, &call);
    sync_wait(c, &call, timeout_ms, command);
    json_object *ret = ccm_qmp_client_execute_finish(c, call.result, error);
    g_object_unref(call.result);
    return ret;
}
