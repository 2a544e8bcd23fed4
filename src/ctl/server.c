/*
 * server.c — the control socket: JSON lines over a Unix socket, served from the daemon's
 * poll() loop without threads or blocking (see ctl.h for the protocol).
 *
 * Each client has an input buffer capped at CTL_MAX_LINE (a longer line is answered with an
 * error and the connection closed once the answer is out) and an output buffer for replies
 * the socket could not take at once (capped too: a client that never reads is dropped).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "docbao/cmd.h"
#include "docbao/ctl.h"
#include "docbao/err.h"
#include "docbao/player.h"
#include "docbao/util.h"

/* Replies waiting for a client that does not read are dropped past this size. */
#define OUT_MAX (4 * 1024 * 1024)
/* The most requests waiting for the loop's owner. */
#define REQ_MAX 16

struct client {
    int fd;
    struct buf in;
    struct buf out;
    size_t out_off;              /* bytes of out already written */
    int idle;                    /* an idle request is waiting for a state change */
    unsigned long idle_version;  /* the version it waits to see move */
    unsigned long wait_id;       /* a request for the loop's owner waits for its answer
                                    (ctl_server_answer); further lines wait too */
    int closing;                 /* no more reading: close once out is written */
    int dead;                    /* close at the end of this turn */
};

struct ctl_server {
    int fd;
    char *path;
    struct player *p;
    struct client **c;
    size_t n, cap;
    struct ctl_request req[REQ_MAX];
    size_t nreq;
    unsigned long next_id;       /* the id of the last request queued */
};

void ctl_request_clear(struct ctl_request *r)
{
    free(r->category);
    free(r->sources);
    free(r->url);
    memset(r, 0, sizeof(*r));
    r->kind = CTL_REQ_NONE;
    r->limit = -1;
}

/* The folder holding the socket: $XDG_RUNTIME_DIR/docbao, /run/user/UID/docbao or
 * /tmp/docbao-UID. */
static int socket_dir(char *buf, size_t size)
{
    const char *rt = getenv("XDG_RUNTIME_DIR");
    int n;
    if (rt && *rt) {
        n = snprintf(buf, size, "%s/docbao", rt);
    } else {
        char run[64];
        struct stat st;
        snprintf(run, sizeof(run), "/run/user/%lu", (unsigned long)getuid());
        if (stat(run, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
            n = snprintf(buf, size, "%s/docbao", run);
        else
            n = snprintf(buf, size, "/tmp/docbao-%lu", (unsigned long)getuid());
    }
    return n < 0 || (size_t)n >= size ? DB_ETOOBIG : 0;
}

int ctl_socket_path(char *buf, size_t size)
{
    struct sockaddr_un sa;
    char dir[sizeof(sa.sun_path)];
    if (socket_dir(dir, sizeof(dir)) < 0)
        return DB_ETOOBIG;
    int n = snprintf(buf, size, "%s/control", dir);
    if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof(sa.sun_path))
        return DB_ETOOBIG;
    return 0;
}

static void set_why(char *why, size_t whysize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_why(char *why, size_t whysize, const char *fmt, ...)
{
    va_list ap;
    if (!why || !whysize)
        return;
    va_start(ap, fmt);
    vsnprintf(why, whysize, fmt, ap);
    va_end(ap);
}

/* Makes dir (0700) or checks that the one there is a real directory of ours that nobody
 * else may open. */
static int make_private_dir(const char *dir, char *why, size_t whysize)
{
    struct stat st;
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        set_why(why, whysize, "cannot create %s: %s", dir, strerror(errno));
        return DB_EIO;
    }
    if (lstat(dir, &st) < 0) {
        set_why(why, whysize, "cannot inspect %s: %s", dir, strerror(errno));
        return DB_EIO;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
        set_why(why, whysize, "%s is not a directory of this user (a symlink?); remove it",
                dir);
        return DB_EIO;
    }
    if ((st.st_mode & 077) && chmod(dir, 0700) < 0) {
        set_why(why, whysize, "cannot make %s private: %s", dir, strerror(errno));
        return DB_EIO;
    }
    return 0;
}

/* Removes a socket left by a daemon that died; refuses when a daemon answers there. */
static int clear_stale(const char *path, char *why, size_t whysize)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        set_why(why, whysize, "cannot inspect %s: %s", path, strerror(errno));
        return DB_EIO;
    }
    if (!S_ISSOCK(st.st_mode)) {
        set_why(why, whysize, "%s exists and is not a socket; remove it", path);
        return DB_EIO;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_why(why, whysize, "cannot create a socket: %s", strerror(errno));
        return DB_EIO;
    }
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    int e = errno;
    close(fd);
    if (rc == 0) {
        set_why(why, whysize, "another docbao daemon is already running (%s)", path);
        return DB_EIO;
    }
    if (e != ECONNREFUSED && e != ENOENT) {
        set_why(why, whysize, "cannot check %s: %s", path, strerror(e));
        return DB_EIO;
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        set_why(why, whysize, "cannot remove the stale socket %s: %s", path, strerror(errno));
        return DB_EIO;
    }
    return 0;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

