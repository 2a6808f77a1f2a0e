#!/bin/sh
# Per-event cost and memory while tracing: each tracer runs the same counting script on a 1 ms
# interval timer (the probe all three support; every CPU is kept busy) for T seconds. The kernel's BPF statistics
# (kernel.bpf_stats_enabled) give the time its BPF programs ran per event; the tracer's resident
# memory (its whole process tree, sampled every 0.1 s) gives what tracing costs in userspace.
#
#   sh bench/events.sh          (make bench-events)          T=5 R=5 sh bench/events.sh
#
# The second part, the hot event, runs a getppid() loop pinned to one CPU untraced and traced
# (an empty handler, a counter keyed by pid, a statistic, printf of two numbers, printf of the
# task's name and a number: a string in the record) on
# raw_syscalls:sys_enter and syscalls:sys_enter_getppid, and reports the added ns per call, the
# tracer's memory, and printf's delivered lines, lost lines and the lossless rate.
#
# Environment: T seconds per run (default 4); R rounds, the tracers taking turns, medians
# reported (default 3); BSTAP binary (default build/bstap); PART=timer or hot (default both);
# HOT_N calls per hot run (default 2000000), HOT_R rounds (default R), SWEEP=0 skips the
# lossless-rate sweep; STAP_LINK_BUILD=DIR as in bench/startup.sh. Needs root and taskset.
# Never run by make test.
set -u
PART=${PART:-all}

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

. "$ROOT/bench/bpfstats.sh"
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


# ---------------------------------------------------------------- a 1 ms timer, every CPU busy
timer_part() {
	# one busy loop per CPU for the whole run, so that execname() meets the same task everywhere
	i=0
	while [ $i -lt "$(nproc)" ]; do
		sh -c 'while :; do :; done' &
		BUSY="$BUSY $!"
		i=$((i + 1))
	done

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
	kill $BUSY 2>/dev/null
	wait $BUSY 2>/dev/null
	BUSY=
}

# ---------------------------------------------------------------- the hot event: getppid() in a loop
# A loop of getppid() pinned to one CPU (bench/getppid_loop.c) waits for SIGUSR1, so each tracer
# attaches to its pid first (-x PID / $1), then makes HOT_N calls; it measures its own ns per call.
# Added ns per call = traced - untraced (same round). Tracers run on another CPU.
HOT_N=${HOT_N:-2000000}
HOT_R=${HOT_R:-$R}
SWEEP=${SWEEP:-1}
NCPU=$(nproc)
LOOPCPU=$((NCPU - 1))
TRCPU=0
# the prefix of a tracer's command: pinned off the loop's CPU, with SIGINT at its default (a
# background command of a non-interactive shell starts with SIGINT ignored); a simple command
# started with & is exec'd, so $! is the tracer's own pid
PIN=
[ "$NCPU" -ge 2 ] && PIN="taskset -c $TRCPU"
env --default-signal=INT true 2>/dev/null && PIN="$PIN env --default-signal=INT"

