/*
 * bulletin.h — the broadcast file writer: takes the speech of a bulletin as 16-bit mono PCM
 * at the synthesizer's rate, in order, with a marker at the start of each story, and writes
 * a file a radio station can put on air (SPEC §7):
 *
 *   - resampled with libsoxr (its 16-bit recipe: flat to 10 kHz from 22.05 kHz, artefacts
 *     below the 16-bit floor) to 48 kHz (or 44.1 kHz), 16-bit, mono;
 *   - loudness normalized to -23 LUFS integrated (EBU R128: the BS.1770 K-weighting and
 *     two-stage gating, computed here from 100 ms segment energies so parts can be measured in
 *     other processes; it agrees with libebur128 within 0.1 LU), true peak at most -1 dBTP
 *     (true peak estimated with a 4x windowed-sinc interpolator like BS.1770's; the files are
 *     checked with libebur128 and ffmpeg's ebur128 in the tests). The gain is the target
 *     gain; when that gain would push the true peak above the ceiling, a look-ahead true-peak
 *     limiter (5 ms attack, 80 ms release, deterministic) holds the peaks and the gain is
 *     re-trimmed (dry runs measured by libebur128) so the loudness still meets the target;
 *   - WAV gets a Broadcast WAV `bext` chunk (description = the title folded to ASCII,
 *     originator "docbao", origination date and time, loudness values), a `cue ` chunk with
 *     one point per marker and a LIST/adtl chunk with a `labl` (the marker's label) per
 *     point; .flac, .ogg/.oga (Vorbis), .opus and .mp3 are chosen by the file extension and
 *     carry no cues;
 *   - two passes with flat memory: pass 1 measures loudness and true peak while the audio
 *     goes, as floats at the output rate, to unnamed temporary files in the target folder —
 *     the writer's own spool (bulletin_write, bulletin_write_float) or part files made in
 *     other processes (struct bulletin_resampler, bulletin_add_part), which are adopted as
 *     they are, not copied; pass 2 reads them back in blocks, applies the gain (and the
 *     limiter when needed) and writes the file;
 *   - written safely: the file is built as an unnamed O_TMPFILE in the target folder and
 *     linked into place when complete (falling back to NAME.part-PID, renamed at the end), so
 *     a failed, interrupted or killed run leaves nothing. The target "-" writes WAV to
 *     standard output: the complete file (with bext and cues) is built in $TMPDIR first and
 *     then copied out.
 *
 * Output is deterministic: the same input gives the same samples.
 */
#ifndef DOCBAO_BULLETIN_H
#define DOCBAO_BULLETIN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BULLETIN_RATE_DEFAULT 48000
#define BULLETIN_LUFS_DEFAULT (-23.0)
#define BULLETIN_PEAK_DEFAULT (-1.0)

struct bulletin_opts {
    int in_rate;        /* rate of the PCM handed to bulletin_write(), Hz (e.g. 22050); 0 =
                         * the audio comes already resampled through bulletin_write_float() */
    int out_rate;       /* 48000 or 44100; 0 = 48000 */
    double loudness;    /* target integrated loudness, LUFS, -60 .. -5; 0 = -23 */
    double true_peak;   /* ceiling, dBTP, -20 .. 0; 0 = -1 */
    const char *title;  /* UTF-8 bulletin title for the bext description; may be NULL */
    time_t date;        /* origination date/time; 0 = now */
};

/* What bulletin_close() measured and did. */
struct bulletin_report {
    double in_lufs;     /* integrated loudness before the gain, LUFS (-HUGE_VAL if silent) */
    double in_peak;     /* true peak before the gain, dBTP */
    double gain;        /* gain applied, dB */
    int limited;        /* nonzero when the limiter had to act */
    size_t frames;      /* samples written, at the output rate */
    size_t cues;        /* cue points written (0 for formats without cues) */
};

struct bulletin;

/* Starts a bulletin to be written at path ("-" for WAV on standard output). The format
 * follows the extension (.flac, .ogg, .oga, .opus, .mp3; anything else is WAV). Returns 0
 * and stores the writer in *out; DB_EINVAL for a bad option; DB_EIO when the temporary
 * files cannot be created. Nothing is visible at path before bulletin_close() succeeds. */
int bulletin_new(const char *path, const struct bulletin_opts *opts, struct bulletin **out);

