/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * acpi-dump.c - QEMU's ACPI fw_cfg files for a VM shape, read from the QEMU binary itself
 *
 * Theory of operation (tdx.md §4.4). RTMR0 measures the ACPI tables QEMU builds, and
 * those depend on the QEMU version, machine, devices, vCPUs and RAM. Rather than model
 * them, we ask the QEMU that will launch the guest: start it stopped (-S) under TCG with
 * the guest's shape and a qtest chardev, do what the firmware would have done first (set
 * the q35 PCIEXBAR, without which QEMU leaves out the MCFG table), then read the fw_cfg
 * directory and the files through fw_cfg DMA: a big-endian descriptor in guest RAM whose
 * address is written to the DMA port. No guest code runs; nothing needs KVM.
 *
 * The qtest protocol is line based: "outl PORT VALUE", "write ADDR SIZE 0xHEX",
 * "read ADDR SIZE" each answer "OK" (with data); events ("IRQ ...") may come between.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "acpi-dump.h"
#include "ccm/measure.h"

G_DEFINE_QUARK(ccm-acpi-dump-error-quark, ccm_acpi_dump_error)

#define FW_CFG_DMA_HIGH 0x514
#define FW_CFG_DMA_LOW 0x518
#define FW_CFG_FILE_DIR 0x19
#define DMA_SELECT 0x08u
#define DMA_READ 0x02u
#define DMA_WRITE 0x10u
#define DESC_ADDR 0x1000u
#define BUF_ADDR 0x100000u
#define MAX_FILE (4u << 20)

typedef struct Qtest {
    GSocketConnection *conn;
    GDataInputStream *in;
    GOutputStream *out;
    const char *peer;
} Qtest;

/* Sends one command and reads its "OK[ data]" answer (skipping asynchronous lines). */
static char *qtest(Qtest *q, GError **error, const char *format, ...) G_GNUC_PRINTF(3, 4);

static char *qtest(Qtest *q, GError **error, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *line = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_autofree char *with_nl = g_strconcat(line, "\n", NULL);
    if (!g_output_stream_write_all(q->out, with_nl, strlen(with_nl), NULL, NULL, error))
        return NULL;
    for (;;) {
        gsize len = 0;
        g_autofree char *answer = g_data_input_stream_read_line(q->in, &len, NULL, error);
        if (!answer) {
            if (error && !*error)
                g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                            "%s closed the qtest connection after '%s'", q->peer, line);
            return NULL;
        }
        if (g_str_has_prefix(answer, "IRQ"))
            continue;
        if (strcmp(answer, "OK") == 0)
            return g_strdup("");
        if (g_str_has_prefix(answer, "OK "))
            return g_strdup(answer + 3);
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                    "%s answered '%.80s' to qtest command '%s'", q->peer, answer, line);
        return NULL;
    }
}

static gboolean outl(Qtest *q, unsigned port, uint32_t value, GError **error)
{
    g_autofree char *r = qtest(q, error, "outl 0x%x 0x%x", port, value);
    return r != NULL;
}

static gboolean out_sized(Qtest *q, const CcmAcpiPortWrite *w, GError **error)
{
    const char *op = w->size == 1 ? "outb" : w->size == 2 ? "outw" : "outl";
    g_autofree char *r = qtest(q, error, "%s 0x%x 0x%x", op, w->port, w->value);
    return r != NULL;
}

/* Guest memory -> @out (qtest "read" answers 0x + hex). */
static gboolean mem_read(Qtest *q, uint64_t addr, guint8 *out, gsize size, GError **error)
{
    g_autofree char *r = qtest(q, error, "read 0x%" G_GINT64_MODIFIER "x 0x%" G_GSIZE_MODIFIER "x",
                               addr, size);
    if (!r)
        return FALSE;
    if (!g_str_has_prefix(r, "0x") || strlen(r) != 2 + 2 * size) {
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                    "%s: qtest read of %" G_GSIZE_FORMAT " bytes answered %" G_GSIZE_FORMAT
                    " characters",
                    q->peer, size, strlen(r));
        return FALSE;
    }
    for (gsize i = 0; i < size; i++)
        out[i] = (guint8) (g_ascii_xdigit_value(r[2 + 2 * i]) << 4 |
                           g_ascii_xdigit_value(r[3 + 2 * i]));
    return TRUE;
}

