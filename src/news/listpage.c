/*
 * listpage.c — the article links of a site's category page, as a feed (see feed.h,
 * feed_parse_page): what docbao reads when a category's feed fails, is empty or is not a feed.
 *
 * A news site's category page links each story several times (headline, picture, summary),
 * among menus, tag pages and links to other sites. A story link is one that stays on the
 * page's site (its host, or one below it, or the site's home page's), whose path ends in the story's number (six digits
 * or more, before .htm/.html/.chn/.ldo or at the end: the shape of every Vietnamese news site's
 * article URLs), and whose text reads like a headline (four words or more). The first such
 * link to a URL gives the story its title; later ones are its summary or picture.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/feed.h"
#include "docbao/fetch.h"
#include "docbao/utf8.h"
#include "docbao/util.h"
#include "docbao/xml_quiet.h"

#define MAX_PAGE (16u * 1024 * 1024)
#define MAX_STORIES 200

/* Nonzero when url's path ends in a story number: 6+ digits, then an extension or nothing. */
static int story_path(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    if (!p)
        return 0;
    size_t n = strcspn(p, "?#");
    const char *end = p + n, *dot = end;
    for (const char *q = end; q > p && q[-1] != '/'; q--)
        if (q[-1] == '.') {
            dot = q - 1;
            break;
        }
    if (dot != end) {
        size_t ext = (size_t)(end - dot);
        if (!((ext == 4 && strncasecmp(dot, ".htm", 4) == 0) ||
              (ext == 5 && strncasecmp(dot, ".html", 5) == 0) ||
              (ext == 4 && strncasecmp(dot, ".chn", 4) == 0) ||
              (ext == 4 && strncasecmp(dot, ".ldo", 4) == 0)))
            return 0;
    }
    int digits = 0;
    for (const char *q = dot; q > p && isdigit((unsigned char)q[-1]); q--)
        digits++;
    return digits >= 6;
}

static int words(const char *s)
{
    int n = 0, in = 0;
    for (; *s; s++) {
        int sp = *s == ' ';
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

int feed_parse_page(const char *html, size_t len, const char *base_url, const char *home,
                    struct feed **out)
{
    char site[256], home_site[256] = "";
    if (!html || !base_url || fetch_url_host(base_url, site, sizeof(site)) < 0)
        return DB_EINVAL;
    if (home && fetch_url_host(home, home_site, sizeof(home_site)) < 0)
        home_site[0] = '\0';
    if (len > MAX_PAGE || len > INT_MAX)
        return DB_ETOOBIG;
    xmlGenericErrorFunc old_fn = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    htmlDocPtr doc = htmlReadMemory(html, (int)len, base_url, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    xmlSetGenericErrorFunc(old_ctx, old_fn);
    if (!doc)
        return DB_EFORMAT;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    ctx->error = xml_quiet_structured;
    xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)"//a[@href]", ctx);
    struct feed *f = xcalloc(1, sizeof(*f));
    size_t cap = 0;
    struct strv seen = STRV_INIT;
    for (int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr && f->n < MAX_STORIES; i++) {
        xmlNode *a = r->nodesetval->nodeTab[i];
        xmlChar *href = xmlGetProp(a, (const xmlChar *)"href");
        xmlChar *abs = href ? xmlBuildURI(href, (const xmlChar *)base_url) : NULL;
        xmlFree(href);
        char host[256];
        const char *u = (const char *)abs;
        int dup = 0;
        if (u && fetch_url_host(u, host, sizeof(host)) == 0 && (fetch_host_within(host, site) || (home_site[0] && fetch_host_within(host, home_site))) &&
            story_path(u)) {
            char *url = xstrndup(u, strcspn(u, "#"));
            for (size_t k = 0; k < seen.n && !dup; k++)
                dup = strcmp(seen.v[k], url) == 0;
            if (!dup) {
                strv_push(&seen, xstrdup(url)); /* the first link to a URL decides */
                xmlChar *c = xmlNodeGetContent(a);
                char *cl = utf8_clean(c ? (const char *)c : "", c ? strlen((char *)c) : 0);
                char *title = text_squash(cl, strlen(cl));
                free(cl);
                xmlFree(c);
                if (words(title) >= 4) {
                    if (f->n == cap) {
                        cap = cap ? cap * 2 : 32;
                        f->items = xrealloc(f->items, cap * sizeof(*f->items));
                    }
                    struct feed_item *it = &f->items[f->n++];
                    memset(it, 0, sizeof(*it));
                    it->title = title;
                    it->url = url;
                    url = NULL;
                } else {
                    free(title);
                    free(seen.v[--seen.n]); /* a picture link: the headline may follow */
                }
            }
            free(url);
        }
        xmlFree(abs);
    }
    strv_free(&seen);
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    if (f->n == 0) {
        feed_free(f);
        return DB_EFORMAT;
    }
    *out = f;
    return 0;
}
