/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ccm-qemu-plugin.c - a QEMU TCG plugin that records what a boot consumed and executed
 *
 *   qemu-system-x86_64 -accel tcg ... \
 *       -plugin ccm-qemu-plugin.so,manifest=boot.json,map=map.json,platform=sev-snp
 *
 * manifest=FILE: every fw_cfg item the firmware selected and read (fw-cfg-watch.c), the
 *   firmware image as mapped at reset, the vCPU count and the CPUID signature vCPU 0 read.
 * map=FILE: every guest page executed until the kernel takes over, by where its bytes came
 *   from (page-provenance.c), set against platform= (sev, sev-es, sev-snp: the default;
 *   tdx) and kernel-hashes=on|off.
 * until=kernel (default): stop recording at the first instruction in the upper half of the
 *   address space (the kernel proper; the firmware, the EFI stub and the decompressor run
 *   identity-mapped below it); until=pio:PORT: at the first OUT to PORT; until=exit.
 * firmware-size=BYTES: the size of the image mapped below 4 GiB (default: found by reading
 *   down from 4 GiB until a read fails, at most 16 MiB).
 * dump=DIR: also write the bytes of every item the manifest lists into DIR, one file per
 *   item (slashes as "_"), to compare them with the expected ones byte by byte.
 * tee=snp: a simulated SEV-SNP TEE (sim-snp.c; plugin API 5 or later, QEMU >= 10.1). It
 *   measures the launch from what it observed (the firmware at reset, vCPUs, the CPUID
 *   signature, the kernel, initrd and command line as read over fw_cfg), fills the
 *   firmware's kernel-hashes table from those bytes as QEMU would for a real launch, and
 *   answers the guest's report requests (docs/simulated-tee.md). vcek-key=PEM (required),
 *   policy=, host-data=HEX64, sev-features=, tcb=BL:TEE:SNP:UCODE are the launch's and the
 *   platform's parameters; measurement=FILE writes what it measured, from what.
 *
 * How: port I/O is invisible to memory callbacks, so each translated block is decoded
 * (x86-insn.c) and the IN/OUT/INS/CPUID instructions get an exec callback that reads
 * RAX/RCX/RDX/RDI; QEMU completes a fw_cfg transfer inside the instruction, so the bytes are
 * read at the next instruction: a callback on it when it is in the same block, else a
 * callback at the start of every block that QEMU runs only while the vCPU's pending flag
 * (a scoreboard entry) is set. "late_completions" counts transfers found only at a later
 * watched instruction (none is expected). Executed pages are
 * classified when QEMU translates them (it translates again after any write to a page
 * holding code), from their content at that moment. The files are written when recording
 * stops, else when QEMU exits; each is written whole and renamed into place.
 *
 * Licence: GPL-2.0-or-later, as QEMU's plugin interface requires of plugins (COPYING).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ccm/measure.h"
#include "fw-cfg-watch.h"
#include "boot-blobs.h"
#include "page-provenance.h"
#include "plugin-compat.h"
#include "sim-snp.h"
#include "sim-tdx.h"
#include "x86-insn.h"

#define MAX_VCPUS 1024
#define KERNEL_HALF 0xffff800000000000ull
#define FOUR_GIB 0x100000000ull
#define FIRMWARE_PROBE_MAX (16u << 20)
#define DMA_MAX (64u << 20)

typedef enum Until { UNTIL_KERNEL, UNTIL_PIO, UNTIL_EXIT } Until;

typedef enum PendingKind { PENDING_NONE, PENDING_DMA, PENDING_PIO_IN, PENDING_PIO_STRING,
                           PENDING_CPUID } PendingKind;

typedef struct Pending {
    PendingKind kind;
    uint64_t address, length;
    unsigned size;
} Pending;

/* One watched instruction, from translation. */
typedef struct Site {
    CcmInsn insn;
    uint64_t vaddr;
} Site;

static struct {
    char *manifest_path, *map_path, *platform, *dump_dir;
    bool kernel_hashes;
    uint64_t firmware_size;
    Until until;
    int until_port;
    int api;
    unsigned vcpus;

    struct qemu_plugin_register *rax, *rcx, *rdx, *rdi;
    GMutex lock;
    CcmFwCfgWatch *fw;
    CcmProvenance *prov;
    uint32_t dma_high;
    Pending pending[MAX_VCPUS];
    gint recording;          /* atomic */
    gint reset_seen;         /* atomic */
    gint written;            /* atomic */
    const char *stopped;
    bool have_firmware;
    uint64_t firmware_base;
    char *firmware_sha256, *firmware_sha384;
    bool have_signature;
    uint32_t signature;
    uint64_t late;
    GPtrArray *sites;
    qemu_plugin_u64 pending_flag;  /* per vCPU: 1 while a transfer awaits its bytes */
    GArray *setup;                 /* PCI configuration writes before the ACPI tables */
    bool acpi_read;

    /* tee=snp */
    CcmSimSnpConfig tee_config;
    bool tee;
    char *measurement_path;
    CcmSimSnp *sim;
    bool tee_tdx;
    CcmSimTdxConfig tdx_config;
    CcmSimTdx *sim_tdx;
    CcmBootBlobs *blobs;
    bool hashes_area;
    uint32_t hashes_base;
    struct qemu_plugin_register *rsi;
} s;

