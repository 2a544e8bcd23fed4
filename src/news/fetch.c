/*
 * fetch.c — HTTP(S) downloads with libcurl, with every limit a network-fed buffer needs:
 * http/https only (redirects too), at most 5 redirects, TLS verified, connect and total
 * timeouts, a size cap, gzip/deflate, conditional GET. One download (fetch_url) or many at
 * once on a thread running curl's multi interface (struct fetcher).
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <iconv.h>

#include "docbao/err.h"
#include "docbao/fetch.h"
#include "docbao/util.h"

#define DEFAULT_MAX (16u * 1024 * 1024)
#define FETCH_MAX_PER_HOST 6 /* like a browser: polite to each site */
#define USER_AGENT "docbao/" DOCBAO_VERSION " (Vietnamese news reader for the blind; libcurl)"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static int global_rc;

static void global_init_once(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : DB_ENET;
}

/* Done on first use, not at program start: setting up TLS (OpenSSL reads its configuration
 * and loads its providers) costs milliseconds and megabytes a command that downloads
 * nothing (text, read FILE, --offline) does not need. */
int fetch_global_init(void)
{
    pthread_once(&global_once, global_init_once);
    return global_rc;
}

void fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

const char *fetch_version(void)
{
    static char v[64];
    snprintf(v, sizeof(v), "libcurl %s", curl_version_info(CURLVERSION_NOW)->version);
    return v;
}

int fetch_url_host(const char *url, char *out, size_t cap)
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p || !fetch_is_url(url))
        return -1;
    p += 3;
    const char *end = p + strcspn(p, "/?#");
    for (const char *q = p; q < end; q++) /* user:pass@host */
        if (*q == '@')
            p = q + 1;
    size_t n = strcspn(p, ":/?#");
    if (n == 0 || n >= cap)
        return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)p[i]);
    out[n] = '\0';
    if (strncmp(out, "www.", 4) == 0)
        memmove(out, out + 4, n - 3);
    return 0;
}

int fetch_host_within(const char *host, const char *site)
{
    size_t h = strlen(host), s = strlen(site);
    return strcmp(host, site) == 0 ||
           (h > s && host[h - s - 1] == '.' && strcmp(host + h - s, site) == 0);
}

int fetch_is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

/* One transfer: the easy handle and everything it writes into. */
struct xfer {
    char *host;        /* lowercase host name, for the per-host limit */
    CURL *easy;
    struct curl_slist *headers;
    struct fetch_done *done;
    int too_big;
    char cerr[CURL_ERROR_SIZE];
    struct xfer *next;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (buf_append(&x->done->body, p, n) < 0) {
        x->too_big = 1;
        return 0; /* aborts the transfer */
    }
    return n;
}

/* Copies the value of header line h (n bytes) when its name is name. */
static void header_value(const char *h, size_t n, const char *name, char **dst)
{
    size_t k = strlen(name);
    if (n <= k + 1 || strncasecmp(h, name, k) != 0 || h[k] != ':')
        return;
    const char *v = h + k + 1;
    const char *end = h + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    free(*dst);
    *dst = xstrndup(v, (size_t)(end - v));
}

static size_t on_header(char *h, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(h, "HTTP/", 5) == 0) { /* a new response (after a redirect) */
        free(x->done->etag);
        free(x->done->last_modified);
        x->done->etag = x->done->last_modified = NULL;
    }
    header_value(h, n, "ETag", &x->done->etag);
    header_value(h, n, "Last-Modified", &x->done->last_modified);
    return n;
}

/* The host part of url, lowercased (the whole url when it has none), as a new string. */
static char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    char *h = xstrndup(p, n);
    for (char *c = h; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return h;
}