static gboolean mem_write(Qtest *q, uint64_t addr, const guint8 *data, gsize size,
                          GError **error)
{
    g_autoptr(GString) hex = g_string_new("0x");
    for (gsize i = 0; i < size; i++)
        g_string_append_printf(hex, "%02x", data[i]);
    g_autofree char *r = qtest(q, error, "write 0x%" G_GINT64_MODIFIER "x 0x%" G_GSIZE_MODIFIER
                                         "x %s",
                               addr, size, hex->str);
    return r != NULL;
}

static void store_be32(guint8 *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (guint8) (v >> (24 - 8 * i));
}

static uint32_t load_be32(const guint8 *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

/* fw_cfg item @select, @size bytes, by DMA into guest RAM, then out over qtest. */
static guint8 *fw_cfg_read(Qtest *q, uint16_t select, gsize size, GError **error)
{
    guint8 desc[16] = { 0 };
    store_be32(desc, (uint32_t) select << 16 | DMA_SELECT | DMA_READ);
    store_be32(desc + 4, (uint32_t) size);
    store_be32(desc + 8, 0);
    store_be32(desc + 12, BUF_ADDR);
    if (!mem_write(q, DESC_ADDR, desc, sizeof(desc), error) ||
        /* The DMA register is big-endian; a little-endian outl writes it byte-swapped. */
        !outl(q, FW_CFG_DMA_HIGH, 0, error) ||
        !outl(q, FW_CFG_DMA_LOW, GUINT32_SWAP_LE_BE(DESC_ADDR), error))
        return NULL;
    guint8 control[4];
    if (!mem_read(q, DESC_ADDR, control, sizeof(control), error))
        return NULL;
    if (load_be32(control) != 0) {
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                    "%s: fw_cfg DMA of item 0x%x did not complete (control 0x%08x)", q->peer,
                    select, load_be32(control));
        return NULL;
    }
    guint8 *data = g_malloc(size ? size : 1);
    /* In pieces: each qtest answer is one line of hex. */
    for (gsize off = 0; off < size; off += 4096)
        if (!mem_read(q, BUF_ADDR + off, data + off, MIN(4096, size - off), error)) {
            g_free(data);
            return NULL;
        }
    return data;
}

void ccm_acpi_blobs_clear(CcmAcpiBlobs *b)
{
    g_clear_pointer(&b->tables, g_bytes_unref);
    g_clear_pointer(&b->rsdp, g_bytes_unref);
    g_clear_pointer(&b->loader, g_bytes_unref);
    g_clear_pointer(&b->tpm_log, g_bytes_unref);
    g_clear_pointer(&b->smbios, g_bytes_unref);
}

/* fw_cfg file @select <- @data (@size bytes), by DMA from guest RAM. */
static gboolean fw_cfg_write(Qtest *q, uint16_t select, const guint8 *data, gsize size,
                             GError **error)
{
    guint8 desc[16] = { 0 };
    store_be32(desc, (uint32_t) select << 16 | DMA_SELECT | DMA_WRITE);
    store_be32(desc + 4, (uint32_t) size);
    store_be32(desc + 12, BUF_ADDR);
    if (!mem_write(q, BUF_ADDR, data, size, error) ||
        !mem_write(q, DESC_ADDR, desc, sizeof(desc), error) ||
        !outl(q, FW_CFG_DMA_HIGH, 0, error) ||
        !outl(q, FW_CFG_DMA_LOW, GUINT32_SWAP_LE_BE(DESC_ADDR), error))
        return FALSE;
    guint8 control[4];
    if (!mem_read(q, DESC_ADDR, control, sizeof(control), error))
        return FALSE;
    if (load_be32(control) != 0) {
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                    "%s: fw_cfg DMA write of item 0x%x did not complete (control 0x%08x)",
                    q->peer, select, load_be32(control));
        return FALSE;
    }
    return TRUE;
}

typedef struct FwCfgFile {
    uint32_t size;
    uint16_t select;
} FwCfgFile;

