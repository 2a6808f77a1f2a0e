# sched:sched_switch: $prev_comm and $next_comm (char[16]) read as strings. On every switch the
# context is the task switching out, so tid() == $prev_pid and execname() == $prev_comm; sysload
# sleeping (its start delay and three --sleep) switches out in state S (1) at prio 120 and
# back in as $next_pid == target().
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global n, bad, out_sleep, out_prio_bad, back_in
probe kernel.trace("sched:sched_switch") {
	n++
	if (tid() != $prev_pid || execname() != $prev_comm) {
		bad++
		if (bad <= 5)
			printf("mismatch: tid %d execname %s, prev_pid %d prev_comm %s\n", tid(), execname(),
			       $prev_pid, $prev_comm)
	}
	if ($prev_pid == target() && $prev_comm == "sysload") {
		if ($prev_state == 1) out_sleep++
		if ($prev_prio != 120) out_prio_bad++
	}
	if ($next_pid == target() && $next_comm == "sysload")
		back_in++
}
probe end {
	printf("switches seen %d\n", n > 10)
	printf("context mismatches %d\n", bad)
	printf("target slept at least 4 times %d\n", out_sleep >= 4)
	printf("target switched out at another prio %d\n", out_prio_bad)
	printf("target switched back in at least 4 times %d\n", back_in >= 4)
}
STP
"$BSTAP" -c "$SYSLOAD --delay 20 --sleep 20 --sleep 20 --sleep 20" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_file_eq "sched_switch output" out "switches seen 1
context mismatches 0
target slept at least 4 times 1
target switched out at another prio 0
target switched back in at least 4 times 1"
exit 0
