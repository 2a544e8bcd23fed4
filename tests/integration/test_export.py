#!/usr/bin/env python3
"""Radio bulletins (SPEC §7, issue 8): export_bulletin() through a small driver program
(tests/integration/export_driver.c, compiled here from the sources) until docbao's --export
is wired to it. Checked with real tools: soxi, ffmpeg's ebur128 filter, and a RIFF parser for
the bext, cue and LIST/adtl chunks."""
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import DATA, ROOT, check, done  # noqa: E402

STORIES = os.path.join(DATA, "export", "stories.txt")
DATE = "1795867200"  # 2026-11-28 12:00 UTC
PKGS = ["sndfile", "soxr", "libebur128", "espeak-ng", "libutf8proc", "portaudio-2.0", "alsa"]
SOURCES = ["src/core/export.c", "src/core/speak.c", "src/core/script.c", "src/core/util.c", "src/core/utf8.c",
           "src/core/article.c", "src/core/err.c", "src/core/paths.c", "src/core/i18n.c",
           "src/out/bulletin.c"]
GLOBS = ["src/text", "src/tts", "src/out"]


def build_driver(tmp):
    """Compiles export_driver.c with the sources it needs; returns its path."""
    srcs = list(SOURCES)
    for d in GLOBS:
        for f in sorted(os.listdir(os.path.join(ROOT, d))):
            p = os.path.join(d, f)
            if f.endswith(".c") and p not in srcs:
                srcs.append(p)
    flags = subprocess.run(["pkg-config", "--cflags"] + PKGS, capture_output=True,
                           text=True).stdout.split()
    libs = subprocess.run(["pkg-config", "--libs"] + PKGS, capture_output=True,
                          text=True).stdout.split()
    exe = os.path.join(tmp, "export_driver")
    cmd = (["cc", "-std=c11", "-O2", "-D_POSIX_C_SOURCE=200809L", "-DDOCBAO_VERSION=\"0.1.0\"",
            "-Iinclude"] + flags + ["-o", exe, "tests/integration/export_driver.c"] + srcs +
           libs + ["-lm", "-lpthread"])
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return exe if r.returncode == 0 else (None, r.stderr)


def fold(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if not unicodedata.combining(c) and ord(c) < 128)


def titles():
    with open(STORIES, encoding="utf-8") as f:
        return [line[3:].strip() for line in f if line.startswith("## ")]


def riff_chunks(path):
    """{chunk id: [payload, ...]} of a RIFF/WAVE file."""
    out = {}
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return out
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        out.setdefault(cid.decode("latin-1"), []).append(data[pos + 8:pos + 8 + size])
        pos += 8 + size + (size & 1)
    return out


def cues(chunks):
    if "cue " not in chunks:
        return []
    c = chunks["cue "][0]
    n = struct.unpack("<I", c[:4])[0]
    return [struct.unpack("<IIII II", c[4 + 24 * i:28 + 24 * i]) for i in range(n)]


def labels(chunks):
    out = []
    for lst in chunks.get("LIST", []):
        if lst[:4] != b"adtl":
            continue
        pos = 4
        while pos + 8 <= len(lst):
            sid, size = lst[pos:pos + 4], struct.unpack("<I", lst[pos + 4:pos + 8])[0]
            if sid == b"labl":
                out.append(lst[pos + 12:pos + 8 + size].split(b"\0")[0].decode("ascii"))
            pos += 8 + size + (size & 1)
    return out


def soxi(path):
    r = subprocess.run(["soxi", path], capture_output=True, text=True)
    info = {}
    for line in r.stdout.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            info[k.strip()] = v.strip()
    return info


def loudness(path):
    r = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af",
                        "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
                       capture_output=True, text=True)
    tail = r.stderr[r.stderr.rfind("Summary:"):]
    i = re.search(r"I:\s+(-?[\d.]+) LUFS", tail)
    p = re.search(r"Peak:\s+(-?[\d.inf]+) dBFS", tail)
    return (float(i.group(1)) if i else None, float(p.group(1)) if p else None)


def data_chunk(path):
    ch = riff_chunks(path)
    return ch.get("data", [b""])[0]


