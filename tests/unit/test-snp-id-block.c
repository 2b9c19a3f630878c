/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-snp-id-block.c - ID block layout, and signatures checked by OpenSSL against the keys
 */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "snp-id-block.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(EVP_PKEY, EVP_PKEY_free)

static char *tmpdir;

static char *write_key(const char *name, EVP_PKEY *key, bool public_only)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    FILE *f = fopen(path, "w");
    g_assert_nonnull(f);
    if (public_only)
        g_assert_true(PEM_write_PUBKEY(f, key));
    else
        g_assert_true(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL));
    fclose(f);
    return path;
}

static EVP_PKEY *load(const char *path)
{
    g_autoptr(GError) error = NULL;
    EVP_PKEY *key = ccm_snp_load_private_key(path, &error);
    g_assert_no_error(error);
    return key;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
           (uint32_t) p[3] << 24;
}

/* Verifies an SNP-layout signature (R, S little-endian) over @data with @key. */
static bool verify(EVP_PKEY *key, const uint8_t *sig, const uint8_t *data, size_t size)
{
    BIGNUM *r = BN_lebin2bn(sig, 72, NULL);
    BIGNUM *s = BN_lebin2bn(sig + 72, 72, NULL);
    ECDSA_SIG *ecdsa = ECDSA_SIG_new();
    unsigned char *der = NULL;

    g_assert_true(ECDSA_SIG_set0(ecdsa, r, s));
    int der_size = i2d_ECDSA_SIG(ecdsa, &der);
    g_assert_cmpint(der_size, >, 0);
    for (size_t i = 0x90; i < 0x200; i++)
        g_assert_cmpuint(sig[i], ==, 0);

    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    g_assert_cmpint(EVP_DigestVerifyInit_ex(ctx, NULL, "SHA384", NULL, NULL, key, NULL), ==, 1);
    int ok = EVP_DigestVerify(ctx, der, (size_t) der_size, data, size);
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    ECDSA_SIG_free(ecdsa);
    return ok == 1;
}

/* The key's public point, from OpenSSL's uncompressed encoding (04 || X || Y, big-endian),
 * turned into the SNP layout independently of the code under test. */
static void expected_public_struct(EVP_PKEY *key, uint8_t *out)
{
    uint8_t point[97];
    size_t len = 0;
    g_assert_true(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point,
                                                  sizeof(point), &len));
    g_assert_cmpuint(len, ==, 97);
    g_assert_cmpuint(point[0], ==, 4);
    memset(out, 0, CCM_SNP_PUBLIC_KEY_SIZE);
    out[0] = 2;
    for (int i = 0; i < 48; i++) {
        out[0x04 + i] = point[1 + 47 - i];
        out[0x4C + i] = point[49 + 47 - i];
    }
}

