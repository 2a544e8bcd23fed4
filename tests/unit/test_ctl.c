/*
 * test_ctl.c — the control socket, the daemon loop, the thin client and MPRIS, driven by
 * real clients against a fake player (fake_player.c; build with it, not with player.c):
 *
 *   cc ... tests/unit/test_ctl.c tests/unit/fake_player.c src/ctl/ *.c src/core/util.c \
 *       src/core/err.c src/core/i18n.c src/core/paths.c $(pkg-config --libs jansson libsystemd)
 *
 * The daemon loop runs in a thread on a private XDG_RUNTIME_DIR; the test thread is the
 * clients. The MPRIS part starts a private session bus (dbus-daemon) and talks to the daemon
 * with playerctl, busctl, dbus-send and dbus-monitor; without them it is skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "docbao/cmd.h"
#include "docbao/ctl.h"
#include "docbao/daemon.h"
#include "docbao/err.h"
#include "docbao/player.h"
#include "docbao/util.h"
#include "docbao/worker.h"
#include "t.h"

/* fake_player.c */
struct player *fake_player_new(void);
void fake_player_free(struct player *p);
char *fake_player_log(struct player *p);
void fake_player_clear_log(struct player *p);
void fake_player_bump(struct player *p);

static char root[64];
static char sockpath[256];
static struct player *fp;
static struct daemon *dmn;

/* What the daemon's owner received (the loop thread writes, the test reads). */
static pthread_mutex_t req_mu = PTHREAD_MUTEX_INITIALIZER;
static struct strv reqs = STRV_INIT;
/* How the owner answers the next request (daemon_answer): 0, or an error with this text. */
static int answer_rc;
static const char *answer_msg;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void *loop_thread(void *arg)
{
    (void)arg;
    for (;;) {
        struct ctl_request r;
        memset(&r, 0, sizeof(r));
        r.limit = -1;
        if (daemon_serve(dmn, fp, &r) < 0 || r.kind == CTL_REQ_NONE)
            break;
        char line[512];
        snprintf(line, sizeof(line), "%s category=%s sources=%s limit=%ld url=%s",
                 r.kind == CTL_REQ_QUEUE ? "queue" : "play", r.category ? r.category : "-",
                 r.sources ? r.sources : "-", r.limit, r.url ? r.url : "-");
        pthread_mutex_lock(&req_mu);
        strv_push(&reqs, xstrdup(line));
        int rc = answer_rc;
        const char *msg = answer_msg;
        answer_rc = 0;
        answer_msg = NULL;
        pthread_mutex_unlock(&req_mu);
        daemon_answer(dmn, &r, rc, msg);
        ctl_request_clear(&r);
    }
    return NULL;
}

static char *last_request(void)
{
    pthread_mutex_lock(&req_mu);
    char *s = xstrdup(reqs.n ? reqs.v[reqs.n - 1] : "");
    pthread_mutex_unlock(&req_mu);
    return s;
}

/* ---- a client ------------------------------------------------------------------------- */

static void set_sun(struct sockaddr_un *sa, const char *path)
{
    size_t n = strlen(path);
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, path, n < sizeof(sa->sun_path) ? n : sizeof(sa->sun_path) - 1);
}

static int conn(void)
{
    struct sockaddr_un sa;
    set_sun(&sa, sockpath);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *s, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = send(fd, s + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

/* One reply line (malloc'd, without "\n"), or NULL on timeout or end of stream. */
static char *read_line(int fd, int timeout_ms)
{
    struct buf b = BUF_INIT;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        char ch;
        ssize_t r = recv(fd, &ch, 1, 0);
        if (r <= 0)
            break;
        if (ch == '\n')
            return buf_steal(&b);
        buf_putc(&b, ch);
    }
    buf_free(&b);
    return NULL;
}

/* Sends line + "\n" on a new connection and returns the reply line (malloc'd) or NULL. */
static char *rpc(const char *line)
{
    int fd = conn();
    if (fd < 0)
        return NULL;
    char *reply = NULL;
    if (send_all(fd, line, strlen(line)) == 0 && send_all(fd, "\n", 1) == 0)
        reply = read_line(fd, 5000);
    close(fd);
    return reply;
}

static json_t *rpcj(const char *line)
{
    char *r = rpc(line);
    json_t *o = r ? json_loads(r, 0, NULL) : NULL;
    free(r);
    return o;
}

static const char *jpath(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    static char num[64];
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        return num;
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof(num), "%.2f", json_real_value(v));
        return num;
    }
    if (json_is_true(v))
        return "true";
    if (json_is_false(v))
        return "false";
    return v ? "(other)" : "(absent)";
}

/* For messages: s up to its first newline, as "%.*s" arguments. */
#define LINE(s) (int)strcspn((s), "\n"), (s)

static int contains(const char *hay, const char *needle)
{
    return hay && needle && strstr(hay, needle) != NULL;
}

/* Runs a shell command; returns its output (malloc'd, trailing newline removed). */
static char *sh(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    struct buf b = BUF_INIT;
    char chunk[512];
    size_t n;
    if (!f)
        return xstrdup("");
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    pclose(f);
    char *s = buf_steal(&b);
    size_t len = strlen(s);
    while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
        s[--len] = '\0';
    return s;
}

/* Runs the thin client with stdout and stderr captured into *out / *err (malloc'd). */
static int client(int argc, char **argv, int json, char **out, char **err)
{
    char po[128], pe[128];
    snprintf(po, sizeof(po), "%s/client.out", root);
    snprintf(pe, sizeof(pe), "%s/client.err", root);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fo, 1);
    dup2(fe, 2);
    int rc = ctl_client_run(argc, argv, json);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    close(fo);
    close(fe);
    struct buf b = BUF_INIT;
    read_file(po, 1 << 20, &b);
    *out = buf_steal(&b);
    read_file(pe, 1 << 20, &b);
    *err = buf_steal(&b);
    return rc;
}

/* ---- the tests ------------------------------------------------------------------------ */

static void test_permissions(void)
{
    struct stat st;
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/rt/docbao", root);
    T_OK(lstat(dir, &st) == 0 && S_ISDIR(st.st_mode), "the socket directory exists");
    T_INT(st.st_mode & 0777, 0700, "the socket directory is 0700");
    T_OK(lstat(sockpath, &st) == 0 && S_ISSOCK(st.st_mode), "the control socket exists");
    T_INT(st.st_mode & 0777, 0600, "the control socket is 0600");
    char path[256];
    T_INT(ctl_socket_path(path, sizeof(path)), 0, "ctl_socket_path works");
    T_STR(path, sockpath, "ctl_socket_path follows XDG_RUNTIME_DIR");
}

