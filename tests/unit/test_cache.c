/*
 * test_cache.c — the SQLite cache: paths and creation, schema version, feeds, article upserts
 * and queries, heard marks, resume places, pruning, transactions, two connections and two
 * processes, a damaged file, a file from a newer docbao, and processes killed mid-write.
 *
 * Everything happens in a fresh folder under /tmp, removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "docbao/cache.h"
#include "docbao/err.h"
#include "docbao/util.h"
#include "t.h"

static char tmpdir[64];

/* A path inside the test folder (static buffer: use before the next call). */
static const char *tpath(const char *name)
{
    static char p[2][256];
    static int k;
    k ^= 1;
    snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
    return p[k];
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[512];
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* One integer from sql on a separate raw connection (-1000 on failure). */
static long raw_int(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    long v = -1000;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

/* One text value from sql on a raw connection, copied into buf ("" on failure). */
static const char *raw_text(const char *db, const char *sql, char *buf, size_t len)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return buf;
}

static int raw_exec(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open(db, &h);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
    sqlite3_close(h);
    return rc;
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* Nonzero when the file's bytes equal want. */
static int file_equals(const char *path, const struct buf *want)
{
    struct buf b = BUF_INIT;
    int ok =
        read_file(path, 0, &b) == 0 && b.len == want->len && memcmp(b.data, want->data, b.len) == 0;
    buf_free(&b);
    return ok;
}

static int put(struct cache *c, const char *url, const char *site, const char *cat,
               time_t published, time_t first_seen, const char *text)
{
    struct cache_article a = {0};
    a.url = (char *)url;
    a.site = (char *)site;
    a.category = (char *)cat;
    a.title = (char *)url;
    a.published = published;
    a.first_seen = first_seen;
    a.text = (char *)text;
    return cache_article_put(c, &a);
}

/* "url1 url2 …" of a query result, for one-line comparisons. */
static char *urls(const struct cache_article *arr, size_t n)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ' ');
        buf_puts(&b, arr[i].url);
    }
    return buf_steal(&b);
}

static void check_query(struct cache *c, const struct cache_query *q, const char *want,
                        const char *name)
{
    struct cache_article *arr = (struct cache_article *)1;
    size_t n = 99;
    int rc = cache_articles_query(c, q, &arr, &n);
    T_INT(rc, 0, "query %s: returns 0", name);
    if (rc)
        return;
    char *got = urls(arr, n);
    T_STR(got, want, "query %s: articles and order", name);
    if (n == 0)
        T_OK(arr == NULL, "query %s: empty result is NULL", name);
    free(got);
    cache_articles_free(arr, n);
}

/* --- tests ------------------------------------------------------------------------------- */

