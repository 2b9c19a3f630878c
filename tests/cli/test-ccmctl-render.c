/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-ccmctl-render.c - `ccmctl render` agrees with `ccmctl measure` and `ccmctl host-check`
 *
 * render refuses, with measure's own message, every spec measure refuses (files that do
 * not exist, a kernel measured by firmware without a kernel-hashes table); host-check
 * lists the firmware descriptors render chooses from; the libvirt XML's <emulator> is the
 * QEMU on PATH; and a spec whose ID block is signed renders to the same bytes each time.
 */
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli-test.h"

static char *tmpdir;

typedef CcmctlResult Result;

#define RUN(...) ccmctl_run(NULL, NULL, (const char *const[]) { __VA_ARGS__, NULL })
#define RUN_ENV(env, ...) ccmctl_run((env), NULL, (const char *const[]) { __VA_ARGS__, NULL })

static char *data(const char *first, ...)
{
    g_autoptr(GPtrArray) parts = g_ptr_array_new();
    va_list ap;

    g_ptr_array_add(parts, (gpointer) g_getenv("CCM_TEST_DATA"));
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *))
        g_ptr_array_add(parts, (gpointer) p);
    va_end(ap);
    g_ptr_array_add(parts, NULL);
    return g_build_filenamev((char **) parts->pdata);
}

#define AMDSEV_FW "snp", "fixtures-sev-snp-measure", "ovmf_AmdSev_suffix.bin"
#define OVMFX64_FW "snp", "fixtures-sev-snp-measure", "ovmf_OvmfX64_suffix.bin"

static char *write_spec(const char *name, const char *text)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* An SEV-SNP spec with kernel boot (@firmware NULL: chosen from the descriptors);
 * KernelHashes= takes its default, yes with Kernel=. */
static char *snp_spec(const char *name, const char *firmware, const char *kernel,
                      const char *initrd, const char *extra)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_string_append_printf(text, "[Guest]\nName=%s\nPlatform=sev-snp\nCPUModel=EPYC-Milan\n"
                                 "VCPUs=1\nMemory=1G\nKernel=%s\nCmdline=console=ttyS0\n",
                           name, kernel);
    if (firmware)
        g_string_append_printf(text, "Firmware=%s\n", firmware);
    if (initrd)
        g_string_append_printf(text, "Initrd=%s\n", initrd);
    g_string_append_printf(text, "[SEV-SNP]\nPolicy=0x30000\nCBitPos=51\nReducedPhysBits=1\n%s",
                           extra ? extra : "");
    g_autofree char *file = g_strconcat(name, ".guest", NULL);
    return write_spec(file, text->str);
}

/* What `ccmctl COMMAND` says after its "ccmctl COMMAND: " prefix. */
static const char *message(const Result *r, const char *command)
{
    g_autofree char *prefix = g_strdup_printf("ccmctl %s: ", command);
    g_assert_true(g_str_has_prefix(r->err, prefix));
    return r->err + strlen(prefix);
}

/*
 * @spec is refused by measure, and by render --qemu and --libvirt with the same message
 * (exit 1, nothing on stdout), which contains @needle.
 */
static void assert_refused_alike(const char *spec, const char *needle)
{
    g_autofree char *caps = data("qmp", "11.1_x86_64.replies", NULL);
    g_auto(CcmctlResult) m = RUN("measure", spec);
    g_auto(CcmctlResult) q = RUN("render", spec, "--qemu", "--caps", caps);
    g_auto(CcmctlResult) l = RUN("render", spec, "--libvirt", "--libvirt-version", "12.0.0");

    g_assert_cmpint(m.status, ==, 1);
    g_assert_nonnull(strstr(m.err, needle));
    const Result *renders[] = { &q, &l };
    for (size_t i = 0; i < G_N_ELEMENTS(renders); i++) {
        g_assert_cmpint(renders[i]->status, ==, 1);
        g_assert_cmpstr(renders[i]->out, ==, "");
        g_assert_cmpstr(message(renders[i], "render"), ==, message(&m, "measure"));
    }
}

/* Kernel= with firmware that has no kernel-hashes table: measure refuses it, so render
 * must not print a kernel-hashes=on command line for it. */
static void test_kernel_hashes_firmware(void)
{
    g_autofree char *fw = data(OVMFX64_FW, NULL);
    g_autofree char *kernel = data("snp", "inputs", "empty.bin", NULL);
    g_autofree char *spec = snp_spec("nohashes", fw, kernel, NULL, NULL);

    assert_refused_alike(spec, "SNP_KERNEL_HASHES");

    /* The same firmware without kernel hashes renders (and measures). */
    g_autofree char *caps = data("qmp", "11.1_x86_64.replies", NULL);
    g_autofree char *plain = snp_spec("plain", fw, kernel, NULL, "KernelHashes=no\n");
    g_auto(CcmctlResult) m = RUN("measure", plain);
    g_auto(CcmctlResult) q = RUN("render", plain, "--qemu", "--caps", caps);
    g_assert_cmpint(m.status, ==, 0);
    g_assert_cmpint(q.status, ==, 0);
    g_assert_null(strstr(q.out, "kernel-hashes"));
}

