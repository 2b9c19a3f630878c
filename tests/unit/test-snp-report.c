/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-snp-report.c - the SEV-SNP report layout and signature against real reports
 *
 * The reports, their VCEK/VLEK and the decoded fields come from ../shared/vectors/attest
 * (expected.json "snp_reports", decoded there independently of ccm). Each report must
 * parse to those fields, serialize back to the same bytes and verify under its key;
 * a report ccm signs must verify, and stop verifying when one byte changes.
 */
#include <json-c/json.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "snp-report.h"

static char *vectors;

static char *hex(const uint8_t *p, size_t n)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%02x", p[i]);
    return g_string_free(s, FALSE);
}

static char *tcb_raw(const CcmSnpTcb *t)
{
    uint8_t b[8] = { t->bootloader, t->tee, 0, 0, 0, 0, t->snp, t->microcode };
    return hex(b, 8);
}

static GBytes *read_report(const char *rel)
{
    g_autofree char *path = g_build_filename(vectors, "attest", rel, NULL);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    if (!g_str_has_suffix(rel, ".hex"))
        return g_bytes_new(data, len);
    g_strstrip(data);
    len = strlen(data);
    g_assert_cmpuint(len % 2, ==, 0);
    uint8_t *bin = g_malloc(len / 2);
    for (gsize i = 0; i < len / 2; i++)
        bin[i] = (uint8_t) (g_ascii_xdigit_value(data[2 * i]) << 4 |
                            g_ascii_xdigit_value(data[2 * i + 1]));
    return g_bytes_new_take(bin, len / 2);
}

static EVP_PKEY *read_vek(const char *rel)
{
    g_autofree char *path = g_build_filename(vectors, "attest", rel, NULL);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    const unsigned char *p = (const unsigned char *) data;
    X509 *cert = d2i_X509(NULL, &p, (long) len);
    g_assert_nonnull(cert);
    EVP_PKEY *key = X509_get_pubkey(cert);
    X509_free(cert);
    return key;
}

static const char *str_at(json_object *o, const char *a, const char *b)
{
    json_object *x = NULL, *y = NULL;
    g_assert_true(json_object_object_get_ex(o, a, &x));
    if (!b)
        return json_object_get_string(x);
    g_assert_true(json_object_object_get_ex(x, b, &y));
    return json_object_get_string(y);
}

static void test_real_reports(void)
{
    g_autofree char *path = g_build_filename(vectors, "attest", "expected.json", NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_autofree char *why = g_strdup_printf("no shared vectors at %s", path);
        g_test_skip(why);
        return;
    }
    json_object *root = json_object_from_file(path);
    g_assert_nonnull(root);
    json_object *reports = NULL;
    g_assert_true(json_object_object_get_ex(root, "snp_reports", &reports));
    size_t n = json_object_array_length(reports);
    g_assert_cmpuint(n, >=, 3);
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(reports, i), *files, *rep, *expect;
        g_assert_true(json_object_object_get_ex(v, "files", &files));
        g_assert_true(json_object_object_get_ex(v, "report", &rep));
        g_assert_true(json_object_object_get_ex(v, "expect", &expect));
        const char *id = str_at(v, "id", NULL);
        g_test_message("report %s", id);
        g_autoptr(GBytes) bytes = read_report(str_at(files, "report", NULL));
        gsize size = 0;
        const uint8_t *raw = g_bytes_get_data(bytes, &size);
        CcmSnpReport r;
        CcmError error = { 0 };
        g_assert_cmpint(ccm_snp_report_parse(raw, size, id, &r, &error), ==, 0);

        json_object *jv;
        g_assert_true(json_object_object_get_ex(rep, "version", &jv));
        g_assert_cmpint(r.version, ==, json_object_get_int(jv));
        g_assert_true(json_object_object_get_ex(rep, "vmpl", &jv));
        g_assert_cmpint(r.vmpl, ==, json_object_get_int(jv));
        g_assert_cmpuint(r.policy, ==, g_ascii_strtoull(str_at(rep, "policy", "raw"), NULL, 16));
        g_assert_cmpuint(r.platform_info, ==,
                         g_ascii_strtoull(str_at(rep, "platform_info", "raw"), NULL, 16));
        g_assert_cmpuint(r.flags, ==, g_ascii_strtoull(str_at(rep, "flags", "raw"), NULL, 16));
        g_autofree char *m = hex(r.measurement, sizeof(r.measurement));
        g_autofree char *h = hex(r.host_data, sizeof(r.host_data));
        g_autofree char *d = hex(r.report_data, sizeof(r.report_data));
        g_autofree char *c = hex(r.chip_id, sizeof(r.chip_id));
        g_autofree char *t = tcb_raw(&r.reported_tcb);
        g_autofree char *lt = tcb_raw(&r.launch_tcb);
        g_assert_cmpstr(m, ==, str_at(rep, "measurement", NULL));
        g_assert_cmpstr(h, ==, str_at(rep, "host_data", NULL));
        g_assert_cmpstr(d, ==, str_at(rep, "report_data", NULL));
        g_assert_cmpstr(c, ==, str_at(rep, "chip_id", NULL));
        g_assert_cmpstr(t, ==, str_at(rep, "reported_tcb", "raw"));
        g_assert_cmpstr(lt, ==, str_at(rep, "launch_tcb", "raw"));
        g_autofree char *version = g_strdup_printf("%u.%u.%u", r.current_major, r.current_minor,
                                                   r.current_build);
        g_assert_cmpstr(version, ==, str_at(rep, "current_version", NULL));

        /* Every byte ccm knows, and only those: the layout round-trips. */
        uint8_t again[CCM_SNP_REPORT_SIZE];
        ccm_snp_report_serialize(&r, again);
        g_assert_cmpmem(again, sizeof(again), raw, size);

        json_object *ok = NULL;
        if (json_object_object_get_ex(expect, "report_signature_ok", &ok) &&
            json_object_get_boolean(ok)) {
            EVP_PKEY *vek = read_vek(str_at(files, "vek", NULL));
            g_assert_cmpint(ccm_snp_report_verify(raw, vek, &error), ==, 0);
            uint8_t tampered[CCM_SNP_REPORT_SIZE];
            memcpy(tampered, raw, sizeof(tampered));
            tampered[0x90] ^= 1;  /* one bit of the measurement */
            g_assert_cmpint(ccm_snp_report_verify(tampered, vek, &error), ==, -EBADMSG);
            error = (CcmError){ 0 };
            EVP_PKEY_free(vek);
        }
    }
    json_object_put(root);
}

