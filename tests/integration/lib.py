"""Shared helpers for docbao's integration tests.

Each test script prints TAP-style lines ("ok - ..." / "not ok - ...") through check() and
exits through done(). Tests drive build/docbao as a user would, with XDG folders in a
temporary directory, audio captured through ALSA's file plugin, and pages served by a real
HTTP server on 127.0.0.1.
"""
import email.utils
import http.server
import os
import shlex
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCBAO = os.environ.get("DOCBAO", os.path.join(ROOT, "build", "docbao"))
SHARED = os.environ.get("SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
DATA = os.path.join(ROOT, "tests", "data")

# DOCBAO_WRAP: a command put in front of every docbao the tests start, e.g. `make valgrind`'s
# "valgrind --error-exitcode=99 --leak-check=full ...". Under it docbao runs 20-50 times
# slower, so every wait of the tests is multiplied by DOCBAO_TIME_SCALE (default 1, or 30
# with a wrapper).
WRAP = shlex.split(os.environ.get("DOCBAO_WRAP", ""))
TIME_SCALE = float(os.environ.get("DOCBAO_TIME_SCALE") or (30 if WRAP else 1))


def cmd(*args):
    """The argv that runs docbao with args (behind DOCBAO_WRAP when set)."""
    return [*WRAP, DOCBAO, *args]


def scaled(seconds):
    """A timeout or wait of the tests, stretched by DOCBAO_TIME_SCALE."""
    return seconds * TIME_SCALE


# `make SAN=1 test` sets DOCBAO_SAN=1: AddressSanitizer makes docbao slower and its shadow
# memory makes its RSS larger, so the bounds the tests put on a whole run's time and memory
# (bounded, not fast: speed is for make bench) are that much looser there.
SAN = os.environ.get("DOCBAO_SAN") == "1"


# Feeds in tests are dated relative to the moment the test runs, never to a day written in the
# test: the story window (--days) compares them with now, so a fixed date ages out of it.
NOW = time.time()


def rfc822(hours_ago, now=None):
    """An RSS pubDate (RFC 822, +0000) hours_ago hours before now (default: the test's start)."""
    return email.utils.formatdate((NOW if now is None else now) - hours_ago * 3600)


def bound(x):
    """An upper bound on a run's seconds or megabytes, loosened under the sanitizers."""
    return x * (3 if SAN else 1) * TIME_SCALE

_failed = 0


def check(cond, name, detail=""):
    global _failed
    if cond:
        print(f"ok - {name}")
    else:
        _failed += 1
        print(f"not ok - {name}")
        if detail:
            for line in str(detail).splitlines()[:30]:
                print(f"#   {line}")
    sys.stdout.flush()
    return cond


def done():
    sys.exit(1 if _failed else 0)


class Sandbox:
    """A temporary home for one test: XDG folders and an ALSA configuration."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="docbao-test-")
        self.dir = self.tmp.name
        for d in ("config", "cache", "state", "runtime"):
            os.makedirs(os.path.join(self.dir, d), mode=0o700)
        self.env = dict(os.environ)
        self.env.update({
            "XDG_CONFIG_HOME": os.path.join(self.dir, "config"),
            "XDG_CACHE_HOME": os.path.join(self.dir, "cache"),
            "XDG_STATE_HOME": os.path.join(self.dir, "state"),
            "XDG_RUNTIME_DIR": os.path.join(self.dir, "runtime"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
        })
        self.env.pop("LANGUAGE", None)
        # No JACK or PulseAudio server may be reached from a test.
        self.env["JACK_NO_START_SERVER"] = "1"
        self.env.pop("PULSE_SERVER", None)
        self.capture = os.path.join(self.dir, "capture.raw")
        self.no_audio()

    def capture_audio(self):
        """The default ALSA device becomes the file plugin writing raw PCM to self.capture."""
        conf = os.path.join(self.dir, "asound-capture.conf")
        with open(conf, "w") as f:
            f.write('pcm.null { type null }\n'
                    'pcm.!default { type file slave.pcm "null" file "%s" format "raw" }\n'
                    % self.capture)
        self.env["ALSA_CONFIG_PATH"] = conf
        if os.path.exists(self.capture):
            os.unlink(self.capture)

    def no_audio(self):
        """An ALSA configuration whose default device does not exist (as on a machine with no
        sound card). It includes the system's alsa.conf: PortAudio 19.6 asserts on a
        configuration that defines no card devices at all."""
        conf = os.path.join(self.dir, "asound-none.conf")
        with open(conf, "w") as f:
            f.write("</usr/share/alsa/alsa.conf>\n"
                    "pcm.!default { type hw card 99 }\nctl.!default { type hw card 99 }\n")
        self.env["ALSA_CONFIG_PATH"] = conf

    def path(self, name):
        return os.path.join(self.dir, name)

    def run(self, *args, stdin=None, timeout=120, env=None):
        e = dict(self.env)
        if env:
            e.update(env)
        return subprocess.run(cmd(*args), input=stdin, capture_output=True,
                              timeout=scaled(timeout), env=e, cwd=ROOT)

    def close(self):
        self.tmp.cleanup()


def read_wav(path):
    """Returns (rate, channels, sample width, samples as a tuple of ints)."""
    with wave.open(path, "rb") as w:
        frames = w.readframes(w.getnframes())
        return w.getframerate(), w.getnchannels(), w.getsampwidth(), \
            struct.unpack("<%dh" % (len(frames) // 2), frames)


def read_raw(path):
    with open(path, "rb") as f:
        data = f.read()
    return struct.unpack("<%dh" % (len(data) // 2), data[: len(data) // 2 * 2])


def rms(samples):
    if not samples:
        return 0.0
    return (sum(s * s for s in samples) / len(samples)) ** 0.5


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class HttpServer:
    """A real HTTP server on 127.0.0.1 (an ephemeral port) serving the files of a folder."""

    def __init__(self, folder):
        handler = lambda *a, **k: _Handler(*a, directory=folder, **k)  # noqa: E731
        socketserver.TCPServer.allow_reuse_address = True
        self.httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Route:
    """What the news server answers for one path."""

    def __init__(self, body=b"", status=200, ctype="application/rss+xml; charset=utf-8",
                 delay=0.0, etag=None, last_modified=None, headers=None):
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.ctype = ctype
        self.delay = delay
        self.etag = etag
        self.last_modified = last_modified
        self.headers = headers or {}


class NewsServer:
    """A real HTTP server on a loopback address serving routes set by the test: feeds and
    pages, with delays, error statuses, ETag/Last-Modified and 304 answers. Every request is
    recorded as (path, headers)."""

    def __init__(self, host="127.0.0.1"):
        self.routes = {}
        self.requests = []
        server = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                r = server.routes.get(self.path)
                if r is None:
                    self._send(404, b"not found", "text/plain")
                    return
                if r.delay:
                    import time
                    time.sleep(r.delay)
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if (r.etag and inm == r.etag) or (r.last_modified and ims == r.last_modified):
                    self.send_response(304)
                    if r.etag:
                        self.send_header("ETag", r.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                extra = dict(r.headers)
                if r.etag:
                    extra["ETag"] = r.etag
                if r.last_modified:
                    extra["Last-Modified"] = r.last_modified
                self._send(r.status, r.body, r.ctype, extra)

            def _send(self, status, body, ctype, extra=None):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in (extra or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        socketserver.ThreadingTCPServer.daemon_threads = True
        self.httpd = socketserver.ThreadingTCPServer((host, 0), H)
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://{self.host}:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(items, title="Tin", extra_ns=""):
    """An RSS 2.0 document; items are dicts with title, link, description, pubDate (raw
    strings, inserted as given)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<rss version="2.0"{extra_ns}><channel><title>{title}</title>']
    for it in items:
        out.append("<item>")
        for k in ("title", "link", "description", "pubDate", "guid"):
            if k in it:
                out.append(f"<{k}>{it[k]}</{k}>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out)


def article_page(title, paragraphs, caption=None):
    """A small news page with chrome around the article body."""
    cap = (f'<figure><img src="a.jpg"><figcaption>{caption}</figcaption></figure>'
           if caption else "")
    paras = [f"<p>{p}</p>" for p in paragraphs]
    half = (len(paras) + 1) // 2
    return ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
            f"<title>{title} - Báo Thử</title></head><body>"
            "<nav class=\"menu\"><a href=\"/\">Trang chủ</a> <a href=\"/xa-hoi\">Xã hội</a></nav>"
            f"<article class=\"detail\"><h1>{title}</h1>{''.join(paras[:half])}{cap}"
            f"{''.join(paras[half:])}</article>"
            "<div class=\"share\">Chia sẻ Facebook</div>"
            "<section class=\"comments\"><h3>Ý kiến (0)</h3></section>"
            "<footer>Liên kết website</footer></body></html>")


class Pulse:
    """A private PulseAudio daemon with a null sink "cap" (real-time, 22050 Hz mono), reached
    through ALSA's pulse plugin, and a recorder of the sink's monitor (parec)."""

    def __init__(self, sb):
        self.sb = sb
        self.home = sb.path("pulse-home")
        self.run_dir = sb.path("pulse-run")
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(self.run_dir, mode=0o700, exist_ok=True)
        self.env = {"HOME": self.home, "XDG_RUNTIME_DIR": self.run_dir,
                    "PULSE_RUNTIME_PATH": os.path.join(self.run_dir, "pulse")}
        e = dict(os.environ)
        e.update(self.env)
        subprocess.run(["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1",
                        "--use-pid-file=yes", "-L", "module-native-protocol-unix",
                        "-L", "module-null-sink sink_name=cap rate=22050 channels=1 "
                              "norewinds=1"],
                       env=e, check=True, capture_output=True, timeout=30)
        import time
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=e, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        conf = sb.path("asound-pulse.conf")
        with open(conf, "w") as f:
            f.write("</usr/share/alsa/alsa.conf>\n"
                    "pcm.!default { type pulse }\nctl.!default { type pulse }\n")
        self.env["ALSA_CONFIG_PATH"] = conf
        sb.env.update(self.env)
        self.rec = None
        self.rec_path = sb.path("rec.raw")

    def record(self):
        e = dict(os.environ)
        e.update(self.env)
        self.rec_file = open(self.rec_path, "wb")
        self.rec = subprocess.Popen(["parec", "-d", "cap.monitor", "--format=s16le",
                                     "--rate=22050", "--channels=1", "--latency-msec=10"],
                                    stdout=self.rec_file, env=e)

    def position(self):
        """The number of samples recorded so far (the recording's 'now')."""
        self.rec_file.flush()
        return os.path.getsize(self.rec_path) // 2

    def samples(self):
        return read_raw(self.rec_path)

    def close(self):
        if self.rec:
            self.rec.terminate()
            self.rec.wait()
            self.rec_file.close()
        e = dict(os.environ)
        e.update(self.env)
        subprocess.run(["pulseaudio", "--kill"], env=e, capture_output=True)


class Tmux:
    """A private tmux server running one command in a pane, for typing keys and reading the
    screen as a person would."""

    count = 0

    def __init__(self, sb, command, env):
        Tmux.count += 1  # a fresh server each time: a killed one may still hold its socket
        self.sock = sb.path(f"tmux-{Tmux.count}.sock")
        self.env = dict(os.environ)
        self.env.update(env)
        subprocess.run(["tmux", "-S", self.sock, "new-session", "-d", "-x", "160", "-y", "50",
                        command], env=self.env, check=True, timeout=10)

    def keys(self, *keys):
        subprocess.run(["tmux", "-S", self.sock, "send-keys", *keys], env=self.env, timeout=10)

    def screen(self):
        r = subprocess.run(["tmux", "-S", self.sock, "capture-pane", "-p", "-S", "-200"],
                           env=self.env, capture_output=True, timeout=10)
        return r.stdout.decode("utf-8", "replace")

    def wait_for(self, text, timeout=10.0):
        import time
        end = time.time() + scaled(timeout)
        while time.time() < end:
            if text in self.screen():
                return True
            time.sleep(0.05)
        return False

    def alive(self):
        r = subprocess.run(["tmux", "-S", self.sock, "list-panes"], env=self.env,
                           capture_output=True)
        return r.returncode == 0

    def close(self):
        subprocess.run(["tmux", "-S", self.sock, "kill-server"], env=self.env,
                       capture_output=True)


class HostileServer:
    """A loopback HTTP server that misbehaves on purpose (tests/integration/test_hostile.py).
    modes maps a path to one of:
      ("status", code)           an error status with a short body
      ("redirect", location)     302 to location (a loop when it points at itself)
      ("drip", body, seconds)    announces len(body) bytes, then sends one byte per `seconds`
      ("huge", nbytes, head[, announce])  sends head then spaces up to nbytes lazily until
                                 the client gives up (never built in memory); announces
                                 nbytes in Content-Length unless announce is False
      ("gzip-bomb", nbytes)      Content-Encoding: gzip of nbytes zeros, compressed lazily
      ("truncated", body, n)     announces n bytes (more than len(body)), sends body, closes
      ("body", bytes, ctype)     a plain 200 (invalid UTF-8, wrong charsets, HTML, empty…)
    Unknown paths get 404. tls=(certfile, keyfile) serves HTTPS instead. Every request path is
    recorded in self.requests; self.sent counts the body bytes written per path."""

    def __init__(self, host="127.0.0.1", tls=None):
        self.modes = {}
        self.requests = []
        self.sent = {}
        server = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                mode = server.modes.get(self.path, ("status", 404))
                try:
                    getattr(self, "m_" + mode[0].replace("-", "_"))(*mode[1:])
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass
                self.close_connection = True

            def _head(self, status, ctype, length=None, extra=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if length is not None:
                    self.send_header("Content-Length", str(length))
                self.send_header("Connection", "close")
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()

            def _write(self, data):
                self.wfile.write(data)
                server.sent[self.path] = server.sent.get(self.path, 0) + len(data)

            def m_status(self, code):
                body = f"error {code}".encode()
                self._head(code, "text/plain", len(body))
                self._write(body)

            def m_redirect(self, location):
                self._head(302, "text/plain", 0, {"Location": location})

            def m_drip(self, body, seconds):
                import time
                self._head(200, "application/rss+xml", len(body))
                for i in range(len(body)):
                    self._write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(seconds)

            def m_huge(self, nbytes, head, announce=True):
                self._head(200, "application/rss+xml", nbytes if announce else None)
                self._write(head)
                left = nbytes - len(head)
                chunk = b" " * 65536
                while left > 0:
                    n = min(left, len(chunk))
                    self._write(chunk[:n])
                    left -= n

            def m_gzip_bomb(self, nbytes):
                import zlib
                self._head(200, "application/rss+xml", None, {"Content-Encoding": "gzip"})
                z = zlib.compressobj(9, zlib.DEFLATED, 31)
                self._write(z.compress(b'<?xml version="1.0"?><rss><channel><title>'))
                zeros = b"\0" * (1 << 20)
                left = nbytes
                while left > 0:
                    out = z.compress(zeros[:min(left, len(zeros))])
                    left -= min(left, len(zeros))
                    if out:
                        self._write(out)
                self._write(z.flush())

            def m_truncated(self, body, n):
                self._head(200, "application/rss+xml", n)
                self._write(body)
                self.wfile.flush()

            def m_body(self, body, ctype):
                self._head(200, ctype, len(body))
                self._write(body)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        socketserver.ThreadingTCPServer.daemon_threads = True
        self.httpd = socketserver.ThreadingTCPServer((host, 0), H)
        self.httpd.handle_error = lambda *a: None  # refused handshakes are the point
        self.scheme = "http"
        if tls:
            import ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            # the handshake happens in the handler's thread, not in accept(): one client
            # that stalls it cannot hold the others
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True,
                                                do_handshake_on_connect=False)
            self.scheme = "https"
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"{self.scheme}://{self.host}:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run_measured(sb, *args, timeout=120, env=None):
    """Runs docbao like Sandbox.run and measures it: returns (CompletedProcess, seconds, max
    RSS in MB of that one child, from os.wait4). A run past timeout is killed (returncode
    -9)."""
    import time
    e = dict(sb.env)
    if env:
        e.update(env)
    t0 = time.time()
    p = subprocess.Popen(cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=e, cwd=ROOT)
    got = {}

    def drain(name, f):
        got[name] = f.read()

    readers = [threading.Thread(target=drain, args=(n, f), daemon=True)
               for n, f in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    killer = threading.Timer(scaled(timeout), p.kill)
    killer.start()
    _, status, ru = os.wait4(p.pid, 0)
    killer.cancel()
    for t in readers:
        t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    secs = time.time() - t0
    return (subprocess.CompletedProcess(p.args, p.returncode, got.get("out", b""),
                                        got.get("err", b"")), secs, ru.ru_maxrss / 1024.0)



def session_bus(*tools):
    """Starts a private D-Bus session bus; returns (address, pid), or (None, None) when
    dbus-daemon or one of tools (e.g. "playerctl") is missing or the bus does not start.
    The caller ends it with os.kill(pid, SIGTERM)."""
    import shutil
    if not all(shutil.which(t) for t in ("dbus-daemon", *tools)):
        return None, None
    out = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1",
                          "--print-pid=1"], capture_output=True, text=True, timeout=10)
    lines = out.stdout.split()
    if out.returncode != 0 or len(lines) < 2:
        return None, None
    return lines[0], int(lines[1])


def stop_bus(pid):
    """Ends a bus session_bus() started (pid may be None)."""
    import signal
    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

def rpc(path, line, timeout=5.0):
    """Sends one JSON line to the daemon's control socket at path; returns the decoded reply
    (None when the daemon closed without answering)."""
    import json
    import socket as so
    s = so.socket(so.AF_UNIX, so.SOCK_STREAM)
    s.settimeout(scaled(timeout))
    s.connect(path)
    s.sendall(line.encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return json.loads(data) if data else None