static void test_sign_and_verify(void)
{
    g_autoptr(EVP_PKEY) gen_id = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    g_autoptr(EVP_PKEY) gen_author = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    g_autoptr(EVP_PKEY) other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    g_autofree char *id_path = write_key("id.pem", gen_id, false);
    g_autofree char *author_path = write_key("author.pem", gen_author, false);
    g_autoptr(EVP_PKEY) id = load(id_path);
    g_autoptr(EVP_PKEY) author = load(author_path);
    g_autoptr(GError) error = NULL;

    CcmSnpIdBlockParams params = { .guest_svn = 7, .policy = 0x30000 };
    for (int i = 0; i < 48; i++)
        params.measurement[i] = (uint8_t) i;
    memset(params.family_id, 0xF1, 16);
    memset(params.image_id, 0x1D, 16);

    CcmSnpIdBlock b;
    g_assert_true(ccm_snp_id_block_sign(&params, id, author, &b, &error));
    g_assert_no_error(error);

    /* ID block layout. */
    g_assert_cmpmem(b.id_block, 48, params.measurement, 48);
    g_assert_cmpmem(b.id_block + 0x30, 16, params.family_id, 16);
    g_assert_cmpmem(b.id_block + 0x40, 16, params.image_id, 16);
    g_assert_cmpuint(le32(b.id_block + 0x50), ==, 1);
    g_assert_cmpuint(le32(b.id_block + 0x54), ==, 7);
    g_assert_cmpuint(le32(b.id_block + 0x58), ==, 0x30000);
    g_assert_cmpuint(le32(b.id_block + 0x5C), ==, 0);

    /* ID authentication structure. */
    g_assert_cmpuint(le32(b.id_auth + 0x000), ==, 1);
    g_assert_cmpuint(le32(b.id_auth + 0x004), ==, 1);
    uint8_t id_struct[CCM_SNP_PUBLIC_KEY_SIZE], author_struct[CCM_SNP_PUBLIC_KEY_SIZE];
    expected_public_struct(gen_id, id_struct);
    expected_public_struct(gen_author, author_struct);
    g_assert_cmpmem(b.id_auth + 0x240, CCM_SNP_PUBLIC_KEY_SIZE, id_struct, sizeof(id_struct));
    g_assert_cmpmem(b.id_auth + 0x880, CCM_SNP_PUBLIC_KEY_SIZE, author_struct,
                    sizeof(author_struct));

    g_assert_true(verify(gen_id, b.id_auth + 0x040, b.id_block, sizeof(b.id_block)));
    g_assert_true(verify(gen_author, b.id_auth + 0x680, id_struct, sizeof(id_struct)));
    g_assert_true(b.author_key_enabled);

    /* Deterministic (RFC 6979): signing again gives the same bytes; another block, not. */
    CcmSnpIdBlock again, other_block;
    g_assert_true(ccm_snp_id_block_sign(&params, id, author, &again, &error));
    g_assert_cmpmem(again.id_auth, sizeof(again.id_auth), b.id_auth, sizeof(b.id_auth));
    params.guest_svn = 8;
    g_assert_true(ccm_snp_id_block_sign(&params, id, author, &other_block, &error));
    g_assert_true(memcmp(other_block.id_auth + 0x040, b.id_auth + 0x040, 0x90) != 0);
    g_assert_cmpmem(other_block.id_auth + 0x680, 0x90, b.id_auth + 0x680, 0x90);
    g_assert_true(verify(gen_id, other_block.id_auth + 0x040, other_block.id_block,
                         sizeof(other_block.id_block)));

    /* The checks can fail: another key, or one flipped byte, does not verify. */
    g_assert_false(verify(other, b.id_auth + 0x040, b.id_block, sizeof(b.id_block)));
    b.id_block[0] ^= 1;
    g_assert_false(verify(gen_id, b.id_auth + 0x040, b.id_block, sizeof(b.id_block)));

    /* Digests are SHA-384 of the key structures. */
    uint8_t digest[48];
    unsigned int len;
    EVP_Digest(id_struct, sizeof(id_struct), digest, &len, EVP_sha384(), NULL);
    g_assert_cmpmem(b.id_key_digest, 48, digest, 48);
    EVP_Digest(author_struct, sizeof(author_struct), digest, &len, EVP_sha384(), NULL);
    g_assert_cmpmem(b.author_key_digest, 48, digest, 48);

    /* Without an author key: algorithm 0, no author fields. */
    CcmSnpIdBlock c;
    g_assert_true(ccm_snp_id_block_sign(&params, id, NULL, &c, &error));
    g_assert_false(c.author_key_enabled);
    g_assert_cmpuint(le32(c.id_auth + 0x004), ==, 0);
    for (size_t i = 0x680; i < 0x1000; i++)
        g_assert_cmpuint(c.id_auth[i], ==, 0);
    g_assert_true(verify(gen_id, c.id_auth + 0x040, c.id_block, sizeof(c.id_block)));
}

static void expect_key_error(const char *path, const char *needle)
{
    g_autoptr(GError) error = NULL;
    EVP_PKEY *key = ccm_snp_load_private_key(path, &error);

    g_assert_null(key);
    g_assert_error(error, CCM_SNP_ID_BLOCK_ERROR, CCM_SNP_ID_BLOCK_ERROR_KEY);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, needle));
}

static void test_bad_keys(void)
{
    g_autoptr(EVP_PKEY) p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    g_autoptr(EVP_PKEY) rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    g_autoptr(EVP_PKEY) p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    g_autofree char *p256_path = write_key("p256.pem", p256, false);
    g_autofree char *rsa_path = write_key("rsa.pem", rsa, false);
    g_autofree char *pub_path = write_key("pub.pem", p384, true);
    g_autofree char *garbage = g_build_filename(tmpdir, "garbage.pem", NULL);
    g_autofree char *truncated = g_build_filename(tmpdir, "truncated.pem", NULL);
    g_autofree char *missing = g_build_filename(tmpdir, "missing.pem", NULL);
    g_autofree char *good_path = write_key("good.pem", p384, false);
    g_autofree char *pem = NULL;
    gsize size;

    g_autofree char *encrypted = g_build_filename(tmpdir, "encrypted.pem", NULL);
    FILE *f = fopen(encrypted, "w");
    g_assert_nonnull(f);
    g_assert_true(PEM_write_PrivateKey(f, p384, EVP_aes_256_cbc(), (unsigned char *) "secret", 6,
                                       NULL, NULL));
    fclose(f);
    /* Never prompts for a passphrase; says what is wrong instead. */
    expect_key_error(encrypted, "encrypted with a passphrase");

    g_assert_true(g_file_set_contents(garbage, "not a key\n", -1, NULL));
    g_assert_true(g_file_get_contents(good_path, &pem, &size, NULL));
    g_assert_true(g_file_set_contents(truncated, pem, (gssize) size / 2, NULL));

    expect_key_error(p256_path, "prime256v1");
    expect_key_error(rsa_path, "RSA");
    expect_key_error(pub_path, "not a PEM private key");
    expect_key_error(garbage, "not a PEM private key");
    expect_key_error(truncated, "not a PEM private key");
    expect_key_error(missing, "No such file");
}

