/*
 * news.c — feeds → stories → articles, concurrently, through the cache (see news.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "docbao/err.h"
#include "docbao/extract.h"
#include "docbao/feed.h"
#include "docbao/i18n.h"
#include "docbao/news.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

enum job_kind { JOB_FEED, JOB_ARTICLE, JOB_PAGE };

struct job {
    enum job_kind kind;
    size_t index;
};

struct feed_job {
    const struct source *src;
    const char *url;
    const char *page;    /* the category page, read when the feed fails or is empty; NULL */
    char *why;           /* while the page is read: why the feed was not enough */
    struct job tag;
    struct job page_tag;
    int done;
    int ok;          /* fetched (200 or 304) and parsed */
    int netfail;     /* failed for want of a network (not an HTTP or format error) */
    char *err;       /* when netfail: the reason, for the one line that names every such site */
};

enum art_state { ART_NONE, ART_WAITING, ART_READY, ART_FAILED };

struct slot {
    struct news_story story;
    char *key;               /* normalized title, for duplicates */
    enum art_state state;
    struct article *article; /* when ART_READY, until handed out */
    struct job tag;
};

struct news {
    const struct sources *src;
    struct cache *cache;
    struct news_opts o;
    const char *const *want_sites;
    struct feed_job *feeds;
    size_t nfeeds;
    struct fetcher *fetcher;
    struct slot *slots;
    size_t n, cap;
    struct news_story *mem;  /* stories parsed this run, when there is no cache */
    size_t nmem, capmem;
    int offline;
    int loaded;
    struct news_left left;   /* what the window and the heard marks left out */
    struct strv left_keys;   /* title keys counted in left, so a story counts once */
};

static void logline(struct news *n, const char *msg)
{
    if (n->o.log) {
        stderr_wait();
        fprintf(n->o.log, "docbao: %s\n", msg);
        fflush(n->o.log);
    }
}

static int site_wanted(const char *const *sites, const char *id)
{
    if (!sites)
        return 1;
    for (size_t i = 0; sites[i]; i++)
        if (strcmp(sites[i], id) == 0)
            return 1;
    return 0;
}

int news_new(const struct sources *src, struct cache *cache, const struct news_opts *opts,
             struct news **out)
{
    if (!opts->category)
        return DB_EINVAL;
    for (size_t i = 0; opts->sites && opts->sites[i]; i++)
        if (!sources_find(src, opts->sites[i]))
            return DB_EINVAL;
    struct news *n = xcalloc(1, sizeof(*n));
    n->src = src;
    n->cache = cache;
    n->o = *opts;
    n->feeds = xcalloc(src->n + 1, sizeof(*n->feeds));
    for (size_t i = 0; i < src->n; i++) {
        const struct source *s = &src->v[i];
        const char *url = source_feed_url(s, opts->category);
        if (!url || !site_wanted(opts->sites, s->id))
            continue;
        struct feed_job *f = &n->feeds[n->nfeeds];
        f->src = s;
        f->url = url;
        f->page = source_page_url(s, opts->category);
        f->tag.kind = JOB_FEED;
        f->tag.index = n->nfeeds;
        f->page_tag.kind = JOB_PAGE;
        f->page_tag.index = n->nfeeds;
        n->nfeeds++;
    }
    if (n->nfeeds == 0) {
        free(n->feeds);
        free(n);
        return DB_EINVAL;
    }
    *out = n;
    return 0;
}

static void story_clear(struct news_story *s)
{
    free(s->url);
    free(s->title);
    free(s->site);
    free(s->site_name);
    free(s->category);
    free(s->summary);
    memset(s, 0, sizeof(*s));
}

/* Empties the list (before anything of it was handed out). */
static void clear_slots(struct news *n)
{
    for (size_t i = 0; i < n->n; i++) {
        story_clear(&n->slots[i].story);
        free(n->slots[i].key);
        article_free(n->slots[i].article);
    }
    n->n = 0;
}

