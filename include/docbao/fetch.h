/*
 * fetch.h — downloads over http and https with libcurl: TLS verified, at most 5 redirects
 * (to http/https only), connect and total timeouts, a size cap, gzip/deflate.
 */
#ifndef DOCBAO_FETCH_H
#define DOCBAO_FETCH_H

#include <stddef.h>

#include "docbao/util.h"

struct fetch_opts {
    long connect_timeout_ms; /* 0: 10 s */
    long timeout_ms;         /* whole transfer; 0: 30 s */
    size_t max_bytes;        /* 0: 16 MiB */
};

struct fetch_result {
    long status;         /* HTTP status */
    char *content_type;  /* may be NULL */
    char *final_url;     /* after redirects */
    struct buf body;
};

/* Initializes libcurl once per process (thread-safe; the fetch functions call it on first
 * use, so calling it is optional). Returns 0 or DB_ENET. */
int fetch_global_init(void);
void fetch_global_cleanup(void);

/* libcurl's version, e.g. "libcurl 7.88.1" (static storage). */
const char *fetch_version(void);

/* Nonzero when s starts with http:// or https:// (case-insensitive). */
int fetch_is_url(const char *s);

/* The host of the http(s) URL url, lowercased, without a leading "www.", user or port, into
 * out (cap bytes). Returns 0, or -1 for a URL that is not http(s) or a host that does not
 * fit. */
int fetch_url_host(const char *url, char *out, size_t cap);

/* Nonzero when host (from fetch_url_host) is site or a host below it ("m.dantri.com.vn"
 * within "dantri.com.vn"). */
int fetch_host_within(const char *host, const char *site);

/* Fetches url into *res (caller calls fetch_result_free). opts may be NULL. Returns 0 on a
 * 2xx answer; DB_ESCHEME for other schemes; DB_ETIMEOUT; DB_ETOOBIG past the cap; DB_EHTTP
 * for a 4xx/5xx answer (res->status tells which); DB_ENET otherwise. When errbuf is not NULL
 * it receives a short English description of a failure (errlen bytes). */
int fetch_url(const char *url, const struct fetch_opts *opts, struct fetch_result *res,
              char *errbuf, size_t errlen);

void fetch_result_free(struct fetch_result *res);

/* When the Content-Type header content_type (may be NULL) names a charset other than UTF-8
 * (e.g. "text/html; charset=windows-1258"), converts body to UTF-8 in place with iconv; bytes
 * that do not convert become U+FFFD. Returns 0 (also when there was nothing to do), or
 * DB_EFORMAT for a charset iconv does not know (body unchanged). */
int fetch_body_to_utf8(const char *content_type, struct buf *body);

/*
 * Concurrent downloads: a fetcher runs libcurl's multi interface on its own thread, at most
 * max_conns transfers at once, and hands finished transfers back through fetcher_next() in
 * the order they finish (news comes up by queue, never by callback).
 */
struct fetch_req {
    const char *url;
    const char *etag;           /* sent as If-None-Match; may be NULL */
    const char *last_modified;  /* sent as If-Modified-Since; may be NULL */
    void *tag;                  /* the caller's; handed back in fetch_done */
};

struct fetch_done {
    void *tag;
    char *url;                  /* as requested */
    int rc;                     /* 0 (2xx or 304), or a DB_* error as for fetch_url() */
    long status;                /* HTTP status; 304 = not modified (body empty) */
    char *etag;                 /* validators of the answer; may be NULL */
    char *last_modified;
    char *content_type;         /* may be NULL */
    char *final_url;            /* after redirects; may be NULL */
    struct buf body;
    char err[256];              /* English description when rc < 0 */
};

struct fetcher;

/* Starts a fetcher (its thread). opts may be NULL for the defaults; max_conns (transfers at
 * once, all hosts) <= 0 means 24; at most 6 go to one host, the others wait their turn (their
 * time limit starts when they start).
 * Returns 0 or DB_ENET. */
int fetcher_new(const struct fetch_opts *opts, int max_conns, struct fetcher **out);

/* Queues a download (the strings are copied). */
void fetcher_add(struct fetcher *f, const struct fetch_req *req);

/* Waits up to timeout_ms (negative: no limit) for the next finished transfer. Returns 0 and
 * *out (free with fetch_done_free), DB_ETIMEOUT when none finished in time, or DB_ENOENT
 * when nothing is queued or running. */
int fetcher_next(struct fetcher *f, int timeout_ms, struct fetch_done **out);

/* Transfers queued or running and not yet handed back. */
size_t fetcher_pending(struct fetcher *f);

/* Stops the thread, abandons unfinished transfers and frees f; NULL is a no-op. */
void fetcher_free(struct fetcher *f);

/* fetch_done_free(NULL) is a no-op. */
void fetch_done_free(struct fetch_done *d);

#endif
