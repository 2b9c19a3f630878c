/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* base64url.h - the URL-safe base64 of RFC 4648 section 5 (JWKs, Trustee's evidence), decoded */
#pragma once

#include <glib.h>

/*
 * The bytes @text encodes in base64url ('-' and '_' for '+' and '/'), with or without the
 * '=' padding (at most two); NULL for empty text, a character outside the alphabet or a
 * length no encoding has.
 */
GBytes *ccm_base64url_decode(const char *text);
