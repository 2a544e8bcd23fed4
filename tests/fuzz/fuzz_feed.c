/*
 * fuzz_feed.c — libFuzzer target for feed_parse(): any bytes as an RSS 2.0 / Atom document,
 * with and without a base URL, and for feed_parse_page(): the same bytes as a category page.
 * Nothing may crash, leak or read out of bounds, and every item handed back must keep the
 * feed.h contract (title and url never NULL, url http(s)).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/feed.h"

static void check(struct feed *f)
{
    if (f->n > FEED_MAX_ITEMS)
        abort();
    for (size_t i = 0; i < f->n; i++) {
        const struct feed_item *it = &f->items[i];
        if (!it->title || !it->url)
            abort();
        if (strncmp(it->url, "http://", 7) != 0 && strncmp(it->url, "https://", 8) != 0)
            abort();
    }
    feed_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct feed *f = NULL;
    const char *base = size & 1 ? "https://example.vn/rss/tin.rss" : NULL;
    if (feed_parse_page((const char *)data, size, "https://example.vn/xa-hoi.htm",
                        size & 2 ? "https://www.example.vn" : NULL, &f) == 0)
        check(f);
    f = NULL;
    if (feed_parse((const char *)data, size, base, &f) == 0)
        check(f);
    return 0;
}
