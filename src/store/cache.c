/*
 * cache.c — the SQLite cache (see cache.h): schema and migrations, opening with recovery from
 * a damaged file, and one small function per read or write, each on a prepared statement
 * kept in the handle.
 *
 * Writes go through tx_begin/tx_end: BEGIN IMMEDIATE takes the write lock up front, so the
 * busy timeout applies to it and a WAL snapshot can never go stale halfway (SQLITE_BUSY that
 * no amount of waiting fixes). Inside a caller's cache_begin transaction they do neither.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "docbao/cache.h"
#include "docbao/err.h"
#include "docbao/util.h"

#define BUSY_TIMEOUT_MS 5000
#define MAX_SITES 1000

/* Migration i (0-based) brings the schema from version i to i + 1. Append, never edit. */
static const char *const migrations[] = {
    /* 0 → 1 */
    "CREATE TABLE feeds ("
    "  url TEXT PRIMARY KEY NOT NULL,"
    "  etag TEXT,"
    "  last_modified TEXT,"
    "  fetched_at INTEGER NOT NULL DEFAULT 0,"
    "  status INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE articles ("
    "  url TEXT PRIMARY KEY NOT NULL,"
    "  feed_url TEXT,"
    "  site TEXT,"
    "  category TEXT,"
    "  title TEXT,"
    "  summary TEXT,"
    "  published INTEGER," /* NULL = unknown */
    "  first_seen INTEGER NOT NULL,"
    "  text TEXT,"
    "  text_fetched_at INTEGER);"
    "CREATE INDEX articles_newest ON articles(published DESC, first_seen DESC);"
    "CREATE INDEX articles_site ON articles(site);"
    "CREATE TABLE article_categories ("
    "  url TEXT NOT NULL REFERENCES articles(url) ON DELETE CASCADE,"
    "  category TEXT NOT NULL,"
    "  PRIMARY KEY (url, category)) WITHOUT ROWID;"
    "CREATE INDEX article_categories_category ON article_categories(category);"
    "CREATE TABLE heard ("
    "  url TEXT PRIMARY KEY NOT NULL,"
    "  heard_at INTEGER NOT NULL);"
    "CREATE TABLE places ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  article_url TEXT NOT NULL,"
    "  sentence INTEGER NOT NULL,"
    "  saved_at INTEGER NOT NULL);",
    /* 1 → 2: which feeds listed which article (a feed shared by several categories or sites
     * answers each of them from the cache), and the byline of the extracted text */
    "CREATE TABLE feed_items ("
    "  feed_url TEXT NOT NULL,"
    "  url TEXT NOT NULL REFERENCES articles(url) ON DELETE CASCADE,"
    "  PRIMARY KEY (feed_url, url)) WITHOUT ROWID;"
    "CREATE INDEX feed_items_url ON feed_items(url);"
    "INSERT OR IGNORE INTO feed_items(feed_url, url)"
    "  SELECT feed_url, url FROM articles WHERE feed_url IS NOT NULL;"
    "ALTER TABLE articles ADD COLUMN byline TEXT;",
    /* 2 → 3: rule health, what each site rule matched on the last page of its site */
    "CREATE TABLE rule_health ("
    "  site TEXT NOT NULL,"
    "  rule TEXT NOT NULL,"
    "  matched INTEGER NOT NULL,"
    "  checked_at INTEGER NOT NULL,"
    "  dead_since INTEGER," /* when it first matched nothing, in a row; NULL while it matches */
    "  PRIMARY KEY (site, rule)) WITHOUT ROWID;",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == CACHE_SCHEMA_VERSION,
               "one migration per schema version");

#define ARTICLE_COLUMNS                                                                            \
    "a.url, a.feed_url, a.site, a.category, a.title, a.summary, a.text, a.published, "             \
    "a.first_seen, a.text_fetched_at, a.byline"

