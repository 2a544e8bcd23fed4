#!/usr/bin/env python3
"""News benchmarks (make bench):
 1. 20 feeds whose server delays each answer 500 ms (10 sites on 127.0.0.2-11, two feeds
    each): wall time of `docbao list` (goal <= 1.0 s; serial would be 10 s).
 2. Time from start to the first sound reaching the audio device (PortAudio into ALSA's file
    plugin) for `docbao --category` with a loopback server.
Prints medians of several runs."""
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from lib import DOCBAO, NewsServer, Route, Sandbox, article_page, rss  # noqa: E402

RUNS = 5
sb = Sandbox()
servers = []
try:
    now = time.time()
    import email.utils
    sources = []
    for k in range(10):
        srv = NewsServer(f"127.0.0.{k + 2}")
        servers.append(srv)
        for cat in ("xa-hoi", "thoi-su"):
            items = [{"title": f"Tin {k}-{cat}-{i} về đời sống", "link": srv.url(f"/{cat}/{i}.html"),
                      "pubDate": email.utils.formatdate(now - (k * 10 + i) * 60)}
                     for i in range(10)]
            srv.routes[f"/{cat}.rss"] = Route(rss(items), delay=0.5)
            for i in range(10):
                srv.routes[f"/{cat}/{i}.html"] = Route(
                    article_page(f"Tin {k}-{cat}-{i} về đời sống",
                                 ["Đây là đoạn thứ nhất của bài báo thử nghiệm.",
                                  "Đây là đoạn thứ hai, dài hơn một chút để đọc."]),
                    ctype="text/html; charset=utf-8")
        sources.append({"id": f"s{k}", "name": f"Báo {k}",
                        "categories": {"xa-hoi": srv.url("/xa-hoi.rss"),
                                       "thoi-su": srv.url("/thoi-su.rss")}})
    # list takes one category; two feeds per site: a second source entry per site
    feeds20 = []
    for k, s in enumerate(sources):
        feeds20.append({"id": f"s{k}a", "name": s["name"], "categories": {"xa-hoi": s["categories"]["xa-hoi"]}})
        feeds20.append({"id": f"s{k}b", "name": s["name"] + " B", "categories": {"xa-hoi": s["categories"]["thoi-su"]}})
    path = sb.path("sources.json")
    with open(path, "w") as f:
        json.dump({"sources": feeds20}, f)

    times = []
    for _ in range(RUNS):
        # a fresh cache each run: no conditional GET shortcut
        subprocess.run(["rm", "-rf", os.path.join(sb.dir, "cache", "docbao")])
        t0 = time.perf_counter()
        r = sb.run("list", "-c", "xa-hoi", "--sources", path, "--all")
        times.append(time.perf_counter() - t0)
        n = len(r.stdout.decode().splitlines())
        if r.returncode != 0 or n != 200:
            print(f"news: list failed (rc {r.returncode}, {n} lines): {r.stderr.decode()}")
            sys.exit(1)
    print(f"news: list of 20 feeds delayed 500 ms each: {statistics.median(times):.2f} s "
          f"(median of {RUNS}; min {min(times):.2f}, max {max(times):.2f}; goal <= 1.0 s)")

    # time to first sound
    for s in servers:
        for route in s.routes.values():
            route.delay = 0
    sb.capture_audio()
    firsts = []
    for _ in range(RUNS):
        subprocess.run(["rm", "-rf", os.path.join(sb.dir, "cache", "docbao")])
        if os.path.exists(sb.capture):
            os.unlink(sb.capture)
        t0 = time.perf_counter()
        p = subprocess.Popen([DOCBAO, "-c", "xa-hoi", "--sources", path, "--all", "-q", "-n", "3"],
                             env=sb.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first = None
        while p.poll() is None or first is None:
            if os.path.exists(sb.capture) and os.path.getsize(sb.capture) > 0:
                first = time.perf_counter() - t0
                break
            if p.poll() is not None:
                break
            time.sleep(0.002)
        p.wait()
        if first is not None:
            firsts.append(first)
    if firsts:
        print(f"news: start to first sound (20 loopback feeds, no delay): "
              f"{statistics.median(firsts) * 1000:.0f} ms (median of {len(firsts)})")
    else:
        print("news: start to first sound: no sound captured")
finally:
    for s in servers:
        s.close()
    sb.close()
