/*
 * test_extract.c — the article extractor: table-driven cases for HTML, plain text and the
 * HTML sniffer; the real VnExpress page and the Báo Quảng Ninh sample from ../shared; the
 * fixtures in tests/data/extract/ (NAME.html or NAME.txt with NAME.expected holding the
 * title, a blank line and one paragraph a line); a few Mozilla Readability test pages as a
 * token-overlap sanity check. Run with the repository root as the working directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "t.h"

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/extract.h"
#include "docbao/sources.h"
#include "docbao/util.h"

#define SHARED "../shared/"

/* Paragraphs joined with '\n' (caller frees). */
static char *join_paras(const struct article *a)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < a->npara; i++) {
        if (i)
            buf_putc(&b, '\n');
        buf_puts(&b, a->paras[i]);
    }
    return buf_steal(&b);
}

/* The article as `docbao extract` prints it: title, blank line, one paragraph a line. */
static char *render(const struct article *a)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, a->title ? a->title : "");
    buf_puts(&b, "\n\n");
    for (size_t i = 0; i < a->npara; i++) {
        buf_puts(&b, a->paras[i]);
        buf_putc(&b, '\n');
    }
    return buf_steal(&b);
}

static int has_para(const struct article *a, const char *p)
{
    for (size_t i = 0; i < a->npara; i++)
        if (strcmp(a->paras[i], p) == 0)
            return 1;
    return 0;
}

