/*
 * utf8.c — UTF-8 validation, repair and NFC normalization (utf8proc does the Unicode work).
 * NFC costs what the text needs: only the short spans around code points that NFC might
 * change or join go through utf8proc, the rest is copied; the result is byte for byte that
 * of utf8proc_NFC on the whole text (tests/unit/test_utf8.c checks it).
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

/* Whether the code point cp (>= 0x80) is one of the common ones NFC neither changes nor joins
 * to what precedes it: below U+0300 (Latin-1, Latin Extended-A/B, IPA), the precomposed Latin
 * Extended Additional block (U+1E00–U+1EFF: Vietnamese), general punctuation after the two
 * quads (U+2002–U+206F), the BOM and U+FFFD. That is nearly all Vietnamese news text, and this
 * test is the cheapest; nfc_inert() answers for the rest. (test_utf8 checks these ranges
 * against utf8proc.) */
static inline int nfc_stable_cp(int cp)
{
    return cp < 0x300 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2002 && cp <= 0x206F) ||
           cp == 0xFEFF || cp == 0xFFFD;
}

/* Whether utf8proc's NFC leaves the code point cp alone wherever it stands and never joins it
 * to the code points before it, so that the text on either side of it can be normalized
 * apart (NFC of AB is NFC of A then NFC of B when B starts with such a code point). From
 * utf8proc's own properties: combining class 0, no canonical decomposition, not a mark (the
 * marks include every second half of a composition with class 0, such as Indic vowel signs)
 * and not Hangul (jamo and syllables, which utf8proc composes by rule rather than by its
 * table). Anything else is treated as needing NFC. */
static int nfc_inert(int cp)
{
    if (cp < 0x80 || nfc_stable_cp(cp))
        return 1;
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->combining_class != 0 || (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0))
        return 0;
    switch (p->category) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return 0;
    default:
        break;
    }
    switch (p->boundclass) {
    case UTF8PROC_BOUNDCLASS_L:
    case UTF8PROC_BOUNDCLASS_V:
    case UTF8PROC_BOUNDCLASS_T:
    case UTF8PROC_BOUNDCLASS_LV:
    case UTF8PROC_BOUNDCLASS_LVT:
        return 0;
    default:
        return 1;
    }
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

/* Where a text has code points outside nfc_stable_cp(): the byte ranges [v[2i], v[2i+1]) of
 * its maximal runs of them, in order. */
struct runs {
    size_t *v;
    size_t n; /* 2 × the number of runs */
    size_t cap;
};

/* Notes the code point at bytes [at, end) as outside nfc_stable_cp(). */
static void runs_add(struct runs *r, size_t at, size_t end)
{
    if (r->n && r->v[r->n - 1] == at) {
        r->v[r->n - 1] = end; /* right after the last run: it grows */
        return;
    }
    if (r->n + 2 > r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
    }
    r->v[r->n++] = at;
    r->v[r->n++] = end;
}

/* Copies s into valid UTF-8 with controls mapped, but not yet normalized. Runs of bytes
 * that need no change are copied whole. Adds to *rs where the copy has code points outside
 * nfc_stable_cp() (the replacements are all inside) and sets *len to the copy's length. */
static char *repair(const char *s, size_t n, struct runs *rs, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    struct buf b = BUF_INIT;
    size_t i = 0, run = 0;
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
                if (!nfc_stable_cp(cp)) {
                    size_t at = b.len + (i - run); /* where it lands in the copy */
                    runs_add(rs, at, at + k);
                }
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
    *len = b.len;
    return buf_steal(&b);
}

/* Appends to out the NFC of the n bytes of valid UTF-8 at s, which start with a code point
 * nfc_inert() accepts or at the start of a text, as utf8proc_NFC would normalize them. */
static void nfc_span(const char *s, size_t n, struct buf *out)
{
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &nfc,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (m == UTF8PROC_ERROR_NOMEM)
        abort();
    if (m < 0) /* not for valid UTF-8; kept as it is, as a failed utf8proc_NFC would */
        buf_append(out, s, n);
    else
        buf_append(out, (const char *)nfc, (size_t)m);
    free(nfc);
}

/* Returns the NFC of the valid UTF-8 string s (taking ownership), len bytes, whose code
 * points outside nfc_stable_cp() are all within the runs rs (rs is freed). Only spans that
 * may change go through utf8proc: each runs from the last code point nfc_inert() accepts
 * before one it does not, through the code points it does not accept, to the next one it
 * does (or the end). The rest is copied as it is: NFC of the whole text, in time that
 * follows the code points that need work. */
static char *nfc_spans(char *s, size_t len, struct runs *rs)
{
    const unsigned char *u = (const unsigned char *)s;
    if (rs->n == 0)
        return s;
    struct buf b = BUF_INIT;
    buf_reserve(&b, len + 16);
    size_t done = 0; /* s is in b up to there */
    for (size_t r = 0; r < rs->n; r += 2) {
        size_t i = rs->v[r], end = rs->v[r + 1];
        /* the code point before the run passes nfc_stable_cp(): a span may start there */
        size_t last = i;
        if (last > done) {
            last--;
            while (last > done && (u[last] & 0xC0) == 0x80)
                last--;
        }
        while (i < end) {
            int cp;
            size_t k = decode_multi(u + i, len - i, &cp);
            if (nfc_inert(cp)) {
                last = i;
                i += k;
                continue;
            }
            size_t e = i + k;
            while (e < end) {
                k = decode_multi(u + e, len - e, &cp);
                if (nfc_inert(cp))
                    break;
                e += k;
            }
            buf_append(&b, s + done, last - done);
            nfc_span(s + last, e - last, &b);
            done = last = i = e;
        }
    }
    buf_append(&b, s + done, len - done);
    free(s);
    free(rs->v);
    return buf_steal(&b);
}

char *utf8_clean(const char *s, size_t n)
{
    struct runs rs = {NULL, 0, 0};
    size_t len;
    char *r = repair(s, n, &rs, &len);
    return nfc_spans(r, len, &rs);
}

char *utf8_lower(const char *s, size_t n)
{
    struct buf b = BUF_INIT;
    struct runs rs = {NULL, 0, 0};
    size_t i = 0;
    while (i < n) {
        int cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        char enc[4];
        int lc = utf8proc_tolower(cp);
        size_t at = b.len;
        buf_append(&b, enc, utf8_encode(lc, enc));
        if (lc >= 0x80 && !nfc_stable_cp(lc))
            runs_add(&rs, at, b.len);
        i += k;
    }
    size_t len = b.len;
    return nfc_spans(buf_steal(&b), len, &rs);
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
