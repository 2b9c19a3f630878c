/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-uefi-option-rom.c - the UEFI decompressor and the option ROM walk on hand-made input
 *
 * Compressed streams are written bit by bit here (a literal-only block whose extra set is
 * one empty code, so the data bits are the bytes themselves; single-symbol matches; a
 * two-symbol extra code with zero runs), then broken in every way the format can be:
 * short headers, lying sizes, incomplete or oversubscribed codes, over-long lengths,
 * matches before the output, streams that end early. The option ROM walk gets a legacy
 * image followed by an EFI image holding a small PE, plain and "compressed", and the same
 * ROM cut short or with each header field made wrong. The real ROMs are in tests/vtpm
 * (check-option-rom).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "ccm/measure.h"
#include "uefi-decompress.h"

/* ---- a bit writer -------------------------------------------------------------- */

typedef struct Bits {
    GByteArray *bytes;
    unsigned used; /* bits used in the last byte, 0 when it is full */
} Bits;

static void put(Bits *b, unsigned n, uint32_t value)
{
    for (unsigned i = n; i-- > 0;) {
        if (b->used == 0)
            g_byte_array_append(b->bytes, (const guint8[]) { 0 }, 1);
        if ((value >> i) & 1)
            b->bytes->data[b->bytes->len - 1] |= (uint8_t) (0x80u >> b->used);
        b->used = (b->used + 1) % 8;
    }
}

static void bits_init(Bits *b)
{
    b->bytes = g_byte_array_new();
    b->used = 0;
    /* The header, filled in by bits_finish(). */
    g_byte_array_append(b->bytes, (const guint8[8]) { 0 }, 8);
}

/* The stream with its header; @original the declared original size. */
static GBytes *bits_finish(Bits *b, uint32_t original)
{
    uint32_t compressed = b->bytes->len - 8;
    for (int i = 0; i < 4; i++) {
        b->bytes->data[i] = (uint8_t) (compressed >> (8 * i));
        b->bytes->data[4 + i] = (uint8_t) (original >> (8 * i));
    }
    return g_byte_array_free_to_bytes(b->bytes);
}

/* A block header whose three sets are single symbols (empty codes). */
static void single_block(Bits *b, uint32_t codes, unsigned c, unsigned p)
{
    put(b, 16, codes);
    put(b, 5, 0), put(b, 5, 0); /* extra: one symbol, 0 */
    put(b, 9, 0), put(b, 9, c); /* char&length: only @c */
    put(b, 4, 0), put(b, 4, p); /* position: only @p */
}

/* A block of literal bytes: every char&length code 8 bits long, so the code is the byte. */
static void literal_block(Bits *b, const char *text)
{
    put(b, 16, (uint32_t) strlen(text));
    put(b, 5, 0), put(b, 5, 10); /* extra: only symbol 10, a length of 8 */
    put(b, 9, 256);              /* 256 lengths, each the empty extra code */
    put(b, 4, 0), put(b, 4, 0);
    for (const char *p = text; *p; p++)
        put(b, 8, (uint8_t) *p);
}

static int decompress(GBytes *stream, uint8_t **ret, size_t *ret_size, CcmError *error)
{
    gsize size;
    const void *data = g_bytes_get_data(stream, &size);
    error->message[0] = '\0';
    return ccm_uefi_decompress(data, size, 1u << 20, "test stream", ret, ret_size, error);
}

static void assert_decodes(GBytes *stream, const char *want)
{
    g_autofree uint8_t *out = NULL;
    size_t size = 0;
    CcmError error;
    int r = decompress(stream, &out, &size, &error);
    if (r < 0)
        g_error("%s", error.message);
    g_assert_cmpmem(out, size, want, strlen(want));
}

