/*
 * export.c — radio bulletins: parts (intro, stories, outro) synthesized by forked worker
 * processes in parallel, assembled in order into the bulletin writer (see export.h).
 *
 * The parent opens the voice once and never speaks with it; every worker is forked from
 * that pristine eSpeak NG state, synthesizes a group of consecutive parts (normalizes their
 * sentences, synthesizes them, resamples each part into its part file — bulletin_resampler:
 * 48 kHz floats with the part's true peak and loudness segments, so the measuring is
 * parallel too — an unnamed temporary file created by the parent) and exits.
 *
 * eSpeak NG carries state from one sentence to the next (the samples of a sentence depend
 * on what was spoken before it in the process), so what a worker speaks must not depend on
 * the machine: the groups are cut from the text alone (make_groups: consecutive parts, one
 * group per GROUP_BYTES of text, of near-equal length), never from the number of workers
 * or from timing. The same input therefore gives the same samples with one worker or many.
 * Grouping short parts matters because a process is not free: the fork, its copy-on-write
 * faults and the cold caches and page tables of a fresh process cost 7-8 ms of CPU per
 * worker on the 2-core virtual machine this was measured on (what eSpeak NG takes to
 * synthesize 10 s of speech); one process per part, the first design, spent about a fifth
 * of the CPU of a 10-story export of short stories on them. Long stories still get a
 * worker each.
 *
 * At most `workers` run at once, the longest group first; the parent hands the finished
 * parts to the bulletin in bulletin order, which keeps the files (on disk, not in memory)
 * for its second pass. Up to `workers` more are forked ahead and wait, ready, for their
 * start (the parent closes a pipe); a worker reports its result on another pipe as soon as
 * its parts are written, before it exits. So a core passes from one group to the next at
 * once: it used to wait 5-8 ms, for the exit of the old process (its teardown), the fork of
 * the new one and its first faults. The parent polls the report pipes with a short timeout
 * (so an interruption is seen at once); a pipe that closes without a report is a worker that
 * died. Workers are reaped by pid — never another child — at the end, or as they exit.
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
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "docbao/bulletin.h"
#include "docbao/err.h"
#include "docbao/export.h"
#include "docbao/i18n.h"
#include "docbao/script.h"
#include "docbao/speak.h"
#include "docbao/tts.h"
#include "docbao/util.h"

#define POLL_MS 100
#define TAIL_MS 500      /* silence after the outro */
#define PCM_RESERVE_S 10 /* seconds of speech a worker's sentence buffer starts with */
#define GROUP_BYTES                                                                                \
    750 /* bytes of text per worker process, roughly: ~35 s of speech,                             \
         * ~40 ms of CPU, a fifth of it the process's own cost. Longer                             \
         * groups would cost less but leave cores idle: 10 short stories                           \
         * make 4 groups, which keep 2 or 4 cores evenly busy */

/* Worker exit codes. */
enum {
    WK_OK = 0,
    WK_ENOVOICE = 10,
    WK_ETTS = 11,
    WK_EIO = 12,
    WK_ENOSPC = 13, /* a part file: no space left in the temporary folder */
};

/* The worker exit code for a bulletin writer's error rc. */
static int wk_code(int rc)
{
    return rc == DB_ENOSPC ? WK_ENOSPC : WK_EIO;
}

enum part_kind { PART_TEXT, PART_STORY };

struct part {
    enum part_kind kind;
    const char *text;        /* PART_TEXT */
    const struct article *a; /* PART_STORY */
    size_t story;            /* 1-based story number */
    size_t len;              /* bytes of text spoken */
    size_t group;            /* the group that speaks it */
    int pcm;                 /* the part file (bulletin_resampler_finish); -1 = closed */
};

enum group_state {
    G_NEW,     /* not forked yet */
    G_WAITING, /* forked, waiting for its start */
    G_RUNNING, /* started */
    G_DONE,    /* finished (result says how) */
};

/* Consecutive parts spoken by one worker process. */
struct group {
    size_t first, n; /* parts first .. first + n - 1 */
    size_t len;      /* bytes of text */
    enum group_state state;
    pid_t pid;  /* 0 = not forked; -1 = reaped */
    int watch;  /* read end of the report pipe, -1 when closed */
    int go;     /* write end of the start pipe (closing it starts the
                 * worker), -1 when closed */
    int result; /* once G_DONE: 0 or a DB_* error */
};

static const char *const weekdays[] = {
    "Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy",
};

void export_default_intro(const char *category, time_t date, char *out, size_t cap)
{
    struct tm tm;
    if (!date)
        date = wall_now();
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
    return rc < 0 ? wk_code(rc) : WK_OK;
}

static int w_pause(struct worker *w, int ms)
{
    pcm_append_silence(&w->pcm, (size_t)w->rate * (size_t)ms / 1000);
    return w_flush(w);
}

