/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tdx-expected.c - a TD's expected MRTD, event log and RTMRs
 *
 * The one place that turns TDX inputs (firmware, RAM, vCPUs, direct boot, QEMU's ACPI
 * tables) into what the TD will report: `ccmctl measure` prints it, `ccmctl verify`
 * compares a quote and its event log with it event by event. MRTD and RTMR0 come from
 * libccm-measure; RTMR1 (kernel, boot actions) and RTMR2 (command line, initrd) are
 * added here in log order (tdx.md §3.3, §3.4).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "acpi-dump.h"
#include "qemu-argv.h"
#include "qemu-probe.h"
#include "tdx-expected.h"


void ccm_tdx_expected_clear(CcmTdxExpected *e)
{
    if (e->notes)
        g_ptr_array_unref(e->notes);
    if (e->explain)
        g_string_free(e->explain, TRUE);
    *e = (CcmTdxExpected) { 0 };
}

static void note(CcmTdxExpected *e, const char *format, ...) G_GNUC_PRINTF(2, 3);
static void note(CcmTdxExpected *e, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_ptr_array_add(e->notes, g_strdup_vprintf(format, ap));
    va_end(ap);
}

static gboolean fail(GError **error, int code, const CcmError *err)
{
    g_set_error_literal(error, G_IO_ERROR, g_io_error_from_errno(-code), err->message);
    return FALSE;
}

static void explain_step(const CcmStep *step, void *userdata)
{
    GString *text = userdata;
    g_autofree char *hex = g_malloc(2 * step->digest_size + 1);
    for (size_t i = 0; i < step->digest_size; i++)
        g_snprintf(hex + 2 * i, 3, "%02x", step->digest[i]);
    g_string_append_printf(text, "%-3u %-9s 0x%-12" G_GINT64_MODIFIER "x %6" G_GUINT64_FORMAT
                                 "  %-19s %s\n",
                           step->index, step->stage, (gint64) step->gpa, step->n_pages,
                           step->detail, hex);
}

/* One ACPI file of @dir under either name (sysfs' or the dump's). */
static GBytes *read_acpi_file(const char *dir, const char *a, const char *b, GError **error)
{
    const char *names[] = { a, b };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);
        g_autofree char *data = NULL;
        gsize size = 0;
        if (g_file_get_contents(path, &data, &size, NULL))
            return g_bytes_new_take(g_steal_pointer(&data), size);
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s has neither %s nor %s", dir, a, b);
    return NULL;
}

static gboolean acpi_from_dir(const char *dir, CcmAcpiBlobs *b, GError **error)
{
    *b = (CcmAcpiBlobs) { 0 };
    if (!(b->loader = read_acpi_file(dir, "table-loader", "etc_table-loader.bin", error)) ||
        !(b->rsdp = read_acpi_file(dir, "rsdp", "etc_acpi_rsdp.bin", error)) ||
        !(b->tables = read_acpi_file(dir, "tables", "etc_acpi_tables.bin", error))) {
        ccm_acpi_blobs_clear(b);
        return FALSE;
    }
    return TRUE;
}

/* Notes when the loader or RSDP is not what the tables imply (a capture gone wrong). */
static void cross_check(const CcmAcpiBlobs *b, CcmTdxExpected *e)
{
    gsize n = 0;
    const void *t = g_bytes_get_data(b->tables, &n);
    uint8_t rsdp[CCM_ACPI_RSDP_SIZE], loader[CCM_ACPI_LOADER_SIZE];
    CcmError err = { 0 };
    if (ccm_tdx_acpi_derive(t, n, rsdp, loader, &err) < 0) {
        note(e, "note: cannot cross-check the ACPI blobs: %s", err.message);
        return;
    }
    g_autoptr(GBytes) r = g_bytes_new(rsdp, sizeof(rsdp));
    g_autoptr(GBytes) l = g_bytes_new(loader, sizeof(loader));
    if (!g_bytes_equal(r, b->rsdp) || !g_bytes_equal(l, b->loader))
        note(e, "warning: the ACPI RSDP or table-loader is not what the tables imply; check "
                "how the blobs were captured");
}

static void sha384(const void *data, gsize size, uint8_t *out)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA384);
    g_checksum_update(sum, data, (gssize) size);
    gsize len = CCM_SHA384_SIZE;
    g_checksum_get_digest(sum, out, &len);
}

static void sha384_bytes(GBytes *b, uint8_t *out)
{
    gsize n = 0;
    const void *d = g_bytes_get_data(b, &n);
    sha384(d, n, out);
}

