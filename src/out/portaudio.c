/*
 * portaudio.c — plays PCM through PortAudio's default output device (blocking API).
 *
 * PortAudio drops the last 25–45 ms of a stream that is stopped right after the last write,
 * so the driver asks out_close() for 100 ms of silence first (tail_ms): no sentence is
 * clipped.
 * While PortAudio probes its host APIs, ALSA's and JACK's diagnostics ("jack server is not
 * running", "Cannot connect to server socket") are silenced: they mean nothing to a listener,
 * whose screen reader would read them out. JACK is never started on our behalf.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <portaudio.h>

#include "docbao/err.h"
#include "docbao/out_driver.h"
#include "docbao/util.h"


struct pa_priv {
    PaStream *stream;
};

/* Pa_Initialize() with standard error pointed at /dev/null. */
static PaError pa_init_quietly(void)
{
    setenv("JACK_NO_START_SERVER", "1", 0);
    out_alsa_silence();
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    PaError e = Pa_Initialize();
    if (saved >= 0 && null >= 0)
        dup2(saved, STDERR_FILENO);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    return e;
}

/* Initializing PortAudio probes every host API and device: about 100 ms with PulseAudio
 * behind ALSA. out_prepare() starts it on a thread at program start so it overlaps the rest
 * of the start-up; pa_open() then joins that thread and adopts its result. */
static pthread_t prep_thread;
static int prep_started;
static PaError prep_result;
static pthread_mutex_t prep_lock = PTHREAD_MUTEX_INITIALIZER;

static void *prep_main(void *arg)
{
    (void)arg;
    prep_result = pa_init_quietly();
    return NULL;
}

void out_portaudio_prepare(void)
{
    pthread_mutex_lock(&prep_lock);
    if (!prep_started && pthread_create(&prep_thread, NULL, prep_main, NULL) == 0)
        prep_started = 1;
    pthread_mutex_unlock(&prep_lock);
}

void out_portaudio_prepared(void)
{
    pthread_mutex_lock(&prep_lock);
    if (prep_started == 1) {
        pthread_join(prep_thread, NULL);
        prep_started = 2;
    }
    pthread_mutex_unlock(&prep_lock);
}

static int pa_open(struct out *o, int rate, const char *target)
{
    (void)target;
    out_portaudio_prepared();
    pthread_mutex_lock(&prep_lock);
    int adopted = prep_started == 2 && prep_result == paNoError;
    prep_started = 0; /* its initialization is ours now (or it failed) */
    pthread_mutex_unlock(&prep_lock);
    if (!adopted && pa_init_quietly() != paNoError)
        return DB_ENODEV;
    PaDeviceIndex dev = Pa_GetDefaultOutputDevice();
    if (dev == paNoDevice) {
        Pa_Terminate();
        return DB_ENODEV;
    }
    const PaDeviceInfo *info = Pa_GetDeviceInfo(dev);
    PaStreamParameters p = {
        .device = dev,
        .channelCount = 1,
        .sampleFormat = paInt16,
        /* low latency: a pause or a skip must be heard within 100 ms */
        .suggestedLatency = info ? info->defaultLowOutputLatency : 0.05,
        .hostApiSpecificStreamInfo = NULL,
    };
    struct pa_priv *pp = xcalloc(1, sizeof(*pp));
    PaError e = Pa_OpenStream(&pp->stream, NULL, &p, rate, paFramesPerBufferUnspecified,
                              paClipOff, NULL, NULL);
    if (e == paNoError)
        e = Pa_StartStream(pp->stream);
    if (e != paNoError) {
        if (pp->stream)
            Pa_CloseStream(pp->stream);
        free(pp);
        Pa_Terminate();
        return DB_ENODEV;
    }
    o->priv = pp;
    return 0;
}

static int pa_write(struct out *o, const int16_t *s, size_t n)
{
    struct pa_priv *pp = o->priv;
    while (n > 0) {
        unsigned long chunk = n > 4096 ? 4096 : (unsigned long)n;
        PaError e = Pa_WriteStream(pp->stream, s, chunk);
        if (e != paNoError && e != paOutputUnderflowed)
            return DB_EAUDIO;
        s += chunk;
        n -= chunk;
    }
    return 0;
}

static int pa_close(struct out *o)
{
    struct pa_priv *pp = o->priv;
    int rc = Pa_StopStream(pp->stream) != paNoError ? DB_EAUDIO : 0;
    Pa_CloseStream(pp->stream);
    Pa_Terminate();
    free(pp);
    return rc;
}

static int pa_drop(struct out *o)
{
    struct pa_priv *pp = o->priv;
    Pa_AbortStream(pp->stream);
    return Pa_StartStream(pp->stream) == paNoError ? 0 : DB_EAUDIO;
}

static size_t pa_pending(struct out *o)
{
    struct pa_priv *pp = o->priv;
    const PaStreamInfo *si = Pa_GetStreamInfo(pp->stream);
    return si ? (size_t)(si->outputLatency * o->rate) : 0;
}

static void pa_abort(struct out *o)
{
    struct pa_priv *pp = o->priv;
    Pa_AbortStream(pp->stream);
    Pa_CloseStream(pp->stream);
    Pa_Terminate();
    free(pp);
}

const char *out_portaudio_version(void)
{
    return Pa_GetVersionText();
}

const struct out_driver out_portaudio_driver = {
    .name = "portaudio",
    .open = pa_open,
    .write = pa_write,
    .close = pa_close,
    .abort = pa_abort,
    .drop = pa_drop,
    .pending = pa_pending,
    .tail_ms = 100,
};