/* Speaks the cues of a script (story: its number, for script_trace; 0 for none). */
static int w_cues(struct worker *w, const struct script *sc, size_t story)
{
    int rc = WK_OK;
    for (size_t i = 0; i < sc->n && rc == WK_OK; i++) {
        const struct cue *c = &sc->v[i];
        if (story)
            script_trace(story, c);
        if (c->kind == CUE_PAUSE)
            rc = w_pause(w, c->ms);
        else if (c->kind == CUE_SAY)
            rc = tts_synth(w->tts, c->text, &w->pcm) < 0 ? WK_ETTS : w_flush(w);
    }
    return rc;
}

/* Speaks a plain text (the intro, the outro): its sentences, no pause. */
static int w_text(struct worker *w, const char *text)
{
    struct script sc = SCRIPT_INIT;
    script_text(w->nz, text, 0, &sc);
    int rc = w_cues(w, &sc, 0);
    script_free(&sc);
    return rc;
}

/* Speaks story number story: its script (script.h), the story gap at its end included. */
static int w_story(struct worker *w, const struct article *a, size_t story, int headlines_only)
{
    struct script sc = SCRIPT_INIT;
    script_story(w->nz, a, NULL, headlines_only ? SCRIPT_HEADLINE : 0, &sc);
    int rc = w_cues(w, &sc, story);
    script_free(&sc);
    return rc;
}

/* Synthesizes part p into its part file, through a fresh resampler. */
static int w_part(struct worker *w, const struct export_job *job, const struct part *p, int last)
{
    int rc;
    w->fd = p->pcm;
    if (bulletin_resampler_new(w->rate, job->rate ? job->rate : BULLETIN_RATE_DEFAULT, &w->rs) < 0)
        return WK_EIO;
    if (p->kind == PART_STORY) {
        rc = w_story(w, p->a, p->story, job->headlines_only);
    } else {
        rc = w_text(w, p->text);
        if (rc == WK_OK)
            rc = w_pause(w, last ? TAIL_MS : SCRIPT_PAUSE_STORY_MS);
    }
    int frc;
    if (rc == WK_OK && (frc = bulletin_resampler_finish(w->rs, w->fd)) < 0)
        rc = wk_code(frc);
    bulletin_resampler_free(w->rs);
    w->rs = NULL;
    return rc;
}

/* Runs in the child: gets ready, waits for its start (the end of file on go), synthesizes
 * the parts of group g in order, reports its result (one byte on report) and exits (never
 * returns). */
static void worker_main(const struct export_job *job, struct normalizer *nz, struct tts *tts,
                        const struct part *parts, size_t nparts, const struct group *groups,
                        size_t ngroups, size_t g, pid_t parent, int go, int report)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    /* Other groups' files and pipes are not ours, nor the parent's ends of our pipes (our
     * start must see the end of file when the parent closes its end). */
    for (size_t i = 0; i < nparts; i++)
        if (parts[i].group != g && parts[i].pcm >= 0)
            close(parts[i].pcm);
    for (size_t i = 0; i < ngroups; i++) {
        if (groups[i].watch >= 0)
            close(groups[i].watch);
        if (groups[i].go >= 0)
            close(groups[i].go);
    }
    struct worker w = {.nz = nz, .tts = tts, .pcm = PCM_INIT};
    int rc = WK_OK;
    w.rate = tts_sample_rate(w.tts);
    /* eSpeak NG hands over a whole sentence before it is resampled: room for a long one
     * (PCM_RESERVE_S of speech at the speed asked), so the buffer neither grows by copies
     * nor faults its pages in one by one; a longer sentence still grows it. */
    size_t reserve = (size_t)((double)w.rate * PCM_RESERVE_S / (job->speed > 0 ? job->speed : 1.0));
    w.pcm.s = xmalloc(reserve * sizeof(*w.pcm.s));
    w.pcm.cap = reserve;
#ifdef MADV_POPULATE_WRITE
    /* its pages mapped now, in one system call, instead of one page fault at a time as they
     * are first written (a fork starts with none of its own; a fault costs microseconds,
     * more in a virtual machine); before Linux 5.14 they come as they are touched */
    mem_advise(w.pcm.s, reserve * sizeof(*w.pcm.s), MADV_POPULATE_WRITE);
#endif
    char c;
    while (read(go, &c, 1) < 0 && errno == EINTR)
        ;
    close(go);
    if (getppid() != parent)
        _exit(WK_EIO); /* the parent died while we waited: nobody wants the parts */
    for (size_t k = groups[g].first; k < groups[g].first + groups[g].n && rc == WK_OK; k++)
        rc = w_part(&w, job, &parts[k], k + 1 == nparts);
    /* The parts are complete: report now, so that the next worker starts while this
     * process is torn down. */
    unsigned char res = (unsigned char)rc;
    ssize_t wr = write(report, &res, 1);
    (void)wr;
    _exit(rc);
}

