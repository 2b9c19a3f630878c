/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cca-realm.c - Arm CCA Realm Initial Measurement: an operation list and its hash chain
 *
 * Theory of operation (cca.md §2). The RIM starts as H(4 KiB image of the measured
 * RealmParams fields); every measured RMI operation then replaces it with H(256-byte
 * descriptor embedding the current RIM, zero-extended to 64 bytes):
 *
 *   DATA   (type 0): one per 4 KiB granule, IPA, flags (1 measured, 0 not) and the
 *                    hash of the granule's 4096 bytes (zero when unmeasured);
 *   REC    (type 1): one per runnable REC, the hash of its 4 KiB parameter image
 *                    (flags at 0x000, PC at 0x200, x0-x7 at 0x300);
 *   RIPAS  (type 2): RMM 1.0 only, one per RTT entry (base, top), see cca-ripas.c.
 *
 * A realm here is the ordered list of those operations, as the VMM and KVM issue them;
 * the VMM profiles (cca-vmm.c) build it from images and options, callers can also
 * build it directly. Blobs are laid into zeroed memory: a granule holds every blob byte
 * that falls into it and is measured once, when the first blob covering it is
 * populated. The host rounds populated ranges to its page size, so on a 64 KiB-page
 * host a blob is measured in whole 64 KiB chunks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "cca-realm.h"
#include "cca-ripas.h"
#include "error.h"

#define DESC_SIZE 256u
#define SLOT 64u

enum {
    DESC_DATA = 0,
    DESC_REC = 1,
    DESC_RIPAS = 2,
};

typedef struct RealmOp {
    CcmCcaOp pub;
    char *name;
    uint8_t *data;
} RealmOp;

struct CcmCcaRealm {
    CcmCcaRmm rmm;
    CcmCcaRealmParams params;
    uint64_t host_page_size;
    GArray *ops; /* RealmOp */
    CcmStepFunc step;
    void *userdata;
};

static const CcmHashAlgorithm algorithms[] = {
    [CCM_CCA_HASH_SHA256] = CCM_HASH_SHA256,
    [CCM_CCA_HASH_SHA512] = CCM_HASH_SHA512,
    [CCM_CCA_HASH_SHA384] = CCM_HASH_SHA384,
};

CcmHashAlgorithm ccm_cca_hash_algorithm(CcmCcaHash hash)
{
    g_assert((int) hash >= 0 && (size_t) hash < G_N_ELEMENTS(algorithms));
    return algorithms[hash];
}

size_t ccm_cca_hash_size(CcmCcaHash hash)
{
    if ((int) hash < 0 || (size_t) hash >= G_N_ELEMENTS(algorithms))
        return 0;
    return ccm_hash_size(algorithms[hash]);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
    return v - v % a;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return align_down(v + a - 1, a);
}