/* The guest interface (docs/simulated-tee.md). */
#define TEE_CMD_SNP_REPORT 0x434d0001ull
#define TEE_CMD_TDX_REPORT 0x434d0002ull
#define TEE_CMD_TDX_EXTEND 0x434d0003ull
#define TEE_STATUS_OK 0
#define TEE_STATUS_BAD_REQUEST 1
#define TEE_STATUS_NO_SUCH_TEE 2
#define TEE_STATUS_CANNOT_MEASURE 3
#define TEE_BUFFER_SIZE 4096u
#define TEE_OFF_VMPL 0x40
#define TEE_OFF_REPORT 0x100
#define TEE_OFF_REPORT_SIZE 0x5a0

typedef struct PortWrite {
    uint16_t port;
    uint8_t size;
    uint32_t value;
} PortWrite;

#define PCI_CONFIG_FIRST 0xcf8
#define PCI_CONFIG_LAST 0xcff
#define SETUP_MAX 65536

/* ---- output --------------------------------------------------------------------------- */

static bool write_atomically(const char *path, const GString *text)
{
    g_autofree char *tmp = g_strdup_printf("%s.tmp-%d", path, (int) getpid());
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(tmp, text->str, (gssize) text->len, &error) ||
        rename(tmp, path) < 0) {
        ccm_plugin_outf("ccm-qemu-plugin: cannot write %s: %s\n", path,
                        error ? error->message : g_strerror(errno));
        unlink(tmp);
        return false;
    }
    return true;
}

static void write_manifest(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_string_append_printf(out, "{\n  \"format\": \"ccm-boot-manifest\",\n  \"version\": 1,\n"
                                "  \"plugin_api\": %d,\n  \"vcpus\": %u,\n"
                                "  \"physical_addresses\": %s,\n  \"late_completions\": %"
                                G_GUINT64_FORMAT ",\n",
                           s.api, s.vcpus, ccm_plugin_have_physical() ? "true" : "false", s.late);
    if (s.have_signature)
        g_string_append_printf(out, "  \"cpuid_signature\": \"0x%08x\",\n", s.signature);
    else
        g_string_append(out, "  \"cpuid_signature\": null,\n");
    if (s.have_firmware)
        g_string_append_printf(out, "  \"firmware\": { \"base\": \"0x%" G_GINT64_MODIFIER "x\", "
                                    "\"size\": %" G_GUINT64_FORMAT ", \"sha256\": \"%s\", "
                                    "\"sha384\": \"%s\" },\n",
                               s.firmware_base, s.firmware_size, s.firmware_sha256,
                               s.firmware_sha384);
    else
        g_string_append(out, "  \"firmware\": null,\n");
    /* What QEMU built the ACPI tables from: the PCI configuration the firmware wrote
     * through ports 0xcf8-0xcff before it read them (PCIEXBAR, the PM base, ...). */
    g_string_append(out, "  \"platform_setup\": [");
    for (guint i = 0; i < s.setup->len; i++) {
        const PortWrite *w = &g_array_index(s.setup, PortWrite, i);
        g_string_append_printf(out, "%s\n    { \"port\": \"0x%x\", \"size\": %u, \"value\": \"0x%x\" }",
                               i ? "," : "", w->port, w->size, w->value);
    }
    g_string_append(out, s.setup->len ? "\n  ],\n" : "],\n");
    g_string_append(out, "  \"fw_cfg\": ");
    ccm_fw_cfg_append_json(s.fw, out);
    g_string_append(out, "\n}\n");
    write_atomically(s.manifest_path, out);
}

static void write_map(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_string_append_printf(out, "{\n  \"format\": \"ccm-exec-map\",\n  \"version\": 1,\n"
                                "  \"plugin_api\": %d,\n  \"platform\": \"%s\",\n"
                                "  \"stopped\": \"%s\",\n  \"physical_addresses\": %s,\n",
                           s.api, s.platform, s.stopped,
                           ccm_plugin_have_physical() ? "true" : "false");
    if (s.have_firmware)
        g_string_append_printf(out, "  \"firmware\": { \"base\": \"0x%" G_GINT64_MODIFIER "x\", "
                                    "\"size\": %" G_GUINT64_FORMAT " },\n  ",
                               s.firmware_base, s.firmware_size);
    else
        g_string_append(out, "  \"firmware\": null,\n  ");
    ccm_provenance_append_json(s.prov, out);
    g_string_append(out, "\n}\n");
    write_atomically(s.map_path, out);
}

static CcmSimSnpInputs tee_inputs(void)
{
    return (CcmSimSnpInputs){ s.vcpus, s.have_signature, s.signature, s.blobs };
}

/* What the simulated TEE measured, and from what. Call with s.lock held. */
static void write_measurement(void)
{
    if (!s.measurement_path)
        return;
    g_autoptr(GString) out = g_string_new("{\n  \"format\": \"ccm-simulated-measurement\",\n"
                                          "  \"version\": 1,\n  \"tee\": ");
    if (s.sim_tdx)
        ccm_sim_tdx_append_json(s.sim_tdx, out);
    else
        ccm_sim_snp_append_json(s.sim, out);
    g_string_append(out, "\n}\n");
    write_atomically(s.measurement_path, out);
}

/* The kernel-hashes table as the blobs read so far imply it, where the firmware looks for
 * it: what QEMU writes before a real launch, written here as the bytes arrive (the firmware
 * checks each blob against it only after reading it). Call with s.lock held. */
static void write_hashes_table(void)
{
    if (!s.hashes_area)
        return;
    CcmKernelHashes hashes;
    uint8_t table[CCM_KERNEL_HASHES_TABLE_SIZE];
    ccm_boot_blobs_hashes(s.blobs, &hashes);
    ccm_kernel_hashes_table(&hashes, table);
    if (!ccm_plugin_write_guest(s.hashes_base, table, sizeof(table)))
        ccm_plugin_outf("ccm-qemu-plugin: tee=snp: cannot write the kernel-hashes table at "
                        "0x%x\n", s.hashes_base);
}