static gboolean read_acpi(const CcmTdxInputs *in, CcmTdxExpected *e, uint8_t acpi[3][48],
                          GError **error)
{
    CcmAcpiBlobs blobs = { 0 };
    if (in->acpi_dir) {
        if (!acpi_from_dir(in->acpi_dir, &blobs, error))
            return FALSE;
    } else if (in->qemu) {
        g_autofree char *smp = g_strdup_printf("%u", in->vcpus);
        g_autofree char *m = g_strdup_printf("%" G_GUINT64_FORMAT "K", in->memory >> 10);
        const char *simple[] = { "-machine", "q35", "-smp", smp, "-m", m, "-nodefaults", NULL };
        const char *const *shape = in->acpi_shape ? in->acpi_shape : simple;
        if (!ccm_acpi_dump_cached(in->qemu, shape, 60000, in->acpi_cache_dir, &blobs,
                                  &e->acpi_cached, error))
            return FALSE;
    } else {
        return TRUE;
    }
    cross_check(&blobs, e);
    sha384_bytes(blobs.loader, acpi[0]);
    sha384_bytes(blobs.rsdp, acpi[1]);
    sha384_bytes(blobs.tables, acpi[2]);
    ccm_acpi_blobs_clear(&blobs);
    e->have_acpi = TRUE;
    return TRUE;
}

/* RTMR1: the kernel, the boot actions and (202411+) the ReadyToBoot separator; RTMR2:
 * the command line and initrd the EFI stub measures from Linux 6.9 on. */
static gboolean add_direct_boot(const CcmTdxInputs *in, CcmTdxExpected *e, GError **error)
{
    g_autoptr(GMappedFile) kf = g_mapped_file_new(in->kernel, FALSE, error);
    if (!kf)
        return FALSE;
    const char *kd = g_mapped_file_get_contents(kf);
    gsize ks = g_mapped_file_get_length(kf);
    gint64 initrd_size = -1;
    uint8_t initrd_digest[CCM_SHA384_SIZE];
    if (in->initrd) {
        g_autoptr(GMappedFile) rf = g_mapped_file_new(in->initrd, FALSE, error);
        if (!rf)
            return FALSE;
        initrd_size = (gint64) g_mapped_file_get_length(rf);
        sha384(g_mapped_file_get_contents(rf), g_mapped_file_get_length(rf), initrd_digest);
    }
    CcmError err = { 0 };
    int stub_measures = 0;
    int r = ccm_tdx_predict_direct_boot(kd, ks, in->memory, initrd_size,
                                        in->initrd ? initrd_digest : NULL, in->append,
                                        e->layout, e->boot_flags, e->events,
                                        G_N_ELEMENTS(e->events), &e->n_events, &stub_measures,
                                        &err);
    if (r < 0) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r), "%s: %s", in->kernel,
                    err.message);
        return FALSE;
    }
    if (!stub_measures) {
        g_autofree char *version = ccm_tdx_kernel_version(kd, ks);
        note(e, "note: kernel %s is older than 6.9: its EFI stub does not measure the command "
                "line and initrd; RTMR2 stays zero",
             version ? version : "(version unknown)");
    }
    return TRUE;
}