static int load(const char *path, struct buf *b)
{
    buf_init(b, 0);
    int rc = read_file(path, 64u * 1024 * 1024, b);
    T_INT(rc, 0, "read %s", path);
    return rc;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- HTML cases ---------------------------------------------------------------------- */

struct html_case {
    const char *name;
    const char *html;
    size_t len; /* 0: strlen(html) */
    int rc;
    const char *title; /* NULL: no title expected (checked only when rc == 0) */
    const char *paras; /* expected paragraphs joined with '\n' */
};

static const char binary_junk[] = "\x7f"
                                  "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                                  "\x03\x00\x3e\x00\x01\x00\x00\x00\x10\x6b\x00\x00\x00\x00"
                                  "<p>\x00\x00\x00\x00\x40\x00\x00\x00\xff\xfe\x01\x02</p>";

/* A paragraph of about 180 characters. */
/* clang-format off */
#define LONG_PARA \
    "Ủy ban nhân dân thành phố vừa công bố kế hoạch cải tạo hệ thống thoát nước ở các " \
    "quận nội thành, với tổng vốn đầu tư hơn 2.000 tỷ đồng, dự kiến hoàn thành trước mùa " \
    "mưa năm sau."
/* clang-format on */

static const struct html_case html_cases[] = {
    {"a lead marked sapo beside the body's wrapper comes first (Tuổi Trẻ, Dân trí layouts)",
     "<html><body><div class=\"main\"><h1>Tiêu đề bài</h1><h2 data-slot=\"sapo\">Đoạn mở đầu "
     "tóm tắt bài viết, in đậm ngay dưới tiêu đề.</h2><div class=\"wrap\"><div "
     "class=\"body\"><p>" LONG_PARA "</p><p>" LONG_PARA
     "</p></div></div><div class=\"box\"><h2 class=\"sapo\">"
     "<a href=\"/x\">Tin khác của chuyên mục đặt sau bài viết</a></h2></div></div></body></html>",
     0, 0, "Tiêu đề bài",
     "Đoạn mở đầu tóm tắt bài viết, in đậm ngay dưới tiêu đề.\n" LONG_PARA "\n" LONG_PARA},
    {"an article split over same-class parts keeps every part, and not what lies between",
     "<html><body><div class=\"page\"><div class=\"wrap\"><div "
     "class=\"post__content\"><p>" LONG_PARA
     "</p><p>Phần một, đoạn hai: người dân đã được thông báo trước, lịch cụ thể sẽ "
     "được công bố trên trang của phường.</p></div>"
     "<aside class=\"sidebar\"><a href=\"/a\">Chủ đề một</a> <a href=\"/b\">Chủ đề hai</a></aside>"
     "</div><section class=\"outer\"><div class=\"post__content\"><p>" LONG_PARA
     "</p><p>Phần hai, đoạn hai: các quận phải báo cáo tiến độ mỗi tháng, có số liệu cụ thể, "
     "gửi về sở xây dựng.</p><p>Phần hai, đoạn ba: kinh phí lấy từ ngân sách thành phố, không "
     "thu thêm của người dân, theo quyết định của hội đồng.</p><p>" LONG_PARA "</p></div>"
     "</section><div class=\"quote\"><a href=\"/c\">Xem thêm tin khác trong chuyên mục</a></div>"
     "</div></body></html>",
     0, 0, NULL,
     LONG_PARA
     "\nPhần một, đoạn hai: người dân đã được thông báo trước, lịch cụ thể sẽ được "
     "công bố trên trang của phường.\n" LONG_PARA "\nPhần hai, đoạn hai: các quận phải báo cáo "
     "tiến độ mỗi tháng, có số liệu cụ thể, gửi về sở xây dựng.\nPhần hai, đoạn ba: kinh phí "
     "lấy từ ngân sách thành phố, không thu thêm của người dân, theo quyết định của hội "
     "đồng.\n" LONG_PARA},
    {"a div holding only text after the body is a paragraph of it",
     "<html><body><article><h1>Tiêu đề</h1><div><p>" LONG_PARA "</p></div><h2>Phần sau</h2>"
     "<div>Đoạn viết thẳng trong thẻ div, không có thẻ p: lực lượng chức năng đã có mặt từ "
     "sớm để phân luồng giao thông.</div></article></body></html>",
     0, 0, "Tiêu đề",
     LONG_PARA "\nĐoạn viết thẳng trong thẻ div, không có thẻ p: lực lượng chức "
               "năng đã có mặt từ sớm để phân luồng giao thông."},
    {"entities decoded",
     "<html><head><meta charset=\"utf-8\"></head><body><p>Truy&#7873;n h&igrave;nh &amp; "
     "ph&aacute;t thanh tr&#x1EF1;c ti&#7871;p t&#7915; H&agrave; N&#7897;i&nbsp;h&ocirc;m "
     "nay.</p></body></html>",
     0, 0, NULL, "Truyền hình & phát thanh trực tiếp từ Hà Nội hôm nay."},
    {"hidden elements dropped",
     "<html><body><div class=\"content\"><p>Văn bản hiển thị thứ nhất.</p>"
     "<div style=\"display: none\"><p>Ẩn một.</p></div><p hidden>Ẩn hai.</p>"
     "<p aria-hidden=\"true\">Ẩn ba.</p><p style=\"visibility:hidden;color:red\">Ẩn bốn.</p>"
     "<p style=\"DISPLAY:NONE\">Ẩn năm.</p><p>Văn bản hiển thị thứ hai.</p></div></body></html>",
     0, 0, NULL, "Văn bản hiển thị thứ nhất.\nVăn bản hiển thị thứ hai."},
    {"captions and credits dropped",
     "<html><body><article><p>Đoạn một của bài báo, kể về vụ cháy ở quận Cầu Giấy.</p>"
     "<figure><img src=\"x.jpg\"><figcaption>Chú thích trong figcaption</figcaption></figure>"
     "<p class=\"Image\">Cảnh sát tại hiện trường. Ảnh: Ngọc Thành</p>"
     "<p>Ảnh: Ngọc Thành</p><p>Video: Hiện trường vụ cháy</p><p>Nguồn: Bộ Y tế</p>"
     "<p>Lính cứu hỏa dập lửa trong đêm (Ảnh: Minh Quân)</p>"
     "<table class=\"tplCaption\"><tr><td><img src=\"y.jpg\"></td></tr>"
     "<tr><td>Chú thích trong bảng ảnh</td></tr></table>"
     "<div class=\"PhotoCMS_Caption\">Chú thích kiểu Tuổi Trẻ</div>"
     "<p>Đoạn hai của bài báo, nói về thiệt hại.</p></article></body></html>",
     0, 0, NULL,
     "Đoạn một của bài báo, kể về vụ cháy ở quận Cầu Giấy.\n"
     "Đoạn hai của bài báo, nói về thiệt hại."},
    {"share boxes, comments, ads, tags dropped",
     "<html><body><div class=\"content\"><p>Đoạn đầu của bài viết về thời tiết.</p>"
     "<div class=\"social-share\"><a href=\"#\">Chia sẻ</a> <a href=\"#\">Facebook</a></div>"
     "<div class=\"box_comment\"><p>Bình luận của bạn đọc: bài viết hay, cảm ơn tác giả "
     "đã chia sẻ thông tin hữu ích.</p></div>"
     "<div id=\"ads-inline\" class=\"ads\">Quảng cáo sản phẩm</div>"
     "<div class=\"tags\"><a href=\"/t\">thời tiết</a></div>"
     "<div class=\"related-news\"><p>Tin liên quan: Hà Nội mưa to.</p></div>"
     "<p>Đoạn cuối của bài viết về thời tiết.</p></div></body></html>",
     0, 0, NULL, "Đoạn đầu của bài viết về thời tiết.\nĐoạn cuối của bài viết về thời tiết."},
    {"nav menus, page header and footer dropped; sidebar-1 kept",
     "<html><body><header><ul><li><a href=\"/\">Trang chủ</a></li></ul></header>"
     "<nav><a href=\"/thoi-su\">Thời sự</a> <a href=\"/the-gioi\">Thế giới</a></nav>"
     "<div class=\"main-menu\"><ul><li>Thời sự</li><li>Thế giới</li></ul></div>"
     "<div class=\"sidebar-1\"><article class=\"fck_detail\"><p>Nội dung nằm trong "
     "sidebar-1 vẫn được giữ lại, vì VnExpress đặt bài báo ở đây.</p></article></div>"
     "<aside><p>Tin đọc nhiều nhất trong ngày hôm nay.</p></aside>"
     "<footer><p>Bản quyền thuộc về tòa soạn.</p></footer></body></html>",
     0, 0, NULL, "Nội dung nằm trong sidebar-1 vẫn được giữ lại, vì VnExpress đặt bài báo ở đây."},
    {"no body element; title suffix removed",
     "<title>Giá xăng giảm mạnh chiều nay - Báo Mới</title>"
     "<p>Chỉ có một đoạn văn, không có thẻ body.</p>",
     0, 0, "Giá xăng giảm mạnh chiều nay", "Chỉ có một đoạn văn, không có thẻ body."},
    {"the visible h1 wins over og:title; leading h1 not a paragraph",
     "<html><head><title>Tiêu đề | Trang</title>"
     "<meta property=\"og:title\" content=\"Tiêu đề &amp; OG\"></head>"
     "<body><h1>Tiêu đề H1 khác</h1><p>Nội dung bài.</p></body></html>",
     0, 0, "Tiêu đề H1 khác", "Nội dung bài."},
    {"og:title when the only h1 is a logo",
     "<html><head><title>Tiêu đề | Trang</title>"
     "<meta property=\"og:title\" content=\"Tiêu đề &amp; OG\"></head>"
     "<body><h1>Báo</h1><p>Nội dung bài.</p></body></html>",
     0, 0, "Tiêu đề & OG", "Nội dung bài."},
    {"a doubly escaped JSON-LD headline is decoded (and only that far)",
     "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
     "\"headline\":\"Chi&amp;#7871;n s&amp;#7921; v&agrave; GD&ĐT\"}</script></head>"
     "<body><p>Nội dung bài.</p></body></html>",
     0, 0, "Chiến sự và GD&ĐT", "Nội dung bài."},
    {"h1 title without og:title",
     "<html><head><title>Tiêu đề trang - Site</title></head><body><div>"
     "<h1>Tiêu đề bài báo</h1><p>Nội dung bài báo ở đây.</p></div></body></html>",
     0, 0, "Tiêu đề bài báo", "Nội dung bài báo ở đây."},
    {"datelines dropped",
     "<html><body><div><span class=\"date\">Thứ tư, 22/10/2025, 19:25 (GMT+7)</span>"
     "<p>Chủ nhật, 15/9/2024 08:00</p><p>Nội dung chính.</p><p>Ý kiến (3)</p></div>"
     "</body></html>",
     0, 0, NULL, "Nội dung chính."},
    {"link lists and pointer lines dropped",
     "<html><body><div class=\"detail\"><p>Đoạn văn chính của bài viết, đủ dài để được "
     "chấm điểm, có dấu phẩy, và kết thúc bằng dấu chấm.</p>"
     "<ul><li><a href=\"/a\">Tin khác một</a></li><li><a href=\"/b\">Tin khác hai</a></li></ul>"
     "<p>Xem thêm: <a href=\"/c\">Giá vàng hôm nay</a></p><p><a href=\"/d\">Tin nổi bật</a></p>"
     "<p>Đoạn cuối.</p></div></body></html>",
     0, 0, NULL,
     "Đoạn văn chính của bài viết, đủ dài để được chấm điểm, có dấu phẩy, và kết thúc bằng "
     "dấu chấm.\nĐoạn cuối."},
    {"bare text, br, lists, table cells, quotes, pre, subheadings",
     "<html><body><div class=\"content\">Văn bản trần trong div.<br>Dòng thứ hai."
     "<ul><li>Mục một</li><li>Mục <b>hai</b></li></ul><table><tr><td>Ô một</td>"
     "<td>Ô hai</td></tr></table><blockquote>Trích dẫn.</blockquote><pre>mã   nguồn\n"
     "dòng 2</pre><h2>Tiêu đề phụ</h2><p>Kết <i>thúc</i>.</p></div></body></html>",
     0, 0, NULL,
     "Văn bản trần trong div.\nDòng thứ hai.\nMục một\nMục hai\nÔ một\nÔ hai\nTrích dẫn.\n"
     "mã nguồn dòng 2\nTiêu đề phụ\nKết thúc."},
    {"invalid UTF-8 bytes cleaned, the rest intact",
     "<html><body><p>Xin ch\xff\xfe\xe0o c\xc3\xa1"
     "c b\xe1\xba\xa1"
     "n.</p>"
     "<p>Tiếng Việt vẫn đúng sau byte lỗi.</p></body></html>",
     0, 0, NULL,
     "Xin ch\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdo các bạn.\nTiếng Việt vẫn đúng sau byte lỗi."},
    {"legacy charset from <meta charset>",
     "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9 cr\xe8me "
     "br\xfbl\xe9"
     "e.</p></body></html>",
     0, 0, NULL, "Café crème brûlée."},
    {"news agency tag removed from the lead",
     "<html><body><div class=\"content\"><p>(Dân trí) - Sở GD&amp;ĐT vừa ban hành kế "
     "hoạch.</p><p>Đoạn hai.</p></div></body></html>",
     0, 0, NULL, "Sở GD&ĐT vừa ban hành kế hoạch.\nĐoạn hai."},
    {"script, style, noscript, form, button, svg dropped",
     "<html><head><style>p{}</style></head><body><script>document.write('<p>x</p>')"
     "</script><noscript>Bật JavaScript</noscript><form><input name=q><button>Tìm</button>"
     "</form><svg><text>icon</text></svg><p>Chỉ đoạn này.</p><!-- chú thích --></body></html>",
     0, 0, NULL, "Chỉ đoạn này."},
    {"a page-wide ASP.NET form and a share-named article wrapper are kept",
     "<html><body><form id=\"form1\" method=\"post\"><div id=\"gigya-share-btns_container\">"
     "<p>" LONG_PARA "</p><p>" LONG_PARA "</p><p>" LONG_PARA "</p></div>"
     "<div class=\"share-bar\"><a href=\"#\">Chia sẻ</a></div></form>"
     "<form action=\"/search\"><input name=\"q\"><p>Tìm kiếm trên trang</p></form>"
     "</body></html>",
     0, 0, NULL, LONG_PARA "\n" LONG_PARA "\n" LONG_PARA},
    {"binary junk", binary_junk, sizeof(binary_junk) - 1, DB_EFORMAT, NULL, NULL},
    {"empty input", "", 0, DB_EEMPTY, NULL, NULL},
    {"white space only", " \n\t \r\n", 0, DB_EEMPTY, NULL, NULL},
    {"empty body", "<!DOCTYPE html><html><body></body></html>", 0, DB_EEMPTY, NULL, NULL},
    {"title only", "<html><head><title>Chỉ có tiêu đề</title></head></html>", 0, DB_EEMPTY, NULL,
     NULL},
    {"script only", "<script>var a = '<p>không phải bài</p>';</script>", 0, DB_EEMPTY, NULL, NULL},
    {"chrome only",
     "<html><body><nav>Trang chủ</nav><div class=\"share\">Chia sẻ</div><p>A A</p>"
     "<p>Liên kết website</p></body></html>",
     0, DB_EEMPTY, NULL, NULL},
    {"unclosed tags recovered",
     "<html><body><div class=\"content\"><p>Đoạn một chưa đóng<p>Đoạn hai <b>đậm chưa đóng"
     "<p>Đoạn ba</div>",
     0, 0, NULL, "Đoạn một chưa đóng\nĐoạn hai đậm chưa đóng\nĐoạn ba"},
};

static void test_html_cases(void)
{
    for (size_t i = 0; i < sizeof(html_cases) / sizeof(html_cases[0]); i++) {
        const struct html_case *c = &html_cases[i];
        struct article *a = NULL;
        size_t len = c->len ? c->len : strlen(c->html);
        int rc = extract_html(c->html, len, "http://example.vn/a.html", &a);
        T_INT(rc, c->rc, "html: %s: return value", c->name);
        if (rc != 0 || c->rc != 0) {
            T_OK(a == NULL, "html: %s: no article on error", c->name);
            article_free(a);
            continue;
        }
        if (c->title)
            T_STR(a->title, c->title, "html: %s: title", c->name);
        char *got = join_paras(a);
        T_STR(got, c->paras, "html: %s: paragraphs", c->name);
        T_STR(a->url, "http://example.vn/a.html", "html: %s: url recorded", c->name);
        free(got);
        article_free(a);
    }
}

/* ---- plain-text cases ------------------------------------------------------------------ */

struct text_case {
    const char *name;
    const char *text;
    size_t len; /* 0: strlen(text) */
    int rc;
    const char *title; /* NULL: no title */
    const char *paras;
    const char *byline; /* NULL: no byline */
};

static const struct text_case text_cases[] = {
    {"chrome, datelines, controls, tag, caption, byline, related",
     "Tin nhanh\n"
     "Chủ nhật, 15/9/2024 08:00\n"
     "Thứ Hai, ngày 15 tháng 9 năm 2021\n"
     "Cập nhật: 15/09/2021 11:03\n"
     "Giá xăng giảm mạnh từ chiều nay\n"
     "Thứ 7, 14/09/2024 | 07:15:00 [GMT +7] A- A+\n"
     "Chia sẻ\n"
     "In bài\n"
     "(PLO) - Liên bộ Công Thương - Tài chính vừa điều chỉnh giá xăng dầu, xăng RON95 giảm "
     "500 đồng mỗi lít.\n"
     "Ảnh: Nguyễn Văn A\n"
     "Người dân đổ xăng tại Hà Nội. Ảnh: TTXVN\n"
     "Đây là lần giảm thứ ba liên tiếp trong tháng, theo thông báo của liên bộ.\n"
     "Trần Minh\n"
     "Tin liên quan\n"
     "Giá vàng hôm nay tăng mạnh\n",
     0, 0, "Giá xăng giảm mạnh từ chiều nay",
     "Liên bộ Công Thương - Tài chính vừa điều chỉnh giá xăng dầu, xăng RON95 giảm 500 đồng "
     "mỗi lít.\nĐây là lần giảm thứ ba liên tiếp trong tháng, theo thông báo của liên bộ.",
     "Trần Minh"},
    {"comment counter with a count",
     "Tiêu đề bài viết mới\nĐoạn văn bản đầu tiên của bài viết này.\nÝ kiến (3)\n", 0, 0,
     "Tiêu đề bài viết mới", "Đoạn văn bản đầu tiên của bài viết này.", NULL},
    {"single paragraph: no title", "Chỉ một đoạn văn duy nhất, không có tiêu đề nào cả.\n", 0, 0,
     NULL, "Chỉ một đoạn văn duy nhất, không có tiêu đề nào cả.", NULL},
    {"single line without punctuation: no title", "Một dòng duy nhất", 0, 0, NULL,
     "Một dòng duy nhất", NULL},
    {"CRLF line ends and blank lines",
     "Tiêu đề có CRLF ở đây\r\n\r\nĐoạn một của bài.\r\n  \r\nĐoạn   hai của bài.\r\n", 0, 0,
     "Tiêu đề có CRLF ở đây", "Đoạn một của bài.\nĐoạn hai của bài.", NULL},
    {"question as title",
     "Vì sao giá vàng tăng mạnh?\nGiá vàng trong nước tăng 2 triệu đồng mỗi lượng trong "
     "tuần qua, theo các doanh nghiệp.\n",
     0, 0, "Vì sao giá vàng tăng mạnh?",
     "Giá vàng trong nước tăng 2 triệu đồng mỗi lượng trong tuần qua, theo các doanh "
     "nghiệp.",
     NULL},
    {"body first: no title",
     "Đây là một đoạn văn dài, kết thúc bằng dấu chấm như thường lệ.\nCâu lệnh tiếp theo "
     "không có dấu\nMột đoạn nữa.\n",
     0, 0, NULL,
     "Đây là một đoạn văn dài, kết thúc bằng dấu chấm như thường lệ.\nCâu lệnh tiếp theo "
     "không có dấu\nMột đoạn nữa.",
     NULL},
    {"invalid UTF-8 cleaned", "Tiêu đề bài\xff viết mới\nĐoạn văn.\n", 0, 0,
     "Tiêu đề bài\xef\xbf\xbd viết mới", "Đoạn văn.", NULL},
    {"only chrome", "Tất cả chuyên mục\nA A\nLiên kết website\nÝ kiến ()\n", 0, DB_EEMPTY, NULL,
     NULL, NULL},
    {"empty", "", 0, DB_EEMPTY, NULL, NULL, NULL},
    {"binary junk", binary_junk, sizeof(binary_junk) - 1, DB_EFORMAT, NULL, NULL, NULL},
};

static void test_text_cases(void)
{
    for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
        const struct text_case *c = &text_cases[i];
        struct article *a = NULL;
        size_t len = c->len ? c->len : strlen(c->text);
        int rc = extract_text(c->text, len, "bai.txt", &a);
        T_INT(rc, c->rc, "text: %s: return value", c->name);
        if (rc != 0 || c->rc != 0) {
            T_OK(a == NULL, "text: %s: no article on error", c->name);
            article_free(a);
            continue;
        }
        if (c->title)
            T_STR(a->title, c->title, "text: %s: title", c->name);
        else
            T_OK(a->title == NULL, "text: %s: no title (got %s)", c->name,
                 a->title ? a->title : "");
        char *got = join_paras(a);
        T_STR(got, c->paras, "text: %s: paragraphs", c->name);
        free(got);
        if (c->byline)
            T_STR(a->byline, c->byline, "text: %s: byline", c->name);
        else
            T_OK(a->byline == NULL, "text: %s: no byline", c->name);
        T_STR(a->url, "bai.txt", "text: %s: name recorded", c->name);
        article_free(a);
    }
}