/* Stops recording and writes the files, once. Call with s.lock held. */
static void finish(const char *why)
{
    g_atomic_int_set(&s.recording, 0);
    if (!g_atomic_int_compare_and_exchange(&s.written, 0, 1))
        return;
    s.stopped = why;
    if (s.manifest_path)
        write_manifest();
    if (s.map_path)
        write_map();
    ccm_plugin_outf("ccm-qemu-plugin: recording stopped (%s)%s%s%s%s; %" G_GUINT64_FORMAT
                    " flagged pages\n",
                    why, s.manifest_path ? ", manifest " : "",
                    s.manifest_path ? s.manifest_path : "", s.map_path ? ", map " : "",
                    s.map_path ? s.map_path : "",
                    s.prov ? ccm_provenance_flagged_pages(s.prov) : 0);
}

/* ---- guest state ---------------------------------------------------------------------- */

static uint64_t reg(struct qemu_plugin_register *r)
{
    uint64_t v = 0;
    if (!r || !ccm_plugin_read_reg_u64(r, &v))
        return 0;
    return v;
}

/* The host wrote [@address, +@length): each touched page with its content now. */
static void host_wrote(uint64_t address, uint64_t length, const char *item)
{
    if (!s.prov || length == 0)
        return;
    uint8_t page[CCM_PAGE_SIZE];
    for (uint64_t p = address / CCM_PAGE_SIZE; p <= (address + length - 1) / CCM_PAGE_SIZE; p++)
        if (ccm_plugin_read_guest(p * CCM_PAGE_SIZE, true, page, sizeof(page)))
            ccm_provenance_host_page(s.prov, p, item, page);
}

/* What a transfer left in guest memory, now that it is complete. Call with s.lock held. */
static void set_pending(unsigned vcpu, Pending p)
{
    s.pending[vcpu] = p;
    qemu_plugin_u64_set(s.pending_flag, vcpu, 1);
}

static void complete(unsigned vcpu)
{
    Pending p = s.pending[vcpu];
    s.pending[vcpu].kind = PENDING_NONE;
    qemu_plugin_u64_set(s.pending_flag, vcpu, 0);
    switch (p.kind) {
    case PENDING_DMA:
    case PENDING_PIO_STRING: {
        if (p.length == 0 || p.length > DMA_MAX)
            return;
        g_autofree uint8_t *buf = g_malloc(p.length);
        if (!ccm_plugin_read_guest(p.address, true, buf, p.length))
            return;
        ccm_fw_cfg_data(s.fw, buf, p.length,
                        p.kind == PENDING_DMA ? CCM_FW_CFG_VIA_DMA : CCM_FW_CFG_VIA_PIO);
        if (s.blobs && ccm_boot_blobs_data(s.blobs, buf, p.length))
            write_hashes_table();
        host_wrote(p.address, p.length, ccm_fw_cfg_name(s.fw, ccm_fw_cfg_selected(s.fw)));
        return;
    }
    case PENDING_PIO_IN: {
        uint64_t v = reg(s.rax);
        uint8_t bytes[4];
        for (unsigned i = 0; i < p.size; i++)
            bytes[i] = (uint8_t) (v >> (8 * i));
        ccm_fw_cfg_data(s.fw, bytes, p.size, CCM_FW_CFG_VIA_PIO);
        if (s.blobs && ccm_boot_blobs_data(s.blobs, bytes, p.size))
            write_hashes_table();
        return;
    }
    case PENDING_CPUID:
        s.signature = (uint32_t) reg(s.rax);
        s.have_signature = true;
        return;
    case PENDING_NONE:
        return;
    }
}

/* A selection; the first of an ACPI file ends the platform setup QEMU builds them from. */
static void selected(CcmFwCfgWatch *fw, uint16_t key)
{
    ccm_fw_cfg_select(fw, key);
    const char *name = ccm_fw_cfg_name(fw, key);
    if (s.blobs)
        ccm_boot_blobs_select(s.blobs, name);
    if (g_str_has_prefix(name, "etc/acpi/") || strcmp(name, "etc/table-loader") == 0)
        s.acpi_read = true;
}

static void dma_kick(unsigned vcpu, uint64_t descriptor)
{
    uint8_t raw[16];
    CcmFwCfgDma d;
    if (!ccm_plugin_read_guest(descriptor, true, raw, sizeof(raw)))
        return;
    ccm_fw_cfg_dma_decode(raw, &d);
    if (d.control & CCM_FW_CFG_DMA_SELECT)
        selected(s.fw, (uint16_t) (d.control >> 16));
    if (d.control & CCM_FW_CFG_DMA_READ)
        set_pending(vcpu, (Pending){ PENDING_DMA, d.address, d.length, 0 });
    else if (d.control & CCM_FW_CFG_DMA_SKIP) {
        ccm_fw_cfg_skip(s.fw, d.length);
        if (s.blobs && d.length)
            ccm_boot_blobs_skip(s.blobs);
    }
}

