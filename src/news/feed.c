/*
 * feed.c — RSS 2.0, RSS 1.0 (RDF) and Atom feeds parsed with libxml2, hardened for the feeds
 * Vietnamese news sites really serve.
 *
 * The XML parser runs in recover mode without network access, DTD loading or entity
 * substitution (no XXE), and entity references are never expanded when text is gathered,
 * so "billion laughs" documents stay small. UTF-8 input (declared or assumed) is cleaned
 * before parsing (see prepare()): stray invalid bytes become U+FFFD instead of making
 * libxml2 read the rest of the document as Latin-1, and bare or HTML-named ampersands are
 * escaped instead of being dropped. Other declared encodings are converted by libxml2.
 *
 * Titles and summaries then go through libxml2's HTML parser when they hold markup or
 * entities: Thanh Niên's CDATA titles carry "K&yacute; ức"; VnExpress, VietnamNet and Dân
 * trí descriptions carry "<a><img></a></br>Summary". Agency credits such as "(Dân trí) - "
 * or "TTO - " at the start of a summary are removed: they must not be spoken. Links are
 * trimmed, resolved against the feed URL (and xml:base), kept only when http(s), and
 * de-duplicated keeping the first. A document that is not well-formed keeps only its
 * complete items (a truncated download must not yield a half-read last item).
 *
 * Dates are parsed by hand (RFC 822, ISO 8601, Tuổi Trẻ's M/D/YYYY h:mm:ss AM, D/M/YYYY)
 * and converted with days-from-civil arithmetic, independent of the TZ environment. A date
 * or time written without a zone is Vietnam time (+07:00), the zone of every site docbao
 * knows. "10/2/2026" is read as M/D (2 October, Tuổi Trẻ's order) unless the first number
 * is above 12 ("25/12/2025" is 25 December).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/feed.h"
#include "docbao/utf8.h"
#include "docbao/util.h"
#include "docbao/xml_quiet.h"

#define XML_OPTS                                                                                   \
    (XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |               \
     XML_PARSE_NOCDATA)

#define HTML_OPTS                                                                                  \
    (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET)

/* Most bytes of raw text kept from one element (a title or a summary, markup included). */
#define FIELD_MAX (64 * 1024)

/* Offset of Vietnam time (ICT, +07:00), used when a date carries no zone. */
#define VN_OFFSET (7 * 3600)

#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_ATOM10 "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"

/* The namespaces whose elements count as the feed's own vocabulary (NULL-terminated); an
 * element without a namespace always counts. */
static const char *const rss_ns[] = {NS_RSS10, NS_RSS090, NULL};
static const char *const atom_ns[] = {NS_ATOM10, NS_ATOM03, NULL};

/* ------------------------------------------------------------------------------------------
 * libxml2 plumbing
 * ---------------------------------------------------------------------------------------- */

