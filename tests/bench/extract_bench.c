/*
 * extract_bench.c — quality and speed of the article extractor (src/news/extract.c).
 *
 *   extract_bench [-v] READABILITY_DIR VNEXPRESS_HTML [SOURCES_JSON REAL_PAGE…]
 *
 * Quality: for every directory under READABILITY_DIR holding source.html and expected.html
 * (Mozilla Readability's test pages), the extracted paragraphs and the text of expected.html
 * are cut into lowercase words (runs of Unicode letters and digits); precision, recall and
 * F1 come from the multiset overlap of the two word lists, and are averaged over the pages.
 * A page the extractor fails on counts as F1 0. -v prints each page's figures, worst first.
 *
 * Speed: the median wall-clock time of 50 extractions of VNEXPRESS_HTML (after 3 warm-ups);
 * then, in the same way, of each REAL_PAGE named SITE_article.html, in process, with the rules
 * SOURCES_JSON gives site SITE (none: the generic extractor), as `docbao extract FILE --url`
 * would apply them.
 *
 * Output, one line each:
 *   extract: readability token F1 0.953 (precision 0.95, recall 0.96, 130 pages)
 *   extract: vnexpress 250 KB page in 3.1 ms (median of 50)
 *   extract: dantri real page in 1.9 ms in process, site rules (median of 50)
 * Exit status 0, or 1 when an input could not be read.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <utf8proc.h>

#include "docbao/article.h"
#include "docbao/err.h"
#include "docbao/extract.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

#define RUNS 50

struct page_score {
    char name[128];
    double p, r, f;
    int rc;
};

/* Appends the lowercase words of the UTF-8 string s to out. */
static void words(const char *s, struct strv *out)
{
    char *low = utf8_lower(s, strlen(s));
    struct buf w = BUF_INIT;
    size_t n = strlen(low), i = 0;
    while (i <= n) {
        int cp = 0;
        size_t k = i < n ? utf8_decode(low + i, n - i, &cp) : 1;
        utf8proc_category_t c = i < n ? utf8proc_category(cp) : UTF8PROC_CATEGORY_CN;
        int word = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ND);
        if (word) {
            buf_append(&w, low + i, k);
        } else if (w.len) {
            strv_push(out, buf_steal(&w));
        }
        i += k;
    }
    buf_free(&w);
    free(low);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Size of the multiset intersection of x and y (both get sorted). */
