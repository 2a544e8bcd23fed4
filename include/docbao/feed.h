/*
 * feed.h — RSS 2.0 and Atom feeds (libxml2), with the quirks of real Vietnamese news sites:
 * CDATA titles holding HTML entities, descriptions holding <a><img></a></br>Summary markup,
 * "(Dân trí) - " prefixes, RFC 822 and "M/D/YYYY h:mm:ss AM" dates (no zone = +07:00),
 * white-space-wrapped and relative links, duplicate items.
 */
#ifndef DOCBAO_FEED_H
#define DOCBAO_FEED_H

#include <stddef.h>
#include <time.h>

/* Most items kept from one feed; the rest are ignored. */
#define FEED_MAX_ITEMS 500

/* Largest feed document accepted, in bytes (16 MiB); fetchers may use it as their cap. */
#define FEED_MAX_BYTES (16u * 1024u * 1024u)

struct feed_item {
    char *title;      /* plain text, entities decoded, NFC; never NULL */
    char *url;        /* absolute http(s) URL; never NULL */
    char *summary;    /* plain text without markup or agency prefix; may be NULL */
    char *guid;       /* may be NULL */
    time_t published; /* seconds since the epoch (UTC); 0 when unknown */
};

struct feed {
    char *title;              /* may be NULL */
    struct feed_item *items;  /* in feed order, duplicates (same URL) removed */
    size_t n;
};

/* Parses len bytes of RSS 2.0 or Atom. base_url resolves relative links (may be NULL).
 * Items without a usable title or http(s) link are skipped. Returns 0 and a new feed in *out
 * (free with feed_free), DB_ETOOBIG past 16 MiB, DB_EFORMAT when the data is not a feed
 * (HTML, junk, malformed beyond recovery). */
int feed_parse(const char *data, size_t len, const char *base_url, struct feed **out);

/* The stories a site's category page (len bytes of HTML at html, fetched from base_url)
 * links to, as a feed: each link that stays on the page's site (base_url's host or home's,
 * or a host below either; home may be NULL), whose path ends in a story
 * number (6+ digits, before .htm/.html/.chn/.ldo or at the end) and whose text reads like a
 * headline (4+ words), in page order; the first link to a URL gives the title. published is
 * 0 (the story window then counts from when docbao first saw the story). Returns 0 and a new
 * feed in *out (feed_free), DB_EINVAL for a base_url that is not http(s), DB_ETOOBIG past
 * 16 MiB, DB_EFORMAT when the page lists no story. Implemented in listpage.c. */
int feed_parse_page(const char *html, size_t len, const char *base_url, const char *home,
                    struct feed **out);

/* feed_free(NULL) is a no-op. */
void feed_free(struct feed *f);

/* Parses a feed date: RFC 822 / RFC 1123 ("Tue, 10 Feb 2026 09:25:00 +0700", "GMT", zone
 * names), ISO 8601 / RFC 3339, and Tuổi Trẻ's "2/10/2026 9:25:00 AM" (M/D/YYYY, no zone =
 * +07:00). Returns 0 and the UTC time in *out, or DB_EFORMAT. */
int feed_parse_date(const char *s, time_t *out);

#endif
