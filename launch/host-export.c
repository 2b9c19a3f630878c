/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-export.c - `ccmctl host export`: the SEV-SNP certificates this host holds, as files */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "host-export.h"

#define ENTRY_SIZE 24
#define ENTRIES_MAX 64

G_DEFINE_QUARK(ccm-host-export-error-quark, ccm_host_export_error)

/* The GUIDs the GHCB specification gives the AMD certificates. */
static const struct {
    const char *guid, *name;
} known[] = {
    { "63da758d-e664-4564-adc5-f4b93be8accd", "vcek" },
    { "a8074bc2-a25a-483e-aae6-39c045a0b8a1", "vlek" },
    { "4ab7b379-bbac-4fe4-a02f-05aef327c782", "ask" },
    { "c0b406a4-a803-4952-9743-3fb6014cd0ae", "ark" },
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
           (uint32_t) p[3] << 24;
}

static void guid_text(const uint8_t *g, char out[37])
{
    g_snprintf(out, 37,
               "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", le32(g),
               (unsigned) (g[4] | g[5] << 8), (unsigned) (g[6] | g[7] << 8), g[8], g[9], g[10],
               g[11], g[12], g[13], g[14], g[15]);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

GArray *ccm_snp_cert_table_parse(const uint8_t *data, size_t size, GError **error)
{
    g_autoptr(GArray) entries = g_array_new(FALSE, TRUE, sizeof(CcmSnpCertEntry));

    for (size_t i = 0;; i++) {
        size_t at = i * ENTRY_SIZE;
        if (i > ENTRIES_MAX || at + ENTRY_SIZE > size) {
            g_set_error(error, CCM_HOST_EXPORT_ERROR, CCM_HOST_EXPORT_ERROR_BAD_TABLE,
                        "the certificate table has no all-zero end entry within %s",
                        i > ENTRIES_MAX ? "64 entries" : "its bytes");
            return NULL;
        }
        const uint8_t *e = data + at;
        if (all_zero(e, ENTRY_SIZE))
            break;
        CcmSnpCertEntry entry = { .offset = le32(e + 16), .length = le32(e + 20) };
        guid_text(e, entry.guid);
        for (size_t k = 0; k < G_N_ELEMENTS(known); k++)
            if (strcmp(entry.guid, known[k].guid) == 0)
                entry.name = known[k].name;
        if (entry.length == 0 || entry.offset > size || entry.length > size - entry.offset) {
            g_set_error(error, CCM_HOST_EXPORT_ERROR, CCM_HOST_EXPORT_ERROR_BAD_TABLE,
                        "certificate table entry %zu (%s) points at bytes %u+%u of %zu", i,
                        entry.guid, entry.offset, entry.length, size);
            return NULL;
        }
        g_array_append_val(entries, entry);
    }
    return g_steal_pointer(&entries);
}

static gboolean check_destination(const char *dir, GError **error)
{
    if (!g_file_test(dir, G_FILE_TEST_EXISTS)) {
        g_set_error(error, CCM_HOST_EXPORT_ERROR, CCM_HOST_EXPORT_ERROR_DESTINATION,
                    "'%s' does not exist", dir);
        return FALSE;
    }
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, CCM_HOST_EXPORT_ERROR, CCM_HOST_EXPORT_ERROR_DESTINATION,
                    "'%s' is not a folder", dir);
        return FALSE;
    }
    /* Try it: permissions alone do not say (root, read-only mounts, pseudo file systems). */
    g_autofree char *probe = g_build_filename(dir, ".ccm-export-XXXXXX", NULL);
    int fd = g_mkstemp_full(probe, O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, CCM_HOST_EXPORT_ERROR, CCM_HOST_EXPORT_ERROR_DESTINATION,
                    "cannot write into '%s': %s", dir, g_strerror(e));
        return FALSE;
    }
    close(fd);
    (void) unlink(probe);
    return TRUE;
}

static char *where_to_get(const CcmHostSev *sev)
{
    if (sev->vcek_url)
        return g_strdup_printf("get the VCEK from %s and the ASK and ARK from %s",
                               sev->vcek_url, sev->cert_chain_url);
    return g_strdup("get the VCEK, ASK and ARK from AMD's key distribution server "
                    "(ccmctl host show prints the addresses on an SEV-SNP host)");
}

