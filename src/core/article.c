/*
 * article.c — the article record shared by the extractor, the reader and export.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "docbao/article.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

struct article *article_new(void)
{
    return xcalloc(1, sizeof(struct article));
}

void article_free(struct article *a)
{
    if (!a)
        return;
    free(a->title);
    free(a->byline);
    free(a->published);
    free(a->site);
    free(a->url);
    for (size_t i = 0; i < a->npara; i++)
        free(a->paras[i]);
    free(a->paras);
    free(a);
}

static int is_space_at(const char *s, size_t n, size_t *len)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        *len = 1;
        return 1;
    }
    /* U+00A0 NBSP, U+2000..U+200B spaces, U+202F, U+3000, U+FEFF */
    if (n >= 2 && c == 0xC2 && (unsigned char)s[1] == 0xA0) {
        *len = 2;
        return 1;
    }
    if (n >= 3 && c == 0xE2 && (unsigned char)s[1] == 0x80) {
        unsigned char d = (unsigned char)s[2];
        if ((d >= 0x80 && d <= 0x8B) || d == 0xAF) {
            *len = 3;
            return 1;
        }
    }
    if (n >= 3 && c == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
        *len = 3;
        return 1;
    }
    if (n >= 3 && c == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
        *len = 3;
        return 1;
    }
    return 0;
}

/* Bytes that may start white space or end the input: ASCII white space, the lead bytes of
 * U+00A0 (C2), U+2000..U+200B and U+202F (E2), U+3000 (E3), U+FEFF (EF), and NUL. Runs of other
 * bytes are copied whole. */
static const unsigned char squash_stop[256] = {
    [0] = 1,    [' '] = 1,  ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1,
    ['\v'] = 1, [0xC2] = 1, [0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
};

/* See article.h: collapses each run of white space in the n bytes at s (stopping early at a
 * NUL) into one space and trims both ends. Returns a new string owned by the caller. */
char *text_squash(const char *s, size_t n)
{
    struct buf b = BUF_INIT;
    int pending = 0;
    size_t i = 0;
    while (i < n && s[i]) {
        size_t k;
        if (is_space_at(s + i, n - i, &k)) {
            pending = 1;
            i += k;
            continue;
        }
        /* a run of bytes up to the next possible space (its first byte may be C2, E2, ... that
         * did not start a space) */
        size_t j = i + 1;
        while (j < n && !squash_stop[(unsigned char)s[j]])
            j++;
        if (pending && b.len)
            buf_putc(&b, ' ');
        pending = 0;
        buf_append(&b, s + i, j - i);
        i = j;
    }
    return buf_steal(&b);
}

void article_add_para(struct article *a, const char *p, size_t n)
{
    char *s = text_squash(p, n);
    if (!*s) {
        free(s);
        return;
    }
    if (a->npara == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->paras = xrealloc(a->paras, a->cap * sizeof(*a->paras));
    }
    a->paras[a->npara++] = s;
}

void article_set(char **field, const char *s)
{
    free(*field);
    *field = NULL;
    if (!s)
        return;
    char *v = text_squash(s, strlen(s));
    if (*v)
        *field = v;
    else
        free(v);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

struct article *article_dup(const struct article *a)
{
    struct article *d = article_new();
    d->title = dup_or_null(a->title);
    d->byline = dup_or_null(a->byline);
    d->published = dup_or_null(a->published);
    d->site = dup_or_null(a->site);
    d->url = dup_or_null(a->url);
    d->cap = a->npara ? a->npara : 1;
    d->paras = xcalloc(d->cap, sizeof(*d->paras));
    for (size_t i = 0; i < a->npara; i++)
        d->paras[d->npara++] = xstrdup(a->paras[i]);
    return d;
}

/* Length of a dash (-, U+2013, U+2014) at s, or 0. */
static size_t dash_at(const char *s)
{
    if (*s == '-')
        return 1;
    if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94))
        return 3;
    return 0;
}

/* Nonzero when the n bytes at s end in a domain suffix such as ".vn" (case-insensitive). */
static int has_domain_suffix(const char *s, size_t n)
{
    static const char *const tlds[] = {".vn", ".net", ".com", ".org"};
    for (size_t i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++) {
        size_t k = strlen(tlds[i]);
        if (n > k && strncasecmp(s + n - k, tlds[i], k) == 0)
            return 1;
    }
    return 0;
}

/* Nonzero when the n bytes at s look like an agency credit word: capitals (Vietnamese ones
 * included), digits, '.' and '&' ("TTO", "NLĐO", "VOV.VN", "GD&TĐ"), or a site name such as
 * "VTV.vn" or "Chinhphu.vn". */
static int is_credit_word(const char *s, size_t n)
{
    if (n == 0 || n > 24)
        return 0;
    int upper = 1, letters = 0, plain = 1;
    for (size_t i = 0; i < n;) {
        int cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU)
            letters++;
        else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '.')
            upper &= cp < 'a' || cp > 'z';
        else if (cp == '&')
            plain = 0;
        else
            return 0;
        plain &= cp < 0x80 && cp != '&';
        i += k;
    }
    if (upper && letters >= 2 && letters <= 10)
        return 1;
    return plain && has_domain_suffix(s, n);
}

size_t text_credit_len(const char *s)
{
    size_t end = 0;
    int bare = 0; /* a credit word in brackets: "(TNO) Khoảng…" needs no dash */
    if (s[0] == '(') {
        const char *close = memchr(s, ')', strnlen(s, 42));
        if (!close || memchr(s + 1, '(', (size_t)(close - s - 1)))
            return 0;
        int letter = 0; /* "(1) - " is a list, not a credit */
        for (const char *q = s + 1; q < close; q++)
            letter |= (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q & 0x80);
        if (!letter)
            return 0;
        end = (size_t)(close - s) + 1;
        bare = is_credit_word(s + 1, (size_t)(close - s) - 1);
    } else {
        while (s[end] && s[end] != ' ')
            end++;
        if (s[end] != ' ' || !is_credit_word(s, end))
            return 0; /* "COVID-19 - ..." is not a credit */
    }
    size_t i = end;
    while (s[i] == ' ')
        i++;
    size_t d = dash_at(s + i);
    if (!d) {
        int cp = 0;
        utf8_decode(s + i, strnlen(s + i, 4), &cp);
        return bare && utf8proc_category(cp) == UTF8PROC_CATEGORY_LU ? i : 0;
    }
    i += d;
    while (s[i] == ' ')
        i++;
    return i;
}

size_t text_strip_credits(char *s)
{
    size_t r = 0, w = 0; /* read and write positions: w <= r, the text only shrinks */
    while (s[r]) {
        size_t lead = r;
        while (s[lead] == ' ' || s[lead] == '\t')
            lead++;
        char *nl = strchr(s + lead, '\n');
        size_t end = nl ? (size_t)(nl - s) : lead + strlen(s + lead);
        char keep = s[end];
        s[end] = '\0'; /* text_credit_len reads one line only */
        size_t k = text_credit_len(s + lead);
        s[end] = keep;
        size_t from = k && lead + k < end ? lead + k : r, len = end - from + (keep != '\0');
        memmove(s + w, s + from, len);
        w += len;
        r = end + (keep != '\0');
    }
    s[w] = '\0';
    return w;
}