static int check_params(CcmCcaRmm rmm, const CcmCcaRealmParams *p, uint64_t host_page_size,
                        CcmError *reterr)
{
    const char *hash = ccm_cca_hash_to_string(p->hash);
    uint64_t known = CCM_CCA_FLAG_LPA2 | CCM_CCA_FLAG_SVE | CCM_CCA_FLAG_PMU;
    uint32_t max_s2sz = p->flags & CCM_CCA_FLAG_LPA2 ? 52 : 48;

    if (!ccm_cca_rmm_to_string(rmm))
        return ccm_error_set(reterr, -EINVAL, "unknown RMM generation %d: expected 1.0 or 2.0",
                             (int) rmm);
    if (!hash)
        return ccm_error_set(reterr, -EINVAL, "unknown hash algorithm %d: expected sha256, "
                                              "sha512 or sha384", (int) p->hash);
    if (p->hash == CCM_CCA_HASH_SHA384 && rmm == CCM_CCA_RMM_1_0)
        return ccm_error_set(reterr, -EINVAL, "hash sha384: RMM 1.0 knows only sha256 and "
                                              "sha512 (SHA-384 needs RMM 2.0)");
    /* RMM 2.0 adds DA (bit 3) and the MEC policy (bits 7-8) to flags0. */
    if (rmm == CCM_CCA_RMM_2_0)
        known |= (1u << 3) | (1u << 7) | (1u << 8);
    if (p->flags & ~known)
        return ccm_error_set(reterr, -EINVAL, "RealmParams flags 0x%" PRIx64 ": bits 0x%" PRIx64
                                              " are not defined for RMM %s", p->flags,
                             p->flags & ~known, ccm_cca_rmm_to_string(rmm));
    if (p->s2sz < 32 || p->s2sz > max_s2sz)
        return ccm_error_set(reterr, -EINVAL, "s2sz (IPA bits) %u: expected 32 to %u%s", p->s2sz,
                             max_s2sz, p->flags & CCM_CCA_FLAG_LPA2 ? "" : " (52 with LPA2)");
    if (!(p->flags & CCM_CCA_FLAG_SVE) && p->sve_vl != 0)
        return ccm_error_set(reterr, -EINVAL, "sve_vl %u without the SVE flag: expected 0",
                             p->sve_vl);
    if (p->sve_vl > 15)
        return ccm_error_set(reterr, -EINVAL, "sve_vl %u: expected 0 to 15 (vector length 128 "
                                              "to 2048 bits)", p->sve_vl);
    if (p->num_bps < 1 || p->num_bps > 15)
        return ccm_error_set(reterr, -EINVAL, "num_bps %u: expected 1 to 15 (2 to 16 "
                                              "breakpoints, encoded as count - 1)", p->num_bps);
    if (p->num_wps < 1 || p->num_wps > 15)
        return ccm_error_set(reterr, -EINVAL, "num_wps %u: expected 1 to 15 (2 to 16 "
                                              "watchpoints, encoded as count - 1)", p->num_wps);
    if (!(p->flags & CCM_CCA_FLAG_PMU) && p->pmu_num_ctrs != 0)
        return ccm_error_set(reterr, -EINVAL, "pmu_num_ctrs %u without the PMU flag: expected 0",
                             p->pmu_num_ctrs);
    if (p->pmu_num_ctrs > 31)
        return ccm_error_set(reterr, -EINVAL, "pmu_num_ctrs %u: expected 0 to 31",
                             p->pmu_num_ctrs);
    if (host_page_size != 4096 && host_page_size != 65536)
        return ccm_error_set(reterr, -EINVAL, "host page size %" PRIu64 ": expected 4096 or "
                                              "65536", host_page_size);
    return 0;
}

int ccm_cca_realm_new(CcmCcaRmm rmm, const CcmCcaRealmParams *params, uint64_t host_page_size,
                      CcmCcaRealm **ret, CcmError *reterr)
{
    int r;

    if (!params || !ret)
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_realm_new: params and ret are required");
    if ((r = check_params(rmm, params, host_page_size, reterr)) < 0)
        return r;
    CcmCcaRealm *realm = g_new0(CcmCcaRealm, 1);
    realm->rmm = rmm;
    realm->params = *params;
    realm->host_page_size = host_page_size;
    realm->ops = g_array_new(FALSE, TRUE, sizeof(RealmOp));
    *ret = realm;
    return 0;
}

void ccm_cca_realm_free(CcmCcaRealm *realm)
{
    if (!realm)
        return;
    for (guint i = 0; i < realm->ops->len; i++) {
        RealmOp *op = &g_array_index(realm->ops, RealmOp, i);
        g_free(op->name);
        g_free(op->data);
    }
    g_array_unref(realm->ops);
    g_free(realm);
}

int ccm_cca_realm_params(const CcmCcaRealm *realm, CcmCcaRmm *ret_rmm,
                         CcmCcaRealmParams *ret_params, uint64_t *ret_host_page_size)
{
    if (!realm)
        return -EINVAL;
    if (ret_rmm)
        *ret_rmm = realm->rmm;
    if (ret_params)
        *ret_params = realm->params;
    if (ret_host_page_size)
        *ret_host_page_size = realm->host_page_size;
    return 0;
}

