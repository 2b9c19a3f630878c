/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kbs-http.c - HTTP/1.1 with keep-alive to the KBS over one byte stream (serial or TCP)
 *
 * Theory of operation: the guest has no network. The host gives it a second serial
 * port whose other end is a TCP connection to the KBS (QEMU -serial tcp:HOST:PORT), so
 * the whole RCAR exchange runs as consecutive HTTP/1.1 requests on one connection that
 * the client never sees open or close. Hence: the tty in raw mode (no echo, no CR/LF
 * translation, no flow control), every reply framed by Content-Length (read exactly,
 * keeping what follows for the next reply), a deadline per reply instead of an EOF,
 * and the session kept by the kbs-session-id cookie. Bytes before a status line that
 * can only be line noise (CR, LF, NUL) are skipped. The line carried other traffic
 * before us: UEFI firmware and the kernel's EFI stub write their console output to
 * every serial port. The far end must skip it, and the first request starts with an
 * empty line (RFC 9112 §2.2 lets a server ignore it) so that it cannot be glued to an
 * unfinished line of that output. The same code runs over TCP for tests on the host.
 */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kbs-http.h"

#define MAX_HEAD (16 * 1024)
#define MAX_BODY (4 * 1024 * 1024)
#define MAX_COOKIE 256
#define SESSION_COOKIE "kbs-session-id"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool open_serial(GaKbs *kbs, const char *device, GaError *error)
{
    /* O_NONBLOCK: opening a tty without CLOCAL may otherwise wait for a carrier. */
    kbs->fd = open(device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (kbs->fd < 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot open '%s': %s", device,
                            strerror(errno));
    if (!isatty(kbs->fd))
        return true;   /* a FIFO or socket given as a device: nothing to configure */
    struct termios t;
    if (tcgetattr(kbs->fd, &t) < 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot read the settings of '%s': %s",
                            device, strerror(errno));
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~(tcflag_t) CRTSCTS;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    if (tcsetattr(kbs->fd, TCSANOW, &t) < 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot put '%s' in raw mode: %s",
                            device, strerror(errno));
    /* Whatever arrived before raw mode was set is not a reply to us. */
    (void) tcflush(kbs->fd, TCIOFLUSH);
    return true;
}

static bool open_tcp(GaKbs *kbs, const char *address, GaError *error)
{
    const char *colon = strrchr(address, ':');
    if (!colon || colon == address || !colon[1])
        return ga_error_set(error, GA_EXIT_USAGE, "--kbs tcp:HOST:PORT: no port in '%s'",
                            address);
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (errno || *end || port == 0 || port > 65535)
        return ga_error_set(error, GA_EXIT_USAGE, "--kbs tcp:HOST:PORT: bad port '%s'",
                            colon + 1);
    char host[64];
    size_t hlen = (size_t) (colon - address);
    if (address[0] == '[' && colon[-1] == ']') {   /* [v6]:port */
        address++;
        hlen -= 2;
    }
    if (hlen >= sizeof(host))
        return ga_error_set(error, GA_EXIT_USAGE, "--kbs tcp:HOST:PORT: bad host");
    memcpy(host, address, hlen);
    host[hlen] = '\0';
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");

    struct sockaddr_storage ss = { 0 };
    socklen_t sslen;
    struct sockaddr_in *in4 = (struct sockaddr_in *) &ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ss;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t) port);
        sslen = sizeof(*in4);
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t) port);
        sslen = sizeof(*in6);
    } else {
        return ga_error_set(error, GA_EXIT_USAGE, "--kbs tcp:HOST:PORT: '%s' is not a "
                            "numeric address (there is no name resolution)", host);
    }
    kbs->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (kbs->fd < 0 || connect(kbs->fd, (struct sockaddr *) &ss, sslen) < 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot connect to %s: %s",
                            kbs->where, strerror(errno));
    if (fcntl(kbs->fd, F_SETFL, fcntl(kbs->fd, F_GETFL) | O_NONBLOCK) < 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "fcntl: %s", strerror(errno));
    return true;
}

bool ga_kbs_open(GaKbs *kbs, const char *spec, int timeout_s, GaError *error)
{
    *kbs = (GaKbs) { .fd = -1, .timeout_ms = timeout_s * 1000 };
    kbs->where = strdup(spec);
    if (!kbs->where)
        abort();
    bool ok;
    if (strncmp(spec, "serial:", 7) == 0 && spec[7]) {
        ok = open_serial(kbs, spec + 7, error);
        kbs->line_break = true;
        kbs->host = strdup("kbs");
    } else if (strncmp(spec, "tcp:", 4) == 0) {
        ok = open_tcp(kbs, spec + 4, error);
        kbs->host = strdup(spec + 4);   /* "HOST:PORT" as given */
    } else {
        return ga_error_set(error, GA_EXIT_USAGE, "--kbs '%s' is neither serial:DEVICE nor "
                            "tcp:HOST:PORT", spec);
    }
    if (ok && !kbs->host)
        abort();
    return ok;
}

