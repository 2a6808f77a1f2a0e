#!/bin/sh
# Rewrite the golden tests' expected files from the current binary; then read the diff.
#
#   sh tests/golden-update.sh [tests/golden/DIR/NAME.stp ...]     (default: every golden test)
#
# For each NAME.stp (first line "#! bstap OPTIONS") this runs `bstap OPTIONS NAME.stp` in the
# script's directory and writes NAME.stp.out (stdout), NAME.stp.err (stderr) and NAME.stp.status
# (exit status), leaving out the files that would be empty or 0, exactly as tests/run.sh reads them.
# BSTAP=path picks the binary (default build/bstap).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BSTAP=${BSTAP:-$ROOT/build/bstap}
case "$BSTAP" in /*) ;; *) BSTAP=$(pwd)/$BSTAP ;; esac
[ -x "$BSTAP" ] || { echo "golden-update: no binary at $BSTAP" >&2; exit 1; }

if [ $# = 0 ]; then
	set -- "$ROOT"/tests/golden/*/*.stp
fi
n=0
for f in "$@"; do
	[ -f "$f" ] || { echo "golden-update: no such test: $f" >&2; continue; }
	dir=$(cd "$(dirname "$f")" && pwd)
	base=$(basename "$f")
	opts=$(sed -n '1s/^#![ ]*bstap//p' "$f")
	(cd "$dir" && exec timeout 30 "$BSTAP" $opts "$base") >"$dir/$base.out" 2>"$dir/$base.err"
	rc=$?
	[ -s "$dir/$base.out" ] || rm -f "$dir/$base.out"
	[ -s "$dir/$base.err" ] || rm -f "$dir/$base.err"
	if [ $rc = 0 ]; then rm -f "$dir/$base.status"; else echo $rc >"$dir/$base.status"; fi
	n=$((n + 1))
done
echo "golden-update: rewrote $n test(s); review with: git diff -- tests/golden"
