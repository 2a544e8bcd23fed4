/*
 * null.c — an output that plays into nothing: for tests of the player and for measuring.
 * With the target "realtime" it takes samples at the pace a sound card would (so pauses and
 * skips behave as with a device); otherwise it takes them at once.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docbao/err.h"
#include "docbao/out_driver.h"
#include "docbao/util.h"

struct null_priv {
    int realtime;
    struct timespec start; /* when the samples written so far started playing */
    size_t written;
};

static void now(struct timespec *ts)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
}

static double elapsed(const struct timespec *a)
{
    struct timespec b;
    now(&b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static int null_open(struct out *o, int rate, const char *target)
{
    (void)rate;
    struct null_priv *np = xcalloc(1, sizeof(*np));
    np->realtime = target && strcmp(target, "realtime") == 0;
    now(&np->start);
    o->priv = np;
    return 0;
}

static int null_write(struct out *o, const int16_t *s, size_t n)
{
    (void)s;
    struct null_priv *np = o->priv;
    if (!np->realtime)
        return 0;
    double played = elapsed(&np->start);
    double have = (double)np->written / o->rate;
    if (have < played) { /* an underrun: the device played silence meanwhile */
        now(&np->start);
        np->written = 0;
        have = 0;
        played = 0;
    }
    np->written += n;
    double ahead = have - played - 0.02; /* keep 20 ms buffered, like a device */
    if (ahead > 0) {
        struct timespec ts = {(time_t)ahead, (long)((ahead - (double)(time_t)ahead) * 1e9)};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static int null_drop(struct out *o)
{
    struct null_priv *np = o->priv;
    now(&np->start);
    np->written = 0;
    return 0;
}

static int null_close(struct out *o)
{
    free(o->priv);
    return 0;
}

const struct out_driver out_null_driver = {
    .name = "null",
    .open = null_open,
    .write = null_write,
    .close = null_close,
    .drop = null_drop,
};
