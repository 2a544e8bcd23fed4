/*
 * tts_driver.h — what a speech backend implements. Only tts.c and the drivers include this.
 */
#ifndef DOCBAO_TTS_DRIVER_H
#define DOCBAO_TTS_DRIVER_H

#include "docbao/tts.h"

struct tts_driver {
    const char *name;
    /* Starts the synthesizer with opts; may set t->priv and must set t->rate. */
    int (*open)(struct tts *t, const struct tts_opts *opts);
    /* Releases what open() took. May be NULL. */
    void (*close)(struct tts *t);
    /* Appends the samples for text to out. */
    int (*synth)(struct tts *t, const char *text, struct pcm *out);
    /* Applies a new speed. */
    int (*set_speed)(struct tts *t, double speed);
};

struct tts {
    const struct tts_driver *drv;
    void *priv;
    int rate;
    double speed;
};

extern const struct tts_driver tts_espeak_driver;

/* "eSpeak NG <version>" (static storage). */
const char *tts_espeak_version(void);

#endif
