/*
 * fake_player.c — a stand-in for the player engine (player.h) for the control tests: a small
 * state machine with no threads, no speech and no audio, behind the real command table
 * (cmd.h): its run functions hand every row to the fake. Five stories of twenty sentences;
 * every command is logged (fake_player_log) and every change of state bumps the version and
 * makes the event fd readable, as the real player's do. All functions take one lock, so a test thread may inspect the player while the daemon
 * loop runs it in another.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docbao/cmd.h"
#include "docbao/err.h"
#include "docbao/player.h"
#include "docbao/util.h"

#define FAKE_STORIES 5
#define FAKE_SENTENCES 20

struct player {
    pthread_mutex_t mu;
    enum player_run run;
    double speed;
    size_t story, sentence;
    unsigned long version;
    int finished;
    int sleep_minutes;
    int pipe[2];
    struct strv events;      /* status lines not yet taken */
    size_t next_event;
    struct buf log;          /* "name arg;name;..." every command run */
    char title[64], url[64];
    char answer[64];         /* the last command's answer (player_answer), "" for none */
};

struct player *fake_player_new(void);
void fake_player_free(struct player *p);
char *fake_player_log(struct player *p);
void fake_player_clear_log(struct player *p);
void fake_player_bump(struct player *p);

struct player *fake_player_new(void)
{
    struct player *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->mu, NULL);
    p->run = PLAYER_PLAYING;
    p->speed = 1.0;
    p->version = 1;
    if (pipe(p->pipe) < 0)
        abort();
    for (int i = 0; i < 2; i++) {
        fcntl(p->pipe[i], F_SETFL, fcntl(p->pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(p->pipe[i], F_SETFD, FD_CLOEXEC);
    }
    buf_init(&p->log, 0);
    return p;
}

void fake_player_free(struct player *p)
{
    if (!p)
        return;
    close(p->pipe[0]);
    close(p->pipe[1]);
    strv_free(&p->events);
    buf_free(&p->log);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* The commands run so far, "a;b x;c;" (malloc'd). */
char *fake_player_log(struct player *p)
{
    pthread_mutex_lock(&p->mu);
    char *s = xstrdup(buf_str(&p->log));
    pthread_mutex_unlock(&p->mu);
    return s;
}

void fake_player_clear_log(struct player *p)
{
    pthread_mutex_lock(&p->mu);
    buf_reset(&p->log);
    pthread_mutex_unlock(&p->mu);
}

/* Called with the lock held: a change happened, with a status line. */
static void changed(struct player *p, const char *line)
{
    p->version++;
    strv_push(&p->events, xstrdup(line));
    ssize_t w = write(p->pipe[1], "x", 1);
    (void)w;
}

/* A change from outside the command table (the engine moving on by itself). */
void fake_player_bump(struct player *p)
{
    pthread_mutex_lock(&p->mu);
    if (p->sentence + 1 < FAKE_SENTENCES)
        p->sentence++;
    changed(p, "next sentence");
    pthread_mutex_unlock(&p->mu);
}

static double clamp(double v)
{
    return v < 0.5 ? 0.5 : v > 4.0 ? 4.0 : v;
}

/* Carries out the command name (a row of the table). */
static int fake_run(struct player *p, const char *name, const char *arg)
{
    int rc = 0;
    char line[96];
    pthread_mutex_lock(&p->mu);
    buf_puts(&p->log, name);
    if (arg) {
        buf_putc(&p->log, ' ');
        buf_puts(&p->log, arg);
    }
    buf_putc(&p->log, ';');
    snprintf(line, sizeof(line), "command %s", name);
    p->answer[0] = '\0';
    if (strcmp(name, "pause") == 0) {
        p->run = PLAYER_PAUSED;
    } else if (strcmp(name, "resume") == 0 || strcmp(name, "play") == 0) {
        p->run = PLAYER_PLAYING;
    } else if (strcmp(name, "toggle") == 0) {
        p->run = p->run == PLAYER_PLAYING ? PLAYER_PAUSED : PLAYER_PLAYING;
    } else if (strcmp(name, "stop") == 0) {
        p->run = PLAYER_STOPPED;
    } else if (strcmp(name, "quit") == 0) {
        p->run = PLAYER_STOPPED;
        p->finished = 1;
    } else if (strcmp(name, "next") == 0) {
        if (p->sentence + 1 < FAKE_SENTENCES) {
            p->sentence++;
        } else if (p->story + 1 < FAKE_STORIES) {
            p->story++;
            p->sentence = 0;
        }
    } else if (strcmp(name, "prev") == 0) {
        if (p->sentence > 0)
            p->sentence--;
    } else if (strcmp(name, "next-article") == 0) {
        if (p->story + 1 < FAKE_STORIES) {
            p->story++;
            p->sentence = 0;
        } else {
            snprintf(p->answer, sizeof(p->answer), "This is the last story");
        }
    } else if (strcmp(name, "prev-article") == 0) {
        if (p->story > 0)
            p->story--;
        p->sentence = 0;
    } else if (strcmp(name, "faster") == 0) {
        p->speed = clamp(p->speed * 1.1);
    } else if (strcmp(name, "slower") == 0) {
        p->speed = clamp(p->speed / 1.1);
    } else if (strcmp(name, "faster2") == 0) {
        p->speed = clamp(p->speed * 2);
    } else if (strcmp(name, "slower2") == 0) {
        p->speed = clamp(p->speed / 2);
    } else if (strcmp(name, "normal") == 0) {
        p->speed = 1.0;
    } else if (strcmp(name, "speed") == 0) {
        char *end;
        double v = arg ? strtod(arg, &end) : NAN;
        if (!arg || end == arg || *end || !(v >= 0.5 && v <= 4.0))
            rc = DB_EINVAL;
        else
            p->speed = v;
    } else if (strcmp(name, "sleep") == 0) {
        int m = p->sleep_minutes;
        p->sleep_minutes = m == 0 ? 15 : m >= 60 ? 0 : m * 2;
    }
    if (rc == 0)
        changed(p, line);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

int player_command(struct player *p, const char *name, const char *arg)
{
    const struct cmd *c = cmd_find(name);
    return c ? c->run(p, arg) : DB_EINVAL;
}

void player_get_state(struct player *p, struct player_state *st)
{
    pthread_mutex_lock(&p->mu);
    memset(st, 0, sizeof(*st));
    st->run = p->run;
    st->speed = p->speed;
    st->story = p->story;
    st->count = FAKE_STORIES;
    st->sentence = p->sentence;
    st->nsentences = FAKE_SENTENCES;
    snprintf(p->title, sizeof(p->title), "Tin số %zu", p->story + 1);
    snprintf(p->url, sizeof(p->url), "https://example.vn/tin-%zu.html", p->story + 1);
    st->title = p->title;
    st->url = p->url;
    st->site = "Báo Thử";
    st->sleep_minutes = p->sleep_minutes;
    st->version = p->version;
    pthread_mutex_unlock(&p->mu);
}

int player_event_fd(struct player *p)
{
    return p->pipe[0];
}

char *player_next_event(struct player *p)
{
    char *line = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->next_event < p->events.n) {
        line = p->events.v[p->next_event];
        p->events.v[p->next_event++] = NULL;
    } else {
        char drain[256];
        while (read(p->pipe[0], drain, sizeof(drain)) > 0)
            ;
    }
    pthread_mutex_unlock(&p->mu);
    return line;
}

char *player_answer(struct player *p)
{
    pthread_mutex_lock(&p->mu);
    char *a = p->answer[0] ? xstrdup(p->answer) : NULL;
    pthread_mutex_unlock(&p->mu);
    return a;
}

int player_finished(struct player *p)
{
    pthread_mutex_lock(&p->mu);
    int f = p->finished;
    pthread_mutex_unlock(&p->mu);
    return f;
}

/* ---- the command table ---------------------------------------------------------------- */

/* The run functions of the real table (cmd.h): every row goes to fake_run(). */
#define CMD_ROW(name, id, keys, nargs, flags, help, spoken) \
    int cmd_run_##id(struct player *p, const char *arg) \
    { \
        return fake_run(p, name, arg); \
    }
#include "docbao/cmd_rows.h"
#undef CMD_ROW