static void test_paths(void)
{
    char *p = NULL;
    char xdg[128], home[128], want[256];
    snprintf(xdg, sizeof(xdg), "%s/xdg", tmpdir);
    snprintf(home, sizeof(home), "%s/home", tmpdir);
    setenv("XDG_CACHE_HOME", xdg, 1);
    setenv("HOME", home, 1);
    T_INT(cache_default_path(&p), 0, "paths: default path with XDG_CACHE_HOME");
    snprintf(want, sizeof(want), "%s/docbao/cache.db", xdg);
    T_STR(p, want, "paths: $XDG_CACHE_HOME/docbao/cache.db");
    free(p);
    setenv("XDG_CACHE_HOME", "relative/dir", 1);
    T_INT(cache_default_path(&p), 0, "paths: relative XDG_CACHE_HOME is ignored");
    snprintf(want, sizeof(want), "%s/.cache/docbao/cache.db", home);
    T_STR(p, want, "paths: $HOME/.cache/docbao/cache.db fallback");
    free(p);
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    p = NULL;
    T_INT(cache_default_path(&p), DB_ENOENT, "paths: no XDG_CACHE_HOME and no HOME");
    T_OK(p == NULL, "paths: out untouched on failure");
    setenv("XDG_CACHE_HOME", xdg, 1);
    setenv("HOME", home, 1);

    struct cache *c = NULL;
    T_INT(cache_open(NULL, &c), 0, "open: creates the default database");
    T_OK(c != NULL, "open: hands out a handle");
    snprintf(want, sizeof(want), "%s/docbao", xdg);
    struct stat st;
    T_OK(stat(want, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700,
         "open: cache folder created with mode 0700");
    snprintf(want, sizeof(want), "%s/docbao/cache.db", xdg);
    T_OK(stat(want, &st) == 0 && S_ISREG(st.st_mode), "open: cache.db exists");
    T_OK(cache_moved_aside(c) == NULL, "open: nothing moved aside");
    cache_free(c);
    cache_free(NULL);
    T_INT(raw_int(want, "PRAGMA user_version"), CACHE_SCHEMA_VERSION,
          "schema: user_version is CACHE_SCHEMA_VERSION");
    char buf[64];
    T_STR(raw_text(want, "PRAGMA journal_mode", buf, sizeof(buf)), "wal", "schema: WAL mode");
    T_INT(raw_int(want, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                        " AND name IN ('feeds', 'articles', 'heard', 'places')"),
          4, "schema: the tables exist");
    c = NULL;
    T_INT(cache_open(want, &c), 0, "open: reopening an existing database");
    cache_free(c);
    T_INT(cache_open(NULL, NULL), DB_EINVAL, "open: NULL out is refused");
    T_INT(cache_open("", &c), DB_EINVAL, "open: empty path is refused");
    c = NULL;
    T_INT(cache_open("/proc/docbao-no/cache.db", &c), DB_EIO, "open: unwritable folder is DB_EIO");
    T_OK(c == NULL, "open: out untouched on failure");
}

static void test_feeds(struct cache *c)
{
    char *etag = (char *)1, *lm = (char *)1;
    time_t at = 7;
    int status = 7;
    const char *u = "https://vnexpress.net/rss/thoi-su.rss";
    T_INT(cache_feed_get(c, u, &etag, &lm, &at, &status), DB_ENOENT, "feeds: unknown feed");
    T_OK(etag == (char *)1 && at == 7, "feeds: outs untouched when unknown");
    T_INT(cache_feed_put(c, u, "\"abc\"", "Mon, 01 Jan 2024 00:00:00 GMT", 1700000000, 200), 0,
          "feeds: put");
    T_INT(cache_feed_get(c, u, &etag, &lm, &at, &status), 0, "feeds: get");
    T_STR(etag, "\"abc\"", "feeds: etag round trip");
    T_STR(lm, "Mon, 01 Jan 2024 00:00:00 GMT", "feeds: last_modified round trip");
    T_INT(at, 1700000000, "feeds: fetched_at round trip");
    T_INT(status, 200, "feeds: status round trip");
    free(etag);
    free(lm);
    T_INT(cache_feed_put(c, u, NULL, "Tue, 02 Jan 2024 00:00:00 GMT", 1700000100, 304), 0,
          "feeds: put replaces");
    etag = (char *)1;
    T_INT(cache_feed_get(c, u, &etag, NULL, &at, NULL), 0, "feeds: NULL outs allowed");
    T_OK(etag == NULL, "feeds: a validator not sent is NULL");
    T_INT(at, 1700000100, "feeds: fetched_at updated");
    T_INT(cache_feed_put(c, NULL, NULL, NULL, 0, 0), DB_EINVAL, "feeds: NULL url refused");
    T_INT(cache_feed_get(c, NULL, NULL, NULL, NULL, NULL), DB_EINVAL, "feeds: NULL url get");
}

static void test_articles(struct cache *c)
{
    struct cache_article a = {0}, g = {0};
    a.url = "https://dantri.com.vn/xa-hoi/a1.htm";
    a.feed_url = "https://dantri.com.vn/rss/xa-hoi.rss";
    a.site = "dantri";
    a.category = "doi-song";
    a.title = "Tiêu đề một";
    a.summary = "Tóm tắt";
    a.published = 1700000000;
    T_INT(cache_article_put(c, &a), 0, "articles: put new");
    T_INT(cache_article_get(c, a.url, &g), 0, "articles: get");
    T_STR(g.title, "Tiêu đề một", "articles: title round trip");
    T_STR(g.feed_url, a.feed_url, "articles: feed_url round trip");
    T_STR(g.site, "dantri", "articles: site round trip");
    T_STR(g.summary, "Tóm tắt", "articles: summary round trip");
    T_OK(g.text == NULL && g.text_fetched_at == 0, "articles: no text yet");
    T_INT(g.published, 1700000000, "articles: published round trip");
    T_OK(g.first_seen > 1700000000, "articles: first_seen set to now");
    time_t first = g.first_seen;
    cache_article_clear(&g);
    cache_article_clear(NULL);

    T_INT(cache_article_set_text(c, a.url, "Tiêu đề một\n\nĐoạn một."), 0, "articles: set");
    a.title = "Tiêu đề mới";
    a.summary = NULL;
    a.first_seen = 5;
    T_INT(cache_article_put(c, &a), 0, "articles: upsert without text");
    T_INT(cache_article_get(c, a.url, &g), 0, "articles: get after upsert");
    T_STR(g.text, "Tiêu đề một\n\nĐoạn một.", "articles: upsert keeps the text");
    T_OK(g.text_fetched_at > 0, "articles: upsert keeps text_fetched_at");
    T_STR(g.title, "Tiêu đề mới", "articles: upsert updates the title");
    T_STR(g.summary, "Tóm tắt", "articles: NULL summary keeps the stored one");
    T_INT(g.first_seen, first, "articles: first_seen never changes");
    cache_article_clear(&g);
    T_OK(g.url == NULL && g.text == NULL, "articles: clear zeroes");

    a.text = "Văn bản mới";
    a.text_fetched_at = 1234;
    T_INT(cache_article_put(c, &a), 0, "articles: upsert with text");
    T_INT(cache_article_get(c, a.url, &g), 0, "articles: get after text upsert");
    T_STR(g.text, "Văn bản mới", "articles: upsert with text replaces it");
    T_INT(g.text_fetched_at, 1234, "articles: text_fetched_at as given");
    cache_article_clear(&g);
    T_INT(cache_article_set_text(c, a.url, NULL), 0, "articles: clear text");
    T_INT(cache_article_get(c, a.url, &g), 0, "articles: get after clearing");
    T_OK(g.text == NULL && g.text_fetched_at == 0, "articles: text cleared");
    cache_article_clear(&g);

    T_INT(cache_article_get(c, "https://nowhere/", &g), DB_ENOENT, "articles: unknown get");
    T_OK(g.url == NULL, "articles: out untouched when unknown");
    T_INT(cache_article_set_text(c, "https://nowhere/", "x"), DB_ENOENT,
          "articles: set text of unknown");
    struct cache_article bad = {0};
    T_INT(cache_article_put(c, &bad), DB_EINVAL, "articles: NULL url refused");
    bad.url = "";
    T_INT(cache_article_put(c, &bad), DB_EINVAL, "articles: empty url refused");
    T_INT(cache_article_put(c, NULL), DB_EINVAL, "articles: NULL article refused");

    /* Only a url: every other field NULL. */
    bad.url = "https://bare/";
    T_INT(cache_article_put(c, &bad), 0, "articles: bare article stored");
    T_INT(cache_article_get(c, bad.url, &g), 0, "articles: bare article read");
    T_OK(g.title == NULL && g.site == NULL && g.published == 0, "articles: NULLs stay NULL");
    cache_article_clear(&g);

    /* Non-UTF-8 bytes and very long strings are stored as given. */
    const char junk[] = "\xff\xfe\xc3(\x80 ti\xe1\xbb";
    bad.url = "https://junk/\xff";
    bad.title = (char *)junk;
    T_INT(cache_article_put(c, &bad), 0, "articles: non-UTF-8 stored");
    T_INT(cache_article_get(c, bad.url, &g), 0, "articles: non-UTF-8 read");
    T_OK(g.title && strcmp(g.title, junk) == 0, "articles: non-UTF-8 bytes unchanged");
    cache_article_clear(&g);
    size_t big = 8u << 20;
    char *huge = xmalloc(big + 1);
    for (size_t i = 0; i < big; i++)
        huge[i] = (char)('a' + i % 26);
    huge[big] = '\0';
    T_INT(cache_article_set_text(c, bad.url, huge), 0, "articles: 8 MB text stored");
    T_INT(cache_article_get(c, bad.url, &g), 0, "articles: 8 MB text read");
    T_OK(g.text && strlen(g.text) == big && memcmp(g.text, huge, big) == 0,
         "articles: 8 MB text unchanged");
    cache_article_clear(&g);
    free(huge);
}

static void test_queries(struct cache *c)
{
    /* Published times with ties (b2/c1 at 300, a3/c2 at 100 with first_seen deciding), an
     * undated one (a4) and one in two categories (b1). */
    put(c, "a1", "a", "xa-hoi", 200, 10, "t");
    put(c, "a2", "a", "the-thao", 400, 10, NULL);
    put(c, "a3", "a", "xa-hoi", 100, 20, NULL);
    put(c, "a4", "a", "xa-hoi", 0, 50, "t");
    put(c, "b1", "b", "thoi-su", 250, 10, NULL);
    put(c, "b1", "b", "xa-hoi", 0, 0, NULL);
    put(c, "b2", "b", "xa-hoi", 300, 10, "t");
    put(c, "c1", "c", "xa-hoi", 300, 30, NULL);
    put(c, "c2", "c", "xa-hoi", 100, 30, NULL);

    struct cache_query q = {0};
    q.category = "xa-hoi";
    check_query(c, &q, "c1 b2 b1 a1 c2 a3 a4", "category, newest first with ties");
    q.category = "thoi-su";
    check_query(c, &q, "b1", "an article in two categories (first)");
    struct cache_article *arr;
    size_t n;
    q.category = "xa-hoi";
    q.limit = 3;
    T_INT(cache_articles_query(c, &q, &arr, &n), 0, "query: category field");
    T_OK(n == 3 && strcmp(arr[2].category, "xa-hoi") == 0,
         "query: category reported as the one asked for");
    cache_articles_free(arr, n);
    check_query(c, &q, "c1 b2 b1", "limit");
    q.limit = 0;
    const char *ab[] = {"a", "c"};
    q.sites = ab;
    q.n_sites = 2;
    check_query(c, &q, "c1 a1 c2 a3 a4", "sites a and c");
    q.n_sites = 0;
    check_query(c, &q, "", "empty site list matches nothing");
    q.sites = NULL;
    q.since = 200;
    check_query(c, &q, "c1 b2 b1 a1", "since (undated a4 first seen long ago)");
    q.since = 0;
    q.only_with_text = 1;
    check_query(c, &q, "b2 a1 a4", "only with text");
    q.only_with_text = 0;
    cache_mark_heard(c, "b2", 0);
    cache_mark_heard(c, "c2", 0);
    q.exclude_heard = 1;
    check_query(c, &q, "c1 b1 a1 a3 a4", "exclude heard");
    q.category = NULL;
    q.limit = 2;
    check_query(c, &q, "https://dantri.com.vn/xa-hoi/a1.htm a2",
                "any category, heard excluded, limit 2");
    q.category = "no-such";
    check_query(c, &q, "", "unknown category");
    q.category = NULL;
    q.n_sites = 1001;
    q.sites = ab;
    T_INT(cache_articles_query(c, &q, &arr, &n), DB_EINVAL, "query: too many sites refused");
    T_INT(cache_articles_query(c, NULL, &arr, &n), 0, "query: NULL query means all");
    T_OK(n >= 9, "query: NULL query returns everything");
    cache_articles_free(arr, n);
    cache_articles_free(NULL, 0);
}

static void test_heard(struct cache *c)
{
    T_INT(cache_is_heard(c, "https://h/1"), 0, "heard: not heard yet");
    T_INT(cache_mark_heard(c, "https://h/1", 1700000000), 0, "heard: mark (no article row)");
    T_INT(cache_is_heard(c, "https://h/1"), 1, "heard: heard");
    T_INT(cache_mark_heard(c, "https://h/1", 0), 0, "heard: mark again");
    T_INT(cache_is_heard(c, "https://h/2"), 0, "heard: others not heard");
    T_INT(cache_is_heard(c, NULL), DB_EINVAL, "heard: NULL url");
}

static void test_places(struct cache *c)
{
    char *u = (char *)1;
    int i = -7;
    const char *k = "category=xa-hoi;sources=dantri,vnexpress";
    T_INT(cache_place_load(c, k, &u, &i), DB_ENOENT, "place: none yet");
    T_OK(u == (char *)1 && i == -7, "place: outs untouched when none");
    T_INT(cache_place_save(c, k, "https://x/1", 3), 0, "place: save");
    T_INT(cache_place_load(c, k, &u, &i), 0, "place: load");
    T_STR(u, "https://x/1", "place: article url");
    T_INT(i, 3, "place: sentence index");
    free(u);
    T_INT(cache_place_save(c, k, "https://x/2", 0), 0, "place: overwrite");
    T_INT(cache_place_save(c, "category=the-thao", "https://y/9", 12), 0, "place: other key");
    T_INT(cache_place_load(c, k, &u, &i), 0, "place: load after overwrite");
    T_STR(u, "https://x/2", "place: overwritten url");
    T_INT(i, 0, "place: overwritten index");
    free(u);
    T_INT(cache_place_load(c, "category=the-thao", &u, &i), 0, "place: other key load");
    T_INT(i, 12, "place: keys are independent");
    free(u);
    T_INT(cache_place_save(c, k, "https://x/2", -1), DB_EINVAL, "place: negative index");
    T_INT(cache_place_save(c, NULL, "https://x/2", 1), DB_EINVAL, "place: NULL key");
    T_INT(cache_place_save(c, "category=the-thao", NULL, 0), 0, "place: forget");
    T_INT(cache_place_load(c, "category=the-thao", &u, &i), DB_ENOENT, "place: forgotten");
}

static void test_prune(void)
{
    struct cache *c = NULL;
    if (cache_open(tpath("prune.db"), &c) != 0)
        return;
    put(c, "old1", "p", "prune", 1000, 1000, "t");
    put(c, "old2", "p", "prune", 0, 1000, NULL);
    put(c, "oldplace", "p", "prune", 1000, 1000, NULL);
    put(c, "newpub", "p", "prune", 5000, 1000, NULL); /* old in the cache, recent story */
    put(c, "new", "p", "prune", 5000, 5000, NULL);
    cache_mark_heard(c, "old1", 1000);
    cache_mark_heard(c, "new", 1000);
    cache_place_save(c, "prune", "oldplace", 4);
    int removed = cache_prune(c, 2000);
    T_INT(removed, 2, "prune: removes the two old articles");
    struct cache_query q = {0};
    q.category = "prune";
    check_query(c, &q, "new newpub oldplace", "after prune");
    T_INT(cache_is_heard(c, "old1"), 0, "prune: old mark of a removed article goes");
    T_INT(cache_is_heard(c, "new"), 1, "prune: mark of a kept article stays");
    T_INT(raw_int(tpath("prune.db"), "SELECT count(*) FROM article_categories WHERE url = 'old1'"),
          0, "prune: category links go with the article");
    T_INT(cache_prune(c, 2000), 0, "prune: nothing more to remove");
    cache_free(c);
}

static void test_transactions(struct cache *c)
{
    T_INT(cache_commit(c), DB_EINVAL, "tx: commit without begin");
    T_INT(cache_rollback(c), DB_EINVAL, "tx: rollback without begin");
    T_INT(cache_begin(c), 0, "tx: begin");
    T_INT(cache_begin(c), DB_EINVAL, "tx: begin does not nest");
    put(c, "tx1", "t", "tx", 1, 1, NULL);
    cache_feed_put(c, "txfeed", "e", NULL, 1, 200);
    T_INT(cache_rollback(c), 0, "tx: rollback");
    struct cache_article g = {0};
    T_INT(cache_article_get(c, "tx1", &g), DB_ENOENT, "tx: rolled back article absent");
    T_INT(cache_feed_get(c, "txfeed", NULL, NULL, NULL, NULL), DB_ENOENT,
          "tx: rolled back feed absent");
    T_INT(cache_begin(c), 0, "tx: begin again");
    put(c, "tx2", "t", "tx", 1, 1, NULL);
    T_INT(cache_article_set_text(c, "tx-missing", "x"), DB_ENOENT, "tx: failed write inside");
    cache_feed_put(c, "txfeed", "e", NULL, 1, 200);
    T_INT(cache_commit(c), 0, "tx: commit after a failed write");
    T_INT(cache_article_get(c, "tx2", &g), 0, "tx: committed article present");
    cache_article_clear(&g);
    T_INT(cache_feed_get(c, "txfeed", NULL, NULL, NULL, NULL), 0, "tx: committed feed present");
}

/* A child that holds the write lock for hold_ms, then commits; writes a byte to fd once it
 * holds it. */
static void lock_holder(const char *db, int fd, long hold_ms)
{
    sqlite3 *h;
    if (sqlite3_open(db, &h) != SQLITE_OK ||
        sqlite3_exec(h, "BEGIN IMMEDIATE; INSERT INTO heard VALUES('held', 1)", NULL, NULL, NULL) !=
            SQLITE_OK)
        _exit(2);
    if (write(fd, "x", 1) != 1)
        _exit(3);
    sleep_ms(hold_ms);
    _exit(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : 4);
}

static void test_two_connections(void)
{
    const char *db = tpath("two.db");
    struct cache *a = NULL, *b = NULL;
    T_INT(cache_open(db, &a), 0, "two: first connection");
    T_INT(cache_open(db, &b), 0, "two: second connection");
    int ok = 1;
    for (int i = 0; i < 50; i++) {
        char u[32];
        snprintf(u, sizeof(u), "two/%d", i);
        ok &= put(i % 2 ? a : b, u, "s", "two", 100 + i, 1, NULL) == 0;
        ok &= cache_mark_heard(i % 2 ? b : a, u, 0) == 0;
        ok &= cache_place_save(i % 2 ? a : b, "two", u, i) == 0;
    }
    T_OK(ok, "two: 150 interleaved writes succeed");
    struct cache_query q = {0};
    q.category = "two";
    q.limit = 2;
    check_query(a, &q, "two/49 two/48", "two: a sees b's writes");
    check_query(b, &q, "two/49 two/48", "two: b sees a's writes");
    q.exclude_heard = 1;
    check_query(b, &q, "", "two: heard marks from both");
    char *u = NULL;
    int i = 0;
    T_INT(cache_place_load(b, "two", &u, &i), 0, "two: place readable from the other");
    T_INT(i, 49, "two: last place wins");
    free(u);

    /* Another process holds the write lock for 400 ms: writers wait for it (busy timeout). */
    int fds[2];
    if (pipe(fds) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        lock_holder(db, fds[1], 400);
    }
    close(fds[1]);
    char x;
    T_INT(read(fds[0], &x, 1), 1, "busy: the other process holds the lock");
    close(fds[0]);
    double t0 = now_s();
    T_INT(cache_mark_heard(a, "busy", 0), 0, "busy: write waits and succeeds");
    double waited = now_s() - t0;
    T_OK(waited > 0.2 && waited < 4.0, "busy: waited for the lock (%.2f s)", waited);
    T_INT(cache_is_heard(b, "held"), 1, "busy: the other process's write committed");
    int status = 0;
    waitpid(pid, &status, 0);
    T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "busy: lock holder exited cleanly");
    cache_free(a);
    cache_free(b);
}