int ctl_server_new(struct player *p, struct ctl_server **out, char *why, size_t whysize)
{
    struct sockaddr_un sa;
    char dir[sizeof(sa.sun_path)];
    char path[sizeof(sa.sun_path)];
    int rc, fd = -1;
    if (why && whysize)
        why[0] = '\0';
    if (socket_dir(dir, sizeof(dir)) < 0 || ctl_socket_path(path, sizeof(path)) < 0) {
        set_why(why, whysize, "the control socket's path is too long (XDG_RUNTIME_DIR=%s)",
                getenv("XDG_RUNTIME_DIR") ? getenv("XDG_RUNTIME_DIR") : "");
        return DB_ETOOBIG;
    }
    if ((rc = make_private_dir(dir, why, whysize)) < 0 ||
        (rc = clear_stale(path, why, whysize)) < 0)
        return rc;
    rc = DB_EIO;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || set_nonblock(fd) < 0) {
        set_why(why, whysize, "cannot create a socket: %s", strerror(errno));
        goto out;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        if (errno == EADDRINUSE)
            set_why(why, whysize, "another docbao daemon is already running (%s)", path);
        else
            set_why(why, whysize, "cannot listen on %s: %s", path, strerror(errno));
        goto out;
    }
    /* The directory is 0700 already, so nobody else can reach the socket in between. */
    if (chmod(path, 0600) < 0 || listen(fd, SOMAXCONN) < 0) {
        set_why(why, whysize, "cannot listen on %s: %s", path, strerror(errno));
        unlink(path);
        goto out;
    }
    struct ctl_server *s = xcalloc(1, sizeof(*s));
    s->fd = fd;
    s->path = xstrdup(path);
    s->p = p;
    for (size_t i = 0; i < REQ_MAX; i++)
        ctl_request_clear(&s->req[i]);
    *out = s;
    return 0;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

const char *ctl_server_path(const struct ctl_server *s)
{
    return s->path;
}

/* ---- state as JSON -------------------------------------------------------------------- */

