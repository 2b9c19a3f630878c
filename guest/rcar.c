/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rcar.c - the KBS protocol 0.4.0 exchange (auth, attest, resource) with an SNP report
 *
 * Theory of operation: the KBS binds a session (the kbs-session-id cookie) to a nonce it
 * hands out at /auth. The guest proves that its evidence was made for this session and
 * for its own key: REPORT_DATA carries SHA-384 of the runtime data {nonce, tee-pubkey,
 * additional-evidence} in canonical JSON (RFC 8785: keys sorted, no whitespace), which
 * the KBS recomputes from the runtime-data it is sent. Evidence from another session
 * (--send-evidence, a replay) fails that check. The released resource comes back as a
 * JWE only the tee key can open. The attest body mirrors Trustee's 0.4.0 Attestation:
 * {"runtime-data": {"nonce", "tee-pubkey"}, "tee-evidence": {"primary_evidence": {...},
 * "additional_evidence": ""}}, the SNP report as {"sim-snp": {"report": "<hex>"}}
 * (docs/simulated-tee.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ga-codec.h"
#include "ga-json.h"
#include "kbs-http.h"
#include "rcar.h"
#include "tee-key.h"
#include "tee-request.h"

#define PROTOCOL_VERSION "0.4.0"
#define MAX_EVIDENCE_FILE (64 * 1024)
#define MAX_SHOWN_BODY 1000

static void kbs_closep(GaKbs *kbs) { ga_kbs_close(kbs); }
static void evp_pkey_freep(EVP_PKEY **p) { EVP_PKEY_free(*p); }

static void progress(const GaRcarOptions *o, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static void progress(const GaRcarOptions *o, const char *format, ...)
{
    if (!o->verbose)
        return;
    va_list ap;
    va_start(ap, format);
    fputs("ccm-guest-attest: ", stderr);
    vfprintf(stderr, format, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The KBS's error body on one line: control characters become spaces, long bodies
 * are cut (the KBS's are one JSON line of a few hundred bytes). */
static void body_excerpt(const GaBuf *body, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < body->len && n + 4 < size; i++) {
        unsigned char c = (unsigned char) body->data[i];
        out[n++] = c < 0x20 || c == 0x7f ? ' ' : (char) c;
        if (i + 1 == MAX_SHOWN_BODY && body->len > MAX_SHOWN_BODY) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
    }
    if (n == 0 && size > 7) {
        memcpy(out, "(empty)", 7);
        n = 7;
    }
    out[n] = '\0';
}

/* One request that must answer 200 with a JSON object; anything else is a refusal (an
 * error status) or a protocol error (a 200 that is not a JSON object). */
static bool call(const GaRcarOptions *o, GaKbs *kbs, const char *step, const char *method,
                 const char *path, const char *json, GaHttpReply *reply, GaError *error)
{
    if (!ga_kbs_request(kbs, method, path, json, reply, error))
        return false;
    progress(o, "%s %s -> %d", method, path, reply->status);
    if (reply->status != 200) {
        char shown[MAX_SHOWN_BODY + 8];
        body_excerpt(&reply->body, shown, sizeof(shown));
        return ga_error_set(error, GA_EXIT_REFUSED, "%s %d %s", step, reply->status, shown);
    }
    if (!ga_json_is_object((GaJson) { ga_buf_str(&reply->body), reply->body.len }))
        return ga_error_set(error, GA_EXIT_TRANSPORT, "%s: %s %s answered 200 but not with "
                            "a JSON object", step, method, path);
    return true;
}

static bool read_file(const char *path, size_t limit, GaBuf *out, GaError *error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot open '%s': %s", path,
                            strerror(errno));
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        ga_buf_append(out, chunk, (size_t) n);
        if (out->len > limit) {
            close(fd);
            return ga_error_set(error, GA_EXIT_TRANSPORT, "'%s' is over %zu bytes", path,
                                limit);
        }
    }
    int e = errno;
    close(fd);
    if (n < 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot read '%s': %s", path,
                            strerror(e));
    return true;
}

static bool write_file(const char *path, const GaBuf *data, GaError *error)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot create '%s': %s", path,
                            strerror(errno));
    bool ok = write(fd, data->data, data->len) == (ssize_t) data->len &&
              write(fd, "\n", 1) == 1;
    int e = errno;
    if (close(fd) < 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "cannot write '%s': %s", path,
                            strerror(e));
    return true;
}

