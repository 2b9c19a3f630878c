/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * varlink-server.c - a Varlink server on the GLib main loop
 *
 * Theory of operation: Varlink messages are JSON objects, each terminated by a NUL
 * byte, on a UNIX stream socket. A request is {"method": "iface.Method", "parameters":
 * {...}, "more"?: bool, "oneway"?: bool}; a reply is {"parameters": {...},
 * "continues"?: true} or {"error": "iface.ErrorName", "parameters": {...}}. One
 * connection runs one call at a time: later requests wait in the connection's buffer
 * until the current call has sent its last reply, so replies keep request order. A
 * call with "more" may reply many times (continues) until it ends or the client goes
 * away. A request of the wrong shape gets the standard org.varlink.service errors
 * rather than crashing anything. The server answers org.varlink.service.GetInfo and
 * GetInterfaceDescription itself.
 *
 * Bounds: a client can make the server hold only so much, whatever it sends or fails to
 * read.
 *  - Input: at most one read (64 KiB) is in flight. After each read the first message in
 *    the buffer must fit CCM_VARLINK_MAX_MESSAGE or the client is dropped, call open or
 *    not. While a call is open, reading stops as soon as one complete next request is
 *    buffered; the kernel's socket buffer then blocks the client. So a connection holds
 *    at most the limit plus one read of input.
 *  - Output: replies wait in a queue (bytes counted) until the socket takes them. Above
 *    CCM_VARLINK_OUTPUT_PAUSE no request is read or dispatched until the client has read
 *    enough; a stream (Monitor) that keeps producing for a client that does not read is
 *    dropped above CCM_VARLINK_OUTPUT_MAX.
 *  - Connections: at most max_connections in all and max_per_uid per uid (root and the
 *    server's own uid are exempt from the latter, bounded by the former), so one user
 *    cannot lock out the others. A connection without an open call that has moved no
 *    byte in idle_timeout_s is closed (a sweep once a second, while there are clients).
 *  - The log: refusals and drops are rate-limited (RATE_BURST lines per interval, per
 *    kind); what was held back is counted in the next line that is written.
 */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>

#include "ccm-autocleanups.h"
#include "json-text.h"
#include "log.h"
#include "varlink-server.h"

typedef struct Method {
    CcmVarlinkMethodFunc func;
    gpointer userdata;
} Method;

typedef struct Connection Connection;

/* At most RATE_BURST lines per RATE_INTERVAL_S seconds of one kind of message. */
#define RATE_INTERVAL_S 10
#define RATE_BURST 5

typedef struct RateLimit {
    gint64 start;              /* of the current interval, monotonic microseconds */
    guint logged;              /* lines logged in it */
    guint suppressed;          /* lines held back since the last one logged */
} RateLimit;

struct CcmVarlinkServer {
    char *vendor, *product, *version, *url;
    GHashTable *methods;       /* name -> Method */
    GHashTable *interfaces;    /* name -> description */
    GPtrArray *interface_order;
    GSocketService *service;
    GList *connections;
    guint n_connections;
    CcmVarlinkLimits limits;
    guint sweep;               /* the idle sweep's timer, or 0 */
    RateLimit refusals;        /* connections refused at accept */
    RateLimit drops;           /* connections closed for misbehaving */
    RateLimit idles;           /* connections closed for idling */
};

struct Connection {
    gint refcount;
    CcmVarlinkServer *server;
    GSocketConnection *conn;
    GCancellable *cancellable;
    GByteArray *in;
    uint8_t chunk[65536];
    GQueue out;                /* GBytes */
    GBytes *writing;
    gsize out_bytes;           /* in out and writing */
    CcmVarlinkCall *current;
    bool closed;
    bool reading;              /* a read is in flight */
    bool overflowed;           /* past CCM_VARLINK_OUTPUT_MAX; being closed */
    gint64 last_activity;      /* monotonic microseconds of the last byte moved */
    uid_t uid;
    pid_t pid;
    gid_t gid;                 /* the peer's primary group (SO_PEERCRED) */
    GArray *groups;            /* gid_t: its supplementary groups (SO_PEERGROUPS) */
};

struct CcmVarlinkCall {
    gint refcount;
    Connection *connection;
    char *method;
    bool more;
    bool oneway;
    bool done;
    GDestroyNotify cancel;
    gpointer cancel_data;
};

static void connection_process(Connection *c);
static void connection_close(Connection *c);
static void sweep_start(CcmVarlinkServer *s);

/* Logs one line of a kind (@rl), unless that kind is over its rate. */
static void log_limited(RateLimit *rl, int priority, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static void log_limited(RateLimit *rl, int priority, const char *format, ...)
{
    gint64 now = g_get_monotonic_time();

    if (rl->logged == 0 || now - rl->start >= (gint64) RATE_INTERVAL_S * G_USEC_PER_SEC) {
        rl->start = now;
        rl->logged = 0;
    }
    if (rl->logged >= RATE_BURST) {
        rl->suppressed++;
        return;
    }
    rl->logged++;
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    if (rl->suppressed)
        ccm_log(priority, NULL, "%s (%u more like it in the last %u s were not logged)",
                message, rl->suppressed, RATE_INTERVAL_S);
    else
        ccm_log(priority, NULL, "%s", message);
    rl->suppressed = 0;
}

static Connection *connection_ref(Connection *c)
{
    g_atomic_int_inc(&c->refcount);
    return c;
}

static void connection_unref(Connection *c)
{
    if (!c || !g_atomic_int_dec_and_test(&c->refcount))
        return;
    g_object_unref(c->conn);
    g_object_unref(c->cancellable);
    g_byte_array_unref(c->in);
    g_queue_clear_full(&c->out, (GDestroyNotify) g_bytes_unref);
    if (c->writing)
        g_bytes_unref(c->writing);
    g_array_unref(c->groups);
    g_free(c);
}

/* ---- calls ----------------------------------------------------------------------- */

CcmVarlinkCall *ccm_varlink_call_ref(CcmVarlinkCall *call)
{
    g_atomic_int_inc(&call->refcount);
    return call;
}

void ccm_varlink_call_unref(CcmVarlinkCall *call)
{
    if (!call || !g_atomic_int_dec_and_test(&call->refcount))
        return;
    connection_unref(call->connection);
    g_free(call->method);
    g_free(call);
}

const char *ccm_varlink_call_method(const CcmVarlinkCall *call)
{
    return call->method;
}

bool ccm_varlink_call_wants_more(const CcmVarlinkCall *call)
{
    return call->more;
}

uid_t ccm_varlink_call_uid(const CcmVarlinkCall *call)
{
    return call->connection->uid;
}

pid_t ccm_varlink_call_pid(const CcmVarlinkCall *call)
{
    return call->connection->pid;
}

gid_t ccm_varlink_call_gid(const CcmVarlinkCall *call)
{
    return call->connection->gid;
}

const gid_t *ccm_varlink_call_groups(const CcmVarlinkCall *call, guint *ret_n)
{
    *ret_n = call->connection->groups->len;
    return (const gid_t *) (gpointer) call->connection->groups->data;
}

bool ccm_varlink_call_connected(const CcmVarlinkCall *call)
{
    return !call->connection->closed;
}

void ccm_varlink_call_set_cancel_func(CcmVarlinkCall *call, GDestroyNotify func,
                                      gpointer userdata)
{
    call->cancel = func;
    call->cancel_data = userdata;
}

static void write_next(Connection *c);

static void write_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Connection *c = userdata;
    g_autoptr(GError) error = NULL;

    c->out_bytes -= g_bytes_get_size(c->writing);
    g_clear_pointer(&c->writing, g_bytes_unref);
    if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res, NULL, &error)) {
        connection_close(c);
    } else {
        c->last_activity = g_get_monotonic_time();
        write_next(c);
        /* Requests held back while the client was not reading its replies. */
        connection_process(c);
    }
    connection_unref(c);
}

