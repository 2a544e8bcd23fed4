/*
 * export.c — radio bulletins: parts (intro, stories, outro) synthesized by forked worker
 * processes in parallel, assembled in order into the bulletin writer (see export.h).
 *
 * Each part is one fresh worker: the parent opens the voice once and never speaks with
 * it; every worker is forked from that pristine eSpeak NG state (so it is as if freshly
 * started, and no part's samples depend on which worker or how many workers there are),
 * normalizes and synthesizes its part's sentences and resamples them into a part file
 * (bulletin_resampler: 48 kHz floats with the part's true peak and loudness segments, so
 * the measuring is parallel too) — an unnamed temporary file created by the parent — and
 * exits. At most `workers` run at once, longest text first; the parent hands the finished
 * parts to the bulletin in bulletin order, which keeps the files (on disk, not in memory)
 * for its second pass. The parent watches each worker through a pipe that closes when the
 * worker exits (poll with a short timeout, so an interruption is seen at once), then reaps
 * it by pid — never another child.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "docbao/bulletin.h"
#include "docbao/err.h"
#include "docbao/export.h"
#include "docbao/i18n.h"
#include "docbao/speak.h"
#include "docbao/tts.h"
#include "docbao/util.h"

#define POLL_MS 100
#define TAIL_MS 500         /* silence after the outro */

/* Worker exit codes. */
enum {
    WK_OK = 0,
    WK_ENOVOICE = 10,
    WK_ETTS = 11,
    WK_EIO = 12,
};

enum part_kind { PART_TEXT, PART_STORY };

struct part {
    enum part_kind kind;
    const char *text;           /* PART_TEXT */
    const struct article *a;    /* PART_STORY */
    size_t story;               /* 1-based story number */
    pid_t pid;                  /* 0 = not started; -1 = reaped */
    int status;                 /* wait status once reaped */
    int pcm;                    /* the part file (bulletin_resampler_finish); -1 = closed */
    int watch;                  /* read end of the exit pipe, -1 when closed */
};

static const char *const weekdays[] = {
    "Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy",
};

void export_default_intro(const char *category, time_t date, char *out, size_t cap)
{
    struct tm tm;
    if (!date)
        date = time(NULL);
    localtime_r(&date, &tm);
    snprintf(out, cap, "Bản tin%s%s, %s, ngày %d tháng %d năm %d.", category ? " " : "",
             category ? category : "", weekdays[tm.tm_wday % 7], tm.tm_mday, tm.tm_mon + 1,
             tm.tm_year + 1900);
}

static void default_title(const char *category, time_t date, char *out, size_t cap)
{
    struct tm tm;
    localtime_r(&date, &tm);
    snprintf(out, cap, "Bản tin%s%s, %d/%d/%d", category ? " " : "", category ? category : "",
             tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

static int tmp_anon(void)
{
    const char *dir = getenv("TMPDIR");
    return bulletin_tmpfile(dir && *dir ? dir : "/tmp");
}

/* ---- the worker side ----------------------------------------------------------------- */

struct worker {
    struct tts *tts;
    struct normalizer *nz;
    struct bulletin_resampler *rs;
    int fd;
    int rate;
    struct pcm pcm;
};

static int w_flush(struct worker *w)
{
    int rc = bulletin_resample(w->rs, w->pcm.s, w->pcm.n, w->fd);
    w->pcm.n = 0;
    return rc < 0 ? WK_EIO : WK_OK;
}

static int w_pause(struct worker *w, int ms)
{
    pcm_append_silence(&w->pcm, (size_t)w->rate * (size_t)ms / 1000);
    return w_flush(w);
}

/* Speaks the sentences of a (title first, then paragraphs). */
static int w_say(struct worker *w, const struct article *a)
{
    struct strv sv = STRV_INIT;
    int rc = WK_OK;
    speak_sentences(w->nz, a, &sv);
    for (size_t i = 0; i < sv.n && rc == WK_OK; i++) {
        if (tts_synth(w->tts, sv.v[i], &w->pcm) < 0)
            rc = WK_ETTS;
        else
            rc = w_flush(w);
    }
    strv_free(&sv);
    return rc;
}

static int w_text(struct worker *w, const char *text)
{
    struct article a;
    memset(&a, 0, sizeof(a));
    a.title = (char *)text;
    return w_say(w, &a);
}

static int w_story(struct worker *w, const struct article *a, int headlines_only)
{
    int rc = WK_OK;
    if (a->title && (rc = w_text(w, a->title)) != WK_OK)
        return rc;
    if (!headlines_only && a->npara) {
        if (a->title && (rc = w_pause(w, SPEAK_PAUSE_TITLE_MS)) != WK_OK)
            return rc;
        for (size_t i = 0; i < a->npara; i++) {
            struct article p;
            memset(&p, 0, sizeof(p));
            p.paras = &a->paras[i];
            p.npara = 1;
            if (i > 0 && (rc = w_pause(w, SPEAK_PAUSE_PARA_MS)) != WK_OK)
                return rc;
            if ((rc = w_say(w, &p)) != WK_OK)
                return rc;
        }
    }
    return w_pause(w, SPEAK_PAUSE_ARTICLE_MS);
}

/* Runs in the child: synthesizes part k and exits (never returns). */
static void worker_main(const struct export_job *job, int out_rate, struct normalizer *nz,
                        struct tts *tts, const struct part *parts, size_t nparts, size_t k,
                        int last)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    /* Other parts' files and pipes are not ours. */
    for (size_t i = 0; i < nparts; i++) {
        if (i == k)
            continue;
        if (parts[i].pcm >= 0)
            close(parts[i].pcm);
        if (parts[i].watch >= 0)
            close(parts[i].watch);
    }
    (void)job;
    struct worker w = {.nz = nz, .tts = tts, .fd = parts[k].pcm, .pcm = PCM_INIT};
    int rc;
    w.rate = tts_sample_rate(w.tts);
    if (bulletin_resampler_new(w.rate, out_rate, &w.rs) < 0)
        _exit(WK_EIO);
    if (parts[k].kind == PART_STORY) {
        rc = w_story(&w, parts[k].a, job->headlines_only);
    } else {
        rc = w_text(&w, parts[k].text);
        if (rc == WK_OK)
            rc = w_pause(&w, last ? TAIL_MS : SPEAK_PAUSE_ARTICLE_MS);
    }
    if (rc == WK_OK && bulletin_resampler_finish(w.rs, w.fd) < 0)
        rc = WK_EIO;
    _exit(rc);
}

/* ---- the parent side ----------------------------------------------------------------- */

static int start_part(const struct export_job *job, int out_rate, struct normalizer *nz,
                      struct tts *tts, struct part *parts, size_t nparts, size_t k)
{
    int pfd[2];
    parts[k].pcm = tmp_anon();
    if (parts[k].pcm < 0)
        return DB_EIO;
    if (pipe(pfd) != 0)
        return DB_EIO;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return DB_EIO;
    }
    if (pid == 0) {
        close(pfd[0]);
        parts[k].watch = -1;
        worker_main(job, out_rate, nz, tts, parts, nparts, k, k + 1 == nparts);
    }
    close(pfd[1]);
    parts[k].watch = pfd[0];
    parts[k].pid = pid;
    return 0;
}