static void test_status_shape(void)
{
    char *r = rpc("{\"cmd\":\"status\"}");
    T_STR(r,
          "{\"ok\":true,\"state\":{\"state\":\"playing\",\"speed\":1.0,\"article\":{\"index\":1,"
          "\"count\":5,\"title\":\"Tin số 1\",\"url\":\"https://example.vn/tin-1.html\","
          "\"site\":\"Báo Thử\"},\"sentence\":{\"index\":1,\"count\":20}}}",
          "status: the state object of SPEC §2, exactly");
    free(r);
}

static const struct {
    const char *req;
    const char *logged;      /* what the player received */
    const char *a, *b;       /* a field of the state after it */
    const char *want;
} command_cases[] = {
    {"{\"cmd\":\"pause\"}", "pause;", "state", NULL, "paused"},
    {"{\"cmd\":\"resume\"}", "resume;", "state", NULL, "playing"},
    {"{\"cmd\":\"toggle\"}", "toggle;", "state", NULL, "paused"},
    {"{\"cmd\":\"toggle\"}", "toggle;", "state", NULL, "playing"},
    {"{\"cmd\":\"next\"}", "next;", "sentence", "index", "2"},
    {"{\"cmd\":\"next\"}", "next;", "sentence", "index", "3"},
    {"{\"cmd\":\"prev\"}", "prev;", "sentence", "index", "2"},
    {"{\"cmd\":\"next-article\"}", "next-article;", "article", "index", "2"},
    {"{\"cmd\":\"next-article\"}", "next-article;", "article", "title", "Tin số 3"},
    {"{\"cmd\":\"prev-article\"}", "prev-article;", "article", "index", "2"},
    {"{\"cmd\":\"faster\"}", "faster;", "speed", NULL, "1.10"},
    {"{\"cmd\":\"slower\"}", "slower;", "speed", NULL, "1.00"},
    {"{\"cmd\":\"faster2\"}", "faster2;", "speed", NULL, "2.00"},
    {"{\"cmd\":\"slower2\"}", "slower2;", "speed", NULL, "1.00"},
    {"{\"cmd\":\"speed\",\"arg\":\"1.5\"}", "speed 1.5;", "speed", NULL, "1.50"},
    {"{\"cmd\":\"speed\",\"arg\":2}", "speed 2;", "speed", NULL, "2.00"},
    {"{\"cmd\":\"speed\",\"arg\":1.25}", "speed 1.25;", "speed", NULL, "1.25"},
    {"{\"cmd\":\"speed\",\"arg\":1.0}", "speed 1.00;", "speed", NULL, "1.00"},
    {"{\"cmd\":\"repeat\"}", "repeat;", "state", NULL, "playing"},
    {"{\"cmd\":\"title\"}", "title;", "state", NULL, "playing"},
    {"{\"cmd\":\"where\"}", "where;", "state", NULL, "playing"},
    {"{\"cmd\":\"sleep\"}", "sleep;", "state", NULL, "playing"},
    {"{\"cmd\":\"enter\"}", "enter;", "state", NULL, "playing"},
    {"{\"cmd\":\"help\"}", "help;", "state", NULL, "playing"},
    {"{\"cmd\":\"stop\"}", "stop;", "state", NULL, "stopped"},
    {"{\"cmd\":\"play\"}", "play;", "state", NULL, "playing"},
    {"{\"cmd\":\"faster2\"}", "faster2;", "speed", NULL, "2.00"},
    {"{\"cmd\":\"normal\"}", "normal;", "speed", NULL, "1.00"},
    {"{\"cmd\":\"prev-article\"}", "prev-article;", "article", "index", "1"},
    {"{\"cmd\":\"sleep\",\"arg\":30}", "sleep 30;", "state", NULL, "playing"},
};

static void test_commands(void)
{
    for (size_t i = 0; i < sizeof(command_cases) / sizeof(*command_cases); i++) {
        fake_player_clear_log(fp);
        json_t *o = rpcj(command_cases[i].req);
        char *log = fake_player_log(fp);
        T_STR(jpath(o, "ok", NULL), "true", "%s → ok", command_cases[i].req);
        T_STR(log, command_cases[i].logged, "%s reaches the player", command_cases[i].req);
        json_t *st = json_object_get(o, "state");
        T_STR(jpath(st, command_cases[i].a, command_cases[i].b), command_cases[i].want,
              "%s → %s%s%s = %s", command_cases[i].req, command_cases[i].a,
              command_cases[i].b ? "." : "", command_cases[i].b ? command_cases[i].b : "",
              command_cases[i].want);
        free(log);
        json_decref(o);
    }
    /* Every row of the command table is a socket command (quit is tested at the end). */
    int all = 1;
    for (const struct cmd *c = cmd_table(); c->name; c++) {
        if (strcmp(c->name, "quit") == 0)
            continue;
        char req[128];
        snprintf(req, sizeof(req), "{\"cmd\":\"%s\"%s}", c->name,
                 c->nargs ? ",\"arg\":\"1.0\"" : "");
        json_t *o = rpcj(req);
        if (!json_is_true(json_object_get(o, "ok"))) {
            all = 0;
            printf("# row %s failed\n", c->name);
        }
        json_decref(o);
    }
    T_OK(all, "every row of the command table answers ok through the socket");
    json_decref(rpcj("{\"cmd\":\"resume\"}"));
}