static void test_corrupt(void)
{
    const char *db = tpath("corrupt.db");
    unsigned char junk[8192];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (unsigned char)(i * 131 + 7);
    write_file(db, junk, sizeof(junk));
    struct buf want = {(char *)junk, sizeof(junk), sizeof(junk), 0};
    struct cache *c = NULL;
    T_INT(cache_open(db, &c), 1, "corrupt: junk file → open returns 1");
    const char *aside = cache_moved_aside(c);
    T_OK(aside && strstr(aside, "corrupt.db.corrupt-"), "corrupt: moved-aside name given");
    T_OK(aside && file_equals(aside, &want), "corrupt: junk kept intact beside");
    T_INT(put(c, "fresh", "s", "x", 1, 1, NULL), 0, "corrupt: fresh database works");
    cache_free(c);
    c = NULL;
    T_INT(cache_open(db, &c), 0, "corrupt: reopening the fresh one");
    cache_free(c);

    /* A real database whose schema page was overwritten. */
    const char *db2 = tpath("damaged.db");
    c = NULL;
    cache_open(db2, &c);
    put(c, "x", "s", "x", 1, 1, NULL);
    cache_free(c);
    struct buf b = BUF_INIT;
    read_file(db2, 0, &b);
    for (size_t i = 100; i < 4096 && i < b.len; i++)
        b.data[i] = (char)0xA5;
    write_file(db2, b.data, b.len);
    buf_free(&b);
    c = NULL;
    T_INT(cache_open(db2, &c), 1, "corrupt: damaged schema page → moved aside");
    cache_free(c);
}

