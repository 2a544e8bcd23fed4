/*
 * player.c — the listening engine (see player.h).
 *
 * Three parties share one mutex-protected state:
 *   - callers (the keyboard loop, the daemon) change it through player_command(), which
 *     runs the command table's row (cmd.h): the cmd_run_* functions below;
 *   - the synthesis thread fetches stories through the source, turns them into spoken
 *     sentences and synthesizes the current sentence and a few after it (and any spoken
 *     announcement) into PCM slots;
 *   - the audio thread writes the current sentence to the output in 20 ms chunks and moves
 *     the place forward when a sentence ends.
 * Every jump (skip, speed change, repeat) bumps a generation number: PCM made for an older
 * generation is thrown away, and the audio thread drops what the device still holds, so the
 * listener hears the change at once. News goes up through an event pipe (status lines and
 * state changes), never through callbacks.
 *
 * How sentences become sound is the engine (struct engine): the PCM engine above (eSpeak NG
 * through the tts module into an out driver), or the speech-dispatcher engine, whose thread
 * hands each sentence's text to speech-dispatcher (speechd.h) in place of the audio thread
 * and moves on when speech-dispatcher reports the message's end; there the synthesis thread
 * only loads texts. The commands and the state are the same for both.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "docbao/cache.h"
#include "docbao/cmd.h"
#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/out.h"
#include "docbao/player.h"
#include "docbao/script.h"
#include "docbao/segment.h"
#include "docbao/speak.h"
#include "docbao/speechd.h"
#include "docbao/tts.h"
#include "docbao/util.h"

#define AHEAD 3 /* sentences synthesized ahead of the one playing */
#define NSLOTS (AHEAD + 2)
#define CHUNK_MS 20
#define RELEASE_S 5  /* paused this long, a sound card is released (like mpd) */
#define FADE_MS 1500 /* the sleep timer fades the last sentence out over this long */
#define MIN_SPEED 0.5
#define MAX_SPEED 4.0
#define SD_CHECK_S 2    /* speech-dispatcher engine: how often a silent server is asked */
#define SD_RESAY_MS 300 /* ... and the pause before saying again what another cancelled */
#define BYE_MS 1000     /* "quit" says goodbye, but the program ends within this long */

struct player;

/* The engine seam: how sentences become sound. */
struct engine {
    const char *name;
    /* Opens what the engine needs for o (before the threads start). Returns 0 or an error
     * of player_new(). */
    int (*open)(struct player *p, const struct player_opts *o);
    /* The thread that speaks: plays the current sentence (and announcements) and moves the
     * place on as sentences end. */
    void *(*run)(void *p);
    /* Seconds of the current sentence heard so far (lock held). */
    double (*heard)(struct player *p);
    /* Releases what open() took (threads stopped). finished: playback ended for good, so
     * what is queued may play out. Returns the output's error on closing, else 0. */
    int (*close)(struct player *p, int finished);
    /* Nonzero: the synthesis thread makes PCM ahead (sentences and announcements). */
    int synthesizes;
};

/* A story's text as spoken: sentence 0 is the title. */
struct story_text {
    size_t story;
    int full;          /* body included (not only the title) */
    int failed;        /* the article could not be had: skip the story */
    struct strv sents; /* normalized sentences: the story's script's SAY cues */
    int *pause_ms;     /* per sentence: the script's pause after it (0: none) */
    int *para;         /* per sentence: its paragraph (0: the title) */
};

struct slot {
    int used;
    unsigned long gen;
    size_t story, sentence;
    struct pcm pcm;
};

/* A story's title, URL and site name, copied from the source by the synthesis thread (or
 * player_new): the other threads read these, under the lock, never the source itself, which
 * may be appending stories meanwhile (news.c reallocates its list). */
struct story_meta {
    char *title, *url, *site;
};

struct player {
    /* fixed after player_new */
    const struct engine *eng;
    struct player_source src;
    struct tts *tts; /* PCM engine */
    struct normalizer *nz;
    /* under the lock: the copies of stories 0 .. nmeta - 1 (meta_grow) */
    struct story_meta *meta;
    size_t nmeta;
    struct out *out; /* PCM engine; NULL while released (see RELEASE_S) */
    char *out_name;  /* PCM engine: the driver and target, to open it again */
    char *out_target;
    struct speechd *sd;  /* speech-dispatcher engine */
    struct cache *cache; /* our own connection, for places; may be NULL */
    char *place_key;
    int quit_at_end;
    int refetched;
    int verbose;
    int rate;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t synth_thread, audio_thread;
    int started;
    int event_pipe[2];

    /* state, under lock */
    enum player_run run;
    int finished;
    int quitting;
    double speed;
    double synth_speed; /* the speed the voice is set to (synthesis thread) */
    unsigned long gen;
    size_t count; /* stories known */
    size_t story, sentence;
    size_t pos;                 /* samples of the current sentence already played */
    double resume_frac;         /* after a speed change: where to pick up, as a fraction */
    int headlines;              /* headlines mode */
    long full_story;            /* in headlines mode: the story read in full (-1 none) */
    struct story_text texts[2]; /* the current story and the next */
    struct slot slots[NSLOTS];
    struct strv announce;    /* texts to say before going on */
    struct pcm announce_pcm; /* synthesized announcement, played first */
    int announce_ready;
    size_t heard_pending[16];
    size_t nheard;
    int sleep_minutes;
    time_t sleep_deadline; /* 0 = off */
    int fading;
    unsigned long version;
    struct strv events;
    int out_error;
    int sd_sounding;          /* speech-dispatcher engine: the sentence has begun to sound */
    struct timespec sd_begun; /* ... at this time (CLOCK_MONOTONIC) */
    /* strings handed out by player_get_state */
    char *st_title, *st_url, *st_site;
    int place_dirty;
    int ended;              /* headlines mode: the list is over (the place stays on the last
                               story, nothing plays until a key) */
    int bye;                /* quitting: the goodbye is said, then finished */
    long long bye_deadline; /* ... finished by this time (mono_ms) whatever happens */
    char *answer;           /* the printed answer of the last command, or NULL */
};

/* ---- events -------------------------------------------------------------------------------- */

static void wake_events(struct player *p)
{
    char c = 1;
    ssize_t w = write(p->event_pipe[1], &c, 1);
    (void)w;
}

/* Queues a status line (lock held). */
static void emit(struct player *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct player *p, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    strv_push(&p->events, xstrdup(line));
    wake_events(p);
}

static void changed(struct player *p)
{
    p->version++;
    wake_events(p);
    pthread_cond_broadcast(&p->cond);
}

/* "1,3" in Vietnamese, "1.3" in English: the decimal separator is a translated string. */
static void fmt_speed(double speed, char *out, size_t n)
{
    int tenths = (int)lround(speed * 10);
    snprintf(out, n, "%d%s%d", tenths / 10, _("."), tenths % 10);
}

static void announce(struct player *p, const char *text);
static void list_over(struct player *p);

/* The answer to a command that has nothing else to show for it (a key at an end, a speed at
 * its limit): printed in the interface language, spoken in Vietnamese (the voice's
 * language), and kept as the command's answer for the daemon's reply (lock held). */