/* x rounded to the nearest whole number (no libm needed). */
static long long round_ll(double x)
{
    return (long long)(x >= 0 ? x + 0.5 : x - 0.5);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

void *ctl_state_json(const struct player_state *st)
{
    static const char *const runs[] = {"playing", "paused", "stopped"};
    int have = st->story < st->count;
    json_t *article = json_object();
    json_object_set_new(article, "index", json_integer(have ? (json_int_t)st->story + 1 : 0));
    json_object_set_new(article, "count", json_integer((json_int_t)st->count));
    json_object_set_new(article, "title", str_or_null(have ? st->title : NULL));
    json_object_set_new(article, "url", str_or_null(have ? st->url : NULL));
    json_object_set_new(article, "site", str_or_null(have ? st->site : NULL));
    json_t *sentence = json_object();
    int known = have && st->nsentences > 0;
    json_object_set_new(sentence, "index",
                        json_integer(known ? (json_int_t)st->sentence + 1 : 0));
    json_object_set_new(sentence, "count", json_integer(have ? (json_int_t)st->nsentences : 0));
    json_t *o = json_object();
    unsigned run = (unsigned)st->run < 3 ? (unsigned)st->run : 2;
    json_object_set_new(o, "state", json_string(runs[run]));
    json_object_set_new(o, "speed", json_real((double)round_ll(st->speed * 100.0) / 100.0));
    json_object_set_new(o, "article", article);
    json_object_set_new(o, "sentence", sentence);
    return o;
}

/* ---- replies -------------------------------------------------------------------------- */

static void client_close(struct client *c)
{
    c->dead = 1;
}

static void client_write(struct client *c);

/* Queues text + "\n" for c and tries to write it now. */
static void send_line(struct client *c, const char *text)
{
    if (c->dead)
        return;
    if (buf_puts(&c->out, text) < 0 || buf_putc(&c->out, '\n') < 0) {
        client_close(c);     /* a client that does not read its replies */
        return;
    }
    client_write(c);
}

static void send_json(struct client *c, json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    send_line(c, text);
    free(text);
    json_decref(o);
}

static void send_error(struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void send_error(struct client *c, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_t *o = json_object();
    json_object_set_new(o, "ok", json_false());
    json_object_set_new(o, "error", json_string(msg));
    send_json(c, o);
}

static json_t *current_state(struct ctl_server *s)
{
    struct player_state st;
    player_get_state(s->p, &st);
    return ctl_state_json(&st);
}

/* {"ok":true,"state":{...}} with "message" when msg is not NULL (what a key would have
 * printed and said: "This is the last story", "No new stories"). */
static void send_state_msg(struct ctl_server *s, struct client *c, const char *msg)
{
    json_t *o = json_object();
    json_object_set_new(o, "ok", json_true());
    json_object_set_new(o, "state", current_state(s));
    if (msg)
        json_object_set_new(o, "message", json_string(msg));
    send_json(c, o);
}

static void send_state(struct ctl_server *s, struct client *c)
{
    send_state_msg(s, c, NULL);
}

/* The answer to a command player_command() ran with rc: the state (and the player's answer
 * as "message"), or an error saying why. */
static void send_result(struct ctl_server *s, struct client *c, const char *name, int rc)
{
    char *ans = player_answer(s->p);
    if (rc == DB_EINVAL && !ans)
        send_error(c, "bad argument for %s", name);
    else if (rc < 0)
        send_error(c, "%s failed: %s", name, ans ? ans : db_strerror(rc));
    else
        send_state_msg(s, c, ans);
    free(ans);
}

static unsigned long state_version(struct ctl_server *s)
{
    struct player_state st;
    player_get_state(s->p, &st);
    return st.version;
}

/* ---- requests ------------------------------------------------------------------------- */

/* The "arg" (or another key) as a string: a JSON string as is, a number printed with '.'.
 * Returns 0 and a malloc'd string or NULL when absent, or DB_EINVAL for another type. */
static int get_arg(json_t *req, const char *key, char **out)
{
    json_t *v = json_object_get(req, key);
    char num[64];
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        *out = xstrdup(json_string_value(v));
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        *out = xstrdup(num);
    } else if (json_is_real(v)) {
        /* Hundredths, printed without the locale's help: the decimal point stays '.'. */
        double d = json_real_value(v);
        if (!(d > -1e9 && d < 1e9))
            return DB_EINVAL;    /* NaN, infinities and nonsense */
        long long h = round_ll(d * 100.0);
        snprintf(num, sizeof(num), "%s%lld.%02lld", h < 0 ? "-" : "", llabs(h) / 100,
                 llabs(h) % 100);
        *out = xstrdup(num);
    } else {
        return DB_EINVAL;
    }
    return 0;
}

static void push_request(struct ctl_server *s, struct client *c, struct ctl_request *r)
{
    if (s->nreq == REQ_MAX) {
        ctl_request_clear(r);
        send_error(c, "too many requests waiting; try again");
        return;
    }
    r->id = ++s->next_id;
    s->req[s->nreq++] = *r;
    if (c->fd >= 0) {
        c->wait_id = r->id;      /* answered when carried out: ctl_server_answer */
        return;
    }
    /* ctl_run_bytes: no owner will carry it out; answered as accepted */
    if (s->p)
        send_state(s, c);
    else
        send_line(c, "{\"ok\":true,\"state\":null}");
}

static void run_lines(struct ctl_server *s, struct client *c);
static void reap(struct ctl_server *s);

void ctl_server_answer(struct ctl_server *s, unsigned long id, int rc, const char *msg)
{
    for (size_t i = 0; i < s->n && id; i++) {
        struct client *c = s->c[i];
        if (c->wait_id != id)
            continue;
        c->wait_id = 0;
        if (rc < 0)
            send_error(c, "%s", msg && *msg ? msg : db_strerror(rc));
        else if (s->p)
            send_state_msg(s, c, msg && *msg ? msg : NULL);
        else
            send_line(c, "{\"ok\":true,\"state\":null}");
        run_lines(s, c);         /* lines that came while it waited */
    }
    reap(s);
}

static void do_queue(struct ctl_server *s, struct client *c, json_t *req)
{
    struct ctl_request r = {CTL_REQ_QUEUE, NULL, NULL, -1, NULL, 0, 0};
    json_t *lim = json_object_get(req, "limit");
    json_t *src = json_object_get(req, "source");
    if (json_is_array(src)) {
        /* ["a","b"] → "a,b" */
        struct buf b = BUF_INIT;
        size_t i;
        json_t *v;
        json_array_foreach(src, i, v) {
            if (!json_is_string(v) || strchr(json_string_value(v), ',')) {
                buf_free(&b);
                send_error(c, "\"source\" must be a string or an array of site ids");
                return;
            }
            if (i)
                buf_putc(&b, ',');
            buf_puts(&b, json_string_value(v));
        }
        r.sources = buf_steal(&b);
    } else if (get_arg(req, "source", &r.sources) < 0) {
        send_error(c, "\"source\" must be a string or an array of site ids");
        return;
    }
    if (get_arg(req, "category", &r.category) < 0) {
        ctl_request_clear(&r);
        send_error(c, "\"category\" must be a string");
        return;
    }
    if (lim && !json_is_null(lim)) {
        if (!json_is_integer(lim) || json_integer_value(lim) < 1 ||
            json_integer_value(lim) > 100000) {
            ctl_request_clear(&r);
            send_error(c, "\"limit\" must be a whole number from 1");
            return;
        }
        r.limit = (long)json_integer_value(lim);
    }
    if (!r.category && !r.sources && r.limit < 0) {
        send_error(c, "queue needs \"category\", \"source\" or \"limit\"");
        return;
    }
    push_request(s, c, &r);
}

static void do_play(struct ctl_server *s, struct client *c, json_t *req)
{
    char *url = NULL;
    if (get_arg(req, "url", &url) < 0 || (!url && get_arg(req, "arg", &url) < 0)) {
        send_error(c, "\"url\" must be a string");
        return;
    }
    if (!url) {
        /* play without a URL: go on from where we are */
        if (!s->p) {
            send_error(c, "no player is running");
            return;
        }
        int rc = player_command(s->p, "resume", NULL);
        send_result(s, c, "play", rc);
        return;
    }
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        free(url);
        send_error(c, "only http:// and https:// URLs can be played");
        return;
    }
    struct ctl_request r = {CTL_REQ_PLAY, NULL, NULL, -1, url, 0, 0};
    push_request(s, c, &r);
}