static const struct {
    const char *req;
    const char *error;       /* a part of the error message */
} error_cases[] = {
    {"{\"cmd\":", "invalid JSON"},
    {"pause", "invalid JSON"},
    {"[1,2]", "\"cmd\""},
    {"{\"command\":\"pause\"}", "\"cmd\""},
    {"{\"cmd\":7}", "\"cmd\""},
    {"{\"cmd\":\"dance\"}", "unknown command: dance"},
    {"{\"cmd\":\"speed\"}", "needs an argument"},
    {"{\"cmd\":\"speed\",\"arg\":\"fast\"}", "bad argument"},
    {"{\"cmd\":\"speed\",\"arg\":9}", "bad argument"},
    {"{\"cmd\":\"speed\",\"arg\":[1]}", "\"arg\""},
    {"{\"cmd\":\"pause\",\"cmd\":\"resume\"}", "invalid JSON"},
    {"{\"cmd\":\"queue\"}", "queue needs"},
    {"{\"cmd\":\"queue\",\"limit\":0}", "\"limit\""},
    {"{\"cmd\":\"queue\",\"source\":[1]}", "\"source\""},
    {"{\"cmd\":\"play\",\"url\":\"ftp://x.vn/a\"}", "http"},
    {"{\"cmd\":\"play\",\"url\":true}", "\"url\""},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof(error_cases) / sizeof(*error_cases); i++) {
        json_t *o = rpcj(error_cases[i].req);
        T_STR(jpath(o, "ok", NULL), "false", "%s → ok:false", error_cases[i].req);
        const char *e = jpath(o, "error", NULL);
        T_OK(contains(e, error_cases[i].error), "%s → error mentions %s (%s)",
             error_cases[i].req, error_cases[i].error, e);
        json_decref(o);
    }
    /* Several lines in one write, CRLF and blank lines: answered in order on one connection. */
    int fd = conn();
    const char *many = "{\"cmd\":\"pause\"}\r\n\n   \n{\"cmd\":\"status\"}\n{\"cmd\":\"resume\"}\n";
    send_all(fd, many, strlen(many));
    char *a = read_line(fd, 3000), *b = read_line(fd, 3000), *c = read_line(fd, 3000);
    T_OK(contains(a, "\"paused\"") && contains(b, "\"paused\"") && contains(c, "\"playing\""),
         "three requests in one write get three replies in order");
    char *d = read_line(fd, 200);
    T_OK(d == NULL, "blank lines get no reply");
    free(a), free(b), free(c), free(d);
    /* One connection serves many requests. */
    int ok = 1;
    for (int i = 0; i < 50 && ok; i++) {
        send_all(fd, "{\"cmd\":\"status\"}\n", 17);
        char *r = read_line(fd, 3000);
        ok = contains(r, "\"ok\":true");
        free(r);
    }
    T_OK(ok, "one connection serves 50 requests in turn");
    close(fd);
}

static void test_bad_clients(void)
{
    /* A 1 MB line: an error, then the connection closes; the server lives on. */
    int fd = conn();
    size_t n = 1024 * 1024;
    char *big = xmalloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\n';
    send_all(fd, big, n + 1);    /* fails part way with EPIPE: that is expected */
    char *r = read_line(fd, 5000);
    T_OK(contains(r, "too long") && contains(r, "\"ok\":false"),
         "a 1 MB line gets an error reply (%s)", r ? r : "none");
    char *r2 = read_line(fd, 5000);
    T_OK(r2 == NULL, "then the connection is closed");
    free(r), free(r2), free(big);
    close(fd);
    json_t *o = rpcj("{\"cmd\":\"status\"}");
    T_STR(jpath(o, "ok", NULL), "true", "the server answers after the 1 MB line");
    json_decref(o);

    /* A line just under the limit is fine (an error for its content, not its size). */
    fd = conn();
    n = CTL_MAX_LINE - 100;
    big = xmalloc(n + 2);
    memcpy(big, "{\"cmd\":\"status\",\"pad\":\"", 23);
    memset(big + 23, 'x', n - 23 - 2);
    memcpy(big + n - 2, "\"}", 2);
    big[n] = '\n';
    send_all(fd, big, n + 1);
    r = read_line(fd, 5000);
    T_OK(contains(r, "\"ok\":true"), "a 64 KB - 100 line is accepted");
    free(r), free(big);
    close(fd);

    /* A client that disconnects mid-line: nothing runs, the server lives on. */
    fake_player_clear_log(fp);
    fd = conn();
    send_all(fd, "{\"cmd\":\"pau", 11);
    sleep_ms(50);
    close(fd);
    sleep_ms(50);
    o = rpcj("{\"cmd\":\"status\"}");
    char *log = fake_player_log(fp);
    T_STR(jpath(o, "ok", NULL), "true", "the server answers after a client left mid-line");
    T_STR(log, "", "the half line was not run");
    T_STR(jpath(json_object_get(o, "state"), "state", NULL), "playing", "still playing");
    free(log);
    json_decref(o);

    /* A client that sends and leaves without reading. */
    fd = conn();
    send_all(fd, "{\"cmd\":\"status\"}\n{\"cmd\":\"status\"}\n", 34);
    close(fd);
    o = rpcj("{\"cmd\":\"status\"}");
    T_STR(jpath(o, "ok", NULL), "true", "the server answers after a client left unread");
    json_decref(o);

    /* A client that half-closes after its request still gets the answer. */
    fd = conn();
    send_all(fd, "{\"cmd\":\"status\"}\n", 17);
    shutdown(fd, SHUT_WR);
    r = read_line(fd, 3000);
    T_OK(contains(r, "\"ok\":true"), "a half-closed client still gets its answer");
    free(r);
    close(fd);
}

static void test_many_clients(void)
{
    enum { N = 150 };
    int fds[N], connected = 0, answered = 0;
    for (int i = 0; i < N; i++) {
        fds[i] = conn();
        connected += fds[i] >= 0;
    }
    for (int i = 0; i < N; i++)
        if (fds[i] >= 0)
            send_all(fds[i], "{\"cmd\":\"status\"}\n", 17);
    for (int i = 0; i < N; i++) {
        if (fds[i] < 0)
            continue;
        char *r = read_line(fds[i], 5000);
        answered += contains(r, "\"ok\":true");
        free(r);
        close(fds[i]);
    }
    T_INT(connected, N, "%d clients connect at once", N);
    T_INT(answered, N, "all %d clients get their status", N);
}