static void answer(struct player *p, const char *printed, const char *spoken)
{
    emit(p, "%s", printed);
    announce(p, spoken);
    free(p->answer);
    p->answer = xstrdup(printed);
}

/* ---- the text of stories ---------------------------------------------------------------- */

static struct story_text *text_for(struct player *p, size_t story)
{
    for (int i = 0; i < 2; i++)
        if (p->texts[i].sents.v && p->texts[i].story == story)
            return &p->texts[i];
    for (int i = 0; i < 2; i++)
        if (p->texts[i].failed && p->texts[i].story == story)
            return &p->texts[i];
    return NULL;
}

static int want_full(struct player *p, size_t story)
{
    return !p->headlines || (long)story == p->full_story;
}

/* Copies stories nmeta .. c - 1 from the source (the synthesis thread, or player_new before
 * the threads start: the only callers of the source), then installs them under the lock.
 * Called unlocked. */
static void meta_grow(struct player *p, size_t c)
{
    pthread_mutex_lock(&p->lock);
    size_t from = p->nmeta;
    pthread_mutex_unlock(&p->lock);
    if (c <= from)
        return;
    struct story_meta *add = xcalloc(c - from, sizeof(*add));
    for (size_t i = from; i < c; i++) {
        const char *t = p->src.title(p->src.ctx, i), *u = p->src.url(p->src.ctx, i);
        const char *st = p->src.site ? p->src.site(p->src.ctx, i) : NULL;
        add[i - from] = (struct story_meta){t ? xstrdup(t) : NULL, u ? xstrdup(u) : NULL,
                                            st ? xstrdup(st) : NULL};
    }
    pthread_mutex_lock(&p->lock);
    p->meta = xrealloc(p->meta, c * sizeof(*p->meta));
    memcpy(p->meta + from, add, (c - from) * sizeof(*add));
    p->nmeta = c;
    pthread_mutex_unlock(&p->lock);
    free(add);
}

/* Story i's title, URL, site name (lock held); NULL when unknown. */
static const char *story_title(const struct player *p, size_t i)
{
    return i < p->nmeta ? p->meta[i].title : NULL;
}

static const char *story_url(const struct player *p, size_t i)
{
    return i < p->nmeta ? p->meta[i].url : NULL;
}

static const char *story_site(const struct player *p, size_t i)
{
    return i < p->nmeta ? p->meta[i].site : NULL;
}

/* Normalized sentences of the text (split first): an announcement's. */
static void spoken_sentences(struct player *p, const char *text, struct strv *out)
{
    struct script sc = SCRIPT_INIT;
    script_text(p->nz, text, 0, &sc);
    for (size_t i = 0; i < sc.n; i++) {
        strv_push(out, sc.v[i].text);
        sc.v[i].text = NULL;
    }
    script_free(&sc);
}

/* Loads story's text into a free text slot (synthesis thread; called unlocked): the story's
 * script (script.h), its SAY cues as the sentences, each with the pause that follows it. */
