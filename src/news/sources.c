/*
 * sources.c — loads the sources file (jansson) into plain structs (see sources.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include "docbao/err.h"
#include "docbao/fetch.h"
#include "docbao/i18n.h"
#include "docbao/paths.h"
#include "docbao/sources.h"
#include "docbao/util.h"
#include "docbao/xml_quiet.h"

/* Writes a one-line description of a problem into err (errlen bytes) when err is set. */
#define SET_ERR(...)                                                                          \
    do {                                                                                      \
        if (err && errlen)                                                                    \
            snprintf(err, errlen, __VA_ARGS__);                                               \
    } while (0)

static int valid_slug(const char *s)
{
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    return 1;
}

static char *opt_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* Nonzero when expr is an XPath 1.0 expression the extractor can use: libxml2 compiles it and
 * evaluates it on an empty page (the compiler lets "count(" or an unknown function through;
 * the evaluation does not). libxml2's own error printing is silenced meanwhile. */
static int xpath_compiles(const char *expr)
{
    xmlGenericErrorFunc gfn = xmlGenericError;
    void *gctx = xmlGenericErrorContext;
    xmlStructuredErrorFunc sfn = xmlStructuredError;
    void *sctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    xmlSetStructuredErrorFunc(NULL, xml_quiet_structured);
    xmlXPathCompExprPtr comp = xmlXPathCompile((const xmlChar *)expr);
    int ok = comp != NULL;
    if (ok) {
        xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
        xmlDocSetRootElement(doc, xmlNewDocNode(doc, NULL, (const xmlChar *)"html", NULL));
        xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
        ctx->error = xml_quiet_structured;
        ctx->opLimit = 1000000;
        xmlXPathObjectPtr r = xmlXPathCompiledEval(comp, ctx);
        ok = r != NULL;
        xmlXPathFreeObject(r);
        xmlXPathFreeContext(ctx);
        xmlFreeDoc(doc);
    }
    xmlSetGenericErrorFunc(gctx, gfn);
    xmlSetStructuredErrorFunc(sctx, sfn);
    xmlXPathFreeCompExpr(comp);
    return ok;
}

/* expr (owned; may be NULL) when it is a valid XPath expression or empty (no rule), else NULL
 * after freeing it and a warning in s naming the file, the site and the rule. */
static char *checked_rule(struct sources *s, const char *path, const struct source *src,
                          const char *rule, char *expr)
{
    if (!expr || !*expr || xpath_compiles(expr))
        return expr;
    char line[1024];
    snprintf(line, sizeof(line),
             _("%s: site '%s': the rule %s '%s' is not a valid XPath; it is ignored."), path,
             src->id, rule, expr);
    strv_push(&s->warnings, xstrdup(line));
    free(expr);
    return NULL;
}

static void free_rules(struct extract_rules *r)
{
    free((char *)r->body);
    free((char *)r->title);
    free((char *)r->byline);
    free((char *)r->published);
    if (r->drop) {
        for (size_t i = 0; r->drop[i]; i++)
            free((char *)r->drop[i]);
        free((void *)r->drop);
    }
    memset(r, 0, sizeof(*r));
}

static int load_rules(json_t *art, struct sources *s, const char *path, struct source *src,
                      char *err, size_t errlen)
{
    if (!json_is_object(art)) {
        SET_ERR("source '%s': \"article\" must be an object%s", src->id, "");
        return DB_EFORMAT;
    }
    src->rules.body = checked_rule(s, path, src, "body", opt_str(art, "body"));
    src->rules.title = checked_rule(s, path, src, "title", opt_str(art, "title"));
    src->rules.byline = checked_rule(s, path, src, "byline", opt_str(art, "byline"));
    src->rules.published = checked_rule(s, path, src, "published", opt_str(art, "published"));
    json_t *drop = json_object_get(art, "drop");
    if (drop && !json_is_array(drop)) {
        SET_ERR("source '%s': \"drop\" must be a list of XPath strings%s", src->id,
                "");
        return DB_EFORMAT;
    }
    if (drop) {
        size_t n = json_array_size(drop), k = 0;
        const char **v = xcalloc(n + 1, sizeof(*v));
        for (size_t i = 0; i < n; i++) {
            json_t *x = json_array_get(drop, i);
            char *e = json_is_string(x) ? xstrdup(json_string_value(x)) : NULL;
            if ((e = checked_rule(s, path, src, "drop", e)))
                v[k++] = e;
        }
        src->rules.drop = v;
    }
    src->has_rules = 1;
    return 0;
}