static void assert_rejected(GBytes *stream, int code, const char *message_part)
{
    uint8_t *out = NULL;
    size_t size = 0;
    CcmError error;
    g_assert_cmpint(decompress(stream, &out, &size, &error), ==, code);
    g_assert_null(out);
    g_assert_cmpint(error.code, ==, code);
    if (!strstr(error.message, message_part))
        g_error("'%s' does not say '%s'", error.message, message_part);
}

static void test_literals(void)
{
    Bits b;
    bits_init(&b);
    literal_block(&b, "option ");
    literal_block(&b, "ROM");
    g_autoptr(GBytes) s = bits_finish(&b, 10);
    assert_decodes(s, "option ROM");
}

static void test_matches(void)
{
    Bits b;
    bits_init(&b);
    single_block(&b, 1, 'A', 0);
    single_block(&b, 1, 253 + 10, 0); /* 10 bytes from 1 back: overlapping */
    literal_block(&b, "BC");
    single_block(&b, 2, 253 + 3, 2);  /* 3 bytes from 2 + (1 bit) + 1 back */
    put(&b, 1, 0);                    /* distance 2: "ABC" */
    put(&b, 1, 1);                    /* distance 3: "CAB" */
    g_autoptr(GBytes) s = bits_finish(&b, 19);
    assert_decodes(s, "AAAAAAAAAAABCABCCAB");

    /* The output stops at the declared size, inside a match. */
    bits_init(&b);
    single_block(&b, 1, 'z', 0);
    single_block(&b, 1, 253 + 256, 0);
    g_autoptr(GBytes) cut = bits_finish(&b, 5);
    assert_decodes(cut, "zzzzz");
}

/* A two-symbol extra code (symbols 2 and 3, one bit each) codes the char&length lengths
 * 120 zeros (symbol 2, 20 + 100), then 1 and 1: 'x' is bit 0, 'y' bit 1. */
static void huffman_block(Bits *b, const char *xy, bool complete)
{
    put(b, 16, (uint32_t) strlen(xy));
    put(b, 5, 4);                     /* four extra lengths: */
    put(b, 3, 0), put(b, 3, 0);
    put(b, 3, 1);                     /* symbol 2: 1 bit */
    put(b, 2, 0);                     /* no zero run after the third */
    put(b, 3, complete ? 1 : 2);      /* symbol 3: 1 bit (2: an incomplete code) */
    put(b, 9, 'y' + 1);               /* char&length: 122 lengths */
    put(b, 1, 0), put(b, 9, 100);     /* 120 zeros */
    put(b, 1, 1), put(b, 1, 1);       /* 'x' and 'y': 1 bit each */
    put(b, 4, 0), put(b, 4, 0);
    for (const char *p = xy; *p; p++)
        put(b, 1, *p == 'y');
}

static void test_huffman(void)
{
    Bits b;
    bits_init(&b);
    huffman_block(&b, "xyyxxxy", true);
    g_autoptr(GBytes) s = bits_finish(&b, 7);
    assert_decodes(s, "xyyxxxy");

    bits_init(&b);
    huffman_block(&b, "xy", false);
    g_autoptr(GBytes) incomplete = bits_finish(&b, 2);
    assert_rejected(incomplete, -EBADMSG, "extra set's code lengths do not form a complete");
}

static void test_bad_headers(void)
{
    Bits b;
    bits_init(&b);
    literal_block(&b, "abc");
    g_autoptr(GBytes) good = bits_finish(&b, 3);
    gsize size;
    const uint8_t *data = g_bytes_get_data(good, &size);

    g_autoptr(GBytes) short_header = g_bytes_new(data, 7);
    assert_rejected(short_header, -EBADMSG, "too short for the 8-byte compression header");

    g_autofree uint8_t *lie = g_memdup2(data, size);
    lie[0] += 1; /* one byte more than there is */
    g_autoptr(GBytes) lying = g_bytes_new(lie, size);
    assert_rejected(lying, -EBADMSG, "only");

    lie[0] -= 2; /* one byte less than the data needs */
    g_autoptr(GBytes) ends_early = g_bytes_new(lie, size);
    assert_rejected(ends_early, -EBADMSG, "ends before its data does");

    lie[0] += 1;
    lie[6] = 0x20; /* 2 MiB, above the 1 MiB the test accepts */
    g_autoptr(GBytes) big = g_bytes_new(lie, size);
    assert_rejected(big, -EFBIG, "more than the 1048576 accepted");

    lie[6] = 0;
    lie[4] = 4; /* a fourth byte that is not in the stream */
    g_autoptr(GBytes) more = g_bytes_new(lie, size);
    assert_rejected(more, -EBADMSG, "ends before");
}

