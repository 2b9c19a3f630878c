/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cbor.c - a small strict CBOR (RFC 8949) decoder for attestation tokens
 *
 * Theory of operation: one recursive pass builds a tree of CcmCbor items. Every item
 * takes at least one byte of input, so a declared count or length is checked against
 * the bytes left before anything is read or allocated: a 4-byte input cannot make the
 * decoder allocate 2^32 items. Recursion is bounded by CCM_CBOR_MAX_DEPTH. Strings are
 * not copied unless they are indefinite-length (their chunks are joined). Values that
 * attestation tokens never carry (floats) are checked for size and skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cbor.h"

typedef struct Decoder {
    const uint8_t *data;
    size_t size;
    size_t base;
    size_t pos;
    CcmCborError *error;
} Decoder;

G_GNUC_PRINTF(3, 4)
static int fail(Decoder *d, size_t at, const char *format, ...)
{
    if (d->error) {
        va_list ap;

        va_start(ap, format);
        d->error->offset = d->base + at;
        vsnprintf(d->error->what, sizeof(d->error->what), format, ap);
        va_end(ap);
    }
    return -EBADMSG;
}

static size_t left(const Decoder *d)
{
    return d->size - d->pos;
}

/* Reads a head: major type, additional info and its argument. An indefinite length
 * (additional info 31) is reported through *indefinite with *arg = 0. */
static int read_head(Decoder *d, unsigned *major, uint64_t *arg, gboolean *indefinite)
{
    size_t at = d->pos;

    if (left(d) < 1)
        return fail(d, at, "expected a CBOR data item, found the end of the data");
    uint8_t ib = d->data[d->pos++];
    unsigned ai = ib & 0x1f;
    *major = ib >> 5;
    *indefinite = FALSE;
    *arg = 0;
    if (ai < 24) {
        *arg = ai;
        return 0;
    }
    if (ai >= 28 && ai <= 30)
        return fail(d, at, "reserved additional information %u in initial byte 0x%02x", ai, ib);
    if (ai == 31) {
        *indefinite = TRUE;
        return 0;
    }
    size_t n = (size_t) 1 << (ai - 24);
    if (left(d) < n)
        return fail(d, at, "the head of the item needs %zu more bytes, %zu left", n, left(d));
    for (size_t i = 0; i < n; i++)
        *arg = *arg << 8 | d->data[d->pos++];
    return 0;
}

static int decode_item(Decoder *d, CcmCbor *item, unsigned depth);

/* The chunks of an indefinite-length string, joined. */
static int decode_chunks(Decoder *d, CcmCbor *item, unsigned major)
{
    g_autoptr(GByteArray) joined = g_byte_array_new();

    for (;;) {
        size_t at = d->pos;
        if (left(d) < 1)
            return fail(d, at, "indefinite-length string without its break (0xff)");
        if (d->data[d->pos] == 0xff) {
            d->pos++;
            break;
        }
        unsigned m;
        uint64_t len;
        gboolean indef;
        int r = read_head(d, &m, &len, &indef);
        if (r < 0)
            return r;
        if (m != major || indef)
            return fail(d, at, "a chunk of an indefinite-length %s must be a definite %s",
                        major == 2 ? "byte string" : "text string",
                        major == 2 ? "byte string" : "text string");
        if (len > left(d))
            return fail(d, at, "a chunk of %" G_GUINT64_FORMAT " bytes runs past the end "
                        "(%zu bytes left)", len, left(d));
        g_byte_array_append(joined, d->data + d->pos, (guint) len);
        d->pos += (size_t) len;
    }
    item->size = joined->len;
    item->owned = g_byte_array_steal(joined, NULL);
    item->data = item->owned;
    return 0;
}

static int decode_container(Decoder *d, CcmCbor *item, uint64_t count, unsigned depth)
{
    size_t at = item->offset - d->base;
    size_t per = item->type == CCM_CBOR_MAP ? 2 : 1;

    if (item->indefinite) {
        g_autoptr(GArray) items = g_array_new(FALSE, TRUE, sizeof(CcmCbor));
        for (;;) {
            int r = 0;
            if (left(d) < 1) {
                r = fail(d, d->pos, "indefinite-length %s without its break (0xff)",
                         item->type == CCM_CBOR_MAP ? "map" : "array");
            } else if (d->data[d->pos] == 0xff && items->len % per == 0) {
                d->pos++;
                break;
            } else {
                CcmCbor child = { 0 };
                r = decode_item(d, &child, depth + 1);
                g_array_append_val(items, child);
            }
            if (r < 0) {
                /* hand what was built (a map padded to whole pairs) to the caller to free */
                CcmCbor empty = { 0 };
                while (items->len % per)
                    g_array_append_val(items, empty);
                item->size = items->len / per;
                item->items = (CcmCbor *) (void *) g_array_free(g_steal_pointer(&items), FALSE);
                return r;
            }
        }
        item->size = items->len / per;
        item->items = (CcmCbor *) (void *) g_array_free(g_steal_pointer(&items), FALSE);
        return 0;
    }

    /* Each item takes at least one byte: check the count before allocating. */
    if (count > left(d) / per)
        return fail(d, at, "%s of %" G_GUINT64_FORMAT " %s cannot fit in the %zu bytes left",
                    item->type == CCM_CBOR_MAP ? "a map" : "an array", count,
                    item->type == CCM_CBOR_MAP ? "pairs" : "items", left(d));
    item->size = (size_t) count;
    if (count == 0)
        return 0;
    item->items = g_new0(CcmCbor, (size_t) count * per);
    for (size_t i = 0; i < (size_t) count * per; i++) {
        int r = decode_item(d, &item->items[i], depth + 1);
        if (r < 0)
            return r;
    }
    return 0;
}