/* ---- the sniffer ----------------------------------------------------------------------- */

static const struct {
    const char *s;
    int html;
} sniff_cases[] = {
    {"<!DOCTYPE html><html><body></body></html>", 1},
    {"\xEF\xBB\xBF  \n<!-- saved page --> <!-- again -->\n<HTML lang=vi>", 1},
    {"<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", 1},
    {"<head><title>x</title></head>", 1},
    {"  <body><p>x</p></body>", 1},
    {"Một dòng văn bản.\nThen <p>a paragraph</p>", 1},
    {"Some text\n<div class=x>y</div>", 1},
    {"Tất cả chuyên mục\nThứ 4, 15/09/2021 | 11:03:56 [GMT +7] A A\n", 0},
    {"a < b and c > d, 3<4", 0},
    {"", 0},
    {"<!-- unterminated comment", 1},
};

static void test_sniff(void)
{
    for (size_t i = 0; i < sizeof(sniff_cases) / sizeof(sniff_cases[0]); i++)
        T_INT(!!extract_is_html(sniff_cases[i].s, strlen(sniff_cases[i].s)), sniff_cases[i].html,
              "is_html: case %zu", i);
}

/* ---- limits ---------------------------------------------------------------------------- */

static void test_limits(void)
{
    size_t n = EXTRACT_MAX_INPUT + 1;
    char *big = xmalloc(n);
    memset(big, 'a', n);
    struct article *a = NULL;
    T_INT(extract_html(big, n, NULL, &a), DB_ETOOBIG, "html: larger than the cap");
    T_INT(extract_text(big, n, NULL, &a), DB_ETOOBIG, "text: larger than the cap");
    T_OK(a == NULL, "no article when too big");
    free(big);

    /* 100k nested elements: libxml2 stops at depth 256; we must neither crash nor hang. */
    static const char *const nest[][2] = {
        {"<div>", "</div>"}, {"<span>", "</span>"}, {"<table><tr><td>", "</td></tr></table>"}};
    for (size_t k = 0; k < 3; k++) {
        struct buf b = BUF_INIT;
        buf_puts(&b, "<html><body><p>Đoạn mở đầu trước phần lồng sâu.</p>");
        for (int i = 0; i < 100000; i++)
            buf_puts(&b, nest[k][0]);
        buf_puts(&b, "Văn bản ở tầng sâu nhất.");
        for (int i = 0; i < 100000; i++)
            buf_puts(&b, nest[k][1]);
        buf_puts(&b, "</body></html>");
        double t0 = now_ms();
        int rc = extract_html(b.data, b.len, NULL, &a);
        double ms = now_ms() - t0;
        T_INT(rc, 0, "html: 100k nested %s: extracted", nest[k][0]);
        T_OK(a && a->npara >= 1 && strcmp(a->paras[0], "Đoạn mở đầu trước phần lồng sâu.") == 0,
             "html: 100k nested %s: the paragraph before the nesting survives", nest[k][0]);
        printf("# html: 100k nested %s took %.0f ms\n", nest[k][0], ms);
        article_free(a);
        a = NULL;
        buf_free(&b);
    }
}