static void write_next(Connection *c)
{
    if (c->closed || c->writing || g_queue_is_empty(&c->out))
        return;
    c->writing = g_queue_pop_head(&c->out);
    gsize size;
    const void *data = g_bytes_get_data(c->writing, &size);
    g_output_stream_write_all_async(g_io_stream_get_output_stream(G_IO_STREAM(c->conn)), data,
                                    size, G_PRIORITY_DEFAULT, c->cancellable, write_done,
                                    connection_ref(c));
}

static gboolean close_idle(gpointer userdata)
{
    connection_close(userdata);
    return G_SOURCE_REMOVE;
}

static void send_message(Connection *c, json_object *message)
{
    if (c->overflowed)
        return;
    /* A spec path that is not UTF-8 keeps the message valid JSON (json-text.h). */
    g_autofree char *text = ccm_json_text_make_utf8(json_object_to_json_string_ext(
        message, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    size_t n = strlen(text);
    uint8_t *buf = g_malloc(n + 1);
    memcpy(buf, text, n);
    buf[n] = '\0'; /* the Varlink message terminator */
    g_queue_push_tail(&c->out, g_bytes_new_take(buf, n + 1));
    c->out_bytes += n + 1;
    if (c->out_bytes > CCM_VARLINK_OUTPUT_MAX && c->server) {
        /* Closed from an idle: this may run inside whatever produced the reply (a
         * manager's watch list, for Monitor), which the close's cancel must not disturb. */
        c->overflowed = true;
        log_limited(&c->server->drops, LOG_NOTICE,
                    "Varlink client (pid %ld, uid %ld): does not read its replies (more than "
                    "%u MiB queued); closing the connection",
                    (long) c->pid, (long) c->uid, CCM_VARLINK_OUTPUT_MAX >> 20);
        g_idle_add_full(G_PRIORITY_DEFAULT, close_idle, connection_ref(c),
                        (GDestroyNotify) connection_unref);
        return;
    }
    write_next(c);
}

static gboolean process_idle(gpointer userdata)
{
    connection_process(userdata);
    return G_SOURCE_REMOVE;
}

/* The call is over: the connection may take the next request. */
static void call_end(CcmVarlinkCall *call)
{
    Connection *c = call->connection;

    call->done = true;
    if (c->current == call) {
        c->current = NULL;
        c->last_activity = g_get_monotonic_time();
        ccm_varlink_call_unref(call);
        /* Requests that arrived meanwhile; from an idle so the caller's stack unwinds. */
        g_idle_add_full(G_PRIORITY_DEFAULT, process_idle, connection_ref(c),
                        (GDestroyNotify) connection_unref);
    }
}

void ccm_varlink_call_reply(CcmVarlinkCall *call, json_object *parameters, bool continues)
{
    if (call->done) {
        json_object_put(parameters);
        return;
    }
    if (!call->oneway && !call->connection->closed) {
        json_object *m = json_object_new_object();
        json_object_object_add(m, "parameters", parameters ? parameters : json_object_new_object());
        if (continues && call->more)
            json_object_object_add(m, "continues", json_object_new_boolean(1));
        send_message(call->connection, m);
        json_object_put(m);
    } else {
        json_object_put(parameters);
    }
    if (!(continues && call->more))
        call_end(call);
}

void ccm_varlink_call_error(CcmVarlinkCall *call, const char *error, json_object *parameters)
{
    if (call->done) {
        json_object_put(parameters);
        return;
    }
    if (!call->oneway && !call->connection->closed) {
        json_object *m = json_object_new_object();
        json_object_object_add(m, "error", json_object_new_string(error));
        json_object_object_add(m, "parameters", parameters ? parameters : json_object_new_object());
        send_message(call->connection, m);
        json_object_put(m);
    } else {
        json_object_put(parameters);
    }
    call_end(call);
}

void ccm_varlink_call_error_message(CcmVarlinkCall *call, const char *error,
                                    const char *message)
{
    json_object *p = json_object_new_object();
    json_object_object_add(p, "message", json_object_new_string(message));
    ccm_varlink_call_error(call, error, p);
}

/* ---- the org.varlink.service interface --------------------------------------------- */

static void get_info(CcmVarlinkCall *call, json_object *parameters, gpointer userdata)
{
    CcmVarlinkServer *s = userdata;
    json_object *p = json_object_new_object();
    json_object *ifaces = json_object_new_array();

    json_object_object_add(p, "vendor", json_object_new_string(s->vendor));
    json_object_object_add(p, "product", json_object_new_string(s->product));
    json_object_object_add(p, "version", json_object_new_string(s->version));
    json_object_object_add(p, "url", json_object_new_string(s->url));
    json_object_array_add(ifaces, json_object_new_string("org.varlink.service"));
    for (guint i = 0; i < s->interface_order->len; i++)
        json_object_array_add(ifaces, json_object_new_string(s->interface_order->pdata[i]));
    json_object_object_add(p, "interfaces", ifaces);
    ccm_varlink_call_reply(call, p, false);
}

static void get_interface_description(CcmVarlinkCall *call, json_object *parameters,
                                      gpointer userdata)
{
    CcmVarlinkServer *s = userdata;
    json_object *v = NULL;
    const char *name = parameters && json_object_object_get_ex(parameters, "interface", &v) &&
                               json_object_is_type(v, json_type_string)
                           ? json_object_get_string(v)
                           : NULL;
    const char *description = name ? g_hash_table_lookup(s->interfaces, name) : NULL;

    if (!name) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "parameter", json_object_new_string("interface"));
        ccm_varlink_call_error(call, "org.varlink.service.InvalidParameter", p);
        return;
    }
    if (!description) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "interface", json_object_new_string(name));
        ccm_varlink_call_error(call, "org.varlink.service.InterfaceNotFound", p);
        return;
    }
    json_object *p = json_object_new_object();
    json_object_object_add(p, "description", json_object_new_string(description));
    ccm_varlink_call_reply(call, p, false);
}

