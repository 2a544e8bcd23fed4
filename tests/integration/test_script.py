#!/usr/bin/env python3
"""One spoken script (issue 18): the player (`docbao read` at a terminal), `docbao read`
into a file (no player) and the bulletin writer (`--export`) speak the same cues for the same
stories — the title as one sentence, 700 ms after it, 250 ms between paragraphs, 1500 ms
between stories — as each reports them in DOCBAO_CUES (script.h). The only difference
allowed is the last story's closing gap, which `read` into a file leaves out."""
import json
import os

from lib import (DOCBAO, NewsServer, Route, Sandbox, Tmux, article_page, check, done, rfc822,
                 rss)

sb = Sandbox()
srv = NewsServer("127.0.0.1")
STORIES = [
    ("Thành phố mở thêm hai tuyến xe buýt điện",
     ["Hai tuyến mới chạy từ sáng mai. Mỗi chuyến cách nhau mười lăm phút.",
      "Giá vé là bảy nghìn đồng một lượt."]),
    ("Thư viện tỉnh kéo dài giờ mở cửa",
     ["Thư viện mở đến chín giờ tối.", "Bạn đọc được mượn sách nói.",
      "Phòng đọc cho trẻ em mở cả ngày chủ nhật."]),
]
files = []
for i, (title, paras) in enumerate(STORIES):
    page = article_page(title, paras)
    srv.routes[f"/bai-{i}.html"] = Route(page, ctype="text/html; charset=utf-8")
    path = sb.path(f"bai-{i}.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    files.append(path)
srv.routes["/rss/xa-hoi.rss"] = Route(rss([
    {"title": t, "link": srv.url(f"/bai-{i}.html"), "pubDate": rfc822(1 + i)}
    for i, (t, _) in enumerate(STORIES)]))
src = sb.path("sources.json")
with open(src, "w") as f:
    json.dump({"category_names": {"xa-hoi": "Xã hội"},
               "sources": [{"id": "baothu", "name": "Báo Thử",
                            "categories": {"xa-hoi": srv.url("/rss/xa-hoi.rss")}}]},
              f, ensure_ascii=False)


def cues(path):
    """story number -> its cue lines, in the order spoken."""
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                story, rest = line.rstrip("\n").split(" ", 1)
                out.setdefault(int(story), []).append(rest)
    except OSError:
        pass
    return out


try:
    # the bulletin writer
    trace = sb.path("export.cues")
    r = sb.run("-c", "xa-hoi", "--sources", src, "--export", sb.path("b.wav"),
               env={"DOCBAO_CUES": trace})
    bulletin = cues(trace)
    check(r.returncode == 0 and sorted(bulletin) == [1, 2], "the bulletin speaks both stories",
          r.stderr.decode()[-400:])

    # `read` into a file: no player
    trace = sb.path("read.cues")
    r = sb.run("read", *files, "-o", sb.path("r.wav"), env={"DOCBAO_CUES": trace})
    piped = cues(trace)
    check(r.returncode == 0 and sorted(piped) == [1, 2], "read -o speaks both stories",
          r.stderr.decode()[-400:])

    # the player, at a terminal, into ALSA's file plugin (no sound card needed)
    sb.capture_audio()
    trace = sb.path("player.cues")
    env = dict(sb.env, DOCBAO_CUES=trace)
    tm = Tmux(sb, f"{DOCBAO} read {files[0]} {files[1]} --output alsa; echo EXIT=$?; sleep 30",
              env)
    check(tm.wait_for("EXIT=0", 60), "the player reads both and ends", tm.screen()[-400:])
    tm.close()
    player = cues(trace)

    want = bulletin.get(1, []), bulletin.get(2, [])
    check(want[0][:2] == ["mark 0", "say " + "thành phố mở thêm hai tuyến xe buýt điện"]
          or (want[0][:1] == ["mark 0"] and want[0][1].startswith("say ")),
          "a story starts with its title's mark and the title", want[0][:3])
    check("pause 700" in want[0] and "pause 250" in want[0] and want[0][-1] == "pause 1500",
          "the bulletin's pauses: 700 after the title, 250 between paragraphs, 1500 after",
          want[0])
    check(sum(c.startswith("say ") for c in want[0]) == 4 and want[0].count("mark 1") == 1 and
          want[0].count("mark 2") == 1, "the title once, then each sentence, each paragraph "
          "marked", want[0])
    check(player.get(1) == want[0] and player.get(2) == want[1],
          "the player speaks the bulletin's cues", (player, bulletin))
    check(piped.get(1) == want[0] and piped.get(2) == want[1][:-1] and
          want[1][-1] == "pause 1500",
          "read -o speaks the same cues, without the closing gap after the last story",
          (piped, bulletin))
finally:
    srv.close()
done()