static void test_idle(void)
{
    int a = conn();
    send_all(a, "{\"cmd\":\"idle\"}\n", 15);
    char *r = read_line(a, 300);
    T_OK(r == NULL, "idle: no reply while nothing changes");
    free(r);
    json_decref(rpcj("{\"cmd\":\"pause\"}"));
    r = read_line(a, 3000);
    T_OK(contains(r, "\"ok\":true") && contains(r, "\"paused\""),
         "idle: the reply comes when another client pauses (%s)", r ? r : "none");
    free(r);

    /* A change the engine makes by itself reaches idle clients through the event fd. */
    send_all(a, "{\"cmd\":\"idle\"}\n", 15);
    r = read_line(a, 200);
    T_OK(r == NULL, "idle again: quiet");
    free(r);
    fake_player_bump(fp);
    r = read_line(a, 3000);
    T_OK(contains(r, "\"ok\":true"), "idle: woken by a change from the player's event fd");
    free(r);

    /* noidle ends the wait with one reply. */
    send_all(a, "{\"cmd\":\"idle\"}\n", 15);
    sleep_ms(50);
    send_all(a, "{\"cmd\":\"noidle\"}\n", 17);
    r = read_line(a, 3000);
    char *r2 = read_line(a, 200);
    T_OK(contains(r, "\"ok\":true") && r2 == NULL, "noidle ends an idle wait with one reply");
    free(r), free(r2);

    /* Another command during the wait: the idle reply, then the command's. */
    send_all(a, "{\"cmd\":\"idle\"}\n", 15);
    sleep_ms(50);
    send_all(a, "{\"cmd\":\"resume\"}\n", 17);
    r = read_line(a, 3000);
    r2 = read_line(a, 3000);
    T_OK(contains(r, "\"paused\"") && contains(r2, "\"playing\""),
         "a command during idle: the idle reply, then the command's");
    free(r), free(r2);

    /* Many idle clients are all woken. */
    enum { N = 20 };
    int fds[N], woken = 0;
    for (int i = 0; i < N; i++) {
        fds[i] = conn();
        send_all(fds[i], "{\"cmd\":\"idle\"}\n", 15);
    }
    sleep_ms(100);
    json_decref(rpcj("{\"cmd\":\"next\"}"));
    for (int i = 0; i < N; i++) {
        r = read_line(fds[i], 3000);
        woken += contains(r, "\"ok\":true");
        free(r);
        close(fds[i]);
    }
    T_INT(woken, N, "%d idle clients are all woken by one change", N);
    close(a);
}

static void test_requests(void)
{
    json_t *o = rpcj("{\"cmd\":\"queue\",\"category\":\"the-thao\",\"limit\":3}");
    T_STR(jpath(o, "ok", NULL), "true", "queue is accepted");
    json_decref(o);
    sleep_ms(100);
    char *r = last_request();
    T_STR(r, "queue category=the-thao sources=- limit=3 url=-",
          "the daemon's owner receives the queue request");
    free(r);
    o = rpcj("{\"cmd\":\"queue\",\"source\":[\"vnexpress\",\"tuoitre\"]}");
    T_STR(jpath(o, "ok", NULL), "true", "queue with sources is accepted");
    json_decref(o);
    sleep_ms(100);
    r = last_request();
    T_STR(r, "queue category=- sources=vnexpress,tuoitre limit=-1 url=-",
          "sources as an array become id,id");
    free(r);
    o = rpcj("{\"cmd\":\"play\",\"url\":\"https://vnexpress.net/a-1.html\"}");
    T_STR(jpath(o, "ok", NULL), "true", "play URL is accepted");
    json_decref(o);
    sleep_ms(100);
    r = last_request();
    T_STR(r, "play category=- sources=- limit=-1 url=https://vnexpress.net/a-1.html",
          "the daemon's owner receives the play request");
    free(r);
    o = rpcj("{\"cmd\":\"status\"}");
    T_STR(jpath(o, "ok", NULL), "true", "the loop serves again after a request");
    json_decref(o);

    /* a new queue that cannot be had: the client is told why (the owner keeps the old one) */
    pthread_mutex_lock(&req_mu);
    answer_rc = DB_ENET;
    answer_msg = "cannot read https://vnexpress.net/x.html: network transfer failed; the list "
                 "before is kept";
    pthread_mutex_unlock(&req_mu);
    o = rpcj("{\"cmd\":\"play\",\"url\":\"https://vnexpress.net/x.html\"}");
    T_STR(jpath(o, "ok", NULL), "false", "a play URL that fails is answered ok:false");
    T_OK(contains(jpath(o, "error", NULL), "network transfer failed; the list before is kept"),
         "... with the reason the owner gave (%s)", jpath(o, "error", NULL));
    json_decref(o);
    /* the reply waits for the owner: a status sent on the same line right after it comes
     * after the request's answer */
    int fd = conn();
    const char *two = "{\"cmd\":\"queue\",\"limit\":2}\n{\"cmd\":\"status\"}\n";
    send_all(fd, two, strlen(two));
    char *l1 = read_line(fd, 3000), *l2 = read_line(fd, 3000);
    T_OK(contains(l1, "\"ok\":true") && contains(l2, "\"ok\":true"),
         "a queue request and a status on one connection: two answers, in order");
    free(l1), free(l2);
    close(fd);

    /* a command with nothing else to show says so in "message" */
    for (int i = 0; i < 5; i++)
        json_decref(rpcj("{\"cmd\":\"next-article\"}"));
    o = rpcj("{\"cmd\":\"next-article\"}");
    T_STR(jpath(o, "message", NULL), "This is the last story",
          "next-article on the last story: the answer as \"message\"");
    json_decref(o);
    o = rpcj("{\"cmd\":\"prev-article\"}");
    T_OK(json_object_get(o, "message") == NULL, "a command that moves has no \"message\"");
    json_decref(o);
    for (int i = 0; i < 5; i++)
        json_decref(rpcj("{\"cmd\":\"prev-article\"}"));
}

static void test_second_server(void)
{
    struct ctl_server *s = NULL;
    char why[256];
    int rc = ctl_server_new(NULL, &s, why, sizeof(why));
    T_INT(rc, DB_EIO, "a second server on the same socket is refused");
    T_OK(contains(why, "already running"), "with a clear reason (%s)", why);
    struct stat st;
    T_OK(lstat(sockpath, &st) == 0, "the first daemon's socket is left alone");
    json_t *o = rpcj("{\"cmd\":\"status\"}");
    T_STR(jpath(o, "ok", NULL), "true", "the first daemon still answers");
    json_decref(o);
}