/* ---- requests ------------------------------------------------------------------------ */

/* Says which client misbehaved and how (rate-limited); the connection is closed after. */
static void log_dropped(Connection *c, const char *why)
{
    if (c->server)
        log_limited(&c->server->drops, LOG_NOTICE,
                    "Varlink client (pid %ld, uid %ld): %s; closing the connection",
                    (long) c->pid, (long) c->uid, why);
}

static void invalid_request(Connection *c, const char *why)
{
    /* A peer that cannot frame Varlink is not worth keeping. */
    log_dropped(c, why);
    connection_close(c);
}

static void dispatch(Connection *c, json_object *request)
{
    CcmVarlinkServer *s = c->server;
    json_object *method_obj = NULL, *params = NULL, *more = NULL, *oneway = NULL;

    if (!json_object_is_type(request, json_type_object) ||
        !json_object_object_get_ex(request, "method", &method_obj) ||
        !json_object_is_type(method_obj, json_type_string)) {
        invalid_request(c, "no method");
        return;
    }
    const char *method_name = json_object_get_string(method_obj);
    if ((size_t) json_object_get_string_len(method_obj) != strlen(method_name)) {
        invalid_request(c, "a method name with a NUL character");
        return;
    }
    CcmVarlinkCall *call = g_new0(CcmVarlinkCall, 1);
    call->refcount = 1;
    call->connection = connection_ref(c);
    call->method = g_strdup(json_object_get_string(method_obj));
    call->more = json_object_object_get_ex(request, "more", &more) && json_object_get_boolean(more);
    call->oneway = json_object_object_get_ex(request, "oneway", &oneway) &&
                   json_object_get_boolean(oneway);
    c->current = call;

    if (json_object_object_get_ex(request, "parameters", &params) &&
        !json_object_is_type(params, json_type_object) &&
        !json_object_is_type(params, json_type_null)) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "parameter", json_object_new_string("parameters"));
        ccm_varlink_call_error(call, "org.varlink.service.InvalidParameter", p);
        return;
    }
    if (params && !json_object_is_type(params, json_type_object))
        params = NULL;

    Method *m = g_hash_table_lookup(s->methods, call->method);
    if (!m) {
        const char *dot = strrchr(call->method, '.');
        g_autofree char *iface = dot ? g_strndup(call->method, (gsize) (dot - call->method)) : NULL;
        json_object *p = json_object_new_object();
        if (iface && !g_hash_table_contains(s->interfaces, iface) &&
            strcmp(iface, "org.varlink.service") != 0) {
            json_object_object_add(p, "interface", json_object_new_string(iface));
            ccm_varlink_call_error(call, "org.varlink.service.InterfaceNotFound", p);
        } else {
            json_object_object_add(p, "method", json_object_new_string(call->method));
            ccm_varlink_call_error(call, "org.varlink.service.MethodNotFound", p);
        }
        return;
    }
    g_autoptr(json_object) empty = params ? NULL : json_object_new_object();
    /* The call is borrowed by the method (which refs it to answer later); hold it while
     * the method runs, as a synchronous answer ends it. */
    ccm_varlink_call_ref(call);
    m->func(call, params ? params : empty, m->userdata);
    ccm_varlink_call_unref(call);
}

