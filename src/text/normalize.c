/*
 * normalize.c — written Vietnamese → words the voice can say.
 *
 * This first stage reads numbers (thousands "." and decimal ",", as Vietnamese writes them),
 * percentages and the ampersand; every digit that reaches the voice is turned into words.
 * Dates, times, units and abbreviations come in the text front-end stage (see issue 3).
 *
 * Number words follow one convention: nghìn, linh, "tư" after mươi (north, the default);
 * the south dialect says ngàn, lẻ, "bốn".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/err.h"
#include "docbao/normalize.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

struct normalizer {
    enum norm_dialect dialect;
};

static const char *const digit_words[10] = {"không", "một", "hai", "ba",  "bốn",
                                            "năm",   "sáu", "bảy", "tám", "chín"};

int normalizer_new(const char *voices_dir, enum norm_dialect dialect, struct normalizer **out)
{
    (void)voices_dir;
    struct normalizer *nz = xcalloc(1, sizeof(*nz));
    nz->dialect = dialect;
    *out = nz;
    return 0;
}

void normalizer_free(struct normalizer *nz)
{
    free(nz);
}

/* Appends w, after a space unless at the start or after an opening bracket or quote. */
static void word(struct buf *b, const char *w)
{
    if (b->len) {
        char last = b->data[b->len - 1];
        int opening = last == ' ' || last == '(' || last == '[' || last == '"' || last == '\'' ||
                      (b->len >= 3 && memcmp(b->data + b->len - 3, "\xe2\x80\x9c", 3) == 0);
        if (!opening)
            buf_putc(b, ' ');
    }
    buf_puts(b, w);
}

/* Reads 0..999. full: a group after a higher one, so "không trăm" and "linh" are said. */
static void read_triple(const struct normalizer *nz, unsigned v, int full, struct buf *b)
{
    unsigned h = v / 100, t = v / 10 % 10, u = v % 10;
    if (h || full) {
        word(b, digit_words[h]);
        word(b, "trăm");
    }
    if (t == 0) {
        if (u && (h || full))
            word(b, nz->dialect == NORM_SOUTH ? "lẻ" : "linh");
        if (u || (!h && !full))
            word(b, digit_words[u]);
        return;
    }
    if (t == 1) {
        word(b, "mười");
    } else {
        word(b, digit_words[t]);
        word(b, "mươi");
    }
    if (u == 1 && t >= 2)
        word(b, "mốt");
    else if (u == 4 && t >= 2 && nz->dialect != NORM_SOUTH)
        word(b, "tư");
    else if (u == 5)
        word(b, "lăm");
    else if (u)
        word(b, digit_words[u]);
}

/* Reads an integer of any size given as decimal digits (no separators). */
static void read_digits_as_number(const struct normalizer *nz, const char *d, size_t n,
                                  struct buf *b)
{
    while (n > 1 && *d == '0') { /* leading zeros are not said in a number */
        d++;
        n--;
    }
    if (n > 15) { /* beyond nghìn tỷ: read digit by digit, as people do with long codes */
        for (size_t i = 0; i < n; i++)
            word(b, digit_words[d[i] - '0']);
        return;
    }
    static const char *const scale_north[] = {"", "nghìn", "triệu", "tỷ", "nghìn tỷ"};
    static const char *const scale_south[] = {"", "ngàn", "triệu", "tỷ", "ngàn tỷ"};
    const char *const *scale = nz->dialect == NORM_SOUTH ? scale_south : scale_north;
    size_t groups = (n + 2) / 3;
    size_t first = n - (groups - 1) * 3;
    int said = 0;
    size_t pos = 0;
    for (size_t g = 0; g < groups; g++) {
        size_t len = g == 0 ? first : 3;
        unsigned v = 0;
        for (size_t i = 0; i < len; i++)
            v = v * 10 + (unsigned)(d[pos + i] - '0');
        pos += len;
        size_t rank = groups - 1 - g;
        if (v == 0 && (said || groups > 1))
            continue;
        read_triple(nz, v, said, b);
        if (rank)
            word(b, scale[rank]);
        said = 1;
    }
    if (!said)
        word(b, digit_words[0]);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Scans a number at s: digits with "." thousands groups and an optional "," fraction.
 * Stores the integer digits (without dots) and the fraction digits; returns bytes used. */
static size_t scan_number(const char *s, size_t n, struct buf *intd, struct buf *frac)
{
    size_t i = 0;
    while (i < n && is_digit(s[i]))
        i++;
    buf_append(intd, s, i);
    size_t lead = i;
    /* thousands groups: ".ddd" repeated, only after 1-3 leading digits */
    while (lead <= 3 && i + 3 < n && s[i] == '.' && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
           is_digit(s[i + 3]) && (i + 4 >= n || !is_digit(s[i + 4]))) {
        buf_append(intd, s + i + 1, 3);
        i += 4;
    }
    if (i + 1 < n && (s[i] == ',' || s[i] == '.') && is_digit(s[i + 1])) {
        size_t j = i + 1;
        while (j < n && is_digit(s[j]))
            j++;
        buf_append(frac, s + i + 1, j - i - 1);
        i = j;
    }
    return i;
}

static void read_number(const struct normalizer *nz, const char *intd, const char *frac,
                        struct buf *b)
{
    read_digits_as_number(nz, intd, strlen(intd), b);
    if (*frac) {
        word(b, "phẩy");
        size_t fl = strlen(frac);
        if (fl <= 2 && frac[0] != '0')
            read_digits_as_number(nz, frac, fl, b);
        else
            for (size_t i = 0; i < fl; i++)
                word(b, digit_words[frac[i] - '0']);
    }
}

int normalize_sentence(struct normalizer *nz, const char *s, size_t n, struct buf *out)
{
    struct buf tmp = BUF_INIT, intd = BUF_INIT, frac = BUF_INIT;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (is_digit(c) && (i == 0 || !is_digit(s[i - 1]))) {
            buf_reset(&intd);
            buf_reset(&frac);
            size_t k = scan_number(s + i, n - i, &intd, &frac);
            read_number(nz, buf_str(&intd), buf_str(&frac), &tmp);
            i += k;
            if (i < n && s[i] == '%') {
                word(&tmp, "phần trăm");
                i++;
            }
            if (i < n && s[i] != ' ' && s[i] != ',' && s[i] != '.' && s[i] != ')' &&
                s[i] != ';' && s[i] != ':' && s[i] != '!' && s[i] != '?')
                buf_putc(&tmp, ' ');
            continue;
        }
        if (c == '&') {
            word(&tmp, "và ");
            i++;
            continue;
        }
        if (c == '%') {
            word(&tmp, "phần trăm ");
            i++;
            continue;
        }
        buf_putc(&tmp, c);
        i++;
    }
    /* collapse the spaces our insertions may have doubled */
    int rc = 0;
    int space = 0;
    for (size_t k = 0; k < tmp.len; k++) {
        if (tmp.data[k] == ' ') {
            space = 1;
            continue;
        }
        if (space && out->len && out->data[out->len - 1] != ' ')
            rc = buf_putc(out, ' ');
        space = 0;
        if (rc == 0)
            rc = buf_putc(out, tmp.data[k]);
        if (rc < 0)
            break;
    }
    buf_free(&tmp);
    buf_free(&intd);
    buf_free(&frac);
    return rc;
}
