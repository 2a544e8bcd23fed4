/*
 * extract.c — from a downloaded page (HTML or scraped plain text) to an article: a title and
 * the body paragraphs a listener wants, without menus, datelines, captions, share buttons,
 * comments or other page chrome.
 *
 * HTML goes through a list of strategies tried in order (see strategies[] below), all fed
 * by one libxml2 parse: (1) the site's XPath rules (body, drop, title, byline, published);
 * (2) a JSON-LD NewsArticle/Article articleBody that is whole, not a teaser; (3) the generic
 * Readability-style scorer: drop chrome elements (by tag, by class/id words, hidden ones),
 * score the containers of text blocks, pick the best, merge its qualifying siblings (a div of
 * bare text counts as a paragraph) and the other parts of an article split into containers of
 * the same class, and emit the text blocks in document order. Every strategy's paragraphs go
 * through the same caption and chrome filter. Plain text is handled line by line with the same
 * chrome-line classifier.
 *
 * Every tree walk here is iterative (libxml2 also stops building the tree at depth 256), so
 * malformed or hostile pages cannot overflow the stack.
 */
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <utf8proc.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/extract.h"
#include "docbao/utf8.h"
#include "docbao/util.h"
#include "docbao/xml_quiet.h"

#define HTML_OPTS                                                                                  \
    (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |           \
     HTML_PARSE_NOBLANKS)

/* Below this many characters of body text the generic extractor retries with only the
 * strong class/id chrome words and keeps the longer result (see passes[]). */
#define RETRY_CHARS 250

/* ------------------------------------------------------------------------------------------
 * Small string helpers
 * ---------------------------------------------------------------------------------------- */

/* Number of code points in the UTF-8 string s. */
static size_t u8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        if (*s == ' ') {
            in = 0;
        } else if (!in) {
            in = 1;
            n++;
        }
    }
    return n;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The last code point of s, skipping closing quotes and brackets; 0 for "". */
static int last_sentence_char(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        size_t st = n - 1;
        while (st > 0 && ((unsigned char)s[st] & 0xC0) == 0x80)
            st--;
        int cp;
        utf8_decode(s + st, n - st, &cp);
        if (cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x201D || cp == 0x2019 ||
            cp == 0xBB || cp == ' ') {
            n = st;
            continue;
        }
        return cp;
    }
    return 0;
}

/* Nonzero when s ends like a sentence (". ! ? …" possibly followed by quotes or brackets). */
static int ends_sentence(const char *s)
{
    int c = last_sentence_char(s);
    return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == ';';
}

/* ------------------------------------------------------------------------------------------
 * Chrome lines: shared by the text path and by the HTML path's paragraph filter. All tests
 * take the line lowercased (NFC) and white-space-squashed.
 * ---------------------------------------------------------------------------------------- */

/* Lines that are page chrome wherever they appear. */
static const char *const chrome_lines[] = {"tất cả chuyên mục",
                                           "chuyên mục",
                                           "trang chủ",
                                           "liên kết website",
                                           "ý kiến",
                                           "bình luận",
                                           "ý kiến bạn đọc",
                                           "gửi bình luận",
                                           "viết bình luận",
                                           "gửi ý kiến",
                                           "chia sẻ",
                                           "chia sẻ bài viết",
                                           "in bài",
                                           "in bài viết",
                                           "bản in",
                                           "lưu bài",
                                           "lưu bài viết",
                                           "gửi bài",
                                           "theo dõi",
                                           "theo dõi chúng tôi",
                                           "đăng nhập",
                                           "đăng ký",
                                           "đăng xuất",
                                           "tin liên quan",
                                           "tin cùng chuyên mục",
                                           "bài viết liên quan",
                                           "tin khác",
                                           "các tin khác",
                                           "tin mới",
                                           "tin mới nhất",
                                           "tin đọc nhiều",
                                           "đọc nhiều",
                                           "xem thêm",
                                           "đọc thêm",
                                           "xem nhiều",
                                           "quay lại",
                                           "trở lại",
                                           "về đầu trang",
                                           "lên đầu trang",
                                           "top",
                                           "tags",
                                           "tag",
                                           "từ khóa",
                                           "từ khoá",
                                           "chủ đề",
                                           "quảng cáo",
                                           "copy link",
                                           "sao chép liên kết",
                                           "share",
                                           "print",
                                           "comments",
                                           "advertisement",
                                           "menu",
                                           "tìm kiếm",
                                           "video",
                                           "ảnh",
                                           "podcast",
                                           "e-magazine",
                                           "emagazine",
                                           "infographic",
                                           "nghe bài viết",
                                           "nghe đọc bài viết",
                                           "đọc bài",
                                           "google news",
                                           "báo in"};

/* Lines that end the article in scraped text: what follows is comments or link lists. */
static const char *const stop_lines[] = {"tin liên quan",
                                         "tin cùng chuyên mục",
                                         "bài viết liên quan",
                                         "các tin khác",
                                         "tin khác",
                                         "ý kiến bạn đọc",
                                         "ý kiến",
                                         "bình luận",
                                         "gửi bình luận",
                                         "viết bình luận",
                                         "liên kết website",
                                         "tin mới",
                                         "tin mới nhất",
                                         "tin đọc nhiều",
                                         "đọc nhiều",
                                         "xem nhiều"};

/* Words that make up share bars and font-size controls ("A A", "A- A+", "Chia sẻ Zalo"). */
static const char *const control_words[] = {
    "a",        "a-",       "a+",    "aa",      "chia", "sẻ",   "in",       "gửi",  "email",
    "e-mail",   "facebook", "fb",    "twitter", "x",    "zalo", "linkedin", "copy", "link",
    "lưu",      "print",    "share", "tweet",   "bản",  "bài",  "bookmark", "mail", "messenger",
    "telegram", "|",        "/",     "-",       "•",    "·",    "+",        "nghe"};

/* Words a dateline may hold besides numbers ("Thứ Sáu, 22/11/2024 05:34 (GMT +7)"). */
static const char *const date_words[] = {
    "thứ", "hai",  "ba",  "tư",  "năm", "sáu",  "bảy",   "bẩy", "chủ", "nhật", "cn",   "t2",
    "t3",  "t4",   "t5",  "t6",  "t7",  "ngày", "tháng", "lúc", "giờ", "gmt",  "utc",  "ict",
    "cập", "đăng", "a",   "a-",  "a+",  "aa",   "am",    "pm",  "sa",  "ch",   "sáng", "chiều",
    "tối", "trưa", "hôm", "nay", "qua", "phút", "trước", "vừa", "xong"};

static int in_table(const char *s, const char *const *tab, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, tab[i]) == 0)
            return 1;
    return 0;
}

#define IN_TABLE(s, tab) in_table((s), (tab), sizeof(tab) / sizeof((tab)[0]))

/* "ý kiến (3)", "bình luận ()", "comments (12)". */
static int is_counter_line(const char *low)
{
    static const char *const heads[] = {"ý kiến", "bình luận", "comments", "phản hồi"};
    for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        size_t k = strlen(heads[i]);
        if (strncmp(low, heads[i], k) != 0)
            continue;
        const char *p = low + k;
        if (*p == ' ')
            p++;
        if (*p != '(')
            continue;
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p[0] == ')' && p[1] == '\0')
            return 1;
    }
    return 0;
}

/* Splits the lowercased line into tokens at white space and the separators in seps; calls
 * ok() on each; returns the number of tokens, or -1 when ok() refused one. */
static int all_tokens(const char *low, const char *seps, int (*ok)(const char *, void *), void *arg)
{
    char tok[64];
    int n = 0;
    const char *p = low;
    while (*p) {
        while (*p && (*p == ' ' || strchr(seps, *p)))
            p++;
        if (!*p)
            break;
        size_t k = 0;
        while (p[k] && p[k] != ' ' && !strchr(seps, p[k]))
            k++;
        if (k >= sizeof(tok))
            return -1;
        memcpy(tok, p, k);
        tok[k] = '\0';
        p += k;
        if (!ok(tok, arg))
            return -1;
        n++;
    }
    return n;
}

static int control_word_ok(const char *tok, void *arg)
{
    (void)arg;
    return IN_TABLE(tok, control_words);
}

struct date_seen {
    int stamp; /* a token like 22/11/2024, 05:34, 7h30 */
    int num;   /* any number */
};

static int date_word_ok(const char *tok, void *arg)
{
    struct date_seen *d = arg;
    size_t k = strlen(tok);
    while (k > 0 && (tok[k - 1] == ':' || tok[k - 1] == '.'))
        k--;
    if (k == 0)
        return 1;
    int digits = 0, mark = 0, other = 0;
    for (size_t i = 0; i < k; i++) {
        char c = tok[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c == '/' || c == ':' || c == '-' || c == '.' || c == 'h')
            mark++;
        else if (c != '+')
            other++;
    }
    if (digits && !other) {
        d->num = 1;
        if (mark)
            d->stamp = 1;
        return 1;
    }
    /* "gmt+7", "utc+07:00" */
    if (strncmp(tok, "gmt", 3) == 0 || strncmp(tok, "utc", 3) == 0) {
        for (size_t i = 3; i < k; i++)
            if (!strchr("0123456789+-:", tok[i]))
                return 0;
        return 1;
    }
    char w[64];
    memcpy(w, tok, k);
    w[k] = '\0';
    return IN_TABLE(w, date_words);
}

/* A dateline: weekday words, a date or time, a time zone, maybe font-size controls. */
static int is_dateline(const char *low)
{
    if (strlen(low) > 120)
        return 0;
    struct date_seen d = {0, 0};
    int n = all_tokens(low, ",|()[]–—·•", date_word_ok, &d);
    if (n <= 0)
        return 0;
    if (d.stamp)
        return 1;
    /* "Thứ Hai, ngày 15 tháng 9 năm 2021" */
    return d.num &&
           (starts_with(low, "thứ ") || starts_with(low, "chủ nhật") || starts_with(low, "ngày "));
}

/* Page chrome: known chrome lines, comment counters, share bars and font-size controls. */
static int is_chrome_line(const char *low)
{
    if (!*low)
        return 1;
    if (IN_TABLE(low, chrome_lines) || is_counter_line(low))
        return 1;
    int n = all_tokens(low, "", control_word_ok, NULL);
    return n > 0 && n <= 10;
}

static int is_stop_line(const char *low)
{
    return IN_TABLE(low, stop_lines) || is_counter_line(low);
}