hot_setup() {
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror "$ROOT/bench/getppid_loop.c" \
		-o "$W/getppid_loop" || exit 1
	FLOOR_OK=
	if ${CLANG:-clang} -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" \
		-c "$ROOT/bench/floor.bpf.c" -o "$W/floor.bpf.o" 2>"$W/floor.err" &&
		${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror "$ROOT/bench/floor.c" \
			-o "$W/floor" $(pkg-config --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz 2>>"$W/floor.err"; then
		FLOOR_OK=1
	else
		echo "  floor: cannot build the empty-program loader: $(head -n 1 "$W/floor.err")"
	fi
	BT_OK=
	if command -v bpftrace >/dev/null 2>&1; then
		BT_OK=1
		BT_VERSION=$(bpftrace --version 2>/dev/null | sed 's/bpftrace //')
	else
		echo "  bpftrace: not installed (apt-get install bpftrace)"
	fi
	. "$ROOT/bench/stap-env.sh"
	STAP_OK=
	stap_prepare "$W" 'probe begin { printf("hi\n"); exit() }' hi && STAP_OK=1
}

# script TRACER EVENT HANDLER: the script text (bstap's is also stap's)
script() {
	case $1:$3 in
	bstap:empty) printf '%s\n' "probe kernel.trace(\"$2\") { }" ;;
	bstap:count) printf '%s\n' "global c; probe kernel.trace(\"$2\") { if (pid() == target()) c[pid()]++ }" ;;
	bstap:stat) printf '%s\n' "global s; probe kernel.trace(\"$2\") { if (pid() == target()) s <<< 1 }" ;;
	bstap:printf)
		if [ "$2" = raw_syscalls:sys_enter ]; then
			printf '%s\n' "probe kernel.trace(\"$2\") { if (pid() == target()) printf(\"%d %d\\n\", pid(), \$id) }"
		else
			printf '%s\n' "probe kernel.trace(\"$2\") { if (pid() == target()) printf(\"%d %d\\n\", pid(), tid()) }"
		fi ;;
	bstap:printfs) printf '%s\n' "probe kernel.trace(\"$2\") { if (pid() == target()) printf(\"%s %d\\n\", execname(), pid()) }" ;;
	bpftrace:empty) printf '%s\n' "tracepoint:$2 { }" ;;
	bpftrace:count) printf '%s\n' "tracepoint:$2 /pid == \$1/ { @c[pid] = count(); }" ;;
	bpftrace:stat) printf '%s\n' "tracepoint:$2 /pid == \$1/ { @s = stats(1); }" ;;
	bpftrace:printf)
		if [ "$2" = raw_syscalls:sys_enter ]; then
			printf '%s\n' "tracepoint:$2 /pid == \$1/ { printf(\"%d %d\\n\", pid, args->id); }"
		else
			printf '%s\n' "tracepoint:$2 /pid == \$1/ { printf(\"%d %d\\n\", pid, tid); }"
		fi ;;
	bpftrace:printfs) printf '%s\n' "tracepoint:$2 /pid == \$1/ { printf(\"%s %d\\n\", comm, pid); }" ;;
	esac
}

# tree_pids PID: the process and its descendants (two levels)
tree_pids() {
	echo "$1"
	for _c in $(pgrep -P "$1" 2>/dev/null); do
		echo "$_c"
		pgrep -P "$_c" 2>/dev/null
	done
}
# attached PID: how many BPF attachments the tracer's process tree holds
attached() {
	_n=0
	_list=$(bpftool perf list 2>/dev/null)
	for _p in $(tree_pids "$1"); do
		_k=$(printf '%s\n' "$_list" | grep -c "^pid $_p ")
		_n=$((_n + _k))
	done
	echo $_n
}

# loop_start N RATE: start the loop on its CPU, waiting for SIGUSR1; its pid in $lpid
loop_start() {
	rm -f "$W/loop.ready"
	taskset -c "$LOOPCPU" "$W/getppid_loop" -n "$1" -r "$2" -o "$W/loop.res" -w "$W/loop.ready" &
	lpid=$!
	# ready once it has blocked SIGUSR1: a signal sooner would kill it
	_i=0
	while [ ! -e "$W/loop.ready" ]; do
		_i=$((_i + 1))
		[ $_i -gt 500 ] && { echo "  the loop did not start"; kill $lpid 2>/dev/null; return 1; }
		sleep 0.01
	done
}
# loop_once N RATE: an untraced run; ns per call in $loop_nspc
loop_once() {
	rm -f "$W/loop.res"
	loop_start "$1" "$2" || return 1
	kill -USR1 $lpid
	wait $lpid
	set -- $(cat "$W/loop.res" 2>/dev/null)
	[ "${1:-}" = calls ] || { echo "  the untraced loop reported nothing"; return 1; }
	loop_nspc=$6
}

