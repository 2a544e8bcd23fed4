/*
 * daemon.h — `docbao daemon`: the player without a terminal, driven through the control
 * socket (ctl.h) and MPRIS (mpris.h) from one single-threaded poll() loop in the manner of
 * Redis's ae.c: the listening socket, the clients, the player's event fd, the D-Bus fd and
 * a signal pipe. Each turn it handles what is ready, then (ae's "before sleep") prints the
 * player's status lines to stdout, answers idle clients and emits PropertiesChanged when
 * the state's version moved.
 *
 * SIGTERM, SIGINT and SIGHUP end the loop cleanly; the caller then saves the place by
 * player_free(). SIGPIPE is ignored while the daemon exists.
 *
 * Typical use (main.c):
 *
 *     struct daemon *d;
 *     if (daemon_new(&o, &d) < 0) return 1;            // a second daemon stops here
 *     player_new(...); player_start(p);
 *     for (;;) {
 *         struct ctl_request req = {0};
 *         daemon_serve(d, p, &req);
 *         if (req.kind == CTL_REQ_NONE) break;          // quit, signal, end of queue
 *         ... act: a new selection (player_free, player_new) or the URL ...
 *         daemon_answer(d, &req, rc, why);              // the client learns how it went
 *         ctl_request_clear(&req);
 *     }
 *     player_free(p); daemon_free(d);
 */
#ifndef DOCBAO_DAEMON_H
#define DOCBAO_DAEMON_H

#include "docbao/ctl.h"

struct player;

struct daemon_opts {
    int no_mpris;   /* nonzero: do not go on the session bus */
    int quiet;      /* nonzero: no status lines on stdout (errors still go to stderr) */
};

struct daemon;

/* Binds the control socket, goes on the session bus (unless o->no_mpris; without a bus one
 * line on stderr says media keys are off and the daemon goes on) and installs the signal
 * handlers. o may be NULL (defaults). Returns 0 and *out, or DB_EIO / DB_ETOOBIG from
 * ctl_server_new() after one line on stderr saying why (another daemon is running, ...). */
int daemon_new(const struct daemon_opts *o, struct daemon **out);

/* Runs the loop for p until it finishes (player_finished, "quit", Quit on the bus), a signal
 * asks to stop, or a client asks for something only the caller can do. In the last case *req
 * (which must hold CTL_REQ_NONE) holds the request, else it stays CTL_REQ_NONE. p may change
 * between calls. Returns 0, or DB_EIO when poll() failed. */
int daemon_serve(struct daemon *d, struct player *p, struct ctl_request *req);

/* Answers the request req that daemon_serve() handed out, once carried out: rc 0 (msg, may
 * be NULL, goes along as "message"), or rc < 0 with msg saying why (the client's error, or
 * OpenUri's D-Bus error). */
void daemon_answer(struct daemon *d, const struct ctl_request *req, int rc, const char *msg);

/* Nonzero once a signal (SIGTERM, SIGINT, SIGHUP) asked the daemon to stop. */
int daemon_stopping(const struct daemon *d);

/* Writes what replies it can, closes the clients, removes the socket, leaves the bus,
 * restores the signal handlers and frees d; NULL is a no-op. */
void daemon_free(struct daemon *d);

/* daemon_new + daemon_serve until the end + daemon_free, for a caller with nothing to do
 * on requests: "queue" and "play URL" are then logged on stderr and ignored. The caller
 * runs player_free(p) afterwards. Returns 0, or an error of daemon_new / daemon_serve. */
int daemon_run(struct player *p, const struct daemon_opts *o);

#endif
