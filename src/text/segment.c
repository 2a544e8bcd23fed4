/*
 * segment.c — Vietnamese sentence splitting.
 *
 * One pass over the bytes, no regular expressions and no allocation besides the output
 * sentences. Any bytes are safe (invalid UTF-8 is judged as U+FFFD) and nothing past n is read.
 *
 * A sentence may end at a cluster of terminators (. ? ! … and runs such as ?!, ... or !!!)
 * with any closing quotes and brackets glued to it (…đến!”), when the cluster is followed by
 * white space and the next token looks like the start of a sentence: anything but a lower case
 * letter or punctuation (an upper case letter such as Đ or Ư, a digit, an opening quote,
 * bracket or dash, or a name like iPad that keeps its lower case first letter there; it does
 * not count as upper case below). On top of that:
 *  - an ellipsis (… or two or more dots) ends a sentence only before an upper case letter;
 *  - a closing quote followed by a dash does not: the dash brings the speaker (“…” – ông A nói);
 *  - a single dot does not end a sentence after a title or place abbreviation (TP., TS.,
 *    PGS.TS., GS.TSKH., Q., …: tables prefix_abbrevs and title_abbrevs; a dotted chain that
 *    starts with a title is a title) unless what follows cannot be the name or number
 *    it is waiting for (an opening bracket or quote: …ngụ P. (CAO) Khoảng…), nor after a list
 *    number opening the sentence (1., II., a.); "v.v." and the like (table final_abbrevs) end
 *    one only before an upper case letter;
 *  - initials (V., M.U.) are part of a name after exactly one capitalized word (Lê V. Tâm,
 *    Ông Sergei V. Mikhailov: forms of address do not count) unless, again, what follows
 *    cannot continue the name (a bracket, a quote, or a form of address that is never a given
 *    name: Bà Jillian C. Bà mẹ…); they close a full name after two or more (Nguyễn Văn A. Sau
 *    đó, only before an upper case letter), and stand alone after none (độ C., của M.U.)
 *    except when one letter is followed by a foreign surname, a capitalised word of ASCII
 *    letters that cannot be a Vietnamese syllable (trọng tài F. Brych, tiền đạo C. Ronaldo,
 *    Ông A. Smith; but độ C. Gió…); a letter with a tone mark is a one-letter word, not an
 *    initial (Nam Á. Họ…, Như Ý.);
 *  - dots with no white space after them never split: numbers (1.250), URLs, e-mail
 *    addresses, domains (vnexpress.net), BS.CK2;
 *  - a blank line always ends a sentence; a single line break ends one too, except when the
 *    line does not end with a terminator, closing bracket, colon or semicolon and the next
 *    line starts with a lower case letter that is neither a name like iPad nor a list marker
 *    such as a) or đ) (a hard-wrapped line).
 * A sentence longer than SEGMENT_MAX_CHARS code points is cut at a comma or a space (segment.h)
 * so eSpeak never gets an unbounded run of text; segment_split_written() leaves it whole (the
 * sentences as written, for `docbao text --sentences`).
 * White space is the set text_squash() collapses; sentences come out squashed and trimmed.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "docbao/article.h"
#include "docbao/segment.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

/* Abbreviations written before a name, a place or a number: a dot after them never ends a
 * sentence (table prefix_abbrevs and the titles below). Matched case-sensitively against the
 * last dotted part of the word (PGS.TS → TS). */
static const char *const prefix_abbrevs[] = {
    "TP", "Tp",  "tp", "TX", "Tx", "TT", "Tt", "NXB", "CN", "Th", "Tr", "tr", "St",
    "No", "Vol", "P",  "Q",  "H",  "X",  "p",  "q",   "h",  "x",  "f",  "ng",
};

/* Titles and degrees, also prefix abbreviations. A dotted chain that starts with one and ends
 * in capitals is a title as a whole (GS.TSKH., BS.CKII. before the name): titles are stacked,
 * while a chain that starts with a place abbreviation names the place (TP.HCM.). */