static void load_text(struct player *p, size_t story, int full, struct story_text *dst)
{
    struct script sc = SCRIPT_INIT;
    int failed = 0;
    const char *title = p->src.title(p->src.ctx, story);
    if (full) {
        struct article *a = NULL;
        if (p->src.article(p->src.ctx, story, &a) == 0) {
            script_story(p->nz, a, title, 0, &sc);
            article_free(a);
        } else {
            failed = 1;
        }
    } else {
        script_story(p->nz, NULL, title, SCRIPT_HEADLINE, &sc);
    }
    struct strv sents = STRV_INIT;
    size_t n = script_says(&sc);
    int *pause = xcalloc(n ? n : 1, sizeof(*pause)), *para = xcalloc(n ? n : 1, sizeof(*para));
    for (size_t i = 0; i < sc.n; i++) {
        if (sc.v[i].kind == CUE_SAY) {
            para[sents.n] = sc.v[i].para;
            strv_push(&sents, sc.v[i].text);
            sc.v[i].text = NULL;
        } else if (sc.v[i].kind == CUE_PAUSE && sents.n) {
            pause[sents.n - 1] += sc.v[i].ms;
        }
    }
    script_free(&sc);
    pthread_mutex_lock(&p->lock);
    strv_free(&dst->sents);
    free(dst->pause_ms);
    free(dst->para);
    dst->story = story;
    dst->full = full;
    dst->failed = failed || sents.n == 0;
    dst->sents = sents;
    dst->pause_ms = pause;
    dst->para = para;
    if (dst->failed) {
        strv_free(&dst->sents);
        free(dst->pause_ms);
        free(dst->para);
        dst->pause_ms = dst->para = NULL;
    }
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static size_t nsentences(struct player *p, size_t story)
{
    struct story_text *t = text_for(p, story);
    return t && !t->failed ? t->sents.n : 0;
}

/* ---- the place ------------------------------------------------------------------------------ */

static void save_place(struct player *p)
{
    if (!p->cache || !p->place_key)
        return;
    const char *url = p->story < p->count ? story_url(p, p->story) : NULL;
    cache_place_save(p->cache, p->place_key, url, (int)p->sentence);
}

/* Moves to story s, sentence k (lock held); announces a new story. */
static void go_to(struct player *p, size_t s, size_t k)
{
    int new_story = s != p->story;
    if (p->ended) { /* headlines mode after the end: a move plays again */
        p->ended = 0;
        p->run = PLAYER_PLAYING;
    }
    p->story = s;
    p->sentence = k;
    p->pos = 0;
    p->resume_frac = 0;
    p->gen++;
    p->place_dirty = 1;
    if (new_story && s < p->count) {
        if (p->headlines && (long)s != p->full_story)
            p->full_story = -1;
        emit(p, _("Article %zu/%zu — %s"), s + 1, p->count, story_title(p, s));
    }
    changed(p);
}

/* ---- the synthesis thread ---------------------------------------------------------------- */

static struct slot *find_slot(struct player *p, size_t story, size_t sentence)
{
    for (int i = 0; i < NSLOTS; i++)
        if (p->slots[i].used && p->slots[i].gen == p->gen && p->slots[i].story == story &&
            p->slots[i].sentence == sentence)
            return &p->slots[i];
    return NULL;
}

static struct slot *free_slot(struct player *p)
{
    for (int i = 0; i < NSLOTS; i++) {
        struct slot *sl = &p->slots[i];
        int stale = sl->used && (sl->gen != p->gen || sl->story < p->story ||
                                 (sl->story == p->story && sl->sentence < p->sentence));
        if (!sl->used || stale) {
            sl->used = 0;
            sl->pcm.n = 0;
            return sl;
        }
    }
    return NULL;
}

/* The next (story, sentence) after the given one, or 0 when its text is not known yet. */
static int next_pos(struct player *p, size_t s, size_t k, size_t *ns, size_t *nk)
{
    struct story_text *t = text_for(p, s);
    if (!t)
        return 0;
    if (!t->failed && k + 1 < t->sents.n) {
        *ns = s;
        *nk = k + 1;
        return 1;
    }
    if (s + 1 >= p->count)
        return 0;
    *ns = s + 1;
    *nk = 0;
    return 1;
}

/* What the synthesis thread should do next (lock held). */
enum job { JOB_NONE, JOB_TEXT, JOB_SYNTH, JOB_ANNOUNCE, JOB_HEARD };

static enum job next_job(struct player *p, size_t *story, size_t *sentence, int *full)
{
    if (p->nheard)
        return JOB_HEARD;
    if (p->eng->synthesizes && p->announce.n && !p->announce_ready)
        return JOB_ANNOUNCE;
    if (p->run == PLAYER_STOPPED || p->story >= p->count)
        return JOB_NONE;
    size_t s = p->story, k = p->sentence;
    for (int ahead = 0; ahead <= AHEAD; ahead++) {
        struct story_text *t = text_for(p, s);
        if (!t || (!t->failed && t->full != want_full(p, s))) {
            *story = s;
            *full = want_full(p, s);
            return JOB_TEXT;
        }
        if (p->eng->synthesizes && !t->failed && k < t->sents.n && !find_slot(p, s, k)) {
            if (!free_slot(p))
                return JOB_NONE;
            *story = s;
            *sentence = k;
            return JOB_SYNTH;
        }
        size_t ns, nk;
        if (!next_pos(p, s, k, &ns, &nk))
            break;
        s = ns;
        k = nk;
    }
    return JOB_NONE;
}

static void *synth_main(void *arg)
{
    struct player *p = arg;
    struct pcm pcm = PCM_INIT;
    pthread_mutex_lock(&p->lock);
    while (!p->quitting) {
        size_t story = 0, sentence = 0;
        int full = 0;
        size_t c = p->src.count(p->src.ctx); /* the source may have grown */
        if (c > p->count) {
            pthread_mutex_unlock(&p->lock);
            meta_grow(p, c);
            pthread_mutex_lock(&p->lock);
            p->count = c;
            changed(p);
        }
        enum job j = next_job(p, &story, &sentence, &full);
        if (j == JOB_NONE) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&p->cond, &p->lock, &ts);
            continue;
        }
        if (j == JOB_HEARD) {
            size_t s = p->heard_pending[--p->nheard];
            pthread_mutex_unlock(&p->lock);
            if (p->src.heard)
                p->src.heard(p->src.ctx, s);
            pthread_mutex_lock(&p->lock);
            continue;
        }
        if (j == JOB_TEXT) {
            /* reload the story's own slot, else take the one not holding the current story */
            struct story_text *dst = NULL;
            for (int i = 0; i < 2 && !dst; i++)
                if (p->texts[i].story == story)
                    dst = &p->texts[i];
            for (int i = 0; i < 2 && !dst; i++)
                if (p->texts[i].story != p->story)
                    dst = &p->texts[i];
            if (!dst)
                dst = &p->texts[0];
            pthread_mutex_unlock(&p->lock);
            load_text(p, story, full, dst);
            pthread_mutex_lock(&p->lock);
            struct story_text *t = text_for(p, story);
            if (t && t->failed && story == p->story) {
                emit(p, _("Article %zu/%zu could not be read; skipped."), story + 1, p->count);
                if (story + 1 < p->count)
                    go_to(p, story + 1, 0);
                else
                    list_over(p);
            }
            changed(p);
            continue;
        }
        if (j == JOB_ANNOUNCE) {
            char *text = xstrdup(p->announce.v[0]);
            pthread_mutex_unlock(&p->lock);
            struct strv s = STRV_INIT;
            spoken_sentences(p, text, &s);
            pcm.n = 0;
            if (p->synth_speed != p->speed) {
                tts_set_speed(p->tts, p->speed);
                p->synth_speed = p->speed;
            }
            for (size_t i = 0; i < s.n; i++)
                tts_synth(p->tts, s.v[i], &pcm);
            strv_free(&s);
            free(text);
            pthread_mutex_lock(&p->lock);
            p->announce_pcm.n = 0;
            pcm_append(&p->announce_pcm, pcm.s, pcm.n);
            p->announce_ready = 1;
            pthread_cond_broadcast(&p->cond);
            continue;
        }
        /* JOB_SYNTH */
        struct story_text *t = text_for(p, story);
        char *text = xstrdup(t->sents.v[sentence]);
        int pause_after = t->pause_ms[sentence];
        unsigned long gen = p->gen;
        double speed = p->speed;
        pthread_mutex_unlock(&p->lock);
        if (p->synth_speed != speed) {
            tts_set_speed(p->tts, speed);
            p->synth_speed = speed;
        }
        pcm.n = 0;
        tts_synth(p->tts, text, &pcm);
        free(text);
        pthread_mutex_lock(&p->lock);
        if (gen != p->gen)
            continue;
        struct slot *sl = free_slot(p);
        if (!sl)
            continue;
        sl->used = 1;
        sl->gen = gen;
        sl->story = story;
        sl->sentence = sentence;
        pcm_append(&sl->pcm, pcm.s, pcm.n);
        if (pause_after)
            pcm_append_silence(&sl->pcm, (size_t)p->rate * (size_t)pause_after / 1000);
        if (sl->pcm.n == 0)
            pcm_append_silence(&sl->pcm, 1);
        pthread_cond_broadcast(&p->cond);
    }
    pthread_mutex_unlock(&p->lock);
    pcm_free(&pcm);
    return NULL;
}

/* DOCBAO_CUES (script.h): the cues of the sentence that starts playing (lock held). */
static void trace_cues(struct player *p)
{
    struct story_text *t = text_for(p, p->story);
    size_t k = p->sentence;
    if (!getenv("DOCBAO_CUES") || !t || t->failed || k >= t->sents.n)
        return;
    struct cue mark = {CUE_MARK, NULL, 0, t->para[k]};
    struct cue say = {CUE_SAY, t->sents.v[k], 0, t->para[k]};
    struct cue gap = {CUE_PAUSE, NULL, t->pause_ms[k], t->para[k]};
    if (k == 0 || t->para[k] != t->para[k - 1])
        script_trace(p->story + 1, &mark);
    script_trace(p->story + 1, &say);
    if (gap.ms)
        script_trace(p->story + 1, &gap);
}

/* ---- the audio thread ---------------------------------------------------------------------- */

/* Nonzero when the output is a sound card, which a long pause gives back to the system:
 * other programs (and the sound server's power saving) get it while nobody listens. */
static int releasable(const struct player *p)
{
    return strcmp(p->out_name, "file") != 0 && strcmp(p->out_name, "null") != 0;
}

/* Writes n samples unlocked, opening the output again first if a pause released it;
 * returns the output's result. */
static int write_unlocked(struct player *p, const int16_t *s, size_t n)
{
    pthread_mutex_unlock(&p->lock);
    int rc = 0;
    if (!p->out)
        rc = out_open(p->out_name, p->rate, p->out_target, &p->out);
    if (rc == 0)
        rc = out_write(p->out, s, n);
    pthread_mutex_lock(&p->lock);
    return rc;
}

static void drop_unlocked(struct player *p)
{
    if (!p->out)
        return;
    pthread_mutex_unlock(&p->lock);
    out_drop(p->out);
    pthread_mutex_lock(&p->lock);
}

/* The output failed (or could not be opened again after a pause): stop for good, saying so
 * (lock held). */
