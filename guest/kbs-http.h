/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kbs-http.h - HTTP/1.1 with keep-alive to the KBS over one byte stream (serial or TCP) */
#pragma once

#include <stdbool.h>

#include "ga-buf.h"
#include "ga-error.h"

typedef struct GaKbs {
    int fd;
    char *where;        /* the --kbs value, for messages */
    char *host;         /* the Host header */
    int timeout_ms;     /* for each reply, from the request's first byte */
    bool closed;        /* the KBS said Connection: close */
    bool line_break;    /* start the next request with CRLF (see kbs-http.c) */
    char *cookie;       /* the kbs-session-id value the KBS set last, or NULL */
    GaBuf in;           /* bytes read past the last reply, from in_off */
    size_t in_off;
} GaKbs;

typedef struct GaHttpReply {
    int status;
    GaBuf body;
} GaHttpReply;

/**
 * ga_kbs_open() - connect to the KBS
 * @spec: "serial:DEVICE" (a tty, put in raw mode: no echo, no line editing, no
 *        translation) or "tcp:HOST:PORT" (HOST a numeric IPv4 or IPv6 address, or
 *        "localhost"; a static binary has no name resolution)
 * @timeout_s: how long to wait for each reply
 *
 * Errors are of kind GA_EXIT_TRANSPORT, or GA_EXIT_USAGE for a malformed @spec.
 */
bool ga_kbs_open(GaKbs *kbs, const char *spec, int timeout_s, GaError *error);
void ga_kbs_close(GaKbs *kbs);

/**
 * ga_kbs_request() - one request and its reply on the open connection
 * @json: the request body (sent as application/json), or NULL for none
 * @reply: receives the status and body (whatever the status), replacing what it held;
 *         initialise it to { 0 } and clear it with ga_http_reply_clear()
 *
 * Sends the session cookie the KBS set last and remembers the one it sets now. The
 * reply must carry Content-Length (the stream cannot signal an end by closing: a serial
 * line never closes). Errors are of kind GA_EXIT_TRANSPORT.
 */
bool ga_kbs_request(GaKbs *kbs, const char *method, const char *path, const char *json,
                    GaHttpReply *reply, GaError *error);
void ga_http_reply_clear(GaHttpReply *reply);
