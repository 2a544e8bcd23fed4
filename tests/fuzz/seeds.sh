#!/bin/sh
# tests/fuzz/seeds.sh TARGET — the folders whose files seed a fuzz target: the test fixtures
# where they fit (no copies kept), then the target's own inputs under tests/fuzz/corpus/.
case "$1" in
fuzz_extract) echo tests/data/extract tests/data/extract/sites tests/fuzz/corpus/fuzz_extract ;;
fuzz_feed) echo tests/data/feeds tests/fuzz/corpus/fuzz_feed ;;
fuzz_config) echo tests/data/config tests/fuzz/corpus/fuzz_config ;;
*) echo "tests/fuzz/corpus/$1" ;;
esac
