#!/usr/bin/env python3
"""Daemon benchmarks (make bench): the RSS of an idle daemon (goal <= 12 MB) and 100
concurrent clients x 100 `status` requests on the control socket (all answered; time)."""
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from lib import DOCBAO, Pulse, Sandbox  # noqa: E402



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


sb = Sandbox()
pulse = None
d = None
try:
    pulse = Pulse(sb)
    src = sb.path("sources.json")
    with open(src, "w") as f:  # no reachable feed: the daemon idles with an empty queue
        json.dump({"sources": [{"id": "t", "name": "T",
                                "categories": {"xa-hoi": "http://127.0.0.1:9/feed.rss"}}]}, f)
    env = dict(sb.env)
    env["DOCBAO_TIMEOUT_MS"] = "500"
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    d = subprocess.Popen([DOCBAO, "daemon", "-c", "xa-hoi", "--sources", src, "-q"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = os.path.join(env["XDG_RUNTIME_DIR"], "docbao", "control")
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    time.sleep(2.0)
    rss = 0
    with open(f"/proc/{d.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    priv = 0
    with open(f"/proc/{d.pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                priv += int(line.split()[1]) / 1024
    pss = 0
    with open(f"/proc/{d.pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    print(f"daemon: idle RSS {rss:.1f} MB, of which private {priv:.1f} MB (the rest is shared "
          f"library pages; PSS {pss:.1f} MB) (goal <= 12 MB)")
    floor = library_floor()
    if floor:
        print(f"daemon: the floor: a program that links the same libraries and only sets up "
              f"libcurl and eSpeak NG has RSS {floor:.1f} MB")

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
    if pulse:
        pulse.close()
    sb.close()
