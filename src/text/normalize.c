/*
 * normalize.c — written Vietnamese → the words the voice says (SPEC §4, issue 3).
 *
 * One left-to-right pass over the sentence; at each token the recognizers are tried in
 * vinorm's stage order, so a longer reading wins over a shorter one:
 *   kilometre markers ("Km 1717", "km 15+200" → ki lô mét …), quarters "Q3/2013" (quý) →
 *   URLs, e-mails, phone numbers → number plates (29B-066.35 → "hai chín bê, không sáu sáu,
 *   ba năm"), hotlines (1900 1566; 113 after gọi, tổng đài…) and codes (a 4+ digit run led
 *   by 0, 12+ plain digits, or after mã, tài khoản…), all digit by digit in the written
 *   groups → dates (15/9, 22/11/2024, 26-27/6, 9/2021, "tháng 5-2013", "quý 3/2013",
 *   "ngày 15-9", "sáng nay 19 - 9", "thứ Hai (13.9)"; a d/m after bằng, chiếm, vòng… or
 *   before dân số… is a fraction, "một phần ba"; a document number "15/2022/NĐ-CP",
 *   "số 12/2023" is "mười lăm năm hai nghìn…", the '/' before "QĐ-UBND" or after the year
 *   silent) →
 *   times (11:03, 7h30, 14g20, "23g đêm", "8h-17h" → … đến …) → versions ("Android 4.2.2",
 *   "công nghiệp 4.0" → bốn chấm không) → ranges and scores (2021-2025, 2-3 kg → đến; a
 *   score is said as its two numbers, "thắng 2-1" → "hai một": after a score word, in a run
 *   of scores, between team names, or small numbers in a sentence about a game, never
 *   before a quantity such as "ngày", "người", "%") → money and units (units.tsv, only
 *   after a number) → numbers (thousands "." or a space "12 345", decimal ","; from 10^10
 *   on a number of tỷ, "một nghìn hai trăm tỷ"; ordinals thứ nhất/thứ tư; Roman numerals) →
 *   foreign names, with the capitals names.tsv gives them (the longest first: "Real Madrid") →
 *   abbreviations (abbreviations.tsv, with contexts) → unknown all-caps words spelled with
 *   letter names (letters.tsv) → foreign Latin words respelled in Vietnamese syllables
 *   (foreign.tsv, else by rule) so eSpeak NG keeps its Vietnamese voice → symbols.
 * A user file $XDG_CONFIG_HOME/docbao/lexicon.tsv (else ~/.config/…) is consulted first.
 *
 * Number words follow one convention: nghìn, linh, "tư" after mươi (north, the default);
 * the south dialect says ngàn, lẻ, "bốn". Ordinal 4 and month 4 are "tư" in both.
 *
 * Safety: every read is bounded by n; any byte sequence is accepted (invalid bytes are
 * copied or dropped, U+FFFD is dropped); no ASCII digit survives in the output. The hot path
 * (ordinary Vietnamese words) copies bytes and allocates nothing per character.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "docbao/err.h"
#include "docbao/lexicon.h"
#include "docbao/normalize.h"
#include "docbao/paths.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

#define VTAB_SIZE 0x1F00 /* Vietnamese letters all lie below U+1F00 */
#define WORD_MAX 64      /* bytes of a word kept for context */
#define NAME_PARTS 8     /* the most words and hyphenated parts a name may have */

struct normalizer {
    enum norm_dialect dialect;
    struct lexicon *abbr, *units, *letters, *foreign, *user;
    /* names.tsv; name_heads: a bit per hash (head_hash) of the first part of each name of
     * several parts (parts are joined by ' ' or '-'), so that most capitalised words try one
     * name, not NAME_PARTS; name_parts: the most parts a name has (at most NAME_PARTS) */
    struct lexicon *names;
    uint64_t name_heads[256];
    size_t name_parts;
    /* Vietnamese vowels: for a lowercase code point, (base index + 1) << 3 | tone. */
    unsigned char vtab[VTAB_SIZE];
    /* the syl_* tables packed (see pack) and sorted: vn_syllable runs for most ASCII words,
     * and packing the strings on every call was nearly all of its cost */
    uint32_t onsets[32], nuclei[64], open_only[32], codas[16];
    size_t nonsets, nnuclei, nopen_only, ncodas;
};

static const char *const digit_words[10] = {"không", "một", "hai", "ba",  "bốn",
                                            "năm",   "sáu", "bảy", "tám", "chín"};

/* The 12 vowel bases and their 6 tones (ngang, huyền, sắc, hỏi, ngã, nặng). */
static const char *const vowel_rows[12] = {"aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ",
                                           "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ",
                                           "ơờớởỡợ", "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ"};
static const char vowel_base[12] = {'a', 'A', 'B', 'e', 'E', 'i', 'o', 'O', 'P', 'u', 'U', 'y'};
/* (ASCII stand-ins: A=ă B=â E=ê O=ô P=ơ U=ư) */

/* Built-in letter names, used when letters.tsv cannot be read. */
static const char *const builtin_letters[][2] = {
    {"a", "a"},      {"b", "bê"},    {"c", "xê"},    {"d", "dê"}, {"đ", "đê"}, {"e", "e"},
    {"f", "ép"},     {"g", "giê"},   {"h", "hát"},   {"i", "i"},  {"j", "di"}, {"k", "ca"},
    {"l", "e-lờ"},   {"m", "em-mờ"}, {"n", "en-nờ"}, {"o", "o"},  {"p", "pê"}, {"q", "quy"},
    {"r", "e-rờ"},   {"s", "ét-xì"}, {"t", "tê"},    {"u", "u"},  {"v", "vê"}, {"w", "vê kép"},
    {"x", "ích-xì"}, {"y", "i dài"}, {"z", "dét"}};

/* ------------------------------------------------------------------ setup */

/* Vietnamese syllable parts for vn_syllable (nucleus vowels as ASCII stand-ins). */
static const char *const syl_onsets[] = {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th",
                                         "tr",  "qu", "b",  "c",  "d",  "g",  "h",  "k",  "l",
                                         "m",   "n",  "p",  "r",  "s",  "t",  "v",  "x",  NULL};
static const char *const syl_nuclei[] = {
    "a",   "A",   "B",   "e",   "E",   "i",   "o",   "O",   "P",   "u",   "U",   "y",  "ai", "ao",
    "au",  "ay",  "Bu",  "By",  "eo",  "Eu",  "ia",  "iE",  "iu",  "oa",  "oA",  "oe", "oi", "Oi",
    "Pi",  "ua",  "uB",  "uE",  "ui",  "uO",  "uP",  "uy",  "Ua",  "Ui",  "UP",  "Uu", "yE", "iEu",
    "yEu", "oai", "oay", "oeo", "uBy", "uOi", "UPi", "UPu", "uyE", "uya", "uyu", NULL};
static const char *const syl_open_only[] = {"ai",  "ao",  "au",  "ay",  "Bu",  "By",  "eo",  "Eu",
                                            "iu",  "oi",  "Oi",  "Pi",  "ui",  "Ui",  "Uu",  "iEu",
                                            "yEu", "oai", "oay", "oeo", "uBy", "uOi", "UPi", "UPu",
                                            "uyu", "ia",  "ua",  "Ua",  "uya", NULL};
static const char *const syl_codas[] = {"c", "ch", "m", "n", "ng", "nh", "p", "t", NULL};

/* Up to 4 bytes of a short string as one number, for comparing syllable parts; PACK2 and
 * PACK3 are the same for literals. */
#define PACK2(a, b) ((uint32_t)(unsigned char)(a) | (uint32_t)(unsigned char)(b) << 8)
#define PACK3(a, b, c) (PACK2(a, b) | (uint32_t)(unsigned char)(c) << 16)

static uint32_t pack(const char *p)
{
    uint32_t v = 0;
    for (size_t i = 0; i < 4 && p[i]; i++)
        v |= (uint32_t)(unsigned char)p[i] << (8 * i);
    return v;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Packs the NULL-terminated set into out (at most cap entries), sorted for in_set; returns
 * the count. */
static size_t pack_set(const char *const *set, uint32_t *out, size_t cap)
{
    size_t k = 0;
    for (; set[k] && k < cap; k++)
        out[k] = pack(set[k]);
    qsort(out, k, sizeof(*out), cmp_u32);
    return k;
}

static void build_vtab(struct normalizer *nz)
{
    for (int b = 0; b < 12; b++) {
        const char *p = vowel_rows[b];
        size_t len = strlen(p), i = 0;
        int tone = 0;
        while (i < len) {
            int cp;
            i += utf8_decode(p + i, len - i, &cp);
            if (cp < VTAB_SIZE)
                nz->vtab[cp] = (unsigned char)(((b + 1) << 3) | tone);
            tone++;
        }
    }
}

static int load_into(struct lexicon *lx, const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/vi/%s", dir, name);
    return lexicon_load(lx, path, 0);
}

/* The bit of name_heads for the n lowercase bytes at s (FNV-1a, 14 bits). */
static uint32_t head_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return (h ^ h >> 14) & 0x3FFF;
}

/* Fills name_heads and name_parts from the names loaded. */
static void index_names(struct normalizer *nz)
{
    for (size_t i = 0; i < lexicon_size(nz->names); i++) {
        const char *k = lexicon_key(nz->names, i)->key;
        size_t parts = 1, head = strcspn(k, " -");
        for (const char *p = k; *p; p++)
            parts += *p == ' ' || *p == '-';
        if (parts > NAME_PARTS)
            continue; /* never matched: try_name looks at most NAME_PARTS parts ahead */
        if (parts > nz->name_parts)
            nz->name_parts = parts;
        if (parts > 1) {
            uint32_t b = head_hash(k, head);
            nz->name_heads[b >> 6] |= (uint64_t)1 << (b & 63);
        }
    }
}

int normalizer_new(const char *voices_dir, enum norm_dialect dialect, struct normalizer **out)
{
    struct normalizer *nz = xcalloc(1, sizeof(*nz));
    nz->dialect = dialect;
    build_vtab(nz);
    nz->nonsets = pack_set(syl_onsets, nz->onsets, sizeof(nz->onsets) / sizeof(*nz->onsets));
    nz->nnuclei = pack_set(syl_nuclei, nz->nuclei, sizeof(nz->nuclei) / sizeof(*nz->nuclei));
    nz->nopen_only =
        pack_set(syl_open_only, nz->open_only, sizeof(nz->open_only) / sizeof(*nz->open_only));
    nz->ncodas = pack_set(syl_codas, nz->codas, sizeof(nz->codas) / sizeof(*nz->codas));
    nz->abbr = lexicon_new();
    nz->units = lexicon_new();
    nz->letters = lexicon_new();
    nz->foreign = lexicon_new();
    nz->user = lexicon_new();
    nz->names = lexicon_new();
    char dir[4096];
    if (voices_dir)
        snprintf(dir, sizeof(dir), "%s", voices_dir);
    else
        snprintf(dir, sizeof(dir), "%s/voices", paths_data_dir());
    int rc = load_into(nz->abbr, dir, "abbreviations.tsv");
    if (rc == DB_ENOENT && voices_dir) {
        normalizer_free(nz);
        return DB_ENOENT;
    }
    load_into(nz->units, dir, "units.tsv");
    load_into(nz->foreign, dir, "foreign.tsv");
    load_into(nz->names, dir, "names.tsv");
    index_names(nz);
    if (load_into(nz->letters, dir, "letters.tsv") < 0 || lexicon_size(nz->letters) == 0) {
        for (size_t i = 0; i < sizeof(builtin_letters) / sizeof(*builtin_letters); i++)
            lexicon_add(nz->letters, builtin_letters[i][0], builtin_letters[i][1], "", 0);
    }
    if (lexicon_size(nz->units) == 0)
        lexicon_add(nz->units, "%", "phần trăm", "", 0);
    char upath[4200];
    const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (cfg && cfg[0] == '/')
        snprintf(upath, sizeof(upath), "%s/docbao/lexicon.tsv", cfg);
    else if (home && *home)
        snprintf(upath, sizeof(upath), "%s/.config/docbao/lexicon.tsv", home);
    else
        upath[0] = '\0';
    if (upath[0])
        lexicon_load(nz->user, upath, 1);
    *out = nz;
    return 0;
}

void normalizer_free(struct normalizer *nz)
{
    if (!nz)
        return;
    lexicon_free(nz->abbr);
    lexicon_free(nz->units);
    lexicon_free(nz->letters);
    lexicon_free(nz->foreign);
    lexicon_free(nz->user);
    lexicon_free(nz->names);
    free(nz);
}

int normalizer_add_entry(struct normalizer *nz, const char *key, const char *expansion)
{
    if (!nz || !key || !expansion || !*key || !*expansion)
        return DB_EINVAL;
    lexicon_add(nz->user, key, expansion, "", 1);
    return 0;
}

/* ------------------------------------------------------------------ characters */

static inline int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline int is_alpha_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int cp_is_letter(int cp)
{
    if (cp < 0x80)
        return is_alpha_ascii((char)cp);
    /* fast path: the Latin blocks Vietnamese is written in */
    if (cp >= 0xC0 && cp <= 0x24F)
        return cp != 0xD7 && cp != 0xF7;
    if (cp >= 0x1E00 && cp <= 0x1EFF)
        return 1;
    if (cp == 0xFFFD)
        return 0;
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_MN;
}

static inline int cp_is_upper(int cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0xC0 && cp <= 0xFF)
        return cp <= 0xDE && cp != 0xD7;
    if (cp >= 0x1E00 && cp <= 0x1EFF)
        return (cp & 1) == 0;
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