/* ---- the real pages -------------------------------------------------------------------- */

static const char *const vnexpress_body[] = {
    "Ngày 22/10, BS.CK2 Cao Thị Hồng, Trưởng Trung tâm Kiểm tra sức khỏe Chợ Rẫy Việt Nhật "
    "(HECI), Bệnh viện Chợ Rẫy, cho biết bệnh nhân đau bụng âm ỉ, ăn uống khó tiêu, đầy hơi và "
    "tiêu chảy kéo dài nhiều tuần, sụt 2-3 kg. Ông nghĩ bị rối loạn tiêu hóa thông thường, song "
    "uống thuốc không khỏi.",
    "Bác sĩ đánh giá bệnh nhân nhiều dấu hiệu bất thường nên nội soi dạ dày và đại tràng lấy "
    "mẫu sinh thiết phát hiện tế bào lympho không điển hình, nghi ngờ ác tính. Xét nghiệm hóa "
    "mô miễn dịch xác định bệnh nhân mắc ung thư lymphoma không Hodgkin ruột non. Bác sĩ nhiều "
    "chuyên khoa tiêu hóa, huyết học, giải phẫu bệnh cùng hội chẩn, xây dựng phác đồ điều trị "
    "cho bệnh nhân.",
    "Theo bác sĩ Hồng, lymphoma đường ruột là u lympho ác tính ngoài hạch phát triển từ mô "
    "lympho trong thành ruột, chiếm khoảng 15-25% ca ung thư ruột non, gần 5% ca ung thư dạ "
    "dày và 0,2-1% ung thư đại trực tràng. Hầu hết lymphoma đường tiêu hóa thuộc nhóm không "
    "Hodgkin, với tỷ lệ mắc mới toàn cầu khoảng 5,6 ca trên 100.000 dân mỗi năm.",
    "Bệnh xuất hiện chủ yếu ở người trên 60 tuổi, đặc biệt là nam giới. Lymphoma đường ruột "
    "thường có các triệu chứng như đau bụng, sụt cân, buồn nôn, tiêu chảy hoặc tiêu phân có "
    "máu...",
    "Nội soi và tầm soát sức khỏe định kỳ giúp phát hiện sớm các bệnh lý ác tính đường tiêu "
    "hóa. Hướng điều trị thường phụ thuộc vào loại cũng như giai đoạn bệnh, có thể phẫu thuật, "
    "hóa trị hoặc xạ trị.",
};

