/*
 * export.h — radio bulletins (SPEC §7): a list of articles becomes one broadcast-ready
 * audio file.
 *
 * Structure: the intro ("Bản tin <category>, <weekday>, ngày D tháng M năm YYYY." by
 * default, from the date of the run), then for each story its title, a 0.7 s pause, its
 * body (paragraphs 0.25 s apart) and a 1.5 s pause; then the outro ("Kết thúc bản tin.").
 * Every text goes through the normalizer, so numbers and dates are spoken as words.
 *
 * Speed: stories are synthesized in parallel by worker processes (eSpeak NG keeps global
 * state, so each worker is a fresh fork of the parent's unused voice; it synthesizes a
 * group of consecutive parts — the intro, stories, the outro — resamples each, measures
 * its true peak and loudness into an unnamed temporary part file and exits; the longest
 * groups start first, the next ones are forked ahead and wait for a free core). The groups
 * are cut from the text alone, about one per 750 bytes (long stories get a worker each;
 * short ones share one, as a process costs as much CPU as ten seconds of speech), so the
 * samples do not depend on the number of workers: the same input gives the same file on
 * any machine. The parent hands the parts in order to the bulletin writer (bulletin.h:
 * 48 kHz, -23 LUFS, true peak <= -1 dBTP, bext + cue points), which combines the
 * measurements and streams the file; memory stays flat however many stories there are.
 */
#ifndef DOCBAO_EXPORT_H
#define DOCBAO_EXPORT_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "docbao/article.h"
#include "docbao/normalize.h"

/* A zero-initialized job means every default; set at least articles, narticles and path. */
struct export_job {
    struct article *const *articles; /* the stories, in bulletin order */
    size_t narticles;
    const char *category;   /* display name ("Xã hội") for the default intro and title;
                             * may be NULL */
    const char *intro;      /* NULL = the default intro; "" = none */
    const char *outro;      /* NULL = "Kết thúc bản tin."; "" = none */
    int no_intro;           /* nonzero: no intro (same as intro = "") */
    int headlines_only;     /* nonzero: titles only, 1.5 s apart (a headline round-up) */
    const char *voice;      /* eSpeak NG voice; NULL = "vi" */
    double speed;           /* 0.5 .. 4.0; 0 = 1.0 */
    enum norm_dialect dialect;
    const char *voices_dir; /* lexicon folder for normalizer_new(); NULL = the default */
    int rate;               /* output rate: 48000 or 44100; 0 = 48000 */
    double loudness;        /* target LUFS, -60 .. -5; 0 = -23 */
    const char *path;       /* output file (.wav, .flac, .ogg, .opus, .mp3); "-" = WAV on
                             * standard output */
    const char *title;      /* bulletin title for the bext description (folded to ASCII);
                             * NULL = "Bản tin <category>, D/M/YYYY" */
    time_t date;            /* date of the run for the intro and bext; 0 = now */
    int workers;            /* worker processes; 0 = online CPUs; capped by the groups */
    FILE *log;              /* one status line per story ("Bài 2/5 — title"); may be NULL */
    volatile sig_atomic_t *interrupted; /* checked while waiting for the workers; when it
                                         * becomes nonzero the export stops, the workers are
                                         * killed and no file is left; may be NULL */
};

/* Writes the bulletin described by job. Returns 0 when the file is in place; DB_EINVAL for
 * a bad option (rate, loudness, speed, no article, unsupported extension); DB_EEMPTY when
 * nothing could be spoken; DB_ENOVOICE when a worker could not open the voice; DB_ETTS when
 * a worker failed or died; DB_ENOSPC when the disk of the bulletin or of the temporary folder
 * ($TMPDIR, where the workers' parts go) is full; DB_EIO for another file error or when
 * job->interrupted was raised (the caller knows which by its flag). On any error no output file is left. Every worker is
 * reaped before returning; signal dispositions stay the caller's. */
int export_bulletin(const struct export_job *job);

/* Stores the default intro text for category (may be NULL) on date (0 = now) — "Bản tin
 * Xã hội, Thứ Bảy, ngày 28 tháng 11 năm 2026." — into out (cap bytes). */
void export_default_intro(const char *category, time_t date, char *out, size_t cap);

#endif