/* Decodes the code point at i (0 past the end). */
static inline int cp_at(const char *s, size_t n, size_t i, size_t *len)
{
    if (i >= n) {
        *len = 0;
        return 0;
    }
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] < 0x80) {
        *len = 1;
        return u[0];
    }
    /* fast path for well-formed 2- and 3-byte sequences (all of Vietnamese) */
    if (u[0] >= 0xC2 && u[0] < 0xE0 && i + 1 < n && (u[1] & 0xC0) == 0x80) {
        *len = 2;
        return ((u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if (u[0] >= 0xE1 && u[0] < 0xF0 && u[0] != 0xED && i + 2 < n && (u[1] & 0xC0) == 0x80 &&
        (u[2] & 0xC0) == 0x80) {
        *len = 3;
        return ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
    int cp;
    *len = utf8_decode(s + i, n - i, &cp);
    return cp;
}

static int letter_at(const char *s, size_t n, size_t i)
{
    size_t k;
    return i < n && cp_is_letter(cp_at(s, n, i, &k));
}

/* Whether the character before i is a letter or digit. */
static int alnum_before(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    unsigned char c = (unsigned char)s[i - 1];
    if (c < 0x80)
        return is_digit((char)c) || is_alpha_ascii((char)c);
    size_t j = i - 1, back = 0;
    while (j > 0 && back < 3 && ((unsigned char)s[j] & 0xC0) == 0x80) {
        j--;
        back++;
    }
    size_t k;
    return cp_is_letter(cp_at(s, i, j, &k));
}

/* ------------------------------------------------------------------ output */

struct scan {
    const struct normalizer *nz;
    const char *s;
    size_t n;
    struct buf *o;
    char *prev[2];           /* the last two source words, lowercase ("#" a number) */
    char words[2][WORD_MAX]; /* where prev points: pushing a word swaps the pointers */
    int last_num;            /* the last thing said was a number */
    int since_num;           /* words said since the last number */
    int num_score;           /* that number was in a score context ("thắng 3 - 0") */
    int sports;              /* the sentence is about a game: 0 not looked at, 1 no, 2 yes */
    int code;                /* the last number was read as a code or hotline */
    int in_time;             /* reading the second time of a range ("8h-17h") */
    int user;                /* the user lexicon has entries (asked once per sentence) */
};

/* Appends to the sentence's scratch buffer (normalize_sentence's tmp, which has no cap, so
 * buf_append cannot fail on it). Every word and space goes through here: the common case,
 * room already there, is inline and skips buf_append's cap checks. */
static inline void put_n(struct buf *b, const char *p, size_t n)
{
    if (b->len + n < b->cap) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    buf_append(b, p, n);
}

static inline void put_s(struct buf *b, const char *s)
{
    put_n(b, s, strlen(s));
}

static inline void put_c(struct buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    buf_append(b, &c, 1);
}

/* The space before a word: none at the start or after an opening bracket or quote. */
static inline void word_space(struct buf *b)
{
    if (b->len) {
        char last = b->data[b->len - 1];
        int opening = last == ' ' || last == '(' || last == '[' || last == '"' || last == '\'' ||
                      (b->len >= 3 && memcmp(b->data + b->len - 3, "\xe2\x80\x9c", 3) == 0);
        if (!opening)
            put_c(b, ' ');
    }
}

/* Appends w, after a space unless at the start or after an opening bracket or quote. */
static void word(struct buf *b, const char *w)
{
    word_space(b);
    put_s(b, w);
}

static void wordn(struct buf *b, const char *w, size_t n)
{
    word_space(b);
    put_n(b, w, n);
}

/* Makes the last word the one before it; prev[0] is then free for the next. */
static void prev_shift(struct scan *sc)
{
    char *t = sc->prev[1];
    sc->prev[1] = sc->prev[0];
    sc->prev[0] = t;
}

static void push_prev(struct scan *sc, const char *w, size_t n)
{
    prev_shift(sc);
    size_t k = lexicon_lower(w, n, sc->prev[0], WORD_MAX);
    if (k == (size_t)-1)
        sc->prev[0][0] = '\0';
}

/* push_prev for a word known to be lowercase already. */
static void push_prev_low(struct scan *sc, const char *w, size_t n)
{
    prev_shift(sc);
    if (n >= WORD_MAX)
        n = 0;
    memcpy(sc->prev[0], w, n);
    sc->prev[0][n] = '\0';
}

static int prev_is(const struct scan *sc, int which, const char *const *set)
{
    for (size_t i = 0; set[i]; i++)
        if (strcmp(sc->prev[which], set[i]) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ numbers */

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

/* Reads groups of three digits (the first may be shorter) with their scale words; said: a
 * higher group was said already, so "không trăm" and "linh" are said. Returns whether
 * anything was said. */
static int read_groups(const struct normalizer *nz, const char *d, size_t n, int said,
                       struct buf *b)
{
    static const char *const scale_north[] = {"", "nghìn", "triệu"};
    static const char *const scale_south[] = {"", "ngàn", "triệu"};
    const char *const *scale = nz->dialect == NORM_SOUTH ? scale_south : scale_north;
    size_t groups = (n + 2) / 3;
    size_t first = n - (groups - 1) * 3;
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
    return said;
}

/* Reads an integer of any size given as decimal digits (no separators). From 10^10 on, the
 * digits above the last nine are one number of tỷ, as a newsreader says it:
 * 1.200.000.000.000 → "một nghìn hai trăm tỷ" (not "một nghìn tỷ hai trăm tỷ"). */
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
    int said = 0;
    if (n > 9) {
        read_groups(nz, d, n - 9, 0, b);
        word(b, "tỷ");
        said = 1;
        d += n - 9;
        n = 9;
    }
    if (!read_groups(nz, d, n, said, b))
        word(b, digit_words[0]);
}

static void read_uint(const struct normalizer *nz, unsigned long v, struct buf *b)
{
    char d[24];
    int k = snprintf(d, sizeof(d), "%lu", v);
    read_digits_as_number(nz, d, (size_t)k, b);
}

/* A number as written: integer digits (thousands dots removed) and fraction digits. */
struct num {
    char intd[32];
    char frac[16];
    size_t nint, nfrac;
    int longint; /* more integer digits than fit in intd: read digit by digit */
};

/* Scans a number at s[i]: digits with "." thousands groups and an optional "," (or ".")
 * fraction. Returns the bytes used (0 when no digit at i). */
static size_t scan_number(const char *s, size_t n, size_t i0, struct num *nm)
{
    size_t i = i0;
    memset(nm, 0, sizeof(*nm));
    while (i < n && is_digit(s[i])) {
        if (nm->nint < sizeof(nm->intd) - 1)
            nm->intd[nm->nint++] = s[i];
        else
            nm->longint = 1;
        i++;
    }
    size_t lead = i - i0;
    if (lead == 0)
        return 0;
    while (lead <= 3 && i + 3 < n && s[i] == '.' && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
           is_digit(s[i + 3]) && (i + 4 >= n || !is_digit(s[i + 4])) && nm->nint + 3 < 31) {
        memcpy(nm->intd + nm->nint, s + i + 1, 3);
        nm->nint += 3;
        i += 4;
    }
    if (i + 1 < n && (s[i] == ',' || s[i] == '.') && is_digit(s[i + 1])) {
        size_t j = i + 1;
        while (j < n && is_digit(s[j])) {
            if (nm->nfrac < sizeof(nm->frac) - 1)
                nm->frac[nm->nfrac++] = s[j];
            j++;
        }
        i = j;
    }
    return i - i0;
}

static void read_num(const struct normalizer *nz, const struct num *nm, const char *s0, size_t len,
                     struct buf *b)
{
    if (nm->longint) { /* a very long digit string: every digit, as written */
        for (size_t i = 0; i < len; i++)
            if (is_digit(s0[i]))
                word(b, digit_words[s0[i] - '0']);
        return;
    }
    read_digits_as_number(nz, nm->intd, nm->nint, b);
    if (nm->nfrac) {
        word(b, "phẩy");
        if (nm->nfrac <= 2 && nm->frac[0] != '0')
            read_digits_as_number(nz, nm->frac, nm->nfrac, b);
        else
            for (size_t i = 0; i < nm->nfrac; i++)
                word(b, digit_words[nm->frac[i] - '0']);
    }
}

/* Reads a plain run of 1..maxd digits at i; returns its length (0: none or too long). */
static size_t digits_at(const char *s, size_t n, size_t i, size_t maxd, unsigned long *v)
{
    size_t j = i;
    unsigned long x = 0;
    while (j < n && is_digit(s[j]) && j - i <= maxd) {
        x = x * 10 + (unsigned long)(s[j] - '0');
        j++;
    }
    if (j == i || j - i > maxd)
        return 0;
    *v = x;
    return j - i;
}

/* ------------------------------------------------------------------ dates, times */

static const char *const date_words[] = {"ngày", "sáng",  "chiều", "tối",  "đêm",  "hôm",
                                         "trưa", "khuya", "rạng",  "mùng", "mồng", "từ",
                                         "đến",  "qua",   "nay",   "mai",  "lúc",  NULL};
static const char *const score_words[] = {"thắng", "thua", "hòa", "hoà", "bại", "dẫn", NULL};
static const char *const tyso_words[] = {"tỷ", "tỉ", NULL};

/* The separator of a pair "a-b", "a - b", "a – b", "a:b" at j: returns where b starts (0: no
 * pair); *colon says it is ':'. */
static size_t pair_at(const char *s, size_t n, size_t j, int *colon)
{
    size_t k = j, sp = 0;
    *colon = 0;
    if (k < n && s[k] == ' ')
        k++, sp = 1;
    size_t d = 0;
    if (k < n && s[k] == '-')
        d = 1;
    else if (k < n && s[k] == ':' && !sp)
        d = 1, *colon = 1;
    else if (k + 2 < n && (unsigned char)s[k] == 0xE2 && (unsigned char)s[k + 1] == 0x80 &&
             ((unsigned char)s[k + 2] == 0x93 || (unsigned char)s[k + 2] == 0x94))
        d = 3;
    if (!d)
        return 0;
    k += d;
    if (sp) { /* spaced on both sides or on neither */
        if (k >= n || s[k] != ' ')
            return 0;
        k++;
    }
    return k < n && is_digit(s[k]) ? k : 0;
}

static int score_context(const struct scan *sc)
{
    static const char *const so[] = {"số", NULL};
    return prev_is(sc, 0, score_words) || (prev_is(sc, 0, so) && prev_is(sc, 1, tyso_words));
}

/* The next word after e (spaces skipped), lowercase into w (WORD_MAX bytes); "" when none. */
static void next_word_low(const char *s, size_t n, size_t e, char *w)
{
    w[0] = '\0';
    while (e < n && s[e] == ' ')
        e++;
    size_t k = e;
    while (k < n && k - e < WORD_MAX - 1 && letter_at(s, n, k)) {
        size_t l;
        cp_at(s, n, k, &l);
        k += l;
    }
    if (k == e || lexicon_lower(s + e, k - e, w, WORD_MAX) == (size_t)-1)
        w[0] = '\0';
}

static int word_in(const char *w, const char *const *set)
{
    for (size_t i = 0; set[i]; i++)
        if (strcmp(w, set[i]) == 0)
            return 1;
    return 0;
}

/* Whether a quantity follows e: "%", a unit of units.tsv or a counting word ("2-3 ngày",
 * "5-7 người"): then "a-b" is a range, never a score or a date. */
static int measure_follows(const struct scan *sc, size_t e)
{
    static const char *const counted[] = {
        "ngày", "tuần", "tháng", "năm", "giờ", "tiếng", "phút", "giây", "người",
        "lần",  "tuổi", "triệu", "tỷ",  "tỉ",  "nghìn", "ngàn", "trăm", "chục",
        "điểm", "bàn",  "độ",    "cây", "km",  "chiếc", "con",  "căn",  "hộ",
        "xã",   "tỉnh", "ca",    "cm",  "mét", "loại",  "vụ",   "suất", "học",
        "lớp",  "bước", "ly",    "cốc", "đêm", "buổi",  "trận", NULL};
    const char *s = sc->s;
    size_t n = sc->n;
    while (e < n && s[e] == ' ')
        e++;
    if (e < n && s[e] == '%')
        return 1;
    char w[WORD_MAX];
    next_word_low(s, n, e, w);
    if (!w[0])
        return 0;
    return word_in(w, counted) || lexicon_find(sc->nz->units, w, strlen(w)) != NULL;
}

/* Whether the sentence talks about a game (looked at once, only when a pair of small numbers
 * needs it): hiệp, set, ván, trận, tỷ số, bàn thắng, chung cuộc, thắng, thua, đánh bại… */
static int sports_sentence(struct scan *sc)
{
    static const char *const keys[] = {
        "hiệp",        "set",      "ván",        "trận",      "tỷ số",    "tỉ số",
        "bàn thắng",   "ghi bàn",  "chung cuộc", "thắng",     "thua",     "đánh bại",
        "gỡ hòa",      "gỡ hoà",   "dẫn trước",  "cầu thủ",   "đội bóng", "đội khách",
        "đội chủ nhà", "clb",      "hlv",        "vòng bảng", "tứ kết",   "bán kết",
        "chung kết",   "tiền đạo", "thủ môn",    "fc",        NULL};
    if (sc->sports)
        return sc->sports == 2;
    sc->sports = 1;
    size_t cap = 2 * sc->n + 8;
    char *low = xmalloc(cap);
    size_t ln = lexicon_lower(sc->s, sc->n, low, cap);
    if (ln != (size_t)-1) {
        low[ln] = '\0';
        for (size_t k = 0; keys[k] && sc->sports == 1; k++) {
            size_t kl = strlen(keys[k]);
            for (const char *p = strstr(low, keys[k]); p; p = strstr(p + 1, keys[k])) {
                size_t at = (size_t)(p - low);
                if (!alnum_before(low, at) && !letter_at(low, ln, at + kl)) {
                    sc->sports = 2;
                    break;
                }
            }
        }
    }
    free(low);
    return sc->sports == 2;
}

/* Whether a capitalised name ends right before i and another starts after e: "Arsenal 1 - 2
 * Borussia", "Việt Nam 3-0 Lào" (not "Điều 5-7 Luật", "Lớp 10-12 Trường"). */
static int teams_around(const struct scan *sc, size_t i, size_t e)
{
    static const char *const not_team[] = {
        "điều", "khoản",  "chương", "mục",   "phần",  "tập",   "số",     "quý",  "thứ",
        "ngày", "tháng",  "năm",    "lớp",   "phòng", "tầng",  "trang",  "hình", "bảng",
        "câu",  "bài",    "tuyến",  "đường", "phố",   "quận",  "phường", "khu",  "lô",
        "nhà",  "xe",     "kỳ",     "kì",    "khóa",  "khoá",  "đợt",    "giai", "từ",
        "đến",  "khoảng", "nghị",   "định",  "luật",  "thông", "tư",     NULL};
    const char *s = sc->s;
    size_t n = sc->n, b = i;
    while (b > 0 && s[b - 1] == ' ')
        b--;
    if (b == i || b == 0 || !alnum_before(s, b) || is_digit(s[b - 1]))
        return 0;
    size_t w = b; /* back to the start of the word before */
    while (w > 0 && alnum_before(s, w)) {
        w--;
        while (w > 0 && ((unsigned char)s[w] & 0xC0) == 0x80)
            w--;
    }
    size_t k;
    if (!cp_is_upper(cp_at(s, n, w, &k)) || word_in(sc->prev[0], not_team))
        return 0;
    while (e < n && s[e] == ' ')
        e++;
    return e < n && cp_is_upper(cp_at(s, n, e, &k));
}

/* Whether the pair a-b (b ends at e) is a game score. After thắng, thua, hòa, dẫn, tỷ số it
 * always is; otherwise only small whole numbers (two digits at most) not followed by a
 * quantity, after gỡ, dẫn trước, set, ván, "tỷ số lên", in a run of scores ("21-17, 15-15"),
 * between two team names, or in a sentence about a game. */
static int is_score(struct scan *sc, size_t i, const struct num *a, size_t ka, const struct num *b,
                    size_t kb, size_t e)
{
    static const char *const before[] = {"gỡ", "set", "ván", NULL};
    static const char *const so_verbs[] = {"lên", "là", "nâng", "rút", "thành", "về", NULL};
    static const char *const so[] = {"số", NULL};
    static const char *const dan[] = {"dẫn", NULL};
    int run = sc->num_score && sc->since_num == 0 && strcmp(sc->prev[0], "#") == 0;
    if (score_context(sc))
        return 1;
    if (a->nfrac || b->nfrac || a->longint || b->longint || a->nint > 2 || b->nint > 2 ||
        ka != a->nint || kb != b->nint || measure_follows(sc, e))
        return 0;
    if (run || prev_is(sc, 0, before) || prev_is(sc, 1, score_words) ||
        (prev_is(sc, 0, so_verbs) && prev_is(sc, 1, so)) ||
        (strcmp(sc->prev[0], "trước") == 0 && prev_is(sc, 1, dan)))
        return 1;
    return teams_around(sc, i, e) || sports_sentence(sc);
}

static void say_month(struct scan *sc, unsigned long m)
{
    word(sc->o, m == 4 ? "tư" : "");
    if (m != 4)
        read_uint(sc->nz, m, sc->o);
}

static void said_number(struct scan *sc)
{
    sc->last_num = 1;
    sc->code = 0;
    sc->since_num = 0;
    prev_shift(sc);
    strcpy(sc->prev[0], "#");
}

/* Whether a capital letter code starts at i ("QĐ-UBND", "HS-ST", "NĐ-CP"): two capitals. */
static int caps_code_at(const char *s, size_t n, size_t i)
{
    size_t k1, k2;
    int c1 = cp_at(s, n, i, &k1);
    if (!k1 || !cp_is_letter(c1) || !cp_is_upper(c1))
        return 0;
    int c2 = cp_at(s, n, i + k1, &k2);
    return k2 && cp_is_letter(c2) && cp_is_upper(c2);
}

/* Whether a hyphenated letter code starts at i: capitals, '-', a capital ("QĐ-UBND",
 * "NĐ-CP", "TT-BGDĐT"). */
static int hyphen_code_at(const char *s, size_t n, size_t i)
{
    if (!caps_code_at(s, n, i))
        return 0;
    size_t j = i, k;
    while (j < n && j - i < 16) {
        int c = cp_at(s, n, j, &k);
        if (!k || !cp_is_letter(c) || !cp_is_upper(c))
            break;
        j += k;
    }
    if (j + 1 >= n || s[j] != '-')
        return 0;
    int c = cp_at(s, n, j + 1, &k);
    return k && cp_is_letter(c) && cp_is_upper(c);
}

/* Whether the number/year ending at e is a document number: a letter code follows
 * ("15/2022/NĐ-CP", "12/2023/HS-ST") or it comes after số, nghị định, thông tư, bản án…
 * ("Quyết định số 12/2023"). Then "12/2023" is "mười hai năm hai nghìn…", not a month. */
static int doc_number(const struct scan *sc, size_t e)
{
    static const char *const doc[] = {"số",   "định", "tư",  "quyết", "án",
                                      "lệnh", "thị",  "văn", "hiệu",  NULL};
    return (e + 1 < sc->n && sc->s[e] == '/' && caps_code_at(sc->s, sc->n, e + 1)) ||
           prev_is(sc, 0, doc);
}

/* A date context before a number: a word of date_words, or a weekday ("Thứ Hai (13.9)",
 * "thứ 2 13.9", "Chủ nhật 15.9"). strong: the words after which no quantity is meant (ngày,
 * sáng, hôm…, a weekday by name), so "từ 5-7 ngày" is a range but "ngày 2-9 năm nay" a
 * date. */
static int date_context(const struct scan *sc, int *strong)
{
    static const char *const weak[] = {"từ", "đến", "qua", "mai", "lúc", NULL};
    static const char *const weekday[] = {"hai", "ba", "tư", "năm", "sáu", "bảy", "#", NULL};
    static const char *const thu[] = {"thứ", NULL};
    static const char *const chu[] = {"chủ", NULL};
    static const char *const nhat[] = {"nhật", NULL};
    if ((prev_is(sc, 0, weekday) && prev_is(sc, 1, thu)) ||
        (prev_is(sc, 0, nhat) && prev_is(sc, 1, chu))) {
        *strong = strcmp(sc->prev[0], "#") != 0; /* "lần thứ 2 5-7 ngày" is a range */
        return 1;
    }
    *strong = !prev_is(sc, 0, weak);
    return prev_is(sc, 0, date_words);
}

/* Whether "a/b" at the current number is a fraction: after bằng, chiếm, khoảng, gần, vòng…
 * ("bằng 1/6", "vòng 1/8") or before số, dân số, diện tích, tổng… ("1/3 dân số"); e is where
 * the fraction ends. A bare "1/3" stays a date (as "2/9" is one). */
static int fraction_context(const struct scan *sc, size_t e)
{
    static const char *const before[] = {"bằng", "chiếm", "khoảng", "gần",  "hơn", "chỉ",
                                         "còn",  "giảm",  "tăng",   "mất",  "gấp", "vòng",
                                         "đạt",  "cỡ",    "dưới",   "trên", "quá", NULL};
    static const char *const after[] = {"số",  "dân",   "diện", "tổng", "lượng", "quãng", "thời",
                                        "giá", "trong", "của",  "so",   "dung",  "khối",  "ngân",
                                        "lực", "chặng", "cổ",   "vốn",  "đoạn",  NULL};
    if (prev_is(sc, 0, before))
        return 1;
    char w[WORD_MAX];
    next_word_low(sc->s, sc->n, e, w);
    return w[0] && word_in(w, after);
}

/* Tries a date at i; returns bytes used or 0. */
static size_t try_date(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n;
    unsigned long d, m, y, d2 = 0;
    size_t k1 = digits_at(s, n, i, 2, &d);
    if (!k1)
        return 0;
    size_t j = i + k1;
    /* day range "26-27/6" */
    if (j + 1 < n && s[j] == '-') {
        size_t kr = digits_at(s, n, j + 1, 2, &d2);
        size_t jr = j + 1 + kr;
        unsigned long mm;
        size_t km;
        if (kr && jr + 1 < n && s[jr] == '/' && (km = digits_at(s, n, jr + 1, 2, &mm)) && d >= 1 &&
            d < d2 && d2 <= 31 && mm >= 1 && mm <= 12 &&
            !(jr + 1 + km < n && is_digit(s[jr + 1 + km]))) {
            size_t end = jr + 1 + km;
            read_uint(sc->nz, d, sc->o);
            word(sc->o, "đến");
            read_uint(sc->nz, d2, sc->o);
            word(sc->o, "tháng");
            say_month(sc, mm);
            if (end + 1 < n && s[end] == '/' && digits_at(s, n, end + 1, 4, &y) == 4) {
                word(sc->o, "năm");
                read_uint(sc->nz, y, sc->o);
                end += 5;
            }
            said_number(sc);
            return end - i;
        }
    }
    if (j + 1 >= n)
        return 0;
    int strong = 0, datectx = date_context(sc, &strong);
    char sep = s[j];
    size_t m0 = j + 1;
    int spaced = 0;
    if (sep == ' ' || (unsigned char)sep == 0xE2) { /* "sáng nay 19 - 9", "19–9" */
        int colon;
        size_t b = pair_at(s, n, j, &colon);
        if (!b || colon || !datectx)
            return 0;
        sep = '-';
        m0 = b;
        spaced = 1;
    }
    if (sep != '/' && sep != '-' && sep != '.')
        return 0;
    size_t k2 = digits_at(s, n, m0, 4, &m);
    if (!k2)
        return 0;
    size_t e2 = m0 + k2;
    static const char *const thang[] = {"tháng", NULL};
    static const char *const quy[] = {"quý", NULL};
    /* month/year "9/2021", "tháng 5-2013"; quarter/year "quý 3/2013" */
    if (k2 == 4 && !spaced && (sep == '/' || prev_is(sc, 0, thang) || prev_is(sc, 0, quy))) {
        int quarter = prev_is(sc, 0, quy);
        if (d < 1 || d > (quarter ? 4u : 12u) || m < 1000 || m > 2999 ||
            (e2 < n && is_digit(s[e2])) || (sep == '/' && doc_number(sc, e2)))
            return 0;
        if (quarter) {
            read_uint(sc->nz, d, sc->o);
        } else {
            if (!prev_is(sc, 0, thang))
                word(sc->o, "tháng");
            say_month(sc, d);
        }
        word(sc->o, "năm");
        read_uint(sc->nz, m, sc->o);
        said_number(sc);
        return e2 - i;
    }
    if (k2 > 2 || d < 1 || d > 31 || m < 1 || m > 12)
        return 0;
    /* full date: the same separator again and a 4-digit (or 2-digit) year */
    if (!spaced && e2 + 1 < n && s[e2] == sep) {
        size_t k3 = digits_at(s, n, e2 + 1, 4, &y);
        if (k3 == 4 || (k3 == 2 && sep == '/')) {
            if (k3 == 2)
                y += y < 50 ? 2000 : 1900;
            read_uint(sc->nz, d, sc->o);
            word(sc->o, "tháng");
            say_month(sc, m);
            word(sc->o, "năm");
            read_uint(sc->nz, y, sc->o);
            said_number(sc);
            return e2 + 1 + k3 - i;
        }
        return 0;
    }
    if (e2 < n &&
        (is_digit(s[e2]) || s[e2] == '/' || (s[e2] == '-' && e2 + 1 < n && is_digit(s[e2 + 1]))))
        return 0;
    if (e2 + 1 < n && (s[e2] == ',' || s[e2] == '.') && is_digit(s[e2 + 1]))
        return 0;
    if (sep == '/' && d < m && !(datectx && strong) && fraction_context(sc, e2))
        return 0;     /* "chiếm 1/3 dân số": do_number says the fraction */
    if (sep != '/') { /* "15-9", "15.9": a date only after ngày, sáng, hôm, a weekday… */
        if (!datectx || score_context(sc) || (!strong && measure_follows(sc, e2)))
            return 0;
        if (sep == '.' && k2 != 1 && k2 != 2)
            return 0;
    }
    read_uint(sc->nz, d, sc->o);
    word(sc->o, "tháng");
    say_month(sc, m);
    said_number(sc);
    return e2 - i;
}

static size_t time_range(struct scan *sc, size_t i, size_t e);

/* Tries a time at i: 11:03, 11:03:56, 7h30, 7h, 14g20, "23g đêm"; a range of two
 * ("8h-17h"). Returns bytes used or 0. */
static size_t try_time(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n;
    unsigned long h, m, sec;
    size_t k1 = digits_at(s, n, i, 2, &h);
    if (!k1 || h > 24)
        return 0;
    size_t j = i + k1;
    if (j + 2 < n && s[j] == ':' && digits_at(s, n, j + 1, 2, &m) == 2) {
        size_t e = j + 3;
        if (m > 59 || (e < n && is_digit(s[e])))
            return 0;
        int has_sec = e + 2 < n + 0 && s[e] == ':' && digits_at(s, n, e + 1, 2, &sec) == 2 &&
                      sec <= 59 && !(e + 3 < n && is_digit(s[e + 3]));
        if (!has_sec && score_context(sc))
            return 0; /* a score: read by the range rule */
        read_uint(sc->nz, h, sc->o);
        word(sc->o, "giờ");
        if (m || has_sec) {
            read_uint(sc->nz, m, sc->o);
            word(sc->o, "phút");
        }
        if (has_sec) {
            read_uint(sc->nz, sec, sc->o);
            word(sc->o, "giây");
            e += 3;
        }
        said_number(sc);
        return time_range(sc, i, e);
    }
    if (j < n && (s[j] == 'h' || s[j] == 'g' || s[j] == 'H')) {
        size_t e = j + 1;
        size_t km = digits_at(s, n, e, 2, &m);
        if (s[j] == 'g' && !km) { /* "5g" is grams; "23g đêm", "lúc 19g" a time */
            static const char *const day_part[] = {"sáng",  "trưa", "chiều", "tối",  "đêm",
                                                   "khuya", "hôm",  "ngày",  "rạng", NULL};
            static const char *const luc[] = {"lúc", NULL};
            char w[WORD_MAX];
            next_word_low(s, n, e, w);
            int colon;
            size_t b = pair_at(s, n, e, &colon), kb = 0;
            unsigned long h2;
            if (b && !colon)
                kb = digits_at(s, n, b, 2, &h2);
            /* "từ 8g-13g", "8g-13g ngày…": a range of times */
            static const char *const tu[] = {"từ", NULL};
            char w2[WORD_MAX];
            if (kb)
                next_word_low(s, n, b + kb + 1, w2);
            int range = kb && b + kb < n && (s[b + kb] == 'g' || s[b + kb] == 'h') &&
                        (prev_is(sc, 0, tu) ||
                         (b + kb + 1 < n && s[b + kb + 1] == ' ' && word_in(w2, day_part)));
            if (!(e < n && s[e] == ' ' && word_in(w, day_part)) && !prev_is(sc, 0, luc) && !range &&
                !sc->in_time)
                return 0;
        }
        if (km && m > 59)
            return 0;
        e += km;
        if (e < n && (letter_at(s, n, e) || is_digit(s[e])))
            return 0;
        read_uint(sc->nz, h, sc->o);
        word(sc->o, "giờ");
        if (km) {
            read_uint(sc->nz, m, sc->o);
            if (m < 10)
                word(sc->o, "phút");
        }
        if (e < n && (s[e] == '\'' || (e + 2 < n && memcmp(s + e, "\xe2\x80\x99", 3) == 0)))
            e += s[e] == '\'' ? 1 : 3;
        said_number(sc);
        return time_range(sc, i, e);
    }
    return 0;
}

/* After a time read at [i, e): "8h-17h", "7h30 - 9h" → "… đến …" and the second time.
 * Returns the bytes used by both (or by the first alone). */
static size_t time_range(struct scan *sc, size_t i, size_t e)
{
    int colon;
    size_t b = sc->in_time ? 0 : pair_at(sc->s, sc->n, e, &colon);
    if (!b || colon)
        return e - i;
    size_t save = sc->o->len;
    word(sc->o, "đến");
    sc->in_time = 1;
    size_t k = try_time(sc, b);
    sc->in_time = 0;
    if (!k) {
        sc->o->len = save;
        sc->o->data[save] = '\0';
        return e - i;
    }
    return b + k - i;
}

/* ------------------------------------------------------------------ units */

/* Bytes that end a unit candidate. */
static int unit_stop(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == ',' || c == ';' || c == ':' || c == '!' ||
           c == '?' || c == '(' || c == ')' || c == '[' || c == ']' || c == '"' || c == '\'' ||
           c == '-';
}

static int ctx_match(const struct scan *sc, const struct lex_entry *en, size_t end);

/* Tries a unit written at i (right after a number, or after "/" as the denominator of a
 * ratio: "đồng/CP"). Says the first entry whose context matches ("case": written exactly so;
 * the contexts of abbreviations.tsv, e.g. "prev=đồng|usd") and returns bytes used. */
static size_t try_unit(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n, j = i;
    while (j < n && j - i < 24 && !unit_stop(s[j]) &&
           !(s[j] == '.' && (j + 1 >= n || !letter_at(s, n, j + 1))))
        j++;
    /* "độ C": a two-word unit */
    if (j < n && s[j] == ' ' && j + 1 < n) {
        size_t j2 = j + 1;
        while (j2 < n && j2 - j < 8 && !unit_stop(s[j2]) && s[j2] != '.')
            j2++;
        char low[64];
        size_t ln = lexicon_lower(s + i, j2 - i, low, sizeof(low));
        const struct lex_entry *e = ln != (size_t)-1 && strchr(low, ' ') && j2 - i < 16
                                        ? lexicon_find(sc->nz->units, low, ln)
                                        : NULL;
        if (e && !(j2 < n && letter_at(s, n, j2))) {
            word(sc->o, e->exp);
            return j2 - i;
        }
    }
    for (size_t e = j; e > i; e--) {
        if (e < n && ((unsigned char)s[e] & 0xC0) == 0x80)
            continue; /* not a character boundary */
        /* what follows must not continue a word */
        if (e < j && s[e] != '/' && (letter_at(s, n, e) || is_digit(s[e])))
            continue;
        char low[64];
        size_t ln = lexicon_lower(s + i, e - i, low, sizeof(low));
        if (ln == (size_t)-1)
            continue;
        const struct lex_entry *en = lexicon_find(sc->nz->units, low, ln);
        for (; en; en = en->next) {
            if (strcmp(en->ctx, "case") == 0 &&
                (strlen(en->form) != e - i || memcmp(en->form, s + i, e - i) != 0))
                continue;
            if (en->ctx[0] && !ctx_match(sc, en, e))
                continue;
            break;
        }
        if (!en)
            continue;
        word(sc->o, en->exp);
        sc->since_num = 1;
        push_prev(sc, s + i, e - i);
        return e - i;
    }
    return 0;
}

/* ------------------------------------------------------------------ number phrases */

/* Whether "12 345" has a space as its thousands separator at j (after the first group of
 * nm): groups of exactly three digits, not after a word that takes a number of its own
 * (ngày 12 345…). Returns the bytes of the groups (0: not one) and adds their digits. */
static size_t space_groups(const struct scan *sc, size_t i, size_t j, struct num *nm)
{
    static const char *const own[] = {"ngày",  "tháng", "năm",   "quý",  "thứ",   "số",   "lúc",
                                      "phòng", "lớp",   "trang", "điều", "khoản", "hạng", NULL};
    const char *s = sc->s;
    size_t n = sc->n, e = j;
    if (nm->nfrac || nm->longint || nm->nint > 3 || j - i != nm->nint || s[i] == '0' ||
        prev_is(sc, 0, own))
        return 0;
    while (e + 3 < n && s[e] == ' ' && is_digit(s[e + 1]) && is_digit(s[e + 2]) &&
           is_digit(s[e + 3]) && nm->nint + 3 < sizeof(nm->intd)) {
        size_t f = e + 4;
        if (f < n && (is_digit(s[f]) || letter_at(s, n, f) ||
                      ((s[f] == '.' || s[f] == ',' || s[f] == '/' || s[f] == ':' || s[f] == '-') &&
                       f + 1 < n && is_digit(s[f + 1]))))
            break;
        memcpy(nm->intd + nm->nint, s + e + 1, 3);
        nm->nint += 3;
        nm->intd[nm->nint] = '\0';
        e = f;
    }
    return e - j;
}

static void spell(struct scan *sc, const char *w, size_t n);

/* Says digits [a, b) of s one by one. */
static void say_digits(struct scan *sc, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++)
        if (is_digit(sc->s[k]))
            word(sc->o, digit_words[sc->s[k] - '0']);
}

/* A version number: "Android 4.2.2", "iOS 17.1", "công nghiệp 4.0", "192.168.1.1": three or
 * more dot-separated groups that are not thousands, or two after a product or version word.
 * Said with "chấm" between the groups ("bốn chấm hai chấm hai"; "4.0" → "bốn chấm không").
 * Returns bytes used (0: not one); says nothing then. */
static size_t version_at(struct scan *sc, size_t i)
{
    static const char *const vwords[] = {
        "nghiệp",    "mạng", "cmcn",     "đại",   "web",     "bản",     "version",
        "android",   "ios",  "ipados",   "macos", "watchos", "windows", "bluetooth",
        "usb",       "wifi", "html",     "linux", "ubuntu",  "chrome",  "python",
        "php",       "java", "miui",     "ui",    "coloros", "emui",    "hyperos",
        "harmonyos", "gpt",  "industry", "hdmi",  "lte",     "oneui",   NULL};
    const char *s = sc->s;
    size_t n = sc->n, j = i, groups = 0, thousands = 1;
    size_t start[8], len[8];
    for (;;) {
        size_t g = j;
        while (j < n && is_digit(s[j]) && j - g < 4)
            j++;
        if (j == g || (j < n && is_digit(s[j])))
            return 0;
        start[groups] = g;
        len[groups] = j - g;
        if (groups && len[groups] != 3)
            thousands = 0;
        groups++;
        if (groups < 8 && j + 1 < n && s[j] == '.' && is_digit(s[j + 1]))
            j++;
        else
            break;
    }
    if (groups < 2 || len[0] > 3 || (j < n && (letter_at(s, n, j) || s[j] == ',')))
        return 0;
    if (groups == 2 ? (!prev_is(sc, 0, vwords) || len[1] == 3) : thousands)
        return 0;
    for (size_t g = 0; g < groups; g++) {
        if (g)
            word(sc->o, "chấm");
        if (len[g] > 1 && s[start[g]] == '0')
            say_digits(sc, start[g], start[g] + len[g]);
        else
            read_digits_as_number(sc->nz, s + start[g], len[g], sc->o);
    }
    return j - i;
}

/* A number, or a range/score "a-b", then a percent sign or unit. Returns bytes used. */
static size_t do_number(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n;
    struct num a;
    size_t ka = scan_number(s, n, i, &a);
    size_t j = i + ka;
    j += space_groups(sc, i, j, &a);
    ka = j - i;
    static const char *const thu[] = {"thứ", NULL};
    size_t kv = version_at(sc, i);
    if (kv) {
        said_number(sc);
        return kv;
    }
    /* a-b: range, or a score after thắng, tỷ số… (decided before a is said: the context is
     * the words before it) */
    int colon = 0;
    size_t bpos = pair_at(s, n, j, &colon);
    struct num b;
    size_t kb = bpos ? scan_number(s, n, bpos, &b) : 0;
    int score = bpos ? is_score(sc, i, &a, ka, &b, kb, bpos + kb) : score_context(sc);
    if (colon && !score)
        bpos = 0; /* "2:1" outside a score: not ours */
    if (prev_is(sc, 0, thu) && !a.nfrac && !a.longint && a.nint <= 2 &&
        strtoul(a.intd, NULL, 10) <= 4 && strtoul(a.intd, NULL, 10) % 3 == 1) {
        word(sc->o, strtoul(a.intd, NULL, 10) == 1 ? "nhất" : "tư");
    } else {
        read_num(sc->nz, &a, s + i, ka, sc->o);
    }
    sc->num_score = score;
    int docyear = 0;
    if (!bpos && j + 1 < n && s[j] == '/' && is_digit(s[j + 1])) { /* "25/40": a ratio */
        struct num r;
        size_t kr = scan_number(s, n, j + 1, &r);
        /* a fraction ("chiếm 1/3", "vòng 1/16"): a whole part of a larger whole */
        int frac = !a.nfrac && !r.nfrac && !a.longint && !r.longint && a.nint <= 3 && r.nint <= 3 &&
                   kr == r.nint && strtoul(a.intd, NULL, 10) < strtoul(r.intd, NULL, 10) &&
                   fraction_context(sc, j + 1 + kr);
        /* a document number "15/2022/NĐ-CP", "số 1234/2023": the year of it */
        unsigned long yr = strtoul(r.intd, NULL, 10);
        int doc = !frac && !r.nfrac && kr == 4 && r.nint == 4 && yr >= 1900 && yr <= 2199 &&
                  doc_number(sc, j + 1 + kr);
        if (!sc->num_score)
            word(sc->o, frac ? "phần" : doc ? "năm" : "trên");
        read_num(sc->nz, &r, s + j + 1, kr, sc->o);
        j += 1 + kr;
        docyear = doc;
    }
    /* the '/' before a document's letter code is not said: "12/2023/QH15", "1234/QĐ-UBND"
     * ("15/CP" is left to the symbol reader) */
    if (!bpos && j + 2 < n && s[j] == '/' && !a.nfrac &&
        ((docyear && caps_code_at(s, n, j + 1)) || hyphen_code_at(s, n, j + 1))) {
        put_c(sc->o, ' ');
        j++;
    }
    if (bpos) {
        if (!score)
            word(sc->o, "đến");
        read_num(sc->nz, &b, s + bpos, kb, sc->o);
        j = bpos + kb;
    }
    said_number(sc);
    if (j < n && s[j] == '%') {
        word(sc->o, "phần trăm");
        return j + 1 - i;
    }
    size_t ku = try_unit(sc, j);
    if (ku)
        return j + ku - i;
    if (j + 1 < n && s[j] == ' ' && !is_digit(s[j + 1])) {
        ku = try_unit(sc, j + 1);
        if (ku) {
            /* "triệu đồng/tháng": one more unit word */
            size_t e = j + 1 + ku;
            if (e + 1 < n && s[e] == ' ') {
                size_t k2 = try_unit(sc, e + 1);
                if (k2)
                    return e + 1 + k2 - i;
            }
            return e - i;
        }
    }
    return j - i;
}

/* A phone number: 0 and 9-10 more digits in groups (spaces, dots, dashes), or +84 …
 * Read digit by digit, a pause between groups. Returns bytes used or 0. */
static size_t try_phone(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n, j = i, nd = 0;
    int plus = 0;
    if (s[j] == '+' && j + 2 < n && s[j + 1] == '8' && s[j + 2] == '4') {
        plus = 1;
    } else if (s[j] != '0') {
        return 0;
    }
    size_t end = i;
    while (j < n && nd < 13) {
        if (is_digit(s[j])) {
            nd++;
            j++;
            end = j;
            continue;
        }
        if (s[j] == '+' && j == i) {
            j++;
            continue;
        }
        if ((s[j] == ' ' || s[j] == '.' || s[j] == '-') && j + 1 < n && is_digit(s[j + 1]) &&
            j > i && is_digit(s[j - 1])) {
            j++;
            continue;
        }
        break;
    }
    if (end < n && (is_digit(s[end]) || letter_at(s, n, end)))
        return 0;
    if (plus ? (nd < 10 || nd > 12) : (nd < 10 || nd > 11))
        return 0;
    /* a plain run "0123456789" is a phone; groups must be 2-4 digits */
    size_t g = 0;
    for (size_t k = i; k < end; k++) {
        if (is_digit(s[k])) {
            g++;
            continue;
        }
        if (s[k] == '+')
            continue;
        if (g > 5)
            return 0;
        g = 0;
    }
    if (plus)
        word(sc->o, "cộng");
    for (size_t k = i; k < end; k++) {
        if (is_digit(s[k]))
            word(sc->o, digit_words[s[k] - '0']);
        else if (s[k] != '+' && k > i + 1)
            put_c(sc->o, ',');
    }
    said_number(sc);
    sc->code = 1; /* "0912 345 678 hoặc 113" */
    return end - i;
}

/* A vehicle number plate: 29B-066.35, 60C-00149, 30A 123.45, 51F1-123.45, 59-X1 234.56.
 * Two digits (the province), one or two capital letters and maybe a digit (the series), then
 * 4-5 digits or "ddd.dd". Read digit by digit in the written groups, the letters by name:
 * "hai chín bê, không sáu sáu, ba năm". Returns bytes used or 0. */
static size_t try_plate(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n, j = i + 2;
    if (j + 6 > n || !is_digit(s[i + 1]) || is_digit(s[j]))
        return 0;
    if (s[j] == '-')
        j++;
    size_t l0 = j;
    while (j < n && j - l0 < 3 && s[j] >= 'A' && s[j] <= 'Z')
        j++;
    size_t l1 = j;
    if (l1 == l0 || l1 - l0 > 2)
        return 0;
    if (j < n && is_digit(s[j]) && j + 1 < n && !is_digit(s[j + 1]))
        j++; /* the series digit: "X1", "F1" */
    size_t series_end = j;
    if (j >= n || (s[j] != '-' && s[j] != ' ' && s[j] != '.'))
        return 0;
    char sep = s[j++];
    size_t g0 = j;
    while (j < n && is_digit(s[j]))
        j++;
    size_t g1 = j, g2 = j;
    if (g1 - g0 == 3 && j + 2 < n && s[j] == '.' && is_digit(s[j + 1]) && is_digit(s[j + 2])) {
        g2 = j + 3;
        j = g2;
    } else if (sep == ' ' || g1 - g0 < 4 || g1 - g0 > 5) {
        return 0;
    }
    if (j < n && (is_digit(s[j]) || letter_at(s, n, j) ||
                  ((s[j] == '.' || s[j] == ',') && j + 1 < n && is_digit(s[j + 1]))))
        return 0;
    say_digits(sc, i, i + 2);
    spell(sc, s + l0, l1 - l0);
    say_digits(sc, l1, series_end);
    put_c(sc->o, ',');
    say_digits(sc, g0, g1);
    if (g2 > g1) {
        put_c(sc->o, ',');
        say_digits(sc, g1, g2);
    }
    said_number(sc);
    return j - i;
}

/* Service and short numbers: "1900 1566", "1800.1091", "19001566" (prefix, then 4 or 6
 * digits), and 111-119 after gọi, tổng đài, đường dây nóng, cấp cứu… ("gọi 113"), or after
 * hoặc/và right after such a number. Read digit by digit. Returns bytes used or 0. */
static size_t try_hotline(struct scan *sc, size_t i)
{
    static const char *const call[] = {"gọi", "đài",   "hotline", "nóng", "cứu", "sát",  "hỏa",
                                       "hoả", "thoại", "khẩn",    "đầu",  "bấm", "quay", NULL};
    static const char *const so[] = {"số", NULL};
    static const char *const also[] = {"hoặc", "và", NULL};
    const char *s = sc->s;
    size_t n = sc->n, j = i;
    while (j < n && is_digit(s[j]))
        j++;
    if ((j - i == 4 || j - i == 8 || j - i == 10) && (s[i + 1] == '9' || s[i + 1] == '8') &&
        s[i] == '1' && s[i + 2] == '0' && s[i + 3] == '0') {
        size_t g = i + 4, e = j;
        if (j - i == 4) {
            if (j + 1 >= n || (s[j] != ' ' && s[j] != '.' && s[j] != '-'))
                return 0;
            g = j + 1;
            for (e = g; e < n && is_digit(s[e]);)
                e++;
            /* more groups: "1900 54 54 40" */
            while (e + 1 < n && s[e] == ' ' && is_digit(s[e + 1]) && e - g < 7) {
                size_t f = e + 1;
                while (f < n && is_digit(s[f]))
                    f++;
                e = f;
            }
        }
        size_t nd = 0;
        for (size_t k = g; k < e; k++)
            nd += is_digit(s[k]);
        if ((nd != 4 && nd != 6) || (e < n && (is_digit(s[e]) || letter_at(s, n, e))) ||
            (e + 1 < n && (s[e] == '.' || s[e] == ',') && is_digit(s[e + 1])))
            return 0;
        say_digits(sc, i, i + 4);
        put_c(sc->o, ',');
        for (size_t k = g; k < e; k++) {
            if (is_digit(s[k]))
                word(sc->o, digit_words[s[k] - '0']);
            else
                put_c(sc->o, ',');
        }
        said_number(sc);
        sc->code = 1;
        return e - i;
    }
    if (j - i == 3 && s[i] == '1' && s[i + 1] == '1' && s[i + 2] != '0' &&
        !(j < n && (letter_at(s, n, j) || ((s[j] == '.' || s[j] == ',' || s[j] == '/') &&
                                           j + 1 < n && is_digit(s[j + 1])))) &&
        (prev_is(sc, 0, call) || (prev_is(sc, 0, so) && prev_is(sc, 1, call)) ||
         (prev_is(sc, 0, also) && sc->code && sc->since_num <= 1))) {
        say_digits(sc, i, j);
        said_number(sc);
        sc->code = 1;
        return j - i;
    }
    return 0;
}

/* A code: a plain run of 4 or more digits starting with 0 that is not a phone number
 * ("0101234567" is a tax code, "001089012345" an identity number), a plain run of 12 or more
 * (ISBN 9780864733283: no one writes such a quantity without separators), or any plain run
 * of 4+ digits after mã, tài khoản, CCCD, CMND, số hiệu… Read digit by digit. Returns bytes
 * used or 0. */
static size_t try_code(struct scan *sc, size_t i)
{
    static const char *const code_words[] = {"mã",     "khoản", "cccd",    "cmnd", "mst",
                                             "hiệu",   "code",  "pin",     "otp",  "seri",
                                             "serial", "imei",  "hotline", NULL};
    const char *s = sc->s;
    size_t n = sc->n, j = i;
    while (j < n && is_digit(s[j]))
        j++;
    if (j - i < 4 || (s[i] != '0' && j - i < 12 && !prev_is(sc, 0, code_words)))
        return 0;
    if (j < n && (letter_at(s, n, j) ||
                  ((s[j] == '.' || s[j] == ',' || s[j] == ':' || s[j] == '/' || s[j] == '-') &&
                   j + 1 < n && is_digit(s[j + 1]))))
        return 0;
    say_digits(sc, i, j);
    said_number(sc);
    sc->code = 1;
    return j - i;
}

/* A kilometre marker: "Km 1717", "km 15+200", "Km25" → "ki lô mét" and the number (the
 * digits are read next, "+200" as "cộng hai trăm"). Only before a number: "km" after one is
 * the unit (try_unit). Returns bytes used or 0. */
static size_t try_km(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n;
    if (i + 2 >= n || (s[i] != 'K' && s[i] != 'k') || (s[i + 1] != 'm' && s[i + 1] != 'M'))
        return 0;
    size_t j = i + 2;
    if (s[j] == ' ' || s[j] == '.')
        j++;
    if (j >= n || !is_digit(s[j]))
        return 0;
    word(sc->o, "ki lô mét");
    push_prev_low(sc, "km", 2);
    sc->since_num++;
    sc->last_num = 0;
    if (j > i + 2)
        put_c(sc->o, ' ');
    return j - i;
}

/* A quarter with its year: "Q3/2013", "Q1-2024" → "quý ba năm hai nghìn…" ("Q3" alone is a
 * district, abbreviations.tsv). Returns bytes used or 0. */
static size_t try_quarter_q(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n;
    unsigned long y;
    if (i + 7 > n || s[i] != 'Q' || s[i + 1] < '1' || s[i + 1] > '4' ||
        (s[i + 2] != '/' && s[i + 2] != '-' && s[i + 2] != '.') ||
        digits_at(s, n, i + 3, 4, &y) != 4 || y < 1900 || y > 2199 ||
        (i + 7 < n && (is_digit(s[i + 7]) || letter_at(s, n, i + 7))))
        return 0;
    word(sc->o, "quý");
    read_uint(sc->nz, (unsigned long)(s[i + 1] - '0'), sc->o);
    word(sc->o, "năm");
    read_uint(sc->nz, y, sc->o);
    said_number(sc);
    return 7;
}

/* ------------------------------------------------------------------ words */

static int is_v(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* Whether v is in the sorted set of n packed strings (see pack_set). */
static int in_set(uint32_t v, const uint32_t *set, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid] == v)
            return 1;
        if (set[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Vietnamese syllable check on a lowercase word: onset, a vowel nucleus from the allowed
 * clusters, a legal final, and a sắc/nặng tone on a stop final. ASCII words that fail are
 * foreign (eSpeak NG would switch to English for them). */
static int vn_syllable(const struct normalizer *nz, const char *w, size_t n)
{
    /* the parts are packed as they are read (see pack): on, the onset; nu, the nucleus */
    uint32_t on = 0, nu = 0;
    size_t i = 0, nc = 0, nv = 0;
    int tone = 0, first_cons = 0;
    /* onset consonants (ASCII and đ, kept as 'D') */
    while (i < n) {
        unsigned char c = (unsigned char)w[i];
        if (c < 0x80 && is_alpha_ascii((char)c) && !is_v((char)c)) {
            if (nc >= 3)
                return 0;
            on |= (uint32_t)c << (8 * nc++);
            i++;
        } else if (c == 0xC4 && i + 1 < n && (unsigned char)w[i + 1] == 0x91) { /* đ */
            if (nc)
                return 0;
            on = 'D';
            nc = 1;
            i += 2;
        } else {
            break;
        }
    }
    first_cons = (int)(on & 0xFF);
    /* nucleus */
    while (i < n && nv < 4) {
        size_t k;
        int cp = cp_at(w, n, i, &k);
        if (cp >= VTAB_SIZE || !nz->vtab[cp])
            break;
        unsigned char t = nz->vtab[cp];
        if (nv < 3)
            nu |= (uint32_t)(unsigned char)vowel_base[(t >> 3) - 1] << (8 * nv);
        nv++;
        if (t & 7) {
            if (tone)
                return 0;
            tone = t & 7;
        }
        i += k;
    }
    if (nv == 0 || nv > 3)
        return 0;
    /* "gi" and "qu" take their vowel from the nucleus */
    if (nc == 1 && first_cons == 'g' && (nu & 0xFF) == 'i' && nv > 1) {
        on = PACK2('g', 'i');
        nu >>= 8;
    } else if (nc == 1 && first_cons == 'q' && (nu & 0xFF) == 'u' && nv > 1) {
        on = PACK2('q', 'u');
        nu >>= 8;
    } else if (nc == 1 && first_cons == 'D') {
        on = 'd';
    }
    if (nc && !in_set(on, nz->onsets, nz->nonsets))
        return 0;
    if (!in_set(nu, nz->nuclei, nz->nnuclei))
        return 0;
    /* spelling rules: k/gh/ngh before e ê i y, c/g/ng not */
    char v0 = (char)(nu & 0xFF);
    int front = v0 == 'e' || v0 == 'E' || v0 == 'i' || v0 == 'y';
    if ((on == 'k' || on == PACK2('g', 'h') || on == PACK3('n', 'g', 'h')) && !front)
        return 0;
    if ((on == 'c' || on == 'g' || on == PACK2('n', 'g')) && front && !(on == 'g' && v0 == 'i'))
        return 0;
    /* coda: packed as pack() would (up to a NUL) */
    size_t cn = n - i;
    if (cn > 2)
        return 0;
    uint32_t cd = 0;
    if (cn > 0 && w[i]) {
        cd = (unsigned char)w[i];
        if (cn > 1 && w[i + 1])
            cd |= (uint32_t)(unsigned char)w[i + 1] << 8;
    }
    if (cn && !in_set(cd, nz->codas, nz->ncodas))
        return 0;
    if (cn) {
        if (in_set(nu, nz->open_only, nz->nopen_only))
            return 0;
        int stop = w[i] == 'c' || w[i] == 'p' || w[i] == 't';
        if (stop && tone != 2 && tone != 5)
            return 0;
    }
    return 1;
}

/* Adds the sắc tone to an ASCII vowel (or ô ê ơ given as O E P). */
static const char *vowel_out(char v, int sac)
{
    switch (v) {
    case 'a':
        return sac ? "á" : "a";
    case 'e':
        return sac ? "é" : "e";
    case 'E':
        return sac ? "ế" : "ê";
    case 'i':
        return sac ? "í" : "i";
    case 'o':
        return sac ? "ó" : "o";
    case 'O':
        return sac ? "ố" : "ô";
    case 'P':
        return sac ? "ớ" : "ơ";
    case 'u':
        return sac ? "ú" : "u";
    default:
        return sac ? "ý" : "y";
    }
}

/* Respells an ASCII foreign word (lowercase letters only, n < 64) as Vietnamese syllables:
 * "putin" → "pu tin", "ronaldo" → "rô nan đô", "messi" → "mét xi". Rough, but it keeps the
 * Vietnamese voice and sounds like the way Vietnamese newsreaders say such names. */
static void translit(struct buf *o, const char *w, size_t n)
{
    /* phones: consonant strings, vowels kept as letters */
    const char *ph[64];
    int isv[64];
    size_t np = 0, i = 0;
    if (n > 3 && w[n - 1] == 'e' && !is_v(w[n - 2]) && is_v(w[n - 3]))
        n--; /* silent final e: "phone", "smile" */
    while (i < n && np < 63) {
        char c = w[i], d = i + 1 < n ? w[i + 1] : 0;
        const char *p = NULL;
        size_t adv = 1;
        int vow = 0;
        if ((c == 'e' && (d == 'a' || d == 'e')) || (c == 'o' && d == 'o')) {
            p = c == 'e' ? "i" : "u", adv = 2, vow = 1;
        } else if (c == 'w' && is_v(d)) {
            p = "o", vow = 1;
        } else if (c == 'n' && d == 'h') {
            p = "nh", adv = 2;
        } else if (is_v(c)) {
            static const char *const vv[] = {"a", "e", "i", "o", "u", "i"};
            p = vv[strchr("aeiouy", c) - "aeiouy"];
            vow = 1;
        } else if ((c == 's' && d == 'h') || (c == 'z' && d == 'h')) {
            p = "s", adv = 2;
        } else if (c == 'c' && d == 'h') {
            p = "ch", adv = 2;
        } else if (c == 'p' && d == 'h') {
            p = "ph", adv = 2;
        } else if (c == 't' && d == 'h') {
            p = "th", adv = 2;
        } else if (c == 'c' && d == 'k') {
            p = "k", adv = 2;
        } else if (c == 'g' && d == 'h') {
            p = "g", adv = 2;
        } else if (c == 'k' && d == 'h') {
            p = "kh", adv = 2;
        } else if (c == 'n' && d == 'g' && !(i + 2 < n && is_v(w[i + 2]))) {
            p = "ng", adv = 2;
        } else if (c == 'q' && d == 'u') {
            p = "qu", adv = 2;
        } else if (c == 'w' && d == 'h') {
            p = "u", adv = 2, vow = 1;
        }
        if (!p) {
            switch (c) {
            case 'c':
                p = (d == 'e' || d == 'i' || d == 'y') ? "x" : "c";
                break;
            case 'd':
                p = "đ";
                break;
            case 'f':
                p = "ph";
                break;
            case 'j':
                p = "gi";
                break;
            case 'q':
                p = "c";
                break;
            case 's':
                p = "x";
                break;
            case 'w':
                p = "u", vow = 1;
                break;
            case 'y':
                p = "d";
                break;
            case 'z':
                p = "d";
                break;
            case 'b':
                p = "b";
                break;
            case 'g':
                p = "g";
                break;
            case 'h':
                p = "h";
                break;
            case 'k':
                p = "k";
                break;
            case 'l':
                p = "l";
                break;
            case 'm':
                p = "m";
                break;
            case 'n':
                p = "n";
                break;
            case 'p':
                p = "p";
                break;
            case 'r':
                p = "r";
                break;
            case 't':
                p = "t";
                break;
            case 'v':
                p = "v";
                break;
            case 'x':
                p = "x";
                break;
            default:
                p = NULL;
                break;
            }
        }
        if (p) {
            ph[np] = p;
            isv[np] = vow;
            np++;
        }
        i += adv;
    }
    /* syllables: (onset) vowel(s) (coda) */
    size_t k = 0;
    int first = 1;
    while (k < np) {
        size_t c0 = k;
        while (k < np && !isv[k])
            k++;
        if (k == np) { /* only consonants left */
            if (first) {
                for (size_t q = c0; q < np; q++) {
                    word(o, ph[q]);
                    put_s(o, "ơ");
                }
            }
            break;
        }
        /* extra onset consonants become their own "Cơ" syllables */
        for (size_t q = c0; q + 1 < k; q++) {
            word(o, strcmp(ph[q], "đ") == 0 ? "đ" : ph[q]);
            put_s(o, "ơ");
        }
        const char *onset = k > c0 ? ph[k - 1] : "";
        char v1 = ph[k][0], v2 = 0;
        size_t v = k + 1;
        if (v < np && isv[v]) {
            char b = ph[v][0];
            static const char *const pairs[] = {"ai", "ao", "au", "oa", "oe", "oi", "ua",
                                                "ui", "uy", "ia", "iu", "eo", NULL};
            char pr[3] = {v1, b, 0};
            for (size_t q = 0; pairs[q]; q++)
                if (strcmp(pr, pairs[q]) == 0)
                    v2 = b;
            if (v2)
                v++;
        }
        /* the coda: one consonant before another consonant or the end */
        const char *coda = "";
        size_t after = v;
        size_t cc = 0;
        while (after + cc < np && !isv[after + cc])
            cc++;
        if (cc >= 2 || (cc == 1 && after + 1 == np)) {
            const char *c = ph[after];
            if (!strcmp(c, "c") || !strcmp(c, "k") || !strcmp(c, "g") || !strcmp(c, "ch") ||
                !strcmp(c, "kh"))
                coda = "c";
            else if (!strcmp(c, "t") || !strcmp(c, "đ") || !strcmp(c, "th") || !strcmp(c, "x") ||
                     !strcmp(c, "s") || !strcmp(c, "d") || !strcmp(c, "gi"))
                coda = "t";
            else if (!strcmp(c, "p") || !strcmp(c, "b") || !strcmp(c, "ph") || !strcmp(c, "v"))
                coda = "p";
            else if (!strcmp(c, "m"))
                coda = "m";
            else if (!strcmp(c, "n") || !strcmp(c, "l"))
                coda = "n";
            else if (!strcmp(c, "ng"))
                coda = "ng";
            else if (!strcmp(c, "nh"))
                coda = "nh";
            else
                coda = "";
            after++;
            if (after < np && !isv[after] && after + 1 == np)
                after++; /* "world": drop a second final consonant */
        }
        if (v2 && *coda && (v2 == 'i' || v2 == 'o' || v2 == 'u'))
            coda = ""; /* "ai", "ao"… take no final */
        int stop = *coda == 'c' || *coda == 't' || *coda == 'p';
        /* vowels: o is ô in an open syllable; i + c → ich, i + ng → inh */
        char m1 = v1, m2 = v2;
        if (!v2 && v1 == 'o' && !*coda)
            m1 = 'O';
        if (!v2 && v1 == 'e' && !*coda && !*onset)
            m1 = 'e';
        /* onset spelling before front vowels */
        const char *on = onset;
        int front = m1 == 'e' || m1 == 'i' || m1 == 'E' || m1 == 'y';
        if (!strcmp(on, "c") && front)
            on = "k";
        else if (!strcmp(on, "k") && !front)
            on = "c";
        else if (!strcmp(on, "g") && front)
            on = "gh";
        else if (!strcmp(on, "ng") && front)
            on = "ngh";
        word(o, on);
        if (m2) {
            put_s(o, vowel_out(m1, 0));
            put_s(o, vowel_out(m2, stop));
        } else {
            put_s(o, vowel_out(m1, stop));
        }
        if (m1 == 'i' && !m2 && !strcmp(coda, "c"))
            coda = "ch";
        else if (m1 == 'i' && !m2 && !strcmp(coda, "ng"))
            coda = "nh";
        put_s(o, coda);
        first = 0;
        k = after;
    }
}

/* Says the letters of w one by one with their Vietnamese names. */
static void spell(struct scan *sc, const char *w, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k;
        int cp = cp_at(w, n, i, &k);
        if (k == 0)
            break;
        char low[8];
        size_t ln = lexicon_lower(w + i, k, low, sizeof(low));
        const struct lex_entry *e =
            ln == (size_t)-1 ? NULL : lexicon_find(sc->nz->letters, low, ln);
        if (e)
            word(sc->o, e->exp);
        else if (cp_is_letter(cp))
            wordn(sc->o, low, ln);
        i += k;
    }
}

/* Roman numeral value of an all-caps word (0 when not one). */
static unsigned roman_value(const char *w, size_t n)
{
    if (n == 0 || n > 8)
        return 0;
    static const char sym[] = "IVXLCDM";
    static const unsigned val[] = {1, 5, 10, 50, 100, 500, 1000};
    unsigned total = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = strchr(sym, w[i]);
        if (!p || !w[i])
            return 0;
        unsigned v = val[p - sym], nx = 0;
        if (i + 1 < n) {
            const char *q = strchr(sym, w[i + 1]);
            if (!q || !w[i + 1])
                return 0;
            nx = val[q - sym];
        }
        total = nx > v ? total - v : total + v;
    }
    /* canonical form only: re-encode and compare */
    static const char *const r[] = {"M",  "CM", "D",  "CD", "C",  "XC", "L",
                                    "XL", "X",  "IX", "V",  "IV", "I"};
    static const unsigned rv[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    char enc[32];
    size_t e = 0;
    unsigned t = total;
    if (t == 0 || t > 3999)
        return 0;
    for (size_t k = 0; k < 13; k++)
        while (t >= rv[k] && e + 3 < sizeof(enc)) {
            size_t l = strlen(r[k]);
            memcpy(enc + e, r[k], l);
            e += l;
            t -= rv[k];
        }
    return e == n && memcmp(enc, w, n) == 0 ? total : 0;
}

static const char *const roman_words[] = {
    "kỷ",  "kỉ",  "khóa", "khoá", "quý",  "lần", "hạng",  "kỳ",   "kì",  "hội", "phần", "chương",
    "thứ", "đợt", "vòng", "cấp",  "loại", "mục", "chiến", "giải", "bậc", "tập", "số",   NULL};

/* Whether the next token after e is a number ("QL 18", "QL18", "Q.1"). */
static int number_follows(const char *s, size_t n, size_t e, int *year)
{
    if (e < n && (s[e] == ' ' || s[e] == '.'))
        e++;
    size_t j = e;
    while (j < n && is_digit(s[j]))
        j++;
    if (year)
        *year = j - e == 4 || j - e == 2;
    return j > e;
}

static size_t letters_end(const char *s, size_t n, size_t i);

/* Whether a place name follows e: two words, each a capitalised Vietnamese syllable, the
 * first glued to e or after one space ("Q.Bình Thạnh", "H. Nghi Lộc"), so a person's initial
 * ("Q.Huy", "ông Q. nói") or a foreign name ("H. Kane") is not taken for quận or huyện. */
static int place_follows(const struct scan *sc, size_t e)
{
    const char *s = sc->s;
    size_t n = sc->n;
    for (int w = 0; w < 2; w++) {
        if (e < n && s[e] == ' ')
            e++;
        else if (w)
            return 0;
        size_t k;
        int cp = cp_at(s, n, e, &k);
        if (!k || !cp_is_letter(cp) || !cp_is_upper(cp))
            return 0;
        size_t le = letters_end(s, n, e);
        char low[WORD_MAX];
        size_t ln = le - e < WORD_MAX ? lexicon_lower(s + e, le - e, low, sizeof(low)) : (size_t)-1;
        if (ln == (size_t)-1 || !vn_syllable(sc->nz, low, ln))
            return 0;
        e = le;
    }
    return 1;
}

static int ctx_match(const struct scan *sc, const struct lex_entry *en, size_t end)
{
    const char *c = en->ctx;
    const char *s = sc->s;
    size_t n = sc->n;
    if (!*c)
        return 1;
    if (strcmp(c, "num") == 0)
        return number_follows(s, n, end, NULL);
    if (strcmp(c, "!num") == 0)
        return !number_follows(s, n, end, NULL);
    if (strcmp(c, "year") == 0) {
        int y = 0;
        return number_follows(s, n, end, &y) && y;
    }
    if (strcmp(c, "phone") == 0) {
        size_t j = end;
        while (j < n && (s[j] == ' ' || s[j] == ':' || s[j] == '('))
            j++;
        return j < n && (s[j] == '0' || s[j] == '+');
    }
    if (strcmp(c, "case") == 0)
        return 1;
    if (strcmp(c, "place") == 0)
        return place_follows(sc, end);
    int isprev = strncmp(c, "prev=", 5) == 0, isnext = strncmp(c, "next=", 5) == 0;
    if (!isprev && !isnext)
        return 0;
    char target[WORD_MAX];
    if (isprev) {
        snprintf(target, sizeof(target), "%s", sc->prev[0]);
    } else {
        next_word_low(s, n, end, target);
        if (!target[0])
            return 0;
    }
    const char *p = c + 5;
    size_t tl = strlen(target);
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == tl && memcmp(p, target, l) == 0)
            return 1;
        p = bar ? bar + 1 : p + l;
    }
    return 0;
}

/* Looks key (n bytes of source at s) up in lx; says the first entry whose context matches. */
static int say_lex(struct scan *sc, const struct lexicon *lx, const char *src, size_t n, size_t end)
{
    char low[256];
    if (n == 0 || n >= sizeof(low))
        return 0;
    size_t ln = lexicon_lower(src, n, low, sizeof(low));
    if (ln == (size_t)-1)
        return 0;
    for (const struct lex_entry *e = lexicon_find(lx, low, ln); e; e = e->next) {
        if (ctx_match(sc, e, end)) {
            word(sc->o, e->exp);
            return 1;
        }
    }
    return 0;
}

/* End of a letters-only run from i. */
static size_t letters_end(const char *s, size_t n, size_t i)
{
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (!is_alpha_ascii((char)c))
                break;
            i++;
            continue;
        }
        size_t k;
        int cp = cp_at(s, n, i, &k);
        if (!cp_is_letter(cp))
            break;
        i += k;
    }
    return i;
}

