#!/usr/bin/env python3
"""The documentation is in step with the program: every option of `docbao --help` is in the
man page and the README; the keys and daemon commands of --help, the man page and the shell
completions are the rows of the command table (include/docbao/cmd_rows.h); the man page renders; --help speaks both languages; an installed
docbao (make install DESTDIR=…) finds its data without the source tree."""
import os
import re
import subprocess

from lib import ROOT, Sandbox, check, done

sb = Sandbox()
try:
    r = sb.run("--help")
    check(r.returncode == 0, "--help exits 0")
    help_text = r.stdout.decode()
    opts = sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text)))
    check(len(opts) >= 20, "--help lists the options", opts)
    man = open(os.path.join(ROOT, "packaging", "docbao.1")).read().replace("\\-", "-")
    readme = open(os.path.join(ROOT, "README.md")).read()
    for o in opts:
        check(o in man, f"{o} is in the man page")
        check(o in readme, f"{o} is in the README")
    for cmd in ("list", "categories", "read", "extract", "text", "daemon", "status"):
        check(cmd in help_text and re.search(rf"^\.BI? {cmd}\b", open(os.path.join(
            ROOT, "packaging", "docbao.1")).read(), re.M),
              f"the command {cmd} is in --help and the man page")
    # --- the command table (include/docbao/cmd_rows.h) against --help and the man page ------
    rows_src = open(os.path.join(ROOT, "include", "docbao", "cmd_rows.h")).read()
    rows = [dict(name=m[0], keys=m[1], nargs=int(m[2]), flags=m[3], help=m[4]) for m in
            re.findall(r'^CMD_ROW\("([^"]+)",\s*\w+,\s*"([^"]*)",\s*(\d),\s*([^,]+),\s*'
                       r'N_\("((?:[^"\\]|\\.)*)"\)', rows_src, re.M | re.S)]
    check(len(rows) == rows_src.count("\nCMD_ROW(") and len(rows) >= 22,
          "the rows of the command table are read", len(rows))
    man_src = open(os.path.join(ROOT, "packaging", "docbao.1")).read()
    man_plain = (man_src.replace("\\(mu", "×").replace("\\(di", "÷").replace("\\-", "-")
                 .replace("\\fB", "").replace("\\fR", "").replace("\\fI", ""))
    keys_sec = man_plain[man_plain.index(".SH KEYS"):man_plain.index(".SH EXIT STATUS")]
    man_keys = dict(re.findall(r'^\.B "?([^"\n]+?)"?\n([^\n]*)', keys_sec, re.M))
    help_keys = help_text[help_text.index("Keys while listening:"):]
    help_cmds = help_text[help_text.index("  daemon "):help_text.index("  read URL")]
    help_cmds = {part.split()[0] for line in help_cmds.split("\n")[1:]
                 if line.startswith("  ") and not line.startswith("   ")
                 for part in line.strip().split("|") if part}
    synopsis = man_plain[man_plain.index(".SH SYNOPSIS"):man_plain.index(".SH DESCRIPTION")]
    commands = man_plain[man_plain.index(".SH COMMANDS"):man_plain.index(".SH OPTIONS")]
    keyed = [r for r in rows if r["keys"]]
    for r in keyed:
        check(r["keys"] in man_keys and man_keys[r["keys"]].startswith(r["help"]),
              f"the man page's KEYS: {r['keys']} — {r['help']}", man_keys.get(r["keys"]))
        check(re.search(rf"^  {re.escape(r['keys'])} +{re.escape(r['help'])}$", help_keys, re.M),
              f"--help's keys: {r['keys']} — {r['help']}")
    check(len(man_keys) == len(keyed), "the man page's KEYS has a key for each row, no more",
          sorted(set(man_keys) - {r["keys"] for r in keyed}))
    clients = {r["name"] for r in rows if "CMD_CLIENT" in r["flags"]}
    check(clients >= {"pause", "resume", "repeat", "title", "speed", "quit"},
          "the client commands of the table", sorted(clients))
    check(help_cmds - {"status"} == clients and "status" in help_cmds,
          "--help lists the daemon's commands: the table's client rows",
          sorted(help_cmds ^ clients))
    for c in sorted(clients):
        check(re.search(rf"(^|[ |]){re.escape(c)}( |$|\n)", synopsis, re.M)
              and re.search(rf'(^|[ "]){re.escape(c)}[ "]', commands, re.M),
              f"the man page names the client command {c} (SYNOPSIS and COMMANDS)")
    comp = open(os.path.join(ROOT, "packaging", "completion", "docbao.bash")).read()
    comp = re.search(r'local commands="([^"]*)"', comp).group(1).split()
    zsh = open(os.path.join(ROOT, "packaging", "completion", "_docbao")).read()
    for c in sorted(clients):
        check(c in comp and f"'{c}:" in zsh,
              f"bash and zsh complete the client command {c}")

    r = subprocess.run(["man", "-l", os.path.join(ROOT, "packaging", "docbao.1")],
                       capture_output=True, env={**os.environ, "MANWIDTH": "80"})
    check(r.returncode == 0 and b"EXIT STATUS" in r.stdout and not r.stderr.strip(),
          "the man page renders without warnings", r.stderr.decode())
    r = sb.run("--help", env={"LANGUAGE": "vi"})
    check("Cách dùng" in r.stdout.decode() and "Phím khi nghe" in r.stdout.decode(),
          "--help in Vietnamese with LANGUAGE=vi")
    r = sb.run("--help", env={"LANG": "vi_VN.UTF-8", "LC_ALL": ""})
    check("Cách dùng" in r.stdout.decode(), "--help in Vietnamese with LANG=vi_VN.UTF-8")
    r = sb.run("-V")
    check(r.returncode == 0 and r.stdout.startswith(b"docbao ") and b"eSpeak NG" in r.stdout
          and b"PortAudio" in r.stdout and b"libcurl" in r.stdout,
          "--version names eSpeak NG, PortAudio and libcurl", r.stdout)

    dest = sb.path("root")
    r = subprocess.run(["make", "-s", "install", "PREFIX=/usr", f"DESTDIR={dest}",
                        f"BUILD={os.path.relpath(os.path.dirname(os.environ.get('DOCBAO', 'build/docbao')), ROOT)}"],
                       cwd=ROOT, capture_output=True)
    check(r.returncode == 0, "make install DESTDIR=… works", r.stderr.decode())
    inst = os.path.join(dest, "usr", "bin", "docbao")
    env = dict(sb.env)
    env.pop("DOCBAO_DATADIR", None)
    r = subprocess.run([inst, "categories"], capture_output=True, env=env, cwd="/")
    check(r.returncode == 0 and b"xa-hoi" in r.stdout, "the installed docbao finds its sources",
          r.stderr.decode())
    r = subprocess.run([inst, "text"], input="UBND TP.HCM ngày 15/9".encode(),
                       capture_output=True, env=env, cwd="/")
    check(r.stdout.decode().strip() == "ủy ban nhân dân thành phố Hồ Chí Minh ngày mười lăm "
                                       "tháng chín", "the installed docbao finds its lexicons",
          r.stdout.decode())
    r = subprocess.run([inst, "--bogus"], capture_output=True, env={**env, "LANGUAGE": "vi"},
                       cwd="/")
    check("không có tùy chọn" in r.stderr.decode(), "the installed docbao speaks Vietnamese",
          r.stderr.decode())
    for f in ("usr/lib/systemd/user/docbao.service", "usr/share/applications/docbao.desktop",
              "usr/share/man/man1/docbao.1"):
        check(os.path.exists(os.path.join(dest, f)), f"{f} is installed")
    unit = open(os.path.join(dest, "usr/lib/systemd/user/docbao.service")).read()
    check("ExecStart=/usr/bin/docbao daemon" in unit, "the unit starts the installed daemon")
finally:
    sb.close()
done()
