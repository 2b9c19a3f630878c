/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-export.h - `ccmctl host export`: the SEV-SNP certificates this host holds, as files */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "host-probe.h"
#include "host-sev.h"

#define CCM_HOST_EXPORT_ERROR (ccm_host_export_error_quark())
GQuark ccm_host_export_error_quark(void);

typedef enum CcmHostExportErrorCode {
    CCM_HOST_EXPORT_ERROR_NONE_HELD,    /* the host holds no certificates */
    CCM_HOST_EXPORT_ERROR_BAD_TABLE,    /* the certificate table is malformed */
    CCM_HOST_EXPORT_ERROR_DESTINATION,  /* the folder is missing, not one, or not writable */
} CcmHostExportErrorCode;

/* The largest certificate table read: the GHCB limits a guest's certificate buffer to
 * what fits its pages; 64 KiB holds any VCEK, VLEK, ASK and ARK. */
#define CCM_SNP_CERT_TABLE_MAX (64 * 1024)

typedef struct CcmSnpCertEntry {
    char guid[37];          /* lowercase text form */
    const char *name;       /* "vcek", "vlek", "ask", "ark", or NULL for another GUID */
    uint32_t offset, length;
} CcmSnpCertEntry;

/**
 * ccm_snp_cert_table_parse() - the entries of an SNP certificate table
 *
 * The table (GHCB specification, extended guest request) is a run of 24-byte entries,
 * a GUID (16 bytes, the first three fields little-endian), offset and length (u32 LE,
 * from the table's start), ended by an all-zero entry; the certificates follow. Returns
 * a GArray of CcmSnpCertEntry, or NULL (CCM_HOST_EXPORT_ERROR_BAD_TABLE) when the table
 * has no end, or an entry points outside @size.
 */
GArray *ccm_snp_cert_table_parse(const uint8_t *data, size_t size, GError **error);

/**
 * ccm_host_export() - writes the certificates the host holds into @dir
 * @ret_written: the paths written, SNP table order first
 * @ret_note: (optional) what was not there and where to get it, when something was
 *
 * The SEV-SNP certificate table, one file per entry: vcek.der, vlek.der, ask.der,
 * ark.der, or GUID.bin; and the SEV platform's own chain (SEV_PDH_CERT_EXPORT): pdh.cert,
 * pek.cert, oca.cert, cek.cert, asked only of an initialised platform (the kernel would
 * initialise an uninitialised one to answer). When the host holds neither,
 * CCM_HOST_EXPORT_ERROR_NONE_HELD with a message that says where to get the SEV-SNP
 * certificates (AMD's key server addresses from @sev, when known).
 */
gboolean ccm_host_export(CcmHostProbe *probe, const CcmHostSev *sev, const char *dir,
                         GPtrArray **ret_written, char **ret_note, GError **error);