static const char *const title_abbrevs[] = {
    "TS",   "Ts", "ThS", "Ths",  "PGS", "Pgs", "GS",  "Gs",   "BS",   "Bs",
    "BSCK", "CK", "KS",  "Ks",   "LS",  "Ls",  "NS",  "NSND", "NSƯT", "Mr",
    "Mrs",  "Ms", "Dr",  "Prof", "Gen", "Sen", "Rep", "Gov",
};

/* Abbreviations that may close a sentence: a dot after them ends it only before an upper case
 * letter (…ngành, v.v. Sau đó). Matched case-sensitively against the whole word. */
static const char *const final_abbrevs[] = {
    "v.v", "v.v.", "vv", "etc", "v.v..",
};

/* Forms of address written with a capital at the start of a sentence: not part of a name
 * when counting the capitalized words before an initial (Ông Lê V. Tâm). Those that are never
 * a given name also cannot continue a name after a middle initial, so they start a new
 * sentence there (Bà Jillian C. Bà mẹ cô…); Anh and Em can be given names (Lê V. Anh). */
static const struct honorific {
    const char *word;
    int given_name; /* also used as a given name */
} honorifics[] = {
    {"Ông", 0}, {"Bà", 0}, {"Anh", 1},  {"Chị", 0},  {"Cô", 0}, {"Chú", 0}, {"Bác", 0},
    {"Em", 1},  {"Cụ", 0}, {"Ngài", 0}, {"Thầy", 0}, {"Mr", 0}, {"Mrs", 0}, {"Ms", 0},
};

/* Whether the len bytes at w are a form of address; with strict, one that is never a name. */
static int is_honorific(const char *w, size_t len, int strict)
{
    for (size_t t = 0; t < sizeof(honorifics) / sizeof(*honorifics); t++) {
        const struct honorific *h = &honorifics[t];
        if (strlen(h->word) == len && memcmp(h->word, w, len) == 0)
            return !strict || !h->given_name;
    }
    return 0;
}

/* Context of one segment_split() call. */
struct seg {
    const char *s;
    size_t n;
    size_t start; /* first byte of the sentence being built */
    struct strv *out;
    int cap; /* cut sentences longer than SEGMENT_MAX_CHARS (segment_split) */
};

/* Bytes the main loop has to look at: line breaks, ASCII terminators and the first bytes of
 * U+2026 (and other U+20xx punctuation, checked by term_at). */
static const unsigned char interesting[256] = {
    ['\n'] = 1, ['\r'] = 1, ['.'] = 1, ['?'] = 1, ['!'] = 1, [0xE2] = 1,
};

/* Length of the white-space character at s (the set text_squash collapses), or 0. */
static size_t space_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if (c < 0xC2)
        return 0;
    unsigned char d = n >= 2 ? (unsigned char)s[1] : 0;
    unsigned char e = n >= 3 ? (unsigned char)s[2] : 0;
    if (c == 0xC2 && d == 0xA0)
        return 2; /* NBSP */
    if (c == 0xE2 && d == 0x80 && ((e >= 0x80 && e <= 0x8B) || e == 0xAF))
        return 3; /* U+2000..U+200B, U+202F */
    if (c == 0xEF && d == 0xBB && e == 0xBF)
        return 3; /* U+FEFF */
    if (c == 0xE3 && d == 0x80 && e == 0x80)
        return 3; /* U+3000 */
    return 0;
}

/* Length of the white-space character that ends just before s[i] (not before s[lo]), or 0. */
static size_t space_before(const char *s, size_t lo, size_t i)
{
    if (i <= lo)
        return 0;
    for (size_t k = 1; k <= 3 && k <= i - lo; k++) {
        if (space_at(s + i - k, k) == k)
            return k;
    }
    return 0;
}

/* Terminators: '.', '?', '!', U+2026 '…'. Returns the length (0: none) and sets *kind to the
 * character ('.', '?', '!' or 'e' for the ellipsis). */
static size_t term_at(const char *s, size_t n, int *kind)
{
    unsigned char c = (unsigned char)s[0];
    if (c == '.' || c == '?' || c == '!') {
        *kind = c;
        return 1;
    }
    if (c == 0xE2 && n >= 3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xA6) {
        *kind = 'e';
        return 3;
    }
    return 0;
}