static size_t overlap(struct strv *x, struct strv *y)
{
    qsort(x->v, x->n, sizeof(char *), cmp_str);
    qsort(y->v, y->n, sizeof(char *), cmp_str);
    size_t i = 0, j = 0, k = 0;
    while (i < x->n && j < y->n) {
        int c = strcmp(x->v[i], y->v[j]);
        if (c == 0) {
            k++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    return k;
}

/* The visible text of an HTML file, blocks separated by spaces (caller frees). */
static char *html_text(const char *html, size_t len)
{
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET);
    struct buf b = BUF_INIT;
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNode *n = root; n;) {
        if (n->type == XML_TEXT_NODE && n->content) {
            buf_puts(&b, (const char *)n->content);
            buf_putc(&b, ' ');
        }
        int skip =
            n->type == XML_ELEMENT_NODE && (xmlStrEqual(n->name, (const xmlChar *)"script") ||
                                            xmlStrEqual(n->name, (const xmlChar *)"style"));
        if (!skip && n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        /* a block boundary between elements */
        buf_putc(&b, ' ');
        while (n && n != root && !n->next)
            n = n->parent;
        n = (n && n != root) ? n->next : NULL;
    }
    if (doc)
        xmlFreeDoc(doc);
    return buf_steal(&b);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmp_score(const void *a, const void *b)
{
    double x = ((const struct page_score *)a)->f, y = ((const struct page_score *)b)->f;
    return x < y ? -1 : x > y;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Scores one page; returns 0, or -1 when its files could not be read. */
static int score_page(const char *dir, const char *name, struct page_score *ps)
{
    char path[1024];
    struct buf src = BUF_INIT, exp = BUF_INIT;
    snprintf(ps->name, sizeof(ps->name), "%s", name);
    snprintf(path, sizeof(path), "%s/%s/source.html", dir, name);
    if (read_file(path, 64u << 20, &src) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/%s/expected.html", dir, name);
    if (read_file(path, 64u << 20, &exp) < 0) {
        buf_free(&src);
        return -1;
    }
    struct article *a = NULL;
    ps->rc = extract_html(src.data, src.len, NULL, &a);
    struct strv got = STRV_INIT, want = STRV_INIT;
    for (size_t i = 0; a && i < a->npara; i++)
        words(a->paras[i], &got);
    char *t = html_text(exp.data, exp.len);
    words(t, &want);
    free(t);
    size_t common = overlap(&got, &want);
    ps->p = got.n ? (double)common / (double)got.n : 0;
    ps->r = want.n ? (double)common / (double)want.n : 0;
    ps->f = ps->p + ps->r > 0 ? 2 * ps->p * ps->r / (ps->p + ps->r) : 0;
    strv_free(&got);
    strv_free(&want);
    article_free(a);
    buf_free(&src);
    buf_free(&exp);
    return 0;
}

static int bench_readability(const char *dir, int verbose)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "extract_bench: cannot open %s\n", dir);
        return -1;
    }
    struct strv names = STRV_INIT;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            strv_push(&names, xstrdup(e->d_name));
    closedir(d);
    qsort(names.v, names.n, sizeof(char *), cmp_name);

    struct page_score *ps = xcalloc(names.n ? names.n : 1, sizeof(*ps));
    size_t n = 0;
    double sp = 0, sr = 0, sf = 0;
    for (size_t i = 0; i < names.n; i++) {
        if (score_page(dir, names.v[i], &ps[n]) < 0)
            continue;
        sp += ps[n].p;
        sr += ps[n].r;
        sf += ps[n].f;
        n++;
    }
    if (verbose) {
        qsort(ps, n, sizeof(*ps), cmp_score);
        for (size_t i = 0; i < n; i++)
            printf("  %-40s F1 %.3f  P %.3f  R %.3f%s\n", ps[i].name, ps[i].f, ps[i].p, ps[i].r,
                   ps[i].rc < 0 ? "  (failed)" : "");
    }
    if (n)
        printf("extract: readability token F1 %.3f (precision %.3f, recall %.3f, %zu pages)\n",
               sf / (double)n, sp / (double)n, sr / (double)n, n);
    free(ps);
    strv_free(&names);
    return n ? 0 : -1;
}

/* The median time of RUNS extractions of the page at path (after 3 warm-ups), with rules
 * (may be NULL), into *ms. Returns 0 or the extractor's error. */
static int time_page(const struct buf *b, const struct extract_rules *rules, double *ms)
{
    double t[RUNS];
    for (int i = -3; i < RUNS; i++) {
        struct article *a = NULL;
        double t0 = now_ms();
        int rc = extract_html_rules(b->data, b->len, NULL, rules, &a);
        double dt = now_ms() - t0;
        article_free(a);
        if (rc < 0)
            return rc;
        if (i >= 0)
            t[i] = dt;
    }
    qsort(t, RUNS, sizeof(t[0]), cmp_double);
    *ms = (t[RUNS / 2 - 1] + t[RUNS / 2]) / 2;
    return 0;
}

static const char *rule_str(const json_t *art, const char *key)
{
    return json_string_value(json_object_get(art, key));
}

/* Times each real page with its site's rules from the sources file at sources. */
static int bench_real(const char *sources, char **pages, int npages)
{
    json_error_t jerr;
    json_t *root = json_load_file(sources, 0, &jerr);
    if (!root) {
        fprintf(stderr, "extract_bench: %s: %s\n", sources, jerr.text);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < npages; i++) {
        const char *base = strrchr(pages[i], '/') ? strrchr(pages[i], '/') + 1 : pages[i];
        const char *end = strstr(base, "_article.html");
        if (!end)
            continue;
        char site[64];
        snprintf(site, sizeof(site), "%.*s", (int)(end - base), base);
        const json_t *art = NULL, *src;
        size_t k;
        json_array_foreach(json_object_get(root, "sources"), k, src)
        {
            const char *id = json_string_value(json_object_get(src, "id"));
            if (id && strcmp(id, site) == 0)
                art = json_object_get(src, "article");
        }
        const char *drop[16] = {0};
        const json_t *d;
        size_t nd = 0;
        json_array_foreach(json_object_get(art, "drop"), k, d)
        {
            if (nd < 15 && json_string_value(d))
                drop[nd++] = json_string_value(d);
        }
        struct extract_rules rules = {rule_str(art, "body"), rule_str(art, "title"),
                                      rule_str(art, "byline"), rule_str(art, "published"), drop};
        struct buf b = BUF_INIT;
        double ms = 0;
        int r = read_file(pages[i], 64u << 20, &b);
        if (r >= 0)
            r = time_page(&b, art ? &rules : NULL, &ms);
        if (r < 0) {
            fprintf(stderr, "extract_bench: %s: %s\n", pages[i], db_strerror(r));
            rc = -1;
        } else {
            printf("extract: %s real page in %.2f ms in process, %s (median of %d)\n", site, ms,
                   art ? "site rules" : "generic extractor", RUNS);
        }
        buf_free(&b);
    }
    json_decref(root);
    return rc;
}

static int bench_speed(const char *path)
{
    struct buf b = BUF_INIT;
    if (read_file(path, 64u << 20, &b) < 0) {
        fprintf(stderr, "extract_bench: cannot read %s\n", path);
        return -1;
    }
    double ms = 0;
    int rc = time_page(&b, NULL, &ms);
    if (rc < 0)
        fprintf(stderr, "extract_bench: %s: %s\n", path, db_strerror(rc));
    else
        printf("extract: vnexpress %zu KB page in %.2f ms (median of %d)\n", b.len / 1000, ms,
               RUNS);
    buf_free(&b);
    return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    int verbose = 0, i = 1;
    if (i < argc && strcmp(argv[i], "-v") == 0) {
        verbose = 1;
        i++;
    }
    if (argc - i < 2 || argc - i == 3) {
        fprintf(stderr, "usage: extract_bench [-v] READABILITY_DIR VNEXPRESS_HTML "
                        "[SOURCES_JSON REAL_PAGE...]\n");
        return 2;
    }
    int rc = 0;
    if (bench_readability(argv[i], verbose) < 0)
        rc = 1;
    if (bench_speed(argv[i + 1]) < 0)
        rc = 1;
    if (argc - i > 3 && bench_real(argv[i + 2], argv + i + 3, argc - i - 3) < 0)
        rc = 1;
    return rc;
}
