/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cca-vectors.c - every Arm CCA RIM vector, as an operation list and through the VMM
 * profiles
 *
 *   test-cca-vectors --data DIR [--skip-missing]
 *
 * DIR holds vectors.json with its inputs/ and dtb/ (tests/data/cca, a copy of
 * shared/vectors/cca). For each vector: the operation list measures to expected_rim,
 * with the descriptor counts the spec's examples give. For each QEMU and kvmtool vector,
 * the VMM profile fed with what the peer's command line says (RAM, vCPUs, firmware,
 * kernel, initrd, hash, PMU) and the vector's DTB produces the very same operation list.
 * --skip-missing: exit 77 when DIR does not exist (the shared folder is optional).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "cca-operations.h"
#include "ccm/measure-autoptr.h"
#include "ccm/measure.h"

static char *arg_data;

static char *hex(const uint8_t *b, size_t n)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%02x", b[i]);
    return g_string_free(s, FALSE);
}

static json_object *vectors;

static const char *str(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

typedef struct Counts {
    unsigned realm, ripas, data, rec;
} Counts;

static void count_step(const CcmStep *step, void *userdata)
{
    Counts *c = userdata;
    c->realm += step->kind == CCM_STEP_CCA_REALM;
    c->ripas += step->kind == CCM_STEP_CCA_RIPAS;
    c->data += step->kind == CCM_STEP_CCA_DATA;
    c->rec += step->kind == CCM_STEP_CCA_REC;
    g_assert_nonnull(step->digest);
}

static char *measure(CcmCcaRealm *realm, Counts *counts)
{
    uint8_t rim[CCM_DIGEST_MAX_SIZE];
    size_t n = 0;
    CcmError err = { 0 };
    ccm_cca_realm_set_step_callback(realm, count_step, counts);
    if (ccm_cca_realm_measure(realm, rim, &n, &err) < 0)
        g_error("%s", err.message);
    return hex(rim, n);
}

/* Descriptors the spec's examples and the vector's blobs imply (cca.md §2.5). */
static unsigned expected_ripas(const char *name)
{
    if (g_str_has_prefix(name, "realm_create"))
        return 0;
    if (g_str_has_prefix(name, "qemu_default"))
        return 64;   /* 128 MiB, s2sz 41: 64 x 2 MiB */
    if (g_str_has_prefix(name, "kvmtool"))
        return 256;  /* 512 MiB at 2 GiB, s2sz 33 (start level 2): 256 x 2 MiB */
    return 1;        /* 1 GiB at 1 GiB, s2sz 41: one level-1 entry */
}

static void test_vector(gconstpointer data)
{
    json_object *v = (json_object *) data;
    const char *name = str(v, "name");
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmCcaRealm) realm = ccm_cca_operations_from_json(v, name, arg_data, &error);
    g_assert_no_error(error);
    Counts c = { 0 };
    g_autofree char *rim = measure(realm, &c);
    g_test_message("%s: %s", name, rim);
    g_assert_cmpstr(rim, ==, str(v, "expected_rim"));
    g_assert_cmpuint(c.realm, ==, 1);
    g_assert_cmpuint(c.ripas, ==, expected_ripas(name));
    g_assert_cmpuint(c.rec, ==, g_str_has_prefix(name, "realm_create") ? 0 : 1);
    /* DATA: the granules the blobs cover (none shares one in these vectors). */
    unsigned granules = 0;
    for (size_t i = 0; i < ccm_cca_realm_n_ops(realm); i++) {
        CcmCcaOp op;
        g_assert_cmpint(ccm_cca_realm_op(realm, i, &op), ==, 0);
        if (op.kind == CCM_CCA_OP_DATA)
            granules += (unsigned) ((op.ipa + op.size + 4095) / 4096 - op.ipa / 4096);
    }
    g_assert_cmpuint(c.data, ==, granules);

    /* RMM 2.0 drops exactly the RIPAS descriptors (same operations otherwise). */
    if (c.ripas > 0) {
        json_object *copy = NULL;
        g_assert_cmpint(json_object_deep_copy(v, &copy, NULL), ==, 0);
        json_object_object_add(copy, "rmm", json_object_new_string("2.0"));
        g_autoptr(CcmCcaRealm) r2 = ccm_cca_operations_from_json(copy, name, arg_data, &error);
        g_assert_no_error(error);
        Counts c2 = { 0 };
        g_autofree char *rim2 = measure(r2, &c2);
        g_assert_cmpuint(c2.ripas, ==, 0);
        g_assert_cmpuint(c2.data, ==, c.data);
        g_assert_cmpstr(rim2, !=, rim);
        json_object_put(copy);
    }
}