/* Server set-up cases on their own runtime folders (no daemon loop needed). */
static void test_setup_cases(void)
{
    char rt[128], dir[160], path[192], why[256];
    struct ctl_server *s = NULL;
    const char *saved = getenv("XDG_RUNTIME_DIR");
    char *keep = xstrdup(saved);

    /* A stale socket from a dead daemon is replaced. */
    snprintf(rt, sizeof(rt), "%s/rt-stale", root);
    snprintf(dir, sizeof(dir), "%s/docbao", rt);
    snprintf(path, sizeof(path), "%s/control", dir);
    mkdir(rt, 0700);
    mkdir(dir, 0700);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa;
    set_sun(&sa, path);
    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    close(fd);                   /* the socket file stays: a "dead daemon" */
    setenv("XDG_RUNTIME_DIR", rt, 1);
    int rc = ctl_server_new(NULL, &s, why, sizeof(why));
    T_INT(rc, 0, "a stale socket is replaced (%s)", why);
    struct stat st;
    T_OK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode), "the new socket is in place");
    ctl_server_free(s);
    T_OK(lstat(path, &st) < 0 && errno == ENOENT, "ctl_server_free removes the socket");

    /* A regular file where the socket goes is left alone. */
    FILE *f = fopen(path, "w");
    fclose(f);
    rc = ctl_server_new(NULL, &s, why, sizeof(why));
    T_INT(rc, DB_EIO, "a file in the socket's place is refused");
    T_OK(contains(why, "not a socket"), "with a reason (%s)", why);
    unlink(path);

    /* A loose directory of ours is made private. */
    chmod(dir, 0755);
    rc = ctl_server_new(NULL, &s, why, sizeof(why));
    T_INT(rc, 0, "a 0755 socket directory of ours is accepted");
    T_OK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "and made 0700");
    ctl_server_free(s);

    /* A symlink in the directory's place is refused. */
    snprintf(rt, sizeof(rt), "%s/rt-link", root);
    mkdir(rt, 0700);
    char target[160];
    snprintf(target, sizeof(target), "%s/elsewhere", rt);
    mkdir(target, 0700);
    snprintf(dir, sizeof(dir), "%s/docbao", rt);
    T_INT(symlink(target, dir), 0, "(symlink made)");
    setenv("XDG_RUNTIME_DIR", rt, 1);
    rc = ctl_server_new(NULL, &s, why, sizeof(why));
    T_INT(rc, DB_EIO, "a symlinked socket directory is refused");
    T_OK(contains(why, "symlink"), "with a reason (%s)", why);

    /* A path too long for a socket address. */
    char longp[300];
    memset(longp, 'x', sizeof(longp) - 1);
    longp[0] = '/';
    longp[sizeof(longp) - 1] = '\0';
    setenv("XDG_RUNTIME_DIR", longp, 1);
    rc = ctl_server_new(NULL, &s, why, sizeof(why));
    T_INT(rc, DB_ETOOBIG, "a too long socket path is refused");

    setenv("XDG_RUNTIME_DIR", keep, 1);
    free(keep);
}

static void test_client(void)
{
    char *out, *err;
    char *a_status[] = {"status", "--json"};
    int rc = client(2, a_status, 0, &out, &err);
    T_INT(rc, 0, "docbao status --json exits 0");
    T_OK(contains(out, "{\"state\":\"playing\",\"speed\":1.0,\"article\":{\"index\":1,"),
         "status --json prints the state object (%.*s)", LINE(out));
    T_OK(out[0] == '{' && !contains(out, "\"ok\""), "only the state object");
    free(out), free(err);

    char *a_speed[] = {"speed", "1.5"};
    rc = client(2, a_speed, 0, &out, &err);
    T_INT(rc, 0, "docbao speed 1.5 exits 0");
    T_OK(contains(out, "Reading story 1 of 5, sentence ") && contains(out, " of 20 — Tin số 1") &&
         contains(out, "(speed 1.5)"), "it prints the state in words (%.*s)", LINE(out));
    free(out), free(err);

    char *a_pause[] = {"pause"};
    rc = client(1, a_pause, 0, &out, &err);
    T_OK(rc == 0 && contains(out, "Paused at story 1 of 5"), "docbao pause (%.*s)", LINE(out));
    free(out), free(err);
    char *a_resume[] = {"resume"};
    rc = client(1, a_resume, 1, &out, &err);
    T_OK(rc == 0 && contains(out, "\"state\":\"playing\""), "docbao resume with json (%.*s)",
         LINE(out));
    free(out), free(err);

    char *a_bad[] = {"speed", "9"};
    rc = client(2, a_bad, 0, &out, &err);
    T_INT(rc, 1, "a refused command exits 1");
    T_OK(contains(err, "bad argument"), "with the daemon's reason (%.*s)", LINE(err));
    free(out), free(err);

    char *a_noarg[] = {"speed"};
    rc = client(1, a_noarg, 0, &out, &err);
    T_INT(rc, 2, "speed without a value is bad usage");
    free(out), free(err);
    char *a_unknown[] = {"dance"};
    rc = client(1, a_unknown, 0, &out, &err);
    T_INT(rc, 2, "an unknown command is bad usage");
    T_OK(contains(err, "unknown command"), "and says so (%.*s)", LINE(err));
    free(out), free(err);

    char *keep = xstrdup(getenv("XDG_RUNTIME_DIR"));
    char rt[128];
    snprintf(rt, sizeof(rt), "%s/rt-none", root);
    mkdir(rt, 0700);
    setenv("XDG_RUNTIME_DIR", rt, 1);
    rc = client(1, a_status, 0, &out, &err);
    T_INT(rc, 1, "with no daemon the client exits 1");
    T_STR(err, "docbao: no docbao daemon is running; start it with 'docbao daemon' or "
               "'systemctl --user start docbao'\n", "with one clear line");
    T_STR(out, "", "and prints nothing on stdout");
    free(out), free(err);
    setenv("XDG_RUNTIME_DIR", keep, 1);
    free(keep);
}

/* ---- MPRIS ---------------------------------------------------------------------------- */

static pid_t bus_pid;

static int start_bus(void)
{
    FILE *f = popen("dbus-daemon --session --fork --print-address=1 --print-pid=1 "
                    "2>/dev/null", "r");
    char addr[512] = "", pid[32] = "";
    if (!f)
        return -1;
    if (!fgets(addr, sizeof(addr), f) || !fgets(pid, sizeof(pid), f)) {
        pclose(f);
        return -1;
    }
    pclose(f);
    addr[strcspn(addr, "\n")] = '\0';
    bus_pid = (pid_t)atol(pid);
    if (!addr[0] || bus_pid <= 0)
        return -1;
    setenv("DBUS_SESSION_BUS_ADDRESS", addr, 1);
    return 0;
}

