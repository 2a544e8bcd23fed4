/*
 * remote.c — docbaod's player: a worker process on the other end of a socket pair (see
 * remote.h for the behaviour, worker.h for the packets).
 *
 * The state the worker last sent is kept here with a version of our own (workers come and
 * go; each starts counting anew). Reading is non-blocking except while a command waits for
 * its answer or a new worker has not sent its first state.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "docbao/cmd.h"
#include "docbao/ctl.h"
#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/player.h"
#include "docbao/remote.h"
#include "docbao/util.h"
#include "docbao/worker.h"

struct player {
    struct strv argv;      /* the worker's command line */
    pid_t pid;             /* the worker, or 0 */
    int fd;                /* our end of the socket pair, or -1 */
    int ready;             /* the worker sent its first state */
    int started_one;       /* a worker has sent a state since the daemon began */
    int finished;          /* quit, or the player finished for good */
    int failed;            /* the first worker could not start */
    int start_err;         /* why the last worker could not start (a DB_* error), or 0 */
    json_t *obj;           /* the last state object (owns st's strings) */
    struct player_state st;
    unsigned long version;
    /* the queue the next worker loads */
    char *category, *sources, *url;
    long limit;
    char *buf;             /* WORKER_MAX_PACKET bytes */
    char *answer;          /* the last command's answer (player_answer), or NULL */
    char *fail;            /* why the last strict worker could not have its queue, or NULL */
};

static void set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? xstrdup(src) : NULL;
}


static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_state(const struct player_state *a, const struct player_state *b)
{
    return a->run == b->run && a->speed == b->speed && a->story == b->story &&
           a->count == b->count && a->sentence == b->sentence &&
           a->nsentences == b->nsentences && a->headlines == b->headlines &&
           a->sleep_minutes == b->sleep_minutes && same_str(a->title, b->title) &&
           same_str(a->url, b->url) && same_str(a->site, b->site);
}

/* Takes the state object o (a new reference) as the current state. */
static void take_state(struct player *p, json_t *o)
{
    struct player_state st;
    if (worker_state_parse(o, &st) < 0) {
        json_decref(o);
        return;
    }
    p->ready = 1;
    p->started_one = 1;
    if (p->obj && same_state(&st, &p->st)) {
        json_decref(o);
        return;
    }
    json_decref(p->obj);
    p->obj = o;
    p->st = st;
    p->version++;
}

/* The worker's pid is gone: nothing plays any more. */
static void reap(struct player *p)
{
    if (!p->pid)
        return;
    int status = 0;
    pid_t r;
    long long until = mono_ms() + 5000;
    /* It closed the socket on its way out: give it a moment to exit, then insist. */
    while ((r = waitpid(p->pid, &status, WNOHANG)) == 0 && mono_ms() < until)
        poll(NULL, 0, 5);
    if (r == 0) {
        kill(p->pid, SIGKILL);
        r = waitpid(p->pid, &status, 0);
    }
    int ok = r == p->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    p->start_err = 0;
    if (!p->ready && !ok) {
        int code = r == p->pid && WIFEXITED(status) ? WEXITSTATUS(status) : 0;
        p->start_err = code > WORKER_EXIT_ERR && code < WORKER_EXIT_ERR + 32
                           ? WORKER_EXIT_ERR - code
                           : DB_EIO;
    }
    if (!p->ready && !ok && !p->started_one) {
        p->failed = 1;       /* the first worker: the daemon cannot play at all */
        p->finished = 1;
    }
    p->pid = 0;
}

static void worker_gone(struct player *p)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    reap(p);
    p->ready = 0;
    if (p->obj && p->st.run == PLAYER_PLAYING) {
        p->st.run = PLAYER_STOPPED;
        p->version++;
    }
}

