/*
 * test_normalize.c — written → spoken, table-driven.
 *
 * Tables: the rows below (both dialects) and, north, one "written<TAB>spoken" case a line,
 * tests/data/normalize/cases.tsv, numbers.tsv (issue 17's number patterns: scores, plates,
 * hotlines, markers, versions, quarters, fractions), words.tsv (its units, ratios and
 * abbreviations) and names.tsv (foreign names in sentences); and whole texts from ../shared
 * (the sample article and the sentence corpus) that must come out with no ASCII digit and,
 * for the sample, no all-caps abbreviation. Also: user lexicon overrides, a missing voices
 * folder, arbitrary bytes (no crash, no read past n) and the output buffer's handling
 * (appending, caps, NUL bytes, long sentences). Run from the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/err.h"
#include "docbao/normalize.h"
#include "docbao/utf8.h"
#include "docbao/util.h"
#include "t.h"

#define VOICES "voices"
#define SHARED "../shared"

struct row {
    const char *in;
    const char *north;
    const char *south; /* NULL: same as north */
};

static const struct row rows[] = {
    /* the number reader's own table (kept from the first stage) */
    {"0", "không", NULL},
    {"5", "năm", NULL},
    {"10", "mười", NULL},
    {"11", "mười một", NULL},
    {"14", "mười bốn", NULL},
    {"15", "mười lăm", NULL},
    {"20", "hai mươi", NULL},
    {"21", "hai mươi mốt", NULL},
    {"24", "hai mươi tư", "hai mươi bốn"},
    {"25", "hai mươi lăm", NULL},
    {"55", "năm mươi lăm", NULL},
    {"100", "một trăm", NULL},
    {"101", "một trăm linh một", "một trăm lẻ một"},
    {"105", "một trăm linh năm", "một trăm lẻ năm"},
    {"110", "một trăm mười", NULL},
    {"115", "một trăm mười lăm", NULL},
    {"999", "chín trăm chín mươi chín", NULL},
    {"1000", "một nghìn", "một ngàn"},
    {"1.000", "một nghìn", "một ngàn"},
    {"1.100 cuộc", "một nghìn một trăm cuộc", "một ngàn một trăm cuộc"},
    {"1.005", "một nghìn không trăm linh năm", "một ngàn không trăm lẻ năm"},
    {"1.050", "một nghìn không trăm năm mươi", "một ngàn không trăm năm mươi"},
    {"2024", "hai nghìn không trăm hai mươi tư", "hai ngàn không trăm hai mươi bốn"},
    {"1.000.000", "một triệu", NULL},
    {"1.000.500", "một triệu năm trăm", NULL},
    {"2.500.000 đồng", "hai triệu năm trăm nghìn đồng", "hai triệu năm trăm ngàn đồng"},
    {"3.000.000.000", "ba tỷ", NULL},
    {"12.000.000.000.000", "mười hai nghìn tỷ", "mười hai ngàn tỷ"},
    {"3,5%", "ba phẩy năm phần trăm", NULL},
    {"12,5", "mười hai phẩy năm", NULL},
    {"0,05", "không phẩy không năm", NULL},
    {"100%", "một trăm phần trăm", NULL},
    {"007", "bảy", NULL},
    {"có 3 người, 45 xã.", "có ba người, bốn mươi lăm xã.", NULL},
    {"(15)", "(mười lăm)", NULL},
    {"Không có số", "Không có số", NULL},
    {"12345678901234567890", "một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm "
                             "sáu bảy tám chín không", NULL},
    /* SPEC §4, exactly */
    {"3,5%", "ba phẩy năm phần trăm", NULL},
    {"15/9", "mười lăm tháng chín", NULL},
    {"22/11/2024", "hai mươi hai tháng mười một năm hai nghìn không trăm hai mươi tư",
     "hai mươi hai tháng mười một năm hai ngàn không trăm hai mươi bốn"},
    {"11:03", "mười một giờ ba phút", NULL},
    {"7h30", "bảy giờ ba mươi", NULL},
    {"UBND", "ủy ban nhân dân", NULL},
    {"TP.HCM", "thành phố Hồ Chí Minh", NULL},
    {"GD&ĐT", "giáo dục và đào tạo", NULL},
    {"12,5 km", "mười hai phẩy năm ki lô mét", NULL},
    {"1.250 đồng/lít", "một nghìn hai trăm năm mươi đồng trên lít",
     "một ngàn hai trăm năm mươi đồng trên lít"},
    /* issue 3 */
    {"2021-2025", "hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm",
     "hai ngàn không trăm hai mươi mốt đến hai ngàn không trăm hai mươi lăm"},
    {"2-3 kg", "hai đến ba ki lô gam", NULL},
    {"thắng 2-1", "thắng hai một", NULL},
    {"05:34", "năm giờ ba mươi tư phút", "năm giờ ba mươi bốn phút"},
    {"14g20", "mười bốn giờ hai mươi", NULL},
    {"26-27/6", "hai mươi sáu đến hai mươi bảy tháng sáu", NULL},
    {"ngày 15-9", "ngày mười lăm tháng chín", NULL},
    {"sáng 15.9", "sáng mười lăm tháng chín", NULL},
    {"thứ 1", "thứ nhất", NULL},
    {"thứ 4", "thứ tư", NULL},
    {"thế kỷ XXI", "thế kỷ hai mươi mốt", NULL},
    {"quý III", "quý ba", NULL},
    {"QL 18", "quốc lộ mười tám", NULL},
    {"& ", "và", NULL},
    {"GMT +7", "giờ quốc tế cộng bảy", NULL},
    {"LĐ-TB&XH", "lao động thương binh và xã hội", NULL},
    {"LĐ, TB&XH", "lao động thương binh và xã hội", NULL},
    {"CLB", "câu lạc bộ", NULL},
    {"100 ha", "một trăm héc ta", NULL},
    {"25°C", "hai mươi lăm độ xê", NULL},
    {"5 m² đất", "năm mét vuông đất", NULL},
    {"một trăm linh năm", "một trăm linh năm", NULL},
    {"Thứ Sáu, 22/11/2024 05:34 (GMT +7)",
     "Thứ Sáu, hai mươi hai tháng mười một năm hai nghìn không trăm hai mươi tư năm giờ ba "
     "mươi tư phút (giờ quốc tế cộng bảy)",
     "Thứ Sáu, hai mươi hai tháng mười một năm hai ngàn không trăm hai mươi bốn năm giờ ba "
     "mươi bốn phút (giờ quốc tế cộng bảy)"},
    {"Thứ 4, 15/09/2021 | 11:03:56 [GMT +7] A A",
     "Thứ tư, mười lăm tháng chín năm hai nghìn không trăm hai mươi mốt, mười một giờ ba phút "
     "năm mươi sáu giây [giờ quốc tế cộng bảy] A A",
     "Thứ tư, mười lăm tháng chín năm hai ngàn không trăm hai mươi mốt, mười một giờ ba phút "
     "năm mươi sáu giây [giờ quốc tế cộng bảy] A A"},
    /* U+FFFD is not spoken */
    {"có\xef\xbf\xbd ba", "có ba", NULL},
};

