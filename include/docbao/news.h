/*
 * news.h — today's stories for a category: fetches the category's feeds from every selected
 * site at once, keeps them in the cache, picks the stories (newest first, each story once,
 * heard ones skipped) and hands out their article text, downloading the articles in the
 * background while the caller speaks.
 *
 * When no feed can be fetched the stories come from the cache (offline), and the caller is
 * told so by news_offline().
 */
#ifndef DOCBAO_NEWS_H
#define DOCBAO_NEWS_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "docbao/article.h"
#include "docbao/cache.h"
#include "docbao/fetch.h"
#include "docbao/sources.h"

struct news_opts {
    const char *category;        /* slug; required */
    const char *const *sites;    /* source ids, NULL-terminated; NULL = every site */
    size_t limit;                /* at most this many stories; 0 = no limit */
    int offline;                 /* nonzero: no network, cached stories only */
    int saved_first;             /* nonzero: take the stories the last fetch saved, without
                                    fetching the feeds again (articles are still downloaded
                                    when not saved); fetch as usual when none is saved */
    int include_heard;           /* nonzero: also stories already heard (--all) */
    int grace_ms;                /* after the first feed arrives, wait at most this long for
                                    the others (< 0: wait for every feed); late feeds' stories
                                    join the end of the list */
    int days;                    /* the story window: stories published (first seen, when
                                    undated) in the last days * 24 h; 0 = no window */
    struct fetch_opts fetch;     /* limits for every download */
    FILE *log;                   /* one line per failed source; NULL = silent */
    int verbose;                 /* also a line for each site rule that matched nothing */
};

struct news_story {
    char *url;
    char *title;
    char *site;         /* source id */
    char *site_name;    /* e.g. "Dân trí" */
    char *category;
    char *summary;      /* may be NULL */
    time_t published;   /* 0 = unknown */
};

struct news;

/* Prepares a selection. cache may be NULL (nothing is remembered). Returns 0 and *out;
 * DB_EINVAL when the category is unknown to every selected site or a site id is unknown. */
int news_new(const struct sources *src, struct cache *cache, const struct news_opts *opts,
             struct news **out);

/* news_free(NULL) is a no-op. */
void news_free(struct news *n);

/* Fetches the feeds (unless offline) and builds the list of stories. Returns 0 (possibly
 * with no story) or DB_ENET when nothing could be fetched and the cache has nothing. */
int news_load(struct news *n);

/* The number of stories now (it can grow as late feeds arrive), and story i. */
size_t news_count(const struct news *n);
const struct news_story *news_story(const struct news *n, size_t i);

/* Nonzero when the stories come from the cache because no feed could be fetched. */
int news_offline(const struct news *n);

/* Starts downloading every story's article in the background (cached text is reused). */
void news_prefetch(struct news *n);

/* The article of story i, waiting for its download if needed (other downloads that finish
 * meanwhile are extracted and cached). Returns 0 and a new article (caller frees), or a
 * negative DB_* code after printing one line to the log (the caller skips the story). */
int news_article(struct news *n, size_t i, struct article **out);

/* What news_load left out of the list, for messages that tell the truth ("you have heard
 * them all" only when stories were heard). Each story counts once, whatever its URLs. */
struct news_left {
    size_t heard;          /* in the window, but heard (0 with include_heard) */
    size_t older;          /* not heard, but older than the window */
    time_t newest_older;   /* the newest of those older stories (0 when none) */
};
void news_left_out(const struct news *n, struct news_left *out);

/* Marks story i as heard (it was listened to its end). */
void news_mark_heard(struct news *n, size_t i);

#endif
