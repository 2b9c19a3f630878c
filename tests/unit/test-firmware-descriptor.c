/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-firmware-descriptor.c - firmware selection from QEMU firmware descriptors
 *
 * Uses Debian sid's real descriptors (tests/data/firmware-descriptors), copied into a
 * temporary folder with their image paths pointed at empty stand-in images there, plus
 * hand-made descriptors for the rules the real ones do not exercise, and this
 * machine's own /usr/share/qemu/firmware when it has one.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "firmware-descriptor.h"

static char *tmp;

static const char *const sid_names[] = {
    "40-edk2-x86_64-secure-enrolled.json", "50-edk2-x86_64-secure.json",
    "60-edk2-x86_64-amdsev.json",          "60-edk2-x86_64-inteltdx.json",
    "60-edk2-x86_64.json",
};

static const char *const image_names[] = {
    "OVMF_CODE_4M.ms.fd", "OVMF_VARS_4M.ms.fd", "OVMF_CODE_4M.secboot.fd", "OVMF_VARS_4M.fd",
    "OVMF_CODE_4M.fd",    "OVMF.amdsev.fd",     "OVMF.inteltdx.ms.fd",
};

static void rm_rf(const char *path)
{
    if (!g_file_test(path, G_FILE_TEST_IS_SYMLINK) && g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        for (const char *name; dir && (name = g_dir_read_name(dir));) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            rm_rf(child);
        }
    }
    (void) g_remove(path);
}

/* A fresh, empty folder @name under the temporary folder. */
static char *new_dir(const char *name)
{
    char *dir = g_build_filename(tmp, name, NULL);
    rm_rf(dir);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    return dir;
}

static char *image(const char *name)
{
    return g_build_filename(tmp, "images", name, NULL);
}

static void put(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

static char *memory_mapping(const char *image_name)
{
    g_autofree char *path = image(image_name);
    return g_strdup_printf("{\"device\": \"memory\", \"filename\": \"%s\"}", path);
}

static char *flash_mapping(const char *code_name, const char *vars_name)
{
    g_autofree char *code = image(code_name);
    g_autofree char *vars = image(vars_name);
    return g_strdup_printf("{\"device\": \"flash\", \"executable\": {\"filename\": \"%s\", "
                           "\"format\": \"raw\"}, \"nvram-template\": {\"filename\": \"%s\", "
                           "\"format\": \"raw\"}}",
                           code, vars);
}

/* A descriptor in QEMU's shape; @machines and @features are JSON array contents. */
static void put_descriptor(const char *dir, const char *name, const char *mapping,
                           const char *architecture, const char *machines,
                           const char *features)
{
    g_autofree char *json = g_strdup_printf(
        "{\"description\": \"test\", \"interface-types\": [\"uefi\"], \"mapping\": %s, "
        "\"targets\": [{\"architecture\": \"%s\", \"machines\": [%s]}], \"features\": [%s], "
        "\"tags\": []}",
        mapping, architecture, machines, features);
    put(dir, name, json);
}

/* Copies the real descriptor @name into @dir, its image paths pointed at tmp/images. */
static void install_real(const char *dir, const char *name)
{
    g_autofree char *src =
        g_test_build_filename(G_TEST_DIST, "..", "data", "firmware-descriptors", name, NULL);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(src, &text, NULL, NULL));

    g_autofree char *images = g_strconcat(tmp, "/images/", NULL);
    g_auto(GStrv) upper = g_strsplit(text, "/usr/share/OVMF/", -1);
    g_autofree char *a = g_strjoinv(images, upper);
    g_auto(GStrv) lower = g_strsplit(a, "/usr/share/ovmf/", -1);
    g_autofree char *b = g_strjoinv(images, lower);
    g_assert_null(strstr(b, "/usr/share"));
    put(dir, name, b);
}

static char *sid_dir(void)
{
    char *dir = new_dir("sid");
    for (size_t i = 0; i < G_N_ELEMENTS(sid_names); i++)
        install_real(dir, sid_names[i]);
    return dir;
}

static CcmFirmwareChoice *select_x86(const char *dir1, const char *dir2, const char *machine,
                                     const char *const *features, bool prefer_memory,
                                     GError **error)
{
    const char *dirs[] = { dir1, dir2, NULL };
    return ccm_firmware_descriptor_select(dirs, "x86_64", machine, features, prefer_memory,
                                          error);
}

