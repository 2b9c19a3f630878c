/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-firmware-descriptor.c - firmware selection from QEMU firmware descriptors
 *
 * Uses Debian sid's real descriptors (tests/data/firmware-descriptors), with their
 * image paths pointed into a temporary folder, plus hand-made variations.
 */
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "firmware-descriptor.h"

static char *tmp;

/* Copies @name from the data folder into @dir, with /usr/share/ovmf/ replaced by the
 * temporary images folder (whose images are created). */
static void install_descriptor(const char *dir, const char *name)
{
    g_autofree char *src =
        g_test_build_filename(G_TEST_DIST, "..", "data", "firmware-descriptors", name, NULL);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(src, &text, NULL, NULL));
    g_autofree char *images = g_build_filename(tmp, "images", NULL);
    g_autofree char *images_slash = g_strconcat(images, "/", NULL);
    g_auto(GStrv) parts = g_strsplit(text, "/usr/share/OVMF/", -1);
    g_autofree char *a = g_strjoinv(images_slash, parts);
    g_auto(GStrv) parts2 = g_strsplit(a, "/usr/share/ovmf/", -1);
    g_autofree char *b = g_strjoinv(images_slash, parts2);
    g_autofree char *dst = g_build_filename(dir, name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(dst, b, -1, NULL));
}

static void make_images(void)
{
    const char *names[] = { "OVMF_CODE_4M.ms.fd", "OVMF_VARS_4M.ms.fd", "OVMF_CODE_4M.secboot.fd",
                            "OVMF_VARS_4M.fd", "OVMF_CODE_4M.fd", "OVMF.amdsev.fd",
                            "OVMF.inteltdx.ms.fd" };
    g_autofree char *images = g_build_filename(tmp, "images", NULL);
    g_assert_cmpint(g_mkdir_with_parents(images, 0755), ==, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *p = g_build_filename(images, names[i], NULL);
        g_assert_true(g_file_set_contents(p, "fw", -1, NULL));
    }
}

static char *sid_dir(void)
{
    const char *names[] = { "40-edk2-x86_64-secure-enrolled.json", "50-edk2-x86_64-secure.json",
                            "60-edk2-x86_64-amdsev.json", "60-edk2-x86_64-inteltdx.json",
                            "60-edk2-x86_64.json" };
    char *dir = g_build_filename(tmp, "sid", NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        install_descriptor(dir, names[i]);
    return dir;
}

static CcmFirmwareChoice *select_in(const char *dir1, const char *dir2, const char *feature,
                                    bool prefer_memory, GError **error)
{
    const char *dirs[] = { dir1, dir2, NULL };
    const char *features[] = { feature, NULL };
    return ccm_firmware_descriptor_select(dirs, "x86_64", "q35", feature ? features : NULL,
                                          prefer_memory, error);
}

static void test_sid(void)
{
    g_autofree char *dir = sid_dir();
    g_autoptr(GError) error = NULL;

    g_autoptr(CcmFirmwareChoice) snp = select_in(dir, NULL, "amd-sev-snp", true, &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_suffix(snp->path, "/OVMF.amdsev.fd"));
    g_assert_false(snp->flash);
    g_assert_true(g_str_has_prefix(snp->reason, "60-edk2-x86_64-amdsev.json: "));

    g_autoptr(CcmFirmwareChoice) tdx = select_in(dir, NULL, "intel-tdx", true, &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_suffix(tdx->path, "/OVMF.inteltdx.ms.fd"));

    /* amd-sev: flash builds list it too; the stateless one wins only when preferred. */
    g_autoptr(CcmFirmwareChoice) sev_mem = select_in(dir, NULL, "amd-sev", true, &error);
    g_assert_false(sev_mem->flash);
    g_autoptr(CcmFirmwareChoice) sev_first = select_in(dir, NULL, "amd-sev", false, &error);
    g_assert_true(sev_first->flash);
    g_assert_true(g_str_has_suffix(sev_first->path, "/OVMF_CODE_4M.ms.fd"));
    g_assert_true(g_str_has_suffix(sev_first->nvram_template, "/OVMF_VARS_4M.ms.fd"));

    g_autoptr(CcmFirmwareChoice) none = select_in(dir, NULL, "amd-sev-es-x", true, &error);
    g_assert_null(none);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "lists amd-sev-es-x for x86_64 q35"));
    g_assert_nonnull(strstr(error->message, "5 descriptors"));
}

