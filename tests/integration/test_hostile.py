#!/usr/bin/env python3
"""Hostile servers (issue 10): feeds and article pages from servers that misbehave — error
statuses, redirect loops and redirects to other schemes, a body that drips, a 1 GB body, a gzip
bomb, a truncated body, broken encodings, malformed XML, HTML for a feed, an empty 200, a TLS
certificate that does not verify and a name that does not resolve. Each run must end in bounded
time and memory with one clear line per failed source on stderr, and the good sources must still
be listed (or read)."""
import json
import os
import subprocess

from lib import (HostileServer, NewsServer, Route, Sandbox, article_page, bound, check, done,
                 rfc822, rss, run_measured)

MAX_RSS_MB = 200
TIMEOUT_MS = 5000

sb = Sandbox()
good = NewsServer("127.0.0.1")
bad = HostileServer("127.0.0.2")
cert, key = sb.path("cert.pem"), sb.path("key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1"],
               check=True, capture_output=True, timeout=60)
tls = HostileServer("127.0.0.1", tls=(cert, key))

GOOD = {
    "g1": ("Thành phố mở thêm tuyến xe buýt điện", ["Tuyến xe mới chạy từ sáng nay.",
                                                   "Giá vé bằng xe buýt thường."]),
    "g2": ("Thư viện xanh mở cửa cho học sinh", ["Thư viện có hai nghìn đầu sách.",
                                                "Học sinh được mượn sách về nhà."]),
    "g3": ("Chợ phiên cuối tuần đông khách", ["Chợ họp từ năm giờ sáng.",
                                             "Người bán mang rau từ vườn nhà."]),
}
for k, (title, paras) in GOOD.items():
    good.routes[f"/{k}.html"] = Route(article_page(title, paras), ctype="text/html; charset=utf-8")


def item(key, hours_ago):
    return {"title": GOOD[key][0], "link": good.url(f"/{key}.html"),
            "pubDate": rfc822(hours_ago)}


good.routes["/good1.rss"] = Route(rss([item("g1", 1), item("g2", 2)]))
good.routes["/good2.rss"] = Route(rss([item("g3", 3)]))
GOOD_TITLES = {GOOD[k][0] for k in GOOD}

FEED = rss([{"title": "Tin từ máy chủ xấu", "link": "http://127.0.0.2/x.html",
             "pubDate": rfc822(4)}]).encode()
with open(os.path.join(os.path.dirname(__file__), "..", "data", "feeds", "invalid-utf8.rss"),
          "rb") as f:
    INVALID_UTF8 = f.read()
GIB = 1 << 30