/* The first message in the buffer (complete or not) is within the size limit. */
static bool input_within_limit(const Connection *c)
{
    const uint8_t *nul = c->in->len ? memchr(c->in->data, '\0', c->in->len) : NULL;
    size_t first = nul ? (size_t) (nul - c->in->data) : c->in->len;
    return first <= CCM_VARLINK_MAX_MESSAGE;
}

/* Whether to read more from the client now (see "Bounds" above). */
static bool wants_input(const Connection *c)
{
    if (c->closed || c->overflowed || c->out_bytes > CCM_VARLINK_OUTPUT_PAUSE)
        return false;
    /* During a call, one complete next request is enough. */
    return !(c->current && c->in->len && memchr(c->in->data, '\0', c->in->len));
}

static void read_more(Connection *c);

/* Handles every complete request in the buffer while no call is running and the client
 * reads its replies, then reads on if there is room. */
static void connection_process(Connection *c)
{
    while (!c->closed && !c->current && c->out_bytes <= CCM_VARLINK_OUTPUT_PAUSE) {
        uint8_t *nul = c->in->len ? memchr(c->in->data, '\0', c->in->len) : NULL;
        if (!nul)
            break;
        size_t len = (size_t) (nul - c->in->data);
        if (len > CCM_VARLINK_MAX_MESSAGE) {
            g_autofree char *why = g_strdup_printf("a message larger than %u MiB",
                                                   CCM_VARLINK_MAX_MESSAGE >> 20);
            invalid_request(c, why);
            return;
        }
        g_autofree char *text = g_strndup((const char *) c->in->data, len);
        g_byte_array_remove_range(c->in, 0, (guint) len + 1);
        json_object *request = json_tokener_parse(text);
        if (!request) {
            invalid_request(c, "malformed JSON");
            return;
        }
        dispatch(c, request);
        json_object_put(request);
    }
    if (!c->reading && wants_input(c))
        read_more(c);
}