/* ---- the profiles, fed from the peer's command line ---- */

typedef struct Inputs {
    GMappedFile *files[4];
} Inputs;

static void load_blob(Inputs *in, int slot, const char *rel, CcmCcaBlob *blob)
{
    g_autofree char *path = g_build_filename(arg_data, rel, NULL);
    g_autoptr(GError) error = NULL;
    in->files[slot] = g_mapped_file_new(path, FALSE, &error);
    g_assert_no_error(error);
    *blob = (CcmCcaBlob) { .data = g_mapped_file_get_contents(in->files[slot]),
                           .size = g_mapped_file_get_length(in->files[slot]),
                           .name = rel };
}

static guint64 parse_mem(const char *s)
{
    char *end = NULL;
    guint64 v = g_ascii_strtoull(s, &end, 10);
    return v << (*end == 'G' ? 30 : *end == 'M' ? 20 : 0);
}

/* The peer's options that matter here; host limits (--ipa-bits, --pmu-num-ctrs) are the
 * maxima the host offers, the VMM picks the realm's values below them. */
static void config_from_cmdline(json_object *v, CcmCcaVmmConfig *c, Inputs *in)
{
    g_auto(GStrv) argv = g_strsplit(str(v, "peer_cmdline"), " ", -1);
    guint64 host_bps = 0, host_wps = 0, host_pmu = 0;
    bool kvmtool = false, pmu = false;
    int pmu_ctrs = -1;
    const char *hash = NULL;

    for (size_t i = 0; argv[i]; i++) {
        const char *a = argv[i], *next = argv[i + 1];
        if (strcmp(a, "--num-bps") == 0)
            host_bps = g_ascii_strtoull(next, NULL, 10);
        else if (strcmp(a, "--num-wps") == 0)
            host_wps = g_ascii_strtoull(next, NULL, 10);
        else if (strcmp(a, "--pmu-num-ctrs") == 0)
            host_pmu = g_ascii_strtoull(next, NULL, 10);
        else if (strcmp(a, "kvmtool") == 0)
            kvmtool = true;
        else if (strcmp(a, "-m") == 0)
            c->memory = parse_mem(next);
        else if (strcmp(a, "-smp") == 0 || (kvmtool && strcmp(a, "-c") == 0))
            c->vcpus = (unsigned) g_ascii_strtoull(next, NULL, 10);
        else if (strcmp(a, "-bios") == 0 || strcmp(a, "--firmware") == 0)
            load_blob(in, 0, "inputs/firmware-fw-content.bin", &c->firmware);
        else if (strcmp(a, "-kernel") == 0)
            load_blob(in, 1, "inputs/linux-header-only.bin", &c->kernel);
        else if (strcmp(a, "-initrd") == 0)
            load_blob(in, 2, "inputs/initrd-content.bin", &c->initrd);
        else if (strcmp(a, "-cpu") == 0) {
            pmu = strstr(next, "pmu=on") != NULL;
            const char *n = strstr(next, "num-pmu-counters=");
            if (n)
                pmu_ctrs = atoi(n + strlen("num-pmu-counters="));
        } else if (strstr(a, "measurement-algorithm=")) {
            hash = strstr(a, "measurement-algorithm=") + strlen("measurement-algorithm=");
        }
    }
    /* The peer's -f/-k/-i (before the VMM name) are its own files, not the VMM's. */
    if (c->memory == 0) /* QEMU's default -m */
        c->memory = 128 << 20;
    if (c->vcpus == 0)
        c->vcpus = 1;
    c->vmm = kvmtool ? CCM_CCA_VMM_KVMTOOL : CCM_CCA_VMM_QEMU;
    c->rmm = CCM_CCA_RMM_1_0;
    c->host_page_size = 4096;
    c->params.hash = hash ? (CcmCcaHash) ccm_cca_hash_from_string(hash)
                          : ccm_cca_vmm_default_hash(c->vmm, c->rmm);
    c->params.s2sz = ccm_cca_vmm_default_s2sz(c->vmm, c->memory);
    c->params.num_bps = (uint32_t) host_bps - 1;
    c->params.num_wps = (uint32_t) host_wps - 1;
    if (pmu) {
        c->params.flags |= CCM_CCA_FLAG_PMU;
        c->params.pmu_num_ctrs = pmu_ctrs >= 0 ? (uint32_t) pmu_ctrs : (uint32_t) host_pmu;
    }
    /* The DTB is always an input: the vector's own (the last blob is the DTB in every
     * layout here). */
    json_object *blobs = NULL;
    g_assert_true(json_object_object_get_ex(v, "blobs", &blobs));
    for (size_t i = 0; i < json_object_array_length(blobs); i++) {
        const char *file = str(json_object_array_get_idx(blobs, i), "file");
        if (g_str_has_prefix(file, "dtb/"))
            load_blob(in, 3, file, &c->dtb);
    }
    g_assert_nonnull(c->dtb.data);
}

