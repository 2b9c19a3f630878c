/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uefi-decompress.c - decoding the UEFI specification's compressed format
 *
 * The format is the one the UEFI specification's "Compression Algorithm Specification"
 * describes (an LZ77 variant with canonical Huffman codes; "EFI Compress", what the
 * EFI_DECOMPRESS_PROTOCOL decodes and what PCI option ROMs use for compression type 1):
 *
 *   header: UINT32 compressed size (bytes after the header), UINT32 original size;
 *   then a bit stream, each byte read from its most significant bit, made of blocks:
 *     16 bits   the number of codes (literals and matches) in the block;
 *     the extra set: the code lengths of the 19 symbols that code the next set's lengths;
 *     the char&length set: the code lengths of 510 symbols, 0..255 a literal byte,
 *               256 and above a match of (symbol - 253) bytes, 3 to 256;
 *     the position set: the code lengths of 14 symbols coding a match's distance;
 *     the block's codes.
 *
 * A set starts with its count of code lengths (5 bits for the extra set, 9 for the
 * char&length set, 4 for the position set). A count of 0 means the set has one symbol,
 * given next in as many bits, whose code is empty (takes no bits). Extra and position
 * lengths are 3 bits; 7 continues with one more per 1 bit up to a 0 bit. After the third
 * extra length, 2 bits count zero lengths that follow. Char&length lengths are extra-set
 * symbols: 0 is one zero length, 1 is 3 plus 4 bits of zero lengths, 2 is 20 plus 9 bits
 * of zero lengths, n > 2 a length of n - 2. Codes are canonical: shorter codes first, in
 * symbol order within a length; no code is longer than 16 bits.
 *
 * A position symbol p > 1 means a distance of 2^(p-1) plus the next p-1 bits; 0 and 1
 * stand for themselves. A match copies from (distance + 1) bytes back, byte by byte (it
 * may overlap what it writes). Decoding stops when the original size is reached.
 *
 * Hostile input: every count and length is checked against the set it belongs to, every
 * set must form a complete prefix code (as the firmware's decoder requires), every match
 * must start inside the output, and bits are read only up to the declared compressed
 * size; the output is exactly the declared original size, which the caller bounds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "bytes.h"
#include "error.h"
#include "uefi-decompress.h"

#define MAX_CODE_BITS 16u
#define N_EXTRA 19u      /* NT: code lengths 0..16 plus three zero-run symbols */
#define EXTRA_BITS 5u
#define N_CHAR 510u      /* NC: 256 literals and match lengths 3..256 */
#define CHAR_BITS 9u
#define N_POSITION 14u   /* NP: a 13-bit window and the distance 0 */
#define POSITION_BITS 4u
#define MATCH_BIAS 253u  /* symbol - MATCH_BIAS = match length */
#define EXTRA_SPECIAL 3u /* after this many extra lengths, a 2-bit zero run */

typedef struct BitReader {
    const uint8_t *data;
    uint64_t pos;        /* in bits */
    uint64_t end;
} BitReader;

/* A canonical Huffman code: symbols sorted by code length, then value. */
typedef struct HuffmanCode {
    int single;          /* the only symbol (an empty code), or -1 */
    uint16_t count[MAX_CODE_BITS + 1];
    uint16_t symbols[N_CHAR];
} HuffmanCode;

typedef struct Decoder {
    BitReader bits;
    const char *what;
    CcmError *reterr;
    HuffmanCode extra, chars, positions;
} Decoder;

static int truncated(Decoder *d)
{
    return ccm_error_set(d->reterr, -EBADMSG,
                         "%s: the compressed stream ends before its data does (bit %" PRIu64
                         " of %" PRIu64 ")",
                         d->what, d->bits.pos, d->bits.end);
}

/* The next @n bits (at most 16), most significant first. */
static int get_bits(Decoder *d, unsigned n, uint32_t *ret)
{
    BitReader *b = &d->bits;
    if (b->end - b->pos < n)
        return truncated(d);
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++, b->pos++)
        v = (v << 1) | ((b->data[b->pos >> 3] >> (7 - (b->pos & 7))) & 1u);
    *ret = v;
    return 0;
}

