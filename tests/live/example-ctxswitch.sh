# A script in the style of SystemTap's context-switch examples (schedtimes, cswmon): switches
# per process, voluntary (the task slept), involuntary (preempted) and the last one as it
# exits, reported at the end,
# run unchanged on the aliases. sysload sleeps five times in nanosleep: five voluntary switches.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >cs.stp <<'STP'
#! /usr/bin/env stap
# Count the context switches of the target process, by kind.
# State 0: still runnable (preempted); 1 or 2: asleep (it gave up the CPU); more: exiting.
global voluntary, involuntary, exiting

probe scheduler.ctxswitch {
	if (prev_pid != target()) next
	if (prevtsk_state == 0)
		involuntary[prev_task_name, prev_tid]++
	else if (prevtsk_state <= 2)
		voluntary[prev_task_name, prev_tid]++
	else
		exiting[prev_task_name]++
}

probe end {
	printf("%-16s %6s %10s\n", "PROCESS", "TID", "VOLUNTARY")
	foreach ([name, tid] in voluntary-)
		printf("%-16s %6s %10d\n", name, tid == target() ? "target" : "other", voluntary[name, tid])
	foreach ([name, tid] in involuntary-)
		printf("%-16s %6s %10d preempted\n", name, tid == target() ? "target" : "other", involuntary[name, tid])
	foreach (name in exiting)
		printf("%s switched out for the last time as it exited: %d\n", name, exiting[name])
}
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --sleep 10 --sleep 10 --sleep 10 --sleep 10 --sleep 10" cs.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
# the -c child runs as bstap, then sh, before it execs sysload
# (being preempted depends on the load of the machine)
grep -v -e '^bstap ' -e '^sh ' -e ' preempted$' out >out2
# five sleeps; a page fault that reads sysload's pages from disk under load may sleep once more
n=$(awk '$1 == "sysload" && $2 == "target" { print $3 }' out2)
[ "${n:-0}" -ge 5 ] && [ "${n:-0}" -le 7 ] || { cat out2; fail "voluntary switches: $n, expected 5 (at most 7)"; }
sed -i 's/^\(sysload          target \) *[0-9]*$/\1         5/' out2
expect_file_eq "context switches" out2 "PROCESS             TID  VOLUNTARY
sysload          target          5
sysload switched out for the last time as it exited: 1"
exit 0