static void on_io(unsigned vcpu, void *userdata)
{
    const Site *site = userdata;
    if (!g_atomic_int_get(&s.recording) || vcpu >= MAX_VCPUS)
        return;
    int port = site->insn.port >= 0 ? site->insn.port : (int) (reg(s.rdx) & 0xffff);
    bool fw_cfg = port >= CCM_FW_CFG_PORT_SELECTOR && port <= CCM_FW_CFG_PORT_DMA_LOW + 3;
    if (port >= PCI_CONFIG_FIRST && port <= PCI_CONFIG_LAST && site->insn.kind == CCM_INSN_OUT &&
        !s.acpi_read) {
        uint64_t v = reg(s.rax);
        PortWrite w = { (uint16_t) port, (uint8_t) site->insn.size,
                        (uint32_t) (v & ((1ull << (8 * site->insn.size)) - 1)) };
        g_mutex_lock(&s.lock);
        if (!s.acpi_read && s.setup->len < SETUP_MAX)
            g_array_append_val(s.setup, w);
        g_mutex_unlock(&s.lock);
    }
    bool stop = s.until == UNTIL_PIO && port == s.until_port &&
                (site->insn.kind == CCM_INSN_OUT || site->insn.kind == CCM_INSN_OUTS);
    if (!fw_cfg && !stop && s.pending[vcpu].kind == PENDING_NONE)
        return;

    g_mutex_lock(&s.lock);
    if (s.pending[vcpu].kind != PENDING_NONE) {
        s.late++;
        complete(vcpu);
    }
    if (stop) {
        finish("pio");
    } else if (fw_cfg) {
        uint64_t value = site->insn.kind == CCM_INSN_OUT ? reg(s.rax) : 0;
        if (site->insn.size < 8)
            value &= (1ull << (8 * site->insn.size)) - 1;
        switch (site->insn.kind) {
        case CCM_INSN_OUT:
            if (port == CCM_FW_CFG_PORT_SELECTOR)
                selected(s.fw, (uint16_t) value);
            else if (port == CCM_FW_CFG_PORT_DMA_HIGH && site->insn.size == 4)
                s.dma_high = GUINT32_SWAP_LE_BE((uint32_t) value);
            else if (port == CCM_FW_CFG_PORT_DMA_LOW && site->insn.size == 4) {
                uint64_t address = ((uint64_t) s.dma_high << 32) |
                                   GUINT32_SWAP_LE_BE((uint32_t) value);
                s.dma_high = 0;
                dma_kick(vcpu, address);
            }
            break;
        case CCM_INSN_IN:
            if (port == CCM_FW_CFG_PORT_DATA)
                set_pending(vcpu, (Pending){ PENDING_PIO_IN, 0, 0, site->insn.size });
            break;
        case CCM_INSN_INS:
            if (port == CCM_FW_CFG_PORT_DATA) {
                uint64_t count = site->insn.rep ? (reg(s.rcx) & 0xffffffffu) : 1;
                set_pending(vcpu, (Pending){ PENDING_PIO_STRING, reg(s.rdi) & 0xffffffffu,
                                             count * site->insn.size, site->insn.size });
            }
            break;
        default:
            break;
        }
    }
    g_mutex_unlock(&s.lock);
}

static void on_cpuid(unsigned vcpu, void *userdata)
{
    if (vcpu != 0 || s.have_signature || !g_atomic_int_get(&s.recording))
        return;
    if ((reg(s.rax) & 0xffffffffu) == 1) {
        g_mutex_lock(&s.lock);
        set_pending(0, (Pending){ PENDING_CPUID, 0, 0, 0 });
        g_mutex_unlock(&s.lock);
    }
}

/* The instruction after a watched one: the transfer it started is complete. */
static void on_after(unsigned vcpu, void *userdata)
{
    if (vcpu >= MAX_VCPUS || s.pending[vcpu].kind == PENDING_NONE)
        return;
    g_mutex_lock(&s.lock);
    complete(vcpu);
    g_mutex_unlock(&s.lock);
}

static void on_kernel(unsigned vcpu, void *userdata)
{
    if (!g_atomic_int_get(&s.recording))
        return;
    g_mutex_lock(&s.lock);
    finish("kernel");
    g_mutex_unlock(&s.lock);
}

/* The first instruction (the reset vector): the firmware as mapped, and the launch content
 * of measured RAM. */
static void on_reset(unsigned vcpu, void *userdata)
{
    uint64_t size = s.firmware_size;
    uint8_t probe[CCM_PAGE_SIZE];
    if (!size) {
        while (size < FIRMWARE_PROBE_MAX &&
               ccm_plugin_read_guest(FOUR_GIB - size - CCM_PAGE_SIZE, true, probe, sizeof(probe)))
            size += CCM_PAGE_SIZE;
    }
    g_autofree uint8_t *image = size ? g_malloc(size) : NULL;
    if (!size || !ccm_plugin_read_guest(FOUR_GIB - size, true, image, size)) {
        ccm_plugin_outf("ccm-qemu-plugin: cannot read the firmware below 4 GiB (%"
                        G_GUINT64_FORMAT " bytes)\n", size);
        return;
    }
    g_mutex_lock(&s.lock);
    s.have_firmware = true;
    s.firmware_base = FOUR_GIB - size;
    s.firmware_size = size;
    s.firmware_sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, image, size);
    s.firmware_sha384 = g_compute_checksum_for_data(G_CHECKSUM_SHA384, image, size);
    if (s.sim_tdx) {
        g_autofree char *why = NULL;
        if (!ccm_sim_tdx_set_firmware(s.sim_tdx, image, size, &why))
            ccm_plugin_outf("ccm-qemu-plugin: tee=tdx: %s\n", why);
    }
    if (s.sim) {
        g_autofree char *why = NULL;
        uint32_t area_size = 0;
        if (!ccm_sim_snp_set_firmware(s.sim, image, size, &why))
            ccm_plugin_outf("ccm-qemu-plugin: tee=snp: %s\n", why);
        else if ((s.hashes_area = ccm_sim_snp_hashes_area(s.sim, &s.hashes_base, &area_size) &&
                                  area_size >= CCM_KERNEL_HASHES_TABLE_SIZE))
            write_hashes_table();
    }
    if (s.prov) {
        g_autofree char *why = NULL;
        if (!ccm_provenance_set_firmware(s.prov, s.firmware_base, image, size, &why)) {
            ccm_plugin_outf("ccm-qemu-plugin: map=: %s\n", why);
        } else {
            g_autoptr(GArray) pages = ccm_provenance_ram_pages(s.prov);
            for (guint i = 0; i < pages->len; i++) {
                uint64_t p = g_array_index(pages, uint64_t, i);
                if (ccm_plugin_read_guest(p * CCM_PAGE_SIZE, true, probe, sizeof(probe)))
                    ccm_provenance_initial_page(s.prov, p, probe);
            }
        }
    }
    g_mutex_unlock(&s.lock);
}