/* Photo captions and credits: "Ảnh: …", "Video: …", "Nguồn: …" lines, and short lines that
 * end in a credit ("Y bác sĩ nội soi cho bệnh nhân. Ảnh: Bệnh viện cung cấp"); also
 * "Xem thêm: …" style pointers to other articles. */
static int is_caption_line(const char *low)
{
    static const char *const heads[] = {
        "ảnh:",           "ảnh :",          "(ảnh:",      "ảnh minh họa", "ảnh minh hoạ",
        "video:",         "video :",        "clip:",      "nguồn:",       "nguồn :",
        "nguồn ảnh:",     "đồ họa:",        "đồ hoạ:",    "photo:",       "photo credit",
        "image:",         "credit:",        "xem thêm:",  "đọc thêm:",    "xem thêm >>",
        "tin liên quan:", "bài liên quan:", "xem video:", ">> xem thêm",  ">>xem thêm"};
    static const char *const marks[] = {
        "ảnh:", "ảnh :", "video:", "nguồn:", "đồ họa:", "đồ hoạ:", "ảnh minh họa", "ảnh minh hoạ"};
    size_t chars = u8_chars(low);
    for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
        if (starts_with(low, heads[i]))
            return chars <= 200;
    if (chars > 250)
        return 0;
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        const char *m = strstr(low, marks[i]);
        if (!m || m == low)
            continue;
        /* preceded by a sentence end or an opening bracket */
        const char *b = m;
        while (b > low && b[-1] == ' ')
            b--;
        if (b > low && !strchr(".!?()[]-–|", b[-1]) && b[-1] != ')')
            continue;
        const char *tail = m + strlen(marks[i]);
        if (u8_chars(tail) > 60)
            continue;
        if (strpbrk(tail, ".!?") && tail[strcspn(tail, ".!?") + 1] != '\0')
            continue;
        return 1;
    }
    return 0;
}

/* A byline: 2–4 words, each starting with a capital letter, letters only ("Nguyên Ngọc"),
 * optionally followed by a short agency credit in brackets ("Nguyễn Chiến (TTXVN)"). */
static int is_byline(const char *s)
{
    size_t n = strlen(s), i = 0, words = 0;
    const char *open = n > 2 && s[n - 1] == ')' ? strrchr(s, '(') : NULL;
    if (open && open > s + 1 && open[-1] == ' ' && s + n - open <= 32 && count_words(open) <= 3) {
        int cp;
        utf8_decode(open + 1, strlen(open + 1), &cp);
        if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU)
            n = (size_t)(open - 1 - s);
    }
    int at_start = 1;
    if (n == 0 || n > 60)
        return 0;
    while (i < n) {
        int cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        i += k;
        if (cp == ' ') {
            at_start = 1;
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (at_start) {
            if (cat != UTF8PROC_CATEGORY_LU && cat != UTF8PROC_CATEGORY_LT)
                return 0;
            words++;
            at_start = 0;
        } else if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_MN) {
            return 0;
        }
    }
    return words >= 2 && words <= 4;
}

/* Nonzero when the lowercase, squashed line is chrome or a caption. */
static int drop_line(const char *low)
{
    return is_chrome_line(low) || is_dateline(low) || is_caption_line(low);
}

/* ------------------------------------------------------------------------------------------
 * Shared output: a list of candidate paragraphs that becomes the article.
 * ---------------------------------------------------------------------------------------- */

struct para {
    char *s;   /* clean, squashed UTF-8 */
    double ld; /* link density: share of the text inside links */
    int head;  /* 1 for h1, 2..6 for h2..h6, 0 for text */
};

struct plist {
    struct para *v;
    size_t n, cap;
    size_t chars; /* total characters */
};

static void plist_push(struct plist *pl, char *s, double ld, int head)
{
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? pl->cap * 2 : 32;
        pl->v = xrealloc(pl->v, pl->cap * sizeof(*pl->v));
    }
    pl->v[pl->n].s = s;
    pl->v[pl->n].ld = ld;
    pl->v[pl->n].head = head;
    pl->n++;
    pl->chars += u8_chars(s);
}

static void plist_free(struct plist *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        free(pl->v[i].s);
    free(pl->v);
    pl->v = NULL;
    pl->n = pl->cap = pl->chars = 0;
}

/* ------------------------------------------------------------------------------------------
 * Plain text
 * ---------------------------------------------------------------------------------------- */

int extract_is_html(const char *s, size_t n)
{
    static const char *const starts[] = {"<!doctype html", "<html", "<head", "<body"};
    static const char *const tags[] = {"<p>",    "<p ",      "<div",   "<br>", "<br/",
                                       "<br />", "<article", "<table", "</p>"};
    size_t i = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (;;) {
        while (i < n && strchr(" \t\r\n\f", s[i]) && s[i])
            i++;
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            size_t j = i + 4;
            while (j + 3 <= n && memcmp(s + j, "-->", 3) != 0)
                j++;
            if (j + 3 > n)
                return 1; /* an unterminated comment: markup all the same */
            i = j + 3;
            continue;
        }
        if (n - i >= 5 && memcmp(s + i, "<?xml", 5) == 0) {
            size_t j = i + 5;
            while (j + 2 <= n && memcmp(s + j, "?>", 2) != 0)
                j++;
            i = j + 2 > n ? n : j + 2;
            continue;
        }
        break;
    }
    for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
        size_t l = strlen(starts[k]);
        if (n - i >= l && strncasecmp(s + i, starts[k], l) == 0)
            return 1;
    }
    size_t lim = n - i > 4096 ? i + 4096 : n;
    for (size_t j = i; j < lim; j++) {
        if (s[j] != '<')
            continue;
        for (size_t k = 0; k < sizeof(tags) / sizeof(tags[0]); k++) {
            size_t l = strlen(tags[k]);
            if (lim - j >= l && strncasecmp(s + j, tags[k], l) == 0)
                return 1;
        }
    }
    return 0;
}

/* Removes a trailing byline or source credit from pl (when body text precedes it) and
 * returns it (caller frees), or NULL. */
static char *take_trailing_byline(struct plist *pl)
{
    if (pl->n < 2)
        return NULL;
    struct para *last = &pl->v[pl->n - 1];
    if (last->head || !is_byline(last->s))
        return NULL;
    const struct para *prev = &pl->v[pl->n - 2];
    if (prev->head || (!ends_sentence(prev->s) && pl->chars < 200))
        return NULL;
    char *by = last->s;
    pl->n--;
    return by;
}

/* Removes a leading news-agency tag from the first paragraph of pl. */
static void strip_source_tag(struct plist *pl)
{
    if (pl->n == 0)
        return;
    char *s = pl->v[0].s;
    size_t k = text_credit_len(s);
    if (k && s[k]) /* a lead that is only a credit stays as it is */
        memmove(s, s + k, strlen(s + k) + 1);
}

/* Moves the paragraphs of pl into a new article (emptying pl). */
static struct article *build_article(struct plist *pl)
{
    struct article *a = article_new();
    strip_source_tag(pl);
    for (size_t i = 0; i < pl->n; i++)
        article_add_para(a, pl->v[i].s, strlen(pl->v[i].s));
    plist_free(pl);
    return a;
}

/* A line that reads like body text rather than a headline or menu item. */
static int is_body_line(const char *s)
{
    return ends_sentence(s) && count_words(s) >= 6;
}

/* A headline candidate: at least three words, not ending a sentence (a short question or
 * exclamation is allowed), not too long. */
static int is_title_line(const char *s)
{
    size_t w = count_words(s);
    if (w < 3 || u8_chars(s) > 300)
        return 0;
    int c = last_sentence_char(s);
    if (c == '.' || c == 0x2026 || c == ';' || c == ':' || c == ',')
        return 0;
    if ((c == '?' || c == '!') && w > 25)
        return 0;
    return 1;
}

