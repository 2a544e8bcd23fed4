/*
 * client.c — the thin client: `docbao pause`, `docbao speed 1.5`, `docbao status [--json]`
 * send one request line to the daemon's control socket and print its answer (see ctl.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "docbao/cmd.h"
#include "docbao/ctl.h"
#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/util.h"

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* How long the daemon may take to answer, in ms. */
#define REPLY_TIMEOUT_MS 10000
/* The largest reply we read. */
#define REPLY_MAX (1024 * 1024)

static void err_line(const char *msg, const char *detail)
{
    if (detail)
        fprintf(stderr, "docbao: %s: %s\n", msg, detail);
    else
        fprintf(stderr, "docbao: %s\n", msg);
}

static void no_daemon(void)
{
    err_line(_("no docbao daemon is running; start it with 'docbao daemon' or "
               "'systemctl --user start docbao'"), NULL);
}

/* Connects to the daemon: returns the fd, or -1 after a line on stderr (none when quiet). */
static int connect_daemon_q(int quiet)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (ctl_socket_path(sa.sun_path, sizeof(sa.sun_path)) < 0) {
        err_line(_("the control socket's path is too long; set a shorter XDG_RUNTIME_DIR"),
                 NULL);
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err_line(_("cannot create a socket"), strerror(errno));
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        if (quiet)
            return -1;
        if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR)
            no_daemon();
        else
            err_line(_("cannot reach the docbao daemon"), strerror(e));
        return -1;
    }
    return fd;
}

static int connect_daemon(void)
{
    return connect_daemon_q(0);
}


/* Sends line (with its "\n") and reads one reply line into b. Returns 0, or DB_EIO /
 * DB_ETIMEOUT / DB_ETOOBIG after a line on stderr. */
static int exchange(int fd, const char *line, struct buf *b)
{
    size_t len = strlen(line), off = 0;
    while (off < len) {
        ssize_t w = send(fd, line + off, len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            err_line(_("the docbao daemon closed the connection"), strerror(errno));
            return DB_EIO;
        }
        off += (size_t)w;
    }
    long long end = mono_ms() + REPLY_TIMEOUT_MS;
    for (;;) {
        long long left = end - mono_ms();
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = left > 0 ? poll(&pfd, 1, (int)left) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            err_line(_("the docbao daemon did not answer in time"), NULL);
            return DB_ETIMEOUT;
        }
        char chunk[4096];
        ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err_line(_("the docbao daemon closed the connection"), NULL);
            return DB_EIO;
        }
        if (buf_append(b, chunk, (size_t)n) < 0) {
            err_line(_("the docbao daemon's answer is too long"), NULL);
            return DB_ETOOBIG;
        }
        if (memchr(b->data, '\n', b->len))
            return 0;
    }
}

/* A decimal number with the interface language's separator ("1,0" in Vietnamese). */
static void format_speed(double v, char *out, size_t size)
{
    long t = (long)(v * 10.0 + 0.5);
    /* TRANSLATORS: the decimal separator of numbers such as the speed 1.5 ("," in
     * Vietnamese). */
    snprintf(out, size, "%ld%s%ld", t / 10, _("."), t % 10);
}

static unsigned long num(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(json_object_get(o, a), b);
    return json_is_integer(v) && json_integer_value(v) > 0
               ? (unsigned long)json_integer_value(v) : 0;
}

/* Prints st (SPEC §2's state object) as one line in words. */
static void print_state(json_t *st)
{
    const char *run = json_string_value(json_object_get(st, "state"));
    json_t *sp = json_object_get(st, "speed");
    char speed[32];
    format_speed(json_is_number(sp) ? json_number_value(sp) : 1.0, speed, sizeof(speed));
    unsigned long story = num(st, "article", "index"), count = num(st, "article", "count");
    unsigned long sent = num(st, "sentence", "index"), nsent = num(st, "sentence", "count");
    const char *title = json_string_value(json_object_get(json_object_get(st, "article"),
                                                          "title"));
    run = run ? run : "stopped";
    if (story == 0) {
        if (count == 0)
            printf(_("Waiting for stories"));
        else if (strcmp(run, "playing") == 0)
            printf(_("Playing, between stories (%lu in all)"), count);
        else
            printf(_("No story is being read (%lu in all)"), count);
    } else {
        if (strcmp(run, "playing") == 0)
            printf(_("Reading story %lu of %lu"), story, count);
        else if (strcmp(run, "paused") == 0)
            printf(_("Paused at story %lu of %lu"), story, count);
        else
            printf(_("Stopped at story %lu of %lu"), story, count);
        if (sent && nsent)
            printf(_(", sentence %lu of %lu"), sent, nsent);
        if (title && *title)
            printf(" — %s", title);
    }
    printf(_(" (speed %s)"), speed);
    putchar('\n');
}

