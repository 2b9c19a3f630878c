/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guest-identity.h - a guest's identity at the key broker: its SEV-SNP HOST_DATA */
#pragma once

#include <glib.h>

/* This host's id for guest identities: /etc/machine-id, else the host name. */
char *ccm_host_id_default(void);

/* SHA-256("ccm-guest\n" HOST_ID "\n" NAME): 32 bytes, what ccmd sets as HOST_DATA of a
 * guest whose spec gives none, so guests of the same name on different hosts differ. */
GBytes *ccm_guest_identity_derive(const char *host_id, const char *name);
