#!/usr/bin/env python3
"""Daemon benchmarks (make bench): the RSS of an idle daemon (goal <= 12 MB) and 100
concurrent clients x 100 `status` requests on the control socket (all answered; time).

The daemon plays a loopback feed into a PulseAudio null sink (on a private session bus when
dbus-daemon exists, so MPRIS is on, as on a desktop); its RSS and its player process's are
printed while playing. Then it is paused: the player process leaves after WORKER_IDLE_MS
(worker.h, 30 s) and the idle RSS is the daemon's plus any child's. Last, how long "resume"
takes when a new player process must start."""
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from lib import (DOCBAO, NewsServer, Pulse, Route, Sandbox, article_page, rss,  # noqa: E402
                 session_bus, stop_bus)



def library_floor():
    """RSS (MB) of a do-nothing program linked like docbao that initializes libcurl and eSpeak
    NG, as docbao's daemon must: what one process with these libraries cannot go below."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    r = subprocess.run(["make", "-s", "-C", root, "print-deps"], capture_output=True, text=True)
    pkgs = [x for x in r.stdout.splitlines() if x.startswith("PKGS=")]
    if not pkgs:
        return None
    flags = subprocess.run(["pkg-config", "--cflags", "--libs"] + pkgs[0][5:].split(),
                           capture_output=True, text=True).stdout.split()
    src = sb.path("floor.c")
    exe = sb.path("floor")
    with open(src, "w") as f:
        f.write("#include <stdio.h>\n#include <curl/curl.h>\n#include <espeak-ng/espeak_ng.h>\n"
                "int main(void) {\n  curl_global_init(CURL_GLOBAL_DEFAULT);\n"
                "  espeak_ng_InitializePath(NULL);\n  espeak_ng_Initialize(NULL);\n"
                "  espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 100, NULL);\n"
                "  espeak_ng_SetVoiceByName(\"vi\");\n  FILE *f = fopen(\"/proc/self/status\", \"r\");\n"
                "  char l[256];\n  while (f && fgets(l, sizeof l, f))\n"
                "    if (!strncmp(l, \"VmRSS:\", 6)) fputs(l, stdout);\n  return 0;\n}\n")
    c = subprocess.run(["cc", "-include", "string.h", "-o", exe, src, "-Wl,--no-as-needed"] + flags,
                       capture_output=True, text=True)
    if c.returncode != 0:
        return None
    out = subprocess.run([exe], capture_output=True, text=True).stdout.split()
    return int(out[1]) / 1024 if len(out) >= 2 else None


def rss_mb(pid, key="VmRSS:"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rollup_mb(pid, keys):
    total = 0.0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(keys):
                    total += int(line.split()[1]) / 1024
    except OSError:
        pass
    return total


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


SENTENCES = ["Sáng nay thành phố khai trương tuyến xe buýt điện đầu tiên nối trung tâm với "
             "sân bay.", "Mỗi ngày tuyến xe chạy một trăm hai mươi chuyến.",
             "Người dân có thể mua vé bằng thẻ hoặc điện thoại."] * 6

sb = Sandbox()
news = NewsServer("127.0.0.1")
bus_addr, bus_pid = session_bus()
pulse = None
d = None
try:
    pulse = Pulse(sb)
    news.routes["/feed.rss"] = Route(rss([
        {"title": f"Tin số {i}", "link": news.url(f"/a{i}.html"),
         "pubDate": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(time.time() - i))}
        for i in range(5)]))
    for i in range(5):
        news.routes[f"/a{i}.html"] = Route(article_page(f"Tin số {i}", SENTENCES),
                                           ctype="text/html; charset=utf-8")
    src = sb.path("sources.json")
    with open(src, "w") as f:
        json.dump({"sources": [{"id": "t", "name": "T",
                                "categories": {"xa-hoi": news.url("/feed.rss")}}]}, f)
    env = dict(sb.env)
    env["DOCBAO_TIMEOUT_MS"] = "3000"
    if bus_addr:   # a desktop: the daemon is on the session bus (MPRIS)
        env["DBUS_SESSION_BUS_ADDRESS"] = bus_addr
    else:
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    d = subprocess.Popen([DOCBAO, "daemon", "-c", "xa-hoi", "--sources", src, "-q"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = os.path.join(env["XDG_RUNTIME_DIR"], "docbao", "control")

    def status():
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(sock)
        s.sendall(b'{"cmd":"status"}\n')
        r = json.loads(s.makefile("rb").readline())
        s.close()
        return r["state"]

    def request(c):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(sock)
        t0 = time.perf_counter()
        s.sendall(('{"cmd":"%s"}\n' % c).encode())
        r = json.loads(s.makefile("rb").readline())
        dt = time.perf_counter() - t0
        s.close()
        return r, dt

    for _ in range(400):
        try:
            if status()["sentence"]["count"] > 0:
                break
        except OSError:
            pass
        time.sleep(0.05)
    time.sleep(2.0)
    kids = children(d.pid)
    play = sum(rss_mb(k) for k in kids)
    print(f"daemon: playing: the daemon {rss_mb(d.pid):.1f} MB + its player process "
          f"{play:.1f} MB RSS{' (MPRIS on)' if bus_addr else ''}")
    request("pause")
    t0 = time.monotonic()
    while children(d.pid) and time.monotonic() - t0 < 60:
        time.sleep(0.2)
    left = time.monotonic() - t0
    kids = children(d.pid)
    rss = rss_mb(d.pid) + sum(rss_mb(k) for k in kids)
    priv = rollup_mb(d.pid, ("Private_Clean:", "Private_Dirty:"))
    pss = rollup_mb(d.pid, ("Pss:",))
    print(f"daemon: idle RSS {rss:.1f} MB, of which private {priv:.1f} MB (PSS {pss:.1f} MB) "
          f"(goal <= 12 MB); the player process left {left:.0f} s after the pause"
          f"{'' if not kids else ' -- STILL RUNNING'}")
    floor = library_floor()
    if floor:
        print(f"daemon: for comparison, one process linking every docbao library and setting up "
              f"libcurl and eSpeak NG has RSS {floor:.1f} MB")
    times = []
    for _ in range(3):
        r, dt = request("resume")
        times.append(dt)
        ok = r.get("ok") and r["state"]["state"] == "playing"
        request("pause")
        t0 = time.monotonic()
        while children(d.pid) and time.monotonic() - t0 < 60:
            time.sleep(0.2)
        if not ok:
            print("daemon: resume after the player process left FAILED:", r)
    times.sort()
    print(f"daemon: resume after the player process left: answered in {times[1] * 1000:.0f} ms "
          f"(median of 3; a new player process loads the news and starts at the same sentence)")

    answered = [0] * 100
    errors = []

    def client(k):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            f = s.makefile("rwb")
            for _ in range(100):
                f.write(b'{"cmd":"status"}\n')
                f.flush()
                reply = json.loads(f.readline())
                if reply.get("ok"):
                    answered[k] += 1
            s.close()
        except Exception as e:  # noqa: BLE001
            errors.append(str(e))
    t0 = time.perf_counter()
    ts = [threading.Thread(target=client, args=(k,)) for k in range(100)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    dt = time.perf_counter() - t0
    print(f"daemon: 100 clients x 100 status: {sum(answered)} of 10000 answered in {dt:.2f} s "
          f"({sum(answered) / dt:.0f} requests/s){'; errors: ' + errors[0] if errors else ''}")
finally:
    if d:
        d.terminate()
        d.wait()
    stop_bus(bus_pid)
    news.close()
    if pulse:
        pulse.close()
    sb.close()