/* The directory entry of @name, or FALSE (with an error naming it) when QEMU serves none. */
static gboolean find_file(Qtest *q, const guint8 *dir, uint32_t count, const char *name,
                          FwCfgFile *ret, GError **error)
{
    for (uint32_t i = 0; i < count; i++) {
        const guint8 *e = dir + 4 + 64 * i;
        if (strncmp((const char *) e + 8, name, 56) == 0) {
            *ret = (FwCfgFile) { load_be32(e), (uint16_t) (e[4] << 8 | e[5]) };
            return TRUE;
        }
    }
    g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_MISSING,
                "%s serves no fw_cfg file %s", q->peer, name);
    return FALSE;
}

/* What an SMM firmware (OVMF with SMM_REQUIRE) does before it reads the tables: it asks
 * for every SMI feature QEMU offers of broadcast SMI, CPU hotplug and CPU hot-unplug
 * (bits 0-2), and selects etc/smi/features-ok to lock them. The DSDT's CPU hotplug
 * methods depend on the result. */
static gboolean negotiate_smi(Qtest *q, const guint8 *dir, uint32_t count, GError **error)
{
    FwCfgFile supported, requested, ok;
    if (!find_file(q, dir, count, "etc/smi/supported-features", &supported, error) ||
        !find_file(q, dir, count, "etc/smi/requested-features", &requested, error) ||
        !find_file(q, dir, count, "etc/smi/features-ok", &ok, error))
        return FALSE;
    if (supported.size != 8 || requested.size != 8 || ok.size != 1) {
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                    "%s: the etc/smi files have sizes %u, %u and %u, expected 8, 8 and 1",
                    q->peer, supported.size, requested.size, ok.size);
        return FALSE;
    }
    g_autofree guint8 *offered = fw_cfg_read(q, supported.select, 8, error);
    if (!offered)
        return FALSE;
    guint8 want[8] = { (guint8) (offered[0] & 0x7) };
    if (!fw_cfg_write(q, requested.select, want, sizeof(want), error))
        return FALSE;
    g_autofree guint8 *accepted = fw_cfg_read(q, ok.select, 1, error);
    if (!accepted)
        return FALSE;
    if (accepted[0] != 1) {
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                    "%s refused the SMI features 0x%x it offered", q->peer, want[0]);
        return FALSE;
    }
    return TRUE;
}

static gboolean dump(Qtest *q, const CcmAcpiDumpOptions *o, CcmAcpiBlobs *ret, GError **error)
{
    if (o->setup) {
        /* The platform setup a real firmware did before reading the tables. */
        for (size_t i = 0; i < o->n_setup; i++)
            if (!out_sized(q, &o->setup[i], error))
                return FALSE;
    } else if (!outl(q, 0xcf8, 0x80000060, error) || !outl(q, 0xcfc, 0xb0000001, error) ||
               !outl(q, 0xcf8, 0x80000064, error) || !outl(q, 0xcfc, 0, error)) {
        /* The firmware's first act on q35: PCIEXBAR = 0xb0000000, enabled (dev 0:0.0,
         * 0x60). */
        return FALSE;
    }
    g_autofree guint8 *count_be = fw_cfg_read(q, FW_CFG_FILE_DIR, 4, error);
    if (!count_be)
        return FALSE;
    uint32_t count = load_be32(count_be);
    if (count == 0 || count > 4096) {
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                    "%s: the fw_cfg directory claims %u files", q->peer, count);
        return FALSE;
    }
    g_autofree guint8 *dir = fw_cfg_read(q, FW_CFG_FILE_DIR, 4 + 64 * (gsize) count, error);
    if (!dir)
        return FALSE;
    if (o->negotiate_smi && !negotiate_smi(q, dir, count, error))
        return FALSE;
    /* The first three always; the TPM log area and the SMBIOS tables when served. */
    static const char *const names[] = { "etc/acpi/tables", "etc/acpi/rsdp",
                                         "etc/table-loader", "etc/tpm/log",
                                         "etc/smbios/smbios-tables" };
    GBytes **slots[] = { &ret->tables, &ret->rsdp, &ret->loader, &ret->tpm_log, &ret->smbios };
    for (uint32_t i = 0; i < count; i++) {
        const guint8 *e = dir + 4 + 64 * i;
        uint32_t size = load_be32(e);
        uint16_t select = (uint16_t) (e[4] << 8 | e[5]);
        char name[57] = { 0 };
        memcpy(name, e + 8, 56);
        for (size_t k = 0; k < G_N_ELEMENTS(names); k++) {
            if (strcmp(name, names[k]) != 0)
                continue;
            if (size > MAX_FILE) {
                g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_PROTOCOL,
                            "%s: fw_cfg file %s claims %u bytes", q->peer, name, size);
                return FALSE;
            }
            guint8 *data = fw_cfg_read(q, select, size, error);
            if (!data)
                return FALSE;
            *slots[k] = g_bytes_new_take(data, size);
        }
    }
    for (size_t k = 0; k < 3; k++)
        if (!*slots[k]) {
            g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_MISSING,
                        "%s serves no fw_cfg file %s (no ACPI for this machine?)", q->peer,
                        names[k]);
            return FALSE;
        }
    return TRUE;
}

