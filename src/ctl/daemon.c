/*
 * daemon.c — `docbao daemon`'s event loop: one thread, one poll() over the signal pipe, the
 * player's event fd, the session bus and the control socket's fds (see daemon.h).
 *
 * A turn: build the pollfd array, poll (the bus may ask for a timeout), then handle what is
 * ready in a fixed order — signals, player events (status lines to stdout), the bus, the
 * clients — and finally ("before sleep", as Redis's ae.c calls it) answer idle clients and
 * emit PropertiesChanged when the state's version moved.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docbao/ctl.h"
#include "docbao/daemon.h"
#include "docbao/err.h"
#include "docbao/i18n.h"
#include "docbao/mpris.h"
#include "docbao/player.h"
#include "docbao/util.h"
#include "docbao/worker.h"

/* The write end of the signal pipe, for the handler; -1 when no daemon exists. */
static volatile sig_atomic_t sig_fd = -1;

struct daemon {
    struct daemon_opts o;
    struct ctl_server *srv;
    struct mpris *mpris;
    struct player *p;
    int sig[2];
    int stopping;
    struct sigaction old_term, old_int, old_hup, old_pipe;
    struct pollfd *fds;
    size_t nfds_cap;
};

static void on_signal(int sig)
{
    int e = errno;
    unsigned char b = (unsigned char)sig;
    if (sig_fd >= 0) {
        ssize_t w = write(sig_fd, &b, 1);
        (void)w;
    }
    errno = e;
}

static void cloexec_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int daemon_new(const struct daemon_opts *o, struct daemon **out)
{
    static const struct daemon_opts defaults = {0, 0};
    char why[512];
    struct ctl_server *srv;
    int rc = ctl_server_new(NULL, &srv, why, sizeof(why));
    if (rc < 0) {
        fprintf(stderr, "docbao: %s\n", why);
        return rc;
    }
    struct daemon *d = xcalloc(1, sizeof(*d));
    d->o = o ? *o : defaults;
    d->srv = srv;
    if (pipe(d->sig) < 0) {
        fprintf(stderr, "docbao: %s: %s\n", _("cannot create a pipe"), strerror(errno));
        ctl_server_free(srv);
        free(d);
        return DB_EIO;
    }
    cloexec_nonblock(d->sig[0]);
    cloexec_nonblock(d->sig[1]);
    if (!d->o.no_mpris && mpris_new(NULL, &d->mpris, why, sizeof(why)) < 0) {
        fprintf(stderr, "docbao: %s: %s\n", _("media keys (MPRIS) are off"), why);
        d->mpris = NULL;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sig_fd = d->sig[1];
    sigaction(SIGTERM, &sa, &d->old_term);
    sigaction(SIGINT, &sa, &d->old_int);
    sigaction(SIGHUP, &sa, &d->old_hup);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &d->old_pipe);
    if (!d->o.quiet) {
        printf(_("docbao daemon: listening on %s"), ctl_server_path(srv));
        fputc('\n', stdout);
        fflush(stdout);
    }
    *out = d;
    return 0;
}

int daemon_stopping(const struct daemon *d)
{
    return d->stopping;
}

/* Prints the player's waiting status lines. */
static void drain_events(struct daemon *d)
{
    worker_print_events(d->p, d->o.quiet);
}

static void drain_signals(struct daemon *d)
{
    unsigned char b[16];
    ssize_t r;
    while ((r = read(d->sig[0], b, sizeof(b))) > 0)
        for (ssize_t i = 0; i < r; i++)
            if (b[i] == SIGTERM || b[i] == SIGINT || b[i] == SIGHUP)
                d->stopping = 1;
}

/* Takes a waiting request from the socket or the bus into *req; nonzero when one came. */
static int take_request(struct daemon *d, struct ctl_request *req)
{
    if (ctl_server_next_request(d->srv, req) == 0)
        return 1;
    if (d->mpris && mpris_next_request(d->mpris, req) == 0)
        return 1;
    return 0;
}

