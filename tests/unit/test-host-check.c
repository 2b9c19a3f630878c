/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-host-check.c - host checks on fake /dev, /sys, /proc and firmware trees */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "host-check.h"

#define AMD_SEV_FW "{ \"interface-types\": [\"uefi\"], \"features\": " \
                   "[\"amd-sev\", \"amd-sev-es\", \"amd-sev-snp\", \"verbose-dynamic\"] }"
#define TDX_FW "{ \"features\": [\"enrolled-keys\", \"intel-tdx\", \"secure-boot\"] }"
#define PLAIN_FW "{ \"features\": [\"acpi-s3\", \"amd-sev\"] }"

/* Writes ROOT/REL, creating its folders. */
static void put(const char *root, const char *rel, const char *content)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_file_set_contents(path, content, -1, &error);
    g_assert_no_error(error);
}

static char *make_root(const char *vendor, const char *flags)
{
    g_autoptr(GError) error = NULL;
    char *root = g_dir_make_tmp("ccm-host-XXXXXX", &error);
    g_autofree char *cpuinfo = NULL;

    g_assert_no_error(error);
    if (vendor) {
        cpuinfo = g_strdup_printf("processor\t: 0\nvendor_id\t: %s\nflags\t\t: %s\n\n"
                                  "processor\t: 1\nvendor_id\t: %s\nflags\t\t: fpu\n",
                                  vendor, flags, vendor);
        put(root, "proc/cpuinfo", cpuinfo);
    }
    return root;
}

/* A fake QEMU: a shell script with @body, executable. */
static char *make_qemu(const char *root, const char *body)
{
    g_autofree char *script = g_strconcat("#!/bin/sh\n", body, "\n", NULL);
    char *path = g_build_filename(root, "bin", "qemu-system-x86_64", NULL);

    put(root, "bin/qemu-system-x86_64", script);
    g_assert_cmpint(g_chmod(path, 0755), ==, 0);
    return path;
}

static char *make_qemu_version(const char *root, const char *version)
{
    g_autofree char *body = g_strdup_printf(
        "[ \"$1\" = --version ] || exit 1\n"
        "echo 'QEMU emulator version %s (fake)'\n"
        "echo 'Copyright (c) 2003-2024 Fabrice Bellard and the QEMU Project developers'",
        version);
    return make_qemu(root, body);
}

static void rm_rf(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        const char *name;
        while (dir && (name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            rm_rf(child);
        }
    }
    (void) g_remove(path);
}

static const CcmCheckItem *item(const CcmHostCheck *c, const char *id)
{
    const CcmCheckItem *i = ccm_host_check_find(c, id);
    if (!i)
        g_error("no item %s", id);
    return i;
}

static guint index_of(const CcmHostCheck *c, const char *id)
{
    for (guint i = 0; i < c->items->len; i++)
        if (strcmp(((const CcmCheckItem *) c->items->pdata[i])->id, id) == 0)
            return i;
    g_error("no item %s", id);
}

#define assert_item(c, id, st, text)                                             \
    do {                                                                         \
        const CcmCheckItem *i_ = item((c), (id));                                \
        g_assert_cmpstr(ccm_check_status_to_string(i_->status), ==, (st));       \
        if (!strstr(i_->reason, (text)))                                         \
            g_error("%s: '%s' is not in '%s'", (id), (text), i_->reason);        \
    } while (0)

#define assert_why_not(c, p, prefix)                                             \
    do {                                                                         \
        g_assert_false((c)->can_run[(p)]);                                       \
        if (!g_str_has_prefix((c)->why_not[(p)], (prefix)))                      \
            g_error("why not %s: '%s' does not start with '%s'",                 \
                    ccm_guest_platform_to_string(p), (c)->why_not[(p)], (prefix)); \
    } while (0)

