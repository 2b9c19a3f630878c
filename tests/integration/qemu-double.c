/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu-double.c - a stand-in for QEMU that misbehaves on purpose, for ccmd's tests
 *
 * ccmd runs it exactly as it runs QEMU. Two uses:
 *  - the capability probe (an "fd=3" QMP chardev): replays a real QEMU's recorded probe
 *    ($CCM_TEST_PROBE_RECORDING), so the double is accepted like that QEMU;
 *  - a guest launch (-daemonize -pidfile ... -chardev socket,path=...): daemonizes like
 *    QEMU (the daemon child writes the pid file and holds a lock on it for its whole
 *    life, then listens on the QMP socket, then lets the foreground parent exit 0),
 *    and behaves according to the guest's name:
 *      bad-garbage     sends text that is not JSON after the greeting
 *      bad-oversized   sends a 20 MiB message
 *      bad-shape       answers query-status with a reply of the wrong shape
 *      bad-stall       greets, then never answers
 *      bad-exit        exits during the start without a word
 *      slow-*          waits 3 s before greeting (to kill ccmd in the middle of a start)
 *      slowinit-*      daemonizes slowly: 0.4 s before the pid file, 0.4 s more before
 *                      the socket and the parent's exit (to kill ccmd while the
 *                      foreground parent and the daemon child both exist)
 *      hanginit-*      writes and locks the pid file, then never finishes daemonizing
 *                      (the foreground parent waits for ever)
 *      deaf-*          runs, but answers "quit" without quitting (a hung QEMU)
 *      panic-*         runs, reports GUEST_PANICKED at once, and is deaf to "quit"
 *      caller-*        once daemonized, runs $CCM_TEST_QEMU_CALLER with /bin/sh as its
 *                      child (what a compromised QEMU could do: call ccmd), then
 *                      behaves like a normal QEMU
 *      flood-panic*    like panic-*, and reports GUEST_PANICKED again every 0.2 s
 *      flood-stop-resume*  after "cont", sends STOP/RESUME pairs as fast as ccmd takes
 *                      them for $CCM_TEST_FLOOD_SECONDS (default 3), ending with RESUME
 *                      (so it runs), then writes the number of events it sent to
 *                      PIDFILE.flood
 *      flood-commands* answers every command with a burst of 500 STOP/RESUME pairs
 *                      and 100 RESETs (ending with RESUME) before the reply
 *      anything else   behaves like a paused QEMU that runs after "cont"
 *    It keeps running across ccmd restarts and accepts the next connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>
#include <json-c/json.h>

#include "fake-qemu.h"
#include "qmp-transcript.h"

