#!/usr/bin/env python3
"""Text front end speed (make bench): `docbao text` (split + normalize) on three inputs —
the shared corpus repeated to ~10 MB; the same with a "™", an "Ọ" and a decomposed "ộ"
(o + U+0323 + U+0302) after the first space past every 10 KB (code points outside the common
Vietnamese set, which NFC must look at); and the real pages' extracted text (`docbao extract`
of ../shared/fixtures/real/*_article.html and ../shared/fixtures/vnexpress/*.html, concatenated
and repeated to ~10 MB) — and `docbao text --sentences` (split only) on the corpus.
Goal: >= 30 MB/s (wall clock) for `docbao text` on every input. Prints medians of 5 runs, with
the CPU time (user + system) next to it: on a shared machine the wall clock also counts
waiting for a core, the CPU time much less so.

DOCBAO_BASE=another/build/docbao (a build in its own tree, so that it finds its voices/) times
that binary too, run for run in turn with this one, and says whether both print the same
bytes: before/after figures from one run on a loaded machine."""
import glob
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

DOCBAO = os.environ.get("DOCBAO", "build/docbao")
BASE = os.environ.get("DOCBAO_BASE")
RUNS = 5
HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "shared")


def repeat(data, size):
    return data * (size // len(data) + 1)


def sprinkle(data, every=10240, ins=" ™ Ọ o\u0323\u0302 ".encode()):
    out, i = bytearray(), 0
    while i < len(data):
        j = data.find(b" ", i + every)
        if j < 0:
            out += data[i:]
            break
        out += data[i:j] + ins
        i = j + 1
    return bytes(out)


def real_text():
    pages = sorted(glob.glob(os.path.join(SHARED, "fixtures", "real", "*_article.html")) +
                   glob.glob(os.path.join(SHARED, "fixtures", "vnexpress", "*.html")))
    parts = []
    for p in pages:
        r = subprocess.run([DOCBAO, "extract", p], capture_output=True)
        if r.returncode != 0:
            print(f"text: docbao extract {os.path.basename(p)} failed ({r.returncode})")
            sys.exit(1)
        parts.append(r.stdout)
    return b"".join(parts), len(pages)


def run(binary, args, path):
    """One run: (wall seconds, CPU seconds, output bytes)."""
    u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([binary, "text", *args, path], stdout=subprocess.PIPE)
    wall = time.perf_counter() - t0
    u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        print(f"text: {binary} text failed ({r.returncode})")
        sys.exit(1)
    return wall, u1.ru_utime + u1.ru_stime - u0.ru_utime - u0.ru_stime, r.stdout


corpus = open(os.path.join(SHARED, "corpora", "vi-sd-dev.txt"), "rb").read()
plain = repeat(corpus, 10 * 1024 * 1024)
real, npages = real_text()
inputs = [
    ("vi-sd-dev.txt", plain, []),
    ("vi-sd-dev.txt + ™ Ọ ộ every 10 KB", sprinkle(plain), []),
    (f"the {npages} real pages' text", repeat(real, 10 * 1024 * 1024), []),
    ("vi-sd-dev.txt, split only", plain, ["--sentences"]),
]
binaries = [DOCBAO] + ([BASE] if BASE else [])
status = 0
tmp = tempfile.mkdtemp()
try:
    for label, data, args in inputs:
        path = os.path.join(tmp, "in.txt")
        with open(path, "wb") as f:
            f.write(data)
        mb = len(data) / 1e6
        times = {b: [] for b in binaries}
        cpus = {b: [] for b in binaries}
        outs = {}
        for _ in range(RUNS):
            for b in binaries:  # in turn: both see the same load
                w, c, out = run(b, args, path)
                times[b].append(w)
                cpus[b].append(c)
                outs[b] = out
        goal = "" if args else "; goal >= 30 MB/s"
        for b in binaries:
            m, c = statistics.median(times[b]), statistics.median(cpus[b])
            who = "" if b == DOCBAO else " [DOCBAO_BASE]"
            print(f"text: {label}{who}: {mb:.1f} MB in {m:.2f} s = {mb / m:.1f} MB/s "
                  f"(median of {RUNS}{goal}; CPU {c:.2f} s = {mb / c:.1f} MB/s)")
        if BASE:
            same = outs[DOCBAO] == outs[BASE]
            print(f"text: {label}: output {'the same as' if same else 'DIFFERS from'} "
                  "DOCBAO_BASE's, byte for byte")
            if not same:
                status = 1
finally:
    for f in glob.glob(os.path.join(tmp, "*")):
        os.unlink(f)
    os.rmdir(tmp)
sys.exit(status)
