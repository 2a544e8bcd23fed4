/*
 * fuzz_sources.c — libFuzzer target for sources_load(): the bytes are written to a private
 * temporary file and loaded as a sources file; on success every lookup the rest of docbao
 * makes is exercised.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "docbao/sources.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof(path), "/tmp/fuzz_sources.%ld.json", (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    struct sources *s = NULL;
    char err[256];
    if (sources_load(path, &s, err, sizeof(err)) == 0) {
        size_t n = 0;
        const char **cats = sources_categories(s, &n);
        for (size_t i = 0; i < n; i++) {
            (void)sources_category_name(s, cats[i]);
            (void)sources_has_category(s, cats[i]);
            for (size_t j = 0; j < s->n; j++)
                (void)source_feed_url(&s->v[j], cats[i]);
        }
        for (size_t j = 0; j < s->n; j++)
            if (sources_find(s, s->v[j].id) == NULL)
                abort();
        free(cats);
        sources_free(s);
    }
    unlink(path);
    return 0;
}
