/*
 * test_utf8.c — utf8_clean() and utf8_lower() normalize only the spans of a text that NFC may
 * change; here their output is checked byte for byte against the whole text repaired and put
 * through utf8proc_NFC at once (what they did before): on decomposed Vietnamese, combining
 * marks at the edges of spans and at the very start, invalid UTF-8 and controls, every code
 * point alone and decomposed, random mixtures, the development corpus with "™", "Ọ" and a
 * decomposed "ộ" every 10 KB, and the real pages and their extracted text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "docbao/article.h"
#include "docbao/extract.h"
#include "docbao/utf8.h"
#include "docbao/util.h"
#include "t.h"

#define SHARED "../shared/"

/* The text in b through utf8proc_NFC whole (b is emptied). */
static char *nfc_of(struct buf *b)
{
    char *r = buf_steal(b);
    char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)r);
    if (!nfc)
        return r;
    free(r);
    return nfc;
}

/* The reference: the contract of utf8_clean done the plain way — every code point decoded
 * (invalid sequences U+FFFD), controls but tab and newline to spaces, CR LF and CR to LF —
 * then the whole text through utf8proc_NFC. */
static char *ref_clean(const char *s, size_t n)
{
    struct buf b = BUF_INIT;
    size_t i = 0;
    buf_reserve(&b, n);
    while (i < n) {
        int cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (cp == '\r') {
            buf_putc(&b, '\n');
            if (i + 1 < n && s[i + 1] == '\n')
                k = 2;
        } else if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp <= 0x9f)) {
            buf_putc(&b, ' ');
        } else {
            char enc[4];
            buf_append(&b, enc, utf8_encode(cp, enc));
        }
        i += k;
    }
    return nfc_of(&b);
}

/* utf8_lower the plain way: each code point lowercased, then the whole through NFC. */
static char *ref_lower(const char *s, size_t n)
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
    return nfc_of(&b);
}

/* Whether utf8_clean and utf8_lower agree with the references on the n bytes at s; prints
 * the first difference as a comment line. */
static int same(const char *s, size_t n)
{
    char *got = utf8_clean(s, n), *want = ref_clean(s, n);
    int ok = strcmp(got, want) == 0;
    if (!ok) {
        size_t d = 0;
        while (got[d] && got[d] == want[d])
            d++;
        printf("# utf8_clean differs at byte %zu of %zu\n", d, strlen(want));
    }
    free(got);
    free(want);
    got = utf8_lower(s, n);
    want = ref_lower(s, n);
    if (strcmp(got, want) != 0) {
        printf("# utf8_lower differs\n");
        ok = 0;
    }
    free(got);
    free(want);
    return ok;
}