/* The top of the protected (lower) half of the IPA space. */
static uint64_t protected_top(const CcmCcaRealm *realm)
{
    return UINT64_C(1) << (realm->params.s2sz - 1);
}

static int check_range(const CcmCcaRealm *realm, const char *what, uint64_t base, uint64_t size,
                       bool aligned, CcmError *reterr)
{
    if (size == 0)
        return ccm_error_set(reterr, -EINVAL, "%s at 0x%" PRIx64 ": the size is 0", what, base);
    if (aligned && (base % CCM_CCA_GRANULE != 0 || size % CCM_CCA_GRANULE != 0))
        return ccm_error_set(reterr, -EINVAL, "%s [0x%" PRIx64 ", +0x%" PRIx64 "): expected a "
                                              "4 KiB aligned base and size", what, base, size);
    if (base >= protected_top(realm) || size > protected_top(realm) - base)
        return ccm_error_set(reterr, -EINVAL, "%s [0x%" PRIx64 ", +0x%" PRIx64 ") lies outside "
                                              "the protected IPA space [0, 0x%" PRIx64 ") of "
                                              "s2sz %u", what, base, size,
                             protected_top(realm), realm->params.s2sz);
    return 0;
}

/* The granules a DATA or UNMEASURED op populates, widened to host pages. */
static void op_granules(const CcmCcaRealm *realm, const CcmCcaOp *op, uint64_t *start,
                        uint64_t *end)
{
    *start = align_down(op->ipa, realm->host_page_size);
    *end = align_up(op->ipa + op->size, realm->host_page_size);
}

static const char *op_label(const CcmCcaOp *op)
{
    return op->kind == CCM_CCA_OP_DATA ? op->name : "the unmeasured range";
}

/* A populated op must not overlap an earlier one (DATA blobs may share a granule). */
static int check_populate(const CcmCcaRealm *realm, const CcmCcaOp *new_op, CcmError *reterr)
{
    uint64_t s, e;
    op_granules(realm, new_op, &s, &e);
    for (guint i = 0; i < realm->ops->len; i++) {
        const CcmCcaOp *op = &g_array_index(realm->ops, RealmOp, i).pub;
        uint64_t os, oe;
        if (op->kind != CCM_CCA_OP_DATA && op->kind != CCM_CCA_OP_UNMEASURED)
            continue;
        op_granules(realm, op, &os, &oe);
        bool both_data = op->kind == CCM_CCA_OP_DATA && new_op->kind == CCM_CCA_OP_DATA;
        bool overlap = both_data ? new_op->ipa < op->ipa + op->size && op->ipa < new_op->ipa +
                                                                                    new_op->size
                                 : s < oe && os < e;
        if (overlap)
            return ccm_error_set(reterr, -EINVAL, "%s [0x%" PRIx64 ", +0x%" PRIx64 ") overlaps "
                                                  "%s [0x%" PRIx64 ", +0x%" PRIx64 ")",
                                 op_label(new_op), new_op->ipa, new_op->size, op_label(op),
                                 op->ipa, op->size);
    }
    return 0;
}

static void append(CcmCcaRealm *realm, const CcmCcaOp *pub, const char *name, const void *data)
{
    RealmOp op = { .pub = *pub };
    if (name)
        op.name = g_strdup(name);
    if (data)
        op.data = g_memdup2(data, pub->size);
    op.pub.name = op.name;
    op.pub.data = op.data;
    g_array_append_val(realm->ops, op);
}