void news_free(struct news *n)
{
    if (!n)
        return;
    fetcher_free(n->fetcher);
    clear_slots(n);
    free(n->slots);
    n->slots = NULL;
    for (size_t i = 0; i < n->nmem; i++)
        story_clear(&n->mem[i]);
    free(n->mem);
    for (size_t i = 0; i < n->nfeeds; i++) {
        free(n->feeds[i].err);
        free(n->feeds[i].why);
    }
    free(n->feeds);
    strv_free(&n->left_keys);
    free(n);
}

void news_left_out(const struct news *n, struct news_left *out)
{
    *out = n->left;
}

/* The start of the story window (0: no window). */
static time_t window_start(const struct news *n)
{
    return n->o.days > 0 ? wall_now() - (time_t)n->o.days * 86400 : 0;
}

size_t news_count(const struct news *n)
{
    return n->n;
}

const struct news_story *news_story(const struct news *n, size_t i)
{
    return i < n->n ? &n->slots[i].story : NULL;
}

int news_offline(const struct news *n)
{
    return n->offline;
}

/* The title reduced to lowercase letters and digits separated by single spaces. */
static char *title_key(const char *title)
{
    char *low = utf8_lower(title, strlen(title));
    struct buf b = BUF_INIT;
    size_t i = 0, len = strlen(low);
    int space = 0;
    while (i < len) {
        int cp;
        size_t k = utf8_decode(low + i, len - i, &cp);
        int word = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp >= 0xC0;
        if (word && cp != 0xFFFD) {
            if (space && b.len)
                buf_putc(&b, ' ');
            space = 0;
            buf_append(&b, low + i, k);
        } else {
            space = 1;
        }
        i += k;
    }
    free(low);
    return buf_steal(&b);
}