/* Runs one request line of c; ended_idle: the line ended an idle wait (already answered). */
static void run_line(struct ctl_server *s, struct client *c, const char *line, size_t len,
                     int ended_idle)
{
    json_error_t jerr;
    json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!req) {
        send_error(c, "invalid JSON: %s", jerr.text);
        return;
    }
    json_t *jc = json_object_get(req, "cmd");
    const char *name = json_is_string(jc) ? json_string_value(jc) : NULL;
    if (!json_is_object(req) || !name) {
        send_error(c, "a request is an object with a \"cmd\" string");
        goto out;
    }
    if (strcmp(name, "queue") == 0) {
        do_queue(s, c, req);
        goto out;
    }
    if (strcmp(name, "play") == 0 &&
        (json_object_get(req, "url") || !cmd_find("play"))) {
        do_play(s, c, req);      /* a URL for the daemon's owner, or "resume" */
        goto out;
    }
    if (strcmp(name, "noidle") == 0 && ended_idle)
        goto out;                /* the idle wait's answer was this line's answer */
    int is_status = strcmp(name, "status") == 0 || strcmp(name, "noidle") == 0;
    int is_idle = strcmp(name, "idle") == 0;
    const struct cmd *row = is_status || is_idle ? NULL : cmd_find(name);
    if (!is_status && !is_idle && !row) {
        send_error(c, "unknown command: %s", name);
        goto out;
    }
    if (!s->p) {
        send_error(c, "no player is running");
        goto out;
    }
    if (is_status) {
        send_state(s, c);
    } else if (is_idle) {
        c->idle = 1;
        c->idle_version = state_version(s);
    } else {
        char *arg = NULL;
        if (get_arg(req, "arg", &arg) < 0) {
            send_error(c, "\"arg\" must be a string or a number");
            goto out;
        }
        if (row->nargs > 0 && !arg) {
            send_error(c, "%s needs an argument", name);
            goto out;
        }
        /* An argument goes along when given ("sleep 30", the daemon's "quit now"); the
         * player refuses what it cannot use. */
        int rc = player_command(s->p, name, arg);
        free(arg);
        send_result(s, c, name, rc);
    }