static gboolean write_file(const char *dir, const char *name, const uint8_t *data, size_t size,
                           GPtrArray *written, GError **error)
{
    char *path = g_build_filename(dir, name, NULL);
    g_ptr_array_add(written, path);
    return g_file_set_contents_full(path, (const char *) data, (gssize) size,
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* The SNP certificate table's entries into @dir; FALSE with @ret_missing set (and no
 * @error) when the host holds none. */
static gboolean export_snp(CcmHostProbe *probe, const CcmHostSev *sev, const char *dir,
                           GPtrArray *written, char **ret_missing, GError **error)
{
    g_autoptr(GError) blob_error = NULL;
    g_autoptr(GBytes) blob = ccm_host_probe_sev_blob(probe, "SNP_CERT_TABLE",
                                                     CCM_SNP_CERT_TABLE_MAX, &blob_error);
    g_autofree char *hint = where_to_get(sev);

    if (!blob) {
        if (!g_error_matches(blob_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED) &&
            !g_error_matches(blob_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
            g_propagate_error(error, g_steal_pointer(&blob_error));
            return FALSE;
        }
        *ret_missing = g_strdup_printf("no SEV-SNP certificates are installed on this host "
                                       "(%s); %s", blob_error->message, hint);
        return FALSE;
    }
    size_t size;
    const uint8_t *data = g_bytes_get_data(blob, &size);
    g_autoptr(GArray) entries = ccm_snp_cert_table_parse(data, size, error);
    if (!entries)
        return FALSE;
    if (entries->len == 0) {
        *ret_missing = g_strdup_printf("the host's SEV-SNP certificate table is empty; %s",
                                       hint);
        return FALSE;
    }
    for (guint i = 0; i < entries->len; i++) {
        const CcmSnpCertEntry *e = &g_array_index(entries, CcmSnpCertEntry, i);
        g_autofree char *file = e->name ? g_strconcat(e->name, ".der", NULL)
                                        : g_strconcat(e->guid, ".bin", NULL);
        if (!write_file(dir, file, data + e->offset, e->length, written, error))
            return FALSE;
    }
    return TRUE;
}

/* The SEV platform's PDH and chain into @dir; FALSE with @ret_missing set (and no
 * @error) when it cannot be had. */
static gboolean export_pdh(CcmHostProbe *probe, const CcmHostSev *sev, const char *dir,
                           GPtrArray *written, char **ret_missing, GError **error)
{
    static const char *const names[] = { "pdh.cert", "pek.cert", "oca.cert", "cek.cert" };
    g_autoptr(GError) e = NULL;
    uint32_t fw;

    if (!sev->have_status) {
        *ret_missing = g_strdup("no SEV platform to export a PDH chain from");
        return FALSE;
    }
    if (sev->status.state == 0) {
        *ret_missing = g_strdup("the SEV platform is uninitialized, and exporting its PDH "
                                "would initialise it");
        return FALSE;
    }
    g_autofree uint8_t *buffer = g_malloc(CCM_SEV_PDH_EXPORT_SIZE);
    size_t size = CCM_SEV_PDH_EXPORT_SIZE;
    if (!ccm_host_probe_sev_command(probe, CCM_SEV_PDH_CERT_EXPORT, buffer, &size, &fw, &e)) {
        if (g_error_matches(e, CCM_HOST_PROBE_ERROR, CCM_HOST_PROBE_ERROR_RECORDING)) {
            g_propagate_error(error, g_steal_pointer(&e));
            return FALSE;
        }
        *ret_missing = g_strdup_printf("no SEV PDH chain: %s", e->message);
        return FALSE;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (!write_file(dir, names[i], buffer + i * CCM_SEV_CERT_SIZE, CCM_SEV_CERT_SIZE,
                        written, error))
            return FALSE;
    return TRUE;
}

gboolean ccm_host_export(CcmHostProbe *probe, const CcmHostSev *sev, const char *dir,
                         GPtrArray **ret_written, char **ret_note, GError **error)
{
    g_autofree char *snp_missing = NULL, *pdh_missing = NULL;
    g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);

    if (!check_destination(dir, error))
        return FALSE;
    bool snp = export_snp(probe, sev, dir, written, &snp_missing, error);
    if (!snp && !snp_missing)
        return FALSE;
    bool pdh = export_pdh(probe, sev, dir, written, &pdh_missing, error);
    if (!pdh && !pdh_missing)
        return FALSE;
    if (!snp && !pdh) {
        g_set_error(error, CCM_HOST_EXPORT_ERROR, CCM_HOST_EXPORT_ERROR_NONE_HELD, "%s; %s",
                    snp_missing, pdh_missing);
        return FALSE;
    }
    if (ret_note)
        *ret_note = g_steal_pointer(&snp_missing);
    *ret_written = g_steal_pointer(&written);
    return TRUE;
}
