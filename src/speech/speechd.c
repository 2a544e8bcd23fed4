/*
 * speechd.c — speaking through speech-dispatcher with libspeechd (see speechd.h).
 *
 * libspeechd runs a thread of its own that reads the server's replies and events; its
 * callbacks carry no context, so the one open connection is reached through a file-static
 * pointer. A callback only queues the event and calls the user's wake function.
 *
 * libspeechd writes to its socket with write(): a server that went away would kill the
 * process with SIGPIPE, so every call into libspeechd blocks SIGPIPE on the calling thread
 * and consumes a SIGPIPE it raised before unblocking (the signal is thread-directed).
 *
 * Built with DOCBAO_SPEECHD=0 (no libspeechd) the module is stubs, except speechd_rate.
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docbao/err.h"
#include "docbao/speechd.h"
#include "docbao/util.h"

#ifndef DOCBAO_SPEECHD
#define DOCBAO_SPEECHD 1
#endif

#define MIN_SPEED 0.5
#define MAX_SPEED 4.0

int speechd_rate(int base, double speed)
{
    if (!(speed >= MIN_SPEED))
        speed = MIN_SPEED;
    if (speed > MAX_SPEED)
        speed = MAX_SPEED;
    /* below 1.0: -100 per halving (0.5 → -100); above: +50 per doubling (4.0 → +100) */
    double delta = log2(speed) * (speed < 1.0 ? 100.0 : 50.0);
    long r = base + lround(delta);
    return r < -100 ? -100 : r > 100 ? 100 : (int)r;
}

#if DOCBAO_SPEECHD

#include <libspeechd.h>

#define MAX_EVENTS 64 /* far more than one message at a time can raise */

struct speechd {
    SPDConnection *conn;
    void (*wake)(void *ctx);
    void *ctx;
    int base_rate; /* the user's own rate when we connected */
    int rate;      /* the rate in effect on our connection */
    pthread_mutex_t lock;
    struct speechd_event events[MAX_EVENTS]; /* a ring: n waiting from head */
    size_t head, n;
};

/* The open connection, for libspeechd's context-free callbacks. */
static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct speechd *current;

/* ---- SIGPIPE ------------------------------------------------------------------------------ */

struct pipe_guard {
    sigset_t old;
    int was_pending;
};