/* The tee-evidence object: a fresh SNP report bound to @report_data, or a saved one. */
static bool make_evidence(const GaRcarOptions *o, const uint8_t report_data[64],
                          GaBuf *out, uint8_t ret_identity[48], GaError *error)
{
    if (o->send_evidence) {
        ga_auto_buf GaBuf text = { 0 };
        if (!read_file(o->send_evidence, MAX_EVIDENCE_FILE, &text, error))
            return false;
        /* One line: trailing newlines and other whitespace are not part of the object. */
        while (text.len && strchr(" \t\r\n", text.data[text.len - 1]))
            text.data[--text.len] = '\0';
        if (!ga_json_is_object((GaJson) { ga_buf_str(&text), text.len }))
            return ga_error_set(error, GA_EXIT_TRANSPORT, "'%s' is not a JSON object "
                                "(a tee-evidence saved by --save-evidence)", o->send_evidence);
        progress(o, "sending the saved evidence of '%s' instead of asking the TEE",
                 o->send_evidence);
        ga_buf_append(out, text.data, text.len);
        return true;
    }
    if (o->tdx) {
        if (o->extend_rtmr3) {
            uint8_t digest[48];
            unsigned int len = 0;
            if (!EVP_Digest(o->extend_rtmr3, strlen(o->extend_rtmr3), digest, &len,
                            EVP_sha384(), NULL))
                return ga_error_set(error, GA_EXIT_TRANSPORT, "SHA-384 failed");
            if (!ga_tee_tdx_extend(3, digest, error))
                return false;
            progress(o, "extended RTMR3 with SHA-384 of '%s'", o->extend_rtmr3);
        }
        uint8_t quote[GA_TDX_QUOTE_SIZE];
        if (!ga_tee_tdx_quote(report_data, quote, error))
            return false;
        progress(o, "the simulated TDX module made a quote");
        memcpy(ret_identity, quote + 48 + 184, 48);  /* MRCONFIGID */
        ga_buf_append_str(out, "{\"primary_evidence\":{\"sim-tdx\":{\"quote\":\"");
        ga_hex_encode(out, quote, sizeof(quote));
        ga_buf_append_str(out, "\"}},\"additional_evidence\":\"\"}");
        return true;
    }
    uint8_t report[GA_SNP_REPORT_SIZE];
    if (!ga_tee_snp_report(report_data, report, error))
        return false;
    progress(o, "the simulated TEE made an SNP report");
    memcpy(ret_identity, report + 0xc0, 32);  /* HOST_DATA, given by the host at launch */
    ga_buf_append_str(out, "{\"primary_evidence\":{\"sim-snp\":{\"report\":\"");
    ga_hex_encode(out, report, sizeof(report));
    ga_buf_append_str(out, "\"}},\"additional_evidence\":\"\"}");
    return true;
}

