/*
 * keys.h — the terminal: raw mode (restored on every exit path) and key decoding into
 * command-table lines ("toggle", "next", "speed 1.0", …).
 */
#ifndef DOCBAO_KEYS_H
#define DOCBAO_KEYS_H

#include <stddef.h>

/* Puts the terminal on fd into raw mode (no echo, no line buffering, signals kept) when it is
 * a terminal; the previous mode comes back at exit, on SIGINT/SIGTERM/SIGHUP and on crashes.
 * Returns 0, or DB_EINVAL when fd is not a terminal (keys are then read as plain bytes). */
int keys_raw(int fd);

/* Restores the terminal now (idempotent). */
void keys_restore(void);

/* Decodes keys from the n bytes at buf (escape sequences for the arrows included). For each
 * key found, appends a command line to out (a NULL-terminated array of at most max-1 static
 * strings). Returns the number of bytes consumed: an incomplete escape sequence at the end is
 * left for the next read. */
size_t keys_decode(const char *buf, size_t n, const char **out, size_t max);

#endif
