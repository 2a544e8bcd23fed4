#!/usr/bin/env python3
"""News by category: feeds and articles from real HTTP servers on loopback, through the
cache: order, duplicates, limits, bad feeds, timeouts, conditional GET, heard marks, offline
reading and a cache left by a killed process."""
import json
import os
import signal
import sqlite3
import subprocess
import time

from lib import (DOCBAO, NOW, ROOT, NewsServer, Route, Sandbox, article_page, bound, check,
                 done, rfc822, rss)


def tuoitre_date(hours_ago):
    # M/D/YYYY h:mm:ss AM in Vietnam time (+07:00), no zone
    t = time.gmtime(NOW - hours_ago * 3600 + 7 * 3600)
    h12 = t.tm_hour % 12 or 12
    ampm = "AM" if t.tm_hour < 12 else "PM"
    return f"{t.tm_mon}/{t.tm_mday}/{t.tm_year} {h12}:{t.tm_min:02d}:{t.tm_sec:02d} {ampm}"


PARAS = {
    "a1": ["Sáng nay, thành phố khai trương tuyến xe buýt điện đầu tiên nối trung tâm với sân bay.",
           "Mỗi ngày tuyến xe chạy 120 chuyến, giá vé bằng xe buýt thường."],
    "a2": ["Hội chợ sách mùa đông mở cửa ở công viên trung tâm, với nhiều gian sách nói.",
           "Ban tổ chức dành riêng một khu cho người khiếm thị nghe thử sách."],
    "a3": ["Trường tiểu học phường Hồng Hà vừa khánh thành thư viện xanh.",
           "Học sinh được mượn sách về nhà mỗi cuối tuần."],
    "b1": ["Bệnh viện tỉnh mở thêm phòng khám buổi tối cho người lao động.",
           "Phòng khám làm việc đến chín giờ tối các ngày trong tuần."],
    "b2": ["Nông dân xã ven biển thu hoạch vụ muối sớm nhờ nắng đẹp.",
           "Giá muối năm nay cao hơn năm ngoái."],
}
TITLES = {
    "a1": "Khai trương tuyến xe buýt điện ra sân bay",
    "a2": "Hội chợ sách mùa đông có gian sách nói",
    "a3": "Trường tiểu học khánh thành thư viện xanh",
    "b1": "Bệnh viện tỉnh mở phòng khám buổi tối",
    "b2": "Nông dân thu hoạch muối sớm",
}


def setup_routes(a, b):
    # site a: plain RSS with markup in descriptions and a CDATA title holding entities
    a.routes["/rss/xa-hoi.rss"] = Route(rss([
        {"title": TITLES["a1"], "link": a.url("/a1.html"), "pubDate": rfc822(1),
         "description": f'<![CDATA[<a href="{a.url("/a1.html")}"><img src="x.jpg"></a></br>'
                        'Tuyến xe buýt điện đầu tiên.]]>'},
        # Thanh Niên style: a CDATA title holding an HTML character reference (ộ)
        {"title": "<![CDATA[H&#7897;i chợ s&aacute;ch mùa đông có gian sách nói]]>",
         "link": f"\n   {a.url('/a2.html')}   \n", "pubDate": rfc822(3)},
        {"title": TITLES["a3"], "link": "/a3.html", "pubDate": rfc822(5)},
        # the same story twice in one feed
        {"title": TITLES["a3"], "link": "/a3.html", "pubDate": rfc822(5)},
    ]), etag='"feed-a-v1"', last_modified="Sat, 28 Nov 2026 01:00:00 GMT")
    # site b: Tuổi Trẻ style dates, Dân trí style prefix; one story duplicates a1 by title
    b.routes["/rss/xa-hoi.rss"] = Route(rss([
        {"title": TITLES["b1"], "link": b.url("/b1.html"), "pubDate": tuoitre_date(2),
         "description": "(Dân trí) - Phòng khám buổi tối."},
        {"title": TITLES["b2"], "link": b.url("/b2.html"), "pubDate": tuoitre_date(4)},
        {"title": TITLES["a1"], "link": b.url("/copy-a1.html"), "pubDate": tuoitre_date(1.5)},
    ]), etag='"feed-b-v1"')
    for key in ("a1", "a2", "a3"):
        a.routes[f"/{key}.html"] = Route(article_page(TITLES[key], PARAS[key],
                                                      caption="Ảnh minh họa. Ảnh: Thử"),
                                         ctype="text/html; charset=utf-8")
    for key in ("b1", "b2"):
        b.routes[f"/{key}.html"] = Route(article_page(TITLES[key], PARAS[key]),
                                         ctype="text/html; charset=utf-8")