int ccm_cca_realm_add_ripas(CcmCcaRealm *realm, uint64_t base, uint64_t size, CcmError *reterr)
{
    int r;

    if (!realm)
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_realm_add_ripas: realm is required");
    if ((r = check_range(realm, "RIPAS range", base, size, true, reterr)) < 0)
        return r;
    for (guint i = 0; i < realm->ops->len; i++) {
        const CcmCcaOp *op = &g_array_index(realm->ops, RealmOp, i).pub;
        if (op->kind == CCM_CCA_OP_RIPAS && base < op->ipa + op->size && op->ipa < base + size)
            return ccm_error_set(reterr, -EINVAL, "RIPAS range [0x%" PRIx64 ", +0x%" PRIx64 ") "
                                                  "overlaps RIPAS range [0x%" PRIx64 ", +0x%"
                                                  PRIx64 ")", base, size, op->ipa, op->size);
    }
    append(realm, &(CcmCcaOp) { .kind = CCM_CCA_OP_RIPAS, .ipa = base, .size = size }, NULL,
           NULL);
    return 0;
}

int ccm_cca_realm_add_data(CcmCcaRealm *realm, uint64_t ipa, const void *data, size_t size,
                           const char *name, CcmError *reterr)
{
    int r;

    if (!realm || !name || (!data && size > 0))
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_realm_add_data: realm, data and name "
                                              "are required");
    if (size == 0)
        return ccm_error_set(reterr, -EINVAL, "%s: the blob is empty", name);
    if ((r = check_range(realm, name, ipa, size, false, reterr)) < 0)
        return r;
    const CcmCcaOp op = { .kind = CCM_CCA_OP_DATA, .name = name, .ipa = ipa, .size = size };
    if ((r = check_populate(realm, &op, reterr)) < 0)
        return r;
    append(realm, &op, name, data);
    return 0;
}

int ccm_cca_realm_add_unmeasured(CcmCcaRealm *realm, uint64_t base, uint64_t size,
                                 CcmError *reterr)
{
    int r;

    if (!realm)
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_realm_add_unmeasured: realm is required");
    if ((r = check_range(realm, "unmeasured range", base, size, true, reterr)) < 0)
        return r;
    const CcmCcaOp op = { .kind = CCM_CCA_OP_UNMEASURED, .ipa = base, .size = size };
    if ((r = check_populate(realm, &op, reterr)) < 0)
        return r;
    append(realm, &op, NULL, NULL);
    return 0;
}

int ccm_cca_realm_add_rec(CcmCcaRealm *realm, uint64_t flags, uint64_t pc, const uint64_t *gprs,
                          CcmError *reterr)
{
    if (!realm)
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_realm_add_rec: realm is required");
    CcmCcaOp op = { .kind = CCM_CCA_OP_REC, .rec_flags = flags, .pc = pc };
    if (gprs)
        memcpy(op.gprs, gprs, sizeof(op.gprs));
    append(realm, &op, NULL, NULL);
    return 0;
}

size_t ccm_cca_realm_n_ops(const CcmCcaRealm *realm)
{
    return realm ? realm->ops->len : 0;
}

int ccm_cca_realm_op(const CcmCcaRealm *realm, size_t index, CcmCcaOp *ret)
{
    if (!realm || !ret)
        return -EINVAL;
    if (index >= realm->ops->len)
        return -ENOENT;
    *ret = g_array_index(realm->ops, RealmOp, index).pub;
    return 0;
}

void ccm_cca_realm_set_step_callback(CcmCcaRealm *realm, CcmStepFunc func, void *userdata)
{
    if (!realm)
        return;
    realm->step = func;
    realm->userdata = userdata;
}

/* The running hash chain: the current RIM and the hasher that extends it. */
typedef struct Chain {
    CcmCcaRealm *realm;
    CcmHasher h;
    size_t size;
    uint8_t rim[SLOT];
} Chain;

static void report(Chain *c, CcmStepKind kind, const char *stage, const char *detail,
                   uint32_t index, uint64_t gpa, uint64_t size, const uint8_t *content_hash)
{
    if (!c->realm->step)
        return;
    const CcmStep st = {
        .kind = kind,
        .stage = stage,
        .detail = detail,
        .index = index,
        .gpa = gpa,
        .size = size,
        .n_pages = size / CCM_CCA_GRANULE,
        .content_hash = content_hash,
        .content_hash_size = content_hash ? c->size : 0,
        .digest = c->rim,
        .digest_size = c->size,
    };
    c->realm->step(&st, c->realm->userdata);
}