gboolean ccm_tdx_expected_compute(const CcmTdxInputs *in, CcmTdxExpected *e, GError **error)
{
    *e = (CcmTdxExpected) { .notes = g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(GMappedFile) file = g_mapped_file_new(in->firmware, FALSE, error);
    if (!file)
        return FALSE;
    const char *data = g_mapped_file_get_contents(file);
    gsize size = g_mapped_file_get_length(file);
    CcmError err = { 0 };
    if (in->explain)
        e->explain = g_string_new(NULL);
    int r = ccm_tdx_mrtd(data, size, in->firmware, in->page_order,
                         in->explain ? explain_step : NULL, e->explain, e->sections,
                         &e->n_sections, e->mrtd, &err);
    if (r < 0)
        return fail(error, r, &err);
    for (size_t i = 0; i < e->n_sections; i++) {
        if (e->sections[i].attributes & CCM_TDVF_ATTR_PAGE_AUG)
            continue;
        guint64 pages = e->sections[i].mem_size / 4096;
        e->hashed_bytes += pages * 128;
        if (e->sections[i].attributes & CCM_TDVF_ATTR_MR_EXTEND)
            e->hashed_bytes += pages * 16 * (128 + 256);
    }

    /* Which edk2 generation logs the events: the profile of a known image, else what the
     * caller said, else the 202411-202502 layout (and say that it was assumed). */
    e->profile = ccm_tdx_firmware_profile_find(data, size);
    if (in->layout >= 0) {
        e->layout = (CcmTdxLayout) in->layout;
        if (e->profile && e->profile->layout != e->layout)
            note(e, "note: %s is %s, whose event layout is %s; using %s as asked", in->firmware,
                 e->profile->name, ccm_tdx_layout_to_string(e->profile->layout),
                 ccm_tdx_layout_to_string(e->layout));
    } else if (e->profile) {
        e->layout = e->profile->layout;
    } else {
        e->layout = CCM_TDX_LAYOUT_EDK2_202411;
        note(e, "note: %s is not a firmware image ccm knows; assuming the edk2-stable202411 "
                "to 202502 event layout (give --layout to choose)",
             in->firmware);
    }
    e->rtmr0_modelled = TRUE;

    /* Which kernel bytes OVMF measures, and where "initrd=initrd" goes, follow the edk2
     * release and the QEMU that serves the kernel (docs/edk2-202505-events.md §4-5). */
    int major = in->qemu_major > 0 ? in->qemu_major : -1;
    int minor = in->qemu_major > 0 ? in->qemu_minor : -1;
    if (major < 0 && in->qemu) {
        g_autoptr(GError) probe_error = NULL;
        g_autoptr(CcmQemuCaps) caps = ccm_qemu_probe(in->qemu, NULL, &probe_error);
        g_autofree char *version = caps ? ccm_qemu_caps_version_string(caps) : NULL;
        if (!version || sscanf(version, "%d.%d", &major, &minor) != 2)
            major = minor = -1;
    }
    unsigned release = e->profile ? e->profile->edk2_release
                       : e->layout == CCM_TDX_LAYOUT_EDK2_202505 ? 202505
                       : e->layout == CCM_TDX_LAYOUT_EDK2_202411 ? 202411
                                                                 : 202402;
    e->boot_flags = ccm_tdx_boot_flags(e->profile, release, major, minor, 1);
    g_autofree char *qemu_text = major < 0 ? g_strdup("10.2 or later assumed; give --qemu or "
                                                      "--qemu-version to decide")
                                           : g_strdup_printf("%d.%d", major, minor);
    if (in->kernel)
        note(e, "note: the kernel event is the Authenticode of %s (edk2 %u%s, QEMU %s)",
             e->boot_flags & CCM_TDX_BOOT_KERNEL_FILE
                 ? "the kernel file as QEMU serves it in etc/boot/kernel"
                 : "the kernel with the setup header QEMU patches",
             release, e->profile ? "" : " assumed", qemu_text);

    uint8_t acpi[3][CCM_SHA384_SIZE];
    if (!read_acpi(in, e, acpi, error))
        return FALSE;
    if (e->rtmr0_modelled) {
        r = ccm_tdx_predict_rtmr0(data, size, in->firmware, in->memory, e->layout,
                                  e->have_acpi ? (const uint8_t (*)[CCM_SHA384_SIZE]) acpi
                                               : NULL,
                                  e->events, &e->n_events, &err);
        if (r < 0)
            return fail(error, r, &err);
    }
    if (in->kernel) {
        if (!add_direct_boot(in, e, error))
            return FALSE;
        e->rtmr12 = TRUE;
    }
    /* RTMR0 is known only when every one of its events is; name the ones that are not. */
    e->rtmr0_complete = TRUE;
    for (size_t i = 0; i < e->n_events; i++)
        if (e->events[i].rtmr == 0 && !e->events[i].known) {
            e->rtmr0_complete = FALSE;
            if (e->have_acpi || e->events[i].type != 0xa)
                note(e, "warning: RTMR0 is not predicted: %s", e->events[i].description);
        }

    /* Replay what is known. */
    CcmTdxEvent replay[CCM_TDX_EXPECTED_MAX_EVENTS] = { 0 };
    size_t nr = 0;
    for (size_t i = 0; i < e->n_events; i++) {
        if (!e->events[i].known)
            continue;
        replay[nr].rtmr = e->events[i].rtmr;
        replay[nr].type = e->events[i].type;
        memcpy(replay[nr++].digest, e->events[i].digest, CCM_SHA384_SIZE);
    }
    (void) ccm_tdx_replay(replay, nr, e->rtmrs, &err);
    return TRUE;
}

void ccm_tdx_inputs_from_plan(const CcmLaunchPlan *plan, gboolean use_qemu, CcmTdxInputs *ret,
                              GPtrArray **ret_shape)
{
    const CcmGuestSpec *spec = plan->spec;
    *ret = (CcmTdxInputs) {
        .firmware = plan->firmware->path,
        .memory = spec->memory,
        .vcpus = spec->vcpus,
        .kernel = spec->kernel,
        .initrd = spec->initrd,
        .append = spec->kernel ? spec->cmdline : NULL,
        .page_order = CCM_TDX_PAGE_ORDER_PER_PAGE,
        .layout = -1,
    };
    *ret_shape = NULL;
    if (use_qemu) {
        *ret_shape = ccm_qemu_argv_acpi_shape(plan);
        ret->qemu = plan->qemu_binary;
        ret->acpi_shape = (const char *const *) (*ret_shape)->pdata;
    }
}
