/*
 * test_audio.c — the speech backend (real eSpeak NG) and the file output (real libsndfile).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#include "docbao/err.h"
#include "docbao/out.h"
#include "docbao/tts.h"
#include "t.h"

static double rms(const struct pcm *p)
{
    double s = 0;
    for (size_t i = 0; i < p->n; i++)
        s += (double)p->s[i] * p->s[i];
    return p->n ? __builtin_sqrt(s / (double)p->n) : 0;
}

int main(void)
{
    struct tts *t = NULL;
    struct tts_opts bad_speed = {.voice = "vi", .speed = 9};
    T_INT(tts_open(NULL, &bad_speed, &t), DB_EINVAL, "tts_open refuses speed 9");
    T_INT(tts_open("nope", &(struct tts_opts){.voice = "vi", .speed = 1}, &t), DB_EINVAL,
          "tts_open refuses an unknown driver");
    T_INT(tts_open(NULL, &(struct tts_opts){.voice = "vi-xx-nothing", .speed = 1}, &t),
          DB_ENOVOICE, "tts_open reports a missing voice");
    T_INT(tts_open("espeak", &(struct tts_opts){.voice = "vi", .speed = 1}, &t), 0,
          "tts_open espeak vi");
    if (!t)
        return t_done();
    T_INT(tts_sample_rate(t), 22050, "eSpeak NG speaks at 22050 Hz");
    const char *text = "Thư viện sách nói mở cửa từ thứ hai đến thứ bảy.";
    struct pcm a = PCM_INIT, b = PCM_INIT, fast = PCM_INIT;
    T_INT(tts_synth(t, text, &a), 0, "synthesize a sentence");
    T_OK(a.n > 22050, "a sentence lasts more than a second (%zu samples)", a.n);
    T_OK(rms(&a) > 500, "the speech is not silent (rms %.0f)", rms(&a));
    tts_synth(t, text, &b);
    /* eSpeak NG carries a little state from one utterance to the next (a few samples of
     * difference), so a fresh process gives identical audio but a second call only nearly. */
    T_OK(b.n + 50 > a.n && a.n + 50 > b.n, "the same sentence again has the same length (%zu, %zu)",
         a.n, b.n);
    T_INT(tts_set_speed(t, 2.0), 0, "set speed 2");
    tts_synth(t, text, &fast);
    double ratio = (double)fast.n / (double)a.n;
    T_OK(ratio > 0.4 && ratio < 0.65, "speed 2 roughly halves the length (%.2f)", ratio);
    T_INT(tts_set_speed(t, 4.5), DB_EINVAL, "speed 4.5 is refused");
    T_INT(tts_set_speed(t, 4.0), 0, "speed 4 is accepted");
    struct pcm max = PCM_INIT;
    tts_synth(t, text, &max);
    T_OK(max.n > 0 && max.n < fast.n, "speed 4 is faster than speed 2");
    struct pcm empty = PCM_INIT;
    T_INT(tts_synth(t, "", &empty), 0, "an empty sentence is not an error");

    /* the file output: WAV written under a temporary name, renamed on close */
    char dir[] = "/tmp/docbao-test-XXXXXX";
    T_OK(mkdtemp(dir) != NULL, "temporary folder");
    char path[256];
    snprintf(path, sizeof(path), "%s/out.wav", dir);
    struct out *o = NULL;
    T_INT(out_open("file", 22050, path, &o), 0, "open the file output");
    T_INT(out_write(o, a.s, a.n), 0, "write samples");
    T_OK(access(path, F_OK) != 0, "the file does not exist before close");
    T_INT(out_close(o), 0, "close the file output");
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    T_OK(sf != NULL, "the WAV file opens");
    if (sf) {
        T_INT(info.samplerate, 22050, "WAV rate");
        T_INT(info.channels, 1, "WAV channels");
        T_INT((long)info.frames, (long)a.n, "WAV holds every sample");
        short *back = calloc(a.n, sizeof(short));
        sf_read_short(sf, back, (sf_count_t)a.n);
        T_OK(memcmp(back, a.s, a.n * 2) == 0, "WAV samples are the synthesized ones");
        free(back);
        sf_close(sf);
    }
    unlink(path);
    snprintf(path, sizeof(path), "%s/aborted.wav", dir);
    T_INT(out_open("file", 22050, path, &o), 0, "open a file output to abort");
    out_write(o, a.s, a.n);
    out_abort(o);
    T_OK(access(path, F_OK) != 0, "an aborted export leaves no file");
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "ls -A %s | grep -q .", dir);
    T_OK(system(cmd) != 0, "an aborted export leaves no temporary file");
    snprintf(path, sizeof(path), "%s/out.flac", dir);
    T_INT(out_open("file", 22050, path, &o), 0, "open a FLAC output");
    out_write(o, a.s, a.n);
    T_INT(out_close(o), 0, "close the FLAC output");
    sf = sf_open(path, SFM_READ, &info);
    T_OK(sf && (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC, "the .flac file is FLAC");
    if (sf)
        sf_close(sf);
    unlink(path);
    T_INT(out_open("file", 22050, "/nonexistent-dir/x.wav", &o), DB_EIO,
          "an unwritable path is DB_EIO");
    T_INT(out_open("bogus", 22050, NULL, &o), DB_EINVAL, "an unknown output driver");
    rmdir(dir);

    pcm_free(&a);
    pcm_free(&b);
    pcm_free(&fast);
    pcm_free(&max);
    pcm_free(&empty);
    tts_close(t);
    return t_done();
}
