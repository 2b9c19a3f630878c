/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-host.c - `ccmctl host show|ok|export` on recorded hosts and on this one
 *
 * Each recorded host is written here, at test time, from the byte layouts of the
 * kernel's uapi structs (offsets spelled out below, not the kernel's struct types), so
 * the decoders are checked against an independent writer. The Milan host carries the
 * chip ID, TCB and firmware version of the virtee Milan attestation report in the shared
 * vectors, so its KDS address is the real one. Documents are checked field by field with
 * jq.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cli-test.h"

/* From report_milan.hex (virtee): CHIP_ID at 0x1a0, REPORTED_TCB at 0x180, firmware
 * 1.52 build 4 at 0x1e8 (checked against the file when the shared vectors are here). */
static const char milan_chip_id[] =
    "d49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf46603f2a76aef6a3abc"
    "15d7af38db757039029f0efacfd08e244324884738c72b082e2f87a44d541eb6";
#define MILAN_TCB G_GUINT64_CONSTANT(0x7308000000000003)

/* ---- writing a recorded host ----------------------------------------------------------- */

static void put(const char *root, const char *rel, const void *data, size_t size)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_set_contents(path, data, (gssize) size, &error));
    g_assert_no_error(error);
}

static void put_text(const char *root, const char *rel, const char *text)
{
    put(root, rel, text, strlen(text));
}

static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t) (v >> (8 * i));
}

static void le64(uint8_t *p, uint64_t v)
{
    le32(p, (uint32_t) v);
    le32(p + 4, (uint32_t) (v >> 32));
}

typedef struct AmdHost {
    const char *cpuinfo;
    const char *sev, *sev_es, *sev_snp;       /* kvm_amd parameters */
    uint8_t api_major, api_minor, build;      /* SEV_PLATFORM_STATUS */
    uint8_t sev_state;
    uint32_t sev_flags, guests;
    uint8_t snp_state, rmp;                   /* SNP_PLATFORM_STATUS */
    uint32_t build_id, masks;
    uint64_t current_tcb, reported_tcb;
    const char *chip_id;                      /* hex, 64 bytes */
    const char *syscfg;                       /* MSR text, or NULL for none */
    bool certs;                               /* a certificate table */
    bool pdh;                                 /* SEV_PDH_CERT_EXPORT answers */
} AmdHost;

static const char milan_cpuinfo[] =
    "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
    "flags\t\t: fpu svm sme sev sev_es sev_snp\n";

static AmdHost milan(void)
{
    return (AmdHost) {
        .cpuinfo = milan_cpuinfo, .sev = "Y", .sev_es = "Y", .sev_snp = "Y",
        .api_major = 1, .api_minor = 52, .build = 4, .sev_state = 1, .sev_flags = 0x100,
        .guests = 2, .snp_state = 1, .rmp = 1, .build_id = 4, .masks = 0,
        .current_tcb = MILAN_TCB, .reported_tcb = MILAN_TCB, .chip_id = milan_chip_id,
        .syscfg = "0x0000000003840000", .certs = true, .pdh = true,
    };
}

/* Certificates of the table: distinct bytes per entry, checked after export. */
static const char vcek_bytes[] = "VCEK DER bytes of the Milan chip";
static const char ask_bytes[] = "ASK DER";
static const char ark_bytes[] = "ARK DER bytes";

static void put_guid(uint8_t *p, uint32_t a, uint16_t b, uint16_t c, const uint8_t d[8])
{
    le32(p, a);
    p[4] = (uint8_t) b;
    p[5] = (uint8_t) (b >> 8);
    p[6] = (uint8_t) c;
    p[7] = (uint8_t) (c >> 8);
    memcpy(p + 8, d, 8);
}

/* GHCB certificate table: 24-byte entries (GUID, offset, length), an all-zero end, then
 * the certificates. VCEK 63da758d-e664-4564-adc5-f4b93be8accd, ASK
 * 4ab7b379-bbac-4fe4-a02f-05aef327c782, ARK c0b406a4-a803-4952-9743-3fb6014cd0ae. */
static GByteArray *cert_table(void)
{
    static const uint8_t vcek_d[8] = { 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd };
    static const uint8_t ask_d[8] = { 0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 };
    static const uint8_t ark_d[8] = { 0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae };
    uint8_t table[4 * 24] = { 0 };
    uint32_t at = sizeof(table);
    const struct {
        const char *bytes;
        size_t size;
    } certs[] = {
        { vcek_bytes, sizeof(vcek_bytes) - 1 },
        { ask_bytes, sizeof(ask_bytes) - 1 },
        { ark_bytes, sizeof(ark_bytes) - 1 },
    };

    put_guid(table, 0x63da758d, 0xe664, 0x4564, vcek_d);
    put_guid(table + 24, 0x4ab7b379, 0xbbac, 0x4fe4, ask_d);
    put_guid(table + 48, 0xc0b406a4, 0xa803, 0x4952, ark_d);
    GByteArray *b = g_byte_array_new();
    for (int i = 0; i < 3; i++) {
        le32(table + 24 * i + 16, at);
        le32(table + 24 * i + 20, (uint32_t) certs[i].size);
        at += (uint32_t) certs[i].size;
    }
    g_byte_array_append(b, table, sizeof(table));
    for (int i = 0; i < 3; i++)
        g_byte_array_append(b, (const uint8_t *) certs[i].bytes, (guint) certs[i].size);
    return b;
}

