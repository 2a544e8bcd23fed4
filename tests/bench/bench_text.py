#!/usr/bin/env python3
"""Text front end speed (make bench): `docbao text` (split + normalize) and
`docbao text --sentences` (split only) on ~10 MB of news text (the shared corpus repeated).
Goal: >= 20 MB/s. Prints medians of 5 runs."""
import os
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
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            r = subprocess.run([DOCBAO, "text", *args, path], stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
            if r.returncode != 0:
                print(f"text: docbao text failed ({r.returncode})")
                sys.exit(1)
        m = statistics.median(times)
        print(f"text: {label}: {mb:.1f} MB in {m:.2f} s = {mb / m:.1f} MB/s "
              f"(median of 5; goal >= 20 MB/s)")
finally:
    os.unlink(path)