/* RFC 6979 appendix A.2.6: P-384 with SHA-384, messages "sample" and "test". */
static EVP_PKEY *rfc6979_key(void)
{
    static const char x[] = "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D8"
                            "96D5724E4C70A825F872C9EA60D2EDF5";
    static const char pub[] = "04"
                              "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64"
                              "DEF8F0EA9055866064A254515480BC13"
                              "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1"
                              "288B231C3AE0D4FE7344FD2533264720";
    BIGNUM *priv = NULL;
    long pub_len = 0;
    unsigned char *pub_bytes = OPENSSL_hexstr2buf(pub, &pub_len);
    g_assert_nonnull(pub_bytes);
    g_assert_cmpint(BN_hex2bn(&priv, x), ==, 96);

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    g_assert_true(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0));
    g_assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv));
    g_assert_true(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub_bytes,
                                                   (size_t) pub_len));
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    g_assert_cmpint(EVP_PKEY_fromdata_init(ctx), ==, 1);
    g_assert_cmpint(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params), ==, 1);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(priv);
    OPENSSL_free(pub_bytes);
    return key;
}

/* A signature field (72 bytes little-endian) as upper-case big-endian hex of 48 bytes. */
static char *field_hex(const uint8_t *field)
{
    GString *s = g_string_new(NULL);
    for (int i = 47; i >= 0; i--)
        g_string_append_printf(s, "%02X", field[i]);
    for (int i = 48; i < 72; i++)
        g_assert_cmpuint(field[i], ==, 0);
    return g_string_free(s, FALSE);
}

static void test_rfc6979(void)
{
    static const struct {
        const char *message, *r, *s;
    } vectors[] = {
        { "sample",
          "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C"
          "81A648152E44ACF96E36DD1E80FABE46",
          "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94F"
          "A329C145786E679E7B82C71A38628AC8" },
        { "test",
          "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB"
          "0542A7F0812998DA8F1DD3CA3CF023DB",
          "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E0"
          "6A739F040649A667BF3B828246BAA5A5" },
    };
    g_autoptr(EVP_PKEY) key = rfc6979_key();

    for (size_t i = 0; i < G_N_ELEMENTS(vectors); i++) {
        g_autoptr(GError) error = NULL;
        uint8_t sig[0x200] = { 0 };
        const char *m = vectors[i].message;

        g_assert_true(ccm_snp_sign(key, (const uint8_t *) m, strlen(m), sig, &error));
        g_assert_no_error(error);
        g_autofree char *r = field_hex(sig);
        g_autofree char *s = field_hex(sig + 72);
        g_assert_cmpstr(r, ==, vectors[i].r);
        g_assert_cmpstr(s, ==, vectors[i].s);
        g_assert_true(verify(key, sig, (const uint8_t *) m, strlen(m)));
    }
}

static void test_bad_policy(void)
{
    g_autoptr(EVP_PKEY) key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    g_autoptr(GError) error = NULL;
    CcmSnpIdBlockParams params = { .policy = 0x10000 };
    CcmSnpIdBlock b;

    g_assert_false(ccm_snp_id_block_sign(&params, key, NULL, &b, &error));
    g_assert_error(error, CCM_SNP_ID_BLOCK_ERROR, CCM_SNP_ID_BLOCK_ERROR_POLICY);
    g_assert_nonnull(strstr(error->message, "bit 17"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("ccm-idblock-XXXXXX", NULL);
    g_test_add_func("/snp-id-block/sign-and-verify", test_sign_and_verify);
    g_test_add_func("/snp-id-block/bad-keys", test_bad_keys);
    g_test_add_func("/snp-id-block/bad-policy", test_bad_policy);
    g_test_add_func("/snp-id-block/rfc6979", test_rfc6979);
    int r = g_test_run();

    g_autoptr(GDir) dir = g_dir_open(tmpdir, 0, NULL);
    for (const char *name; dir && (name = g_dir_read_name(dir));) {
        g_autofree char *path = g_build_filename(tmpdir, name, NULL);
        g_unlink(path);
    }
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return r;
}