int extract_text(const char *text, size_t len, const char *name, struct article **out)
{
    struct plist lines = {0};
    char *clean = NULL, *title = NULL, *byline = NULL;
    int rc = 0;

    if (len > EXTRACT_MAX_INPUT)
        return DB_ETOOBIG;
    if (utf8_looks_binary(text, len))
        return DB_EFORMAT;
    clean = utf8_clean(text, len);
    text_strip_credits(clean); /* "TTO - ", "(Dân trí) - " opening any line */

    /* Lines, squashed, without chrome; a stop line after body text ends the article. */
    int body_seen = 0;
    for (char *p = clean; *p;) {
        size_t k = strcspn(p, "\n");
        char *line = text_squash(p, k);
        p += k + (p[k] == '\n');
        char *low = utf8_lower(line, strlen(line));
        int stop = body_seen && is_stop_line(low);
        int drop = drop_line(low);
        free(low);
        if (stop) {
            free(line);
            break;
        }
        if (drop) {
            free(line);
            continue;
        }
        if (is_body_line(line))
            body_seen = 1;
        plist_push(&lines, line, 0, 0);
    }

    /* The headline: the first title-like line before any body line, followed by more text.
     * Short menu-like lines above it are chrome. */
    size_t first = 0;
    for (size_t i = 0; i + 1 < lines.n; i++) {
        if (!is_title_line(lines.v[i].s) && is_body_line(lines.v[i].s))
            break;
        if (is_title_line(lines.v[i].s)) {
            title = lines.v[i].s;
            lines.v[i].s = NULL;
            first = i + 1;
            break;
        }
    }
    for (size_t i = 0; i < first; i++)
        free(lines.v[i].s);
    if (first) {
        memmove(lines.v, lines.v + first, (lines.n - first) * sizeof(*lines.v));
        lines.n -= first;
    }

    byline = take_trailing_byline(&lines);
    if (lines.n == 0) {
        rc = DB_EEMPTY;
        goto out;
    }
    struct article *a = build_article(&lines);
    article_set(&a->title, title);
    if (byline && !starts_with(byline, "Theo "))
        article_set(&a->byline, byline);
    article_set(&a->url, name);
    *out = a;
out:
    plist_free(&lines);
    free(title);
    free(byline);
    free(clean);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * HTML: tags
 * ---------------------------------------------------------------------------------------- */

enum {
    T_DROP = 1 << 0,      /* never article text */
    T_BLOCK = 1 << 1,     /* starts and ends a paragraph */
    T_PARA = 1 << 2,      /* may hold scored text */
    T_CONTAINER = 1 << 3, /* subject to link-density cleaning */
    T_HEAD = 1 << 4,      /* h1..h6 */
    T_LINK = 1 << 5,      /* a */
    T_PAGE = 1 << 6,      /* header: dropped outside article/main; footer: always */
    T_KEEP = 1 << 7,      /* never dropped for its class/id or hidden style */
};

struct tag {
    const char *name;
    unsigned flags;
    int weight; /* initial score of a candidate container */
};

/* Sorted by name for bsearch. */
static const struct tag tags[] = {
    {"a", T_LINK, 0},
    {"address", T_BLOCK, -3},
    {"applet", T_DROP, 0},
    {"article", T_BLOCK | T_PARA | T_KEEP, 0},
    {"aside", T_DROP, 0},
    {"audio", T_DROP, 0},
    {"blockquote", T_BLOCK | T_PARA, 3},
    {"body", T_BLOCK | T_KEEP, 0},
    {"br", T_BLOCK, 0},
    {"button", T_DROP, 0},
    {"canvas", T_DROP, 0},
    {"caption", T_BLOCK, 0},
    {"center", T_BLOCK | T_PARA, 0},
    {"datalist", T_DROP, 0},
    {"dd", T_BLOCK | T_PARA, -3},
    {"details", T_BLOCK, 0},
    {"dialog", T_DROP, 0},
    {"div", T_BLOCK | T_PARA | T_CONTAINER, 5},
    {"dl", T_BLOCK | T_CONTAINER, -3},
    {"dt", T_BLOCK, -3},
    {"embed", T_DROP, 0},
    {"fieldset", T_BLOCK, 0},
    {"figcaption", T_DROP, 0},
    {"figure", T_DROP, 0},
    {"footer", T_BLOCK | T_PAGE, 0},
    {"form", T_BLOCK, -3},
    {"frame", T_DROP, 0},
    {"frameset", T_DROP, 0},
    {"h1", T_BLOCK | T_HEAD, -5},
    {"h2", T_BLOCK | T_HEAD, -5},
    {"h3", T_BLOCK | T_HEAD, -5},
    {"h4", T_BLOCK | T_HEAD, -5},
    {"h5", T_BLOCK | T_HEAD, -5},
    {"h6", T_BLOCK | T_HEAD, -5},
    {"head", T_DROP, 0},
    {"header", T_BLOCK | T_PAGE, 0},
    {"hr", T_BLOCK, 0},
    {"html", T_BLOCK | T_KEEP, 0},
    {"iframe", T_DROP, 0},
    {"img", T_DROP, 0},
    {"input", T_DROP, 0},
    {"li", T_BLOCK, -3},
    {"link", T_DROP, 0},
    {"main", T_BLOCK | T_PARA | T_KEEP, 0},
    {"map", T_DROP, 0},
    {"menu", T_DROP, 0},
    {"meta", T_DROP, 0},
    {"nav", T_DROP, 0},
    {"noscript", T_DROP, 0},
    {"object", T_DROP, 0},
    {"ol", T_BLOCK | T_CONTAINER, -3},
    {"option", T_DROP, 0},
    {"p", T_BLOCK | T_PARA, 0},
    {"picture", T_DROP, 0},
    {"pre", T_BLOCK | T_PARA, 3},
    {"script", T_DROP, 0},
    {"section", T_BLOCK | T_PARA | T_CONTAINER, 0},
    {"select", T_DROP, 0},
    {"source", T_DROP, 0},
    {"style", T_DROP, 0},
    {"summary", T_BLOCK, 0},
    {"svg", T_DROP, 0},
    {"table", T_BLOCK | T_CONTAINER, 0},
    {"tbody", T_BLOCK, 0},
    {"td", T_BLOCK | T_PARA, 3},
    {"template", T_DROP, 0},
    {"textarea", T_DROP, 0},
    {"tfoot", T_BLOCK, 0},
    {"th", T_BLOCK, -5},
    {"thead", T_BLOCK, 0},
    {"title", T_DROP, 0},
    {"tr", T_BLOCK, 0},
    {"ul", T_BLOCK | T_CONTAINER, -3},
    {"video", T_DROP, 0},
};

static int tag_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct tag *)elem)->name);
}

static const struct tag *tag_of(const xmlNode *n)
{
    static const struct tag inline_tag = {"", 0, 0};
    if (n->type != XML_ELEMENT_NODE || !n->name)
        return &inline_tag;
    const struct tag *t =
        bsearch(n->name, tags, sizeof(tags) / sizeof(tags[0]), sizeof(tags[0]), tag_cmp);
    return t ? t : &inline_tag;
}

static int is_tag(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, name) == 0;
}

/* ------------------------------------------------------------------------------------------
 * HTML: class and id words
 * ---------------------------------------------------------------------------------------- */

/* Copies attribute name of n, ASCII-lowercased, into out (cap bytes; truncated). */
static void attr_lower(const xmlNode *n, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    xmlAttr *a = xmlHasProp((xmlNode *)n, (const xmlChar *)name);
    if (!a || !a->children || !a->children->content)
        return;
    const char *v = (const char *)a->children->content;
    size_t i = 0;
    for (; v[i] && i + 1 < cap; i++)
        out[i] = (v[i] >= 'A' && v[i] <= 'Z') ? (char)(v[i] + 32) : v[i];
    out[i] = '\0';
}

static int has_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, words[i]))
            return 1;
    return 0;
}

