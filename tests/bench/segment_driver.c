/*
 * segment_driver.c — reads text on standard input and prints one sentence per line, as
 * `docbao text --sentences` prints them (segment_split_written(): no length cut). Used by tests/bench/segment_f1.py; with -t N it instead times N
 * passes over the input and prints "BYTES SECONDS" (throughput measurement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docbao/segment.h"
#include "docbao/util.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct buf b = BUF_INIT;
    if (read_file("-", 0, &b) != 0) {
        fputs("segment_driver: cannot read standard input\n", stderr);
        return 1;
    }
    if (argc == 3 && strcmp(argv[1], "-t") == 0) {
        int reps = atoi(argv[2]);
        size_t total = 0, nsent = 0;
        double t0 = now();
        for (int r = 0; r < reps; r++) {
            struct strv sv = STRV_INIT;
            segment_split(b.data, b.len, &sv);
            nsent += sv.n;
            total += b.len;
            strv_free(&sv);
        }
        printf("%zu %.6f %zu\n", total, now() - t0, nsent);
    } else {
        struct strv sv = STRV_INIT;
        segment_split_written(b.data ? b.data : "", b.len, &sv);
        for (size_t i = 0; i < sv.n; i++)
            printf("%s\n", sv.v[i]);
        strv_free(&sv);
    }
    buf_free(&b);
    return 0;
}