static char *amd_host(const AmdHost *h)
{
    char *root = g_dir_make_tmp("ccm-host-XXXXXX", NULL);
    g_assert_nonnull(root);
    put_text(root, ".ccm-recorded/arch", "x86_64\n");
    put_text(root, "proc/cpuinfo", h->cpuinfo);
    put_text(root, "dev/sev", "");
    put_text(root, "dev/kvm", "");
    if (h->sev)
        put_text(root, "sys/module/kvm_amd/parameters/sev", h->sev);
    if (h->sev_es)
        put_text(root, "sys/module/kvm_amd/parameters/sev_es", h->sev_es);
    if (h->sev_snp)
        put_text(root, "sys/module/kvm_amd/parameters/sev_snp", h->sev_snp);

    /* SEV_PLATFORM_STATUS: 12 packed bytes. */
    uint8_t status[12] = { h->api_major, h->api_minor, h->sev_state };
    le32(status + 3, h->sev_flags);
    status[7] = h->build;
    le32(status + 8, h->guests);
    put(root, ".ccm-recorded/ioctl/SEV_PLATFORM_STATUS.bin", status, sizeof(status));

    /* SNP_PLATFORM_STATUS: 32 bytes. */
    uint8_t snp[32] = { h->api_major, h->api_minor, h->snp_state, h->rmp };
    le32(snp + 4, h->build_id);
    le32(snp + 8, h->masks);
    le32(snp + 12, h->guests);
    le64(snp + 16, h->current_tcb);
    le64(snp + 24, h->reported_tcb);
    put(root, ".ccm-recorded/ioctl/SNP_PLATFORM_STATUS.bin", snp, sizeof(snp));

    /* SEV_GET_ID2: the chip ID, 64 bytes. */
    {
        uint8_t raw[64];
        for (int i = 0; i < 64; i++) {
            unsigned v;
            g_assert_cmpint(sscanf(h->chip_id + 2 * i, "%2x", &v), ==, 1);
            raw[i] = (uint8_t) v;
        }
        put(root, ".ccm-recorded/ioctl/SEV_GET_ID2.bin", raw, sizeof(raw));
    }
    if (h->syscfg)
        put_text(root, ".ccm-recorded/msr/0xc0010010", h->syscfg);
    if (h->pdh) {
        /* PDH, PEK, OCA, CEK: 2084 bytes each, filled with 'P', 'K', 'O', 'C'. */
        g_autofree uint8_t *chain = g_malloc(4 * 2084);
        memset(chain, 'P', 2084);
        memset(chain + 2084, 'K', 2084);
        memset(chain + 2 * 2084, 'O', 2084);
        memset(chain + 3 * 2084, 'C', 2084);
        put(root, ".ccm-recorded/ioctl/SEV_PDH_CERT_EXPORT.bin", chain, 4 * 2084);
    }
    if (h->certs) {
        g_autoptr(GByteArray) t = cert_table();
        put(root, ".ccm-recorded/blob/SNP_CERT_TABLE.bin", t->data, t->len);
    }
    return root;
}

/* ---- running and checking ---------------------------------------------------------------- */

static CcmctlResult host(const char *root, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, "host");
    for (size_t i = 0; args[i]; i++)
        g_ptr_array_add(argv, (gpointer) args[i]);
    if (root) {
        g_ptr_array_add(argv, "--root");
        g_ptr_array_add(argv, (gpointer) root);
    }
    g_ptr_array_add(argv, NULL);
    return ccmctl_run(NULL, NULL, (const char *const *) argv->pdata);
}

#define HOST(root, ...) host((root), (const char *const[]) { __VA_ARGS__, NULL })

/* jq -c FILTER on @json, trailing newline removed. */
static char *jq(const char *json, const char *filter)
{
    const char *argv[] = { g_getenv("JQ"), "-c", filter, NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                           G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                 &error);
    g_assert_no_error(error);
    char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, json, NULL, &out, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(g_subprocess_get_successful(p));
    return g_strchomp(out);
}

#define JQ(json, filter, expected)                                                            \
    do {                                                                                      \
        g_autofree char *got_ = jq((json), (filter));                                         \
        g_assert_cmpstr(got_, ==, (expected));                                                \
    } while (0)

/* ---- the shared vector the Milan host stands on ------------------------------------------ */

static void test_milan_vector(void)
{
    const char *shared = g_getenv("CCM_SHARED_VECTORS");
    g_autofree char *path = g_build_filename(shared ? shared : "", "attest", "snp", "virtee",
                                             "report_milan.hex", NULL);
    g_autofree char *text = NULL;

    if (!shared || !g_file_get_contents(path, &text, NULL, NULL)) {
        g_test_skip("the shared vectors are not here; the Milan constants stand alone");
        return;
    }
    g_autoptr(GString) hex = g_string_new(NULL);
    for (const char *p = text; *p; p++)
        if (g_ascii_isxdigit(*p))
            g_string_append_c(hex, g_ascii_tolower(*p));
    g_assert_cmpuint(hex->len, ==, 2 * 1184);
    g_autofree char *chip = g_strndup(hex->str + 2 * 0x1a0, 128);
    g_assert_cmpstr(chip, ==, milan_chip_id);
    g_autofree char *tcb = g_strndup(hex->str + 2 * 0x180, 16);
    g_assert_cmpstr(tcb, ==, "0300000000000873");  /* MILAN_TCB, little-endian */
    g_autofree char *fw = g_strndup(hex->str + 2 * 0x1e8, 6);
    g_assert_cmpstr(fw, ==, "043401");             /* build 4, minor 52, major 1 */
}