static int decode_item(Decoder *d, CcmCbor *item, unsigned depth)
{
    size_t at = d->pos;
    unsigned major;
    uint64_t arg;
    gboolean indefinite;

    item->offset = d->base + at;
    item->raw = d->data ? d->data + at : NULL;
    if (depth > CCM_CBOR_MAX_DEPTH)
        return fail(d, at, "CBOR nesting deeper than %d levels", CCM_CBOR_MAX_DEPTH);
    if (left(d) >= 1 && d->data[at] == 0xff)
        return fail(d, at, "a break (0xff) outside an indefinite-length item");
    int r = read_head(d, &major, &arg, &indefinite);
    if (r < 0)
        return r;
    item->type = (CcmCborType) major;
    item->indefinite = indefinite;
    item->value = arg;

    switch (major) {
    case 0:
    case 1:
    case 6:
        if (indefinite)
            return fail(d, at, "indefinite length on an integer or a tag (initial byte 0x%02x)",
                        d->data[at]);
        if (major == 6) {
            item->size = 1;
            item->items = g_new0(CcmCbor, 1);
            r = decode_item(d, item->items, depth + 1);
        }
        break;
    case 2:
    case 3:
        if (indefinite) {
            r = decode_chunks(d, item, major);
        } else if (arg > left(d)) {
            r = fail(d, at, "a %s of %" G_GUINT64_FORMAT " bytes runs past the end of the data "
                     "(%zu bytes left)", major == 2 ? "byte string" : "text string", arg,
                     left(d));
        } else {
            item->data = d->data + d->pos;
            item->size = (size_t) arg;
            d->pos += (size_t) arg;
        }
        if (r == 0 && major == 3 && !g_utf8_validate_len((const char *) item->data, item->size,
                                                         NULL))
            r = fail(d, at, "a text string that is not UTF-8");
        break;
    case 4:
    case 5:
        r = decode_container(d, item, arg, depth);
        break;
    case 7:
        if (indefinite)
            return fail(d, at, "a break (0xff) outside an indefinite-length item");
        switch (d->data[at] & 0x1f) {
        case 24:
            if (arg < 32)
                r = fail(d, at, "simple value %" G_GUINT64_FORMAT " in two bytes (must be >= 32)",
                         arg);
            break;
        case 25:
        case 26:
        case 27:
            item->type = CCM_CBOR_FLOAT;
            break;
        default:
            break;
        }
        break;
    default:
        g_assert_not_reached();
    }
    item->end = d->base + d->pos;
    return r;
}

static void clear_item(CcmCbor *item)
{
    size_t n = item->type == CCM_CBOR_MAP ? 2 * item->size : item->size;

    if (item->items && (item->type == CCM_CBOR_ARRAY || item->type == CCM_CBOR_MAP ||
                        item->type == CCM_CBOR_TAG)) {
        for (size_t i = 0; i < n; i++)
            clear_item(&item->items[i]);
    }
    g_free(item->items);
    g_free(item->owned);
}

void ccm_cbor_free(CcmCbor *item)
{
    if (!item)
        return;
    clear_item(item);
    g_free(item);
}

int ccm_cbor_decode(const uint8_t *data, size_t size, size_t base, CcmCbor **ret,
                    CcmCborError *reterr)
{
    Decoder d = { .data = data, .size = size, .base = base, .error = reterr };
    g_autoptr(CcmCbor) root = g_new0(CcmCbor, 1);

    g_assert(data || size == 0);
    int r = decode_item(&d, root, 0);
    if (r < 0)
        return r;
    if (d.pos != size)
        return fail(&d, d.pos, "%zu bytes after the end of the CBOR item", size - d.pos);
    *ret = g_steal_pointer(&root);
    return 0;
}

const char *ccm_cbor_type_name(const CcmCbor *item)
{
    switch (item->type) {
    case CCM_CBOR_UINT:
        return "an unsigned integer";
    case CCM_CBOR_NEGINT:
        return "a negative integer";
    case CCM_CBOR_BYTES:
        return "a byte string";
    case CCM_CBOR_TEXT:
        return "a text string";
    case CCM_CBOR_ARRAY:
        return "an array";
    case CCM_CBOR_MAP:
        return "a map";
    case CCM_CBOR_TAG:
        return "a tag";
    case CCM_CBOR_FLOAT:
        return "a float";
    case CCM_CBOR_SIMPLE:
        switch (item->value) {
        case 20:
        case 21:
            return "a boolean";
        case 22:
            return "null";
        case 23:
            return "undefined";
        default:
            return "a simple value";
        }
    }
    return "an unknown item";
}

gboolean ccm_cbor_get_int(const CcmCbor *item, int64_t *ret)
{
    if (item->type == CCM_CBOR_UINT && item->value <= INT64_MAX) {
        *ret = (int64_t) item->value;
        return TRUE;
    }
    if (item->type == CCM_CBOR_NEGINT && item->value <= INT64_MAX) {
        *ret = -1 - (int64_t) item->value;
        return TRUE;
    }
    return FALSE;
}

const CcmCbor *ccm_cbor_untag(const CcmCbor *item, uint64_t tag)
{
    while (item->type == CCM_CBOR_TAG && item->value == tag)
        item = item->items;
    return item;
}

int ccm_cbor_map_lookup(const CcmCbor *map, int64_t key, const CcmCbor **ret)
{
    int found = 0;

    g_assert(map->type == CCM_CBOR_MAP);
    for (size_t i = 0; i < map->size; i++) {
        int64_t k;
        if (!ccm_cbor_get_int(&map->items[2 * i], &k) || k != key)
            continue;
        *ret = &map->items[2 * i + 1];
        if (found)
            return -EEXIST;
        found = 1;
    }
    return found;
}