/* @lengths[0..@n) into a canonical code; @n <= N_CHAR, every length <= MAX_CODE_BITS. */
static int code_build(Decoder *d, HuffmanCode *code, const uint8_t *lengths, unsigned n,
                      const char *set)
{
    uint16_t next[MAX_CODE_BITS + 1];
    uint32_t used = 0;

    code->single = -1;
    memset(code->count, 0, sizeof(code->count));
    for (unsigned i = 0; i < n; i++)
        code->count[lengths[i]]++;
    code->count[0] = 0;
    /* Kraft: a complete prefix code fills the 16-bit code space exactly. */
    for (unsigned len = 1; len <= MAX_CODE_BITS; len++)
        used += (uint32_t) code->count[len] << (MAX_CODE_BITS - len);
    if (used != 1u << MAX_CODE_BITS)
        return ccm_error_set(d->reterr, -EBADMSG,
                             "%s: the %s set's code lengths do not form a complete prefix "
                             "code (%s)",
                             d->what, set, used < 1u << MAX_CODE_BITS ? "some codes unused"
                                                                       : "oversubscribed");
    next[1] = 0;
    for (unsigned len = 1; len < MAX_CODE_BITS; len++)
        next[len + 1] = (uint16_t) (next[len] + code->count[len]);
    for (unsigned i = 0; i < n; i++)
        if (lengths[i] > 0)
            code->symbols[next[lengths[i]]++] = (uint16_t) i;
    return 0;
}

static void code_single(HuffmanCode *code, unsigned symbol)
{
    code->single = (int) symbol;
}

static int code_decode(Decoder *d, const HuffmanCode *code, unsigned *ret)
{
    uint32_t value = 0, first = 0, index = 0;
    int r;

    if (code->single >= 0) {
        *ret = (unsigned) code->single;
        return 0;
    }
    for (unsigned len = 1; len <= MAX_CODE_BITS; len++) {
        uint32_t bit;
        if ((r = get_bits(d, 1, &bit)) < 0)
            return r;
        value |= bit;
        if (value >= first && value - first < code->count[len]) {
            *ret = code->symbols[index + value - first];
            return 0;
        }
        index += code->count[len];
        first = (first + code->count[len]) << 1;
        value <<= 1;
    }
    /* Not reached for a complete code (code_build() checked). */
    return ccm_error_set(d->reterr, -EBADMSG, "%s: a Huffman code longer than 16 bits",
                         d->what);
}

/* The extra set (@special EXTRA_SPECIAL) or the position set (@special 0). */
static int read_short_lengths(Decoder *d, HuffmanCode *code, unsigned alphabet,
                              unsigned count_bits, unsigned special, const char *set)
{
    uint8_t lengths[N_EXTRA] = { 0 };
    uint32_t n, v;
    int r;

    if ((r = get_bits(d, count_bits, &n)) < 0)
        return r;
    if (n == 0) {
        if ((r = get_bits(d, count_bits, &v)) < 0)
            return r;
        if (v >= alphabet)
            return ccm_error_set(d->reterr, -EBADMSG,
                                 "%s: the %s set's only symbol is %" PRIu32 ", beyond its "
                                 "%u symbols",
                                 d->what, set, v, alphabet);
        code_single(code, v);
        return 0;
    }
    if (n > alphabet)
        return ccm_error_set(d->reterr, -EBADMSG,
                             "%s: the %s set declares %" PRIu32 " code lengths, at most %u "
                             "expected",
                             d->what, set, n, alphabet);
    for (unsigned i = 0; i < n;) {
        if ((r = get_bits(d, 3, &v)) < 0)
            return r;
        if (v == 7) {
            uint32_t bit;
            do {
                if ((r = get_bits(d, 1, &bit)) < 0)
                    return r;
                if (bit && ++v > MAX_CODE_BITS)
                    return ccm_error_set(d->reterr, -EBADMSG,
                                         "%s: a code length in the %s set exceeds 16 bits",
                                         d->what, set);
            } while (bit);
        }
        lengths[i++] = (uint8_t) v;
        if (i == special) {
            /* Up to three zero lengths; past the count they are zero anyway. */
            if ((r = get_bits(d, 2, &v)) < 0)
                return r;
            i = MIN(i + v, n);
        }
    }
    return code_build(d, code, lengths, alphabet, set);
}

