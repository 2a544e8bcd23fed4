/*
 * remote.h — the player of docbaod, the small process that `docbao daemon` becomes: the
 * control functions of player.h (player_command, player_get_state, player_event_fd,
 * player_next_event, player_finished) for a player that runs in a worker process
 * (`docbao __worker`, worker.h). The daemon's loop, the control socket and MPRIS (daemon.c,
 * server.c, mpris.c) drive it unchanged: docbaod links this file where docbao links the
 * player, as the control tests link fake_player.c.
 *
 * The daemon stays small (the socket, sd-bus and jansson: a few MB) because nothing that
 * speaks lives in it. A worker is started when there is something to play; it exits by
 * itself once it has had nothing to play for a while (worker.h), and the state it last sent
 * stays here: status, idle clients and MPRIS answer from it. The next command that needs the
 * player (resume, next, faster, ...) starts a new worker at the same story and sentence,
 * paused, and hands the command to it: the rows of the command table flagged CMD_NEEDS_PLAYER
 * (cmd.h); the others ("pause", "stop") need no worker when none runs.
 *
 * At the end of the list (the state "stopped" past the last story, or an empty list),
 * resume, play and toggle (CMD_RESUMES) fetch the same selection again in a new worker; when
 * nothing new came the answer (player_answer) says so and the state stays "stopped".
 *
 * A command waits for the worker's answer (the worker answers at once once its news is
 * loaded). If the worker ends before answering (it was just leaving), a new one is started
 * and the command sent again, once.
 */
#ifndef DOCBAO_REMOTE_H
#define DOCBAO_REMOTE_H

#include <stddef.h>

struct player;
struct ctl_request;

/* How long the daemon waits for a worker's answer before it gives up on that worker. */
#define REMOTE_WAIT_MS 60000

/* Starts the first worker with the command line argv (argv[0] the docbao program, then
 * "__worker" and the options; copied). Returns 0 and *out, or DB_EIO when no process can be
 * started. */
int remote_new(char *const *argv, struct player **out);

/* Carries out a request of the control socket or the bus: a new selection (category, sources,
 * limit over the current ones) or an article's URL. Ends the worker (its place is saved) and
 * starts one for the new queue, waiting until it has its news. Returns 0, or when the new
 * queue cannot be had (no story, the URL unreadable, the worker cannot start) an error with
 * a one-line English reason in why: the queue before is kept, its worker started again at
 * its place (playing if it played). */
int remote_request(struct player *p, const struct ctl_request *r, char *why, size_t whysize);

/* Ends the worker ("quit", then a signal if it does not leave in time) and frees p; NULL is
 * a no-op. Returns DB_EIO when the first worker could not start (it said why on stderr),
 * else 0. */
int remote_free(struct player *p);

#endif
