/*
 * util.c — checked allocation, capped byte buffers, string arrays, whole-file reads.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "docbao/err.h"
#include "docbao/util.h"

static void oom(void)
{
    fputs("docbao: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* A buffer that holds a whole text (megabytes: a file, its cleaned copy) is touched page by
 * page as it fills, and every first touch of a 4 KiB page is a fault: on the virtual machines
 * docbao is benchmarked on, filling 11 MB took 48 ms of faults, against 6 ms in 2 MiB pages.
 * So such buffers are allocated on a 2 MiB boundary and ask for transparent huge pages. Only
 * a hint: ignored where THP is off, and smaller buffers are left alone (no extra memory). */
#define HUGE_MIN ((size_t)4 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

void mem_advise(void *p, size_t n, int advice)
{
    long pg = sysconf(_SC_PAGESIZE);
    if (pg <= 0)
        return;
    uintptr_t a = ((uintptr_t)p + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~((uintptr_t)pg - 1);
    if (e > a)
        madvise((void *)a, e - a, advice);
}

/* xmalloc for a buffer that may hold a whole text (see above). */
static void *xmalloc_text(size_t n)
{
#ifdef MADV_HUGEPAGE
    void *p = NULL;
    if (n >= HUGE_MIN && posix_memalign(&p, HUGE_PAGE, n) == 0) {
        mem_advise(p, n, MADV_HUGEPAGE);
        return p;
    }
#endif
    return xmalloc(n);
}

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

/* Copies n bytes; short copies (most appends are a word or a space) without a call to
 * memcpy: two overlapping fixed-size moves each. */
static inline void copy_bytes(char *d, const char *s, size_t n)
{
    if (n > 16) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        uint64_t a, z;
        memcpy(&a, s, 8);
        memcpy(&z, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &z, 8);
    } else if (n >= 4) {
        uint32_t a, z;
        memcpy(&a, s, 4);
        memcpy(&z, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &z, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* The slow paths of buf_append, out of line so that the common one stays short (no
 * registers to save): the cap exceeded (the buffer is freed), or more room needed. */
static NOINLINE int append_slow(struct buf *b, const void *p, size_t n)
{
    if (b->max && (n > b->max || b->len > b->max - n)) {
        size_t max = b->max;
        buf_free(b);
        b->max = max;
        return DB_ETOOBIG;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    copy_bytes(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
    /* room for n bytes and the NUL (n < cap - len also rules out overflow), within the cap */
    if (b->cap > b->len && n < b->cap - b->len && (!b->max || b->len + n <= b->max)) {
        copy_bytes(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
    }
    return append_slow(b, p, n);
}

int buf_reserve(struct buf *b, size_t n)
{
    if (n >= SIZE_MAX / 2 - b->len || (b->max && (n > b->max || b->len > b->max - n)))
        return DB_ETOOBIG;
    if (b->len + n + 1 > b->cap) {
        /* grown as buf_append grows, so reserving before each of many appends stays linear */
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (b->data) {
            b->data = xrealloc(b->data, cap);
#ifdef MADV_HUGEPAGE
            if (cap >= HUGE_MIN)
                mem_advise(b->data, cap, MADV_HUGEPAGE);
#endif
        } else {
            b->data = xmalloc_text(cap);
        }
        b->cap = cap;
        b->data[b->len] = '\0';
    }
    return 0;
}

int buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
    if (b->len + 2 <= b->cap && (!b->max || b->len < b->max)) { /* the common case */
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return 0;
    }
    return buf_append(b, &c, 1);
}

const char *buf_str(const struct buf *b)
{
    return b->data ? b->data : "";
}

char *buf_steal(struct buf *b)
{
    char *s = b->data ? b->data : xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void strv_push(struct strv *sv, char *s)
{
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 16;
        sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
    }
    sv->v[sv->n++] = s;
}

void strv_free(struct strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

int read_file(const char *path, size_t max, struct buf *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    int rc = 0;
    if (!f)
        return errno == ENOENT || errno == ENOTDIR ? DB_ENOENT : DB_EIO;
    buf_init(b, max);
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (!max || (size_t)st.st_size <= max)) {
        /* a regular file: one allocation of the right size, read straight into it */
        b->cap = (size_t)st.st_size + 1;
        b->data = xmalloc_text(b->cap);
        b->data[0] = '\0';
    }
    char chunk[65536];
    for (;;) {
        size_t room = b->cap > b->len + 1 ? b->cap - b->len - 1 : 0;
        if (b->max && room > b->max - b->len)
            room = b->max - b->len;
        if (room > 0) { /* read straight into the buffer while it has room */
            size_t got = fread(b->data + b->len, 1, room, f);
            if (got == 0)
                break;
            b->len += got;
            b->data[b->len] = '\0';
            continue;
        }
        size_t got = fread(chunk, 1, sizeof(chunk), f);
        if (got == 0)
            break;
        rc = buf_append(b, chunk, got); /* grows the buffer, enforcing the cap */
        if (rc < 0)
            goto out;
    }
    if (ferror(f)) {
        buf_free(b);
        rc = DB_EIO;
    }
out:
    if (f != stdin)
        fclose(f);
    return rc;
}

static void (*stderr_waiter)(void);

void stderr_set_waiter(void (*wait)(void))
{
    stderr_waiter = wait;
}

void stderr_wait(void)
{
    if (stderr_waiter)
        stderr_waiter();
}

time_t wall_now(void)
{
    const char *e = getenv("DOCBAO_NOW");
    if (e && *e >= '0' && *e <= '9') {
        char *end;
        errno = 0;
        long long v = strtoll(e, &end, 10);
        if (!*end && errno == 0 && v >= 0 && (long long)(time_t)v == v)
            return (time_t)v;
    }
    return time(NULL);
}

long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
