/*
 * segment.h — Vietnamese sentence splitting.
 *
 * Splits running text into sentences at . ? ! … (and runs like ?!), never inside numbers,
 * abbreviations, initials, URLs, e-mail addresses or domains; closing quotes and brackets stay
 * with their sentence. A blank line, or a line break after a line with no closing punctuation
 * (a headline), also ends a sentence.
 */
#ifndef DOCBAO_SEGMENT_H
#define DOCBAO_SEGMENT_H

#include <stddef.h>

#include "docbao/util.h"

/* The longest sentence handed on to be spoken, in code points. A longer run without a
 * sentence end (a list, a table flattened into text, a page of junk) is cut by segment_split()
 * into pieces of at most this many, so the voice never gets an unbounded run of text:
 * at a space after a comma, semicolon or colon in the second half of the piece, else at its
 * last space, else (one huge word) between two code points. Normalization may lengthen a
 * piece again (numbers read as words): see tests/fuzz/README.md, "Limits". */
#define SEGMENT_MAX_CHARS 600

/* Splits the n bytes at text (valid UTF-8, see utf8_clean) into sentences appended to out as
 * new strings with white space collapsed, none longer than SEGMENT_MAX_CHARS code points: the
 * sentences as they are spoken. Returns 0 (there is no failure besides OOM). */
int segment_split(const char *text, size_t n, struct strv *out);

/* The same boundaries, but the sentences as written: one longer than SEGMENT_MAX_CHARS is
 * handed on whole. For showing the splitter's work (`docbao text --sentences`, the boundary
 * benchmark tests/bench/segment_f1.py), never for text that is going to be spoken. */
int segment_split_written(const char *text, size_t n, struct strv *out);

#endif
