/*
 * speak.c — article → sentences → normalized text → PCM → output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/segment.h"
#include "docbao/speak.h"
#include "docbao/util.h"

static int pause_ms(struct speak_ctx *ctx, int ms)
{
    struct pcm p = PCM_INIT;
    pcm_append_silence(&p, (size_t)tts_sample_rate(ctx->tts) * (size_t)ms / 1000);
    int rc = out_write(ctx->out, p.s, p.n);
    pcm_free(&p);
    return rc;
}

/* Normalizes each sentence of text and appends the spoken forms to out. */
static void add_spoken(struct normalizer *nz, const char *text, struct strv *out)
{
    struct strv sents = STRV_INIT;
    struct buf b = BUF_INIT;
    segment_split(text, strlen(text), &sents);
    for (size_t i = 0; i < sents.n; i++) {
        buf_reset(&b);
        normalize_sentence(nz, sents.v[i], strlen(sents.v[i]), &b);
        if (b.len)
            strv_push(out, xstrdup(buf_str(&b)));
    }
    buf_free(&b);
    strv_free(&sents);
}

void speak_sentences(struct normalizer *nz, const struct article *a, struct strv *out)
{
    if (a->title)
        add_spoken(nz, a->title, out);
    for (size_t i = 0; i < a->npara; i++)
        add_spoken(nz, a->paras[i], out);
}

static int say(struct speak_ctx *ctx, const char *text)
{
    struct strv sents = STRV_INIT;
    struct pcm p = PCM_INIT;
    int rc = 0;
    add_spoken(ctx->nz, text, &sents);
    for (size_t i = 0; i < sents.n; i++) {
        if (ctx->verbose && ctx->log)
            fprintf(ctx->log, "%s\n", sents.v[i]);
        p.n = 0;
        rc = tts_synth(ctx->tts, sents.v[i], &p);
        if (rc < 0)
            goto out;
        rc = out_write(ctx->out, p.s, p.n);
        if (rc < 0)
            goto out;
    }
out:
    pcm_free(&p);
    strv_free(&sents);
    return rc;
}

int speak_article(struct speak_ctx *ctx, const struct article *a, size_t index, size_t count)
{
    int rc = 0;
    if (ctx->log) {
        fprintf(ctx->log, _("Article %zu/%zu — %s\n"), index, count,
                a->title ? a->title : _("(untitled)"));
        fflush(ctx->log);
    }
    if (index > 1 && (rc = pause_ms(ctx, SPEAK_PAUSE_ARTICLE_MS)) < 0)
        return rc;
    if (a->title) {
        if ((rc = say(ctx, a->title)) < 0)
            return rc;
        if ((rc = pause_ms(ctx, SPEAK_PAUSE_TITLE_MS)) < 0)
            return rc;
    }
    for (size_t i = 0; i < a->npara; i++) {
        if (i > 0 && (rc = pause_ms(ctx, SPEAK_PAUSE_PARA_MS)) < 0)
            return rc;
        if ((rc = say(ctx, a->paras[i])) < 0)
            return rc;
    }
    return 0;
}