static void audio_failed(struct player *p)
{
    p->out_error = DB_EAUDIO;
    emit(p, "%s", _("The audio output failed; playback stopped."));
    p->finished = 1;
    p->run = PLAYER_STOPPED;
    changed(p);
}

/* Waits for a change while nothing plays (lock held; the output silent already); a sound
 * card left idle RELEASE_S seconds is given back. */
static void idle_wait(struct player *p)
{
    if (!p->out || !releasable(p) || p->finished) {
        pthread_cond_wait(&p->cond, &p->lock);
        return;
    }
    unsigned long gen = p->gen, version = p->version;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += RELEASE_S;
    if (pthread_cond_timedwait(&p->cond, &p->lock, &ts) != ETIMEDOUT || p->quitting ||
        gen != p->gen || version != p->version)
        return;
    struct out *o = p->out;
    p->out = NULL;
    pthread_mutex_unlock(&p->lock);
    out_abort(o);
    pthread_mutex_lock(&p->lock);
}

/* The last story ended (lock held). In headlines mode the place stays on it and the
 * listener is told which keys go on (Enter, Up, q); else the queue is over: the player
 * finishes (quit_at_end) or stops truthfully (the daemon: "stopped", not "playing"). */
static void list_over(struct player *p)
{
    p->run = PLAYER_STOPPED;
    p->place_dirty = 1;
    p->gen++;
    if (p->headlines && p->count > 0) {
        p->ended = 1;
        p->sentence = 0;
        p->pos = 0;
        emit(p, "%s", _("End of the list. Enter reads this story, Up goes back, q quits."));
        announce(p, "Hết danh sách. Phím Enter: đọc bài này. Mũi tên lên: quay lại. "
                    "Phím q: thoát.");
        changed(p);
        return;
    }
    p->story = p->count;
    p->sentence = 0;
    emit(p, "%s", _("No more stories."));
    if (p->quit_at_end)
        p->finished = 1;
    else
        announce(p, "Hết tin.");
    changed(p);
}

/* The current sentence ended (lock held): move on. */
static void sentence_ended(struct player *p)
{
    size_t n = nsentences(p, p->story);
    if (p->sleep_deadline && time(NULL) >= p->sleep_deadline) {
        size_t ns, nk;
        if (next_pos(p, p->story, p->sentence, &ns, &nk)) {
            p->story = ns;
            p->sentence = nk;
        }
        save_place(p);
        emit(p, "%s", _("Sleep timer: stopped. The place is remembered."));
        p->finished = 1;
        p->run = PLAYER_STOPPED;
        changed(p);
        return;
    }
    if (p->sentence + 1 < n) {
        p->sentence++;
        p->pos = 0;
        p->place_dirty = 1;
        changed(p);
        return;
    }
    /* the story ended */
    if (want_full(p, p->story) && p->nheard < sizeof(p->heard_pending) / sizeof(size_t))
        p->heard_pending[p->nheard++] = p->story;
    if (p->headlines && (long)p->story == p->full_story)
        p->full_story = -1;
    if (p->story + 1 < p->count) {
        go_to(p, p->story + 1, 0);
        /* keep the PCM made ahead: the generation bump above was not a jump */
        for (int i = 0; i < NSLOTS; i++)
            if (p->slots[i].used && p->slots[i].gen == p->gen - 1)
                p->slots[i].gen = p->gen;
        return;
    }
    list_over(p);
}

static void *audio_main(void *arg)
{
    struct player *p = arg;
    size_t chunk = (size_t)p->rate * CHUNK_MS / 1000;
    int16_t *buf = xmalloc(chunk * sizeof(*buf));
    int silenced = 1;
    int tail = 0; /* an announcement was said while nothing plays: let it sound out */
    pthread_mutex_lock(&p->lock);
    while (!p->quitting) {
        if (p->place_dirty) {
            p->place_dirty = 0;
            save_place(p);
        }
        if ((p->run != PLAYER_PLAYING || p->finished) && !(p->announce_ready && !p->finished)) {
            if (!silenced && tail) {
                unsigned long gen = p->gen;
                while (p->out && out_pending(p->out) > 0 && !p->quitting && gen == p->gen &&
                       !p->announce_ready && p->run != PLAYER_PLAYING) {
                    struct timespec ts;
                    clock_gettime(CLOCK_REALTIME, &ts);
                    ts.tv_nsec += CHUNK_MS * 1000000L;
                    if (ts.tv_nsec >= 1000000000L) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000L;
                    }
                    pthread_cond_timedwait(&p->cond, &p->lock, &ts);
                }
                tail = 0;
                if (p->bye) {
                    p->finished = 1;
                    changed(p);
                }
                if (gen == p->gen && !p->announce_ready) {
                    silenced = 1;
                    continue;
                }
            }
            if (!silenced) {
                /* step back by what the device still held, so resume repeats nothing lost */
                size_t back = p->out ? out_pending(p->out) : 0;
                p->pos = p->pos > back ? p->pos - back : 0;
                drop_unlocked(p);
                silenced = 1;
                continue;
            }
            idle_wait(p);
            continue;
        }
        if (p->announce_ready) {
            struct pcm a = p->announce_pcm;
            p->announce_pcm = (struct pcm)PCM_INIT;
            p->announce_ready = 0;
            if (p->announce.n) {
                free(p->announce.v[0]);
                memmove(p->announce.v, p->announce.v + 1, (p->announce.n - 1) * sizeof(char *));
                p->announce.n--;
            }
            if (!silenced)
                drop_unlocked(p);
            silenced = 0;
            enum player_run run0 = p->run;
            for (size_t off = 0; off < a.n && !p->quitting && p->run == run0;) {
                size_t n = a.n - off < chunk ? a.n - off : chunk;
                if (write_unlocked(p, a.s + off, n) < 0) {
                    audio_failed(p);
                    break;
                }
                off += n;
            }
            pcm_free(&a);
            p->pos = 0; /* the interrupted sentence starts again */
            tail = p->run != PLAYER_PLAYING;
            if (p->bye && !tail) {
                p->finished = 1;
                changed(p);
            }
            continue;
        }
        if (p->story >= p->count || p->ended) {
            idle_wait(p); /* nothing to play (a daemon with an empty queue, or the end) */
            continue;
        }
        struct slot *sl = find_slot(p, p->story, p->sentence);
        if (!sl) {
            struct story_text *t = text_for(p, p->story);
            if (t && !t->failed && p->sentence >= t->sents.n) {
                sentence_ended(p); /* e.g. a story shorter in headlines mode */
                continue;
            }
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 50 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&p->cond, &p->lock, &ts);
            continue;
        }
        if (p->resume_frac > 0) {
            p->pos = (size_t)(p->resume_frac * (double)sl->pcm.n);
            p->resume_frac = 0;
        }
        if (p->pos >= sl->pcm.n) {
            sentence_ended(p);
            continue;
        }
        size_t n = sl->pcm.n - p->pos < chunk ? sl->pcm.n - p->pos : chunk;
        memcpy(buf, sl->pcm.s + p->pos, n * sizeof(*buf));
        if (p->pos == 0 && p->verbose) {
            struct story_text *t = text_for(p, p->story);
            if (t && !t->failed && p->sentence < t->sents.n)
                emit(p, "» %s", t->sents.v[p->sentence]);
        }
        if (p->pos == 0)
            trace_cues(p);
        if (p->sleep_deadline && time(NULL) >= p->sleep_deadline) {
            /* fade the last sentence out */
            size_t fade = (size_t)p->rate * FADE_MS / 1000;
            size_t left = sl->pcm.n - p->pos;
            for (size_t i = 0; i < n; i++) {
                size_t rem = left > i ? left - i : 0;
                if (rem < fade)
                    buf[i] = (int16_t)(buf[i] * (double)rem / (double)fade);
            }
        }
        unsigned long gen = p->gen;
        silenced = 0;
        if (write_unlocked(p, buf, n) < 0) {
            audio_failed(p);
            continue;
        }
        if (gen != p->gen) { /* a jump while we wrote: cut what the device holds */
            drop_unlocked(p);
            continue;
        }
        p->pos += n;
    }
    pthread_mutex_unlock(&p->lock);
    free(buf);
    return NULL;
}