# hot_run EVENT HANDLER TRACER [RATE] [N]: one run, after an untraced twin; appends
# "EVENT|HANDLER|TRACER|ns_per_call|lines|expected|reported|peakKB|seconds|twin_ns" to $W/hot.runs
# (or to $W/sweep.runs when RATE is given). TRACER: untraced, floor-raw, floor-tp, bstap, bpftrace, stap.
hot_run() {
	ev=$1 h=$2 tr=$3 rate=${4:-0} n=${5:-$HOT_N}
	# the untraced twin of this run, just before it: added cost is the difference of the pair
	base=-
	if [ "$tr" != untraced ] && [ "$rate" = 0 ]; then
		loop_once "$n" "$rate" || return 1
		base=$loop_nspc
	fi
	rm -f "$W/loop.res" "$W/hot.out" "$W/hot.err" "$W/hot.stdout"
	: >"$W/hot.out"
	loop_start "$n" "$rate" || return 1
	tpid=
	case $tr in
	untraced) ;;
	floor-raw) $PIN "$W/floor" "$W/floor.bpf.o" raw_sys_enter >"$W/hot.stdout" 2>"$W/hot.err" & tpid=$! ;;
	floor-tp)
		if [ "$ev" = raw_syscalls:sys_enter ]; then fp=tp_sys_enter; else fp=tp_getppid; fi
		$PIN "$W/floor" "$W/floor.bpf.o" $fp >"$W/hot.stdout" 2>"$W/hot.err" & tpid=$! ;;
	bstap) $PIN "$BSTAP" -o "$W/hot.out" -x "$lpid" -e "$(script bstap "$ev" "$h")" >"$W/hot.stdout" 2>"$W/hot.err" &
		tpid=$! ;;
	bpftrace) $PIN bpftrace -o "$W/hot.out" -e "$(script bpftrace "$ev" "$h")" "$lpid" >"$W/hot.stdout" 2>"$W/hot.err" &
		tpid=$! ;;
	stap) $PIN env LD_PRELOAD="$W/memlock.so" stap --runtime=bpf -o "$W/hot.out" -x "$lpid" \
		-e "$(script bstap "$ev" "$h")" >"$W/hot.stdout" 2>"$W/hot.err" & tpid=$! ;;
	esac
	peak=0
	if [ -n "$tpid" ]; then
		# wait (up to 60 s: stap compiles) until it has attached
		i=0
		while [ "$(attached $tpid)" = 0 ]; do
			i=$((i + 1))
			if ! kill -0 $tpid 2>/dev/null || [ $i -gt 600 ]; then
				echo "  $tr $h on $ev: did not attach; stderr:"
				head -n 5 "$W/hot.err" | sed 's/^/    /'
				kill $tpid $lpid 2>/dev/null
				wait $tpid $lpid 2>/dev/null
				return 1
			fi
			sleep 0.1
		done
		sleep 0.3
		peak=$(tree_rss $tpid)
	fi
	kill -USR1 $lpid
	while kill -0 $lpid 2>/dev/null; do
		if [ -n "$tpid" ]; then
			r=$(tree_rss $tpid)
			[ "$r" -gt "$peak" ] && peak=$r
		fi
		sleep 0.1
	done
	wait $lpid
	if [ -n "$tpid" ]; then
		sleep 0.2
		kill -INT $tpid 2>/dev/null
		i=0
		while kill -0 $tpid 2>/dev/null; do
			i=$((i + 1))
			[ $i -gt 300 ] && { kill -KILL $tpid 2>/dev/null; echo "  $tr: killed after 30 s"; break; }
			sleep 0.1
		done
		wait $tpid 2>/dev/null
	fi
	set -- $(cat "$W/loop.res" 2>/dev/null)
	[ "${1:-}" = calls ] || { echo "  $tr $h on $ev: the loop reported nothing"; return 1; }
	nspc=$6 secs=$(awk -v ns="$4" 'BEGIN { printf "%.3f", ns / 1e9 }')
	lines=- expect=- reported=-
	if [ "$h" = printf ] || [ "$h" = printfs ]; then
		expect=$n
		if [ "$h" = printfs ]; then
			lines=$(grep -Ec "^[^ ]+ $lpid\$" "$W/hot.out")
		elif [ "$ev" = raw_syscalls:sys_enter ]; then
			lines=$(grep -Ec "^$lpid 110\$" "$W/hot.out")
		else
			lines=$(grep -Ec "^$lpid $lpid\$" "$W/hot.out")
		fi
		# a tracer reports lost output on stderr or in its output (bpftrace: "Lost N events")
		if grep -qi 'lost' "$W/hot.err" "$W/hot.stdout" || grep -Eqi '^[^0-9].*lost' "$W/hot.out"; then
			reported=yes
		else
			reported=no
		fi
	fi
	line="$ev|$h|$tr|$nspc|$lines|$expect|$reported|$peak|$secs|$base"
	if [ "$rate" != 0 ]; then echo "$line|$rate" >>"$W/sweep.runs"; else echo "$line" >>"$W/hot.runs"; fi
	if [ "$tr" != untraced ] && [ "$rate" = 0 ]; then
		printf '   %-26s %-6s %-9s %8s ns/call, untraced twin %8s' "$ev" "$h" "$tr" "$nspc" "$base"
		[ "$lines" != - ] && printf ', %s of %s lines, loss reported: %s' "$lines" "$expect" "$reported"
		echo
	fi

	return 0
}

