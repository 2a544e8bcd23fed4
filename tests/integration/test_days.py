#!/usr/bin/env python3
"""A day in the life (issue 15): docbao used as a listener and a radio station use it, day
after day, on the clock seam DOCBAO_NOW. Feeds shared by two categories and two sites, 304
answers, listening a little and resuming the next day, bulletins that never mark heard, the
story window (--days) and its messages, --json that stays JSON, a cache damaged in the
middle, and a first run with no network. Feeds are dated relative to the clock of each step;
nothing here depends on the day the test runs."""
import glob
import json
import os
import subprocess
import time

from lib import (NewsServer, Route, Sandbox, article_page, check, cmd, done, rfc822, rss,
                 scaled)

DAY = 86400
T0 = int(time.time()) // 3600 * 3600  # day 1, on the hour
sb = Sandbox()
srv = NewsServer("127.0.0.1")
statuses = []  # (path, status) of every feed answer, from the server's side


def long_paras(topic, n):
    return [f"Đây là câu số {i + 1} của bài về {topic}, đọc chậm rãi cho người nghe."
            for i in range(n)]


STORIES = {
    "d1a": ("Khai trương tuyến xe buýt điện ra sân bay", long_paras("xe buýt", 40), None),
    "d1b": ("Hội chợ sách mùa đông có gian sách nói",
            ["Hội chợ sách mở cửa ở công viên trung tâm.", "Có một khu dành cho sách nói."],
            "Minh Anh"),
    "d2a": ("Bệnh viện tỉnh mở phòng khám buổi tối",
            ["Phòng khám mở đến chín giờ tối.", "Người lao động được khám sau giờ làm."], None),
    "tt1": ("Đội tuyển bóng đá tập trung chuẩn bị giải khu vực",
            ["Đội tuyển tập trung từ sáng nay.", "Giải đấu bắt đầu vào tháng sau."], None),
}
for key, (title, paras, byline) in STORIES.items():
    srv.routes[f"/{key}.html"] = Route(article_page(title, paras + ([byline] if byline else [])),
                                       ctype="text/html; charset=utf-8")


def item(key, published):
    return {"title": STORIES[key][0], "link": srv.url(f"/{key}.html"),
            "pubDate": rfc822(0, now=published)}


def set_feed(keys_at, etag):
    """The shared feed lists these (key, published) items, under a new ETag."""
    srv.routes["/rss/chung.rss"] = Route(rss([item(k, t) for k, t in keys_at]), etag=etag)


set_feed([("d1a", T0 - 3600), ("d1b", T0 - 2 * 3600)], '"v1"')
srv.routes["/rss/the-thao.rss"] = Route(rss([item("tt1", T0 - 1800)]), etag='"tt"')

# the server notes what it answered for each feed
orig = srv.httpd.RequestHandlerClass.send_response


def send_response(self, code, message=None):
    if self.path.endswith(".rss"):
        statuses.append((self.path, code))
    orig(self, code, message)


srv.httpd.RequestHandlerClass.send_response = send_response

# two sites on one feed URL; one site uses it for two categories (as 17 built-in feeds do)
SHARED = srv.url("/rss/chung.rss")
src = sb.path("sources.json")
with open(src, "w") as f:
    json.dump({"category_names": {"xa-hoi": "Xã hội", "thoi-su": "Thời sự",
                                  "the-thao": "Thể thao"},
               "sources": [
                   {"id": "baoa", "name": "Báo A",
                    "categories": {"xa-hoi": SHARED, "thoi-su": SHARED,
                                   "the-thao": srv.url("/rss/the-thao.rss")}},
                   {"id": "baob", "name": "Báo B", "categories": {"xa-hoi": SHARED}}]},
              f, ensure_ascii=False)


def at(day):
    """The environment of a run on day (1 = the first), at the same hour."""
    return {"DOCBAO_NOW": str(T0 + (day - 1) * DAY), "DOCBAO_TIMEOUT_MS": "5000"}


def run(day, *args):
    return sb.run(*args, "--sources", src, env=at(day))


def titles(r):
    try:
        return [s["title"] for s in json.loads(r.stdout)]
    except ValueError:
        return None


def last_status(path):
    got = [s for p, s in statuses if p == path]
    return got[-1] if got else None


def wav_seconds(path):
    import wave
    try:
        with wave.open(path) as w:
            return w.getnframes() / w.getframerate()
    except (OSError, EOFError, wave.Error):
        return 0