static struct xfer *xfer_new(const struct fetch_opts *opts, const struct fetch_req *req)
{
    struct xfer *x = xcalloc(1, sizeof(*x));
    x->host = url_host(req->url);
    x->done = xcalloc(1, sizeof(*x->done));
    x->done->tag = req->tag;
    x->done->url = xstrdup(req->url);
    size_t max = opts->max_bytes ? opts->max_bytes : DEFAULT_MAX;
    buf_init(&x->done->body, max);
    fetch_global_init();
    CURL *c = x->easy = curl_easy_init();
    if (!c)
        return x;
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     opts->connect_timeout_ms ? opts->connect_timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, opts->timeout_ms ? opts->timeout_ms : 30000L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->cerr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_PRIVATE, x);
    char line[1024];
    if (req->etag && *req->etag && strlen(req->etag) < 900) {
        snprintf(line, sizeof(line), "If-None-Match: %s", req->etag);
        x->headers = curl_slist_append(x->headers, line);
    }
    if (req->last_modified && *req->last_modified && strlen(req->last_modified) < 900) {
        snprintf(line, sizeof(line), "If-Modified-Since: %s", req->last_modified);
        x->headers = curl_slist_append(x->headers, line);
    }
    if (x->headers)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->headers);
    return x;
}

/* Fills in the result of a finished transfer and frees the transfer (not the result). */
static struct fetch_done *xfer_finish(struct xfer *x, CURLcode cc)
{
    struct fetch_done *d = x->done;
    char *ct = NULL, *eff = NULL;
    size_t max = d->body.max;
    if (!x->easy) {
        d->rc = DB_ENET;
        snprintf(d->err, sizeof(d->err), "could not start a transfer");
        goto out;
    }
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &d->status);
    curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
    if (ct)
        d->content_type = xstrdup(ct);
    if (eff)
        d->final_url = xstrdup(eff);
    if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        d->rc = DB_ETOOBIG;
        snprintf(d->err, sizeof(d->err), "the response is larger than %zu bytes", max);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        d->rc = DB_ETIMEOUT;
        snprintf(d->err, sizeof(d->err), "%s", x->cerr[0] ? x->cerr : curl_easy_strerror(cc));
    } else if (cc == CURLE_UNSUPPORTED_PROTOCOL) {
        d->rc = DB_ESCHEME;
        snprintf(d->err, sizeof(d->err), "redirected to an address that is not http or https");
    } else if (cc == CURLE_TOO_MANY_REDIRECTS) {
        d->rc = DB_ENET;
        snprintf(d->err, sizeof(d->err), "more than 5 redirects");
    } else if (cc != CURLE_OK) {
        d->rc = DB_ENET;
        snprintf(d->err, sizeof(d->err), "%s", x->cerr[0] ? x->cerr : curl_easy_strerror(cc));
    } else if (d->status >= 400 || (d->status >= 300 && d->status != 304)) {
        d->rc = DB_EHTTP;
        snprintf(d->err, sizeof(d->err), "the server answered HTTP %ld", d->status);
    }
out:
    if (d->rc < 0)
        buf_free(&d->body);
    if (x->easy)
        curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->headers);
    free(x->host);
    free(x);
    return d;
}

void fetch_done_free(struct fetch_done *d)
{
    if (!d)
        return;
    free(d->url);
    free(d->etag);
    free(d->last_modified);
    free(d->content_type);
    free(d->final_url);
    buf_free(&d->body);
    free(d);
}

int fetch_url(const char *url, const struct fetch_opts *opts, struct fetch_result *res,
              char *errbuf, size_t errlen)
{
    struct fetch_opts def = {0};
    memset(res, 0, sizeof(*res));
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!fetch_is_url(url)) {
        if (errbuf)
            snprintf(errbuf, errlen, "only http and https addresses are supported");
        return DB_ESCHEME;
    }
    struct fetch_req req = {.url = url};
    struct xfer *x = xfer_new(opts ? opts : &def, &req);
    CURLcode cc = x->easy ? curl_easy_perform(x->easy) : CURLE_FAILED_INIT;
    struct fetch_done *d = xfer_finish(x, cc);
    int rc = d->rc;
    if (rc == 0 && d->status == 304) /* we sent no validator: a broken server */
        rc = DB_EHTTP;
    res->status = d->status;
    res->content_type = d->content_type;
    res->final_url = d->final_url;
    res->body = d->body;
    d->content_type = d->final_url = NULL;
    d->body.data = NULL;
    if (errbuf && rc < 0)
        snprintf(errbuf, errlen, "%s", d->err);
    fetch_done_free(d);
    return rc;
}