def write_sources(sb, sites):
    """sites: list of (id, name, feed url)."""
    path = sb.path("sources.json")
    with open(path, "w") as f:
        json.dump({"category_names": {"xa-hoi": "Xã hội"},
                   "sources": [{"id": i, "name": n, "categories": {"xa-hoi": u}}
                               for i, n, u in sites]}, f, ensure_ascii=False)
    return path


sb = Sandbox()
a = NewsServer("127.0.0.1")
b = NewsServer("127.0.0.2")
try:
    setup_routes(a, b)
    src = write_sources(sb, [("sitea", "Báo A", a.url("/rss/xa-hoi.rss")),
                             ("siteb", "Báo B", b.url("/rss/xa-hoi.rss"))])
    env = {"DOCBAO_TIMEOUT_MS": "3000"}

    # --- list: order, duplicates, quirks -------------------------------------------------------
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--json", env=env)
    check(r.returncode == 0, "list --json exits 0", r.stderr.decode())
    items = json.loads(r.stdout or b"[]")
    titles = [i["title"] for i in items]
    want = [TITLES[k] for k in ("a1", "b1", "a2", "b2", "a3")]
    check(titles == want, "stories newest first across sites, duplicates removed",
          f"{titles}\nwant {want}")
    check(all(i["published"] and i["published"][19] in "+-Z" for i in items),
          "published is ISO 8601 with an offset", [i["published"] for i in items])
    check(all(set(i) == {"title", "url", "site", "category", "published"} for i in items),
          "list --json has the SPEC's keys")
    check(any(i["url"] == a.url("/a3.html") for i in items), "a relative link is made absolute")
    check(any(i["url"] == a.url("/a2.html") for i in items), "a whitespace-wrapped link is trimmed")

    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--limit", "2", env=env)
    lines = r.stdout.decode().strip().splitlines()
    check(r.returncode == 0 and len(lines) == 2 and lines[0].startswith("1. Báo A — "),
          "--limit 2 prints two numbered lines", r.stdout.decode())
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "-s", "siteb", "--json", env=env)
    check(r.returncode == 0 and {i["site"] for i in json.loads(r.stdout or b"[]")} == {"siteb"},
          "--source picks one site", r.stderr.decode())

    # --- 304 on the second run ----------------------------------------------------------------
    feed_reqs = [h for p, h in a.requests if p == "/rss/xa-hoi.rss"]
    check(len(feed_reqs) >= 2 and feed_reqs[-1].get("If-None-Match") == '"feed-a-v1"'
          and feed_reqs[-1].get("If-Modified-Since") == "Sat, 28 Nov 2026 01:00:00 GMT",
          "a second run sends If-None-Match and If-Modified-Since",
          feed_reqs[-1] if feed_reqs else None)
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--json", env=env)
    check(len(json.loads(r.stdout or b"[]")) == 5, "after 304 the stories come from the cache")

    # --- reading: the right stories in the right order, chrome dropped ------------------------
    wav = sb.path("news.wav")
    r = sb.run("--category", "xa-hoi", "--sources", src, "--limit", "3", "-v", "--export", wav,
               env=env)
    out = r.stdout.decode()
    check(r.returncode == 0, "docbao --category reads (export) and exits 0", r.stderr.decode())
    order = [l.split(" — ", 1)[1] for l in out.splitlines() if l.startswith("Article ")]
    check(order == want[:3], "stories are read newest first", f"{order}")
    check("Ảnh minh họa" not in out and "Chia sẻ" not in out and "Ý kiến" not in out,
          "captions, share bars and comments are not spoken")
    check(os.path.exists(wav) and os.path.getsize(wav) > 100000, "the news became audio")
    import wave
    with wave.open(wav) as w:
        check(w.getframerate() == 48000 and w.getnchannels() == 1,
              "the bulletin is 48 kHz mono", (w.getframerate(), w.getnchannels()))

    # --- heard marks: a bulletin marks nothing (heard is the listener's); listening does ------
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--json", env=env)
    left = [i["title"] for i in json.loads(r.stdout or b"[]")]
    check(left == want, "a bulletin does not mark its stories heard", left)
    sb.capture_audio()
    r = sb.run("--category", "xa-hoi", "--sources", src, "--limit", "3", "-q", env=env,
               stdin=b"")
    check(r.returncode == 0 and os.path.getsize(sb.capture) > 100000,
          "three stories are listened to their end", r.stderr.decode())
    sb.no_audio()
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--json", env=env)
    left = [i["title"] for i in json.loads(r.stdout or b"[]")]
    check(left == want[3:], "stories heard to the end are skipped next time", left)
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--json", "--all", env=env)
    check(len(json.loads(r.stdout or b"[]")) == 5, "--all lists heard stories again")

    # --- one bad feed among good ones ---------------------------------------------------------
    c = NewsServer("127.0.0.3")
    c.routes["/rss/xa-hoi.rss"] = Route(b"<html><body>Not a feed</body></html>",
                                        ctype="text/html")
    src_bad = write_sources(sb, [("sitea", "Báo A", a.url("/rss/xa-hoi.rss")),
                                 ("siteb", "Báo B", b.url("/rss/xa-hoi.rss")),
                                 ("site404", "Báo 404", a.url("/missing.rss")),
                                 ("site500", "Báo 500", a.url("/broken.rss")),
                                 ("sitehtml", "Báo HTML", c.url("/rss/xa-hoi.rss")),
                                 ("siteslow", "Báo Chậm", c.url("/slow.rss"))])
    a.routes["/broken.rss"] = Route(b"oops", status=500, ctype="text/plain")
    c.routes["/slow.rss"] = Route(rss([{"title": "Chậm", "link": c.url("/x.html"),
                                        "pubDate": rfc822(0)}]), delay=6)
    t0 = time.time()
    r = sb.run("list", "-c", "xa-hoi", "--sources", src_bad, "--json", "--all",
               env={"DOCBAO_TIMEOUT_MS": "1500"})
    elapsed = time.time() - t0
    err = r.stderr.decode()
    check(r.returncode == 0 and len(json.loads(r.stdout or b"[]")) == 5,
          "good feeds are listed despite 404, 500, HTML and slow feeds", err)
    for name in ("Báo 404", "Báo 500", "Báo HTML", "Báo Chậm"):
        check(sum(1 for l in err.splitlines() if name in l) == 1,
              f"one clear line for the failed source {name}", err)
    check(elapsed < bound(5), "a feed slower than the timeout does not hold the list", elapsed)
    c.close()

    # --- a rule that is not valid XPath: one warning at load, the rule ignored ----------------
    src_xp = sb.path("sources-xpath.json")
    with open(src_xp, "w") as f:
        json.dump({"sources": [
            {"id": "sitea", "name": "Báo A", "categories": {"xa-hoi": a.url("/rss/xa-hoi.rss")},
             "article": {"body": "//div[", "drop": ["//figcaption"]}},
            {"id": "siteb", "name": "Báo B", "categories": {"xa-hoi": b.url("/rss/xa-hoi.rss")},
             "article": {"body": "//article"}}]}, f, ensure_ascii=False)
    warning = (f"docbao: {src_xp}: site 'sitea': the rule body '//div[' is not a valid XPath; "
               "it is ignored.")
    r = sb.run("list", "-c", "xa-hoi", "--sources", src_xp, "--json", "--all", env=env)
    err = r.stderr.decode()
    check(r.returncode == 0 and len(json.loads(r.stdout or b"[]")) == 5,
          "a bad XPath rule does not stop the list", err)
    check(err.splitlines() == [warning], "a bad XPath rule: exactly one warning naming the "
          "file, the site and the rule (no libxml2 noise)", err)
    r = sb.run("categories", "--sources", src_xp, env={"LANGUAGE": "vi"})
    check(r.returncode == 0 and "không phải XPath hợp lệ" in r.stderr.decode() and
          len(r.stderr.decode().splitlines()) == 1, "the warning in Vietnamese with LANGUAGE=vi",
          r.stderr.decode())

    # --- a full disk: "no space left on device", not "input/output error" ---------------------
    full = sb.path("full")
    os.mkdir(full)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full],
                             capture_output=True).returncode == 0
    if not mounted:
        print("ok # skip a full disk: a 64k tmpfs cannot be mounted here (needs root)")
    try:
        if mounted:
            fd = os.open(os.path.join(full, "fill"), os.O_WRONLY | os.O_CREAT)
            try:  # the disk is full from the start
                while os.write(fd, b"\0" * 4096) > 0:
                    pass
            except OSError:
                pass
            os.close(fd)
            bantin = os.path.join(full, "bantin.wav")
            r = sb.run("--category", "xa-hoi", "--sources", src, "--all", "--limit", "1", "-q",
                       "--export", bantin, env=env)
            err = r.stderr.decode()
            check(r.returncode == 1 and err == f"docbao: cannot write the bulletin {bantin}: no "
                  "space left on device. Free some space on its disk (or in the temporary folder "
                  f"{sb.env.get('TMPDIR') or '/tmp'}), or write it to another disk.\n",
                  "a bulletin on a full disk: one line saying no space is left, exit 1", err)
            check(sorted(os.listdir(full)) == ["fill"], "a bulletin on a full disk leaves no file",
                  os.listdir(full))
            r = sb.run("--category", "xa-hoi", "--sources", src, "--all", "--limit", "1", "-q",
                       "--export", sb.path("tmpfull.wav"), env={**env, "TMPDIR": full})
            err = r.stderr.decode()
            check(r.returncode == 1 and "no space left on device" in err and full in err and
                  len(err.splitlines()) == 1 and not os.path.exists(sb.path("tmpfull.wav")),
                  "a bulletin with a full temporary folder: the same line, naming it", err)
            x = os.path.join(full, "x.wav")
            r = sb.run("read", "-q", "-o", x, os.path.join(ROOT, "samples", "bai-mau.html"))
            err = r.stderr.decode()
            check(r.returncode == 1 and err == f"docbao: cannot write {x}: no space left on "
                  "device. Free some space on its disk, or write it to another disk.\n",
                  "read -o on a full disk: one line saying no space is left, exit 1", err)
            r = sb.run("read", "-q", "-o", x, os.path.join(ROOT, "samples", "bai-mau.html"),
                       env={"LANGUAGE": "vi"})
            check(r.returncode == 1 and "hết chỗ trống" in r.stderr.decode(),
                  "the full-disk line in Vietnamese with LANGUAGE=vi", r.stderr.decode())
            r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--json", "--all",
                       env={**env, "XDG_CACHE_HOME": full})
            err = r.stderr.decode()
            check(r.returncode == 0 and len(json.loads(r.stdout or b"[]")) == 5 and
                  [l for l in err.splitlines() if "cache" in l] ==
                  ["docbao: the cache cannot be opened (no space left on device); continuing "
                   "without it: nothing will be remembered."],
                  "a cache on a full disk: the stories are listed, one line says no space is "
                  "left", err)
    finally:
        if mounted:
            subprocess.run(["umount", full])

    # --- unknown category ---------------------------------------------------------------------
    r = sb.run("list", "-c", "khong-co", "--sources", src, env=env)
    check(r.returncode == 2 and b"xa-hoi" in r.stderr, "an unknown category lists the known ones",
          r.stderr.decode())
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "-s", "nope", env=env)
    check(r.returncode == 2 and b"nope" in r.stderr, "an unknown site is bad usage")
    r = sb.run("categories", "--sources", src, "--json")
    cats = json.loads(r.stdout or b"{}")
    check(r.returncode == 0 and cats.get("categories", [{}])[0].get("slug") == "xa-hoi",
          "categories --json lists the categories", r.stdout.decode())
    r = sb.run("categories")
    check(r.returncode == 0 and b"xa-hoi" in r.stdout and b"VnExpress" in r.stdout,
          "the built-in sources list xa-hoi and VnExpress", r.stderr.decode())

    # --- a cache left by a killed process -----------------------------------------------------
    # stories not yet downloaded are slow: the run is killed while waiting for them
    a.routes["/a3.html"].delay = 5
    b.routes["/b2.html"].delay = 5
    p = subprocess.Popen([DOCBAO, "--category", "xa-hoi", "--sources", src, "--all", "-q",
                          "--export", sb.path("killed.wav")], env={**sb.env, **env},
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    a.routes["/a3.html"].delay = 0
    b.routes["/b2.html"].delay = 0
    db = os.path.join(sb.dir, "cache", "docbao", "cache.db")
    con = sqlite3.connect(db)
    ok = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    check(ok == "ok", "the cache passes integrity_check after kill -9", ok)
    check(not os.path.exists(sb.path("killed.wav")), "a killed export leaves no file")
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--json", "--all", env=env)
    check(r.returncode == 0 and len(json.loads(r.stdout or b"[]")) == 5,
          "docbao works after a killed run", r.stderr.decode())

    # --- offline: the servers stop --------------------------------------------------------------
    a.close()
    b.close()
    r = sb.run("list", "-c", "xa-hoi", "--sources", src, "--all", env={"DOCBAO_TIMEOUT_MS": "1000"})
    err = r.stderr.decode()
    check(r.returncode == 0 and "saved earlier" in err and
          len(r.stdout.decode().strip().splitlines()) >= 3,
          "with no network the saved stories are listed and the user is told", err)
    r = sb.run("--category", "xa-hoi", "--sources", src, "--all", "-v", "--export",
               sb.path("offline.wav"), env={"DOCBAO_TIMEOUT_MS": "1000"})
    check(r.returncode == 0 and TITLES["a1"] in r.stdout.decode(),
          "with no network the saved articles are read", r.stderr.decode())
    r = sb.run("--category", "xa-hoi", "--sources", src, "--offline", "--all", "-q", "--export",
               sb.path("offline2.wav"))
    check(r.returncode == 0 and os.path.exists(sb.path("offline2.wav")),
          "--offline reads the saved articles without the network", r.stderr.decode())
finally:
    sb.close()
done()