out:
    json_decref(req);
}

/* Runs every complete line in c's input buffer (unless c waits in idle). */
static void run_lines(struct ctl_server *s, struct client *c)
{
    size_t start = 0;
    while (!c->dead && !c->closing && !c->wait_id) {
        char *nl = memchr(c->in.data + start, '\n', c->in.len - start);
        if (!nl)
            break;
        int ended_idle = c->idle;
        if (c->idle) {
            /* Any line ends an idle wait at once (mpd's "noidle"). */
            c->idle = 0;
            send_state(s, c);
        }
        size_t len = (size_t)(nl - (c->in.data + start));
        const char *line = c->in.data + start;
        start += len + 1;
        if (len && line[len - 1] == '\r')
            len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == len)
            continue;            /* blank lines are ignored */
        run_line(s, c, line, len, ended_idle);
    }
    if (c->dead || c->closing) {
        buf_free(&c->in);        /* keeps the cap */
    } else if (start) {
        size_t rest = c->in.len - start;
        memmove(c->in.data, c->in.data + start, rest);
        c->in.len = rest;
        c->in.data[rest] = '\0';
    }
}

/* Takes the r bytes at chunk as read from c and runs the lines they complete. */
static void client_feed(struct ctl_server *s, struct client *c, const char *chunk, size_t r)
{
    size_t off = 0;
    while (off < r && !c->dead && !c->closing) {
        /* Feed up to the next newline, so a huge read of many short lines is fine. */
        const char *nl = memchr(chunk + off, '\n', r - off);
        size_t n = nl ? (size_t)(nl - (chunk + off)) + 1 : r - off;
        if (buf_append(&c->in, chunk + off, n) < 0) {
            /* buf_append freed the line so far */
            send_error(c, "request line too long (at most %d bytes)", CTL_MAX_LINE);
            c->closing = 1;
            if (c->fd >= 0)
                shutdown(c->fd, SHUT_RD);
            return;
        }
        off += n;
        if (nl)
            run_lines(s, c);
    }
}

static void client_read(struct ctl_server *s, struct client *c)
{
    char chunk[16384];
    for (int turns = 0; turns < 16 && !c->dead && !c->closing; turns++) {
        ssize_t r = recv(c->fd, chunk, sizeof(chunk), 0);
        if (r == 0) {
            /* The client is gone or sent its last request (a partial line is dropped);
             * close once the replies, an idle one too, are out. */
            c->closing = 1;
            return;
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                client_close(c);
            return;
        }
        client_feed(s, c, chunk, (size_t)r);
    }
}

size_t ctl_run_bytes(struct player *p, const char *data, size_t n, struct buf *reply)
{
    struct ctl_server s;
    struct client c;
    memset(&s, 0, sizeof(s));
    memset(&c, 0, sizeof(c));
    s.fd = -1;
    s.p = p;
    for (size_t i = 0; i < REQ_MAX; i++)
        ctl_request_clear(&s.req[i]);
    c.fd = -1;                   /* no socket: client_write leaves the replies in c.out */
    buf_init(&c.in, CTL_MAX_LINE);
    buf_init(&c.out, OUT_MAX);
    client_feed(&s, &c, data, n);
    size_t queued = s.nreq;
    for (size_t i = 0; i < s.nreq; i++)
        ctl_request_clear(&s.req[i]);
    if (reply && c.out.len)
        buf_append(reply, c.out.data, c.out.len);
    buf_free(&c.in);
    buf_free(&c.out);
    return queued;
}