/* ---- the simulated TEE's guest interface ------------------------------------------------- */

/* The guest's buffer: its guest-physical address, or false when it is not a mapped page. */
static bool tee_buffer(uint64_t buffer, uint64_t *ret_paddr)
{
    if (buffer % TEE_BUFFER_SIZE == 0 && ccm_plugin_translate(buffer, ret_paddr))
        return true;
    ccm_plugin_outf("ccm-qemu-plugin: tee: request buffer 0x%" G_GINT64_MODIFIER "x is not a "
                    "mapped, page-aligned page\n", buffer);
    return false;
}

static void tee_complain(const char *what)
{
    ccm_plugin_outf("ccm-qemu-plugin: %s\n", what);
    fprintf(stderr, "ccm-qemu-plugin: %s\n", what);
}

static uint64_t tdx_answer(uint64_t command, uint64_t buffer)
{
    uint64_t paddr;
    uint8_t request[TEE_OFF_VMPL + 4];
    if (!tee_buffer(buffer, &paddr) || !ccm_plugin_read_guest(paddr, true, request, sizeof(request)))
        return TEE_STATUS_BAD_REQUEST;
    g_autofree char *why = NULL;
    if (!ccm_sim_tdx_measure(s.sim_tdx, s.blobs, s.fw, &why)) {
        g_autofree char *text = g_strdup_printf("tee=tdx: %s", why);
        tee_complain(text);
        return TEE_STATUS_CANNOT_MEASURE;
    }
    if (command == TEE_CMD_TDX_EXTEND) {
        unsigned index = (unsigned) request[TEE_OFF_VMPL] | (unsigned) request[TEE_OFF_VMPL + 1] << 8;
        if (!ccm_sim_tdx_extend(s.sim_tdx, index, request, &why)) {
            g_autofree char *text = g_strdup_printf("tee=tdx: %s", why);
            tee_complain(text);
            return TEE_STATUS_BAD_REQUEST;
        }
        write_measurement();
        return TEE_STATUS_OK;
    }
    uint8_t answer[TEE_OFF_REPORT_SIZE + 4 - TEE_OFF_REPORT] = { 0 };
    if (!ccm_sim_tdx_quote(s.sim_tdx, s.blobs, s.fw, request, answer, &why)) {
        g_autofree char *text = g_strdup_printf("tee=tdx: %s", why);
        tee_complain(text);
        return TEE_STATUS_CANNOT_MEASURE;
    }
    uint32_t size = GUINT32_TO_LE(CCM_SIM_TDX_QUOTE_SIZE);
    memcpy(answer + TEE_OFF_REPORT_SIZE - TEE_OFF_REPORT, &size, 4);
    if (!ccm_plugin_write_guest(paddr + TEE_OFF_REPORT, answer, sizeof(answer)))
        return TEE_STATUS_BAD_REQUEST;
    write_measurement();
    return TEE_STATUS_OK;
}

static uint64_t tee_answer(uint64_t command, uint64_t buffer)
{
    if (command == TEE_CMD_TDX_REPORT || command == TEE_CMD_TDX_EXTEND)
        return s.sim_tdx ? tdx_answer(command, buffer) : TEE_STATUS_NO_SUCH_TEE;
    if (command != TEE_CMD_SNP_REPORT)
        return TEE_STATUS_BAD_REQUEST;
    if (!s.sim)
        return TEE_STATUS_NO_SUCH_TEE;
    uint64_t paddr;
    uint8_t request[TEE_OFF_VMPL + 4];
    if (!tee_buffer(buffer, &paddr) || !ccm_plugin_read_guest(paddr, true, request, sizeof(request)))
        return TEE_STATUS_BAD_REQUEST;
    uint32_t vmpl = (uint32_t) request[TEE_OFF_VMPL] | (uint32_t) request[TEE_OFF_VMPL + 1] << 8 |
                    (uint32_t) request[TEE_OFF_VMPL + 2] << 16 |
                    (uint32_t) request[TEE_OFF_VMPL + 3] << 24;
    if (vmpl > 3)
        return TEE_STATUS_BAD_REQUEST;
    uint8_t answer[TEE_OFF_REPORT_SIZE + 4 - TEE_OFF_REPORT];
    g_autofree char *why = NULL;
    CcmSimSnpInputs in = tee_inputs();
    bool first = !ccm_sim_snp_measured(s.sim);
    if (!ccm_sim_snp_report(s.sim, &in, request, vmpl, answer, &why)) {
        g_autofree char *text = g_strdup_printf("tee=snp: %s", why);
        tee_complain(text);
        return TEE_STATUS_CANNOT_MEASURE;
    }
    uint32_t size = GUINT32_TO_LE(CCM_SNP_REPORT_SIZE);
    memcpy(answer + TEE_OFF_REPORT_SIZE - TEE_OFF_REPORT, &size, 4);
    if (!ccm_plugin_write_guest(paddr + TEE_OFF_REPORT, answer, sizeof(answer)))
        return TEE_STATUS_BAD_REQUEST;
    if (first)
        write_measurement();
    return TEE_STATUS_OK;
}