/* One feature, q35: what most tests ask. */
static CcmFirmwareChoice *select_q35(const char *dir1, const char *dir2, const char *feature,
                                     bool prefer_memory, GError **error)
{
    const char *features[] = { feature, NULL };
    return select_x86(dir1, dir2, "q35", features, prefer_memory, error);
}

static void assert_image(const CcmFirmwareChoice *c, const char *image_name)
{
    g_autofree char *expected = image(image_name);
    g_assert_nonnull(c);
    g_assert_cmpstr(c->path, ==, expected);
}

static void assert_descriptor(const CcmFirmwareChoice *c, const char *dir, const char *name)
{
    g_autofree char *expected = g_build_filename(dir, name, NULL);
    g_assert_nonnull(c);
    g_assert_cmpstr(c->descriptor, ==, expected);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        g_error("'%s' does not contain '%s'", haystack, needle);
}

static void test_default_dirs(void)
{
    g_auto(GStrv) dirs = ccm_firmware_descriptor_search_path(NULL);
    g_autofree char *user = g_build_filename(g_get_user_config_dir(), "qemu", "firmware", NULL);

    g_assert_cmpuint(g_strv_length(dirs), ==, 3);
    g_assert_cmpstr(dirs[0], ==, "/usr/share/qemu/firmware");
    g_assert_cmpstr(dirs[1], ==, "/etc/qemu/firmware");
    g_assert_cmpstr(dirs[2], ==, user);

    /* Another system's tree: its two folders, not this user's. */
    g_auto(GStrv) in_root = ccm_firmware_descriptor_search_path("/srv/root");
    g_assert_cmpuint(g_strv_length(in_root), ==, 2);
    g_assert_cmpstr(in_root[0], ==, "/srv/root/usr/share/qemu/firmware");
    g_assert_cmpstr(in_root[1], ==, "/srv/root/etc/qemu/firmware");
}

/* Debian sid: three flash builds listing amd-sev, one memory build for SEV/SEV-ES/SNP,
 * one for TDX. */
static void test_sid(void)
{
    g_autofree char *dir = sid_dir();
    g_autoptr(GError) error = NULL;

    g_autoptr(CcmFirmwareChoice) snp = select_q35(dir, NULL, "amd-sev-snp", true, &error);
    g_assert_no_error(error);
    assert_image(snp, "OVMF.amdsev.fd");
    assert_descriptor(snp, dir, "60-edk2-x86_64-amdsev.json");
    g_assert_false(snp->flash);
    g_assert_null(snp->nvram_template);
    g_assert_cmpstr(snp->reason, ==,
                    "60-edk2-x86_64-amdsev.json: the first descriptor listing amd-sev-snp for "
                    "x86_64 q35 (memory mapping, loaded with -bios)");

    g_autoptr(CcmFirmwareChoice) tdx = select_q35(dir, NULL, "intel-tdx", true, &error);
    g_assert_no_error(error);
    assert_image(tdx, "OVMF.inteltdx.ms.fd");
    g_assert_false(tdx->flash);

    /* amd-sev: the flash builds list it too; the stateless one wins only when preferred. */
    g_autoptr(CcmFirmwareChoice) sev_mem = select_q35(dir, NULL, "amd-sev", true, &error);
    g_assert_no_error(error);
    assert_image(sev_mem, "OVMF.amdsev.fd");
    g_assert_cmpstr(sev_mem->reason, ==,
                    "60-edk2-x86_64-amdsev.json: the first descriptor listing amd-sev for "
                    "x86_64 q35 (memory mapping, loaded with -bios; preferred over the flash "
                    "mapping of 40-edk2-x86_64-secure-enrolled.json)");
    g_autoptr(CcmFirmwareChoice) sev_first = select_q35(dir, NULL, "amd-sev", false, &error);
    g_assert_no_error(error);
    g_assert_true(sev_first->flash);
    assert_image(sev_first, "OVMF_CODE_4M.ms.fd");
    g_autofree char *vars = image("OVMF_VARS_4M.ms.fd");
    g_assert_cmpstr(sev_first->nvram_template, ==, vars);
    g_assert_cmpstr(sev_first->reason, ==,
                    "40-edk2-x86_64-secure-enrolled.json: the first descriptor listing amd-sev "
                    "for x86_64 q35 (flash mapping, loaded as pflash)");

    /* amd-sev-es: only the amdsev build lists it, so it wins even without the preference. */
    g_autoptr(CcmFirmwareChoice) es = select_q35(dir, NULL, "amd-sev-es", false, &error);
    g_assert_no_error(error);
    assert_image(es, "OVMF.amdsev.fd");

    g_autoptr(CcmFirmwareChoice) none = select_q35(dir, NULL, "arm-cca", true, &error);
    g_assert_null(none);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_autofree char *expected = g_strdup_printf(
        "no firmware descriptor in %s lists arm-cca for x86_64 q35 (5 descriptors read: "
        "40-edk2-x86_64-secure-enrolled.json, 50-edk2-x86_64-secure.json, "
        "60-edk2-x86_64-amdsev.json, 60-edk2-x86_64-inteltdx.json, 60-edk2-x86_64.json)",
        dir);
    g_assert_cmpstr(error->message, ==, expected);
}

