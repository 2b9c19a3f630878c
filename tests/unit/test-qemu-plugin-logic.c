/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-qemu-plugin-logic.c - ccm-qemu-plugin's pieces that need no QEMU: the instruction
 * decoder, the fw_cfg state machine and the page provenance rules
 */
#include <string.h>

#include "fw-cfg-watch.h"
#include "page-provenance.h"
#include "x86-insn.h"

static void test_decode(void)
{
    static const struct {
        uint8_t bytes[8];
        size_t len;
        CcmInsnKind kind;
        int port;
        unsigned size;
        bool rep;
    } cases[] = {
        { { 0xec }, 1, CCM_INSN_IN, -1, 1, false },              /* in al, dx */
        { { 0x66, 0xef }, 2, CCM_INSN_OUT, -1, 2, false },       /* out dx, ax */
        { { 0xef }, 1, CCM_INSN_OUT, -1, 4, false },             /* out dx, eax */
        { { 0xe6, 0xf4 }, 2, CCM_INSN_OUT, 0xf4, 1, false },     /* out 0xf4, al */
        { { 0xe5, 0x71 }, 2, CCM_INSN_IN, 0x71, 4, false },      /* in eax, 0x71 */
        { { 0xf3, 0x6c }, 2, CCM_INSN_INS, -1, 1, true },        /* rep insb */
        { { 0xf3, 0x48, 0x6d }, 3, CCM_INSN_INS, -1, 4, true },  /* rep insd, REX */
        { { 0x0f, 0xa2 }, 2, CCM_INSN_CPUID, -1, 4, false },
        { { 0x0f, 0xa3 }, 2, CCM_INSN_OTHER, -1, 4, false },
        { { 0xe6 }, 1, CCM_INSN_OTHER, -1, 4, false },           /* truncated */
        { { 0x90 }, 1, CCM_INSN_OTHER, -1, 4, false },
        /* the simulated TEE's request; another displacement or a short read is a plain NOP */
        { { 0x0f, 0x1f, 0x80, 0x43, 0x43, 0x4d, 0x54 }, 7, CCM_INSN_TEE_REQUEST, -1, 4, false },
        { { 0x0f, 0x1f, 0x80, 0x43, 0x43, 0x4d, 0x55 }, 7, CCM_INSN_OTHER, -1, 4, false },
        { { 0x0f, 0x1f, 0x80, 0x43, 0x43, 0x4d }, 6, CCM_INSN_OTHER, -1, 4, false },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        CcmInsn d = ccm_insn_decode(cases[i].bytes, cases[i].len);
        g_assert_cmpint(d.kind, ==, cases[i].kind);
        if (d.kind == CCM_INSN_OTHER)
            continue;
        g_assert_cmpint(d.port, ==, cases[i].port);
        g_assert_cmpuint(d.size, ==, cases[i].size);
        g_assert_cmpint(d.rep, ==, cases[i].rep);
    }
}

static char *manifest_items(CcmFwCfgWatch *w)
{
    GString *s = g_string_new(NULL);
    ccm_fw_cfg_append_json(w, s);
    return g_string_free(s, FALSE);
}

/* A file directory of @n entries as QEMU serves it. */
static GByteArray *file_dir(const char *const *names, const uint16_t *keys, size_t n)
{
    GByteArray *d = g_byte_array_new();
    uint32_t count = GUINT32_TO_BE((uint32_t) n);
    g_byte_array_append(d, (const guint8 *) &count, 4);
    for (size_t i = 0; i < n; i++) {
        uint8_t e[64] = { 0 };
        uint32_t size = GUINT32_TO_BE(100 + (uint32_t) i);
        uint16_t key = GUINT16_TO_BE(keys[i]);
        memcpy(e, &size, 4);
        memcpy(e + 4, &key, 2);
        strncpy((char *) e + 8, names[i], 55);
        g_byte_array_append(d, e, sizeof(e));
    }
    return d;
}

