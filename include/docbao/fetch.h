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

/* Initializes libcurl once per process; call before any thread starts. Returns 0 or
 * DB_ENET. */
int fetch_global_init(void);
void fetch_global_cleanup(void);

/* Nonzero when s starts with http:// or https:// (case-insensitive). */
int fetch_is_url(const char *s);

/* Fetches url into *res (caller calls fetch_result_free). opts may be NULL. Returns 0 on a
 * 2xx answer; DB_ESCHEME for other schemes; DB_ETIMEOUT; DB_ETOOBIG past the cap; DB_EHTTP
 * for a 4xx/5xx answer (res->status tells which); DB_ENET otherwise. When errbuf is not NULL
 * it receives a short English description of a failure (errlen bytes). */
int fetch_url(const char *url, const struct fetch_opts *opts, struct fetch_result *res,
              char *errbuf, size_t errlen);

void fetch_result_free(struct fetch_result *res);

#endif
