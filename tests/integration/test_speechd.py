#!/usr/bin/env python3
"""docbao --output speechd against a real speech-dispatcher: the test starts its own server
(foreground, private configuration, socket, pid file and logs) whose only output module is a
recorder written here — a small program speaking speech-dispatcher's module protocol on
stdin/stdout (INIT, SET, SPEAK, STOP, ...; events 701 BEGIN, 702 END, 703 STOP) that logs
every message and "speaks" it for a time that depends on the rate. The server's
configuration sets DefaultRate 20: the user's own rate, which docbao must keep at speed 1.0.

docbao runs with its keys on a pipe and its status lines read from its standard output; the
sandbox has no sound card, so every sound would have to go through speech-dispatcher."""
import email.utils
import json
import os
import shutil
import subprocess
import sys
import threading
import time

from lib import DOCBAO, NewsServer, Route, Sandbox, article_page, check, done, rss

USER_RATE = 20
TITLES = ["Thành phố mở thêm tuyến xe buýt điện",
          "Thư viện tỉnh kéo dài giờ mở cửa"]
PARAS = [
    ["Thành phố có 1.100 xe buýt điện chạy trên 25 tuyến.",
     "Mỗi ngày các tuyến chở khoảng 20.000 hành khách đi làm và đi học.",
     "Giá vé vẫn giữ ở mức 7.000 đồng cho một lượt đi.",
     "Sở Giao thông cho biết sẽ mở thêm 3 tuyến vào tháng sau.",
     "Người dân có thể tra lịch chạy xe trên trang thông tin của thành phố.",
     "Các tuyến mới sẽ đi qua những khu dân cư đông đúc nhất.",
     "Xe buýt điện không thải khói và chạy êm hơn xe cũ.",
     "Nhiều người lớn tuổi cho biết họ thích đi xe buýt hơn trước.",
     "Thành phố dự định thay hết xe cũ trong vòng 2 năm tới."],
    ["Thư viện tỉnh mở cửa đến 21 giờ các ngày trong tuần.",
     "Bạn đọc được mượn tối đa 5 cuốn sách một lần.",
     "Thư viện cũng mở thêm phòng đọc cho trẻ em vào cuối tuần."],
]

MODULE = r'''#!/usr/bin/env python3
# A speech-dispatcher output module that records what it is asked to say.
import html, json, os, re, select, sys, time
LOG = %(log)r
PACE = %(pace)r
log = open(LOG, "a", buffering=1)
def note(ev, **kw):
    kw.update(ev=ev, t=time.time())
    log.write(json.dumps(kw, ensure_ascii=False) + "\n")
buf = b""
def line(block):
    global buf
    while b"\n" not in buf:
        if not block and not select.select([0], [], [], 0)[0]:
            return ""
        chunk = os.read(0, 65536)
        if not chunk:
            sys.exit(0)
        buf += chunk
    l, buf = buf.split(b"\n", 1)
    return l.decode("utf-8", "replace")
def data():
    out = []
    while True:
        l = line(True)
        if l == ".":
            return out
        out.append(l[1:] if l.startswith("..") else l)
def send(*lines):
    sys.stdout.write("".join(l + "\n" for l in lines))
    sys.stdout.flush()
settings = {}
speaking = None  # the time the message in progress ends
line(True)  # INIT
send("299-recorder ready", "299 OK LOADED SUCCESSFULLY")
while True:
    timeout = None if speaking is None else max(0.0, speaking - time.time())
    if not buf and not select.select([0], [], [], timeout)[0]:
        speaking = None
        note("end")
        send("702 END")
        continue
    c = line(True).strip()
    if c in ("SPEAK", "CHAR", "KEY", "SOUND_ICON"):
        if speaking is not None:
            speaking = None
            note("end")
            send("702 END")
        send("202 OK RECEIVING MESSAGE")
        text = html.unescape(re.sub(r"<[^>]*>", "", "\n".join(data()))).strip()
        rate = int(settings.get("rate", "0"))
        try:
            pace = float(open(PACE).read())
        except (OSError, ValueError):
            pace = 1.0
        note("speak", text=text, rate=rate)
        speaking = time.time() + pace * max(len(text), 10) / 50 / 2 ** (rate / 50)
        send("200 OK SPEAKING", "701 BEGIN")
    elif c in ("STOP", "PAUSE"):
        if speaking is not None:
            speaking = None
            note("stop")
            send("703 STOP" if c == "STOP" else "704 PAUSE")
    elif c == "SET":
        send("203 OK RECEIVING SETTINGS")
        for kv in data():
            k, _, v = kv.partition("=")
            settings[k] = v
        send("203 OK SETTINGS RECEIVED")
    elif c == "AUDIO":
        send("207 OK RECEIVING AUDIO SETTINGS")
        data()
        send("203 OK AUDIO INITIALIZED")
    elif c == "LOGLEVEL":
        send("207 OK RECEIVING LOGLEVEL SETTINGS")
        data()
        send("203 OK LOGLEVEL SET")
    elif c.startswith("LIST VOICES"):
        send("200-recorder\tvi\tnone", "200 OK VOICE LIST SENT")
    elif c.startswith("DEBUG"):
        send("200 OK DEBUGGING ON")
    elif c == "QUIT":
        send("210 OK QUIT")
        break
    else:
        send("300 ERR UNKNOWN COMMAND")
'''


