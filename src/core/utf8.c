/*
 * utf8.c — UTF-8 validation, repair and NFC normalization (utf8proc does the Unicode work).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "docbao/utf8.h"
#include "docbao/util.h"

size_t utf8_decode(const char *s, size_t n, int *cp)
{
    utf8proc_int32_t c;
    if (n == 0) {
        *cp = 0xFFFD;
        return 0;
    }
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          n > 4 ? 4 : (utf8proc_ssize_t)n, &c);
    if (k < 1) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return (size_t)k;
}

size_t utf8_encode(int cp, char *out)
{
    utf8proc_ssize_t k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)out);
    if (k < 1)
        k = utf8proc_encode_char(0xFFFD, (utf8proc_uint8_t *)out);
    return (size_t)k;
}

/* Whether NFC leaves the code point cp (>= 0x80) alone whatever surrounds it: below U+0300
 * (Latin-1, Latin Extended-A/B, IPA), the precomposed Latin Extended Additional block
 * (U+1E00–U+1EFF: Vietnamese), general punctuation after the two quads (U+2002–U+206F), the
 * BOM and U+FFFD. That is nearly all Vietnamese news text, and checking it is much cheaper
 * than normalizing. */
static inline int nfc_stable_cp(int cp)
{
    return cp < 0x300 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2002 && cp <= 0x206F) ||
           cp == 0xFEFF || cp == 0xFFFD;
}

/* Decodes the sequence at s (n > 0 bytes, s[0] >= 0x80) like utf8_decode. Well-formed 2-byte
 * sequences and 3-byte ones whose lead is neither E0 (overlongs) nor ED (surrogates) are
 * always valid, and they are all of Vietnamese: those are decoded here, the rest by
 * utf8proc. */
static inline size_t decode_multi(const unsigned char *s, size_t n, int *cp)
{
    if (s[0] >= 0xC2 && s[0] < 0xE0 && n > 1 && (s[1] & 0xC0) == 0x80) {
        *cp = ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (s[0] >= 0xE1 && s[0] < 0xF0 && s[0] != 0xED && n > 2 && (s[1] & 0xC0) == 0x80 &&
        (s[2] & 0xC0) == 0x80) {
        *cp = ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    return utf8_decode((const char *)s, n, cp);
}

/* Copies s into valid UTF-8 with controls mapped, but not yet normalized. Runs of bytes
 * that need no change are copied whole. Sets *stable to whether every code point of the
 * copy is one NFC leaves alone (the replacements all are). */
static char *repair(const char *s, size_t n, int *stable)
{
    const unsigned char *u = (const unsigned char *)s;
    struct buf b = BUF_INIT;
    size_t i = 0, run = 0;
    int st = 1;
    buf_reserve(&b, n); /* the usual case: the text as it came, in one allocation */
    while (i < n) {
        /* printable ASCII, most of the text, in a tight loop */
        while (i < n && u[i] >= 0x20 && u[i] < 0x7f)
            i++;
        if (i >= n)
            break;
        unsigned char c = u[i];
        if (c == '\t' || c == '\n') {
            i++;
            continue;
        }
        int cp = 0;
        size_t k = 1;
        if (c >= 0x80) {
            k = decode_multi(u + i, n - i, &cp);
            if (!(cp == 0xFFFD && k == 1) && !(cp >= 0x80 && cp <= 0x9f)) {
                if (st && !nfc_stable_cp(cp))
                    st = 0;
                i += k; /* a valid sequence: part of the run */
                continue;
            }
        }
        buf_append(&b, s + run, i - run);
        if (c == '\r') {
            buf_putc(&b, '\n');
            if (i + 1 < n && s[i + 1] == '\n')
                k = 2;
        } else if (c < 0x80 || (cp >= 0x80 && cp <= 0x9f)) {
            buf_putc(&b, ' '); /* C0 and C1 controls, DEL */
        } else {
            buf_append(&b, "\xef\xbf\xbd", 3); /* an invalid byte: U+FFFD */
        }
        i += k;
        run = i;
    }
    buf_append(&b, s + run, i - run);
    *stable = st;
    return buf_steal(&b);
}

/* Nonzero when every code point of the valid UTF-8 string s is one that NFC leaves alone
 * (see nfc_stable_cp). */
static int nfc_stable(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int cp;
        size_t k = utf8_decode((const char *)p, 4, &cp);
        if (!nfc_stable_cp(cp))
            return 0;
        p += k;
    }
    return 1;
}

char *utf8_clean(const char *s, size_t n)
{
    int stable;
    char *r = repair(s, n, &stable);
    if (stable)
        return r;
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)r);
    if (!nfc)
        return r;
    free(r);
    /* utf8proc allocates with malloc; hand it on as our own. */
    return (char *)nfc;
}

char *utf8_lower(const char *s, size_t n)
{
    struct buf b = BUF_INIT;
    size_t i = 0;
    while (i < n) {
        int cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        char enc[4];
        buf_append(&b, enc, utf8_encode(utf8proc_tolower(cp), enc));
        i += k;
    }
    char *low = buf_steal(&b);
    if (nfc_stable(low))
        return low;
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)low);
    if (!nfc)
        return low;
    free(low);
    return (char *)nfc;
}

int utf8_looks_binary(const char *s, size_t n)
{
    size_t bad = 0, ctl = 0, i = 0, chars = 0;
    size_t lim = n > 65536 ? 65536 : n;
    while (i < lim) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return 1;
        int cp;
        size_t k = utf8_decode(s + i, lim - i, &cp);
        if (cp == 0xFFFD && k == 1 && i + 4 < lim)
            bad++;
        else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
            ctl++;
        chars++;
        i += k;
    }
    if (chars == 0)
        return 0;
    return (bad + ctl) * 10 > chars; /* more than 10 % junk */
}
