/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fw-cfg-watch.c - what the firmware read through QEMU's fw_cfg, item by item */
#include <string.h>

#include "fw-cfg-watch.h"

#define FILE_DIR_MAX (64u * 1024)
#define FILE_ENTRY_SIZE 64u       /* be32 size, be16 select, be16 reserved, char name[56] */

/* QEMU's fixed keys below the first file (0x20). */
static const char *const fixed_names[] = {
    [0x00] = "signature",    [0x01] = "id",           [0x02] = "uuid",
    [0x03] = "ram_size",     [0x04] = "nographic",    [0x05] = "nb_cpus",
    [0x06] = "machine_id",   [0x07] = "kernel_addr",  [0x08] = "kernel_size",
    [0x09] = "kernel_cmdline", [0x0a] = "initrd_addr", [0x0b] = "initrd_size",
    [0x0c] = "boot_device",  [0x0d] = "numa",         [0x0e] = "boot_menu",
    [0x0f] = "max_cpus",     [0x10] = "kernel_entry", [0x11] = "kernel_data",
    [0x12] = "initrd_data",  [0x13] = "cmdline_addr", [0x14] = "cmdline_size",
    [0x15] = "cmdline_data", [0x16] = "setup_addr",   [0x17] = "setup_size",
    [0x18] = "setup_data",   [0x19] = "file_dir",
};

typedef struct Item {
    uint16_t key;
    unsigned order;
    uint64_t read;            /* the best read: bytes from offset 0, no gap */
    unsigned via;
    char *sha256, *sha384;
    GByteArray *bytes;        /* with keep_bytes */
} Item;

typedef struct FileEntry {
    char *name;
    uint32_t size;
} FileEntry;

struct CcmFwCfgWatch {
    /* The current selection. */
    uint16_t key;
    uint64_t offset;
    bool contiguous;          /* every byte since offset 0 was seen */
    unsigned via;
    GChecksum *sha256, *sha384;
    /* The file directory as far as the firmware read it, at its offsets, across
     * selections (it may read the count, then entries one by one, or skip to one). */
    uint8_t *file_dir;
    uint8_t *file_dir_seen;

    GHashTable *items;        /* key -> Item */
    GHashTable *files;        /* key -> FileEntry */
    GHashTable *names;        /* key -> "key 0x.." fallbacks */
    unsigned next_order;
    char *keep_dir;
    GByteArray *bytes;        /* of the current selection, with keep_dir */
};

void ccm_fw_cfg_dma_decode(const uint8_t b[16], CcmFwCfgDma *ret)
{
    uint32_t control, length;
    uint64_t address;
    memcpy(&control, b, 4);
    memcpy(&length, b + 4, 4);
    memcpy(&address, b + 8, 8);
    ret->control = GUINT32_FROM_BE(control);
    ret->length = GUINT32_FROM_BE(length);
    ret->address = GUINT64_FROM_BE(address);
}

static void item_free(gpointer p)
{
    Item *i = p;
    g_free(i->sha256);
    g_free(i->sha384);
    if (i->bytes)
        g_byte_array_unref(i->bytes);
    g_free(i);
}

static void file_entry_free(gpointer p)
{
    FileEntry *f = p;
    g_free(f->name);
    g_free(f);
}

CcmFwCfgWatch *ccm_fw_cfg_watch_new(void)
{
    CcmFwCfgWatch *w = g_new0(CcmFwCfgWatch, 1);
    w->key = 0xffff;
    w->items = g_hash_table_new_full(NULL, NULL, NULL, item_free);
    w->files = g_hash_table_new_full(NULL, NULL, NULL, file_entry_free);
    w->names = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    w->file_dir = g_malloc0(FILE_DIR_MAX);
    w->file_dir_seen = g_malloc0(FILE_DIR_MAX);
    return w;
}

static bool seen(const CcmFwCfgWatch *w, size_t offset, size_t n)
{
    for (size_t i = offset; i < offset + n; i++)
        if (i >= FILE_DIR_MAX || !w->file_dir_seen[i])
            return false;
    return true;
}

