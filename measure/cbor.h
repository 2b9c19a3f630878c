/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cbor.h - a small strict CBOR (RFC 8949) decoder for attestation tokens */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* Nesting deeper than this (arrays, maps and tags together) is refused. */
#define CCM_CBOR_MAX_DEPTH 16

typedef enum CcmCborType {
    CCM_CBOR_UINT = 0,
    CCM_CBOR_NEGINT = 1, /* the value is -1 - @value */
    CCM_CBOR_BYTES = 2,
    CCM_CBOR_TEXT = 3,
    CCM_CBOR_ARRAY = 4,
    CCM_CBOR_MAP = 5,
    CCM_CBOR_TAG = 6,
    CCM_CBOR_SIMPLE = 7, /* false (20), true (21), null (22), undefined (23), others */
    CCM_CBOR_FLOAT = 8,  /* half, single or double; the value is not kept */
} CcmCborType;

/**
 * CcmCbor - one decoded data item
 * @offset: where its head starts, counted from the start of the outermost buffer (the
 *          @base given to ccm_cbor_decode() plus the position in the decoded bytes)
 * @end:    one past its last byte, counted the same way
 * @raw:    its encoding (head included): @end - @offset bytes
 * @value:  UINT and NEGINT argument, TAG number, SIMPLE value
 * @data, @size: BYTES and TEXT content (for an indefinite-length string, the chunks
 *          joined); for ARRAY the number of items, for MAP the number of pairs, TAG 1
 * @items:  ARRAY items, MAP keys and values alternating (2 * @size), the TAG content
 */
typedef struct CcmCbor {
    CcmCborType type;
    gboolean indefinite;
    size_t offset;
    size_t end;
    const uint8_t *raw;
    uint64_t value;
    const uint8_t *data;
    size_t size;
    struct CcmCbor *items;
    uint8_t *owned;
} CcmCbor;

/* Where and why decoding failed. */
typedef struct CcmCborError {
    size_t offset;
    char what[160];
} CcmCborError;

/**
 * ccm_cbor_decode() - decode exactly one data item that fills @data
 * @base: the offset of @data in the outermost buffer, for offsets in items and errors
 *
 * Checks every length against the bytes that are left before reading or allocating,
 * refuses reserved encodings, a break outside an indefinite-length item, indefinite
 * strings whose chunks are not definite strings of the same type, text that is not
 * UTF-8, nesting deeper than CCM_CBOR_MAX_DEPTH and bytes after the item.
 *
 * Return: 0 and a tree in *@ret (free it with ccm_cbor_free()); -EBADMSG and @reterr.
 * Strings point into @data, which must outlive the tree.
 */
int ccm_cbor_decode(const uint8_t *data, size_t size, size_t base, CcmCbor **ret,
                    CcmCborError *reterr);

void ccm_cbor_free(CcmCbor *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmCbor, ccm_cbor_free)

/* "an unsigned integer", "a byte string", ... for messages. */
const char *ccm_cbor_type_name(const CcmCbor *item);

/* The integer value of a UINT or NEGINT that fits in int64_t; FALSE otherwise. */
gboolean ccm_cbor_get_int(const CcmCbor *item, int64_t *ret);

/* The item under any number of tags with number @tag (0 or more), else @item itself. */
const CcmCbor *ccm_cbor_untag(const CcmCbor *item, uint64_t tag);

/**
 * ccm_cbor_map_lookup() - the value of the integer key @key in the map @map
 *
 * Return: 1 and *@ret, 0 if the key is absent, -EEXIST if it appears more than once
 * (*@ret is then the second one).
 */
int ccm_cbor_map_lookup(const CcmCbor *map, int64_t key, const CcmCbor **ret);