bool ga_rcar_run(const GaRcarOptions *o, GaBuf *ret_secret, GaError *error)
{
    __attribute__((cleanup(kbs_closep))) GaKbs kbs = { .fd = -1 };
    if (!ga_kbs_open(&kbs, o->kbs, o->timeout_s, error))
        return false;
    progress(o, "connected to the KBS at %s", o->kbs);

    /* auth: a session and its nonce. */
    __attribute__((cleanup(ga_http_reply_clear))) GaHttpReply reply = { 0 };
    if (!call(o, &kbs, "auth", "POST", "/kbs/v0/auth",
              o->tdx ? "{\"version\":\"" PROTOCOL_VERSION "\",\"tee\":\"tdx\",\"extra-params\":\"\"}"
                     : "{\"version\":\"" PROTOCOL_VERSION "\",\"tee\":\"snp\",\"extra-params\":\"\"}",
              &reply, error))
        return false;
    ga_autofree char *nonce = ga_json_member_string(
        (GaJson) { ga_buf_str(&reply.body), reply.body.len }, "nonce");
    if (!nonce)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "auth: the KBS's reply has no nonce "
                            "string");
    if (!kbs.cookie)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "auth: the KBS set no kbs-session-id "
                            "cookie");
    ga_http_reply_clear(&reply);

    /* The tee key, and the runtime data the evidence must be bound to. */
    __attribute__((cleanup(evp_pkey_freep))) EVP_PKEY *key = ga_tee_key_new(error);
    if (!key)
        return false;
    ga_auto_buf GaBuf jwk = { 0 };
    if (!ga_tee_key_jwk(key, &jwk, error))
        return false;
    ga_auto_buf GaBuf runtime = { 0 };
    ga_buf_append_str(&runtime, "{\"additional-evidence\":\"\",\"nonce\":");
    ga_json_append_string(&runtime, nonce);
    ga_buf_printf(&runtime, ",\"tee-pubkey\":%s}", ga_buf_str(&jwk));
    uint8_t report_data[GA_SNP_REPORT_DATA_SIZE] = { 0 };
    unsigned int digest_len = 0;
    if (!EVP_Digest(runtime.data, runtime.len, report_data, &digest_len, EVP_sha384(), NULL))
        return ga_error_set(error, GA_EXIT_TRANSPORT, "SHA-384 failed");

    /* attest */
    ga_auto_buf GaBuf evidence = { 0 };
    uint8_t identity[48] = { 0 };
    if (!make_evidence(o, report_data, &evidence, identity, error))
        return false;
    if (o->show_evidence) {
        printf("ccm-guest-attest: evidence %s\n", ga_buf_str(&evidence));
        fflush(stdout);
    }
    if (o->save_evidence && !write_file(o->save_evidence, &evidence, error))
        return false;
    ga_auto_buf GaBuf attest = { 0 };
    ga_buf_append_str(&attest, "{\"runtime-data\":{\"nonce\":");
    ga_json_append_string(&attest, nonce);
    ga_buf_printf(&attest, ",\"tee-pubkey\":%s},\"tee-evidence\":%s}", ga_buf_str(&jwk),
                  ga_buf_str(&evidence));
    if (!call(o, &kbs, "attest", "POST", "/kbs/v0/attest", attest.data, &reply, error))
        return false;
    ga_autofree char *token = ga_json_member_string(
        (GaJson) { ga_buf_str(&reply.body), reply.body.len }, "token");
    if (!token)
        return ga_error_set(error, GA_EXIT_TRANSPORT, "attest: the KBS's reply has no token");
    ga_http_reply_clear(&reply);

    /* resource: a JWE for our key. */
    ga_auto_buf GaBuf path = { 0 };
    ga_buf_append_str(&path, "/kbs/v0/resource/");
    for (const char *r = o->resource; *r;) {
        if (strncmp(r, "@HOST_DATA@", 11) == 0) {
            ga_hex_encode(&path, identity, 32);
            r += 11;
        } else if (strncmp(r, "@MR_CONFIG_ID@", 14) == 0) {
            ga_hex_encode(&path, identity, 48);
            r += 14;
        } else {
            ga_buf_append(&path, r, 1);
            r++;
        }
    }
    if (!call(o, &kbs, "resource", "GET", path.data, NULL, &reply, error))
        return false;
    if (!ga_tee_key_decrypt(key, (GaJson) { ga_buf_str(&reply.body), reply.body.len },
                            ret_secret, error))
        return false;
    return true;
}