void ga_kbs_close(GaKbs *kbs)
{
    if (kbs->fd >= 0)
        close(kbs->fd);
    free(kbs->where);
    free(kbs->host);
    free(kbs->cookie);
    ga_buf_clear(&kbs->in);
    *kbs = (GaKbs) { .fd = -1 };
}

void ga_http_reply_clear(GaHttpReply *reply)
{
    ga_buf_clear(&reply->body);
    reply->status = 0;
}

/* Wait until @fd is ready for @events or @deadline passes; false (errno ETIMEDOUT) then. */
static bool wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return false;
        }
        struct pollfd p = { .fd = fd, .events = events };
        int r = poll(&p, 1, left > 60000 ? 60000 : (int) left);
        if (r > 0)
            return true;
        if (r < 0 && errno != EINTR)
            return false;
    }
}

static bool send_all(GaKbs *kbs, const char *data, size_t len, long long deadline,
                     GaError *error)
{
    while (len) {
        ssize_t n = write(kbs->fd, data, len);
        if (n > 0) {
            data += n;
            len -= (size_t) n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return ga_error_set(error, GA_EXIT_TRANSPORT, "sending to %s: %s", kbs->where,
                                strerror(errno));
        if (!wait_fd(kbs->fd, POLLOUT, deadline))
            return ga_error_set(error, GA_EXIT_TRANSPORT, "sending to %s: %s", kbs->where,
                                strerror(errno));
    }
    return true;
}

/* Read more bytes into kbs->in; false on EOF, error or deadline (error set). */
static bool receive_more(GaKbs *kbs, long long deadline, GaError *error)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(kbs->fd, chunk, sizeof(chunk));
        if (n > 0) {
            ga_buf_append(&kbs->in, chunk, (size_t) n);
            return true;
        }
        if (n == 0)
            return ga_error_set(error, GA_EXIT_TRANSPORT, "%s closed the connection before "
                                "replying", kbs->where);
        if (errno != EAGAIN && errno != EINTR)
            return ga_error_set(error, GA_EXIT_TRANSPORT, "reading from %s: %s", kbs->where,
                                strerror(errno));
        if (!wait_fd(kbs->fd, POLLIN, deadline)) {
            if (errno == ETIMEDOUT)
                return ga_error_set(error, GA_EXIT_TRANSPORT, "no reply from %s within %d s",
                                    kbs->where, kbs->timeout_ms / 1000);
            return ga_error_set(error, GA_EXIT_TRANSPORT, "waiting for %s: %s", kbs->where,
                                strerror(errno));
        }
    }
}

static size_t buffered(const GaKbs *kbs)
{
    return kbs->in.len - kbs->in_off;
}

static const char *buffered_start(const GaKbs *kbs)
{
    return ga_buf_str(&kbs->in) + kbs->in_off;
}

/* Skip what can only be line noise before a status line: CR, LF and NUL bytes. */
static void skip_noise(GaKbs *kbs)
{
    while (buffered(kbs)) {
        char c = buffered_start(kbs)[0];
        if (c != '\r' && c != '\n' && c != '\0')
            break;
        kbs->in_off++;
    }
}

/* Drop consumed bytes once they are most of the buffer. */
static void compact(GaKbs *kbs)
{
    if (kbs->in_off == 0)
        return;
    GaBuf rest = { 0 };
    ga_buf_append(&rest, buffered_start(kbs), buffered(kbs));
    ga_buf_clear(&kbs->in);
    kbs->in = rest;
    kbs->in_off = 0;
}

/* Remember the session cookie from a Set-Cookie value "kbs-session-id=V; ...". */
static void take_cookie(GaKbs *kbs, const char *value)
{
    size_t name_len = strlen(SESSION_COOKIE);
    if (strncmp(value, SESSION_COOKIE, name_len) != 0 || value[name_len] != '=')
        return;
    value += name_len + 1;
    size_t n = strcspn(value, "; \t");
    if (n == 0 || n > MAX_COOKIE)
        return;
    for (size_t i = 0; i < n; i++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-",
                    value[i]))
            return;
    free(kbs->cookie);
    kbs->cookie = strndup(value, n);
    if (!kbs->cookie)
        abort();
}