static int check_file(struct normalizer *nz, const char *path)
{
    struct buf in = BUF_INIT, out = BUF_INIT;
    if (read_file(path, 0, &in) != 0) {
        T_OK(0, "read %s", path);
        return 0;
    }
    size_t ncases = 0;
    const char *p = buf_str(&in);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *tab = memchr(p, '\t', len);
        if (p[0] != '#' && tab) {
            char *written = xstrndup(p, (size_t)(tab - p));
            char *spoken = xstrndup(tab + 1, len - (size_t)(tab - p) - 1);
            buf_reset(&out);
            normalize_sentence(nz, written, strlen(written), &out);
            T_STR(buf_str(&out), spoken, "%s: %s", strrchr(path, '/') + 1, written);
            free(written);
            free(spoken);
            ncases++;
        }
        p += len + (nl ? 1 : 0);
    }
    buf_free(&in);
    buf_free(&out);
    return (int)ncases;
}

/* Whether s holds a word of two or more uppercase letters (ASCII or Vietnamese). */
static int has_caps_word(const char *s)
{
    size_t n = strlen(s), i = 0, run = 0;
    int lower_in_word = 0;
    while (i <= n) {
        int cp = 0;
        size_t k = i < n ? utf8_decode(s + i, n - i, &cp) : 1;
        int upper = i < n && ((cp >= 'A' && cp <= 'Z') || cp == 0x110 ||
                              (cp >= 0xC0 && cp <= 0xDD && cp != 0xD7) ||
                              (cp >= 0x1EA0 && cp <= 0x1EF8 && cp % 2 == 0) || cp == 0x1A0 ||
                              cp == 0x1AF || cp == 0x102 || cp == 0x128 || cp == 0x168);
        int lower = i < n && ((cp >= 'a' && cp <= 'z') || (cp >= 0xDF && cp != 0xF7));
        if (upper) {
            run++;
        } else if (lower) {
            lower_in_word = 1;
        } else {
            if (run >= 2 && !lower_in_word)
                return 1;
            run = 0;
            lower_in_word = 0;
        }
        i += k;
    }
    return 0;
}