void fetch_result_free(struct fetch_result *res)
{
    free(res->content_type);
    free(res->final_url);
    buf_free(&res->body);
    res->content_type = res->final_url = NULL;
}

/* ---- the fetcher: curl multi on a thread ------------------------------------------------ */

struct done_node {
    struct fetch_done *d;
    struct done_node *next;
};

struct fetcher {
    struct fetch_opts opts;
    int max_conns;
    CURLM *multi;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct xfer *queue, *queue_tail; /* waiting to start */
    struct xfer *active;             /* in the multi handle */
    struct done_node *done, *done_tail;
    size_t running;                  /* in the multi handle */
    size_t outstanding;              /* added and not yet handed back */
    int stop;
};

/* Hands a finished transfer to fetcher_next() (lock held). */
static void push_done(struct fetcher *f, struct fetch_done *d)
{
    struct done_node *n = xcalloc(1, sizeof(*n));
    n->d = d;
    if (f->done_tail)
        f->done_tail->next = n;
    else
        f->done = n;
    f->done_tail = n;
    pthread_cond_broadcast(&f->cond);
}

static void *fetcher_main(void *arg)
{
    struct fetcher *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->lock);
        if (f->stop) {
            pthread_mutex_unlock(&f->lock);
            break;
        }
        /* start queued transfers, at most max_conns in all and FETCH_MAX_PER_HOST per host;
         * a transfer's time limit only starts counting once it is started here */
        struct xfer **pp = &f->queue;
        struct xfer *prev = NULL;
        while (*pp && f->running < (size_t)f->max_conns) {
            struct xfer *x = *pp;
            size_t same = 0;
            for (struct xfer *a = f->active; a; a = a->next)
                same += strcmp(a->host, x->host) == 0;
            if (same >= FETCH_MAX_PER_HOST) {
                prev = x;
                pp = &x->next;
                continue;
            }
            *pp = x->next;
            if (f->queue_tail == x)
                f->queue_tail = prev;
            x->next = NULL;
            if (x->easy && curl_multi_add_handle(f->multi, x->easy) == CURLM_OK) {
                f->running++;
                x->next = f->active;
                f->active = x;
            } else {
                push_done(f, xfer_finish(x, CURLE_FAILED_INIT));
            }
        }
        pthread_mutex_unlock(&f->lock);

        int still = 0;
        curl_multi_perform(f->multi, &still);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(f->multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            CURL *e = m->easy_handle;
            CURLcode cc = m->data.result;
            struct xfer *x = NULL;
            curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
            curl_multi_remove_handle(f->multi, e);
            pthread_mutex_lock(&f->lock);
            for (struct xfer **ap = &f->active; *ap; ap = &(*ap)->next)
                if (*ap == x) {
                    *ap = x->next;
                    break;
                }
            pthread_mutex_unlock(&f->lock);
            struct fetch_done *d = xfer_finish(x, cc);
            pthread_mutex_lock(&f->lock);
            f->running--;
            push_done(f, d);
            pthread_mutex_unlock(&f->lock);
        }
        curl_multi_poll(f->multi, NULL, 0, 1000, NULL);
    }
    return NULL;
}

int fetcher_new(const struct fetch_opts *opts, int max_conns, struct fetcher **out)
{
    struct fetcher *f = xcalloc(1, sizeof(*f));
    if (opts)
        f->opts = *opts;
    f->max_conns = max_conns > 0 ? max_conns : 24;
    fetch_global_init();
    f->multi = curl_multi_init();
    if (!f->multi) {
        free(f);
        return DB_ENET;
    }
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    if (pthread_create(&f->thread, NULL, fetcher_main, f) != 0) {
        curl_multi_cleanup(f->multi);
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->cond);
        free(f);
        return DB_ENET;
    }
    *out = f;
    return 0;
}

