#!/usr/bin/env python3
"""segment_f1.py — boundary precision / recall / F1 and throughput of segment_split().

Usage: segment_f1.py [DRIVER] [--corpus FILE] [--errors N] [--mb MB] [--seed N]

DRIVER is a built tests/bench/segment_driver (reads stdin, prints one sentence per line);
without it the script builds one with cc into a temporary directory.

The corpus has one gold sentence per line. Consecutive sentences are joined into paragraphs
of 1-6 sentences (a fixed pseudo-random sequence, so runs are comparable) with a space, except
after a sentence with no closing punctuation (a headline or caption), which keeps its line
break; paragraphs are separated by a line break. A boundary is the offset, counted in
non-white-space characters, where a sentence ends. Besides the overall figures the script
reports those for boundaries inside paragraphs (the ones a line break does not give away).
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_CORPUS = os.path.join(ROOT, "..", "shared", "corpora", "vi-sd-dev.txt")
if not os.path.exists(DEFAULT_CORPUS):
    DEFAULT_CORPUS = "/work/shared/corpora/vi-sd-dev.txt"

# The white space text_squash() collapses.
SPACE = set(" \t\n\r\f\v\u00a0\u202f\ufeff\u3000") | {chr(c) for c in range(0x2000, 0x200C)}
CLOSERS = "\"')]}»›’”"
TERMINATORS = ".?!…"


def build_driver(tmp):
    exe = os.path.join(tmp, "segment_driver")
    def pc(what):
        return subprocess.check_output(["pkg-config", what, "libutf8proc"], text=True).split()
    cmd = (["cc", "-std=c11", "-O2", "-D_POSIX_C_SOURCE=200809L",
            "-I" + os.path.join(ROOT, "include")]
           + pc("--cflags") + ["-o", exe, os.path.join(ROOT, "tests/bench/segment_driver.c")]
           + [os.path.join(ROOT, f) for f in ("src/text/segment.c", "src/core/util.c",
                                              "src/core/utf8.c", "src/core/article.c",
                                              "src/core/err.c")]
           + pc("--libs"))
    subprocess.check_call(cmd)
    return exe


def closed(sentence):
    s = sentence.rstrip("".join(SPACE)).rstrip(CLOSERS)
    return s.endswith(tuple(TERMINATORS))


def make_text(sentences, seed=20240601):
    rng = random.Random(seed)
    paras, i = [], 0
    while i < len(sentences):
        k = rng.randint(1, 6)
        group = sentences[i:i + k]
        i += k
        out = group[0]
        for prev, cur in zip(group, group[1:]):
            out += (" " if closed(prev) else "\n") + cur
        paras.append(out)
    return "\n".join(paras) + "\n"


def nonspace_len(s):
    return sum(1 for c in s if c not in SPACE)


def ends(sentences):
    """Boundary offsets (in non-space characters) after each sentence."""
    pos, out = 0, []
    for s in sentences:
        pos += nonspace_len(s)
        out.append(pos)
    return out


def para_ends(text):
    pos, out = 0, set()
    for c in text:
        if c == "\n":
            out.add(pos)
        elif c not in SPACE:
            pos += 1
    return out


def context(squashed, pos, width=40):
    return squashed[max(0, pos - width):pos] + " ‖ " + squashed[pos:pos + width]


def prf(gold, got):
    tp = len(gold & got)
    p = tp / len(got) if got else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("driver", nargs="?")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors of each kind")
    ap.add_argument("--mb", type=float, default=10.0, help="throughput test size in MB")
    ap.add_argument("--seed", type=int, default=20240601, help="paragraph grouping seed")
    args = ap.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        gold_sents = [l.strip("".join(SPACE)) for l in f]
    gold_sents = [s for s in gold_sents if s]

    tmp = tempfile.mkdtemp(prefix="segf1-")
    driver = args.driver or build_driver(tmp)

    text = make_text(gold_sents, args.seed)
    res = subprocess.run([driver], input=text.encode(), stdout=subprocess.PIPE, check=True)
    got_sents = [l for l in res.stdout.decode().split("\n") if l]

    squashed = "".join(c for c in text if c not in SPACE)
    if "".join(got_sents).replace(" ", "") != squashed:
        print("segment: ERROR: the sentences do not add up to the input text", file=sys.stderr)
        return 1

    gold, got = set(ends(gold_sents)), set(ends(got_sents))
    p, r, f = prf(gold, got)
    print(f"segment: precision {p:.4f} recall {r:.4f} F1 {f:.4f} "
          f"({len(gold_sents)} gold sentences)")
    pe = para_ends(text) | {len(squashed)}
    gi, oi = gold - pe, got - pe
    p2, r2, f2 = prf(gi, oi)
    print(f"segment: inside paragraphs: precision {p2:.4f} recall {r2:.4f} F1 {f2:.4f} "
          f"({len(gi)} gold boundaries, {len(gi & oi)} found, {len(oi - gi)} false)")
    if args.errors:
        fp, fn = sorted(got - gold), sorted(gold - got)
        print(f"# {len(fp)} false boundaries (split where gold does not):")
        for pos in fp[:args.errors]:
            print("  +", context(squashed, pos))
        print(f"# {len(fn)} missed boundaries:")
        for pos in fn[:args.errors]:
            print("  -", context(squashed, pos))

    # Throughput: the same text repeated to about args.mb megabytes.
    blob = text.encode()
    reps = max(1, int(args.mb * 1e6 / len(blob) + 0.5))
    path = os.path.join(tmp, "big.txt")
    with open(path, "wb") as f:
        f.write(blob * reps)
    best = None
    for _ in range(3):
        with open(path, "rb") as f:
            out = subprocess.run([driver, "-t", "1"], stdin=f, stdout=subprocess.PIPE, check=True)
        nbytes, secs = out.stdout.split()[:2]
        nbytes, secs = int(nbytes), float(secs)
        best = secs if best is None else min(best, secs)
    mb = nbytes / 1e6
    print(f"segment: {mb:.1f} MB in {best:.3f} s = {mb / best:.0f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
