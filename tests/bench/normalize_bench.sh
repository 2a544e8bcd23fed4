#!/bin/sh
# normalize_bench.sh — builds tests/bench/normalize_bench.c and prints the normalizer's speed
# on ~10 MB of news sentences (../shared/corpora/vi-sd-dev.txt repeated). Run from the
# repository root: sh tests/bench/normalize_bench.sh [MB]
set -eu
CC=${CC:-cc}
out=${BUILD:-build}/normalize_bench
mkdir -p "$(dirname "$out")"
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude $(pkg-config --cflags libutf8proc) \
    -o "$out" tests/bench/normalize_bench.c src/text/normalize.c src/text/lexicon.c \
    src/core/util.c src/core/utf8.c src/core/err.c src/core/paths.c \
    $(pkg-config --libs libutf8proc)
"$out" ../shared/corpora/vi-sd-dev.txt "${1:-10}"