#define PC "playerctl -p docbao "
#define BUSCTL "busctl --user "
#define OBJ " org.mpris.MediaPlayer2.docbao /org/mpris/MediaPlayer2 "
#define PLAYER_IF "org.mpris.MediaPlayer2.Player "
#define SEND "dbus-send --session --print-reply --dest=org.mpris.MediaPlayer2.docbao " \
             "/org/mpris/MediaPlayer2 "

static void expect_cmd(const char *shell, const char *logged, const char *name)
{
    fake_player_clear_log(fp);
    char *o = sh(shell);
    char *log = fake_player_log(fp);
    T_STR(log, logged, "%s → the player gets %s", name, logged);
    free(o);
    free(log);
}

static void test_mpris(void)
{
    char *o;
    json_decref(rpcj("{\"cmd\":\"resume\"}"));
    json_decref(rpcj("{\"cmd\":\"speed\",\"arg\":1}"));
    o = sh(PC "status 2>&1");
    T_STR(o, "Playing", "playerctl status: Playing");
    free(o);

    expect_cmd(PC "play-pause", "pause;", "playerctl play-pause");
    o = sh(PC "status 2>&1");
    T_STR(o, "Paused", "playerctl status: Paused");
    free(o);
    expect_cmd(PC "play-pause", "resume;", "playerctl play-pause again");
    expect_cmd(PC "pause", "pause;", "playerctl pause");
    expect_cmd(PC "play", "resume;", "playerctl play");

    json_t *j = rpcj("{\"cmd\":\"status\"}");
    long story = atol(jpath(json_object_get(j, "state"), "article", "index"));
    json_decref(j);
    expect_cmd(PC "next", "next-article;", "playerctl next");
    char want[64];
    snprintf(want, sizeof(want), "Tin số %ld", story + 1);
    o = sh(PC "metadata xesam:title");
    T_STR(o, want, "metadata xesam:title follows the story");
    free(o);
    expect_cmd(PC "previous", "prev-article;", "playerctl previous");
    snprintf(want, sizeof(want), "Tin số %ld", story);
    o = sh(PC "metadata xesam:title");
    T_STR(o, want, "metadata xesam:title after previous");
    free(o);
    o = sh(PC "metadata xesam:artist");
    T_STR(o, "Báo Thử", "metadata xesam:artist is the site");
    free(o);
    snprintf(want, sizeof(want), "https://example.vn/tin-%ld.html", story);
    o = sh(PC "metadata xesam:url");
    T_STR(o, want, "metadata xesam:url");
    free(o);
    snprintf(want, sizeof(want), "'/org/docbao/story/%ld'", story);
    o = sh(PC "metadata mpris:trackid");
    T_STR(o, want, "metadata mpris:trackid");
    free(o);
    o = sh(PC "metadata mpris:length");
    T_STR(o, "100000000", "metadata mpris:length: 20 sentences × 5 s");
    free(o);

    o = sh(BUSCTL "get-property" OBJ PLAYER_IF "CanGoNext CanGoPrevious CanPlay CanPause "
                  "CanSeek CanControl");
    T_STR(o, story > 1 ? "b true\nb true\nb true\nb true\nb true\nb true"
                       : "b true\nb false\nb true\nb true\nb true\nb true",
          "the Can* properties follow the state");
    free(o);
    json_decref(rpcj("{\"cmd\":\"prev-article\"}"));
    json_decref(rpcj("{\"cmd\":\"prev-article\"}"));
    json_decref(rpcj("{\"cmd\":\"prev-article\"}"));
    o = sh(BUSCTL "get-property" OBJ PLAYER_IF "CanGoPrevious");
    T_STR(o, "b false", "CanGoPrevious is false on the first story");
    free(o);
    for (int i = 0; i < 4; i++)
        json_decref(rpcj("{\"cmd\":\"next-article\"}"));
    o = sh(BUSCTL "get-property" OBJ PLAYER_IF "CanGoNext");
    T_STR(o, "b false", "CanGoNext is false on the last story");
    free(o);
    json_decref(rpcj("{\"cmd\":\"prev-article\"}"));

    expect_cmd(BUSCTL "set-property" OBJ PLAYER_IF "Rate d 1.5", "speed 1.50;",
               "Rate = 1.5");
    o = sh(BUSCTL "get-property" OBJ PLAYER_IF "Rate");
    T_STR(o, "d 1.5", "Rate reads back 1.5");
    free(o);
    expect_cmd(BUSCTL "set-property" OBJ PLAYER_IF "Rate d 9", "speed 4.00;",
               "Rate = 9 is clamped to 4");
    expect_cmd(BUSCTL "set-property" OBJ PLAYER_IF "Rate d 1", "speed 1.00;", "Rate = 1");
    o = sh(BUSCTL "get-property" OBJ PLAYER_IF "MinimumRate MaximumRate Volume");
    T_STR(o, "d 0.5\nd 4\nd 1", "MinimumRate, MaximumRate, Volume");
    free(o);
    o = sh(BUSCTL "get-property" OBJ "org.mpris.MediaPlayer2 Identity DesktopEntry CanQuit "
                  "CanRaise HasTrackList SupportedUriSchemes");
    T_STR(o, "s \"docbao\"\ns \"docbao\"\nb true\nb false\nb false\nas 2 \"http\" \"https\"",
          "the root interface's properties");
    free(o);

    expect_cmd(SEND "org.mpris.MediaPlayer2.Player.Seek int64:5000000", "next;",
               "Seek +5 s");
    expect_cmd(SEND "org.mpris.MediaPlayer2.Player.Seek int64:-1", "prev;", "Seek -1 µs");
    expect_cmd(SEND "org.mpris.MediaPlayer2.Player.Seek int64:0", "", "Seek 0");
    expect_cmd(SEND "org.mpris.MediaPlayer2.Raise", "", "Raise does nothing");
    o = sh(PC "position");
    T_OK(strchr(o, '.') != NULL, "playerctl position gives a number (%s)", o);
    free(o);

    fake_player_clear_log(fp);
    o = sh(SEND "org.mpris.MediaPlayer2.Player.OpenUri string:https://tuoitre.vn/b-2.htm");
    free(o);
    sleep_ms(100);
    o = last_request();
    T_STR(o, "play category=- sources=- limit=-1 url=https://tuoitre.vn/b-2.htm",
          "OpenUri becomes a play request");
    free(o);
    o = sh(SEND "org.mpris.MediaPlayer2.Player.OpenUri string:file:///etc/passwd 2>&1");
    T_OK(contains(o, "Error"), "OpenUri refuses other schemes");
    free(o);

    /* PropertiesChanged on a change made through the socket. */
    char mon[160], cmd[400];
    snprintf(mon, sizeof(mon), "%s/monitor.txt", root);
    snprintf(cmd, sizeof(cmd), "dbus-monitor --session \"type='signal',interface="
                               "'org.freedesktop.DBus.Properties'\" > %s 2>&1 & echo $!", mon);
    o = sh(cmd);
    pid_t mpid = (pid_t)atol(o);
    free(o);
    sleep_ms(300);
    json_decref(rpcj("{\"cmd\":\"pause\"}"));
    sleep_ms(300);
    if (mpid > 0)
        kill(mpid, SIGTERM);
    struct buf b = BUF_INIT;
    read_file(mon, 1 << 20, &b);
    T_OK(contains(b.data, "PropertiesChanged") && contains(b.data, "PlaybackStatus") &&
         contains(b.data, "\"Paused\""), "PropertiesChanged is emitted on pause");
    buf_free(&b);

    expect_cmd(PC "stop", "stop;", "playerctl stop");
    o = sh(PC "status");
    T_STR(o, "Stopped", "playerctl status: Stopped");
    free(o);
    expect_cmd(PC "play", "resume;", "playerctl play after stop");
}