/* ---- SEV-SNP ------------------------------------------------------------------------------ */

static void test_milan_show(void)
{
    AmdHost h = milan();
    g_autofree char *root = amd_host(&h);
    g_auto(CcmctlResult) r = HOST(root, "show", "--json");

    g_assert_cmpint(r.status, ==, 0);
    g_assert_cmpstr(r.err, ==, "");
    JQ(r.out, ".format", "\"ccm-host/1\"");
    JQ(r.out, ".recorded", "true");
    JQ(r.out, ".tee_present", "true");
    JQ(r.out, ".summary", "\"TEE present: AMD SEV-SNP\"");
    JQ(r.out, ".cpu", "{\"vendor\":\"AuthenticAMD\",\"family\":25,\"model\":1,\"error\":null}");
    JQ(r.out, ".sev.present", "true");
    JQ(r.out, ".sev.absent_reason", "null");
    JQ(r.out, ".sev.cpu_flags", "{\"sme\":true,\"sev\":true,\"sev_es\":true,\"sev_snp\":true}");
    JQ(r.out, ".sev.kvm_amd", "{\"sev\":\"Y\",\"sev_es\":\"Y\",\"sev_snp\":\"Y\"}");
    JQ(r.out, ".sev.generation", "\"Milan\"");
    JQ(r.out, ".sev.platform_status",
       "{\"api_major\":1,\"api_minor\":52,\"api_version\":\"1.52\",\"build\":4,\"state\":1,"
       "\"state_name\":\"initialized\",\"owner\":\"self\",\"config_es\":true,\"flags\":256,"
       "\"guest_count\":2}");
    JQ(r.out, ".sev.snp.api_version", "\"1.52\"");
    JQ(r.out, ".sev.snp.build_id", "4");
    JQ(r.out, ".sev.snp.state_name", "\"initialized\"");
    JQ(r.out, ".sev.snp.rmp_initialized", "true");
    JQ(r.out, "[.sev.snp.mask_chip_id, .sev.snp.mask_chip_key, .sev.snp.vlek_en]",
       "[false,false,false]");
    JQ(r.out, ".sev.snp.guest_count", "2");
    JQ(r.out, ".sev.snp.current_tcb",
       "{\"raw\":\"0x7308000000000003\",\"bootloader\":3,\"tee\":0,\"snp\":8,\"microcode\":115}");
    JQ(r.out, ".sev.snp.reported_tcb.raw", "\"0x7308000000000003\"");
    JQ(r.out, ".sev.snp.committed_tcb", "null");
    g_autofree char *chip = g_strdup_printf("\"%s\"", milan_chip_id);
    JQ(r.out, ".sev.chip_id", chip);
    JQ(r.out, ".sev.chip_ids", "1");
    g_autofree char *url = g_strdup_printf("\"https://kdsintf.amd.com/vcek/v1/Milan/%s?blSPL=03"
                                           "&teeSPL=00&snpSPL=08&ucodeSPL=115\"",
                                           milan_chip_id);
    JQ(r.out, ".sev.vcek_url", url);
    JQ(r.out, ".sev.cert_chain_url", "\"https://kdsintf.amd.com/vcek/v1/Milan/cert_chain\"");
    JQ(r.out, ".tdx.present", "false");
    JQ(r.out, ".tdx.absent_reason", "\"not an Intel CPU (AuthenticAMD)\"");
    JQ(r.out, ".cca.absent_reason", "\"not an Arm host (x86_64)\"");

    g_auto(CcmctlResult) t = HOST(root, "show");
    g_assert_cmpint(t.status, ==, 0);
    g_assert_true(g_str_has_prefix(t.out, "TEE present: AMD SEV-SNP\n"));
    g_assert_nonnull(strstr(t.out, "  SNP firmware           API 1.52 build id 4\n"));
    g_assert_nonnull(strstr(t.out, "  current TCB            0x7308000000000003 (bl 3 tee 0 snp 8 "
                                   "ucode 115)\n"));
    g_assert_nonnull(strstr(t.out, "  SEV state              initialized, self-owned, CONFIG.ES "
                                   "yes, 2 guests\n"));
    ccm_test_rm_tree(root);
}

/* Turin lays TCB_VERSION out differently and KDS names the chip by 8 bytes of its ID. */
static void test_turin_show(void)
{
    AmdHost h = milan();
    h.cpuinfo = "vendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\n"
                "flags\t\t: sme sev sev_es sev_snp\n";
    h.current_tcb = G_GUINT64_CONSTANT(0x4800000004030201);
    h.reported_tcb = G_GUINT64_CONSTANT(0x4800000003030201);
    h.chip_id = "0123456789abcdef" "00000000000000000000000000000000000000000000000000000000"
                "0000000000000000000000000000000000000000000000000000000000000000";
    g_autofree char *root = amd_host(&h);
    g_auto(CcmctlResult) r = HOST(root, "show", "--json");

    g_assert_cmpint(r.status, ==, 0);
    JQ(r.out, ".sev.generation", "\"Turin\"");
    JQ(r.out, ".sev.snp.current_tcb", "{\"raw\":\"0x4800000004030201\",\"fmc\":1,\"bootloader\":2,"
                                      "\"tee\":3,\"snp\":4,\"microcode\":72}");
    JQ(r.out, ".sev.vcek_url", "\"https://kdsintf.amd.com/vcek/v1/Turin/0123456789abcdef?"
                               "fmcSPL=01&blSPL=02&teeSPL=03&snpSPL=03&ucodeSPL=72\"");

    g_auto(CcmctlResult) ok = HOST(root, "ok", "--json");
    g_assert_cmpint(ok.status, ==, 0);  /* a reported TCB below the current one is not fatal */
    JQ(ok.out, ".checks[] | select(.id == \"snp-reported-tcb\") | [.status, .required]",
       "[\"fail\",false]");
    ccm_test_rm_tree(root);
}