/* RIM = H(descriptor), after the common header went in. */
static int extend(Chain *c, uint8_t *desc, uint8_t type)
{
    desc[0] = type;
    ccm_store_le64(desc + 0x08, DESC_SIZE);
    memcpy(desc + 0x10, c->rim, SLOT);
    uint8_t out[SLOT] = { 0 };
    int r = ccm_hasher_digest(&c->h, desc, DESC_SIZE, out);
    if (r == 0)
        memcpy(c->rim, out, SLOT);
    return r;
}

static int measure_initial(Chain *c)
{
    const CcmCcaRealmParams *p = &c->realm->params;
    g_autofree uint8_t *image = g_malloc0(CCM_CCA_GRANULE);

    ccm_store_le64(image + 0x000, p->flags);
    ccm_store_le64(image + 0x008, p->s2sz);
    ccm_store_le64(image + 0x010, p->sve_vl);
    ccm_store_le64(image + 0x018, p->num_bps);
    ccm_store_le64(image + 0x020, p->num_wps);
    ccm_store_le64(image + 0x028, p->pmu_num_ctrs);
    ccm_store_le64(image + 0x030, (uint64_t) p->hash);
    int r = ccm_hasher_digest(&c->h, image, CCM_CCA_GRANULE, c->rim);
    if (r == 0)
        report(c, CCM_STEP_CCA_REALM, "REALM_CREATE", ccm_cca_hash_to_string(p->hash), 0, 0,
               CCM_CCA_GRANULE, NULL);
    return r;
}

static const char *const level_names[] = { "level 0", "level 1", "level 2", "level 3" };

static int measure_ripas(Chain *c, const CcmCcaOp *op, uint32_t index)
{
    uint64_t top = op->ipa + op->size;
    int r = 0;

    for (uint64_t base = op->ipa; base < top && r == 0;) {
        uint64_t size = ccm_cca_ripas_entry(c->realm->params.s2sz, base, top);
        uint8_t desc[DESC_SIZE] = { 0 };
        ccm_store_le64(desc + 0x50, base);
        ccm_store_le64(desc + 0x58, base + size);
        if ((r = extend(c, desc, DESC_RIPAS)) == 0) {
            int level = 3;
            while (level > 0 && ccm_cca_rtt_entry_size(level) < size)
                level--;
            report(c, CCM_STEP_CCA_RIPAS, "RIPAS", level_names[level], index, base, size, NULL);
        }
        base += size;
    }
    return r;
}

/* Granule @g as the realm sees it: every blob's bytes that fall into it, zeros elsewhere. */
static void compose_granule(const CcmCcaRealm *realm, uint64_t g, uint8_t *page)
{
    memset(page, 0, CCM_CCA_GRANULE);
    for (guint i = 0; i < realm->ops->len; i++) {
        const CcmCcaOp *op = &g_array_index(realm->ops, RealmOp, i).pub;
        if (op->kind != CCM_CCA_OP_DATA)
            continue;
        uint64_t lo = MAX(op->ipa, g), hi = MIN(op->ipa + op->size, g + CCM_CCA_GRANULE);
        if (lo < hi)
            memcpy(page + (lo - g), op->data + (lo - op->ipa), (size_t) (hi - lo));
    }
}

/* Whether an op before @index already populated granule @g. */
static bool populated_before(const CcmCcaRealm *realm, guint index, uint64_t g)
{
    for (guint i = 0; i < index; i++) {
        const CcmCcaOp *op = &g_array_index(realm->ops, RealmOp, i).pub;
        uint64_t s, e;
        if (op->kind != CCM_CCA_OP_DATA && op->kind != CCM_CCA_OP_UNMEASURED)
            continue;
        op_granules(realm, op, &s, &e);
        if (g >= s && g < e)
            return true;
    }
    return false;
}