static void reap(struct part *p)
{
    if (p->pid > 0) {
        while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
            ;
        p->pid = -1;
    }
    if (p->watch >= 0) {
        close(p->watch);
        p->watch = -1;
    }
}

static int part_error(const struct part *p)
{
    if (WIFEXITED(p->status)) {
        switch (WEXITSTATUS(p->status)) {
        case WK_OK: return 0;
        case WK_ENOVOICE: return DB_ENOVOICE;
        case WK_EIO: return DB_EIO;
        default: return DB_ETTS;
        }
    }
    return DB_ETTS; /* killed by a signal */
}

/* Waits until some running worker exits (or POLL_MS passes) and reaps it. */
static int wait_any(struct part *parts, size_t from, size_t to)
{
    struct pollfd pf[64];
    size_t idx[64], n = 0;
    for (size_t i = from; i < to && n < 64; i++)
        if (parts[i].pid > 0) {
            pf[n].fd = parts[i].watch;
            pf[n].events = POLLIN;
            idx[n++] = i;
        }
    if (!n)
        return 0;
    int r = poll(pf, (nfds_t)n, POLL_MS);
    if (r < 0 && errno != EINTR)
        return DB_EIO;
    for (size_t i = 0; r > 0 && i < n; i++)
        if (pf[i].revents)
            reap(&parts[idx[i]]);
    return 0;
}

static void kill_all(struct part *parts, size_t nparts)
{
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].pid > 0)
            kill(parts[i].pid, SIGKILL);
        reap(&parts[i]);
        if (parts[i].pcm >= 0) {
            close(parts[i].pcm);
            parts[i].pcm = -1;
        }
    }
}

/* Hands a finished part's file to the bulletin, which keeps it until the end. */
static int consume(struct bulletin *b, struct part *p)
{
    int fd = p->pcm;
    p->pcm = -1;
    int rc = bulletin_add_part(b, fd);
    return rc == DB_EINVAL ? DB_ETTS : rc;
}

/* The order to start the parts in: longest text first (ties in bulletin order). A part is
 * the unit of work, so starting the long ones first keeps every worker busy to the end
 * (the parent still hands the parts to the bulletin in bulletin order). */
struct job_order {
    size_t idx;
    size_t len;
};