static const char *site_name(const struct news *n, const char *id)
{
    const struct source *s = id ? sources_find(n->src, id) : NULL;
    return s ? s->name : (id ? id : "");
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Adds a story unless it is a duplicate (same URL or same title) or over the limit.
 * Returns 1 when added. */
static int add_story(struct news *n, const char *url, const char *title, const char *site,
                     const char *category, const char *summary, time_t published)
{
    if (!url || !title || !*title)
        return 0;
    if (n->o.limit && n->n >= n->o.limit)
        return 0;
    char *key = title_key(title);
    for (size_t i = 0; i < n->n; i++)
        if (strcmp(n->slots[i].story.url, url) == 0 || (*key && !strcmp(n->slots[i].key, key))) {
            free(key);
            return 0;
        }
    if (n->n == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 32;
        n->slots = xrealloc(n->slots, n->cap * sizeof(*n->slots));
    }
    struct slot *sl = &n->slots[n->n];
    memset(sl, 0, sizeof(*sl));
    sl->story.url = xstrdup(url);
    sl->story.title = xstrdup(title);
    sl->story.site = dup_or_null(site);
    sl->story.site_name = xstrdup(site_name(n, site));
    sl->story.category = dup_or_null(category);
    sl->story.summary = dup_or_null(summary);
    sl->story.published = published;
    sl->key = key;
    sl->tag.kind = JOB_ARTICLE;
    sl->tag.index = n->n;
    n->n++;
    return 1;
}

static int cmp_mem(const void *a, const void *b)
{
    const struct news_story *x = a, *y = b;
    if (x->published != y->published)
        return x->published > y->published ? -1 : 1;
    return strcmp(x->url, y->url);
}

static int heard(struct news *n, const char *url)
{
    return n->cache && cache_is_heard(n->cache, url) == 1;
}

/* Counts a story left out (heard, or older than the window), once per title. */
static void count_left(struct news *n, const char *title, int is_heard, time_t when)
{
    char *key = title_key(title ? title : "");
    for (size_t i = 0; *key && i < n->left_keys.n; i++)
        if (strcmp(n->left_keys.v[i], key) == 0) {
            free(key);
            return;
        }
    for (size_t i = 0; *key && i < n->n; i++)
        if (strcmp(n->slots[i].key, key) == 0) { /* listed under another URL */
            free(key);
            return;
        }
    if (is_heard) {
        n->left.heard++;
    } else {
        n->left.older++;
        if (when > n->left.newest_older)
            n->left.newest_older = when;
    }
    strv_push(&n->left_keys, key);
}

/* The site a cached story is told under: the one it was stored with when that site is
 * selected, else the selected site whose feed listed it (a feed shared by several sites). */
static const char *story_site(const struct news *n, const struct cache_article *a)
{
    for (size_t i = 0; i < n->nfeeds; i++)
        if (a->site && strcmp(n->feeds[i].src->id, a->site) == 0)
            return a->site;
    for (size_t i = 0; i < n->nfeeds; i++)
        if (a->feed_url && strcmp(n->feeds[i].url, a->feed_url) == 0)
            return n->feeds[i].src->id;
    return n->feeds[0].src->id;
}

/* Builds the list from the cache (or this run's stories when there is no cache): the stories
 * the selection's feeds listed (a feed shared by several categories or sites gives its stories
 * to each), in the window, not heard (unless --all); what is left out is counted in n->left. */
static void select_stories(struct news *n, int only_with_text)
{
    time_t since = window_start(n);
    memset(&n->left, 0, sizeof(n->left));
    strv_free(&n->left_keys);
    if (n->cache) {
        const char **urls = xcalloc(n->nfeeds + 1, sizeof(*urls));
        for (size_t i = 0; i < n->nfeeds; i++)
            urls[i] = n->feeds[i].url;
        struct cache_query q = {
            .feed_urls = urls,
            .n_feed_urls = n->nfeeds,
            .only_with_text = only_with_text,
        };
        struct cache_article *arr = NULL;
        size_t cnt = 0;
        if (cache_articles_query(n->cache, &q, &arr, &cnt) == 0) {
            /* a story heard under one URL is heard under all */
            struct strv heard_keys = STRV_INIT;
            char **keys = xcalloc(cnt + 1, sizeof(*keys));
            int *is_heard = xcalloc(cnt + 1, sizeof(*is_heard));
            for (size_t i = 0; i < cnt; i++) {
                keys[i] = title_key(arr[i].title ? arr[i].title : "");
                is_heard[i] = !n->o.include_heard && heard(n, arr[i].url);
                if (is_heard[i] && *keys[i])
                    strv_push(&heard_keys, xstrdup(keys[i]));
            }
            for (size_t i = 0; i < cnt; i++) {
                int skip = is_heard[i];
                for (size_t k = 0; !skip && k < heard_keys.n; k++)
                    skip = strcmp(heard_keys.v[k], keys[i]) == 0;
                time_t when = arr[i].published ? arr[i].published : arr[i].first_seen;
                int old = since && when < since;
                if (!skip && !old)
                    add_story(n, arr[i].url, arr[i].title, story_site(n, &arr[i]),
                              n->o.category, arr[i].summary, arr[i].published);
            }
            /* after the list, so that a story listed under another URL is not counted */
            for (size_t i = 0; i < cnt; i++) {
                time_t when = arr[i].published ? arr[i].published : arr[i].first_seen;
                int old = since && when < since;
                int skip = is_heard[i];
                for (size_t k = 0; !skip && k < heard_keys.n; k++)
                    skip = strcmp(heard_keys.v[k], keys[i]) == 0;
                free(keys[i]);
                if (skip && !old)
                    count_left(n, arr[i].title, 1, when);
                else if (old && !skip)
                    count_left(n, arr[i].title, 0, when);
            }
            free(keys);
            free(is_heard);
            strv_free(&heard_keys);
            cache_articles_free(arr, cnt);
        }
        free(urls);
        return;
    }
    qsort(n->mem, n->nmem, sizeof(*n->mem), cmp_mem);
    for (size_t i = 0; i < n->nmem; i++) {
        struct news_story *s = &n->mem[i];
        if (since && s->published && s->published < since) {
            count_left(n, s->title, 0, s->published);
            continue;
        }
        if (!n->o.include_heard && heard(n, s->url))
            continue;
        add_story(n, s->url, s->title, s->site, s->category, s->summary, s->published);
    }
}

/* Stores a fetched feed's items; returns 0 or DB_EFORMAT. */
/* Stores the items of f, listed by the feed of fj (or its category page), in the cache (or
 * this run's memory); with d, also the feed's validators. */
static void store_items(struct news *n, struct feed_job *fj, const struct feed *f,
                        const struct fetch_done *d)
{
    if (n->cache) {
        time_t now = wall_now();
        cache_begin(n->cache);
        for (size_t i = 0; i < f->n; i++) {
            struct cache_article a = {
                .url = f->items[i].url,
                .feed_url = (char *)fj->url,
                .site = fj->src->id,
                .category = (char *)n->o.category,
                .title = f->items[i].title,
                .summary = f->items[i].summary,
                .published = f->items[i].published,
                /* undated items (a category page's) keep their order as first-seen order;
                 * a stored article's first_seen never changes */
                .first_seen = now - (time_t)i,
            };
            cache_article_put(n->cache, &a);
        }
        if (d)
            cache_feed_put(n->cache, fj->url, d->etag, d->last_modified, wall_now(),
                           (int)d->status);
        if (cache_commit(n->cache) < 0)
            cache_rollback(n->cache);
    } else {
        for (size_t i = 0; i < f->n; i++) {
            if (n->nmem == n->capmem) {
                n->capmem = n->capmem ? n->capmem * 2 : 64;
                n->mem = xrealloc(n->mem, n->capmem * sizeof(*n->mem));
            }
            struct news_story *s = &n->mem[n->nmem++];
            memset(s, 0, sizeof(*s));
            s->url = xstrdup(f->items[i].url);
            s->title = xstrdup(f->items[i].title);
            s->site = xstrdup(fj->src->id);
            s->category = xstrdup(n->o.category);
            s->summary = dup_or_null(f->items[i].summary);
            s->published = f->items[i].published;
        }
    }
}

/* Stores a fetched feed's items; returns 0 (the feed parsed, in *parsed when not NULL) or
 * DB_EFORMAT. */
static int take_feed(struct news *n, struct feed_job *fj, struct fetch_done *d,
                     struct feed **parsed)
{
    struct feed *f = NULL;
    const char *base = d->final_url ? d->final_url : d->url;
    int rc = feed_parse(buf_str(&d->body), d->body.len, base, &f);
    if (rc < 0)
        return rc;
    store_items(n, fj, f, d);
    if (parsed)
        *parsed = f;
    else
        feed_free(f);
    return 0;
}

static int ensure_fetcher(struct news *n);

/* When the feed of fj failed, is empty or is not a feed (why says which), and its category
 * has a page, asks for the page instead (page_done then finishes the job). Returns 1 then. */
static int try_page(struct news *n, struct feed_job *fj, const char *why)
{
    if (!fj->page || fj->why || n->loaded || ensure_fetcher(n) < 0)
        return 0;
    fj->why = xstrdup(why);
    fj->done = 0;
    struct fetch_req req = {.url = fj->page, .tag = &fj->page_tag};
    fetcher_add(n->fetcher, &req);
    return 1;
}

/* Handles the category page read in place of a feed: its story links become the stories. */
static void page_done(struct news *n, struct feed_job *fj, struct fetch_done *d)
{
    char msg[1200];
    struct feed *f = NULL;
    fj->done = 1;
    if (d->rc == 0) {
        fetch_body_to_utf8(d->content_type, &d->body);
        feed_parse_page(buf_str(&d->body), d->body.len, d->final_url ? d->final_url : d->url,
                        fj->src->home, &f);
    }
    if (f) {
        store_items(n, fj, f, NULL);
        fj->ok = 1;
        fj->netfail = 0;
        free(fj->err); /* the site was reached after all */
        fj->err = NULL;
        snprintf(msg, sizeof(msg), _("%s: the %s feed %s; the stories come from its category "
                                     "page."),
                 fj->src->name, n->o.category, fj->why);
        feed_free(f);
    } else if (d->rc < 0) {
        fj->netfail = fj->netfail && (d->rc == DB_ENET || d->rc == DB_ETIMEOUT);
        if (fj->netfail) /* said with the other unreachable sites (net_report) */
            return;
        snprintf(msg, sizeof(msg), _("%s: the %s feed %s, and its category page could not be "
                                     "fetched either (%s)."),
                 fj->src->name, n->o.category, fj->why, d->err);
    } else {
        snprintf(msg, sizeof(msg), _("%s: the %s feed %s, and its category page lists no "
                                     "story."),
                 fj->src->name, n->o.category, fj->why);
    }
    logline(n, msg);
}

/* Handles one finished feed download. When late (after the list was built), its new stories
 * join the end of the list. */
static void feed_done(struct news *n, struct feed_job *fj, struct fetch_done *d)
{
    char msg[600];
    fj->done = 1;
    if (d->rc == 0 && d->status == 304) {
        fj->ok = 1;
        if (n->cache)
            cache_feed_put(n->cache, fj->url, d->etag, d->last_modified, wall_now(), 304);
        return;
    }
    if (d->rc < 0) {
        fj->netfail = d->rc == DB_ENET || d->rc == DB_ETIMEOUT;
        if (fj->netfail && !n->loaded) { /* said once for every such site: net_report() */
            free(fj->err);
            fj->err = xstrdup(d->err);
        }
        snprintf(msg, sizeof(msg), _("could not be fetched (%s)"), d->err);
        if (try_page(n, fj, msg) || (fj->netfail && !n->loaded))
            return;
        snprintf(msg, sizeof(msg), _("%s: the %s news could not be fetched (%s)."),
                 fj->src->name, n->o.category, d->err);
        logline(n, msg);
        return;
    }
    struct feed *f = NULL;
    if (take_feed(n, fj, d, &f) < 0) {
        if (try_page(n, fj, _("is not a valid RSS or Atom feed")))
            return;
        snprintf(msg, sizeof(msg), _("%s: the %s feed is not a valid RSS or Atom feed."),
                 fj->src->name, n->o.category);
        logline(n, msg);
        return;
    }
    if (f->n == 0 && try_page(n, fj, _("lists no story"))) {
        feed_free(f);
        return;
    }
    fj->ok = 1;
    if (!n->loaded) {
        feed_free(f);
        f = NULL;
    }
    if (f) { /* late: append what is new, newest first */
        for (size_t i = 0; i < f->n; i++) {
            struct feed_item *it = &f->items[i];
            time_t since = window_start(n);
            if (since && it->published && it->published < since)
                continue;
            if (!n->o.include_heard && heard(n, it->url))
                continue;
            /* its article is fetched on demand by news_article() */
            add_story(n, it->url, it->title, fj->src->id, n->o.category, it->summary,
                      it->published);
        }
        feed_free(f);
    }
}

static void article_done(struct news *n, struct slot *sl, struct fetch_done *d);

/* Handles one finished download of either kind. */
static void dispatch(struct news *n, struct fetch_done *d)
{
    struct job *j = d->tag;
    if (j->kind == JOB_FEED)
        feed_done(n, &n->feeds[j->index], d);
    else if (j->kind == JOB_PAGE)
        page_done(n, &n->feeds[j->index], d);
    else if (j->index < n->n)
        article_done(n, &n->slots[j->index], d);
    fetch_done_free(d);
}


/* One line for every site that could not be reached for want of a network (one line per
 * site when only one failed so), instead of a line each. */
static void net_report(struct news *n)
{
    size_t count = 0;
    struct feed_job *first = NULL;
    struct buf names = BUF_INIT;
    for (size_t i = 0; i < n->nfeeds; i++) {
        struct feed_job *fj = &n->feeds[i];
        if (!fj->err)
            continue;
        int dup = 0; /* a site with several feeds is named once */
        for (size_t k = 0; k < i; k++)
            dup |= n->feeds[k].err && n->feeds[k].src == fj->src;
        if (!first)
            first = fj;
        if (!dup) {
            if (count++)
                buf_puts(&names, ", ");
            buf_puts(&names, fj->src->name);
        }
    }
    char msg[1200];
    if (count == 1)
        snprintf(msg, sizeof(msg), _("%s: the %s news could not be fetched (%s)."),
                 first->src->name, n->o.category, first->err);
    else if (count > 1)
        snprintf(msg, sizeof(msg), _("%zu sites could not be reached (%s): %s."), count,
                 buf_str(&names), first->err);
    if (count)
        logline(n, msg);
    buf_free(&names);
    for (size_t i = 0; i < n->nfeeds; i++) {
        free(n->feeds[i].err);
        n->feeds[i].err = NULL;
    }
}

static int ensure_fetcher(struct news *n)
{
    if (n->fetcher)
        return 0;
    return fetcher_new(&n->o.fetch, 0, &n->fetcher);
}

/* Asks every feed once (conditional GET with the cache's validators) and hands the answers
 * to feed_done; counts the feeds that answered and those that failed for want of a network. */
static void fetch_feeds(struct news *n, size_t *ok, size_t *netfail)
{
    *ok = *netfail = 0;
    if (ensure_fetcher(n) < 0)
        return;
    for (size_t i = 0; i < n->nfeeds; i++) {
        struct feed_job *fj = &n->feeds[i];
        fj->done = fj->ok = fj->netfail = 0;
        free(fj->why);
        fj->why = NULL;
        struct fetch_req req = {.url = fj->url, .tag = &fj->tag};
        char *etag = NULL, *lm = NULL;
        if (n->cache && cache_feed_get(n->cache, fj->url, &etag, &lm, NULL, NULL) == 0) {
            req.etag = etag;
            req.last_modified = lm;
        }
        fetcher_add(n->fetcher, &req);
        free(etag);
        free(lm);
    }
    long long first_ok = -1;
    size_t done = 0; /* feeds answered (or their category page, when read instead) */
    while (done < n->nfeeds) {
        int wait = -1;
        if (first_ok >= 0 && n->o.grace_ms >= 0) {
            wait = (int)(first_ok + n->o.grace_ms - mono_ms());
            if (wait <= 0)
                break;
        }
        struct fetch_done *d = NULL;
        int rc = fetcher_next(n->fetcher, wait, &d);
        if (rc < 0) /* DB_ETIMEOUT: the grace time is over */
            break;
        struct job *j = d->tag;
        if (j->kind != JOB_ARTICLE) {
            struct feed_job *fj = &n->feeds[j->index];
            dispatch(n, d);
            done += fj->done;
            if (fj->ok && first_ok < 0)
                first_ok = mono_ms();
        } else {
            dispatch(n, d);
        }
    }
    for (size_t i = 0; i < n->nfeeds; i++) {
        *ok += n->feeds[i].ok;
        *netfail += n->feeds[i].done && n->feeds[i].netfail;
    }
}

/* When the cache met a damaged page and started afresh, says so once. Returns 1 then. */
static int cache_recovered(struct news *n)
{
    if (!n->cache || !cache_take_recovered(n->cache))
        return 0;
    char msg[1200];
    snprintf(msg, sizeof(msg), _("the cache was damaged; it was moved to %s and a new one "
                                 "started."),
             cache_moved_aside(n->cache));
    logline(n, msg);
    return 1;
}

int news_load(struct news *n)
{
    if (n->loaded)
        return 0;
    if (n->o.saved_first && !n->o.offline && n->cache) {
        select_stories(n, 0);
        if (n->n > 0 && !cache_recovered(n)) {
            n->loaded = 1;
            return 0;
        }
        clear_slots(n);
    }
    size_t ok = 0, netfail = 0;
    if (!n->o.offline)
        fetch_feeds(n, &ok, &netfail);
    /* A damaged cache found on the way was started anew: the feeds that answered 304 must be
     * fetched again in full for this run's news. */
    if (cache_recovered(n) && !n->o.offline)
        fetch_feeds(n, &ok, &netfail);
    net_report(n);
    n->loaded = 1;
    n->offline = n->o.offline || (ok == 0 && netfail > 0);
    select_stories(n, n->offline);
    if (cache_recovered(n)) { /* damaged pages met while reading the stories */
        clear_slots(n);
        if (!n->o.offline)
            fetch_feeds(n, &ok, &netfail);
        select_stories(n, n->offline);
    }
    if (n->n == 0 && ok == 0 && !n->o.offline && n->nfeeds > 0)
        return DB_ENET;
    if (n->offline && !n->o.offline)
        logline(n, _("no news site could be reached: reading the stories saved earlier."));
    return 0;
}

static void request_article(struct news *n, struct slot *sl)
{
    if (sl->state != ART_NONE)
        return;
    if (n->offline || ensure_fetcher(n) < 0)
        return;
    struct fetch_req req = {.url = sl->story.url, .tag = &sl->tag};
    sl->state = ART_WAITING;
    fetcher_add(n->fetcher, &req);
}

/* The article stored in the cache as "title\n\nparagraph\nparagraph…", or NULL. */
static struct article *cached_article(struct news *n, struct slot *sl)
{
    if (!n->cache)
        return NULL;
    struct cache_article ca = {0};
    if (cache_article_get(n->cache, sl->story.url, &ca) < 0)
        return NULL;
    struct article *a = NULL;
    if (ca.text && *ca.text) {
        a = article_new();
        const char *p = ca.text;
        const char *nl = strstr(p, "\n\n");
        if (nl) {
            char *t = xstrndup(p, (size_t)(nl - p));
            article_set(&a->title, t);
            free(t);
            p = nl + 2;
        }
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            article_add_para(a, p, len);
            p += len + (e ? 1 : 0);
        }
        if (!a->title)
            article_set(&a->title, sl->story.title);
        if (ca.byline && *ca.byline)
            article_set(&a->byline, ca.byline);
        article_set(&a->url, sl->story.url);
        article_set(&a->site, sl->story.site_name);
        if (a->npara == 0) {
            article_free(a);
            a = NULL;
        }
    }
    cache_article_clear(&ca);
    return a;
}