# (path, mode, must fail): a source that must fail prints exactly one line naming it; one that
# may parse (broken encodings are repaired) prints at most one.
CASES = [
    ("404", ("status", 404), True),
    ("500", ("status", 500), True),
    ("redirect loop", ("redirect", "/loop"), True),
    ("redirect to file", ("redirect", "file:///etc/passwd"), True),
    ("redirect to ftp", ("redirect", "ftp://127.0.0.2/feed.rss"), True),
    ("drip", ("drip", FEED, 1.0), True),
    ("1 GB body", ("huge", GIB, b'<?xml version="1.0"?><rss><channel>'), True),
    ("1 GB body without a length", ("huge", GIB, b'<?xml version="1.0"?><rss>', False), True),
    ("gzip bomb", ("gzip-bomb", 10 * GIB), True),
    ("truncated", ("truncated", FEED[:len(FEED) // 2], len(FEED) + 5000), True),
    ("invalid UTF-8", ("body", INVALID_UTF8, "application/rss+xml; charset=utf-8"), False),
    ("wrong charset", ("body", FEED, "application/rss+xml; charset=windows-1252"), False),
    ("malformed XML", ("body", b"<rss><channel><item><title>a</titl></item>", "text/xml"), True),
    ("HTML as a feed", ("body", article_page("Trang", ["Không phải RSS."]).encode(),
                        "text/html; charset=utf-8"), True),
    ("empty 200", ("body", b"", "application/rss+xml"), True),
]
paths = {}
for i, (name, mode, _) in enumerate(CASES):
    path = "/loop" if mode == ("redirect", "/loop") else f"/case{i}.rss"
    bad.modes[path] = mode
    paths[name] = bad.url(path)
tls.modes["/feed.rss"] = ("body", FEED, "application/rss+xml")
CASES.append(("TLS failure", None, True))
paths["TLS failure"] = tls.url("/feed.rss")
CASES.append(("name that does not resolve", None, True))
paths["name that does not resolve"] = "http://nonexistent.invalid/feed.rss"


def write_sources(name, sites):
    path = sb.path(name)
    with open(path, "w") as f:
        json.dump({"category_names": {"xa-hoi": "Xã hội"},
                   "sources": [{"id": i, "name": n, "categories": {"xa-hoi": u}}
                               for i, n, u in sites]}, f, ensure_ascii=False)
    return path


env = {"DOCBAO_TIMEOUT_MS": str(TIMEOUT_MS)}
# the drip sends one byte a second: it must be cut by the timeout, not read to its end
limit = TIMEOUT_MS / 1000.0 + 6
try:
    # --- feeds ----------------------------------------------------------------------------------
    for name, mode, must_fail in CASES:
        label = f"Báo Xấu {name}"
        src = write_sources("sources.json", [("good1", "Báo Tốt Một", good.url("/good1.rss")),
                                             ("bad", label, paths[name]),
                                             ("good2", "Báo Tốt Hai", good.url("/good2.rss"))])
        r, secs, rss_mb = run_measured(sb, "list", "-c", "xa-hoi", "--sources", src, "--all",
                                       "--json", env=env, timeout=60)
        err = r.stderr.decode("utf-8", "replace")
        try:
            items = json.loads(r.stdout or b"[]")
        except ValueError:
            items = []
        titles = {i["title"] for i in items}
        check(r.returncode == 0 and GOOD_TITLES <= titles,
              f"{name}: the good sources are still listed", f"rc {r.returncode}\n{err}")
        lines = [l for l in err.splitlines() if label in l]
        if must_fail:
            check(len(lines) == 1, f"{name}: one clear line for the failed source", err)
        else:
            check(len(lines) <= 1, f"{name}: at most one line for the source", err)
        check(secs < bound(limit), f"{name}: ends in bounded time ({secs:.1f} s)", err)
        check(rss_mb < bound(MAX_RSS_MB), f"{name}: bounded memory ({rss_mb:.0f} MB)")
        if os.environ.get("HOSTILE_VERBOSE"):
            print("# " + " | ".join(lines))

    sent = bad.sent.get("/case7.rss", 0)
    check(sent < 256 << 20, f"the 1 GB body was cut near the cap ({sent >> 20} MiB sent)")
    check(not any(p.startswith("/etc") for p in bad.requests),
          "a redirect to file:// is not followed")

    # --- articles: a story whose page is hostile is skipped, the others are read ---------------
    story_cases = ["404", "drip", "1 GB body", "gzip bomb", "truncated", "redirect to file",
                   "TLS failure", "name that does not resolve", "empty 200"]
    items = [{"title": GOOD["g1"][0], "link": good.url("/g1.html"),
              "pubDate": rfc822(0)}]
    for i, name in enumerate(story_cases):
        url = paths[name].replace(".rss", ".html") if name not in (
            "TLS failure", "name that does not resolve") else paths[name]
        if url != paths[name]:
            bad.modes[url.split(str(bad.port), 1)[1]] = bad.modes[paths[name].split(
                str(bad.port), 1)[1]]
        items.append({"title": f"Bài hỏng số {i + 1}", "link": url,
                      "pubDate": rfc822(0.5 + i / 60)})
    items.append({"title": GOOD["g2"][0], "link": good.url("/g2.html"),
                  "pubDate": rfc822(2)})
    good.routes["/stories.rss"] = Route(rss(items))
    src = write_sources("stories.json", [("good1", "Báo Tốt", good.url("/stories.rss"))])
    wav = sb.path("stories.wav")
    # a fresh cache: only this feed's stories, and a longer timeout than the feeds' (eleven
    # pages at once; a sanitizer build is slow): the drip must still be cut by it
    senv = {"DOCBAO_TIMEOUT_MS": "8000", "XDG_CACHE_HOME": sb.path("cache-stories")}
    r, secs, rss_mb = run_measured(sb, "-c", "xa-hoi", "--sources", src, "--all", "-v",
                                   "--export", wav, env=senv, timeout=180)
    out = r.stdout.decode("utf-8", "replace")
    err = r.stderr.decode("utf-8", "replace")
    check(r.returncode == 0, "stories: the export ends well", f"rc {r.returncode}\n{err}")
    read = [l.split(" — ", 1)[1] for l in out.splitlines() if l.startswith("Article ")]
    check(GOOD["g1"][0] in read and GOOD["g2"][0] in read,
          "stories: the good stories are read", f"{read}\n{err}")
    check(not any(t.startswith("Bài hỏng") for t in read), "stories: hostile pages are not read",
          read)
    for i, name in enumerate(story_cases):
        n = sum(1 for l in err.splitlines() if f"Bài hỏng số {i + 1}" in l)
        check(n == 1, f"stories: one line for the skipped story ({name})", err)
    check(os.path.exists(wav) and os.path.getsize(wav) > 10000, "stories: the bulletin is written")
    check(secs < bound(60), f"stories: the run ends in bounded time ({secs:.1f} s)")
    check(rss_mb < bound(MAX_RSS_MB), f"stories: bounded memory ({rss_mb:.0f} MB)")
finally:
    good.close()
    bad.close()
    tls.close()
    sb.close()
done()
