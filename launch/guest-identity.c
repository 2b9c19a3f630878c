/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * guest-identity.c - a guest's identity at the key broker
 *
 * The broker's namespaces are shared by every host that registers with it, and an
 * attested guest proves only what the hardware reports. Each platform reports bytes the
 * host chose at launch: SEV-SNP HOST_DATA (32), TDX MRCONFIGID (48), the Arm CCA realm
 * personalization value (64); that is the identity ccm scopes a guest's values and
 * resources by (which field, per platform: launch/expectation.c). A spec that sets the
 * field keeps its own value (e.g. an initdata digest); otherwise ccmd derives one from
 * the host's id and the guest's name, with the hash whose size the field has.
 */
#include <string.h>

#include "guest-identity.h"

char *ccm_host_id_default(void)
{
    g_autofree char *text = NULL;
    if (g_file_get_contents("/etc/machine-id", &text, NULL, NULL)) {
        g_strstrip(text);
        if (strlen(text) == 32)
            return g_steal_pointer(&text);
    }
    return g_strdup(g_get_host_name());
}

GBytes *ccm_guest_identity_derive(const char *host_id, const char *name, GChecksumType hash)
{
    g_autoptr(GChecksum) sum = g_checksum_new(hash);
    guint8 digest[64];
    gsize size = sizeof(digest);

    g_checksum_update(sum, (const guchar *) "ccm-guest\n", strlen("ccm-guest\n"));
    g_checksum_update(sum, (const guchar *) host_id, strlen(host_id));
    g_checksum_update(sum, (const guchar *) "\n", 1);
    g_checksum_update(sum, (const guchar *) name, strlen(name));
    g_checksum_get_digest(sum, digest, &size);
    return g_bytes_new(digest, size);
}
