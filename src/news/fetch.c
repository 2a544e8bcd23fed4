/*
 * fetch.c — one HTTP(S) download with libcurl, with every limit a network-fed buffer needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "docbao/err.h"
#include "docbao/fetch.h"
#include "docbao/util.h"

#define DEFAULT_MAX (16u * 1024 * 1024)
#define USER_AGENT "docbao/" DOCBAO_VERSION " (+news reader for the blind; libcurl)"

int fetch_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : DB_ENET;
}

void fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

int fetch_is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

struct sink {
    struct buf *b;
    int too_big;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    struct sink *sk = ud;
    size_t n = size * nmemb;
    if (buf_append(sk->b, p, n) < 0) {
        sk->too_big = 1;
        return 0; /* aborts the transfer */
    }
    return n;
}

int fetch_url(const char *url, const struct fetch_opts *opts, struct fetch_result *res,
              char *errbuf, size_t errlen)
{
    struct fetch_opts def = {0};
    if (!opts)
        opts = &def;
    memset(res, 0, sizeof(*res));
    size_t max = opts->max_bytes ? opts->max_bytes : DEFAULT_MAX;
    buf_init(&res->body, max);
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!fetch_is_url(url)) {
        if (errbuf)
            snprintf(errbuf, errlen, "only http and https URLs are supported");
        return DB_ESCHEME;
    }
    CURL *c = curl_easy_init();
    if (!c)
        return DB_ENET;
    char cerr[CURL_ERROR_SIZE] = "";
    struct sink sk = {&res->body, 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
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
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sk);

    CURLcode cc = curl_easy_perform(c);
    int rc = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    char *ct = NULL, *eff = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
    if (ct)
        res->content_type = xstrdup(ct);
    if (eff)
        res->final_url = xstrdup(eff);
    if (sk.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        rc = DB_ETOOBIG;
        if (errbuf)
            snprintf(errbuf, errlen, "the response is larger than %zu bytes", max);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        rc = DB_ETIMEOUT;
        if (errbuf)
            snprintf(errbuf, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
    } else if (cc == CURLE_UNSUPPORTED_PROTOCOL) {
        rc = DB_ESCHEME;
        if (errbuf)
            snprintf(errbuf, errlen, "redirected to a URL that is not http or https");
    } else if (cc != CURLE_OK) {
        rc = DB_ENET;
        if (errbuf)
            snprintf(errbuf, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
    } else if (res->status >= 400) {
        rc = DB_EHTTP;
        if (errbuf)
            snprintf(errbuf, errlen, "the server answered HTTP %ld", res->status);
    }
    curl_easy_cleanup(c);
    if (rc < 0)
        buf_free(&res->body);
    return rc;
}

void fetch_result_free(struct fetch_result *res)
{
    free(res->content_type);
    free(res->final_url);
    buf_free(&res->body);
    res->content_type = res->final_url = NULL;
}
