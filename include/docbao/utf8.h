/*
 * utf8.h — UTF-8 hygiene: every text that enters docbao passes through utf8_clean(), so the
 * rest of the program may assume valid, NFC-normalized UTF-8 without NUL bytes.
 */
#ifndef DOCBAO_UTF8_H
#define DOCBAO_UTF8_H

#include <stddef.h>

/* Returns a newly allocated copy of the n bytes at s that is valid UTF-8 in NFC: invalid
 * sequences become U+FFFD, NUL and other C0 controls except tab and newline become spaces,
 * CR LF and lone CR become LF. Never fails (aborts on OOM). */
char *utf8_clean(const char *s, size_t n);

/* Decodes one code point at s (at most n bytes). Stores the code point (U+FFFD for an
 * invalid sequence) in *cp and returns the number of bytes consumed (>= 1 when n > 0). */
size_t utf8_decode(const char *s, size_t n, int *cp);

/* Writes cp as UTF-8 into out (at least 4 bytes); returns the byte count. */
size_t utf8_encode(int cp, char *out);

/* Returns a newly allocated lowercase NFC copy of the n bytes at s. */
char *utf8_lower(const char *s, size_t n);

/* Nonzero when the n bytes at s look like binary data rather than text (NUL bytes or many
 * invalid sequences or control characters). */
int utf8_looks_binary(const char *s, size_t n);

#endif
