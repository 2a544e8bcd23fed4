#!/usr/bin/env python3
"""docbao read: the spoken path from an article (file or URL) to audio, played through
PortAudio into ALSA's file plugin and written by the file output; both must hold the same
samples. Also the error paths a user can hit."""
import os
import shutil

from lib import (DATA, ROOT, SHARED, HttpServer, Sandbox, check, done, read_raw, read_wav,
                 rms)

SAMPLE_HTML = os.path.join(ROOT, "samples", "bai-mau.html")
SAMPLE_TXT = os.path.join(SHARED, "samples", "baoquangninh-2021-09-15.txt")
VNEXPRESS = os.path.join(SHARED, "fixtures", "vnexpress", "VnExpress_2025_10_22.html")

sb = Sandbox()
try:
    # --- export: the file output --------------------------------------------------------
    wav = sb.path("bai.wav")
    r = sb.run("read", "--export", wav, SAMPLE_HTML)
    check(r.returncode == 0, "read --export exits 0", r.stderr.decode())
    check(b"Th\xc6\xb0 vi\xe1\xbb\x87n s\xc3\xa1ch n\xc3\xb3i" in r.stdout,
          "the status line names the article's title", r.stdout.decode())
    rate, ch, width, samples = read_wav(wav)
    check((rate, ch, width) == (22050, 1, 2), "export is 22050 Hz mono 16-bit WAV",
          (rate, ch, width))
    seconds = len(samples) / rate
    check(25 < seconds < 120, "the sample article lasts 25-120 s", seconds)
    check(rms(samples) > 500, "the exported speech is not silent", rms(samples))
    check(not [n for n in os.listdir(sb.dir) if ".part" in n], "no temporary file is left")

    # --- playback into the ALSA file plugin: "auto" (ALSA's default device), then PortAudio ---
    for out in ("auto", "portaudio"):
        sb.capture_audio()
        r = sb.run("read", "--output", out, SAMPLE_HTML)
        check(r.returncode == 0, f"read --output {out} plays into the ALSA file plugin, exit 0",
              r.stderr.decode())
        check(os.path.exists(sb.capture), f"--output {out}: the ALSA device received audio")
        cap = read_raw(sb.capture) if os.path.exists(sb.capture) else ()
        check(rms(cap) > 500, f"--output {out}: the captured audio is not silent", rms(cap))
        check(tuple(cap[: len(samples)]) == samples,
              f"--output {out}: the captured PCM is exactly the speech the file output wrote",
              f"captured {len(cap)} samples, file {len(samples)}")
        tail = cap[len(samples):]
        check(len(tail) >= rate * 50 // 1000 and not any(tail),
              f"--output {out}: playback ends with at least 50 ms of silence so nothing is "
              "clipped", len(tail))
    check(b"Ch\xe1\xbb\x89a c\xc3\xb3 \xc3\xbd ki\xe1\xba\xbfn" not in r.stdout,
          "chrome is not printed")

    # --- speed ------------------------------------------------------------------------------
    fast = sb.path("fast.wav")
    r = sb.run("read", "--speed", "2", "-q", "--export", fast, SAMPLE_HTML)
    check(r.returncode == 0, "read --speed 2 exits 0", r.stderr.decode())
    check(r.stdout == b"", "-q prints no status line", r.stdout)
    _, _, _, fs = read_wav(fast)
    ratio = len(fs) / len(samples)
    check(0.40 < ratio < 0.68, "--speed 2 roughly halves the length", ratio)

    # --- voices -----------------------------------------------------------------------------
    for voice in ("vi-vn-x-central", "vi-vn-x-south"):
        out = sb.path(voice + ".wav")
        r = sb.run("read", "-q", "--voice", voice, "-o", out, SAMPLE_HTML)
        ok = r.returncode == 0 and os.path.exists(out)
        check(ok, f"--voice {voice} speaks", r.stderr.decode())
        if ok:
            check(read_wav(out)[3] != samples, f"--voice {voice} sounds different from vi")
    r = sb.run("read", "--voice", "en", "-o", sb.path("en.wav"), SAMPLE_HTML)
    check(r.returncode == 2 and b"--voice" in r.stderr, "--voice en is refused (exit 2)",
          r.stderr.decode())

    # --- the scraped sample text: read without its page chrome ------------------------------
    txt = sb.path("txt.wav")
    r = sb.run("read", "-v", "-o", txt, SAMPLE_TXT)
    check(r.returncode == 0, "read the Báo Quảng Ninh sample text", r.stderr.decode())
    spoken = r.stdout.decode()
    for chrome in ("Tất cả chuyên mục", "A A", "Liên kết website", "Ý kiến", "GMT",
                   "Nguyên Ngọc"):
        check(chrome not in spoken, f"the sample's chrome '{chrome}' is not spoken")
    check("Tiếp tục quan tâm đến sự tiến bộ của phụ nữ" in spoken,
          "the sample's title is spoken first")
    check("một nghìn một trăm cuộc" in spoken, "1.100 cuộc is said as words")
    r = sb.run("read", "-v", "--byline", "-o", sb.path("byline.wav"), SAMPLE_TXT)
    check(r.returncode == 0 and "Nguyên Ngọc" in r.stdout.decode(),
          "--byline speaks the author's name", r.stdout.decode()[-300:])

    # --- the real VnExpress page --------------------------------------------------------------
    r = sb.run("read", "-v", "-o", sb.path("vne.wav"), VNEXPRESS)
    check(r.returncode == 0, "read the VnExpress page", r.stderr.decode())
    vne = r.stdout.decode()
    check("Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non" in vne,
          "the VnExpress title is spoken")
    check("Y bác sĩ nội soi cho bệnh nhân" not in vne, "the VnExpress photo caption is not spoken")
    check("nội soi dạ dày và đại tràng" in vne, "the VnExpress body is spoken")

    # --- URL: a real HTTP server on loopback ---------------------------------------------------
    srv = HttpServer(os.path.join(ROOT, "samples"))
    try:
        url_wav = sb.path("url.wav")
        r = sb.run("read", "-q", "-o", url_wav, srv.url("bai-mau.html"))
        check(r.returncode == 0, "read URL from 127.0.0.1 exits 0", r.stderr.decode())
        if r.returncode == 0:
            check(read_wav(url_wav)[3] == samples, "the URL gives the same speech as the file")
        r = sb.run("read", "-q", "-o", sb.path("404.wav"), srv.url("missing.html"))
        check(r.returncode == 1 and b"404" in r.stderr,
              "a 404 page is one clear error line, exit 1", r.stderr.decode())
    finally:
        srv.close()
    # --- the charset named only by the HTTP header (Vietnamese windows-1258) ------------------
    import unicodedata
    from lib import NewsServer, Route

    def cp1258(text):
        out = b""
        for ch in text:
            try:
                out += ch.encode("cp1258")
            except UnicodeEncodeError:  # a tone mark on a base letter: base + combining mark
                d = unicodedata.normalize("NFD", ch)
                tone = [m for m in d if m in "\u0300\u0301\u0303\u0309\u0323"][0]
                base = unicodedata.normalize("NFC", d.replace(tone, ""))
                out += base.encode("cp1258") + tone.encode("cp1258")
        return out
    paras = ["Hà Nội hôm nay trời nắng đẹp, nhiều người dân đi dạo quanh hồ Gươm và phố cổ "
             "vào buổi sáng sớm cuối tuần.",
             "Chính quyền thành phố khuyến khích người dân đi bộ và dùng xe buýt để giảm khói "
             "bụi trong nội đô, nhất là vào những ngày cuối năm."]
    page = ("<html><head><title>Phố cổ cuối tuần</title></head><body><article>" +
            "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>")
    ns = NewsServer()
    try:
        ns.routes["/cp1258.html"] = Route(cp1258(page), ctype="text/html; charset=windows-1258")
        r = sb.run("extract", ns.url("/cp1258.html"))
        got = r.stdout.decode("utf-8", "replace")
        check(r.returncode == 0 and all(p in got for p in paras),
              "a page whose charset only the HTTP header names (windows-1258) reads right", got)
    finally:
        ns.close()

    r = sb.run("read", "-o", sb.path("ftp.wav"), "ftp://127.0.0.1/x.html")
    check(r.returncode == 1 and b"http" in r.stderr, "an ftp:// address is refused",
          r.stderr.decode())

    # --- no audio device ---------------------------------------------------------------------
    sb.no_audio()
    r = sb.run("read", SAMPLE_HTML)
    err = r.stderr.decode()
    check(r.returncode == 1 and "--export" in err and len(err.strip().splitlines()) == 1,
          "no audio device: one clear line naming --export, exit 1", err)
    r = sb.run("read", SAMPLE_HTML, env={"LANGUAGE": "vi"})
    check(r.returncode == 1 and "Không tìm thấy thiết bị âm thanh" in r.stderr.decode(),
          "no audio device, in Vietnamese with LANGUAGE=vi", r.stderr.decode())

    # --- bad input ---------------------------------------------------------------------------
    empty = sb.path("empty.txt")
    open(empty, "w").close()
    junk = sb.path("junk.bin")
    with open(junk, "wb") as f:
        f.write(bytes(range(256)) * 64)
    notext = sb.path("notext.html")
    with open(notext, "w") as f:
        f.write("<html><head><title></title></head><body><div><img src=x></div></body></html>")
    cases = [
        ("a missing file", [sb.path("nope.html")], 1, "no such file"),
        ("an empty file", [empty], 1, "empty"),
        ("binary junk", [junk], 1, "not text"),
        ("HTML with no text", [notext], 1, "no article text"),
        ("no argument", [], 2, "read needs"),
    ]
    for name, args, code, words in cases:
        r = sb.run("read", "-o", sb.path("x.wav"), *args)
        err = r.stderr.decode()
        check(r.returncode == code and words in err and len(err.strip().splitlines()) == 1,
              f"{name}: one clear line, exit {code}", f"rc={r.returncode} {err}")
    badutf = sb.path("bad-utf8.txt")
    with open(badutf, "wb") as f:
        f.write("Hà Nội hôm nay có mưa rào.\n".encode() + b"Tr\xffi n\xe1ng nh\xc3 ng.\n")
    r = sb.run("read", "-q", "-o", sb.path("bad.wav"), badutf)
    check(r.returncode == 0, "invalid UTF-8 bytes are repaired, not fatal", r.stderr.decode())
    r = sb.run("read", "--speed", "9", SAMPLE_HTML)
    check(r.returncode == 2 and b"0.5" in r.stderr, "--speed 9 is bad usage (exit 2)")
    r = sb.run("read", "--bogus", SAMPLE_HTML)
    check(r.returncode == 2 and b"--bogus" in r.stderr, "an unknown option is bad usage")
    r = sb.run("frobnicate")
    check(r.returncode == 2 and b"frobnicate" in r.stderr, "an unknown command is bad usage")
    r = sb.run("read", "-o", "/nonexistent-dir/x.wav", SAMPLE_HTML)
    check(r.returncode == 1 and b"/nonexistent-dir/x.wav" in r.stderr,
          "an unwritable export path is a clear error", r.stderr.decode())

    # --- one input check for read, extract and text -------------------------------------------
    junk_bin = os.path.join(DATA, "feeds", "junk.bin")
    page = os.path.join(DATA, "feeds", "html-page.html")
    with open(junk_bin, "rb") as f:
        junk_bytes = f.read()
    want = (f"docbao: {junk_bin} is not text or an HTML page (binary data?): there is nothing "
            "to read.\n")
    for args in (["text", junk_bin], ["text", "--sentences", junk_bin], ["extract", junk_bin],
                 ["read", "-o", sb.path("junk.wav"), junk_bin]):
        r = sb.run(*args)
        check(r.returncode == 1 and r.stderr.decode() == want and not r.stdout,
              f"docbao {args[0]} on junk.bin: the same one line, exit 1, nothing spoken",
              f"rc={r.returncode} {r.stderr.decode()!r} {r.stdout[:60]!r}")
    r = sb.run("text", "-", stdin=junk_bytes)
    check(r.returncode == 1 and r.stderr.decode() == "docbao: standard input is not text or an "
          "HTML page (binary data?): there is nothing to read.\n" and not r.stdout,
          "docbao text - < junk.bin: refused in one line naming standard input",
          r.stderr.decode())
    nul = sb.path("nul.txt")
    with open(nul, "wb") as f:
        f.write("Hà Nội hôm nay có mưa.\0\0\0 Trời rét.\n".encode())
    r = sb.run("text", nul)
    check(r.returncode == 1 and b"binary data" in r.stderr and not r.stdout,
          "docbao text: NUL bytes are binary junk", r.stderr.decode())
    with open(page, "rb") as f:
        page_bytes = f.read()
    for args, stdin, name in ((["text", page], None, page),
                              (["text", "-"], page_bytes, "standard input"),
                              (["text", SAMPLE_HTML], None, SAMPLE_HTML)):
        r = sb.run(*args, stdin=stdin)
        err = r.stderr.decode()
        check(r.returncode == 1 and err.startswith(f"docbao: {name} is an HTML page, not plain "
                                                    "text: use 'docbao extract'")
              and "'docbao read'" in err and len(err.splitlines()) == 1 and not r.stdout,
              f"docbao {' '.join(args[:1])} on an HTML page ({os.path.basename(name)}): one line "
              "pointing to extract and read, exit 1", f"rc={r.returncode} {err!r}")
    r = sb.run("text", page, env={"LANGUAGE": "vi"})
    check(r.returncode == 1 and "là một trang HTML" in r.stderr.decode(),
          "the HTML-page line in Vietnamese with LANGUAGE=vi", r.stderr.decode())
    r = sb.run("extract", page)
    check(r.returncode == 0 and "VnExpress" in r.stdout.decode(),
          "extract still takes the HTML page", r.stderr.decode())
    plain = "UBND TP.HCM có 1.100 người. Hôm nay trời đẹp.\n"
    r = sb.run("text", "-", stdin=plain.encode())
    check(r.returncode == 0 and r.stdout.decode().splitlines() ==
          ["ủy ban nhân dân thành phố Hồ Chí Minh có một nghìn một trăm người.",
           "Hôm nay trời đẹp."], "docbao text - still reads plain text from stdin",
          (r.stdout.decode(), r.stderr.decode()))
    with open(sb.path("plain.txt"), "w") as f:
        f.write("a < b và 3 > 2, không phải HTML.\n")
    r = sb.run("text", "--sentences", sb.path("plain.txt"))
    check(r.returncode == 0 and r.stdout.decode() == "a < b và 3 > 2, không phải HTML.\n",
          "docbao text FILE: text with < and > is still text", (r.stdout, r.stderr.decode()))
    r = sb.run("text", badutf)
    check(r.returncode == 0 and "Hà Nội" in r.stdout.decode(),
          "docbao text: a few invalid UTF-8 bytes are repaired, not refused", r.stderr.decode())
    r = sb.run("text", empty)
    check(r.returncode == 0 and not r.stdout and not r.stderr,
          "docbao text on an empty file: no lines, exit 0", r.stderr.decode())

    # --- usage: arguments after a command that takes none ----------------------------------
    cases = [(["list", "extra"], "list", "extra"), (["categories", "x"], "categories", "x"),
             (["config", "--print", "x"], "config", "x"), (["daemon", "now"], "daemon", "now"),
             (["list", "-c", "xa-hoi", "a", "b"], "list", "a")]
    for args, name, extra in cases:
        r = sb.run(*args)
        err = r.stderr.decode()
        check(r.returncode == 2 and err == f"docbao: {name} takes no arguments, but '{extra}' was "
              "given. Try 'docbao --help'.\n",
              f"docbao {' '.join(args)}: one usage line naming '{extra}', exit 2",
              f"rc={r.returncode} {err!r}")
    for args, name, extra in ((["text", "a.txt", "b.txt"], "text", "b.txt"),
                              (["extract", SAMPLE_HTML, "b.html"], "extract", "b.html")):
        r = sb.run(*args)
        err = r.stderr.decode()
        check(r.returncode == 2 and err.startswith(f"docbao: {name} takes ") and
              f"but '{extra}' was also given" in err and len(err.splitlines()) == 1,
              f"docbao {name} with two files: one usage line naming the second, exit 2",
              f"rc={r.returncode} {err!r}")

    # --- -o - into a terminal: refused, nothing written to it --------------------------------
    import pty
    import subprocess
    from lib import cmd
    for args in (["read", "-o", "-", SAMPLE_HTML], ["--export", "-", "-c", "xa-hoi"]):
        master, slave = pty.openpty()
        try:
            p = subprocess.run(cmd(*args), stdout=slave, stderr=subprocess.PIPE,
                               env=sb.env, timeout=60)
            os.set_blocking(master, False)
            try:
                leaked = os.read(master, 4096)
            except OSError:
                leaked = b""
        finally:
            os.close(slave)
            os.close(master)
        err = p.stderr.decode()
        check(p.returncode == 2 and err == "docbao: refusing to write audio to the terminal: "
              "redirect it, e.g. -o - > file.wav.\n" and not leaked,
              f"docbao {' '.join(args[:3])}: stdout a terminal: refused in one line, exit 2, "
              "nothing written to it", f"rc={p.returncode} {err!r} {leaked[:40]!r}")
    redirected = sb.path("redirected.wav")
    with open(redirected, "wb") as f:
        p = subprocess.run(cmd("read", "-q", "-o", "-", SAMPLE_HTML), stdout=f,
                           stderr=subprocess.PIPE, env=sb.env, timeout=120)
    with open(redirected, "rb") as f:
        head = f.read(4)
    check(p.returncode == 0 and head == b"RIFF", "-o - > file.wav still writes the WAV",
          p.stderr.decode())
    # into a pipe, which libsndfile cannot seek back into: the whole WAV still comes out
    p = subprocess.run(cmd("read", "-q", "-o", "-", SAMPLE_HTML), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=sb.env, timeout=120)
    with open(redirected, "rb") as f:
        whole = f.read()
    check(p.returncode == 0 and p.stdout == whole,
          "read -o - | …: the same WAV into a pipe as into a file",
          f"rc={p.returncode} {len(p.stdout)} vs {len(whole)} bytes {p.stderr.decode()}")
finally:
    sb.close()
done()