/* Every line of a text file: no ASCII digit out; with caps, no all-caps word either. */
static void check_text(struct normalizer *nz, const char *path, int caps)
{
    struct buf in = BUF_INIT, out = BUF_INIT;
    if (read_file(path, 0, &in) != 0) {
        T_OK(0, "read %s", path);
        return;
    }
    char *text = utf8_clean(buf_str(&in), in.len);
    size_t lines = 0, digits = 0, capsleft = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        buf_reset(&out);
        normalize_sentence(nz, p, len, &out);
        if (strpbrk(buf_str(&out), "0123456789")) {
            if (digits++ < 3)
                printf("# digit left: %s\n", buf_str(&out));
        }
        if (caps && has_caps_word(buf_str(&out))) {
            if (capsleft++ < 3)
                printf("# caps left: %s\n", buf_str(&out));
        }
        lines++;
        p += len + (nl ? 1 : 0);
    }
    T_OK(lines > 0 && digits == 0, "%s: no digit in %zu lines (%zu with digits)", path, lines,
         digits);
    if (caps)
        T_OK(capsleft == 0, "%s: no all-caps word left (%zu lines)", path, capsleft);
    free(text);
    buf_free(&in);
    buf_free(&out);
}

/* Arbitrary bytes: must not crash, read past n (ASan) or let a digit through. */
static void fuzz(struct normalizer *nz)
{
    static const char *const seeds[] = {"12/", "1.", "1,", "0912 ", "+84", "TP.", "x@y.",
                                        "http://", "\xe2\x80", "\xc3", "QL", "7h", "1-",
                                        "ĐT:", "XXI", "-", "$", "25°", "1:2:"};
    unsigned x = 12345;
    struct buf out = BUF_INIT;
    int bad = 0;
    for (int round = 0; round < 20000; round++) {
        char s[48];
        size_t n = 0;
        while (n < sizeof(s) - 8) {
            x = x * 1103515245u + 12345u;
            unsigned r = (x >> 16) & 0x7fff;
            if (r % 4 == 0) {
                const char *seed = seeds[r / 4 % (sizeof(seeds) / sizeof(*seeds))];
                size_t l = strlen(seed);
                memcpy(s + n, seed, l);
                n += l;
            } else {
                s[n++] = r % 3 == 0 ? (char)(r & 0xff) : "0123456789./-:,% ahDTQX"[r % 23];
            }
            if (r % 7 == 0)
                break;
        }
        char *heap = xmalloc(n ? n : 1); /* exact size: ASan sees any overread */
        memcpy(heap, s, n);
        buf_reset(&out);
        normalize_sentence(nz, heap, n, &out);
        if (strpbrk(buf_str(&out), "0123456789"))
            bad++;
        free(heap);
    }
    T_INT(bad, 0, "fuzz: 20000 random inputs, no crash and no digit out");
    buf_free(&out);
}