static void test_future(void)
{
    const char *db = tpath("future.db");
    T_INT(raw_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1); PRAGMA user_version = 999"),
          SQLITE_OK, "future: file made by a newer docbao");
    struct buf before = BUF_INIT;
    read_file(db, 0, &before);
    struct cache *c = NULL;
    T_INT(cache_open(db, &c), DB_EFORMAT, "future: open refuses with DB_EFORMAT");
    T_OK(c == NULL, "future: no handle");
    T_OK(file_equals(db, &before), "future: file untouched");
    T_INT(raw_int(db, "PRAGMA user_version"), 999, "future: version unchanged");
    buf_free(&before);
    T_OK(access(tpath("future.db-wal"), F_OK) != 0, "future: no WAL created");
}

/* Child: commits one article, then writes many in a transaction and dies without committing.
 */
static void killed_writer(const char *db)
{
    struct cache *c;
    if (cache_open(db, &c) != 0 || put(c, "committed", "s", "k", 1, 1, "t") != 0)
        _exit(2);
    if (cache_begin(c) != 0)
        _exit(3);
    char *text = xmalloc(8193);
    memset(text, 'v', 8192);
    text[8192] = '\0';
    for (int i = 0; i < 1500; i++) { /* 12 MB: far past the page cache, so the WAL grows */
        char u[32];
        snprintf(u, sizeof(u), "uncommitted/%d", i);
        if (put(c, u, "s", "k", 1, 1, text) != 0)
            _exit(4);
    }
    cache_place_save(c, "k", "uncommitted/1", 1);
    kill(getpid(), SIGKILL);
    _exit(5);
}

