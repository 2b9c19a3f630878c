/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tee-key.h - the simulated TEE's signing keys, from PEM files */
#pragma once

typedef struct evp_pkey_st EVP_PKEY;

/* The EC private key in @path on @group ("secp384r1", "prime256v1"), or NULL and *ret_error
 * naming the argument @what ("vcek-key", "qe-key") and what was expected. */
EVP_PKEY *ccm_tee_key_load(const char *path, const char *group, const char *what,
                           char **ret_error);
