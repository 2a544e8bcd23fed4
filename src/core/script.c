/*
 * script.c — a story into its spoken cues (see script.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docbao/script.h"
#include "docbao/segment.h"
#include "docbao/util.h"

static struct cue *push(struct script *s, enum cue_kind kind, int para)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    struct cue *c = &s->v[s->n++];
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->para = para;
    return c;
}

static void say(struct script *s, char *text, int para)
{
    push(s, CUE_SAY, para)->text = text;
}

static void pause_for(struct script *s, int ms, int para)
{
    push(s, CUE_PAUSE, para)->ms = ms;
}

/* The normalized sentences of text, each a SAY cue of paragraph para; returns how many. */
static size_t sentences(struct normalizer *nz, const char *text, int para, struct script *out)
{
    struct strv raw = STRV_INIT;
    struct buf b = BUF_INIT;
    size_t n = 0;
    segment_split(text, strlen(text), &raw);
    for (size_t i = 0; i < raw.n; i++) {
        buf_reset(&b);
        normalize_sentence(nz, raw.v[i], strlen(raw.v[i]), &b);
        if (b.len) {
            say(out, xstrdup(buf_str(&b)), para);
            n++;
        }
    }
    buf_free(&b);
    strv_free(&raw);
    return n;
}

/* The title as one SAY cue: its sentences joined, whatever its punctuation. */
static int title_cue(struct normalizer *nz, const char *title, struct script *out)
{
    struct script t = SCRIPT_INIT;
    struct buf joined = BUF_INIT;
    sentences(nz, title, 0, &t);
    for (size_t i = 0; i < t.n; i++) {
        if (i)
            buf_putc(&joined, ' ');
        buf_puts(&joined, t.v[i].text);
    }
    script_free(&t);
    if (!joined.len) {
        buf_free(&joined);
        return 0;
    }
    push(out, CUE_MARK, 0);
    say(out, buf_steal(&joined), 0);
    return 1;
}

void script_story(struct normalizer *nz, const struct article *a, const char *title, unsigned flags,
                  struct script *out)
{
    size_t start = out->n;
    const char *t = a && a->title ? a->title : title;
    int said = t ? title_cue(nz, t, out) : 0;
    int para = 0;
    struct script body = SCRIPT_INIT;
    for (size_t i = 0; a && !(flags & SCRIPT_HEADLINE) && i < a->npara; i++) {
        body.n = 0;
        if (!sentences(nz, a->paras[i], para + 1, &body))
            continue; /* a paragraph with nothing to say: no mark, no pause */
        if (said || para > 0)
            pause_for(out, para > 0 ? SCRIPT_PAUSE_PARA_MS : SCRIPT_PAUSE_TITLE_MS, para);
        para++;
        push(out, CUE_MARK, para);
        for (size_t k = 0; k < body.n; k++)
            say(out, body.v[k].text, para); /* the text moves over */
    }
    free(body.v);
    if (out->n > start)
        pause_for(out, SCRIPT_PAUSE_STORY_MS, para);
}

void script_text(struct normalizer *nz, const char *text, int para, struct script *out)
{
    sentences(nz, text, para, out);
}

size_t script_says(const struct script *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->v[i].kind == CUE_SAY;
    return n;
}

void script_free(struct script *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].text);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

void script_trace(size_t story, const struct cue *c)
{
    const char *path = getenv("DOCBAO_CUES");
    if (!path || !*path)
        return;
    char line[4096];
    int n;
    if (c->kind == CUE_SAY)
        n = snprintf(line, sizeof(line), "%zu say %s\n", story, c->text);
    else
        n = snprintf(line, sizeof(line), "%zu %s %d\n", story,
                     c->kind == CUE_PAUSE ? "pause" : "mark",
                     c->kind == CUE_PAUSE ? c->ms : c->para);
    if (n <= 0)
        return;
    if ((size_t)n >= sizeof(line))
        n = (int)sizeof(line) - 1, line[n - 1] = '\n';
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    ssize_t w = write(fd, line, (size_t)n);
    (void)w;
    close(fd);
}
