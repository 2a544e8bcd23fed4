#!/usr/bin/env python3
"""The Debian package: packaging/make-deb.sh (make deb) builds it from packaging/debian/, whose
Build-Depends and Depends are the Makefile's DEB_BUILD and DEB_RUN; unpacked into a scratch
root (dpkg -x), the installed docbao runs and finds its data and messages without the source
tree; the man page renders; bash and zsh completion are installed and parse; lintian finds no
errors (warnings and information tags are listed). Skipped, with a reason, when
dpkg-buildpackage or debhelper is missing. Takes about a minute (dpkg-buildpackage, lintian).
"""
import glob
import io
import os
import shutil
import subprocess
import sys
import tarfile

from lib import ROOT, Sandbox, check, done


def skip(why):
    print(f"ok - # SKIP {why}")
    sys.exit(0)


if not shutil.which("dpkg-buildpackage"):
    skip("dpkg-buildpackage is missing (install dpkg-dev; make deps does)")
if not shutil.which("dh"):
    skip("debhelper is missing (install debhelper; make deps does)")

r = subprocess.run([os.path.join(ROOT, "packaging", "debian", "gen-control.sh"), "--check"],
                   capture_output=True)
check(r.returncode == 0, "debian/control is in step with the Makefile's DEB_BUILD and DEB_RUN",
      r.stderr.decode())

