/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page-provenance.c - where the bytes of each executed guest page came from */
#include <string.h>

#include "ccm/measure.h"
#include "fw-cfg-watch.h"
#include "page-provenance.h"

typedef enum Kind {
    KIND_MEASURED,
    KIND_GUEST,
    KIND_HOST,
    KIND_UNWRITTEN,
} Kind;

static const char *const kind_names[] = { "measured", "guest-written", "host-written",
                                          "unwritten" };

typedef struct Range {
    uint64_t start, end;
    const char *kind;       /* measured, measured-zero, host-written */
    char *source;
    bool covered;
} Range;

typedef struct HostPage {
    const char *item;       /* interned */
    uint64_t hash;          /* of the page right after the host wrote it */
} HostPage;

typedef struct ExecPage {
    Kind kind;
    const char *source;     /* interned, or NULL */
    bool covered, flagged;
} ExecPage;

struct CcmProvenance {
    char *platform;
    bool kernel_hashes;
    bool firmware_has_hashes;
    uint64_t fw_base, fw_end;
    GArray *measured;       /* Range: what the launch measured */
    GHashTable *initial;    /* page -> hash of a measured RAM page at launch */
    GHashTable *ram_section;/* page -> section name (interned) */
    GHashTable *host;       /* page -> HostPage */
    GHashTable *executed;   /* page -> ExecPage */
    uint64_t flagged;
};