def listen_a_little(day, *args):
    """Starts listening, waits for the first sentence, presses q; returns (rc, stdout)."""
    sb.capture_audio()
    p = subprocess.Popen(cmd("--sources", src, *args), env={**sb.env, **at(day)},
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = b""
    deadline = time.time() + scaled(30)
    os.set_blocking(p.stdout.fileno(), False)
    while time.time() < deadline and b"Article " not in out and p.poll() is None:
        time.sleep(0.02)
        out += p.stdout.read() or b""
    try:
        p.stdin.write(b"q")
        p.stdin.flush()
    except BrokenPipeError:
        pass
    try:
        rest, err = p.communicate(timeout=scaled(20))
    except subprocess.TimeoutExpired:
        p.kill()
        rest, err = p.communicate()
    sb.no_audio()
    return p.returncode, (out + (rest or b"")).decode(), err.decode()


A1, B1, A2 = STORIES["d1a"][0], STORIES["d1b"][0], STORIES["d2a"][0]
try:
    # --- day 1 -----------------------------------------------------------------------------
    r = run(1, "list", "-c", "xa-hoi", "--json")
    check(r.returncode == 0 and titles(r) == [A1, B1], "day 1: xa-hoi lists the shared feed",
          r.stderr.decode())
    r = run(1, "list", "-c", "thoi-su", "--json")
    check(last_status("/rss/chung.rss") == 304, "day 1: the shared feed answers 304 the 2nd time",
          statuses)
    check(r.returncode == 0 and titles(r) == [A1, B1],
          "day 1: thoi-su on the same feed lists its stories after the 304", r.stderr.decode())
    r = run(1, "list", "-c", "xa-hoi", "-s", "baob", "--json")
    stories = json.loads(r.stdout or b"[]")
    check(r.returncode == 0 and [s["title"] for s in stories] == [A1, B1]
          and all(s["site"] == "baob" for s in stories),
          "day 1: a second site on the same feed lists the stories as its own", r.stdout.decode())

    rc, out, err = listen_a_little(1, "-c", "xa-hoi")
    check(rc == 0 and f"Article 1/2 — {A1}" in out, "day 1: listening starts with the newest",
          out + err)
    check(f"Article 2/2" not in out, "day 1: q quits in the first story", out)
    b1 = sb.path("b1.wav")
    r = run(1, "-c", "xa-hoi", "-q", "--export", b1)
    check(r.returncode == 0 and os.path.getsize(b1) > 100000, "day 1: bulletin 1 is written",
          r.stderr.decode())
    b2 = sb.path("b2.wav")
    r = run(1, "-c", "xa-hoi", "-q", "--export", b2)
    check(r.returncode == 0 and os.path.exists(b2) and os.path.getsize(b2) > 100000,
          "day 1: bulletin 2, an hour later, is written too (a bulletin marks nothing heard)",
          r.stderr.decode())
    r = run(1, "list", "-c", "xa-hoi", "--json")
    check(titles(r) == [A1, B1], "day 1: after two bulletins the listener's list is whole",
          r.stdout.decode())

    # --- day 2: a new story, the place kept, another category --------------------------------
    set_feed([("d2a", T0 + DAY - 3600), ("d1a", T0 - 3600), ("d1b", T0 - 2 * 3600)], '"v2"')
    r = run(2, "list", "-c", "xa-hoi", "--json")
    check(last_status("/rss/chung.rss") == 200 and titles(r) == [A2, A1, B1],
          "day 2: the changed feed brings the new story first", (titles(r), statuses[-3:]))
    r = run(2, "list", "-c", "thoi-su", "--json")
    check(last_status("/rss/chung.rss") == 304 and titles(r) == [A2, A1, B1],
          "day 2: the unchanged feed answers 304 and thoi-su still has every story",
          (titles(r), r.stderr.decode()))
    rc, out, err = listen_a_little(2, "-c", "xa-hoi")
    check(f"Continuing: {A1}" in out, "day 2: the listener resumes at yesterday's place",
          out + err)
    b3 = sb.path("b3.wav")
    r = run(2, "-c", "the-thao", "-v", "--export", b3)
    check(r.returncode == 0 and os.path.getsize(b3) > 50000
          and STORIES["tt1"][0] in r.stdout.decode(),
          "day 2: another category's bulletin is written", r.stderr.decode())
    # the byline comes from the cache: the page of d1b is gone from the site today
    page = srv.routes.pop("/d1b.html")
    r = run(2, "-c", "xa-hoi", "-q", "--export", sb.path("b4.wav"))
    r2 = run(2, "-c", "xa-hoi", "-q", "--byline", "--export", sb.path("b4-byline.wav"))
    srv.routes["/d1b.html"] = page
    with_b, without = (wav_seconds(sb.path(n)) for n in ("b4-byline.wav", "b4.wav"))
    check(r.returncode == 0 and r2.returncode == 0 and with_b > without + 0.3,
          "day 2: --byline speaks the byline of a story extracted yesterday (from the cache)",
          (with_b, without, r2.stderr.decode()))

    # --- day 4: the day-1 stories have left the 3-day window ---------------------------------
    r = run(4, "list", "-c", "xa-hoi")
    err = r.stderr.decode()
    check(r.returncode == 0 and A2 in r.stdout.decode() and A1 not in r.stdout.decode(),
          "day 4: only the story of the last 3 days is listed", r.stdout.decode())
    check("2 stories older than 3 days are left out (--days 4 includes them)" in err,
          "day 4: the message says how many were left out and how to include them", err)
    r = run(4, "list", "-c", "xa-hoi", "--days", "4", "--json")
    check(titles(r) == [A2, A1, B1], "day 4: --days 4 includes them", r.stdout.decode())
    r = run(4, "list", "-c", "xa-hoi", "--days", "0", "--json")
    check(titles(r) == [A2, A1, B1], "day 4: --days 0 is no limit", r.stdout.decode())
    os.makedirs(os.path.join(sb.dir, "config", "docbao"), exist_ok=True)
    with open(os.path.join(sb.dir, "config", "docbao", "config.json"), "w") as f:
        f.write('{"days": 5}')
    r = run(4, "list", "-c", "xa-hoi", "--json")
    check(titles(r) == [A2, A1, B1], 'day 4: config "days": 5 widens the window',
          r.stderr.decode())
    os.unlink(os.path.join(sb.dir, "config", "docbao", "config.json"))

    # listen to the one story of the window to its end: it is heard
    sb.capture_audio()
    r = run(4, "-c", "xa-hoi", "-q")
    sb.no_audio()
    check(r.returncode == 0, "day 4: the story is listened to its end", r.stderr.decode())
    r = run(4, "list", "-c", "xa-hoi", "--json")
    err = r.stderr.decode()
    check(r.returncode == 1 and r.stdout.strip() == b"[]",
          "day 4: nothing new: list --json prints [] and exits 1", (r.returncode, r.stdout))
    check("1 heard (--all reads them again), 2 older (--days 4 includes them)" in err
          and len(err.strip().splitlines()) == 1,
          "day 4: one true line: heard and older counted apart", err)
    r = run(4, "-c", "xa-hoi", "--export", sb.path("b5.wav"), "--unheard")
    check(r.returncode == 1 and not os.path.exists(sb.path("b5.wav"))
          and b"--unheard" in r.stderr, "day 4: --unheard with every story heard: exit 1, no file",
          r.stderr.decode())
    r = run(4, "-c", "xa-hoi", "-q", "--export", sb.path("b6.wav"))
    check(r.returncode == 0 and os.path.getsize(sb.path("b6.wav")) > 50000,
          "day 4: the hourly bulletin still takes the heard story", r.stderr.decode())

    # --- day 10: nothing in the window -------------------------------------------------------
    r = run(10, "list", "-c", "xa-hoi")
    err = r.stderr.decode()
    check(r.returncode == 1 and r.stdout == b"" and "no stories in Xã hội in the last 3 days"
          in err and "heard" not in err,
          "day 10: the window is empty: exit 1 and a line that does not say 'heard'", err)
    r = run(10, "-c", "xa-hoi", "-q", "--export", sb.path("b7.wav"))
    check(r.returncode == 1 and not os.path.exists(sb.path("b7.wav")) and r.stderr.strip(),
          "day 10: a bulletin with no story exits 1 with a line, even with -q, and writes no file",
          r.stderr.decode())

    # --- a cache damaged in the middle -------------------------------------------------------
    db = os.path.join(sb.dir, "cache", "docbao", "cache.db")
    size = os.path.getsize(db)
    with open(db, "r+b") as f:
        page = 4096
        f.seek(2 * page)
        f.write(bytes([0x5A]) * min(3 * page, max(0, size - 2 * page)))
    check(size >= 5 * 4096, "the cache is large enough to damage pages 3-5", size)
    r = run(4, "list", "-c", "xa-hoi", "--days", "0", "--json")
    err = r.stderr.decode()
    check(r.returncode == 0 and titles(r) == [A2, A1, B1],
          "damaged cache: this run's news is still listed", (titles(r), err))
    check(sum("the cache was damaged" in l for l in err.splitlines()) == 1
          and glob.glob(db + ".corrupt-*"), "damaged cache: one line, the file moved aside", err)
    r = run(4, "list", "-c", "xa-hoi", "--days", "0", "--json")
    check(r.returncode == 0 and titles(r) == [A2, A1, B1] and b"damaged" not in r.stderr,
          "damaged cache: the next run works quietly", r.stderr.decode())

    # --- the first run with no network -------------------------------------------------------
    dead = sb.path("dead.json")
    with open(dead, "w") as f:
        json.dump({"sources": [{"id": f"s{i}", "name": f"Báo {i}",
                                "categories": {"xa-hoi": f"http://127.0.0.1:9/{i}.rss"}}
                               for i in range(5)]}, f)
    fresh = dict(at(1), XDG_CACHE_HOME=sb.path("fresh-cache"))
    r = sb.run("list", "-c", "xa-hoi", "--sources", dead, env=fresh)
    lines = r.stderr.decode().strip().splitlines()
    check(r.returncode == 1 and len(lines) == 2 and "5 sites could not be reached" in lines[0]
          and "Báo 0" in lines[0] and "Báo 4" in lines[0],
          "no network: one line with the count and the sites, then what happens", lines)
finally:
    srv.close()
done()
