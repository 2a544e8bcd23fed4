#!/usr/bin/env python3
"""Crash safety (issue 10): kill -9 at random moments.

- `docbao daemon` playing into a private PulseAudio null sink, 20 rounds: after each kill the
  cache database passes PRAGMA integrity_check, and the next start resumes at the article the
  last `status` before the kill reported, at that sentence or at most one later.
- `docbao -c … --export x.wav`, 20 rounds: a killed export leaves no x.wav and no temporary
  file, neither in the output folder nor in TMPDIR — or, when the kill came after the bulletin
  was published (renamed into place), a whole x.wav, as big as an export run to its end.
The moments come from a seeded generator (DOCBAO_CRASH_SEED, printed) so a failure replays.
"""
import json
import os
import random
import socket
import sqlite3
import subprocess
import time
import wave

from lib import (NewsServer, Pulse, Route, Sandbox, article_page, check, cmd, done, rpc, rss,
                 scaled)

ROUNDS = int(os.environ.get("DOCBAO_CRASH_ROUNDS", "20"))
SEED = int(os.environ.get("DOCBAO_CRASH_SEED", str(int(time.time()))))
rng = random.Random(SEED)
print(f"# seed {SEED} (DOCBAO_CRASH_SEED replays it)")

SENTENCES = [
    "Sáng nay thành phố khai trương tuyến xe buýt điện đầu tiên nối trung tâm với sân bay.",
    "Mỗi ngày tuyến xe chạy một trăm hai mươi chuyến, giá vé bằng xe buýt thường.",
    "Người dân có thể mua vé bằng thẻ hoặc điện thoại.",
    "Ban quản lý cho biết xe chạy từ năm giờ sáng đến mười một giờ đêm.",
    "Nhiều hành khách khen xe sạch và êm.",
    "Thành phố dự định mở thêm ba tuyến nữa trong năm tới.",
]
TITLES = ["Khai trương tuyến xe buýt điện", "Hội chợ sách mùa đông", "Thư viện xanh"]


def integrity(db):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


