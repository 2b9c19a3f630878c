/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * http-client.c - blocking HTTP(S) requests to a key broker, with retries
 *
 * Theory of operation: every call is one libcurl easy handle, so calls from several
 * worker threads never share state. TLS is verified against the system store or the
 * configured CA file; plain HTTP is allowed only to loopback unless the configuration
 * says otherwise. A connection error, a timeout or a 5xx is retried after a pause that
 * doubles each time; any other answer is returned to the caller, who reads the broker's
 * error body. Replies are capped at 1 MiB. Headers are not logged anywhere: the bearer
 * token must never reach a log.
 */
#include <string.h>

#include <curl/curl.h>
#include <gio/gio.h>

#include "http-client.h"
#include "optional-library.h"

#define MAX_REPLY (1u << 20)

G_DEFINE_QUARK(ccm-http-error-quark, ccm_http_error)

/* libcurl is loaded on the first request: ccmctl's other commands never pay for it. */
static CCM_OPTIONAL_SYMBOL(curl_global_init);
static CCM_OPTIONAL_SYMBOL(curl_easy_init);
static CCM_OPTIONAL_SYMBOL(curl_easy_setopt);
static CCM_OPTIONAL_SYMBOL(curl_easy_perform);
static CCM_OPTIONAL_SYMBOL(curl_easy_getinfo);
static CCM_OPTIONAL_SYMBOL(curl_easy_cleanup);
static CCM_OPTIONAL_SYMBOL(curl_easy_strerror);
static CCM_OPTIONAL_SYMBOL(curl_slist_append);
static CCM_OPTIONAL_SYMBOL(curl_slist_free_all);

static const CcmOptionalSymbol curl_symbols[] = {
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_global_init),
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_easy_init),
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_easy_setopt),
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_easy_perform),
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_easy_getinfo),
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_easy_cleanup),
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_easy_strerror),
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_slist_append),
    CCM_OPTIONAL_SYMBOL_ENTRY(curl_slist_free_all),
    { NULL },
};

static CcmOptionalLibrary libcurl = {
    .soname = "libcurl.so.4",
    .package = "libcurl4",
    .purpose = "HTTP to a key broker",
    .symbols = curl_symbols,
};

void ccm_http_response_free(CcmHttpResponse *r)
{
    if (!r)
        return;
    g_free(r->body);
    g_free(r);
}

/*
 * Loopback is decided on the address, never on a name's prefix: an IPv4 address in
 * 127.0.0.0/8 or ::1, or the name "localhost", which libcurl resolves
 * to loopback itself without asking DNS.
 */
static gboolean is_loopback(const char *host)
{
    if (g_ascii_strcasecmp(host, "localhost") == 0)
        return TRUE;
    g_autofree char *bare = NULL;
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
        host = bare = g_strndup(host + 1, n - 2);
    g_autoptr(GInetAddress) address = g_inet_address_new_from_string(host);
    return address && g_inet_address_get_is_loopback(address);
}

gboolean ccm_http_check_url(const char *url, bool allow_insecure_http, GError **error)
{
    g_autoptr(GUri) uri = g_uri_parse(url, G_URI_FLAGS_NONE, NULL);
    const char *scheme = uri ? g_uri_get_scheme(uri) : NULL;
    const char *host = uri ? g_uri_get_host(uri) : NULL;

    if (!uri || !host || !*host) {
        g_set_error(error, CCM_HTTP_ERROR, CCM_HTTP_ERROR_URL,
                    "'%s' is not a URL (expected https://HOST[:PORT])", url);
        return FALSE;
    }
    if (g_ascii_strcasecmp(scheme, "https") == 0)
        return TRUE;
    if (g_ascii_strcasecmp(scheme, "http") != 0) {
        g_set_error(error, CCM_HTTP_ERROR, CCM_HTTP_ERROR_URL,
                    "'%s': scheme '%s' is not supported (expected https)", url, scheme);
        return FALSE;
    }
    if (is_loopback(host) || allow_insecure_http)
        return TRUE;
    g_set_error(error, CCM_HTTP_ERROR, CCM_HTTP_ERROR_URL,
                "'%s': plain HTTP to %s would send the admin token in clear; use https "
                "(or allow it explicitly)",
                url, host);
    return FALSE;
}

typedef struct Sink {
    GByteArray *data;
    bool too_large;
} Sink;

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    Sink *sink = userdata;
    size_t n = size * nmemb;
    if (sink->data->len + n > MAX_REPLY) {
        sink->too_large = true;
        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
    }
    g_byte_array_append(sink->data, (const guint8 *) ptr, (guint) n);
    return n;
}

static bool retryable(CURLcode code)
{
    return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
           code == CURLE_OPERATION_TIMEDOUT || code == CURLE_RECV_ERROR ||
           code == CURLE_SEND_ERROR || code == CURLE_GOT_NOTHING;
}

static bool tls_failure(CURLcode code)
{
    return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR ||
           code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM;
}

