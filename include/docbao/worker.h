/*
 * worker.h — the player half of `docbao daemon`.
 *
 * The daemon that stays in memory all day (docbaod, remote.h) links only the control socket,
 * MPRIS, jansson and sd-bus. Everything that speaks (the news, eSpeak NG, the sound card)
 * runs in a worker process, `docbao __worker`, which it starts when there is something to
 * play and which ends by itself after WORKER_IDLE_MS of pause, stop or an empty queue (its
 * place is saved, as always). The next command starts a new worker at that place.
 *
 * The two talk over a SOCK_SEQPACKET socket pair, the worker's end on fd WORKER_FD, one JSON
 * object a packet:
 *
 *   daemon → worker, first:  {"category":…,"sources":…,"limit":N,"url":…,
 *                             "at":URL,"sentence":N,"paused":bool,"speed":X,"saved":bool,
 *                             "strict":bool,"refetch":bool,"at_end":bool}
 *                            (every key optional: the selection to load — a category,
 *                            sources and limit over the command line's, or one article's URL
 *                            — and where and how to begin)
 *   daemon → worker:         {"cmd":"pause","arg":null}         a row of the command table
 *   worker → daemon:         {"rc":0,"state":{…},"answer":…}    the answer to a command
 *                                                                ("answer": player_answer)
 *                            {"state":{…}}                       the state changed
 *                            {"end":"idle"|"finished"}           last packet before exiting
 *                            {"end":"failed","error":"…"}        strict: the queue could not
 *                                                                be had (the only packet)
 *
 * The state object is the player_state: {"run":0,"speed":1.0,"story":0,"count":3,
 * "sentence":2,"nsentences":16,"title":…,"url":…,"site":…,"headlines":0,"sleep":0}.
 * The worker prints the player's status lines on its own stdout (the daemon's).
 */
#ifndef DOCBAO_WORKER_H
#define DOCBAO_WORKER_H

#include <signal.h>
#include <stddef.h>

struct player;
struct player_state;

/* The worker's end of the socket pair. */
#define WORKER_FD 3

/* How long a worker stays with nothing to play (paused, stopped, no story left, no sleep
 * timer running) before it exits. The environment variable DOCBAO_WORKER_IDLE_MS overrides
 * it (tests). */
#define WORKER_IDLE_MS 30000

/* A worker that cannot start its player exits with WORKER_EXIT_ERR - rc for the DB_* error
 * rc (no audio device, no voice, ...), so the daemon can tell the client what went wrong. */
#define WORKER_EXIT_ERR 64

/* The largest packet either side sends. */
#define WORKER_MAX_PACKET (64 * 1024)

/* The first packet: what the worker loads and where it begins. */
struct worker_init {
    char *category;     /* NULL: the command line's */
    char *sources;      /* "id[,id...]", NULL: the command line's */
    long limit;         /* -1: the command line's */
    char *url;          /* non-NULL: play this one article instead of news */
    char *at;           /* the URL of the story to begin with, NULL: the saved place */
    long sentence;      /* the sentence to begin with in that story */
    int paused;         /* begin paused */
    int saved;          /* the news as the last fetch saved it, without fetching the feeds
                           (a worker started again at the place: at once, whatever the
                           network does) */
    double speed;       /* 0: the command line's */
    int strict;         /* a queue asked for by a client: when it cannot be had (no story,
                           the URL unreadable), say why (worker_send_failed) and exit with
                           WORKER_EXIT_ERR - rc instead of waiting on an empty list, so the
                           daemon keeps the queue before */
    int at_end;         /* begin past the last story (stopped): the worker before had read
                           the list to its end */
    int refetch;        /* the news fetched again at the end of the list: an empty one says
                           "No new stories" */
};

/* Reads the first packet from fd (blocking). Returns 0 and *wi (free with
 * worker_init_clear), DB_EIO when the daemon went away, DB_EFORMAT for a bad packet. */
int worker_read_init(int fd, struct worker_init *wi);
void worker_init_clear(struct worker_init *wi);

/* How worker_serve() ended. */
enum worker_end {
    WORKER_END_IDLE,      /* nothing to play for the idle time */
    WORKER_END_FINISHED,  /* the player finished (quit, the sleep timer) */
    WORKER_END_GONE,      /* the daemon closed the socket */
    WORKER_END_SIGNAL,    /* *stop became nonzero (SIGTERM, SIGINT, SIGHUP) */
};

/* Serves p on fd: runs the daemon's commands, answers them with the state, sends the state
 * whenever it changes and prints the player's status lines on stdout unless quiet. Returns
 * when the player finished, the daemon left, *stop became nonzero (a signal handler's flag;
 * poll() is interrupted by the signal) or nothing was played for idle_ms (< 0:
 * WORKER_IDLE_MS or DOCBAO_WORKER_IDLE_MS). */
enum worker_end worker_serve(int fd, struct player *p, int quiet, long idle_ms,
                             volatile sig_atomic_t *stop);

/* Sends the jansson object obj (a json_t *, stolen) as one packet on fd; a failed send is
 * seen by the other side as the end of the socket. Both ends read at once, so the blocking
 * send is short. */
void worker_send(int fd, void *obj);

/* Takes every waiting status line of p (player_next_event) and prints it on stdout unless
 * quiet (the worker's, and the daemon loop's for a player in its own process). */
void worker_print_events(struct player *p, int quiet);

/* Sends {"end":"failed","error":why}: a strict worker's queue could not be had. */
void worker_send_failed(int fd, const char *why);

/* Sends the last packet for how the worker ended: {"end":"finished"} when the player
 * finished (the daemon then ends too), else {"end":"idle"}; nothing for WORKER_END_GONE. */
void worker_send_end(int fd, enum worker_end how);

/* The state as the packets carry it (a new json_t *, given as void *), and back: fills *st
 * from the object o, the strings pointing into o. Returns 0, or DB_EFORMAT. */
void *worker_state_json(const struct player_state *st);
int worker_state_parse(const void *o, struct player_state *st);

#endif