static int load_source(json_t *js, struct sources *s, const char *path, struct source *src,
                       char *err, size_t errlen)
{
    json_t *id = json_object_get(js, "id");
    if (!json_is_string(id) || !valid_slug(json_string_value(id))) {
        SET_ERR("a source has no valid \"id\" (lowercase letters, digits, -)%s%s",
                "", "");
        return DB_EFORMAT;
    }
    src->id = xstrdup(json_string_value(id));
    src->name = opt_str(js, "name");
    if (!src->name)
        src->name = xstrdup(src->id);
    src->home = opt_str(js, "home");
    json_t *cats = json_object_get(js, "categories");
    if (!json_is_object(cats)) {
        SET_ERR("source '%s' has no \"categories\" object%s", src->id, "");
        return DB_EFORMAT;
    }
    src->feeds = xcalloc(json_object_size(cats) + 1, sizeof(*src->feeds));
    const char *slug;
    json_t *url;
    json_object_foreach(cats, slug, url) {
        if (!valid_slug(slug)) {
            SET_ERR("source '%s': category '%s' is not a slug (a-z, 0-9, -)",
                    src->id, slug);
            return DB_EFORMAT;
        }
        /* "slug": "feed URL", or "slug": {"feed": URL, "page": URL} */
        json_t *feed = json_is_object(url) ? json_object_get(url, "feed") : url;
        json_t *page = json_is_object(url) ? json_object_get(url, "page") : NULL;
        if (!json_is_string(feed) || !fetch_is_url(json_string_value(feed))) {
            SET_ERR("source '%s': the feed of '%s' is not an http(s) URL", src->id,
                    slug);
            return DB_EFORMAT;
        }
        if (page && !json_is_null(page) &&
            (!json_is_string(page) || !fetch_is_url(json_string_value(page)))) {
            SET_ERR("source '%s': the category page of '%s' is not an http(s) URL", src->id,
                    slug);
            return DB_EFORMAT;
        }
        struct source_feed *f = &src->feeds[src->nfeeds++];
        f->category = xstrdup(slug);
        f->url = xstrdup(json_string_value(feed));
        f->page = json_is_string(page) ? xstrdup(json_string_value(page)) : NULL;
    }
    json_t *art = json_object_get(js, "article");
    if (art && !json_is_null(art))
        return load_rules(art, s, path, src, err, errlen);
    return 0;
}

int sources_load(const char *path, struct sources **out, char *err, size_t errlen)
{
    json_error_t jerr;
    FILE *f = fopen(path, "rb");
    if (!f) {
        SET_ERR("cannot open %s%s", path, "");
        return DB_ENOENT;
    }
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!root) {
        char where[64];
        snprintf(where, sizeof(where), "line %d", jerr.line);
        SET_ERR("%s is not valid JSON (%s)", path, where);
        return DB_EFORMAT;
    }
    int rc = 0;
    struct sources *s = xcalloc(1, sizeof(*s));
    json_t *arr = json_object_get(root, "sources");
    if (!json_is_array(arr)) {
        SET_ERR("%s has no \"sources\" list%s", path, "");
        rc = DB_EFORMAT;
        goto out;
    }
    s->v = xcalloc(json_array_size(arr) + 1, sizeof(*s->v));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *js = json_array_get(arr, i);
        if (!json_is_object(js)) {
            SET_ERR("%s: every entry of \"sources\" must be an object%s", path, "");
            rc = DB_EFORMAT;
            goto out;
        }
        rc = load_source(js, s, path, &s->v[s->n], err, errlen);
        s->n++;
        if (rc < 0)
            goto out;
        for (size_t k = 0; k + 1 < s->n; k++)
            if (strcmp(s->v[k].id, s->v[s->n - 1].id) == 0) {
                SET_ERR("%s: the source id '%s' appears twice", path,
                        s->v[k].id);
                rc = DB_EFORMAT;
                goto out;
            }
    }
    json_t *names = json_object_get(root, "category_names");
    if (json_is_object(names)) {
        s->cats = xcalloc(json_object_size(names) + 1, sizeof(*s->cats));
        const char *slug;
        json_t *v;
        json_object_foreach(names, slug, v) {
            if (!json_is_string(v))
                continue;
            s->cats[s->ncats].slug = xstrdup(slug);
            s->cats[s->ncats].name = xstrdup(json_string_value(v));
            s->ncats++;
        }
    }