/* Each file the guest boots from must exist: one error naming the key and the file. */
static void test_missing_files(void)
{
    g_autofree char *fw = data(AMDSEV_FW, NULL);
    g_autofree char *kernel = data("snp", "inputs", "empty.bin", NULL);
    g_autofree char *initrd = data("snp", "inputs", "initrd-test.cpio.gz", NULL);
    g_autofree char *gone_kernel = g_build_filename(tmpdir, "gone-vmlinuz", NULL);
    g_autofree char *gone_initrd = g_build_filename(tmpdir, "gone-initrd.img", NULL);
    g_autofree char *gone_fw = g_build_filename(tmpdir, "gone-OVMF.fd", NULL);
    struct {
        const char *name, *firmware, *kernel, *initrd, *needle_key, *needle_file, *why;
    } cases[] = {
        { "no-kernel", fw, gone_kernel, NULL, "[Guest] Kernel=", gone_kernel,
          "No such file or directory" },
        { "no-initrd", fw, kernel, gone_initrd, "[Guest] Initrd=", gone_initrd,
          "No such file or directory" },
        { "no-firmware", gone_fw, kernel, initrd, "[Guest] Firmware=", gone_fw,
          "No such file or directory" },
        { "dir-kernel", fw, tmpdir, NULL, "[Guest] Kernel=", tmpdir, "is a directory" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *spec = snp_spec(cases[i].name, cases[i].firmware, cases[i].kernel,
                                         cases[i].initrd, NULL);
        g_autofree char *quoted = g_strdup_printf("'%s': %s", cases[i].needle_file,
                                                  cases[i].why);
        assert_refused_alike(spec, quoted);
        g_auto(CcmctlResult) q = RUN("render", spec, "--qemu", "--caps", "/nonexistent");
        /* The key is named with its line, and checked before any QEMU is asked. */
        g_autofree char *where = g_strdup_printf("%s:", spec);
        g_assert_true(g_str_has_prefix(message(&q, "render"), where));
        g_assert_nonnull(strstr(q.err, cases[i].needle_key));
        g_assert_nonnull(strstr(q.err, quoted));
        g_assert_null(strstr(q.err, "/nonexistent"));
    }
}

/* host-check lists the descriptors in $XDG_CONFIG_HOME/qemu/firmware, the folder render
 * and measure choose a spec's firmware from. */
static void test_firmware_search_path(void)
{
    g_autofree char *config = g_build_filename(tmpdir, "config", NULL);
    g_autofree char *fw_dir = g_build_filename(config, "qemu", "firmware", NULL);
    g_autofree char *descriptor = g_build_filename(fw_dir, "00-ccm-test-snp.json", NULL);
    g_autofree char *fw = data(AMDSEV_FW, NULL);
    g_autofree char *kernel = data("snp", "inputs", "empty.bin", NULL);
    g_autofree char *caps = data("qmp", "11.1_x86_64.replies", NULL);
    g_autofree char *json = g_strdup_printf(
        "{ \"description\": \"ccm test: SEV-SNP\", \"interface-types\": [ \"uefi\" ],\n"
        "  \"mapping\": { \"device\": \"memory\", \"filename\": \"%s\" },\n"
        "  \"targets\": [ { \"architecture\": \"x86_64\", \"machines\": [ \"pc-q35-*\" ] } ],\n"
        "  \"features\": [ \"amd-sev\", \"amd-sev-es\", \"amd-sev-snp\" ], \"tags\": [] }\n",
        fw);
    g_assert_cmpint(g_mkdir_with_parents(fw_dir, 0700), ==, 0);
    g_assert_true(g_file_set_contents(descriptor, json, -1, NULL));
    g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "XDG_CONFIG_HOME", config, TRUE);

    g_autofree char *spec = snp_spec("chosen", NULL, kernel, NULL, NULL);
    g_auto(CcmctlResult) q = RUN_ENV(env, "render", spec, "--qemu", "--caps", caps, "--explain");
    g_assert_cmpint(q.status, ==, 0);
    g_autofree char *bios = g_strdup_printf(" -bios %s ", fw);
    g_assert_nonnull(strstr(q.out, bios));
    g_assert_nonnull(strstr(q.err, "00-ccm-test-snp.json"));

    g_auto(CcmctlResult) h = RUN_ENV(env, "host-check");
    g_assert_nonnull(strstr(h.out, descriptor));
    g_auto(CcmctlResult) hj = RUN_ENV(env, "host-check", "--json");
    g_assert_nonnull(strstr(hj.out, descriptor));

    g_unlink(descriptor);
}

