#!/usr/bin/env python3
"""Site rules on real pages (issue 16): for every real article page in
../shared/fixtures/real/, `docbao extract FILE --url URL` as a whole process — wall time,
median of 7 runs — and the token F1 of its paragraphs against the reviewed expected file in
tests/data/extract/real/ (lowercase runs of letters and digits, multiset overlap), so a rule or
extractor change that loses or adds text shows as a figure below 1.000."""
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from real_pages import PAGES  # noqa: E402

DOCBAO = os.environ.get("DOCBAO", os.path.join(ROOT, "build", "docbao"))
SHARED = os.environ.get("SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
RUNS = 7


def tokens(paras):
    return collections.Counter(w for p in paras for w in re.findall(r"\w+", p.lower()))


def f1(got, want):
    g, w = tokens(got), tokens(want)
    common = sum((g & w).values())
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(w.values())
    return 2 * p * r / (p + r)


scores, times = [], []
for site, url in PAGES.items():
    page = os.path.join(SHARED, "fixtures", "real", f"{site}_article.html")
    with open(os.path.join(ROOT, "tests", "data", "extract", "real", f"{site}.json")) as f:
        want = json.load(f)
    runs, out = [], b""
    for _ in range(RUNS):
        t0 = time.perf_counter()
        out = subprocess.run([DOCBAO, "extract", page, "--url", url, "--json"],
                             capture_output=True, env={**os.environ, "LANG": "C.UTF-8"}).stdout
        runs.append((time.perf_counter() - t0) * 1000)
    got = json.loads(out or b"{}")
    score = f1([got.get("title", "")] + got.get("paragraphs", []),
               [want["title"]] + want["paragraphs"])
    ms = statistics.median(runs)
    scores.append(score)
    times.append(ms)
    print(f"sites: {site} page extracted by a process in {ms:.1f} ms (median of {RUNS}), "
          f"F1 {score:.3f} against the reviewed file")
print(f"sites: {len(PAGES)} real pages, median {statistics.median(times):.1f} ms a process, "
      f"mean F1 {sum(scores) / len(scores):.3f}")
