/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boot-blobs.c - the kernel, initrd and command line as the firmware read them over fw_cfg */
#include <string.h>

#include "boot-blobs.h"

/* What the firmware may read a blob as: QEMU's legacy keys (the setup part and the rest of the
 * kernel apart; QEMU patches the setup header unless it launches an SEV guest) or the files
 * newer QEMU also offers (the kernel file unchanged). */
enum { KEY_KERNEL_DATA = 1, KEY_INITRD_DATA, KEY_CMDLINE_DATA, KEY_SETUP_DATA, KEY_KERNEL_FILE,
       KEY_E820 };

static const struct {
    const char *name;
    uint16_t blob;
} blob_names[] = {
    { "kernel_data", KEY_KERNEL_DATA },
    { "setup_data", KEY_SETUP_DATA },
    { "initrd_data", KEY_INITRD_DATA },
    { "cmdline_data", KEY_CMDLINE_DATA },
    { "etc/boot/kernel", KEY_KERNEL_FILE },
    { "etc/boot/initrd", KEY_INITRD_DATA },
    { "etc/boot/cmdline", KEY_CMDLINE_DATA },
    { "etc/e820", KEY_E820 },
};
#define E820_MAX 4096
#define E820_ENTRY 20      /* le64 address, le64 length, le32 type */
#define E820_RAM 1
#define SETUP_MAX (64u << 10)
#define CMDLINE_MAX (64u << 10)

struct CcmBootBlobs {
    uint16_t key;              /* the selection, 0xffff when none or not a blob */
    bool broken;               /* the current selection skipped: its bytes do not count */
    GByteArray *setup;         /* the setup data of the last selection */
    GChecksum *kernel;         /* setup data then kernel data, for the kernel's selection */
    bool have_kernel;
    GChecksum *initrd;
    GChecksum *initrd384;
    uint64_t initrd_size;
    bool have_initrd;
    GByteArray *cmdline;
    GByteArray *kernel_bytes;  /* with ccm_boot_blobs_keep_kernel() */
    bool keep_kernel;
    GByteArray *e820;
};

CcmBootBlobs *ccm_boot_blobs_new(void)
{
    CcmBootBlobs *b = g_new0(CcmBootBlobs, 1);
    b->key = 0xffff;
    b->setup = g_byte_array_new();
    b->cmdline = g_byte_array_new();
    b->kernel_bytes = g_byte_array_new();
    b->e820 = g_byte_array_new();
    return b;
}

void ccm_boot_blobs_keep_kernel(CcmBootBlobs *b)
{
    b->keep_kernel = true;
}

void ccm_boot_blobs_free(CcmBootBlobs *b)
{
    if (!b)
        return;
    g_byte_array_unref(b->setup);
    g_byte_array_unref(b->cmdline);
    g_byte_array_unref(b->kernel_bytes);
    g_byte_array_unref(b->e820);
    if (b->initrd384)
        g_checksum_free(b->initrd384);
    if (b->kernel)
        g_checksum_free(b->kernel);
    if (b->initrd)
        g_checksum_free(b->initrd);
    g_free(b);
}

bool ccm_boot_blobs_select(CcmBootBlobs *b, const char *name)
{
    uint16_t key = 0xffff;
    for (size_t i = 0; i < G_N_ELEMENTS(blob_names); i++)
        if (strcmp(name, blob_names[i].name) == 0)
            key = blob_names[i].blob;
    b->broken = false;
    switch (key) {
    case KEY_SETUP_DATA:
        g_byte_array_set_size(b->setup, 0);
        break;
    case KEY_KERNEL_DATA:
    case KEY_KERNEL_FILE:
        if (b->kernel)
            g_checksum_free(b->kernel);
        b->kernel = g_checksum_new(G_CHECKSUM_SHA256);
        g_byte_array_set_size(b->kernel_bytes, 0);
        if (key == KEY_KERNEL_DATA) {
            g_checksum_update(b->kernel, b->setup->data, b->setup->len);
            if (b->keep_kernel)
                g_byte_array_append(b->kernel_bytes, b->setup->data, b->setup->len);
        }
        b->have_kernel = true;
        break;
    case KEY_INITRD_DATA:
        if (b->initrd)
            g_checksum_free(b->initrd);
        b->initrd = g_checksum_new(G_CHECKSUM_SHA256);
        if (b->initrd384)
            g_checksum_free(b->initrd384);
        b->initrd384 = g_checksum_new(G_CHECKSUM_SHA384);
        b->initrd_size = 0;
        b->have_initrd = true;
        break;
    case KEY_E820:
        g_byte_array_set_size(b->e820, 0);
        break;
    case KEY_CMDLINE_DATA:
        g_byte_array_set_size(b->cmdline, 0);
        break;
    default:
        b->key = 0xffff;
        return false;
    }
    b->key = key;
    return true;
}