sb = Sandbox()
try:
    out = sb.path("deb")
    r = subprocess.run([os.path.join(ROOT, "packaging", "make-deb.sh"), out], cwd=ROOT,
                       capture_output=True, timeout=600)
    debs = sorted(glob.glob(os.path.join(out, "docbao_*.deb")))
    check(r.returncode == 0 and len(debs) == 1, "make-deb.sh builds one docbao_*.deb",
          r.stderr.decode()[-3000:])
    if not debs:
        done()
    deb = debs[0]
    check(os.path.basename(deb).startswith("docbao_0.1.0-1_"), "the package is version 0.1.0-1",
          deb)

    info = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], capture_output=True).stdout
    info = info.decode()
    for dep in ("espeak-ng-data", "ca-certificates", "libespeak-ng1", "libportaudio2",
                "libcurl4", "libjansson4", "libsqlite3-0"):
        check(dep in info, f"Depends has {dep}", info)

    root = sb.path("root")
    r = subprocess.run(["dpkg", "-x", deb, root], capture_output=True)
    check(r.returncode == 0, "dpkg -x unpacks the package", r.stderr.decode())
    files = ("usr/bin/docbao", "usr/lib/docbao/docbaod", "usr/share/docbao/sources.json",
             "usr/share/docbao/voices/vi/abbreviations.tsv",
             "usr/share/docbao/voices/vi/LICENSE-vinorm",
             "usr/share/locale/vi/LC_MESSAGES/docbao.mo", "usr/share/man/man1/docbao.1.gz",
             "usr/lib/systemd/user/docbao.service", "usr/share/applications/docbao.desktop",
             "usr/share/bash-completion/completions/docbao",
             "usr/share/zsh/vendor-completions/_docbao", "usr/share/doc/docbao/copyright")
    for f in files:
        check(os.path.isfile(os.path.join(root, f)), f"the package holds /{f}")

    inst = os.path.join(root, "usr", "bin", "docbao")
    env = dict(sb.env)
    env.pop("DOCBAO_DATADIR", None)

    def run(*args, stdin=None, extra=None):
        e = dict(env)
        if extra:
            e.update(extra)
        return subprocess.run([inst, *args], input=stdin, capture_output=True, env=e, cwd="/",
                              timeout=60)

    r = run("--version")
    check(r.returncode == 0 and r.stdout.startswith(b"docbao 0.1.0"),
          "the installed docbao --version", r.stdout.decode() + r.stderr.decode())
    r = run("categories")
    check(r.returncode == 0 and b"xa-hoi" in r.stdout and "Xã hội" in r.stdout.decode(),
          "the installed docbao finds its sources (categories)", r.stderr.decode())
    r = run("categories", "--json")
    check(r.returncode == 0 and b'"vnexpress"' in r.stdout, "the installed categories --json",
          r.stderr.decode())
    r = run("text", stdin="UBND TP.HCM có 1.100 người ngày 15/9.".encode())
    check(r.returncode == 0 and r.stdout.decode().strip() ==
          "ủy ban nhân dân thành phố Hồ Chí Minh có một nghìn một trăm người ngày mười lăm "
          "tháng chín.", "the installed docbao finds its lexicons (text)",
          r.stdout.decode() + r.stderr.decode())
    r = run("--bogus", extra={"LANGUAGE": "vi"})
    check(r.returncode == 2 and "không có tùy chọn" in r.stderr.decode(),
          "the installed docbao finds its Vietnamese messages", r.stderr.decode())
    # docbao daemon becomes /usr/lib/docbao/docbaod: found from the unpacked tree, it says where
    # it listens on its first line
    d = subprocess.Popen([inst, "daemon", "--offline"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, cwd="/")
    try:
        first, _ = d.communicate(timeout=3)
    except subprocess.TimeoutExpired:
        d.terminate()
        first, _ = d.communicate(timeout=30)
    check(first.decode().startswith("docbao daemon: listening on"),
          "the installed docbao daemon starts its docbaod", first.decode()[:300])

    man = os.path.join(root, "usr", "share", "man", "man1", "docbao.1.gz")
    r = subprocess.run(["man", "-l", man], capture_output=True,
                       env={**os.environ, "MANWIDTH": "80", "MAN_DISABLE_SECCOMP": "1"})
    check(r.returncode == 0 and b"EXIT STATUS" in r.stdout and not r.stderr.strip(),
          "the installed man page renders (man -l)", r.stderr.decode())

    bash_comp = os.path.join(root, "usr/share/bash-completion/completions/docbao")
    r = subprocess.run(["bash", "-n", bash_comp], capture_output=True)
    check(r.returncode == 0, "bash -n accepts the bash completion", r.stderr.decode())
    # the completion completes categories from the installed program, and sites after a comma
    script = (f'PATH={os.path.dirname(inst)}:$PATH; . {bash_comp}; '
              't() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _docbao; '
              'echo "${COMPREPLY[*]}"; }; '
              't docbao -c th; t docbao -s vnexpress,da; t docbao --dialect ""; t docbao rea')
    r = subprocess.run(["bash", "-c", script], capture_output=True, env=env, cwd="/")
    lines = r.stdout.decode().splitlines()
    check(lines == ["the-gioi the-thao thoi-su", "vnexpress,dantri", "north south", "read"],
          "bash completion: categories, sites, dialects, commands", r.stdout.decode() +
          r.stderr.decode())
    if shutil.which("zsh"):
        r = subprocess.run(["zsh", "-n", os.path.join(root, "usr/share/zsh/vendor-completions/"
                                                      "_docbao")], capture_output=True)
        check(r.returncode == 0, "zsh -n accepts the zsh completion", r.stderr.decode())
    else:
        print("ok - # SKIP zsh is not installed: the zsh completion is not parsed")

    ctrl = subprocess.run(["dpkg-deb", "--ctrl-tarfile", deb], capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(ctrl)) as t:
        names = [m.name for m in t.getmembers()]
        script = (t.extractfile("./postinst").read().decode() if "./postinst" in names else "")
    # dh_installsystemduser --no-enable only re-enables a unit the user had enabled
    # ("debian-installed"); its default would enable it on first install
    check("debian-installed" in script or "deb-systemd-helper --user enable" not in script,
          "the user unit is not enabled for every user on install", script)

    if shutil.which("lintian"):
        changes = glob.glob(os.path.join(out, "docbao_*.changes"))
        r = subprocess.run(["lintian", "-I", "--pedantic", *(changes or [deb])],
                           capture_output=True, timeout=300)
        tags = [ln for ln in r.stdout.decode().splitlines() if ln[:3] in ("E: ", "W: ", "I: ",
                                                                             "P: ")]
        for t in tags:
            print(f"#   lintian {t}")
        errors = [t for t in tags if t.startswith("E: ")]
        check(r.returncode in (0, 1) and not errors, "lintian finds no errors",
              "\n".join(errors) or r.stderr.decode())
    else:
        print("ok - # SKIP lintian is not installed (make deps installs it)")
finally:
    sb.close()
done()