static void test_bad_tables(void)
{
    Bits b;

    bits_init(&b); /* a match as the first code */
    single_block(&b, 1, 256, 0);
    g_autoptr(GBytes) before = bits_finish(&b, 3);
    assert_rejected(before, -EBADMSG, "before the start of the output");

    bits_init(&b); /* a match reaching 6 bytes back after 2 */
    literal_block(&b, "ab");
    single_block(&b, 1, 256, 3);
    put(&b, 2, 1);
    g_autoptr(GBytes) far = bits_finish(&b, 5);
    assert_rejected(far, -EBADMSG, "reaches 6 bytes back");

    bits_init(&b);
    put(&b, 16, 1);
    put(&b, 5, 0), put(&b, 5, 19); /* extra: symbol 19 of 19 */
    g_autoptr(GBytes) extra_symbol = bits_finish(&b, 1);
    assert_rejected(extra_symbol, -EBADMSG, "extra set's only symbol is 19");

    bits_init(&b);
    put(&b, 16, 1);
    put(&b, 5, 20); /* 20 extra lengths */
    g_autoptr(GBytes) extra_count = bits_finish(&b, 1);
    assert_rejected(extra_count, -EBADMSG, "declares 20 code lengths, at most 19");

    bits_init(&b);
    put(&b, 16, 1);
    put(&b, 5, 0), put(&b, 5, 0);
    put(&b, 9, 511); /* 511 char&length lengths */
    g_autoptr(GBytes) char_count = bits_finish(&b, 1);
    assert_rejected(char_count, -EBADMSG, "declares 511 code lengths, at most 510");

    bits_init(&b);
    put(&b, 16, 1);
    put(&b, 5, 0), put(&b, 5, 0);
    put(&b, 9, 0), put(&b, 9, 510);
    g_autoptr(GBytes) char_symbol = bits_finish(&b, 1);
    assert_rejected(char_symbol, -EBADMSG, "char&length set's only symbol is 510");

    bits_init(&b);
    put(&b, 16, 1);
    put(&b, 5, 0), put(&b, 5, 0);
    put(&b, 9, 0), put(&b, 9, 'a');
    put(&b, 4, 15); /* 15 position lengths */
    g_autoptr(GBytes) position_count = bits_finish(&b, 1);
    assert_rejected(position_count, -EBADMSG, "position set declares 15 code lengths");

    bits_init(&b);
    put(&b, 16, 1);
    put(&b, 5, 1);
    put(&b, 3, 7), put(&b, 10, 0x3ff); /* 7 + 10 = 17 bits */
    g_autoptr(GBytes) long_code = bits_finish(&b, 1);
    assert_rejected(long_code, -EBADMSG, "exceeds 16 bits");

    bits_init(&b);
    put(&b, 16, 1);
    put(&b, 5, 3);
    put(&b, 3, 1), put(&b, 3, 1), put(&b, 3, 1); /* three 1-bit codes */
    put(&b, 2, 0);
    g_autoptr(GBytes) over = bits_finish(&b, 1);
    assert_rejected(over, -EBADMSG, "oversubscribed");

    bits_init(&b);
    put(&b, 16, 1);
    put(&b, 5, 3);
    put(&b, 3, 0), put(&b, 3, 0), put(&b, 3, 0); /* no codes at all */
    put(&b, 2, 0);
    g_autoptr(GBytes) empty = bits_finish(&b, 1);
    assert_rejected(empty, -EBADMSG, "some codes unused");
}