static void read_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
    Connection *c = userdata;
    g_autoptr(GError) error = NULL;
    gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), res, &error);

    c->reading = false;
    if (c->closed) {
        connection_unref(c);
        return;
    }
    if (n <= 0) {
        connection_close(c);
        connection_unref(c);
        return;
    }
    c->last_activity = g_get_monotonic_time();
    g_byte_array_append(c->in, c->chunk, (guint) n);
    if (!input_within_limit(c)) {
        g_autofree char *why = g_strdup_printf("a message larger than %u MiB",
                                               CCM_VARLINK_MAX_MESSAGE >> 20);
        invalid_request(c, why);
        connection_unref(c);
        return;
    }
    connection_process(c);
    connection_unref(c);
}

static void read_more(Connection *c)
{
    c->reading = true;
    g_input_stream_read_async(g_io_stream_get_input_stream(G_IO_STREAM(c->conn)), c->chunk,
                              sizeof(c->chunk), G_PRIORITY_DEFAULT, c->cancellable, read_done,
                              connection_ref(c));
}

static void connection_close(Connection *c)
{
    if (c->closed)
        return;
    c->closed = true;
    g_cancellable_cancel(c->cancellable);
    (void) g_io_stream_close(G_IO_STREAM(c->conn), NULL, NULL);
    CcmVarlinkCall *call = g_steal_pointer(&c->current);
    if (call) {
        call->done = true;
        if (call->cancel)
            call->cancel(call->cancel_data);
        ccm_varlink_call_unref(call);
    }
    if (c->server) {
        c->server->connections = g_list_remove(c->server->connections, c);
        c->server->n_connections--;
        c->server = NULL;
        connection_unref(c); /* the server's reference */
    }
}