/* A guest's request (the magic NOP): RAX the command, RDI the buffer; RAX the status after. */
static void on_tee_request(unsigned vcpu, void *userdata)
{
    uint64_t command = reg(s.rax), buffer = reg(s.rdi);
    g_mutex_lock(&s.lock);
    uint64_t status = tee_answer(command, buffer);
    g_mutex_unlock(&s.lock);
    if (!ccm_plugin_write_reg_u64(s.rax, status))
        ccm_plugin_outf("ccm-qemu-plugin: tee: cannot set RAX for vCPU %u\n", vcpu);
}

/* ---- translation ----------------------------------------------------------------------- */

static void classify(uint64_t vaddr)
{
    uint64_t paddr;
    uint8_t content[CCM_PAGE_SIZE];
    if (!ccm_plugin_translate(vaddr & ~(uint64_t) (CCM_PAGE_SIZE - 1), &paddr) ||
        !ccm_plugin_read_guest(paddr, true, content, sizeof(content)))
        return;
    g_mutex_lock(&s.lock);
    ccm_provenance_executed(s.prov, paddr / CCM_PAGE_SIZE, content);
    g_mutex_unlock(&s.lock);
}

static void on_translate(struct qemu_plugin_tb *tb)
{
    /* Recording stops when the kernel starts; the simulated TEE serves the guest until QEMU
     * exits, so with tee= every block is still searched for its request. */
    bool watch = g_atomic_int_get(&s.recording);
    bool serve = s.tee || (s.tee_tdx && s.tdx_config.qe_key_path);
    if (!watch && !serve)
        return;
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (watch) {
        if (n && g_atomic_int_compare_and_exchange(&s.reset_seen, 0, 1))
            qemu_plugin_register_vcpu_insn_exec_cb(qemu_plugin_tb_get_insn(tb, 0), on_reset,
                                                   QEMU_PLUGIN_CB_NO_REGS, NULL);
        /* A transfer that ended the previous block completes before this one runs. */
        qemu_plugin_register_vcpu_tb_exec_cond_cb(tb, on_after, QEMU_PLUGIN_CB_R_REGS,
                                                  QEMU_PLUGIN_COND_EQ, s.pending_flag, 1, NULL);
    }
    uint64_t last_page = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
        if (watch && s.until == UNTIL_KERNEL && vaddr >= KERNEL_HALF) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_kernel, QEMU_PLUGIN_CB_NO_REGS, NULL);
            if (!serve)
                return;
            watch = false;
        }
        if (watch && s.prov && vaddr / CCM_PAGE_SIZE != last_page) {
            last_page = vaddr / CCM_PAGE_SIZE;
            classify(vaddr);
        }
        uint8_t bytes[16];
        size_t len = qemu_plugin_insn_data(insn, bytes, sizeof(bytes));
        CcmInsn decoded = ccm_insn_decode(bytes, len);
        if (decoded.kind == CCM_INSN_TEE_REQUEST && serve) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_tee_request, QEMU_PLUGIN_CB_RW_REGS,
                                                   NULL);
            continue;
        }
        if (!watch || decoded.kind == CCM_INSN_OTHER || decoded.kind == CCM_INSN_OUTS ||
            decoded.kind == CCM_INSN_TEE_REQUEST)
            continue;
        Site *site = g_new0(Site, 1);
        site->insn = decoded;
        site->vaddr = vaddr;
        g_mutex_lock(&s.lock);
        g_ptr_array_add(s.sites, site);
        g_mutex_unlock(&s.lock);
        qemu_plugin_register_vcpu_insn_exec_cb(insn,
                                               decoded.kind == CCM_INSN_CPUID ? on_cpuid : on_io,
                                               QEMU_PLUGIN_CB_R_REGS, site);
        if (i + 1 < n)
            qemu_plugin_register_vcpu_insn_exec_cb(qemu_plugin_tb_get_insn(tb, i + 1), on_after,
                                                   QEMU_PLUGIN_CB_R_REGS, site);
    }
}

static void on_vcpu_init(unsigned vcpu)
{
    if (vcpu != 0)
        return;
    s.rax = ccm_plugin_find_register("rax");
    s.rcx = ccm_plugin_find_register("rcx");
    s.rdx = ccm_plugin_find_register("rdx");
    s.rdi = ccm_plugin_find_register("rdi");
    if (!s.rax || !s.rcx || !s.rdx || !s.rdi)
        ccm_plugin_outf("ccm-qemu-plugin: this QEMU names no rax/rcx/rdx/rdi register; "
                        "port I/O cannot be followed\n");
}