enum stmt_id {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_FEED_GET,
    ST_FEED_PUT,
    ST_ARTICLE_PUT,
    ST_ARTICLE_CATEGORY,
    ST_ARTICLE_FEED,
    ST_ARTICLE_TEXT,
    ST_ARTICLE_GET,
    ST_HEARD_PUT,
    ST_HEARD_GET,
    ST_PLACE_PUT,
    ST_PLACE_DEL,
    ST_PLACE_GET,
    ST_RULE_PUT,
    ST_RULE_GET,
    ST_PRUNE_ARTICLES,
    ST_PRUNE_HEARD,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT cache_write",
    [ST_RELEASE] = "RELEASE cache_write",
    [ST_ROLLBACK_TO] = "ROLLBACK TO cache_write",
    [ST_FEED_GET] = "SELECT etag, last_modified, fetched_at, status FROM feeds WHERE url = ?1",
    [ST_FEED_PUT] = "INSERT INTO feeds(url, etag, last_modified, fetched_at, status)"
                    " VALUES(?1, ?2, ?3, ?4, ?5)"
                    " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                    " last_modified = excluded.last_modified,"
                    " fetched_at = excluded.fetched_at, status = excluded.status",
    [ST_ARTICLE_PUT] =
        "INSERT INTO articles(url, feed_url, site, category, title, summary, text, published,"
        " first_seen, text_fetched_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT(url) DO UPDATE SET"
        " feed_url = COALESCE(excluded.feed_url, feed_url),"
        " site = COALESCE(excluded.site, site),"
        " category = COALESCE(excluded.category, category),"
        " title = COALESCE(excluded.title, title),"
        " summary = COALESCE(excluded.summary, summary),"
        " published = COALESCE(excluded.published, published),"
        " text_fetched_at = CASE WHEN excluded.text IS NULL THEN text_fetched_at"
        "                   ELSE excluded.text_fetched_at END,"
        " text = COALESCE(excluded.text, text)",
    [ST_ARTICLE_CATEGORY] =
        "INSERT OR IGNORE INTO article_categories(url, category) VALUES(?1, ?2)",
    [ST_ARTICLE_FEED] = "INSERT OR IGNORE INTO feed_items(feed_url, url) VALUES(?1, ?2)",
    [ST_ARTICLE_TEXT] = "UPDATE articles SET text = ?2, text_fetched_at = ?3,"
                        " byline = CASE WHEN ?2 IS NULL THEN NULL ELSE COALESCE(?4, byline) END"
                        " WHERE url = ?1",
    [ST_ARTICLE_GET] = "SELECT " ARTICLE_COLUMNS " FROM articles a WHERE a.url = ?1",
    [ST_HEARD_PUT] = "INSERT INTO heard(url, heard_at) VALUES(?1, ?2)"
                     " ON CONFLICT(url) DO UPDATE SET heard_at = excluded.heard_at",
    [ST_HEARD_GET] = "SELECT 1 FROM heard WHERE url = ?1",
    [ST_PLACE_PUT] = "INSERT INTO places(key, article_url, sentence, saved_at)"
                     " VALUES(?1, ?2, ?3, ?4)"
                     " ON CONFLICT(key) DO UPDATE SET article_url = excluded.article_url,"
                     " sentence = excluded.sentence, saved_at = excluded.saved_at",
    [ST_PLACE_DEL] = "DELETE FROM places WHERE key = ?1",
    [ST_PLACE_GET] = "SELECT article_url, sentence FROM places WHERE key = ?1",
    [ST_RULE_PUT] = "INSERT INTO rule_health(site, rule, matched, checked_at, dead_since)"
                    " VALUES(?1, ?2, ?3, ?4, CASE WHEN ?3 = 0 THEN ?4 END)"
                    " ON CONFLICT(site, rule) DO UPDATE SET matched = excluded.matched,"
                    " checked_at = excluded.checked_at,"
                    " dead_since = CASE WHEN excluded.matched > 0 THEN NULL"
                    " ELSE COALESCE(dead_since, excluded.checked_at) END",
    [ST_RULE_GET] = "SELECT matched, checked_at, dead_since FROM rule_health"
                    " WHERE site = ?1 AND rule = ?2",
    [ST_PRUNE_ARTICLES] = "DELETE FROM articles WHERE first_seen < ?1"
                          " AND COALESCE(published, 0) < ?1"
                          " AND url NOT IN (SELECT article_url FROM places)",
    [ST_PRUNE_HEARD] = "DELETE FROM heard WHERE heard_at < ?1"
                       " AND url NOT IN (SELECT url FROM articles)",
};

struct cache {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT]; /* prepared on first use */
    int user_tx;                  /* a cache_begin transaction is open */
    char *path;                   /* the database file */
    char *moved_aside;            /* where a damaged file went; NULL when none */
    int damaged;                  /* SQLite found the file damaged since it was opened */
    int recovered;                /* moved aside and started anew since cache_take_recovered */
    char errmsg[256];
};

/* Maps an SQLite result code to a DB_* code, remembering SQLite's message in c. */
static int fail(struct cache *c, int rc)
{
    snprintf(c->errmsg, sizeof(c->errmsg), "%s", sqlite3_errmsg(c->db));
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return DB_ENOMEM;
    case SQLITE_TOOBIG:
        return DB_ETOOBIG;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        c->damaged = 1;
        return DB_EFORMAT;
    case SQLITE_FULL: /* the disk is full */
        return DB_ENOSPC;
    default:
        return DB_EIO;
    }
}