static void test_cases(void)
{
    static const char *const cases[] = {
        "Hà Nội",
        "mo\u0323\u0302t",            /* "một", ộ as o + dot below + circumflex */
        "mo\u0302\u0323t",            /* the marks the other way round: reordered */
        "o\u0323\u0302",              /* a span that is the whole text */
        "\u0301abc",                  /* a mark at the very start */
        "\u0323\u0302 o",             /* two marks at the start */
        "\u00f4\u0323",               /* ô + dot below: a composed letter opens the span */
        "\u1ecc\u0302",               /* Ọ + circumflex → Ộ */
        "\u1ed8\u0301",               /* Ộ + acute: nothing composes, stays */
        "a\u0301\u0301b",             /* one acute composes, the second stays */
        "Apple\u2122 x",              /* ™: NFC leaves it, but it is outside the fast set */
        "\u2122\u0301",               /* ™ + acute */
        "x\n\u0301",                  /* a mark after a newline */
        "x\r\u0301",                  /* after a CR that becomes a newline */
        "x\x01\u0301",                /* after a control that becomes a space */
        "\xff\u0301",                 /* after an invalid byte (U+FFFD) */
        "o\xcc",                      /* a truncated mark */
        "o\u0323\xff\u0302",          /* marks split by an invalid byte */
        "o\u0323\xe0\x80\x80\u0302",  /* by an overlong sequence */
        "o\u0323\xed\xa0\x80\u0302",  /* by a surrogate */
        "\u2126 \u212b",              /* Ω and Å signs: singletons */
        "\u2000|\u2001",              /* en and em quads: singletons to U+2002/3 */
        "\u0958",                     /* Devanagari qa: a composition exclusion */
        "\uf900",                     /* a CJK compatibility ideograph */
        "\u1100\u1161",               /* Hangul L + V jamo → a syllable */
        "\uac00\u11a8",               /* a Hangul LV syllable + T jamo */
        "\u0b47\u0b3e",               /* Oriya e + aa: two class-0 letters compose */
        "\u0dd9\u0dcf",               /* Sinhala: the same */
        "\u1025\u102e",               /* Myanmar u + ii */
        "\U00011099\U000110ba",       /* Kaithi: a composition beyond the BMP */
        "\u0419 \u0418\u0306",        /* Cyrillic Й, and И + breve */
        "\u0386\u0301 \u03b1\u0301",  /* Greek with a tonos too many, and alpha + acute */
        "\ufffe\U0010ffff",           /* noncharacters */
        "\U0001f600\u200d\U0001f44d", /* emoji with a ZWJ */
        "",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        T_OK(same(cases[i], strlen(cases[i])), "NFC spans: case %zu", i);
    /* NUL bytes inside (utf8_clean makes them spaces) */
    T_OK(same("o\0\u0301", 4), "NFC spans: a mark after a NUL");
    const char *up = "O\u0323\u0302 \u1ecc";
    char *low = utf8_lower(up, strlen(up));
    T_STR(low, "\u1ed9 \u1ecd", "utf8_lower: decomposed Ộ and Ọ");
    free(low);
    const char *mot = "mo\u0323\u0302t";
    char *c = utf8_clean(mot, strlen(mot));
    T_STR(c, "m\u1ed9t", "utf8_clean: decomposed \"một\" becomes one code point");
    free(c);
}

/* Every assigned code point alone, decomposed, and decomposed between letters and marks: a
 * code point taken for one that NFC never joins to what precedes it, while it does, breaks
 * one of these. */
static void test_every_code_point(void)
{
    size_t bad = 0, first_bad = 0;
    for (int cp = 0x80; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        /* unassigned ones are all alike to utf8proc: one in 64 of them is enough */
        if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CN && cp % 64)
            continue;
        char one[8];
        size_t k = utf8_encode(cp, one);
        one[k] = 0;
        char *d = (char *)utf8proc_NFD((const utf8proc_uint8_t *)one);
        char ctx[64];
        int n = snprintf(ctx, sizeof(ctx), "a%s\u0301o%s%s", d ? d : "", one, d ? d : "");
        int ok = same(one, k) && (!d || same(d, strlen(d))) && same(ctx, (size_t)n);
        free(d);
        if (!ok && bad++ == 0)
            first_bad = (size_t)cp;
    }
    T_INT(bad, 0, "NFC spans: every code point alone and decomposed (first bad U+%04zX)",
          first_bad);
}

/* Random texts from pieces where NFC has work: letters, composed and decomposed Vietnamese,
 * marks of several classes, jamo, Indic vowel signs, ™, invalid bytes and controls. */