/* Handles one packet; returns 1 for a command's answer (its rc in *rc). */
static int handle(struct player *p, const char *buf, size_t n, int *rc)
{
    json_t *o = json_loadb(buf, n, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return 0;
    }
    int answer = 0;
    json_t *st = json_object_get(o, "state");
    if (st)
        take_state(p, json_incref(st));
    json_t *r = json_object_get(o, "rc");
    if (json_is_integer(r)) {
        *rc = (int)json_integer_value(r);
        answer = 1;
        set_str(&p->answer, json_string_value(json_object_get(o, "answer")));
    }
    const char *end = json_string_value(json_object_get(o, "end"));
    if (end && strcmp(end, "finished") == 0)
        p->finished = 1;
    if (end && strcmp(end, "failed") == 0)
        set_str(&p->fail, json_string_value(json_object_get(o, "error")));
    json_decref(o);
    return answer;
}

/* Reads what the worker sent. With wait_answer or while the worker is not ready, blocks
 * (up to REMOTE_WAIT_MS) for the answer or the first state. Returns 1 when an answer came
 * (*rc), 0 when none, -1 when the worker is gone. */
static int pump(struct player *p, int wait_answer, int *rc)
{
    long long until = mono_ms() + REMOTE_WAIT_MS;
    while (p->fd >= 0) {
        ssize_t r = recv(p->fd, p->buf, WORKER_MAX_PACKET, MSG_DONTWAIT);
        if (r > 0) {
            if (handle(p, p->buf, (size_t)r, rc) && wait_answer)
                return 1;
            continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            worker_gone(p);
            return -1;
        }
        if (errno == EINTR)
            continue;
        if (!wait_answer && p->ready)
            return 0;
        long long left = until - mono_ms();
        if (left <= 0) {
            fprintf(stderr, "docbao: %s\n",
                    _("the player process did not answer in time; it is stopped and will be "
                      "started again on the next command"));
            kill(p->pid, SIGKILL);
            worker_gone(p);
            return -1;
        }
        struct pollfd pf = {p->fd, POLLIN, 0};
        if (poll(&pf, 1, (int)left) < 0 && errno != EINTR)
            return -1;
    }
    return -1;
}

static void send_packet(struct player *p, json_t *o)
{
    if (p->fd >= 0)
        worker_send(p->fd, o);
    else
        json_decref(o);
}

static void child(struct player *p, int fd, pid_t parent)
{
    if (fd == WORKER_FD)
        fcntl(fd, F_SETFD, 0);
    else if (dup2(fd, WORKER_FD) < 0)
        _exit(127);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(p->argv.v[0], p->argv.v);
    fprintf(stderr, "docbao: %s %s: %s\n", _("cannot start the player process"), p->argv.v[0],
            strerror(errno));
    _exit(127);
}

/* Starts a worker for the queue, at the current place when there is one. mode: NULL, or
 * "strict" (a client's new queue: failing to have it is an error, worker.h) or "refetch"
 * (the news again at the end of the list). */
static int spawn(struct player *p, int paused, int at_place, const char *mode)
{
    if (p->fd >= 0)
        return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return DB_EIO;
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return DB_EIO;
    }
    if (pid == 0) {
        close(sv[0]);
        child(p, sv[1], parent);
    }
    close(sv[1]);
    p->pid = pid;
    p->fd = sv[0];
    p->ready = 0;
    json_t *init = json_object();
    if (p->url) {
        json_object_set_new(init, "url", json_string(p->url));
    } else {
        if (p->category)
            json_object_set_new(init, "category", json_string(p->category));
        if (p->sources)
            json_object_set_new(init, "sources", json_string(p->sources));
        if (p->limit > 0)
            json_object_set_new(init, "limit", json_integer(p->limit));
    }
    if (at_place && p->obj && p->st.url) {
        json_object_set_new(init, "at", json_string(p->st.url));
        json_object_set_new(init, "sentence", json_integer((json_int_t)p->st.sentence));
        /* the same news as the worker before: no wait on the network to go on */
        json_object_set_new(init, "saved", json_true());
    } else if (at_place && p->obj && p->st.count > 0 && p->st.story >= p->st.count) {
        /* past the end of the list: the new worker starts there too, not at the top */
        json_object_set_new(init, "saved", json_true());
        json_object_set_new(init, "at_end", json_true());
    }
    if (p->obj)
        json_object_set_new(init, "speed", json_real(p->st.speed));
    json_object_set_new(init, "paused", json_boolean(paused));
    if (mode)
        json_object_set_new(init, mode, json_true());
    send_packet(p, init);
    return 0;
}

