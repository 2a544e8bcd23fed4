/*
 * script.h — the one spoken script of a story: the cues (say this, pause N ms, a paragraph
 * starts) that the player, `docbao read` on a pipe and the bulletin writer all speak, so a
 * story sounds the same at a terminal, piped and in a bulletin (issue 18).
 *
 * A story's script is, in order:
 *   MARK 0, SAY title                  the title, one cue whatever its punctuation
 *   PAUSE SCRIPT_PAUSE_TITLE_MS        only when a body follows
 *   MARK 1, SAY sentence…              the first paragraph, sentence by sentence
 *   PAUSE SCRIPT_PAUSE_PARA_MS         between two paragraphs
 *   MARK 2, SAY sentence…              …
 *   PAUSE SCRIPT_PAUSE_STORY_MS        the gap before the next story (script_story always
 *                                      ends with it; a consumer may leave out the very last)
 * A headline (SCRIPT_HEADLINE, or an article with no paragraphs) is MARK 0, SAY title, then
 * the story gap. Every SAY text is normalized (what the voice is handed) and never empty; a
 * story with nothing to say has no cue at all.
 *
 * These pause lengths are the only ones: no consumer adds or changes a pause of its own.
 */
#ifndef DOCBAO_SCRIPT_H
#define DOCBAO_SCRIPT_H

#include <stddef.h>
#include <stdio.h>

#include "docbao/article.h"
#include "docbao/normalize.h"

#define SCRIPT_PAUSE_TITLE_MS 700  /* after a title, before the body */
#define SCRIPT_PAUSE_PARA_MS 250   /* between two paragraphs */
#define SCRIPT_PAUSE_STORY_MS 1500 /* between two stories */

enum cue_kind { CUE_SAY, CUE_PAUSE, CUE_MARK };

struct cue {
    enum cue_kind kind;
    char *text; /* CUE_SAY: the normalized sentence */
    int ms;     /* CUE_PAUSE: its length */
    int para;   /* every cue: its paragraph, 0 = the title, 1 = the first paragraph… */
};

struct script {
    struct cue *v;
    size_t n, cap;
};

#define SCRIPT_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

enum { SCRIPT_HEADLINE = 1 << 0 /* the title only */ };

/* Appends the script of one story to out: a's title (or title when a has none or a is NULL)
 * and, unless flags has SCRIPT_HEADLINE, a's paragraphs. */
void script_story(struct normalizer *nz, const struct article *a, const char *title, unsigned flags,
                  struct script *out);

/* Appends the script of a plain announcement (split and normalized, no pauses). */
void script_text(struct normalizer *nz, const char *text, int para, struct script *out);

/* The number of CUE_SAY cues in s. */
size_t script_says(const struct script *s);

void script_free(struct script *s);

/* Debugging and tests: when the environment names a file in DOCBAO_CUES, each consumer
 * appends a line there for every cue it speaks, "STORY KIND VALUE" ("2 say một hai ba",
 * "2 pause 700", "2 mark 1"), with story the 1-based story number. No-op otherwise. */
void script_trace(size_t story, const struct cue *c);

#endif
