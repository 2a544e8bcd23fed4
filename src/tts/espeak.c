/*
 * espeak.c — the eSpeak NG speech driver.
 *
 * Runs libespeak-ng in synchronous mode: espeak_ng_Synthesize() returns once the whole text
 * has been delivered to our callback, which appends the samples to the caller's pcm buffer.
 * eSpeak NG keeps global state, so only one driver instance may be open at a time.
 *
 * Speed maps to words per minute, 175 × speed; above 450 wpm eSpeak NG time-compresses with
 * its built-in sonic, which keeps the pitch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include "docbao/err.h"
#include "docbao/tts_driver.h"

static int espeak_open_count;

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
    struct pcm *out = events ? events[0].user_data : NULL;
    if (out && wav && n > 0)
        pcm_append(out, (const int16_t *)wav, (size_t)n);
    return 0;
}

static int rate_for(double speed)
{
    int wpm = (int)(espeakRATE_NORMAL * speed + 0.5);
    return wpm < espeakRATE_MINIMUM ? espeakRATE_MINIMUM : wpm;
}

static int espeak_set_speed(struct tts *t, double speed)
{
    (void)t;
    return espeak_ng_SetParameter(espeakRATE, rate_for(speed), 0) == ENS_OK ? 0 : DB_ETTS;
}

/* eSpeak NG cannot be terminated and initialized again in one process (the second
 * espeak_ng_Terminate() waits forever on its queue thread), so the library is initialized
 * once, on first use, and terminated at exit. */
static int library_ready;

static void library_done(void)
{
    espeak_ng_Terminate();
}

static int library_init(void)
{
    if (library_ready)
        return 0;
    espeak_ng_InitializePath(NULL);
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    if (espeak_ng_Initialize(&ctx) != ENS_OK) {
        espeak_ng_ClearErrorContext(&ctx);
        return DB_ETTS;
    }
    if (espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 100, NULL) != ENS_OK)
        return DB_ETTS;
    espeak_SetSynthCallback(on_samples);
    library_ready = 1;
    atexit(library_done);
    return 0;
}

static int espeak_open(struct tts *t, const struct tts_opts *opts)
{
    if (espeak_open_count)
        return DB_ETTS;
    const char *voice = opts->voice && *opts->voice ? opts->voice : "vi";
    int rc = library_init();
    if (rc < 0)
        return rc;
    /* "vi" by its file (lang/aav/vi) first: by name, eSpeak NG reads every voice file it
     * has to find it (10-20 ms of every start); the voice and its samples are the same */
    if ((strcmp(voice, "vi") != 0 || espeak_ng_SetVoiceByName("aav/vi") != ENS_OK) &&
        espeak_ng_SetVoiceByName(voice) != ENS_OK)
        return DB_ENOVOICE;
    t->rate = espeak_ng_GetSampleRate();
    if (espeak_set_speed(t, opts->speed) < 0)
        return DB_ETTS;
    espeak_open_count++;
    return 0;
}

static void espeak_close(struct tts *t)
{
    (void)t;
    espeak_open_count--;
}

static int espeak_synth(struct tts *t, const char *text, struct pcm *out)
{
    (void)t;
    size_t len = strlen(text) + 1;
    espeak_ng_STATUS st = espeak_ng_Synthesize(text, len, 0, POS_CHARACTER, 0,
                                               espeakCHARS_UTF8, NULL, out);
    /* In synchronous mode the call returns once every sample went to on_samples();
     * espeak_ng_Synchronize() is for the asynchronous mode (and can hang after a
     * terminate/initialize cycle). */
    return st == ENS_OK ? 0 : DB_ETTS;
}

const char *tts_espeak_version(void)
{
    static char v[64];
    const char *path = NULL;
    snprintf(v, sizeof(v), "eSpeak NG %s", espeak_Info(&path));
    return v;
}

const struct tts_driver tts_espeak_driver = {
    .name = "espeak",
    .open = espeak_open,
    .close = espeak_close,
    .synth = espeak_synth,
    .set_speed = espeak_set_speed,
};