static void on_qemu_exit(void)
{
    g_mutex_lock(&s.lock);
    if (s.sim_tdx && s.measurement_path) {
        g_autofree char *why = NULL;
        if (!ccm_sim_tdx_measured(s.sim_tdx) && s.blobs &&
            !ccm_sim_tdx_measure(s.sim_tdx, s.blobs, s.fw, &why))
            ccm_plugin_outf("ccm-qemu-plugin: tee=tdx: %s\n", why);
        write_measurement();
    }
    if (s.sim && s.measurement_path) {
        /* No guest asked: measure what was observed, for the record. */
        uint8_t digest[CCM_SHA384_SIZE];
        g_autofree char *why = NULL;
        CcmSimSnpInputs in = tee_inputs();
        if (!ccm_sim_snp_measured(s.sim) && !ccm_sim_snp_measure(s.sim, &in, digest, &why))
            ccm_plugin_outf("ccm-qemu-plugin: tee=snp: %s\n", why);
        write_measurement();
    }
    finish("exit");
    g_mutex_unlock(&s.lock);
}

/* ---- arguments ------------------------------------------------------------------------- */

/* Why the plugin will not load: on QEMU's stderr (qemu_plugin_outs() goes to the -d plugin
 * log, which may be off), since QEMU itself only says "returned error code -1". */
static void refuse(const char *format, ...) G_GNUC_PRINTF(1, 2);
static void refuse(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *text = g_strdup_vprintf(format, ap);
    va_end(ap);
    fprintf(stderr, "ccm-qemu-plugin: %s\n", text);
}

/* Exactly @n bytes as 2n hex digits. */
static bool parse_hex(const char *text, uint8_t *out, size_t n)
{
    if (strlen(text) != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = g_ascii_xdigit_value(text[2 * i]), lo = g_ascii_xdigit_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t) (hi << 4 | lo);
    }
    return true;
}

/* BL:TEE:SNP:UCODE, each 0-255. */
static bool parse_tcb(const char *text, CcmSnpTcb *ret)
{
    g_auto(GStrv) parts = g_strsplit(text, ":", -1);
    uint8_t v[4];
    if (g_strv_length(parts) != 4)
        return false;
    for (int i = 0; i < 4; i++) {
        char *end = NULL;
        guint64 x = g_ascii_strtoull(parts[i], &end, 10);
        if (!g_ascii_isdigit(parts[i][0]) || *end || x > 255)
            return false;
        v[i] = (uint8_t) x;
    }
    *ret = (CcmSnpTcb){ .bootloader = v[0], .tee = v[1], .snp = v[2], .microcode = v[3] };
    return true;
}

static bool parse_args(int argc, char **argv)
{
    s.tee_config.policy = 0x30000;
    s.tdx_config.order = CCM_TDX_PAGE_ORDER_PER_PAGE;
    s.tdx_config.td_attributes = 0x10000000;  /* SEPT_VE_DISABLE */
    s.tdx_config.xfam = 0x602e7;
    s.until = UNTIL_KERNEL;
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        g_autofree char *key = eq ? g_strndup(argv[i], (gsize) (eq - argv[i])) : g_strdup(argv[i]);
        const char *value = eq ? eq + 1 : "";
        char *end = NULL;
        if (strcmp(key, "manifest") == 0 && *value) {
            s.manifest_path = g_strdup(value);
        } else if (strcmp(key, "map") == 0 && *value) {
            s.map_path = g_strdup(value);
        } else if (strcmp(key, "platform") == 0 &&
                   (!strcmp(value, "sev") || !strcmp(value, "sev-es") ||
                    !strcmp(value, "sev-snp") || !strcmp(value, "tdx"))) {
            g_free(s.platform);
            s.platform = g_strdup(value);
        } else if (strcmp(key, "kernel-hashes") == 0 &&
                   (!strcmp(value, "on") || !strcmp(value, "off"))) {
            s.kernel_hashes = strcmp(value, "on") == 0;
        } else if (strcmp(key, "firmware-size") == 0 && g_ascii_isdigit(*value) &&
                   (s.firmware_size = g_ascii_strtoull(value, &end, 0)) > 0 && !*end &&
                   s.firmware_size % CCM_PAGE_SIZE == 0 && s.firmware_size <= (256u << 20)) {
        } else if (strcmp(key, "tee") == 0 && strcmp(value, "snp") == 0) {
            s.tee = true;
        } else if (strcmp(key, "tee") == 0 && strcmp(value, "tdx") == 0) {
            s.tee_tdx = true;
        } else if (strcmp(key, "vcek-key") == 0 && *value) {
            s.tee_config.vcek_key_path = g_strdup(value);
        } else if (strcmp(key, "qe-key") == 0 && *value) {
            s.tdx_config.qe_key_path = g_strdup(value);
        } else if (strcmp(key, "mrconfigid") == 0 &&
                   parse_hex(value, s.tdx_config.mrconfigid, sizeof(s.tdx_config.mrconfigid))) {
        } else if (strcmp(key, "td-attributes") == 0 && g_ascii_isdigit(*value) &&
                   (s.tdx_config.td_attributes = g_ascii_strtoull(value, &end, 0), !*end)) {
        } else if (strcmp(key, "xfam") == 0 && g_ascii_isdigit(*value) &&
                   (s.tdx_config.xfam = g_ascii_strtoull(value, &end, 0), !*end)) {
        } else if (strcmp(key, "measurement") == 0 && *value) {
            s.measurement_path = g_strdup(value);
        } else if (strcmp(key, "policy") == 0 && g_ascii_isdigit(*value) &&
                   (s.tee_config.policy = g_ascii_strtoull(value, &end, 0), !*end)) {
        } else if (strcmp(key, "sev-features") == 0 && g_ascii_isdigit(*value) &&
                   (s.tee_config.guest_features = g_ascii_strtoull(value, &end, 0), !*end)) {
            s.tee_config.guest_features_set = true;
        } else if (strcmp(key, "host-data") == 0 && parse_hex(value, s.tee_config.host_data,
                                                               sizeof(s.tee_config.host_data))) {
        } else if (strcmp(key, "tcb") == 0 && parse_tcb(value, &s.tee_config.tcb)) {
        } else if (strcmp(key, "dump") == 0 && *value) {
            s.dump_dir = g_strdup(value);
        } else if (strcmp(key, "until") == 0 && !strcmp(value, "kernel")) {
            s.until = UNTIL_KERNEL;
        } else if (strcmp(key, "until") == 0 && !strcmp(value, "exit")) {
            s.until = UNTIL_EXIT;
        } else if (strcmp(key, "until") == 0 && g_str_has_prefix(value, "pio:") &&
                   (s.until_port = (int) g_ascii_strtoull(value + 4, &end, 0)) >= 0 &&
                   end != value + 4 && !*end && s.until_port <= 0xffff) {
            s.until = UNTIL_PIO;
        } else {
            refuse("bad argument '%s'; expected manifest=FILE, map=FILE, "
                   "platform=sev|sev-es|sev-snp|tdx, kernel-hashes=on|off, firmware-size=BYTES "
                   "(whole pages), dump=DIR, until=kernel|exit|pio:PORT, tee=snp|tdx, vcek-key=PEM, "
                   "measurement=FILE, policy=N, host-data=HEX64, sev-features=N, "
                   "tcb=BL:TEE:SNP:UCODE, qe-key=PEM, mrconfigid=HEX96, td-attributes=N, "
                   "xfam=N (see ccm-qemu-plugin(7))",
                   argv[i]);
            return false;
        }
    }
    if (s.tee && s.tee_tdx) {
        refuse("tee= is snp or tdx, not both");
        return false;
    }
    if ((s.tee_tdx && s.tee_config.vcek_key_path) || (!s.tee_tdx && s.tdx_config.qe_key_path)) {
        refuse("vcek-key= goes with tee=snp, qe-key= with tee=tdx");
        return false;
    }
    if (!s.tee && !s.tee_tdx && (s.tee_config.vcek_key_path || s.measurement_path)) {
        refuse("vcek-key= and measurement= belong to the simulated TEE: add tee=snp or tee=tdx");
        return false;
    }
    if (!s.manifest_path && !s.map_path && !s.tee && !s.tee_tdx) {
        refuse("nothing to do: give manifest=FILE, map=FILE and/or tee=snp|tdx (see "
               "ccm-qemu-plugin(7))");
        return false;
    }
    return true;
}

