/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmctl-snp-id-block.c - `ccmctl snp-id-block`: sign an SEV-SNP ID block
 *
 * Prints the values QEMU's sev-snp-guest object takes (id-block, id-auth,
 * author-key-enabled) and libvirt's <idBlock>/<idAuth>, plus the key digests a
 * verifier sees in the attestation report.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <openssl/evp.h>

#include "ccm-autocleanups.h"
#include "ccmctl.h"
#include "hex.h"
#include "snp-id-block.h"
#include "snp-policy.h"

static gboolean parse_hex(const char *option, const char *value, uint8_t *ret, size_t size,
                          GError **error)
{
    bool ok = strlen(value) == 2 * size;

    for (size_t i = 0; ok && i < size; i++) {
        int hi = g_ascii_xdigit_value(value[2 * i]);
        int lo = g_ascii_xdigit_value(value[2 * i + 1]);
        ok = hi >= 0 && lo >= 0;
        ret[i] = (uint8_t) (hi << 4 | lo);
    }
    if (!ok)
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s: '%s' is not %zu hex digits", option, value, 2 * size);
    return ok;
}

/* Secrets must not be readable by others; say so, but a build pipeline's temporary
 * key file is the caller's business. */
static void warn_if_exposed(const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
        fprintf(stderr, "ccmctl snp-id-block: warning: '%s' is readable by other users; "
                        "private keys should be mode 0600\n",
                path);
}

static EVP_PKEY *load_key(const char *option, const char *path, GError **error)
{
    g_autoptr(GError) e = NULL;
    EVP_PKEY *key = ccm_snp_load_private_key(path, &e);

    if (!key) {
        g_set_error(error, CCM_SNP_ID_BLOCK_ERROR, e->code, "%s: %s", option, e->message);
        return NULL;
    }
    warn_if_exposed(path);
    return key;
}

int ccmctl_snp_id_block(int argc, char **argv)
{
    g_autofree char *measurement = NULL, *policy = NULL, *id_key_path = NULL,
                    *author_key_path = NULL, *family_id = NULL, *image_id = NULL,
                    *guest_svn = NULL;
    gboolean json = FALSE;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "measurement", 0, 0, G_OPTION_ARG_STRING, &measurement,
          "Expected launch digest (96 hex digits, from ccmctl measure)", "HEX" },
        { "policy", 0, 0, G_OPTION_ARG_STRING, &policy, "Guest policy, e.g. 0x30000", "0xHEX" },
        { "id-key", 0, 0, G_OPTION_ARG_FILENAME, &id_key_path, "ECDSA P-384 ID key (PEM)",
          "PEM" },
        { "author-key", 0, 0, G_OPTION_ARG_FILENAME, &author_key_path,
          "ECDSA P-384 author key (PEM) that signs the ID key", "PEM" },
        { "family-id", 0, 0, G_OPTION_ARG_STRING, &family_id, "16-byte family ID (default 0)",
          "HEX" },
        { "image-id", 0, 0, G_OPTION_ARG_STRING, &image_id, "16-byte image ID (default 0)",
          "HEX" },
        { "guest-svn", 0, 0, G_OPTION_ARG_STRING, &guest_svn,
          "Guest security version number (default 0)", "N" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
    };

    g_set_prgname("ccmctl snp-id-block");
    g_autoptr(GOptionContext) context = g_option_context_new("- sign an SEV-SNP ID block");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context, "Exit status: 0 success, 1 signing failed (key "
                                              "or policy), 2 usage error. See "
                                              "ccmctl-snp-id-block(1).\n");
    if (!g_option_context_parse(context, &argc, &argv, &error))
        return ccmctl_fail("snp-id-block", error);
    if (argc > 1 || !measurement || !policy || !id_key_path) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s%s",
                    argc > 1 ? "unexpected argument " : "--measurement, --policy and --id-key "
                                                       "are required",
                    argc > 1 ? argv[1] : "");
        return ccmctl_fail("snp-id-block", error);
    }

    CcmSnpIdBlockParams params = { .guest_svn = 0 };
    guint64 svn = 0;
    if (!parse_hex("--measurement", measurement, params.measurement, 48, &error) ||
        (family_id && !parse_hex("--family-id", family_id, params.family_id, 16, &error)) ||
        (image_id && !parse_hex("--image-id", image_id, params.image_id, 16, &error)))
        return ccmctl_fail("snp-id-block", error);
    if (!ccm_snp_policy_parse(policy, &params.policy, &error)) {
        g_prefix_error(&error, "--policy: ");
        return ccmctl_fail("snp-id-block", error);
    }
    if (guest_svn && !g_ascii_string_to_unsigned(guest_svn, 10, 0, G_MAXUINT32, &svn, NULL)) {
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--guest-svn: '%s' is not a number from 0 to 4294967295", guest_svn);
        return ccmctl_fail("snp-id-block", error);
    }
    params.guest_svn = (uint32_t) svn;

    g_autoptr(EVP_PKEY) id_key = load_key("--id-key", id_key_path, &error);
    if (!id_key)
        return ccmctl_fail("snp-id-block", error);
    g_autoptr(EVP_PKEY) author_key = NULL;
    if (author_key_path && !(author_key = load_key("--author-key", author_key_path, &error)))
        return ccmctl_fail("snp-id-block", error);

    CcmSnpIdBlock block;
    if (!ccm_snp_id_block_sign(&params, id_key, author_key, &block, &error))
        return ccmctl_fail("snp-id-block", error);

    g_autofree char *id_block = g_base64_encode(block.id_block, sizeof(block.id_block));
    g_autofree char *id_auth = g_base64_encode(block.id_auth, sizeof(block.id_auth));
    g_autofree char *id_digest = ccm_hex_encode(block.id_key_digest, 48);
    g_autofree char *author_digest =
        block.author_key_enabled ? ccm_hex_encode(block.author_key_digest, 48) : NULL;
    g_autofree char *text = NULL;

    if (json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id_block", json_object_new_string(id_block));
        json_object_object_add(o, "id_auth", json_object_new_string(id_auth));
        json_object_object_add(o, "author_key_enabled",
                               json_object_new_boolean(block.author_key_enabled));
        json_object_object_add(o, "id_key_digest", json_object_new_string(id_digest));
        json_object_object_add(o, "author_key_digest",
                               author_digest ? json_object_new_string(author_digest) : NULL);
        text = ccmctl_json_text("ccm-snp-id-block/1", o);
    } else {
        text = g_strdup_printf("id-block=%s\nid-auth=%s\nauthor-key-enabled=%s\n"
                               "id-key-digest=%s\n%s%s%s",
                               id_block, id_auth, block.author_key_enabled ? "on" : "off",
                               id_digest, author_digest ? "author-key-digest=" : "",
                               author_digest ? author_digest : "", author_digest ? "\n" : "");
    }
    if (!ccmctl_write_stdout(text, &error))
        return ccmctl_fail("snp-id-block", error);
    return CCMCTL_EXIT_OK;
}