/* FNV-1a over a page: tells "still what the host wrote" from "changed", nothing more. */
static uint64_t page_hash(const uint8_t *content)
{
    uint64_t h = 0xcbf29ce484222325ull;
    const uint64_t *w = (const uint64_t *) (const void *) content;
    for (size_t i = 0; i < CCM_PAGE_SIZE / 8; i++) {
        h ^= w[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static bool all_zero(const uint8_t *content)
{
    for (size_t i = 0; i < CCM_PAGE_SIZE; i++)
        if (content[i])
            return false;
    return true;
}

CcmProvenance *ccm_provenance_new(const char *platform, bool kernel_hashes)
{
    CcmProvenance *p = g_new0(CcmProvenance, 1);
    p->platform = g_strdup(platform);
    p->kernel_hashes = kernel_hashes;
    p->measured = g_array_new(FALSE, TRUE, sizeof(Range));
    p->initial = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    p->ram_section = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    p->host = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    p->executed = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    return p;
}

void ccm_provenance_free(CcmProvenance *p)
{
    if (!p)
        return;
    for (guint i = 0; i < p->measured->len; i++)
        g_free(g_array_index(p->measured, Range, i).source);
    g_array_unref(p->measured);
    g_hash_table_unref(p->initial);
    g_hash_table_unref(p->ram_section);
    g_hash_table_unref(p->host);
    g_hash_table_unref(p->executed);
    g_free(p->platform);
    g_free(p);
}

static uint64_t *key(uint64_t page)
{
    uint64_t *k = g_new(uint64_t, 1);
    *k = page;
    return k;
}

static void add_measured(CcmProvenance *p, uint64_t start, uint64_t end, const char *kind,
                         const char *source)
{
    start &= ~(uint64_t) (CCM_PAGE_SIZE - 1);
    end = (end + CCM_PAGE_SIZE - 1) & ~(uint64_t) (CCM_PAGE_SIZE - 1);
    Range r = { start, end, kind, g_strdup(source), false };
    g_array_append_val(p->measured, r);
    /* Measured memory outside the image is RAM whose launch content is known. */
    for (uint64_t a = start; a < end; a += CCM_PAGE_SIZE)
        if (a < p->fw_base || a >= p->fw_end)
            g_hash_table_replace(p->ram_section, key(a / CCM_PAGE_SIZE),
                                 (gpointer) g_intern_string(source));
}

static bool is_sev(const CcmProvenance *p)
{
    return g_strcmp0(p->platform, "sev") == 0 || g_strcmp0(p->platform, "sev-es") == 0 ||
           g_strcmp0(p->platform, "sev-snp") == 0;
}

bool ccm_provenance_set_firmware(CcmProvenance *p, uint64_t base, const uint8_t *image,
                                 size_t size, char **ret_why)
{
    p->fw_base = base;
    p->fw_end = base + size;
    if (is_sev(p)) {
        add_measured(p, base, base + size, "measured", "firmware");
        CcmFirmware *fw = NULL;
        CcmError err = { 0 };
        if (ccm_firmware_new_from_data(image, size, "the firmware mapped at reset", &fw, &err) < 0) {
            /* Not an OVMF image (a test firmware): the image itself is all that is measured. */
            return true;
        }
        uint32_t hb = 0, hs = 0;
        p->firmware_has_hashes = ccm_firmware_kernel_hashes_area(fw, &hb, &hs) == 0;
        if (g_strcmp0(p->platform, "sev-snp") == 0) {
            for (size_t i = 0; i < ccm_firmware_n_sev_sections(fw); i++) {
                CcmSevSection s;
                if (ccm_firmware_sev_section(fw, i, &s) < 0)
                    continue;
                const char *name = ccm_sev_section_type_to_string((CcmSevSectionType) s.type);
                add_measured(p, s.gpa, (uint64_t) s.gpa + s.size,
                             s.type == CCM_SEV_SECTION_SNP_SEC_MEM ? "measured-zero" : "measured",
                             name ? name : "SEV section");
            }
        }
        ccm_firmware_unref(fw);
        return true;
    }
    if (g_strcmp0(p->platform, "tdx") == 0) {
        CcmTdvfSection sections[32];
        size_t n = G_N_ELEMENTS(sections);
        uint8_t mrtd[48];
        CcmError err = { 0 };
        if (ccm_tdx_mrtd(image, size, "the firmware mapped at reset", CCM_TDX_PAGE_ORDER_PER_PAGE,
                         NULL, NULL, sections, &n, mrtd, &err) < 0) {
            *ret_why = g_strdup_printf("a TDX map needs TDVF metadata in the firmware: %s",
                                       err.message);
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            const CcmTdvfSection *s = &sections[i];
            if (s->attributes & CCM_TDVF_ATTR_PAGE_AUG)
                continue;
            const char *name = ccm_tdvf_section_type_to_string((CcmTdvfSectionType) s->type);
            bool content = s->attributes & CCM_TDVF_ATTR_MR_EXTEND;
            add_measured(p, s->gpa, s->gpa + s->mem_size, content ? "measured" : "measured-zero",
                         name ? name : "TDVF section");
        }
        return true;
    }
    return true;
}

GArray *ccm_provenance_ram_pages(const CcmProvenance *p)
{
    GArray *pages = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, p->ram_section);
    while (g_hash_table_iter_next(&it, &k, NULL))
        g_array_append_val(pages, *(uint64_t *) k);
    return pages;
}

void ccm_provenance_initial_page(CcmProvenance *p, uint64_t page, const uint8_t *content)
{
    uint64_t *h = g_new(uint64_t, 1);
    *h = page_hash(content);
    g_hash_table_replace(p->initial, key(page), h);
}

/* Whether the platform's measurement covers fw_cfg item @item. */
static bool covered(const CcmProvenance *p, const char *item)
{
    static const char *const boot[] = { "etc/boot/kernel", "kernel_data", "setup_data",
                                        "initrd_data", "etc/boot/initrd", "cmdline_data", NULL };
    static const char *const acpi[] = { "etc/acpi/tables", "etc/acpi/rsdp", "etc/table-loader",
                                        NULL };
    bool tdx = g_strcmp0(p->platform, "tdx") == 0;
    bool hashes = is_sev(p) && p->kernel_hashes && p->firmware_has_hashes;
    for (size_t i = 0; boot[i]; i++)
        if (strcmp(item, boot[i]) == 0)
            return tdx || hashes;
    for (size_t i = 0; acpi[i]; i++)
        if (strcmp(item, acpi[i]) == 0)
            return tdx;
    return false;
}

void ccm_provenance_host_page(CcmProvenance *p, uint64_t page, const char *item,
                              const uint8_t *content)
{
    HostPage *h = g_new0(HostPage, 1);
    h->item = g_intern_string(item);
    h->hash = page_hash(content);
    g_hash_table_replace(p->host, key(page), h);
}

void ccm_provenance_executed(CcmProvenance *p, uint64_t page, const uint8_t *content)
{
    uint64_t a = page * CCM_PAGE_SIZE;
    ExecPage now = { KIND_GUEST, NULL, false, false };
    HostPage *h = g_hash_table_lookup(p->host, &page);
    uint64_t *initial = g_hash_table_lookup(p->initial, &page);
    const char *section = g_hash_table_lookup(p->ram_section, &page);
    uint64_t hash = page_hash(content);

    if (a >= p->fw_base && a < p->fw_end) {
        /* The image itself is read-only flash or ROM: what the launch measured, where the
         * platform measures it; otherwise nothing vouches for it. */
        bool measured = false;
        for (guint i = 0; i < p->measured->len && !measured; i++) {
            const Range *r = &g_array_index(p->measured, Range, i);
            measured = a >= r->start && a < r->end;
        }
        now.kind = measured ? KIND_MEASURED : KIND_UNWRITTEN;
        now.source = "firmware";
    } else if (h && h->hash == hash) {
        now.kind = KIND_HOST;
        now.source = h->item;
        now.covered = covered(p, h->item);
    } else if (section && initial && *initial == hash) {
        now.kind = KIND_MEASURED;
        now.source = section;
    } else if (!h && !section && all_zero(content)) {
        now.kind = KIND_UNWRITTEN;
    }
    now.flagged = now.kind == KIND_UNWRITTEN || (now.kind == KIND_HOST && !now.covered);

    ExecPage *e = g_hash_table_lookup(p->executed, &page);
    if (!e) {
        e = g_new(ExecPage, 1);
        *e = now;
        g_hash_table_insert(p->executed, key(page), e);
        p->flagged += e->flagged;
    } else if (now.flagged && !e->flagged) {
        /* It ran again after a change: keep the worst of what ran there. */
        *e = now;
        p->flagged++;
    }
}

uint64_t ccm_provenance_flagged_pages(const CcmProvenance *p)
{
    return p->flagged;
}

static gint by_start(gconstpointer a, gconstpointer b)
{
    const Range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static void append_range(GString *out, bool *first, const Range *r, bool with_flag, bool flagged)
{
    g_string_append_printf(out, "%s\n    { \"start\": \"0x%" G_GINT64_MODIFIER "x\", \"end\": \"0x%"
                                G_GINT64_MODIFIER "x\", \"kind\": \"%s\", \"source\": ",
                           *first ? "" : ",", r->start, r->end, r->kind);
    if (r->source)
        ccm_json_string(out, r->source);
    else
        g_string_append(out, "null");
    g_string_append_printf(out, ", \"covered\": %s", r->covered ? "true" : "false");
    if (with_flag)
        g_string_append_printf(out, ", \"flagged\": %s", flagged ? "true" : "false");
    g_string_append(out, " }");
    *first = false;
}

/* Pages of @table (page -> value) sorted, merged into ranges while @same holds. */
typedef struct Page {
    uint64_t page;
    gpointer value;
} Page;

static gint by_page(gconstpointer a, gconstpointer b)
{
    const Page *x = a, *y = b;
    return x->page < y->page ? -1 : x->page > y->page;
}

static GArray *sorted_pages(GHashTable *table)
{
    GArray *pages = g_array_new(FALSE, FALSE, sizeof(Page));
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        Page pg = { *(uint64_t *) k, v };
        g_array_append_val(pages, pg);
    }
    g_array_sort(pages, by_page);
    return pages;
}

void ccm_provenance_append_json(CcmProvenance *p, GString *out)
{
    bool first = true;
    g_string_append(out, "\"regions\": [");
    g_array_sort(p->measured, by_start);
    for (guint i = 0; i < p->measured->len; i++)
        append_range(out, &first, &g_array_index(p->measured, Range, i), false, false);
    g_autoptr(GArray) host = sorted_pages(p->host);
    for (guint i = 0; i < host->len;) {
        const Page *pg = &g_array_index(host, Page, i);
        const HostPage *h = pg->value;
        guint j = i + 1;
        while (j < host->len && g_array_index(host, Page, j).page == pg->page + (j - i) &&
               ((const HostPage *) g_array_index(host, Page, j).value)->item == h->item)
            j++;
        Range r = { pg->page * CCM_PAGE_SIZE, (pg->page + (j - i)) * CCM_PAGE_SIZE,
                    "host-written", (char *) h->item, covered(p, h->item) };
        append_range(out, &first, &r, false, false);
        i = j;
    }
    g_string_append(out, first ? "],\n  " : "\n  ],\n  ");

    first = true;
    g_string_append(out, "\"executed\": [");
    g_autoptr(GArray) exec = sorted_pages(p->executed);
    for (guint i = 0; i < exec->len;) {
        const Page *pg = &g_array_index(exec, Page, i);
        const ExecPage *e = pg->value;
        guint j = i + 1;
        while (j < exec->len) {
            const Page *q = &g_array_index(exec, Page, j);
            const ExecPage *f = q->value;
            if (q->page != pg->page + (j - i) || f->kind != e->kind || f->source != e->source ||
                f->covered != e->covered || f->flagged != e->flagged)
                break;
            j++;
        }
        Range r = { pg->page * CCM_PAGE_SIZE, (pg->page + (j - i)) * CCM_PAGE_SIZE,
                    kind_names[e->kind], (char *) e->source, e->covered };
        append_range(out, &first, &r, true, e->flagged);
        i = j;
    }
    g_string_append(out, first ? "]" : "\n  ]");
}
