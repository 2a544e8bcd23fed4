/*
 * util.c — checked allocation, capped byte buffers, string arrays, whole-file reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

int buf_append(struct buf *b, const void *p, size_t n)
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
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
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
        b->data = xmalloc(b->cap);
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