/* Child: saves places as fast as it can until killed. */
static void place_saver(const char *db)
{
    struct cache *c;
    if (cache_open(db, &c) != 0)
        _exit(2);
    for (int i = 0;; i++) {
        char u[32];
        snprintf(u, sizeof(u), "https://p/%d", i);
        if (cache_place_save(c, "sel", u, i) != 0)
            _exit(3);
    }
}

static void test_killed(void)
{
    const char *db = tpath("killed.db");
    pid_t pid = fork();
    if (pid == 0)
        killed_writer(db);
    int status = 0;
    waitpid(pid, &status, 0);
    T_OK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "killed: child died by SIGKILL");
    struct stat st;
    T_OK(stat(tpath("killed.db-wal"), &st) == 0 && st.st_size > (1 << 20),
         "killed: uncommitted frames reached the WAL (%lld bytes)", (long long)st.st_size);
    struct cache *c = NULL;
    T_INT(cache_open(db, &c), 0, "killed: reopens normally");
    char buf[64];
    T_STR(raw_text(db, "PRAGMA integrity_check", buf, sizeof(buf)), "ok",
          "killed: integrity_check ok");
    struct cache_article g = {0};
    T_INT(cache_article_get(c, "committed", &g), 0, "killed: committed article present");
    cache_article_clear(&g);
    T_INT(raw_int(db, "SELECT count(*) FROM articles WHERE url LIKE 'uncommitted/%'"), 0,
          "killed: uncommitted articles absent");
    char *u = NULL;
    int i;
    T_INT(cache_place_load(c, "k", &u, &i), DB_ENOENT, "killed: uncommitted place absent");
    T_INT(put(c, "after", "s", "k", 1, 1, NULL), 0, "killed: writable afterwards");
    cache_free(c);

    db = tpath("place.db");
    c = NULL;
    cache_open(db, &c); /* create it first, so the child starts saving at once */
    pid = fork();
    if (pid == 0)
        place_saver(db);
    sleep_ms(150);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    T_OK(WIFSIGNALED(status), "killed: place saver killed mid-loop");
    T_INT(cache_place_load(c, "sel", &u, &i), 0, "killed: a place survives");
    char want[32];
    snprintf(want, sizeof(want), "https://p/%d", i);
    T_STR(u, want, "killed: url and index from the same save (index %d)", i);
    T_OK(i > 0, "killed: the saver got going");
    free(u);
    T_STR(raw_text(db, "PRAGMA integrity_check", buf, sizeof(buf)), "ok",
          "killed: place database integrity ok");
    cache_free(c);
}

