#!/usr/bin/env python3
"""Bulletin export benchmark (issue 8).

1. A 10-story bulletin: export wall time (synthesis on every core, resampling to 48 kHz,
   loudness and true peak, writing) divided by `espeak-ng -v vi -w out.wav` on the same
   normalized text (goal <= 1.0 on 2 cores). Measured two ways:
   - export: export_bulletin() alone, through tests/integration/export_driver.c;
   - docbao: the whole command a station runs, `docbao -c xa-hoi --limit 10 --export
     x.wav --all`, its feed and pages served from loopback (warm cache: the feed answers
     304; --all because an export marks the stories heard).
   Fairness: the CLI speaks exactly the sentences the workers speak (export_driver --text,
   one sentence a line), both write a WAV into the same folder, one warm-up run of each is
   not counted, the runs alternate (ours, CLI, ours, CLI, ...) so machine noise hits both
   alike, and the figure is the median of 5.
   Each line also gives the median CPU time (user + system, the workers included) of both:
   the export's work, which the cores share, and the figure to compare when the machine is
   busy.
2. Peak RSS of the export for 5 vs 50 stories (goal: flat): the exporting process, from
   /usr/bin/time (each worker is a fork of it, sharing its pages, and lives for a group of
   stories).

The machine must be otherwise idle: on a 2-core machine any other busy process takes a core
from the parallel export but hardly slows the single-threaded CLI (the CPU times hold).
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
STORIES = os.path.join(ROOT, "tests", "data", "export", "stories.txt")
PKGS = ["sndfile", "soxr", "libebur128", "espeak-ng", "libutf8proc", "portaudio-2.0", "alsa"]
SOURCES = ["src/core/export.c", "src/core/speak.c", "src/core/util.c", "src/core/utf8.c",
           "src/core/article.c", "src/core/err.c", "src/core/paths.c", "src/core/i18n.c"]
GLOBS = ["src/text", "src/tts", "src/out"]
RUNS = 5


def build(tmp):
    srcs = list(SOURCES)
    for d in GLOBS:
        for f in sorted(os.listdir(os.path.join(ROOT, d))):
            if f.endswith(".c"):
                srcs.append(os.path.join(d, f))
    flags = subprocess.run(["pkg-config", "--cflags"] + PKGS, capture_output=True,
                           text=True).stdout.split()
    libs = subprocess.run(["pkg-config", "--libs"] + PKGS, capture_output=True,
                          text=True).stdout.split()
    exe = os.path.join(tmp, "export_driver")
    subprocess.run(["cc", "-std=c11", "-O2", "-D_POSIX_C_SOURCE=200809L",
                    "-DDOCBAO_VERSION=\"0.1.0\"", "-Iinclude"] + flags +
                   ["-o", exe, "tests/integration/export_driver.c"] + srcs + libs +
                   ["-lm", "-lpthread"], cwd=ROOT, check=True)
    return exe


def timed(cmd, env):
    """(wall, CPU) seconds of cmd; the CPU time counts the children it waited for."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise subprocess.CalledProcessError(p.returncode, cmd)
    return wall, ru.ru_utime + ru.ru_stime


def compare(ours, cli, env):
    """Median wall and CPU times of the two commands: a warm-up each, then RUNS
    alternating. Returns ((wall, cpu) of ours, (wall, cpu) of the CLI)."""
    timed(ours, env)
    timed(cli, env)
    a, b = [], []
    for _ in range(RUNS):
        a.append(timed(ours, env))
        b.append(timed(cli, env))
    med = lambda v, i: statistics.median(x[i] for x in v)  # noqa: E731
    return (med(a, 0), med(a, 1)), (med(b, 0), med(b, 1))


def ratios(label, ours, cli):
    return (f"{label} {ours[0]:.3f} s; espeak-ng CLI {cli[0]:.3f} s; ratio "
            f"{ours[0] / cli[0]:.2f}; CPU {ours[1] * 1e3:.0f} ms vs {cli[1] * 1e3:.0f} ms, "
            f"ratio {ours[1] / cli[1]:.2f}")