/* The buffer handling around the words (issue 3 made it faster; these pin what it did):
 * appending after what out holds, a capped out, NUL bytes in the input, digits coming from a
 * lexicon entry, blank input, and sentences long enough to grow every buffer. */
static void buffers(void)
{
    struct normalizer *nz = NULL;
    if (normalizer_new(VOICES, NORM_NORTH, &nz) != 0) {
        T_OK(0, "buffers: normalizer_new");
        return;
    }
    struct buf b = BUF_INIT;
    buf_puts(&b, "Một. ");
    T_INT(normalize_sentence(nz, "Hai ba.", 7, &b), 0, "append after text ending in a space");
    T_STR(buf_str(&b), "Một. Hai ba.", "appended after a space");
    buf_reset(&b);
    buf_puts(&b, "Một.");
    normalize_sentence(nz, " Hai ba.", 8, &b);
    T_STR(buf_str(&b), "Một. Hai ba.", "appended after a leading space: one space between");
    buf_free(&b);

    normalize_sentence(nz, "  \t ", 4, &b);
    T_OK(b.len == 0 && b.data == NULL, "blank input: nothing out, nothing allocated");

    const char *hello = "Xin chào các bạn";
    buf_init(&b, 10);
    T_INT(normalize_sentence(nz, hello, strlen(hello), &b), DB_ETOOBIG, "a cap too small");
    T_OK(b.len == 0 && b.data == NULL, "a cap too small frees the buffer");
    buf_init(&b, 20);
    T_INT(normalize_sentence(nz, hello, strlen(hello), &b), 0, "a cap just large enough");
    T_STR(buf_str(&b), hello, "the text under a cap");
    buf_reset(&b);
    T_INT(normalize_sentence(nz, hello, strlen(hello), &b), 0, "again, into the same buffer");
    T_STR(buf_str(&b), hello, "the text again under a cap");
    buf_free(&b);
    buf_init(&b, 0);

    /* a NUL byte is kept as a character, not an end */
    normalize_sentence(nz, "a\0b c", 5, &b);
    T_OK(b.len == 10 && memcmp(b.data, "a\0 b\xc3\xaa x\xc3\xaa", 10) == 0,
         "a NUL byte in the input is passed on");
    buf_free(&b);

    /* a digit in an expansion is said too, also under a cap */
    T_INT(normalizer_add_entry(nz, "XYZ", "ích 5 dét"), 0, "add an entry with a digit");
    const char *xyz = "Bên XYZ có 2 người";
    normalize_sentence(nz, xyz, strlen(xyz), &b);
    T_STR(buf_str(&b), "Bên ích năm dét có hai người", "a digit from the lexicon is said");
    buf_free(&b);
    buf_init(&b, 36);
    T_INT(normalize_sentence(nz, xyz, strlen(xyz), &b), 0, "the digit's word fits the cap");
    T_STR(buf_str(&b), "Bên ích năm dét có hai người", "the digit's word under a cap");
    buf_free(&b);
    buf_init(&b, 20);
    T_INT(normalize_sentence(nz, xyz, strlen(xyz), &b), DB_ETOOBIG,
          "the cap reached after the digit's word");
    buf_init(&b, 0);

    /* long sentences: 20000 words, and 5000 numbers */
    struct buf in = BUF_INIT, want = BUF_INIT;
    for (int i = 0; i < 20000; i++) {
        buf_puts(&in, "một ");
        buf_puts(&want, i ? " một" : "một");
    }
    normalize_sentence(nz, in.data, in.len, &b);
    T_OK(b.len == want.len && strcmp(buf_str(&b), buf_str(&want)) == 0,
         "20000 words in one sentence (%zu bytes out)", b.len);
    buf_reset(&in);
    buf_reset(&want);
    buf_reset(&b);
    for (int i = 0; i < 5000; i++) {
        buf_puts(&in, "12 ");
        buf_puts(&want, i ? " mười hai" : "mười hai");
    }
    normalize_sentence(nz, in.data, in.len, &b);
    T_OK(b.len == want.len && strcmp(buf_str(&b), buf_str(&want)) == 0,
         "5000 numbers in one sentence (%zu bytes out)", b.len);
    buf_free(&in);
    buf_free(&want);
    buf_free(&b);
    normalizer_free(nz);
}