/* Closing quotes and brackets that stay with the sentence before them. */
static size_t closer_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}')
        return 1;
    if (c == 0xC2 && n >= 2 && (unsigned char)s[1] == 0xBB)
        return 2; /* » */
    if (c == 0xE2 && n >= 3 && (unsigned char)s[1] == 0x80) {
        unsigned char e = (unsigned char)s[2];
        if (e == 0x99 || e == 0x9D || e == 0xBA)
            return 3; /* ’ ” › */
    }
    return 0;
}

/* Dashes and bullets that may begin a sentence (a dialogue turn, a list item). */
static size_t dash_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == '-' || c == '*')
        return 1;
    if (c == 0xE2 && n >= 3 && (unsigned char)s[1] == 0x80) {
        unsigned char e = (unsigned char)s[2];
        if (e == 0x93 || e == 0x94 || e == 0xA2)
            return 3; /* – — • */
    }
    return 0;
}

/* Opening quotes, brackets and dashes that may begin a sentence. */
static size_t opener_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == '"' || c == '\'' || c == '(' || c == '[' || c == '{')
        return 1;
    if (c == 0xC2 && n >= 2 && (unsigned char)s[1] == 0xAB)
        return 2; /* « */
    if (c == 0xE2 && n >= 3 && (unsigned char)s[1] == 0x80) {
        unsigned char e = (unsigned char)s[2];
        if (e == 0x98 || e == 0x9C || e == 0x9E || e == 0xB9)
            return 3; /* ‘ “ „ ‹ */
    }
    return dash_at(s, n);
}

/* 1 for an upper or title case letter, -1 for a lower case letter, 0 for anything else. */
static int letter_case(int cp)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z')
            return 1;
        if (cp >= 'a' && cp <= 'z')
            return -1;
        return 0;
    }
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
        return 1;
    if (cat == UTF8PROC_CATEGORY_LL)
        return -1;
    return 0;
}

