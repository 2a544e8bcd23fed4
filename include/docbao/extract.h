/*
 * extract.h — from a page to an article: the title and the body paragraphs a listener wants,
 * without menus, datelines, captions, share buttons, comments or other page chrome.
 */
#ifndef DOCBAO_EXTRACT_H
#define DOCBAO_EXTRACT_H

#include <stddef.h>

#include "docbao/article.h"

/* Largest page the extractor accepts, in bytes. */
#define EXTRACT_MAX_INPUT (16u * 1024 * 1024)

/* Per-site extraction rules (from the sources file), XPath 1.0 expressions. Every member may
 * be NULL. */
struct extract_rules {
    const char *body;             /* the article body container */
    const char *title;            /* the title element (text is taken) */
    const char *byline;           /* the author element */
    const char *published;        /* the publication date element or attribute */
    const char *const *drop;      /* NULL-terminated list of nodes removed before extraction */
};

/* Like extract_html(), but tries the site's rules first (rules may be NULL): when the body
 * rule matches and yields text, that text is the article; otherwise JSON-LD and then the
 * generic extractor are used. */
int extract_html_rules(const char *html, size_t len, const char *url,
                       const struct extract_rules *rules, struct article **out);

/* What extract_html_report found: the number of nodes each of the site's rules selected on
 * the page (-1: the site has no such rule; 0: a rule that matched nothing — the site's markup
 * changed), and which extractor gave the text: "rules", "jsonld" or "generic" (NULL when none
 * did). A string literal; nothing to free. */
struct extract_report {
    int body, title, byline, published;
    const char *extractor;
};

/* extract_html_rules, also filling *report (may be NULL) whatever the result. */
int extract_html_report(const char *html, size_t len, const char *url,
                        const struct extract_rules *rules, struct article **out,
                        struct extract_report *report);

/* Extracts the article from an HTML page (len bytes at html, any charset libxml2 can detect;
 * url may be NULL and is only recorded). On success stores a new article in *out (caller
 * frees with article_free) and returns 0. Returns DB_ETOOBIG, DB_EFORMAT (not HTML / binary),
 * or DB_EEMPTY (no article text found). */
int extract_html(const char *html, size_t len, const char *url, struct article **out);

/* Extracts the article from plain UTF-8 text as scraped from a news page: one paragraph per
 * line; drops page chrome lines ("Tất cả chuyên mục", "A A", "Liên kết website",
 * "Ý kiến ()", datelines, a trailing byline) and an agency credit opening any line ("TTO - ",
 * text_strip_credits) and takes the headline as title.
 * Same return values as extract_html(). */
int extract_text(const char *text, size_t len, const char *name, struct article **out);

/* Nonzero when the n bytes at s look like HTML rather than plain text. */
int extract_is_html(const char *s, size_t n);

#endif