def leftovers(d, keep=()):
    return [n for n in os.listdir(d) if n not in keep]


tmp = tempfile.mkdtemp(prefix="docbao-export-")
try:
    exe = build_driver(tmp)
    if isinstance(exe, tuple):
        check(False, "the export driver compiles", exe[1])
        done()
    env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8", LANG="C.UTF-8", TMPDIR=tmp)
    out = os.path.join(tmp, "out")
    os.mkdir(out)

    def run(*args, **kw):
        return subprocess.run([exe, "--date", DATE] + list(args), capture_output=True,
                              env=env, **kw)

    # --- the bulletin -----------------------------------------------------------------------
    wav = os.path.join(out, "bantin.wav")
    t0 = time.time()
    r = run("--category", "Xã hội", STORIES, wav)
    check(r.returncode == 0, "export exits 0", r.stderr.decode())
    lines = r.stdout.decode().splitlines()
    want = [f"Article {i + 1}/5 — {t}" for i, t in enumerate(titles())]
    check(lines == want, "one status line per story, in order", "\n".join(lines))
    info = soxi(wav)
    check(info.get("Sample Rate") == "48000", "soxi: 48000 Hz", info)
    check(info.get("Channels") == "1", "soxi: mono", info)
    check(info.get("Precision") == "16-bit", "soxi: 16-bit", info)
    m = re.match(r"(\d+):(\d+):([\d.]+)", info.get("Duration", ""))
    secs = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)) if m else 0
    check(60 < secs < 150, "soxi: duration 60-150 s", info.get("Duration"))
    lufs, peak = loudness(wav)
    check(lufs is not None and abs(lufs + 23) <= 0.5, "ffmpeg ebur128: -23 LUFS +-0.5", lufs)
    check(peak is not None and peak <= -1.0, "ffmpeg ebur128: true peak <= -1 dBTP", peak)
    ch = riff_chunks(wav)
    check("bext" in ch, "a bext chunk", list(ch))
    bext = ch.get("bext", [b"\0" * 602])[0]
    desc = bext[:256].split(b"\0")[0].decode("ascii", "replace")
    check(desc == "Ban tin Xa hoi, 28/11/2026", "bext description in ASCII", desc)
    check(bext[256:288].split(b"\0")[0] == b"docbao", "bext originator docbao", bext[256:288])
    check(bext[320:330] == b"2026-11-28", "bext origination date", bext[320:338])
    cs = cues(ch)
    check(len(cs) == 5, "a cue point per story", len(cs))
    check(all(cs[i][1] < cs[i + 1][1] for i in range(len(cs) - 1)) and cs and cs[0][1] > 0,
          "cue points after the intro, in increasing order", [c[1] for c in cs])
    check(labels(ch) == [fold(t) for t in titles()], "cue labels are the titles, in order",
          labels(ch))
    check(leftovers(out) == ["bantin.wav"], "no temporary file left", leftovers(out))
    check(not leftovers(tmp, ("out", "export_driver")), "no spool left in TMPDIR",
          leftovers(tmp, ("out", "export_driver")))

    # --- determinism ----------------------------------------------------------------------
    again = os.path.join(out, "again.wav")
    r = run("--category", "Xã hội", STORIES, again)
    check(r.returncode == 0 and data_chunk(again) == data_chunk(wav),
          "the same input gives the same samples twice")
    one = os.path.join(out, "one.wav")
    r = run("--category", "Xã hội", "--workers", "1", STORIES, one)
    check(r.returncode == 0 and data_chunk(one) == data_chunk(wav),
          "one worker gives the same samples as several")
    # Ten stories make several groups of stories (one worker process each): the samples
    # still depend on the text alone.
    ten = [os.path.join(out, f"ten{w}.wav") for w in (1, 3)]
    r1 = run("--stories", "10", "--workers", "1", STORIES, ten[0])
    r3 = run("--stories", "10", "--workers", "3", STORIES, ten[1])
    check(r1.returncode == 0 and r3.returncode == 0 and
          data_chunk(ten[0]) == data_chunk(ten[1]),
          "10 stories: one worker gives the same samples as three")

    # --- options --------------------------------------------------------------------------
    loud = os.path.join(out, "loud.wav")
    r = run("--loudness", "-16", STORIES, loud)
    lufs, peak = loudness(loud)
    check(r.returncode == 0 and lufs is not None and abs(lufs + 16) <= 0.5,
          "--loudness -16: -16 LUFS +-0.5", (lufs, r.stderr.decode()))
    check(peak is not None and peak <= -1.0, "--loudness -16: true peak <= -1 dBTP", peak)
    r44 = os.path.join(out, "r44.wav")
    r = run("--rate", "44100", STORIES, r44)
    check(r.returncode == 0 and soxi(r44).get("Sample Rate") == "44100", "--rate 44100")
    r = run("--rate", "32000", STORIES, os.path.join(out, "bad.wav"))
    check(r.returncode != 0 and not os.path.exists(os.path.join(out, "bad.wav")),
          "--rate 32000 is refused, no file")
    head = os.path.join(out, "head.wav")
    r = run("--headlines-only", STORIES, head)
    hinfo = soxi(head)
    check(r.returncode == 0 and len(cues(riff_chunks(head))) == 5, "--headlines-only: 5 cues")
    hm = re.match(r"(\d+):(\d+):([\d.]+)", hinfo.get("Duration", ""))
    hsecs = int(hm.group(2)) * 60 + float(hm.group(3)) if hm else 0
    check(5 < hsecs < secs / 2, "--headlines-only is much shorter", (hsecs, secs))
    noi = os.path.join(out, "nointro.wav")
    r = run("--no-intro", "--category", "Xã hội", STORIES, noi)
    ncs = cues(riff_chunks(noi))
    check(r.returncode == 0 and ncs and ncs[0][1] == 0, "--no-intro: the first story at 0",
          ncs[:1])
    flac = os.path.join(out, "bantin.flac")
    r = run(STORIES, flac)
    finfo = soxi(flac)
    check(r.returncode == 0 and finfo.get("Sample Rate") == "48000" and
          "FLAC" in finfo.get("Sample Encoding", ""), "a .flac bulletin", finfo)
    r = run(STORIES, "-")
    path = os.path.join(out, "stdout.wav")
    with open(path, "wb") as f:
        f.write(r.stdout)
    check(r.returncode == 0 and len(cues(riff_chunks(path))) == 5 and
          "bext" in riff_chunks(path), "'-' writes a whole WAV with bext and cues to stdout")
    check(b"Article 1/5" in r.stderr, "with '-', status lines go to stderr")

    # --- failures leave nothing -------------------------------------------------------------
    for name in os.listdir(out):
        os.unlink(os.path.join(out, name))
    big = os.path.join(out, "big.wav")
    p = subprocess.Popen([exe, "--date", DATE, "--stories", "60", STORIES, big],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    check(p.returncode != 0 and b"interrupted" in err, "SIGINT stops the export", err)
    check(leftovers(out) == [], "an interrupted export leaves no file", leftovers(out))

    p = subprocess.Popen([exe, "--date", DATE, "--stories", "60", STORIES, big],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    time.sleep(0.3)
    p.kill()
    p.wait()
    time.sleep(1.5)  # orphaned workers finish their part and exit
    check(leftovers(out) == [], "a SIGKILLed export leaves no file", leftovers(out))

    # A worker that dies: the export fails clearly and leaves nothing.
    p = subprocess.Popen([exe, "--date", DATE, "--stories", "60", "--workers", "1", STORIES,
                          big], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    killed = False
    for _ in range(200):
        try:
            with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
                kids = f.read().split()
        except OSError:
            kids = []
        if kids:
            try:
                os.kill(int(kids[0]), signal.SIGKILL)
                killed = True
                break
            except ProcessLookupError:
                pass
        time.sleep(0.005)
    _, err = p.communicate(timeout=60)
    check(killed and p.returncode != 0 and b"speech synthesis failed" in err,
          "a worker killed mid-run fails the export with a clear message", (killed, err))
    check(leftovers(out) == [], "a failed export leaves no file", leftovers(out))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done()