static int get_stmt(struct cache *c, enum stmt_id id, sqlite3_stmt **out)
{
    if (!c->stmt[id]) {
        int rc = sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                    &c->stmt[id], NULL);
        if (rc != SQLITE_OK)
            return fail(c, rc);
    }
    *out = c->stmt[id];
    return 0;
}

/* Makes st reusable: unbinds the (SQLITE_STATIC) strings and resets it. */
static void stmt_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Binds s (NULL → SQL NULL) without copying: s must live until stmt_done(st). */
static int bind_str(struct cache *c, sqlite3_stmt *st, int i, const char *s)
{
    int rc = s ? sqlite3_bind_text64(st, i, s, strlen(s), SQLITE_STATIC, SQLITE_UTF8)
               : sqlite3_bind_null(st, i);
    return rc == SQLITE_OK ? 0 : fail(c, rc);
}

static int bind_int(struct cache *c, sqlite3_stmt *st, int i, int64_t v)
{
    int rc = sqlite3_bind_int64(st, i, v);
    return rc == SQLITE_OK ? 0 : fail(c, rc);
}

/* Binds t, or NULL when t is 0 (unknown). */
static int bind_time_or_null(struct cache *c, sqlite3_stmt *st, int i, time_t t)
{
    int rc = t ? sqlite3_bind_int64(st, i, (int64_t)t) : sqlite3_bind_null(st, i);
    return rc == SQLITE_OK ? 0 : fail(c, rc);
}

/* Runs a bound statement that returns no rows, then readies it for reuse. */
static int run(struct cache *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    int err = rc == SQLITE_DONE ? 0 : fail(c, rc);
    stmt_done(st);
    return err;
}

static int run_id(struct cache *c, enum stmt_id id)
{
    sqlite3_stmt *st = NULL;
    int err = get_stmt(c, id, &st);
    return err ? err : run(c, st);
}

/* A copy of column i, or NULL when it is NULL. */
static char *col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *p = sqlite3_column_text(st, i);
    if (!p)
        return NULL;
    return xstrndup((const char *)p, (size_t)sqlite3_column_bytes(st, i));
}

static time_t col_time(sqlite3_stmt *st, int i)
{
    return (time_t)sqlite3_column_int64(st, i);
}

/* Starts a write transaction, or a savepoint inside the caller's cache_begin transaction (so
 * that a failed write leaves nothing behind there either). */
static int tx_begin(struct cache *c)
{
    return run_id(c, c->user_tx ? ST_SAVEPOINT : ST_BEGIN);
}

/* Ends what tx_begin started: commits (releases) when err is 0, else rolls back. Returns err,
 * or the commit's failure. */
static int tx_end(struct cache *c, int err)
{
    if (c->user_tx) {
        if (sqlite3_get_autocommit(c->db)) /* SQLite abandoned the whole transaction */
            return err ? err : DB_EIO;
        if (err)
            run_id(c, ST_ROLLBACK_TO);
        int e = run_id(c, ST_RELEASE);
        return err ? err : e;
    }
    if (!err)
        err = run_id(c, ST_COMMIT);
    if (err && !sqlite3_get_autocommit(c->db))
        run_id(c, ST_ROLLBACK);
    return err;
}

/* --- opening ---------------------------------------------------------------------------- */

int cache_default_path(char **out)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    struct buf b = BUF_INIT;
    if (xdg && xdg[0] == '/') {
        buf_puts(&b, xdg);
    } else if (home && home[0]) {
        buf_puts(&b, home);
        buf_puts(&b, "/.cache");
    } else {
        return DB_ENOENT;
    }
    buf_puts(&b, "/docbao/cache.db");
    *out = buf_steal(&b);
    return 0;
}

/* Creates the folders leading to the file path (mode 0700), like mkdir -p on its dirname. */
static int make_parents(const char *path)
{
    char *p = xstrdup(path);
    int err = 0;
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            err = DB_EIO;
        *s = '/';
        if (err)
            break;
    }
    free(p);
    return err;
}

/* Runs sql (several statements allowed, no rows expected). */
static int exec(struct cache *c, const char *sql)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : fail(c, rc);
}