bool ccm_boot_blobs_data(CcmBootBlobs *b, const void *data, size_t n)
{
    if (b->key == 0xffff || b->broken || n == 0)
        return false;
    switch (b->key) {
    case KEY_SETUP_DATA:
        if (b->setup->len + n <= SETUP_MAX)
            g_byte_array_append(b->setup, data, (guint) n);
        else
            b->broken = true;
        break;
    case KEY_KERNEL_DATA:
    case KEY_KERNEL_FILE:
        g_checksum_update(b->kernel, data, (gssize) n);
        if (b->keep_kernel)
            g_byte_array_append(b->kernel_bytes, data, (guint) n);
        break;
    case KEY_INITRD_DATA:
        g_checksum_update(b->initrd, data, (gssize) n);
        g_checksum_update(b->initrd384, data, (gssize) n);
        b->initrd_size += n;
        break;
    case KEY_E820:
        if (b->e820->len + n <= E820_MAX)
            g_byte_array_append(b->e820, data, (guint) n);
        break;
    case KEY_CMDLINE_DATA:
        if (b->cmdline->len + n <= CMDLINE_MAX)
            g_byte_array_append(b->cmdline, data, (guint) n);
        else
            b->broken = true;
        break;
    }
    return true;
}

void ccm_boot_blobs_skip(CcmBootBlobs *b)
{
    if (b->key != 0xffff)
        b->broken = true;
}

bool ccm_boot_blobs_have_kernel(const CcmBootBlobs *b)
{
    return b->have_kernel;
}

bool ccm_boot_blobs_have_initrd(const CcmBootBlobs *b)
{
    return b->have_initrd;
}

static void digest_of(const GChecksum *c, uint8_t out[CCM_SHA256_SIZE])
{
    GChecksum *copy = g_checksum_copy(c);
    gsize len = CCM_SHA256_SIZE;
    g_checksum_get_digest(copy, out, &len);
    g_checksum_free(copy);
}

static void sha256(const void *data, size_t n, uint8_t out[CCM_SHA256_SIZE])
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(c, data, (gssize) n);
    gsize len = CCM_SHA256_SIZE;
    g_checksum_get_digest(c, out, &len);
    g_checksum_free(c);
}

void ccm_boot_blobs_hashes(const CcmBootBlobs *b, CcmKernelHashes *ret)
{
    memset(ret, 0, sizeof(*ret));
    if (b->kernel)
        digest_of(b->kernel, ret->kernel);
    if (b->initrd)
        digest_of(b->initrd, ret->initrd);
    else
        sha256("", 0, ret->initrd);
    if (b->cmdline->len)
        sha256(b->cmdline->data, b->cmdline->len, ret->cmdline);
    else
        sha256("", 1, ret->cmdline);
}

const char *ccm_boot_blobs_cmdline(const CcmBootBlobs *b)
{
    const GByteArray *c = b->cmdline;
    if (c->len == 0 || c->data[c->len - 1] != '\0' || memchr(c->data, '\0', c->len) !=
                                                          c->data + c->len - 1)
        return NULL;
    return (const char *) c->data;
}

const GByteArray *ccm_boot_blobs_kernel_bytes(const CcmBootBlobs *b)
{
    return b->keep_kernel && b->have_kernel ? b->kernel_bytes : NULL;
}

int64_t ccm_boot_blobs_initrd_sha384(const CcmBootBlobs *b, uint8_t ret[CCM_SHA384_SIZE])
{
    if (!b->have_initrd || !b->initrd384)
        return -1;
    GChecksum *copy = g_checksum_copy(b->initrd384);
    gsize len = CCM_SHA384_SIZE;
    g_checksum_get_digest(copy, ret, &len);
    g_checksum_free(copy);
    return (int64_t) b->initrd_size;
}

uint64_t ccm_boot_blobs_ram_size(const CcmBootBlobs *b)
{
    uint64_t total = 0;
    for (guint off = 0; off + E820_ENTRY <= b->e820->len; off += E820_ENTRY) {
        const uint8_t *e = b->e820->data + off;
        uint64_t length = 0;
        uint32_t type = 0;
        for (int i = 7; i >= 0; i--)
            length = length << 8 | e[8 + i];
        for (int i = 3; i >= 0; i--)
            type = type << 8 | e[16 + i];
        if (type == E820_RAM)
            total += length;
    }
    return total;
}
