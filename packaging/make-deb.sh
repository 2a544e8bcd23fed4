#!/bin/sh
# make-deb.sh — builds the Debian package (make deb): copies the working tree (without build
# output or .git) to a temporary folder, adds packaging/debian as debian/, runs
# `dpkg-buildpackage -us -uc -b` there and puts the .deb (with its .buildinfo and .changes)
# in OUTDIR.
#
#   packaging/make-deb.sh [OUTDIR]      OUTDIR defaults to build/
#
# A copy, because `debian/rules clean` runs `make clean`, which would remove the build
# folders of the shared tree. Needs dpkg-dev and debhelper (make deps installs them).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build}
case $out in /*) ;; *) out="$root/$out" ;; esac

command -v dpkg-buildpackage >/dev/null ||
    { echo "make-deb.sh: dpkg-buildpackage is missing: install dpkg-dev (make deps)" >&2; exit 1; }
"$root/packaging/debian/gen-control.sh" --check

tmp=$(mktemp -d "${TMPDIR:-/tmp}/docbao-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/docbao"
(cd "$root" && tar -cf - --exclude=./.git --exclude='./build*' --exclude=./debian \
    --exclude='__pycache__' .) | (cd "$tmp/docbao" && tar -xf -)
cp -R "$root/packaging/debian" "$tmp/docbao/debian"
rm -f "$tmp/docbao/debian/gen-control.sh"

(cd "$tmp/docbao" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1 || {
    tail -40 "$tmp/build.log" >&2
    echo "make-deb.sh: dpkg-buildpackage failed (the last lines of its log are above)" >&2
    exit 1
}
mkdir -p "$out"
for f in "$tmp"/*.deb "$tmp"/*.buildinfo "$tmp"/*.changes; do
    [ -e "$f" ] && cp "$f" "$out/"
done
ls "$tmp"/*.deb | sed "s|^$tmp/|$out/|"
