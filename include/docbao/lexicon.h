/*
 * lexicon.h — pronunciation lexicons: TSV files "key<TAB>expansion<TAB>optional context",
 * '#' starts a comment line. Keys are compared case-insensitively (NFC lowercase); a key may
 * have several entries, tried in file order (the normalizer picks the first whose context
 * matches). Lookups are a hash probe, with no allocation.
 */
#ifndef DOCBAO_LEXICON_H
#define DOCBAO_LEXICON_H

#include <stddef.h>

struct lexicon;

/* One entry. ctx is "" when the line had no context column. next: the following entry
 * with the same key (NULL at the end). All strings are owned by the lexicon. */
struct lex_entry {
    const char *key;  /* lowercase NFC */
    const char *form; /* the key as written in the file (NFC) */
    const char *exp;
    const char *ctx;
    const struct lex_entry *next;
};

/* Creates an empty lexicon; never fails (aborts on OOM). */
struct lexicon *lexicon_new(void);
/* lexicon_free(NULL) is a no-op. */
void lexicon_free(struct lexicon *lx);

/* Loads the TSV file at path. With override, the file's keys replace every entry already
 * held under the same key (user files); otherwise entries are appended. Lines without a
 * TAB, or with an empty key or expansion, are skipped. Returns 0, DB_ENOENT or DB_EIO. */
int lexicon_load(struct lexicon *lx, const char *path, int override);

/* Adds one entry (strings copied; key lowercased). */
void lexicon_add(struct lexicon *lx, const char *key, const char *exp, const char *ctx,
                 int override);

/* Finds the entries for the n bytes at key, which must already be lowercase (see
 * lexicon_lower). Returns the first entry or NULL. */
const struct lex_entry *lexicon_find(const struct lexicon *lx, const char *key, size_t n);

/* The number of distinct keys. */
size_t lexicon_size(const struct lexicon *lx);

/* The first entry of the i-th distinct key, keys in the order they were first added
 * (i < lexicon_size), or NULL. For walking a lexicon (checks, derived tables). */
const struct lex_entry *lexicon_key(const struct lexicon *lx, size_t i);

/* Lowercases the n bytes of NFC UTF-8 at s into out (capacity cap bytes, NUL-terminated).
 * Returns the length written, or (size_t)-1 when it would not fit. Never reads past n. */
size_t lexicon_lower(const char *s, size_t n, char *out, size_t cap);

#endif