/* Every feature asked for must be listed; none asked for means "any UEFI build". */
static void test_features(void)
{
    g_autofree char *dir = sid_dir();
    g_autoptr(GError) error = NULL;

    const char *sev_sb[] = { "amd-sev", "secure-boot", NULL };
    g_autoptr(CcmFirmwareChoice) a = select_x86(dir, NULL, "q35", sev_sb, true, &error);
    g_assert_no_error(error);
    assert_image(a, "OVMF_CODE_4M.ms.fd");
    g_assert_cmpstr(a->reason, ==,
                    "40-edk2-x86_64-secure-enrolled.json: the first descriptor listing amd-sev, "
                    "secure-boot for x86_64 q35 (flash mapping, loaded as pflash; no memory "
                    "mapping fits)");

    const char *tdx_sb[] = { "intel-tdx", "enrolled-keys", "secure-boot", NULL };
    g_autoptr(CcmFirmwareChoice) b = select_x86(dir, NULL, "q35", tdx_sb, false, &error);
    g_assert_no_error(error);
    assert_image(b, "OVMF.inteltdx.ms.fd");

    const char *smm_only[] = { "requires-smm", NULL };
    g_autoptr(CcmFirmwareChoice) c = select_x86(dir, NULL, "q35", smm_only, true, &error);
    g_assert_no_error(error);
    assert_image(c, "OVMF_CODE_4M.ms.fd");

    const char *snp_sb[] = { "amd-sev-snp", "secure-boot", NULL };
    g_autoptr(CcmFirmwareChoice) d = select_x86(dir, NULL, "q35", snp_sb, true, &error);
    g_assert_null(d);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    assert_contains(error->message, "lists amd-sev-snp, secure-boot for x86_64 q35 (");
    g_clear_error(&error);

    /* A feature name is matched whole: "amd-sev" is not "amd-sev-snp". */
    g_autofree char *own = new_dir("features");
    g_autofree char *mapping = memory_mapping("OVMF.amdsev.fd");
    put_descriptor(own, "10-sev.json", mapping, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    g_autoptr(CcmFirmwareChoice) e = select_q35(own, NULL, "amd-sev-snp", true, &error);
    g_assert_null(e);
    g_clear_error(&error);

    g_autoptr(CcmFirmwareChoice) any = select_x86(dir, NULL, "q35", NULL, false, &error);
    g_assert_no_error(error);
    assert_image(any, "OVMF_CODE_4M.ms.fd");
    g_assert_cmpstr(any->reason, ==,
                    "40-edk2-x86_64-secure-enrolled.json: the first descriptor listing UEFI "
                    "firmware for x86_64 q35 (flash mapping, loaded as pflash)");
    const char *empty[] = { NULL };
    g_autoptr(CcmFirmwareChoice) any_mem = select_x86(dir, NULL, "q35", empty, true, &error);
    g_assert_no_error(error);
    assert_image(any_mem, "OVMF.amdsev.fd");
}

static void test_machine(void)
{
    g_autofree char *dir = sid_dir();
    g_autoptr(GError) error = NULL;
    const char *snp[] = { "amd-sev-snp", NULL };
    const char *sev[] = { "amd-sev", NULL };

    /* "pc-q35-*": the alias and any versioned name. */
    g_autoptr(CcmFirmwareChoice) versioned = select_x86(dir, NULL, "pc-q35-9.2", snp, true,
                                                        &error);
    g_assert_no_error(error);
    assert_image(versioned, "OVMF.amdsev.fd");

    /* Only 60-edk2-x86_64.json lists "pc-i440fx-*"; "pc" is QEMU's alias for it. */
    g_autoptr(CcmFirmwareChoice) pc = select_x86(dir, NULL, "pc", sev, true, &error);
    g_assert_no_error(error);
    assert_image(pc, "OVMF_CODE_4M.fd");
    g_autoptr(CcmFirmwareChoice) i440fx = select_x86(dir, NULL, "pc-i440fx-9.2", sev, true,
                                                     &error);
    g_assert_no_error(error);
    assert_image(i440fx, "OVMF_CODE_4M.fd");
    g_autoptr(CcmFirmwareChoice) i440fx_snp = select_x86(dir, NULL, "pc-i440fx-9.2", snp, true,
                                                         &error);
    g_assert_null(i440fx_snp);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_autoptr(CcmFirmwareChoice) microvm = select_x86(dir, NULL, "microvm", sev, true, &error);
    g_assert_null(microvm);
    g_clear_error(&error);
    /* "q35" must not match a longer name's glob by prefix. */
    g_autoptr(CcmFirmwareChoice) q3 = select_x86(dir, NULL, "q3", sev, true, &error);
    g_assert_null(q3);
    g_clear_error(&error);

    /* The architecture must match too. */
    g_autoptr(CcmFirmwareChoice) arm = ccm_firmware_descriptor_select(
        (const char *const[]) { dir, NULL }, "aarch64", "virt", sev, true, &error);
    g_assert_null(arm);
    assert_contains(error->message, "lists amd-sev for aarch64 virt (");
    g_clear_error(&error);

    /* Globs are also matched against the name as given, and "virt" is "virt-*". */
    g_autofree char *own = new_dir("machines");
    g_autofree char *m1 = memory_mapping("OVMF.amdsev.fd");
    g_autofree char *m2 = memory_mapping("OVMF_CODE_4M.fd");
    put_descriptor(own, "10-literal.json", m1, "x86_64", "\"q35\"", "");
    put_descriptor(own, "20-arm.json", m2, "aarch64", "\"virt-*\"", "");
    g_autoptr(CcmFirmwareChoice) literal = select_x86(own, NULL, "q35", NULL, true, &error);
    g_assert_no_error(error);
    assert_descriptor(literal, own, "10-literal.json");
    g_autoptr(CcmFirmwareChoice) literal_versioned =
        select_x86(own, NULL, "pc-q35-9.2", NULL, true, &error);
    g_assert_null(literal_versioned);
    g_clear_error(&error);
    for (size_t i = 0; i < 2; i++) {
        const char *machine = i ? "virt-9.2" : "virt";
        g_autoptr(CcmFirmwareChoice) virt = ccm_firmware_descriptor_select(
            (const char *const[]) { own, NULL }, "aarch64", machine, NULL, true, &error);
        g_assert_no_error(error);
        assert_descriptor(virt, own, "20-arm.json");
    }
}

static void test_prefer_memory(void)
{
    g_autofree char *dir = new_dir("prefer");
    g_autofree char *flash = flash_mapping("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd");
    g_autofree char *memory1 = memory_mapping("OVMF.amdsev.fd");
    g_autofree char *memory2 = memory_mapping("OVMF.inteltdx.ms.fd");
    g_autoptr(GError) error = NULL;

    put_descriptor(dir, "10-flash.json", flash, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    put_descriptor(dir, "20-memory.json", memory1, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    put_descriptor(dir, "30-memory.json", memory2, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");

    g_autoptr(CcmFirmwareChoice) mem = select_q35(dir, NULL, "amd-sev", true, &error);
    g_assert_no_error(error);
    assert_descriptor(mem, dir, "20-memory.json");
    g_assert_false(mem->flash);
    g_assert_null(mem->nvram_template);
    assert_contains(mem->reason, "preferred over the flash mapping of 10-flash.json");

    g_autoptr(CcmFirmwareChoice) first = select_q35(dir, NULL, "amd-sev", false, &error);
    g_assert_no_error(error);
    assert_descriptor(first, dir, "10-flash.json");
    g_assert_true(first->flash);
    assert_image(first, "OVMF_CODE_4M.fd");
    g_autofree char *vars = image("OVMF_VARS_4M.fd");
    g_assert_cmpstr(first->nvram_template, ==, vars);

    /* A flash mapping without a template is valid (the caller then brings its own). */
    g_autofree char *code = image("OVMF_CODE_4M.fd");
    g_autofree char *bare = g_strdup_printf(
        "{\"device\": \"flash\", \"executable\": {\"filename\": \"%s\"}}", code);
    put_descriptor(dir, "05-bare.json", bare, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    g_autoptr(CcmFirmwareChoice) b = select_q35(dir, NULL, "amd-sev", false, &error);
    g_assert_no_error(error);
    assert_descriptor(b, dir, "05-bare.json");
    g_assert_true(b->flash);
    g_assert_null(b->nvram_template);
}

/* A later folder's file replaces an earlier one of the same name, whatever it holds;
 * other names from every folder are merged and sorted together. */
static void test_override(void)
{
    g_autofree char *dir = sid_dir();
    g_autofree char *etc = new_dir("etc");
    g_autofree char *user = new_dir("user");
    g_autoptr(GError) error = NULL;

    g_autofree char *own = memory_mapping("OVMF_CODE_4M.fd");
    put_descriptor(etc, "60-edk2-x86_64-amdsev.json", own, "x86_64", "\"pc-q35-*\"",
                   "\"amd-sev-snp\"");
    g_autoptr(CcmFirmwareChoice) replaced = select_q35(dir, etc, "amd-sev-snp", true, &error);
    g_assert_no_error(error);
    assert_descriptor(replaced, etc, "60-edk2-x86_64-amdsev.json");
    assert_image(replaced, "OVMF_CODE_4M.fd");

    /* The user's folder outranks /etc; a replacement whose image is gone is not
     * replaced back by the packaged file. */
    put_descriptor(user, "60-edk2-x86_64-amdsev.json",
                   "{\"device\": \"memory\", \"filename\": \"/nonexistent/OVMF.fd\"}", "x86_64",
                   "\"pc-q35-*\"", "\"amd-sev-snp\"");
    const char *features[] = { "amd-sev-snp", NULL };
    const char *three[] = { dir, etc, user, NULL };
    g_autoptr(CcmFirmwareChoice) gone =
        ccm_firmware_descriptor_select(three, "x86_64", "q35", features, true, &error);
    g_assert_null(gone);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    assert_contains(error->message, "image not installed: 60-edk2-x86_64-amdsev.json "
                                    "(/nonexistent/OVMF.fd)");
    g_autofree char *in = g_strdup_printf("in %s, %s, %s lists", dir, etc, user);
    assert_contains(error->message, in);
    g_clear_error(&error);

    /* A new name in a later folder sorts before the packaged ones. */
    g_autofree char *early = memory_mapping("OVMF.inteltdx.ms.fd");
    put_descriptor(etc, "10-local.json", early, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    g_autoptr(CcmFirmwareChoice) local = select_q35(dir, etc, "amd-sev", false, &error);
    g_assert_no_error(error);
    assert_descriptor(local, etc, "10-local.json");
}

/* An empty file, or a link to /dev/null, hides the name from every earlier folder. */
static void test_disable(void)
{
    g_autofree char *dir = sid_dir();
    g_autofree char *etc = new_dir("etc-disable");
    g_autoptr(GError) error = NULL;

    put(etc, "60-edk2-x86_64-amdsev.json", "");
    g_autoptr(CcmFirmwareChoice) hidden = select_q35(dir, etc, "amd-sev-snp", true, &error);
    g_assert_null(hidden);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    assert_contains(error->message, "(4 descriptors read: ");
    assert_contains(error->message, "; disabled by an empty file: 60-edk2-x86_64-amdsev.json)");
    g_clear_error(&error);

    /* amd-sev still finds the flash builds, and the memory one is gone. */
    g_autoptr(CcmFirmwareChoice) sev = select_q35(dir, etc, "amd-sev", true, &error);
    g_assert_no_error(error);
    g_assert_true(sev->flash);

    g_autofree char *link = g_build_filename(etc, "60-edk2-x86_64-inteltdx.json", NULL);
    g_assert_cmpint(symlink("/dev/null", link), ==, 0);
    g_autoptr(CcmFirmwareChoice) tdx = select_q35(dir, etc, "intel-tdx", true, &error);
    g_assert_null(tdx);
    assert_contains(error->message, "disabled by an empty file: 60-edk2-x86_64-amdsev.json, "
                                    "60-edk2-x86_64-inteltdx.json)");
    g_clear_error(&error);

    /* Disabling works in the same folder too: the empty file is the descriptor. */
    put(dir, "60-edk2-x86_64.json", "");
    g_autoptr(CcmFirmwareChoice) pc = select_x86(dir, NULL, "pc", NULL, true, &error);
    g_assert_null(pc);
    g_clear_error(&error);
}

/* Broken files are passed over, named in the error if nothing fits. */
static void test_malformed(void)
{
    g_autofree char *dir = new_dir("malformed");
    g_autoptr(GError) error = NULL;
    static const struct {
        const char *name, *text, *why;
    } cases[] = {
        { "01-not-json.json", "{ not json", "not JSON: " },
        { "02-truncated.json", "{\"interface-types\": [\"uefi\"",
          "not JSON: at byte 27, the text ends inside a value" },
        { "03-trailing.json", "{} {}", "not JSON: text after the object at byte 3" },
        { "04-array.json", "[]", "not a JSON object" },
        { "05-nul.json", "{}\0", NULL },  /* written with its NUL below */
        { "06-types.json", "{\"interface-types\": \"uefi\"}", "no \"interface-types\" array" },
        { "07-no-mapping.json", "{\"interface-types\": [\"uefi\"], \"targets\": []}",
          "no \"mapping\" object" },
        { "08-no-device.json", "{\"interface-types\": [\"uefi\"], \"mapping\": {}}",
          "\"mapping\" has no \"device\" string" },
        { "09-no-exe.json",
          "{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"flash\"}}",
          "\"mapping\": \"executable\" is not an object with a \"filename\" string" },
        { "10-no-filename.json",
          "{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"memory\"}}",
          "\"mapping\" of device \"memory\" has no \"filename\" string" },
        { "11-bad-target.json",
          "{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"memory\", "
          "\"filename\": \"/x\"}, \"targets\": [{\"architecture\": \"x86_64\", "
          "\"machines\": [35]}]}",
          "\"targets\"[0] is not an object" },
        { "12-bad-features.json",
          "{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"memory\", "
          "\"filename\": \"/x\"}, \"targets\": [], \"features\": \"amd-sev\"}",
          "\"features\" is not an array of strings" },
        { "13-deep.json",
          "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
          "not JSON: " },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_build_filename(dir, cases[i].name, NULL);
        gssize len = cases[i].why ? -1 : 3;
        g_assert_true(g_file_set_contents(path, cases[i].text, len, NULL));
    }
    /* Larger than the 1 MiB limit: refused before reading. */
    g_autofree char *big_path = g_build_filename(dir, "14-big.json", NULL);
    g_autofree char *big = g_strnfill((1 << 20) + 1, ' ');
    g_assert_true(g_file_set_contents(big_path, big, -1, NULL));
    /* Not regular files: never opened (a FIFO would block). */
    g_autofree char *subdir = g_build_filename(dir, "15-dir.json", NULL);
    g_assert_cmpint(g_mkdir(subdir, 0755), ==, 0);
    g_autofree char *fifo = g_build_filename(dir, "16-fifo.json", NULL);
    g_assert_cmpint(mkfifo(fifo, 0644), ==, 0);
    g_autofree char *dangling = g_build_filename(dir, "17-dangling.json", NULL);
    g_assert_cmpint(symlink("/nonexistent/x.json", dangling), ==, 0);
    /* Not descriptors at all: ignored. */
    put(dir, "README", "not a descriptor");
    put(dir, "18-notes.json~", "{");

    g_autoptr(CcmFirmwareChoice) none = select_q35(dir, NULL, "amd-sev", true, &error);
    g_assert_null(none);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_test_message("%s", error->message);
    assert_contains(error->message, "(17 descriptors read: 01-not-json.json, ");
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *item = g_strdup_printf(
            "%s (%s", cases[i].name, cases[i].why ? cases[i].why : "contains NUL bytes");
        assert_contains(error->message, item);
    }
    assert_contains(error->message, "14-big.json (larger than 1048576 bytes)");
    assert_contains(error->message, "15-dir.json (not a regular file)");
    assert_contains(error->message, "16-fifo.json (not a regular file)");
    assert_contains(error->message, "17-dangling.json (cannot be read: ");
    g_assert_null(strstr(error->message, "README"));
    g_assert_null(strstr(error->message, "18-notes"));
    g_clear_error(&error);

    /* One good descriptor after all of them is still found. */
    g_autofree char *mapping = memory_mapping("OVMF.amdsev.fd");
    put_descriptor(dir, "90-good.json", mapping, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    g_autoptr(CcmFirmwareChoice) good = select_q35(dir, NULL, "amd-sev", true, &error);
    g_assert_no_error(error);
    assert_descriptor(good, dir, "90-good.json");
}

/* A descriptor whose image is not installed, or not loadable by ccm, is passed over. */
static void test_missing_and_unsupported(void)
{
    g_autofree char *dir = new_dir("missing");
    g_autofree char *code = image("OVMF_CODE_4M.fd");
    g_autofree char *vars = image("OVMF_VARS_4M.fd");
    g_autoptr(GError) error = NULL;

    put_descriptor(dir, "10-gone.json",
                   "{\"device\": \"memory\", \"filename\": \"/nonexistent/OVMF.fd\"}",
                   "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    g_autofree char *qcow2 = g_strdup_printf(
        "{\"device\": \"flash\", \"executable\": {\"filename\": \"%s\", \"format\": "
        "\"qcow2\"}, \"nvram-template\": {\"filename\": \"%s\", \"format\": \"qcow2\"}}",
        code, vars);
    put_descriptor(dir, "20-qcow2.json", qcow2, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    g_autofree char *qcow2_vars = g_strdup_printf(
        "{\"device\": \"flash\", \"executable\": {\"filename\": \"%s\"}, \"nvram-template\": "
        "{\"filename\": \"%s\", \"format\": \"qcow2\"}}",
        code, vars);
    put_descriptor(dir, "21-qcow2-vars.json", qcow2_vars, "x86_64", "\"pc-q35-*\"",
                   "\"amd-sev\"");
    g_autofree char *combined = g_strdup_printf(
        "{\"device\": \"flash\", \"mode\": \"combined\", \"executable\": {\"filename\": "
        "\"%s\"}}",
        code);
    put_descriptor(dir, "30-combined.json", combined, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    g_autofree char *kernel =
        g_strdup_printf("{\"device\": \"kernel\", \"filename\": \"%s\"}", code);
    put_descriptor(dir, "40-kernel.json", kernel, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    /* Fits on everything but the interface: not a near miss, so not named. */
    g_autofree char *bios = memory_mapping("OVMF_CODE_4M.fd");
    g_autofree char *bios_json = g_strdup_printf(
        "{\"interface-types\": [\"bios\"], \"mapping\": %s, \"targets\": [{\"architecture\": "
        "\"x86_64\", \"machines\": [\"pc-q35-*\"]}], \"features\": [\"amd-sev\"]}",
        bios);
    put(dir, "50-bios.json", bios_json);

    g_autoptr(CcmFirmwareChoice) none = select_q35(dir, NULL, "amd-sev", true, &error);
    g_assert_null(none);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_autofree char *expected = g_strdup_printf(
        "no firmware descriptor in %s lists amd-sev for x86_64 q35 (6 descriptors read: "
        "10-gone.json, 20-qcow2.json, 21-qcow2-vars.json, 30-combined.json, 40-kernel.json, "
        "50-bios.json; not loadable by ccm: 20-qcow2.json (qcow2 executable), "
        "21-qcow2-vars.json (qcow2 variable store), 30-combined.json (flash mode "
        "\"combined\"), 40-kernel.json (device \"kernel\"); image not installed: "
        "10-gone.json (/nonexistent/OVMF.fd))",
        dir);
    g_assert_cmpstr(error->message, ==, expected);
    g_clear_error(&error);

    g_autofree char *mapping = flash_mapping("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd");
    put_descriptor(dir, "60-good.json", mapping, "x86_64", "\"pc-q35-*\"", "\"amd-sev\"");
    g_autoptr(CcmFirmwareChoice) good = select_q35(dir, NULL, "amd-sev", true, &error);
    g_assert_no_error(error);
    assert_descriptor(good, dir, "60-good.json");
}

static void test_no_folders(void)
{
    g_autofree char *empty = new_dir("empty");
    g_autoptr(GError) error = NULL;

    g_autoptr(CcmFirmwareChoice) a = select_q35("/nonexistent/a", "/nonexistent/b", "amd-sev",
                                                true, &error);
    g_assert_null(a);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_assert_cmpstr(error->message, ==,
                    "no firmware descriptor in /nonexistent/a or /nonexistent/b lists amd-sev "
                    "for x86_64 q35 (none of these folders exists)");
    g_clear_error(&error);

    /* Only folders that exist are named. */
    g_autoptr(CcmFirmwareChoice) b = select_q35("/nonexistent/a", empty, "amd-sev", true, &error);
    g_assert_null(b);
    g_autofree char *expected = g_strdup_printf(
        "no firmware descriptor in %s lists amd-sev for x86_64 q35 (no descriptors read)",
        empty);
    g_assert_cmpstr(error->message, ==, expected);
}

/* This machine's own descriptors. Debian bookworm's ovmf has three flash builds that
 * list amd-sev, and nothing for SEV-SNP. */
static void test_host(void)
{
    const char *dirs[] = { "/usr/share/qemu/firmware", NULL };
    g_autoptr(GError) error = NULL;

    if (!g_file_test("/usr/share/qemu/firmware/60-edk2-x86_64.json", G_FILE_TEST_EXISTS)) {
        g_test_skip("no QEMU firmware descriptors for x86_64 installed (package ovmf)");
        return;
    }
    const char *sev[] = { "amd-sev", NULL };
    g_autoptr(CcmFirmwareChoice) c =
        ccm_firmware_descriptor_select(dirs, "x86_64", "q35", sev, false, &error);
    g_assert_no_error(error);
    g_test_message("amd-sev: %s", c->reason);
    g_assert_true(c->flash);
    g_assert_nonnull(c->nvram_template);
    g_assert_true(g_file_test(c->path, G_FILE_TEST_IS_REGULAR));

    if (g_file_test("/usr/share/qemu/firmware/60-edk2-x86_64-amdsev.json", G_FILE_TEST_EXISTS))
        return; /* a newer Debian (ovmf-amdsev): SEV-SNP firmware is installed */
    const char *snp[] = { "amd-sev-snp", NULL };
    g_autoptr(CcmFirmwareChoice) none =
        ccm_firmware_descriptor_select(dirs, "x86_64", "q35", snp, true, &error);
    g_assert_null(none);
    g_assert_error(error, CCM_FIRMWARE_ERROR, CCM_FIRMWARE_ERROR_NOT_FOUND);
    g_test_message("amd-sev-snp: %s", error->message);
    assert_contains(error->message, "no firmware descriptor in /usr/share/qemu/firmware lists "
                                    "amd-sev-snp for x86_64 q35 (");
    assert_contains(error->message, "60-edk2-x86_64.json");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp = g_dir_make_tmp("ccm-fwdesc-XXXXXX", NULL);
    g_assert_nonnull(tmp);
    g_autofree char *images = new_dir("images");
    for (size_t i = 0; i < G_N_ELEMENTS(image_names); i++)
        put(images, image_names[i], "fw");

    g_test_add_func("/firmware-descriptor/default-dirs", test_default_dirs);
    g_test_add_func("/firmware-descriptor/sid", test_sid);
    g_test_add_func("/firmware-descriptor/features", test_features);
    g_test_add_func("/firmware-descriptor/machine", test_machine);
    g_test_add_func("/firmware-descriptor/prefer-memory", test_prefer_memory);
    g_test_add_func("/firmware-descriptor/override", test_override);
    g_test_add_func("/firmware-descriptor/disable", test_disable);
    g_test_add_func("/firmware-descriptor/malformed", test_malformed);
    g_test_add_func("/firmware-descriptor/missing-and-unsupported",
                    test_missing_and_unsupported);
    g_test_add_func("/firmware-descriptor/no-folders", test_no_folders);
    g_test_add_func("/firmware-descriptor/host", test_host);
    int r = g_test_run();
    rm_rf(tmp);
    g_free(tmp);
    return r;
}
