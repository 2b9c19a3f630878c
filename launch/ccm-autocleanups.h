/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ccm-autocleanups.h - g_autoptr() for the foreign types used above measure/ */
#pragma once

#include <glib.h>
#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BIGNUM, BN_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ECDSA_SIG, ECDSA_SIG_free)