/* Whether the child has exited (a zombie not yet reaped counts): no main loop runs here
 * for GSubprocess to notice by itself. */
static bool gone(GSubprocess *p)
{
    const char *pid = g_subprocess_get_identifier(p);
    if (!pid)
        return true;
    g_autofree char *path = g_strdup_printf("/proc/%s/stat", pid);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return true;
    const char *close = strrchr(text, ')');
    return !close || close[1] == '\0' || close[2] == 'Z' || close[2] == 'X';
}

/* Connects to QEMU's qtest socket once it exists; FALSE if QEMU exits or time runs out. */
static GSocketConnection *connect_qtest(GSubprocess *p, const char *path, gint64 deadline,
                                        GError **error)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);

    while (g_get_monotonic_time() < deadline) {
        if (g_file_test(path, G_FILE_TEST_EXISTS)) {
            GSocketConnection *c =
                g_socket_client_connect(client, G_SOCKET_CONNECTABLE(address), NULL, NULL);
            if (c)
                return c;
        }
        if (gone(p))
            break;
        g_usleep(10000);
    }
    g_set_error_literal(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_START, "");
    return NULL;
}

/* QEMU's first line on stderr, to explain a failed start. */
static char *first_stderr_line(GSubprocess *p)
{
    GInputStream *err = g_subprocess_get_stderr_pipe(p);
    char buf[1024];
    gsize n = 0;
    if (!err || !g_input_stream_read_all(err, buf, sizeof(buf) - 1, &n, NULL, NULL) || n == 0)
        return NULL;
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    return g_strdup(buf);
}

gboolean ccm_acpi_dump(const char *qemu, const char *const *shape_args, guint timeout_ms,
                       CcmAcpiBlobs *ret, GError **error)
{
    return ccm_acpi_dump_after(qemu, shape_args, NULL, 0, timeout_ms, ret, error);
}

gboolean ccm_acpi_dump_after(const char *qemu, const char *const *shape_args,
                             const CcmAcpiPortWrite *setup, size_t n_setup, guint timeout_ms,
                             CcmAcpiBlobs *ret, GError **error)
{
    CcmAcpiDumpOptions o = { .setup = setup, .n_setup = n_setup };
    return ccm_acpi_dump_with(qemu, shape_args, &o, timeout_ms, ret, error);
}