/* End of an abbreviation-like token from i: letters and digits joined by ".", "&", "-". */
static size_t token_end(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n) {
        size_t e = letters_end(s, n, j);
        while (e < n && is_digit(s[e]))
            e++;
        if (e == j)
            break;
        j = e;
        if (j + 1 < n && (s[j] == '.' || s[j] == '&' || s[j] == '-') &&
            (letter_at(s, n, j + 1) || is_digit(s[j + 1])))
            j++;
        else
            break;
    }
    return j;
}

/* Counts uppercase letters and whether any lowercase or non-ASCII letter is in [i, e). */
static void case_stats(const char *s, size_t i, size_t e, size_t *upper, size_t *lower,
                       int *nonascii, size_t *letters)
{
    *upper = *lower = *letters = 0;
    *nonascii = 0;
    while (i < e) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { /* ASCII without decoding */
            if (is_alpha_ascii((char)c)) {
                (*letters)++;
                if (c <= 'Z')
                    (*upper)++;
                else
                    (*lower)++;
            }
            i++;
            continue;
        }
        size_t k;
        int cp = cp_at(s, e, i, &k);
        if (cp_is_letter(cp)) {
            (*letters)++;
            if (cp_is_upper(cp))
                (*upper)++;
            else
                (*lower)++;
            if (cp >= 0x80)
                *nonascii = 1;
        }
        i += k;
    }
}