static int read_char_lengths(Decoder *d)
{
    uint8_t lengths[N_CHAR] = { 0 };
    uint32_t n, v;
    int r;

    if ((r = get_bits(d, CHAR_BITS, &n)) < 0)
        return r;
    if (n == 0) {
        if ((r = get_bits(d, CHAR_BITS, &v)) < 0)
            return r;
        if (v >= N_CHAR)
            return ccm_error_set(d->reterr, -EBADMSG,
                                 "%s: the char&length set's only symbol is %" PRIu32
                                 ", beyond its %u symbols",
                                 d->what, v, N_CHAR);
        code_single(&d->chars, v);
        return 0;
    }
    if (n > N_CHAR)
        return ccm_error_set(d->reterr, -EBADMSG,
                             "%s: the char&length set declares %" PRIu32 " code lengths, at "
                             "most %u expected",
                             d->what, n, N_CHAR);
    for (unsigned i = 0; i < n;) {
        unsigned s;
        if ((r = code_decode(d, &d->extra, &s)) < 0)
            return r;
        if (s > 2) {
            lengths[i++] = (uint8_t) (s - 2); /* s < N_EXTRA: at most 16 */
            continue;
        }
        uint32_t run = 1;
        if (s == 1) {
            if ((r = get_bits(d, 4, &v)) < 0)
                return r;
            run = v + 3;
        } else if (s == 2) {
            if ((r = get_bits(d, CHAR_BITS, &v)) < 0)
                return r;
            run = v + 20;
        }
        /* Zero lengths; past the count they are zero anyway. */
        i = (unsigned) MIN((uint32_t) i + run, n);
    }
    return code_build(d, &d->chars, lengths, N_CHAR, "char&length");
}

static int read_block_header(Decoder *d, uint32_t *ret_codes)
{
    uint32_t codes;
    int r;

    if ((r = get_bits(d, 16, &codes)) < 0 ||
        (r = read_short_lengths(d, &d->extra, N_EXTRA, EXTRA_BITS, EXTRA_SPECIAL, "extra")) < 0 ||
        (r = read_char_lengths(d)) < 0 ||
        (r = read_short_lengths(d, &d->positions, N_POSITION, POSITION_BITS, 0, "position")) < 0)
        return r;
    /* A count of 0 is taken as 65536, as the firmware's 16-bit counter does. */
    *ret_codes = codes ? codes : 1u << 16;
    return 0;
}

static int decode(Decoder *d, uint8_t *out, size_t out_size)
{
    size_t pos = 0;
    uint32_t left_in_block = 0;
    int r;

    while (pos < out_size) {
        unsigned symbol;
        if (left_in_block == 0 && (r = read_block_header(d, &left_in_block)) < 0)
            return r;
        left_in_block--;
        if ((r = code_decode(d, &d->chars, &symbol)) < 0)
            return r;
        if (symbol < 256) {
            out[pos++] = (uint8_t) symbol;
            continue;
        }
        size_t length = symbol - MATCH_BIAS;
        unsigned p;
        uint32_t distance;
        if ((r = code_decode(d, &d->positions, &p)) < 0)
            return r;
        distance = p;
        if (p > 1) {
            uint32_t low;
            if ((r = get_bits(d, p - 1, &low)) < 0)
                return r;
            distance = (1u << (p - 1)) + low;
        }
        if (distance >= pos)
            return ccm_error_set(d->reterr, -EBADMSG,
                                 "%s: a match at output byte %zu reaches %" PRIu32 " bytes "
                                 "back, before the start of the output",
                                 d->what, pos, distance + 1);
        size_t from = pos - distance - 1;
        length = MIN(length, out_size - pos);
        for (size_t i = 0; i < length; i++)
            out[pos++] = out[from + i];
    }
    return 0;
}

int ccm_uefi_decompress(const void *src, size_t size, size_t max_size, const char *what,
                        uint8_t **ret, size_t *ret_size, CcmError *reterr)
{
    const uint8_t *s = src;

    if (!src || !what || !ret || !ret_size)
        return ccm_error_set(reterr, -EINVAL, "ccm_uefi_decompress: bad arguments");
    if (size < 8)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: %zu bytes, too short for the 8-byte compression header",
                             what, size);
    uint32_t compressed = ccm_load_le32(s), original = ccm_load_le32(s + 4);
    if (compressed > size - 8)
        return ccm_error_set(reterr, -EBADMSG,
                             "%s: the compression header declares %" PRIu32 " bytes of "
                             "compressed data, only %zu follow it",
                             what, compressed, size - 8);
    if (original > max_size)
        return ccm_error_set(reterr, -EFBIG,
                             "%s: the compression header declares %" PRIu32 " bytes of "
                             "original data, more than the %zu accepted",
                             what, original, max_size);
    g_autofree uint8_t *out = g_try_malloc(original ? original : 1);
    if (!out)
        return ccm_error_set(reterr, -ENOMEM, "%s: out of memory for %" PRIu32 " bytes",
                             what, original);
    g_autofree Decoder *d = g_try_new0(Decoder, 1);
    if (!d)
        return ccm_error_set(reterr, -ENOMEM, "%s: out of memory", what);
    d->bits.data = s + 8;
    d->bits.end = (uint64_t) compressed * 8;
    d->what = what;
    d->reterr = reterr;
    int r = decode(d, out, original);
    if (r < 0)
        return r;
    *ret = g_steal_pointer(&out);
    *ret_size = original;
    return 0;
}
