/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu-caps-memo.c - the capabilities of each QEMU binary ccmd has probed, in memory
 *
 * The probe cache on disk (qemu-probe.c) spares a QEMU run, but reading it still parses
 * a transcript of a megabyte or more. ccmd starts many guests with few QEMU binaries, so
 * it keeps the parsed capabilities, keyed by the binary's resolved path and checked
 * against its size and modification time at every lookup: an upgraded QEMU is probed
 * again.
 */
#include <sys/stat.h>

#include "qemu-caps-memo.h"

typedef struct Entry {
    off_t size;
    struct timespec mtime;
    CcmQemuCaps *caps;
} Entry;

struct CcmQemuCapsMemo {
    GHashTable *entries;    /* resolved path -> Entry */
};

static void entry_free(gpointer p)
{
    Entry *e = p;
    ccm_qemu_caps_free(e->caps);
    g_free(e);
}

CcmQemuCapsMemo *ccm_qemu_caps_memo_new(void)
{
    CcmQemuCapsMemo *memo = g_new0(CcmQemuCapsMemo, 1);
    memo->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
    return memo;
}

void ccm_qemu_caps_memo_free(CcmQemuCapsMemo *memo)
{
    if (!memo)
        return;
    g_hash_table_unref(memo->entries);
    g_free(memo);
}

/* The binary's path and its identity now; FALSE if it cannot be found. */
static gboolean identify(const char *binary, char **ret_path, struct stat *st)
{
    g_autofree char *path = g_find_program_in_path(binary);
    if (!path || stat(path, st) < 0)
        return FALSE;
    *ret_path = g_steal_pointer(&path);
    return TRUE;
}

const CcmQemuCaps *ccm_qemu_caps_memo_lookup(CcmQemuCapsMemo *memo, const char *binary)
{
    g_autofree char *path = NULL;
    struct stat st;

    if (!identify(binary, &path, &st))
        return NULL;
    Entry *e = g_hash_table_lookup(memo->entries, path);
    if (!e || e->size != st.st_size || e->mtime.tv_sec != st.st_mtim.tv_sec ||
        e->mtime.tv_nsec != st.st_mtim.tv_nsec)
        return NULL;
    return e->caps;
}

void ccm_qemu_caps_memo_store(CcmQemuCapsMemo *memo, const char *binary, CcmQemuCaps *caps)
{
    g_autofree char *path = NULL;
    struct stat st;

    if (!identify(binary, &path, &st)) {
        ccm_qemu_caps_free(caps);
        return;
    }
    Entry *e = g_new0(Entry, 1);
    e->size = st.st_size;
    e->mtime = st.st_mtim;
    e->caps = caps;
    g_hash_table_replace(memo->entries, g_steal_pointer(&path), e);
}