/* Says a letters-only word [i, e). */
static void say_plain_word(struct scan *sc, size_t i, size_t e)
{
    const char *s = sc->s;
    size_t up, lo, nl;
    int na;
    case_stats(s, i, e, &up, &lo, &na, &nl);
    sc->since_num++;
    if (up == 0 && na) { /* the common case: a lowercase Vietnamese word */
        push_prev_low(sc, s + i, e - i);
        wordn(sc->o, s + i, e - i);
        return;
    }
    char low[WORD_MAX * 2];
    size_t ln = e - i < WORD_MAX ? lexicon_lower(s + i, e - i, low, sizeof(low)) : (size_t)-1;
    if (ln != (size_t)-1)
        push_prev_low(sc, low, ln);
    else
        push_prev(sc, s + i, e - i);
    if (up >= 2 && lo == 0) {
        /* all caps: a Roman numeral, a Vietnamese word in a headline, or letters */
        unsigned rv = roman_value(s + i, e - i);
        int ivx = 1;
        for (size_t k = i; k < e; k++)
            ivx &= s[k] == 'I' || s[k] == 'V' || s[k] == 'X';
        if (rv && (prev_is(sc, 1, roman_words) || ivx)) {
            read_uint(sc->nz, rv, sc->o);
            said_number(sc);
            return;
        }
        if (ln != (size_t)-1 && vn_syllable(sc->nz, low, ln)) {
            wordn(sc->o, low, ln);
            return;
        }
        if (ln != (size_t)-1 && !na && say_lex(sc, sc->nz->foreign, s + i, e - i, e))
            return;
        spell(sc, s + i, e - i);
        return;
    }
    if (up == 1 && nl == 1) { /* one capital letter: its name ("độ C", "Nguyễn Văn A") */
        if (e - i == 1 && roman_value(s + i, 1) && prev_is(sc, 1, roman_words)) {
            read_uint(sc->nz, roman_value(s + i, 1), sc->o);
            said_number(sc);
            return;
        }
        size_t k;
        int cp = cp_at(s, e, i, &k);
        int lc = utf8proc_tolower(cp);
        int vowel = lc >= 0 && lc < VTAB_SIZE && sc->nz->vtab[lc];
        if (vowel) /* "Y tế", "Ý", "Ô": a Vietnamese word, as written */
            wordn(sc->o, s + i, e - i);
        else
            spell(sc, s + i, e - i);
        return;
    }
    if (nl == 1 && ln == 1 && !is_v(low[0])) { /* a lone consonant letter */
        spell(sc, s + i, e - i);
        return;
    }
    if (na || ln == (size_t)-1 || vn_syllable(sc->nz, low, ln)) {
        wordn(sc->o, s + i, e - i); /* Vietnamese: as written */
        return;
    }
    /* ASCII, not a Vietnamese syllable: a foreign word */
    if (say_lex(sc, sc->nz->foreign, s + i, e - i, e))
        return;
    translit(sc->o, low, ln);
}

