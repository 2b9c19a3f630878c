/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-cca-token.c - libFuzzer target: the Arm CCA token parser, binding and signatures
 *
 * Whatever parses is walked claim by claim (so a pointer past its buffer shows up under
 * ASan), its binding checked and both signatures verified (the platform one with a fixed
 * P-384 point: it must fail cleanly, never crash). Every failure must explain itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccm/measure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The cpak.json fixture's key. */
static const uint8_t cpak[97] = {
    0x04, 0x21, 0x28, 0x67, 0xc5, 0x2e, 0x2b, 0x95, 0x08, 0xb0, 0xa4, 0x20, 0xa9, 0x05, 0x60,
    0xf3, 0x94, 0xd2, 0xdf, 0xaa, 0x21, 0xbd, 0xd7, 0x51, 0x4f, 0xf1, 0xa9, 0x01, 0xaf, 0xe7,
    0xe1, 0xf7, 0x8b, 0xb1, 0x1d, 0x4e, 0x66, 0xf8, 0xa8, 0xa3, 0x8a, 0xfa, 0x76, 0xaf, 0x6a,
    0x31, 0xc4, 0xde, 0x8c, 0x84, 0xce, 0x2d, 0xaf, 0xc9, 0x96, 0x42, 0x58, 0xb5, 0x3f, 0xad,
    0x71, 0x87, 0x74, 0xf4, 0x56, 0x20, 0xd1, 0x11, 0xb1, 0x76, 0xe8, 0x31, 0x8e, 0x11, 0x87,
    0xdb, 0x02, 0x35, 0xa3, 0x18, 0xd3, 0x7b, 0xa5, 0x97, 0xfe, 0xe8, 0x0e, 0x0e, 0x4c, 0x76,
    0x2a, 0x12, 0xbc, 0xb3, 0xea, 0x6e, 0xd4,
};

static volatile uint8_t sink;

static void touch(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sink ^= p[i];
}

static void touch_str(const char *s)
{
    if (s)
        touch((const uint8_t *) s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CcmCcaToken *token = NULL;
    CcmError error;

    error.message[0] = '\0';
    if (ccm_cca_token_parse(data, size, "fuzz.cbor", &token, &error) < 0) {
        if (error.message[0] == '\0')
            abort();
        return 0;
    }
    const CcmCcaRealmClaims *r = ccm_cca_token_realm(token);
    const CcmCcaPlatformClaims *p = ccm_cca_token_platform(token);
    if (!r && !p)
        abort();
    if (r) {
        touch_str(r->profile);
        touch(r->challenge, r->challenge_size);
        touch(r->personalization_value, r->personalization_value_size);
        touch_str(r->hash_algo_id);
        touch(r->public_key, r->public_key_size);
        touch(r->rim, r->rim_size);
        for (int i = 0; i < 4; i++)
            touch(r->rem[i], r->rem_size[i]);
        touch_str(r->public_key_hash_algo_id);
        touch(r->instance_id, r->instance_id_size);
        touch(r->mec_policy, r->mec_policy_size);
    }
    if (p) {
        touch_str(p->profile);
        touch(p->challenge, p->challenge_size);
        touch(p->implementation_id, p->implementation_id_size);
        touch(p->instance_id, p->instance_id_size);
        touch(p->config, p->config_size);
        touch_str(p->verification_service);
        touch_str(p->hash_algo_id);
        for (size_t i = 0; i < p->n_sw_components; i++) {
            const CcmCcaSwComponent *sw = &p->sw_components[i];
            touch_str(sw->type);
            touch(sw->measurement, sw->measurement_size);
            touch_str(sw->version);
            touch(sw->signer_id, sw->signer_id_size);
            touch_str(sw->hash_algo_id);
        }
    }
    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t n = 0;
    error.message[0] = '\0';
    if (ccm_cca_token_check_binding(token, digest, &n, &error) < 0 && error.message[0] == '\0')
        abort();
    error.message[0] = '\0';
    if (ccm_cca_token_verify_realm(token, &error) < 0 && error.message[0] == '\0')
        abort();
    error.message[0] = '\0';
    if (ccm_cca_token_verify_platform(token, cpak, sizeof(cpak), &error) < 0 &&
        error.message[0] == '\0')
        abort();
    ccm_cca_token_free(token);
    return 0;
}
