#!/bin/sh
# Per-event cost and memory while tracing: each tracer runs the same counting script on a 1 ms
# interval timer (the probe all three support; every CPU is kept busy) for T seconds. The kernel's BPF statistics
# (kernel.bpf_stats_enabled) give the time its BPF programs ran per event; the tracer's resident
# memory (its whole process tree, sampled every 0.1 s) gives what tracing costs in userspace.
#
#   sh bench/events.sh          (make bench-events)          T=5 R=5 sh bench/events.sh
#
# Environment: T seconds per run (default 4); R rounds, the tracers taking turns, medians
# reported (default 3); BSTAP binary (default build/bstap);
# STAP_LINK_BUILD=DIR as in bench/startup.sh. Needs root. Never run by make test.
set -u

T=${T:-4}
R=${R:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BSTAP=${BSTAP:-$ROOT/build/bstap}
[ -x "$BSTAP" ] || { echo "events.sh: no bstap at $BSTAP (run make)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "events.sh: must run as root (it loads BPF programs)"; exit 1; }
command -v bpftool >/dev/null 2>&1 || { echo "events.sh: needs bpftool (make deps)"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bstap-events.XXXXXX") || exit 1
STATS=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
CLEANUP='sysctl -qw kernel.bpf_stats_enabled="$STATS"; kill $BUSY 2>/dev/null; rm -rf "$W"'
BUSY=
trap 'eval "$CLEANUP"' EXIT
trap 'exit 130' INT TERM
sysctl -qw kernel.bpf_stats_enabled=1 || { echo "events.sh: cannot enable kernel.bpf_stats_enabled"; exit 1; }

STP='global c; probe timer.ms(1) { c[execname()]++ }'
BT='interval:ms:1 { @c[comm]++; }'

# one busy loop per CPU for the whole run, so that execname() meets the same task everywhere
i=0
while [ $i -lt "$(nproc)" ]; do
	sh -c 'while :; do :; done' &
	BUSY="$BUSY $!"
	i=$((i + 1))
done

max_prog_id() { bpftool prog show -j 2>/dev/null | python3 -c 'import json,sys; print(max([p["id"] for p in json.load(sys.stdin)] or [0]))'; }
# ns per run and runs of the perf_event programs newer than id $1
prog_cost() {
	bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
after = int(sys.argv[1])
t = n = 0
for p in json.load(sys.stdin):
    if p["id"] > after and p.get("type") == "perf_event":
        t += p.get("run_time_ns", 0); n += p.get("run_cnt", 0)
print("%.0f %d" % (t / n if n else -1, n))' "$1"
}
# resident KB of a process and all its descendants
tree_rss() {
	_sum=0
	for _p in $1 $(pgrep -P "$1" 2>/dev/null); do
		_r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$_p/status" 2>/dev/null)
		_sum=$((_sum + ${_r:-0}))
		[ "$_p" != "$1" ] && for _c in $(pgrep -P "$_p" 2>/dev/null); do
			_r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$_c/status" 2>/dev/null)
			_sum=$((_sum + ${_r:-0}))
		done
	done
	echo $_sum
}

: >"$W/results"
# measure LABEL CMD...: run CMD (which must stop by itself after about T seconds)
measure() {
	label=$1
	shift
	before=$(max_prog_id)
	"$@" >"$W/out" 2>"$W/err" &
	pid=$!
	peak=0
	cost="-1 0"
	while kill -0 $pid 2>/dev/null; do
		r=$(tree_rss $pid)
		[ "$r" -gt "$peak" ] && peak=$r
		c=$(prog_cost "$before")
		[ "${c%% *}" != -1 ] && cost=$c
		sleep 0.1
	done
	wait $pid
	set -- $cost
	if [ "$1" = -1 ] || [ "$2" = 0 ]; then
		echo "  $label: no BPF program of it ran; stderr:"
		head -n 5 "$W/err" | sed 's/^/    /'
		return 1
	fi
	echo "$label|$1|$2|$peak" >>"$W/runs"
	printf '  %-40s %7s ns/event %7s events %8s KB resident\n' "$label" "$1" "$2" "$peak"
}

echo "bstap per-event cost and memory: $T s of a 1 ms timer counting by execname(), $(nproc) busy CPUs, Linux $(uname -r)"
"$BSTAP" -p4 -m "$W/count" -e "$STP" >/dev/null 2>&1 || { echo "events.sh: bstap cannot compile the script"; exit 1; }
RUNNER=$(dirname "$BSTAP")/bstap-run-static
BT_OK=
command -v bpftrace >/dev/null 2>&1 && BT_OK=1 || echo "  bpftrace: not installed (apt-get install bpftrace)"
. "$ROOT/bench/stap-env.sh"
STAP_OK=
stap_prepare "$W" 'probe begin { printf("hi\n"); exit() }' hi && STAP_OK=1
: >"$W/runs"
round=1
while [ $round -le "$R" ]; do
	echo " round $round of $R"
	measure "bstap (cache hit)" "$BSTAP" -T "$T" -e "$STP"
	[ -x "$RUNNER" ] && measure "bstap-run-static, prebuilt object" "$RUNNER" -T "$T" "$W/count.bpf.o"
	[ -n "$BT_OK" ] && measure "bpftrace $(bpftrace --version 2>/dev/null | sed 's/bpftrace //')" \
		timeout -s INT "$T" bpftrace -e "$BT"
	[ -n "$STAP_OK" ] && measure "stap --runtime=bpf $STAP_VERSION" env LD_PRELOAD="$W/memlock.so" \
		timeout -s INT "$((T + 15))" stap --runtime=bpf -T "$T" -e "$STP"
	round=$((round + 1))
done
# medians per tracer, in the order they first ran
awk -F'|' '!($1 in seen) { seen[$1] = 1; order[++n] = $1 } { ns[$1] = ns[$1] " " $2; kb[$1] = kb[$1] " " $4 }
function med(list,   v, k, i, j, t) {
	k = split(list, v, " ")
	for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
END { for (i = 1; i <= n; i++) printf "%s|%d|-|%d\n", order[i], med(ns[order[i]]), med(kb[order[i]]) }' "$W/runs" >"$W/results"

echo
get() { awk -F'|' -v l="$1" 'index($1, l) == 1 { print $'"$2"' }' "$W/results"; }
bt=$(get bpftrace 2)
st=$(get stap 2)
btm=$(get bpftrace 4)
stm=$(get stap 4)
printf '%-40s %12s %12s %12s %12s %12s\n' tracer "ns/event" "bpftrace/it" "stap/it" "resident" "bpftrace/it"
while IFS='|' read -r label ns n kb; do
	r1=-; r2=-; r3=-
	[ -n "$bt" ] && r1=$(awk -v a="$bt" -v b="$ns" 'BEGIN { printf "%.1fx", a / b }')
	[ -n "$st" ] && r2=$(awk -v a="$st" -v b="$ns" 'BEGIN { printf "%.1fx", a / b }')
	[ -n "$btm" ] && r3=$(awk -v a="$btm" -v b="$kb" 'BEGIN { printf "%.1fx", a / b }')
	printf '%-40s %12s %12s %12s %9s KB %12s\n' "$label" "$ns" "$r1" "$r2" "$kb" "$r3"
done <"$W/results"
echo "(medians of $R rounds; BPF run time per program run from the kernel's statistics; resident"
echo " memory is the peak of the tracer's process tree; 'bpftrace/it' above 1x: this tracer costs less)"
