#!/bin/sh
# run_extract.sh — builds tests/bench/extract_bench.c into $BUILD/bench/ (default build/bench)
# and prints the extractor's figures: token F1 over ../shared/readability-test-pages, the
# median time to extract the 250 KB VnExpress page, and each real page with its site's rules
# (in process; bench_sites.py times them as processes). Run from anywhere; -v lists every page.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=${BUILD:-build}/bench
SHARED=${SHARED:-$ROOT/../shared}
[ -d "$SHARED/readability-test-pages" ] || SHARED=/work/shared
CC=${CC:-cc}
PKGS="libxml-2.0 libutf8proc jansson"
mkdir -p "$OUT"
# shellcheck disable=SC2046
$CC -std=c11 -O2 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -Iinclude $(pkg-config --cflags $PKGS) \
    -o "$OUT/extract_bench" tests/bench/extract_bench.c src/news/extract.c src/news/xml_quiet.c \
    src/core/article.c src/core/err.c src/core/utf8.c src/core/util.c $(pkg-config --libs $PKGS)
exec "$OUT/extract_bench" "$@" "$SHARED/readability-test-pages" \
    "$SHARED/fixtures/vnexpress/VnExpress_2025_10_22.html" sources.json \
    "$SHARED"/fixtures/real/*_article.html
