#!/usr/bin/env bash
# run_segment.sh — the sentence splitter's figures for the benchmark runner. Builds
# tests/bench/segment_driver.c into $BUILD/bench/ (default build/bench) when it is missing or
# older than its sources, then runs segment_f1.py over 5 paragraph groupings of
# ../shared/corpora/vi-sd-dev.txt and 5 timed passes over ~10 MB, printing three lines:
#   segment: precision P recall R F1 F (N gold sentences, median of 5 groupings)
#   segment: against the gold with E reviewed errata (tests/data/segment/gold-errata.tsv): ...
#   segment: X MB in Y s = Z MB/s (median of 5 runs)
# The first (the raw gold) is the headline figure; the second scores the same output against
# the gold corrected by the reviewed errata of tests/data/segment/gold-errata.tsv (boundaries
# we believe the annotators got wrong; each row gives its reason).
# Any arguments go to segment_f1.py (e.g. -v for each grouping and the figures inside
# paragraphs, --errors 60 to list errors). Run from anywhere. Exits non-zero on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=${BUILD:-build}/bench
CC=${CC:-cc}
SHARED=${SHARED:-$ROOT/../shared}
[ -f "$SHARED/corpora/vi-sd-dev.txt" ] || SHARED=/work/shared
EXE=$OUT/segment_driver
SRCS=(tests/bench/segment_driver.c src/text/segment.c src/core/util.c src/core/utf8.c
      src/core/article.c src/core/err.c)

stale=0
if [ ! -x "$EXE" ]; then
    stale=1
else
    for f in "${SRCS[@]}" include/docbao/*.h; do
        if [ "$f" -nt "$EXE" ]; then
            stale=1
            break
        fi
    done
fi
if [ "$stale" = 1 ]; then
    mkdir -p "$OUT"
    # shellcheck disable=SC2046
    $CC -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 \
        -D_POSIX_C_SOURCE=200809L -Iinclude $(pkg-config --cflags libutf8proc) -O2 \
        -o "$EXE" "${SRCS[@]}" $(pkg-config --libs libutf8proc)
fi
exec python3 tests/bench/segment_f1.py "$EXE" --corpus "$SHARED/corpora/vi-sd-dev.txt" \
    --errata tests/data/segment/gold-errata.tsv --seeds 5 --runs 5 "$@"
