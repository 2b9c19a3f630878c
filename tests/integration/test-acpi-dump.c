/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-acpi-dump.c - the ACPI fw_cfg files read from the real QEMU (bookworm's 7.2, TCG,
 * qtest) are byte-identical with the recorded ones for the same VM shape, and the
 * loader and RSDP rule agrees with what QEMU serves. Skips without qemu-system-x86_64.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "acpi-dump.h"
#include "guest-spec.h"
#include "launch-plan.h"
#include "qemu-argv.h"
#include "ccm/measure.h"

static char *arg_data;

static GBytes *load(const char *file)
{
    g_autofree char *path = g_build_filename(arg_data, "acpi-qemu7.2-q35-2cpu-2G", file, NULL);
    g_autofree char *data = NULL;
    gsize size = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &data, &size, &error))
        g_error("%s", error->message);
    return g_bytes_new_take(g_steal_pointer(&data), size);
}

static void assert_same(GBytes *a, GBytes *b, const char *what)
{
    gsize na = 0, nb = 0;
    const void *da = g_bytes_get_data(a, &na), *db = g_bytes_get_data(b, &nb);
    g_test_message("%s: %" G_GSIZE_FORMAT " bytes dumped, %" G_GSIZE_FORMAT " recorded", what,
                   na, nb);
    g_assert_cmpmem(da, na, db, nb);
}

static void test_dump_matches_recording(void)
{
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    if (!qemu) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    g_autofree char *version = NULL;
    g_spawn_command_line_sync("qemu-system-x86_64 --version", &version, NULL, NULL, NULL);
    if (!version || !strstr(version, "version 7.2")) {
        g_test_skip("the recording is of QEMU 7.2");
        return;
    }
    const char *shape[] = { "-machine", "q35,hpet=off,smm=off", "-smp", "2", "-m", "2G",
                            "-nodefaults", NULL };
    CcmAcpiBlobs blobs;
    g_autoptr(GError) error = NULL;
    gint64 t0 = g_get_monotonic_time();
    if (!ccm_acpi_dump(qemu, shape, 60000, &blobs, &error))
        g_error("%s", error->message);
    g_test_message("dumped in %.2f s", (g_get_monotonic_time() - t0) / 1e6);

    g_autoptr(GBytes) tables = load("etc_acpi_tables.bin");
    g_autoptr(GBytes) rsdp = load("etc_acpi_rsdp.bin");
    g_autoptr(GBytes) loader = load("etc_table-loader.bin");
    assert_same(blobs.tables, tables, "etc/acpi/tables");
    assert_same(blobs.rsdp, rsdp, "etc/acpi/rsdp");
    assert_same(blobs.loader, loader, "etc/table-loader");

    /* The rule agrees with what QEMU serves for this shape. */
    gsize n = 0;
    const void *t = g_bytes_get_data(blobs.tables, &n);
    uint8_t my_rsdp[CCM_ACPI_RSDP_SIZE], my_loader[CCM_ACPI_LOADER_SIZE];
    CcmError err = { 0 };
    g_assert_cmpint(ccm_tdx_acpi_derive(t, n, my_rsdp, my_loader, &err), ==, 0);
    g_autoptr(GBytes) derived_rsdp = g_bytes_new(my_rsdp, sizeof(my_rsdp));
    g_autoptr(GBytes) derived_loader = g_bytes_new(my_loader, sizeof(my_loader));
    assert_same(derived_rsdp, blobs.rsdp, "derived rsdp");
    assert_same(derived_loader, blobs.loader, "derived loader");
    ccm_acpi_blobs_clear(&blobs);
}

static void test_bad_qemu(void)
{
    const char *shape[] = { "-machine", "no-such-machine", NULL };
    CcmAcpiBlobs blobs;
    g_autoptr(GError) error = NULL;
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    if (!qemu) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    g_assert_false(ccm_acpi_dump(qemu, shape, 20000, &blobs, &error));
    g_test_message("%s", error->message);
    g_assert_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_START);
    g_assert_nonnull(strstr(error->message, "unsupported machine type"));
}