/* Reads an integer PRAGMA (or any one-value query) into *v. */
static int query_int(struct cache *c, const char *sql, int64_t *v)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail(c, rc);
    rc = sqlite3_step(st);
    int err = 0;
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    else
        err = fail(c, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc);
    sqlite3_finalize(st);
    return err;
}

/* Brings the schema from its current version to CACHE_SCHEMA_VERSION in one transaction
 * (the version is read again under the write lock: another process may have just done it).
 * Sets *damaged when SQLite finds the file corrupt on the way. */
static int migrate(struct cache *c, int *damaged)
{
    int err = run_id(c, ST_BEGIN);
    if (err) {
        *damaged = err == DB_EFORMAT;
        return err;
    }
    int64_t v = 0;
    err = query_int(c, "PRAGMA user_version", &v);
    *damaged = err == DB_EFORMAT;
    if (!err && (v > CACHE_SCHEMA_VERSION || v < 0))
        err = DB_EFORMAT;
    for (int64_t i = v; !err && i < CACHE_SCHEMA_VERSION; i++) {
        char sql[64];
        err = exec(c, migrations[i]);
        if (!err) {
            snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", (int)(i + 1));
            err = exec(c, sql);
        }
        if (err == DB_EFORMAT)
            *damaged = 1;
        else if (err == DB_EIO) /* a table of ours clashes with another's: not our file */
            err = DB_EFORMAT;
    }
    return tx_end(c, err);
}

/* Opens path and checks it is a database of a version we know, then sets it up. Returns 0,
 * DB_EFORMAT with *damaged set when the file is corrupt or not a database, or another code.
 * On failure c->db is closed. */
static int open_db(struct cache *c, const char *path, int *damaged)
{
    *damaged = 0;
    int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    int err = 0;
    int64_t v = 0, n = 0;
    if (rc != SQLITE_OK) {
        err = c->db ? fail(c, rc) : DB_ENOMEM;
        if (err == DB_EFORMAT)
            *damaged = 1;
        goto out;
    }
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    /* Reading the header and parsing the schema finds junk and most damage; nothing is
     * written before the version is known to be ours. */
    err = query_int(c, "PRAGMA user_version", &v);
    if (!err)
        err = query_int(c, "SELECT count(*) FROM sqlite_master", &n);
    if (err == DB_EFORMAT) {
        *damaged = 1;
        goto out;
    }
    if (err)
        goto out;
    if (v > CACHE_SCHEMA_VERSION || v < 0) {
        snprintf(c->errmsg, sizeof(c->errmsg), "cache schema version %lld is newer than %d",
                 (long long)v, CACHE_SCHEMA_VERSION);
        err = DB_EFORMAT;
        goto out;
    }
    err = exec(c, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                  " PRAGMA foreign_keys = ON");
    if (err == DB_EFORMAT)
        *damaged = 1;
    else if (!err && v < CACHE_SCHEMA_VERSION)
        err = migrate(c, damaged);
out:
    if (err) {
        sqlite3_close_v2(c->db);
        c->db = NULL;
    }
    return err;
}

/* Renames path (and its -wal, whose frames must never meet a fresh file) to
 * path.corrupt-YYYYMMDD-HHMMSS[.N], and removes its -shm. Stores the new name in c. */
static int move_aside(struct cache *c, const char *path)
{
    char stamp[32];
    time_t now = wall_now();
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    size_t len = strlen(path) + 64;
    char *dst = xmalloc(len), *side = xmalloc(len + 8), *dside = xmalloc(len + 8);
    snprintf(dst, len, "%s.corrupt-%s", path, stamp);
    for (int i = 1; access(dst, F_OK) == 0 && i < 1000; i++)
        snprintf(dst, len, "%s.corrupt-%s.%d", path, stamp, i);
    int err = 0;
    if (rename(path, dst) != 0) {
        snprintf(c->errmsg, sizeof(c->errmsg), "cannot move %s aside: %s", path, strerror(errno));
        err = DB_EFORMAT;
        goto out;
    }
    snprintf(side, len + 8, "%s-wal", path);
    snprintf(dside, len + 8, "%s-wal", dst);
    if (rename(side, dside) != 0 && errno != ENOENT)
        unlink(side);
    snprintf(side, len + 8, "%s-shm", path);
    unlink(side);
    c->moved_aside = dst;
    dst = NULL;
out:
    free(dst);
    free(side);
    free(dside);
    return err;
}