/* Every prefix and every single-bit change of a valid stream: an answer, never a crash. */
static void test_mutations(void)
{
    Bits b;
    bits_init(&b);
    huffman_block(&b, "xyxxyyyx", true);
    literal_block(&b, "lit");
    single_block(&b, 2, 253 + 4, 4);
    put(&b, 3, 2), put(&b, 3, 1);     /* 4 bytes from 11 back, then from 10 back */
    g_autoptr(GBytes) s = bits_finish(&b, 19);
    assert_decodes(s, "xyxxyyyxlitxyxxyyxl");
    gsize size;
    const uint8_t *data = g_bytes_get_data(s, &size);
    g_autofree uint8_t *copy = g_memdup2(data, size);
    CcmError error;

    for (size_t cut = 0; cut < size; cut++) {
        uint8_t *out = NULL;
        size_t n = 0;
        error.message[0] = '\0';
        g_assert_cmpint(ccm_uefi_decompress(copy, cut, 1u << 20, "cut", &out, &n, &error), <,
                        0);
        g_assert_cmpstr(error.message, !=, "");
    }
    for (size_t bit = 0; bit < 8 * size; bit++) {
        g_autofree uint8_t *out = NULL;
        size_t n = 0;
        copy[bit / 8] ^= (uint8_t) (0x80u >> (bit % 8));
        error.message[0] = '\0';
        if (ccm_uefi_decompress(copy, size, 1u << 20, "flip", &out, &n, &error) < 0)
            g_assert_cmpstr(error.message, !=, "");
        copy[bit / 8] ^= (uint8_t) (0x80u >> (bit % 8));
    }
}

/* ---- option ROMs --------------------------------------------------------------- */

static void le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    le16(p, (uint16_t) v);
    le16(p + 2, (uint16_t) (v >> 16));
}

/* A PE32+ image of 0x60f bytes: headers to 0x200, .data at 0x400 listed before .text at
 * 0x200 (hashed in file order), 15 trailing bytes, a checksum and a certificate-table
 * entry (skipped by the hash, but the table is not there: size 0). */
static GBytes *small_pe(void)
{
    uint8_t *pe = g_malloc0(0x60f);
    pe[0] = 'M', pe[1] = 'Z';
    le32(pe + 0x3c, 0x80);
    memcpy(pe + 0x80, "PE\0\0", 4);
    le16(pe + 0x84, 0x8664);
    le16(pe + 0x86, 2);      /* sections */
    le16(pe + 0x94, 240);    /* optional header size */
    size_t opt = 0x98;
    le16(pe + opt, 0x20b);
    le32(pe + opt + 56, 0x3000); /* SizeOfImage */
    le32(pe + opt + 60, 0x200);  /* SizeOfHeaders */
    le32(pe + opt + 64, 0xdeadbeef); /* CheckSum: not hashed */
    le16(pe + opt + 68, 11);     /* subsystem: boot-service driver */
    le32(pe + opt + 108, 16);
    le32(pe + opt + 112 + 4 * 8, 0x12345678); /* certificate entry: not hashed */
    size_t sec = opt + 240;
    memcpy(pe + sec, ".data", 5);
    le32(pe + sec + 16, 0x200), le32(pe + sec + 20, 0x400);
    memcpy(pe + sec + 40, ".text", 5);
    le32(pe + sec + 40 + 16, 0x200), le32(pe + sec + 40 + 20, 0x200);
    for (size_t i = 0x200; i < 0x60f; i++)
        pe[i] = (uint8_t) (i * 7);
    return g_bytes_new_take(pe, 0x60f);
}

