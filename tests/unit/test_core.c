/*
 * test_core.c — buffers, string arrays, UTF-8 hygiene and the article record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/utf8.h"
#include "docbao/util.h"
#include "t.h"

static void test_buf(void)
{
    struct buf b;
    buf_init(&b, 8);
    T_INT(buf_puts(&b, "abcd"), 0, "buf: append under the cap");
    T_INT(buf_puts(&b, "efgh"), 0, "buf: append up to the cap");
    T_STR(buf_str(&b), "abcdefgh", "buf: contents are NUL-terminated");
    T_INT(buf_putc(&b, 'x'), DB_ETOOBIG, "buf: one byte over the cap is refused");
    T_INT((long)b.len, 0, "buf: overflow frees the buffer");
    T_STR(buf_str(&b), "", "buf: empty after overflow");
    buf_free(&b);
    struct buf u = BUF_INIT;
    for (int i = 0; i < 10000; i++)
        buf_putc(&u, 'a');
    T_INT((long)u.len, 10000, "buf: uncapped buffer grows");
    char *s = buf_steal(&u);
    T_INT((long)strlen(s), 10000, "buf: steal hands over the string");
    free(s);
    T_STR(buf_str(&u), "", "buf: empty after steal");
}

struct clean_case {
    const char *in;
    size_t len;
    const char *want;
};

static void test_utf8_clean(void)
{
    static const struct clean_case cases[] = {
        {"Hà Nội", 0, "Hà Nội"},
        /* decomposed "Hà" (a + combining grave) becomes composed */
        {"Ha\xcc\x80", 0, "Hà"},
        /* "ệ" as e + circumflex + dot below → one code point */
        {"Vi\x65\xcc\x82\xcc\xa3t", 0, "Việt"},
        {"a\xff" "b", 0, "a\xef\xbf\xbd" "b"},
        {"a\xc3", 0, "a\xef\xbf\xbd"},
        {"x\r\ny\rz", 0, "x\ny\nz"},
        {"a\x01" "b\x7f" "c", 0, "a b c"},
        {"a\0b", 3, "a b"},
        {"\xe2\x82", 0, "\xef\xbf\xbd\xef\xbf\xbd"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        size_t n = cases[i].len ? cases[i].len : strlen(cases[i].in);
        char *got = utf8_clean(cases[i].in, n);
        T_STR(got, cases[i].want, "utf8_clean case %zu", i);
        free(got);
    }
    char *low = utf8_lower("ĐẠI HỌC Quốc Gia", strlen("ĐẠI HỌC Quốc Gia"));
    T_STR(low, "đại học quốc gia", "utf8_lower: Vietnamese capitals");
    free(low);
    T_OK(utf8_looks_binary("\x89PNG\r\n\x1a\n\0\0\0", 11), "binary: PNG header");
    const char *vi = "Đây là một câu tiếng Việt bình thường.";
    T_OK(!utf8_looks_binary(vi, strlen(vi)), "binary: Vietnamese text is not binary");
}

static void test_article(void)
{
    char *s = text_squash("  a \t b\n\nc\xc2\xa0 d  ", strlen("  a \t b\n\nc\xc2\xa0 d  "));
    T_STR(s, "a b c d", "text_squash collapses spaces, newlines and NBSP");
    free(s);
    struct article *a = article_new();
    article_add_para(a, "  ", 2);
    article_add_para(a, " Đoạn một. ", strlen(" Đoạn một. "));
    T_INT((long)a->npara, 1, "article: empty paragraphs are skipped");
    T_STR(a->paras[0], "Đoạn một.", "article: paragraph trimmed");
    article_set(&a->title, "  Tiêu   đề ");
    T_STR(a->title, "Tiêu đề", "article: title squashed");
    article_set(&a->byline, "   ");
    T_OK(a->byline == NULL, "article: blank field becomes NULL");
    article_free(a);
    article_free(NULL);
    T_OK(1, "article_free(NULL) is a no-op");
}