int cache_open(const char *path, struct cache **out)
{
    char *def = NULL;
    if (!out || (path && !path[0]))
        return DB_EINVAL;
    if (!path) {
        int err = cache_default_path(&def);
        if (err)
            return err;
        path = def;
    }
    struct cache *c = xcalloc(1, sizeof(*c));
    int damaged = 0;
    int err = make_parents(path);
    if (!err)
        err = open_db(c, path, &damaged);
    if (err && damaged) {
        err = move_aside(c, path);
        if (!err)
            err = open_db(c, path, &damaged);
        if (!err)
            err = 1;
    }
    c->path = xstrdup(path);
    c->damaged = 0;
    free(def);
    if (err < 0) {
        cache_free(c);
        return err;
    }
    *out = c;
    return err;
}

/* Called first by every operation on an open cache: when an earlier operation found the file
 * damaged (SQLITE_CORRUPT or SQLITE_NOTADB, seen only once a damaged page is read), the file
 * is moved aside and a fresh database started in its place, as cache_open does; an open
 * cache_begin transaction is lost with it. Returns 0, or DB_EIO when no database could be
 * started again (every later operation then fails with DB_EIO). */
static int enter(struct cache *c)
{
    if (c->damaged) {
        c->damaged = 0;
        for (int i = 0; i < ST_COUNT; i++) {
            sqlite3_finalize(c->stmt[i]);
            c->stmt[i] = NULL;
        }
        sqlite3_close_v2(c->db);
        c->db = NULL;
        c->user_tx = 0;
        free(c->moved_aside);
        c->moved_aside = NULL;
        int damaged = 0;
        if (move_aside(c, c->path) == 0 && open_db(c, c->path, &damaged) == 0)
            c->recovered = 1;
        c->damaged = 0;
    }
    return c->db ? 0 : DB_EIO;
}

int cache_take_recovered(struct cache *c)
{
    if (!c)
        return 0;
    enter(c);
    int r = c->recovered;
    c->recovered = 0;
    return r;
}

void cache_free(struct cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(c->stmt[i]);
    sqlite3_close_v2(c->db);
    free(c->moved_aside);
    free(c->path);
    free(c);
}

const char *cache_moved_aside(const struct cache *c)
{
    return c ? c->moved_aside : NULL;
}

const char *cache_errmsg(const struct cache *c)
{
    return c ? c->errmsg : "";
}

int cache_begin(struct cache *c)
{
    if (!c || c->user_tx)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = run_id(c, ST_BEGIN);
    if (!err)
        c->user_tx = 1;
    return err;
}

int cache_commit(struct cache *c)
{
    if (!c || !c->user_tx)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    c->user_tx = 0;
    if (sqlite3_get_autocommit(c->db)) {
        snprintf(c->errmsg, sizeof(c->errmsg), "the transaction was rolled back by an error");
        return DB_EIO;
    }
    return tx_end(c, 0);
}

int cache_rollback(struct cache *c)
{
    if (!c || !c->user_tx)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    c->user_tx = 0;
    return sqlite3_get_autocommit(c->db) ? 0 : run_id(c, ST_ROLLBACK);
}

/* --- feeds ------------------------------------------------------------------------------ */

int cache_feed_get(struct cache *c, const char *url, char **etag, char **last_modified,
                   time_t *fetched_at, int *status)
{
    sqlite3_stmt *st = NULL;
    if (!c || !url)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_FEED_GET, &st);
    if (!err)
        err = bind_str(c, st, 1, url);
    if (err)
        goto out;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        err = DB_ENOENT;
    } else if (rc != SQLITE_ROW) {
        err = fail(c, rc);
    } else {
        if (etag)
            *etag = col_str(st, 0);
        if (last_modified)
            *last_modified = col_str(st, 1);
        if (fetched_at)
            *fetched_at = col_time(st, 2);
        if (status)
            *status = sqlite3_column_int(st, 3);
    }
out:
    if (st)
        stmt_done(st);
    return err;
}

int cache_feed_put(struct cache *c, const char *url, const char *etag, const char *last_modified,
                   time_t fetched_at, int status)
{
    sqlite3_stmt *st = NULL;
    if (!c || !url)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_FEED_PUT, &st);
    if (err)
        return err;
    if (!(err = bind_str(c, st, 1, url)) && !(err = bind_str(c, st, 2, etag)) &&
        !(err = bind_str(c, st, 3, last_modified)) &&
        !(err = bind_int(c, st, 4, (int64_t)fetched_at)) && !(err = bind_int(c, st, 5, status)))
        err = tx_begin(c);
    if (err) {
        stmt_done(st);
        return err;
    }
    return tx_end(c, run(c, st));
}

/* --- articles --------------------------------------------------------------------------- */

