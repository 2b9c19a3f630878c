/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qmp-client.h - a QMP (QEMU Machine Protocol) client over any GIOStream */
#pragma once

#include <stdbool.h>

#include <gio/gio.h>
#include <json-c/json.h>

#define CCM_QMP_ERROR (ccm_qmp_error_quark())
GQuark ccm_qmp_error_quark(void);

typedef enum CcmQmpErrorCode {
    CCM_QMP_ERROR_PROTOCOL,  /* QEMU sent something that is not QMP as documented */
    CCM_QMP_ERROR_COMMAND,   /* QEMU answered a command with an error */
    CCM_QMP_ERROR_CLOSED,    /* the connection ended */
    CCM_QMP_ERROR_TIMEOUT,   /* no answer in time */
} CcmQmpErrorCode;

/* Larger than any QMP message (query-qmp-schema is well under 1 MiB). */
#define CCM_QMP_MAX_MESSAGE (16u << 20)

typedef struct CcmQmpClient CcmQmpClient;

/* An event: @data is NULL when QEMU sent none (STOP, RESUME, ...). Borrowed. */
typedef void (*CcmQmpEventFunc)(CcmQmpClient *client, const char *event, json_object *data,
                                void *userdata);
/* Every message as sent or received (for transcripts); @sent says which way. */
typedef void (*CcmQmpTraceFunc)(CcmQmpClient *client, bool sent, json_object *message,
                                void *userdata);
/* The connection ended or broke; @error says why. Called once. */
typedef void (*CcmQmpClosedFunc)(CcmQmpClient *client, const GError *error, void *userdata);

/* @peer names the other side in every message, e.g. "QEMU 'web1'". */
CcmQmpClient *ccm_qmp_client_new(GIOStream *stream, const char *peer);
CcmQmpClient *ccm_qmp_client_ref(CcmQmpClient *client);
void ccm_qmp_client_unref(CcmQmpClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmQmpClient, ccm_qmp_client_unref)

void ccm_qmp_client_set_event_func(CcmQmpClient *client, CcmQmpEventFunc func, void *userdata);
void ccm_qmp_client_set_trace_func(CcmQmpClient *client, CcmQmpTraceFunc func, void *userdata);
/* Every later command fails, and the connection ends, if QEMU has not answered it
 * within @timeout_ms (0: wait forever, the default). */
void ccm_qmp_client_set_command_timeout(CcmQmpClient *client, guint timeout_ms);
/* Reads at most @per_second messages a second (a burst of as many may come at once);
 * beyond that, reading pauses and the rest waits in the socket, so a peer that floods
 * stalls itself rather than the caller's main loop. 0: unlimited (the default). */
void ccm_qmp_client_set_message_rate(CcmQmpClient *client, guint per_second);
void ccm_qmp_client_set_closed_func(CcmQmpClient *client, CcmQmpClosedFunc func,
                                    void *userdata);

/* Reads the greeting and negotiates capabilities. */
void ccm_qmp_client_connect_async(CcmQmpClient *client, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer userdata);
gboolean ccm_qmp_client_connect_finish(CcmQmpClient *client, GAsyncResult *result,
                                       GError **error);

/* @arguments: an object or NULL; ownership is taken. The result is the "return" value. */
void ccm_qmp_client_execute_async(CcmQmpClient *client, const char *command,
                                  json_object *arguments, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer userdata);
json_object *ccm_qmp_client_execute_finish(CcmQmpClient *client, GAsyncResult *result,
                                           GError **error);

/* Blocking forms: iterate the thread-default main context until done or @timeout_ms. */
gboolean ccm_qmp_client_connect_sync(CcmQmpClient *client, guint timeout_ms, GError **error);
json_object *ccm_qmp_client_execute_sync(CcmQmpClient *client, const char *command,
                                         json_object *arguments, guint timeout_ms,
                                         GError **error);

/* The greeting's version (after connect). */
void ccm_qmp_client_get_version(const CcmQmpClient *client, int *ret_major, int *ret_minor,
                                int *ret_micro, const char **ret_package);

/* Stops reading and fails what is pending with CCM_QMP_ERROR_CLOSED. */
void ccm_qmp_client_close(CcmQmpClient *client);