static void test_strerror(void)
{
    for (int e = 0; e >= DB_ENOSPC; e--)
        T_OK(db_strerror(e) && *db_strerror(e) && strcmp(db_strerror(e), "unknown error"),
             "db_strerror(%d) describes the error", e);
    T_STR(db_strerror(-999), "unknown error", "db_strerror of an unknown value");
    /* a full disk is said so, not "input/output error" (issue 15) */
    T_STR(db_strerror(DB_ENOSPC), "no space left on device", "db_strerror(DB_ENOSPC)");
    T_INT(db_errno(ENOSPC), DB_ENOSPC, "db_errno(ENOSPC) is DB_ENOSPC");
    T_INT(db_errno(EDQUOT), DB_ENOSPC, "db_errno(EDQUOT), a used-up quota, is DB_ENOSPC");
    T_INT(db_errno(EIO), DB_EIO, "db_errno(EIO) is DB_EIO");
    T_INT(db_errno(0), DB_EIO, "db_errno(0) is DB_EIO");
}

/* Agency credits at the start of a lead or summary: which are taken off, and how much. */
static void test_credits(void)
{
    static const struct {
        const char *in, *rest; /* rest: what remains; NULL = nothing is a credit */
    } cases[] = {
        {"(Dân trí) - Giá vàng tăng.", "Giá vàng tăng."},
        {"(NLĐO)- Giá vàng tăng.", "Giá vàng tăng."},
        {"(Chinhphu.vn) - Giá vàng tăng.", "Giá vàng tăng."},
        {"TTO - Giá vàng tăng.", "Giá vàng tăng."},
        {"TPO - Giá vàng tăng.", "Giá vàng tăng."},
        {"PLO - Giá vàng tăng.", "Giá vàng tăng."},
        {"NLĐO - Giá vàng tăng.", "Giá vàng tăng."},
        {"NDĐT - Giá vàng tăng.", "Giá vàng tăng."},
        {"VOV.VN \xE2\x80\x93 Giá vàng tăng.", "Giá vàng tăng."},
        {"VTV.vn - Giá vàng tăng.", "Giá vàng tăng."},
        {"GD&TĐ - Giá vàng tăng.", "Giá vàng tăng."},
        {"COVID-19 - Giá vàng tăng.", NULL},
        {"Hà Nội - Giá vàng tăng.", NULL},
        {"(1) - Giá vàng tăng.", NULL},
        {"Giá vàng tăng - giảm.", NULL},
        {"TTO - ", ""},
        /* issue 17: capitals in brackets need no dash before a capital */
        {"(TNO) Khoảng 22 giờ.", "Khoảng 22 giờ."},
        {"(CAO) Công an huyện.", "Công an huyện."},
        {"(SGGPO)Sáng nay.", "Sáng nay."},
        {"(Nguồn: AP) Giá vàng tăng.", NULL},
        {"(Dân trí) Giá vàng tăng.", NULL},
        {"(TNO) giá vàng tăng.", NULL},
        {"(1) Giá vàng tăng.", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t k = text_credit_len(cases[i].in);
        if (cases[i].rest)
            T_STR(cases[i].in + k, cases[i].rest, "credit taken off: %s", cases[i].in);
        else
            T_INT((long)k, 0, "not a credit: %s", cases[i].in);
    }
    /* plain text (issue 17): a credit opening any line is dropped, one that is the whole line
     * stays, and nothing else changes */
    static const struct {
        const char *in, *out;
    } texts[] = {
        {"TTO - Sáng nay.\n  (Dân trí) - Chiều nay.\nVOV.VN - Tối.",
         "Sáng nay.\nChiều nay.\nTối."},
        {"Tiêu đề\n\n(Chinhphu.vn) - Đêm.\n", "Tiêu đề\n\nĐêm.\n"},
        {"TTO -\nCOVID-19 - bệnh\n  Giữa - dòng TTO - x",
         "TTO -\nCOVID-19 - bệnh\n  Giữa - dòng TTO - x"},
        {"(Dân trí\n) - x", "(Dân trí\n) - x"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char *s = xstrdup(texts[i].in);
        size_t n = text_strip_credits(s);
        T_STR(s, texts[i].out, "text_strip_credits: %s", texts[i].in);
        T_INT((long)n, (long)strlen(texts[i].out), "text_strip_credits: the length returned");
        free(s);
    }
}

int main(void)
{
    test_buf();
    test_utf8_clean();
    test_article();
    test_strerror();
    test_credits();
    return t_done();
}
