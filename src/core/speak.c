/*
 * speak.c — an article's script (script.h) → PCM → output: `docbao read` and listening
 * when no player runs (a pipe).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/script.h"
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

void speak_sentences(struct normalizer *nz, const struct article *a, struct strv *out)
{
    struct script sc = SCRIPT_INIT;
    script_story(nz, a, NULL, 0, &sc);
    for (size_t i = 0; i < sc.n; i++)
        if (sc.v[i].kind == CUE_SAY) {
            strv_push(out, sc.v[i].text);
            sc.v[i].text = NULL;
        }
    script_free(&sc);
}

int speak_article(struct speak_ctx *ctx, const struct article *a, size_t index, size_t count)
{
    if (ctx->log) {
        fprintf(ctx->log, _("Article %zu/%zu — %s\n"), index, count,
                a->title ? a->title : _("(untitled)"));
        fflush(ctx->log);
    }
    struct script sc = SCRIPT_INIT;
    struct pcm p = PCM_INIT;
    int rc = 0;
    script_story(ctx->nz, a, NULL, 0, &sc);
    /* the story gap separates two stories: none after the last */
    size_t n = sc.n;
    if (index >= count && n && sc.v[n - 1].kind == CUE_PAUSE)
        n--;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        const struct cue *c = &sc.v[i];
        script_trace(index, c);
        if (c->kind == CUE_PAUSE) {
            rc = pause_ms(ctx, c->ms);
        } else if (c->kind == CUE_SAY) {
            if (ctx->verbose && ctx->log)
                fprintf(ctx->log, "%s\n", c->text);
            p.n = 0;
            rc = tts_synth(ctx->tts, c->text, &p);
            if (rc >= 0)
                rc = out_write(ctx->out, p.s, p.n);
        }
    }
    pcm_free(&p);
    script_free(&sc);
    return rc < 0 ? rc : 0;
}
