/*
 * keys.h — the terminal: raw mode (restored on every exit path) and key decoding into rows of
 * the command table (cmd.h), through its keys column.
 */
#ifndef DOCBAO_KEYS_H
#define DOCBAO_KEYS_H

#include <stddef.h>

struct cmd;

/* Puts the terminal on fd into raw mode (no echo, no line buffering, signals kept) when it is
 * a terminal; the previous mode comes back at exit, on SIGINT/SIGTERM/SIGHUP and on crashes.
 * Returns 0, or DB_EINVAL when fd is not a terminal (keys are then read as plain bytes). */
int keys_raw(int fd);

/* Restores the terminal now (idempotent). */
void keys_restore(void);

/* Decodes keys from the n bytes at buf (escape sequences for the arrows included). For each
 * key bound in the command table, appends its row to out (a NULL-terminated array of at most
 * max-1 rows); other keys are skipped. Returns the number of bytes consumed: an incomplete
 * escape sequence at the end is left for the next read. */
size_t keys_decode(const char *buf, size_t n, const struct cmd **out, size_t max);

#endif
