/*
 * normalize.h — turns a written Vietnamese sentence into the words a voice should say:
 * URLs, phone numbers, dates, times, ranges, money and units, numbers, Roman numerals,
 * foreign names, abbreviations, unknown all-caps words, foreign words and symbols become
 * Vietnamese words (SPEC §4). The lexicons are the TSV files under voices/vi/ (see voices/vi/README.md) plus
 * the user's $XDG_CONFIG_HOME/docbao/lexicon.tsv (else ~/.config/docbao/lexicon.tsv), whose
 * entries take precedence. After normalization no ASCII digit remains.
 */
#ifndef DOCBAO_NORMALIZE_H
#define DOCBAO_NORMALIZE_H

#include <stddef.h>

#include "docbao/util.h"

struct normalizer;

enum norm_dialect {
    NORM_NORTH = 0, /* nghìn, linh, hai mươi tư */
    NORM_SOUTH = 1, /* ngàn, lẻ, hai mươi bốn */
};

/* Creates a normalizer. voices_dir is the folder holding vi/ (abbreviations.tsv, units.tsv,
 * letters.tsv, foreign.tsv, names.tsv); NULL means paths_data_dir() + "/voices", and then
 * missing files are tolerated (built-in letter names are used). Returns 0 and stores it in *out, or
 * DB_ENOENT when an explicit voices_dir has no vi/abbreviations.tsv. The normalizer is
 * read-only after creation: one may serve several threads. */
int normalizer_new(const char *voices_dir, enum norm_dialect dialect, struct normalizer **out);
/* normalizer_free(NULL) is a no-op. */
void normalizer_free(struct normalizer *nz);

/* Adds a user entry (as if from the user lexicon file, overriding every built-in reading of
 * key, matched case-insensitively). Not thread-safe. Returns 0 or DB_EINVAL. */
int normalizer_add_entry(struct normalizer *nz, const char *key, const char *expansion);

/* Stores the number of keys loaded from the abbreviation, unit and foreign-word lexicons
 * (any pointer may be NULL). Returns 0 or DB_EINVAL. */
int normalizer_stats(const struct normalizer *nz, size_t *abbreviations, size_t *units,
                     size_t *foreign);

/* Whether the n bytes at w are one valid Vietnamese syllable (any case; onset, vowel
 * cluster, final, a sắc or nặng tone on a stop final) — the check that decides which words
 * are foreign. Returns 1 or 0 (0 for NULL or empty input). */
int normalizer_is_syllable(const struct normalizer *nz, const char *w, size_t n);

/* Normalizes one sentence (n bytes at s; valid NFC UTF-8 expected, any bytes tolerated, never
 * read past n) and appends the spoken form to out. Returns 0 or DB_ETOOBIG (if out has a
 * cap). */
int normalize_sentence(struct normalizer *nz, const char *s, size_t n, struct buf *out);

#endif
