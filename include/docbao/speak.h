/*
 * speak.h — the spoken path for a list of articles when no player runs (`docbao read` into a
 * pipe or a file): each article's script (script.h) — title, pauses, body sentence by
 * sentence — synthesized into an audio output. The player and the bulletin writer speak
 * the same script, so a story sounds the same in all three.
 */
#ifndef DOCBAO_SPEAK_H
#define DOCBAO_SPEAK_H

#include <stdio.h>

#include "docbao/article.h"
#include "docbao/normalize.h"
#include "docbao/out.h"
#include "docbao/tts.h"


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

/* The SAY cues of the article's script (script.h), appended to out in speaking order (the
 * title first, as one sentence). */
void speak_sentences(struct normalizer *nz, const struct article *a, struct strv *out);

#endif