/* Places a cue point labelled label (UTF-8, copied; may be NULL) at the current position,
 * i.e. before the next sample written. Returns 0. */
int bulletin_mark(struct bulletin *b, const char *label);

/* Appends n samples at the input rate (pass 1: resample, measure, spool). Returns 0,
 * DB_ENOSPC (the spool's disk is full) or DB_EIO; after an error every call returns it. */
int bulletin_write(struct bulletin *b, const int16_t *s, size_t n);

/* For in_rate 0: appends n float samples (full scale ±1.0) at the output rate, measured
 * here. Returns 0, DB_ENOSPC, DB_EIO, or DB_EINVAL when the bulletin takes int16 input. */
int bulletin_write_float(struct bulletin *b, const float *f, size_t n);

/* For in_rate 0: appends the part in fd, a complete part file written by
 * bulletin_resampler_finish() (its audio, true peak and loudness segments; no audio is read
 * now). Takes fd in every case: it is kept open until the bulletin is closed or freed (past
 * 64 parts, the audio is copied into the spool and fd closed). Returns 0; DB_EIO when fd is
 * not a complete part file (DB_ENOSPC: no space to copy it); DB_EINVAL when the part's rate is not the output rate or the
 * bulletin takes int16 input. */
int bulletin_add_part(struct bulletin *b, int fd);

/* For in_rate 0: reports the true peak (linear) of audio handed to bulletin_write_float();
 * the largest one counts. */
void bulletin_add_peak(struct bulletin *b, double peak);

/* Pass 2: applies the gain, writes the file with its metadata and puts it in place. Fills
 * *rep when rep is not NULL. Returns 0, DB_ENOSPC (the disk is full) or DB_EIO (nothing is
 * left at the path either way), or DB_EEMPTY when no sample was written. Frees b either way. */
int bulletin_close(struct bulletin *b, struct bulletin_report *rep);

/* An unnamed temporary file in dir (O_TMPFILE, else a file unlinked at once), open for reading
 * and writing: nothing is left behind whatever happens to the process. Returns the descriptor
 * or -1. */
int bulletin_tmpfile(const char *dir);

/* Discards the bulletin: removes every temporary file and frees b. bulletin_free(NULL) is a
 * no-op. */
void bulletin_free(struct bulletin *b);

/* A part of a bulletin resampled apart (in a worker process, so that resampling and metering
 * run in parallel): the same libsoxr conversion as bulletin_write(), written with the
 * part's true peak and loudness segments as a part file for bulletin_add_part(). Resampling
 * parts separately and joining them gives the same audio as one resampler when the parts
 * meet in silence (the filter's ringing dies within a few milliseconds). */
struct bulletin_resampler;

/* Returns 0 and stores a resampler in *out, or DB_EINVAL (rates) / DB_EIO. */
int bulletin_resampler_new(int in_rate, int out_rate, struct bulletin_resampler **out);
/* Resamples n samples at s and writes the output to fd, a new empty file (a header is
 * reserved at its start; s = NULL, n = 0 flushes the filter). The same fd on every call.
 * Returns 0, DB_ENOSPC (fd's disk is full) or DB_EIO. */
int bulletin_resample(struct bulletin_resampler *r, const int16_t *s, size_t n, int fd);
/* Ends the part: flushes the filter, pads the audio with silence to a whole number of
 * 100 ms loudness segments, writes the segments and fills in the header. Returns 0,
 * DB_ENOSPC or DB_EIO. */
int bulletin_resampler_finish(struct bulletin_resampler *r, int fd);
/* The true peak (linear, 1.0 = full scale; call after the end) and the number of samples
 * produced so far. */
double bulletin_resampler_peak(struct bulletin_resampler *r);
size_t bulletin_resampler_frames(const struct bulletin_resampler *r);
/* bulletin_resampler_free(NULL) is a no-op. */
void bulletin_resampler_free(struct bulletin_resampler *r);

/* Returns a new string: the UTF-8 text s with Vietnamese letters folded to ASCII ("Bản tin
 * Xã hội" → "Ban tin Xa hoi", đ → d), other non-ASCII characters dropped or, for common
 * punctuation (dashes, quotes, ellipsis), replaced by their ASCII look-alike. */
char *bulletin_ascii_fold(const char *s);

#endif
