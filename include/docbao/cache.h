/*
 * cache.h — docbao's SQLite cache: feeds (conditional-GET validators), articles (metadata and
 * extracted text), heard marks, resume places and the health of the sites' extraction rules.
 *
 * The database lives at $XDG_CACHE_HOME/docbao/cache.db (or $HOME/.cache/docbao/cache.db).
 * It is opened in WAL mode with synchronous=NORMAL, foreign keys on and a 5 s busy timeout, so
 * several docbao processes may use it at once: readers never block, and a writer waits up to
 * 5 s for another writer before failing with DB_EIO. Every write is one transaction (BEGIN
 * IMMEDIATE … COMMIT), so a process killed at any moment (SIGKILL included) leaves either
 * the whole write or none of it. A committed write survives the death of the process; after
 * a power failure the last few commits may be lost, but the file stays consistent.
 *
 * The schema is versioned with PRAGMA user_version (CACHE_SCHEMA_VERSION) and upgraded in
 * order on open. A file written by a newer docbao is refused and left untouched.
 *
 * Damage is met where it is: a file whose header or schema is broken at open (cache_open
 * returns 1), or a damaged page met later by any call (which then fails with DB_EFORMAT).
 * Either way the file is moved aside ("<path>.corrupt-<stamp>") and a fresh database is
 * started in its place — at open, or at the next call — so a damaged cache costs the heard
 * marks and places, never a run. cache_take_recovered() tells the caller it happened.
 *
 * A struct cache is used by one thread at a time; a thread that needs the cache concurrently
 * opens its own. Strings are stored byte for byte as given (non-UTF-8 included; no embedded
 * NUL, as they are C strings). Every function returns 0 (or a documented non-negative value)
 * or a negative DB_* code: DB_EINVAL for a NULL required argument, DB_EIO when SQLite fails
 * (locked for longer than the timeout, disk full, …), DB_EFORMAT when the file turns out to
 * be damaged, DB_ETOOBIG for a string longer than SQLite's 1 GB limit. Out-parameters are
 * written only on success; strings handed out are malloc'd and owned by the caller.
 */
#ifndef DOCBAO_CACHE_H
#define DOCBAO_CACHE_H

#include <stddef.h>
#include <time.h>

/* The schema version this build reads and writes (PRAGMA user_version). */
#define CACHE_SCHEMA_VERSION 3

struct cache;

/* One article. In cache_article_put the fields are read only (the caller keeps them); from
 * cache_article_get and cache_articles_query every string is malloc'd and owned by the caller
 * (free with cache_article_clear / cache_articles_free). Any string but url may be NULL. */
struct cache_article {
    char *url;      /* the key; required */
    char *feed_url; /* the feed that listed it */
    char *site;     /* source id, e.g. "vnexpress" */
    char *category; /* category slug, e.g. "xa-hoi" */
    char *title;
    char *summary;          /* the feed's description, plain text */
    char *text;             /* extracted text (title + paragraphs); NULL until extracted */
    char *byline;           /* the author line found with the text; NULL when none */
    time_t published;       /* unix seconds; 0 = unknown */
    time_t first_seen;      /* when the cache first stored it; put: 0 = now */
    time_t text_fetched_at; /* when text was stored; 0 = never; put: 0 = now if text */
};

/* What cache_articles_query returns. A zeroed struct (or a NULL query) matches everything. */
struct cache_query {
    const char *category;     /* slug; NULL = any */
    const char *const *sites; /* n_sites source ids; NULL = any (non-NULL with 0 = none) */
    size_t n_sites;           /* at most 1000 */
    const char *const *feed_urls; /* n_feed_urls feeds: only articles one of them listed
                                     (put with that feed_url); NULL = any */
    size_t n_feed_urls;           /* at most 1000 */
    time_t since;             /* published >= since (first_seen when undated); 0 = any */
    int only_with_text;       /* nonzero: only articles whose text was extracted */
    int exclude_heard;        /* nonzero: skip articles marked heard */
    size_t limit;             /* at most this many; 0 = no limit */
};

