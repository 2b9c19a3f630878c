/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* secret-redact.h - credentials cut out of text a broker sent us, before we print it */
#pragma once

/**
 * ccm_redact_secrets() - @text with anything that looks like a credential replaced
 *
 * A broker, or a proxy in front of it, may echo our request into its answer; ccm must
 * not then print the live admin token. Replaced by "[redacted]": bearer and basic
 * credentials, Authorization and Cookie header values, JWS/JWT compact forms, the
 * values of keys named like token, password, secret or key, and PEM private keys.
 * Anything else is kept, so the broker's own reason still reads. Never NULL.
 */
char *ccm_redact_secrets(const char *text);