/* A daemon without a session bus runs and says media keys are off; it prints the player's
 * status lines on stdout; a signal ends it. */
static void test_no_bus(void)
{
    char errpath[160], outpath[160];
    snprintf(errpath, sizeof(errpath), "%s/nobus.err", root);
    snprintf(outpath, sizeof(outpath), "%s/nobus.out", root);
    char *keep_bus = getenv("DBUS_SESSION_BUS_ADDRESS")
                         ? xstrdup(getenv("DBUS_SESSION_BUS_ADDRESS")) : NULL;
    setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", 1);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fo, 1);
    dup2(fe, 2);
    struct daemon_opts o = {0, 0};
    int rc = daemon_new(&o, &dmn);
    char *reply = NULL;
    int stopping = 0;
    if (rc == 0) {
        pthread_t th;
        pthread_create(&th, NULL, loop_thread, NULL);
        reply = rpc("{\"cmd\":\"where\"}");
        sleep_ms(100);
        kill(getpid(), SIGTERM);
        pthread_join(th, NULL);
        stopping = daemon_stopping(dmn);
        daemon_free(dmn);
        dmn = NULL;
    }
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so), close(se), close(fo), close(fe);
    if (keep_bus) {
        setenv("DBUS_SESSION_BUS_ADDRESS", keep_bus, 1);
        free(keep_bus);
    } else {
        unsetenv("DBUS_SESSION_BUS_ADDRESS");
    }

    struct buf b = BUF_INIT;
    read_file(errpath, 1 << 20, &b);
    T_INT(rc, 0, "without a session bus the daemon starts");
    T_OK(contains(b.data, "media keys (MPRIS) are off"), "and says MPRIS is off (%.*s)",
         LINE(b.data));
    T_OK(b.len && strchr(b.data, '\n') == b.data + b.len - 1, "in one line");
    buf_free(&b);
    T_OK(contains(reply, "\"ok\":true"), "it serves the socket");
    read_file(outpath, 1 << 20, &b);
    T_OK(contains(b.data, "listening on ") && contains(b.data, sockpath),
         "it says where it listens on stdout");
    T_OK(contains(b.data, "\ncommand where\n"), "the player's status lines go to stdout");
    buf_free(&b);
    T_OK(stopping, "SIGTERM ends the loop cleanly");
    struct stat st;
    T_OK(lstat(sockpath, &st) < 0, "and the socket is removed");
    free(reply);
}

/* ctl_run_bytes (the parser without a socket, as fuzz_ctl drives it): lines, blank lines, a
 * partial last line, a line past CTL_MAX_LINE, queue requests counted and dropped. */
static void test_run_bytes(void)
{
    struct buf r = BUF_INIT;
    const char *in = "{\"cmd\":\"status\"}\n\r\n  \n{\"cmd\":\"nope\"}\r\n[1]\n{\"cmd\":";
    size_t q = ctl_run_bytes(NULL, in, strlen(in), &r);
    T_INT(q, 0, "run_bytes: nothing queued");
    T_STR(buf_str(&r),
          "{\"ok\":false,\"error\":\"no player is running\"}\n"
          "{\"ok\":false,\"error\":\"unknown command: nope\"}\n"
          "{\"ok\":false,\"error\":\"a request is an object with a \\\"cmd\\\" string\"}\n",
          "run_bytes: one reply a line, blank lines and a partial line ignored");
    buf_free(&r);

    in = "{\"cmd\":\"queue\",\"category\":\"xa-hoi\"}\n"
         "{\"cmd\":\"play\",\"url\":\"file:///etc/passwd\"}\n"
         "{\"cmd\":\"play\",\"url\":\"https://a.vn/b.html\"}\n";
    q = ctl_run_bytes(NULL, in, strlen(in), &r);
    T_INT(q, 2, "run_bytes: queue and play URL requests are counted");
    T_OK(strstr(buf_str(&r), "only http:// and https:// URLs") != NULL,
         "run_bytes: a file:// URL is refused");
    buf_free(&r);

    size_t n = CTL_MAX_LINE + 100;
    char *big = xmalloc(n);
    memset(big, 'x', n);
    big[n - 1] = '\n';
    q = ctl_run_bytes(fp, big, n, &r);
    T_OK(q == 0 && strstr(buf_str(&r), "request line too long") != NULL &&
             strchr(buf_str(&r), '\n') == buf_str(&r) + r.len - 1,
         "run_bytes: a line past CTL_MAX_LINE gets one error and ends the stream");
    buf_free(&r);
    free(big);
}

/* worker.c, the daemon's player-process side, over a real socket pair with the fake player:
 * the first packet, commands and their answers, the idle end, the daemon leaving, and the
 * state's round trip. */
static void send_str(int fd, const char *s)
{
    ssize_t w = send(fd, s, strlen(s), 0);
    (void)w;
}