static void test_milan_ok(void)
{
    AmdHost h = milan();
    g_autofree char *root = amd_host(&h);
    g_auto(CcmctlResult) r = HOST(root, "ok", "--json");

    g_assert_cmpint(r.status, ==, 0);
    JQ(r.out, ".format", "\"ccm-host-ok/1\"");
    JQ(r.out, ".ok", "true");
    JQ(r.out, ".platforms", "[\"sev\"]");
    JQ(r.out, "[.checks[] | select(.status != \"pass\")] | length", "0");
    JQ(r.out, "[.checks[].id]",
       "[\"amd-cpu\",\"cpu-sme\",\"cpu-sev\",\"cpu-sev-es\",\"cpu-sev-snp\",\"kvm-sev\","
       "\"kvm-sev-es\",\"kvm-sev-snp\",\"sev-device\",\"snp-status\",\"snp-firmware\","
       "\"snp-init\",\"snp-rmp\",\"snp-reported-tcb\",\"syscfg-mem-encrypt\",\"syscfg-snp\","
       "\"syscfg-vmpl\",\"chip-id\"]");
    JQ(r.out, ".checks[] | select(.id == \"syscfg-snp\") | .reason",
       "\"SYSCFG 0x0000000003840000: SNPEn (bit 24) set\"");

    g_auto(CcmctlResult) t = HOST(root, "ok");
    g_assert_cmpint(t.status, ==, 0);
    g_assert_nonnull(strstr(t.out, "PASS SNP initialised            SNP state 1 (initialized)\n"));
    g_assert_true(g_str_has_suffix(t.out, "\nok: every required check passed\n"));
    ccm_test_rm_tree(root);
}

static void test_ok_failures(void)
{
    /* SNP_INIT has not run: the state is 0 and the RMP is not set up. */
    AmdHost h = milan();
    h.snp_state = 0;
    h.rmp = 0;
    g_autofree char *uninit = amd_host(&h);
    g_auto(CcmctlResult) a = HOST(uninit, "ok", "--json");
    g_assert_cmpint(a.status, ==, 1);
    JQ(a.out, ".ok", "false");
    JQ(a.out, "[.checks[] | select(.status == \"fail\") | .id]", "[\"snp-init\",\"snp-rmp\"]");
    g_auto(CcmctlResult) show = HOST(uninit, "show", "--json");
    JQ(show.out, ".summary", "\"TEE present: AMD SEV-ES\"");

    /* kvm_amd.sev_snp=N, and no MSR readable: the SYSCFG rows are skipped, not failed. */
    h = milan();
    h.sev_snp = "N";
    h.syscfg = NULL;
    g_autofree char *off = amd_host(&h);
    g_auto(CcmctlResult) b = HOST(off, "ok");
    g_assert_cmpint(b.status, ==, 1);
    g_assert_nonnull(strstr(b.out, "FAIL kvm_amd.sev_snp            kvm_amd.sev_snp=N\n"));
    g_assert_nonnull(strstr(b.out, "SKIP SYSCFG SNP enabled "));
    g_assert_true(g_str_has_suffix(b.out, "\nnot ok: a required check failed\n"));

    /* Old firmware. */
    h = milan();
    h.api_minor = 49;
    g_autofree char *old = amd_host(&h);
    g_auto(CcmctlResult) c = HOST(old, "ok", "--json");
    g_assert_cmpint(c.status, ==, 1);
    JQ(c.out, ".checks[] | select(.id == \"snp-firmware\") | .reason",
       "\"API 1.49 build id 4, older than 1.51\"");

    /* SNP disabled in SYSCFG. */
    h = milan();
    h.syscfg = "0x800000";
    g_autofree char *msr = amd_host(&h);
    g_auto(CcmctlResult) d = HOST(msr, "ok", "--json");
    g_assert_cmpint(d.status, ==, 1);
    JQ(d.out, "[.checks[] | select(.status == \"fail\") | .id]", "[\"syscfg-snp\",\"syscfg-vmpl\"]");
    ccm_test_rm_tree(uninit);
    ccm_test_rm_tree(off);
    ccm_test_rm_tree(old);
    ccm_test_rm_tree(msr);
}

static void check_file(const char *dir, const char *name, const char *bytes)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *got = NULL;
    size_t n;
    g_assert_true(g_file_get_contents(path, &got, &n, NULL));
    g_assert_cmpmem(got, n, bytes, strlen(bytes));
}

