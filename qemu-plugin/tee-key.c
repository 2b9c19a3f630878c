/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tee-key.c - the simulated TEE's signing keys, from PEM files */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "tee-key.h"

EVP_PKEY *ccm_tee_key_load(const char *path, const char *group, const char *what,
                           char **ret_error)
{
    /* QEMU calls the plugin's exit callback after the process's atexit handlers have begun;
     * OpenSSL's own would have torn it down by then, so keep OpenSSL alive to the end. */
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
    const char *curve = strcmp(group, "secp384r1") == 0 ? "P-384" : "P-256";
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        *ret_error = g_strdup_printf("%s=%s: %s", what, path ? path : "(not given)",
                                     path ? g_strerror(errno) : "the simulated TEE needs its key");
        return NULL;
    }
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    char found[32] = "";
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        !EVP_PKEY_get_utf8_string_param(key, "group", found, sizeof(found), NULL) ||
        strcmp(found, group) != 0) {
        EVP_PKEY_free(key);
        *ret_error = g_strdup_printf("%s=%s: not a PEM EC %s private key", what, path, curve);
        return NULL;
    }
    return key;
}