void news_prefetch(struct news *n)
{
    for (size_t i = 0; i < n->n; i++) {
        struct slot *sl = &n->slots[i];
        if (sl->state != ART_NONE)
            continue;
        struct article *a = cached_article(n, sl);
        if (a) {
            sl->article = a;
            sl->state = ART_READY;
            continue;
        }
        request_article(n, sl);
    }
}

static char *article_text(const struct article *a)
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

/* Rule health: records what each of the site's rules matched on this page, and with -v says
 * in one line which matched nothing, since when, and which extractor read the page. */
static void note_rules(struct news *n, const struct source *src, const struct slot *sl,
                       const struct extract_report *rep)
{
    const char *names[] = {"body", "title", "byline", "published"};
    int counts[] = {rep->body, rep->title, rep->byline, rep->published};
    struct buf dead = BUF_INIT;
    time_t since = 0;
    for (int i = 0; i < 4; i++) {
        if (counts[i] < 0)
            continue;
        if (n->cache)
            cache_rule_note(n->cache, src->id, names[i], counts[i], 0);
        if (counts[i] == 0) {
            time_t t = 0;
            if (n->cache &&
                cache_rule_health(n->cache, src->id, names[i], NULL, NULL, &t) == 0 && t &&
                (!since || t < since))
                since = t;
            buf_puts(&dead, dead.len ? ", " : "");
            buf_puts(&dead, names[i]);
        }
    }
    if (dead.len && n->o.verbose) {
        char day[32] = "";
        if (since) {
            struct tm tm;
            localtime_r(&since, &tm);
            strftime(day, sizeof(day), "%Y-%m-%d", &tm);
        }
        char msg[900];
        snprintf(msg, sizeof(msg),
                 _("%s: the rules %s matched nothing on \"%s\" (since %s); the text came from "
                   "the %s extractor. 'docbao sources check -s %s' tells more."),
                 src->name, buf_str(&dead), sl->story.title, day[0] ? day : _("today"),
                 rep->extractor ? rep->extractor : "-", src->id);
        logline(n, msg);
    }
    buf_free(&dead);
}

