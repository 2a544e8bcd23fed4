/*
 * sources.h — the news sites docbao knows and their category feeds (SPEC §3).
 *
 * The built-in sources file ships in the data folder (sources.json); a user file
 * ($XDG_CONFIG_HOME/docbao/sources.json, or --sources FILE) replaces it whole.
 */
#ifndef DOCBAO_SOURCES_H
#define DOCBAO_SOURCES_H

#include <stddef.h>

#include "docbao/extract.h"
#include "docbao/util.h"

struct source_feed {
    char *category;   /* slug: ASCII, lowercase, hyphenated */
    char *url;        /* http(s) feed URL */
    char *page;       /* the category's page on the site, read when the feed fails or is
                         empty; NULL when none is known */
};

struct source {
    char *id;                 /* e.g. "vnexpress" */
    char *name;               /* e.g. "VnExpress" */
    char *home;               /* home page URL; may be NULL */
    struct source_feed *feeds;
    size_t nfeeds;
    int has_rules;            /* rules below are set */
    struct extract_rules rules;
};

struct category_name {
    char *slug;
    char *name;               /* Vietnamese display name, e.g. "Xã hội" */
};

struct sources {
    struct source *v;
    size_t n;
    struct category_name *cats;
    size_t ncats;
    struct strv warnings;     /* problems the load got past, one line each for the user
                               * (in the interface language; "file: site 'x': ..."), e.g. an
                               * extraction rule that is not a valid XPath and was dropped */
};

/* Loads a sources file (JSON, SPEC §3 schema). On failure returns DB_ENOENT (no file),
 * DB_EFORMAT (not valid JSON or not the schema) with a one-line English description of the
 * problem in err (errlen bytes; may be NULL). An extraction rule that is not a valid XPath
 * 1.0 expression is left out (the site's pages are then extracted as if the rule matched
 * nothing) with a line in (*out)->warnings. */
int sources_load(const char *path, struct sources **out, char *err, size_t errlen);

/* Loads the user's file when it exists ($XDG_CONFIG_HOME/docbao/sources.json), else the
 * built-in one from the data folder. *used receives the path loaded (owned by the caller). */
int sources_load_default(struct sources **out, char **used, char *err, size_t errlen);

/* sources_free(NULL) is a no-op. */
void sources_free(struct sources *s);

/* The source with this id, or NULL. */
const struct source *sources_find(const struct sources *s, const char *id);

/* The feed URL of src for category, or NULL when the site has none. */
const char *source_feed_url(const struct source *src, const char *category);

/* The category page of src's category (read when its feed fails), or NULL. */
const char *source_page_url(const struct source *src, const char *category);

/* The site an article URL belongs to: the one whose home page has the URL's host, or a host
 * below it ("m.dantri.com.vn" belongs to https://dantri.com.vn; "www." is ignored). NULL when
 * none does, or for a URL that is not http(s). */
const struct source *sources_for_url(const struct sources *s, const char *url);

/* The display name of a category slug (the slug itself when unnamed). */
const char *sources_category_name(const struct sources *s, const char *slug);

/* Nonzero when any source has a feed for category. */
int sources_has_category(const struct sources *s, const char *category);

/* Every category slug that some source has, sorted, without duplicates (strings owned by s;
 * the array by the caller). */
const char **sources_categories(const struct sources *s, size_t *n);

#endif
