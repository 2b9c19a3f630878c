/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-guest-jwe.c - ccm-guest-attest's tee key and JWE decryption, for the host test
 *
 * Makes a tee key as the guest client does and prints its JWK (one line), then reads a
 * flattened JWE from stdin, decrypts it with that key and writes the plaintext to
 * stdout. test-guest-attest drives it with a JWE made by the KBS double's own jose.py,
 * so the two implementations are checked against each other. Exit 1 with the error on
 * stderr if decryption fails.
 */
#include <stdio.h>
#include <unistd.h>

#include "ga-buf.h"
#include "ga-error.h"
#include "ga-json.h"
#include "tee-key.h"

int main(void)
{
    GaError error = { 0 };
    EVP_PKEY *key = ga_tee_key_new(&error);
    ga_auto_buf GaBuf jwk = { 0 };
    if (!key || !ga_tee_key_jwk(key, &jwk, &error)) {
        fprintf(stderr, "test-guest-jwe: %s\n", error.text);
        return 1;
    }
    printf("%s\n", ga_buf_str(&jwk));
    fflush(stdout);

    ga_auto_buf GaBuf jwe = { 0 };
    char chunk[4096];
    ssize_t n;
    while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) > 0)
        ga_buf_append(&jwe, chunk, (size_t) n);
    ga_auto_buf GaBuf plain = { 0 };
    bool ok = ga_tee_key_decrypt(key, (GaJson) { ga_buf_str(&jwe), jwe.len }, &plain, &error);
    EVP_PKEY_free(key);
    if (!ok) {
        fprintf(stderr, "test-guest-jwe: %s\n", error.text);
        return 1;
    }
    fwrite(plain.data ? plain.data : "", 1, plain.len, stdout);
    return 0;
}