static int is_digit_c(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha_c(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The saved libxml2 error handlers while a parse runs silenced. */
struct hush {
    xmlGenericErrorFunc gfn;
    void *gctx;
    xmlStructuredErrorFunc sfn;
    void *sctx;
};

/* Silences libxml2's error printing (it reports some encoding trouble through the generic
 * handler even with XML_PARSE_NOERROR) until unhush(). */
static void hush(struct hush *h)
{
    h->gfn = xmlGenericError;
    h->gctx = xmlGenericErrorContext;
    h->sfn = xmlStructuredError;
    h->sctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    xmlSetStructuredErrorFunc(NULL, xml_quiet_structured);
}

static void unhush(const struct hush *h)
{
    xmlSetGenericErrorFunc(h->gctx, h->gfn);
    xmlSetStructuredErrorFunc(h->sctx, h->sfn);
}

/* Elements after which text reads as a new phrase: a space is put around them. */
static int is_block_name(const char *name)
{
    static const char *const blocks[] = {
        "address",    "article", "blockquote", "br",  "dd", "div", "dl", "dt",
        "figcaption", "figure",  "footer",     "h1",  "h2", "h3",  "h4", "h5",
        "h6",         "header",  "hr",         "img", "li", "ol",  "p",  "pre",
        "section",    "table",   "td",         "th",  "tr", "ul",
    };
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (strcasecmp(name, blocks[i]) == 0)
            return 1;
    return 0;
}

/* Elements whose content is never reader text. */
static int is_skipped_name(const char *name)
{
    static const char *const skip[] = {"script", "style",    "noscript", "iframe", "object",
                                       "embed",  "template", "head",     "title",  "svg"};
    for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
        if (strcasecmp(name, skip[i]) == 0)
            return 1;
    return 0;
}

/* Appends the text under root (text and CDATA nodes; entity references are skipped, never
 * expanded) to b, with a space around block elements, stopping once b holds FIELD_MAX
 * bytes. html says whether script-like elements are skipped. Iterative, so depth cannot
 * overflow the stack. */
static void gather(struct buf *b, xmlNode *root, int html)
{
    xmlNode *n = root->children;
    while (n && b->len < FIELD_MAX) {
        int descend = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                buf_puts(b, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)n->name;
            descend = !(html && is_skipped_name(name));
            if (descend && is_block_name(name))
                buf_putc(b, ' ');
        } /* entity references, comments, processing instructions: nothing */
        if (descend && n->children) {
            n = n->children;
            continue;
        }
        /* leave n and every ancestor that has no next sibling */
        while (n && n != root) {
            if (n->type == XML_ELEMENT_NODE && is_block_name((const char *)n->name))
                buf_putc(b, ' ');
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
        if (n == root)
            break;
    }
}

/* A new string with the raw text under n (NUL-terminated, possibly empty, at most
 * FIELD_MAX bytes). */
static char *node_raw(xmlNode *n)
{
    struct buf b = BUF_INIT;
    gather(&b, n, 0);
    if (b.len > FIELD_MAX) {
        size_t k = FIELD_MAX;
        while (k > 0 && ((unsigned char)b.data[k] & 0xC0) == 0x80)
            k--; /* cut before a code point, not inside one */
        b.data[k] = '\0';
        b.len = k;
    }
    return buf_steal(&b);
}

/* Decodes HTML in s (UTF-8): removes tags, script-like elements and comments, decodes named
 * and numeric character references. Returns a new string. */
static char *html_to_text(const char *s)
{
    if (!strchr(s, '<') && !strchr(s, '&'))
        return xstrdup(s);
    struct buf in = BUF_INIT;
    buf_puts(&in, "<html><body>");
    buf_puts(&in, s);
    buf_puts(&in, "</body></html>");
    struct hush h;
    hush(&h);
    htmlDocPtr doc = htmlReadMemory(in.data, (int)in.len, NULL, "UTF-8", HTML_OPTS);
    unhush(&h);
    buf_free(&in);
    struct buf out = BUF_INIT;
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root)
        gather(&out, root, 1);
    xmlFreeDoc(doc);
    return buf_steal(&out);
}

/* ------------------------------------------------------------------------------------------
 * Element helpers
 * ---------------------------------------------------------------------------------------- */

/* Nonzero when n is an element named name in no namespace or one of nss. */
static int is_el(const xmlNode *n, const char *name, const char *const *nss)
{
    if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
        return 0;
    if (!n->ns || !n->ns->href)
        return 1;
    for (; nss && *nss; nss++)
        if (strcmp((const char *)n->ns->href, *nss) == 0)
            return 1;
    return 0;
}

/* The first child of parent that is_el(name, nss), or NULL. */
static xmlNode *child(xmlNode *parent, const char *name, const char *const *nss)
{
    for (xmlNode *c = parent->children; c; c = c->next)
        if (is_el(c, name, nss))
            return c;
    return NULL;
}

/* A new string with attribute name of n, or NULL. */
static char *attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

/* Cleans s (taking ownership): utf8_clean, white space collapsed. Returns a new string, or
 * NULL when nothing is left. */
static char *finish(char *s)
{
    if (!s)
        return NULL;
    char *c = utf8_clean(s, strlen(s));
    free(s);
    char *q = text_squash(c, strlen(c));
    free(c);
    if (!*q) {
        free(q);
        return NULL;
    }
    return q;
}

/* Plain text of n. html: the text may hold markup or entities (RSS, Atom type="html"). */
static char *node_text(xmlNode *n, int html)
{
    if (!n)
        return NULL;
    char *raw = node_raw(n);
    if (html) {
        char *t = html_to_text(raw);
        free(raw);
        raw = t;
    }
    return finish(raw);
}

/* Text of an Atom text construct (title, summary, content): type "html" holds escaped
 * markup, "xhtml" holds elements, "text" (the default) is plain. */
static char *atom_text(xmlNode *n)
{
    if (!n)
        return NULL;
    char *type = attr(n, "type");
    int html = type && (strcasecmp(type, "html") == 0 || strcasecmp(type, "text/html") == 0);
    free(type);
    return node_text(n, html);
}

/* ------------------------------------------------------------------------------------------
 * Summaries: agency credits
 * ---------------------------------------------------------------------------------------- */

/* Removes an agency credit at the start of the summary s (in place; text_credit_len). */
static void strip_credit(char *s)
{
    size_t k = text_credit_len(s);
    if (k)
        memmove(s, s + k, strlen(s + k) + 1);
}

/* ------------------------------------------------------------------------------------------
 * Links
 * ---------------------------------------------------------------------------------------- */

/* Nonzero when s starts with http:// or https:// (any case) followed by a host. */
static int is_http(const char *s)
{
    size_t k;
    if (strncasecmp(s, "http://", 7) == 0)
        k = 7;
    else if (strncasecmp(s, "https://", 8) == 0)
        k = 8;
    else
        return 0;
    return s[k] && s[k] != '/' && s[k] != '?' && s[k] != '#';
}

/* The raw link text s made into an absolute http(s) URL: surrounding white space trimmed,
 * tabs and newlines inside removed, spaces escaped, resolved against base (may be NULL).
 * Returns a new string or NULL when no http(s) URL results. */
static char *make_url(const char *s, const xmlChar *base)
{
    if (!s)
        return NULL;
    struct buf b = BUF_INIT;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
        s++;
    size_t n = strlen(s);
    while (n > 0 && strchr(" \t\n\r\f\v", s[n - 1]))
        n--;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            continue;
        if (s[i] == ' ')
            buf_puts(&b, "%20");
        else
            buf_putc(&b, s[i]);
    }
    char *link = buf_steal(&b);
    if (!*link) {
        free(link);
        return NULL;
    }
    char *url = NULL;
    if (is_http(link)) {
        url = link;
        link = NULL;
    } else if (base) {
        xmlChar *r = xmlBuildURI((const xmlChar *)link, base);
        if (!r) {
            /* characters libxml2's URI parser refuses (non-ASCII, "|"...): escape, retry */
            xmlChar *esc =
                xmlURIEscapeStr((const xmlChar *)link, (const xmlChar *)":/?#[]@!$&'()*+,;=%~");
            if (esc)
                r = xmlBuildURI(esc, base);
            xmlFree(esc);
        }
        if (r && is_http((const char *)r))
            url = xstrdup((const char *)r);
        xmlFree(r);
    }
    free(link);
    if (url) {
        /* lower-case the scheme: "HTTP://" and "http://" are one URL */
        for (char *p = url; *p != ':'; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    return url;
}

/* ------------------------------------------------------------------------------------------
 * Duplicate URLs: a small open-addressing set of indexes into the item array
 * ---------------------------------------------------------------------------------------- */

#define SEEN_SLOTS 2048 /* a power of two, more than 2 * FEED_MAX_ITEMS */

struct seen {
    size_t slot[SEEN_SLOTS]; /* item index + 1; 0 = empty */
};

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Nonzero when url is already among f's items; otherwise remembers that item index idx
 * will hold it (when add is nonzero). */
static int seen_check(struct seen *sn, const struct feed *f, const char *url, size_t idx, int add)
{
    size_t i = hash_str(url) & (SEEN_SLOTS - 1);
    while (sn->slot[i]) {
        if (strcmp(f->items[sn->slot[i] - 1].url, url) == 0)
            return 1;
        i = (i + 1) & (SEEN_SLOTS - 1);
    }
    if (add)
        sn->slot[i] = idx + 1;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Items
 * ---------------------------------------------------------------------------------------- */

enum kind { K_RSS, K_RDF, K_ATOM };

/* What reading the items of one document needs. */
struct reader {
    enum kind k;
    const xmlChar *base; /* the document URL (base_url), may be NULL */
    int well_formed;     /* 0: libxml2 had to recover from errors */
    size_t max_items;    /* item elements to look at (complete ones when truncated) */
    size_t nseen;        /* item elements looked at so far */
    size_t cap;          /* allocated f->items */
    struct feed *f;
    struct seen *sn;
};

/* Nonzero when n has an element child. */
static int has_element(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

/* The time in the text of n, or 0. */
static time_t node_date(xmlNode *n)
{
    time_t t = 0;
    char *s = n ? node_raw(n) : NULL;
    if (s && feed_parse_date(s, &t) != 0)
        t = 0;
    free(s);
    return t;
}

/* The link of an RSS item: <link>, else rdf:about (RSS 1.0), else a permalink <guid>. */
static char *rss_link(xmlNode *it, const xmlChar *base)
{
    xmlNode *l = child(it, "link", rss_ns);
    char *raw = l ? node_raw(l) : NULL;
    char *url = make_url(raw, base);
    free(raw);
    if (!url) {
        xmlChar *about = xmlGetNsProp(it, (const xmlChar *)"about", (const xmlChar *)NS_RDF);
        if (about)
            url = make_url((const char *)about, base);
        xmlFree(about);
    }
    xmlNode *g = child(it, "guid", rss_ns);
    if (!url && g) {
        char *perma = attr(g, "isPermaLink");
        if (!perma || strcasecmp(perma, "false") != 0) {
            raw = node_raw(g);
            url = make_url(raw, base);
            free(raw);
        }
        free(perma);
    }
    return url;
}

/* The link of an Atom entry: the first <link> with rel="alternate" or no rel, preferring an
 * HTML type; else an http(s) <id>. */
static char *atom_link(xmlNode *it, const xmlChar *base)
{
    char *best = NULL;
    int best_html = 0;
    for (xmlNode *c = it->children; c; c = c->next) {
        if (!is_el(c, "link", atom_ns))
            continue;
        char *rel = attr(c, "rel");
        int ok = !rel || !*rel || strcasecmp(rel, "alternate") == 0;
        free(rel);
        if (!ok)
            continue;
        char *type = attr(c, "type");
        int html = !type || strncasecmp(type, "text/html", 9) == 0 ||
                   strncasecmp(type, "application/xhtml", 17) == 0;
        free(type);
        if (best && (best_html || !html))
            continue;
        char *href = attr(c, "href");
        xmlChar *cbase = xmlNodeGetBase(c->doc, c); /* honours xml:base */
        char *url = make_url(href, cbase ? cbase : base);
        xmlFree(cbase);
        free(href);
        if (url) {
            free(best);
            best = url;
            best_html = html;
        }
    }
    if (!best) {
        xmlNode *id = child(it, "id", atom_ns);
        char *raw = id ? node_raw(id) : NULL;
        if (raw && is_http(raw + strspn(raw, " \t\r\n")))
            best = make_url(raw, NULL);
        free(raw);
    }
    return best;
}

/* Fills it from the item or entry n; returns 0 or DB_EFORMAT when it has no usable link or
 * title. The URL is read first so that duplicates are rejected before the costly parts. */
static int read_item(struct reader *r, xmlNode *n, struct feed_item *it)
{
    enum kind k = r->k;
    memset(it, 0, sizeof(*it));
    const char *const *nss = k == K_ATOM ? atom_ns : rss_ns;
    it->url = k == K_ATOM ? atom_link(n, r->base) : rss_link(n, r->base);
    if (!it->url || seen_check(r->sn, r->f, it->url, 0, 0))
        goto bad;
    xmlNode *t = child(n, "title", nss);
    /* a recovered document where the RSS title swallowed elements (an unclosed <b> in it):
     * its text runs into the next fields and must not be spoken */
    if (t && k != K_ATOM && !r->well_formed && has_element(t))
        goto bad;
    it->title = k == K_ATOM ? atom_text(t) : node_text(t, 1);
    if (!it->title)
        goto bad;
    if (k == K_ATOM) {
        xmlNode *s = child(n, "summary", nss);
        it->summary = atom_text(s ? s : child(n, "content", nss));
    } else {
        it->summary = node_text(child(n, "description", nss), 1);
    }
    if (it->summary) {
        strip_credit(it->summary);
        if (!*it->summary) {
            free(it->summary);
            it->summary = NULL;
        }
    }
    it->guid = node_text(child(n, k == K_ATOM ? "id" : "guid", nss), 0);
    if (k == K_ATOM) {
        xmlNode *d = child(n, "published", nss);
        it->published = node_date(d ? d : child(n, "updated", nss));
        if (!it->published)
            it->published = node_date(child(n, "issued", nss)); /* Atom 0.3 */
    } else {
        it->published = node_date(child(n, "pubDate", nss));
    }
    if (!it->published) {
        static const char *const dc[] = {NS_DC, NULL};
        xmlNode *d = child(n, "date", dc);
        if (d && d->ns) /* a bare <date> is not Dublin Core */
            it->published = node_date(d);
    }
    return 0;
bad:
    free(it->url);
    free(it->title);
    memset(it, 0, sizeof(*it));
    return DB_EFORMAT;
}

static void item_free(struct feed_item *it)
{
    free(it->title);
    free(it->url);
    free(it->summary);
    free(it->guid);
}

void feed_free(struct feed *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        item_free(&f->items[i]);
    free(f->items);
    free(f->title);
    free(f);
}

/* Reads the item element c into r->f unless it is unusable or a duplicate. Returns 0, or
 * -1 once r->max_items item elements have been looked at. */
static int take_item(struct reader *r, xmlNode *c)
{
    struct feed *f = r->f;
    if (r->nseen++ >= r->max_items)
        return -1;
    struct feed_item it;
    if (read_item(r, c, &it) != 0)
        return 0;
    if (f->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        f->items = xrealloc(f->items, r->cap * sizeof(*f->items));
    }
    f->items[f->n] = it;
    seen_check(r->sn, f, it.url, f->n, 1);
    f->n++;
    return 0;
}

/* Adds the item elements among the children of parent to r->f, up to FEED_MAX_ITEMS. When
 * the document is not well-formed, libxml2's recovery may have nested later items inside
 * an earlier broken one, so every item element under parent is taken, in document order. */
static void read_items(struct reader *r, xmlNode *parent)
{
    const char *name = r->k == K_ATOM ? "entry" : "item";
    const char *const *nss = r->k == K_ATOM ? atom_ns : rss_ns;
    xmlNode *c = parent->children;
    while (c && r->f->n < FEED_MAX_ITEMS) {
        if (is_el(c, name, nss) && take_item(r, c) != 0)
            break;
        if (!r->well_formed && c->type == XML_ELEMENT_NODE && c->children) {
            c = c->children;
            continue;
        }
        while (c && c != parent && !c->next)
            c = c->parent;
        c = c && c != parent ? c->next : NULL;
    }
}

/* Nonzero when the n bytes at s end with the closing tag of the root element (local name
 * name, any prefix) after optional white space: the download was not cut short. */
static int ends_with_close(const char *s, size_t n, const char *name)
{
    while (n > 0 && strchr(" \t\r\n", s[n - 1]) && s[n - 1])
        n--;
    if (n == 0 || s[n - 1] != '>')
        return 0;
    size_t k = strlen(name), e = n - 1;
    while (e > 0 && strchr(" \t\r\n", s[e - 1]) && s[e - 1])
        e--;
    if (e < k + 2 || memcmp(s + e - k, name, k) != 0)
        return 0;
    size_t b = e - k;
    if (s[b - 1] == ':') { /* </rdf:RDF> */
        b--;
        while (b > 0 && s[b - 1] != '<' && s[b - 1] != '/' && e - b < 64)
            b--;
    }
    return b >= 2 && s[b - 1] == '/' && s[b - 2] == '<';
}

/* How many closing tags "</name>" or "</prefix:name>" the n bytes at s hold. Used on a
 * truncated document: items past that count were cut off. */
static size_t count_closing(const char *s, size_t n, const char *name)
{
    size_t count = 0, k = strlen(name);
    for (const char *p = s, *end = s + n; p + 2 < end;) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || lt + 2 >= end)
            break;
        p = lt + 1;
        if (*p != '/')
            continue;
        const char *q = ++p;
        while (q < end && *q != ':' && *q != '>' && *q != '<' && q - p < 32)
            q++;
        if (q < end && *q == ':')
            p = q + 1;
        if ((size_t)(end - p) > k && memcmp(p, name, k) == 0) {
            const char *r = p + k;
            while (r < end && (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r'))
                r++;
            if (r < end && *r == '>')
                count++;
        }
    }
    return count;
}

/* ------------------------------------------------------------------------------------------
 * Parsing the document
 * ---------------------------------------------------------------------------------------- */

/* Nonzero when the document is UTF-8 by its prolog: no UTF-16/32 byte order mark or
 * zero bytes up front, and no encoding declaration other than UTF-8. */
static int is_utf8_doc(const char *d, size_t n)
{
    const unsigned char *u = (const unsigned char *)d;
    if (n >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
        return 0;
    if (n >= 2 && (u[0] == 0 || u[1] == 0))
        return 0;
    size_t i = 0;
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return 1; /* a UTF-8 byte order mark wins over the declaration */
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    if (n - i < 5 || memcmp(d + i, "<?xml", 5) != 0)
        return 1;
    size_t lim = n - i < 256 ? n - i : 256;
    char decl[257];
    memcpy(decl, d + i, lim);
    decl[lim] = '\0';
    char *endp = strstr(decl, "?>");
    if (endp)
        *endp = '\0';
    char *e = strstr(decl, "encoding");
    if (!e)
        return 1;
    e += 8;
    e += strspn(e, " \t\r\n");
    if (*e != '=')
        return 1;
    e++;
    e += strspn(e, " \t\r\n");
    if (*e == '"' || *e == '\'')
        e++;
    return strncasecmp(e, "utf-8", 5) == 0 || strncasecmp(e, "utf8", 4) == 0;
}

/* The first occurrence of the string needle in the n bytes at hay, or NULL. */
static const char *find(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (const char *p = hay; (size_t)(hay + n - p) >= k; p++) {
        p = memchr(p, needle[0], (size_t)(hay + n - p));
        if (!p || (size_t)(hay + n - p) < k)
            return NULL;
        if (memcmp(p, needle, k) == 0)
            return p;
    }
    return NULL;
}

/* Length of a character reference or one of XML's five predefined entities at s ("&#233;",
 * "&#xE9;", "&amp;"...), or 0. */
static size_t xml_ref_len(const char *s, const char *end)
{
    const char *p = s + 1;
    if (p < end && *p == '#') {
        p++;
        int hex = p < end && (*p == 'x' || *p == 'X');
        p += hex;
        const char *d = p;
        while (p < end && p - d < 8 &&
               (is_digit_c(*p) || (hex && strchr("abcdefABCDEF", *p) && *p)))
            p++;
        return p > d && p < end && *p == ';' ? (size_t)(p - s) + 1 : 0;
    }
    static const char *const names[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t k = strlen(names[i]);
        if ((size_t)(end - p) >= k && memcmp(p, names[i], k) == 0)
            return k + 1;
    }
    return 0;
}

/* Appends the n bytes at s to b with invalid UTF-8 sequences replaced by U+FFFD and the C0
 * controls XML forbids (all but tab, LF and CR) by spaces. */
static void put_clean(struct buf *b, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        const char *q = s;
        while (q < end && (unsigned char)*q < 0x80 &&
               ((unsigned char)*q >= 0x20 || *q == '\t' || *q == '\n' || *q == '\r'))
            q++;
        buf_append(b, s, (size_t)(q - s));
        s = q;
        if (s >= end)
            break;
        if ((unsigned char)*s < 0x20) {
            buf_putc(b, ' ');
            s++;
            continue;
        }
        int cp;
        size_t k = utf8_decode(s, (size_t)(end - s), &cp);
        if (cp == 0xFFFD && !(k == 3 && memcmp(s, "\xEF\xBF\xBD", 3) == 0))
            buf_puts(b, "\xEF\xBF\xBD");
        else
            buf_append(b, s, k);
        s += k;
    }
}

/* Nonzero when c may follow "<" in markup: a name, "/", "!" or "?". */
static int starts_markup(char c)
{
    return is_alpha_c(c) || c == '_' || c == ':' || c == '/' || c == '!' || c == '?' ||
           (unsigned char)c >= 0x80;
}

/* Makes the n bytes of a UTF-8 document at s safe for libxml2: put_clean() throughout (so
 * a stray invalid byte does not make libxml2 read the rest as Latin-1); ampersands that XML
 * would reject or that name an entity XML does not know are escaped: a bare "&" in "Tom &
 * Jerry" or "?a=1&b=2" becomes "&amp;", and an HTML entity such as "&yacute;" becomes
 * "&amp;yacute;" so that the HTML decoding of titles and summaries turns it into "ý"
 * instead of libxml2 dropping it; a "<" that cannot start markup becomes "&lt;". CDATA
 * sections and comments are left as they are; so are named references when the document
 * declares entities of its own (they are then left to libxml2, which never expands them
 * here). Returns a new NUL-terminated string and its length in *outlen. */
static char *prepare(const char *s, size_t n, size_t *outlen)
{
    struct buf b = BUF_INIT;
    const char *end = s + n, *p = s;
    int declared = find(s, n, "<!ENTITY") != NULL;
    buf_append(&b, "", 0);
    while (p < end) {
        const char *q = p;
        while (q < end && *q != '&' && *q != '<')
            q++;
        put_clean(&b, p, (size_t)(q - p));
        p = q;
        if (p >= end)
            break;
        if (*p == '<') {
            /* CDATA sections and comments are copied whole */
            size_t rest = (size_t)(end - p);
            const char *body = NULL, *term = NULL;
            if (rest >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
                body = p + 9;
                term = "]]>";
            } else if (rest >= 4 && memcmp(p, "<!--", 4) == 0) {
                body = p + 4;
                term = "-->";
            }
            if (term) {
                const char *close = find(body, (size_t)(end - body), term);
                q = close ? close + 3 : end;
            } else if (rest == 1 || !starts_markup(p[1])) {
                buf_puts(&b, "&lt;"); /* "Giá < 5 triệu": a bare "<" is text */
                p++;
                continue;
            } else {
                q = p + 1;
            }
            put_clean(&b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        size_t k = xml_ref_len(p, end);
        if (k) {
            buf_append(&b, p, k);
            p += k;
            continue;
        }
        const char *r = p + 1;
        while (r < end && r - p < 33 && (is_alpha_c(*r) || is_digit_c(*r)))
            r++;
        if (declared && r > p + 1 && r < end && *r == ';') {
            buf_append(&b, p, (size_t)(r - p) + 1);
            p = r + 1;
            continue;
        }
        buf_puts(&b, "&amp;");
        p++;
    }
    *outlen = b.len;
    return buf_steal(&b);
}

int feed_parse(const char *data, size_t len, const char *base_url, struct feed **out)
{
    if (len > FEED_MAX_BYTES)
        return DB_ETOOBIG;
    if (!data || len == 0)
        return DB_EFORMAT;
    size_t sp = 0;
    while (sp < len && data[sp] && strchr(" \t\r\n", data[sp]))
        sp++;
    if (sp == len)
        return DB_EFORMAT;

    int rc = DB_EFORMAT;
    char *clean = NULL;
    const char *src = data;
    if (is_utf8_doc(data, len)) {
        clean = prepare(data, len, &len);
        src = clean;
    }

    struct feed *f = NULL;
    xmlDocPtr doc = NULL;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        abort();
    struct hush h;
    hush(&h);
    doc = xmlCtxtReadMemory(ctxt, src, (int)len, base_url, NULL, XML_OPTS);
    unhush(&h);
    int well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root)
        goto out;

    enum kind k;
    xmlNode *chan = NULL;
    if (is_el(root, "rss", NULL)) {
        k = K_RSS;
        chan = child(root, "channel", NULL);
    } else if (strcmp((const char *)root->name, "RDF") == 0) {
        k = K_RDF;
        chan = child(root, "channel", rss_ns);
    } else if (is_el(root, "feed", atom_ns)) {
        k = K_ATOM;
        chan = root;
    } else {
        goto out; /* HTML, or some other XML */
    }

    f = xcalloc(1, sizeof(*f));
    if (chan)
        f->title = k == K_ATOM ? atom_text(child(chan, "title", atom_ns))
                               : node_text(child(chan, "title", rss_ns), 1);
    struct reader r = {k, doc->URL, well_formed, SIZE_MAX, 0, 0, f, NULL};
    /* a download cut short: only the items whose closing tag arrived are whole (the byte
     * scans need an ASCII-compatible encoding, which all but UTF-16/32 are) */
    int ascii = clean || (len >= 2 && src[0] && src[1]);
    if (!well_formed && ascii && !ends_with_close(src, len, (const char *)root->name))
        r.max_items = count_closing(src, len, k == K_ATOM ? "entry" : "item");
    r.sn = xcalloc(1, sizeof(*r.sn));
    /* RSS 2.0 items live in <channel>, RSS 1.0 items beside it; sloppy feeds do both */
    if (chan && chan != root)
        read_items(&r, chan);
    read_items(&r, root);
    free(r.sn);
    if (f->n == 0 && !well_formed)
        goto out; /* malformed and nothing usable */
    rc = 0;
out:
    xmlFreeDoc(doc);
    free(clean);
    if (rc == 0) {
        *out = f;
    } else {
        feed_free(f);
    }
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Dates
 * ---------------------------------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* A broken-down time being parsed; off is the zone offset east of UTC in seconds. */
struct when {
    int y, mo, d, h, mi, s, off;
};

static void skip_sp(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
        (*p)++;
}

/* Reads 1 to maxd digits at *p into *v; returns the digit count (0 when none). */
static int num(const char **p, int maxd, int *v)
{
    int k = 0, x = 0;
    while (k < maxd && is_digit_c((*p)[k])) {
        x = x * 10 + ((*p)[k] - '0');
        k++;
    }
    if (k == 0 || is_digit_c((*p)[k]))
        return 0;
    *p += k;
    *v = x;
    return k;
}

/* Reads an alphabetic word at *p into w (lower case, at most cap - 1 letters kept);
 * returns its length. */
static size_t word(const char **p, char *w, size_t cap)
{
    size_t k = 0;
    while (is_alpha_c((*p)[k])) {
        if (k + 1 < cap)
            w[k] = (char)((*p)[k] | 0x20);
        k++;
    }
    w[k + 1 < cap ? k : cap - 1] = '\0';
    *p += k;
    return k;
}

/* Reads a numeric offset "+hh", "+hhmm", "+hh:mm" or "+h" at *p into *off (seconds east).
 * Returns 1, or 0 when *p holds no sign, or -1 when malformed. */
static int num_zone(const char **p, int *off)
{
    char sign = **p;
    if (sign != '+' && sign != '-')
        return 0;
    const char *q = *p + 1;
    int hh = 0, mm = 0, k = 0;
    while (k < 4 && is_digit_c(q[k]))
        k++;
    if (k == 0 || is_digit_c(q[k]))
        return -1;
    if (k <= 2) {
        hh = k == 1 ? q[0] - '0' : (q[0] - '0') * 10 + (q[1] - '0');
        q += k;
        if (*q == ':') {
            if (!is_digit_c(q[1]) || !is_digit_c(q[2]) || is_digit_c(q[3]))
                return -1;
            mm = (q[1] - '0') * 10 + (q[2] - '0');
            q += 3;
        }
    } else if (k == 4) {
        hh = (q[0] - '0') * 10 + (q[1] - '0');
        mm = (q[2] - '0') * 10 + (q[3] - '0');
        q += 4;
    } else {
        return -1;
    }
    if (hh > 14 || mm > 59)
        return -1;
    *off = (hh * 3600 + mm * 60) * (sign == '-' ? -1 : 1);
    *p = q;
    return 1;
}

/* Reads an optional zone at *p: numeric, "Z", a name (GMT, UT, UTC, ICT, US zones), or
 * "GMT+7"-style. Without one *off is Vietnam time. Returns 0 or -1 for an unknown zone. */
static int zone(const char **p, int *off)
{
    static const struct {
        const char *name;
        int hours;
    } names[] = {
        {"gmt", 0},  {"ut", 0},   {"utc", 0},  {"z", 0},    {"ict", 7},  {"est", -5}, {"edt", -4},
        {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7},
    };
    *off = VN_OFFSET;
    skip_sp(p);
    int r = num_zone(p, off);
    if (r != 0)
        return r < 0 ? -1 : 0;
    if (!is_alpha_c(**p))
        return 0;
    char w[8];
    size_t k = word(p, w, sizeof(w));
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (k < sizeof(w) && strcmp(w, names[i].name) == 0) {
            *off = names[i].hours * 3600;
            if (names[i].hours == 0 && (**p == '+' || **p == '-'))
                return num_zone(p, off) < 0 ? -1 : 0; /* GMT+7, UTC+07:00 */
            return 0;
        }
    }
    return -1;
}

/* Accepts the end of a date: white space, an optional parenthesised comment. */
static int at_end(const char *p)
{
    skip_sp(&p);
    if (*p == '(') {
        p = strchr(p, ')');
        if (!p)
            return 0;
        p++;
        skip_sp(&p);
    }
    return *p == '\0';
}

/* Reads "hh:mm[:ss[.frac]]" at *p. */
static int clock_time(const char **p, struct when *w)
{
    if (!num(p, 2, &w->h) || **p != ':')
        return -1;
    (*p)++;
    if (num(p, 2, &w->mi) != 2)
        return -1;
    w->s = 0;
    if (**p == ':') {
        (*p)++;
        if (num(p, 2, &w->s) != 2)
            return -1;
        if (**p == '.' || **p == ',') {
            (*p)++;
            if (!is_digit_c(**p))
                return -1;
            while (is_digit_c(**p))
                (*p)++;
        }
    }
    return 0;
}

/* RFC 822 / 1123 / 2822: "[Tue,] 10 Feb 2026 09:25[:00] [zone]". */
static int parse_rfc822(const char *p, struct when *w)
{
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    char wd[16];
    skip_sp(&p);
    if (is_alpha_c(*p)) { /* day of the week: optional, not checked */
        word(&p, wd, sizeof(wd));
        skip_sp(&p);
        if (*p == ',')
            p++;
        skip_sp(&p);
    }
    if (!num(&p, 2, &w->d))
        return -1;
    skip_sp(&p);
    if (*p == '-')
        p++;
    size_t k = word(&p, wd, sizeof(wd));
    if (k < 3)
        return -1;
    w->mo = 0;
    for (int i = 0; i < 12; i++)
        if (strncmp(wd, months[i], 3) == 0)
            w->mo = i + 1;
    if (!w->mo)
        return -1;
    if (*p == '.')
        p++;
    skip_sp(&p);
    if (*p == '-')
        p++;
    int yd = num(&p, 4, &w->y);
    if (yd == 2)
        w->y += w->y < 50 ? 2000 : 1900;
    else if (yd == 3)
        w->y += 1900; /* RFC 2822 obsolete three-digit years */
    else if (yd != 4)
        return -1;
    skip_sp(&p);
    if (clock_time(&p, w) != 0)
        return -1;
    if (zone(&p, &w->off) != 0)
        return -1;
    return at_end(p) ? 0 : -1;
}

/* ISO 8601 / RFC 3339: "2026-02-10[Thh:mm[:ss[.frac]]][Z|±hh:mm]". */
static int parse_iso(const char *p, struct when *w)
{
    if (num(&p, 4, &w->y) != 4 || *p++ != '-' || num(&p, 2, &w->mo) != 2 || *p++ != '-' ||
        num(&p, 2, &w->d) != 2)
        return -1;
    w->h = w->mi = w->s = 0;
    w->off = VN_OFFSET;
    if (*p == 'T' || *p == 't' || (*p == ' ' && is_digit_c(p[1]))) {
        p++;
        if (clock_time(&p, w) != 0)
            return -1;
        if (zone(&p, &w->off) != 0)
            return -1;
    }
    return at_end(p) ? 0 : -1;
}

/* Slash dates: "M/D/YYYY [h:mm[:ss] [AM|PM]]" (Tuổi Trẻ), "D/M/YYYY hh:mm" when the first
 * number is above 12, "YYYY/MM/DD hh:mm". When both readings are possible the month comes
 * first, as Tuổi Trẻ writes it. */
static int parse_slash(const char *p, struct when *w)
{
    int a = 0, b = 0, c = 0;
    int ka = num(&p, 4, &a);
    if (!ka || *p++ != '/' || !num(&p, 2, &b) || *p++ != '/')
        return -1;
    int kc = num(&p, 4, &c);
    if (ka == 4) {
        if (kc == 0 || kc > 2)
            return -1;
        w->y = a;
        w->mo = b;
        w->d = c;
    } else {
        if (ka > 2 || (kc != 4 && kc != 2))
            return -1;
        w->y = kc == 2 ? c + (c < 50 ? 2000 : 1900) : c;
        if (a > 12) {
            w->d = a;
            w->mo = b;
        } else {
            w->mo = a;
            w->d = b;
        }
    }
    w->h = w->mi = w->s = 0;
    w->off = VN_OFFSET;
    skip_sp(&p);
    if (*p == '-' || *p == ',') {
        p++;
        skip_sp(&p);
    }
    if (is_digit_c(*p)) {
        if (clock_time(&p, w) != 0)
            return -1;
        skip_sp(&p);
        char ap[4];
        const char *q = p;
        size_t k = is_alpha_c(*q) ? word(&q, ap, sizeof(ap)) : 0;
        int pm = -1;
        if (k == 2 && (strcmp(ap, "am") == 0 || strcmp(ap, "sa") == 0))
            pm = 0;
        else if (k == 2 && (strcmp(ap, "pm") == 0 || strcmp(ap, "ch") == 0))
            pm = 1;
        if (pm >= 0) {
            if (w->h < 1 || w->h > 12)
                return -1;
            w->h = w->h % 12 + (pm ? 12 : 0);
            p = q;
        }
        if (zone(&p, &w->off) != 0)
            return -1;
    }
    return at_end(p) ? 0 : -1;
}

int feed_parse_date(const char *s, time_t *out)
{
    if (!s)
        return DB_EFORMAT;
    const char *p = s;
    skip_sp(&p);
    struct when w = {0, 0, 0, 0, 0, 0, VN_OFFSET};
    int r;
    size_t digits = strspn(p, "0123456789");
    if (digits == 4 && p[4] == '-')
        r = parse_iso(p, &w);
    else if (digits >= 1 && p[digits] == '/')
        r = parse_slash(p, &w);
    else
        r = parse_rfc822(p, &w);
    if (r != 0)
        return DB_EFORMAT;
    if (w.y < 1900 || w.y > 9999 || w.mo < 1 || w.mo > 12 || w.d < 1 ||
        w.d > days_in_month(w.y, w.mo) || w.h > 23 || w.mi > 59 || w.s > 60)
        return DB_EFORMAT;
    long long t =
        days_from_civil(w.y, w.mo, w.d) * 86400LL + w.h * 3600LL + w.mi * 60LL + w.s - w.off;
    if ((long long)(time_t)t != t)
        return DB_EFORMAT;
    *out = (time_t)t;
    return 0;
}
