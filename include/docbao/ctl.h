/*
 * ctl.h — the daemon's control socket (JSON lines) and the thin command-line client.
 *
 * The server listens on $XDG_RUNTIME_DIR/docbao/control (SPEC §6; without XDG_RUNTIME_DIR:
 * /run/user/UID/docbao, else /tmp/docbao-UID), a directory only its user may open (0700)
 * holding a socket only its user may open (0600). Every request is one line holding a JSON
 * object, every reply one line:
 *
 *   {"cmd":"pause"}                        → {"ok":true,"state":{...}}
 *   {"cmd":"speed","arg":1.5}              → {"ok":true,"state":{...}}   ("arg" string or number)
 *   {"cmd":"status"}                       → {"ok":true,"state":{...}}
 *   {"cmd":"idle"}                         → withheld until the state changes (mpd's idle);
 *                                            any further line from the client ends it at once
 *   {"cmd":"play"}                         → resume; with "url": a request for the daemon
 *   {"cmd":"queue","category":"xa-hoi","source":"vnexpress,tuoitre","limit":10}
 *                                          → a request for the daemon (any of the three keys)
 *   anything wrong                         → {"ok":false,"error":"…"}
 *
 * A command whose key would have printed and said something beyond the state (Down on the
 * last story, a speed at its limit) carries it as text: {"ok":true,"state":{…},"message":
 * "This is the last story"}.
 *
 * Every row of the command table (cmd.h) is a command, "quit" included: the server finds the
 * row by name (an unknown name, or a row with nargs 1 and no "arg", is refused) and runs it
 * through player_command(), passing "arg" along when given. The state object is
 * SPEC §2's `status --json`: {"state":"playing|paused|stopped","speed":1.0,
 * "article":{"index":1,"count":5,"title":…,"url":…,"site":…},"sentence":{"index":3,"count":20}}
 * with indexes from 1 (0 when there is no current story or its sentences are not known yet).
 *
 * The server runs inside one poll() loop (daemon.c): it hands out its pollfds, is told what
 * they reported, and never blocks. Requests it cannot carry out itself (a new queue, a URL to
 * play) are queued for the loop's owner, which picks them up with ctl_server_next_request()
 * — news goes up through a queue, never a callback — and answers them once carried out with
 * ctl_server_answer(): the client learns whether the new queue could be had, and why not.
 * Until then that client's further lines wait.
 */
#ifndef DOCBAO_CTL_H
#define DOCBAO_CTL_H

#include <stddef.h>

#include <poll.h>

struct player;
struct player_state;

/* The longest request line a client may send; a longer one gets an error reply and the
 * connection is closed. */
#define CTL_MAX_LINE (64 * 1024)

/* The most clients served at once; more are accepted and closed at once. */
#define CTL_MAX_CLIENTS 1024

enum ctl_req_kind {
    CTL_REQ_NONE,   /* nothing waiting */
    CTL_REQ_QUEUE,  /* listen to another selection: category / sources / limit */
    CTL_REQ_PLAY,   /* read url now */
};

/* A request only the loop's owner can carry out. Strings are owned by the request; free
 * them with ctl_request_clear(). */
struct ctl_request {
    enum ctl_req_kind kind;
    char *category;  /* QUEUE: a category slug, or NULL when not given */
    char *sources;   /* QUEUE: "id[,id...]", or NULL when not given */
    long limit;      /* QUEUE: at most this many stories, or -1 when not given */
    char *url;       /* PLAY: the article's URL */
    unsigned long id; /* who waits for the answer (ctl_server_answer / mpris_answer); 0 none */
    int from_bus;    /* the request came from MPRIS (OpenUri), not the socket */
};

/* Frees the strings of r and sets it to CTL_REQ_NONE; r may hold CTL_REQ_NONE already. */
void ctl_request_clear(struct ctl_request *r);

/* Writes the control socket's path (see above) into buf. Returns 0, or DB_ETOOBIG when it
 * does not fit in size bytes or in a socket address. */
int ctl_socket_path(char *buf, size_t size);

/* A new jansson object (a json_t *, given as void * so that users of this header need not
 * include jansson.h) describing st as SPEC §2 says. The caller owns the reference. */
