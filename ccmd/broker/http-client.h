/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* http-client.h - blocking HTTP(S) requests to a key broker, with retries; worker threads only */
#pragma once

#include <stdbool.h>

#include <glib.h>

#define CCM_HTTP_ERROR (ccm_http_error_quark())
GQuark ccm_http_error_quark(void);

typedef enum CcmHttpErrorCode {
    CCM_HTTP_ERROR_URL,        /* not a URL we may use (e.g. http:// to a remote host) */
    CCM_HTTP_ERROR_CONNECT,    /* no connection, after the retries */
    CCM_HTTP_ERROR_TLS,        /* the certificate did not verify */
    CCM_HTTP_ERROR_TOO_LARGE,  /* the reply is over the limit */
    CCM_HTTP_ERROR_FAILED,
} CcmHttpErrorCode;

typedef struct CcmHttpOptions {
    const char *ca_file;        /* PEM bundle of the broker's CA; NULL: the system's */
    bool allow_insecure_http;   /* http:// to a host that is not loopback */
    unsigned timeout_ms;        /* per attempt; 0: 10 s */
    unsigned retries;           /* more attempts after a connection error or a 5xx */
    unsigned backoff_ms;        /* first pause between attempts; doubles each time */
} CcmHttpOptions;

typedef struct CcmHttpResponse {
    long status;
    char *body;                 /* NUL-terminated (replies are JSON or empty) */
    size_t size;
    unsigned attempts;
} CcmHttpResponse;

void ccm_http_response_free(CcmHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmHttpResponse, ccm_http_response_free)

/* Whether @url may be used: https://, or http:// to a loopback host (or when
 * @allow_insecure_http). The error says why not. */
gboolean ccm_http_check_url(const char *url, bool allow_insecure_http, GError **error);

/**
 * ccm_http_request() - one request, retried with backoff on connection errors and 5xx
 * @bearer: the Authorization bearer token, or NULL; never logged or put in errors
 * @body: request body (@size bytes) sent with @content_type, or NULL
 *
 * Returns the last response whatever its status (4xx and a final 5xx included: the
 * caller reads the broker's error body), or NULL with @error when no response came.
 * Blocks: call it from a worker thread.
 */
CcmHttpResponse *ccm_http_request(const CcmHttpOptions *options, const char *method,
                                  const char *url, const char *bearer,
                                  const char *content_type, const void *body, size_t size,
                                  GError **error);
