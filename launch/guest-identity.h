/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guest-identity.h - a guest's identity at the key broker */
#pragma once

#include <glib.h>

/* This host's id for guest identities: /etc/machine-id, else the host name. */
char *ccm_host_id_default(void);

/* @hash("ccm-guest\n" HOST_ID "\n" NAME) (SHA-256: 32 bytes, SHA-384: 48, SHA-512: 64):
 * what ccmd launches a guest whose spec gives no identity with, so guests of the same
 * name on different hosts differ. */
GBytes *ccm_guest_identity_derive(const char *host_id, const char *name, GChecksumType hash);