void *ctl_state_json(const struct player_state *st);

struct ctl_server;

/* Creates the socket directory (0700; refused when it is a symlink or not ours), replaces a
 * stale socket left by a dead daemon, binds and listens (socket 0600), all non-blocking.
 * p may be NULL (commands then fail with "no player") and changed later with
 * ctl_server_set_player(). Returns 0 and the server in *out, or DB_EIO (another daemon is
 * listening, the directory is unsafe, bind failed) or DB_ETOOBIG (path too long); in both
 * cases a one-line English explanation goes to why (may be NULL). */
int ctl_server_new(struct player *p, struct ctl_server **out, char *why, size_t whysize);

/* The socket's path (owned by s). */
const char *ctl_server_path(const struct ctl_server *s);

/* Makes p (may be NULL) the player commands go to; idle clients are answered, since the
 * state is a new one. */
void ctl_server_set_player(struct ctl_server *s, struct player *p);

/* The number of pollfds the server wants now (the listening socket + one a client). */
size_t ctl_server_nfds(const struct ctl_server *s);

/* Writes the server's pollfds into fds (room for max entries). Returns how many it wrote;
 * pass exactly those to ctl_server_handle() after poll() filled their revents. */
size_t ctl_server_pollfds(struct ctl_server *s, struct pollfd *fds, size_t max);

/* Acts on what poll() reported for fds (as filled by ctl_server_pollfds): accepts clients,
 * reads and answers requests, writes pending replies, closes the dead. */
void ctl_server_handle(struct ctl_server *s, const struct pollfd *fds, size_t n);

/* Tells the server the player's state may have changed: idle clients whose state version
 * differs from the one they waited on are answered. Call it once per loop turn. */
void ctl_server_notify(struct ctl_server *s);

/* Moves the oldest waiting request into *r (which must hold CTL_REQ_NONE) and returns 0, or
 * returns DB_ENOENT (r untouched) when none is waiting. */
int ctl_server_next_request(struct ctl_server *s, struct ctl_request *r);

/* Answers the queued request id (ctl_request.id) once its owner carried it out: rc 0 the
 * state (with msg as "message" when not NULL), else {"ok":false,"error":msg}. A client that
 * left meanwhile is forgotten; further lines of the client are then run. */
void ctl_server_answer(struct ctl_server *s, unsigned long id, int rc, const char *msg);

/* Tries once, without blocking, to write every client's pending reply (before exiting). */
void ctl_server_flush(struct ctl_server *s);

/* Runs the n bytes at data as if one client had sent them on the socket (several request
 * lines, blank lines, a line longer than CTL_MAX_LINE, a partial last line), without any
 * socket: replies are appended to reply (may be NULL) and the requests meant for the loop's
 * owner (queue, play URL) are counted and dropped. p may be NULL (no player running). For
 * tests and fuzzing; returns the number of requests that were queued. */
struct buf;
size_t ctl_run_bytes(struct player *p, const char *data, size_t n, struct buf *reply);

/* Closes every client and the listening socket, removes the socket file, frees s; NULL is a
 * no-op. */
void ctl_server_free(struct ctl_server *s);

/* The thin client (SPEC §2): argv[0] is a command — "status", or any row of the command table
 * flagged CMD_CLIENT (cmd.h: pause, resume, toggle, next, ..., repeat, title, where, sleep,
 * quit; not "help" or "play") — and argv[1] its argument: needed by a row with nargs 1
 * ("speed 1.5"), allowed by one with CMD_OPTARG ("sleep 30"), else refused; a "--json" among
 * them counts as json.
 * Sends one request to the daemon and prints the state: one line in words, or with json the
 * state object as SPEC §2's `status --json`. Errors are one line on stderr. Returns the exit
 * status: 0 done, 1 no daemon or the daemon refused, 2 bad usage. */
int ctl_client_run(int argc, char **argv, int json);

/* Before playing in the foreground: when a docbao daemon of this user answers on the control
 * socket and is playing, pauses it (two voices at once help nobody). Says nothing when no
 * daemon runs. Returns 1 when it paused one, else 0. */
int ctl_client_pause_playing(void);

#endif