static void article_done(struct news *n, struct slot *sl, struct fetch_done *d)
{
    char msg[600];
    if (sl->state != ART_WAITING)
        return;
    if (d->rc < 0) {
        snprintf(msg, sizeof(msg), _("%s: the story \"%s\" could not be fetched (%s); skipped."),
                 sl->story.site_name, sl->story.title, d->err);
        logline(n, msg);
        sl->state = ART_FAILED;
        return;
    }
    const struct source *src = sl->story.site ? sources_find(n->src, sl->story.site) : NULL;
    struct article *a = NULL;
    fetch_body_to_utf8(d->content_type, &d->body); /* the header's charset, when not UTF-8 */
    struct extract_report rep;
    int rc = extract_html_report(buf_str(&d->body), d->body.len, sl->story.url,
                                 src && src->has_rules ? &src->rules : NULL, &a, &rep);
    if (src && src->has_rules)
        note_rules(n, src, sl, &rep);
    if (rc < 0) {
        snprintf(msg, sizeof(msg), _("%s: no article text was found in \"%s\"; skipped."),
                 sl->story.site_name, sl->story.title);
        logline(n, msg);
        sl->state = ART_FAILED;
        return;
    }
    if (!a->title)
        article_set(&a->title, sl->story.title);
    article_set(&a->site, sl->story.site_name);
    if (n->cache) {
        char *text = article_text(a);
        cache_article_set_extracted(n->cache, sl->story.url, text, a->byline);
        free(text);
    }
    sl->article = a;
    sl->state = ART_READY;
}