static void test_fw_cfg(void)
{
    CcmFwCfgWatch *w = ccm_fw_cfg_watch_new();
    static const char *const names[] = { "etc/acpi/tables", "opt/x" };
    static const uint16_t keys[] = { 0x23, 0x2a };
    g_autoptr(GByteArray) dir = file_dir(names, keys, 2);

    /* The directory read in pieces: the count, then each entry, as OVMF does. */
    ccm_fw_cfg_select(w, CCM_FW_CFG_KEY_FILE_DIR);
    ccm_fw_cfg_data(w, dir->data, 4, CCM_FW_CFG_VIA_DMA);
    ccm_fw_cfg_data(w, dir->data + 4, 64, CCM_FW_CFG_VIA_DMA);
    ccm_fw_cfg_data(w, dir->data + 68, 64, CCM_FW_CFG_VIA_DMA);
    g_assert_cmpstr(ccm_fw_cfg_name(w, 0x23), ==, "etc/acpi/tables");
    g_assert_cmpstr(ccm_fw_cfg_name(w, 0x2a), ==, "opt/x");
    g_assert_cmpstr(ccm_fw_cfg_name(w, 0x15), ==, "cmdline_data");
    g_assert_cmpstr(ccm_fw_cfg_name(w, 0x77), ==, "key 0x77");

    /* A short read, then the whole item: the longer one counts. */
    ccm_fw_cfg_select(w, 0x23);
    ccm_fw_cfg_data(w, "ab", 2, CCM_FW_CFG_VIA_PIO);
    ccm_fw_cfg_select(w, 0x23);
    ccm_fw_cfg_data(w, "abc", 3, CCM_FW_CFG_VIA_DMA);
    ccm_fw_cfg_data(w, "def", 3, CCM_FW_CFG_VIA_DMA);
    /* A skip breaks the read: not a digest of the item from offset 0. */
    ccm_fw_cfg_select(w, 0x2a);
    ccm_fw_cfg_skip(w, 4);
    ccm_fw_cfg_data(w, "zz", 2, CCM_FW_CFG_VIA_DMA);
    g_autofree char *json = manifest_items(w);
    g_autofree char *abcdef = g_compute_checksum_for_string(G_CHECKSUM_SHA384, "abcdef", 6);
    g_assert_nonnull(strstr(json, "\"name\": \"etc/acpi/tables\", \"size\": 100, \"read\": 6, "
                                  "\"via\": \"dma\""));
    g_assert_nonnull(strstr(json, abcdef));
    g_assert_null(strstr(json, "opt/x"));

    /* DMA descriptors are big-endian. */
    const uint8_t raw[16] = { 0x00, 0x23, 0x00, 0x0a, 0x00, 0x00, 0x10, 0x00,
                              0, 0, 0, 0, 0x00, 0x10, 0x00, 0x00 };
    CcmFwCfgDma d;
    ccm_fw_cfg_dma_decode(raw, &d);
    g_assert_cmphex(d.control, ==, 0x0023000a);
    g_assert_cmphex(d.length, ==, 0x1000);
    g_assert_cmphex(d.address, ==, 0x100000);
    ccm_fw_cfg_watch_free(w);
}

static void fill(uint8_t *page, uint8_t value)
{
    memset(page, value, CCM_PAGE_SIZE);
}

static char *map_json(CcmProvenance *p)
{
    GString *s = g_string_new(NULL);
    ccm_provenance_append_json(p, s);
    return g_string_free(s, FALSE);
}

static void test_provenance(void)
{
    uint8_t image[2 * CCM_PAGE_SIZE], page[CCM_PAGE_SIZE];
    fill(image, 0x90);
    fill(image + CCM_PAGE_SIZE, 0x90);
    CcmProvenance *p = ccm_provenance_new("sev-snp", true);
    g_autofree char *why = NULL;
    /* Not an OVMF image: the image itself is what SEV-SNP measures. */
    g_assert_true(ccm_provenance_set_firmware(p, 0x100000000ull - sizeof(image), image,
                                              sizeof(image), &why));
    ccm_provenance_executed(p, (0x100000000ull - CCM_PAGE_SIZE) / CCM_PAGE_SIZE, image);

    /* Host-written, unchanged: flagged unless the platform's measurement covers it. */
    fill(page, 0xcc);
    ccm_provenance_host_page(p, 0x100, "opt/payload", page);
    ccm_provenance_executed(p, 0x100, page);
    ccm_provenance_host_page(p, 0x200, "etc/boot/kernel", page);
    ccm_provenance_executed(p, 0x200, page);  /* no hashes table in this image */
    /* Changed by the guest after the host wrote it. */
    ccm_provenance_host_page(p, 0x300, "opt/payload", page);
    fill(page, 0xcd);
    ccm_provenance_executed(p, 0x300, page);
    /* Nobody wrote it. */
    fill(page, 0);
    ccm_provenance_executed(p, 0x400, page);
    g_assert_cmpuint(ccm_provenance_flagged_pages(p), ==, 3);

    g_autofree char *json = map_json(p);
    g_assert_nonnull(strstr(json, "\"start\": \"0x100000\", \"end\": \"0x101000\", \"kind\": "
                                  "\"host-written\", \"source\": \"opt/payload\", \"covered\": "
                                  "false, \"flagged\": true"));
    g_assert_nonnull(strstr(json, "\"start\": \"0x300000\", \"end\": \"0x301000\", \"kind\": "
                                  "\"guest-written\""));
    g_assert_nonnull(strstr(json, "\"kind\": \"unwritten\", \"source\": null, \"covered\": "
                                  "false, \"flagged\": true"));
    g_assert_nonnull(strstr(json, "\"kind\": \"measured\", \"source\": \"firmware\""));
    ccm_provenance_free(p);

    /* TDX covers the kernel and QEMU's ACPI files through its RTMRs. */
    CcmProvenance *t = ccm_provenance_new("tdx", false);
    fill(page, 0xcc);
    ccm_provenance_host_page(t, 0x10, "etc/boot/kernel", page);
    ccm_provenance_executed(t, 0x10, page);
    ccm_provenance_host_page(t, 0x11, "etc/acpi/tables", page);
    ccm_provenance_executed(t, 0x11, page);
    g_assert_cmpuint(ccm_provenance_flagged_pages(t), ==, 0);
    /* A TDX map needs TDVF metadata. */
    why = NULL;
    g_assert_false(ccm_provenance_set_firmware(t, 0x100000000ull - sizeof(image), image,
                                               sizeof(image), &why));
    g_assert_nonnull(strstr(why, "TDVF metadata"));
    g_free(why);
    why = NULL;
    ccm_provenance_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-plugin/decode", test_decode);
    g_test_add_func("/qemu-plugin/fw-cfg", test_fw_cfg);
    g_test_add_func("/qemu-plugin/provenance", test_provenance);
    return g_test_run();
}
