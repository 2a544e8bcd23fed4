/*
 * speechd.h — speaking through speech-dispatcher (libspeechd): the speech server screen
 * readers such as Orca use, so listeners keep the synthesizer, voice and rate they chose
 * there (docbao --output speechd).
 *
 * Each sentence is one message of priority "message": speech-dispatcher queues such
 * messages and never cancels them for other clients' text; its own priority rules decide
 * how they mix with the screen reader's messages. The connection asks for the language
 * "vi" (the text is Vietnamese) and leaves every other setting as the user has it; the
 * rate is sent only once docbao's speed differs from 1.0 (see speechd_rate).
 *
 * Events (a message began, ended, was cancelled) arrive on libspeechd's own thread; this
 * module queues them and calls the wake function its user gave, which must only wake the
 * user's loop: calls go down, news comes up through the queue (speechd_next_event). Every
 * other function is called from one thread of the user's, never with a lock the wake
 * function takes. At most one connection is open at a time (libspeechd's callbacks carry
 * no context).
 *
 * Built without libspeechd (USE_SPEECHD=no, or auto without it: DOCBAO_SPEECHD=0) every
 * function is a stub: speechd_supported() returns 0 and speechd_open() DB_EINVAL, so
 * callers need no #ifdef.
 */
#ifndef DOCBAO_SPEECHD_H
#define DOCBAO_SPEECHD_H

#include <stddef.h>

enum speechd_event_kind {
    SPEECHD_BEGIN,  /* the message started to sound */
    SPEECHD_END,    /* it was spoken to its end */
    SPEECHD_CANCEL, /* it was cancelled (by us or by another client) before its end */
};

struct speechd_event {
    int id; /* the message, as speechd_say() returned it */
    enum speechd_event_kind kind;
};

struct speechd;

/* Nonzero when this build can speak through speech-dispatcher. */
int speechd_supported(void);

/* Connects to speech-dispatcher as client "docbao" (SPEECHD_ADDRESS, else the user's
 * default socket; libspeechd starts the server when it is not running and the user's
 * configuration allows it), turns on the begin/end/cancel events and sets the language
 * to Vietnamese. wake(ctx) is called on libspeechd's thread after each queued event.
 * Returns 0 and *out; DB_ENODEV when speech-dispatcher cannot be reached (a one-line
 * English reason in why, which may be NULL); DB_EINVAL when built without support. */
int speechd_open(void (*wake)(void *ctx), void *ctx, struct speechd **out, char *why,
                 size_t whysize);

/* Queues text (UTF-8 plain text, one sentence) for speaking. Returns the message's id
 * (> 0), or DB_EAUDIO when the connection is lost. */
int speechd_say(struct speechd *s, const char *text);

/* Cancels what this connection is saying or has queued (others' speech is untouched); a
 * SPEECHD_CANCEL event follows for a message that was playing. Returns 0 or DB_EAUDIO. */
int speechd_cancel(struct speechd *s);

/* The SSIP rate (-100 .. 100) for docbao's speed (0.5 .. 4.0) on top of the user's own rate
 * base: speed 1.0 keeps base; each doubling above 1.0 adds 50 and each halving below 1.0
 * subtracts 100, so docbao's range 0.5 .. 4.0 spans SSIP's -100 .. 100 (1.1 → +7, 1.5 → +29,
 * 2.0 → +50, 4.0 → +100, 0.75 → -42); the sum is clamped to -100 .. 100. */
int speechd_rate(int base, double speed);

/* Sets the rate for the next messages to speechd_rate(the user's rate when the connection
 * opened, speed). Returns 0, DB_EINVAL for a speed outside 0.5 .. 4.0, DB_EAUDIO when the
 * connection is lost. */
int speechd_set_speed(struct speechd *s, double speed);

/* Moves the oldest waiting event into *ev and returns 0, or returns DB_ENOENT when none is
 * waiting. */
int speechd_next_event(struct speechd *s, struct speechd_event *ev);

/* Asks the server something harmless: 0 while the connection works, DB_EAUDIO once it is
 * lost (libspeechd reports a lost connection through no event). */
int speechd_check(struct speechd *s);

/* Cancels what is playing, closes the connection, frees s; NULL is a no-op. */
void speechd_close(struct speechd *s);

#endif
