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

/* Copies s into valid UTF-8 with controls mapped, but not yet normalized. Runs of bytes
 * that need no change are copied whole. */
static char *repair(const char *s, size_t n)
{
    struct buf b = BUF_INIT;
    size_t i = 0, run = 0;
    buf_append(&b, "", 0);
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n') {
            i++;
            continue;
        }
        int cp = 0;
        size_t k = 1;
        if (c >= 0x80) {
            k = utf8_decode(s + i, n - i, &cp);
            if (!(cp == 0xFFFD && k == 1) && !(cp >= 0x80 && cp <= 0x9f)) {
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
    return buf_steal(&b);
}

/* Nonzero when every code point of the valid UTF-8 string s is one that NFC leaves alone
 * whatever surrounds it: below U+0300 (ASCII, Latin-1, Latin Extended-A/B, IPA), the
 * precomposed Latin Extended Additional block (U+1E00–U+1EFF: Vietnamese) and general
 * punctuation after the two quads (U+2002–U+206F), the BOM and U+FFFD. That is nearly all
 * Vietnamese news text,
 * and checking it is much cheaper than normalizing. */
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
        if (!(cp < 0x300 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2002 && cp <= 0x206F) ||
              cp == 0xFEFF || cp == 0xFFFD))
            return 0;
        p += k;
    }
    return 1;
}

char *utf8_clean(const char *s, size_t n)
{
    char *r = repair(s, n);
    if (nfc_stable(r))
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