int remote_new(char *const *argv, struct player **out)
{
    struct player *p = xcalloc(1, sizeof(*p));
    p->fd = -1;
    p->limit = -1;
    p->buf = xmalloc(WORKER_MAX_PACKET);
    for (size_t i = 0; argv[i]; i++)
        strv_push(&p->argv, xstrdup(argv[i]));
    strv_push(&p->argv, NULL);
    p->st.run = PLAYER_STOPPED;
    p->st.speed = 1.0;
    if (spawn(p, 0, 0, NULL) < 0) {
        strv_free(&p->argv);
        free(p->buf);
        free(p);
        return DB_EIO;
    }
    *out = p;
    return 0;
}

/* Asks the worker to quit and waits for it to leave (its place is saved on the way); now:
 * at once, without the goodbye a listener's "quit" gets. */
static void end_worker(struct player *p, int now)
{
    if (p->fd < 0)
        return;
    int rc = 0;
    send_packet(p, json_pack("{s:s, s:s?}", "cmd", "quit", "arg", now ? "now" : NULL));
    while (p->fd >= 0)
        pump(p, 1, &rc);
}

/* Waits for a new worker's first state. Returns 0, or why it did not come (the worker
 * could not start, or a strict one could not have its queue: p->fail says why). */
static int wait_ready(struct player *p)
{
    int rc = 0;
    while (p->fd >= 0 && !p->ready)
        pump(p, 0, &rc);
    if (p->ready)
        return 0;
    return p->start_err ? p->start_err : DB_EIO;
}

/* Makes the state object old (a reference, stolen; may be NULL) the current state again. */
static void restore_state(struct player *p, json_t *old)
{
    json_decref(p->obj);
    p->obj = old;
    if (!old || worker_state_parse(old, &p->st) < 0) {
        memset(&p->st, 0, sizeof(p->st));
        p->st.run = PLAYER_STOPPED;
        p->st.speed = 1.0;
    }
    p->version++;
}

/* The list is over (or empty): nothing to resume. */
static int at_end(const struct player *p)
{
    return p->obj && p->st.run == PLAYER_STOPPED && p->st.story >= p->st.count;
}

/* resume at the end of the list: the same selection fetched again, from its first story
 * not heard yet. Nothing new: the new worker says so and stays stopped. */
static int refetch(struct player *p)
{
    end_worker(p, 1);
    p->finished = 0;
    if (spawn(p, 0, 0, "refetch") < 0)
        return DB_EIO;
    int rc = wait_ready(p);
    if (rc < 0)
        return rc;
    if (p->st.count == 0)
        set_str(&p->answer, _("No new stories since the last fetch; stopped."));
    return 0;
}

/* Carries out the row c of the command table: "quit" ends the worker; a row that needs a
 * player process (CMD_NEEDS_PLAYER) is sent to the worker, started first when none runs; the
 * others ("pause", "stop") change the state kept when no worker runs. */
static int remote_run(struct player *p, const struct cmd *c, const char *arg)
{
    const char *name = c->name;
    if (strcmp(name, "quit") == 0) {
        end_worker(p, arg && strcmp(arg, "now") == 0);
        p->finished = 1;
        return 0;
    }
    if (p->finished)
        return DB_EIO;
    if (p->fd >= 0 && p->ready) {
        int rc = 0;
        pump(p, 0, &rc); /* the latest state, to know whether the list is over */
    }
    if ((c->flags & CMD_RESUMES) && at_end(p))
        return refetch(p);
    if (p->fd < 0 && !(c->flags & CMD_NEEDS_PLAYER)) {
        if (strcmp(name, "stop") == 0 && p->st.run != PLAYER_STOPPED) {
            p->st.run = PLAYER_STOPPED;
            p->version++;
        }
        return 0;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        if (p->fd < 0 && spawn(p, 1, 1, NULL) < 0)
            return DB_EIO;
        send_packet(p, json_pack("{s:s, s:s?}", "cmd", name, "arg", arg));
        int rc = 0;
        if (pump(p, 1, &rc) == 1)
            return rc;
        if (p->finished || p->start_err)
            break;
    }
    return p->start_err ? p->start_err : DB_EIO;
}