/* The libvirt XML runs the QEMU on PATH (the one ccm probes), not a fixed path. */
static void test_emulator(void)
{
    g_autofree char *bin = g_build_filename(tmpdir, "bin", NULL);
    g_autofree char *qemu = g_build_filename(bin, "qemu-system-x86_64", NULL);
    g_autofree char *guest = data("guests", "sev.guest", NULL);
    g_assert_cmpint(g_mkdir_with_parents(bin, 0700), ==, 0);
    g_assert_true(g_file_set_contents(qemu, "#!/bin/sh\nexit 1\n", -1, NULL));
    g_assert_cmpint(g_chmod(qemu, 0755), ==, 0);
    g_autofree char *path = g_strconcat(bin, ":", g_getenv("PATH"), NULL);
    g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "PATH", path, TRUE);

    g_auto(CcmctlResult) l = RUN_ENV(env, "render", guest, "--libvirt", "--libvirt-version", "12.0.0");
    g_assert_cmpint(l.status, ==, 0);
    g_autofree char *emulator = g_strdup_printf("<emulator>%s</emulator>", qemu);
    g_assert_nonnull(strstr(l.out, emulator));

    /* QEMU= names it: that path, whatever PATH says. */
    g_autofree char *named = g_build_filename(bin, "qemu-named", NULL);
    g_assert_true(g_file_set_contents(named, "#!/bin/sh\nexit 1\n", -1, NULL));
    g_assert_cmpint(g_chmod(named, 0755), ==, 0);
    g_autofree char *fw = data(AMDSEV_FW, NULL);
    g_autofree char *text = g_strdup_printf("[Guest]\nPlatform=none\nFirmware=%s\nQEMU=%s\n",
                                            fw, named);
    g_autofree char *spec = write_spec("named-qemu.guest", text);
    g_auto(CcmctlResult) n = RUN_ENV(env, "render", spec, "--libvirt", "--libvirt-version", "12.0.0");
    g_assert_cmpint(n.status, ==, 0);
    g_autofree char *named_emulator = g_strdup_printf("<emulator>%s</emulator>", named);
    g_assert_nonnull(strstr(n.out, named_emulator));

    g_unlink(named);
    g_unlink(qemu);
    g_rmdir(bin);
}

static char *new_key(const char *name)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    char *path = g_build_filename(tmpdir, name, NULL);
    FILE *f = fopen(path, "w");

    g_assert_nonnull(f);
    g_assert_true(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL));
    fclose(f);
    g_assert_cmpint(g_chmod(path, 0600), ==, 0);
    EVP_PKEY_free(key);
    return path;
}

/* An ID block signed at render time: the same spec renders to the same bytes. */
static void test_id_auth_deterministic(void)
{
    g_autofree char *fw = data(AMDSEV_FW, NULL);
    g_autofree char *kernel = data("snp", "inputs", "empty.bin", NULL);
    g_autofree char *caps = data("qmp", "11.1_x86_64.replies", NULL);
    g_autofree char *id = new_key("id.pem");
    g_autofree char *author = new_key("author.pem");
    g_autofree char *keys = g_strdup_printf("IdKey=%s\nAuthorKey=%s\n", id, author);
    g_autofree char *spec = snp_spec("signed", fw, kernel, NULL, keys);

    g_auto(CcmctlResult) q1 = RUN("render", spec, "--qemu", "--caps", caps);
    g_auto(CcmctlResult) q2 = RUN("render", spec, "--qemu", "--caps", caps);
    g_assert_cmpint(q1.status, ==, 0);
    g_assert_cmpint(q2.status, ==, 0);
    g_assert_nonnull(strstr(q1.out, "\"id-auth\":\""));
    g_assert_true(strcmp(q1.out, q2.out) == 0); /* kilobytes: no dump */

    g_auto(CcmctlResult) l1 = RUN("render", spec, "--libvirt", "--libvirt-version", "12.0.0");
    g_auto(CcmctlResult) l2 = RUN("render", spec, "--libvirt", "--libvirt-version", "12.0.0");
    g_assert_cmpint(l1.status, ==, 0);
    g_assert_nonnull(strstr(l1.out, "<idAuth>"));
    g_assert_true(strcmp(l1.out, l2.out) == 0);

    /* ccmctl snp-id-block signs the same way. */
    static const char measurement[] = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c"
                                      "1d1e1f202122232425262728292a2b2c2d2e2f30";
    g_auto(CcmctlResult) s1 = RUN("snp-id-block", "--measurement", measurement, "--policy", "0x30000",
                            "--id-key", id, "--author-key", author);
    g_auto(CcmctlResult) s2 = RUN("snp-id-block", "--measurement", measurement, "--policy", "0x30000",
                            "--id-key", id, "--author-key", author);
    g_assert_cmpint(s1.status, ==, 0);
    g_assert_cmpstr(s1.out, ==, s2.out);

    g_unlink(id);
    g_unlink(author);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("ccm-render-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    g_test_add_func("/ccmctl-render/kernel-hashes-firmware", test_kernel_hashes_firmware);
    g_test_add_func("/ccmctl-render/missing-files", test_missing_files);
    g_test_add_func("/ccmctl-render/firmware-search-path", test_firmware_search_path);
    g_test_add_func("/ccmctl-render/emulator", test_emulator);
    g_test_add_func("/ccmctl-render/id-auth-deterministic", test_id_auth_deterministic);
    int r = g_test_run();

    ccm_test_rm_tree(tmpdir);
    g_free(tmpdir);
    return r;
}