int cache_article_put(struct cache *c, const struct cache_article *a)
{
    sqlite3_stmt *st = NULL, *cat = NULL, *feed = NULL;
    if (!c || !a || !a->url || !a->url[0])
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    time_t now = wall_now();
    int err = get_stmt(c, ST_ARTICLE_PUT, &st);
    if (!err)
        err = get_stmt(c, ST_ARTICLE_CATEGORY, &cat);
    if (!err)
        err = get_stmt(c, ST_ARTICLE_FEED, &feed);
    if (err)
        return err;
    if (!(err = bind_str(c, st, 1, a->url)) && !(err = bind_str(c, st, 2, a->feed_url)) &&
        !(err = bind_str(c, st, 3, a->site)) && !(err = bind_str(c, st, 4, a->category)) &&
        !(err = bind_str(c, st, 5, a->title)) && !(err = bind_str(c, st, 6, a->summary)) &&
        !(err = bind_str(c, st, 7, a->text)) &&
        !(err = bind_time_or_null(c, st, 8, a->published)) &&
        !(err = bind_int(c, st, 9, (int64_t)(a->first_seen ? a->first_seen : now))))
        err = a->text
                  ? bind_int(c, st, 10, (int64_t)(a->text_fetched_at ? a->text_fetched_at : now))
                  : bind_time_or_null(c, st, 10, 0);
    if (!err)
        err = tx_begin(c);
    if (err) {
        stmt_done(st);
        return err;
    }
    err = run(c, st);
    if (!err && a->category) {
        if (!(err = bind_str(c, cat, 1, a->url)) && !(err = bind_str(c, cat, 2, a->category)))
            err = run(c, cat);
        else
            stmt_done(cat);
    }
    if (!err && a->feed_url) {
        if (!(err = bind_str(c, feed, 1, a->feed_url)) && !(err = bind_str(c, feed, 2, a->url)))
            err = run(c, feed);
        else
            stmt_done(feed);
    }
    return tx_end(c, err);
}

int cache_article_set_text(struct cache *c, const char *url, const char *text)
{
    return cache_article_set_extracted(c, url, text, NULL);
}

int cache_article_set_extracted(struct cache *c, const char *url, const char *text,
                                const char *byline)
{
    sqlite3_stmt *st = NULL;
    if (!c || !url)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_ARTICLE_TEXT, &st);
    if (err)
        return err;
    if (!(err = bind_str(c, st, 1, url)) && !(err = bind_str(c, st, 2, text)) &&
        !(err = bind_time_or_null(c, st, 3, text ? wall_now() : 0)) &&
        !(err = bind_str(c, st, 4, byline)))
        err = tx_begin(c);
    if (err) {
        stmt_done(st);
        return err;
    }
    err = run(c, st);
    if (!err && sqlite3_changes(c->db) == 0)
        err = DB_ENOENT;
    return tx_end(c, err);
}

/* Copies the ARTICLE_COLUMNS of the current row of st into *a. */
static void read_article(sqlite3_stmt *st, struct cache_article *a)
{
    a->url = col_str(st, 0);
    a->feed_url = col_str(st, 1);
    a->site = col_str(st, 2);
    a->category = col_str(st, 3);
    a->title = col_str(st, 4);
    a->summary = col_str(st, 5);
    a->text = col_str(st, 6);
    a->published = col_time(st, 7);
    a->first_seen = col_time(st, 8);
    a->text_fetched_at = col_time(st, 9);
    a->byline = col_str(st, 10);
    if (!a->url) /* NOT NULL in the schema; never hand out a NULL key */
        a->url = xstrdup("");
}

int cache_article_get(struct cache *c, const char *url, struct cache_article *out)
{
    sqlite3_stmt *st = NULL;
    if (!c || !url || !out)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_ARTICLE_GET, &st);
    if (err)
        return err;
    err = bind_str(c, st, 1, url);
    if (!err) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            read_article(st, out);
        else
            err = rc == SQLITE_DONE ? DB_ENOENT : fail(c, rc);
    }
    stmt_done(st);
    return err;
}