/* The fast path: a lowercase word not joined to digits or other tokens ("các", "trong")
 * that is Vietnamese is said as written. Returns bytes used, or 0 to take the slow path. */
static size_t plain_word(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n, e = i;
    int na = 0;
    while (e < n) {
        unsigned char c = (unsigned char)s[e];
        if (c < 0x80) { /* ASCII without decoding: most letters of most words */
            if (c >= 'a' && c <= 'z') {
                e++;
                continue;
            }
            if (c >= 'A' && c <= 'Z')
                return 0;
            break;
        }
        size_t k;
        int cp = cp_at(s, n, e, &k);
        if (!cp_is_letter(cp))
            break;
        if (cp_is_upper(cp))
            return 0;
        na = 1;
        e += k;
    }
    if (e == i || e - i >= WORD_MAX)
        return 0;
    if (e < n) {
        char c = s[e];
        if (is_digit(c) || c == '&' || c == '@' || c == '_')
            return 0;
        if ((c == '.' || c == '-' || c == '/') && e + 1 < n &&
            (is_digit(s[e + 1]) || letter_at(s, n, e + 1)))
            return 0;
    }
    if (!na && !vn_syllable(sc->nz, s + i, e - i))
        return 0;
    if (sc->user && lexicon_find(sc->nz->user, s + i, e - i))
        return 0;
    push_prev_low(sc, s + i, e - i);
    sc->since_num++;
    sc->last_num = 0;
    wordn(sc->o, s + i, e - i);
    return e - i;
}