class SpeechDispatcher:
    """A private speech-dispatcher in the foreground with the recording module."""

    def __init__(self, sb):
        self.sb = sb
        self.conf = sb.path("speechd-conf")
        self.mods = sb.path("speechd-modules")
        self.logdir = sb.path("speechd-log")
        for d in (self.conf, self.mods, self.logdir):
            os.makedirs(d, exist_ok=True)
        self.sock = sb.path("speechd.sock")
        self.log = sb.path("recorded.jsonl")
        self.pace = sb.path("pace")
        self.set_pace(1.0)
        module = os.path.join(self.mods, "sd_recorder")
        with open(module, "w") as f:
            f.write(MODULE % {"log": self.log, "pace": self.pace})
        os.chmod(module, 0o755)
        with open(os.path.join(self.conf, "speechd.conf"), "w") as f:
            f.write(f'LogLevel 3\nLogDir "{self.logdir}"\n'
                    'AddModule "recorder" "sd_recorder" ""\nDefaultModule recorder\n'
                    f'DefaultRate {USER_RATE}\nDefaultVolume 100\n')
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            ["speech-dispatcher", "-s", "-t", "0", "-c", "unix_socket", "-S", self.sock,
             "-C", self.conf, "-m", self.mods, "-L", self.logdir,
             "-P", self.sb.path("speechd.pid")],
            env=self.sb.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.sb.path("speechd.stderr"), "w"))
        end = time.time() + 15
        while time.time() < end and not os.path.exists(self.sock) and self.proc.poll() is None:
            time.sleep(0.05)
        return os.path.exists(self.sock)

    def set_pace(self, seconds_per_50_chars):
        with open(self.pace, "w") as f:
            f.write(str(seconds_per_50_chars))

    def events(self):
        try:
            with open(self.log, encoding="utf-8") as f:
                return [json.loads(x) for x in f if x.strip()]
        except FileNotFoundError:
            return []

    def speaks(self):
        return [e for e in self.events() if e["ev"] == "speak"]

    def wait(self, pred, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            ev = self.events()
            if pred(ev):
                return ev
            time.sleep(0.05)
        return None

    def wait_speaks(self, n, timeout=10.0):
        """Waits until at least n messages were spoken; returns them."""
        ev = self.wait(lambda e: sum(x["ev"] == "speak" for x in e) >= n, timeout)
        return [e for e in (ev or self.events()) if e["ev"] == "speak"]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Docbao:
    """docbao listening, keys written to its standard input, status lines read from its
    standard output."""

    def __init__(self, sb, args, env):
        self.p = subprocess.Popen([DOCBAO, *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.lines = []
        self.err = []
        for stream, into in ((self.p.stdout, self.lines), (self.p.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, into), daemon=True).start()

    @staticmethod
    def _read(stream, into):
        for raw in stream:
            into.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def key(self, k):
        try:
            self.p.stdin.write(k.encode())
            self.p.stdin.flush()
        except BrokenPipeError:
            pass

    def wait_line(self, text, timeout=10.0, after=0):
        end = time.time() + timeout
        while time.time() < end:
            if any(text in x for x in self.lines[after:]):
                return True
            time.sleep(0.05)
        return False

    def screen(self):
        return "\n".join(self.lines[-30:])

    def wait_exit(self, timeout=15.0):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def linked_with_libspeechd():
    r = subprocess.run(["ldd", DOCBAO], capture_output=True, text=True)
    return "libspeechd" in r.stdout


if not shutil.which("speech-dispatcher"):
    print("ok - # SKIP speech-dispatcher is not installed (make deps installs it)")
    sys.exit(0)
if not linked_with_libspeechd():
    print("ok - # SKIP docbao was built without speech-dispatcher support (USE_SPEECHD=no)")
    sys.exit(0)

sb = Sandbox()
srv = NewsServer("127.0.0.1")
sd = None
runs = []
try:
    now = time.time()
    items = []
    for k, t in enumerate(TITLES):
        items.append({"title": t, "link": srv.url(f"/s{k}.html"),
                      "pubDate": email.utils.formatdate(now - (k + 1) * 600)})
        srv.routes[f"/s{k}.html"] = Route(article_page(t, PARAS[k]),
                                          ctype="text/html; charset=utf-8")
    srv.routes["/feed.rss"] = Route(rss(items))
    sources = sb.path("sources.json")
    with open(sources, "w") as f:
        json.dump({"sources": [{"id": "thu", "name": "Báo Thử",
                                "categories": {"xa-hoi": srv.url("/feed.rss")}}]}, f)

    # What the voice must receive: each story's title, then its sentences, as `docbao text`
    # normalizes them (the very text eSpeak NG would get).
    def spoken(text):
        r = sb.run("text", "-", stdin=text.encode())
        return r.stdout.decode().splitlines()

    expected = [[" ".join(spoken(t))] + [s for p in PARAS[k] for s in spoken(p)]
                for k, t in enumerate(TITLES)]

    sd = SpeechDispatcher(sb)
    check(os.path.exists(sd.sock), "a private speech-dispatcher starts with the recording module",
          open(sb.path("speechd.stderr")).read())
    env = dict(sb.env)
    env["SPEECHD_ADDRESS"] = "unix_socket:" + sd.sock
    args = ["-c", "xa-hoi", "--sources", sources, "--all", "--output", "speechd"]

    # --- the sentences arrive in order, normalized -------------------------------------------
    sd.set_pace(0.3)
    d = Docbao(sb, args, env)
    runs.append(d)
    check(d.wait_line("Article 1/2 — " + TITLES[0], 15), "the first story is announced",
          d.screen() + "\n" + "\n".join(d.err))
    got = [e["text"] for e in sd.wait_speaks(5, 20)]
    sd.set_pace(3.0)  # from now on a sentence lasts a few seconds: time to press keys
    check(got[:5] == expected[0][:5], "the title and sentences reach speech-dispatcher in order",
          f"got {got[:5]}\nwant {expected[0][:5]}")
    check(any("một nghìn một trăm" in x for x in got) and not any("1.100" in x for x in got),
          "numbers arrive as words (1.100 → một nghìn một trăm)", got)
    check(all(not any(c.isdigit() for c in x) for x in got), "no digits reach the voice", got)
    first = sd.speaks()[:5]
    check(all(e["rate"] == USER_RATE for e in first),
          f"at speed 1.0 the user's own rate ({USER_RATE}) is kept",
          [e["rate"] for e in first])

    def next_speak(n0, timeout=8.0):
        s = sd.wait_speaks(n0 + 1, timeout)
        return s[n0] if len(s) > n0 else None

    # wait until a sentence has just begun at the slow pace
    n0 = len(sd.speaks())
    s = next_speak(n0)
    check(s is not None and s["text"] in expected[0][:-2], "reading goes on", s)
    text = s["text"] if s else expected[0][-3]

    # --- pause stops speech at once and nothing more is said; resume says it again ----------
    n0 = len(sd.speaks())
    d.key(" ")
    check(d.wait_line("Paused", 3), "Space prints Paused")
    ev = sd.wait(lambda e: e[-1]["ev"] == "stop", 3)
    check(ev is not None, "pause cancels the message being spoken", sd.events()[-3:])
    time.sleep(1.5)
    check(len(sd.speaks()) == n0, "paused: nothing more is sent to speech-dispatcher",
          sd.speaks()[n0:])
    mark = len(d.lines)
    d.key(" ")
    check(d.wait_line("Playing", 3, mark), "Space again prints Playing")
    s = next_speak(n0)
    check(s is not None and s["text"] == text, "resume says the interrupted sentence again from "
          "its start", f"{s} / {text}")

    # --- next sentence ---------------------------------------------------------------------
    k = expected[0].index(text)
    n0 = len(sd.speaks())
    mark = len(d.lines)
    d.key("l")
    s = next_speak(n0)
    check(s is not None and s["text"] == expected[0][k + 1], "l skips to the next sentence",
          f"{s} / {expected[0][k + 1]}")
    check(d.wait_line(f"Sentence {k + 2}/{len(expected[0])}", 3, mark),
          "the move is printed", d.screen())
    check(any(e["ev"] == "stop" for e in sd.events()[-4:]),
          "the skipped sentence is cut off (cancelled)")
    k += 1

    # --- speed keys set the rate relative to the user's own ---------------------------------
    for key, shown, rate in (("]", "Speed 1.1", USER_RATE + 7), ("}", "Speed 2.2", USER_RATE + 57),
                             ("\x7f", "Speed 1.0", USER_RATE)):
        n0 = len(sd.speaks())
        mark = len(d.lines)
        d.key(key)
        check(d.wait_line(shown, 3, mark), f"{key!r} prints {shown}", d.screen())
        s = next_speak(n0)
        check(s is not None and s["rate"] == rate and s["text"] == expected[0][k],
              f"{shown}: the sentence is said again at SSIP rate {rate}", s)

    # --- where am I: announced through speech-dispatcher, then the sentence again ------------
    n0 = len(sd.speaks())
    mark = len(d.lines)
    d.key("i")
    check(d.wait_line(f"Article 1 of 2, sentence {k + 1} of {len(expected[0])}", 3, mark),
          "i prints where we are", d.screen())
    s = next_speak(n0)
    check(s is not None and "trên" in s["text"] and not any(c.isdigit() for c in s["text"]),
          "i is spoken, in words", s)
    s = next_speak(n0 + 1, 15)
    check(s is not None and s["text"] == expected[0][k],
          "after the announcement the sentence is said again", s)

    # --- the screen reader speaks up: its important message goes first, then the sentence ------
    n0 = len(sd.speaks())
    r = subprocess.run(["spd-say", "-P", "important", "-w", "Orca: cửa sổ mới"], env=env,
                       capture_output=True, timeout=30)
    got = sd.wait_speaks(n0 + 2, 15)[n0:]
    check(r.returncode == 0 and got and got[0]["text"] == "Orca: cửa sổ mới",
          "another client's important message is spoken at once", f"{r} {got}")
    check(len(got) > 1 and got[1]["text"] == expected[0][k],
          "then docbao says its interrupted sentence again", got)

    # --- next article --------------------------------------------------------------------------
    n0 = len(sd.speaks())
    mark = len(d.lines)
    d.key("n")
    check(d.wait_line("Article 2/2 — " + TITLES[1], 3, mark), "n moves to the next article")
    s = next_speak(n0)
    check(s is not None and s["text"] == expected[1][0], "the next article's title is spoken",
          s)

    # --- quit, and the place is kept -------------------------------------------------------------
    d.key("q")
    check(d.wait_exit(10) == 0, "q quits with status 0", "\n".join(d.err))
    check(sd.wait(lambda e: e[-1]["ev"] in ("stop", "end"), 3) is not None,
          "quitting silences speech-dispatcher")
    n0 = len(sd.speaks())
    d2 = Docbao(sb, args, env)
    runs.append(d2)
    check(d2.wait_line("Continuing: " + TITLES[1], 15), "a new start continues the story",
          d2.screen())
    s = next_speak(n0, 10)
    check(s is not None and s["text"] == expected[1][0], "and speaks it from where it was", s)

    # --- speech-dispatcher goes away while speaking ---------------------------------------------
    sd.stop()
    check(d2.wait_line("The connection to speech-dispatcher was lost", 10),
          "a lost speech-dispatcher is said in one line", d2.screen())
    check(d2.wait_exit(10) == 1, "and docbao exits with status 1", "\n".join(d2.err))

    # --- no speech-dispatcher at all -----------------------------------------------------------
    nospawn = sb.path("config-nospawn")
    os.makedirs(os.path.join(nospawn, "speech-dispatcher"))
    with open(os.path.join(nospawn, "speech-dispatcher", "speechd.conf"), "w") as f:
        f.write("DisableAutoSpawn\n")
    env3 = dict(env)
    env3["SPEECHD_ADDRESS"] = "unix_socket:" + sb.path("nobody-here.sock")
    env3["XDG_CONFIG_HOME"] = nospawn  # libspeechd may not start a server of its own
    t0 = time.time()
    r = subprocess.run([DOCBAO, *args], stdin=subprocess.DEVNULL, capture_output=True,
                       env=env3, timeout=60)
    err = r.stderr.decode()
    lines = [x for x in err.splitlines() if x.strip()]
    check(r.returncode == 1, "no speech-dispatcher: exit status 1", f"{r.returncode}: {err}")
    check(len(lines) == 1, "no speech-dispatcher: one line on standard error", err)
    check(time.time() - t0 < 30, "no speech-dispatcher: docbao does not hang")
    check("speech-dispatcher" in err and "--output auto" in err,
          "no speech-dispatcher: the line says so and what to do", err)
finally:
    for d in runs:
        d.close()
    if sd:
        sd.stop()
    srv.close()
    sb.close()
done()