int main(void)
{
    struct normalizer *north = NULL, *south = NULL, *def = NULL, *none = NULL;
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/nonexistent-docbao-home", 1);
    T_INT(normalizer_new(VOICES, NORM_NORTH, &north), 0, "normalizer_new north");
    T_INT(normalizer_new(VOICES, NORM_SOUTH, &south), 0, "normalizer_new south");
    T_INT(normalizer_new(NULL, NORM_NORTH, &def), 0, "normalizer_new with the default folder");
    T_INT(normalizer_new("/nonexistent-voices", NORM_NORTH, &none), DB_ENOENT,
          "normalizer_new with a missing folder");
    size_t na = 0, nu = 0, nf = 0;
    normalizer_stats(north, &na, &nu, &nf);
    T_OK(na >= 200 && nu >= 50 && nf >= 40, "lexicons loaded: %zu abbreviations, %zu units, "
         "%zu foreign words", na, nu, nf);

    struct buf b = BUF_INIT;
    for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        buf_reset(&b);
        normalize_sentence(north, rows[i].in, strlen(rows[i].in), &b);
        T_STR(buf_str(&b), rows[i].north, "north: %s", rows[i].in);
        buf_reset(&b);
        normalize_sentence(south, rows[i].in, strlen(rows[i].in), &b);
        T_STR(buf_str(&b), rows[i].south ? rows[i].south : rows[i].north, "south: %s",
              rows[i].in);
    }
    int ncases = check_file(north, "tests/data/normalize/cases.tsv");
    T_OK(ncases >= 250, "cases.tsv holds %d cases", ncases);
    int nnumbers = check_file(north, "tests/data/normalize/numbers.tsv");
    T_OK(nnumbers >= 120, "numbers.tsv holds %d cases", nnumbers);
    int nwords = check_file(north, "tests/data/normalize/words.tsv");
    T_OK(nwords >= 55, "words.tsv holds %d cases", nwords);
    int nnames = check_file(north, "tests/data/normalize/names.tsv");
    T_OK(nnames >= 25, "names.tsv holds %d cases", nnames);

    /* no digit may reach the voice */
    const char *mixed = "Ngày 15, 1.234 người và 56,78% số 9";
    buf_reset(&b);
    normalize_sentence(north, mixed, strlen(mixed), &b);
    T_OK(strpbrk(buf_str(&b), "0123456789") == NULL, "no digit left in: %s", buf_str(&b));

    /* never past n: a prefix of a longer string */
    const char *longer = "TP.HCM 12,5 km";
    buf_reset(&b);
    normalize_sentence(north, longer, 2, &b);
    T_STR(buf_str(&b), "thành phố", "reads only n bytes");

    /* the user's entries win */
    T_INT(normalizer_add_entry(north, "UBND", "u bê en đê"), 0, "add a user entry");
    T_INT(normalizer_add_entry(north, "", "x"), DB_EINVAL, "an empty user key is refused");
    buf_reset(&b);
    normalize_sentence(north, "UBND tỉnh", strlen("UBND tỉnh"), &b);
    T_STR(buf_str(&b), "u bê en đê tỉnh", "user entry overrides the lexicon");
    T_INT(normalizer_add_entry(north, "ubnd", "ủy ban nhân dân"), 0, "restore the entry");

    check_text(north, SHARED "/samples/baoquangninh-2021-09-15.txt", 1);
    check_text(north, SHARED "/corpora/vi-sd-dev.txt", 0);
    check_text(south, SHARED "/corpora/vi-sd-dev.txt", 0);
    fuzz(north);
    buffers();

    buf_free(&b);
    normalizer_free(north);
    normalizer_free(south);
    normalizer_free(def);
    normalizer_free(none);
    normalizer_free(NULL);
    return t_done();
}