out:
    json_decref(root);
    if (rc < 0) {
        sources_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int sources_load_default(struct sources **out, char **used, char *err, size_t errlen)
{
    char path[4096];
    const char *cfg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (cfg && *cfg)
        snprintf(path, sizeof(path), "%s/docbao/sources.json", cfg);
    else if (home && *home)
        snprintf(path, sizeof(path), "%s/.config/docbao/sources.json", home);
    else
        path[0] = '\0';
    int rc = DB_ENOENT;
    if (path[0]) {
        rc = sources_load(path, out, err, errlen);
        if (rc != DB_ENOENT) {
            if (rc == 0 && used)
                *used = xstrdup(path);
            return rc;
        }
    }
    snprintf(path, sizeof(path), "%s/sources.json", paths_data_dir());
    rc = sources_load(path, out, err, errlen);
    if (rc == 0 && used)
        *used = xstrdup(path);
    return rc;
}

void sources_free(struct sources *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        struct source *src = &s->v[i];
        free(src->id);
        free(src->name);
        free(src->home);
        for (size_t k = 0; k < src->nfeeds; k++) {
            free(src->feeds[k].category);
            free(src->feeds[k].url);
            free(src->feeds[k].page);
        }
        free(src->feeds);
        free_rules(&src->rules);
    }
    free(s->v);
    for (size_t i = 0; i < s->ncats; i++) {
        free(s->cats[i].slug);
        free(s->cats[i].name);
    }
    free(s->cats);
    strv_free(&s->warnings);
    free(s);
}

const struct source *sources_find(const struct sources *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].id, id) == 0)
            return &s->v[i];
    return NULL;
}

const char *source_page_url(const struct source *src, const char *category)
{
    for (size_t i = 0; i < src->nfeeds; i++)
        if (strcmp(src->feeds[i].category, category) == 0)
            return src->feeds[i].page;
    return NULL;
}

const struct source *sources_for_url(const struct sources *s, const char *url)
{
    char host[256], home[256];
    if (!s || fetch_url_host(url, host, sizeof(host)) < 0)
        return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (fetch_url_host(s->v[i].home, home, sizeof(home)) == 0 && fetch_host_within(host, home))
            return &s->v[i];
    return NULL;
}

const char *source_feed_url(const struct source *src, const char *category)
{
    for (size_t i = 0; i < src->nfeeds; i++)
        if (strcmp(src->feeds[i].category, category) == 0)
            return src->feeds[i].url;
    return NULL;
}

const char *sources_category_name(const struct sources *s, const char *slug)
{
    for (size_t i = 0; i < s->ncats; i++)
        if (strcmp(s->cats[i].slug, slug) == 0)
            return s->cats[i].name;
    return slug;
}

int sources_has_category(const struct sources *s, const char *category)
{
    for (size_t i = 0; i < s->n; i++)
        if (source_feed_url(&s->v[i], category))
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **sources_categories(const struct sources *s, size_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < s->n; i++)
        total += s->v[i].nfeeds;
    const char **v = xcalloc(total + 1, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = 0; j < s->v[i].nfeeds; j++)
            v[k++] = s->v[i].feeds[j].category;
    qsort(v, k, sizeof(*v), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
            v[u++] = v[i];
    *n = u;
    return v;
}