/* The file directory's entries that the firmware read whole: count, then 64-byte entries. */
static void parse_file_dir(CcmFwCfgWatch *w)
{
    const uint8_t *d = w->file_dir;
    if (!seen(w, 0, 4))
        return;
    uint32_t count_be;
    memcpy(&count_be, d, 4);
    uint32_t count = GUINT32_FROM_BE(count_be);
    for (uint32_t i = 0; i < count && 4 + (size_t) (i + 1) * FILE_ENTRY_SIZE <= FILE_DIR_MAX; i++) {
        if (!seen(w, 4 + (size_t) i * FILE_ENTRY_SIZE, FILE_ENTRY_SIZE))
            continue;
        const uint8_t *e = d + 4 + (size_t) i * FILE_ENTRY_SIZE;
        uint32_t size_be;
        uint16_t select_be;
        memcpy(&size_be, e, 4);
        memcpy(&select_be, e + 4, 2);
        FileEntry *f = g_new0(FileEntry, 1);
        f->name = g_strndup((const char *) e + 8, 56);
        f->size = GUINT32_FROM_BE(size_be);
        g_hash_table_replace(w->files, GUINT_TO_POINTER(GUINT16_FROM_BE(select_be)), f);
    }
}

/* Ends the current selection: keeps it when it read more of the item than before. */
static void close_selection(CcmFwCfgWatch *w)
{
    if (w->key == 0xffff || !w->sha256)
        goto reset;
    if (w->contiguous && w->offset > 0) {
        Item *i = g_hash_table_lookup(w->items, GUINT_TO_POINTER(w->key));
        if (!i) {
            i = g_new0(Item, 1);
            i->key = w->key;
            i->order = w->next_order++;
            g_hash_table_insert(w->items, GUINT_TO_POINTER(w->key), i);
        }
        if (w->offset > i->read) {
            i->read = w->offset;
            i->via = w->via;
            g_free(i->sha256);
            g_free(i->sha384);
            i->sha256 = g_strdup(g_checksum_get_string(w->sha256));
            i->sha384 = g_strdup(g_checksum_get_string(w->sha384));
            if (w->bytes) {
                if (i->bytes)
                    g_byte_array_unref(i->bytes);
                i->bytes = g_byte_array_ref(w->bytes);
            }
        } else {
            i->via |= w->via;
        }
    }
reset:
    g_clear_pointer(&w->sha256, g_checksum_free);
    g_clear_pointer(&w->sha384, g_checksum_free);
    g_clear_pointer(&w->bytes, g_byte_array_unref);
}

void ccm_fw_cfg_watch_free(CcmFwCfgWatch *w)
{
    if (!w)
        return;
    close_selection(w);
    g_hash_table_unref(w->items);
    g_hash_table_unref(w->files);
    g_hash_table_unref(w->names);
    g_free(w->file_dir);
    g_free(w->file_dir_seen);
    g_free(w->keep_dir);
    g_free(w);
}

void ccm_fw_cfg_select(CcmFwCfgWatch *w, uint16_t key)
{
    close_selection(w);
    w->key = key;
    w->offset = 0;
    w->contiguous = true;
    w->via = 0;
    w->sha256 = g_checksum_new(G_CHECKSUM_SHA256);
    w->sha384 = g_checksum_new(G_CHECKSUM_SHA384);
    if (w->keep_dir)
        w->bytes = g_byte_array_new();
}

void ccm_fw_cfg_keep_bytes(CcmFwCfgWatch *w, const char *dir)
{
    g_free(w->keep_dir);
    w->keep_dir = g_strdup(dir);
}