/* Nonzero when s, split at non-alphanumerics, holds one of words exactly. */
static int has_token(const char *s, const char *const *words, size_t n)
{
    while (*s) {
        while (*s && !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
            s++;
        size_t k = 0;
        while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9'))
            k++;
        if (!k)
            break;
        for (size_t i = 0; i < n; i++)
            if (strlen(words[i]) == k && memcmp(s, words[i], k) == 0)
                return 1;
        s += k;
    }
    return 0;
}

#define HAS_ANY(s, w) has_any((s), (w), sizeof(w) / sizeof((w)[0]))
#define HAS_TOKEN(s, w) has_token((s), (w), sizeof(w) / sizeof((w)[0]))

/* Class/id substrings that mark chrome in every pass. */
static const char *const chrome_always[] = {
    "comment",    "breadcrumb", "caption", "advert", "quangcao", "quang-cao", "sponsor", "popup",
    "newsletter", "subscribe",  "cookie",  "gdpr",   "binhluan", "outbrain",  "taboola", "disqus"};
static const char *const chrome_always_tokens[] = {"ad", "ads", "adv", "qc"};
/* Class/id substrings (Readability's "unlikely candidates" and Vietnamese site habits) and
 * tokens that mark chrome in the strict pass, unless an exempting word is there too. Not
 * "sidebar": VnExpress keeps its article in div.sidebar-1. */
static const char *const chrome_unlikely[] = {
    "banner",     "combx",    "community",    "cover-wrap", "extra",   "footer",     "header",
    "legends",    "menu",     "related",      "remark",     "replies", "rss",        "shoutbox",
    "skyscraper", "social",   "supplemental", "ad-break",   "agegate", "pagination", "pager",
    "yom-remote", "lienquan", "xemthem",      "widget",     "promo",   "masthead",   "login"};
static const char *const chrome_unlikely_tokens[] = {
    "nav",     "navbar", "tags", "tag", "keywords", "tukhoa", "print",
    "toolbar", "hidden", "hide", "sr",  "skip",     "rating", "vote"};
static const char *const chrome_exempt[] = {"article", "body",   "content", "main",
                                            "detail",  "column", "shadow"};
/* Class/id substrings that mark chrome in every pass when the element holds fewer than
 * SMALL_CHROME characters: whole articles sit in "gigya-share-btns_containerParent". */
static const char *const chrome_small[] = {"share", "social", "related", "lienquan", "xemthem"};
#define SMALL_CHROME 500

/* Class/id words for scoring (Readability's list, plus Vietnamese site habits). */
static const char *const weight_neg[] = {
    "hidden",     "banner",   "combx",    "comment", "com-",    "contact", "footer", "masthead",
    "media",      "meta",     "outbrain", "promo",   "related", "scroll",  "share",  "shoutbox",
    "skyscraper", "sponsor",  "shopping", "tags",    "widget",  "social",  "menu",   "lienquan",
    "xemthem",    "binhluan", "quangcao", "-ad-",    "popup"};
static const char *const weight_pos[] = {
    "article", "body", "content", "entry",  "hentry",  "h-entry", "main",     "page", "post",
    "text",    "blog", "story",   "detail", "noidung", "chitiet", "singular", "fck"};

static int class_weight(const xmlNode *n)
{
    char v[256];
    int w = 0;
    static const char *const attrs[] = {"class", "id"};
    for (size_t i = 0; i < 2; i++) {
        attr_lower(n, attrs[i], v, sizeof(v));
        if (!v[0])
            continue;
        if (HAS_ANY(v, weight_neg))
            w -= 25;
        if (HAS_ANY(v, weight_pos))
            w += 25;
    }
    return w;
}

static xmlNode *walk_next(xmlNode *n, const xmlNode *root, int descend);
static size_t text_len(const char *s, unsigned *commas);

/* Characters of text below n (outside dropped tags), counting up to cap; gives up (returns
 * cap) after visiting 5000 nodes. */
static size_t text_upto(xmlNode *n, size_t cap)
{
    size_t k = 0, visits = 0;
    for (xmlNode *c = n; c && k < cap; c = walk_next(c, n, !(tag_of(c)->flags & T_DROP))) {
        if (++visits > 5000)
            return cap;
        if (c->type == XML_TEXT_NODE && c->content) {
            unsigned commas = 0;
            k += text_len((const char *)c->content, &commas);
        }
    }
    return k;
}

/* Nonzero when n's class or id mark it as chrome; strong_only limits the test to the words
 * that mark chrome at any size. */
static int is_chrome_element(xmlNode *n, int strong_only)
{
    char cls[256], id[128], v[400];
    attr_lower(n, "class", cls, sizeof(cls));
    attr_lower(n, "id", id, sizeof(id));
    if (!cls[0] && !id[0])
        return 0;
    size_t k = strlen(cls);
    memcpy(v, cls, k);
    v[k] = ' ';
    strcpy(v + k + 1, id);
    if (HAS_ANY(v, chrome_always) || HAS_TOKEN(v, chrome_always_tokens))
        return 1;
    /* VnExpress and kin write photo captions as p.Image */
    static const char *const image[] = {"image", "img", "photo", "pic"};
    if (is_tag(n, "p") && HAS_TOKEN(cls, image))
        return 1;
    if (!strong_only && (HAS_ANY(v, chrome_unlikely) || HAS_TOKEN(v, chrome_unlikely_tokens)) &&
        !HAS_ANY(v, chrome_exempt))
        return 1;
    if (HAS_ANY(v, chrome_small))
        return text_upto(n, SMALL_CHROME) < SMALL_CHROME;
    return 0;
}

static int is_hidden(const xmlNode *n)
{
    char v[512], sq[512];
    if (xmlHasProp((xmlNode *)n, (const xmlChar *)"hidden"))
        return 1;
    attr_lower(n, "aria-hidden", v, sizeof(v));
    if (strcmp(v, "true") == 0)
        return 1;
    attr_lower(n, "style", v, sizeof(v));
    size_t j = 0;
    for (size_t i = 0; v[i]; i++)
        if (v[i] != ' ' && v[i] != '\t' && v[i] != '\n')
            sq[j++] = v[i];
    sq[j] = '\0';
    return strstr(sq, "display:none") || strstr(sq, "visibility:hidden");
}

/* ------------------------------------------------------------------------------------------
 * HTML: the page — metadata and tree walks
 * ---------------------------------------------------------------------------------------- */

struct page {
    const char *html; /* the input, as UTF-8 when enc is "UTF-8" */
    size_t len;
    const char *enc; /* encoding passed to libxml2; NULL lets it read <meta charset> */
    const char *url;
    const struct extract_rules *rules; /* may be NULL */
    struct extract_report *rep;        /* what the rules matched; may be NULL */
    htmlDocPtr doc; /* the first parse, until a strategy that rewrites the tree takes it */
    char *og_title, *doc_title, *h1, *published, *author, *site;
    char *rule_title, *rule_byline, *rule_published;     /* from the site's rules */
    char *ld_title, *ld_author, *ld_published, *ld_body; /* from JSON-LD */
    size_t p_chars; /* characters inside <p> elements on the whole page */
};

/* The preorder successor of n inside root; skips n's children unless descend. */
static xmlNode *walk_next(xmlNode *n, const xmlNode *root, int descend)
{
    if (descend && n->type == XML_ELEMENT_NODE && n->children)
        return n->children;
    while (n && n != root) {
        if (n->next)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/* The text of n's subtree, clean and squashed (caller frees). */
static char *node_text(xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return xstrdup("");
    char *cl = utf8_clean((const char *)c, strlen((const char *)c));
    xmlFree(c);
    char *s = text_squash(cl, strlen(cl));
    free(cl);
    return s;
}

static void set_once(char **field, xmlNode *n, const char *attr)
{
    if (*field)
        return;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    if (!v)
        return;
    char *cl = utf8_clean((const char *)v, strlen((const char *)v));
    xmlFree(v);
    char *s = text_squash(cl, strlen(cl));
    free(cl);
    if (*s)
        *field = s;
    else
        free(s);
}

static void jsonld_read(struct page *pg, xmlNode *script);

/* Reads <meta> tags, JSON-LD, <title> and the first <h1> of the whole document, and counts
 * the characters inside <p> elements. */
static void read_meta(struct page *pg, xmlNode *root)
{
    for (xmlNode *n = root; n; n = walk_next(n, root, 1)) {
        if (n->type == XML_TEXT_NODE && n->content && n->parent && is_tag(n->parent, "p")) {
            unsigned commas = 0;
            pg->p_chars += text_len((const char *)n->content, &commas);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is_tag(n, "script")) {
            char type[64];
            attr_lower(n, "type", type, sizeof(type));
            if (strcmp(type, "application/ld+json") == 0)
                jsonld_read(pg, n);
            continue;
        }
        if (is_tag(n, "title")) {
            if (!pg->doc_title)
                pg->doc_title = node_text(n);
            continue;
        }
        if (is_tag(n, "h1")) {
            if (!pg->h1)
                pg->h1 = node_text(n);
            if (pg->h1 && !*pg->h1) {
                free(pg->h1);
                pg->h1 = NULL;
            }
            continue;
        }
        if (!is_tag(n, "meta"))
            continue;
        char key[64] = "";
        static const char *const keys[] = {"property", "name", "itemprop"};
        for (size_t i = 0; i < 3; i++) {
            attr_lower(n, keys[i], key, sizeof(key));
            if (!key[0])
                continue;
            if (strcmp(key, "og:title") == 0) {
                set_once(&pg->og_title, n, "content");
            } else if (strcmp(key, "article:published_time") == 0 ||
                       strcmp(key, "datepublished") == 0 || strcmp(key, "pubdate") == 0 ||
                       strcmp(key, "publishdate") == 0 || strcmp(key, "dc.date.issued") == 0 ||
                       strcmp(key, "parsely-pub-date") == 0) {
                set_once(&pg->published, n, "content");
            } else if (strcmp(key, "author") == 0 || strcmp(key, "article:author") == 0 ||
                       strcmp(key, "dc.creator") == 0 || strcmp(key, "parsely-author") == 0) {
                char *a = NULL;
                set_once(&a, n, "content");
                if (a && !pg->author && !starts_with(a, "http"))
                    pg->author = a;
                else
                    free(a);
            } else if (strcmp(key, "og:site_name") == 0) {
                set_once(&pg->site, n, "content");
            }
        }
    }
}

/* The page title with a trailing " - Site name" / " | Site" removed. */
static char *strip_site_suffix(const char *t)
{
    static const char *const seps[] = {" | ", " - ", " – ", " — ", " :: ", " » ", " · "};
    const char *cut = NULL;
    for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
        const char *p = t, *q;
        while ((q = strstr(p, seps[i]))) {
            if (!cut || q > cut)
                cut = q;
            p = q + 1;
        }
    }
    if (cut) {
        char *head = xstrndup(t, (size_t)(cut - t));
        if (count_words(head) >= 3)
            return head;
        free(head);
    }
    return xstrdup(t);
}

/* ------------------------------------------------------------------------------------------
 * HTML: the generic extractor
 * ---------------------------------------------------------------------------------------- */

enum {
    G_STRIP = 1 << 0,  /* drop elements whose class/id mark them as chrome */
    G_WEIGHT = 1 << 1, /* score class/id words */
    G_CLEAN = 1 << 2,  /* drop link-heavy containers with negative weight */
    G_STRONG = 1 << 3, /* with G_STRIP: only the words that always mean chrome */
};

/* What the generic extractor knows about each element (hung on xmlNode._private). */
struct ninfo {
    xmlNode *node;
    xmlNode *blk; /* nearest block ancestor-or-self */
    const struct tag *tag;
    double score;
    size_t text;     /* characters in the subtree */
    size_t link;     /* of which inside links */
    size_t own;      /* characters whose nearest block is this element */
    unsigned commas; /* commas in own text */
    unsigned char scored, inlink;
};

#define INFO(n) ((struct ninfo *)(n)->_private)

/* Removes chrome from the tree below root. Returns the number of elements left. */
static size_t prune(xmlNode *root, unsigned flags)
{
    size_t count = 0;
    xmlNode *n = root;
    while (n) {
        int drop = 0;
        if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE || n->type == XML_DTD_NODE) {
            drop = 1;
        } else if (n->type == XML_ELEMENT_NODE) {
            const struct tag *t = tag_of(n);
            n->_private = NULL;
            if (t->flags & T_DROP) {
                drop = 1;
            } else if (t->flags & T_PAGE) {
                drop = 1;
                for (xmlNode *p = n->parent; p; p = p->parent)
                    if (is_tag(p, "article") || is_tag(p, "main"))
                        drop = is_tag(n, "footer");
            } else if (!(t->flags & T_KEEP)) {
                /* ASP.NET pages wrap the whole page in a <form>: only small ones go */
                drop = is_hidden(n) ||
                       (is_tag(n, "form") && text_upto(n, SMALL_CHROME) < SMALL_CHROME) ||
                       ((flags & G_STRIP) && is_chrome_element(n, flags & G_STRONG));
            }
        }
        if (drop && n != root) {
            xmlNode *next = walk_next(n, root, 0);
            xmlUnlinkNode(n);
            xmlFreeNode(n);
            n = next;
            continue;
        }
        if (n->type == XML_ELEMENT_NODE)
            count++;
        n = walk_next(n, root, 1);
    }
    return count;
}

/* Counts characters (code points, white-space runs as one) and commas in s. */
static size_t text_len(const char *s, unsigned *commas)
{
    size_t n = 0;
    int space = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            if (!space)
                n++;
            space = 1;
            continue;
        }
        space = 0;
        if ((*p & 0xC0) != 0x80)
            n++;
        if (*p == ',')
            (*commas)++;
    }
    return n;
}

/* Nonzero for an <a> that leads somewhere (not a bare anchor, not "javascript:"). */
static int is_link(const xmlNode *n)
{
    char href[16];
    attr_lower(n, "href", href, sizeof(href));
    return href[0] && !starts_with(href, "javascript:");
}

/* Fills an ninfo for every element below root (info has room for count of them). */
static void measure(xmlNode *root, struct ninfo *info, size_t count)
{
    size_t used = 0;
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && used < count) {
            struct ninfo *in = &info[used++];
            struct ninfo *pin =
                n->parent && n->parent->type == XML_ELEMENT_NODE ? INFO(n->parent) : NULL;
            n->_private = in;
            in->node = n;
            in->tag = tag_of(n);
            in->blk = (in->tag->flags & T_BLOCK) || !pin ? n : pin->blk;
            in->inlink = (pin && pin->inlink) || ((in->tag->flags & T_LINK) && is_link(n));
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content &&
                   n->parent && n->parent->type == XML_ELEMENT_NODE && INFO(n->parent)) {
            struct ninfo *pin = INFO(n->parent);
            unsigned commas = 0;
            size_t k = text_len((const char *)n->content, &commas);
            pin->text += k;
            if (pin->inlink)
                pin->link += k;
            struct ninfo *b = INFO(pin->blk);
            b->own += k;
            b->commas += commas;
        }
        if (n->type == XML_ELEMENT_NODE && n->children && n->_private) {
            n = n->children;
            continue;
        }
        /* leave n and every ancestor that has no next sibling, adding totals upwards */
        for (;;) {
            if (n->type == XML_ELEMENT_NODE && n->_private && n != root && n->parent &&
                n->parent->type == XML_ELEMENT_NODE && INFO(n->parent)) {
                INFO(n->parent)->text += INFO(n)->text;
                INFO(n->parent)->link += INFO(n)->link;
            }
            if (n == root) {
                n = NULL;
                break;
            }
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
    }
}

static double link_density(const struct ninfo *in)
{
    return in->text ? (double)in->link / (double)in->text : 0.0;
}

static void init_score(struct ninfo *in, unsigned flags)
{
    in->scored = 1;
    in->score = in->tag->weight;
    if (flags & G_WEIGHT)
        in->score += class_weight(in->node);
}

