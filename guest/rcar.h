/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rcar.h - the KBS protocol 0.4.0 exchange (auth, attest, resource) with an SNP report */
#pragma once

#include <stdbool.h>

#include "ga-buf.h"
#include "ga-error.h"

typedef struct GaRcarOptions {
    const char *kbs;            /* serial:DEVICE or tcp:HOST:PORT */
    const char *resource;       /* REPO/TYPE/TAG, already checked; "@HOST_DATA@" in it
                                 * becomes the lowercase hex of the report's HOST_DATA,
                                 * "@MR_CONFIG_ID@" the quote's MRCONFIGID */
    const char *save_evidence;  /* write the tee-evidence sent here, or NULL */
    const char *send_evidence;  /* send this file's tee-evidence instead of asking the TEE */
    bool tdx;                   /* attest as a TD (tee "tdx", a simulated TDX quote) */
    const char *extend_rtmr3;   /* with tdx: extend RTMR3 with SHA-384 of this first */
    bool show_evidence;         /* print "ccm-guest-attest: evidence JSON" on stdout */
    int timeout_s;              /* per KBS reply */
    bool verbose;               /* progress lines on stderr */
} GaRcarOptions;

/**
 * ga_rcar_run() - attest to the KBS and fetch one resource
 * @ret_secret: receives the decrypted resource
 *
 * POST /kbs/v0/auth (tee "snp") for a nonce; an EC P-256 tee key; REPORT_DATA =
 * SHA-384 of the canonical runtime data {"additional-evidence":"","nonce":N,
 * "tee-pubkey":JWK}, zero-padded to 64 bytes; an SNP report from the simulated TEE;
 * POST /kbs/v0/attest; GET /kbs/v0/resource/REPO/TYPE/TAG; the JWE decrypted with the
 * tee key. A KBS error status is an error of kind GA_EXIT_REFUSED whose text is
 * "STEP STATUS BODY".
 */
bool ga_rcar_run(const GaRcarOptions *options, GaBuf *ret_secret, GaError *error);
