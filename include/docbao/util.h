/*
 * util.h — small helpers shared by every module: checked allocation, a growable byte
 * buffer with a size cap (like curl's dynbuf), and a growable array of strings.
 *
 * Allocation failure aborts the program (docbao is an application, not a library).
 */
#ifndef DOCBAO_UTIL_H
#define DOCBAO_UTIL_H

#include <stddef.h>
#include <time.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* madvise(advice) over the whole pages inside [p, p + n) (madvise wants a page-aligned
 * start; the partial pages at either end are left alone). A hint: errors are ignored. */
void mem_advise(void *p, size_t n, int advice);

/* Milliseconds on the monotonic clock (for timeouts and deadlines). */
long long mono_ms(void);

/* The calendar's now, in Unix seconds: what the story window (--days), the cache's times
 * (first seen, heard, places, feeds) and a bulletin's date are measured against. It is
 * time(NULL), unless the environment sets DOCBAO_NOW to Unix seconds (like
 * SOURCE_DATE_EPOCH), which then stands still: the one clock seam, for tests and for
 * rebuilding a given day's bulletin. A DOCBAO_NOW that is not a whole number >= 0 is ignored.
 * Timers (pauses, the sleep timer, timeouts) keep the real clocks. */
time_t wall_now(void);

/* A byte buffer, always NUL-terminated after the data once anything was appended.
 * max == 0 means no cap. Initialise with BUF_INIT or buf_init(). */
struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};
#define BUF_INIT {NULL, 0, 0, 0}

void buf_init(struct buf *b, size_t max);
/* Appends n bytes. Returns 0, or DB_ETOOBIG (and frees the buffer) when the cap would be
 * exceeded. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
/* Makes room for n more bytes (and the NUL) without changing the contents, so that a burst
 * of appends reallocates at most once. Returns 0, or DB_ETOOBIG (the buffer left as it was)
 * when the cap would be exceeded. */
int buf_reserve(struct buf *b, size_t n);
/* The contents as a C string ("" when empty); owned by the buffer. */
const char *buf_str(const struct buf *b);
/* Hands the contents to the caller (NUL-terminated, never NULL) and resets the buffer. */
char *buf_steal(struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* A growable array of owned strings. */
struct strv {
    char **v;
    size_t n;
    size_t cap;
};
#define STRV_INIT {NULL, 0, 0}

/* Appends s, taking ownership. */
void strv_push(struct strv *sv, char *s);
void strv_free(struct strv *sv);

/* Standard error can be silenced for a moment (the sound system's start-up probes print
 * noise). Code about to write to standard error calls stderr_wait(), which returns once it is
 * writable again; stderr_set_waiter() registers who knows (NULL: always writable). */
void stderr_wait(void);
void stderr_set_waiter(void (*wait)(void));

/* Reads a whole file (or standard input when path is "-") into b, refusing more than max
 * bytes (DB_ETOOBIG). Returns 0, DB_ENOENT, DB_EIO or DB_ETOOBIG. */
int read_file(const char *path, size_t max, struct buf *b);

#endif