#define ALT_TOP 4       /* runners-up considered after the best candidate (Readability: 5 in all) */
#define PART_MAX 8      /* parts of a split article emitted besides the best candidate */
#define PART_SHARE 0.25 /* a part scores at least this share of the best candidate */
#define PART_LEVELS 5   /* and shares an ancestor with it at most this many levels up */

/* qsort order of ninfo pointers into one info[] array: document order. */
static int ninfo_order(const void *a, const void *b)
{
    const struct ninfo *x = *(struct ninfo *const *)a, *y = *(struct ninfo *const *)b;
    return x < y ? -1 : x > y;
}

/* Nonzero when a is an ancestor of n. */
static int is_ancestor(const xmlNode *a, const xmlNode *n)
{
    for (n = n->parent; n; n = n->parent)
        if (n == a)
            return 1;
    return 0;
}

/* The other parts of an article split by figures, quotes or asides into containers that
 * repeat the body container's class ("post__content" three times, each in its own section):
 * candidates with best's class, at least PART_SHARE of its score, outside final (the node the
 * extractor emits) and not its siblings (the sibling merge takes those), whose common ancestor
 * with best is at most PART_LEVELS up and below body. Fills parts in document order (info[]
 * is in document order); returns how many. */
static size_t split_parts(struct ninfo *info, size_t count, const struct ninfo *best,
                          const struct ninfo *final, struct ninfo **parts)
{
    xmlChar *cls = xmlGetProp(best->node, (const xmlChar *)"class");
    size_t n = 0;
    for (size_t i = 0; cls && *cls && i < count && n < PART_MAX; i++) {
        struct ninfo *in = &info[i];
        if (!in->scored || in == best || in == final || in->score < best->score * PART_SHARE ||
            in->node->parent == final->node->parent || is_ancestor(final->node, in->node) ||
            is_ancestor(in->node, final->node) || is_ancestor(in->node, best->node))
            continue;
        xmlChar *c = xmlGetProp(in->node, (const xmlChar *)"class");
        int same = c && xmlStrEqual(c, cls);
        xmlFree(c);
        int levels = 1;
        const xmlNode *a = best->node->parent;
        for (; a && !is_tag(a, "body") && !is_ancestor(a, in->node); a = a->parent)
            levels++;
        if (same && a && !is_tag(a, "body") && levels <= PART_LEVELS)
            parts[n++] = in;
    }
    xmlFree(cls);
    return n;
}

/* Scores the containers of text blocks; returns the best candidate or NULL. */
static struct ninfo *score(struct ninfo *info, size_t count, unsigned flags, struct ninfo **parts,
                           size_t *nparts)
{
    *nparts = 0;
    for (size_t i = 0; i < count; i++) {
        struct ninfo *in = &info[i];
        if (!(in->tag->flags & T_PARA) || in->own < 25)
            continue;
        double cs = 1.0 + in->commas + (in->own / 100 > 3 ? 3 : (double)(in->own / 100));
        xmlNode *a = in->node->parent;
        for (int level = 0; level < 5 && a && a->type == XML_ELEMENT_NODE && INFO(a);
             level++, a = a->parent) {
            struct ninfo *ai = INFO(a);
            if (!ai->scored)
                init_score(ai, flags);
            ai->score += cs / (level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0);
        }
    }
    struct ninfo *top = NULL;
    for (size_t i = 0; i < count; i++) {
        struct ninfo *in = &info[i];
        if (!in->scored)
            continue;
        in->score *= 1.0 - link_density(in);
        if (!top || in->score > top->score)
            top = &info[i];
    }
    if (!top)
        return NULL;
    const struct ninfo *best = top;

    /* When several strong candidates share an ancestor, the article is split over them
     * (steps, sections): take the nearest ancestor of the best one holding three. */
    struct ninfo *alt[ALT_TOP];
    size_t nalt = 0;
    for (size_t i = 0; i < count; i++) {
        struct ninfo *in = &info[i];
        if (!in->scored || in == top || in->score < top->score * 0.75)
            continue;
        size_t j;
        if (nalt < ALT_TOP)
            j = nalt++;
        else if (in->score > alt[ALT_TOP - 1]->score)
            j = ALT_TOP - 1;
        else
            continue;
        alt[j] = in;
        for (; j > 0 && alt[j]->score > alt[j - 1]->score; j--) {
            struct ninfo *t = alt[j];
            alt[j] = alt[j - 1];
            alt[j - 1] = t;
        }
    }
    if (nalt >= 3) {
        for (xmlNode *p = top->node->parent;
             p && p->type == XML_ELEMENT_NODE && INFO(p) && !is_tag(p, "body"); p = p->parent) {
            size_t holds = 0;
            for (size_t i = 0; i < nalt; i++)
                for (xmlNode *q = alt[i]->node->parent; q; q = q->parent)
                    if (q == p) {
                        holds++;
                        break;
                    }
            if (holds >= 3) {
                top = INFO(p);
                if (!top->scored)
                    init_score(top, flags);
                break;
            }
        }
    }

    /* Move up while the parent scores nearly as well (the text may be split over several
     * containers), and past parents that hold nothing else. */
    double last = top->score;
    for (xmlNode *p = top->node->parent;
         p && p->type == XML_ELEMENT_NODE && INFO(p) && !is_tag(p, "body"); p = p->parent) {
        struct ninfo *pi = INFO(p);
        if (!pi->scored)
            continue;
        if (pi->score < last / 3)
            break;
        if (pi->score > last) {
            top = pi;
            break;
        }
        last = pi->score;
    }
    for (;;) {
        xmlNode *p = top->node->parent;
        if (!p || p->type != XML_ELEMENT_NODE || !INFO(p) || is_tag(p, "body") ||
            xmlChildElementCount(p) != 1)
            break;
        top = INFO(p);
        if (!top->scored)
            init_score(top, flags);
    }
    *nparts = split_parts(info, count, best, top, parts);
    if (getenv("XDBG")) {
        fprintf(stderr, "best %s final %s nparts %zu\n", (char *)best->node->name,
                (char *)top->node->name, *nparts);
        for (size_t i = 0; i < *nparts; i++)
            fprintf(stderr, " part %s %.1f idx %td\n", (char *)parts[i]->node->name,
                    parts[i]->score, parts[i] - info);
    }
    return top;
}

/* Nonzero when n is marked as the article's lead ("sapo" in Vietnamese newsrooms). */
static int is_lead(const xmlNode *n)
{
    static const char *const subs[] = {"sapo",       "description", "summary", "excerpt",
                                       "standfirst", "chapeau",     "tomtat"};
    static const char *const toks[] = {"lead", "intro", "lede", "teaser"};
    char cls[256], id[128], slot[64], role[64];
    attr_lower(n, "class", cls, sizeof(cls));
    attr_lower(n, "id", id, sizeof(id));
    attr_lower(n, "data-slot", slot, sizeof(slot));
    attr_lower(n, "data-role", role, sizeof(role));
    return HAS_ANY(cls, subs) || HAS_ANY(id, subs) || HAS_TOKEN(cls, toks) || HAS_TOKEN(id, toks) ||
           HAS_ANY(slot, subs) || HAS_ANY(role, subs);
}

#define LEAD_LEVELS 3 /* how far above the chosen node a lead outside it is looked for */
#define LEAD_NODES 64 /* elements looked at in each earlier sibling */

/* A lead marked as such (is_lead) that comes before pick, outside it, in an earlier sibling
 * of pick or of one of its LEAD_LEVELS nearest ancestors (Tuổi Trẻ's h2.detail-sapo sits
 * beside the body's wrapper, not beside the body): the nearest such element with 30 or more
 * characters, few of them in links; NULL when there is none. */
static xmlNode *find_lead(xmlNode *pick)
{
    xmlNode *c = pick;
    for (int level = 0; level < LEAD_LEVELS && c->parent && c->parent->type == XML_ELEMENT_NODE &&
                        !is_tag(c->parent, "body");
         level++, c = c->parent) {
        for (xmlNode *s = c->prev; s; s = s->prev) {
            if (s->type != XML_ELEMENT_NODE || !INFO(s))
                continue;
            size_t seen = 0;
            for (xmlNode *n = s; n && seen < LEAD_NODES; n = walk_next(n, s, 1)) {
                if (n->type != XML_ELEMENT_NODE || !INFO(n))
                    continue;
                seen++;
                const struct ninfo *in = INFO(n);
                if (in->text >= 30 && link_density(in) < 0.3 && is_lead(n))
                    return n;
            }
        }
    }
    return NULL;
}

/* Nonzero when the sibling s of the top candidate belongs to the article too. */
static int sibling_belongs(struct ninfo *top, struct ninfo *s)
{
    double threshold = top->score * 0.2 > 10 ? top->score * 0.2 : 10;
    double bonus = 0;
    xmlChar *c1 = xmlGetProp(top->node, (const xmlChar *)"class");
    xmlChar *c2 = xmlGetProp(s->node, (const xmlChar *)"class");
    if (c1 && c2 && *c1 && xmlStrEqual(c1, c2))
        bonus = top->score * 0.2;
    xmlFree(c1);
    xmlFree(c2);
    if (s->scored && s->score + bonus >= threshold)
        return 1;
    double ld = link_density(s);
    if (s->text >= 30 && ld < 0.3 && is_lead(s->node))
        return 1;
    /* a paragraph, or a div that is one: its text all its own, no blocks inside */
    if (!is_tag(s->node, "p") && !(is_tag(s->node, "div") && s->own * 10 >= s->text * 9))
        return 0;
    if (s->text > 80 && ld < 0.25)
        return 1;
    if (s->text > 0 && s->text <= 80 && ld == 0) {
        char *t = node_text(s->node);
        int ok = ends_sentence(t) || strstr(t, ". ");
        free(t);
        return ok;
    }
    return 0;
}

struct emit {
    struct plist *pl;
    struct buf cur;
    size_t link; /* bytes of cur inside links */
    int head;
};

static void emit_flush(struct emit *e)
{
    if (!e->cur.len)
        return;
    char *cl = utf8_clean(e->cur.data, e->cur.len);
    char *s = text_squash(cl, strlen(cl));
    free(cl);
    double ld = (double)e->link / (double)e->cur.len;
    buf_reset(&e->cur);
    e->link = 0;
    if (*s)
        plist_push(e->pl, s, ld, e->head);
    else
        free(s);
}