/*
 * A guest spec's shape (ccm_qemu_argv_acpi_shape): dumped once, then served from the
 * cache; a device changes the tables and the cache entry; an entry whose files do not
 * hold together (a truncated loader) is dumped again and replaced.
 */
static void test_spec_shape_cache(void)
{
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    if (!qemu) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    g_autofree char *dir = g_dir_make_tmp("ccm-acpi-cache-XXXXXX", NULL);
    g_autofree char *fw = g_build_filename(arg_data, "OVMF.bookworm.fd", NULL);
    g_autofree char *plain = g_strdup_printf("[Guest]\nName=td1\nPlatform=tdx\nVCPUs=2\n"
                                             "Memory=2G\nQEMU=%s\nFirmware=%s\n", qemu, fw);
    g_autofree char *net = g_strconcat(plain, "Network=user\n", NULL);
    GBytes *tables[2] = { NULL, NULL };
    const char *texts[2] = { plain, net };
    for (int k = 0; k < 2; k++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *path = g_build_filename(dir, "td1.guest", NULL);
        g_assert_true(g_file_set_contents(path, texts[k], -1, NULL));
        g_autoptr(CcmGuestSpec) spec = ccm_guest_spec_load(path, &error);
        g_assert_no_error(error);
        g_autoptr(CcmLaunchPlan) plan = ccm_launch_plan_new(g_steal_pointer(&spec), NULL,
                                                            &error);
        g_assert_no_error(error);
        g_autoptr(GPtrArray) shape = ccm_qemu_argv_acpi_shape(plan);
        const char *const *args = (const char *const *) shape->pdata;
        CcmAcpiBlobs first, again;
        gboolean cached = TRUE;
        g_assert_true(ccm_acpi_dump_cached(qemu, args, 60000, dir, &first, &cached, &error));
        g_assert_no_error(error);
        g_assert_false(cached);
        g_assert_true(ccm_acpi_dump_cached(qemu, args, 60000, dir, &again, &cached, &error));
        g_assert_true(cached);
        assert_same(first.tables, again.tables, "cached etc/acpi/tables");
        assert_same(first.loader, again.loader, "cached etc/table-loader");
        ccm_acpi_blobs_clear(&again);
        if (k == 0) {
            /* Truncate the cached loader: the entry no longer holds together. */
            g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
            for (const char *n; (n = g_dir_read_name(d));) {
                g_autofree char *loader = g_build_filename(dir, n, "table-loader", NULL);
                if (g_file_test(loader, G_FILE_TEST_EXISTS))
                    g_assert_true(g_file_set_contents(loader, "x", 1, NULL));
            }
            g_assert_true(ccm_acpi_dump_cached(qemu, args, 60000, dir, &again, &cached, &error));
            g_assert_false(cached);
            assert_same(first.loader, again.loader, "etc/table-loader after a bad entry");
            ccm_acpi_blobs_clear(&again);
            g_assert_true(ccm_acpi_dump_cached(qemu, args, 60000, dir, &again, &cached, &error));
            g_assert_true(cached);
            ccm_acpi_blobs_clear(&again);
        }
        tables[k] = g_bytes_ref(first.tables);
        ccm_acpi_blobs_clear(&first);
        g_unlink(path);
    }
    /* The virtio-net device is in the DSDT. */
    g_assert_false(g_bytes_equal(tables[0], tables[1]));
    g_bytes_unref(tables[0]);
    g_bytes_unref(tables[1]);
    g_autofree char *rm = g_strdup_printf("rm -rf '%s'", dir);
    g_assert_true(g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    arg_data = g_strdup(g_getenv("TDX_DATA"));
    if (!arg_data)
        g_error("set TDX_DATA to tests/data/tdx");
    g_test_add_func("/acpi-dump/matches-recording", test_dump_matches_recording);
    g_test_add_func("/acpi-dump/bad-qemu", test_bad_qemu);
    g_test_add_func("/acpi-dump/spec-shape-cache", test_spec_shape_cache);
    return g_test_run();
}