static void test_export(void)
{
    AmdHost h = milan();
    g_autofree char *root = amd_host(&h);
    g_autofree char *out = g_dir_make_tmp("ccm-host-out-XXXXXX", NULL);
    g_auto(CcmctlResult) r = HOST(root, "export", out, "--json");

    g_assert_cmpint(r.status, ==, 0);
    g_autofree char *files = g_strdup_printf("[\"%s/vcek.der\",\"%s/ask.der\",\"%s/ark.der\","
                                             "\"%s/pdh.cert\",\"%s/pek.cert\",\"%s/oca.cert\","
                                             "\"%s/cek.cert\"]", out, out, out, out, out, out,
                                             out);
    JQ(r.out, ".files", files);
    g_assert_cmpstr(r.err, ==, "");
    check_file(out, "vcek.der", vcek_bytes);
    check_file(out, "ask.der", ask_bytes);
    check_file(out, "ark.der", ark_bytes);
    static const struct {
        const char *name;
        char fill;
    } sev_certs[] = { { "pdh.cert", 'P' }, { "pek.cert", 'K' }, { "oca.cert", 'O' },
                      { "cek.cert", 'C' } };
    for (size_t i = 0; i < G_N_ELEMENTS(sev_certs); i++) {
        g_autofree char *cert = g_strnfill(2084, sev_certs[i].fill);
        check_file(out, sev_certs[i].name, cert);
    }

    /* Refusals: a missing folder, a file, a folder nothing can be written into. */
    g_autofree char *missing = g_build_filename(out, "missing", NULL);
    g_auto(CcmctlResult) a = HOST(root, "export", missing);
    g_assert_cmpint(a.status, ==, 1);
    g_autofree char *a_err = g_strdup_printf("ccmctl host export: '%s' does not exist\n", missing);
    g_assert_cmpstr(a.err, ==, a_err);
    g_autofree char *file = g_build_filename(out, "vcek.der", NULL);
    g_auto(CcmctlResult) b = HOST(root, "export", file);
    g_assert_cmpint(b.status, ==, 1);
    g_assert_nonnull(strstr(b.err, "is not a folder"));
    g_auto(CcmctlResult) c = HOST(root, "export", "/proc");
    g_assert_cmpint(c.status, ==, 1);
    g_assert_true(g_str_has_prefix(c.err, "ccmctl host export: cannot write into '/proc': "));

    /* The SEV chain alone: written, with a note on the SNP certificates. */
    h.certs = false;
    g_autofree char *sev_only = amd_host(&h);
    g_autofree char *out2 = g_dir_make_tmp("ccm-host-out-XXXXXX", NULL);
    g_auto(CcmctlResult) e = HOST(sev_only, "export", out2);
    g_assert_cmpint(e.status, ==, 0);
    g_autofree char *e_out = g_strdup_printf("%s/pdh.cert\n%s/pek.cert\n%s/oca.cert\n"
                                             "%s/cek.cert\n", out2, out2, out2, out2);
    g_assert_cmpstr(e.out, ==, e_out);
    g_assert_true(g_str_has_prefix(e.err, "ccmctl host export: note: no SEV-SNP certificates "
                                          "are installed on this host"));

    /* An uninitialised SEV platform is not asked for its PDH (that would initialise it). */
    h.sev_state = 0;
    g_autofree char *uninit = amd_host(&h);
    g_auto(CcmctlResult) f = HOST(uninit, "export", out2);
    g_assert_cmpint(f.status, ==, 1);
    g_assert_true(g_str_has_suffix(f.err, "; the SEV platform is uninitialized, and exporting "
                                          "its PDH would initialise it\n"));

    /* Neither: say so, and where to get them. */
    h.sev_state = 1;
    h.pdh = false;
    g_autofree char *bare = amd_host(&h);
    g_auto(CcmctlResult) d = HOST(bare, "export", out);
    g_assert_cmpint(d.status, ==, 1);
    g_assert_cmpstr(d.out, ==, "");
    g_assert_true(g_str_has_prefix(d.err, "ccmctl host export: no SEV-SNP certificates are "
                                          "installed on this host"));
    g_autofree char *url = g_strdup_printf("get the VCEK from https://kdsintf.amd.com/vcek/v1/"
                                           "Milan/%s?blSPL=03&teeSPL=00&snpSPL=08&ucodeSPL=115 "
                                           "and the ASK and ARK from https://kdsintf.amd.com/"
                                           "vcek/v1/Milan/cert_chain; no SEV PDH chain: ",
                                           milan_chip_id);
    g_assert_nonnull(strstr(d.err, url));

    /* Malformed: a short PDH export, a table entry pointing past its end. */
    put_text(root, ".ccm-recorded/ioctl/SEV_PDH_CERT_EXPORT.bin", "short");
    g_auto(CcmctlResult) g = HOST(root, "export", out2);
    g_assert_cmpint(g.status, ==, 1);
    g_assert_true(g_str_has_suffix(g.err, "SEV_PDH_CERT_EXPORT.bin holds 5 bytes; "
                                          "SEV_PDH_CERT_EXPORT answers exactly 8336\n"));
    put(root, ".ccm-recorded/blob/SNP_CERT_TABLE.bin", "0123456789abcdefghijklmnopqrstuvwxyz",
        36);
    g_auto(CcmctlResult) t = HOST(root, "export", out2);
    g_assert_cmpint(t.status, ==, 1);
    g_assert_true(g_str_has_prefix(t.err, "ccmctl host export: certificate table entry 0 "
                                          "(33323130-3534-3736-3839-616263646566) points at "));
    g_assert_true(g_str_has_suffix(t.err, " of 36\n"));

    ccm_test_rm_tree(root);
    ccm_test_rm_tree(sev_only);
    ccm_test_rm_tree(uninit);
    ccm_test_rm_tree(bare);
    ccm_test_rm_tree(out);
    ccm_test_rm_tree(out2);
}