static void test_random(void)
{
    /* ASCII and controls; ô Ọ ộ ư Đ; Vietnamese marks and marks of other classes; ™ and two
     * singletons; Hangul; Oriya; invalid and truncated bytes; an emoji, Greek, Cyrillic */
    static const char *const piece[] = {
        "a",          "o",      "e",      "A",      " ",      "\n",     "\r",     "\t",
        "\x01",       "1",      ".",      "\u00f4", "\u1ecc", "\u1ed9", "\u01b0", "\u0110",
        "\u0300",     "\u0301", "\u0302", "\u0303", "\u0309", "\u0323", "\u031b", "\u0345",
        "\u0338",     "\u05b0", "\u093c", "\u2122", "\u2126", "\u2000", "\u1100", "\u1161",
        "\u11a8",     "\uac00", "\u0b47", "\u0b3e", "\u0b56", "\xff",   "\xcc",   "\xe1\xbb",
        "\U0001f600", "\u03b1", "\u0418",
    };
    uint32_t seed = 17;
    size_t bad = 0, first_bad = 0;
    for (size_t it = 0; it < 20000; it++) {
        char s[256];
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        size_t m = (seed >> 16) % 24;
        for (size_t j = 0; j < m; j++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = piece[(seed >> 16) % (sizeof(piece) / sizeof(*piece))];
            memcpy(s + n, p, strlen(p));
            n += strlen(p);
        }
        if (!same(s, n) && bad++ == 0)
            first_bad = it;
    }
    T_INT(bad, 0, "NFC spans: 20000 random texts (first bad: number %zu)", first_bad);
}

/* text with "™", "Ọ" and a decomposed "ộ" after the first space past every 10 KB */
static void sprinkle(const char *s, size_t n, struct buf *out)
{
    static const char ins[] = " \u2122 \u1ecc o\u0323\u0302 ";
    size_t i = 0;
    while (i < n) {
        const char *sp = i + 10240 < n ? memchr(s + i + 10240, ' ', n - i - 10240) : NULL;
        if (!sp) {
            buf_append(out, s + i, n - i);
            break;
        }
        buf_append(out, s + i, (size_t)(sp - (s + i)));
        buf_append(out, ins, sizeof(ins) - 1);
        i = (size_t)(sp - s) + 1;
    }
}

static void check_text(const char *name, const char *s, size_t n)
{
    T_OK(same(s, n), "NFC spans: %s (%zu bytes)", name, n);
    struct buf b = BUF_INIT;
    sprinkle(s, n, &b);
    T_OK(same(buf_str(&b), b.len), "NFC spans: %s with ™, Ọ and a decomposed ộ every 10 KB", name);
    /* the same, every letter ộ, ệ, ớ… of it decomposed */
    char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)buf_str(&b));
    T_OK(nfd && same(nfd, strlen(nfd)), "NFC spans: %s decomposed", name);
    free(nfd);
    buf_free(&b);
}

static void test_texts(void)
{
    struct buf in = BUF_INIT;
    if (read_file(SHARED "corpora/vi-sd-dev.txt", 0, &in) == 0)
        check_text("vi-sd-dev.txt", buf_str(&in), in.len);
    else
        T_OK(0, "NFC spans: cannot read " SHARED "corpora/vi-sd-dev.txt");
    buf_free(&in);
    static const char *const pages[] = {
        "fixtures/real/cafef_article.html",      "fixtures/real/dantri_article.html",
        "fixtures/real/nld_article.html",        "fixtures/real/tuoitre_article.html",
        "fixtures/real/vietnamnet_article.html", "fixtures/vnexpress/VnExpress_2025_10_22.html",
    };
    struct buf all = BUF_INIT;
    for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
        char path[256];
        snprintf(path, sizeof(path), SHARED "%s", pages[i]);
        struct buf html = BUF_INIT;
        if (read_file(path, 0, &html) != 0) {
            T_OK(0, "NFC spans: cannot read %s", path);
            continue;
        }
        T_OK(same(buf_str(&html), html.len), "NFC spans: the page %s", pages[i]);
        struct article *a = NULL;
        if (extract_html(buf_str(&html), html.len, NULL, &a) == 0) {
            buf_puts(&all, a->title ? a->title : "");
            buf_puts(&all, "\n\n");
            for (size_t p = 0; p < a->npara; p++) {
                buf_puts(&all, a->paras[p]);
                buf_putc(&all, '\n');
            }
        }
        article_free(a);
        buf_free(&html);
    }
    T_OK(all.len > 10000, "NFC spans: the real pages' text came out (%zu bytes)", all.len);
    check_text("the real pages' text", buf_str(&all), all.len);
    buf_free(&all);
}

int main(void)
{
    test_cases();
    test_random();
    test_texts();
    test_every_code_point();
    return t_done();
}