/* Authenticode computed here, from the layout small_pe() builds. */
static void small_pe_digest(GChecksumType type, uint8_t *ret, size_t size)
{
    g_autoptr(GBytes) b = small_pe();
    const uint8_t *pe = g_bytes_get_data(b, NULL);
    g_autoptr(GChecksum) c = g_checksum_new(type);
    size_t checksum = 0x98 + 64, cert = 0x98 + 112 + 32;
    g_checksum_update(c, pe, checksum);
    g_checksum_update(c, pe + checksum + 4, cert - checksum - 4);
    g_checksum_update(c, pe + cert + 8, 0x200 - cert - 8);
    g_checksum_update(c, pe + 0x200, 0x200);
    g_checksum_update(c, pe + 0x400, 0x200);
    g_checksum_update(c, pe + 0x600, 0xf);
    gsize n = size;
    g_checksum_get_digest(c, ret, &n);
    g_assert_cmpuint(n, ==, size);
}

/* @pe as a literal-only compressed stream. */
static GBytes *compress_literally(GBytes *pe)
{
    gsize size;
    const uint8_t *p = g_bytes_get_data(pe, &size);
    Bits b;
    bits_init(&b);
    for (size_t off = 0; off < size;) {
        size_t n = MIN(size - off, 0xffffu);
        put(&b, 16, (uint32_t) n);
        put(&b, 5, 0), put(&b, 5, 10);
        put(&b, 9, 256);
        put(&b, 4, 0), put(&b, 4, 0);
        for (size_t i = 0; i < n; i++)
            put(&b, 8, p[off + i]);
        off += n;
    }
    return bits_finish(&b, (uint32_t) size);
}

#define EFI_START 0x400u

/* A 1 KiB legacy image, then an EFI image of @payload (the PE, or its stream). */
static GByteArray *make_rom(GBytes *payload, uint16_t compression)
{
    gsize size;
    const uint8_t *p = g_bytes_get_data(payload, &size);
    size_t efi_len = (0x38 + size + 511) / 512 * 512 + 512; /* a padding sector */
    GByteArray *rom = g_byte_array_sized_new((guint) (EFI_START + efi_len));
    g_byte_array_set_size(rom, (guint) (EFI_START + efi_len));
    uint8_t *r = rom->data;
    memset(r, 0, rom->len);

    r[0] = 0x55, r[1] = 0xaa, r[2] = 2; /* legacy: 2 * 512 bytes */
    le16(r + 0x18, 0x1c);
    memcpy(r + 0x1c, "PCIR", 4);
    le16(r + 0x1c + 4, 0x8086), le16(r + 0x1c + 6, 0x10d3);
    le16(r + 0x1c + 0x10, EFI_START / 512);
    r[0x1c + 0x14] = 0;                 /* x86 */

    uint8_t *e = r + EFI_START;
    e[0] = 0x55, e[1] = 0xaa;
    le16(e + 2, (uint16_t) ((efi_len - 512) / 512)); /* initialization size */
    le32(e + 4, 0x0ef1);
    le16(e + 8, 11);
    le16(e + 0x0a, 0x8664);
    le16(e + 0x0c, compression);
    le16(e + 0x16, 0x38);
    le16(e + 0x18, 0x1c);
    memcpy(e + 0x1c, "PCIR", 4);
    le16(e + 0x1c + 4, 0x8086), le16(e + 0x1c + 6, 0x10d3);
    le16(e + 0x1c + 0x10, (uint16_t) (efi_len / 512));
    e[0x1c + 0x14] = 3;
    e[0x1c + 0x15] = 0x80;
    memcpy(e + 0x38, p, size);
    return rom;
}

static int drivers(GByteArray *rom, size_t size, CcmUefiRomDriver *ret, size_t capacity,
                   size_t *ret_n, CcmError *error)
{
    error->message[0] = '\0';
    return ccm_uefi_option_rom_drivers(rom->data, size, ret, capacity, ret_n, error);
}

