/*
 * alsa.c — plays PCM through ALSA's default device (or a named one) with libasound.
 *
 * Why a second sound-card driver next to PortAudio: PortAudio's initialization opens every
 * PCM the ALSA configuration defines to list them (80–100 ms with PulseAudio or PipeWire
 * behind ALSA, and it loads every plugin: the a52 plugin alone maps libavcodec and its
 * dependencies, ~15 MB). A reader that only ever plays to the default device pays that on
 * every start. Opening "default" directly takes about 3 ms and routes exactly where the
 * desktop routes every other program (PipeWire, PulseAudio or dmix), which is what mpv's,
 * mpd's and cmus's ALSA outputs do. "auto" (out.c) uses this driver and falls back to
 * PortAudio when ALSA has no usable default device.
 *
 * The device is opened blocking with about 50 ms of buffer: a pause (drop) is heard at once
 * and a write never waits long. ALSA's own diagnostics are silenced: a screen reader would
 * read them out, and a failure is reported by the caller in one clear sentence.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <alsa/asoundlib.h>

#include "docbao/err.h"
#include "docbao/out_driver.h"
#include "docbao/util.h"

#define LATENCY_US 50000

struct alsa_priv {
    snd_pcm_t *pcm;
};

static void alsa_quiet(const char *file, int line, const char *fn, int err, const char *fmt,
                       ...)
{
    (void)file;
    (void)line;
    (void)fn;
    (void)err;
    (void)fmt;
}

void out_alsa_silence(void)
{
    snd_lib_error_set_handler(alsa_quiet);
}

/* Opens and sets up name for rate Hz mono 16-bit; returns 0 or ALSA's negative errno. */
static int open_pcm(const char *name, int rate, snd_pcm_t **out)
{
    snd_pcm_t *pcm = NULL;
    /* opened non-blocking: a sound card another program holds makes a blocking open wait
     * until it is free, and "auto" must fall back at once instead; writes then block */
    int err = snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
    if (err < 0)
        return err;
    err = snd_pcm_nonblock(pcm, 0);
    /* soft resampling on: the device may not take eSpeak NG's 22,050 Hz */
    if (err >= 0)
        err = snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16, SND_PCM_ACCESS_RW_INTERLEAVED, 1,
                                 (unsigned)rate, 1, LATENCY_US);
    if (err < 0) {
        snd_pcm_close(pcm);
        return err;
    }
    *out = pcm;
    return 0;
}

static int alsa_open(struct out *o, int rate, const char *target)
{
    out_alsa_silence();
    const char *name = target && *target ? target : "default";
    snd_pcm_t *pcm = NULL;
    int err = open_pcm(name, rate, &pcm);
    /* A device that exists but refuses for a moment (busy, a sound server between two
     * clients) gets two more tries 100 ms apart; one that does not exist fails at once. */
    for (int i = 0; err < 0 && err != -ENOENT && err != -ENODEV && i < 2; i++) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        err = open_pcm(name, rate, &pcm);
    }
    if (err < 0)
        return DB_ENODEV;
    struct alsa_priv *ap = xcalloc(1, sizeof(*ap));
    ap->pcm = pcm;
    o->priv = ap;
    return 0;
}

static int alsa_write(struct out *o, const int16_t *s, size_t n)
{
    struct alsa_priv *ap = o->priv;
    int retries = 0;
    while (n > 0) {
        snd_pcm_sframes_t w = snd_pcm_writei(ap->pcm, s, n);
        if (w < 0) {
            /* an underrun (a gap while the next sentence was synthesized) or a suspend:
             * recover and go on; anything else, or recovering over and over, is a failure */
            if (++retries > 10 || snd_pcm_recover(ap->pcm, (int)w, 1) < 0)
                return DB_EAUDIO;
            continue;
        }
        retries = 0;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int alsa_close(struct out *o)
{
    struct alsa_priv *ap = o->priv;
    int rc = snd_pcm_drain(ap->pcm) < 0 ? DB_EAUDIO : 0;
    snd_pcm_close(ap->pcm);
    free(ap);
    return rc;
}

static void alsa_abort(struct out *o)
{
    struct alsa_priv *ap = o->priv;
    snd_pcm_drop(ap->pcm);
    snd_pcm_close(ap->pcm);
    free(ap);
}

static int alsa_drop(struct out *o)
{
    struct alsa_priv *ap = o->priv;
    snd_pcm_drop(ap->pcm);
    return snd_pcm_prepare(ap->pcm) < 0 ? DB_EAUDIO : 0;
}

static size_t alsa_pending(struct out *o)
{
    struct alsa_priv *ap = o->priv;
    snd_pcm_sframes_t d = 0;
    if (snd_pcm_delay(ap->pcm, &d) < 0 || d < 0)
        return 0;
    return (size_t)d;
}

const char *out_alsa_version(void)
{
    return snd_asoundlib_version();
}

const struct out_driver out_alsa_driver = {
    .name = "alsa",
    .open = alsa_open,
    .write = alsa_write,
    .close = alsa_close,
    .abort = alsa_abort,
    .drop = alsa_drop,
    .pending = alsa_pending,
    .tail_ms = 100,
};
