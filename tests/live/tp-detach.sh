# How tracepoint probes attach, and that nothing stays attached after the session: a handler
# that reads no field attaches as a raw tracepoint, one that reads fields as a classic tracepoint,
# and syscalls:* events (no raw tracepoint of their own) always as classic ones. After exit by
# SIGINT, -T, the end of the -c command or a runtime error, bstap's programs and links are gone.
# TIMEOUT: 90
# REQUIRES: command -v bpftool
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global n, x, k
probe begin { println("ready") }
probe kernel.trace("sched:sched_switch") { n++ }
probe kernel.trace("sched:sched_process_exec") { x = $pid }
probe kernel.trace("syscalls:sys_enter_getppid") { k++ }
STP
# attached PID: "KIND EVENT" per BPF attachment the process holds (bpftool perf list), sorted
attached() {
	bpftool perf list 2>/dev/null | sed -n "s/^pid $1 .*prog_id [0-9]*  *\([a-z_]*\)  *\([^ ]*\).*/\1 \2/p" | sort
}
# prog_ids PID: the programs behind those attachments
prog_ids() {
	bpftool perf list 2>/dev/null | sed -n "s/^pid $1 .*prog_id \([0-9]*\) .*/\1/p" | sort -u
}
# wait_attached N: until bstap ($bg_pid) holds N attachments (begin may run before they are
# made); their program ids in $ids
wait_attached() {
	_i=0
	while :; do
		ids=$(prog_ids $bg_pid)
		[ "$(echo $ids | wc -w)" = "$1" ] && return 0
		_i=$((_i + 1))
		[ $_i -ge 100 ] && fail "$what: not $1 programs attached after 10 s: $ids"
		sleep 0.1
	done
}
# gone IDS...: every program of those ids and every link to them disappears within 3 s
gone() {
	_i=0
	while :; do
		_left=
		for _id in "$@"; do
			bpftool prog show id "$_id" >/dev/null 2>&1 && _left="$_left prog $_id"
			bpftool link list 2>/dev/null | grep -Eq "prog $_id( |\$)" && _left="$_left link-to $_id"
		done
		[ -z "$_left" ] && return 0
		_i=$((_i + 1))
		[ $_i -ge 30 ] && fail "$what: left behind after exit:$_left"
		sleep 0.1
	done
}

what=SIGINT
start_bg out err s.stp
wait_for out '^ready$' 30
wait_attached 3
attached $bg_pid >kinds
expect_file_eq "attach kinds" kinds "raw_tracepoint sched_switch
tracepoint sched_process_exec
tracepoint sys_enter_getppid"
kill -INT $bg_pid
wait_exit 10
expect_eq "SIGINT status" "$bg_rc" 0
gone $ids

what=-T
start_bg out err -T 2 s.stp
wait_for out '^ready$' 30
wait_attached 3
wait_exit 20
expect_eq "-T status" "$bg_rc" 0
gone $ids

what="-c end"
start_bg out err -c "$SYSLOAD --delay 1500 --getppid 3" s.stp
wait_for out '^ready$' 30
wait_attached 3
wait_exit 20
expect_eq "-c status" "$bg_rc" 0
expect_grep "-c: the getppid probe ran" out '^k=[1-9]'
gone $ids

what="runtime error"
cat >e.stp <<'STP'
probe begin { println("ready") }
probe kernel.trace("syscalls:sys_enter_getppid") { if (pid() == target() && execname() == "sysload") println(user_string(0)) }
probe kernel.trace("sched:sched_switch") { if ($prev_pid == -1) println("never") }
STP
start_bg out err -c "$SYSLOAD --delay 1500 --getppid 1 --sleep 10000" e.stp
wait_for out '^ready$' 30
wait_attached 2
wait_exit 20
expect_eq "runtime error status" "$bg_rc" 1
gone $ids
exit 0