static void test_rom(void)
{
    uint8_t want256[32], want384[48], tdx384[48];
    small_pe_digest(G_CHECKSUM_SHA256, want256, 32);
    small_pe_digest(G_CHECKSUM_SHA384, want384, 48);
    g_autoptr(GBytes) pe = small_pe();
    g_assert_cmpint(ccm_tdx_kernel_file_digest(g_bytes_get_data(pe, NULL), g_bytes_get_size(pe),
                                               tdx384, NULL), ==, 0);
    g_assert_cmpmem(tdx384, 48, want384, 48);
    g_autoptr(GBytes) stream = compress_literally(pe);

    for (uint16_t compression = 0; compression < 2; compression++) {
        g_autoptr(GByteArray) rom = make_rom(compression ? stream : pe, compression);
        CcmUefiRomDriver d[2];
        size_t n = 0;
        CcmError error;
        if (drivers(rom, rom->len, d, 2, &n, &error) < 0)
            g_error("%s", error.message);
        g_assert_cmpuint(n, ==, 1);
        g_assert_cmpuint(d[0].start, ==, EFI_START);
        g_assert_cmpuint(d[0].end, ==, rom->len - 1);
        /* Uncompressed: the PE offset to the initialization size, padding included. */
        size_t init = rom->len - EFI_START - 512;
        g_assert_cmpuint(d[0].image_size, ==, compression ? 0x60f : init - 0x38);
        g_assert_cmpuint(d[0].machine, ==, 0x8664);
        g_assert_cmpuint(d[0].subsystem, ==, 11);
        g_assert_cmpuint(d[0].compression, ==, compression);
        g_assert_cmpuint(d[0].vendor_id, ==, 0x8086);
        g_assert_cmpuint(d[0].device_id, ==, 0x10d3);
        if (compression) {
            g_assert_cmpmem(d[0].sha256, 32, want256, 32);
            g_assert_cmpmem(d[0].sha384, 48, want384, 48);
        } else {
            /* The loaded bytes run to the initialization size: the zeros after the PE
             * are part of the image hashed. */
            g_assert_cmpint(ccm_tdx_kernel_file_digest(rom->data + EFI_START + 0x38,
                                                       d[0].image_size, tdx384, NULL), ==, 0);
            g_assert_cmpmem(d[0].sha384, 48, tdx384, 48);
            g_assert_true(memcmp(d[0].sha384, want384, 48) != 0);
        }

        /* Counting only; no room. */
        g_assert_cmpint(drivers(rom, rom->len, NULL, 0, &n, &error), ==, 0);
        g_assert_cmpuint(n, ==, 1);
        g_assert_cmpint(drivers(rom, rom->len, d, 0, &n, &error), ==, -ENOBUFS);
        g_assert_cmpint(drivers(rom, rom->len, NULL, 1, &n, &error), ==, -EINVAL);

        /* Every truncation: an error that says so, never a result. */
        for (size_t cut = 0; cut < rom->len; cut += 7) {
            n = 99;
            g_assert_cmpint(drivers(rom, cut, d, 2, &n, &error), ==, -EBADMSG);
            g_assert_cmpstr(error.message, !=, "");
            g_assert_cmpuint(n, ==, 99);
        }
    }
}

static void test_rom_capacity(void)
{
    g_autoptr(GBytes) pe = small_pe();
    g_autoptr(GByteArray) rom = make_rom(pe, 0);
    CcmUefiRomDriver d[1];
    size_t n = 0;
    CcmError error;
    /* Two copies of the EFI image: the first no longer the last. */
    g_autoptr(GByteArray) two = g_byte_array_new();
    g_byte_array_append(two, rom->data, rom->len);
    g_byte_array_append(two, rom->data + EFI_START, rom->len - EFI_START);
    two->data[EFI_START + 0x1c + 0x15] = 0;
    g_assert_cmpint(drivers(two, two->len, d, 1, &n, &error), ==, -ENOBUFS);
    g_assert_nonnull(strstr(error.message, "more than 1 EFI drivers"));
    g_assert_cmpint(drivers(two, two->len, NULL, 0, &n, &error), ==, 0);
    g_assert_cmpuint(n, ==, 2);
}

