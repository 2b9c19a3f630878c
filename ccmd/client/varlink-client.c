/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * varlink-client.c - a blocking Varlink client, for ccmctl
 *
 * NUL-terminated JSON messages over a UNIX socket, as in varlink-server.c; replies are
 * read until their NUL, with the same size limit, and checked for their shape.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "varlink-client.h"

G_DEFINE_QUARK(ccm-varlink-error-quark, ccm_varlink_error)

#define MAX_REPLY (16u << 20)

struct CcmVarlinkClient {
    int fd;
    char *path;
    GByteArray *in;
};

CcmVarlinkClient *ccm_varlink_client_connect(const char *path, GError **error)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_CONNECT,
                    "socket path '%s' is too long", path);
        return NULL;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_CONNECT,
                    "cannot connect to ccmd at %s: %s%s", path, g_strerror(e),
                    e == ENOENT || e == ECONNREFUSED ? " (is ccmd running?)" : "");
        return NULL;
    }
    CcmVarlinkClient *c = g_new0(CcmVarlinkClient, 1);
    c->fd = fd;
    c->path = g_strdup(path);
    c->in = g_byte_array_new();
    return c;
}

void ccm_varlink_client_free(CcmVarlinkClient *c)
{
    if (!c)
        return;
    close(c->fd);
    g_byte_array_unref(c->in);
    g_free(c->path);
    g_free(c);
}

static gboolean send_request(CcmVarlinkClient *c, const char *method, json_object *parameters,
                             bool more, GError **error)
{
    json_object *m = json_object_new_object();
    json_object_object_add(m, "method", json_object_new_string(method));
    json_object_object_add(m, "parameters", parameters ? parameters : json_object_new_object());
    if (more)
        json_object_object_add(m, "more", json_object_new_boolean(1));
    const char *text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
    size_t n = strlen(text) + 1, off = 0;
    gboolean ok = TRUE;
    while (off < n) {
        ssize_t w = send(c->fd, text + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_CONNECT,
                        "cannot send to ccmd at %s: %s", c->path, g_strerror(errno));
            ok = FALSE;
            break;
        }
        off += (size_t) w;
    }
    json_object_put(m);
    return ok;
}

/* The next reply object; NULL with @error at end of stream or on garbage. */
static json_object *read_reply(CcmVarlinkClient *c, GError **error)
{
    for (;;) {
        uint8_t *nul = c->in->len ? memchr(c->in->data, '\0', c->in->len) : NULL;
        if (nul) {
            size_t len = (size_t) (nul - c->in->data);
            g_autofree char *text = g_strndup((const char *) c->in->data, len);
            g_byte_array_remove_range(c->in, 0, (guint) len + 1);
            json_object *o = json_tokener_parse(text);
            if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                            "ccmd at %s sent something that is not a Varlink reply", c->path);
                return NULL;
            }
            return o;
        }
        if (c->in->len > MAX_REPLY) {
            g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_PROTOCOL,
                        "ccmd at %s sent a reply larger than %u MiB", c->path, MAX_REPLY >> 20);
            return NULL;
        }
        uint8_t buf[65536];
        ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_CONNECT,
                        "ccmd at %s closed the connection%s", c->path,
                        r < 0 ? g_strerror(errno) : "");
            return NULL;
        }
        g_byte_array_append(c->in, buf, (guint) r);
    }
}

/* Splits a reply into its parameters (returned, owned) or an error. */
static json_object *reply_parameters(json_object *reply, bool *ret_continues,
                                     char **ret_error_name, GError **error)
{
    json_object *err = NULL, *params = NULL, *cont = NULL, *msg = NULL, *parameter = NULL;

    json_object_object_get_ex(reply, "parameters", &params);
    if (json_object_object_get_ex(reply, "error", &err)) {
        const char *name = json_object_get_string(err);
        const char *text = params && json_object_object_get_ex(params, "message", &msg)
                               ? json_object_get_string(msg)
                               : NULL;
        if (ret_error_name)
            *ret_error_name = g_strdup(name);
        if (text)
            g_set_error_literal(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_REPLY, text);
        else if (g_strcmp0(name, "org.varlink.service.InvalidParameter") == 0 && params &&
                 json_object_object_get_ex(params, "parameter", &parameter) &&
                 json_object_is_type(parameter, json_type_string))
            g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_REPLY,
                        "ccmd refused the value of the parameter '%s' (%s)",
                        json_object_get_string(parameter), name);
        else
            g_set_error(error, CCM_VARLINK_ERROR, CCM_VARLINK_ERROR_REPLY, "%s%s%s", name,
                        params ? " " : "",
                        params ? json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN)
                               : "");
        return NULL;
    }
    if (ret_continues)
        *ret_continues = json_object_object_get_ex(reply, "continues", &cont) &&
                         json_object_get_boolean(cont);
    return params ? json_object_get(params) : json_object_new_object();
}

json_object *ccm_varlink_client_call(CcmVarlinkClient *c, const char *method,
                                     json_object *parameters, char **ret_error_name,
                                     GError **error)
{
    if (!send_request(c, method, parameters, false, error))
        return NULL;
    json_object *reply = read_reply(c, error);
    if (!reply)
        return NULL;
    json_object *params = reply_parameters(reply, NULL, ret_error_name, error);
    json_object_put(reply);
    return params;
}

gboolean ccm_varlink_client_call_more(CcmVarlinkClient *c, const char *method,
                                      json_object *parameters, CcmVarlinkReplyFunc func,
                                      gpointer userdata, GError **error)
{
    if (!send_request(c, method, parameters, true, error))
        return FALSE;
    for (;;) {
        json_object *reply = read_reply(c, error);
        if (!reply)
            return FALSE;
        bool continues = false;
        json_object *params = reply_parameters(reply, &continues, NULL, error);
        json_object_put(reply);
        if (!params)
            return FALSE;
        bool go_on = func(params, userdata);
        json_object_put(params);
        if (!go_on || !continues)
            return TRUE;
    }
}
