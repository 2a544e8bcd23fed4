/*
 * test_fuzz_replay.c — replays the fuzz targets' saved crashers (tests/fuzz/regressions/) and
 * seed corpora (tests/fuzz/corpus/ and the fixtures tests/fuzz/seeds.sh names) through the
 * same harness code, built with the normal compiler, so `make test` and `make SAN=1 test`
 * catch a regression without clang or libFuzzer. fuzz_ctl needs the fake player and is
 * replayed by `make fuzz-regress` instead (its cases have unit tests in test_ctl.c).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/err.h"
#include "docbao/util.h"
#include "t.h"

#define LLVMFuzzerInitialize feed_init_unused
#define LLVMFuzzerTestOneInput fuzz_feed_one
#include "../fuzz/fuzz_feed.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_extract_one
#include "../fuzz/fuzz_extract.c"
#undef LLVMFuzzerTestOneInput
#undef LLVMFuzzerInitialize
#define LLVMFuzzerInitialize fuzz_text_init
#define LLVMFuzzerTestOneInput fuzz_text_one
#include "../fuzz/fuzz_text.c"
#undef LLVMFuzzerTestOneInput
#undef LLVMFuzzerInitialize
#define LLVMFuzzerInitialize fuzz_sources_init
#define LLVMFuzzerTestOneInput fuzz_sources_one
#include "../fuzz/fuzz_sources.c"
#undef LLVMFuzzerTestOneInput
#undef LLVMFuzzerInitialize
#define LLVMFuzzerTestOneInput fuzz_config_one
#include "../fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput

struct target {
    const char *name;
    int (*one)(const uint8_t *, size_t);
};

static const struct target targets[] = {
    {"fuzz_feed", fuzz_feed_one},
    {"fuzz_extract", fuzz_extract_one},
    {"fuzz_text", fuzz_text_one},
    {"fuzz_sources", fuzz_sources_one},
    {"fuzz_config", fuzz_config_one},
};

/* Runs every file of dir through t; returns how many (a crash ends the test program). */
static int replay_dir(const struct target *t, const char *dir)
{
    DIR *d = opendir(dir);
    int count = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char file[512];
        snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
        struct buf b = BUF_INIT;
        if (read_file(file, 1u << 20, &b) < 0) {
            buf_free(&b);
            continue;
        }
        t->one((const uint8_t *)b.data, b.len);
        buf_free(&b);
        count++;
    }
    closedir(d);
    return count;
}

int main(void)
{
    int argc = 0;
    char **argv = NULL;
    fuzz_text_init(&argc, &argv);
    fuzz_sources_init(&argc, &argv);
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        char dir[256];
        snprintf(dir, sizeof(dir), "tests/fuzz/regressions/%s", targets[i].name);
        int n = replay_dir(&targets[i], dir);
        T_OK(1, "%s: %d saved crashers replay cleanly", targets[i].name, n);
        /* the seed folders, as tests/fuzz/seeds.sh lists them */
        static const char *const fixtures[][3] = {
            {"fuzz_extract", "tests/data/extract", "tests/data/extract/sites"},
            {"fuzz_feed", "tests/data/feeds", NULL},
            {"fuzz_config", "tests/data/config", NULL},
        };
        snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", targets[i].name);
        n = replay_dir(&targets[i], dir);
        for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++)
            if (strcmp(fixtures[f][0], targets[i].name) == 0)
                for (size_t k = 1; k < 3 && fixtures[f][k]; k++)
                    n += replay_dir(&targets[i], fixtures[f][k]);
        T_OK(n > 0, "%s: %d seed inputs replay cleanly", targets[i].name, n);
    }
    return t_done();
}
