/*
 * out.h — the audio output interface.
 *
 * An output plays or stores 16-bit mono PCM. Drivers are const tables of function pointers
 * (see out_driver.h), like cmus's output plugins and mpv's ao drivers: "alsa" plays through
 * ALSA's default device (PipeWire, PulseAudio or dmix behind it), "portaudio" through
 * PortAudio's default device, "auto" is "alsa" falling back to "portaudio", "file" writes an audio file (WAV/FLAC/OGG by extension), "null"
 * discards (at a sound card's pace with the target "realtime"). Export is
 * "just another output". The core never includes an audio library's headers.
 */
#ifndef DOCBAO_OUT_H
#define DOCBAO_OUT_H

#include <stddef.h>
#include <stdint.h>

struct out;

/* Opens the output driver named driver at sample rate rate (Hz), mono, 16 bit.
 * target is the file name for "file", an ALSA device name for "alsa" (NULL: "default"),
 * NULL otherwise. Returns 0 and stores the object in
 * *out, DB_EINVAL for an unknown driver, DB_ENODEV when there is no audio device, DB_EIO
 * (DB_ENOSPC: no space on its disk) when a file cannot be created, DB_EAUDIO for other
 * failures. */
int out_open(const char *driver, int rate, const char *target, struct out **out);

/* Writes n samples; blocks until the output has taken them. Returns 0 or DB_EAUDIO/DB_EIO
 * (DB_ENOSPC: a file output's disk is full). */
int out_write(struct out *o, const int16_t *s, size_t n);

/* Plays out everything written (devices) or finishes the file, then frees o. Returns 0 or an
 * error if the final flush failed; o is freed either way. out_close(NULL) returns 0. */
int out_close(struct out *o);

/* Silences the output at once: drops what was written but not yet heard; the output stays
 * open for more writes. A no-op for files. Returns 0 or DB_EAUDIO. */
int out_drop(struct out *o);

/* How many written samples are still waiting to be heard (the device's latency), 0 when
 * unknown or for files. */
size_t out_pending(struct out *o);

/* Stops at once, dropping what has not been played yet (devices) or removing the unfinished
 * file, then frees o. out_abort(NULL) is a no-op. */
void out_abort(struct out *o);

/* Starts initializing the sound system driver will use on a thread, so that a later
 * out_open(driver) is quick (only "portaudio" needs it; for other drivers this does nothing).
 * While it runs, standard error is silenced (the sound system's probes print noise); call
 * out_prepared() before writing to standard error. */
void out_prepare(const char *driver);

/* Waits until out_prepare()'s work is done; a no-op when it was not started. */
void out_prepared(void);

/* The sound libraries' names and versions, e.g. "ALSA 1.2.8, PortAudio V19.6.0-devel"
 * (static storage). */
const char *out_version(void);

/* Names of the available drivers, NULL-terminated. */
const char *const *out_driver_names(void);

#endif
