/*
 * speak.h — the spoken path for a list of articles: each article's title, then its body,
 * sentence by sentence (split, normalized, synthesized) into an audio output.
 *
 * Playback and export use the same function with different outputs, so what the listener
 * hears and what a file holds are the same samples.
 */
#ifndef DOCBAO_SPEAK_H
#define DOCBAO_SPEAK_H

#include <stdio.h>

#include "docbao/article.h"
#include "docbao/normalize.h"
#include "docbao/out.h"
#include "docbao/tts.h"

/* Pauses between parts, in milliseconds. */
#define SPEAK_PAUSE_TITLE_MS 700
#define SPEAK_PAUSE_PARA_MS 250
#define SPEAK_PAUSE_ARTICLE_MS 1500

struct speak_ctx {
    struct tts *tts;
    struct normalizer *nz;
    struct out *out;
    FILE *log;     /* status lines ("Bài 1/2 — title"); NULL for none */
    int verbose;   /* also print each sentence as spoken */
};

/* Speaks article number index (1-based) of count. Returns 0, or the first error of the
 * synthesizer (DB_ETTS) or the output (DB_EAUDIO, DB_EIO). */
int speak_article(struct speak_ctx *ctx, const struct article *a, size_t index, size_t count);

/* Splits and normalizes the article's title and paragraphs into the sentences handed to the
 * voice, appended to out in speaking order (title first). */
void speak_sentences(struct normalizer *nz, const struct article *a, struct strv *out);

#endif