sb = Sandbox()
news = NewsServer("127.0.0.1")
pulse = None
daemon = None
try:
    def rfc822(hours_ago):
        return time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                             time.gmtime(time.time() - hours_ago * 3600))

    news.routes["/rss/xa-hoi.rss"] = Route(rss([
        {"title": t, "link": news.url(f"/a{i}.html"), "pubDate": rfc822(i)}
        for i, t in enumerate(TITLES)]))
    for i, t in enumerate(TITLES):
        # long stories: the kill rounds never reach an article's end
        news.routes[f"/a{i}.html"] = Route(article_page(t, SENTENCES * 8),
                                           ctype="text/html; charset=utf-8")
    news.routes["/rss/short.rss"] = Route(rss([
        {"title": t, "link": news.url(f"/s{i}.html"), "pubDate": rfc822(i)}
        for i, t in enumerate(TITLES[:2])]))
    for i, t in enumerate(TITLES[:2]):
        news.routes[f"/s{i}.html"] = Route(article_page(t, SENTENCES),
                                           ctype="text/html; charset=utf-8")
    src = sb.path("sources.json")
    with open(src, "w") as f:
        json.dump({"category_names": {"xa-hoi": "Xã hội", "ngan": "Ngắn"},
                   "sources": [{"id": "thu", "name": "Báo Thử",
                                "categories": {"xa-hoi": news.url("/rss/xa-hoi.rss"),
                                               "ngan": news.url("/rss/short.rss")}}]},
                  f, ensure_ascii=False)
    db = os.path.join(sb.env["XDG_CACHE_HOME"], "docbao", "cache.db")

    # --- export: kill -9 at random moments ----------------------------------------------------
    outdir = sb.path("out")
    tmpdir = sb.path("tmp")
    os.makedirs(outdir)
    os.makedirs(tmpdir)
    wav = os.path.join(outdir, "x.wav")
    eenv = dict(sb.env)
    eenv.update({"DOCBAO_TIMEOUT_MS": str(int(scaled(3000))), "TMPDIR": tmpdir})
    args = cmd("-c", "ngan", "--sources", src, "--all", "-q", "--export", wav)
    t0 = time.time()
    r = subprocess.run(args, env=eenv, capture_output=True, timeout=scaled(300))
    full = time.time() - t0
    check(r.returncode == 0 and os.path.exists(wav), f"a whole export takes {full:.1f} s",
          r.stderr.decode())
    full_size = os.path.getsize(wav) if os.path.exists(wav) else -1
    os.unlink(wav)

    def whole(path):
        """A complete WAV file: the header's frame count covers the file, same size as the
        export run to its end."""
        try:
            with wave.open(path) as w:
                frames = w.getnframes() * w.getsampwidth() * w.getnchannels()
            size = os.path.getsize(path)
            return frames > 0 and size == full_size and frames <= size
        except (wave.Error, EOFError, OSError):
            return False

    left = []
    published = 0
    finished = 0
    for rnd in range(ROUNDS):
        p = subprocess.Popen(args, env=eenv, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1 * full, 1.05 * full))
        was_done = p.poll() is not None
        p.kill()
        p.wait()
        names = sorted(os.listdir(outdir)) + sorted(os.listdir(tmpdir))
        if names == ["x.wav"] and whole(wav):
            # done, or killed after the bulletin was published whole: both are fine
            if was_done:
                finished += 1
            else:
                published += 1
            os.unlink(wav)
        elif names:
            left.append((rnd, "killed", names))
            for n in os.listdir(outdir):
                os.unlink(os.path.join(outdir, n))
            for n in os.listdir(tmpdir):
                os.unlink(os.path.join(tmpdir, n))
    check(not left, f"export: {ROUNDS} kill -9 rounds leave no x.wav (or a whole one) and no "
          f"temporary file ({finished} finished first, {published} killed after publishing)",
          left)
    check(integrity(db) == "ok", "export: the cache database is intact after the kills")

    # --- daemon: kill -9 during playback --------------------------------------------------------
    pulse = Pulse(sb)
    env = dict(sb.env)
    env["DOCBAO_TIMEOUT_MS"] = str(int(scaled(3000)))
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + sb.path("no-bus")
    sock = os.path.join(env["XDG_RUNTIME_DIR"], "docbao", "control")
    dargs = cmd("daemon", "-c", "xa-hoi", "--sources", src)

    def start():
        p = subprocess.Popen(dargs, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        for _ in range(int(scaled(300))):
            if p.poll() is not None:
                break
            try:
                st = rpc(sock, '{"cmd":"status"}', 1.0)
                if st and st.get("ok") and st["state"] and st["state"]["sentence"]["count"] > 0:
                    return p, st["state"]
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        return p, None

    bad_db, bad_place, bad_start = [], [], []
    last = None
    for rnd in range(ROUNDS):
        daemon, first = start()
        if first is None:
            bad_start.append(rnd)
            if daemon.poll() is None:
                daemon.kill()
            daemon.wait()
            continue
        if last is not None:
            ok = (first["article"]["url"] == last["article"]["url"]
                  and last["sentence"]["index"] <= first["sentence"]["index"]
                  <= last["sentence"]["index"] + 1)
            if not ok:
                bad_place.append((rnd, last["article"]["url"], last["sentence"]["index"],
                                  first["article"]["url"], first["sentence"]["index"]))
        # play a while, ask where we are, then kill at a random moment shortly after
        time.sleep(rng.uniform(0.2, 2.5))
        try:
            last = rpc(sock, '{"cmd":"status"}')["state"]
        except (OSError, ValueError, TypeError):
            last = None
        time.sleep(rng.uniform(0.0, 0.4))
        daemon.kill()
        daemon.wait()
        daemon = None
        res = integrity(db)
        if res != "ok":
            bad_db.append((rnd, res))
    check(not bad_start, "daemon: starts after every kill -9", bad_start)
    check(not bad_db, f"daemon: PRAGMA integrity_check is ok after {ROUNDS} kill -9 rounds",
          bad_db)
    check(not bad_place, "daemon: every start resumes at the place status reported last "
          "(or one sentence later)", "\n".join(map(str, bad_place)))
finally:
    if daemon and daemon.poll() is None:
        daemon.kill()
        daemon.wait()
    news.close()
    if pulse:
        pulse.close()
    sb.close()
done()