/* ---- the parent side ----------------------------------------------------------------- */

/* Creates the part files of group g and forks its worker, which waits for start_group. */
static int fork_group(const struct export_job *job, struct normalizer *nz, struct tts *tts,
                      struct part *parts, size_t nparts, struct group *groups, size_t ngroups,
                      size_t g)
{
    int rep[2], go[2];
    for (size_t k = groups[g].first; k < groups[g].first + groups[g].n; k++)
        if ((parts[k].pcm = tmp_anon()) < 0)
            return DB_EIO;
    if (pipe(rep) != 0)
        return DB_EIO;
    if (pipe(go) != 0) {
        close(rep[0]);
        close(rep[1]);
        return DB_EIO;
    }
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        close(rep[0]);
        close(rep[1]);
        close(go[0]);
        close(go[1]);
        return DB_EIO;
    }
    if (pid == 0) {
        close(rep[0]);
        close(go[1]);
        worker_main(job, nz, tts, parts, nparts, groups, ngroups, g, parent, go[0], rep[1]);
    }
    close(rep[1]);
    close(go[0]);
    groups[g].watch = rep[0];
    groups[g].go = go[1];
    groups[g].pid = pid;
    groups[g].state = G_WAITING;
    return 0;
}

/* Lets the worker of group g start. */
static void start_group(struct group *g)
{
    close(g->go);
    g->go = -1;
    g->state = G_RUNNING;
}

static void reap(struct group *g, int *status)
{
    if (g->pid > 0) {
        while (waitpid(g->pid, status, 0) < 0 && errno == EINTR)
            ;
        g->pid = -1;
    }
}

static int worker_error(int code)
{
    switch (code) {
    case WK_OK:
        return 0;
    case WK_ENOVOICE:
        return DB_ENOVOICE;
    case WK_EIO:
        return DB_EIO;
    case WK_ENOSPC:
        return DB_ENOSPC;
    default:
        return DB_ETTS;
    }
}

/* Reads the report of running group g: its result byte (the worker then exits on its own;
 * it is reaped later) or, when it died without one, its exit status. */
static void collect(struct group *g)
{
    unsigned char res;
    ssize_t r;
    while ((r = read(g->watch, &res, 1)) < 0 && errno == EINTR)
        ;
    close(g->watch);
    g->watch = -1;
    g->state = G_DONE;
    if (r == 1) {
        g->result = worker_error(res);
        int status;
        if (waitpid(g->pid, &status, WNOHANG) == g->pid)
            g->pid = -1;
        return;
    }
    int status = 0;
    reap(g, &status);
    g->result = WIFEXITED(status) && WEXITSTATUS(status) != WK_OK
                    ? worker_error(WEXITSTATUS(status))
                    : DB_ETTS; /* killed by a signal, or exited without a report */
}