hot_part() {
	echo
	echo "hot event: getppid() in a loop pinned to CPU $LOOPCPU, $HOT_N calls per run, $HOT_R rounds, tracers on CPU $TRCPU, Linux $(uname -r)"
	# BPF run-time statistics cost two clock reads per program run: off for these figures
	sysctl -qw kernel.bpf_stats_enabled=0
	hot_setup
	BSTAP_HOT=1
	if ! "$BSTAP" -p4 -e "$(script bstap raw_syscalls:sys_enter count)" >/dev/null 2>"$W/c.err"; then
		echo "  bstap: skipped: it cannot compile a kernel.trace script:"
		head -n 3 "$W/c.err" | sed 's/^/    /'
		BSTAP_HOT=
	fi
	: >"$W/hot.runs"
	: >"$W/sweep.runs"
	round=1
	while [ $round -le "$HOT_R" ]; do
		echo " round $round of $HOT_R"
		for ev in raw_syscalls:sys_enter syscalls:sys_enter_getppid; do
			hot_run "$ev" - untraced
			if [ -n "$FLOOR_OK" ]; then
				[ "$ev" = raw_syscalls:sys_enter ] && hot_run "$ev" empty floor-raw
				hot_run "$ev" empty floor-tp
			fi
			for h in empty count stat printf printfs; do
				[ -n "$BSTAP_HOT" ] && hot_run "$ev" $h bstap
				[ -n "$BT_OK" ] && hot_run "$ev" $h bpftrace
				[ -n "$STAP_OK" ] && hot_run "$ev" $h stap
			done
		done
		round=$((round + 1))
	done
	# the lossless printf rate: paced loops of about 1 s each, doubling the rate until lines are lost
	if [ "$SWEEP" != 0 ]; then
		echo " printf sweep: the highest rate each tracer delivers without losing a line"
		for ev in raw_syscalls:sys_enter syscalls:sys_enter_getppid; do
			for tr in bstap bpftrace stap; do
				case $tr in bstap) [ -n "$BSTAP_HOT" ] || continue ;; bpftrace) [ -n "$BT_OK" ] || continue ;;
				stap) [ -n "$STAP_OK" ] || continue ;; esac
				# until a line is lost, or the tracer holds the loop below 90% of the rate asked
				for rate in 125000 250000 500000 1000000 2000000 4000000; do
					hot_run "$ev" printf $tr $rate $rate || break
					tail -n 1 "$W/sweep.runs" | awk -F'|' '$5 != $6 || $6 / $9 < 0.9 * $11 { exit 1 }' || break
				done
			done
		done
	fi
	hot_report
}