static void pipe_block(struct pipe_guard *g)
{
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pending);
    g->was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void pipe_unblock(struct pipe_guard *g)
{
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pending);
    if (!g->was_pending && sigismember(&pending, SIGPIPE)) {
        struct timespec zero = {0, 0};
        sigtimedwait(&set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* ---- events ----------------------------------------------------------------------------- */

/* libspeechd's thread: queue the event and wake the user. */
static void on_event(size_t msg_id, size_t client_id, SPDNotificationType type)
{
    (void)client_id;
    enum speechd_event_kind kind;
    if (type == SPD_EVENT_BEGIN)
        kind = SPEECHD_BEGIN;
    else if (type == SPD_EVENT_END)
        kind = SPEECHD_END;
    else if (type == SPD_EVENT_CANCEL)
        kind = SPEECHD_CANCEL;
    else
        return;
    /* spd_close() cancels this thread: not while it holds our locks */
    int cancel_state;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
    pthread_mutex_lock(&current_lock);
    struct speechd *s = current;
    if (s) {
        pthread_mutex_lock(&s->lock);
        if (s->n == MAX_EVENTS) { /* drop the oldest */
            s->head = (s->head + 1) % MAX_EVENTS;
            s->n--;
        }
        s->events[(s->head + s->n) % MAX_EVENTS] = (struct speechd_event){(int)msg_id, kind};
        s->n++;
        pthread_mutex_unlock(&s->lock);
        s->wake(s->ctx);
    }
    pthread_mutex_unlock(&current_lock);
    pthread_setcancelstate(cancel_state, NULL);
}

int speechd_next_event(struct speechd *s, struct speechd_event *ev)
{
    int rc = DB_ENOENT;
    pthread_mutex_lock(&s->lock);
    if (s->n) {
        *ev = s->events[s->head];
        s->head = (s->head + 1) % MAX_EVENTS;
        s->n--;
        rc = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- the connection ------------------------------------------------------------------------ */

int speechd_supported(void)
{
    return 1;
}

/* The connection's current rate ("GET RATE" → "251-<n>"), or 0 when it cannot be read. */
static int get_rate(SPDConnection *c)
{
    char *reply = NULL;
    int rate = 0;
    if (spd_execute_command_with_reply(c, "GET RATE", &reply) == 0 && reply &&
        sscanf(reply, "%*d-%d", &rate) != 1)
        rate = 0;
    free(reply);
    return rate < -100 ? -100 : rate > 100 ? 100 : rate;
}

int speechd_open(void (*wake)(void *ctx), void *ctx, struct speechd **out, char *why,
                 size_t whysize)
{
    pthread_mutex_lock(&current_lock);
    int busy = current != NULL;
    pthread_mutex_unlock(&current_lock);
    if (busy) {
        if (why && whysize)
            snprintf(why, whysize, "a speech-dispatcher connection is already open");
        return DB_EINVAL;
    }
    struct pipe_guard g;
    pipe_block(&g); /* libspeechd's thread, created here, inherits the blocked SIGPIPE */
    char *err = NULL;
    SPDConnection *c = spd_open2("docbao", "main", NULL, SPD_MODE_THREADED, NULL, 1, &err);
    if (!c) {
        pipe_unblock(&g);
        if (why && whysize)
            snprintf(why, whysize, "%s", err ? err : "cannot connect to speech-dispatcher");
        free(err);
        return DB_ENODEV;
    }
    free(err);
    struct speechd *s = xcalloc(1, sizeof(*s));
    s->conn = c;
    s->wake = wake;
    s->ctx = ctx;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_lock(&current_lock);
    current = s;
    pthread_mutex_unlock(&current_lock);
    c->callback_begin = on_event;
    c->callback_end = on_event;
    c->callback_cancel = on_event;
    int rc = 0;
    if (spd_set_notification_on(c, SPD_BEGIN) || spd_set_notification_on(c, SPD_END) ||
        spd_set_notification_on(c, SPD_CANCEL)) {
        if (why && whysize)
            snprintf(why, whysize, "speech-dispatcher refused to report the end of messages");
        rc = DB_ENODEV;
    } else {
        s->base_rate = s->rate = get_rate(c);
        spd_set_language(c, "vi"); /* a server without Vietnamese voices keeps its default */
    }
    pipe_unblock(&g);
    if (rc < 0) {
        speechd_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

int speechd_say(struct speechd *s, const char *text)
{
    struct pipe_guard g;
    pipe_block(&g);
    int id = spd_say(s->conn, SPD_MESSAGE, text);
    pipe_unblock(&g);
    return id > 0 ? id : DB_EAUDIO;
}

int speechd_cancel(struct speechd *s)
{
    struct pipe_guard g;
    pipe_block(&g);
    int r = spd_cancel(s->conn);
    pipe_unblock(&g);
    return r == 0 ? 0 : DB_EAUDIO;
}

int speechd_set_speed(struct speechd *s, double speed)
{
    if (!(speed >= MIN_SPEED && speed <= MAX_SPEED))
        return DB_EINVAL;
    int rate = speechd_rate(s->base_rate, speed);
    if (rate == s->rate)
        return 0; /* nothing to send: at 1.0 the user's own rate stays untouched */
    struct pipe_guard g;
    pipe_block(&g);
    int r = spd_set_voice_rate(s->conn, rate);
    pipe_unblock(&g);
    if (r != 0)
        return DB_EAUDIO;
    s->rate = rate;
    return 0;
}

int speechd_check(struct speechd *s)
{
    struct pipe_guard g;
    pipe_block(&g);
    int r = spd_execute_command(s->conn, "GET RATE");
    pipe_unblock(&g);
    return r == 0 ? 0 : DB_EAUDIO;
}

void speechd_close(struct speechd *s)
{
    if (!s)
        return;
    struct pipe_guard g;
    pipe_block(&g);
    spd_cancel(s->conn);
    pthread_mutex_lock(&current_lock);
    current = NULL;
    pthread_mutex_unlock(&current_lock);
    spd_close(s->conn); /* stops and joins libspeechd's thread */
    pipe_unblock(&g);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

#else /* !DOCBAO_SPEECHD: built without libspeechd */

int speechd_supported(void)
{
    return 0;
}

int speechd_open(void (*wake)(void *ctx), void *ctx, struct speechd **out, char *why,
                 size_t whysize)
{
    (void)wake;
    (void)ctx;
    (void)out;
    if (why && whysize)
        snprintf(why, whysize, "docbao was built without speech-dispatcher support");
    return DB_EINVAL;
}

int speechd_say(struct speechd *s, const char *text)
{
    (void)s;
    (void)text;
    return DB_EAUDIO;
}

int speechd_cancel(struct speechd *s)
{
    (void)s;
    return DB_EAUDIO;
}

int speechd_set_speed(struct speechd *s, double speed)
{
    (void)s;
    (void)speed;
    return DB_EAUDIO;
}

int speechd_next_event(struct speechd *s, struct speechd_event *ev)
{
    (void)s;
    (void)ev;
    return DB_ENOENT;
}

int speechd_check(struct speechd *s)
{
    (void)s;
    return DB_EAUDIO;
}

void speechd_close(struct speechd *s)
{
    (void)s;
}

#endif