static bool send_text(int fd, const char *text)
{
    size_t n = strlen(text), off = 0;
    while (off < n) {
        ssize_t w = send(fd, text + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        off += (size_t) w;
    }
    return true;
}

static bool send_json(int fd, json_object *o)
{
    g_autofree char *line = g_strconcat(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
                                        "\r\n", NULL);
    return send_text(fd, line);
}

static bool reply(int fd, json_object *request, json_object *ret)
{
    json_object *m = json_object_new_object(), *id = NULL;
    json_object_object_add(m, "return", ret ? ret : json_object_new_object());
    if (json_object_object_get_ex(request, "id", &id))
        json_object_object_add(m, "id", json_object_get(id));
    bool ok = send_json(fd, m);
    json_object_put(m);
    return ok;
}

static bool event(int fd, const char *name, const char *data)
{
    g_autofree char *text = g_strdup_printf(
        "{\"timestamp\":{\"seconds\":1,\"microseconds\":2},\"event\":\"%s\"%s%s}\r\n", name,
        data ? ",\"data\":" : "", data ? data : "");
    return send_text(fd, text);
}

/* @pairs STOP/RESUME pairs (@resets RESETs after each 20), in one send. */
static bool event_burst(int fd, unsigned pairs, unsigned resets)
{
    static const char stop[] = "{\"timestamp\":{\"seconds\":1,\"microseconds\":2},"
                               "\"event\":\"STOP\"}\r\n";
    static const char resume[] = "{\"timestamp\":{\"seconds\":1,\"microseconds\":3},"
                                 "\"event\":\"RESUME\"}\r\n";
    static const char reset[] = "{\"timestamp\":{\"seconds\":1,\"microseconds\":4},"
                                "\"event\":\"RESET\",\"data\":{\"guest\":true}}\r\n";
    g_autoptr(GString) burst = g_string_new(NULL);
    for (unsigned i = 0; i < pairs; i++) {
        g_string_append(burst, stop);
        if (resets && i % 20 == 0) {
            for (unsigned r = 0; r < resets && r < 20; r++)
                g_string_append(burst, reset);
            resets = resets > 20 ? resets - 20 : 0;
        }
        g_string_append(burst, resume);
    }
    return send_text(fd, burst->str);
}

/* flood-stop-resume: pairs for the configured time, then the count to PIDFILE.flood. */
static void flood_stop_resume(int fd, const char *pidfile)
{
    const char *env = g_getenv("CCM_TEST_FLOOD_SECONDS");
    gint64 seconds = env ? g_ascii_strtoll(env, NULL, 10) : 3;
    gint64 end = g_get_monotonic_time() + seconds * G_USEC_PER_SEC;
    guint64 events = 0;

    while (g_get_monotonic_time() < end) {
        if (!event_burst(fd, 100, 0))
            return;
        events += 200;
    }
    g_autofree char *path = g_strconcat(pidfile, ".flood", NULL);
    g_autofree char *text = g_strdup_printf("%" G_GUINT64_FORMAT "\n", events);
    (void) g_file_set_contents(path, text, -1, NULL);
}

/* One QMP session; returns true if QEMU should exit (quit). */
static bool session(int fd, const char *mode, const char *pidfile, bool *running)
{
    static const char greeting[] = "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":22,\"minor\":2,"
                                   "\"major\":7},\"package\":\"double\"},\"capabilities\":[]}}\r\n";
    g_autoptr(GString) in = g_string_new(NULL);

    if (g_str_has_prefix(mode, "slow-"))
        sleep(3);
    if (!send_text(fd, greeting))
        return false;
    if (strcmp(mode, "bad-stall") == 0) {
        for (;;)
            pause();
    }
    if (strcmp(mode, "bad-garbage") == 0) {
        send_text(fd, "this is not QMP at all\r\n");
        return false;
    }
    if (strcmp(mode, "bad-oversized") == 0) {
        g_autofree char *big = g_strnfill(20u << 20, 'x');
        send_text(fd, "{\"return\": \"");
        send_text(fd, big);
        return false;
    }

    bool panicking = false;
    for (;;) {
        char buf[4096];
        /* A panicked flood-panic guest panics again every 0.2 s, commands or not. */
        if (panicking) {
            struct pollfd p = { .fd = fd, .events = POLLIN };
            int n = poll(&p, 1, 200);
            if (n == 0) {
                if (!event(fd, "GUEST_PANICKED", "{\"action\":\"pause\"}"))
                    return false;
                continue;
            }
        }
        ssize_t r = recv(fd, buf, sizeof(buf), 0);
        if (r <= 0)
            return false;
        g_string_append_len(in, buf, r);
        char *nl;
        while ((nl = strchr(in->str, '\n'))) {
            g_autofree char *line = g_strndup(in->str, (gsize) (nl - in->str));
            g_string_erase(in, 0, nl - in->str + 1);
            json_object *req = json_tokener_parse(line), *exec = NULL;
            if (!req || !json_object_object_get_ex(req, "execute", &exec)) {
                json_object_put(req);
                continue;
            }
            const char *cmd = json_object_get_string(exec);
            bool quit = false;
            if (g_str_has_prefix(mode, "flood-commands") && !event_burst(fd, 500, 100)) {
                json_object_put(req);
                return false;
            }
            if (strcmp(cmd, "query-status") == 0) {
                if (strcmp(mode, "bad-shape") == 0) {
                    json_object *ret = json_object_new_object();
                    json_object_object_add(ret, "status", json_object_new_int(42));
                    reply(fd, req, ret);
                } else {
                    json_object *ret = json_object_new_object();
                    json_object_object_add(ret, "status",
                                           json_object_new_string(*running ? "running"
                                                                           : "prelaunch"));
                    json_object_object_add(ret, "running", json_object_new_boolean(*running));
                    reply(fd, req, ret);
                }
            } else if (strcmp(cmd, "cont") == 0) {
                *running = true;
                event(fd, "RESUME", NULL);
                reply(fd, req, NULL);
                if (g_str_has_prefix(mode, "panic-") || g_str_has_prefix(mode, "flood-panic")) {
                    *running = false;
                    event(fd, "GUEST_PANICKED", "{\"action\":\"pause\"}");
                    event(fd, "STOP", NULL);
                    panicking = g_str_has_prefix(mode, "flood-panic");
                }
                if (g_str_has_prefix(mode, "flood-stop-resume"))
                    flood_stop_resume(fd, pidfile);
            } else if (strcmp(cmd, "quit") == 0 &&
                       (g_str_has_prefix(mode, "deaf-") || g_str_has_prefix(mode, "panic-") ||
                        g_str_has_prefix(mode, "flood-panic"))) {
                reply(fd, req, NULL); /* and carry on regardless */
            } else if (strcmp(cmd, "quit") == 0) {
                event(fd, "SHUTDOWN", "{\"guest\":false,\"reason\":\"host-qmp-quit\"}");
                reply(fd, req, NULL);
                quit = true;
            } else {
                reply(fd, req, NULL); /* qmp_capabilities, system_powerdown, ... */
            }
            json_object_put(req);
            if (quit)
                return true;
        }
    }
}

static int probe(void)
{
    g_autoptr(GError) error = NULL;
    const char *path = g_getenv("CCM_TEST_PROBE_RECORDING");
    g_autoptr(CcmQmpTranscript) t = path ? ccm_qmp_transcript_load(path, &error) : NULL;
    if (!t) {
        fprintf(stderr, "qemu-double: no probe recording: %s\n",
                error ? error->message : "set CCM_TEST_PROBE_RECORDING");
        return 1;
    }
    g_autofree char *failure = fake_qemu_finish(fake_qemu_start(t, 3));
    return failure ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *name = "double", *pidfile = NULL, *qmp_path = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-name") == 0 && i + 1 < argc && g_str_has_prefix(argv[i + 1], "guest="))
            name = argv[i + 1] + strlen("guest=");
        if (strcmp(argv[i], "-pidfile") == 0 && i + 1 < argc)
            pidfile = argv[i + 1];
        if (strcmp(argv[i], "-chardev") == 0 && i + 1 < argc) {
            if (strstr(argv[i + 1], "fd=3"))
                return probe();
            const char *p = strstr(argv[i + 1], "path=");
            if (p)
                qmp_path = p + strlen("path=");
        }
    }
    g_autofree char *mode = g_strndup(name, strcspn(name, ","));
    g_autofree char *sock = qmp_path ? g_strndup(qmp_path, strcspn(qmp_path, ",")) : NULL;
    if (!pidfile || !sock) {
        fprintf(stderr, "qemu-double: expected -pidfile and a QMP socket path\n");
        return 1;
    }
    if (strcmp(mode, "bad-exit") == 0)
        return 1;

    /* -daemonize: the parent returns once the child is ready, with its status. */
    int ready[2];
    if (pipe(ready) < 0)
        return 1;
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child > 0) {
        char status = 1;
        close(ready[1]);
        return read(ready[0], &status, 1) == 1 ? status : 1;
    }
    close(ready[0]);
    setsid();
    signal(SIGPIPE, SIG_IGN);
    bool slow_init = g_str_has_prefix(mode, "slowinit-");
    if (slow_init)
        g_usleep(400 * 1000);

    /* As QEMU does: the pid file early, locked for the daemon's whole life. */
    int pfd = open(pidfile, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    g_autofree char *text = g_strdup_printf("%d\n", (int) getpid());
    if (pfd < 0 || fcntl(pfd, F_SETLK, &lock) < 0 || ftruncate(pfd, 0) < 0 ||
        write(pfd, text, strlen(text)) != (ssize_t) strlen(text)) {
        fprintf(stderr, "qemu-double: cannot write and lock %s: %s\n", pidfile, strerror(errno));
        return 1;
    }
    if (slow_init)
        g_usleep(400 * 1000);
    if (g_str_has_prefix(mode, "hanginit-")) {
        for (;;)
            pause();
    }

    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_strlcpy(sa.sun_path, sock, sizeof(sa.sun_path));
    unlink(sock);
    if (lfd < 0 || bind(lfd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(lfd, 4) < 0) {
        fprintf(stderr, "qemu-double: cannot listen on %s: %s\n", sock, strerror(errno));
        return 1;
    }
    char ok = 0;
    if (write(ready[1], &ok, 1) != 1)
        return 1;
    close(ready[1]);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);

    const char *caller = g_getenv("CCM_TEST_QEMU_CALLER");
    if (g_str_has_prefix(mode, "caller-") && caller) {
        pid_t sh = fork();
        if (sh == 0) {
            execl("/bin/sh", "sh", "-c", caller, (char *) NULL);
            _exit(127);
        }
    }

    bool running = false;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        bool quit = session(fd, mode, pidfile, &running);
        close(fd);
        if (quit)
            break;
    }
    unlink(sock);
    return 0;
}