/* Whether the text's capitals cover the name's: a part the file writes with a capital
 * ("Manchester United", "Bosnia and Herzegovina") must be written with one ("MANCHESTER
 * UNITED" too); "Apple" is a name, "apple" is not. form and the n bytes at s are the same
 * letters up to case. */
static int name_caps(const char *form, const char *s, size_t n)
{
    size_t fn = strlen(form), fi = 0, si = 0;
    int start = 1;
    while (fi < fn && si < n) {
        size_t fk, sk;
        int fc = cp_at(form, fn, fi, &fk), tc = cp_at(s, n, si, &sk);
        if (start && cp_is_upper(fc) && !cp_is_upper(tc))
            return 0;
        start = fc == ' ' || fc == '-';
        fi += fk;
        si += sk;
    }
    return 1;
}

/* A foreign name of names.tsv at i, capitalised as name_caps asks: the most parts first
 * ("Real Madrid" before "Real"), parts joined by one space or '-'. Says it and returns the
 * bytes used, or 0. */
static size_t try_name(struct scan *sc, size_t i)
{
    const struct normalizer *nz = sc->nz;
    const char *s = sc->s;
    size_t n = sc->n;
    if (!nz->name_parts)
        return 0;
    size_t ends[NAME_PARTS], np = 0, e = i;
    while (np < nz->name_parts) {
        size_t we = letters_end(s, n, e);
        if (we == e)
            break;
        ends[np++] = we;
        if (we + 1 < n && (s[we] == ' ' || s[we] == '-') && letter_at(s, n, we + 1))
            e = we + 1;
        else
            break;
    }
    char low[256];
    if (np == 0 || ends[0] - i >= sizeof(low))
        return 0;
    size_t ln = lexicon_lower(s + i, ends[0] - i, low, sizeof(low));
    uint32_t hb = ln == (size_t)-1 ? 0 : head_hash(low, ln);
    if (np > 1 && (ln == (size_t)-1 || !(nz->name_heads[hb >> 6] >> (hb & 63) & 1)))
        np = 1;
    for (size_t p = np; p-- > 0;) {
        size_t end = ends[p], len = end - i;
        /* not the start of a longer token: "Apple.com" is a host, "Galaxy3" a code */
        if (end < n && (is_digit(s[end]) || s[end] == '&' || s[end] == '@' || s[end] == '_' ||
                        (s[end] == '.' && end + 1 < n && letter_at(s, n, end + 1))))
            continue;
        if (len >= sizeof(low) || (ln = lexicon_lower(s + i, len, low, sizeof(low))) == (size_t)-1)
            continue;
        const struct lex_entry *en = lexicon_find(nz->names, low, ln);
        if (en && name_caps(en->form, s + i, len)) {
            word(sc->o, en->exp);
            push_prev(sc, s + i, ends[0] - i);
            sc->since_num++;
            return len;
        }
    }
    return 0;
}

