/*
 * fuzz_text.c — libFuzzer target for the text pipeline as the player runs it: utf8_clean()
 * → segment_split() → normalize_sentence() on every sentence, with the lexicons of the
 * repository loaded (DOCBAO_DATADIR is set to the source tree by LLVMFuzzerInitialize unless
 * already set). The first byte picks the dialect.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docbao/normalize.h"
#include "docbao/segment.h"
#include "docbao/utf8.h"
#include "docbao/util.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

static struct normalizer *nz[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("DOCBAO_DATADIR", FUZZ_SRCDIR, 0);
    if (normalizer_new(NULL, NORM_NORTH, &nz[0]) < 0 ||
        normalizer_new(NULL, NORM_SOUTH, &nz[1]) < 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct normalizer *n = nz[data[0] & 1];
    char *clean = utf8_clean((const char *)data + 1, size - 1);
    struct strv sv = STRV_INIT;
    if (segment_split(clean, strlen(clean), &sv) == 0) {
        for (size_t i = 0; i < sv.n; i++) {
            struct buf out = BUF_INIT;
            if (normalize_sentence(n, sv.v[i], strlen(sv.v[i]), &out) == 0)
                (void)buf_str(&out);
            buf_free(&out);
        }
    }
    strv_free(&sv);
    free(clean);
    return 0;
}