void fetcher_add(struct fetcher *f, const struct fetch_req *req)
{
    /* other schemes are refused by CURLOPT_PROTOCOLS_STR: DB_ESCHEME, no traffic */
    struct xfer *x = xfer_new(&f->opts, req);
    pthread_mutex_lock(&f->lock);
    if (f->queue_tail)
        f->queue_tail->next = x;
    else
        f->queue = x;
    f->queue_tail = x;
    f->outstanding++;
    pthread_mutex_unlock(&f->lock);
    curl_multi_wakeup(f->multi);
}

size_t fetcher_pending(struct fetcher *f)
{
    pthread_mutex_lock(&f->lock);
    size_t n = f->outstanding;
    pthread_mutex_unlock(&f->lock);
    return n;
}

int fetcher_next(struct fetcher *f, int timeout_ms, struct fetch_done **out)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    if (timeout_ms >= 0) {
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    int rc = 0;
    pthread_mutex_lock(&f->lock);
    while (!f->done) {
        if (f->outstanding == 0) {
            rc = DB_ENOENT;
            goto out;
        }
        if (timeout_ms < 0) {
            pthread_cond_wait(&f->cond, &f->lock);
        } else if (pthread_cond_timedwait(&f->cond, &f->lock, &deadline) == ETIMEDOUT) {
            if (!f->done) {
                rc = DB_ETIMEOUT;
                goto out;
            }
        }
    }
    struct done_node *n = f->done;
    f->done = n->next;
    if (!f->done)
        f->done_tail = NULL;
    f->outstanding--;
    *out = n->d;
    free(n);
out:
    pthread_mutex_unlock(&f->lock);
    return rc;
}

void fetcher_free(struct fetcher *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->stop = 1;
    pthread_mutex_unlock(&f->lock);
    curl_multi_wakeup(f->multi);
    pthread_join(f->thread, NULL);
    /* abandon what is still running or queued */
    while (f->active) {
        struct xfer *x = f->active;
        f->active = x->next;
        curl_multi_remove_handle(f->multi, x->easy);
        fetch_done_free(xfer_finish(x, CURLE_ABORTED_BY_CALLBACK));
    }
    while (f->queue) {
        struct xfer *x = f->queue;
        f->queue = x->next;
        fetch_done_free(xfer_finish(x, CURLE_ABORTED_BY_CALLBACK));
    }
    while (f->done) {
        struct done_node *n = f->done;
        f->done = n->next;
        fetch_done_free(n->d);
        free(n);
    }
    curl_multi_cleanup(f->multi);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
    free(f);
}

int fetch_body_to_utf8(const char *content_type, struct buf *body)
{
    if (!content_type || !body->data)
        return 0;
    const char *cs = NULL;
    for (const char *p = content_type; *p; p++)
        if (strncasecmp(p, "charset=", 8) == 0) {
            cs = p + 8;
            break;
        }
    if (!cs)
        return 0;
    char name[64];
    size_t n = 0;
    if (*cs == '"' || *cs == '\'')
        cs++;
    while (cs[n] && cs[n] != ';' && cs[n] != '"' && cs[n] != '\'' && cs[n] != ' ' &&
           n < sizeof(name) - 1) {
        name[n] = cs[n];
        n++;
    }
    name[n] = '\0';
    if (!n || !strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8") ||
        !strcasecmp(name, "us-ascii"))
        return 0;
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return DB_EFORMAT;
    struct buf out = BUF_INIT;
    char *in = body->data;
    size_t left = body->len;
    char chunk[16384];
    while (left > 0) {
        char *o = chunk;
        size_t room = sizeof(chunk);
        size_t r = iconv(cd, &in, &left, &o, &room);
        buf_append(&out, chunk, sizeof(chunk) - room);
        if (r == (size_t)-1 && errno != E2BIG) { /* a byte that does not convert */
            buf_append(&out, "\xef\xbf\xbd", 3);
            in++;
            left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    iconv_close(cd);
    size_t max = body->max;
    buf_free(body);
    *body = out;
    body->max = max;
    return 0;
}
