#!/bin/sh
# syscall.* with an empty handler, side by side with bpftrace's tracepoint:syscalls:sys_enter_*
# and stap --runtime=bpf's syscall.*: the time to compile, the time from launch until the probes
# are attached (a begin/BEGIN line printed after attaching), the time to detach and exit, and
# the added ns per system call (a getppid() loop pinned to one CPU, traced minus untraced).
# "bstap-per-tracepoint" is the design the syscall library did not take (one program per
# syscalls:sys_enter_* tracepoint), measured for comparison.
#
#   sh bench/syscalls.sh          (make bench-syscalls)        R=5 N=2000000 sh bench/syscalls.sh
#
# Environment: R rounds (medians reported, default 3); N calls per loop (default 2000000);
# BSTAP binary (default build/bstap). Needs root. Never run by make test.
set -u
R=${R:-3}
N=${N:-2000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BSTAP=${BSTAP:-$ROOT/build/bstap}
[ -x "$BSTAP" ] || { echo "syscalls.sh: no bstap at $BSTAP (run make)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "syscalls.sh: must run as root"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bstap-sc.XXXXXX") || exit 1
CLEANUP='rm -rf "$W"'
trap 'eval "$CLEANUP"' EXIT
trap 'exit 130' INT TERM
CC=${CC:-cc}
$CC -std=c11 -D_GNU_SOURCE -O2 "$ROOT/bench/getppid_loop.c" -o "$W/loop" || exit 1
$CC -std=c11 -D_GNU_SOURCE -O2 "$ROOT/bench/firstline.c" -o "$W/firstline" || exit 1

. "$ROOT/bench/bpfstats.sh"

BS='probe syscall.* { } probe begin { println("ready") }'
BT='tracepoint:syscalls:sys_enter_* { } BEGIN { printf("ready\n"); }'
command -v bpftool >/dev/null 2>&1 || { echo "syscalls.sh: needs bpftool (make deps)"; exit 1; }

# the libraries cost a script that needs none nothing: a copy of bstap with no library beside it
mkdir -p "$W/bare/bin" && cp "$BSTAP" "$W/bare/bin/bstap"
ONE='global n; probe timer.ms(100) { n++ }'
lib_cost() {	# BINARY EXTRA-ARGS: median ms of -p4 of a one-probe script
	for i in $(seq "$((R * 3))"); do
		s=$(date +%s%N); "$1" -p4 $2 -e "$ONE" >/dev/null 2>&1; e=$(date +%s%N)
		echo $(((e - s) / 100000))
	done | median | awk '{ printf "%.1f", $1 / 10 }'
}
echo "one-probe script, -p4, the full alias library present vs none:"
echo "  no cache: $(lib_cost "$BSTAP" --no-cache) ms vs $(lib_cost "$W/bare/bin/bstap" --no-cache) ms"
"$BSTAP" -p4 -e "$ONE" >/dev/null 2>&1
"$W/bare/bin/bstap" -p4 -e "$ONE" >/dev/null 2>&1
echo "  cached:   $(lib_cost "$BSTAP" "") ms vs $(lib_cost "$W/bare/bin/bstap" "") ms"

echo "syscall.* with an empty handler, Linux $(uname -r), $(nproc) CPUs, $R rounds (medians)"
# compile: cold (no cache) and cached
for i in $(seq "$R"); do
	s=$(date +%s%N); "$BSTAP" -p4 --no-cache -e "$BS" >/dev/null 2>&1; e=$(date +%s%N)
	echo $(((e - s) / 1000000))
done | median >"$W/cold"
"$BSTAP" -p4 -e "$BS" >/dev/null 2>&1
echo "  bstap compile, no cache: $(cat "$W/cold") ms"

# attach: from launch until all its tracepoints are attached (bpftool perf list, polled every
# 20 ms); detach: from SIGINT to exit
NEV=$(ls -d /sys/kernel/tracing/events/syscalls/sys_enter_* 2>/dev/null | wc -l)
perf_count() { bpftool perf list 2>/dev/null | grep -c "^pid $1 "; }
attach_times() {	# NAME WANT CMD...: appends "NAME attach_ms detach_ms" per round
	_n=$1 _want=$2; shift 2
	for _r in $(seq "$R"); do
		_s=$(date +%s%N)
		"$@" >/dev/null 2>"$W/a.err" &
		_p=$!
		_i=0
		while [ "$(perf_count $_p)" -lt "$_want" ]; do
			_i=$((_i + 1))
			if [ $_i -gt 6000 ] || ! kill -0 $_p 2>/dev/null; then
				echo "  $_n: did not attach $_want tracepoints"; head -3 "$W/a.err"
				kill $_p 2>/dev/null; wait $_p 2>/dev/null; return
			fi
			sleep 0.02
		done
		_a=$(date +%s%N)
		kill -TERM $_p
		wait $_p 2>/dev/null
		_e=$(date +%s%N)
		echo "$_n $(((_a - _s) / 1000000)) $(((_e - _a) / 1000000))" >>"$W/attach.runs"
	done
	a=$(awk -v n="$_n" '$1 == n { print $2 }' "$W/attach.runs" | median)
	x=$(awk -v n="$_n" '$1 == n { print $3 }' "$W/attach.runs" | median)
	echo "  $_n: attached in $a ms, detached and exited in $x ms"
	echo "$_n $a $x" >>"$W/attach"
}
attach_times bstap 1 "$BSTAP" -e "$BS"
# the alternative the library did not choose: one program per system call's tracepoint
PER='probe kernel.trace("syscalls:sys_enter_*") { } probe begin { println("ready") }'
"$BSTAP" -p4 -e "$PER" >/dev/null 2>&1
attach_times "bstap-per-tracepoint" "$NEV" "$BSTAP" -e "$PER"
if command -v bpftrace >/dev/null 2>&1; then
	attach_times bpftrace "$NEV" bpftrace -e "$BT"
else
	echo "  bpftrace: not installed (apt-get install bpftrace)"
fi
STAP_OK=
if command -v stap >/dev/null 2>&1; then
	. "$ROOT/bench/stap-env.sh"
	if stap_prepare "$W" 'probe begin { println("ok"); exit() }' ok; then
		STAP_OK=1
		attach_times stap 1 env LD_PRELOAD="$W/memlock.so" stap --runtime=bpf -e "$BS"
	fi
else
	echo "  stap: not installed (apt-get install systemtap)"
fi

# added ns per getppid(): the loop alone, then with each tracer attached
loop_ns() { taskset -c 0 "$W/loop" -g -n "$N" | awk '{ print $6 }'; }
traced_ns() {	# WANT CMD...: runs the loop once CMD has attached WANT tracepoints; ns per call
	_want=$1; shift
	"$@" >"$W/t.out" 2>"$W/t.err" &
	_p=$!
	_i=0
	while [ "$(perf_count $_p)" -lt "$_want" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 1200 ] || ! kill -0 $_p 2>/dev/null; then
			echo "-"; kill $_p 2>/dev/null; wait $_p 2>/dev/null; return
		fi
		sleep 0.1
	done
	loop_ns
	kill -TERM $_p 2>/dev/null
	wait $_p 2>/dev/null
}
for i in $(seq "$R"); do
	u=$(loop_ns)
	b=$(traced_ns 1 "$BSTAP" -e "$BS")
	echo "untraced $u"
	echo "bstap $b"
	echo "bstap-per-tracepoint $(traced_ns "$NEV" "$BSTAP" -e "$PER")"
	if command -v bpftrace >/dev/null 2>&1; then
		echo "bpftrace $(traced_ns "$NEV" bpftrace -e "$BT")"
	fi
	if [ -n "$STAP_OK" ]; then
		echo "stap $(traced_ns 1 env LD_PRELOAD="$W/memlock.so" stap --runtime=bpf -e "$BS")"
	fi
done >"$W/loops"
U=$(awk '$1 == "untraced" { print $2 }' "$W/loops" | median)
echo "  getppid() untraced: $U ns per call"
for t in bstap bstap-per-tracepoint bpftrace stap; do
	v=$(awk -v t=$t '$1 == t && $2 != "-" { print $2 }' "$W/loops" | median)
	[ "$v" = - ] && continue
	echo "  $t: $v ns per call, added $(echo "$v $U" | awk '{ printf "%.1f", $1 - $2 }') ns"
	echo "$t $v" >>"$W/added"
done
if [ -f "$W/added" ]; then
	awk -v u="$U" '{ a[$1] = $2 - u } END {
		if (("bstap") in a && ("bpftrace") in a && a["bpftrace"] > 0)
			printf "  added cost bstap/bpftrace: %.2fx (below 1x bstap costs less)\n", a["bstap"] / a["bpftrace"]
		if (("bstap") in a && ("stap") in a && a["stap"] > 0)
			printf "  added cost bstap/stap: %.2fx\n", a["bstap"] / a["stap"] }' "$W/added"
fi
awk '{ t[$1] = $2 } END { if (("bstap") in t && ("bpftrace") in t && t["bstap"] > 0)
	printf "  attach time bpftrace/bstap: %.1fx (above 1x bstap attaches faster)\n", t["bpftrace"] / t["bstap"] }' "$W/attach"