/* Feeds shared by categories and sites: an article is found by every feed that listed it. */
static void test_feed_items(void)
{
    struct cache *c = NULL;
    T_INT(cache_open(tpath("feeds.db"), &c), 0, "feed items: open");
    const char *shared = "https://a/shared.rss", *other = "https://a/other.rss";
    struct cache_article a = {.url = "https://a/1", .feed_url = (char *)shared, .site = "a",
                              .category = "xa-hoi", .title = "Một", .published = 100};
    T_INT(cache_article_put(c, &a), 0, "feed items: put from the shared feed");
    a.url = "https://a/2";
    a.feed_url = (char *)other;
    a.published = 90;
    T_INT(cache_article_put(c, &a), 0, "feed items: put from another feed");
    a.url = "https://a/1"; /* listed again, by the other feed */
    a.published = 100;
    T_INT(cache_article_put(c, &a), 0, "feed items: the same article from the other feed");
    const char *one[] = {shared}, *both[] = {shared, other};
    struct cache_query q = {.feed_urls = one, .n_feed_urls = 1};
    check_query(c, &q, "https://a/1", "by the shared feed (stored last from the other)");
    q.feed_urls = both;
    q.n_feed_urls = 2;
    check_query(c, &q, "https://a/1 https://a/2", "by two feeds, newest first");
    q.category = "thoi-su"; /* never put under it: feeds and categories are separate filters */
    check_query(c, &q, "", "feeds and a category never put");
    T_INT(cache_article_set_extracted(c, "https://a/1", "Một\n\nĐoạn.", "Minh Anh"), 0,
          "bylines: stored with the text");
    struct cache_article got = {0};
    T_INT(cache_article_get(c, "https://a/1", &got), 0, "bylines: get");
    T_STR(got.byline, "Minh Anh", "bylines: kept");
    cache_article_clear(&got);
    T_INT(cache_article_set_text(c, "https://a/1", "Một\n\nĐoạn hai."), 0, "bylines: new text");
    cache_article_get(c, "https://a/1", &got);
    T_STR(got.byline, "Minh Anh", "bylines: set_text keeps the byline");
    cache_article_clear(&got);
    cache_article_set_text(c, "https://a/1", NULL);
    cache_article_get(c, "https://a/1", &got);
    T_OK(!got.byline, "bylines: cleared with the text");
    cache_article_clear(&got);
    cache_free(c);

    /* a version-1 file: its articles are found by their feed after the upgrade */
    const char *v1 = tpath("v1.db");
    T_INT(raw_exec(v1, "CREATE TABLE feeds (url TEXT PRIMARY KEY NOT NULL, etag TEXT,"
                       " last_modified TEXT, fetched_at INTEGER NOT NULL DEFAULT 0,"
                       " status INTEGER NOT NULL DEFAULT 0);"
                       "CREATE TABLE articles (url TEXT PRIMARY KEY NOT NULL, feed_url TEXT,"
                       " site TEXT, category TEXT, title TEXT, summary TEXT, published INTEGER,"
                       " first_seen INTEGER NOT NULL, text TEXT, text_fetched_at INTEGER);"
                       "CREATE TABLE article_categories (url TEXT NOT NULL REFERENCES"
                       " articles(url) ON DELETE CASCADE, category TEXT NOT NULL,"
                       " PRIMARY KEY (url, category)) WITHOUT ROWID;"
                       "CREATE TABLE heard (url TEXT PRIMARY KEY NOT NULL,"
                       " heard_at INTEGER NOT NULL);"
                       "CREATE TABLE places (key TEXT PRIMARY KEY NOT NULL, article_url TEXT"
                       " NOT NULL, sentence INTEGER NOT NULL, saved_at INTEGER NOT NULL);"
                       "INSERT INTO articles(url, feed_url, first_seen) VALUES('u1', 'f1', 5);"
                       "PRAGMA user_version = 1"),
          0, "upgrade: a version-1 file");
    c = NULL;
    T_INT(cache_open(v1, &c), 0, "upgrade: opens");
    const char *f1[] = {"f1"};
    struct cache_query q1 = {.feed_urls = f1, .n_feed_urls = 1};
    if (c)
        check_query(c, &q1, "u1", "upgrade: the old article is found by its feed");
    cache_free(c);
    T_INT(raw_int(v1, "PRAGMA user_version"), CACHE_SCHEMA_VERSION, "upgrade: to the current version");
}