/* One attempt: a response, or NULL with *code set. */
static CcmHttpResponse *attempt(const CcmHttpOptions *o, const char *method, const char *url,
                                const char *bearer, const char *content_type,
                                const void *body, size_t size, CURLcode *code,
                                char errbuf[CURL_ERROR_SIZE], bool *too_large)
{
    CURL *curl = sym_curl_easy_init();
    struct curl_slist *headers = NULL;
    g_autoptr(GByteArray) data = g_byte_array_new();
    Sink sink = { .data = data };
    g_autofree char *auth = bearer ? g_strconcat("Authorization: Bearer ", bearer, NULL) : NULL;
    g_autofree char *ctype = content_type ? g_strconcat("Content-Type: ", content_type, NULL)
                                          : NULL;

    if (!curl) {
        *code = CURLE_FAILED_INIT;
        return NULL;
    }
    errbuf[0] = '\0';
    sym_curl_easy_setopt(curl, CURLOPT_URL, url);
    sym_curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    sym_curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    sym_curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    sym_curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long) (o->timeout_ms ? o->timeout_ms : 10000));
    sym_curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    sym_curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    sym_curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    sym_curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (o->ca_file)
        sym_curl_easy_setopt(curl, CURLOPT_CAINFO, o->ca_file);
    if (auth)
        headers = sym_curl_slist_append(headers, auth);
    if (ctype)
        headers = sym_curl_slist_append(headers, ctype);
    headers = sym_curl_slist_append(headers, "Accept: application/json");
    headers = sym_curl_slist_append(headers, "Expect:");
    sym_curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body) {
        sym_curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        sym_curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
    } else if (strcmp(method, "GET") == 0) {
        sym_curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    sym_curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    sym_curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);

    *code = sym_curl_easy_perform(curl);
    *too_large = sink.too_large;
    CcmHttpResponse *r = NULL;
    if (*code == CURLE_OK) {
        r = g_new0(CcmHttpResponse, 1);
        sym_curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
        r->size = data->len;
        g_byte_array_append(data, (const guint8 *) "", 1);
        r->body = (char *) g_byte_array_free(g_steal_pointer(&data), FALSE);
    }
    /* The bearer token was copied into @auth and the header list: wipe both. (libcurl's
     * own copy in the request it built is freed by libcurl, which does not wipe it.) */
    for (struct curl_slist *h = headers; h; h = h->next)
        explicit_bzero(h->data, strlen(h->data));
    sym_curl_slist_free_all(headers);
    if (auth)
        explicit_bzero(auth, strlen(auth));
    sym_curl_easy_cleanup(curl);
    return r;
}

CcmHttpResponse *ccm_http_request(const CcmHttpOptions *o, const char *method,
                                  const char *url, const char *bearer,
                                  const char *content_type, const void *body, size_t size,
                                  GError **error)
{
    static const CcmHttpOptions defaults = { 0 };
    unsigned pause = 0;

    if (!ccm_optional_library_load(&libcurl, error))
        return NULL;
    static gsize initialised = 0;
    if (g_once_init_enter(&initialised)) {
        /* Once per process, before any handle, from whichever thread comes first. */
        sym_curl_global_init(CURL_GLOBAL_DEFAULT);
        g_once_init_leave(&initialised, 1);
    }
    if (!o)
        o = &defaults;
    if (!ccm_http_check_url(url, o->allow_insecure_http, error))
        return NULL;
    pause = o->backoff_ms ? o->backoff_ms : 200;
    for (unsigned i = 0;; i++) {
        CURLcode code;
        char errbuf[CURL_ERROR_SIZE];
        bool too_large = false;
        CcmHttpResponse *r = attempt(o, method, url, bearer, content_type, body, size, &code,
                                     errbuf, &too_large);
        bool last = i >= o->retries;
        if (r && (r->status < 500 || last)) {
            r->attempts = i + 1;
            return r;
        }
        if (!r && (too_large || tls_failure(code) || !retryable(code) || last)) {
            const char *why = errbuf[0] ? errbuf : sym_curl_easy_strerror(code);
            if (too_large)
                g_set_error(error, CCM_HTTP_ERROR, CCM_HTTP_ERROR_TOO_LARGE,
                            "%s %s: the reply is larger than %u bytes", method, url, MAX_REPLY);
            else if (tls_failure(code))
                g_set_error(error, CCM_HTTP_ERROR, CCM_HTTP_ERROR_TLS,
                            "%s %s: TLS failed, the broker's certificate did not verify: %s",
                            method, url, why);
            else
                g_set_error(error, CCM_HTTP_ERROR,
                            retryable(code) ? CCM_HTTP_ERROR_CONNECT : CCM_HTTP_ERROR_FAILED,
                            "%s %s: %s (after %u attempt%s)", method, url, why, i + 1,
                            i ? "s" : "");
            return NULL;
        }
        ccm_http_response_free(r);
        g_usleep((gulong) pause * 1000);
        pause = MIN(pause * 2, 10000u);
    }
}