int news_article(struct news *n, size_t i, struct article **out)
{
    if (i >= n->n)
        return DB_EINVAL;
    struct slot *sl = &n->slots[i];
    if (sl->state == ART_NONE) {
        struct article *a = cached_article(n, sl);
        if (a) {
            sl->article = a;
            sl->state = ART_READY;
        } else if (n->offline) {
            char msg[600];
            snprintf(msg, sizeof(msg), _("%s: the story \"%s\" is not saved for offline "
                                         "reading; skipped."),
                     sl->story.site_name, sl->story.title);
            logline(n, msg);
            sl->state = ART_FAILED;
        } else {
            request_article(n, sl);
        }
    }
    while (sl->state == ART_WAITING) {
        struct fetch_done *d = NULL;
        if (fetcher_next(n->fetcher, -1, &d) < 0) {
            sl->state = ART_FAILED;
            break;
        }
        dispatch(n, d);
    }
    if (sl->state != ART_READY)
        return DB_ENET;
    *out = sl->article;
    sl->article = NULL;
    sl->state = ART_NONE; /* handed out: asked again, it comes from the cache or the web */
    return 0;
}

void news_mark_heard(struct news *n, size_t i)
{
    if (n->cache && i < n->n)
        cache_mark_heard(n->cache, n->slots[i].story.url, 0);
}