/* The peer's groups as the kernel recorded them at connect(): the primary one from
 * SO_PEERCRED and the supplementary ones from SO_PEERGROUPS (no passwd or group file
 * lookups, so uids without a passwd entry work too). On failure: no groups, gid -1. */
static void peer_groups(int fd, gid_t *ret_gid, GArray **ret_groups)
{
#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif
    struct ucred uc;
    socklen_t len = sizeof(uc);
    GArray *groups = g_array_new(FALSE, FALSE, sizeof(gid_t));

    *ret_gid = (gid_t) -1;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0)
        *ret_gid = uc.gid;
    /* The kernel says how much room it needs when the buffer is too small. */
    len = 64 * sizeof(gid_t);
    for (int attempt = 0; attempt < 3; attempt++) {
        g_array_set_size(groups, len / sizeof(gid_t));
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups->data, &len) == 0) {
            g_array_set_size(groups, len / sizeof(gid_t));
            *ret_groups = groups;
            return;
        }
        if (errno != ERANGE)
            break;
    }
    g_array_set_size(groups, 0);
    *ret_groups = groups;
}

static gboolean incoming(GSocketService *service, GSocketConnection *conn, GObject *source,
                         gpointer userdata)
{
    CcmVarlinkServer *s = userdata;
    uid_t uid = (uid_t) -1;
    pid_t pid = -1;
    g_autoptr(GCredentials) cred = g_socket_get_credentials(g_socket_connection_get_socket(conn),
                                                            NULL);
    if (cred) {
        uid = g_credentials_get_unix_user(cred, NULL);
        pid = g_credentials_get_unix_pid(cred, NULL);
    }

    if (s->n_connections >= s->limits.max_connections) {
        log_limited(&s->refusals, LOG_WARNING,
                    "refusing a Varlink client (pid %ld, uid %ld): %u connections are open "
                    "already (MaxClients=)",
                    (long) pid, (long) uid, s->limits.max_connections);
        (void) g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
        return TRUE;
    }
    if (s->limits.max_per_uid && uid != 0 && uid != geteuid()) {
        guint n = 0;
        for (GList *l = s->connections; l; l = l->next)
            n += ((Connection *) l->data)->uid == uid;
        if (n >= s->limits.max_per_uid) {
            log_limited(&s->refusals, LOG_WARNING,
                        "refusing a Varlink client (pid %ld, uid %ld): that uid has %u "
                        "connections open already (MaxClientsPerUser=)",
                        (long) pid, (long) uid, n);
            (void) g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
            return TRUE;
        }
    }
    Connection *c = g_new0(Connection, 1);
    c->refcount = 1; /* the server's */
    c->server = s;
    c->conn = g_object_ref(conn);
    c->cancellable = g_cancellable_new();
    c->in = g_byte_array_new();
    g_queue_init(&c->out);
    c->uid = uid;
    c->pid = pid;
    c->last_activity = g_get_monotonic_time();
    peer_groups(g_socket_get_fd(g_socket_connection_get_socket(conn)), &c->gid, &c->groups);
    s->connections = g_list_prepend(s->connections, c);
    s->n_connections++;
    sweep_start(s);
    read_more(c);
    return TRUE;
}

/* ---- server ------------------------------------------------------------------------- */

CcmVarlinkServer *ccm_varlink_server_new(const char *vendor, const char *product,
                                         const char *version, const char *url)
{
    CcmVarlinkServer *s = g_new0(CcmVarlinkServer, 1);
    s->vendor = g_strdup(vendor);
    s->product = g_strdup(product);
    s->version = g_strdup(version);
    s->url = g_strdup(url);
    s->methods = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s->interfaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s->interface_order = g_ptr_array_new_with_free_func(g_free);
    s->limits = CCM_VARLINK_LIMITS_DEFAULT;
    s->service = g_socket_service_new();
    g_signal_connect(s->service, "incoming", G_CALLBACK(incoming), s);
    ccm_varlink_server_add_method(s, "org.varlink.service.GetInfo", get_info, s);
    ccm_varlink_server_add_method(s, "org.varlink.service.GetInterfaceDescription",
                                  get_interface_description, s);
    ccm_varlink_server_set_limits(s, &s->limits);
    return s;
}

