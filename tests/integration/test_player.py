#!/usr/bin/env python3
"""Listening with the keyboard, for real: docbao runs in tmux, plays through ALSA's default
device (the "auto" output; then --output portaudio and alsa) → ALSA's pulse plugin → a private PulseAudio null sink recorded with parec. Keys are typed with
tmux send-keys; the screen is read with capture-pane; the recording tells what was heard."""
import email.utils
import json
import os
import re
import subprocess
import time

from lib import (DOCBAO, NewsServer, Pulse, Route, Sandbox, Tmux, article_page, check, done,
                 rss)

RATE = 22050
NOW = time.time()
NUMS = ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một",
        "mười hai"]
TITLES = ["Thành phố mở thêm tuyến xe buýt ban đêm",
          "Thư viện tỉnh kéo dài giờ mở cửa",
          "Chợ phiên cuối tuần trở lại phố cổ"]


def sentences(k):
    return [f"Đây là câu số {NUMS[i]} của bài thứ {NUMS[k]}, được viết đủ dài để đo tốc độ đọc "
            f"của chương trình." for i in range(12)]


def silent(s, thr=120):
    return max((abs(x) for x in s), default=0) < thr


def loud(s):
    return max((abs(x) for x in s), default=0) > 1500


sb = Sandbox()
srv = NewsServer("127.0.0.1")
pulse = None
tm = None
try:
    items = []
    for k, t in enumerate(TITLES):
        items.append({"title": t, "link": srv.url(f"/s{k}.html"),
                      "pubDate": email.utils.formatdate(NOW - (k + 1) * 600)})
        srv.routes[f"/s{k}.html"] = Route(article_page(t, sentences(k)),
                                          ctype="text/html; charset=utf-8")
    srv.routes["/feed.rss"] = Route(rss(items))
    src = sb.path("sources.json")
    with open(src, "w") as f:
        json.dump({"sources": [{"id": "thu", "name": "Báo Thử",
                                "categories": {"xa-hoi": srv.url("/feed.rss")}}]}, f)

    pulse = Pulse(sb)
    pulse.record()
    before, after = sb.path("stty-before"), sb.path("stty-after")
    cmd = (f"stty -g > {before}; {DOCBAO} -c xa-hoi --sources {src} --all -v; "
           f"echo EXIT=$?; stty -g > {after}; sleep 60")
    tm = Tmux(sb, cmd, sb.env)
    check(tm.wait_for("Article 1/3 — " + TITLES[0], 15), "the first story is announced on screen",
          tm.screen())
    time.sleep(2.0)
    recent = pulse.samples()[-RATE // 2:]
    check(loud(recent), "speech is heard through PulseAudio")

    # --- Space: silent within 150 ms, and stays silent until the next Space ----------------------
    k0 = pulse.position()
    tm.keys("Space")
    time.sleep(1.2)
    s = pulse.samples()
    gap = RATE * 400 // 1000
    start = None
    for i in range(max(k0 - RATE // 10, 0), len(s) - gap, RATE // 200):
        if silent(s[i:i + gap]):
            start = i
            break
    latency = (start - k0) / RATE * 1000 if start is not None else None
    check(latency is not None and latency <= 150, "Space silences the audio within 150 ms",
          f"latency {latency} ms")
    check(start is not None and silent(s[start:len(s)]), "paused audio stays silent")
    check(tm.wait_for("Paused", 2), "the pause is printed")
    k1 = pulse.position()
    tm.keys("Space")
    time.sleep(1.0)
    check(loud(pulse.samples()[k1:k1 + RATE]), "Space again resumes the speech")

    # --- n / Right --------------------------------------------------------------------------
    tm.keys("n")
    check(tm.wait_for("Article 2/3 — " + TITLES[1], 3), "n moves to the next article")
    check(tm.wait_for("» " + TITLES[1], 3) or tm.wait_for(TITLES[1].lower(), 1),
          "the new article's title is spoken next")
    time.sleep(1.0)
    check(loud(pulse.samples()[-RATE // 2:]), "the next article is heard")
    tm.keys("Right")
    time.sleep(0.5)

    # --- ] ×5 shortens sentences ----------------------------------------------------------------
    def sentence_times(screen):
        return re.findall(r"» (Đây là câu số [^,]+)", screen)

    def durations(n_lines, timeout):
        """Times between consecutive new sentence lines."""
        seen = len(sentence_times(tm.screen()))
        stamps = []
        end = time.time() + timeout
        while time.time() < end and len(stamps) < n_lines:
            c = len(sentence_times(tm.screen()))
            if c > seen:
                stamps.append(time.time())
                seen = c
            time.sleep(0.02)
        return [b - a for a, b in zip(stamps, stamps[1:])]

    slow = durations(3, 30)
    tm.keys("]", "]", "]", "]", "]")
    check(tm.wait_for("Speed 1.6", 3), "] ×5 prints the new speed 1.6", tm.screen()[-400:])
    durations(1, 15)  # let the sentence cut by the change pass
    fast = durations(3, 30)
    if slow and fast:
        ratio = (sum(fast) / len(fast)) / (sum(slow) / len(slow))
        check(ratio < 0.8, "] ×5 shortens the sentences (ratio %.2f)" % ratio,
              f"slow {slow} fast {fast}")
    else:
        check(False, "sentence timings were measured", f"slow {slow} fast {fast}")

    # --- q, then start again: the same place -------------------------------------------------------
    tm.keys("i")
    check(tm.wait_for("Article 2 of 3, sentence", 3), "i prints where we are")
    m = re.findall(r"Article (\d+) of 3, sentence (\d+) of", tm.screen())
    place = m[-1] if m else None
    tm.keys("q")
    check(tm.wait_for("EXIT=0", 10), "q quits with status 0", tm.screen()[-500:])
    time.sleep(0.3)
    check(os.path.exists(after) and open(before).read() == open(after).read(),
          "the terminal mode is restored after quitting")
    tm.close()

    cmd2 = (f"{DOCBAO} -c xa-hoi --sources {src} --all; echo EXIT=$?; sleep 60")
    tm = Tmux(sb, cmd2, sb.env)
    check(tm.wait_for("Continuing: " + TITLES[1], 15), "a new start continues the story",
          tm.screen())
    time.sleep(0.5)
    tm.keys("?")
    check(tm.wait_for("Keys: Space, p: pause / resume; Right, l: next sentence;", 3),
          "? prints the keys of the command table", tm.screen()[-500:])
    tm.keys("i")
    check(tm.wait_for("Article 2 of 3, sentence", 3), "i prints the place after the restart")
    m = re.findall(r"Article (\d+) of 3, sentence (\d+) of", tm.screen())
    check(place is not None and m and m[-1] == place, "it resumes at the same sentence",
          f"before {place}, after {m[-1] if m else None}")
    tm.keys("C-c")
    check(tm.wait_for("EXIT=130", 10), "Ctrl-C quits (status 130)", tm.screen()[-300:])
    tm.close()

    # --- the other sound-card driver: --output portaudio plays and pauses the same way --------
    for out in ("portaudio", "alsa"):
        cmd3 = (f"{DOCBAO} -c xa-hoi --sources {src} --all --output {out}; echo EXIT=$?; "
                f"sleep 60")
        tm = Tmux(sb, cmd3, sb.env)
        check(tm.wait_for("Article", 15), f"--output {out}: the story is announced", tm.screen())
        time.sleep(2.0)
        check(loud(pulse.samples()[-RATE // 2:]), f"--output {out}: speech is heard")
        tm.keys("Space")
        check(tm.wait_for("Paused", 3), f"--output {out}: Space pauses")
        time.sleep(0.5)
        k2 = pulse.position()
        time.sleep(0.6)
        check(silent(pulse.samples()[k2:]), f"--output {out}: the paused output is silent")
        if out == "alsa":
            # a long pause gives the sound card back (no stream left on the sound server);
            # Space opens it again and the speech goes on
            pe = dict(os.environ)
            pe.update(pulse.env)

            def streams():
                r = subprocess.run(["pactl", "list", "short", "sink-inputs"], env=pe,
                                   capture_output=True, text=True)
                return [x for x in r.stdout.splitlines() if x.strip()]
            check(streams(), "while playing, docbao has a stream on the sound server")
            time.sleep(6.5)
            check(not streams(), "paused 5 s, the sound card is released", streams())
            k3 = pulse.position()
            tm.keys("Space")
            time.sleep(1.5)
            check(loud(pulse.samples()[k3:]), "Space after the release plays again")
            check(streams(), "... on a new stream")
        tm.keys("q")
        check(tm.wait_for("EXIT=0", 10), f"--output {out}: q quits with status 0",
              tm.screen()[-300:])
        tm.close()

    # --- every key answers, in Vietnamese with LANGUAGE=vi: printed and spoken; --headlines
    # waits at the end of the list for a key ------------------------------------------------
    def heard_after(k, seconds):
        time.sleep(seconds)
        return loud(pulse.samples()[k:])

    def key_answer(key, text, what):
        k = pulse.position()
        tm.keys(key)
        check(tm.wait_for(text, 3), f"{what}: '{text}' is printed", tm.screen()[-600:])
        check(heard_after(k, 1.5), f"{what}: the answer is spoken")

    venv = dict(sb.env)
    venv["LANGUAGE"] = "vi"
    cmd4 = (f"{DOCBAO} -c xa-hoi --sources {src} --all --headlines; echo EXIT=$?; sleep 60")
    tm = Tmux(sb, cmd4, venv)
    check(tm.wait_for("Bài 1/3 — " + TITLES[0], 15), "--headlines in Vietnamese: the first title",
          tm.screen())
    tm.keys("Space")
    check(tm.wait_for("Tạm dừng", 3), "(paused)")
    time.sleep(0.5)
    key_answer("Up", "Đây là bài đầu tiên", "Up on the first story, paused")
    check(silent(pulse.samples()[-RATE // 2:]) and "Tiếp tục" not in tm.screen(),
          "the answer does not resume a paused player")
    key_answer("BSpace", "Tốc độ bình thường 1,0", "Backspace at 1.0")
    tm.keys("{")
    check(tm.wait_for("Tốc độ 0,5", 3), "{ halves the speed to 0,5")
    key_answer("[", "Tốc độ thấp nhất 0,5", "[ at 0.5")
    key_answer("{", "Tốc độ thấp nhất 0,5", "{ at 0.5")
    tm.keys("}", "}", "}")
    check(tm.wait_for("Tốc độ 4,0", 3), "} ×3 reaches 4,0")
    key_answer("]", "Tốc độ cao nhất 4,0", "] at 4.0")
    key_answer("}", "Tốc độ cao nhất 4,0", "} at 4.0")
    key_answer("r", "Đọc lại câu", "r")
    tm.keys("Space")
    end = "Hết danh sách. Enter: đọc bài này, mũi tên lên: quay lại, q: thoát."
    check(tm.wait_for(end, 30), "at the end of the headlines the keys are said once",
          tm.screen()[-600:])
    time.sleep(4.0)
    check(tm.screen().count(end) == 1 and "EXIT=" not in tm.screen(),
          "... and docbao waits (it did not end 2 s after the last title)", tm.screen()[-400:])
    check(silent(pulse.samples()[-RATE:]), "... silently")
    key_answer("Down", "Đây là bài cuối", "Down on the last story at the end")
    tm.keys("Enter")
    check(tm.wait_for("Đọc toàn bài: " + TITLES[2], 3), "Enter reads the last story in full")
    time.sleep(1.5)
    check(loud(pulse.samples()[-RATE // 2:]), "... which is heard")
    k = pulse.position()
    t0 = time.time()
    tm.keys("q")
    check(tm.wait_for("Tạm biệt", 3), "q prints Tạm biệt")
    check(tm.wait_for("EXIT=0", 5) and time.time() - t0 < 2.5,
          "q ends at once after the goodbye (%.1f s)" % (time.time() - t0), tm.screen()[-300:])
    check(loud(pulse.samples()[k:]), "the goodbye is heard")
    tm.close()

    tm = None
    r = subprocess.run([DOCBAO, "--output", "oss", "-c", "xa-hoi", "--sources", src],
                       env=sb.env, capture_output=True, text=True, timeout=20)
    check(r.returncode == 2 and "--output" in r.stderr, "an unknown --output is a usage error",
          r.stderr)
finally:
    if tm:
        tm.close()
    if pulse:
        pulse.close()
    srv.close()
    sb.close()
done()