/* ---- malformed recordings and firmware errors -------------------------------------------- */

static void expect_one_error(const char *root, const char *needle)
{
    g_auto(CcmctlResult) r = HOST(root, "show", "--json");
    g_assert_cmpint(r.status, ==, 1);
    g_assert_cmpstr(r.out, ==, "");
    g_assert_true(g_str_has_prefix(r.err, "ccmctl host show: "));
    g_assert_nonnull(strstr(r.err, needle));
    /* one line */
    g_assert_true(g_str_has_suffix(r.err, "\n"));
    g_assert_null(strchr(r.err, '\n')[1] ? strchr(r.err, '\n') + 1 : NULL);
}

static void test_malformed(void)
{
    AmdHost h = milan();
    g_autofree char *root = amd_host(&h);
    g_autofree char *snp = g_build_filename(root, ".ccm-recorded/ioctl/SNP_PLATFORM_STATUS.bin",
                                            NULL);
    g_autofree char *sev = g_build_filename(root, ".ccm-recorded/ioctl/SEV_PLATFORM_STATUS",
                                            NULL);
    g_autofree char *sev_bin = g_strconcat(sev, ".bin", NULL);
    g_autofree char *sev_errno = g_strconcat(sev, ".errno", NULL);

    /* A short struct. */
    g_assert_true(g_file_set_contents(snp, "0123456789abcdefghij", 20, NULL));
    expect_one_error(root, "holds 20 bytes; SNP_PLATFORM_STATUS answers exactly 32");
    g_unlink(snp);

    /* Both an answer and a failure. */
    put_text(root, ".ccm-recorded/ioctl/SEV_PLATFORM_STATUS.errno", "EIO");
    expect_one_error(root, "both exist");
    g_unlink(sev_bin);

    /* An errno that is none. */
    g_assert_true(g_file_set_contents(sev_errno, "EBOGUS\n", -1, NULL));
    expect_one_error(root, "expected \"ERRNO [FIRMWARE-STATUS]\"");
    g_assert_true(g_file_set_contents(sev_errno, "EIO 1 2\n", -1, NULL));
    expect_one_error(root, "expected \"ERRNO [FIRMWARE-STATUS]\"");

    /* A chip ID of 65 bytes. */
    g_assert_true(g_file_set_contents(sev_errno, "EPERM\n", -1, NULL));
    g_autofree char *id = g_build_filename(root, ".ccm-recorded/ioctl/SEV_GET_ID2.bin", NULL);
    g_assert_true(g_file_set_contents(id, milan_chip_id, 65, NULL));
    expect_one_error(root, "SEV_GET_ID2 answered 65 bytes");
    ccm_test_rm_tree(root);
}

static void test_firmware_error(void)
{
    AmdHost h = milan();
    g_autofree char *root = amd_host(&h);
    g_autofree char *snp = g_build_filename(root, ".ccm-recorded/ioctl/SNP_PLATFORM_STATUS.bin",
                                            NULL);
    g_unlink(snp);
    put_text(root, ".ccm-recorded/ioctl/SNP_PLATFORM_STATUS.errno", "EIO 0x1\n");
    g_autofree char *get_id = g_build_filename(root, ".ccm-recorded/ioctl/SEV_GET_ID2.bin",
                                               NULL);
    g_unlink(get_id);  /* no file at all: the kernel does not know the command */

    g_auto(CcmctlResult) r = HOST(root, "show", "--json");
    g_assert_cmpint(r.status, ==, 0);
    JQ(r.out, ".sev.present", "true");
    JQ(r.out, ".sev.snp", "null");
    g_autofree char *dev = g_build_filename(root, "dev", "sev", NULL);
    g_autofree char *snp_error = g_strdup_printf("\"SNP_PLATFORM_STATUS on %s: the firmware "
                                                 "answered status 0x1 (INVALID_PLATFORM_STATE)\"",
                                                 dev);
    JQ(r.out, ".sev.snp_error", snp_error);
    g_autofree char *id_error = g_strdup_printf("\"SEV_GET_ID2 on %s: %s\"", dev,
                                                g_strerror(ENOTTY));
    JQ(r.out, ".sev.chip_id_error", id_error);
    JQ(r.out, ".sev.vcek_url", "null");
    JQ(r.out, ".summary", "\"TEE present: AMD SEV-ES\"");

    g_auto(CcmctlResult) ok = HOST(root, "ok", "--json");
    g_assert_cmpint(ok.status, ==, 1);
    JQ(ok.out, "[.checks[] | select(.status == \"fail\") | .id]", "[\"snp-status\",\"chip-id\"]");
    ccm_test_rm_tree(root);
}

/* ---- TDX ------------------------------------------------------------------------------------ */

static int listen_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_assert_cmpuint(strlen(path), <, sizeof(sa.sun_path));
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    return fd;
}