/* An SEV host with SNP turned off in kvm_amd: SEV runs, SNP names the parameter. */
static void test_sev_host(void)
{
    g_autofree char *root = make_root("AuthenticAMD", "fpu svm sev sev_es sev_snp");
    put(root, "dev/kvm", "");
    put(root, "dev/sev", "");
    put(root, "sys/module/kvm_amd/parameters/sev", "Y\n");
    put(root, "sys/module/kvm_amd/parameters/sev_es", "Y\n");
    put(root, "sys/module/kvm_amd/parameters/sev_snp", "N\n");
    put(root, "usr/share/qemu/firmware/60-edk2-x86_64-amdsev.json", AMD_SEV_FW);
    g_autofree char *qemu = make_qemu_version(root, "9.2.0");
    CcmHostCheckOptions o = { .root = root, .qemu = qemu };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "kvm", "pass", "opens read-write");
    assert_item(c, "cpu", "info", "AuthenticAMD; virtualisation and confidential-computing "
                                  "flags: svm sev sev_es sev_snp");
    assert_item(c, "amd-sev", "pass", "kvm_amd.sev=Y");
    assert_item(c, "amd-sev-es", "pass", "kvm_amd.sev_es=Y");
    assert_item(c, "amd-sev-snp", "fail", "kvm_amd.sev_snp=N: disabled");
    assert_item(c, "amd-sev-device", "pass", "/dev/sev exists");
    assert_item(c, "intel-tdx", "skip", "not an Intel CPU (AuthenticAMD)");
    assert_item(c, "arm-cca", "skip", "not an Arm CPU");
    assert_item(c, "qemu", "pass", "is QEMU 9.2.0");
    g_assert_cmpstr(c->qemu_path, ==, qemu);
    g_assert_cmpint(c->qemu_major, ==, 9);
    g_assert_cmpint(c->qemu_minor, ==, 2);
    assert_item(c, "qemu-sev-snp", "pass", "QEMU 9.2 >= 9.1");
    /* TDX does not apply to an AMD host: its items are skipped, not failed. */
    assert_item(c, "qemu-tdx", "skip", "does not apply here (Intel TDX: not an Intel CPU "
                                       "(AuthenticAMD)); QEMU 9.2 is older than 10.1");
    assert_item(c, "firmware:60-edk2-x86_64-amdsev.json", "info",
                "amd-sev, amd-sev-es, amd-sev-snp, verbose-dynamic");
    assert_item(c, "firmware-sev-snp", "pass",
                "amd-sev-snp declared by 60-edk2-x86_64-amdsev.json");
    assert_item(c, "firmware-tdx", "skip", "declares intel-tdx");

    g_assert_true(c->can_run[CCM_GUEST_PLATFORM_NONE]);
    g_assert_null(c->why_not[CCM_GUEST_PLATFORM_NONE]);
    g_assert_true(c->can_run[CCM_GUEST_PLATFORM_SEV]);
    g_assert_true(c->can_run[CCM_GUEST_PLATFORM_SEV_ES]);
    assert_why_not(c, CCM_GUEST_PLATFORM_SEV_SNP, "AMD SEV-SNP: kvm_amd.sev_snp=N");
    assert_why_not(c, CCM_GUEST_PLATFORM_TDX, "Intel TDX: not an Intel CPU");
    assert_why_not(c, CCM_GUEST_PLATFORM_CCA, "Arm CCA: not an Arm CPU");
    g_assert_true(c->applicable[CCM_GUEST_PLATFORM_SEV_SNP]);
    g_assert_false(c->applicable[CCM_GUEST_PLATFORM_TDX]);
    g_assert_false(c->applicable[CCM_GUEST_PLATFORM_CCA]);

    /* Platforms an item matters for. */
    g_assert_cmpuint(item(c, "amd-sev-device")->platforms, ==,
                     CCM_PLATFORM_BIT(CCM_GUEST_PLATFORM_SEV) |
                         CCM_PLATFORM_BIT(CCM_GUEST_PLATFORM_SEV_ES) |
                         CCM_PLATFORM_BIT(CCM_GUEST_PLATFORM_SEV_SNP));
    g_assert_cmpuint(item(c, "qemu")->platforms, ==, CCM_PLATFORMS_ALL);
    g_assert_cmpuint(item(c, "cpu")->platforms, ==, 0);
    rm_rf(root);
}