int daemon_serve(struct daemon *d, struct player *p, struct ctl_request *req)
{
    d->p = p;
    ctl_server_set_player(d->srv, p);
    if (d->mpris)
        mpris_set_player(d->mpris, p);
    for (;;) {
        if (d->stopping || (p && player_finished(p)))
            break;
        if (take_request(d, req))
            return 0;

        size_t need = 3 + ctl_server_nfds(d->srv);
        if (need > d->nfds_cap) {
            d->nfds_cap = need * 2;
            d->fds = xrealloc(d->fds, d->nfds_cap * sizeof(*d->fds));
        }
        size_t n = 0;
        d->fds[n++] = (struct pollfd){d->sig[0], POLLIN, 0};
        int pi = -1;
        if (p) {
            pi = (int)n;
            d->fds[n++] = (struct pollfd){player_event_fd(p), POLLIN, 0};
        }
        if (d->mpris) {
            d->fds[n++] = (struct pollfd){mpris_fd(d->mpris), mpris_events(d->mpris), 0};
        }
        size_t si = n;
        n += ctl_server_pollfds(d->srv, d->fds + si, d->nfds_cap - si);
        int timeout = d->mpris ? mpris_timeout_ms(d->mpris) : -1;

        if (poll(d->fds, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "docbao: poll: %s\n", strerror(errno));
            return DB_EIO;
        }
        if (d->fds[0].revents)
            drain_signals(d);
        if (pi >= 0 && d->fds[pi].revents)
            drain_events(d);
        /* sd_bus_process is cheap and knows what is ready: run it every turn. */
        if (d->mpris && mpris_process(d->mpris) < 0) {
            fprintf(stderr, "docbao: %s\n", _("lost the session bus; media keys are off"));
            mpris_free(d->mpris);
            d->mpris = NULL;
        }
        ctl_server_handle(d->srv, d->fds + si, n - si);

        /* before sleep */
        if (p) {
            drain_events(d);
            ctl_server_notify(d->srv);
            if (d->mpris)
                mpris_changed(d->mpris);
        }
    }
    /* The end: idle clients and the bus see the last state. */
    if (p) {
        drain_events(d);
        ctl_server_notify(d->srv);
        if (d->mpris)
            mpris_changed(d->mpris);
    }
    ctl_server_flush(d->srv);
    return 0;
}

void daemon_answer(struct daemon *d, const struct ctl_request *req, int rc, const char *msg)
{
    if (req->from_bus) {
        if (d->mpris)
            mpris_answer(d->mpris, req->id, rc, msg);
    } else {
        ctl_server_answer(d->srv, req->id, rc, msg);
    }
}

void daemon_free(struct daemon *d)
{
    if (!d)
        return;
    ctl_server_flush(d->srv);
    ctl_server_free(d->srv);
    mpris_free(d->mpris);
    sigaction(SIGTERM, &d->old_term, NULL);
    sigaction(SIGINT, &d->old_int, NULL);
    sigaction(SIGHUP, &d->old_hup, NULL);
    sigaction(SIGPIPE, &d->old_pipe, NULL);
    sig_fd = -1;
    close(d->sig[0]);
    close(d->sig[1]);
    free(d->fds);
    free(d);
}

int daemon_run(struct player *p, const struct daemon_opts *o)
{
    struct daemon *d;
    int rc = daemon_new(o, &d);
    if (rc < 0)
        return rc;
    for (;;) {
        struct ctl_request req;
        memset(&req, 0, sizeof(req));
        req.kind = CTL_REQ_NONE;
        req.limit = -1;
        rc = daemon_serve(d, p, &req);
        if (rc < 0 || req.kind == CTL_REQ_NONE)
            break;
        const char *why = req.kind == CTL_REQ_PLAY
                              ? _("this daemon cannot play a URL; request ignored")
                              : _("this daemon cannot change its queue; request ignored");
        fprintf(stderr, "docbao: %s\n", why);
        daemon_answer(d, &req, DB_EINVAL, why);
        ctl_request_clear(&req);
    }
    daemon_free(d);
    return rc;
}