static void test_tdx(void)
{
    g_autofree char *root = g_dir_make_tmp("ccm-host-XXXXXX", NULL);
    put_text(root, ".ccm-recorded/arch", "x86_64\n");
    put_text(root, "proc/cpuinfo", "vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 207\n"
                                   "flags\t\t: fpu vmx tdx_host_platform\n");
    put_text(root, "sys/module/kvm_intel/parameters/tdx", "Y\n");
    put_text(root, "sys/devices/faux/tdx_host/version", "1.5.06\n");
    put_text(root, "sys/devices/faux/tdx_host/seamldr_version", "1.5.02\n");
    put_text(root, "sys/devices/faux/tdx_host/num_remaining_updates", "14\n");
    put_text(root, "sys/firmware/tdx/tdx_module/status", "initialized\n");
    put_text(root, "sys/firmware/tdx/tdx_module/attributes", "0x0\n");
    put_text(root, "sys/firmware/tdx/tdx_module/vendor_id", "0x8086\n");
    put_text(root, "sys/firmware/tdx/tdx_module/build_date", "20240407\n");
    put_text(root, "sys/firmware/tdx/tdx_module/build_num", "744\n");
    g_autofree char *qgs_dir = g_build_filename(root, "var/run/tdx-qgs", NULL);
    g_assert_cmpint(g_mkdir_with_parents(qgs_dir, 0755), ==, 0);
    g_autofree char *qgs = g_build_filename(qgs_dir, "qgs.socket", NULL);

    /* No QGS listening yet. */
    g_auto(CcmctlResult) a = HOST(root, "show", "--json");
    g_assert_cmpint(a.status, ==, 0);
    JQ(a.out, ".tdx.qgs.reachable", "false");
    g_auto(CcmctlResult) a_ok = HOST(root, "ok", "--json");
    g_assert_cmpint(a_ok.status, ==, 0);  /* the QGS is not required to launch */
    JQ(a_ok.out, ".checks[] | select(.id == \"tdx-qgs\") | [.status, .required]",
       "[\"fail\",false]");

    int fd = listen_unix(qgs);
    g_auto(CcmctlResult) r = HOST(root, "show", "--json");
    g_assert_cmpint(r.status, ==, 0);
    JQ(r.out, ".tee_present", "true");
    JQ(r.out, ".summary", "\"TEE present: Intel TDX\"");
    JQ(r.out, ".sev.absent_reason", "\"not an AMD CPU (GenuineIntel)\"");
    JQ(r.out, ".tdx.present", "true");
    JQ(r.out, ".tdx.cpu_flags", "{\"tdx_host_platform\":true,\"tdx_guest\":false}");
    JQ(r.out, ".tdx.kvm_intel.tdx", "\"Y\"");
    JQ(r.out, ".tdx.module | [.version, .major_version, .minor_version, .update_version]",
       "[\"1.5.06\",1,5,6]");
    JQ(r.out, ".tdx.module | [.status, .attributes, .vendor_id, .build_date, .build_num]",
       "[\"initialized\",\"0x0\",\"0x8086\",\"20240407\",\"744\"]");
    JQ(r.out, ".tdx.module | [.seamldr_version, .num_remaining_updates]", "[\"1.5.02\",\"14\"]");
    g_autofree char *socket = g_strdup_printf("{\"socket\":\"%s\",\"socket_reachable\":true,"
                                              "\"vsock_port\":4050,\"vsock_reachable\":false,"
                                              "\"reachable\":true,\"error\":null}", qgs);
    JQ(r.out, ".tdx.qgs", socket);

    g_auto(CcmctlResult) ok = HOST(root, "ok", "--json");
    g_assert_cmpint(ok.status, ==, 0);
    JQ(ok.out, ".platforms", "[\"tdx\"]");
    JQ(ok.out, "[.checks[] | select(.status != \"pass\")] | length", "0");
    close(fd);

    /* The module not initialised, and kvm_intel.tdx off. */
    put_text(root, "sys/firmware/tdx/tdx_module/status", "uninitialized\n");
    put_text(root, "sys/module/kvm_intel/parameters/tdx", "N\n");
    g_auto(CcmctlResult) off = HOST(root, "ok", "--json");
    g_assert_cmpint(off.status, ==, 1);
    JQ(off.out, "[.checks[] | select(.status == \"fail\") | .id]",
       "[\"kvm-tdx\",\"tdx-module\",\"tdx-qgs\"]");
    g_auto(CcmctlResult) show = HOST(root, "show", "--json");
    JQ(show.out, ".tdx.absent_reason", "\"kvm_intel.tdx=N\"");
    JQ(show.out, ".tdx.qgs.error | test(\"^cannot connect to .*qgs.socket: .*; cannot connect to "
                 "vsock port 4050: \")", "true");

    /* The QGS on its vsock port instead. */
    put_text(root, ".ccm-recorded/vsock/4050", "");
    g_auto(CcmctlResult) vsock = HOST(root, "show", "--json");
    JQ(vsock.out, ".tdx.qgs | [.socket_reachable, .vsock_reachable, .reachable, .error]",
       "[false,true,true,null]");
    ccm_test_rm_tree(root);
}

/* ---- Arm, no TEE, this machine -------------------------------------------------------------- */

