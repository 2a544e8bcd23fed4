/*
 * tts.h — the speech backend interface.
 *
 * A backend turns one sentence of text into 16-bit mono PCM at the backend's native rate.
 * Backends are const tables of function pointers (struct tts_driver, see tts_driver.h); the
 * core sees only the opaque struct tts and the functions below, and never includes a
 * synthesizer's headers.
 *
 * eSpeak NG keeps global state: at most one tts object per process.
 */
#ifndef DOCBAO_TTS_H
#define DOCBAO_TTS_H

#include <stddef.h>
#include <stdint.h>

/* 16-bit mono PCM samples. */
struct pcm {
    int16_t *s;
    size_t n;   /* samples */
    size_t cap;
};
#define PCM_INIT {NULL, 0, 0}

void pcm_append(struct pcm *p, const int16_t *s, size_t n);
void pcm_append_silence(struct pcm *p, size_t n);
void pcm_free(struct pcm *p);

struct tts_opts {
    const char *voice;  /* voice name, e.g. "vi", "vi-vn-x-central", "vi-vn-x-south" */
    double speed;       /* 0.5 .. 4.0, 1.0 = normal */
};

struct tts;

/* Opens the backend named driver ("espeak"; NULL = default). Returns 0 and stores the new
 * object in *out; DB_EINVAL for an unknown driver; DB_ENOVOICE when the voice is missing;
 * DB_ETTS when the synthesizer cannot start. */
int tts_open(const char *driver, const struct tts_opts *opts, struct tts **out);
/* tts_close(NULL) is a no-op. */
void tts_close(struct tts *t);

/* Synthesizes text (valid UTF-8, one sentence, spoken words only) and appends the samples to
 * out. Returns 0 or DB_ETTS. */
int tts_synth(struct tts *t, const char *text, struct pcm *out);

/* Changes the speed (0.5 .. 4.0) for the next tts_synth(). Returns 0 or DB_EINVAL. */
int tts_set_speed(struct tts *t, double speed);

/* The sample rate of the PCM this backend produces, in Hz. */
int tts_sample_rate(const struct tts *t);

/* The speech synthesizer's name and version, e.g. "eSpeak NG 1.51" (static storage). */
const char *tts_version(void);

/* Names of the available drivers, NULL-terminated. */
const char *const *tts_driver_names(void);

#endif