/* No /dev/kvm, no /dev/sev, SEV-ES unknown to the CPU, no QEMU. */
static void test_missing_pieces(void)
{
    g_autofree char *root = make_root("AuthenticAMD", "fpu svm sev");
    put(root, "sys/module/kvm_amd/parameters/sev", "1\n");
    g_autofree char *qemu = g_build_filename(root, "no-such-qemu", NULL);
    CcmHostCheckOptions o = { .root = root, .qemu = qemu };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "kvm", "fail", "/dev/kvm does not exist");
    assert_item(c, "amd-sev", "pass", "kvm_amd.sev=1");
    assert_item(c, "amd-sev-es", "fail",
                "kvm_amd is not loaded or has no 'sev_es' parameter; the CPU does not report it");
    assert_item(c, "amd-sev-snp", "fail", "no 'sev_snp' parameter");
    assert_item(c, "amd-sev-device", "fail", "/dev/sev is missing");
    assert_item(c, "qemu", "fail", "no-such-qemu is not an executable file");
    assert_item(c, "qemu-sev", "skip", "no QEMU to check");
    assert_item(c, "firmware", "info", "none in ");
    g_assert_null(c->qemu_path);
    g_assert_cmpint(c->qemu_major, ==, -1);

    /* KVM is the first thing worth fixing; Platform=none only needs QEMU. */
    assert_why_not(c, CCM_GUEST_PLATFORM_SEV, "KVM: ");
    assert_why_not(c, CCM_GUEST_PLATFORM_NONE, "QEMU: ");
    rm_rf(root);
}

static void test_qemu_not_on_path(void)
{
    g_autofree char *root = make_root("AuthenticAMD", "fpu");
    CcmHostCheckOptions o = { .root = root, .qemu = "ccm-test-no-such-qemu" };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "qemu", "fail", "ccm-test-no-such-qemu is not on PATH");
    rm_rf(root);
}