/* The run functions of the command table (cmd.h): every row goes to remote_run(). */
#define CMD_ROW(name, id, keys, nargs, flags, help, spoken) \
    int cmd_run_##id(struct player *p, const char *arg) \
    { \
        return remote_run(p, cmd_find(name), arg); \
    }
#include "docbao/cmd_rows.h"
#undef CMD_ROW

int player_command(struct player *p, const char *name, const char *arg)
{
    set_str(&p->answer, NULL);
    const struct cmd *c = cmd_find(name);
    if (!c)
        return DB_EINVAL;
    return c->run(p, arg);
}

void player_get_state(struct player *p, struct player_state *st)
{
    int rc;
    pump(p, 0, &rc);
    *st = p->st;
    st->version = p->version;
}

int player_event_fd(struct player *p)
{
    return p->fd;
}

char *player_next_event(struct player *p)
{
    int rc;
    pump(p, 0, &rc);
    return NULL;
}

char *player_answer(struct player *p)
{
    return p->answer ? xstrdup(p->answer) : NULL;
}

int player_finished(struct player *p)
{
    return p->finished;
}

int remote_request(struct player *p, const struct ctl_request *r, char *why, size_t whysize)
{
    if (why && whysize)
        why[0] = '\0';
    if (r->kind != CTL_REQ_PLAY && r->kind != CTL_REQ_QUEUE)
        return DB_EINVAL;
    /* what to go back to when the new queue cannot be had */
    char *category = p->category ? xstrdup(p->category) : NULL;
    char *sources = p->sources ? xstrdup(p->sources) : NULL;
    char *url = p->url ? xstrdup(p->url) : NULL;
    long limit = p->limit;
    json_t *old = p->obj ? json_incref(p->obj) : NULL;
    int had_worker = p->fd >= 0;
    enum player_run run = p->st.run;
    if (r->kind == CTL_REQ_PLAY) {
        set_str(&p->url, r->url);
    } else {
        set_str(&p->url, NULL);
        if (r->category)
            set_str(&p->category, r->category);
        if (r->sources)
            set_str(&p->sources, r->sources);
        if (r->limit >= 0)
            p->limit = r->limit;
    }
    end_worker(p, 1);
    p->finished = 0;
    set_str(&p->fail, NULL);
    int rc = spawn(p, 0, 0, "strict");
    if (rc == 0)
        rc = wait_ready(p);
    if (rc == 0) {
        json_decref(old);
        free(category);
        free(sources);
        free(url);
        return 0;
    }
    /* the new queue failed: the one before stays, where it was */
    if (why && whysize)
        snprintf(why, whysize, "%s; %s", p->fail ? p->fail : db_strerror(rc),
                 _("the list before is kept"));
    free(p->category);
    free(p->sources);
    free(p->url);
    p->category = category;
    p->sources = sources;
    p->url = url;
    p->limit = limit;
    restore_state(p, old);
    p->finished = 0;
    if (had_worker)
        spawn(p, run != PLAYER_PLAYING, 1, NULL);
    return rc;
}

int remote_free(struct player *p)
{
    if (!p)
        return 0;
    end_worker(p, 1);
    int rc = p->failed ? DB_EIO : 0;
    json_decref(p->obj);
    strv_free(&p->argv);
    free(p->category);
    free(p->sources);
    free(p->url);
    free(p->buf);
    free(p->answer);
    free(p->fail);
    free(p);
    return rc;
}
