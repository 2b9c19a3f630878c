/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-host-check.c - host checks on fake /dev, /sys and /proc trees */
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "host-check.h"

static char *make_root(const char *vendor, const char *flags, const char *module,
                       const char *const *params, bool kvm, bool sev_dev)
{
    char *root = g_dir_make_tmp("ccm-host-XXXXXX", NULL);
    g_autofree char *proc = g_build_filename(root, "proc", NULL);
    g_autofree char *dev = g_build_filename(root, "dev", NULL);
    g_mkdir_with_parents(proc, 0755);
    g_mkdir_with_parents(dev, 0755);
    g_autofree char *cpuinfo = g_strdup_printf("processor\t: 0\nvendor_id\t: %s\nflags\t\t: %s\n",
                                               vendor, flags);
    g_autofree char *cpuinfo_path = g_build_filename(proc, "cpuinfo", NULL);
    g_assert_true(g_file_set_contents(cpuinfo_path, cpuinfo, -1, NULL));
    if (kvm) {
        g_autofree char *p = g_build_filename(dev, "kvm", NULL);
        g_assert_true(g_file_set_contents(p, "", 0, NULL));
    }
    if (sev_dev) {
        g_autofree char *p = g_build_filename(dev, "sev", NULL);
        g_assert_true(g_file_set_contents(p, "", 0, NULL));
    }
    if (module) {
        g_autofree char *dir = g_build_filename(root, "sys", "module", module, "parameters", NULL);
        g_mkdir_with_parents(dir, 0755);
        for (size_t i = 0; params && params[i]; i += 2) {
            g_autofree char *p = g_build_filename(dir, params[i], NULL);
            g_autofree char *v = g_strconcat(params[i + 1], "\n", NULL);
            g_assert_true(g_file_set_contents(p, v, -1, NULL));
        }
    }
    return root;
}

static void remove_root(char *root)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);
    (void) !system(cmd);
    g_free(root);
}

static const CcmCheckItem *item(const CcmHostCheck *c, const char *id)
{
    for (guint i = 0; i < c->items->len; i++)
        if (strcmp(((CcmCheckItem *) c->items->pdata[i])->id, id) == 0)
            return c->items->pdata[i];
    g_error("no item %s", id);
}

static void test_snp_host_without_firmware(void)
{
    const char *params[] = { "sev", "Y", "sev_es", "Y", "sev_snp", "N", NULL };
    char *root = make_root("AuthenticAMD", "fpu svm sev sev_es sev_snp", "kvm_amd", params,
                           true, true);
    const char *no_dirs[] = { root, NULL }; /* no descriptors there */
    CcmHostCheckOptions o = { .root = root, .caps_error = "QEMU not probed in this test",
                              .firmware_dirs = no_dirs };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    g_assert_cmpint(item(c, "kvm")->status, ==, CCM_CHECK_PASS);
    g_assert_cmpint(item(c, "amd-sev")->status, ==, CCM_CHECK_PASS);
    g_assert_cmpint(item(c, "amd-sev-es")->status, ==, CCM_CHECK_PASS);
    g_assert_cmpint(item(c, "amd-sev-snp")->status, ==, CCM_CHECK_FAIL);
    g_assert_nonnull(strstr(item(c, "amd-sev-snp")->reason, "kvm_amd.sev_snp=N"));
    g_assert_nonnull(strstr(item(c, "cpu")->reason, "sev sev_es sev_snp"));
    g_assert_cmpint(item(c, "intel-tdx")->status, ==, CCM_CHECK_FAIL);
    g_assert_false(c->can_run[CCM_GUEST_PLATFORM_SEV_SNP]);
    g_assert_true(g_str_has_prefix(c->why_not[CCM_GUEST_PLATFORM_SEV_SNP], "AMD SEV-SNP: "));
    /* SEV's host side is there; QEMU (not probed here) is what is missing. */
    g_assert_false(c->can_run[CCM_GUEST_PLATFORM_SEV]);
    g_assert_true(g_str_has_prefix(c->why_not[CCM_GUEST_PLATFORM_SEV], "QEMU SEV/SEV-ES: "));
    g_assert_false(c->can_run[CCM_GUEST_PLATFORM_NONE]);
    remove_root(root);
}

static void test_missing_pieces(void)
{
    const char *params[] = { "sev", "1", NULL };
    char *root = make_root("AuthenticAMD", "fpu svm", "kvm_amd", params, false, false);
    CcmHostCheckOptions o = { .root = root };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    g_assert_cmpint(item(c, "kvm")->status, ==, CCM_CHECK_FAIL);
    g_assert_nonnull(strstr(item(c, "kvm")->reason, "does not exist"));
    g_assert_nonnull(strstr(item(c, "amd-sev")->reason, "/dev/sev is missing"));
    g_assert_nonnull(strstr(item(c, "amd-sev-es")->reason, "the CPU does not report it"));
    g_assert_true(g_str_has_prefix(c->why_not[CCM_GUEST_PLATFORM_SEV], "KVM: "));
    remove_root(root);
}

static void test_intel(void)
{
    const char *params[] = { "tdx", "Y", NULL };
    char *root = make_root("GenuineIntel", "vmx tdx_host_platform", "kvm_intel", params, true,
                           false);
    CcmHostCheckOptions o = { .root = root };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    g_assert_cmpint(item(c, "intel-tdx")->status, ==, CCM_CHECK_PASS);
    g_assert_cmpint(item(c, "amd-sev")->status, ==, CCM_CHECK_FAIL);
    g_assert_nonnull(strstr(item(c, "amd-sev")->reason, "not an AMD CPU"));

    json_object *j = ccm_host_check_to_json(c), *platforms, *tdx, *ok;
    g_assert_true(json_object_object_get_ex(j, "platforms", &platforms));
    g_assert_true(json_object_object_get_ex(platforms, "tdx", &tdx));
    g_assert_true(json_object_object_get_ex(tdx, "ok", &ok));
    g_assert_false(json_object_get_boolean(ok)); /* no QEMU, no firmware in this tree */
    json_object_put(j);
    remove_root(root);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/host-check/snp-host-without-firmware", test_snp_host_without_firmware);
    g_test_add_func("/host-check/missing-pieces", test_missing_pieces);
    g_test_add_func("/host-check/intel", test_intel);
    return g_test_run();
}