/* Parse the head (status line and headers, NUL-terminated, CRLFs included). */
static bool parse_head(GaKbs *kbs, char *head, int *ret_status, long *ret_length,
                       GaError *error)
{
    char *save = NULL;
    char *line = strtok_r(head, "\r\n", &save);
    int major, minor, status;
    char sp;
    if (!line || sscanf(line, "HTTP/%d.%d %3d%c", &major, &minor, &status, &sp) < 3 ||
        major != 1 || status < 100 || status > 599)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "%s sent something that is not an "
                            "HTTP/1.x status line: '%.60s'", kbs->where, line ? line : "");
    long length = -1;
    while ((line = strtok_r(NULL, "\r\n", &save))) {
        char *colon = strchr(line, ':');
        if (!colon)
            return ga_error_set(error, GA_EXIT_TRANSPORT, "%s sent a malformed header "
                                "line: '%.60s'", kbs->where, line);
        *colon = '\0';
        char *value = colon + 1;
        value += strspn(value, " \t");
        if (strcasecmp(line, "Content-Length") == 0) {
            char *end;
            errno = 0;
            long n = strtol(value, &end, 10);
            if (errno || end == value || (*end && !strchr(" \t", *end)) || n < 0 ||
                n > MAX_BODY || (length >= 0 && length != n))
                return ga_error_set(error, GA_EXIT_TRANSPORT, "%s sent a bad or too large "
                                    "Content-Length: '%.40s'", kbs->where, value);
            length = n;
        } else if (strcasecmp(line, "Transfer-Encoding") == 0 &&
                   strcasecmp(value, "identity") != 0) {
            return ga_error_set(error, GA_EXIT_TRANSPORT, "%s sent Transfer-Encoding '%.40s' "
                                "(only Content-Length framing is supported)", kbs->where,
                                value);
        } else if (strcasecmp(line, "Connection") == 0 && strcasecmp(value, "close") == 0) {
            kbs->closed = true;
        } else if (strcasecmp(line, "Set-Cookie") == 0) {
            take_cookie(kbs, value);
        }
    }
    *ret_status = status;
    *ret_length = length;
    return true;
}

/* Read one reply (any 1xx interim replies skipped). */
static bool read_reply(GaKbs *kbs, long long deadline, GaHttpReply *reply, GaError *error)
{
    for (;;) {
        skip_noise(kbs);
        const char *end = NULL;
        while (!(end = memmem(buffered_start(kbs), buffered(kbs), "\r\n\r\n", 4))) {
            if (buffered(kbs) > MAX_HEAD)
                return ga_error_set(error, GA_EXIT_TRANSPORT, "%s sent a reply head over "
                                    "%d bytes", kbs->where, MAX_HEAD);
            if (!receive_more(kbs, deadline, error))
                return false;
            skip_noise(kbs);
        }
        size_t head_len = (size_t) (end - buffered_start(kbs)) + 4;
        ga_autofree char *head = strndup(buffered_start(kbs), head_len);
        if (!head)
            abort();
        kbs->in_off += head_len;
        int status = 0;
        long length = -1;
        if (!parse_head(kbs, head, &status, &length, error))
            return false;
        if (status < 200)
            continue;
        if (length < 0) {
            if (status != 204 && status != 304)
                return ga_error_set(error, GA_EXIT_TRANSPORT, "%s replied %d without "
                                    "Content-Length", kbs->where, status);
            length = 0;
        }
        while (buffered(kbs) < (size_t) length)
            if (!receive_more(kbs, deadline, error))
                return false;
        reply->status = status;
        ga_buf_append(&reply->body, buffered_start(kbs), (size_t) length);
        kbs->in_off += (size_t) length;
        compact(kbs);
        return true;
    }
}

bool ga_kbs_request(GaKbs *kbs, const char *method, const char *path, const char *json,
                    GaHttpReply *reply, GaError *error)
{
    if (kbs->closed)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "%s closed the connection (Connection: "
                            "close) before %s %s", kbs->where, method, path);
    ga_auto_buf GaBuf request = { 0 };
    if (kbs->line_break)
        ga_buf_append_str(&request, "\r\n");
    kbs->line_break = false;
    ga_buf_printf(&request, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ccm-guest-attest\r\n"
                  "Accept: application/json\r\n", method, path, kbs->host);
    if (kbs->cookie)
        ga_buf_printf(&request, "Cookie: %s=%s\r\n", SESSION_COOKIE, kbs->cookie);
    size_t body_len = json ? strlen(json) : 0;
    if (json)
        ga_buf_append_str(&request, "Content-Type: application/json\r\n");
    ga_buf_printf(&request, "Content-Length: %zu\r\n\r\n", body_len);
    if (json)
        ga_buf_append(&request, json, body_len);

    long long deadline = now_ms() + kbs->timeout_ms;
    ga_http_reply_clear(reply);
    return send_all(kbs, request.data, request.len, deadline, error) &&
           read_reply(kbs, deadline, reply, error);
}