/* A TDX host whose QEMU and firmware are new enough: TDX runs, AMD checks are skipped. */
static void test_tdx_host(void)
{
    g_autofree char *root = make_root("GenuineIntel", "fpu vmx tdx_host_platform");
    put(root, "dev/kvm", "");
    put(root, "sys/module/kvm_intel/parameters/tdx", "Y\n");
    put(root, "usr/share/qemu/firmware/60-edk2-x86_64-inteltdx.json", TDX_FW);
    g_autofree char *qemu = make_qemu_version(root, "10.1.2");
    CcmHostCheckOptions o = { .root = root, .qemu = qemu };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "cpu", "info", "GenuineIntel; virtualisation and confidential-computing "
                                  "flags: vmx tdx_host_platform");
    assert_item(c, "intel-tdx", "pass", "kvm_intel.tdx=Y");
    assert_item(c, "amd-sev", "skip", "not an AMD CPU (GenuineIntel)");
    assert_item(c, "amd-sev-device", "skip", "not an AMD CPU");
    assert_item(c, "qemu-tdx", "pass", "QEMU 10.1 >= 10.1");
    assert_item(c, "firmware-tdx", "pass", "intel-tdx declared by 60-edk2-x86_64-inteltdx.json");
    g_assert_true(c->can_run[CCM_GUEST_PLATFORM_TDX]);
    assert_why_not(c, CCM_GUEST_PLATFORM_SEV_SNP, "AMD SEV-SNP: not an AMD CPU");

    json_object *j = ccm_host_check_to_json(c), *platforms, *tdx, *snp, *v, *items;
    g_assert_true(json_object_object_get_ex(j, "format", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "ccm-host-check/1");
    g_assert_true(json_object_object_get_ex(j, "platforms", &platforms));
    g_assert_true(json_object_object_get_ex(platforms, "tdx", &tdx));
    g_assert_true(json_object_object_get_ex(tdx, "ok", &v));
    g_assert_true(json_object_get_boolean(v));
    g_assert_true(json_object_object_get_ex(tdx, "reason", &v));
    g_assert_null(v);
    g_assert_true(json_object_object_get_ex(platforms, "sev_snp", &snp));
    g_assert_true(json_object_object_get_ex(snp, "ok", &v));
    g_assert_false(json_object_get_boolean(v));
    g_assert_true(json_object_object_get_ex(snp, "reason", &v));
    g_assert_true(g_str_has_prefix(json_object_get_string(v), "AMD SEV-SNP: "));
    g_assert_true(json_object_object_get_ex(j, "items", &items));
    g_assert_cmpuint(json_object_array_length(items), ==, c->items->len);
    json_object *first = json_object_array_get_idx(items, 0);
    g_assert_true(json_object_object_get_ex(first, "id", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "kvm");
    g_assert_true(json_object_object_get_ex(first, "status", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, "pass");
    g_assert_true(json_object_object_get_ex(first, "platforms", &v));
    g_assert_cmpuint(json_object_array_length(v), ==, 5); /* every platform but none */
    json_object_put(j);
    rm_rf(root);
}

static void test_tdx_disabled(void)
{
    g_autofree char *root = make_root("GenuineIntel", "fpu vmx");
    put(root, "dev/kvm", "");
    put(root, "sys/module/kvm_intel/parameters/tdx", "N\n");
    g_autofree char *qemu = make_qemu_version(root, "10.0.13");
    CcmHostCheckOptions o = { .root = root, .qemu = qemu };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "intel-tdx", "fail", "kvm_intel.tdx=N: disabled");
    assert_item(c, "qemu-tdx", "fail", "QEMU 10.0 is older than 10.1");
    assert_item(c, "qemu-sev-snp", "skip", "does not apply here (AMD SEV-SNP: not an AMD CPU "
                                           "(GenuineIntel)); QEMU 10.0 >= 9.1");
    assert_why_not(c, CCM_GUEST_PLATFORM_TDX, "Intel TDX: kvm_intel.tdx=N");
    rm_rf(root);
}

/* The machine this project is built on: PVM KVM, QEMU 7.2, no CPU flags. */
static void test_pvm_kvm(void)
{
    g_autofree char *root = make_root("AuthenticAMD", "fpu");
    put(root, "dev/kvm", "");
    put(root, "sys/module/kvm_pvm/parameters/.keep", "");
    g_autofree char *qemu = make_qemu_version(root, "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)");
    CcmHostCheckOptions o = { .root = root, .qemu = qemu };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "kvm", "fail", "is PVM KVM (kvm_pvm)");
    assert_item(c, "cpu", "info", "flags: none");
    assert_item(c, "qemu", "pass", "is QEMU 7.2.22");
    assert_item(c, "qemu-sev", "pass", "QEMU 7.2 >= 2.12");
    assert_item(c, "qemu-sev-snp", "fail", "QEMU 7.2 is older than 9.1");
    /* Arm CCA and Intel TDX do not apply to an x86 AMD host: not applicable, not failed. */
    assert_item(c, "qemu-cca", "skip", "does not apply here (Arm CCA: not an Arm CPU "
                                       "(AuthenticAMD)); upstream QEMU has no rme-guest");
    g_assert_true(c->can_run[CCM_GUEST_PLATFORM_NONE]);
    for (int p = CCM_GUEST_PLATFORM_SEV; p <= CCM_GUEST_PLATFORM_SEV_SNP; p++)
        assert_why_not(c, p, "KVM: ");
    assert_why_not(c, CCM_GUEST_PLATFORM_TDX, "Intel TDX: not an Intel CPU (AuthenticAMD)");
    assert_why_not(c, CCM_GUEST_PLATFORM_CCA, "Arm CCA: not an Arm CPU (AuthenticAMD)");
    g_assert_false(c->applicable[CCM_GUEST_PLATFORM_CCA]);
    g_assert_true(c->applicable[CCM_GUEST_PLATFORM_SEV]);
    g_assert_true(c->applicable[CCM_GUEST_PLATFORM_NONE]);
    rm_rf(root);
}

/* Without /proc/cpuinfo the vendor is unknown: every vendor's checks run. */
static void test_unknown_vendor(void)
{
    g_autofree char *root = make_root(NULL, NULL);
    put(root, "sys/module/kvm_intel/parameters/tdx", "Y\n");
    CcmHostCheckOptions o = { .root = root, .qemu = "/nonexistent/qemu" };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "cpu", "info", "cpuinfo");
    assert_item(c, "amd-sev", "fail", "kvm_amd is not loaded");
    assert_item(c, "intel-tdx", "pass", "kvm_intel.tdx=Y");
    assert_item(c, "arm-cca", "fail", "cannot detect");
    rm_rf(root);
}

static void test_kvm_permission(void)
{
    if (geteuid() == 0) {
        g_test_skip("root opens any file");
        return;
    }
    g_autofree char *root = make_root("AuthenticAMD", "fpu svm");
    put(root, "dev/kvm", "");
    g_autofree char *kvm = g_build_filename(root, "dev", "kvm", NULL);
    g_assert_cmpint(g_chmod(kvm, 0444), ==, 0);
    CcmHostCheckOptions o = { .root = root, .qemu = "/nonexistent/qemu" };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "kvm", "fail", "cannot be opened read-write: ");
    rm_rf(root);
}

