/*
 * out_driver.h — what an audio output driver implements. Only out.c and drivers include it.
 */
#ifndef DOCBAO_OUT_DRIVER_H
#define DOCBAO_OUT_DRIVER_H

#include "docbao/out.h"

struct out_driver {
    const char *name;
    /* Opens the device or file for rate Hz mono 16-bit; may set o->priv. */
    int (*open)(struct out *o, int rate, const char *target);
    /* Writes n samples (blocking). */
    int (*write)(struct out *o, const int16_t *s, size_t n);
    /* Plays out / finalizes and releases everything open() took. */
    int (*close)(struct out *o);
    /* Stops at once, discarding pending audio or the unfinished file, and releases everything.
     * May be NULL: close() is used instead. */
    void (*abort)(struct out *o);
    /* Drops audio written but not yet played; the output stays usable. May be NULL. */
    int (*drop)(struct out *o);
    /* Samples written but not yet heard. May be NULL (0). */
    size_t (*pending)(struct out *o);
    /* Milliseconds of silence out_close() writes before close(): sound cards (PortAudio, and
     * some ALSA plugins with the sound servers behind them) cut the very end of a stream
     * that stops right after its last sample. 0 for files. */
    int tail_ms;
};

struct out {
    const struct out_driver *drv;
    void *priv;
    int rate;
};

extern const struct out_driver out_alsa_driver;
extern const struct out_driver out_portaudio_driver;
extern const struct out_driver out_file_driver;
extern const struct out_driver out_null_driver;

/* PortAudio's early initialization (see out_prepare). */
void out_portaudio_prepare(void);
void out_portaudio_prepared(void);
const char *out_portaudio_version(void);
const char *out_alsa_version(void);
/* Silences ALSA's own diagnostics (a screen reader would read them out; a failure is
 * reported by the caller in one sentence). */
void out_alsa_silence(void);

#endif