/* Rule health: what a site's rule matched, and since when it has matched nothing. */
static void test_rule_health(void)
{
    struct cache *c = NULL;
    T_INT(cache_open(tpath("rules.db"), &c), 0, "rule health: open");
    int m = -1;
    time_t at = 0, since = 0;
    T_INT(cache_rule_health(c, "dantri", "body", &m, &at, &since), DB_ENOENT,
          "rule health: never recorded");
    T_INT(cache_rule_note(c, "dantri", "body", 2, 1000), 0, "rule health: a match");
    cache_rule_health(c, "dantri", "body", &m, &at, &since);
    T_OK(m == 2 && at == 1000 && since == 0, "rule health: matched 2 at 1000, not dead");
    cache_rule_note(c, "dantri", "body", 0, 2000);
    cache_rule_note(c, "dantri", "body", 0, 3000);
    cache_rule_health(c, "dantri", "body", &m, &at, &since);
    T_OK(m == 0 && at == 3000 && since == 2000, "rule health: dead since the first miss");
    cache_rule_note(c, "dantri", "body", 1, 4000);
    cache_rule_health(c, "dantri", "body", &m, &at, &since);
    T_OK(m == 1 && since == 0, "rule health: alive again");
    cache_rule_note(c, "nld", "title", 0, 5000);
    cache_rule_health(c, "nld", "title", &m, NULL, &since);
    T_OK(m == 0 && since == 5000, "rule health: per site and rule; dead at first sight");
    T_INT(cache_rule_note(c, "nld", "title", -1, 0), DB_EINVAL, "rule health: no negative count");
    cache_free(c);
}