static void test_parse_version(void)
{
    static const struct {
        const char *text;
        int major, minor, micro;
    } good[] = {
        { "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)\nCopyright", 7, 2, 22 },
        { "QEMU emulator version 10.1.0\n", 10, 1, 0 },
        { "QEMU emulator version 9.1", 9, 1, 0 },
        { "qemu-system-x86_64: warning\nQEMU emulator version 11.1.3 (v11.1.3)", 11, 1, 3 },
    };
    static const char *const bad[] = {
        "", "QEMU emulator version", "QEMU emulator version 9", "QEMU emulator version x.y",
        "qemu 9.1.0", "QEMU emulator version 99999.1.0",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autoptr(GError) error = NULL;
        int major = -1, minor = -1, micro = -1;
        g_assert_true(ccm_host_check_parse_qemu_version(good[i].text, &major, &minor, &micro,
                                                        &error));
        g_assert_no_error(error);
        g_assert_cmpint(major, ==, good[i].major);
        g_assert_cmpint(minor, ==, good[i].minor);
        g_assert_cmpint(micro, ==, good[i].micro);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        int major = -1, minor = -1, micro = -1;
        g_assert_false(ccm_host_check_parse_qemu_version(bad[i], &major, &minor, &micro, &error));
        g_assert_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_VERSION);
        g_assert_cmpint(major, ==, -1);
    }
}

/* A QEMU that fails, prints something else, or hangs: the reason says which. */
static void test_qemu_misbehaves(void)
{
    g_autofree char *root = make_root("AuthenticAMD", "fpu");
    g_autoptr(GError) error = NULL;
    int major, minor, micro;

    g_autofree char *failing = make_qemu(root, "echo 'cannot load module' >&2; exit 3");
    g_assert_false(ccm_host_check_qemu_version(failing, 5, &major, &minor, &micro, &error));
    g_assert_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_FAILED);
    g_assert_nonnull(strstr(error->message, "exited with code 3: cannot load module"));
    g_clear_error(&error);

    g_autofree char *chatty = make_qemu(root, "echo 'Usage: not qemu'");
    g_assert_false(ccm_host_check_qemu_version(chatty, 5, &major, &minor, &micro, &error));
    g_assert_error(error, CCM_HOST_CHECK_ERROR, CCM_HOST_CHECK_ERROR_QEMU_VERSION);
    g_assert_nonnull(strstr(error->message, "('Usage: not qemu')"));
    g_clear_error(&error);

    g_autofree char *hanging = make_qemu(root, "exec sleep 30");
    gint64 start = g_get_monotonic_time();
    CcmHostCheckOptions o = { .root = root, .qemu = hanging, .qemu_timeout_s = 1 };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);
    assert_item(c, "qemu", "fail", "--version' did not finish within 1 seconds");
    g_assert_cmpint(g_get_monotonic_time() - start, <, 10 * G_USEC_PER_SEC);
    assert_why_not(c, CCM_GUEST_PLATFORM_NONE, "QEMU: ");
    rm_rf(root);
}

/* Descriptors: sorted by name, /etc wins over /usr/share, an empty file disables, and a
 * malformed one is listed as ignored. */