static void test_sign_round_trip(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-384"), *other = EVP_EC_gen("P-384");
    g_assert_nonnull(key);
    CcmSnpReport r = { .version = 3, .policy = 0x30000, .signature_algo = 1 };
    ccm_cpuid_signature_split(0x800f12, &r.cpuid_family, &r.cpuid_model, &r.cpuid_stepping);
    g_assert_cmpuint(r.cpuid_family, ==, 0x17);
    g_assert_cmpuint(r.cpuid_model, ==, 0x01);
    g_assert_cmpuint(r.cpuid_stepping, ==, 0x2);
    uint8_t report[CCM_SNP_REPORT_SIZE];
    ccm_snp_report_serialize(&r, report);
    CcmError error = { 0 };
    g_assert_cmpint(ccm_snp_report_sign(report, key, &error), ==, 0);
    g_assert_cmpint(ccm_snp_report_verify(report, key, &error), ==, 0);
    g_assert_cmpint(ccm_snp_report_verify(report, other, &error), ==, -EBADMSG);
    error = (CcmError){ 0 };
    report[0x50] ^= 0x80;
    g_assert_cmpint(ccm_snp_report_verify(report, key, &error), ==, -EBADMSG);
    error = (CcmError){ 0 };

    EVP_PKEY *p256 = EVP_EC_gen("P-256");
    g_assert_cmpint(ccm_snp_report_sign(report, p256, &error), ==, -EINVAL);
    g_assert_nonnull(strstr(error.message, "P-384"));
    error = (CcmError){ 0 };
    EVP_PKEY_free(p256);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
}

static void test_bad_input(void)
{
    uint8_t report[CCM_SNP_REPORT_SIZE] = { 0 };
    CcmSnpReport r;
    CcmError error = { 0 };
    g_assert_cmpint(ccm_snp_report_parse(report, 1000, "short.bin", &r, &error), ==, -EBADMSG);
    g_assert_nonnull(strstr(error.message, "short.bin: 1000 bytes"));
    error = (CcmError){ 0 };
    report[0] = 1;
    report[0x34] = 1;
    g_assert_cmpint(ccm_snp_report_parse(report, sizeof(report), "v1.bin", &r, &error), ==,
                    -EBADMSG);
    g_assert_nonnull(strstr(error.message, "version 1"));
    error = (CcmError){ 0 };
    report[0] = 3;
    report[0x34] = 2;
    g_assert_cmpint(ccm_snp_report_parse(report, sizeof(report), "alg.bin", &r, &error), ==,
                    -EBADMSG);
    g_assert_nonnull(strstr(error.message, "signature algorithm 2"));
    error = (CcmError){ 0 };
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vectors = g_strdup(g_getenv("CCM_SHARED_VECTORS"));
    if (!vectors) {
        g_test_skip("CCM_SHARED_VECTORS is not set");
        return 0;
    }
    g_test_add_func("/snp-report/real-reports", test_real_reports);
    g_test_add_func("/snp-report/sign-round-trip", test_sign_round_trip);
    g_test_add_func("/snp-report/bad-input", test_bad_input);
    return g_test_run();
}
