/*
 * mpris.h — media keys and desktop players: the daemon on the session bus as
 * org.mpris.MediaPlayer2.docbao (MPRIS 2.2, through sd-bus).
 *
 * /org/mpris/MediaPlayer2 carries org.mpris.MediaPlayer2 (Identity "docbao", Quit, Raise
 * does nothing) and org.mpris.MediaPlayer2.Player: Play, Pause, PlayPause, Stop, Next and
 * Previous (articles), Seek (one sentence a call, by the offset's sign), SetPosition (best
 * effort), OpenUri (a request for the daemon, answered once it is carried out), PlaybackStatus, Rate (0.5 .. 4.0, writable),
 * Metadata (trackid /org/docbao/story/N, title, artist = [site], url, length), Position, and
 * the Can* properties as the state allows. Quit runs the "quit" command. Every method runs a
 * row of the command table (cmd.h) by name through player_command(): Play "resume", Pause
 * "pause", Stop "stop", Next/Previous "next-article"/"prev-article", Seek "next"/"prev",
 * Rate "speed"; the daemon's loop calls mpris_process() when the bus fd is ready and
 * mpris_changed() once a loop turn, which emits PropertiesChanged when the state's version
 * moved.
 *
 * Position and length are estimates: MPRIS_SENTENCE_US per sentence.
 *
 * Built without libsystemd (USE_MPRIS=no, or auto without it: DOCBAO_MPRIS=0) every
 * function is a stub and mpris_new() returns DB_ENODEV, so callers need no #ifdef.
 */
#ifndef DOCBAO_MPRIS_H
#define DOCBAO_MPRIS_H

#include <stddef.h>

struct player;
struct ctl_request;

/* The length of a sentence in the position estimates, in microseconds. */
#define MPRIS_SENTENCE_US 5000000LL

struct mpris;

/* Connects to the session bus and takes the name org.mpris.MediaPlayer2.docbao for p (may
 * be NULL for now; see mpris_set_player). Returns 0 and *out, or DB_ENODEV (built without
 * MPRIS, no session bus, or the name is taken) with a one-line English reason in why (may
 * be NULL). */
int mpris_new(struct player *p, struct mpris **out, char *why, size_t whysize);

/* Makes p (may be NULL) the player the bus controls. */
void mpris_set_player(struct mpris *m, struct player *p);

/* The bus connection's fd for poll(), the events to wait for, and the timeout in ms the
 * loop may sleep at most (-1: none). */
int mpris_fd(struct mpris *m);
short mpris_events(struct mpris *m);
int mpris_timeout_ms(struct mpris *m);

/* Handles every message waiting on the bus. Returns 0, or DB_EIO when the connection is
 * lost (the daemon goes on without MPRIS: free m). */
int mpris_process(struct mpris *m);

/* Emits PropertiesChanged for the Player interface when the state's version moved since
 * the last call (and Seeked when the sentence moved within a story). */
void mpris_changed(struct mpris *m);

/* Moves a waiting OpenUri request into *r (which must hold CTL_REQ_NONE) and returns 0, or
 * returns DB_ENOENT when none is waiting. */
int mpris_next_request(struct mpris *m, struct ctl_request *r);

/* Answers the OpenUri call behind the request id (ctl_request.id) once the daemon carried
 * it out: rc 0 a plain return, else a D-Bus error saying msg. Other ids are ignored. */
void mpris_answer(struct mpris *m, unsigned long id, int rc, const char *msg);

/* Releases the name, closes the connection, frees m; NULL is a no-op. */
void mpris_free(struct mpris *m);

#endif