/* Waits until some running worker reports (or POLL_MS passes). */
static int wait_any(struct group *groups, size_t ngroups)
{
    struct pollfd pf[64];
    size_t idx[64], n = 0;
    for (size_t i = 0; i < ngroups && n < 64; i++)
        if (groups[i].state == G_RUNNING) {
            pf[n].fd = groups[i].watch;
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
            collect(&groups[idx[i]]);
    return 0;
}

/* Kills the workers still at work, reaps every worker and closes what is left open. */
static void kill_all(struct part *parts, size_t nparts, struct group *groups, size_t ngroups)
{
    for (size_t i = 0; i < ngroups; i++) {
        int status;
        if (groups[i].pid > 0 && groups[i].state != G_DONE)
            kill(groups[i].pid, SIGKILL);
        if (groups[i].go >= 0)
            close(groups[i].go);
        groups[i].go = -1;
        reap(&groups[i], &status);
        if (groups[i].watch >= 0)
            close(groups[i].watch);
        groups[i].watch = -1;
    }
    for (size_t i = 0; i < nparts; i++)
        if (parts[i].pcm >= 0) {
            close(parts[i].pcm);
            parts[i].pcm = -1;
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

/* Bytes of text part p speaks. */
static size_t part_len(const struct part *p, int headlines_only)
{
    if (p->kind == PART_TEXT)
        return strlen(p->text);
    size_t len = p->a->title ? strlen(p->a->title) : 0;
    for (size_t k = 0; !headlines_only && k < p->a->npara; k++)
        len += strlen(p->a->paras[k]);
    return len;
}

/* Cuts the parts into groups of consecutive parts, from their text alone (see the top of
 * the file): as many groups as there are GROUP_BYTES in the text (at least one, at most one
 * per part), each cut at the part boundary nearest to an equal share, so that the groups
 * keep the workers evenly busy. Returns the count. */
static size_t make_groups(struct part *parts, size_t nparts, struct group *groups)
{
    size_t total = 0;
    for (size_t i = 0; i < nparts; i++)
        total += parts[i].len;
    size_t ng = total / GROUP_BYTES;
    if (ng < 1)
        ng = 1;
    if (ng > nparts)
        ng = nparts;
    size_t g = 0, sum = 0;
    groups[0] = (struct group){.first = 0, .watch = -1, .go = -1};
    for (size_t i = 0; i < nparts; i++) {
        /* Group g ends before part i when its share (up to `end`) is full, or when ending
         * it here is nearer its share than after part i; or when the parts left are just
         * enough for one group each. */
        size_t end = (g + 1) * total / ng, after = sum + parts[i].len;
        if (g + 1 < ng && groups[g].n > 0 &&
            (sum >= end || (after > end && end - sum < after - end) || nparts - i == ng - g - 1))
            groups[++g] = (struct group){.first = i, .watch = -1, .go = -1};
        parts[i].group = g;
        groups[g].n++;
        groups[g].len += parts[i].len;
        sum += parts[i].len;
    }
    return g + 1;
}

/* The order to start the groups in: longest text first (ties in bulletin order), so the
 * short ones fill in at the end and every worker stays busy (the parent still hands the
 * parts to the bulletin in bulletin order). */
static size_t *start_order(const struct group *groups, size_t ngroups)
{
    size_t *order = xcalloc(ngroups, sizeof(*order));
    for (size_t i = 0; i < ngroups; i++) {
        size_t j = i;
        for (; j > 0 && groups[order[j - 1]].len < groups[i].len; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
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
    time_t date = job->date ? job->date : wall_now();
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
        parts[nparts++] = (struct part){.kind = PART_STORY, .a = job->articles[i], .story = i + 1};
    if (*outro_text)
        parts[nparts++] = (struct part){.kind = PART_TEXT, .text = outro_text};
    for (size_t i = 0; i < nparts; i++) {
        parts[i].pcm = -1;
        parts[i].len = part_len(&parts[i], job->headlines_only);
    }
    struct group *groups = xcalloc(nparts, sizeof(*groups));
    size_t ngroups = make_groups(parts, nparts, groups);

    long cpus = job->workers > 0 ? job->workers : sysconf(_SC_NPROCESSORS_ONLN);
    size_t nworkers = cpus > 0 ? (size_t)cpus : 1;
    if (nworkers > ngroups)
        nworkers = ngroups;
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
     * pristine state, so each group starts from the same synthesizer state as a fresh
     * process would, without paying for the initialization again. */
    struct tts_opts to = {.voice = job->voice, .speed = job->speed > 0 ? job->speed : 1.0};
    if ((rc = tts_open(NULL, &to, &tts)) < 0)
        goto out;
    /* The workers resample and measure their parts (true peak, loudness segments); the
     * parent combines the measurements and writes. */
    struct bulletin_opts bo = {.in_rate = 0,
                               .out_rate = job->rate,
                               .loudness = job->loudness,
                               .title = title,
                               .date = date};
    if ((rc = bulletin_new(job->path, &bo, &b)) < 0)
        goto out;

    /* Every part file stays on disk until the bulletin is closed, so groups may finish in
     * any order: at most nworkers run at once. The next ones (up to nworkers more) are forked
     * ahead and wait for their start, so a core passes from one group to the next at once,
     * without waiting for the fork (and the first faults) of a new process, nor for the
     * teardown of the last one (a worker reports before it exits). */
    order = start_order(groups, ngroups);
    size_t forked = 0, started = 0, done = 0;
    while (done < nparts) {
        if (interrupted(job)) {
            rc = DB_EIO;
            goto out;
        }
        size_t running = 0;
        for (size_t i = 0; i < ngroups; i++)
            running += groups[i].state == G_RUNNING;
        for (;;) {
            if (running < nworkers && started < forked) {
                start_group(&groups[order[started++]]);
                running++;
            } else if (forked < ngroups && forked - started < nworkers) {
                if ((rc = fork_group(job, nz, tts, parts, nparts, groups, ngroups, order[forked])) <
                    0)
                    goto out;
                forked++;
            } else {
                break;
            }
        }
        struct part *p = &parts[done];
        struct group *g = &groups[p->group];
        if (g->state != G_DONE) {
            if ((rc = wait_any(groups, ngroups)) < 0)
                goto out;
            continue;
        }
        if ((rc = g->result) < 0)
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
    kill_all(parts, nparts, groups, ngroups);
    tts_close(tts);
    bulletin_free(b);
    normalizer_free(nz);
    free(order);
    free(groups);
    free(parts);
    return rc;
}
