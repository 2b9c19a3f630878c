/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snp-vek.c - AMD's extensions of a VCEK or VLEK certificate (AMD spec 57230)
 *
 * OpenSSL parses the certificate; each AMD extension's value is a small DER element read
 * here: an INTEGER for the structVersion and the SPLs (a value of 0x80 or more is two
 * bytes, 02 02 00 D9), an IA5String for productName and csp_id, and the hwID as raw bytes
 * or (some certificates) inside an OCTET STRING. Both hwID forms are accepted; the wrapped
 * form is recognised only when the inner length is exactly a hwID's (8 or 64) and fills
 * the value, so raw bytes that happen to start with 04 are not mistaken for it.
 */
#include <errno.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "error.h"
#include "snp-vek.h"

#define AMD_OID "1.3.6.1.4.1.3704.1."

/* The content of the one DER element (tag @tag, definite length) that fills [p, p+n). */
static bool der_content(const uint8_t *p, size_t n, uint8_t tag, const uint8_t **ret,
                        size_t *ret_len)
{
    if (n < 2 || p[0] != tag)
        return false;
    size_t len, hdr;
    if (p[1] < 0x80) {
        len = p[1];
        hdr = 2;
    } else if (p[1] == 0x81 && n >= 3 && p[2] >= 0x80) {
        len = p[2];
        hdr = 3;
    } else if (p[1] == 0x82 && n >= 4 && p[2] != 0) {
        len = (size_t) p[2] << 8 | p[3];
        hdr = 4;
    } else {
        return false;
    }
    if (hdr + len != n)
        return false;
    *ret = p + hdr;
    *ret_len = len;
    return true;
}

/* A DER INTEGER 0..255 (minimal encoding). */
static int der_small_uint(const uint8_t *p, size_t n, int64_t max)
{
    const uint8_t *c;
    size_t len;
    if (!der_content(p, n, 0x02, &c, &len) || len == 0 || len > 8 || (c[0] & 0x80))
        return -1;
    if (len > 1 && c[0] == 0 && !(c[1] & 0x80))
        return -1;      /* not minimal */
    int64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v = v << 8 | c[i];
    return v <= max ? (int) v : -1;
}

static bool der_string(const uint8_t *p, size_t n, char *out, size_t out_size)
{
    static const uint8_t tags[] = { 0x16 /* IA5 */, 0x0c /* UTF8 */, 0x13 /* Printable */ };
    for (size_t t = 0; t < G_N_ELEMENTS(tags); t++) {
        const uint8_t *c;
        size_t len;
        if (!der_content(p, n, tags[t], &c, &len))
            continue;
        if (len == 0 || len >= out_size || memchr(c, '\0', len))
            return false;
        for (size_t i = 0; i < len; i++)
            if (c[i] < 0x20 || c[i] > 0x7e)
                return false;
        memcpy(out, c, len);
        out[len] = '\0';
        return true;
    }
    return false;
}

static const struct {
    const char *suffix;
    size_t offset;      /* of the int field in CcmSnpVekExtensions */
    const char *what;
} spls[] = {
    { "3.1", offsetof(CcmSnpVekExtensions, bl_spl), "blSPL" },
    { "3.2", offsetof(CcmSnpVekExtensions, tee_spl), "teeSPL" },
    { "3.3", offsetof(CcmSnpVekExtensions, snp_spl), "snpSPL" },
    { "3.8", offsetof(CcmSnpVekExtensions, ucode_spl), "ucodeSPL" },
    { "3.9", offsetof(CcmSnpVekExtensions, fmc_spl), "fmcSPL" },
};

int ccm_snp_vek_extensions_parse(const uint8_t *der, size_t size, const char *name,
                                 CcmSnpVekExtensions *ret, CcmError *reterr)
{
    if (!name || !ret || (!der && size))
        return ccm_error_set(reterr, -EINVAL, "ccm_snp_vek_extensions_parse: bad arguments");
    if (size == 0 || size > 64 * 1024)
        return ccm_error_set(reterr, -EBADMSG, "%s: %zu bytes; not an X.509 certificate",
                             name, size);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long) size);
    if (!x || (size_t) (p - der) != size) {
        X509_free(x);
        return ccm_error_set(reterr, -EBADMSG, "%s: not one DER X.509 certificate", name);
    }

    CcmSnpVekExtensions e = { .struct_version = -1, .bl_spl = -1, .tee_spl = -1,
                              .snp_spl = -1, .ucode_spl = -1, .fmc_spl = -1 };
    int r = 0;
    for (int i = 0; r == 0 && i < X509_get_ext_count(x); i++) {
        X509_EXTENSION *ext = X509_get_ext(x, i);
        char oid[80];
        if (OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(ext), 1) <= 0 ||
            strncmp(oid, AMD_OID, strlen(AMD_OID)) != 0)
            continue;
        const char *suffix = oid + strlen(AMD_OID);
        const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
        const uint8_t *v = ASN1_STRING_get0_data(data);
        size_t n = (size_t) ASN1_STRING_length(data);

        if (strcmp(suffix, "1") == 0) {
            int sv = der_small_uint(v, n, G_MAXINT32);
            if (sv < 0)
                r = ccm_error_set(reterr, -EBADMSG, "%s: structVersion (%s1) is not a DER "
                                  "INTEGER", name, AMD_OID);
            e.struct_version = sv;
        } else if (strcmp(suffix, "2") == 0) {
            if (!der_string(v, n, e.product_name, sizeof(e.product_name)))
                r = ccm_error_set(reterr, -EBADMSG, "%s: productName (%s2) is not a short "
                                  "printable string", name, AMD_OID);
        } else if (strcmp(suffix, "4") == 0) {
            const uint8_t *c = v;
            size_t len = n;
            if (der_content(v, n, 0x04, &c, &len) && (len == 8 || len == 64))
                e.hwid_wrapped = true;
            else {
                c = v;
                len = n;
            }
            if (len != 8 && len != 64)
                r = ccm_error_set(reterr, -EBADMSG, "%s: hwID (%s4) is %zu bytes; expected "
                                  "64 (8 on Turin)", name, AMD_OID, len);
            else {
                memcpy(e.hwid, c, len);
                e.hwid_size = len;
            }
        } else if (strcmp(suffix, "5") == 0) {
            if (!der_string(v, n, e.csp_id, sizeof(e.csp_id)))
                r = ccm_error_set(reterr, -EBADMSG, "%s: csp_id (%s5) is not a printable "
                                  "string", name, AMD_OID);
        } else {
            for (size_t s = 0; s < G_N_ELEMENTS(spls); s++) {
                if (strcmp(suffix, spls[s].suffix) != 0)
                    continue;
                int spl = der_small_uint(v, n, 255);
                if (spl < 0)
                    r = ccm_error_set(reterr, -EBADMSG, "%s: %s (%s%s) is not a DER INTEGER "
                                      "0 to 255", name, spls[s].what, AMD_OID, suffix);
                *(int *) ((char *) &e + spls[s].offset) = spl;
            }
        }
    }
    X509_free(x);
    if (r < 0)
        return r;
    e.kind = e.hwid_size ? CCM_SNP_VEK_VCEK : e.csp_id[0] ? CCM_SNP_VEK_VLEK
                                                          : CCM_SNP_VEK_UNKNOWN;
    *ret = e;
    return 0;
}

const char *ccm_snp_vek_kind_to_string(CcmSnpVekKind kind)
{
    switch (kind) {
    case CCM_SNP_VEK_VCEK:
        return "VCEK";
    case CCM_SNP_VEK_VLEK:
        return "VLEK";
    default:
        return "unknown";
    }
}