# medians per (event, handler, tracer), with the added cost against the untraced median
hot_report() {
	awk -F'|' -v ncpu="$NCPU" -v btv="${BT_VERSION:-}" '
	function med(list,   v, k, i, j, t) {
		k = split(list, v, " ")
		for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
	}
	{
		key = $1 "|" $2 "|" $3
		if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		ns[key] = ns[key] " " $4; kb[key] = kb[key] " " $8
		if ($10 != "-") d[key] = d[key] " " ($4 - $10)
		if ($5 != "-") {
			rate[key] = rate[key] " " ($5 / $9); lost[key] = lost[key] " " ($6 - $5)
			if ($6 - $5 > 0 && $7 == "no") silent[key]++
			if ($6 - $5 > 0) lossy[key]++
			if ($6 - $5 > maxlost[key] + 0) maxlost[key] = $6 - $5
		}
		runs[key]++
	}
	END {
		for (i = 1; i <= n; i++) {
			split(order[i], f, "|")
			m = med(ns[order[i]])
			if (f[3] == "untraced") base[f[1]] = m
			M[order[i]] = m
		}
		ev = ""
		for (i = 1; i <= n; i++) {
			split(order[i], f, "|")
			if (f[1] != ev) {
				ev = f[1]
				printf "\n%s\n", ev
				printf "  %-34s %9s %9s %14s %11s %12s %12s %s\n", "case", "ns/call", "added", "bstap/bpftrace", "resident", "lines/s", "lost med/max", "loss reported"
			}
			k = order[i]; a = (k in d) ? med(d[k]) : 0
			label = f[3] (f[2] == "-" ? "" : " " f[2])
			if (f[3] == "floor-raw") label = "floor: raw tracepoint, empty program"
			if (f[3] == "floor-tp") label = "floor: tracepoint, empty program"
			if (f[3] == "bpftrace" && btv != "") label = "bpftrace " btv " " f[2]
			r = "-"
			if (f[3] == "bstap") {
				bk = f[1] "|" f[2] "|bpftrace"
				if ((bk in d) && med(d[bk]) > 0) r = sprintf("%.2fx", a / med(d[bk]))
			}
			res = (f[3] == "untraced") ? "-" : sprintf("%d KB", med(kb[k]))
			ls = "-"; lo = "-"; rep = "-"
			if (k in rate) {
				ls = sprintf("%.0f", med(rate[k])); lo = sprintf("%.0f/%d", med(lost[k]), maxlost[k])
				rep = (silent[k] ? "NO: " silent[k] " of " runs[k] " runs lost lines silently" : (lossy[k] ? "yes: " lossy[k] " of " runs[k] " runs lost lines, each reported it" : "nothing lost"))
			}
			printf "  %-34s %9.1f %9s %14s %11s %12s %12s %s\n", label, M[k], (f[3] == "untraced" ? "-" : sprintf("%.1f", a)), r, res, ls, lo, rep
		}
	}' "$W/hot.runs"
	echo "(medians of $HOT_R rounds; 'added' = ns per call over the untraced twin run just before each run;"
	echo " 'bstap/bpftrace' = bstap's added cost / bpftrace's, below 1x bstap costs less; lines/s ="
	echo " printf lines delivered to the output file per second of the loop; lost = calls - lines, the
 median and the largest of the rounds)"
	if [ -s "$W/sweep.runs" ]; then
		echo
		echo "printf: the highest rate delivered without losing a line (paced loops of ~1 s, the rate"
		echo " asked doubling from 125000/s until a line is lost or the tracer holds the loop below 90% of it)"
		awk -F'|' '{ k = $1 "|" $3; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
			got = $6 / $9
			if ($5 == $6) { if (got > best[k] + 0) best[k] = got; if (got < 0.9 * $11) held[k] = sprintf("held to %.0f/s when asked %d/s", got, $11) }
			else if (!(k in first)) first[k] = sprintf("lost %d of %d at %d/s (reported: %s)", $6 - $5, $6, $11, $7) }
			END { for (i = 1; i <= n; i++) { split(order[i], f, "|"); k = order[i]
				printf "  %-28s %-10s lossless at %9.0f lines/s; %s\n", f[1], f[2], best[k] + 0, (k in first) ? first[k] : ((k in held) ? held[k] : "no loss up to 4000000/s") } }' "$W/sweep.runs"
	fi
	hot_goals
}

