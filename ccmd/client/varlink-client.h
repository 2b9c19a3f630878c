/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* varlink-client.h - a blocking Varlink client, for ccmctl and the libvirt hook */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

#define CCM_VARLINK_ERROR (ccm_varlink_error_quark())
GQuark ccm_varlink_error_quark(void);

typedef enum CcmVarlinkErrorCode {
    CCM_VARLINK_ERROR_CONNECT,    /* the service is not there */
    CCM_VARLINK_ERROR_PROTOCOL,   /* it does not speak Varlink as documented */
    CCM_VARLINK_ERROR_REPLY,      /* a named error; the GError message is its "message" */
} CcmVarlinkErrorCode;

typedef struct CcmVarlinkClient CcmVarlinkClient;

CcmVarlinkClient *ccm_varlink_client_connect(const char *path, GError **error);
void ccm_varlink_client_free(CcmVarlinkClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmVarlinkClient, ccm_varlink_client_free)

/**
 * ccm_varlink_client_call() - call @method and wait for the reply's parameters
 * @ret_error_name: on CCM_VARLINK_ERROR_REPLY, the error's name (optional)
 */
json_object *ccm_varlink_client_call(CcmVarlinkClient *client, const char *method,
                                     json_object *parameters, char **ret_error_name,
                                     GError **error);

/* A "more" call: @func gets each reply's parameters until it returns false, the
 * service ends the stream, or an error (returned). */
typedef bool (*CcmVarlinkReplyFunc)(json_object *parameters, gpointer userdata);
gboolean ccm_varlink_client_call_more(CcmVarlinkClient *client, const char *method,
                                      json_object *parameters, CcmVarlinkReplyFunc func,
                                      gpointer userdata, GError **error);
