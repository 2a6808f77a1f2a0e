#!/bin/sh
# Startup benchmark: wall time from launch to the first line a begin/timer probe prints, for bstap
# (cold, miss, warm, begin-only) and, when installed, bpftrace and stap --runtime=bpf.
#
#   sh bench/startup.sh            (make bench)     N=21 sh bench/startup.sh
#
# Environment: N runs per case (default 11); BSTAP binary (default build/bstap); HYPERFINE=0 skips
# the hyperfine cross-check; STAP_LINK_BUILD=DIR lends stap a kernel build tree for the run (below).
# Needs root (it loads BPF programs). Never run by make test.
set -u

N=${N:-11}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BSTAP=${BSTAP:-$ROOT/build/bstap}
[ -x "$BSTAP" ] || { echo "startup.sh: no bstap at $BSTAP (run make)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "startup.sh: must run as root (it loads BPF programs)"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bstap-bench.XXXXXX") || exit 1
CLEANUP='rm -rf "$W"'
trap 'eval "$CLEANUP"' EXIT
trap 'exit 130' INT TERM
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror "$ROOT/bench/firstline.c" -o "$W/firstline" ||
	exit 1

TIMER='probe timer.ms(1) { printf("hi\n"); exit() }'
BEGIN='probe begin { printf("hi\n"); exit() }'
BT_PROG='BEGIN { printf("hi\n"); exit(); }'

: >"$W/results"
# median FILE COLUMN: the median of a column of numbers
median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# measure ID LABEL PREP CMD...: N timed runs; a run that fails or prints nothing voids the case
measure() {
	id=$1 label=$2 prep=$3
	shift 3
	if [ -n "$prep" ]; then
		"$W/firstline" -p "$prep" "$N" "$@" >"$W/$id.times" 2>"$W/$id.err"
	else
		"$W/firstline" "$N" "$@" >"$W/$id.times" 2>"$W/$id.err"
	fi
	if awk '$1 < 0 || $3 != 0 { bad = 1 } END { exit !bad }' "$W/$id.times" || [ ! -s "$W/$id.times" ]; then
		echo "  $label: a run failed or printed nothing; stderr:"
		head -n 5 "$W/$id.err" | sed 's/^/    /'
		return 1
	fi
	printf '%s|%s|%s|%s\n' "$id" "$label" "$(median "$W/$id.times" 1)" "$(median "$W/$id.times" 2)" >>"$W/results"
	printf '  %-44s %8.1f ms\n' "$label" "$(median "$W/$id.times" 1)"
}

echo "bstap startup benchmark: $N runs per case, median wall time from launch to the first line"
echo "  machine: $(nproc) CPUs, Linux $(uname -r); bstap: $BSTAP"
echo

C=$W/cache
measure bstap-cold "bstap timer, cold (empty cache dir)" "rm -rf '$C'" \
	"$BSTAP" --cache-dir "$C" -e "$TIMER"
# A new script with a known clang: the cache dir remembers the clang version, entries are gone.
measure bstap-miss "bstap timer, miss (new script)" "rm -f '$C'/*.bpf.o '$C'/*.sum" \
	"$BSTAP" --cache-dir "$C" -e "$TIMER"
"$BSTAP" --cache-dir "$C" -e "$TIMER" >/dev/null 2>&1
measure bstap-warm "bstap timer, warm (cache hit)" "" \
	"$BSTAP" --cache-dir "$C" -e "$TIMER"
# The compiler-free runner on a prebuilt object (what a production host runs).
RUNNER=${BSTAP_RUN:-$(dirname "$BSTAP")/bstap-run-static}
if [ -x "$RUNNER" ] && "$BSTAP" --cache-dir "$C" -p4 -m "$W/timer" -e "$TIMER" >/dev/null 2>&1; then
	measure bstap-run "bstap-run-static, prebuilt object" "" "$RUNNER" "$W/timer.bpf.o"
else
	echo "  bstap-run: skipped: no $RUNNER, or -p4 -m failed"
fi
measure bstap-nocache "bstap timer, --no-cache" "" \
	"$BSTAP" --no-cache -e "$TIMER"
measure bstap-begin "bstap begin only (nothing to compile)" "" \
	"$BSTAP" --cache-dir "$C" -e "$BEGIN"

# ---- peers, each when it can run here
peer_note=
if command -v bpftrace >/dev/null 2>&1; then
	measure bpftrace "bpftrace BEGIN ($(bpftrace --version 2>/dev/null | head -n 1))" "" \
		bpftrace -e "$BT_PROG" || peer_note="$peer_note bpftrace failed;"
else
	echo "  bpftrace: not installed (apt-get install bpftrace)"
fi

# stap --runtime=bpf: see bench/stap-env.sh
. "$ROOT/bench/stap-env.sh"
if stap_prepare "$W" "$BEGIN" hi; then
	measure stap "stap --runtime=bpf begin ($STAP_VERSION)" "" \
		env LD_PRELOAD="$W/memlock.so" stap --runtime=bpf -e "$BEGIN"
fi

# ---- the table: medians and how many times faster each bstap case is than each peer
echo
get() { awk -F'|' -v id="$1" -v f="$2" '$1 == id { print $f }' "$W/results"; }
bt=$(get bpftrace 3)
st=$(get stap 3)
printf '%-44s %12s %10s %12s %12s\n' "case" "first line" "exit" "bpftrace/it" "stap/it"
while IFS='|' read -r id label first end; do
	r1=-
	r2=-
	[ -n "$bt" ] && r1=$(awk -v a="$bt" -v b="$first" 'BEGIN { printf "%.1fx", a / b }')
	[ -n "$st" ] && r2=$(awk -v a="$st" -v b="$first" 'BEGIN { printf "%.1fx", a / b }')
	printf '%-44s %9.1f ms %7.1f ms %12s %12s\n' "$label" "$first" "$end" "$r1" "$r2"
done <"$W/results"
echo "(median of $N runs; 'bpftrace/it' = bpftrace's median / this case's: above 1x, this case starts faster)"

# ---- cross-check with hyperfine (launch to exit, its own statistics)
if [ "${HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null 2>&1; then
	echo
	echo "hyperfine cross-check (launch to exit):"
	set -- -N --style basic --runs "$N" \
		--prepare "rm -rf '$C.hf'" -n "bstap cold" "$BSTAP --cache-dir $C.hf -e '$TIMER'"
	"$BSTAP" --cache-dir "$C" -e "$TIMER" >/dev/null 2>&1
	set -- "$@" --prepare true -n "bstap warm" "$BSTAP --cache-dir $C -e '$TIMER'"
	[ -n "$bt" ] && set -- "$@" --prepare true -n bpftrace "bpftrace -e '$BT_PROG'"
	hyperfine "$@" 2>&1 | grep -v '^ *$'
fi