typedef struct Corruption {
    size_t at;        /* from the EFI image's start */
    unsigned size;    /* 1, 2 or 4 bytes */
    uint32_t value;
    int code;         /* 0: accepted, skipped (n = 0) */
    const char *message;
} Corruption;

static void test_rom_corrupt(void)
{
    static const Corruption cases[] = {
        { 0x00, 2, 0x1234, -EBADMSG, "0x55 0xAA expected, found 0x34 0x12" },
        { 0x18, 2, 0x0002, -EBADMSG, "PCI data structure offset 0x2" },
        { 0x18, 2, 0x001e, -EBADMSG, "PCI data structure offset 0x1e" },
        { 0x18, 2, 0xfffc, -EBADMSG, "PCI data structure offset 0xfffc" },
        { 0x1c, 4, 0x52494350, -EBADMSG, "\"PCIR\" expected at 0x41c" },
        { 0x2c, 2, 0x0000, -EBADMSG, "declares 0 bytes" },
        { 0x2c, 2, 0xffff, -EBADMSG, "declares 33553920 bytes" },
        { 0x02, 2, 0x00ff, -EBADMSG, "initialization size (130560 bytes) exceeds" },
        { 0x02, 2, 0x0000, -EBADMSG, "PE image offset 0x38 is not between" },
        { 0x16, 2, 0x0010, -EBADMSG, "PE image offset 0x10" },
        { 0x16, 2, 0x0800, -EBADMSG, "PE image offset 0x800" },
        { 0x31, 1, 0x00, -EBADMSG, "not marked last" },
        { 0x38, 2, 0x0000, -EBADMSG, "has no PE header" },
        { 0x38 + 0x3c, 4, 0x7fffffff, -EBADMSG, "PE header is missing or outside" },
        { 0x0c, 2, 0x0001, -EBADMSG, "compressed data" }, /* a PE read as a stream */
        /* Images the firmware does not load: skipped. */
        { 0x0c, 2, 0x0002, 0, NULL },
        { 0x08, 2, 10, 0, NULL },
        { 0x04, 4, 0x0ef2, 0, NULL },
        { 0x30, 1, 0, 0, NULL },
    };
    g_autoptr(GBytes) pe = small_pe();

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const Corruption *c = &cases[i];
        g_autoptr(GByteArray) rom = make_rom(pe, 0);
        uint8_t *at = rom->data + EFI_START + c->at;
        if (c->size == 1)
            *at = (uint8_t) c->value;
        else if (c->size == 2)
            le16(at, (uint16_t) c->value);
        else if (c->at == 0x1c)
            memcpy(at, "PCIX", 4);
        else
            le32(at, c->value);
        CcmUefiRomDriver d[2];
        size_t n = 99;
        CcmError error;
        int r = drivers(rom, rom->len, d, 2, &n, &error);
        if (r != c->code || (c->message && !strstr(error.message, c->message)))
            g_error("case %zu: %d '%s', expected %d '%s'", i, r, error.message, c->code,
                    c->message ? c->message : "");
        if (c->code == 0)
            g_assert_cmpuint(n, ==, 0);
        else
            g_assert_cmpuint(n, ==, 99);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/uefi-decompress/literals", test_literals);
    g_test_add_func("/uefi-decompress/matches", test_matches);
    g_test_add_func("/uefi-decompress/huffman", test_huffman);
    g_test_add_func("/uefi-decompress/bad-headers", test_bad_headers);
    g_test_add_func("/uefi-decompress/bad-tables", test_bad_tables);
    g_test_add_func("/uefi-decompress/mutations", test_mutations);
    g_test_add_func("/uefi-option-rom/drivers", test_rom);
    g_test_add_func("/uefi-option-rom/capacity", test_rom_capacity);
    g_test_add_func("/uefi-option-rom/corrupt", test_rom_corrupt);
    return g_test_run();
}