/* A damaged page met after open: the call fails, the file is moved aside, the cache goes on. */
static void test_damaged_later(void)
{
    const char *db = tpath("later.db");
    struct cache *c = NULL;
    cache_open(db, &c);
    char url[64], text[2048];
    memset(text, 'x', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    cache_begin(c);
    for (int i = 0; i < 200; i++) {
        snprintf(url, sizeof(url), "https://a/%d", i);
        put(c, url, "s", "xa-hoi", 1000 + i, 1, text);
    }
    cache_commit(c);
    cache_free(c);
    struct buf b = BUF_INIT;
    read_file(db, 0, &b);
    T_OK(b.len > 5 * 4096, "damaged later: a real cache of %zu bytes", b.len);
    for (size_t i = 2 * 4096; i < 5 * 4096 && i < b.len; i++)
        b.data[i] = 0x5A;
    write_file(db, b.data, b.len);
    buf_free(&b);
    c = NULL;
    T_INT(cache_open(db, &c), 0, "damaged later: the header and schema still open");
    struct cache_article *arr = NULL;
    size_t n = 0;
    int rc = cache_articles_query(c, NULL, &arr, &n);
    T_INT(rc, DB_EFORMAT, "damaged later: the query meets the damage (DB_EFORMAT)");
    if (rc == 0)
        cache_articles_free(arr, n);
    T_INT(cache_take_recovered(c), 1, "damaged later: moved aside and started anew");
    T_OK(cache_moved_aside(c) && strstr(cache_moved_aside(c), "later.db.corrupt-"),
         "damaged later: the moved file is named");
    T_INT(cache_take_recovered(c), 0, "damaged later: told once");
    T_INT(put(c, "https://a/new", "s", "xa-hoi", 5, 5, NULL), 0, "damaged later: writes work");
    check_query(c, NULL, "https://a/new", "damaged later: the fresh cache");
    cache_free(c);
}

int main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/docbao-cache-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_paths();
    struct cache *c = NULL;
    T_INT(cache_open(tpath("c.db"), &c), 0, "open: explicit path");
    if (c) {
        test_feeds(c);
        test_articles(c);
        test_queries(c);
        test_heard(c);
        test_places(c);
        test_transactions(c);
        cache_free(c);
    }
    test_prune();
    test_two_connections();
    test_corrupt();
    test_feed_items();
    test_damaged_later();
    test_rule_health();
    test_future();
    test_killed();
    rm_rf(tmpdir);
    return t_done();
}