static void test_vnexpress(void)
{
    const char *path = SHARED "fixtures/vnexpress/VnExpress_2025_10_22.html";
    const char *url = "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-"
                      "non-4954454.html";
    struct buf b;
    if (load(path, &b))
        return;
    struct article *a = NULL;
    T_OK(extract_is_html(b.data, b.len), "vnexpress: sniffed as HTML");
    T_INT(extract_html(b.data, b.len, url, &a), 0, "vnexpress: extracted");
    if (!a) {
        buf_free(&b);
        return;
    }
    T_STR(a->title, "Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non", "vnexpress: title");
    T_STR(a->npara ? a->paras[0] : NULL,
          "Người đàn ông 63 tuổi đau bụng kéo dài, bác sĩ chẩn đoán ung thư lymphoma ruột non - "
          "căn bệnh ít gặp trong hệ tiêu hóa.",
          "vnexpress: the lead (p.description) comes first");
    for (size_t i = 0; i < sizeof(vnexpress_body) / sizeof(vnexpress_body[0]); i++)
        T_OK(has_para(a, vnexpress_body[i]), "vnexpress: body paragraph %zu present", i + 1);
    T_OK(!has_para(a, "Y bác sĩ nội soi cho bệnh nhân. Ảnh: Bệnh viện cung cấp"),
         "vnexpress: photo caption absent");
    char *all = join_paras(a);
    T_OK(!strstr(all, "Bệnh viện cung cấp"), "vnexpress: no caption credit anywhere");
    T_OK(!strstr(all, "Lê Phương"), "vnexpress: trailing byline not a paragraph");
    T_OK(!strstr(all, "GMT"), "vnexpress: no dateline");
    T_OK(!strstr(all, "Trở lại"), "vnexpress: no navigation");
    free(all);
    T_INT(a->npara, 6, "vnexpress: lead + 5 body paragraphs, nothing else");
    T_STR(a->byline, "Lê Phương", "vnexpress: byline");
    T_STR(a->published, "2025-10-22T19:25:52+07:00", "vnexpress: published");
    T_STR(a->url, url, "vnexpress: url");
    article_free(a);

    /* speed: a 250 KB page in a few ms (generous bound: sanitizers and busy machines) */
    int runs = 10;
    double t0 = now_ms();
    for (int i = 0; i < runs; i++) {
        a = NULL;
        extract_html(b.data, b.len, url, &a);
        article_free(a);
    }
    double ms = (now_ms() - t0) / runs;
    printf("# vnexpress: %zu bytes in %.1f ms (speed is measured by make bench)\n", b.len, ms);
    buf_free(&b);
}

static void test_baoquangninh(void)
{
    const char *path = SHARED "samples/baoquangninh-2021-09-15.txt";
    static const char *const starts[] = {"Đây là nội dung", "Từ đầu năm", "Các mô hình",
                                         "Tại hội nghị"};
    struct buf b;
    if (load(path, &b))
        return;
    struct article *a = NULL;
    T_OK(!extract_is_html(b.data, b.len), "baoquangninh: sniffed as text");
    T_INT(extract_text(b.data, b.len, path, &a), 0, "baoquangninh: extracted");
    if (a) {
        T_STR(a->title, "Tiếp tục quan tâm đến sự tiến bộ của phụ nữ và bảo vệ, chăm sóc trẻ em",
              "baoquangninh: title");
        T_INT(a->npara, 4, "baoquangninh: exactly four paragraphs");
        for (size_t i = 0; i < 4 && i < a->npara; i++)
            T_OK(strncmp(a->paras[i], starts[i], strlen(starts[i])) == 0,
                 "baoquangninh: paragraph %zu starts \"%s\"", i + 1, starts[i]);
        T_STR(a->byline, "Nguyên Ngọc", "baoquangninh: byline");
        article_free(a);
    }
    /* the same page with a comment count, and through the HTML sniffer's other door */
    struct buf b2 = BUF_INIT;
    buf_append(&b2, b.data, b.len);
    buf_puts(&b2, "\nÝ kiến (3)\n");
    a = NULL;
    T_INT(extract_text(b2.data, b2.len, NULL, &a), 0, "baoquangninh + counter: extracted");
    T_INT(a ? a->npara : 0, 4, "baoquangninh + counter: four paragraphs");
    article_free(a);
    buf_free(&b2);
    buf_free(&b);
}

/* ---- fixtures in tests/data/extract ---------------------------------------------------- */

static const char *const fixtures[] = {
    "tuoitre-like.html",
    "dantri-like.html",
    "quangninh-variant.txt",
};

static void test_fixtures(void)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        char path[256], exp_path[256];
        snprintf(path, sizeof(path), "tests/data/extract/%s", fixtures[i]);
        snprintf(exp_path, sizeof(exp_path), "%.*s.expected", (int)(strrchr(path, '.') - path),
                 path);
        struct buf in, want;
        if (load(path, &in))
            continue;
        if (load(exp_path, &want)) {
            buf_free(&in);
            continue;
        }
        struct article *a = NULL;
        int html = extract_is_html(in.data, in.len);
        int rc = html ? extract_html(in.data, in.len, path, &a)
                      : extract_text(in.data, in.len, path, &a);
        T_INT(rc, 0, "fixture %s: extracted", fixtures[i]);
        if (a) {
            char *got = render(a);
            T_STR(got, buf_str(&want), "fixture %s: as expected", fixtures[i]);
            free(got);
        }
        article_free(a);
        buf_free(&in);
        buf_free(&want);
    }
}

/* ---- built-in site layouts: tests/data/extract/sites/ ---------------------------------- */