/* Stores in *out (malloc'd, caller frees) the default database path:
 * $XDG_CACHE_HOME/docbao/cache.db when XDG_CACHE_HOME is set to an absolute path, else
 * $HOME/.cache/docbao/cache.db. Creates nothing. Returns 0 or DB_ENOENT when neither
 * variable is usable. */
int cache_default_path(char **out);

/* Opens (creating when missing) the database at path, or at cache_default_path() when path is
 * NULL; missing folders on the way are created with mode 0700. Upgrades the schema when
 * older. On success stores a new handle in *out (free with cache_free) and returns:
 *   0  the database was opened (or created);
 *   1  the file was damaged or not a database: it was renamed to "<path>.corrupt-<YYYYMMDD-
 *      HHMMSS>" (cache_moved_aside() names it) and a fresh, empty database created in its
 *      place. The caller should tell the user; heard marks and places are lost.
 * Fails with DB_EFORMAT when the file's schema is newer than CACHE_SCHEMA_VERSION (the file
 * is left untouched) or a damaged file could not be moved aside; DB_EIO when the file cannot
 * be opened or created (permissions, locked longer than 5 s); DB_ENOENT when path is NULL and
 * no default path exists; DB_EINVAL for an empty path or a NULL out. On failure the caller
 * can run without a cache. Note: test the result with < 0, as 1 is success. */
int cache_open(const char *path, struct cache **out);

/* Closes the database and frees c; cache_free(NULL) is a no-op. An open cache_begin()
 * transaction is rolled back. */
void cache_free(struct cache *c);

/* The path a damaged file was moved to when cache_open returned 1, else NULL. Owned by c. */
const char *cache_moved_aside(const struct cache *c);

/* Returns 1 (once) when a damaged page met since open, or since the last call, made the
 * cache move the file aside and start a fresh database (cache_moved_aside() names where the
 * old file went); else 0. Its caller should tell the user in one line and fetch again what
 * it had read from the old file. */
int cache_take_recovered(struct cache *c);

/* SQLite's message for the last failure on c ("" when none). Owned by c, valid until the
 * next call on c. */
const char *cache_errmsg(const struct cache *c);

/* Groups the following writes into one transaction, for atomicity (a feed's articles with
 * its new validators) and speed. Calls do not nest: DB_EINVAL when one is already open.
 * cache_commit makes the writes durable; cache_rollback discards them (both DB_EINVAL when
 * no transaction is open). After a failed write the caller decides: the failed write alone
 * left nothing behind. When SQLite itself abandoned the transaction (disk full, I/O error)
 * cache_commit returns DB_EIO and nothing was written. */
int cache_begin(struct cache *c);
int cache_commit(struct cache *c);
int cache_rollback(struct cache *c);

/* --- feeds ------------------------------------------------------------------------------ */

/* Reads what is known about the feed at url. Each out-pointer may be NULL when not wanted;
 * *etag and *last_modified become NULL when the feed had none (else malloc'd, caller frees).
 * *status is the HTTP status of the last fetch (0 = unknown). Returns 0 or DB_ENOENT when the
 * feed was never stored. */
int cache_feed_get(struct cache *c, const char *url, char **etag, char **last_modified,
                   time_t *fetched_at, int *status);

/* Stores the feed's validators after a fetch, replacing all previous values: pass NULL for a
 * validator the response did not carry (on 304, pass the ones sent, or newer ones). status is
 * the HTTP status (0 = unknown). Store a feed's articles before (or in the same cache_begin
 * transaction as) its validators, so a crash never leaves validators for articles not stored.
 */
int cache_feed_put(struct cache *c, const char *url, const char *etag, const char *last_modified,
                   time_t fetched_at, int status);

/* --- articles --------------------------------------------------------------------------- */