/* A word starting at i (a letter). Returns bytes used. */
static size_t do_word(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n;
    size_t le = letters_end(s, n, i);
    size_t te = token_end(s, n, i);
    /* the user's lexicon first: the token, then the word */
    if (sc->user) {
        if (te > le && say_lex(sc, sc->nz->user, s + i, te - i, te))
            return te - i;
        if (say_lex(sc, sc->nz->user, s + i, le - i, le)) {
            push_prev(sc, s + i, le - i);
            return le - i;
        }
    }
    size_t nm = try_name(sc, i);
    if (nm)
        return nm;
    size_t up, lo, nl;
    int na;
    case_stats(s, i, te, &up, &lo, &na, &nl);
    int inner = 0; /* ".", "&" inside the token */
    for (size_t k = i; k < te; k++)
        if (s[k] == '.' || s[k] == '&')
            inner = 1;
    int dotted = te < n && s[te] == '.' && up >= 1 && te - i <= 8;
    int glued = le < n && is_digit(s[le]); /* "QL18", "Km15" */
    int abbr = up >= 2 || (up >= 1 && (inner || dotted || glued)) || (inner && nl <= 4);
    if (!abbr && up == 1 && lo >= 1 && !na && te == le && le - i <= 5 && s[i] >= 'A' &&
        s[i] <= 'Z') {
        /* a capitalised key that is no Vietnamese word ("Cty", "Tp"): not "Ca", "Bao" */
        char low[8];
        size_t ln = lexicon_lower(s + i, le - i, low, sizeof(low));
        abbr = ln != (size_t)-1 && lexicon_find(sc->nz->abbr, low, ln) &&
               !vn_syllable(sc->nz, low, ln);
    }
    if (abbr) {
        /* two-token keys: "TP HCM", "TP. HCM", "LĐ, TB&XH", "SEA Games" */
        size_t j = te;
        if (j < n && (s[j] == '.' || s[j] == ','))
            j++;
        if (j + 1 < n && s[j] == ' ' && letter_at(s, n, j + 1)) {
            size_t t2 = token_end(s, n, j + 1);
            size_t u2, l2, n2;
            int a2;
            case_stats(s, j + 1, t2, &u2, &l2, &a2, &n2);
            if (u2 >= 1 && say_lex(sc, sc->nz->abbr, s + i, t2 - i, t2)) {
                push_prev(sc, s + i, le - i);
                sc->since_num++;
                return t2 - i;
            }
        }
        /* a key with "&" written between spaces: "LĐTB & XH", "GD & ĐT" */
        if (te + 3 < n && s[te] == ' ' && s[te + 1] == '&' && s[te + 2] == ' ' &&
            letter_at(s, n, te + 3)) {
            size_t t2 = token_end(s, n, te + 3), l1 = te - i, l2 = t2 - (te + 3);
            char key[128];
            if (l1 + 1 + l2 < sizeof(key)) {
                memcpy(key, s + i, l1);
                key[l1] = '&';
                memcpy(key + l1 + 1, s + te + 3, l2);
                if (say_lex(sc, sc->nz->abbr, key, l1 + 1 + l2, t2)) {
                    push_prev(sc, s + i, le - i);
                    sc->since_num++;
                    return t2 - i;
                }
            }
        }
        /* the whole token, with a trailing dot first ("TS.", "PGS.TS.") */
        if (dotted && say_lex(sc, sc->nz->abbr, s + i, te + 1 - i, te + 1)) {
            push_prev(sc, s + i, le - i);
            sc->since_num++;
            return te + 1 - i;
        }
        if (say_lex(sc, sc->nz->abbr, s + i, te - i, te)) {
            push_prev(sc, s + i, le - i);
            sc->since_num++;
            /* the abbreviation's dot is not a pause (kept at the very end) */
            return te - i + (te + 1 < n && s[te] == '.' && s[te + 1] == ' ');
        }
        /* the first part: "PGS.TS.Nguyễn", "Q.1", "QL18" */
        size_t pe = le;
        if (pe < n && s[pe] == '.' && say_lex(sc, sc->nz->abbr, s + i, pe + 1 - i, pe + 1)) {
            push_prev(sc, s + i, le - i);
            sc->since_num++;
            return pe + 1 - i;
        }
        if (say_lex(sc, sc->nz->abbr, s + i, le - i, le)) {
            push_prev(sc, s + i, le - i);
            sc->since_num++;
            size_t r = le - i;
            if (le < n && s[le] == '.' && le + 1 < n)
                r++; /* the abbreviation's dot is not a pause (kept at the very end) */
            return r;
        }
    }
    say_plain_word(sc, i, le);
    size_t r = le - i;
    /* a dot between letters inside an abbreviation ("A.C", "TP.V") is not a pause */
    if (abbr && up >= 1 && le + 1 < n && s[le] == '.' && letter_at(s, n, le + 1))
        r++;
    /* nor is an initial's dot before the rest of the name ("HLV P. Troussier"): the splitter
     * kept them in one sentence */
    size_t k;
    if (up == 1 && nl == 1 && le + 2 < n && s[le] == '.' && s[le + 1] == ' ' &&
        cp_is_upper(cp_at(s, n, le + 2, &k)) && letter_at(s, n, le + 2))
        r++;
    return r;
}

/* ------------------------------------------------------------------ URLs, e-mails */

static const char *const tlds[] = {"vn", "com",  "net", "org", "gov", "edu", "info",
                                   "io", "asia", "biz", "tv",  "uk",  "fr",  "jp",
                                   "cn", "kr",   "us",  "de",  "ru",  "int", NULL};

