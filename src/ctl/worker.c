/*
 * worker.c — the player half of `docbao daemon`: serves one player to the daemon over a
 * socket pair (see worker.h for the packets).
 *
 * One thread, one poll() over the socket and the player's event fd. A turn: take a command
 * and answer it with the state, print the status lines, send the state when its version
 * moved. The idle clock runs while nothing is played (paused, stopped, past the last story)
 * and no sleep timer is set; any command restarts it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "docbao/err.h"
#include "docbao/player.h"
#include "docbao/util.h"
#include "docbao/worker.h"


static char *dup_or_null(json_t *v)
{
    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

int worker_read_init(int fd, struct worker_init *wi)
{
    memset(wi, 0, sizeof(*wi));
    wi->limit = -1;
    char *buf = xmalloc(WORKER_MAX_PACKET);
    ssize_t r;
    do
        r = recv(fd, buf, WORKER_MAX_PACKET, 0);
    while (r < 0 && errno == EINTR);
    if (r <= 0) {
        free(buf);
        return DB_EIO;
    }
    json_t *o = json_loadb(buf, (size_t)r, 0, NULL);
    free(buf);
    if (!json_is_object(o)) {
        json_decref(o);
        return DB_EFORMAT;
    }
    wi->category = dup_or_null(json_object_get(o, "category"));
    wi->sources = dup_or_null(json_object_get(o, "sources"));
    wi->url = dup_or_null(json_object_get(o, "url"));
    wi->at = dup_or_null(json_object_get(o, "at"));
    json_t *v = json_object_get(o, "limit");
    if (json_is_integer(v) && json_integer_value(v) > 0)
        wi->limit = (long)json_integer_value(v);
    v = json_object_get(o, "sentence");
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        wi->sentence = (long)json_integer_value(v);
    wi->paused = json_is_true(json_object_get(o, "paused"));
    wi->saved = json_is_true(json_object_get(o, "saved"));
    wi->strict = json_is_true(json_object_get(o, "strict"));
    wi->refetch = json_is_true(json_object_get(o, "refetch"));
    wi->at_end = json_is_true(json_object_get(o, "at_end"));
    v = json_object_get(o, "speed");
    if (json_is_number(v))
        wi->speed = json_number_value(v);
    json_decref(o);
    return 0;
}

void worker_init_clear(struct worker_init *wi)
{
    free(wi->category);
    free(wi->sources);
    free(wi->url);
    free(wi->at);
    memset(wi, 0, sizeof(*wi));
    wi->limit = -1;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

void *worker_state_json(const struct player_state *st)
{
    return json_pack("{s:i, s:f, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:i, s:i}", "run",
                     (int)st->run, "speed", st->speed, "story", (json_int_t)st->story, "count",
                     (json_int_t)st->count, "sentence", (json_int_t)st->sentence, "nsentences",
                     (json_int_t)st->nsentences, "title", str_or_null(st->title), "url",
                     str_or_null(st->url), "site", str_or_null(st->site), "headlines",
                     st->headlines, "sleep", st->sleep_minutes);
}

static size_t get_size(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) && json_integer_value(v) > 0 ? (size_t)json_integer_value(v) : 0;
}

int worker_state_parse(const void *obj, struct player_state *st)
{
    json_t *o = (json_t *)obj;
    if (!json_is_object(o))
        return DB_EFORMAT;
    memset(st, 0, sizeof(*st));
    json_t *run = json_object_get(o, "run");
    long long r = json_is_integer(run) ? json_integer_value(run) : -1;
    if (r != PLAYER_PLAYING && r != PLAYER_PAUSED && r != PLAYER_STOPPED)
        return DB_EFORMAT;
    st->run = (enum player_run)r;
    json_t *sp = json_object_get(o, "speed");
    st->speed = json_is_number(sp) ? json_number_value(sp) : 1.0;
    st->story = get_size(o, "story");
    st->count = get_size(o, "count");
    st->sentence = get_size(o, "sentence");
    st->nsentences = get_size(o, "nsentences");
    st->title = json_string_value(json_object_get(o, "title"));
    st->url = json_string_value(json_object_get(o, "url"));
    st->site = json_string_value(json_object_get(o, "site"));
    st->headlines = json_is_true(json_object_get(o, "headlines")) ||
                    get_size(o, "headlines") > 0;
    st->sleep_minutes = (int)get_size(o, "sleep");
    return 0;
}

void worker_send(int fd, void *obj)
{
    json_t *o = obj;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        return;
    ssize_t w;
    do
        w = send(fd, s, strlen(s), MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    free(s);
}

static json_t *state_now(struct player *p, unsigned long *version)
{
    struct player_state st;
    player_get_state(p, &st);
    *version = st.version;
    return worker_state_json(&st);
}

/* Runs one command packet and answers it. */
static void run_packet(int fd, struct player *p, const char *buf, size_t n, unsigned long *sent)
{
    json_t *o = json_loadb(buf, n, 0, NULL);
    const char *name = json_string_value(json_object_get(o, "cmd"));
    int rc = DB_EINVAL;
    if (name) {
        json_t *a = json_object_get(o, "arg");
        char num[64];
        const char *arg = json_string_value(a);
        if (json_is_number(a)) {
            snprintf(num, sizeof(num), "%.17g", json_number_value(a));
            arg = num;
        }
        rc = player_command(p, name, arg);
    }
    json_decref(o);
    char *ans = player_answer(p);
    json_t *reply = json_pack("{s:i, s:o}", "rc", rc, "state", state_now(p, sent));
    if (ans)
        json_object_set_new(reply, "answer", json_string(ans));
    free(ans);
    worker_send(fd, reply);
}

