/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ga-json.c - the little JSON the RCAR exchange needs: read members, write strings
 *
 * The KBS's replies are small flat objects ({"nonce": ...}, {"token": ...}, a flattened
 * JWE, an error {"type", "detail"}) and the JWE's protected header nests one object
 * (epk). A scanner that can skip any value and decode strings is enough; nothing is
 * built into a tree. Every function checks the text it walks, so a truncated or hostile
 * reply is refused, never read past its end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ga-json.h"

#define MAX_DEPTH 64

typedef struct Scanner {
    const char *p;
    const char *end;
} Scanner;

static void skip_ws(Scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_u16(Scanner *s, uint32_t *ret)
{
    if (s->end - s->p < 4)
        return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(s->p[i]);
        if (d < 0)
            return false;
        v = v << 4 | (uint32_t) d;
    }
    s->p += 4;
    *ret = v;
    return true;
}

static void append_utf8(GaBuf *out, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t) cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t) (0xc0 | cp >> 6);
        b[1] = (uint8_t) (0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t) (0xe0 | cp >> 12);
        b[1] = (uint8_t) (0x80 | (cp >> 6 & 0x3f));
        b[2] = (uint8_t) (0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (uint8_t) (0xf0 | cp >> 18);
        b[1] = (uint8_t) (0x80 | (cp >> 12 & 0x3f));
        b[2] = (uint8_t) (0x80 | (cp >> 6 & 0x3f));
        b[3] = (uint8_t) (0x80 | (cp & 0x3f));
        n = 4;
    }
    ga_buf_append(out, b, n);
}

/* Scan a string starting at its opening quote; decode it into @out if not NULL. */
static bool scan_string(Scanner *s, GaBuf *out)
{
    if (s->p >= s->end || *s->p != '"')
        return false;
    s->p++;
    while (s->p < s->end) {
        unsigned char c = (unsigned char) *s->p++;
        if (c == '"')
            return true;
        if (c < 0x20)
            return false;
        if (c != '\\') {
            if (out)
                ga_buf_append(out, &c, 1);
            continue;
        }
        if (s->p >= s->end)
            return false;
        char e = *s->p++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e != '\0' && e != 'u' && simple) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            if (out)
                ga_buf_append(out, &decoded[simple - "\"\\/bfnrt"], 1);
            continue;
        }
        if (e != 'u')
            return false;
        uint32_t cp;
        if (!read_u16(s, &cp))
            return false;
        if (cp >= 0xd800 && cp < 0xdc00) {
            uint32_t low;
            if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
                return false;
            s->p += 2;
            if (!read_u16(s, &low) || low < 0xdc00 || low >= 0xe000)
                return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        } else if (cp >= 0xdc00 && cp < 0xe000) {
            return false;
        }
        if (cp == 0)
            return false;   /* cannot live in a C string; nothing we read needs it */
        if (out)
            append_utf8(out, cp);
    }
    return false;
}

static bool scan_value(Scanner *s, int depth);

static bool scan_container(Scanner *s, int depth, char close, bool object)
{
    if (depth > MAX_DEPTH)
        return false;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return true;
    }
    for (;;) {
        skip_ws(s);
        if (object) {
            if (!scan_string(s, NULL))
                return false;
            skip_ws(s);
            if (s->p >= s->end || *s->p++ != ':')
                return false;
            skip_ws(s);
        }
        if (!scan_value(s, depth + 1))
            return false;
        skip_ws(s);
        if (s->p >= s->end)
            return false;
        char c = *s->p++;
        if (c == close)
            return true;
        if (c != ',')
            return false;
    }
}

static bool scan_value(Scanner *s, int depth)
{
    if (s->p >= s->end)
        return false;
    switch (*s->p) {
    case '{':
        return scan_container(s, depth, '}', true);
    case '[':
        return scan_container(s, depth, ']', false);
    case '"':
        return scan_string(s, NULL);
    default:
        break;
    }
    /* true, false, null or a number: a run of literal characters, roughly checked. */
    const char *start = s->p;
    while (s->p < s->end && *s->p != '\0' && strchr("0123456789+-.eEtruefalsn", *s->p))
        s->p++;
    size_t n = (size_t) (s->p - start);
    if (n == 0)
        return false;
    if ((n == 4 && (!memcmp(start, "true", 4) || !memcmp(start, "null", 4))) ||
        (n == 5 && !memcmp(start, "false", 5)))
        return true;
    return start[0] == '-' || (start[0] >= '0' && start[0] <= '9');
}

bool ga_json_is_object(GaJson text)
{
    Scanner s = { text.p, text.p + text.len };
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{' || !scan_value(&s, 0))
        return false;
    skip_ws(&s);
    return s.p == s.end;
}

bool ga_json_member(GaJson object, const char *key, GaJson *ret_value)
{
    Scanner s = { object.p, object.p + object.len };
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{')
        return false;
    s.p++;
    skip_ws(&s);
    if (s.p < s.end && *s.p == '}')
        return false;
    for (;;) {
        skip_ws(&s);
        ga_auto_buf GaBuf name = { 0 };
        if (!scan_string(&s, &name))
            return false;
        skip_ws(&s);
        if (s.p >= s.end || *s.p++ != ':')
            return false;
        skip_ws(&s);
        const char *start = s.p;
        if (!scan_value(&s, 1))
            return false;
        if (strlen(ga_buf_str(&name)) == name.len && strcmp(ga_buf_str(&name), key) == 0) {
            *ret_value = (GaJson) { start, (size_t) (s.p - start) };
            return true;
        }
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ',')
            return false;
        s.p++;
    }
}

char *ga_json_string(GaJson value)
{
    Scanner s = { value.p, value.p + value.len };
    GaBuf out = { 0 };
    skip_ws(&s);
    if (!scan_string(&s, &out)) {
        ga_buf_clear(&out);
        return NULL;
    }
    skip_ws(&s);
    if (s.p != s.end) {
        ga_buf_clear(&out);
        return NULL;
    }
    if (!out.data)
        ga_buf_append(&out, "", 0);
    return out.data;
}

char *ga_json_member_string(GaJson object, const char *key)
{
    GaJson value;
    if (!ga_json_member(object, key, &value))
        return NULL;
    return ga_json_string(value);
}

void ga_json_append_string(GaBuf *out, const char *text)
{
    ga_buf_append(out, "\"", 1);
    for (const unsigned char *p = (const unsigned char *) text; *p; p++) {
        switch (*p) {
        case '"': ga_buf_append_str(out, "\\\""); break;
        case '\\': ga_buf_append_str(out, "\\\\"); break;
        case '\b': ga_buf_append_str(out, "\\b"); break;
        case '\f': ga_buf_append_str(out, "\\f"); break;
        case '\n': ga_buf_append_str(out, "\\n"); break;
        case '\r': ga_buf_append_str(out, "\\r"); break;
        case '\t': ga_buf_append_str(out, "\\t"); break;
        default:
            if (*p < 0x20)
                ga_buf_printf(out, "\\u%04x", *p);
            else
                ga_buf_append(out, p, 1);
        }
    }
    ga_buf_append(out, "\"", 1);
}
