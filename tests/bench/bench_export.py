#!/usr/bin/env python3
"""Bulletin export benchmark (issue 8).

1. A 10-story bulletin: export wall time (synthesis on every core, resampling to 48 kHz,
   loudness and true peak, writing) divided by `espeak-ng -v vi -w out.wav` on the same
   normalized text (goal <= 1.0 on 2 cores). Median of 3.
2. Peak RSS of the export for 5 vs 50 stories (goal: flat): the exporting process, from
   /usr/bin/time (each worker is a fork of it, sharing its pages, and lives for one story).

Drives tests/integration/export_driver.c (compiled here) until docbao's --export is wired.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STORIES = os.path.join(ROOT, "tests", "data", "export", "stories.txt")
PKGS = ["sndfile", "soxr", "libebur128", "espeak-ng", "libutf8proc", "portaudio-2.0", "alsa"]
SOURCES = ["src/core/export.c", "src/core/speak.c", "src/core/util.c", "src/core/utf8.c",
           "src/core/article.c", "src/core/err.c", "src/core/paths.c", "src/core/i18n.c"]
GLOBS = ["src/text", "src/tts", "src/out"]


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
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.monotonic() - t0


def peak_rss_mb(cmd, env):
    """Maximum RSS of the command's process, in MB."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode())
    return int(r.stderr.decode().strip().splitlines()[-1]) / 1024.0


def main():
    tmp = tempfile.mkdtemp(prefix="docbao-bench-export-")
    try:
        exe = build(tmp)
        env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8", TMPDIR=tmp)
        out = os.path.join(tmp, "b.wav")
        text = os.path.join(tmp, "text.txt")
        subprocess.run([exe, "--text", "--stories", "10", STORIES, text], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        ours, cli = [], []
        for _ in range(3):
            ours.append(timed([exe, "--stories", "10", STORIES, out], env))
            cli.append(timed(["espeak-ng", "-v", "vi", "-w", os.path.join(tmp, "e.wav"),
                              "-f", text], env))
        a, b = statistics.median(ours), statistics.median(cli)
        print(f"export: 10 stories in {a:.2f} s; espeak-ng CLI {b:.2f} s; "
              f"ratio {a / b:.2f} (median of 3, {os.cpu_count()} CPUs)")
        rss = {}
        for n in (5, 50):
            rss[n] = peak_rss_mb([exe, "--stories", str(n), STORIES, out], env)
        print(f"export: peak RSS 5 stories {rss[5]:.1f} MB, 50 stories {rss[50]:.1f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
