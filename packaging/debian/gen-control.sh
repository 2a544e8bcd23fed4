#!/bin/sh
# gen-control.sh — keeps packaging/debian/control in step with the Makefile's package lists,
# the single list `make deps` installs: Build-Depends is debhelper-compat plus DEB_BUILD
# (without build-essential, which Debian always assumes); the binary package's Depends is
# ${shlibs:Depends}, ${misc:Depends} plus DEB_RUN.
#
#   packaging/debian/gen-control.sh           rewrite control in place
#   packaging/debian/gen-control.sh --check   exit 1 (and show the difference) when out of step
#
# Run from anywhere; the repository root is two folders up from this script.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
control="$here/control"

# A variable of the Makefile, without running any of its rules.
make_var() {
    printf 'docbao-print-%%:\n\t@echo $($*)\n' |
        make --no-print-directory -s -C "$root" -f Makefile -f - "docbao-print-$1"
}

build=$(make_var DEB_BUILD)
run=$(make_var DEB_RUN)
[ -n "$build" ] || { echo "gen-control.sh: DEB_BUILD is empty in $root/Makefile" >&2; exit 1; }

bdeps=" debhelper-compat (= 13),"
for p in $build; do
    [ "$p" = build-essential ] && continue
    bdeps="$bdeps
 $p,"
done
rdeps=' ${shlibs:Depends},
 ${misc:Depends},'
for p in $run; do
    rdeps="$rdeps
 $p,"
done

# Replaces the continuation lines of the Build-Depends and Depends fields.
new=$(BDEPS="$bdeps" RDEPS="$rdeps" awk '
    function flush() { if (field != "") { print ENVIRON[field]; field = "" } }
    /^Build-Depends:/ { flush(); print "Build-Depends:"; field = "BDEPS"; next }
    /^Depends:/ { flush(); print "Depends:"; field = "RDEPS"; next }
    field != "" && /^[ \t]/ { next }
    { flush(); print }
    END { flush() }
' "$control")

if [ "${1-}" = --check ]; then
    if [ "$new" != "$(cat "$control")" ]; then
        echo "gen-control.sh: $control is out of step with the Makefile's DEB_BUILD/DEB_RUN;" \
            "run packaging/debian/gen-control.sh" >&2
        printf '%s\n' "$new" | diff -u "$control" - >&2 || true
        exit 1
    fi
    exit 0
fi
printf '%s\n' "$new" >"$control"