/* Says a host label or user name: numbers, known words, else syllables by rule. */
static void say_label(struct scan *sc, const char *w, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        if (is_digit(w[i])) {
            while (j < n && is_digit(w[j]))
                j++;
            read_digits_as_number(sc->nz, w + i, j - i, sc->o);
        } else if (is_alpha_ascii(w[i])) {
            while (j < n && is_alpha_ascii(w[j]))
                j++;
            char low[64];
            size_t ln = j - i < 63 ? lexicon_lower(w + i, j - i, low, sizeof(low)) : (size_t)-1;
            static const char *const spelled[] = {"vn", "www", "gov", "edu", "org", NULL};
            int sp = 0;
            for (size_t k = 0; ln != (size_t)-1 && spelled[k]; k++)
                sp |= strcmp(low, spelled[k]) == 0;
            if (ln == (size_t)-1 || sp)
                spell(sc, w + i, j - i);
            else if (!say_lex(sc, sc->nz->foreign, w + i, j - i, j)) {
                if (vn_syllable(sc->nz, low, ln))
                    wordn(sc->o, low, ln);
                else
                    translit(sc->o, low, ln);
            }
        } else {
            j++;
            if (w[i] == '-')
                word(sc->o, "gạch ngang");
            else if (w[i] == '_')
                word(sc->o, "gạch dưới");
        }
        i = j;
    }
}

static inline int host_char(char c)
{
    return is_digit(c) || is_alpha_ascii(c) || c == '-' || c == '_';
}

/* Tries a URL, a bare domain or an e-mail at i. Says the host (labels joined by "chấm");
 * the path is not read. Returns bytes used or 0. */
static size_t try_url(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n, j = i;
    int scheme = 0;
    if (n - i > 8 && s[i] == 'h' &&
        (strncmp(s + i, "http://", 7) == 0 || strncmp(s + i, "https://", 8) == 0)) {
        j = i + (s[i + 4] == 's' ? 8 : 7);
        scheme = 1;
    }
    /* user@ */
    size_t at = 0, k = j;
    while (k < n && (host_char(s[k]) || s[k] == '.') && k - j < 128)
        k++;
    if (!scheme && k < n && s[k] == '@' && k > j)
        at = k;
    size_t h0 = at ? at + 1 : j, h = h0;
    size_t labels = 0, last0 = h0;
    while (h < n && h - h0 < 256) {
        size_t l0 = h;
        while (h < n && host_char(s[h]))
            h++;
        if (h == l0)
            break;
        labels++;
        last0 = l0;
        if (h + 1 < n && s[h] == '.' && host_char(s[h + 1]))
            h++;
        else
            break;
    }
    if (labels < 2 && !scheme)
        return 0;
    if (!scheme) {
        char low[8];
        size_t ln =
            h - last0 < 6 ? lexicon_lower(s + last0, h - last0, low, sizeof(low)) : (size_t)-1;
        int ok = 0;
        for (size_t t = 0; ln != (size_t)-1 && tlds[t]; t++)
            ok |= strcmp(low, tlds[t]) == 0;
        if (!ok)
            return 0;
    }
    if (h < n && (letter_at(s, n, h) || s[h] == '@'))
        return 0;
    if (at) {
        size_t p = j;
        while (p < at) {
            size_t q = p;
            while (q < at && s[q] != '.')
                q++;
            say_label(sc, s + p, q - p);
            if (q < at)
                word(sc->o, "chấm");
            p = q + 1;
        }
        word(sc->o, "a còng");
    }
    size_t p = h0;
    while (p < h) {
        size_t q = p;
        while (q < h && s[q] != '.')
            q++;
        say_label(sc, s + p, q - p);
        if (q < h)
            word(sc->o, "chấm");
        p = q + 1;
    }
    /* the path, query and fragment are not read */
    size_t e = h;
    if (e < n && (s[e] == '/' || s[e] == ':' || s[e] == '?' || s[e] == '#')) {
        while (e < n && s[e] != ' ' && s[e] != '\n' && s[e] != '\t' && s[e] != ')' && s[e] != '"')
            e++;
        while (e > h && (s[e - 1] == '.' || s[e - 1] == ',' || s[e - 1] == ';'))
            e--;
    }
    sc->since_num++;
    sc->last_num = 0;
    return e - i;
}

/* ------------------------------------------------------------------ symbols */

/* Whether the '/' at i ends "quý I", "quý IV" and a 4-digit year follows. */
static int quarter_year(const char *s, size_t n, size_t i)
{
    size_t b = i;
    while (b > 0 && (s[b - 1] == 'I' || s[b - 1] == 'V'))
        b--;
    if (b == i || i - b > 3 || b < 5 || s[b - 1] != ' ')
        return 0;
    /* "quý" is q u ý (C3 BD) */
    if (memcmp(s + b - 4, "uý", 3) != 0 || (s[b - 5] != 'q' && s[b - 5] != 'Q'))
        return 0;
    unsigned long y;
    return digits_at(s, n, i + 1, 4, &y) == 4 && !(i + 5 < n && is_digit(s[i + 5]));
}

/* One symbol or other character at i. Returns bytes used (>= 1). */
static size_t do_symbol(struct scan *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n;
    struct buf *o = sc->o;
    unsigned char c = (unsigned char)s[i];
    size_t k;
    int cp = cp_at(s, n, i, &k);
    int digit_next = 0;
    size_t j = i + k;
    while (j < n && s[j] == ' ')
        j++;
    digit_next = j < n && is_digit(s[j]);
    switch (cp) {
    case '&':
        word(o, "và");
        return 1;
    case '+':
        word(o, "cộng");
        return 1;
    case '%':
        word(o, "phần trăm");
        return 1;
    case '@':
        word(o, "a còng");
        return 1;
    case '=':
        word(o, "bằng");
        return 1;
    case '>':
        word(o, "lớn hơn");
        return 1;
    case '<':
        word(o, "nhỏ hơn");
        return 1;
    case '~':
        word(o, "khoảng");
        return 1;
    case '$':
        word(o, "đô la");
        return 1;
    case 0x20AC:
        word(o, "ơ rô");
        return k;
    case 0xB0:
        word(o, "độ");
        return k;
    case '|':
        put_c(o, ',');
        return 1;
    case '*':
    case '_':
    case '\\':
    case '^':
    case '`':
    case '#':
    case 0xFFFD:
        put_c(o, ' ');
        return k ? k : 1;
    case '/': {
        size_t ku = 0;
        if (sc->since_num <= 3 && alnum_before(s, i) && letter_at(s, n, i + 1)) {
            word(o, "trên");
            ku = try_unit(sc, i + 1); /* "USD/kg", "đồng/CP" */
        } else {
            put_c(o, ' ');
        }
        if (!ku && letter_at(s, n, i + 1)) { /* the word after sees it: "15/CP" (prev=/) */
            prev_shift(sc);
            strcpy(sc->prev[0], "/");
        }
        return 1 + ku;
    }
    case '-':
    case 0x2013:   /* – */
    case 0x2014: { /* — (braces: a declaration may not follow a label in C11) */
        size_t b = i;
        while (b > 0 && s[b - 1] == ' ')
            b--;
        if (b > 0 && is_digit(s[b - 1]) && sc->last_num && digit_next) {
            word(o, sc->num_score ? "" : "đến");
            return k;
        }
        if (cp == '-' && i + 1 < n && is_digit(s[i + 1]) && !alnum_before(s, i)) {
            word(o, "âm");
            return 1;
        }
        if (cp == '-' && alnum_before(s, i) && i + 1 < n &&
            (letter_at(s, n, i + 1) || is_digit(s[i + 1]))) {
            put_c(o, ' '); /* "Nam-Bắc", "LĐ-TB": a word joint */
            return 1;
        }
        break;
    }
    default:
        break;
    }
    (void)c;
    if (k == 0)
        k = 1;
    put_n(o, s + i, k);
    return k;
}

/* ------------------------------------------------------------------ driver */

int normalizer_stats(const struct normalizer *nz, size_t *abbreviations, size_t *units,
                     size_t *foreign)
{
    if (!nz)
        return DB_EINVAL;
    if (abbreviations)
        *abbreviations = lexicon_size(nz->abbr);
    if (units)
        *units = lexicon_size(nz->units);
    if (foreign)
        *foreign = lexicon_size(nz->foreign);
    return 0;
}

int normalizer_is_syllable(const struct normalizer *nz, const char *w, size_t n)
{
    char low[WORD_MAX];
    if (!nz || !w || n == 0 || n >= WORD_MAX)
        return 0;
    size_t ln = lexicon_lower(w, n, low, sizeof(low));
    return ln != (size_t)-1 && vn_syllable(nz, low, ln);
}

/* The bytes that end a run in normalize_sentence's final pass: a space, a digit, and the NUL
 * after the text. */
static const unsigned char collapse_stop[256] = {
    [0] = 1,   [' '] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
    ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1};

int normalize_sentence(struct normalizer *nz, const char *s, size_t n, struct buf *out)
{
    struct buf tmp = BUF_INIT;
    /* room for the usual spoken form up front, so put_n rarely reallocates */
    buf_reserve(&tmp, 2 * n + 64);
    struct scan sc;
    memset(&sc, 0, sizeof(sc));
    sc.nz = nz;
    sc.s = s;
    sc.n = n;
    sc.o = &tmp;
    sc.since_num = 99;
    sc.prev[0] = sc.words[0];
    sc.prev[1] = sc.words[1];
    sc.user = lexicon_size(nz->user) != 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            put_c(&tmp, ' ');
            i++;
            continue;
        }
        size_t k = 0;
        int boundary = !alnum_before(s, i);
        if (boundary && (c >= 0xC3 || is_alpha_ascii((char)c))) {
            k = plain_word(&sc, i);
            if (k) {
                i += k;
                continue;
            }
        }
        if (boundary && (c == 'K' || c == 'k'))
            k = try_km(&sc, i);
        else if (boundary && c == 'Q')
            k = try_quarter_q(&sc, i);
        if (k) {
            i += k;
            continue;
        }
        if (boundary && (is_alpha_ascii((char)c) || is_digit((char)c)))
            k = try_url(&sc, i);
        if (!k && boundary && (c == '0' || c == '+'))
            k = try_phone(&sc, i);
        if (!k && is_digit((char)c)) {
            int after_digit = i > 0 && is_digit(s[i - 1]);
            if (!after_digit && boundary) {
                k = try_plate(&sc, i);
                if (!k && c == '1')
                    k = try_hotline(&sc, i);
                if (!k)
                    k = try_code(&sc, i);
                if (!k)
                    k = try_date(&sc, i);
                if (!k)
                    k = try_time(&sc, i);
            }
            if (!k)
                k = do_number(&sc, i);
            if (i + k < n && letter_at(s, n, i + k))
                put_c(&tmp, ' ');
            i += k;
            continue;
        }
        if (!k && c == '$' && i + 1 < n && is_digit(s[i + 1])) {
            size_t kn = do_number(&sc, i + 1);
            word(&tmp, "đô la");
            k = 1 + kn;
        }
        if (!k && (c >= 0x80 || is_alpha_ascii((char)c)) && letter_at(s, n, i)) {
            sc.last_num = 0;
            k = do_word(&sc, i);
            if (i + k < n && is_digit(s[i + k]))
                put_c(&tmp, ' ');
        }
        if (!k && c == '/' && sc.last_num && quarter_year(s, n, i)) {
            word(&tmp, "năm"); /* "quý I/2014" → quý một năm hai nghìn… */
            k = 1;
        }
        if (!k)
            k = do_symbol(&sc, i);
        i += k;
    }
    /* collapse the spaces our insertions may have doubled; no digit may pass */
    int rc = 0;
    int space = 0;
    size_t k = 0;
    if (tmp.len && out->data && buf_reserve(out, tmp.len) == 0) {
        /* The fast way, straight into out: until a digit (rare here: numbers were said as
         * words already), the collapsed text is never longer than what it came from (a space
         * is only written where at least one was dropped), so the room reserved suffices and
         * the cap cannot be reached. From a digit on, the general loop below takes over, as
         * it does for an out not allocated yet (so one that stays empty stays unallocated).
         * tmp.data[tmp.len] is the NUL put_n keeps there: it ends the runs without a length
         * check per byte. */
        char *d0 = out->data, *d = d0 + out->len; /* locals: stores through d may alias */
        const char *t = tmp.data;
        size_t tn = tmp.len;
        for (;;) {
            unsigned char ch = (unsigned char)t[k];
            if (!collapse_stop[ch] || (ch == '\0' && k < tn)) { /* a run of other bytes */
                if (space) {
                    space = 0;
                    if (d > d0 && d[-1] != ' ' && ch != ',' && ch != '.' && ch != ';' &&
                        ch != ':' && ch != '!' && ch != '?' && ch != ')' && ch != ']')
                        *d++ = ' ';
                }
                do {
                    *d++ = (char)ch;
                    ch = (unsigned char)t[++k];
                } while (!collapse_stop[ch]);
                continue;
            }
            if (ch != ' ')
                break; /* a digit, or the end */
            space = 1;
            k++;
        }
        out->len = (size_t)(d - d0);
        out->data[out->len] = '\0';
    }
    while (k < tmp.len && rc == 0) {
        char ch = tmp.data[k];
        if (ch == ' ') {
            space = 1;
            k++;
            continue;
        }
        if (space && out->len && out->data[out->len - 1] != ' ' && ch != ',' && ch != '.' &&
            ch != ';' && ch != ':' && ch != '!' && ch != '?' && ch != ')' && ch != ']')
            rc = buf_putc(out, ' ');
        space = 0;
        if (rc == 0 && is_digit(ch)) {
            if (out->len && out->data[out->len - 1] != ' ')
                rc = buf_putc(out, ' ');
            if (rc == 0)
                rc = buf_puts(out, digit_words[ch - '0']);
            space = 1;
            k++;
            continue;
        }
        size_t r = k + 1; /* copy the run up to the next space or digit at once */
        while (r < tmp.len && tmp.data[r] != ' ' && !is_digit(tmp.data[r]))
            r++;
        if (rc == 0)
            rc = buf_append(out, tmp.data + k, r - k);
        k = r;
    }
    buf_free(&tmp);
    return rc;
}