static void test_arm(void)
{
    g_autofree char *root = g_dir_make_tmp("ccm-host-XXXXXX", NULL);
    put_text(root, ".ccm-recorded/arch", "aarch64\n");
    put_text(root, "proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd\n"
                                   "CPU implementer\t: 0x41\n");
    put_text(root, "proc/cmdline", "root=/dev/vda1 kvm-arm.mode=nvhe\n");
    put_text(root, "dev/kvm", "");

    g_auto(CcmctlResult) r = HOST(root, "show", "--json");
    g_assert_cmpint(r.status, ==, 0);
    JQ(r.out, ".arch", "\"aarch64\"");
    JQ(r.out, ".tee_present", "false");
    JQ(r.out, ".cca | [.arm, .kvm_device, .kvm_arm_mode, .present]", "[true,true,\"nvhe\",false]");
    JQ(r.out, ".sev.absent_reason", "\"not an AMD CPU (Arm (implementer 0x41))\"");
    g_auto(CcmctlResult) ok = HOST(root, "ok", "--json");
    g_assert_cmpint(ok.status, ==, 1);
    JQ(ok.out, "[.platforms, [.checks[].id]]", "[[\"cca\"],[\"arm-cca\"]]");
    ccm_test_rm_tree(root);
}

/* A recorded AMD host without SEV: the plain sentence, selected by CCM_HOST_ROOT. */
static void test_no_tee(void)
{
    g_autofree char *root = g_dir_make_tmp("ccm-host-XXXXXX", NULL);
    put_text(root, ".ccm-recorded/arch", "x86_64\n");
    put_text(root, "proc/cpuinfo", "vendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
                                   "flags\t\t: fpu svm\n");
    g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "CCM_HOST_ROOT", root, TRUE);
    g_auto(CcmctlResult) r = ccmctl_run(env, NULL, (const char *const[]) { "host", "show", NULL });

    g_assert_cmpint(r.status, ==, 0);
    g_autofree char *first = g_strdup_printf(
        "no TEE present: not an AMD SEV host: no %s/dev/sev, CPU flag sev missing, kvm_amd not "
        "loaded; not an Intel TDX host: not an Intel CPU (AuthenticAMD); Arm CCA: not an Arm "
        "host (x86_64)\n", root);
    g_assert_true(g_str_has_prefix(r.out, first));
    g_auto(CcmctlResult) ok = ccmctl_run(env, NULL, (const char *const[]) { "host", "ok", NULL });
    g_assert_cmpint(ok.status, ==, 1);
    g_auto(CcmctlResult) ex = ccmctl_run(env, NULL, (const char *const[]) { "host", "export",
                                                                             root, NULL });
    g_assert_cmpint(ex.status, ==, 1);
    g_assert_nonnull(strstr(ex.err, "get the VCEK, ASK and ARK from AMD's key distribution "
                                    "server"));
    ccm_test_rm_tree(root);
}

/* This machine, read live: without /dev/sev or a TDX-enabled kvm_intel it says plainly
 * that no TEE is present. */
static void test_this_machine(void)
{
    g_autofree char *tdx = NULL;
    bool tee = g_file_test("/dev/sev", G_FILE_TEST_EXISTS) ||
               (g_file_get_contents("/sys/module/kvm_intel/parameters/tdx", &tdx, NULL, NULL) &&
                tdx[0] == 'Y');
    g_auto(CcmctlResult) r = HOST(NULL, "show", "--json");

    g_assert_cmpint(r.status, ==, 0);
    JQ(r.out, ".recorded", "false");
    JQ(r.out, ".tee_present", tee ? "true" : "false");
    g_auto(CcmctlResult) t = HOST(NULL, "show");
    g_assert_cmpint(t.status, ==, 0);
    g_assert_true(g_str_has_prefix(t.out, tee ? "TEE present: " : "no TEE present: "));
}

static void test_usage(void)
{
    g_auto(CcmctlResult) a = HOST(NULL, "bogus");
    g_assert_cmpint(a.status, ==, 2);
    g_auto(CcmctlResult) b = HOST(NULL, "export");
    g_assert_cmpint(b.status, ==, 2);
    g_assert_cmpstr(b.err, ==, "ccmctl host export: expected one folder (DIR)\n");
    g_auto(CcmctlResult) c = HOST(NULL, "ok", "--platform", "sgx");
    g_assert_cmpint(c.status, ==, 2);
    g_auto(CcmctlResult) d = HOST(NULL, "show", "extra");
    g_assert_cmpint(d.status, ==, 2);
    g_auto(CcmctlResult) e = HOST(NULL, "--help");
    g_assert_cmpint(e.status, ==, 0);
    g_assert_nonnull(strstr(e.out, "ccmctl host export DIR [--json]"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ccmctl-host/milan-vector", test_milan_vector);
    g_test_add_func("/ccmctl-host/milan/show", test_milan_show);
    g_test_add_func("/ccmctl-host/turin/show", test_turin_show);
    g_test_add_func("/ccmctl-host/milan/ok", test_milan_ok);
    g_test_add_func("/ccmctl-host/ok-failures", test_ok_failures);
    g_test_add_func("/ccmctl-host/export", test_export);
    g_test_add_func("/ccmctl-host/malformed", test_malformed);
    g_test_add_func("/ccmctl-host/firmware-error", test_firmware_error);
    g_test_add_func("/ccmctl-host/tdx", test_tdx);
    g_test_add_func("/ccmctl-host/arm", test_arm);
    g_test_add_func("/ccmctl-host/no-tee", test_no_tee);
    g_test_add_func("/ccmctl-host/this-machine", test_this_machine);
    g_test_add_func("/ccmctl-host/usage", test_usage);
    return g_test_run();
}