static void test_firmware_descriptors(void)
{
    g_autofree char *root = make_root("AuthenticAMD", "fpu");
    put(root, "usr/share/qemu/firmware/60-edk2-x86_64-amdsev.json", AMD_SEV_FW);
    put(root, "usr/share/qemu/firmware/60-edk2-x86_64.json", PLAIN_FW);
    put(root, "usr/share/qemu/firmware/70-broken.json", "{ \"features\": ");
    put(root, "usr/share/qemu/firmware/80-no-features.json", "{ \"description\": \"x\" }");
    put(root, "usr/share/qemu/firmware/README", "not a descriptor");
    put(root, "etc/qemu/firmware/60-edk2-x86_64-amdsev.json", "");
    put(root, "etc/qemu/firmware/10-local-tdx.json", TDX_FW);
    CcmHostCheckOptions o = { .root = root, .qemu = "/nonexistent/qemu" };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    assert_item(c, "firmware:10-local-tdx.json", "info", "etc/qemu/firmware/10-local-tdx.json: "
                                                         "enrolled-keys, intel-tdx, secure-boot");
    assert_item(c, "firmware:60-edk2-x86_64-amdsev.json", "info", "is empty: disables");
    assert_item(c, "firmware:60-edk2-x86_64.json", "info", "acpi-s3, amd-sev");
    assert_item(c, "firmware:70-broken.json", "info", "ignored: ");
    assert_item(c, "firmware:70-broken.json", "info", "is not JSON");
    assert_item(c, "firmware:80-no-features.json", "info", "has no \"features\" array");
    g_assert_null(ccm_host_check_find(c, "firmware:README"));
    assert_item(c, "firmware-sev", "pass", "amd-sev declared by 60-edk2-x86_64.json");
    assert_item(c, "firmware-sev-snp", "fail", "/usr/share/qemu/firmware, ");
    /* (skipped: TDX does not apply to this AMD host) */
    assert_item(c, "firmware-tdx", "skip", "intel-tdx declared by 10-local-tdx.json");

    /* In file-name order, descriptors before the per-feature items. */
    g_assert_cmpuint(index_of(c, "firmware:10-local-tdx.json"), <,
                     index_of(c, "firmware:60-edk2-x86_64.json"));
    g_assert_cmpuint(index_of(c, "firmware:80-no-features.json"), <,
                     index_of(c, "firmware-sev"));
    rm_rf(root);
}

/* A later caller (the QMP probe) adds items and summarises again. */
static void test_added_items(void)
{
    g_autofree char *root = make_root("AuthenticAMD", "fpu svm sev");
    put(root, "dev/kvm", "");
    put(root, "dev/sev", "");
    put(root, "sys/module/kvm_amd/parameters/sev", "Y\n");
    put(root, "usr/share/qemu/firmware/60-edk2-x86_64.json", PLAIN_FW);
    g_autofree char *qemu = make_qemu_version(root, "7.2.22");
    CcmHostCheckOptions o = { .root = root, .qemu = qemu };
    g_autoptr(CcmHostCheck) c = ccm_host_check_run(&o);

    g_assert_true(c->can_run[CCM_GUEST_PLATFORM_SEV]);
    ccm_host_check_add_qemu_caps(c, NULL, "QEMU exited before answering QMP");
    assert_item(c, "qemu-qmp", "fail", "QEMU exited before answering QMP");
    assert_why_not(c, CCM_GUEST_PLATFORM_SEV, "QEMU QMP probe: QEMU exited");
    g_assert_true(c->can_run[CCM_GUEST_PLATFORM_NONE]);

    ccm_host_check_add(c, "extra", "extra fact", CCM_CHECK_FAIL,
                       CCM_PLATFORM_BIT(CCM_GUEST_PLATFORM_NONE), "made up for the test");
    ccm_host_check_add(c, "harmless", "harmless fact", CCM_CHECK_INFO, CCM_PLATFORMS_ALL, "ok");
    ccm_host_check_summarise(c);
    assert_why_not(c, CCM_GUEST_PLATFORM_NONE, "extra fact: made up for the test");
    assert_why_not(c, CCM_GUEST_PLATFORM_SEV, "QEMU QMP probe: ");
    rm_rf(root);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/host-check/sev-host", test_sev_host);
    g_test_add_func("/host-check/missing-pieces", test_missing_pieces);
    g_test_add_func("/host-check/qemu-not-on-path", test_qemu_not_on_path);
    g_test_add_func("/host-check/tdx-host", test_tdx_host);
    g_test_add_func("/host-check/tdx-disabled", test_tdx_disabled);
    g_test_add_func("/host-check/pvm-kvm", test_pvm_kvm);
    g_test_add_func("/host-check/unknown-vendor", test_unknown_vendor);
    g_test_add_func("/host-check/kvm-permission", test_kvm_permission);
    g_test_add_func("/host-check/parse-version", test_parse_version);
    g_test_add_func("/host-check/qemu-misbehaves", test_qemu_misbehaves);
    g_test_add_func("/host-check/firmware-descriptors", test_firmware_descriptors);
    g_test_add_func("/host-check/added-items", test_added_items);
    return g_test_run();
}