int cache_articles_query(struct cache *c, const struct cache_query *q, struct cache_article **out,
                         size_t *n)
{
    static const struct cache_query all;
    if (!c || !out || !n)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    if (!q)
        q = &all;
    if ((q->sites && q->n_sites > MAX_SITES) || (q->feed_urls && q->n_feed_urls > MAX_SITES))
        return DB_EINVAL;

    /* The site list varies in length, so this statement is built and prepared per call. */
    struct buf sql = BUF_INIT;
    char part[32];
    buf_puts(&sql, "SELECT " ARTICLE_COLUMNS " FROM articles a WHERE 1");
    if (q->category)
        buf_puts(&sql, " AND EXISTS (SELECT 1 FROM article_categories ac"
                       " WHERE ac.url = a.url AND ac.category = ?1)");
    int site0 = 2;
    if (q->sites) {
        buf_puts(&sql, " AND a.site IN (");
        for (size_t i = 0; i < q->n_sites; i++) {
            snprintf(part, sizeof(part), "%s?%d", i ? ", " : "", site0 + (int)i);
            buf_puts(&sql, part);
        }
        buf_puts(&sql, ")");
    }
    int feed0 = site0 + (q->sites ? (int)q->n_sites : 0);
    if (q->feed_urls) {
        buf_puts(&sql, " AND EXISTS (SELECT 1 FROM feed_items fi WHERE fi.url = a.url"
                       " AND fi.feed_url IN (");
        for (size_t i = 0; i < q->n_feed_urls; i++) {
            snprintf(part, sizeof(part), "%s?%d", i ? ", " : "", feed0 + (int)i);
            buf_puts(&sql, part);
        }
        buf_puts(&sql, "))");
    }
    int since_p = feed0 + (q->feed_urls ? (int)q->n_feed_urls : 0), limit_p = since_p + 1;
    if (q->since) {
        snprintf(part, sizeof(part), "?%d", since_p);
        buf_puts(&sql, " AND COALESCE(a.published, a.first_seen) >= ");
        buf_puts(&sql, part);
    }
    if (q->only_with_text)
        buf_puts(&sql, " AND a.text IS NOT NULL");
    if (q->exclude_heard)
        buf_puts(&sql, " AND NOT EXISTS (SELECT 1 FROM heard h WHERE h.url = a.url)");
    buf_puts(&sql, " ORDER BY a.published DESC, a.first_seen DESC, a.url");
    snprintf(part, sizeof(part), " LIMIT ?%d", limit_p);
    buf_puts(&sql, part);

    sqlite3_stmt *st = NULL;
    struct cache_article *arr = NULL;
    size_t len = 0, cap = 0;
    int rc = sqlite3_prepare_v2(c->db, buf_str(&sql), -1, &st, NULL);
    int err = rc == SQLITE_OK ? 0 : fail(c, rc);
    buf_free(&sql);
    if (err)
        goto out;
    if (q->category)
        err = bind_str(c, st, 1, q->category);
    for (size_t i = 0; !err && q->sites && i < q->n_sites; i++)
        err = bind_str(c, st, site0 + (int)i, q->sites[i]);
    for (size_t i = 0; !err && q->feed_urls && i < q->n_feed_urls; i++)
        err = bind_str(c, st, feed0 + (int)i, q->feed_urls[i]);
    if (!err && q->since)
        err = bind_int(c, st, since_p, (int64_t)q->since);
    if (!err)
        err = bind_int(c, st, limit_p,
                       q->limit && q->limit <= (size_t)INT64_MAX ? (int64_t)q->limit : -1);
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 16;
            arr = xrealloc(arr, cap * sizeof(*arr));
        }
        memset(&arr[len], 0, sizeof(arr[len]));
        read_article(st, &arr[len++]);
        if (q->category) { /* the category asked for, which it is in, not the last put */
            free(arr[len - 1].category);
            arr[len - 1].category = xstrdup(q->category);
        }
    }
    if (!err && rc != SQLITE_DONE)
        err = fail(c, rc);
out:
    sqlite3_finalize(st);
    if (err) {
        cache_articles_free(arr, len);
        return err;
    }
    *out = arr;
    *n = len;
    return 0;
}

void cache_article_clear(struct cache_article *a)
{
    if (!a)
        return;
    free(a->url);
    free(a->feed_url);
    free(a->site);
    free(a->category);
    free(a->title);
    free(a->summary);
    free(a->text);
    free(a->byline);
    memset(a, 0, sizeof(*a));
}

void cache_articles_free(struct cache_article *arr, size_t n)
{
    for (size_t i = 0; arr && i < n; i++)
        cache_article_clear(&arr[i]);
    free(arr);
}

/* --- heard marks ------------------------------------------------------------------------ */

int cache_mark_heard(struct cache *c, const char *url, time_t when)
{
    sqlite3_stmt *st = NULL;
    if (!c || !url)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_HEARD_PUT, &st);
    if (err)
        return err;
    if (!(err = bind_str(c, st, 1, url)) &&
        !(err = bind_int(c, st, 2, (int64_t)(when ? when : wall_now()))))
        err = tx_begin(c);
    if (err) {
        stmt_done(st);
        return err;
    }
    return tx_end(c, run(c, st));
}