/* Writes what the socket takes of c's pending replies. */
static void client_write(struct client *c)
{
    if (c->fd < 0)
        return;                  /* ctl_run_bytes: the replies stay in c->out */
    while (c->out_off < c->out.len) {
        ssize_t w = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
                         MSG_NOSIGNAL);
        if (w > 0) {
            c->out_off += (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else {
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                client_close(c);
            return;
        }
    }
    buf_reset(&c->out);
    c->out_off = 0;
}

static void client_free(struct client *c)
{
    close(c->fd);
    buf_free(&c->in);
    buf_free(&c->out);
    free(c);
}

static void accept_clients(struct ctl_server *s)
{
    for (;;) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return;              /* EAGAIN, or out of fds (EMFILE): try next turn */
        }
        if (s->n >= CTL_MAX_CLIENTS || set_nonblock(fd) < 0 ||
            fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
            close(fd);
            continue;
        }
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 16;
            s->c = xrealloc(s->c, s->cap * sizeof(*s->c));
        }
        struct client *c = xcalloc(1, sizeof(*c));
        c->fd = fd;
        buf_init(&c->in, CTL_MAX_LINE);
        buf_init(&c->out, OUT_MAX);
        s->c[s->n++] = c;
    }
}

/* Drops the clients that are dead, or closing with nothing left to write. */
static void reap(struct ctl_server *s)
{
    size_t j = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct client *c = s->c[i];
        if (c->dead || (c->closing && !c->idle && !c->wait_id && c->out_off >= c->out.len))
            client_free(c);
        else
            s->c[j++] = c;
    }
    s->n = j;
}

size_t ctl_server_nfds(const struct ctl_server *s)
{
    return 1 + s->n;
}

size_t ctl_server_pollfds(struct ctl_server *s, struct pollfd *fds, size_t max)
{
    size_t k = 0;
    if (max == 0)
        return 0;
    fds[k].fd = s->fd;
    fds[k].events = s->n < CTL_MAX_CLIENTS ? POLLIN : 0;
    fds[k++].revents = 0;
    for (size_t i = 0; i < s->n && k < max; i++) {
        struct client *c = s->c[i];
        fds[k].fd = c->fd;
        fds[k].events = (short)((c->closing ? 0 : POLLIN) |
                                (c->out_off < c->out.len ? POLLOUT : 0));
        fds[k++].revents = 0;
    }
    return k;
}

void ctl_server_handle(struct ctl_server *s, const struct pollfd *fds, size_t n)
{
    /* fds[1..] follow s->c in order; accept only after, so the indexes hold. */
    for (size_t k = 1; k < n && k - 1 < s->n; k++) {
        struct client *c = s->c[k - 1];
        if (c->fd != fds[k].fd || !fds[k].revents)
            continue;
        if (fds[k].revents & POLLOUT)
            client_write(c);
        if (fds[k].revents & (POLLIN | POLLHUP | POLLERR))
            client_read(s, c);
        if ((fds[k].revents & (POLLHUP | POLLERR)) && c->closing)
            client_close(c);
    }
    reap(s);
    if (n && fds[0].fd == s->fd && (fds[0].revents & POLLIN))
        accept_clients(s);
}

void ctl_server_notify(struct ctl_server *s)
{
    if (!s->p)
        return;
    unsigned long v = state_version(s);
    for (size_t i = 0; i < s->n; i++) {
        struct client *c = s->c[i];
        if (c->idle && !c->dead && c->idle_version != v) {
            c->idle = 0;
            send_state(s, c);
            run_lines(s, c);     /* lines that came during the wait */
        }
    }
    reap(s);
}

void ctl_server_set_player(struct ctl_server *s, struct player *p)
{
    if (p == s->p)
        return;
    s->p = p;
    for (size_t i = 0; i < s->n; i++) {
        struct client *c = s->c[i];
        if (c->idle && !c->dead) {
            c->idle = 0;
            if (p)
                send_state(s, c);
            else
                send_line(c, "{\"ok\":true,\"state\":null}");
        }
    }
}

int ctl_server_next_request(struct ctl_server *s, struct ctl_request *r)
{
    if (s->nreq == 0)
        return DB_ENOENT;
    *r = s->req[0];
    memmove(s->req, s->req + 1, (s->nreq - 1) * sizeof(*s->req));
    s->nreq--;
    memset(&s->req[s->nreq], 0, sizeof(s->req[s->nreq]));   /* moved out, not freed */
    return 0;
}

void ctl_server_flush(struct ctl_server *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (!s->c[i]->dead)
            client_write(s->c[i]);
}

void ctl_server_free(struct ctl_server *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        client_free(s->c[i]);
    free(s->c);
    for (size_t i = 0; i < s->nreq; i++)
        ctl_request_clear(&s->req[i]);
    close(s->fd);
    unlink(s->path);
    free(s->path);
    free(s);
}
