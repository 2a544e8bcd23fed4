/*
 * normalize.h — turns a written Vietnamese sentence into the words a voice should say:
 * numbers, dates, times, units, abbreviations and symbols become Vietnamese words.
 */
#ifndef DOCBAO_NORMALIZE_H
#define DOCBAO_NORMALIZE_H

#include <stddef.h>

#include "docbao/util.h"

struct normalizer;

enum norm_dialect {
    NORM_NORTH = 0, /* nghìn, linh */
    NORM_SOUTH = 1, /* ngàn, lẻ */
};

/* Creates a normalizer. voices_dir is the folder holding the vi/ lexicons (NULL: the built-in
 * default). Returns 0 and stores it in *out, or a DB_* error. */
int normalizer_new(const char *voices_dir, enum norm_dialect dialect, struct normalizer **out);
/* normalizer_free(NULL) is a no-op. */
void normalizer_free(struct normalizer *nz);

/* Normalizes one sentence (n bytes of valid UTF-8 at s) and appends the spoken form to out.
 * Returns 0 or DB_ETOOBIG (if out has a cap). */
int normalize_sentence(struct normalizer *nz, const char *s, size_t n, struct buf *out);

#endif