CCM_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                          int argc, char **argv)
{
    if (!ccm_plugin_check_info(info))
        return -1;
    if (strcmp(info->target_name, "x86_64") != 0) {
        refuse("this QEMU emulates %s; the plugin follows x86_64 guests (fw_cfg over port "
               "I/O)", info->target_name);
        return -1;
    }
    s.platform = g_strdup("sev-snp");
    if (!parse_args(argc, argv))
        return -1;
    s.api = info->version.cur;
    if (s.tee) {
        if (!ccm_plugin_can_write()) {
            refuse("tee=snp needs plugin API 5 or later (QEMU 10.1 and later: it writes the "
                   "guest's answer into its memory and registers); this QEMU offers %d-%d",
                   info->version.min, info->version.cur);
            return -1;
        }
        g_autofree char *why = NULL;
        s.sim = ccm_sim_snp_new(&s.tee_config, &why);
        if (!s.sim) {
            refuse("tee=snp: %s", why);
            return -1;
        }
        s.blobs = ccm_boot_blobs_new();
    }
    if (s.tee_tdx) {
        if (s.tdx_config.qe_key_path && !ccm_plugin_can_write()) {
            refuse("tee=tdx with qe-key= answers the guest, which needs plugin API 5 or later "
                   "(QEMU 10.1 and later); without qe-key= it only measures");
            return -1;
        }
        g_autofree char *why = NULL;
        s.sim_tdx = ccm_sim_tdx_new(&s.tdx_config, &why);
        if (!s.sim_tdx) {
            refuse("tee=tdx: %s", why);
            return -1;
        }
        s.blobs = ccm_boot_blobs_new();
        ccm_boot_blobs_keep_kernel(s.blobs);
    }
    s.vcpus = (unsigned) info->system.smp_vcpus;
    s.fw = ccm_fw_cfg_watch_new();
    if (s.dump_dir)
        ccm_fw_cfg_keep_bytes(s.fw, s.dump_dir);
    s.prov = s.map_path ? ccm_provenance_new(s.platform, s.kernel_hashes) : NULL;
    s.sites = g_ptr_array_new_with_free_func(g_free);
    s.setup = g_array_new(FALSE, FALSE, sizeof(PortWrite));
    s.pending_flag = (qemu_plugin_u64){ qemu_plugin_scoreboard_new(sizeof(uint64_t)), 0 };
    g_mutex_init(&s.lock);
    g_atomic_int_set(&s.recording, 1);
    ccm_plugin_on_vcpu_init(id, on_vcpu_init);
    ccm_plugin_on_tb_translate(id, on_translate);
    ccm_plugin_on_exit(id, on_qemu_exit);
    ccm_plugin_outf("ccm-qemu-plugin: plugin API %d (QEMU offers %d-%d)%s\n", CCM_PLUGIN_API,
                    info->version.min, info->version.cur,
                    ccm_plugin_have_physical() ? "" : "; guest-physical reads assume the "
                                                      "firmware's identity mapping");
    return 0;
}