static int is_letter(int cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int is_digit(int cp)
{
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

/* Decodes the code point that ends just before s[i], not reaching before s[lo]. Returns its
 * length (0 when i <= lo); a malformed sequence counts as one byte of U+FFFD. */
static size_t prev_cp(const char *s, size_t lo, size_t i, int *cp)
{
    if (i <= lo)
        return 0;
    size_t k = 1;
    while (k < 4 && k < i - lo && ((unsigned char)s[i - k] & 0xC0) == 0x80)
        k++;
    if (utf8_decode(s + i - k, k, cp) == k)
        return k;
    *cp = 0xFFFD;
    return 1;
}

/* Whether the word at s[j], which starts with a lower case letter, has an upper case letter
 * further on (iPad, iPhone, eBay): such names keep their lower case first letter at the start
 * of a sentence too. */
static int camel_case(const char *s, size_t n, size_t j)
{
    for (int count = 0; j < n && count < 16; count++) {
        int cp;
        j += utf8_decode(s + j, n - j, &cp);
        int lc = letter_case(cp);
        if (lc > 0)
            return 1;
        if (lc == 0)
            return 0;
    }
    return 0;
}

/* Whether the token at s[j] looks like the start of a sentence. Sets *upper when its first
 * letter (after any opening quotes, brackets and dashes) is upper case. */
static int next_starts(const char *s, size_t n, size_t j, int *upper)
{
    int opened = 0;
    *upper = 0;
    for (int guard = 0; j < n && guard < 8; guard++) {
        size_t k = opener_at(s + j, n - j);
        if (!k && (k = closer_at(s + j, n - j)) != 0 && !strchr(")]}", s[j]) &&
            (j + k >= n || space_at(s + j + k, n - j - k)))
            k = 0; /* a quote glued to the next word opens it: ”Đây là… */
        if (!k)
            break;
        opened = 1;
        j += k;
        while (j < n && (k = space_at(s + j, n - j)) != 0 && s[j] != '\n')
            j += k;
    }
    if (j >= n)
        return opened;
    int cp, kind;
    utf8_decode(s + j, n - j, &cp);
    int lc = letter_case(cp);
    if (lc > 0) {
        *upper = 1;
        return 1;
    }
    if (lc < 0)
        return opened || camel_case(s, n, j);
    if (is_digit(cp))
        return 1;
    if (term_at(s + j, n - j, &kind) || closer_at(s + j, n - j) || cp == ',' || cp == ';' ||
        cp == ':')
        return opened;
    return 1; /* letters without case, symbols: let them start a sentence */
}

static int in_table(const char *const *tab, size_t ntab, const char *w, size_t len)
{
    for (size_t t = 0; t < ntab; t++) {
        if (strlen(tab[t]) == len && memcmp(tab[t], w, len) == 0)
            return 1;
    }
    return 0;
}

/* Whether the n bytes at w are a list marker: 1-3 digits, a Roman number, or one letter. */
static int is_list_marker(const char *w, size_t len)
{
    size_t k;
    int cp;
    for (k = 0; k < len && w[k] >= '0' && w[k] <= '9'; k++)
        ;
    if (k == len && len <= 3)
        return 1;
    for (k = 0; k < len && w[k] && strchr("IVXLC", w[k]); k++)
        ;
    if (k == len && len <= 5)
        return 1;
    return utf8_decode(w, len, &cp) == len && is_letter(cp);
}

/* Whether cp carries one of the five Vietnamese tone marks (Ý, Ở, Á): such a letter is a
 * one-letter syllable, a word, not an initial. Â, Ă, Ê, Ô, Ơ, Ư, Đ are letters of the alphabet
 * and may be initials. */
static int has_tone_mark(int cp)
{
    if (cp < 0xC0)
        return 0;
    utf8proc_int32_t d[8];
    int last = 0;
    utf8proc_ssize_t m = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, &last);
    for (utf8proc_ssize_t t = 1; t < m && t < 8; t++) {
        if (d[t] == 0x300 || d[t] == 0x301 || d[t] == 0x303 || d[t] == 0x309 || d[t] == 0x323)
            return 1;
    }
    return 0;
}

/* Whether the n bytes at w are one upper case letter without a tone mark, or several joined by
 * dots (V, M.U, Đ). */
static int is_initials(const char *w, size_t len)
{
    size_t i = 0;
    for (;;) {
        int cp;
        size_t k = utf8_decode(w + i, len - i, &cp);
        if (letter_case(cp) <= 0 || has_tone_mark(cp))
            return 0;
        i += k;
        if (i == len)
            return 1;
        if (w[i] != '.' || i + 1 == len)
            return 0;
        i++;
    }
}

/* Whether the len bytes at w hold a lower case letter: a title chain ends with another title
 * in capitals (GS.TSKH, BS.CK2), not with a name glued to it (TS.Hùng). */
static int has_lower(const char *w, size_t len)
{
    for (size_t i = 0; i < len;) {
        int cp;
        i += utf8_decode(w + i, len - i, &cp);
        if (letter_case(cp) < 0)
            return 1;
    }
    return 0;
}

/* Counts, up to 2, the capitalized words (letters only) right before s[p] in the sentence. */
static int capitalized_before(const struct seg *g, size_t p)
{
    const char *s = g->s;
    int count = 0;
    while (count < 2) {
        size_t k;
        while ((k = space_before(s, g->start, p)) != 0)
            p -= k;
        if (p <= g->start)
            break;
        size_t q = p;
        int cp = 0, all_letters = 1;
        while (q > g->start && !space_before(s, g->start, q)) {
            q -= prev_cp(s, g->start, q, &cp);
            if (!is_letter(cp))
                all_letters = 0;
        }
        if (!all_letters || letter_case(cp) <= 0 || is_honorific(s + q, p - q, 0))
            break;
        count++;
        p = q;
    }
    return count;
}

/* Whether the n bytes at w, a word of ASCII letters, cannot be one Vietnamese syllable: it holds
 * f, j, w or z, two vowel groups (Ronaldo, Kane), an onset cluster Vietnamese has not (Brych,
 * Smith) or a final it has not (Mikhailov). A looser test than the normalizer's, enough to tell
 * a foreign surname from the word that starts a sentence (Báo, Còn, Gió, Khoảng…); a word with
 * a Vietnamese letter (Đến, Điều) is Vietnamese. */
static int foreign_word(const char *w, size_t n)
{
    static const char *const onsets[] = {"", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k",
                                         "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph", "q",
                                         "r", "s", "t", "th", "tr", "v", "x"};
    static const char *const finals[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
    char low[32];
    if (n < 2 || n >= sizeof(low))
        return 0;
    size_t groups = 0, on = 0, last = 0; /* on: onset length; last: start of the final */
    for (size_t i = 0; i < n; i++) {
        char c = (char)(w[i] | 0x20);
        if (w[i] & 0x80 || c < 'a' || c > 'z')
            return 0;
        low[i] = c;
        if (strchr("fjwz", c))
            return 1;
        int v = strchr("aeiouy", c) != NULL;
        if (v && (i == 0 || !strchr("aeiouy", low[i - 1]))) {
            if (++groups == 1)
                on = i;
        }
        if (v)
            last = i + 1;
    }
    if (groups != 1)
        return 1;
    int ok_on = 0, ok_fin = 0;
    for (size_t t = 0; t < sizeof(onsets) / sizeof(*onsets); t++)
        ok_on |= strlen(onsets[t]) == on && memcmp(onsets[t], low, on) == 0;
    for (size_t t = 0; t < sizeof(finals) / sizeof(*finals); t++)
        ok_fin |= strlen(finals[t]) == n - last && memcmp(finals[t], low + last, n - last) == 0;
    return !ok_on || !ok_fin;
}

/* Whether the word at s[j] is a capitalised foreign name (Brych, Ronaldo, Smith): after a
 * lone initial it continues the name (trọng tài F. Brych, ông A. Smith). */
static int foreign_name_at(const char *s, size_t n, size_t j)
{
    size_t q = j;
    while (q < n && q - j < 32 && (s[q] | 0x20) >= 'a' && (s[q] | 0x20) <= 'z')
        q++;
    if (q == j || !(s[j] >= 'A' && s[j] <= 'Z'))
        return 0;
    if (q < n && !space_at(s + q, n - q) && !strchr(",;:.!?)'\"", s[q]))
        return 0; /* not a whole word of ASCII letters */
    return foreign_word(s + j, q - j);
}

/* Whether the token at s[j] cannot be the name or number an abbreviation or a middle initial
 * is waiting for: it opens with a bracket or quote, or it is a form of address that is never a
 * name (Ông, Bà, …). A dash may join titles (PGS. - TS. Lê Văn A), so it does not count. */
static int breaks_name(const struct seg *g, size_t j)
{
    const char *s = g->s;
    size_t n = g->n, q = j;
    if (opener_at(s + j, n - j) && !dash_at(s + j, n - j))
        return 1;
    while (q < n) {
        int cp;
        size_t k = utf8_decode(s + q, n - q, &cp);
        if (!is_letter(cp))
            break;
        q += k;
    }
    return q > j && is_honorific(s + j, q - j, 1);
}

/* Whether the single dot at s[i] (followed by white space and a sentence start at s[j]) ends
 * the sentence, judging by the word before it and, after an abbreviation or initial that
 * expects a name, by whether s[j] can be that name. upper: the next letter is upper case. */
static int dot_ends(const struct seg *g, size_t i, size_t j, int upper)
{
    const char *s = g->s;
    size_t ws = i;
    while (ws > g->start && !space_before(s, g->start, ws))
        ws--;
    size_t wb = ws;
    int opened = 0;
    for (size_t k; wb < i && (k = opener_at(s + wb, i - wb)) != 0; wb += k)
        opened = 1;
    const char *w = s + wb;
    size_t len = i - wb;
    if (len == 0)
        return 1;
    if (ws == g->start && !opened && is_list_marker(w, len))
        return 0;
    if (in_table(final_abbrevs, sizeof(final_abbrevs) / sizeof(*final_abbrevs), w, len))
        return upper;
    const char *seg = w + len, *first = memchr(w, '.', len);
    while (seg > w && seg[-1] != '.')
        seg--;
    size_t slen = (size_t)(w + len - seg);
    if (in_table(prefix_abbrevs, sizeof(prefix_abbrevs) / sizeof(*prefix_abbrevs), seg, slen) ||
        in_table(title_abbrevs, sizeof(title_abbrevs) / sizeof(*title_abbrevs), seg, slen) ||
        (first &&
         in_table(title_abbrevs, sizeof(title_abbrevs) / sizeof(*title_abbrevs), w,
                  (size_t)(first - w)) &&
         !has_lower(seg, slen)))
        return breaks_name(g, j); /* TP. Hồ Chí Minh, but …ngụ P. (CAO) Khoảng 20 giờ */
    if (is_initials(w, len)) {
        /* part of a name (Lê V. Tâm) unless it closes a full name (Nguyễn Văn A. Sau đó),
         * stands alone (độ C., của M.U.) or what follows cannot be a name (Jillian C. Bà…) */
        if (opened)
            return 0;
        int caps = capitalized_before(g, ws);
        if (caps == 1)
            return breaks_name(g, j);
        if (caps == 0 && upper && !memchr(w, '.', len) && foreign_name_at(s, g->n, j))
            return 0; /* trọng tài F. Brych, tiền đạo C. Ronaldo, Ông A. Smith */
        return caps == 0 || upper;
    }
    return 1;
}

/* Appends the squashed sentence t (taking it) to out, with cap cut into pieces of at most
 * SEGMENT_MAX_CHARS code points when it is longer (see segment.h). Linear in its length. */
static void push_sentence(struct strv *out, char *t, int cap)
{
    if (!cap) {
        strv_push(out, t);
        return;
    }
    const char *p = t;
    size_t rest = strlen(t);
    for (;;) {
        /* w: the bytes of the first SEGMENT_MAX_CHARS code points of p */
        size_t w = 0;
        for (size_t cps = 0; w < rest && cps < SEGMENT_MAX_CHARS; cps++) {
            w++;
            while (w < rest && ((unsigned char)p[w] & 0xC0) == 0x80)
                w++;
        }
        if (w == rest)
            break;
        size_t cut = 0, space = 0;
        for (size_t k = w; k > 0 && !cut; k--) {
            if (p[k] != ' ')
                continue;
            if (!space)
                space = k;
            if (k >= w / 2 && strchr(",;:", p[k - 1]))
                cut = k;
            else if (k < w / 2)
                break;
        }
        if (!cut)
            cut = space;
        size_t next = cut ? cut + 1 : w; /* no space at all: between two code points */
        strv_push(out, xstrndup(p, cut ? cut : w));
        p += next;
        rest -= next;
    }
    if (p == t) {
        strv_push(out, t);
    } else {
        strv_push(out, xstrdup(p));
        free(t);
    }
}

/* Appends the squashed bytes [a, b) as a sentence unless they are blank. */
static void emit(struct seg *g, size_t a, size_t b)
{
    if (b <= a)
        return;
    char *t = text_squash(g->s + a, b - a);
    if (*t)
        push_sentence(g->out, t, g->cap);
    else
        free(t);
}

/* Skips the white space from s[j], counting line breaks into *nl. Returns the end. */
static size_t skip_space(const struct seg *g, size_t j, int *nl)
{
    size_t k;
    *nl = 0;
    while (j < g->n && (k = space_at(g->s + j, g->n - j)) != 0) {
        if (g->s[j] == '\n' || (g->s[j] == '\r' && (j + 1 >= g->n || g->s[j + 1] != '\n')))
            (*nl)++;
        j += k;
    }
    return j;
}

/* Whether the line starting at s[j] may continue the line before it (a hard wrap): it starts
 * with a lower case letter, but not with a name such as iPad (see next_starts) nor with a list
 * marker, a letter without a tone mark followed by ')' or '.' and a space (a) …, đ) …, b. …). */
static int runs_on(const char *s, size_t n, size_t j)
{
    int cp;
    size_t k = utf8_decode(s + j, n - j, &cp);
    if (letter_case(cp) >= 0 || camel_case(s, n, j))
        return 0;
    if (!has_tone_mark(cp) && j + k < n && (s[j + k] == ')' || s[j + k] == '.') &&
        (j + k + 1 >= n || space_at(s + j + k + 1, n - j - k - 1)))
        return 0;
    return 1;
}

/* Handles the white space around the line break at s[i]; returns where to go on. */
static size_t on_newline(struct seg *g, size_t i)
{
    const char *s = g->s;
    size_t p = i, k;
    int nl, kind, cp;
    while ((k = space_before(s, g->start, p)) != 0)
        p -= k;
    size_t j = skip_space(g, i, &nl);
    if (p <= g->start) {
        g->start = j;
        return j;
    }
    if (nl < 2 && j < g->n) {
        /* a single line break: a hard wrap when the line stops mid-phrase and the next one
         * runs on in lower case. A colon or semicolon at the end introduces or closes a list
         * item, which a page puts on a line of its own (Gồm:\nđẩy mạnh…;\nnâng cao…). */
        size_t pl = prev_cp(s, g->start, p, &cp);
        int closed =
            term_at(s + p - pl, pl, &kind) || closer_at(s + p - pl, pl) || cp == ':' || cp == ';';
        if (!closed && runs_on(s, g->n, j))
            return j;
    }
    emit(g, g->start, p);
    g->start = j;
    return j;
}

/* Handles the terminator cluster starting at s[i]; returns where to go on. */
static size_t on_terminator(struct seg *g, size_t i)
{
    const char *s = g->s;
    size_t n = g->n, k = i, len;
    int kind, question = 0, dots = 0, ellipsis = 0, closed = 0, quoted = 0;
    for (;;) {
        if (k < n && (len = term_at(s + k, n - k, &kind)) != 0) {
            if (kind == '.')
                dots++;
            else if (kind == 'e')
                ellipsis = 1;
            else
                question = 1;
        } else if (k < n && (len = closer_at(s + k, n - k)) != 0) {
            closed = 1;
            quoted = !strchr(")]}", s[k]);
        } else {
            break;
        }
        k += len;
    }
    if (k >= n || !space_at(s + k, n - k))
        return k;
    int nl, upper;
    size_t j = skip_space(g, k, &nl);
    if (nl || j >= n)
        return k; /* on_newline() or the end decides */
    if (!next_starts(s, n, j, &upper))
        return j;
    if (quoted && dash_at(s + j, n - j))
        return j; /* “…nữa.” – ông A nói: the dash brings the speaker */
    int end;
    if (question)
        end = 1;
    else if (ellipsis || dots >= 2)
        end = upper;
    else if (closed)
        end = 1;
    else
        end = dot_ends(g, i, j, upper);
    if (end) {
        emit(g, g->start, k);
        g->start = j;
    }
    return j;
}

/* Appends the sentences of the n bytes at text to out (new strings, owned by out), with cap
 * none longer than SEGMENT_MAX_CHARS. text may be NULL when n is 0. */
static void split(const char *text, size_t n, int cap, struct strv *out)
{
    struct seg g = {text, text ? n : 0, 0, out, cap};
    size_t i = 0;
    while (i < g.n) {
        unsigned char c = (unsigned char)text[i];
        if (!interesting[c]) {
            i++;
            continue;
        }
        int kind;
        if (c == '\n' || c == '\r')
            i = on_newline(&g, i);
        else if (term_at(text + i, g.n - i, &kind))
            i = on_terminator(&g, i);
        else
            i++;
    }
    emit(&g, g.start, g.n);
}

/* See segment.h. Always returns 0. */
int segment_split(const char *text, size_t n, struct strv *out)
{
    split(text, n, 1, out);
    return 0;
}

/* See segment.h. Always returns 0. */
int segment_split_written(const char *text, size_t n, struct strv *out)
{
    split(text, n, 0, out);
    return 0;
}