/* Nonzero when the container n (below the chosen node) is a link list or marked chrome. */
static int skip_container(const xmlNode *n, unsigned flags)
{
    const struct ninfo *in = INFO(n);
    if (!in || !(in->tag->flags & T_CONTAINER) || in->text == 0)
        return 0;
    double ld = link_density(in);
    if (ld > 0.5)
        return 1;
    return (flags & G_CLEAN) && ld > 0.2 && class_weight(n) < 0;
}

/* Appends the text blocks of the subtree at root to e->pl in document order. */
static void emit_tree(struct emit *e, xmlNode *root, unsigned flags)
{
    xmlNode *n = root;
    while (n) {
        int descend = 1;
        if (n->type == XML_ELEMENT_NODE) {
            const struct tag *t = tag_of(n);
            if (n != root && skip_container(n, flags)) {
                descend = 0;
            } else if (t->flags & T_BLOCK) {
                emit_flush(e);
                if (t->flags & T_HEAD)
                    e->head = n->name[1] - '0';
            }
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            size_t k = strlen((const char *)n->content);
            buf_append(&e->cur, n->content, k);
            if (n->parent && INFO(n->parent) && INFO(n->parent)->inlink)
                e->link += k;
        }
        if (descend && n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            if (n->type == XML_ELEMENT_NODE && (tag_of(n)->flags & T_BLOCK)) {
                emit_flush(e);
                e->head = 0;
            }
            if (n == root) {
                n = NULL;
                break;
            }
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
    }
    emit_flush(e);
}

/* Drops chrome paragraphs from pl: captions, datelines, link lines, the headline. Chrome
 * is short, so long paragraphs skip the (costly) lowercase tests. */
static void filter_paras(struct plist *pl, const char *title)
{
    size_t w = 0;
    int body = 0;
    char *ltitle = title ? utf8_lower(title, strlen(title)) : NULL;
    pl->chars = 0;
    for (size_t i = 0; i < pl->n; i++) {
        struct para *p = &pl->v[i];
        size_t chars = u8_chars(p->s);
        int drop = (p->ld > 0.75 && chars < 200) || (p->head == 1 && !body);
        if (!drop && chars <= 300) {
            char *low = utf8_lower(p->s, strlen(p->s));
            drop = drop_line(low) || (ltitle && strcmp(low, ltitle) == 0);
            free(low);
        }
        if (drop) {
            free(p->s);
            continue;
        }
        if (!p->head)
            body = 1;
        pl->chars += chars;
        pl->v[w++] = *p;
    }
    pl->n = w;
    free(ltitle);
}

/* Parses n bytes at s as HTML with the page's encoding; NULL when libxml2 gives up. */
static htmlDocPtr parse_html(const struct page *pg, const char *s, size_t n, const char *enc)
{
    /* libxml2 reports encoding trouble through its generic handler despite NOERROR */
    xmlGenericErrorFunc old_fn = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    htmlDocPtr doc = htmlReadMemory(s, (int)n, pg->url, enc, HTML_OPTS);
    xmlSetGenericErrorFunc(old_ctx, old_fn);
    return doc;
}

/* The page's first parse when no strategy has taken it yet, otherwise a fresh one. The caller
 * owns the result. */
static htmlDocPtr take_doc(struct page *pg)
{
    htmlDocPtr doc = pg->doc;
    pg->doc = NULL;
    return doc ? doc : parse_html(pg, pg->html, pg->len, pg->enc);
}

/* Cleans the element subtrees at nodes[0..n) — chrome elements dropped with the prune flags,
 * link lists skipped — and appends their text blocks to pl in document order. Nodes inside an
 * earlier node of the list are skipped (they are emitted with it). */
static void emit_nodes(xmlNode **nodes, size_t n, unsigned flags, struct plist *pl)
{
    struct emit e = {pl, BUF_INIT, 0, 0};
    struct ninfo **infos = xcalloc(n ? n : 1, sizeof(*infos));
    /* Decided for every node before any pruning: pruning an earlier node may free a later
     * one inside it (fuzz_extract found it). */
    char *skip = xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        if (!nodes[i] || nodes[i]->type != XML_ELEMENT_NODE) {
            skip[i] = 1;
            continue;
        }
        for (xmlNode *p = nodes[i]->parent; p && !skip[i]; p = p->parent)
            for (size_t j = 0; j < i && !skip[i]; j++)
                skip[i] = p == nodes[j];
    }
    for (size_t i = 0; i < n; i++) {
        if (skip[i])
            continue;
        size_t count = prune(nodes[i], flags);
        infos[i] = xcalloc(count ? count : 1, sizeof(**infos));
        measure(nodes[i], infos[i], count);
        emit_tree(&e, nodes[i], flags);
    }
    /* the nodes' _private fields now dangle: the caller frees the tree next */
    for (size_t i = 0; i < n; i++)
        free(infos[i]);
    free(infos);
    free(skip);
    buf_free(&e.cur);
}

static void decode_entities(char *s);

/* Nonzero when s looks like a headline rather than a logo or a section name: three words at
 * least. */
static int headline_like(const char *s)
{
    int words = 0, in = 0;
    for (; *s; s++) {
        int sp = *s == ' ' || *s == '\t' || *s == '\n';
        words += !sp && !in;
        in = !sp;
    }
    return words >= 3;
}

/* The title to use: the visible headline first — the site rule's, the h1 found with the
 * content, the page's first h1 when it reads like a headline — then the JSON-LD headline,
 * og:title, any h1, or the <title> without its site suffix. Whatever its source, character
 * references are decoded until none is left, so a doubly escaped headline ("Chi&amp;#7871;n")
 * is said as written, and one already decoded is unchanged. Caller frees; NULL when none. */
static char *page_title(const struct page *pg, const char *h1)
{
    const char *t = pg->rule_title                    ? pg->rule_title
                    : h1 && headline_like(h1)         ? h1
                    : pg->h1 && headline_like(pg->h1) ? pg->h1
                    : pg->ld_title                    ? pg->ld_title
                    : pg->og_title                    ? pg->og_title
                    : h1                              ? h1
                    : pg->h1                          ? pg->h1
                                                      : NULL;
    char *out = t ? xstrdup(t) : pg->doc_title ? strip_site_suffix(pg->doc_title) : NULL;
    for (int round = 0; out && strchr(out, '&') && round < 3; round++) {
        size_t before = strlen(out);
        decode_entities(out);
        if (strlen(out) == before)
            break;
    }
    return out;
}

/* Filters the candidate paragraphs in pl (captions, chrome, the headline) and moves them into
 * a: the last step of every strategy. h1 is the heading found with the content (may be NULL).
 * Returns 0, or DB_EEMPTY when no paragraph survives. */