static void test_machine_and_arch(void)
{
    g_autofree char *dir = sid_dir();
    g_autoptr(GError) error = NULL;
    const char *features[] = { "amd-sev-snp", NULL };

    g_autoptr(CcmFirmwareChoice) versioned = ccm_firmware_descriptor_select(
        (const char *const[]) { dir, NULL }, "x86_64", "pc-q35-9.2", features, true, &error);
    g_assert_nonnull(versioned);
    g_autoptr(CcmFirmwareChoice) i440fx = ccm_firmware_descriptor_select(
        (const char *const[]) { dir, NULL }, "x86_64", "pc-i440fx-9.2", features, true, &error);
    g_assert_null(i440fx);
    g_clear_error(&error);
    g_autoptr(CcmFirmwareChoice) arm = ccm_firmware_descriptor_select(
        (const char *const[]) { dir, NULL }, "aarch64", "virt", features, true, &error);
    g_assert_null(arm);
}

static void test_override_and_disable(void)
{
    g_autofree char *dir = sid_dir();
    g_autofree char *etc = g_build_filename(tmp, "etc", NULL);
    g_autofree char *empty = g_build_filename(etc, "60-edk2-x86_64-amdsev.json", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(g_mkdir_with_parents(etc, 0755), ==, 0);
    /* An empty file of the same name in a later folder hides the descriptor. */
    g_assert_true(g_file_set_contents(empty, "", 0, NULL));
    g_autoptr(CcmFirmwareChoice) hidden = select_in(dir, etc, "amd-sev-snp", true, &error);
    g_assert_null(hidden);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_clear_error(&error);

    /* A replacement of the same name wins. */
    g_autofree char *images = g_build_filename(tmp, "images", NULL);
    g_autofree char *own = g_strdup_printf(
        "{\"interface-types\":[\"uefi\"],\"mapping\":{\"device\":\"memory\",\"filename\":"
        "\"%s/OVMF_CODE_4M.fd\"},\"targets\":[{\"architecture\":\"x86_64\",\"machines\":"
        "[\"pc-q35-*\"]}],\"features\":[\"amd-sev-snp\"]}",
        images);
    g_assert_true(g_file_set_contents(empty, own, -1, NULL));
    g_autoptr(CcmFirmwareChoice) replaced = select_in(dir, etc, "amd-sev-snp", true, &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_suffix(replaced->path, "/OVMF_CODE_4M.fd"));
    g_assert_true(g_str_has_prefix(replaced->descriptor, etc));
    g_unlink(empty);
    g_rmdir(etc);
}

static void test_malformed_and_missing(void)
{
    g_autofree char *dir = g_build_filename(tmp, "odd", NULL);
    g_autofree char *bad = g_build_filename(dir, "10-bad.json", NULL);
    g_autofree char *nomap = g_build_filename(dir, "20-nomap.json", NULL);
    g_autofree char *gone = g_build_filename(dir, "30-gone.json", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(bad, "{ not json", -1, NULL));
    g_assert_true(g_file_set_contents(nomap,
        "{\"interface-types\":[\"uefi\"],\"targets\":[{\"architecture\":\"x86_64\","
        "\"machines\":[\"pc-q35-*\"]}],\"features\":[\"amd-sev-snp\"]}", -1, NULL));
    g_assert_true(g_file_set_contents(gone,
        "{\"interface-types\":[\"uefi\"],\"mapping\":{\"device\":\"memory\",\"filename\":"
        "\"/nonexistent/OVMF.fd\"},\"targets\":[{\"architecture\":\"x86_64\",\"machines\":"
        "[\"pc-q35-*\"]}],\"features\":[\"amd-sev-snp\"]}", -1, NULL));

    g_autoptr(CcmFirmwareChoice) c = select_in(dir, NULL, "amd-sev-snp", true, &error);
    g_assert_null(c);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, "3 descriptors"));
    g_assert_nonnull(strstr(error->message, "2 of them malformed"));
    g_unlink(bad);
    g_unlink(nomap);
    g_unlink(gone);
    g_rmdir(dir);
}

/* This machine's own descriptors (Debian bookworm: flash builds only). */
static void test_host(void)
{
    if (!g_file_test("/usr/share/qemu/firmware/60-edk2-x86_64.json", G_FILE_TEST_EXISTS)) {
        g_test_skip("no QEMU firmware descriptors installed (package ovmf)");
        return;
    }
    g_autoptr(GError) error = NULL;
    const char *sev[] = { "amd-sev", NULL };
    g_autoptr(CcmFirmwareChoice) c =
        ccm_firmware_descriptor_select(NULL, "x86_64", "q35", sev, true, &error);
    g_assert_no_error(error);
    g_test_message("%s", c->reason);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp = g_dir_make_tmp("ccm-fwdesc-XXXXXX", NULL);
    make_images();
    g_test_add_func("/firmware-descriptor/sid", test_sid);
    g_test_add_func("/firmware-descriptor/machine-and-arch", test_machine_and_arch);
    g_test_add_func("/firmware-descriptor/override-and-disable", test_override_and_disable);
    g_test_add_func("/firmware-descriptor/malformed-and-missing", test_malformed_and_missing);
    g_test_add_func("/firmware-descriptor/host", test_host);
    int r = g_test_run();
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp);
    (void) !system(cmd);
    g_free(tmp);
    return r;
}
