/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink-server.h - a Varlink server on the GLib main loop */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <gio/gio.h>
#include <json-c/json.h>

/* Larger than any request ccmd accepts (a guest spec is at most 1 MiB). A connection
 * never buffers more input than this plus one read (64 KiB). */
#define CCM_VARLINK_MAX_MESSAGE (2u << 20)
/* Replies queued for a client above which the server reads no further requests from it
 * until the client has read them (backpressure). */
#define CCM_VARLINK_OUTPUT_PAUSE (1u << 20)
/* Replies queued for a client that does not read, above which its connection is closed
 * (only a stream, e.g. Monitor, can get there: requests are not read past the pause). */
#define CCM_VARLINK_OUTPUT_MAX (16u << 20)

/* The bounds a server puts on its clients (ccmd.conf(5): MaxClients=,
 * MaxClientsPerUser=, ClientIdleTimeoutSec=). */
typedef struct CcmVarlinkLimits {
    guint max_connections;     /* all clients together */
    guint max_per_uid;         /* one uid other than root and the server's own; 0: no cap */
    guint idle_timeout_s;      /* a connection with no call open and no traffic; 0: never */
} CcmVarlinkLimits;

#define CCM_VARLINK_LIMITS_DEFAULT                                                        \
    ((CcmVarlinkLimits) { .max_connections = 256, .max_per_uid = 32, .idle_timeout_s = 60 })

typedef struct CcmVarlinkServer CcmVarlinkServer;
typedef struct CcmVarlinkCall CcmVarlinkCall;

/* @call and @parameters are borrowed: answer now, or take a reference on @call and
 * answer later (once, or repeatedly with continues), then drop the reference. */
typedef void (*CcmVarlinkMethodFunc)(CcmVarlinkCall *call, json_object *parameters,
                                     gpointer userdata);

CcmVarlinkServer *ccm_varlink_server_new(const char *vendor, const char *product,
                                         const char *version, const char *url);
void ccm_varlink_server_free(CcmVarlinkServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmVarlinkServer, ccm_varlink_server_free)

/* An interface, with its description (Varlink IDL) for GetInterfaceDescription. */
void ccm_varlink_server_add_interface(CcmVarlinkServer *server, const char *name,
                                      const char *description);
/* @method is fully qualified: "io.ccm.Manager.List". */
void ccm_varlink_server_add_method(CcmVarlinkServer *server, const char *method,
                                   CcmVarlinkMethodFunc func, gpointer userdata);

/* Serve on an inherited listening socket (socket activation) or a new one at @path. */
gboolean ccm_varlink_server_listen_fd(CcmVarlinkServer *server, int fd, GError **error);
gboolean ccm_varlink_server_listen_path(CcmVarlinkServer *server, const char *path, mode_t mode,
                                        GError **error);

/* Replaces the defaults (CCM_VARLINK_LIMITS_DEFAULT); open connections keep theirs until
 * the next check. */
void ccm_varlink_server_set_limits(CcmVarlinkServer *server, const CcmVarlinkLimits *limits);

guint ccm_varlink_server_n_connections(const CcmVarlinkServer *server);

/* ---- calls ----------------------------------------------------------------------- */

CcmVarlinkCall *ccm_varlink_call_ref(CcmVarlinkCall *call);
void ccm_varlink_call_unref(CcmVarlinkCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmVarlinkCall, ccm_varlink_call_unref)

const char *ccm_varlink_call_method(const CcmVarlinkCall *call);
/* The client asked for a stream ("more": true). */
bool ccm_varlink_call_wants_more(const CcmVarlinkCall *call);
/* The peer's credentials (from the socket). */
uid_t ccm_varlink_call_uid(const CcmVarlinkCall *call);
pid_t ccm_varlink_call_pid(const CcmVarlinkCall *call);
/* Its primary group and its supplementary groups, as the kernel gave them at accept. */
gid_t ccm_varlink_call_gid(const CcmVarlinkCall *call);
const gid_t *ccm_varlink_call_groups(const CcmVarlinkCall *call, guint *ret_n);
/* Whether the client is still connected. */
bool ccm_varlink_call_connected(const CcmVarlinkCall *call);

/* Takes @parameters (NULL: {}). With @continues the call stays open for more replies. */
void ccm_varlink_call_reply(CcmVarlinkCall *call, json_object *parameters, bool continues);
/* A named error; @parameters taken (NULL: {}). Ends the call. */
void ccm_varlink_call_error(CcmVarlinkCall *call, const char *error, json_object *parameters);
/* Error with a single "message" parameter. */
void ccm_varlink_call_error_message(CcmVarlinkCall *call, const char *error,
                                    const char *message);

/* Called once if the client goes away while the call is open (e.g. a Monitor stream). */
void ccm_varlink_call_set_cancel_func(CcmVarlinkCall *call, GDestroyNotify func,
                                      gpointer userdata);