void ccm_fw_cfg_data(CcmFwCfgWatch *w, const void *data, size_t n, CcmFwCfgVia via)
{
    if (!w->sha256 || n == 0)
        return;
    g_checksum_update(w->sha256, data, n);
    g_checksum_update(w->sha384, data, n);
    if (w->key == CCM_FW_CFG_KEY_FILE_DIR && w->offset + n <= FILE_DIR_MAX) {
        memcpy(w->file_dir + w->offset, data, n);
        memset(w->file_dir_seen + w->offset, 1, n);
        parse_file_dir(w);
    }
    if (w->bytes && w->contiguous)
        g_byte_array_append(w->bytes, data, (guint) n);
    w->offset += n;
    w->via |= via;
}

void ccm_fw_cfg_skip(CcmFwCfgWatch *w, uint32_t n)
{
    if (n == 0)
        return;
    /* What follows is not the item from offset 0: a gap in what the digest covers. */
    w->offset += n;
    w->contiguous = false;
}

uint16_t ccm_fw_cfg_selected(const CcmFwCfgWatch *w)
{
    return w->key;
}

const char *ccm_fw_cfg_name(CcmFwCfgWatch *w, uint16_t key)
{
    FileEntry *f = g_hash_table_lookup(w->files, GUINT_TO_POINTER(key));
    if (f)
        return f->name;
    if (key < G_N_ELEMENTS(fixed_names) && fixed_names[key])
        return fixed_names[key];
    char *name = g_hash_table_lookup(w->names, GUINT_TO_POINTER(key));
    if (!name) {
        name = g_strdup_printf("key 0x%x", key);
        g_hash_table_insert(w->names, GUINT_TO_POINTER(key), name);
    }
    return name;
}

void ccm_json_string(GString *out, const char *text)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *) text; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, (char) *p);
    }
    g_string_append_c(out, '"');
}

static gint by_order(gconstpointer a, gconstpointer b)
{
    const Item *x = *(Item *const *) a, *y = *(Item *const *) b;
    return (int) x->order - (int) y->order;
}

void ccm_fw_cfg_append_json(CcmFwCfgWatch *w, GString *out)
{
    close_selection(w);
    w->key = 0xffff;
    g_autoptr(GPtrArray) items = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, w->items);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(items, value);
    g_ptr_array_sort(items, by_order);
    g_string_append(out, "[");
    for (guint n = 0; n < items->len; n++) {
        const Item *i = items->pdata[n];
        FileEntry *f = g_hash_table_lookup(w->files, GUINT_TO_POINTER(i->key));
        static const char *const via[] = { "", "pio", "dma", "dma+pio" };
        g_string_append_printf(out, "%s\n    { \"key\": \"0x%x\", \"name\": ", n ? "," : "",
                               i->key);
        ccm_json_string(out, ccm_fw_cfg_name(w, i->key));
        if (w->keep_dir && i->bytes) {
            g_autofree char *file = g_strdelimit(g_strdup(ccm_fw_cfg_name(w, i->key)), "/ ", '_');
            g_autofree char *path = g_build_filename(w->keep_dir, file, NULL);
            (void) g_file_set_contents(path, (const char *) i->bytes->data, i->bytes->len, NULL);
        }
        g_string_append_printf(out, ", \"size\": %" G_GUINT64_FORMAT ", \"read\": %"
                                    G_GUINT64_FORMAT ", \"via\": \"%s\", \"sha256\": \"%s\", "
                                    "\"sha384\": \"%s\" }",
                               f ? (uint64_t) f->size : i->read, i->read, via[i->via & 3],
                               i->sha256, i->sha384);
    }
    g_string_append(out, items->len ? "\n  ]" : "]");
}

bool ccm_fw_cfg_item_sha384(CcmFwCfgWatch *w, const char *name, uint8_t ret[48])
{
    close_selection(w);
    w->key = 0xffff;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, w->items);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        const Item *i = value;
        if (strcmp(ccm_fw_cfg_name(w, i->key), name) != 0 || !i->sha384)
            continue;
        for (int k = 0; k < 48; k++)
            ret[k] = (uint8_t) (g_ascii_xdigit_value(i->sha384[2 * k]) << 4 |
                                g_ascii_xdigit_value(i->sha384[2 * k + 1]));
        return true;
    }
    return false;
}