/* Rules read from a site's rule object (SPEC §3 "article"); strings point into the JSON. */
struct rules_box {
    json_t *json;
    struct extract_rules rules;
    const char *drop[16];
};

/* Fills box from the rule object obj (json may be NULL: the object is borrowed). */
static void rules_from_json(struct rules_box *box, json_t *obj)
{
    memset(&box->rules, 0, sizeof(box->rules));
    box->rules.body = json_string_value(json_object_get(obj, "body"));
    box->rules.title = json_string_value(json_object_get(obj, "title"));
    box->rules.byline = json_string_value(json_object_get(obj, "byline"));
    box->rules.published = json_string_value(json_object_get(obj, "published"));
    json_t *drop = json_object_get(obj, "drop");
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(drop) && n + 1 < 16; i++)
        box->drop[n++] = json_string_value(json_array_get(drop, i));
    box->drop[n] = NULL;
    box->rules.drop = box->drop;
}

static const struct {
    const char *site;
    const char *byline; /* with the site's rules */
    const char *published;
} sites[] = {
    {"vnexpress", "Võ Hải", "2025-11-14T09:30:00+07:00"},
    {"dantri", "Bảo Ngọc", "2025-06-03 06:15"},
    {"tuoitre", "XUÂN MAI", "05/03/2025 14:20 GMT+7"},
    {"thanhnien", "Hoàng Sơn", "20/09/2025 10:05 GMT+7"},
    {"vietnamnet", "Hoàng Phương", "2025-04-22T16:40:00+07:00"},
    {"vov", "Xuân Thắng/VOV-Tây Bắc", "2025-08-11T08:00:00+07:00"},
    {"nhandan", "Thanh Hà", "2025-05-18T07:45:00+07:00"},
    {"baotintuc", "Nguyễn Chiến (TTXVN)", "2025-12-03T11:10:00+07:00"},
    {"nld", "NGỌC ANH", "02-11-2025 - 19:00"},
    {"baoquangninh", "Nguyên Ngọc", "2025-04-12T15:30:00+07:00"},
};

static void test_sites(void)
{
    json_error_t jerr;
    json_t *all = json_load_file("tests/data/extract/sites/rules.json", 0, &jerr);
    T_OK(all != NULL, "sites: rules.json parses (%s)", all ? "ok" : jerr.text);
    T_INT(json_object_size(all), sizeof(sites) / sizeof(sites[0]),
          "sites: rules.json has one rule object per built-in site");
    for (size_t i = 0; i < sizeof(sites) / sizeof(sites[0]); i++) {
        const char *site = sites[i].site;
        char path[256];
        struct buf in, want;
        snprintf(path, sizeof(path), "tests/data/extract/sites/%s.html", site);
        if (load(path, &in))
            continue;
        snprintf(path, sizeof(path), "tests/data/extract/sites/%s.expected", site);
        if (load(path, &want)) {
            buf_free(&in);
            continue;
        }
        snprintf(path, sizeof(path), "tests/data/extract/sites/%s.rules.json", site);
        json_t *own = json_load_file(path, 0, &jerr);
        T_OK(own && json_equal(own, json_object_get(all, site)),
             "site %s: %s.rules.json matches its entry in rules.json", site, site);
        struct rules_box box;
        rules_from_json(&box, own);
        T_OK(box.rules.body != NULL, "site %s: has a body rule", site);

        struct article *a = NULL;
        T_INT(extract_html_rules(in.data, in.len, NULL, &box.rules, &a), 0,
              "site %s: extracted with rules", site);
        if (a) {
            char *got = render(a);
            T_STR(got, buf_str(&want), "site %s: with rules, as expected", site);
            free(got);
            T_STR(a->byline, sites[i].byline, "site %s: byline from the rule", site);
            T_STR(a->published, sites[i].published, "site %s: published", site);
        }
        article_free(a);

        a = NULL;
        T_INT(extract_html(in.data, in.len, NULL, &a), 0, "site %s: extracted without rules", site);
        if (a) {
            char *got = render(a);
            T_STR(got, buf_str(&want), "site %s: generic path, as expected", site);
            free(got);
        }
        article_free(a);
        json_decref(own);
        buf_free(&in);
        buf_free(&want);
    }
    json_decref(all);
}

/* JSON-LD articleBody on layouts no rule knows: taken when whole, ignored when a teaser. */
static void test_jsonld(void)
{
    static const struct {
        const char *name;
        const char *byline, *published;
    } pages[] = {
        {"jsonld-graph", "Minh Khôi, Thảo Vy", "2025-10-06T17:20:00+07:00"},
        {"jsonld-teaser", "Ngọc Hân", "2025-03-03T10:00:00+07:00"},
    };
    static const char *const no_match_drop[] = {"//p", NULL};
    const struct extract_rules no_match = {"//div[@id='nothing-here']", NULL, NULL, NULL,
                                           no_match_drop};
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        char path[256];
        struct buf in, want;
        snprintf(path, sizeof(path), "tests/data/extract/sites/%s.html", pages[i].name);
        if (load(path, &in))
            continue;
        snprintf(path, sizeof(path), "tests/data/extract/sites/%s.expected", pages[i].name);
        if (load(path, &want)) {
            buf_free(&in);
            continue;
        }
        for (int r = 0; r < 2; r++) {
            struct article *a = NULL;
            T_INT(extract_html_rules(in.data, in.len, NULL, r ? &no_match : NULL, &a), 0,
                  "%s%s: extracted", pages[i].name, r ? " (rule matches nothing)" : "");
            if (!a)
                continue;
            char *got = render(a);
            T_STR(got, buf_str(&want), "%s%s: as expected", pages[i].name,
                  r ? " (rule matches nothing)" : "");
            free(got);
            T_STR(a->byline, pages[i].byline, "%s: byline from JSON-LD author", pages[i].name);
            T_STR(a->published, pages[i].published, "%s: JSON-LD datePublished", pages[i].name);
            article_free(a);
        }
        buf_free(&in);
        buf_free(&want);
    }
}