static void assert_same_ops(const CcmCcaRealm *a, const CcmCcaRealm *b)
{
    CcmCcaRmm ra, rb;
    CcmCcaRealmParams pa, pb;
    g_assert_cmpint(ccm_cca_realm_params(a, &ra, &pa, NULL), ==, 0);
    g_assert_cmpint(ccm_cca_realm_params(b, &rb, &pb, NULL), ==, 0);
    g_assert_cmpint(ra, ==, rb);
    g_assert_cmpuint(pa.flags, ==, pb.flags);
    g_assert_cmpuint(pa.s2sz, ==, pb.s2sz);
    g_assert_cmpuint(pa.sve_vl, ==, pb.sve_vl);
    g_assert_cmpuint(pa.num_bps, ==, pb.num_bps);
    g_assert_cmpuint(pa.num_wps, ==, pb.num_wps);
    g_assert_cmpuint(pa.pmu_num_ctrs, ==, pb.pmu_num_ctrs);
    g_assert_cmpint(pa.hash, ==, pb.hash);
    g_assert_cmpuint(ccm_cca_realm_n_ops(a), ==, ccm_cca_realm_n_ops(b));
    for (size_t i = 0; i < ccm_cca_realm_n_ops(a); i++) {
        CcmCcaOp x, y;
        g_assert_cmpint(ccm_cca_realm_op(a, i, &x), ==, 0);
        g_assert_cmpint(ccm_cca_realm_op(b, i, &y), ==, 0);
        g_test_message("op %zu: kind %d ipa 0x%" G_GINT64_MODIFIER "x size %" G_GUINT64_FORMAT
                       " / kind %d ipa 0x%" G_GINT64_MODIFIER "x size %" G_GUINT64_FORMAT, i,
                       x.kind, (gint64) x.ipa, x.size, y.kind, (gint64) y.ipa, y.size);
        g_assert_cmpint(x.kind, ==, y.kind);
        g_assert_cmpuint(x.ipa, ==, y.ipa);
        g_assert_cmpuint(x.size, ==, y.size);
        if (x.kind == CCM_CCA_OP_DATA)
            g_assert_cmpmem(x.data, x.size, y.data, y.size);
        g_assert_cmpuint(x.rec_flags, ==, y.rec_flags);
        g_assert_cmpuint(x.pc, ==, y.pc);
        g_assert_cmpmem(x.gprs, sizeof(x.gprs), y.gprs, sizeof(y.gprs));
    }
}