def peak_rss_mb(cmd, env):
    """Maximum RSS of the command's process, in MB."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode())
    return int(r.stderr.decode().strip().splitlines()[-1]) / 1024.0


def load_stories():
    stories, cur = [], None
    with open(STORIES, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("## "):
                cur = (line[3:], [])
                stories.append(cur)
            elif line and not line.startswith("#") and cur:
                cur[1].append(line)
    return stories


def bench_docbao(tmp, exe, env):
    """docbao -c xa-hoi --limit 10 --export against a loopback news site; returns the two
    medians, or None when build/docbao is missing."""
    docbao = os.environ.get("DOCBAO") or os.path.join(ROOT, "build", "docbao")
    if not os.access(docbao, os.X_OK):
        return None
    from lib import NewsServer, Route, article_page, rss  # noqa: E402
    base = load_stories()
    # Ten distinct stories (docbao drops repeated titles): the five, then the five again
    # with a numbered title.
    stories = [(t if i < len(base) else f"{t}, phần {i // len(base) + 1}", p)
               for i in range(10) for t, p in [base[i % len(base)]]]
    srv = NewsServer("127.0.0.1")
    try:
        now = time.time()
        items = []
        for i, (title, paras) in enumerate(stories):
            srv.routes[f"/{i}.html"] = Route(article_page(title, paras),
                                             ctype="text/html; charset=utf-8")
            items.append({"title": title, "link": srv.url(f"/{i}.html"),
                          "pubDate": time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                                   time.gmtime(now - 60 * (i + 1)))})
        srv.routes["/rss.xml"] = Route(rss(items), etag='"v1"')
        src = os.path.join(tmp, "sources.json")
        with open(src, "w") as f:
            json.dump({"category_names": {"xa-hoi": "Xã hội"},
                       "sources": [{"id": "bench", "name": "Bench",
                                    "categories": {"xa-hoi": srv.url("/rss.xml")}}]},
                      f, ensure_ascii=False)
        home = os.path.join(tmp, "home")
        denv = dict(env)
        for d in ("config", "cache", "state", "runtime"):
            os.makedirs(os.path.join(home, d), mode=0o700, exist_ok=True)
            denv[f"XDG_{d.upper()}_HOME" if d != "runtime" else "XDG_RUNTIME_DIR"] = \
                os.path.join(home, d)
        # The same sentences for the CLI, as export_driver prints them.
        sfile = os.path.join(tmp, "stories10.txt")
        with open(sfile, "w", encoding="utf-8") as f:
            for title, paras in stories:
                f.write(f"## {title}\n" + "".join(p + "\n" for p in paras) + "\n")
        text = os.path.join(tmp, "text10.txt")
        subprocess.run([exe, "--text", "--category", "Xã hội", sfile, text], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        out = os.path.join(tmp, "d.wav")
        ours = [docbao, "-c", "xa-hoi", "--sources", src, "--limit", "10", "--all", "-q",
                "--export", out]
        cli = ["espeak-ng", "-v", "vi", "-w", os.path.join(tmp, "e.wav"), "-f", text]
        r = subprocess.run(ours, capture_output=True, env=denv)
        if r.returncode != 0:
            print(f"export: docbao failed: {r.stderr.decode().strip()}")
            return None
        return compare(ours, cli, denv)
    finally:
        srv.close()


def main():
    tmp = tempfile.mkdtemp(prefix="docbao-bench-export-")
    try:
        exe = build(tmp)
        env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8", TMPDIR=tmp)
        out = os.path.join(tmp, "b.wav")
        text = os.path.join(tmp, "text.txt")
        subprocess.run([exe, "--text", "--stories", "10", STORIES, text], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        cli = ["espeak-ng", "-v", "vi", "-w", os.path.join(tmp, "e.wav"), "-f", text]
        load = os.getloadavg()[0]
        a, b = compare([exe, "--stories", "10", STORIES, out], cli, env)
        print(ratios("export: 10 stories in", a, b) +
              f" (median of {RUNS}, {os.cpu_count()} CPUs)")
        d = bench_docbao(tmp, exe, env)
        if d:
            print(ratios("export: docbao -c xa-hoi --limit 10 --export:", d[0], d[1]) +
                  f" (median of {RUNS})")
        rss = {}
        for n in (5, 50):
            rss[n] = peak_rss_mb([exe, "--stories", str(n), STORIES, out], env)
        print(f"export: peak RSS 5 stories {rss[5]:.1f} MB, 50 stories {rss[50]:.1f} MB")
        print(f"export: load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the "
              "end (the wall times need an idle machine)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
