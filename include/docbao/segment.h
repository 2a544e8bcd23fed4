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

/* Splits the n bytes at text (valid UTF-8, see utf8_clean) into sentences appended to out as
 * new strings with white space collapsed. Returns 0 (there is no failure besides OOM). */
int segment_split(const char *text, size_t n, struct strv *out);

#endif