static void test_profile(gconstpointer data)
{
    json_object *v = (json_object *) data;
    const char *name = str(v, "name");
    Inputs in = { { NULL } };
    CcmCcaVmmConfig config = { 0 };
    CcmError err = { 0 };

    config_from_cmdline(v, &config, &in);
    g_autoptr(CcmCcaRealm) built = NULL;
    if (ccm_cca_vmm_build(&config, &built, &err) < 0)
        g_error("%s: %s", name, err.message);
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmCcaRealm) want = ccm_cca_operations_from_json(v, name, arg_data, &error);
    g_assert_no_error(error);
    assert_same_ops(built, want);
    Counts c = { 0 };
    g_autofree char *rim = measure(built, &c);
    g_assert_cmpstr(rim, ==, str(v, "expected_rim"));
    for (size_t i = 0; i < G_N_ELEMENTS(in.files); i++)
        if (in.files[i])
            g_mapped_file_unref(in.files[i]);
}

/* The DTBs without a vector: the profile puts the initrd and the measurement log where
 * these DTBs' /chosen and /reserved-memory say the peer put them. */
typedef struct Layout {
    const char *test;
    CcmCcaVmm vmm;
    const char *dtb;
    guint64 memory;
    bool firmware, kernel, initrd, log;
    guint64 initrd_ipa, log_ipa, dtb_ipa;
    unsigned ripas_descriptors;
} Layout;

static const Layout layouts[] = {
    { "qemu-1536M-log", CCM_CCA_VMM_QEMU, "dtb/qemu-virt-smp2-1536M-log.dtb", 1536ull << 20,
      true, false, false, true, 0, 0x40100000, 0x40000000, 257 /* 1 GiB + 256 x 2 MiB */ },
    { "qemu-3G-initrd", CCM_CCA_VMM_QEMU, "dtb/qemu-virt-smp4-3G-initrd-append-sve.dtb",
      3ull << 30, false, true, true, false, 0x48000000, 0, 0x48200000, 3 },
    { "kvmtool-1G-initrd-log", CCM_CCA_VMM_KVMTOOL, "dtb/kvmtool-c2-1G-initrd-pmu-sve-log.dtb",
      1ull << 30, false, true, true, true, 0x8fdffff0, 0x8fff0000, 0x8fe00000, 512 },
};