/* ---- the PCM engine: eSpeak NG into an out driver --------------------------------------- */

static int pcm_open(struct player *p, const struct player_opts *o)
{
    struct tts_opts to = {.voice = o->voice ? o->voice : "vi", .speed = p->speed};
    int rc = tts_open(NULL, &to, &p->tts);
    if (rc < 0)
        return rc;
    p->rate = tts_sample_rate(p->tts);
    p->out_name = xstrdup(o->out_driver ? o->out_driver : "auto");
    p->out_target = o->out_target ? xstrdup(o->out_target) : NULL;
    return out_open(p->out_name, p->rate, p->out_target, &p->out);
}

static double pcm_heard(struct player *p)
{
    return p->rate > 0 ? (double)p->pos / p->rate : 0;
}

static int pcm_close(struct player *p, int finished)
{
    int rc = 0;
    if (finished)
        rc = out_close(p->out);
    else
        out_abort(p->out);
    p->out = NULL;
    free(p->out_name);
    free(p->out_target);
    p->out_name = p->out_target = NULL;
    tts_close(p->tts);
    p->tts = NULL;
    return rc;
}

static const struct engine pcm_engine = {
    .name = "pcm",
    .open = pcm_open,
    .run = audio_main,
    .heard = pcm_heard,
    .close = pcm_close,
    .synthesizes = 1,
};

/* ---- the speech-dispatcher engine ---------------------------------------------------------- */

/* Called on libspeechd's thread when an event is queued: wake the speech thread. */
static void sd_wake(void *ctx)
{
    struct player *p = ctx;
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static int sd_open(struct player *p, const struct player_opts *o)
{
    (void)o;
    return speechd_open(sd_wake, p, &p->sd, NULL, 0);
}

static double sd_heard(struct player *p)
{
    if (!p->sd_sounding)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - p->sd_begun.tv_sec) +
           (double)(now.tv_nsec - p->sd_begun.tv_nsec) / 1e9;
}

static int sd_close(struct player *p, int finished)
{
    (void)finished;
    speechd_close(p->sd);
    p->sd = NULL;
    return 0;
}

/* The connection is gone (lock held): stop for good. */
static void sd_lost(struct player *p)
{
    p->out_error = DB_EAUDIO;
    emit(p, "%s", _("The connection to speech-dispatcher was lost; playback stopped."));
    p->finished = 1;
    p->run = PLAYER_STOPPED;
    changed(p);
}

/* The spoken form of an announcement: its sentences normalized, as one message. */
static char *sd_announcement(struct player *p, const char *text)
{
    struct strv s = STRV_INIT;
    struct buf b = BUF_INIT;
    spoken_sentences(p, text, &s);
    for (size_t i = 0; i < s.n; i++) {
        if (i)
            buf_putc(&b, ' ');
        buf_puts(&b, s.v[i]);
    }
    strv_free(&s);
    return buf_steal(&b);
}

/* Hands text to speech-dispatcher unlocked (after setting the rate when the speed changed).
 * Returns the message id, or < 0 when the connection is lost. */
static int sd_say_unlocked(struct player *p, char *text, double *rate_speed)
{
    double speed = p->speed;
    pthread_mutex_unlock(&p->lock);
    int rc = 0;
    if (speed != *rate_speed && (rc = speechd_set_speed(p->sd, speed)) == 0)
        *rate_speed = speed;
    if (rc != DB_EAUDIO)
        rc = speechd_say(p->sd, text);
    free(text);
    pthread_mutex_lock(&p->lock);
    return rc;
}

/* The speech thread of the speech-dispatcher engine: one message at a time, the current
 * sentence or an announcement; a jump, a pause or a speed change cancels it. */
