/*
 * normalize_bench.c — the normalizer's speed, and a line-by-line view of its output.
 *
 *   normalize_bench [-v VOICES] [-s] FILE [MB]   repeats FILE's lines up to MB megabytes
 *                                                (default 10), normalizes each line as a
 *                                                sentence and prints MB/s (CPU time, the
 *                                                best of three passes)
 *   normalize_bench [-v VOICES] [-s] -p          prints each standard-input line normalized
 * -s uses the south dialect. VOICES defaults to "voices" (run from the repository root).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docbao/normalize.h"
#include "docbao/util.h"

/* CPU time of this process: steadier than wall time on a shared machine. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *voices = "voices", *file = NULL;
    int print = 0, south = 0;
    double mb = 10;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0 && i + 1 < argc)
            voices = argv[++i];
        else if (strcmp(argv[i], "-p") == 0)
            print = 1;
        else if (strcmp(argv[i], "-s") == 0)
            south = 1;
        else if (!file)
            file = argv[i];
        else
            mb = atof(argv[i]);
    }
    struct normalizer *nz = NULL;
    if (normalizer_new(voices, south ? NORM_SOUTH : NORM_NORTH, &nz) != 0) {
        fprintf(stderr, "normalize_bench: cannot load the lexicons under %s/vi\n", voices);
        return 1;
    }
    struct buf in = BUF_INIT, out = BUF_INIT;
    if (read_file(print ? "-" : (file ? file : "-"), 0, &in) != 0) {
        fprintf(stderr, "normalize_bench: cannot read %s\n", file ? file : "standard input");
        normalizer_free(nz);
        return 1;
    }
    const char *text = buf_str(&in);
    if (print) {
        const char *p = text;
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            buf_reset(&out);
            normalize_sentence(nz, p, len, &out);
            printf("%s\n", buf_str(&out));
            p += len + (nl ? 1 : 0);
        }
    } else if (in.len) {
        size_t target = (size_t)(mb * 1e6), done = 0, outb = 0, lines = 0;
        double best = 0;
        for (int pass = 0; pass < 3; pass++) {
            done = outb = lines = 0;
            double t0 = now();
            while (done < target) {
                const char *p = text;
                while (*p && done < target) {
                    const char *nl = strchr(p, '\n');
                    size_t len = nl ? (size_t)(nl - p) : strlen(p);
                    buf_reset(&out);
                    normalize_sentence(nz, p, len, &out);
                    outb += out.len;
                    done += len + 1;
                    lines++;
                    p += len + (nl ? 1 : 0);
                }
            }
            double dt = now() - t0;
            if (pass == 0 || dt < best)
                best = dt;
        }
        printf("normalize: %.1f MB in %.3f s CPU = %.1f MB/s (%zu sentences, %.1f MB out)\n",
               (double)done / 1e6, best, (double)done / 1e6 / best, lines, (double)outb / 1e6);
    }
    buf_free(&in);
    buf_free(&out);
    normalizer_free(nz);
    return 0;
}