static void test_layout(gconstpointer data)
{
    const Layout *l = data;
    Inputs in = { { NULL } };
    CcmCcaVmmConfig c = { .vmm = l->vmm, .rmm = CCM_CCA_RMM_1_0, .host_page_size = 4096,
                          .memory = l->memory, .vcpus = 2, .measurement_log = l->log };
    CcmError err = { 0 };

    c.params = (CcmCcaRealmParams) { .hash = ccm_cca_vmm_default_hash(l->vmm, c.rmm),
                                     .s2sz = ccm_cca_vmm_default_s2sz(l->vmm, l->memory),
                                     .num_bps = 5, .num_wps = 5 };
    load_blob(&in, 3, l->dtb, &c.dtb);
    if (l->firmware)
        load_blob(&in, 0, "inputs/firmware-fw-content.bin", &c.firmware);
    if (l->kernel)
        load_blob(&in, 1, "inputs/linux-header-only.bin", &c.kernel);
    if (l->initrd)
        load_blob(&in, 2, "inputs/initrd-content.bin", &c.initrd);
    g_autoptr(CcmCcaRealm) realm = NULL;
    if (ccm_cca_vmm_build(&c, &realm, &err) < 0)
        g_error("%s", err.message);
    bool saw_log = false, saw_initrd = false, saw_dtb = false;
    for (size_t i = 0; i < ccm_cca_realm_n_ops(realm); i++) {
        CcmCcaOp op;
        g_assert_cmpint(ccm_cca_realm_op(realm, i, &op), ==, 0);
        if (op.kind == CCM_CCA_OP_UNMEASURED) {
            g_assert_cmpuint(op.ipa, ==, l->log_ipa);
            g_assert_cmpuint(op.size, ==, 65536);
            g_assert_cmpuint(i, ==, ccm_cca_realm_n_ops(realm) - 1); /* after the REC */
            saw_log = true;
        }
        if (op.kind == CCM_CCA_OP_DATA && strcmp(op.name, "inputs/initrd-content.bin") == 0) {
            g_assert_cmpuint(op.ipa, ==, l->initrd_ipa);
            saw_initrd = true;
        }
        if (op.kind == CCM_CCA_OP_DATA && strcmp(op.name, l->dtb) == 0) {
            g_assert_cmpuint(op.ipa, ==, l->dtb_ipa);
            if (l->vmm == CCM_CCA_VMM_KVMTOOL)
                g_assert_cmpuint(op.size, ==, 65536);
            saw_dtb = true;
        }
        if (op.kind == CCM_CCA_OP_REC)
            g_assert_cmpuint(op.gprs[0], ==, l->firmware ? 0 : l->dtb_ipa);
    }
    g_assert_true(saw_log == l->log);
    g_assert_true(saw_initrd == l->initrd);
    g_assert_true(saw_dtb);
    Counts counts = { 0 };
    g_autofree char *rim = measure(realm, &counts);
    g_test_message("%s: %s", l->test, rim);
    g_assert_cmpuint(counts.ripas, ==, l->ripas_descriptors);
    for (size_t i = 0; i < G_N_ELEMENTS(in.files); i++)
        if (in.files[i])
            g_mapped_file_unref(in.files[i]);
}

int main(int argc, char **argv)
{
    gboolean skip_missing = FALSE;
    GOptionEntry entries[] = {
        { "data", 0, 0, G_OPTION_ARG_FILENAME, &arg_data, "vector folder", "DIR" },
        { "skip-missing", 0, 0, G_OPTION_ARG_NONE, &skip_missing, "exit 77 without DIR", NULL },
        { NULL },
    };
    g_test_init(&argc, &argv, NULL);
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error) || !arg_data)
        g_error("usage: test-cca-vectors --data DIR [--skip-missing]");
    g_autofree char *path = g_build_filename(arg_data, "vectors.json", NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        if (skip_missing) {
            g_printerr("%s is absent: skipped\n", path);
            return 77;
        }
        g_error("%s is absent", path);
    }
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    json_object *root = json_tokener_parse(text), *list = NULL;
    g_assert_nonnull(root);
    g_assert_cmpstr(str(root, "format"), ==, "cca-rim-vectors/1");
    g_assert_true(json_object_object_get_ex(root, "vectors", &list));
    vectors = root;
    g_assert_cmpuint(json_object_array_length(list), ==, 13);
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *v = json_object_array_get_idx(list, i);
        g_autofree char *t = g_strdup_printf("/cca/rim/%s", str(v, "name"));
        g_test_add_data_func(t, v, test_vector);
        if (str(v, "peer_cmdline")) {
            g_autofree char *p = g_strdup_printf("/cca/profile/%s", str(v, "name"));
            g_test_add_data_func(p, v, test_profile);
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(layouts); i++) {
        g_autofree char *t = g_strdup_printf("/cca/layout/%s", layouts[i].test);
        g_test_add_data_func(t, &layouts[i], test_layout);
    }
    int r = g_test_run();
    json_object_put(root);
    return r;
}
