#!/bin/sh
# Added cost per call of user-space probes: tests/tools/utarget's `loop N` calls ut_add() and
# passes the SDT marker utarget:hot N times and prints the ns per iteration; it runs untraced,
# then under bstap and bpftrace with an empty uprobe, a counting uprobe, a uretprobe and a
# counting USDT probe, one run each (pinned to CPU 0 when taskset is there). The figures are
# the traced ns per iteration minus the untraced one.
#
#   sh bench/uprobes.sh            N=2000000 BSTAP=build/bstap sh bench/uprobes.sh
#
# Needs root; bpftrace is optional. Never run by make test.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BSTAP=${BSTAP:-$ROOT/build/bstap}
U=${U:-$ROOT/build/tests/utarget}
N=${N:-2000000}
[ -x "$BSTAP" ] && [ -x "$U" ] || { echo "uprobes.sh: run make first"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "uprobes.sh: must run as root"; exit 1; }
PIN=
command -v taskset >/dev/null 2>&1 && PIN="$(command -v taskset) -c 0"
W=$(mktemp -d "${TMPDIR:-/tmp}/bstap-uprobes.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT

run_plain() { $PIN "$U" loop "$N" | awk '{ print $1 }'; }
base=$(run_plain)
printf '%-22s %10s %10s\n' "probe ($N calls)" bstap bpftrace
printf '%-22s %10s\n' "untraced ns/call" "$base"

bstap_run() {	# $1: script; prints the traced ns per iteration
	"$BSTAP" -c "$PIN $U loop $N" -e "$1" >"$W/out" 2>"$W/err" || { echo "err"; return; }
	awk '/ns per iteration/ { print $1 }' "$W/out"
}
bt_run() {	# $2: the pinning command ("" for usdt: bpftrace looks the marker up in the -c
		# process, which must be the program itself)
	command -v bpftrace >/dev/null 2>&1 || { echo "-"; return; }
	bpftrace -c "${2:+$2 }$U loop $N" -e "$1" >"$W/out" 2>"$W/err" || { echo "err"; return; }
	awk '/ns per iteration/ { print $1 }' "$W/out"
}
added() { case "$1" in err|-|"") echo "$1" ;; *) echo "$1 $base" | awk '{ printf "%.0f", $1 - $2 }' ;; esac; }

row() {	# name, bstap script, bpftrace script[, pin for bpftrace]
	b=$(added "$(bstap_run "$2")")
	t=$(added "$(bt_run "$3" "${4-$PIN}")")
	printf '%-22s %10s %10s\n' "$1" "$b" "$t"
}
row "empty uprobe" "probe process(\"$U\").function(\"ut_add\") { }" "uprobe:$U:ut_add { }"
row "counting uprobe" "global c; probe process(\"$U\").function(\"ut_add\") { c++ } probe end { }" \
	"uprobe:$U:ut_add { @c = count(); } END { clear(@c); }"
row "uretprobe" "probe process(\"$U\").function(\"ut_add\").return { }" "uretprobe:$U:ut_add { }"
row "counting usdt" "global c; probe process(\"$U\").mark(\"hot\") { c++ } probe end { }" \
	"usdt:$U:utarget:hot { @c = count(); } END { clear(@c); }" ""
echo "(added ns per call: traced minus untraced; one run each; bpftrace's usdt run unpinned)"