gboolean ccm_acpi_dump_with(const char *qemu, const char *const *shape_args,
                            const CcmAcpiDumpOptions *options, guint timeout_ms,
                            CcmAcpiBlobs *ret, GError **error)
{
    g_autofree char *dir = g_dir_make_tmp("ccm-acpi-XXXXXX", error);
    if (!dir)
        return FALSE;
    g_autofree char *path = g_build_filename(dir, "qtest.sock", NULL);
    g_autofree char *peer = g_strdup_printf("QEMU %s", qemu);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GSubprocess) p = NULL;
    g_autoptr(GSocketConnection) conn = NULL;
    g_autoptr(GError) e = NULL;
    gboolean ok = FALSE;
    *ret = (CcmAcpiBlobs) { 0 };

    g_ptr_array_add(argv, g_strdup(qemu));
    for (const char *const *a = shape_args; a && *a; a++)
        g_ptr_array_add(argv, g_strdup(*a));
    /* -qtest-log: QEMU logs every qtest exchange to stderr otherwise, and would block
     * once the pipe we keep for its error messages is full. */
    static const char *const fixed[] = { "-S", "-display", "none", "-accel", "tcg",
                                         "-no-user-config", "-qtest-log", "/dev/null",
                                         "-qtest", NULL };
    for (const char *const *a = fixed; *a; a++)
        g_ptr_array_add(argv, g_strdup(*a));
    g_ptr_array_add(argv, g_strdup_printf("unix:%s,server=on,wait=off", path));
    g_ptr_array_add(argv, NULL);
    p = g_subprocess_newv((const char *const *) argv->pdata,
                          G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          error);
    if (!p)
        goto out;
    gint64 deadline = g_get_monotonic_time() + (gint64) (timeout_ms ? timeout_ms : 30000) * 1000;
    conn = connect_qtest(p, path, deadline, &e);
    if (!conn) {
        g_subprocess_force_exit(p);
        (void) g_subprocess_wait(p, NULL, NULL);
        g_autofree char *why = first_stderr_line(p);
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_START,
                    "%s did not start for the ACPI dump%s%s", qemu, why ? ": " : "",
                    why ? why : "");
        goto out;
    }
    Qtest q = {
        .conn = conn,
        .in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn))),
        .out = g_io_stream_get_output_stream(G_IO_STREAM(conn)),
        .peer = peer,
    };
    g_data_input_stream_set_newline_type(q.in, G_DATA_STREAM_NEWLINE_TYPE_LF);
    ok = dump(&q, options, ret, error);
    g_object_unref(q.in);
    g_subprocess_force_exit(p);
    (void) g_subprocess_wait(p, NULL, NULL);
out:
    if (!ok)
        ccm_acpi_blobs_clear(ret);
    (void) unlink(path);
    (void) rmdir(dir);
    return ok;
}

static const char *const blob_names[] = { "tables", "rsdp", "table-loader" };

static GBytes **blob_slot(CcmAcpiBlobs *b, size_t i)
{
    return i == 0 ? &b->tables : i == 1 ? &b->rsdp : &b->loader;
}

/* The cache folder for @qemu and @shape_args; NULL when @qemu cannot be found. */
static char *cache_entry(const char *qemu, const char *const *shape_args,
                         const CcmAcpiPortWrite *setup, size_t n_setup, const char *cache_dir,
                         GError **error)
{
    g_autofree char *path = strchr(qemu, '/') ? g_strdup(qemu) : g_find_program_in_path(qemu);
    struct stat st;
    if (!path || stat(path, &st) < 0) {
        g_set_error(error, CCM_ACPI_DUMP_ERROR, CCM_ACPI_DUMP_ERROR_START,
                    "%s: no such QEMU binary", qemu);
        return NULL;
    }
    g_autofree char *real = realpath(path, NULL);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree char *stamp = g_strdup_printf("%s\n%jd\n%jd.%09ld\n", real ? real : path,
                                             (intmax_t) st.st_size,
                                             (intmax_t) st.st_mtim.tv_sec,
                                             (long) st.st_mtim.tv_nsec);
    g_checksum_update(sum, (const guchar *) stamp, -1);
    for (const char *const *a = shape_args; a && *a; a++)
        g_checksum_update(sum, (const guchar *) *a, (gssize) strlen(*a) + 1);
    for (size_t i = 0; setup && i < n_setup; i++) {
        g_autofree char *w = g_strdup_printf("out%u 0x%x 0x%x\n", setup[i].size, setup[i].port,
                                             setup[i].value);
        g_checksum_update(sum, (const guchar *) w, -1);
    }
    const char *dir = cache_dir ? cache_dir : g_getenv("CCM_ACPI_CACHE");
    g_autofree char *default_dir = NULL;
    if (!dir)
        dir = default_dir = g_build_filename(g_get_user_cache_dir(), "ccm", "acpi", NULL);
    return g_build_filename(dir, g_checksum_get_string(sum), NULL);
}