int ctl_client_run(int argc, char **argv, int json)
{
    const char *name = NULL, *arg = NULL, *extra = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (!name)
            name = argv[i];
        else if (!arg)
            arg = argv[i];
        else if (!extra)
            extra = argv[i];
    }
    if (!name) {
        err_line(_("which command? try 'docbao --help'"), NULL);
        return EXIT_USAGE;
    }
    int is_status = strcmp(name, "status") == 0;
    const struct cmd *row = is_status ? NULL : cmd_find(name);
    if (row && !(row->flags & CMD_CLIENT))
        row = NULL;
    if (!is_status && !row) {
        fprintf(stderr, "docbao: ");
        fprintf(stderr, _("unknown command '%s'; try 'docbao --help'"), name);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    if (row && row->nargs > 0 && !arg) {
        fprintf(stderr, "docbao: ");
        fprintf(stderr, _("'%s' needs a value, as in 'docbao speed 1.5'"), name);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    if (arg && (is_status || (row->nargs == 0 && !(row->flags & CMD_OPTARG)))) {
        /* `docbao next 5` would skip one sentence, not five: refuse it rather than ignore 5 */
        fprintf(stderr, "docbao: ");
        fprintf(stderr, _("%s takes no arguments, but '%s' was given. Try 'docbao --help'."),
                name, arg);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    if (extra) {
        fprintf(stderr, "docbao: ");
        fprintf(stderr, _("%s takes one value, but '%s' was also given. Try 'docbao --help'."),
                name, extra);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }

    json_t *req = json_object();
    json_object_set_new(req, "cmd", json_string(name));
    if (arg)
        json_object_set_new(req, "arg", json_string(arg));
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    struct buf line = BUF_INIT;
    buf_puts(&line, text);
    buf_putc(&line, '\n');
    free(text);

    int status = EXIT_RUNTIME;
    struct buf reply;
    buf_init(&reply, REPLY_MAX);
    int fd = connect_daemon();
    if (fd < 0)
        goto out;
    if (exchange(fd, buf_str(&line), &reply) < 0)
        goto out;
    json_error_t jerr;
    json_t *o = json_loadb(reply.data, (size_t)(strchr(reply.data, '\n') - reply.data), 0,
                           &jerr);
    if (!json_is_object(o)) {
        err_line(_("the docbao daemon's answer is not valid JSON"), jerr.text);
        json_decref(o);
        goto out;
    }
    if (!json_is_true(json_object_get(o, "ok"))) {
        const char *e = json_string_value(json_object_get(o, "error"));
        err_line(_("the docbao daemon refused the command"), e ? e : "?");
        json_decref(o);
        goto out;
    }
    json_t *st = json_object_get(o, "state");
    const char *msg = json_string_value(json_object_get(o, "message"));
    if (msg && !json)
        printf("%s\n", msg); /* what the key would have said: "This is the last story" */
    if (json_is_object(st)) {
        if (json) {
            char *s = json_dumps(st, JSON_COMPACT | JSON_REAL_PRECISION(6));
            puts(s);
            free(s);
        } else {
            print_state(st);
        }
    } else if (json) {
        puts("null");
    }
    fflush(stdout);
    json_decref(o);
    status = 0;
out:
    if (fd >= 0)
        close(fd);
    buf_free(&line);
    buf_free(&reply);
    return status;
}

/* One request line to the daemon on fd; returns the reply object, or NULL. */
static json_t *request(int fd, const char *line)
{
    struct buf reply;
    buf_init(&reply, REPLY_MAX);
    json_t *o = NULL;
    if (exchange(fd, line, &reply) == 0)
        o = json_loadb(reply.data, (size_t)(strchr(reply.data, '\n') - reply.data), 0, NULL);
    buf_free(&reply);
    if (o && !json_is_object(o)) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

int ctl_client_pause_playing(void)
{
    int fd = connect_daemon_q(1);
    if (fd < 0)
        return 0;
    int paused = 0;
    json_t *o = request(fd, "{\"cmd\":\"status\"}\n");
    const char *run = json_string_value(json_object_get(json_object_get(o, "state"), "state"));
    if (run && strcmp(run, "playing") == 0) {
        json_t *r = request(fd, "{\"cmd\":\"pause\"}\n");
        paused = r && json_is_true(json_object_get(r, "ok"));
        json_decref(r);
    }
    json_decref(o);
    close(fd);
    return paused;
}
