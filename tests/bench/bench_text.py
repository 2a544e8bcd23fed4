#!/usr/bin/env python3
"""Text front end speed (make bench): `docbao text` (split + normalize) and
`docbao text --sentences` (split only) on ~10 MB of news text (the shared corpus repeated).
Goal: >= 20 MB/s (wall clock). Prints medians of 5 runs, with the CPU time (user + system)
next to it: on a shared machine the wall clock also counts waiting for a core, the CPU time
much less so."""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

DOCBAO = os.environ.get("DOCBAO", "build/docbao")
corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                      "corpora", "vi-sd-dev.txt")
text = open(corpus, "rb").read()
data = text * (10 * 1024 * 1024 // len(text) + 1)
with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as f:
    f.write(data)
    path = f.name
mb = len(data) / 1e6
try:
    for label, args in (("split + normalize", []), ("split only", ["--sentences"])):
        times, cpus = [], []
        for _ in range(5):
            u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            r = subprocess.run([DOCBAO, "text", *args, path], stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
            u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(u1.ru_utime + u1.ru_stime - u0.ru_utime - u0.ru_stime)
            if r.returncode != 0:
                print(f"text: docbao text failed ({r.returncode})")
                sys.exit(1)
        m, c = statistics.median(times), statistics.median(cpus)
        print(f"text: {label}: {mb:.1f} MB in {m:.2f} s = {mb / m:.1f} MB/s "
              f"(median of 5; goal >= 20 MB/s; CPU {c:.2f} s = {mb / c:.1f} MB/s)")
finally:
    os.unlink(path)