int cache_is_heard(struct cache *c, const char *url)
{
    sqlite3_stmt *st = NULL;
    if (!c || !url)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_HEARD_GET, &st);
    if (err)
        return err;
    err = bind_str(c, st, 1, url);
    if (!err) {
        int rc = sqlite3_step(st);
        err = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : fail(c, rc);
    }
    stmt_done(st);
    return err;
}

/* --- resume places ---------------------------------------------------------------------- */

int cache_place_save(struct cache *c, const char *key, const char *article_url, int sentence_index)
{
    sqlite3_stmt *st = NULL;
    if (!c || !key || (article_url && sentence_index < 0))
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, article_url ? ST_PLACE_PUT : ST_PLACE_DEL, &st);
    if (err)
        return err;
    err = bind_str(c, st, 1, key);
    if (!err && article_url && !(err = bind_str(c, st, 2, article_url)) &&
        !(err = bind_int(c, st, 3, sentence_index)))
        err = bind_int(c, st, 4, (int64_t)wall_now());
    if (!err)
        err = tx_begin(c);
    if (err) {
        stmt_done(st);
        return err;
    }
    return tx_end(c, run(c, st));
}

int cache_place_load(struct cache *c, const char *key, char **article_url, int *sentence_index)
{
    sqlite3_stmt *st = NULL;
    if (!c || !key || !article_url || !sentence_index)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_PLACE_GET, &st);
    if (err)
        return err;
    err = bind_str(c, st, 1, key);
    if (!err) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            int64_t i = sqlite3_column_int64(st, 1);
            char *u = col_str(st, 0);
            if (!u || i < 0 || i > INT_MAX) {
                free(u);
                err = DB_EFORMAT;
            } else {
                *article_url = u;
                *sentence_index = (int)i;
            }
        } else {
            err = rc == SQLITE_DONE ? DB_ENOENT : fail(c, rc);
        }
    }
    stmt_done(st);
    return err;
}

/* --- rule health ------------------------------------------------------------------------ */

int cache_rule_note(struct cache *c, const char *site, const char *rule, int matched,
                    time_t when)
{
    sqlite3_stmt *st = NULL;
    if (!c || !site || !rule || matched < 0)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_RULE_PUT, &st);
    if (err)
        return err;
    if (!(err = bind_str(c, st, 1, site)) && !(err = bind_str(c, st, 2, rule)) &&
        !(err = bind_int(c, st, 3, matched)) &&
        !(err = bind_int(c, st, 4, (int64_t)(when ? when : wall_now()))))
        err = tx_begin(c);
    if (err) {
        stmt_done(st);
        return err;
    }
    return tx_end(c, run(c, st));
}

int cache_rule_health(struct cache *c, const char *site, const char *rule, int *matched,
                      time_t *checked_at, time_t *dead_since)
{
    sqlite3_stmt *st = NULL;
    if (!c || !site || !rule)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_RULE_GET, &st);
    if (err)
        return err;
    err = bind_str(c, st, 1, site);
    if (!err)
        err = bind_str(c, st, 2, rule);
    if (!err) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            if (matched)
                *matched = sqlite3_column_int(st, 0);
            if (checked_at)
                *checked_at = col_time(st, 1);
            if (dead_since)
                *dead_since = col_time(st, 2);
        } else {
            err = rc == SQLITE_DONE ? DB_ENOENT : fail(c, rc);
        }
    }
    stmt_done(st);
    return err;
}

/* --- maintenance ------------------------------------------------------------------------ */

int cache_prune(struct cache *c, time_t older_than)
{
    sqlite3_stmt *arts = NULL, *heard = NULL;
    if (!c)
        return DB_EINVAL;
    if (enter(c))
        return DB_EIO;
    int err = get_stmt(c, ST_PRUNE_ARTICLES, &arts);
    if (!err)
        err = get_stmt(c, ST_PRUNE_HEARD, &heard);
    if (!err)
        err = tx_begin(c);
    if (err)
        return err;
    int removed = 0;
    if (!(err = bind_int(c, arts, 1, (int64_t)older_than)))
        err = run(c, arts);
    else
        stmt_done(arts);
    if (!err) {
        removed = sqlite3_changes(c->db);
        if (!(err = bind_int(c, heard, 1, (int64_t)older_than)))
            err = run(c, heard);
        else
            stmt_done(heard);
    }
    err = tx_end(c, err);
    return err ? err : removed;
}
