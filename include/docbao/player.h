/*
 * player.h — the listening engine: a queue of stories → sentences → speech, with the
 * controls of SPEC §5 acting within 100 ms.
 *
 * Threads inside: a synthesis thread (fetches articles through the story source, splits,
 * normalizes and synthesizes a few sentences ahead) and an audio thread (writes small chunks
 * to the output, so a pause silences it at once and a skip cuts the sentence). With the
 * output "speechd" a speech thread hands each normalized sentence to speech-dispatcher
 * instead (speechd.h), cancelling it for a pause or a jump, and eSpeak NG is not used.
 * Callers talk to it through commands (the rows of the command table, cmd.h, run by
 * player_command) and read news back through
 * an event fd: status lines in plain words and a state-change counter — never through
 * callbacks.
 *
 * The place (story URL + sentence) is saved in the cache at every sentence change, so a
 * killed player resumes where it was.
 */
#ifndef DOCBAO_PLAYER_H
#define DOCBAO_PLAYER_H

#include <stddef.h>

#include "docbao/article.h"
#include "docbao/normalize.h"

/* Where the stories come from. Every member is called from the player's synthesis thread
 * only (and from player_new and player_free, when no other thread of the player runs), so
 * the source needs no locking of its own: the player copies each story's title, URL and
 * site name there, and its other threads read the copies. */
struct player_source {
    void *ctx;
    /* The number of stories now (it may grow). */
    size_t (*count)(void *ctx);
    /* Story i's title, URL and site name (borrowed; valid until the next call). */
    const char *(*title)(void *ctx, size_t i);
    const char *(*url)(void *ctx, size_t i);
    const char *(*site)(void *ctx, size_t i);
    /* Story i's article (may block on the network). Returns 0 and a new article, or < 0 to
     * skip the story. */
    int (*article)(void *ctx, size_t i, struct article **out);
    /* Story i was listened to its end. May be NULL. */
    void (*heard)(void *ctx, size_t i);
};

enum player_run { PLAYER_PLAYING, PLAYER_PAUSED, PLAYER_STOPPED };

struct player_opts {
    const char *voice;           /* eSpeak NG voice name */
    double speed;                /* 0.5 .. 4.0 */
    enum norm_dialect dialect;
    const char *out_driver;      /* "auto" (default), "alsa", "portaudio", "speechd" or "null" */
    const char *out_target;      /* file name for "file" */
    int headlines;               /* speak titles only; "enter" reads the story in full */
    int sleep_minutes;           /* stop after this long (0 = off) */
    const char *place_key;       /* the selection's key under which the place is saved in the
                                    cache (the player opens its own connection); NULL = the
                                    place is not remembered */
    size_t start_story;          /* where to begin (0-based; the count of stories: past the
                                    end, stopped when quit_at_end is 0) */
    size_t start_sentence;
    int quit_at_end;             /* nonzero: stop when the last story ends (else wait) */
    int start_paused;            /* nonzero: begin paused at the start place */
    int refetched;               /* the news was just fetched again at the end of the list:
                                    an empty queue says "No new stories" */
    int verbose;                 /* also a status line with each sentence as it starts */
};

struct player_state {
    enum player_run run;
    double speed;
    size_t story;          /* 0-based; == count when none */
    size_t count;
    size_t sentence;       /* 0-based within the story */
    size_t nsentences;     /* 0 until the story's text is known */
    const char *title;     /* valid until the next player call; may be NULL */
    const char *url;
    const char *site;
    int headlines;
    int sleep_minutes;     /* 0 = off */
    unsigned long version; /* grows at every change of the above */
};

struct player;

/* Creates a player for src with o (strings are copied). Opens the voice and the output:
 * returns DB_ENOVOICE, DB_ETTS, DB_ENODEV, DB_EIO as tts_open/out_open do, else 0. With
 * out_driver "speechd": DB_ENODEV when speech-dispatcher cannot be reached, DB_EINVAL when
 * built without speech-dispatcher support (speechd_supported()). */
int player_new(const struct player_opts *o, const struct player_source *src,
               struct player **out);

/* Starts the threads: playback begins. */
int player_start(struct player *p);

/* The player's command entry point: finds the row name of the command table (cmd.h) and
 * calls its run function (cmd_run_<id>, in player.c) with the player's lock held, with an
 * optional argument ("speed" needs "1.5", "sleep" may have "30", the daemon's "quit" may have
 * "now"). While the goodbye of "quit" is said, commands do nothing. Returns 0, DB_EINVAL for
 * an unknown command, a missing argument or a bad one. */
int player_command(struct player *p, const char *name, const char *arg);

/* A consistent snapshot of the state; the strings stay valid until the next player call from
 * this thread. */
void player_get_state(struct player *p, struct player_state *st);

/* A file descriptor that becomes readable when a status line or a state change is waiting;
 * player_next_event() drains it. */
int player_event_fd(struct player *p);

/* The next status line (malloc'd, caller frees), or NULL when none is waiting. Lines are
 * plain sentences in the interface language ("Bài 2/10 — …", "Tạm dừng", "Tốc độ 1,3"). */
char *player_next_event(struct player *p);

/* The printed answer of the last player_command() when it had one beyond the state (a key
 * at an end: "This is the last story", a speed at its limit, "Goodbye"; malloc'd, caller
 * frees), or NULL. The daemon puts it in its reply. */
char *player_answer(struct player *p);

/* Nonzero once playback has stopped for good (quit, sleep timer, end of the queue with
 * quit_at_end; not in headlines mode, which waits at the end for a key). After "quit" the
 * goodbye is said first, for at most a second. At the end of the queue without quit_at_end
 * the state is PLAYER_STOPPED. */
int player_finished(struct player *p);

/* Stops everything (saving the place) and frees p; NULL is a no-op. Returns the first error
 * the output reported while closing (0 when none). */
int player_free(struct player *p);

#endif