/* Rules that are wrong, hostile or partial: never a crash, the next strategy takes over. */
static void test_rules_edge(void)
{
    static const char page[] =
        "<html><head><title>Tiêu đề trang - Báo Thử</title></head><body>"
        "<div class=\"menu\"><a href=\"/a\">Thời sự</a> <a href=\"/b\">Thế giới</a></div>"
        "<div class=\"story\"><h1 class=\"t\">Mưa lớn gây ngập nhiều tuyến phố</h1>"
        "<span class=\"by\">Lan Anh</span><time datetime=\"2025-07-01T08:00:00+07:00\">"
        "1/7/2025</time>"
        "<div class=\"body\"><p>Mưa lớn kéo dài từ chiều qua khiến nhiều tuyến phố trung tâm "
        "ngập sâu, giao thông ùn tắc đến tối.</p><div class=\"box-x\"><p>Hộp tin bị bỏ qua "
        "theo quy tắc của trang.</p></div><p>Công ty thoát nước đã huy động hơn 500 công nhân "
        "túc trực tại các điểm ngập để khơi thông dòng chảy.</p></div></div></body></html>";
    static const char *const both[] = {"Mưa lớn kéo dài từ chiều qua khiến nhiều tuyến phố "
                                       "trung tâm ngập sâu, giao thông ùn tắc đến tối.",
                                       "Công ty thoát nước đã huy động hơn 500 công nhân túc "
                                       "trực tại các điểm ngập để khơi thông dòng chảy."};
    static const char *const drop_box[] = {"//div[@class='box-x']", "//*[", "", NULL};
    static const char *const drop_all[] = {"/html", "//body", "//div[@class='story']", NULL};
    static const char *const drop_text[] = {"//text()", "//@class", NULL};
    static const struct {
        const char *name;
        struct extract_rules rules;
        int box; /* the box paragraph is expected */
    } cases[] = {
        {"rules: body, drop, metadata",
         {"//div[@class='body']", "//h1", "//span[@class='by']", "//time", drop_box},
         0},
        {"rules: invalid body XPath falls back",
         {"//div[@class='body'", NULL, NULL, NULL, NULL},
         1},
        {"rules: body selects an attribute: falls back",
         {"//div/@class", NULL, NULL, NULL, NULL},
         1},
        {"rules: body is a string expression: falls back",
         {"string(//p)", NULL, NULL, NULL, NULL},
         1},
        {"rules: drops remove the body: falls back",
         {"//div[@class='body']", NULL, NULL, NULL, drop_all},
         1},
        {"rules: drop text and attribute nodes: ignored",
         {"//div[@class='body']", NULL, NULL, NULL, drop_text},
         1},
        {"rules: metadata only", {NULL, "//h1", "//span[@class='by']", "//time", NULL}, 1},
        {"rules: all NULL", {NULL, NULL, NULL, NULL, NULL}, 1},
        {"rules: body selects nothing", {"//*[count(//*) < 0]", NULL, NULL, NULL, NULL}, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct article *a = NULL;
        double t0 = now_ms();
        int rc = extract_html_rules(page, strlen(page), NULL, &cases[i].rules, &a);
        double ms = now_ms() - t0;
        T_INT(rc, 0, "%s: extracted", cases[i].name);
        if (!a)
            continue;
        T_OK(has_para(a, both[0]) && has_para(a, both[1]), "%s: body paragraphs", cases[i].name);
        T_OK(!cases[i].box || a->npara == 3 || a->npara == 2, "%s: nothing else", cases[i].name);
        if (!cases[i].box)
            T_INT(a->npara, 2, "%s: the dropped box is gone", cases[i].name);
        T_STR(a->title, "Mưa lớn gây ngập nhiều tuyến phố", "%s: title", cases[i].name);
        if (cases[i].rules.byline) {
            T_STR(a->byline, "Lan Anh", "%s: byline", cases[i].name);
            T_STR(a->published, "2025-07-01T08:00:00+07:00", "%s: published (datetime)",
                  cases[i].name);
        }
        printf("# %s took %.0f ms\n", cases[i].name, ms);
        article_free(a);
    }

    /* the real VnExpress page through the site's rule from rules.json */
    json_error_t jerr;
    json_t *all = json_load_file("tests/data/extract/sites/rules.json", 0, &jerr);
    struct rules_box box;
    rules_from_json(&box, json_object_get(all, "vnexpress"));
    struct buf b;
    if (!load(SHARED "fixtures/vnexpress/VnExpress_2025_10_22.html", &b)) {
        struct article *a = NULL;
        T_INT(extract_html_rules(b.data, b.len, NULL, &box.rules, &a), 0,
              "vnexpress + rules: extracted");
        if (a) {
            T_STR(a->title, "Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non",
                  "vnexpress + rules: title");
            T_INT(a->npara, 6, "vnexpress + rules: lead + 5 body paragraphs");
            for (size_t i = 0; i < sizeof(vnexpress_body) / sizeof(vnexpress_body[0]); i++)
                T_OK(has_para(a, vnexpress_body[i]), "vnexpress + rules: paragraph %zu", i + 1);
            char *all_text = join_paras(a);
            T_OK(!strstr(all_text, "Bệnh viện cung cấp"), "vnexpress + rules: no caption");
            free(all_text);
            T_STR(a->byline, "Lê Phương", "vnexpress + rules: byline");
        }
        article_free(a);

        /* an expression of cubic cost on a 250 KB page gives up; the generic path runs */
        const struct extract_rules hostile = {"//*[count(//*[count(//*) < 0]) > 0]", NULL, NULL,
                                              NULL, NULL};
        a = NULL;
        double t1 = now_ms();
        T_INT(extract_html_rules(b.data, b.len, NULL, &hostile, &a), 0,
              "vnexpress + hostile XPath: extracted");
        double hostile_ms = now_ms() - t1;
        printf("# vnexpress + hostile XPath gave up after %.0f ms\n", hostile_ms);
        T_INT(a ? a->npara : 0, 6, "vnexpress + hostile XPath: the generic result");
        article_free(a);

        /* rules on 100k nested tags and on binary junk */
        struct buf deep = BUF_INIT;
        buf_puts(&deep, "<html><body><div class=\"body\"><p>Đoạn văn trước phần lồng sâu.</p>");
        for (int i = 0; i < 100000; i++)
            buf_puts(&deep, "<div>");
        buf_puts(&deep, "Tầng sâu nhất.</div></body></html>");
        static const char *const drop_deep[] = {"//div[not(@class)]", NULL};
        const struct extract_rules deep_rules = {"//div[@class='body']", NULL, NULL, NULL,
                                                 drop_deep};
        a = NULL;
        double t0 = now_ms();
        T_INT(extract_html_rules(deep.data, deep.len, NULL, &deep_rules, &a), 0,
              "rules on 100k nested divs: extracted");
        printf("# rules on 100k nested divs took %.0f ms\n", now_ms() - t0);
        T_OK(a && a->npara >= 1 && strcmp(a->paras[0], "Đoạn văn trước phần lồng sâu.") == 0,
             "rules on 100k nested divs: the paragraph");
        article_free(a);
        buf_free(&deep);
        a = NULL;
        T_INT(extract_html_rules(binary_junk, sizeof(binary_junk) - 1, NULL, &box.rules, &a),
              DB_EFORMAT, "rules on binary junk: refused");
        T_OK(a == NULL, "rules on binary junk: no article");
        buf_free(&b);
    }
    json_decref(all);
}

/* ---- Readability test pages: token overlap with the expected article ------------------- */

/* Lowercased word tokens of s (tags skipped when markup, entities as separators). */
static void tokens(const char *s, int markup, struct strv *out)
{
    struct buf w = BUF_INIT;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        if (markup && c == '<') {
            const char *e = strchr(p, '>');
            p = e ? e : p + strlen(p) - 1;
            c = ' ';
        } else if (markup && c == '&') {
            const char *e = strchr(p, ';');
            if (e && e - p < 10) {
                p = e;
                c = ' ';
            }
        }
        if (c && (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                  (c >= 'A' && c <= 'Z'))) {
            buf_putc(&w, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
            continue;
        }
        if (w.len)
            strv_push(out, buf_steal(&w));
        if (!c)
            break;
    }
    buf_free(&w);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t common_tokens(struct strv *x, struct strv *y)
{
    qsort(x->v, x->n, sizeof(char *), cmp_str);
    qsort(y->v, y->n, sizeof(char *), cmp_str);
    size_t i = 0, j = 0, k = 0;
    while (i < x->n && j < y->n) {
        int c = strcmp(x->v[i], y->v[j]);
        if (c == 0) {
            k++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    return k;
}

/* quanta-1: an article split over three same-class parts; embedded-videos: a div that is a
 * paragraph, after the chosen one */
static const char *const readability_pages[] = {
    "001", "guardian-1", "lemonde-1", "wordpress", "wikipedia", "quanta-1", "embedded-videos"};

static void test_readability_pages(void)
{
    for (size_t i = 0; i < sizeof(readability_pages) / sizeof(readability_pages[0]); i++) {
        char src[256], exp[256];
        snprintf(src, sizeof(src), SHARED "readability-test-pages/%s/source.html",
                 readability_pages[i]);
        snprintf(exp, sizeof(exp), SHARED "readability-test-pages/%s/expected.html",
                 readability_pages[i]);
        struct buf in, want;
        if (load(src, &in))
            continue;
        if (load(exp, &want)) {
            buf_free(&in);
            continue;
        }
        struct article *a = NULL;
        T_INT(extract_html(in.data, in.len, NULL, &a), 0, "readability %s: extracted",
              readability_pages[i]);
        if (a) {
            char *got = join_paras(a);
            struct strv gt = STRV_INIT, wt = STRV_INIT;
            tokens(got, 0, &gt);
            tokens(buf_str(&want), 1, &wt);
            size_t common = common_tokens(&gt, &wt);
            double recall = wt.n ? (double)common / wt.n : 0;
            double precision = gt.n ? (double)common / gt.n : 0;
            T_OK(recall >= 0.9, "readability %s: recall %.2f", readability_pages[i], recall);
            T_OK(precision >= 0.85, "readability %s: precision %.2f", readability_pages[i],
                 precision);
            strv_free(&gt);
            strv_free(&wt);
            free(got);
        }
        article_free(a);
        buf_free(&in);
        buf_free(&want);
    }
}

/* A sources file whose rules are not valid XPath: each such rule is left out with one warning
 * naming the file, the site and the rule, and extraction goes on as for a rule that matches
 * nothing (issue 15). */
static void test_sources_bad_xpath(void)
{
    static const char page[] =
        "<html><head><title>Trang thử</title></head><body><div class=\"story\">"
        "<h1>Mưa lớn gây ngập nhiều tuyến phố</h1><div class=\"body\"><p>Mưa lớn kéo dài từ "
        "chiều qua khiến nhiều tuyến phố trung tâm ngập sâu, giao thông ùn tắc đến tối.</p>"
        "<p>Công ty thoát nước đã huy động hơn 500 công nhân túc trực tại các điểm ngập để "
        "khơi thông dòng chảy suốt đêm qua.</p></div></div></body></html>";
    static const char json[] =
        "{\"sources\": ["
        "{\"id\": \"abc\", \"categories\": {\"xa-hoi\": \"https://abc.vn/rss/xa-hoi.rss\"},"
        " \"article\": {\"body\": \"//div[@class='body'\", \"title\": \"//h1\","
        " \"byline\": \"//span[\", \"published\": \"\","
        " \"drop\": [\"//figcaption\", \"//*[\", \"count(\"]}},"
        "{\"id\": \"good\", \"categories\": {\"xa-hoi\": \"https://good.vn/rss.rss\"},"
        " \"article\": {\"body\": \"//div[@class='body']\", \"drop\": [\"//figcaption\"]}}]}";
    char path[] = "/tmp/docbao-sources-XXXXXX";
    int fd = mkstemp(path);
    T_OK(fd >= 0, "sources: a temporary file");
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "w");
    fputs(json, f);
    fclose(f);
    struct sources *src = NULL;
    char err[256] = "";
    int rc = sources_load(path, &src, err, sizeof(err));
    T_INT(rc, 0, "sources: bad XPath rules do not stop the load (%s)", err);
    if (rc == 0) {
        char want[512];
        snprintf(want, sizeof(want),
                 "%s: site 'abc': the rule body '//div[@class='body'' is not a valid XPath; it "
                 "is ignored.",
                 path);
        T_INT(src->warnings.n, 4, "sources: one warning per bad rule (body, byline, 2 drops)");
        T_STR(src->warnings.n > 0 ? src->warnings.v[0] : NULL, want,
              "sources: the warning names the file, the site and the rule");
        T_OK(src->warnings.n > 1 && strstr(src->warnings.v[1], "the rule byline '//span['"),
             "sources: the byline rule is named");
        T_OK(src->warnings.n > 3 && strstr(src->warnings.v[2], "the rule drop '//*['") &&
                 strstr(src->warnings.v[3], "the rule drop 'count('"),
             "sources: each bad drop rule is named");
        const struct source *abc = sources_find(src, "abc"), *good = sources_find(src, "good");
        T_OK(abc && !abc->rules.body && !abc->rules.byline, "sources: the bad rules are left out");
        T_STR(abc ? abc->rules.title : NULL, "//h1", "sources: the good title rule is kept");
        T_OK(abc && abc->rules.drop && abc->rules.drop[0] &&
                 !strcmp(abc->rules.drop[0], "//figcaption") && !abc->rules.drop[1],
             "sources: only the good drop rule is kept");
        T_OK(good && good->rules.body, "sources: a site with good rules keeps them");

        /* extraction with the loaded rules: as with no body rule at all */
        struct article *a = NULL, *plain = NULL;
        struct extract_rules none = {NULL, "//h1", NULL, NULL, NULL};
        T_INT(extract_html_rules(page, strlen(page), NULL, abc ? &abc->rules : NULL, &a), 0,
              "sources: a page of the site with the bad body rule is extracted");
        T_INT(extract_html_rules(page, strlen(page), NULL, &none, &plain), 0,
              "sources: the same page with no body rule");
        int same = a && plain && a->npara == plain->npara && a->npara == 2;
        for (size_t i = 0; same && i < a->npara; i++)
            same = strcmp(a->paras[i], plain->paras[i]) == 0;
        T_OK(same, "sources: the bad body rule falls back as a rule matching nothing does");
        article_free(a);
        article_free(plain);
        sources_free(src);
    }
    unlink(path);
}

int main(void)
{
    test_html_cases();
    test_text_cases();
    test_sniff();
    test_limits();
    test_vnexpress();
    test_baoquangninh();
    test_fixtures();
    test_sites();
    test_jsonld();
    test_rules_edge();
    test_readability_pages();
    test_sources_bad_xpath();
    return t_done();
}