void worker_print_events(struct player *p, int quiet)
{
    char *line;
    int any = 0;
    while ((line = player_next_event(p))) {
        if (!quiet) {
            fputs(line, stdout);
            fputc('\n', stdout);
            any = 1;
        }
        free(line);
    }
    if (any)
        fflush(stdout);
}

/* Nothing to play: the idle clock may run. */
static int idle_now(struct player *p)
{
    struct player_state st;
    player_get_state(p, &st);
    if (st.sleep_minutes > 0)
        return 0;
    return st.run != PLAYER_PLAYING || st.story >= st.count;
}

static long idle_limit(long idle_ms)
{
    if (idle_ms >= 0)
        return idle_ms;
    const char *e = getenv("DOCBAO_WORKER_IDLE_MS");
    if (e && *e) {
        char *end;
        long v = strtol(e, &end, 10);
        if (!*end && v >= 0)
            return v;
    }
    return WORKER_IDLE_MS;
}

enum worker_end worker_serve(int fd, struct player *p, int quiet, long idle_ms,
                             volatile sig_atomic_t *stop)
{
    long limit = idle_limit(idle_ms);
    unsigned long sent = 0;
    worker_send(fd, json_pack("{s:o}", "state", state_now(p, &sent)));
    char *buf = xmalloc(WORKER_MAX_PACKET);
    long long idle_since = -1;
    enum worker_end how;
    for (;;) {
        if (player_finished(p)) {
            how = WORKER_END_FINISHED;
            break;
        }
        if (stop && *stop) {
            how = WORKER_END_SIGNAL;
            break;
        }
        long long t = mono_ms();
        if (!idle_now(p))
            idle_since = -1;
        else if (idle_since < 0)
            idle_since = t;
        int timeout = -1;
        if (idle_since >= 0) {
            long long left = idle_since + limit - t;
            if (left <= 0) {
                how = WORKER_END_IDLE;
                break;
            }
            timeout = left > 60000 ? 60000 : (int)left;
        }
        struct pollfd fds[2] = {{fd, POLLIN, 0}, {player_event_fd(p), POLLIN, 0}};
        if (poll(fds, 2, timeout) < 0) {
            if (errno == EINTR)
                continue;
            how = WORKER_END_GONE;
            break;
        }
        if (fds[0].revents) {
            ssize_t r = recv(fd, buf, WORKER_MAX_PACKET, MSG_DONTWAIT);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                how = WORKER_END_GONE;
                break;
            }
            if (r > 0) {
                run_packet(fd, p, buf, (size_t)r, &sent);
                idle_since = -1;
            }
        }
        worker_print_events(p, quiet);
        struct player_state st;
        player_get_state(p, &st);
        if (st.version != sent)
            worker_send(fd, json_pack("{s:o}", "state", state_now(p, &sent)));
    }
    worker_print_events(p, quiet);
    free(buf);
    return how;
}

void worker_send_failed(int fd, const char *why)
{
    worker_send(fd, json_pack("{s:s, s:s}", "end", "failed", "error", why ? why : ""));
}

void worker_send_end(int fd, enum worker_end how)
{
    if (how == WORKER_END_GONE)
        return;
    worker_send(fd, json_pack("{s:s}", "end", how == WORKER_END_FINISHED ? "finished" : "idle"));
}