static int finish(struct page *pg, struct article *a, struct plist *pl, const char *h1)
{
    char *title = page_title(pg, h1);
    filter_paras(pl, title);
    if (pl->n == 0) {
        free(title);
        return DB_EEMPTY;
    }
    char *by = take_trailing_byline(pl);
    article_set(&a->title, title);
    const char *byline = pg->rule_byline                   ? pg->rule_byline
                         : by && !starts_with(by, "Theo ") ? by
                         : pg->ld_author                   ? pg->ld_author
                                                           : pg->author;
    article_set(&a->byline, byline);
    free(by);
    free(title);
    strip_source_tag(pl);
    for (size_t i = 0; i < pl->n; i++)
        article_add_para(a, pl->v[i].s, strlen(pl->v[i].s));
    plist_free(pl);
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * HTML strategy 1: the site's XPath rules
 * ---------------------------------------------------------------------------------------- */

/* Evaluates the XPath expression expr; NULL when it is not valid or finds nothing. */
static xmlXPathObjectPtr xpath_eval(xmlXPathContextPtr ctx, const char *expr)
{
    if (!expr || !*expr)
        return NULL;
    ctx->opCount = 0;
    xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    if (r && r->type == XPATH_NODESET && (!r->nodesetval || r->nodesetval->nodeNr == 0)) {
        xmlXPathFreeObject(r);
        return NULL;
    }
    return r;
}

/* The text an XPath result stands for (caller frees; NULL when empty): a string result, or
 * the first node's value — an attribute's value, a <meta>'s content, a <time>'s datetime
 * when attrs, otherwise the element's text. */
static char *xpath_text(xmlXPathObjectPtr r, int attrs)
{
    char *s = NULL;
    if (!r)
        return NULL;
    if (r->type == XPATH_STRING && r->stringval) {
        char *cl = utf8_clean((const char *)r->stringval, strlen((const char *)r->stringval));
        s = text_squash(cl, strlen(cl));
        free(cl);
    } else if (r->type == XPATH_NODESET && r->nodesetval && r->nodesetval->nodeNr > 0) {
        xmlNode *n = r->nodesetval->nodeTab[0];
        if (n->type == XML_ELEMENT_NODE && is_tag(n, "meta"))
            set_once(&s, n, "content");
        else if (n->type == XML_ELEMENT_NODE && attrs)
            set_once(&s, n, "datetime");
        if (!s)
            s = node_text(n);
    }
    if (s && !*s) {
        free(s);
        s = NULL;
    }
    return s;
}

/* Unlinks and frees the element nodes of ns, outermost first (a node inside another selected
 * one goes with it), except the document element and any node that holds a node of keep
 * (may be NULL). Empties ns, whose pointers would dangle. */
static void free_selected(xmlNodeSetPtr ns, xmlNodeSetPtr keep)
{
    if (!ns)
        return;
    for (int i = 0; i < ns->nodeNr; i++) {
        xmlNode *n = ns->nodeTab[i];
        int skip = n->type != XML_ELEMENT_NODE || !n->parent || n->parent->type != XML_ELEMENT_NODE;
        for (xmlNode *p = n->parent; p && !skip; p = p->parent)
            for (int j = 0; j < i && !skip; j++)
                skip = p == ns->nodeTab[j];
        for (int j = 0; keep && j < keep->nodeNr && !skip; j++)
            for (xmlNode *p = keep->nodeTab[j]; p && !skip; p = p->parent)
                skip = p == n;
        if (skip)
            n->_private = ns; /* a mark, cleared below; nothing else uses it yet */
    }
    for (int i = 0; i < ns->nodeNr; i++) {
        xmlNode *n = ns->nodeTab[i];
        if (n->_private == ns) {
            n->_private = NULL;
            ns->nodeTab[i] = NULL;
        }
    }
    for (int i = 0; i < ns->nodeNr; i++) {
        if (!ns->nodeTab[i])
            continue;
        xmlUnlinkNode(ns->nodeTab[i]);
        xmlFreeNode(ns->nodeTab[i]);
    }
    ns->nodeNr = 0;
}

/* Reads the rule's metadata into *field (attrs: prefer a datetime attribute) and, when body is
 * not NULL, removes the selected elements that do not hold a body node (metadata is not
 * spoken). */
/* The number of nodes an XPath result selected (1 for a non-empty string), for the report. */
static int result_count(const char *expr, xmlXPathObjectPtr r)
{
    if (!expr || !*expr)
        return -1;
    if (!r)
        return 0;
    if (r->type == XPATH_NODESET)
        return r->nodesetval ? r->nodesetval->nodeNr : 0;
    return r->type == XPATH_STRING ? (r->stringval && *r->stringval) : 1;
}

static void rule_meta(xmlXPathContextPtr ctx, const char *expr, char **field, int attrs,
                      xmlNodeSetPtr body, int *count)
{
    xmlXPathObjectPtr r = xpath_eval(ctx, expr);
    *count = result_count(expr, r);
    if (!r)
        return;
    *field = xpath_text(r, attrs);
    if (body && r->type == XPATH_NODESET)
        free_selected(r->nodesetval, body);
    xmlXPathFreeObject(r);
}

/* Removes every element the drop expressions select. */
static void rule_drop(xmlXPathContextPtr ctx, const char *const *drop)
{
    for (size_t d = 0; drop && drop[d]; d++) {
        xmlXPathObjectPtr r = xpath_eval(ctx, drop[d]);
        if (r && r->type == XPATH_NODESET)
            free_selected(r->nodesetval, NULL);
        xmlXPathFreeObject(r);
    }
}

/* Strategy: the site's rules. Metadata rules are read whatever happens; when the body rule
 * selects nothing the tree is left as it was for the next strategy. */
static int rules_extract(struct page *pg, struct article *a)
{
    const struct extract_rules *ru = pg->rules;
    int rc = DB_EEMPTY;
    if (!ru || !pg->doc)
        return DB_EEMPTY;

    xmlXPathContextPtr ctx = xmlXPathNewContext(pg->doc);
    ctx->error = xml_quiet_structured;
    ctx->opLimit = 10000000; /* a hostile expression gives up instead of hanging */
    xmlGenericErrorFunc old_fn = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_quiet);

    xmlXPathObjectPtr body = xpath_eval(ctx, ru->body);
    int has_body = body && body->type == XPATH_NODESET;
    struct extract_report ignored, *rep = pg->rep ? pg->rep : &ignored;
    rep->body = result_count(ru->body, body);
    rule_meta(ctx, ru->title, &pg->rule_title, 0, NULL, &rep->title);
    rule_meta(ctx, ru->byline, &pg->rule_byline, 0, has_body ? body->nodesetval : NULL,
              &rep->byline);
    rule_meta(ctx, ru->published, &pg->rule_published, 1, has_body ? body->nodesetval : NULL,
              &rep->published);
    xmlXPathFreeObject(body);
    if (!has_body)
        goto out;

    /* the tree changes from here on: the next strategy parses afresh */
    htmlDocPtr doc = pg->doc;
    pg->doc = NULL;
    rule_drop(ctx, ru->drop);
    body = xpath_eval(ctx, ru->body);
    if (body && body->type == XPATH_NODESET) {
        struct plist pl = {0};
        xmlNodeSetPtr ns = body->nodesetval;
        emit_nodes(ns->nodeTab, (size_t)ns->nodeNr, G_STRIP | G_STRONG | G_CLEAN, &pl);
        rc = finish(pg, a, &pl, NULL);
        plist_free(&pl);
    }
    xmlXPathFreeObject(body);
    xmlXPathFreeContext(ctx);
    ctx = NULL;
    xmlFreeDoc(doc);
out:
    xmlXPathFreeContext(ctx);
    xmlSetGenericErrorFunc(old_ctx, old_fn);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * HTML strategy 2: JSON-LD articleBody
 * ---------------------------------------------------------------------------------------- */

/* Below this many characters an articleBody is taken for a teaser. */
#define LD_MIN_CHARS 400
#define LD_MAX_DEPTH 8

/* Nonzero for the schema.org types of news articles ("NewsArticle", "Article",
 * "ReportageNewsArticle", "AnalysisNewsArticle", ..., "BlogPosting"). */
static int article_type(const json_t *type)
{
    if (json_is_array(type)) {
        size_t i;
        const json_t *t;
        json_array_foreach(type, i, t)
        {
            if (article_type(t))
                return 1;
        }
        return 0;
    }
    const char *s = json_string_value(type);
    if (!s)
        return 0;
    size_t n = strlen(s);
    return strcmp(s, "Article") == 0 || strcmp(s, "BlogPosting") == 0 ||
           (n >= 11 && strcmp(s + n - 11, "NewsArticle") == 0);
}

/* The first article object in v (at the top, in arrays or in "@graph"); with body, the
 * first one that has an articleBody string. */
static const json_t *jsonld_find(const json_t *v, int body, int depth)
{
    if (depth > LD_MAX_DEPTH)
        return NULL;
    if (json_is_array(v)) {
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item)
        {
            const json_t *r = jsonld_find(item, body, depth + 1);
            if (r)
                return r;
        }
        return NULL;
    }
    if (!json_is_object(v))
        return NULL;
    if (article_type(json_object_get(v, "@type")) &&
        (!body || json_is_string(json_object_get(v, "articleBody"))))
        return v;
    return jsonld_find(json_object_get(v, "@graph"), body, depth + 1);
}

/* Sets *field from the JSON string s (squashed) unless it is set already. */
static void ld_set(char **field, const char *s)
{
    if (*field || !s)
        return;
    char *cl = utf8_clean(s, strlen(s));
    char *q = text_squash(cl, strlen(cl));
    free(cl);
    if (*q)
        *field = q;
    else
        free(q);
}

/* The author names of a JSON-LD author value (a string, a Person, or an array of them),
 * joined with ", " (caller frees; NULL when none). */
static char *ld_author(const json_t *v)
{
    struct buf b = BUF_INIT;
    const json_t *one[1] = {v};
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    for (size_t i = 0; i < n && i < 8; i++) {
        const json_t *x = json_is_array(v) ? json_array_get(v, i) : one[0];
        const char *name = json_is_string(x) ? json_string_value(x)
                                             : json_string_value(json_object_get(x, "name"));
        if (!name || !*name || starts_with(name, "http"))
            continue;
        if (b.len)
            buf_puts(&b, ", ");
        buf_puts(&b, name);
    }
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

/* A copy of the JSON text s with raw control characters inside strings escaped (pages often
 * put raw line breaks into articleBody, which strict JSON forbids). */
static char *json_fix_controls(const char *s)
{
    struct buf b = BUF_INIT;
    int in_str = 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (in_str && c == '\\' && p[1]) {
            buf_append(&b, p, 2);
            p++;
            continue;
        }
        if (c == '"')
            in_str = !in_str;
        if (in_str && c < 0x20)
            buf_puts(&b, c == '\n' ? "\\n" : c == '\t' ? "\\t" : " ");
        else
            buf_putc(&b, (char)c);
    }
    return buf_steal(&b);
}

/* Reads the article metadata and articleBody from a <script type="application/ld+json">. */
static void jsonld_read(struct page *pg, xmlNode *script)
{
    xmlChar *c = xmlNodeGetContent(script);
    if (!c)
        return;
    json_error_t err;
    json_t *j = json_loads((const char *)c, JSON_DECODE_ANY, &err);
    if (!j) {
        char *fixed = json_fix_controls((const char *)c);
        j = json_loads(fixed, JSON_DECODE_ANY, &err);
        free(fixed);
    }
    xmlFree(c);
    if (!j)
        return;
    const json_t *art = jsonld_find(j, 1, 0);
    if (!art)
        art = jsonld_find(j, 0, 0);
    if (art) {
        ld_set(&pg->ld_title, json_string_value(json_object_get(art, "headline")));
        ld_set(&pg->ld_published, json_string_value(json_object_get(art, "datePublished")));
        if (!pg->ld_author)
            pg->ld_author = ld_author(json_object_get(art, "author"));
        const char *body = json_string_value(json_object_get(art, "articleBody"));
        if (body && !pg->ld_body)
            pg->ld_body = utf8_clean(body, strlen(body));
    }
    json_decref(j);
}

/* Decodes HTML character references ("&amp;", "&#7873;", "&#x1EF1;") in s, in place. */
static void decode_entities(char *s)
{
    char *w = s;
    for (const char *p = s; *p;) {
        if (*p != '&') {
            *w++ = *p++;
            continue;
        }
        const char *semi = strchr(p, ';');
        int cp = -1;
        if (semi && semi - p > 1 && semi - p <= 32) {
            char name[33];
            memcpy(name, p + 1, (size_t)(semi - p - 1));
            name[semi - p - 1] = '\0';
            if (name[0] == '#') {
                char *end;
                long v = (name[1] == 'x' || name[1] == 'X') ? strtol(name + 2, &end, 16)
                                                            : strtol(name + 1, &end, 10);
                if (*end == '\0' && end != name + 1 && v > 0 && v <= 0x10FFFF &&
                    !(v >= 0xD800 && v <= 0xDFFF))
                    cp = (int)v;
            } else {
                const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
                if (e)
                    cp = (int)e->value;
            }
        }
        if (cp < 0) {
            *w++ = *p++;
            continue;
        }
        char u[4];
        size_t k = utf8_encode(cp, u);
        /* an entity is never shorter than its UTF-8 form ("&lt;" 4 bytes, 1 out) */
        memcpy(w, u, k);
        w += k;
        p = semi + 1;
    }
    *w = '\0';
}

/* Strategy: JSON-LD articleBody, when it is there and not a teaser: long enough, not cut off
 * with "…", and not much shorter than the paragraphs of the page. */