static int by_length(const void *a, const void *b)
{
    const struct job_order *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? 1 : -1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static size_t *start_order(const struct part *parts, size_t nparts, int headlines_only)
{
    struct job_order *o = xcalloc(nparts, sizeof(*o));
    for (size_t i = 0; i < nparts; i++) {
        const struct part *p = &parts[i];
        size_t len = 0;
        if (p->kind == PART_TEXT) {
            len = strlen(p->text);
        } else {
            len = p->a->title ? strlen(p->a->title) : 0;
            for (size_t k = 0; !headlines_only && k < p->a->npara; k++)
                len += strlen(p->a->paras[k]);
        }
        o[i] = (struct job_order){.idx = i, .len = len};
    }
    qsort(o, nparts, sizeof(*o), by_length);
    size_t *order = xcalloc(nparts, sizeof(*order));
    for (size_t i = 0; i < nparts; i++)
        order[i] = o[i].idx;
    free(o);
    return order;
}

static int interrupted(const struct export_job *job)
{
    return job->interrupted && *job->interrupted;
}

int export_bulletin(const struct export_job *job)
{
    if (!job || !job->path || !*job->path || !job->narticles || !job->articles)
        return DB_EINVAL;
    if (job->speed != 0 && !(job->speed >= 0.5 && job->speed <= 4.0))
        return DB_EINVAL;
    time_t date = job->date ? job->date : time(NULL);
    char intro[512], title[512];
    export_default_intro(job->category, date, intro, sizeof(intro));
    const char *intro_text = job->no_intro ? "" : job->intro ? job->intro : intro;
    const char *outro_text = job->outro ? job->outro : "Kết thúc bản tin.";
    if (job->title)
        snprintf(title, sizeof(title), "%s", job->title);
    else
        default_title(job->category, date, title, sizeof(title));

    size_t nparts = 0;
    struct part *parts = xcalloc(job->narticles + 2, sizeof(*parts));
    if (*intro_text)
        parts[nparts++] = (struct part){.kind = PART_TEXT, .text = intro_text};
    for (size_t i = 0; i < job->narticles; i++)
        parts[nparts++] = (struct part){.kind = PART_STORY, .a = job->articles[i],
                                        .story = i + 1};
    if (*outro_text)
        parts[nparts++] = (struct part){.kind = PART_TEXT, .text = outro_text};
    for (size_t i = 0; i < nparts; i++)
        parts[i].pcm = parts[i].watch = -1;

    long cpus = job->workers > 0 ? job->workers : sysconf(_SC_NPROCESSORS_ONLN);
    size_t nworkers = cpus > 0 ? (size_t)cpus : 1;
    if (nworkers > nparts)
        nworkers = nparts;
    if (nworkers > 32)
        nworkers = 32;

    struct normalizer *nz = NULL;
    struct bulletin *b = NULL;
    size_t *order = NULL;
    struct tts *tts = NULL;
    int rc = normalizer_new(job->voices_dir, job->dialect, &nz);
    if (rc < 0)
        goto out;
    /* The voice is opened here and never used here: every worker is forked from this
     * pristine state, so each part starts from the same synthesizer state as a fresh
     * process would, without paying for the initialization again. */
    struct tts_opts to = {.voice = job->voice, .speed = job->speed > 0 ? job->speed : 1.0};
    if ((rc = tts_open(NULL, &to, &tts)) < 0)
        goto out;
    /* The workers resample and measure the true peak of their parts; the parent measures
     * the loudness, spools and writes. */
    int out_rate = job->rate ? job->rate : BULLETIN_RATE_DEFAULT;
    struct bulletin_opts bo = {.in_rate = 0, .out_rate = job->rate,
                               .loudness = job->loudness, .title = title, .date = date};
    if ((rc = bulletin_new(job->path, &bo, &b)) < 0)
        goto out;

    /* Every part file stays on disk until the bulletin is closed, so parts may finish in
     * any order: at most nworkers run at once. */
    order = start_order(parts, nparts, job->headlines_only);
    size_t started = 0, done = 0, running = 0;
    while (done < nparts) {
        if (interrupted(job)) {
            rc = DB_EIO;
            goto out;
        }
        running = 0;
        for (size_t i = 0; i < nparts; i++)
            running += parts[i].pid > 0;
        while (running < nworkers && started < nparts) {
            if ((rc = start_part(job, out_rate, nz, tts, parts, nparts, order[started])) < 0)
                goto out;
            started++;
            running++;
        }
        struct part *p = &parts[done];
        if (p->pid >= 0) {
            if ((rc = wait_any(parts, 0, nparts)) < 0)
                goto out;
            continue;
        }
        if ((rc = part_error(p)) < 0)
            goto out;
        if (p->kind == PART_STORY) {
            if (job->log) {
                fprintf(job->log, _("Article %zu/%zu — %s\n"), p->story, job->narticles,
                        p->a->title ? p->a->title : _("(untitled)"));
                fflush(job->log);
            }
            bulletin_mark(b, p->a->title ? p->a->title : "");
        }
        if ((rc = consume(b, p)) < 0)
            goto out;
        done++;
    }
    if (interrupted(job)) {
        rc = DB_EIO;
        goto out;
    }
    rc = bulletin_close(b, NULL);
    b = NULL;
out:
    kill_all(parts, nparts);
    tts_close(tts);
    bulletin_free(b);
    normalizer_free(nz);
    free(order);
    free(parts);
    return rc;
}
