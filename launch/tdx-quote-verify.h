/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tdx-quote-verify.h - what can be checked of a TD quote v4 offline, step by step */
#pragma once

#include <glib.h>

#include "ccm/measure.h"
#include "check-list.h"

/* SHA-256 of the DER of Intel's SGX Root CA (CN=Intel SGX Root CA), the pinned root of every
 * PCK chain. The certificate is public (Intel's PCS); the pin is its fingerprint. */
#define CCM_INTEL_SGX_ROOT_CA_SHA256 \
    "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3"

/*
 * ccm_tdx_quote_verify_offline() - check the TD quote at @quote (@size bytes, @name for
 * messages), adding to @checks: "td-quote-format", "td-quote-signature" (ECDSA P-256 by the
 * attestation key over header and body), "qe-report-binding" (QE REPORTDATA = SHA-256 of
 * the attestation key and the QE auth data), "qe-report-signature" (by the PCK),
 * "pck-chain" (PCK, CA, the pinned Intel SGX Root CA, valid at @at: Unix seconds, or 0 for
 * now) and "intel-collateral" (not checkable: TCB info, QE identity and CRLs come from
 * Intel's PCS). On success @ret_parts points into @quote.
 *
 * Return: TRUE when every checkable step passed.
 */
gboolean ccm_tdx_quote_verify_offline(const guint8 *quote, gsize size, const char *name,
                                      gint64 at, CcmCheckList *checks,
                                      CcmTdxQuoteParts *ret_parts);