static int jsonld_extract(struct page *pg, struct article *a)
{
    struct plist pl = {0};
    const char *body = pg->ld_body;
    if (!body)
        return DB_EEMPTY;
    if (extract_is_html(body, strlen(body))) {
        htmlDocPtr doc = parse_html(pg, body, strlen(body), "UTF-8");
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (root)
            emit_nodes(&root, 1, G_STRIP | G_STRONG | G_CLEAN, &pl);
        if (doc)
            xmlFreeDoc(doc);
    } else {
        for (const char *p = body; *p;) {
            size_t k = strcspn(p, "\n");
            char *line = xstrndup(p, k);
            p += k + (p[k] == '\n');
            if (strchr(line, '&'))
                decode_entities(line);
            char *s = text_squash(line, strlen(line));
            free(line);
            if (*s)
                plist_push(&pl, s, 0, 0);
            else
                free(s);
        }
    }
    int c = pl.n ? last_sentence_char(pl.v[pl.n - 1].s) : 0;
    int cut = c == 0x2026 || (c == '.' && pl.n && strstr(pl.v[pl.n - 1].s, "...") &&
                              strcmp(pl.v[pl.n - 1].s + strlen(pl.v[pl.n - 1].s) - 3, "...") == 0);
    if (pl.chars < LD_MIN_CHARS || cut || (double)pl.chars < 0.4 * (double)pg->p_chars) {
        plist_free(&pl);
        return DB_EEMPTY;
    }
    int rc = finish(pg, a, &pl, NULL);
    plist_free(&pl);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * HTML strategy 3: the generic extractor
 * ---------------------------------------------------------------------------------------- */

/* One run of the generic extractor over the page's first parse or a fresh one; fills pl and
 * *h1 (the first h1 inside the chosen content, or NULL). */
static int generic_run(struct page *pg, unsigned flags, struct plist *pl, char **h1)
{
    struct ninfo *info = NULL;
    int rc = 0;
    htmlDocPtr doc = take_doc(pg);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        rc = DB_EFORMAT;
        goto out;
    }

    size_t count = prune(root, flags);
    info = xcalloc(count ? count : 1, sizeof(*info));
    measure(root, info, count);
    struct ninfo *parts[PART_MAX];
    size_t nparts = 0;
    struct ninfo *top = score(info, count, flags, parts, &nparts);
    xmlNode *body = root;
    for (xmlNode *c = root->children; c; c = c->next)
        if (is_tag(c, "body"))
            body = c;
    xmlNode *pick = top ? top->node : body;

    for (xmlNode *n = pick; n && !*h1; n = walk_next(n, pick, 1))
        if (is_tag(n, "h1")) {
            char *t = node_text(n);
            if (*t)
                *h1 = t;
            else
                free(t);
        }

    /* The roots to emit: top and the siblings that belong with it, then the other parts of a
     * split article that none of those holds, all in document order. */
    size_t nroots = 0, cap = 16;
    struct ninfo **roots = xcalloc(cap, sizeof(*roots));
    xmlNode *parent = pick->parent;
    if (top && parent && parent->type == XML_ELEMENT_NODE && INFO(parent)) {
        for (xmlNode *s = parent->children; s; s = s->next)
            if (s == pick ||
                (s->type == XML_ELEMENT_NODE && INFO(s) && sibling_belongs(top, INFO(s)))) {
                if (nroots == cap)
                    roots = xrealloc(roots, (cap *= 2) * sizeof(*roots));
                roots[nroots++] = INFO(s);
            }
    } else {
        roots[nroots++] = INFO(pick);
    }
    xmlNode *lead = top ? find_lead(pick) : NULL;
    if (lead) {
        int held = 0;
        for (size_t r = 0; r < nroots && !held; r++)
            held = roots[r]->node == lead || is_ancestor(roots[r]->node, lead);
        if (!held) {
            if (nroots == cap)
                roots = xrealloc(roots, (cap *= 2) * sizeof(*roots));
            roots[nroots++] = INFO(lead);
        }
    }
    size_t nsib = nroots;
    for (size_t k = 0; k < nparts; k++) {
        int held = 0;
        for (size_t r = 0; r < nsib && !held; r++)
            held = is_ancestor(roots[r]->node, parts[k]->node) ||
                   is_ancestor(parts[k]->node, roots[r]->node);
        if (held)
            continue;
        if (nroots == cap)
            roots = xrealloc(roots, (cap *= 2) * sizeof(*roots));
        roots[nroots++] = parts[k];
    }
    qsort(roots, nroots, sizeof(*roots), ninfo_order);
    struct emit e = {pl, BUF_INIT, 0, 0};
    for (size_t r = 0; r < nroots; r++)
        emit_tree(&e, roots[r]->node, flags);
    free(roots);
    buf_free(&e.cur);
out:
    free(info);
    if (doc)
        xmlFreeDoc(doc);
    return rc;
}

/* The generic extractor's passes, strict to loose. A pass runs only while the best result so
 * far has fewer than min_chars characters, and wins only when it has more. Loosening is for
 * pages whose article wrapper carries a chrome-like class ("header-content-wrapper"). */
static const struct {
    unsigned flags;
    size_t min_chars;
} passes[] = {
    {G_STRIP | G_WEIGHT | G_CLEAN, SIZE_MAX},
    {G_STRIP | G_STRONG | G_WEIGHT | G_CLEAN, RETRY_CHARS},
    {0, 1},
};

/* Strategy: the generic extractor. */
static int generic_extract(struct page *pg, struct article *a)
{
    struct plist best = {0};
    char *h1 = NULL;
    int rc = 0;

    for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
        if (best.chars >= passes[i].min_chars)
            continue;
        struct plist pl = {0};
        char *h = NULL;
        rc = generic_run(pg, passes[i].flags, &pl, &h);
        if (rc < 0) {
            plist_free(&pl);
            free(h);
            goto out;
        }
        char *title = page_title(pg, h);
        filter_paras(&pl, title);
        free(title);
        if (pl.chars > best.chars) {
            plist_free(&best);
            best = pl;
            free(h1);
            h1 = h;
        } else {
            plist_free(&pl);
            free(h);
        }
    }
    rc = best.n ? finish(pg, a, &best, h1) : DB_EEMPTY;
out:
    plist_free(&best);
    free(h1);
    return rc;
}

/* Extraction strategies for HTML, tried in order; each returns 0 after adding paragraphs to
 * the article, DB_EEMPTY to pass, or another error to stop. */
static int (*const strategies[])(struct page *, struct article *) = {
    rules_extract,
    jsonld_extract,
    generic_extract,
};

/* ------------------------------------------------------------------------------------------
 * HTML: input checks and encoding
 * ---------------------------------------------------------------------------------------- */

/* The charset named in the first bytes of the page ("charset=..."), lowercased into out;
 * "" when there is none. */
static void sniff_charset(const char *s, size_t n, char *out, size_t cap)
{
    size_t lim = n > 4096 ? 4096 : n;
    out[0] = '\0';
    for (size_t i = 0; i + 8 <= lim; i++) {
        if (strncasecmp(s + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < lim && (s[j] == ' ' || s[j] == '='))
            j++;
        if (j == i + 7)
            continue;
        while (j < lim && (s[j] == '"' || s[j] == '\''))
            j++;
        size_t k = 0;
        while (j < lim && k + 1 < cap &&
               ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                (s[j] >= '0' && s[j] <= '9') || s[j] == '-' || s[j] == '_')) {
            char c = s[j++];
            out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        out[k] = '\0';
        if (k)
            return;
    }
}

static int valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        int cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && !(k == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0))
            return 0;
        i += k;
    }
    return 1;
}

static void page_free(struct page *pg)
{
    if (pg->doc)
        xmlFreeDoc(pg->doc);
    char **f[] = {&pg->og_title,       &pg->doc_title, &pg->h1,         &pg->published,
                  &pg->author,         &pg->site,      &pg->rule_title, &pg->rule_byline,
                  &pg->rule_published, &pg->ld_title,  &pg->ld_author,  &pg->ld_published,
                  &pg->ld_body};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        free(*f[i]);
        *f[i] = NULL;
    }
}

int extract_html_rules(const char *html, size_t len, const char *url,
                       const struct extract_rules *rules, struct article **out)
{
    return extract_html_report(html, len, url, rules, out, NULL);
}

int extract_html_report(const char *html, size_t len, const char *url,
                        const struct extract_rules *rules, struct article **out,
                        struct extract_report *report)
{
    static const char *const names[] = {"rules", "jsonld", "generic"};
    _Static_assert(sizeof(names) / sizeof(names[0]) == sizeof(strategies) / sizeof(strategies[0]),
                   "one name per strategy");
    struct page pg = {0};
    if (report)
        *report = (struct extract_report){-1, -1, -1, -1, NULL};
    struct article *a = NULL;
    char *fixed = NULL;
    char cs[32];
    int rc = DB_EEMPTY;

    if (len > EXTRACT_MAX_INPUT)
        return DB_ETOOBIG;
    size_t ws = 0;
    while (ws < len && strchr(" \t\r\n\f", html[ws]) && html[ws])
        ws++;
    if (ws == len)
        return DB_EEMPTY;
    if (len > INT_MAX)
        return DB_ETOOBIG;

    int utf16 = len >= 2 && ((unsigned char)html[0] == 0xFF || (unsigned char)html[0] == 0xFE);
    sniff_charset(html, len, cs, sizeof(cs));
    /* Bytes that are valid UTF-8 are UTF-8 whatever the page claims (saved pages are often
     * converted without fixing their <meta charset>). */
    int valid = valid_utf8(html, len);
    int utf8 = !utf16 && (valid || !cs[0] || strcmp(cs, "utf-8") == 0 || strcmp(cs, "utf8") == 0);
    if (utf8 ? utf8_looks_binary(html, len) : (!utf16 && memchr(html, 0, len)))
        return DB_EFORMAT;

    pg.html = html;
    pg.len = len;
    pg.url = url;
    pg.rules = rules;
    pg.rep = report;
    if (utf8) {
        /* libxml2 would fall back to Latin-1 at the first bad byte: repair first. */
        if (!valid) {
            fixed = utf8_clean(html, len);
            pg.html = fixed;
            pg.len = strlen(fixed);
        }
        pg.enc = "UTF-8";
    }
    pg.doc = parse_html(&pg, pg.html, pg.len, pg.enc);
    xmlNode *root = pg.doc ? xmlDocGetRootElement(pg.doc) : NULL;
    if (!root) {
        rc = DB_EFORMAT;
        goto out;
    }
    read_meta(&pg, root);

    a = article_new();
    for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
        rc = strategies[i](&pg, a);
        if (rc == 0 && report)
            report->extractor = names[i];
        if (rc != DB_EEMPTY)
            break;
    }
    if (rc < 0)
        goto out;
    if (a->npara == 0) {
        rc = DB_EEMPTY;
        goto out;
    }
    article_set(&a->published, pg.rule_published ? pg.rule_published
                               : pg.ld_published ? pg.ld_published
                                                 : pg.published);
    article_set(&a->site, pg.site);
    article_set(&a->url, url);
    *out = a;
    a = NULL;
out:
    article_free(a);
    free(fixed);
    page_free(&pg);
    return rc;
}

int extract_html(const char *html, size_t len, const char *url, struct article **out)
{
    return extract_html_rules(html, len, url, NULL, out);
}