# the goals, from the medians
hot_goals() {
	echo
	echo "goals:"
	awk -F'|' '
	function med(list,   v, k, i, j, t) {
		k = split(list, v, " ")
		for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
	}
	{ k = $1 "|" $2 "|" $3; ns[k] = ns[k] " " $4; kb[$3] = ($8 > kb[$3]) ? $8 : kb[$3]; evs[$1] = 1
	  if ($10 != "-") d[k] = d[k] " " ($4 - $10)
	  if ($5 != "-" && $6 - $5 > 0 && $7 == "no") silent[$1 "|" $3]++ }
	END {
		for (e in evs) {
			if (!((e "|empty|bstap") in d) || !((e "|count|bstap") in d)) { printf "  %s: no bstap figures\n", e; continue }
			add["empty"] = med(d[e "|empty|bstap"])
			add["count"] = med(d[e "|count|bstap"])
			btc = ((e "|count|bpftrace") in d) ? med(d[e "|count|bpftrace"]) : ""
			fl = ((e "|empty|floor-raw") in d) ? med(d[e "|empty|floor-raw"]) : (((e "|empty|floor-tp") in d) ? med(d[e "|empty|floor-tp"]) : "")
			if (fl != "") printf "  %s: empty handler %.1f ns added, the cheapest mechanism'"'"'s floor %.1f ns\n", e, add["empty"], fl
			if (btc != "") printf "  %s: counter %.1f ns added = %.2fx bpftrace'"'"'s %.1f (goal <= 0.6x): %s\n", e, add["count"], (btc > 0 ? add["count"] / btc : 0), btc, (btc > 0 && add["count"] <= 0.6 * btc) ? "met" : "NOT met"
			printf "  %s: counter %.1f ns added = %.2fx bstap'"'"'s empty handler %.1f (goal <= 1.5x): %s\n", e, add["count"], (add["empty"] > 0 ? add["count"] / add["empty"] : 0), add["empty"], (add["count"] <= 1.5 * add["empty"]) ? "met" : "NOT met"
			printf "  %s: lines lost without a report: %s\n", e, (silent[e "|bstap"] ? "YES, " silent[e "|bstap"] " runs" : "none")
		}
		if (("bstap") in kb) printf "  bstap peak resident memory %d KB (goal <= 20480 KB): %s\n", kb["bstap"], (kb["bstap"] <= 20480 ? "met" : "NOT met")
	}' "$W/hot.runs" | sort
	if [ -s "$W/sweep.runs" ]; then
		awk -F'|' '$5 == $6 { got = $6 / $9; if (got > best[$1 "|" $3] + 0) best[$1 "|" $3] = got } { evs[$1] = 1 }
			END { for (e in evs) { b = best[e "|bstap"] + 0; t = best[e "|bpftrace"] + 0
				if (t > 0 && ((e "|bstap") in best)) printf "  %s: printf lossless rate %d/s = %.1fx bpftrace'"'"'s %d/s (goal >= 2x): %s\n", e, b, b / t, t, (b >= 2 * t ? "met" : "NOT met") } }' "$W/sweep.runs" | sort
	fi
}

case $PART in
timer) timer_part ;;
hot) hot_part ;;
*) timer_part; hot_part ;;
esac
