/*
 * article.h — an article as docbao speaks it: a title and paragraphs of plain text,
 * plus optional metadata. Produced by the extractor, consumed by the reader and export.
 */
#ifndef DOCBAO_ARTICLE_H
#define DOCBAO_ARTICLE_H

#include <stddef.h>

struct article {
    char *title;      /* may be NULL */
    char *byline;     /* may be NULL */
    char *published;  /* ISO 8601 or as found; may be NULL */
    char *site;       /* may be NULL */
    char *url;        /* where it came from (URL or file path); may be NULL */
    char **paras;     /* paragraphs: clean UTF-8, no newline inside, none empty */
    size_t npara;
    size_t cap;
};

struct article *article_new(void);
/* Frees a; article_free(NULL) is a no-op. */
void article_free(struct article *a);
/* A deep copy of a. */
struct article *article_dup(const struct article *a);

/* Adds a copy of the n bytes at p as a paragraph after collapsing white space; empty
 * paragraphs are ignored. */
void article_add_para(struct article *a, const char *p, size_t n);
/* Sets *field to a white-space-collapsed copy of s (or NULL when s is empty). */
void article_set(char **field, const char *s);

/* Collapses runs of white space (including newlines and NBSP) into one space and trims the
 * ends. Returns a new string. */
char *text_squash(const char *s, size_t n);

/* The length of a news agency's credit at the start of s — "(Dân trí) - ", "(NLĐO)- ",
 * "TTO - ", "VOV.VN – ", "NDĐT - ", "GD&TĐ - ", "(Chinhphu.vn) - ", "VTV.vn - " — which is not
 * the article and must not be spoken, with the white space after it (all of s when it is
 * nothing else); 0 when s starts with none. A parenthesised credit of at most 40 bytes followed by a dash
 * counts, and without the dash when it is capitals or a site name followed by a capital
 * ("(TNO) Khoảng…", not "(Nguồn: AP) Giá…"); a bare word counts when it is capitals or a site
 * name ("COVID-19 - " is not). */
size_t text_credit_len(const char *s);

/* Removes in place, at the start of every line of the plain text s (a paragraph; white space
 * before it is skipped), an agency credit as text_credit_len() finds it, when more text
 * follows on that line: `docbao text` and `read` of a text file never speak "TTO - ". Returns
 * the new length of s. */
size_t text_strip_credits(char *s);

#endif