/* Inserts or updates a->url. On update a NULL string or a 0 time in a keeps the stored value:
 * in particular stored text (and its text_fetched_at) is kept when a->text is NULL, and
 * first_seen never changes. An article listed in several categories, or by several feeds, is
 * found by each of them (query by category or by feed_urls); get reports the category and
 * feed put last. a->byline is not stored here (see cache_article_set_extracted). Returns 0 or DB_EINVAL when a or a->url is NULL
 * or empty. */
int cache_article_put(struct cache *c, const struct cache_article *a);

/* Sets (text non-NULL) or clears (text NULL) the extracted text of url and sets
 * text_fetched_at to now (0 when cleared). Returns 0 or DB_ENOENT when url is not stored. */
int cache_article_set_text(struct cache *c, const char *url, const char *text);

/* cache_article_set_text, with the byline found with the text (NULL keeps the stored one;
 * clearing the text clears the byline too). */
int cache_article_set_extracted(struct cache *c, const char *url, const char *text,
                                const char *byline);

/* Fills *out (every string malloc'd; free with cache_article_clear). Returns 0 or DB_ENOENT.
 */
int cache_article_get(struct cache *c, const char *url, struct cache_article *out);

/* Stores in *out a malloc'd array of the *n articles matching q (NULL = all), newest first:
 * by published descending (undated last), then first_seen descending, then url. When none
 * match, *out is NULL and *n is 0. Free with cache_articles_free. Returns 0, or DB_EINVAL
 * when q->n_sites is over 1000. */
int cache_articles_query(struct cache *c, const struct cache_query *q, struct cache_article **out,
                         size_t *n);

/* Frees the strings of a and zeroes it; NULL is a no-op. */
void cache_article_clear(struct cache_article *a);
/* Frees an array from cache_articles_query; (NULL, 0) is a no-op. */
void cache_articles_free(struct cache_article *arr, size_t n);

/* --- heard marks ------------------------------------------------------------------------ */

/* Marks url as listened to its end at when (0 = now); url need not be stored as an article.
 * Marking again updates the time. Returns 0. */
int cache_mark_heard(struct cache *c, const char *url, time_t when);

/* Returns 1 when url is marked heard, 0 when not, or a negative DB_* code. */
int cache_is_heard(struct cache *c, const char *url);

/* --- resume places ---------------------------------------------------------------------- */

/* Remembers that the selection key (e.g. "category=xa-hoi;sources=a,b") was at sentence
 * sentence_index (>= 0) of article_url, replacing the previous place of key; article_url NULL
 * forgets the place. Each save is one transaction: once it returns 0, the place survives the
 * process being killed (SIGKILL) at any later moment. Returns 0 or DB_EINVAL. */
int cache_place_save(struct cache *c, const char *key, const char *article_url, int sentence_index);

/* Reads the place of key: *article_url (malloc'd, caller frees) and *sentence_index. Returns
 * 0 or DB_ENOENT when none was saved. */
int cache_place_load(struct cache *c, const char *key, char **article_url, int *sentence_index);

/* --- rule health ------------------------------------------------------------------------ */

/* Records that the extraction rule (a name: "body", "title", "byline", "published") of site
 * selected matched (>= 0) nodes on a page at when (0 = now). A rule that matches nothing
 * keeps the time it first did so, in a row ("dead since"), until it matches again. Returns 0
 * or DB_EINVAL. */
int cache_rule_note(struct cache *c, const char *site, const char *rule, int matched,
                    time_t when);

/* Reads what cache_rule_note last recorded for the rule: the nodes it matched, when, and
 * since when it has matched nothing (0 while it matches). Each out-pointer may be NULL.
 * Returns 0 or DB_ENOENT when the rule was never recorded. */
int cache_rule_health(struct cache *c, const char *site, const char *rule, int *matched,
                      time_t *checked_at, time_t *dead_since);

/* --- maintenance ------------------------------------------------------------------------ */

/* Removes articles first seen and published (or undated) before older_than, except those a
 * saved place points to, and heard marks made before older_than whose article is gone. Feeds
 * and places are kept. Returns the number of articles removed (>= 0) or a negative DB_* code.
 */
int cache_prune(struct cache *c, time_t older_than);

#endif
