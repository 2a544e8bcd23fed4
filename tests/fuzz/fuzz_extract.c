/*
 * fuzz_extract.c — libFuzzer target for the article extractor: the same bytes go through
 * extract_html(), extract_text() and extract_html_rules() with a fixed rule set like the
 * built-in sites' (XPath bodies, titles, dates and drop lists).
 */
#include <stdint.h>
#include <stdlib.h>

#include "docbao/article.h"
#include "docbao/extract.h"

static const char *const drop[] = {
    "//figure",
    "//*[contains(@class,'box_ads') or contains(@class,'banner_')]",
    "//p[contains(@class,'Image')]",
    NULL,
};

static const struct extract_rules rules = {
    .body = "//div[contains(@class,'sidebar-1')]/p[contains(@class,'description')] | "
            "//article[contains(@class,'fck_detail')] | //div[contains(@class,'content')]",
    .title = "//h1[contains(@class,'title-detail')] | //h1",
    .byline = "//p[contains(@class,'author_mail')] | //*[@class='author']",
    .published = "//meta[@name='pubdate' or @property='article:published_time']/@content",
    .drop = drop,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct article *a = NULL;
    if (extract_html(s, size, "https://example.vn/bai-viet.html", &a) == 0)
        article_free(a);
    a = NULL;
    if (extract_text(s, size, "bai.txt", &a) == 0)
        article_free(a);
    a = NULL;
    if (extract_html_rules(s, size, "https://example.vn/a.html", &rules, &a) == 0)
        article_free(a);
    (void)extract_is_html(s, size);
    return 0;
}