static void test_worker(void)
{
    struct player *w = fake_player_new();
    int sv[2];
    T_INT(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0, "worker: a socket pair");
    send_str(sv[0], "{\"category\":\"xa-hoi\",\"limit\":3,\"at\":\"http://x/a\",\"sentence\":4,"
                    "\"paused\":true,\"speed\":1.5,\"saved\":true}");
    struct worker_init wi;
    T_INT(worker_read_init(sv[1], &wi), 0, "worker: the first packet");
    T_OK(wi.category && strcmp(wi.category, "xa-hoi") == 0 && wi.limit == 3 && wi.at &&
             strcmp(wi.at, "http://x/a") == 0 && wi.sentence == 4 && wi.paused && wi.saved &&
             wi.speed > 1.49 && wi.speed < 1.51 && !wi.url && !wi.sources,
         "worker: the first packet is read whole");
    worker_init_clear(&wi);
    send_str(sv[0], "[1,2");
    T_INT(worker_read_init(sv[1], &wi), DB_EFORMAT, "worker: a first packet that is not JSON");
    worker_init_clear(&wi);

    send_str(sv[0], "{\"cmd\":\"pause\"}");
    send_str(sv[0], "{\"cmd\":\"speed\",\"arg\":1.25}");
    send_str(sv[0], "{\"cmd\":\"dance\"}");
    enum worker_end how = worker_serve(sv[1], w, 1, 100, NULL);
    T_INT(how, WORKER_END_IDLE, "worker: paused, with no command for 100 ms, it ends");
    worker_send_end(sv[1], how);
    char buf[WORKER_MAX_PACKET];
    ssize_t r;
    int states = 0, answers = 0, ended = 0, paused = 0;
    long rcs[3] = {1, 1, 1};
    while ((r = recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
        json_t *o = json_loadb(buf, (size_t)r, 0, NULL);
        struct player_state st;
        json_t *state = json_object_get(o, "state");
        if (state && worker_state_parse(state, &st) == 0) {
            states++;
            paused = st.run == PLAYER_PAUSED;
        }
        if (json_is_integer(json_object_get(o, "rc")) && answers < 3)
            rcs[answers++] = (long)json_integer_value(json_object_get(o, "rc"));
        const char *end = json_string_value(json_object_get(o, "end"));
        ended += end && strcmp(end, "idle") == 0;
        json_decref(o);
    }
    T_INT(answers, 3, "worker: every command is answered");
    T_OK(rcs[0] == 0 && rcs[1] == 0 && rcs[2] == DB_EINVAL,
         "worker: pause and speed done, an unknown command refused (%ld %ld %ld)", rcs[0],
         rcs[1], rcs[2]);
    T_OK(states >= 4 && paused, "worker: the state comes first and with every answer, paused");
    T_INT(ended, 1, "worker: the last packet says it ended idle");
    close(sv[0]);
    T_INT(worker_serve(sv[1], w, 1, -1, NULL), WORKER_END_GONE,
          "worker: the daemon closed its end: it ends at once");
    close(sv[1]);

    struct player_state st = {PLAYER_STOPPED, 1.25, 2, 5, 7, 20, "Tiêu đề", "http://x/b", NULL,
                              1, 15, 0};
    json_t *o = worker_state_json(&st);
    struct player_state back;
    T_INT(worker_state_parse(o, &back), 0, "worker: a state goes and comes back");
    T_OK(back.run == st.run && back.speed == st.speed && back.story == 2 && back.count == 5 &&
             back.sentence == 7 && back.nsentences == 20 && strcmp(back.title, st.title) == 0 &&
             strcmp(back.url, st.url) == 0 && !back.site && back.headlines &&
             back.sleep_minutes == 15,
         "worker: ... unchanged");
    json_decref(o);
    o = json_pack("{s:i}", "run", 7);
    T_INT(worker_state_parse(o, &back), DB_EFORMAT, "worker: a state with a bad run is refused");
    json_decref(o);
    fake_player_free(w);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    snprintf(root, sizeof(root), "/tmp/docbao-ctl-XXXXXX");
    if (!mkdtemp(root))
        return 1;
    char rt[128];
    snprintf(rt, sizeof(rt), "%s/rt", root);
    mkdir(rt, 0700);
    setenv("XDG_RUNTIME_DIR", rt, 1);
    setenv("LANGUAGE", "en", 1);
    snprintf(sockpath, sizeof(sockpath), "%s/docbao/control", rt);
    fp = fake_player_new();

    test_run_bytes();
    test_worker();
    test_no_bus();

#if defined(DOCBAO_MPRIS) && !DOCBAO_MPRIS
    int built_with_mpris = 0;
#else
    int built_with_mpris = 1;
#endif
    int have_bus = built_with_mpris && start_bus() == 0 && system("command -v playerctl busctl dbus-send "
                                              "dbus-monitor >/dev/null 2>&1") == 0;
    if (!have_bus)
        unsetenv("DBUS_SESSION_BUS_ADDRESS");
    struct daemon_opts o = {!have_bus, 1};
    int rc = daemon_new(&o, &dmn);
    T_INT(rc, 0, "daemon_new");
    if (rc < 0)
        return t_done();
    pthread_t th;
    pthread_create(&th, NULL, loop_thread, NULL);

    test_permissions();
    test_status_shape();
    test_commands();
    test_errors();
    test_bad_clients();
    test_many_clients();
    test_idle();
    test_requests();
    test_second_server();
    test_setup_cases();
    test_client();
    if (have_bus)
        test_mpris();
    else
        printf("ok - # SKIP MPRIS: built without it, or no dbus-daemon/playerctl/busctl\n");

    /* quit ends the loop; its reply still arrives. */
    int fd = conn();
    send_all(fd, "{\"cmd\":\"quit\"}\n", 15);
    char *r = read_line(fd, 3000);
    T_OK(contains(r, "\"ok\":true") && contains(r, "\"stopped\""), "quit is answered");
    free(r);
    close(fd);
    pthread_join(th, NULL);
    T_OK(player_finished(fp), "quit finishes the player and ends the loop");
    daemon_free(dmn);
    struct stat st;
    T_OK(lstat(sockpath, &st) < 0, "the socket is removed at the end");

    if (bus_pid > 0)
        kill(bus_pid, SIGTERM);
    fake_player_free(fp);
    strv_free(&reqs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", root);
    return t_done();
}
