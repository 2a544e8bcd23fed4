#!/usr/bin/env python3
"""Listening benchmarks (make bench), with real playback into a PulseAudio null sink:
 - key-to-silence: Space → the recording goes silent (median and worst of 20);
 - key-to-next-sentence: Right → the player starts writing the next sentence (its "»" line);
 - start to first sound with a cached article, against the espeak-ng CLI's own time to first
   sound for the same sentence (goal: docbao <= espeak-ng + 100 ms)."""
import email.utils
import array
import json
import os
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from lib import (DOCBAO, NewsServer, Pulse, Route, Sandbox, article_page, rss)  # noqa: E402

RATE = 22050
N = 20
sb = Sandbox()
srv = NewsServer("127.0.0.1")
pulse = None
try:
    body = [f"Đây là câu thứ {i} trong bài đo độ trễ của trình đọc báo, đủ dài để nghe rõ." for i in
            range(1, 80)]
    srv.routes["/a.html"] = Route(article_page("Bài đo độ trễ", body),
                                  ctype="text/html; charset=utf-8")
    srv.routes["/feed.rss"] = Route(rss([{"title": "Bài đo độ trễ", "link": srv.url("/a.html"),
                                          "pubDate": email.utils.formatdate(time.time())}]))
    src = sb.path("sources.json")
    with open(src, "w") as f:
        json.dump({"sources": [{"id": "t", "name": "T",
                                "categories": {"xa-hoi": srv.url("/feed.rss")}}]}, f)
    pulse = Pulse(sb)
    pulse.record()
    p = subprocess.Popen([DOCBAO, "-c", "xa-hoi", "--sources", src, "--all", "-v"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=sb.env)
    lines = []

    def reader():
        for raw in p.stdout:
            lines.append((time.perf_counter(), raw.decode("utf-8", "replace").rstrip("\n")))
    threading.Thread(target=reader, daemon=True).start()

    def key(b):
        p.stdin.write(b)
        p.stdin.flush()

    time.sleep(3)
    silences, nexts = [], []
    gap = RATE * 300 // 1000
    for _ in range(N):
        k0 = pulse.position()
        key(b" ")
        time.sleep(0.6)
        s = pulse.samples()
        for i in range(max(k0 - RATE // 20, 0), len(s) - gap, RATE // 1000):
            if max(abs(x) for x in s[i:i + gap]) < 120:
                silences.append(max(0.0, (i - k0) / RATE * 1000))
                break
        key(b" ")
        time.sleep(0.8)
        n0 = len(lines)
        t0 = time.perf_counter()
        key(b"l")
        for _ in range(200):
            new = [t for t, l in lines[n0:] if l.startswith("» ")]
            if new:
                nexts.append((new[0] - t0) * 1000)
                break
            time.sleep(0.005)
        time.sleep(0.8)
    key(b"q")
    p.wait(timeout=20)

    def fmt(v):
        return (f"median {statistics.median(v):.0f} ms, worst {max(v):.0f} ms (of {len(v)})"
                if v else "not measured")
    print(f"player: key to silence (Space): {fmt(silences)}; goal <= 100 ms")
    print(f"player: key to next sentence (Right): {fmt(nexts)}; goal <= 100 ms")

    # start to first sound: docbao with the article cached vs the espeak-ng CLI
    def first_sound(cmd, env):
        # The recording runs in real time, so the first loud sample's distance from the
        # recording's position at the start is the time to first sound (the wall clock
        # would add the time this script takes to read the file).
        k0 = pulse.position()
        t0 = time.perf_counter()
        q = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        found = None
        while found is None and time.perf_counter() - t0 < 10:
            time.sleep(0.05)
            with open(pulse.rec_path, "rb") as f:
                f.seek(k0 * 2)
                raw = f.read()
            s = array.array("h", raw[:len(raw) // 2 * 2])
            for i, x in enumerate(s):
                if abs(x) > 300:
                    found = i / RATE
                    break
        q.terminate()
        q.wait()
        return found
    docb, cli = [], []
    for _ in range(5):
        t = first_sound([DOCBAO, "-c", "xa-hoi", "--sources", src, "--all", "--offline", "-q"],
                        sb.env)
        if t is not None:
            docb.append(t * 1000)
        time.sleep(0.5)
        t = first_sound(["espeak-ng", "-v", "vi", "Bài đo độ trễ"], sb.env)
        if t is not None:
            cli.append(t * 1000)
        time.sleep(0.5)
    if docb and cli:
        print(f"player: start to first sound, cached article: docbao "
              f"{statistics.median(docb):.0f} ms, espeak-ng CLI {statistics.median(cli):.0f} ms "
              f"(medians of {len(docb)}; goal: docbao <= CLI + 100 ms)")
    else:
        print(f"player: start to first sound: not measured (docbao {docb}, espeak-ng {cli})")
finally:
    if pulse:
        pulse.close()
    srv.close()
    sb.close()