void ccm_varlink_server_free(CcmVarlinkServer *s)
{
    if (!s)
        return;
    g_socket_service_stop(s->service);
    g_socket_listener_close(G_SOCKET_LISTENER(s->service));
    g_signal_handlers_disconnect_by_data(s->service, s);
    if (s->sweep)
        g_source_remove(s->sweep);
    g_object_unref(s->service);
    while (s->connections)
        connection_close(s->connections->data);
    g_hash_table_unref(s->methods);
    g_hash_table_unref(s->interfaces);
    g_ptr_array_unref(s->interface_order);
    g_free(s->vendor);
    g_free(s->product);
    g_free(s->version);
    g_free(s->url);
    g_free(s);
}

void ccm_varlink_server_add_interface(CcmVarlinkServer *s, const char *name,
                                      const char *description)
{
    g_hash_table_insert(s->interfaces, g_strdup(name), g_strdup(description));
    g_ptr_array_add(s->interface_order, g_strdup(name));
}

void ccm_varlink_server_add_method(CcmVarlinkServer *s, const char *method,
                                   CcmVarlinkMethodFunc func, gpointer userdata)
{
    Method *m = g_new0(Method, 1);
    m->func = func;
    m->userdata = userdata;
    g_hash_table_insert(s->methods, g_strdup(method), m);
}

gboolean ccm_varlink_server_listen_fd(CcmVarlinkServer *s, int fd, GError **error)
{
    g_autoptr(GSocket) socket = g_socket_new_from_fd(fd, error);
    if (!socket || !g_socket_listener_add_socket(G_SOCKET_LISTENER(s->service), socket, NULL,
                                                 error))
        return FALSE;
    g_socket_service_start(s->service);
    return TRUE;
}

gboolean ccm_varlink_server_listen_path(CcmVarlinkServer *s, const char *path, mode_t mode,
                                        GError **error)
{
    (void) unlink(path);
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);
    /* Create it with no permissions at all, then open it up to @mode. */
    mode_t old = umask(0777);
    gboolean ok = g_socket_listener_add_address(G_SOCKET_LISTENER(s->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                                NULL, NULL, error);
    umask(old);
    if (!ok)
        return FALSE;
    if (chmod(path, mode) < 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "%s: %s", path, g_strerror(e));
        return FALSE;
    }
    g_socket_service_start(s->service);
    return TRUE;
}

/* Closes the connections that have had no call open and moved no byte for the timeout. */
static gboolean sweep_idle(gpointer userdata)
{
    CcmVarlinkServer *s = userdata;
    gint64 now = g_get_monotonic_time();
    gint64 limit = (gint64) s->limits.idle_timeout_s * G_USEC_PER_SEC;

    for (GList *l = s->connections, *next; l; l = next) {
        Connection *c = l->data;
        next = l->next; /* closing takes c off the list */
        if (!c->current && now - c->last_activity >= limit) {
            log_limited(&s->idles, LOG_INFO,
                        "Varlink client (pid %ld, uid %ld): idle for %u s; closing the "
                        "connection",
                        (long) c->pid, (long) c->uid, s->limits.idle_timeout_s);
            connection_close(c);
        }
    }
    if (s->connections)
        return G_SOURCE_CONTINUE;
    s->sweep = 0; /* no client: nothing to wake up for until the next one */
    return G_SOURCE_REMOVE;
}

/* The sweep runs while there are connections to sweep, so an idle ccmd sleeps. */
static void sweep_start(CcmVarlinkServer *s)
{
    if (!s->sweep && s->limits.idle_timeout_s && s->connections)
        s->sweep = g_timeout_add_seconds(1, sweep_idle, s);
}

void ccm_varlink_server_set_limits(CcmVarlinkServer *s, const CcmVarlinkLimits *limits)
{
    s->limits = *limits;
    if (s->sweep) {
        g_source_remove(s->sweep);
        s->sweep = 0;
    }
    sweep_start(s);
}

guint ccm_varlink_server_n_connections(const CcmVarlinkServer *s)
{
    return s->n_connections;
}