static gboolean cache_read(const char *entry, CcmAcpiBlobs *ret)
{
    *ret = (CcmAcpiBlobs) { 0 };
    for (size_t i = 0; i < G_N_ELEMENTS(blob_names); i++) {
        g_autofree char *file = g_build_filename(entry, blob_names[i], NULL);
        char *data = NULL;
        gsize size = 0;
        if (!g_file_get_contents(file, &data, &size, NULL) || size == 0) {
            g_free(data);
            ccm_acpi_blobs_clear(ret);
            return FALSE;
        }
        *blob_slot(ret, i) = g_bytes_new_take(data, size);
    }
    /* An entry is used only when it holds together: its loader and RSDP are what its
     * tables imply (a truncated or edited file is dumped again). */
    gsize n = 0;
    const void *tables = g_bytes_get_data(ret->tables, &n);
    uint8_t rsdp[CCM_ACPI_RSDP_SIZE], loader[CCM_ACPI_LOADER_SIZE];
    CcmError err = { 0 };
    if (ccm_tdx_acpi_derive(tables, n, rsdp, loader, &err) < 0 ||
        g_bytes_get_size(ret->rsdp) != sizeof(rsdp) ||
        memcmp(g_bytes_get_data(ret->rsdp, NULL), rsdp, sizeof(rsdp)) != 0 ||
        g_bytes_get_size(ret->loader) != sizeof(loader) ||
        memcmp(g_bytes_get_data(ret->loader, NULL), loader, sizeof(loader)) != 0) {
        ccm_acpi_blobs_clear(ret);
        return FALSE;
    }
    return TRUE;
}

/* Writes a complete entry under a temporary name and renames it into place. */
static void cache_write(const char *entry, CcmAcpiBlobs *blobs)
{
    g_autofree char *parent = g_path_get_dirname(entry);
    if (g_mkdir_with_parents(parent, 0700) < 0)
        return;
    g_autofree char *tmp = g_strconcat(entry, ".XXXXXX", NULL);
    if (!g_mkdtemp(tmp))
        return;
    gboolean ok = TRUE;
    for (size_t i = 0; ok && i < G_N_ELEMENTS(blob_names); i++) {
        g_autofree char *file = g_build_filename(tmp, blob_names[i], NULL);
        gsize size = 0;
        const char *data = g_bytes_get_data(*blob_slot(blobs, i), &size);
        ok = g_file_set_contents(file, data, (gssize) size, NULL);
    }
    if (ok) {
        /* Replace an entry that did not hold together. */
        for (size_t i = 0; i < G_N_ELEMENTS(blob_names); i++) {
            g_autofree char *old = g_build_filename(entry, blob_names[i], NULL);
            (void) unlink(old);
        }
        (void) rmdir(entry);
        if (rename(tmp, entry) == 0)
            return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(blob_names); i++) {
        g_autofree char *file = g_build_filename(tmp, blob_names[i], NULL);
        (void) unlink(file);
    }
    (void) rmdir(tmp);
}

gboolean ccm_acpi_dump_cached(const char *qemu, const char *const *shape_args,
                              guint timeout_ms, const char *cache_dir, CcmAcpiBlobs *ret,
                              gboolean *ret_cached, GError **error)
{
    return ccm_acpi_dump_cached_after(qemu, shape_args, NULL, 0, timeout_ms, cache_dir, ret,
                                      ret_cached, error);
}

gboolean ccm_acpi_dump_cached_after(const char *qemu, const char *const *shape_args,
                                    const CcmAcpiPortWrite *setup, size_t n_setup,
                                    guint timeout_ms, const char *cache_dir, CcmAcpiBlobs *ret,
                                    gboolean *ret_cached, GError **error)
{
    g_autofree char *entry = cache_entry(qemu, shape_args, setup, n_setup, cache_dir, error);
    if (!entry)
        return FALSE;
    if (cache_read(entry, ret)) {
        if (ret_cached)
            *ret_cached = TRUE;
        return TRUE;
    }
    if (!ccm_acpi_dump_after(qemu, shape_args, setup, n_setup, timeout_ms, ret, error))
        return FALSE;
    cache_write(entry, ret);
    if (ret_cached)
        *ret_cached = FALSE;
    return TRUE;
}