static int measure_data(Chain *c, const CcmCcaOp *op, guint index)
{
    const bool measured = op->kind == CCM_CCA_OP_DATA;
    g_autofree uint8_t *page = g_malloc(CCM_CCA_GRANULE);
    uint64_t start, end;
    int r = 0;

    op_granules(c->realm, op, &start, &end);
    for (uint64_t g = start; g < end && r == 0; g += CCM_CCA_GRANULE) {
        uint8_t desc[DESC_SIZE] = { 0 }, content[SLOT] = { 0 };
        if (populated_before(c->realm, index, g))
            continue;
        ccm_store_le64(desc + 0x50, g);
        ccm_store_le64(desc + 0x58, measured ? 1 : 0);
        if (measured) {
            compose_granule(c->realm, g, page);
            if ((r = ccm_hasher_digest(&c->h, page, CCM_CCA_GRANULE, content)) < 0)
                break;
            memcpy(desc + 0x60, content, SLOT);
        }
        if ((r = extend(c, desc, DESC_DATA)) == 0)
            report(c, CCM_STEP_CCA_DATA, "DATA", measured ? op->name : "unmeasured", index, g,
                   CCM_CCA_GRANULE, measured ? content : NULL);
    }
    return r;
}

static int measure_rec(Chain *c, const CcmCcaOp *op, uint32_t rec_index)
{
    g_autofree uint8_t *image = g_malloc0(CCM_CCA_GRANULE);
    uint8_t desc[DESC_SIZE] = { 0 }, content[SLOT] = { 0 };
    int r;

    ccm_store_le64(image + 0x000, op->rec_flags);
    ccm_store_le64(image + 0x200, op->pc);
    for (int i = 0; i < 8; i++)
        ccm_store_le64(image + 0x300 + 8 * i, op->gprs[i]);
    if ((r = ccm_hasher_digest(&c->h, image, CCM_CCA_GRANULE, content)) < 0)
        return r;
    memcpy(desc + 0x50, content, SLOT);
    if ((r = extend(c, desc, DESC_REC)) == 0)
        report(c, CCM_STEP_CCA_REC, "REC", "runnable", rec_index, op->pc, CCM_CCA_GRANULE,
               content);
    return r;
}

int ccm_cca_realm_measure(CcmCcaRealm *realm, uint8_t *ret_rim, size_t *ret_size,
                          CcmError *reterr)
{
    if (!realm || !ret_rim)
        return ccm_error_set(reterr, -EINVAL, "ccm_cca_realm_measure: realm and ret_rim are "
                                              "required");
    Chain c = { .realm = realm, .size = ccm_cca_hash_size(realm->params.hash) };
    int r = ccm_hasher_init(&c.h, algorithms[realm->params.hash]);
    if (r < 0)
        return ccm_error_set(reterr, r, "cannot set up %s",
                             ccm_cca_hash_to_string(realm->params.hash));
    r = measure_initial(&c);
    uint32_t recs = 0;
    for (guint i = 0; i < realm->ops->len && r == 0; i++) {
        const CcmCcaOp *op = &g_array_index(realm->ops, RealmOp, i).pub;
        switch (op->kind) {
        case CCM_CCA_OP_RIPAS:
            if (realm->rmm == CCM_CCA_RMM_1_0)
                r = measure_ripas(&c, op, i);
            break;
        case CCM_CCA_OP_DATA:
        case CCM_CCA_OP_UNMEASURED:
            r = measure_data(&c, op, i);
            break;
        case CCM_CCA_OP_REC:
            if (op->rec_flags & CCM_CCA_REC_RUNNABLE)
                r = measure_rec(&c, op, recs);
            recs++;
            break;
        }
    }
    ccm_hasher_done(&c.h);
    if (r < 0)
        return ccm_error_set(reterr, r, "%s failed", ccm_cca_hash_to_string(realm->params.hash));
    memcpy(ret_rim, c.rim, c.size);
    if (ret_size)
        *ret_size = c.size;
    return 0;
}