static void *sd_main(void *arg)
{
    struct player *p = arg;
    int id = 0;            /* the message being said (0: none) */
    int announcing = 0;    /* it is an announcement, not the sentence */
    unsigned long gen = 0; /* the sentence it says: generation, story, sentence */
    size_t story = 0, sentence = 0;
    double rate_speed = 1.0; /* the speed speech-dispatcher's rate was set for */
    time_t checked = time(NULL);
    struct timespec resay = {0, 0}; /* CLOCK_REALTIME: say nothing before this */
    pthread_mutex_lock(&p->lock);
    while (!p->quitting) {
        if (p->place_dirty) {
            p->place_dirty = 0;
            save_place(p);
        }
        struct speechd_event ev;
        while (speechd_next_event(p->sd, &ev) == 0) {
            if (!id || ev.id != id) /* about a message we cancelled ourselves */
                continue;
            if (ev.kind == SPEECHD_BEGIN) {
                p->sd_sounding = 1;
                clock_gettime(CLOCK_MONOTONIC, &p->sd_begun);
                continue;
            }
            /* ended; or cancelled by someone else (an important message of another client
             * cancels ours): it is said again from its start below, after a breath, so a
             * server that cancels everything cannot make us spin */
            id = 0;
            p->sd_sounding = 0;
            if (ev.kind == SPEECHD_CANCEL) {
                clock_gettime(CLOCK_REALTIME, &resay);
                resay.tv_nsec += SD_RESAY_MS * 1000000L;
                if (resay.tv_nsec >= 1000000000L) {
                    resay.tv_sec++;
                    resay.tv_nsec -= 1000000000L;
                }
            }
            if (ev.kind == SPEECHD_END && !announcing && gen == p->gen && story == p->story &&
                sentence == p->sentence && p->run == PLAYER_PLAYING && !p->finished)
                sentence_ended(p);
            if (announcing && p->bye && !p->announce.n) {
                p->finished = 1;
                changed(p);
            }
        }
        int playing = p->run == PLAYER_PLAYING && !p->finished;
        int moved = !announcing && (gen != p->gen || story != p->story || sentence != p->sentence);
        if (id && ((!playing && !announcing) || moved || (!announcing && p->announce.n))) {
            /* a pause, a jump or an announcement: silence the message now (an announcement
             * is said to its end, paused or not) */
            id = 0;
            p->sd_sounding = 0;
            pthread_mutex_unlock(&p->lock);
            int rc = speechd_cancel(p->sd);
            pthread_mutex_lock(&p->lock);
            if (rc < 0)
                sd_lost(p);
            continue;
        }
        int may_announce = p->announce.n && !p->finished;
        if (!id && ((playing && p->story < p->count && !p->ended) || may_announce)) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            if (now.tv_sec < resay.tv_sec ||
                (now.tv_sec == resay.tv_sec && now.tv_nsec < resay.tv_nsec)) {
                pthread_cond_timedwait(&p->cond, &p->lock, &resay);
                continue;
            }
        }
        if (!id && may_announce) {
            char *text = p->announce.v[0];
            memmove(p->announce.v, p->announce.v + 1, (p->announce.n - 1) * sizeof(char *));
            p->announce.n--;
            pthread_mutex_unlock(&p->lock);
            char *spoken = sd_announcement(p, text);
            free(text);
            pthread_mutex_lock(&p->lock);
            if (!*spoken) {
                free(spoken);
                continue;
            }
            id = sd_say_unlocked(p, spoken, &rate_speed);
            announcing = 1;
            if (id < 0) {
                id = 0;
                sd_lost(p);
            }
            continue;
        }
        struct story_text *t = p->story < p->count ? text_for(p, p->story) : NULL;
        if (!id && playing && t && !t->failed && t->full == want_full(p, p->story) &&
            p->sentence >= t->sents.n) {
            sentence_ended(p); /* e.g. a story shorter in headlines mode */
            continue;
        }
        if (!id && t && !t->failed && t->full == want_full(p, p->story) && playing) {
            /* say the current sentence: the next one, or again after a pause, a jump, a
             * speed change or an announcement */
            gen = p->gen;
            story = p->story;
            sentence = p->sentence;
            announcing = 0;
            if (p->verbose)
                emit(p, "» %s", t->sents.v[sentence]);
            id = sd_say_unlocked(p, xstrdup(t->sents.v[sentence]), &rate_speed);
            if (id < 0) {
                id = 0;
                sd_lost(p);
            }
            continue;
        }
        if (!id) {
            pthread_cond_wait(&p->cond, &p->lock);
            continue;
        }
        /* speaking: wait for news, asking the server now and then whether it is still there
         * (libspeechd reports a lost connection through no event) */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&p->cond, &p->lock, &ts);
        if (id && time(NULL) - checked >= SD_CHECK_S) {
            checked = time(NULL);
            pthread_mutex_unlock(&p->lock);
            int rc = speechd_check(p->sd);
            pthread_mutex_lock(&p->lock);
            if (rc < 0) {
                id = 0;
                sd_lost(p);
            }
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static const struct engine speechd_engine = {
    .name = "speechd",
    .open = sd_open,
    .run = sd_main,
    .heard = sd_heard,
    .close = sd_close,
    .synthesizes = 0,
};

/* ---- commands -------------------------------------------------------------------------- */

/* Queues a spoken announcement (always Vietnamese: the voice is Vietnamese). It is said
 * whether playing, paused or stopped, and changes none of them. */
static void announce(struct player *p, const char *text)
{
    /* a key held down (or pressed again) is answered once, not once for each press */
    if (p->announce.n && strcmp(p->announce.v[p->announce.n - 1], text) == 0)
        return;
    strv_push(&p->announce, xstrdup(text));
    pthread_cond_broadcast(&p->cond);
}

static int set_speed(struct player *p, double speed)
{
    if (speed < MIN_SPEED)
        speed = MIN_SPEED;
    if (speed > MAX_SPEED)
        speed = MAX_SPEED;
    if (fabs(speed - p->speed) < 1e-9) {
        /* nothing changes: say why, so the key is not met with silence */
        char printed[96], spoken[96];
        if (speed >= MAX_SPEED - 1e-9) {
            snprintf(printed, sizeof(printed), _("Fastest speed %s"), _("4.0"));
            snprintf(spoken, sizeof(spoken), "Tốc độ cao nhất bốn phẩy không.");
        } else if (speed <= MIN_SPEED + 1e-9) {
            snprintf(printed, sizeof(printed), _("Slowest speed %s"), _("0.5"));
            snprintf(spoken, sizeof(spoken), "Tốc độ thấp nhất không phẩy năm.");
        } else if (fabs(speed - 1.0) < 1e-9) {
            snprintf(printed, sizeof(printed), _("Normal speed %s"), _("1.0"));
            snprintf(spoken, sizeof(spoken), "Tốc độ bình thường một phẩy không.");
        } else {
            char sp[16];
            fmt_speed(speed, sp, sizeof(sp));
            snprintf(printed, sizeof(printed), _("Speed %s"), sp);
            snprintf(spoken, sizeof(spoken), "Tốc độ %d phẩy %d.", (int)lround(speed * 10) / 10,
                     (int)lround(speed * 10) % 10);
        }
        answer(p, printed, spoken);
        return 0;
    }
    struct slot *sl = find_slot(p, p->story, p->sentence);
    if (sl && sl->pcm.n)
        p->resume_frac = (double)p->pos / (double)sl->pcm.n;
    p->speed = speed;
    p->gen++;
    p->pos = 0;
    char sp[16];
    fmt_speed(speed, sp, sizeof(sp));
    emit(p, _("Speed %s"), sp);
    changed(p);
    return 0;
}

static int do_pause(struct player *p)
{
    if (p->run != PLAYER_PLAYING)
        return 0;
    p->run = PLAYER_PAUSED;
    emit(p, "%s", _("Paused"));
    changed(p);
    return 0;
}

static int do_resume(struct player *p)
{
    if (p->run == PLAYER_PLAYING || p->finished)
        return 0;
    p->run = PLAYER_PLAYING;
    if ((p->story >= p->count || p->ended) && p->count > 0)
        go_to(p, 0, 0); /* after the end: from the top */
    emit(p, "%s", _("Playing"));
    changed(p);
    return 0;
}

static int do_next(struct player *p)
{
    size_t n = nsentences(p, p->story);
    if (p->sentence + 1 < n) {
        go_to(p, p->story, p->sentence + 1);
        emit(p, _("Sentence %zu/%zu"), p->sentence + 1, n);
    } else if (p->story + 1 < p->count) {
        go_to(p, p->story + 1, 0);
    } else if (p->story < p->count) {
        answer(p, _("This is the last sentence"), "Đây là câu cuối.");
    } else {
        answer(p, _("No more stories."), "Hết tin.");
    }
    return 0;
}

static int do_prev(struct player *p)
{
    /* previous restarts the current sentence first, when more than a second was heard */
    if (p->eng->heard(p) > 1.0) {
        go_to(p, p->story, p->sentence);
        return 0;
    }
    if (p->sentence > 0) {
        go_to(p, p->story, p->sentence - 1);
        emit(p, _("Sentence %zu/%zu"), p->sentence + 1, nsentences(p, p->story));
    } else if (p->story > 0) {
        go_to(p, p->story - 1, 0);
    } else {
        go_to(p, p->story, 0);
        answer(p, _("This is the first sentence"), "Đây là câu đầu tiên.");
    }
    return 0;
}

/* ---- the run functions of the command table (cmd.h): called with the lock held ---------- */

int cmd_run_pause(struct player *p, const char *arg)
{
    (void)arg;
    return do_pause(p);
}

int cmd_run_resume(struct player *p, const char *arg)
{
    (void)arg;
    return do_resume(p);
}

int cmd_run_play(struct player *p, const char *arg)
{
    (void)arg;
    return do_resume(p);
}

int cmd_run_toggle(struct player *p, const char *arg)
{
    (void)arg;
    return p->run == PLAYER_PLAYING ? do_pause(p) : do_resume(p);
}

int cmd_run_stop(struct player *p, const char *arg)
{
    (void)arg;
    if (p->run != PLAYER_STOPPED) {
        p->run = PLAYER_STOPPED;
        p->place_dirty = 1;
        emit(p, "%s", _("Stopped"));
        changed(p);
    }
    return 0;
}

int cmd_run_next(struct player *p, const char *arg)
{
    (void)arg;
    return do_next(p);
}

int cmd_run_prev(struct player *p, const char *arg)
{
    (void)arg;
    return do_prev(p);
}

int cmd_run_next_article(struct player *p, const char *arg)
{
    (void)arg;
    if (p->story + 1 < p->count)
        go_to(p, p->story + 1, 0);
    else if (p->story < p->count)
        answer(p, _("This is the last story"), "Đây là bài cuối.");
    else
        answer(p, _("No more stories."), "Hết tin.");
    return 0;
}

int cmd_run_prev_article(struct player *p, const char *arg)
{
    (void)arg;
    if (p->story > 0 && p->story <= p->count) {
        go_to(p, p->story - 1, 0);
    } else if (p->count) {
        go_to(p, 0, 0);
        answer(p, _("This is the first story"), "Đây là bài đầu tiên.");
    } else {
        answer(p, _("No more stories."), "Hết tin.");
    }
    return 0;
}

int cmd_run_faster(struct player *p, const char *arg)
{
    (void)arg;
    return set_speed(p, p->speed * 1.1);
}

int cmd_run_slower(struct player *p, const char *arg)
{
    (void)arg;
    return set_speed(p, p->speed / 1.1);
}

int cmd_run_faster2(struct player *p, const char *arg)
{
    (void)arg;
    return set_speed(p, p->speed * 2);
}

int cmd_run_slower2(struct player *p, const char *arg)
{
    (void)arg;
    return set_speed(p, p->speed / 2);
}

int cmd_run_normal(struct player *p, const char *arg)
{
    (void)arg;
    return set_speed(p, 1.0);
}

int cmd_run_speed(struct player *p, const char *arg)
{
    char *end = NULL;
    double v = arg ? strtod(arg, &end) : 0;
    if (!arg || end == arg || *end || !(v >= MIN_SPEED && v <= MAX_SPEED))
        return DB_EINVAL;
    return set_speed(p, v);
}

int cmd_run_repeat(struct player *p, const char *arg)
{
    (void)arg;
    if (p->story < p->count) {
        go_to(p, p->story, p->sentence);
        answer(p, _("Repeating the sentence"), "Đọc lại câu.");
    } else {
        answer(p, _("No more stories."), "Hết tin.");
    }
    return 0;
}

int cmd_run_title(struct player *p, const char *arg)
{
    (void)arg;
    if (p->story < p->count) {
        const char *t = story_title(p, p->story);
        char printed[1024];
        snprintf(printed, sizeof(printed), _("Title: %s"), t);
        answer(p, printed, t);
    } else {
        answer(p, _("No more stories."), "Hết tin.");
    }
    return 0;
}

int cmd_run_where(struct player *p, const char *arg)
{
    (void)arg;
    size_t n = nsentences(p, p->story);
    char printed[256], spoken[160];
    if (p->story < p->count) {
        snprintf(printed, sizeof(printed), _("Article %zu of %zu, sentence %zu of %zu"),
                 p->story + 1, p->count, p->sentence + 1, n);
        snprintf(spoken, sizeof(spoken), "Bài %zu trên %zu, câu %zu trên %zu.", p->story + 1,
                 p->count, p->sentence + 1, n);
        answer(p, printed, spoken);
    } else {
        answer(p, _("No more stories."), "Hết tin.");
    }
    return 0;
}

int cmd_run_sleep(struct player *p, const char *arg)
{
    static const int steps[] = {0, 15, 30, 60};
    int next = 15;
    for (size_t i = 0; i < 4; i++)
        if (steps[i] == p->sleep_minutes)
            next = steps[(i + 1) % 4];
    if (arg && *arg)
        next = atoi(arg);
    p->sleep_minutes = next < 0 ? 0 : next;
    p->sleep_deadline = next > 0 ? time(NULL) + (time_t)next * 60 : 0;
    char printed[96], spoken[80];
    if (next > 0) {
        snprintf(printed, sizeof(printed), _("Sleep timer: %d minutes"), next);
        snprintf(spoken, sizeof(spoken), "Hẹn giờ tắt sau %d phút.", next);
    } else {
        snprintf(printed, sizeof(printed), "%s", _("Sleep timer off"));
        snprintf(spoken, sizeof(spoken), "Tắt hẹn giờ.");
    }
    answer(p, printed, spoken);
    changed(p);
    return 0;
}

int cmd_run_enter(struct player *p, const char *arg)
{
    (void)arg;
    if (!p->headlines) {
        answer(p, _("Already reading whole stories (Enter is for --headlines)"),
               "Đang đọc toàn bài.");
    } else if (p->story >= p->count) {
        answer(p, _("No more stories."), "Hết tin.");
    } else if ((long)p->story == p->full_story && !p->ended) {
        answer(p, _("Already reading this story in full"), "Đang đọc toàn bài.");
    } else {
        if (p->ended) {
            p->ended = 0;
            p->run = PLAYER_PLAYING;
        }
        p->full_story = (long)p->story;
        emit(p, _("Reading in full: %s"), story_title(p, p->story));
        p->gen++;
        p->sentence = 0;
        p->pos = 0;
        /* the story's sentences change: reload it in full */
        for (int i = 0; i < 2; i++)
            if (p->texts[i].story == p->story)
                p->texts[i].full = 0;
        changed(p);
    }
    return 0;
}

int cmd_run_help(struct player *p, const char *arg)
{
    (void)arg;
    /* the keys of the command table, printed in the interface language and spoken */
    char *printed = cmd_keys_help(0);
    char *spoken = cmd_keys_help(1);
    emit(p, "%s", printed);
    announce(p, spoken);
    free(printed);
    free(spoken);
    return 0;
}

int cmd_run_quit(struct player *p, const char *arg)
{
    p->place_dirty = 0;
    save_place(p);
    p->run = PLAYER_STOPPED;
    if (arg && strcmp(arg, "now") == 0) {
        p->finished = 1; /* the daemon changing queues: no goodbye */
    } else {
        /* a short goodbye; player_finished() says yes by BYE_MS whatever happens */
        answer(p, _("Goodbye"), "Tạm biệt.");
        p->bye = 1;
        p->bye_deadline = mono_ms() + BYE_MS;
    }
    changed(p);
    return 0;
}

int player_command(struct player *p, const char *name, const char *arg)
{
    const struct cmd *c = cmd_find(name);
    int rc = 0;
    pthread_mutex_lock(&p->lock);
    free(p->answer);
    p->answer = NULL;
    if (!c || (c->nargs > 0 && !arg))
        rc = DB_EINVAL;
    else if (!p->bye) /* saying goodbye: nothing else is done */
        rc = c->run(p, arg);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* ---- life cycle ---------------------------------------------------------------------------- */

int player_new(const struct player_opts *o, const struct player_source *src, struct player **out)
{
    struct player *p = xcalloc(1, sizeof(*p));
    p->src = *src;
    p->speed = p->synth_speed = o->speed > 0 ? o->speed : 1.0;
    p->headlines = o->headlines;
    p->full_story = -1;
    p->quit_at_end = o->quit_at_end;
    p->refetched = o->refetched;
    p->verbose = o->verbose;
    p->run = o->start_paused ? PLAYER_PAUSED : PLAYER_PLAYING;
    p->texts[0].story = p->texts[1].story = (size_t)-1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    p->eng = o->out_driver && strcmp(o->out_driver, "speechd") == 0 ? &speechd_engine : &pcm_engine;
    normalizer_new(NULL, o->dialect, &p->nz);
    int rc = p->eng->open(p, o);
    if (rc < 0)
        goto fail;
    if (pipe(p->event_pipe) < 0) {
        rc = DB_EIO;
        goto fail;
    }
    fcntl(p->event_pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(p->event_pipe[1], F_SETFL, O_NONBLOCK);
    fcntl(p->event_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(p->event_pipe[1], F_SETFD, FD_CLOEXEC);
    if (o->place_key) {
        p->place_key = xstrdup(o->place_key);
        if (cache_open(NULL, &p->cache) < 0)
            p->cache = NULL;
    }
    p->count = src->count(src->ctx);
    meta_grow(p, p->count);
    /* start_story == count: past the end of the list (the daemon's worker started again
     * there: stopped, as the one before was) */
    p->story = o->start_story <= p->count ? o->start_story : 0;
    p->sentence = o->start_story < p->count ? o->start_sentence : 0;
    if (o->sleep_minutes > 0) {
        p->sleep_minutes = o->sleep_minutes;
        p->sleep_deadline = time(NULL) + (time_t)o->sleep_minutes * 60;
    }
    *out = p;
    return 0;
fail:
    p->eng->close(p, 0);
    normalizer_free(p->nz);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    free(p);
    return rc;
}

int player_start(struct player *p)
{
    pthread_mutex_lock(&p->lock);
    if (p->story < p->count)
        emit(p, _("Article %zu/%zu — %s"), p->story + 1, p->count, story_title(p, p->story));
    else if (p->refetched) {
        emit(p, "%s", _("No new stories."));
        announce(p, "Không có tin mới.");
        p->run = PLAYER_STOPPED;
    } else {
        emit(p, "%s", _("No more stories."));
        if (!p->quit_at_end)
            p->run = PLAYER_STOPPED; /* an empty queue plays nothing: say so truthfully */
    }
    pthread_mutex_unlock(&p->lock);
    if (pthread_create(&p->synth_thread, NULL, synth_main, p) != 0)
        return DB_EIO;
    if (pthread_create(&p->audio_thread, NULL, p->eng->run, p) != 0) {
        pthread_mutex_lock(&p->lock);
        p->quitting = 1;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->synth_thread, NULL);
        return DB_EIO;
    }
    p->started = 1;
    return 0;
}

void player_get_state(struct player *p, struct player_state *st)
{
    pthread_mutex_lock(&p->lock);
    memset(st, 0, sizeof(*st));
    st->run = p->finished ? PLAYER_STOPPED : p->run;
    st->speed = p->speed;
    st->story = p->story;
    st->count = p->count;
    st->sentence = p->sentence;
    st->nsentences = nsentences(p, p->story);
    st->headlines = p->headlines;
    st->sleep_minutes = p->sleep_minutes;
    st->version = p->version;
    free(p->st_title);
    free(p->st_url);
    free(p->st_site);
    p->st_title = p->st_url = p->st_site = NULL;
    if (p->story < p->count) {
        const char *t = story_title(p, p->story);
        const char *u = story_url(p, p->story);
        const char *s = story_site(p, p->story);
        p->st_title = t ? xstrdup(t) : NULL;
        p->st_url = u ? xstrdup(u) : NULL;
        p->st_site = s ? xstrdup(s) : NULL;
    }
    st->title = p->st_title;
    st->url = p->st_url;
    st->site = p->st_site;
    pthread_mutex_unlock(&p->lock);
}

int player_event_fd(struct player *p)
{
    return p->event_pipe[0];
}

char *player_next_event(struct player *p)
{
    char drain[64];
    while (read(p->event_pipe[0], drain, sizeof(drain)) > 0)
        ;
    pthread_mutex_lock(&p->lock);
    char *line = NULL;
    if (p->events.n) {
        line = p->events.v[0];
        memmove(p->events.v, p->events.v + 1, (p->events.n - 1) * sizeof(char *));
        p->events.n--;
        if (p->events.n)
            wake_events(p);
    }
    pthread_mutex_unlock(&p->lock);
    return line;
}

char *player_answer(struct player *p)
{
    pthread_mutex_lock(&p->lock);
    char *a = p->answer ? xstrdup(p->answer) : NULL;
    pthread_mutex_unlock(&p->lock);
    return a;
}

int player_finished(struct player *p)
{
    pthread_mutex_lock(&p->lock);
    if (p->bye && !p->finished && mono_ms() >= p->bye_deadline) {
        p->finished = 1;
        changed(p);
    }
    int f = p->finished;
    pthread_mutex_unlock(&p->lock);
    return f;
}

int player_free(struct player *p)
{
    if (!p)
        return 0;
    pthread_mutex_lock(&p->lock);
    if (!p->finished)
        save_place(p);
    p->quitting = 1;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    if (p->started) {
        pthread_join(p->audio_thread, NULL);
        pthread_join(p->synth_thread, NULL);
    }
    /* a story that ended just before the player did: the synthesis thread may not have made
     * its heard mark yet */
    while (p->nheard) {
        size_t s = p->heard_pending[--p->nheard];
        if (p->src.heard)
            p->src.heard(p->src.ctx, s);
    }
    int rc = p->eng->close(p, p->finished && !p->out_error);
    if (p->out_error)
        rc = p->out_error;
    for (int i = 0; i < NSLOTS; i++)
        pcm_free(&p->slots[i].pcm);
    for (int i = 0; i < 2; i++) {
        strv_free(&p->texts[i].sents);
        free(p->texts[i].pause_ms);
        free(p->texts[i].para);
    }
    strv_free(&p->announce);
    strv_free(&p->events);
    pcm_free(&p->announce_pcm);
    normalizer_free(p->nz);
    cache_free(p->cache);
    close(p->event_pipe[0]);
    close(p->event_pipe[1]);
    free(p->place_key);
    for (size_t i = 0; i < p->nmeta; i++) {
        free(p->meta[i].title);
        free(p->meta[i].url);
        free(p->meta[i].site);
    }
    free(p->meta);
    free(p->answer);
    free(p->st_title);
    free(p->st_url);
    free(p->st_site);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    free(p);
    return rc;
}
