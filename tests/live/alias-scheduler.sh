# aliases/scheduler.stp on sysload's known workload: pinned to CPU 0, one fork whose child
# execs /bin/true, three 20 ms sleeps, then moved to CPU 1 and back to 0. Checks the
# scheduler.* aliases this workload makes fire (signal_send, kthread_stop and wait_task have
# none here: alias-vars and alias-all-load check that they resolve and load; tick has no
# tracepoint: it needs kprobes, and says so).
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global child, insleep, sleeps, wakes, bad, offs, ons, outs, ins, waited, freed
probe kernel.trace("syscalls:sys_enter_nanosleep") { if (pid() == target()) insleep = 1 }
probe kernel.trace("syscalls:sys_exit_nanosleep") { if (pid() == target()) insleep = 0 }
probe scheduler.ctxswitch {
	if (prev_tid == target() && prev_task_name == "sysload") {
		outs++
		if (prev_pid != target() || prev_priority != 120) bad++
		if (insleep && prevtsk_state == 1) sleeps++
	}
	if (next_tid == target() && next_task_name == "sysload") {
		ins++
		if (next_pid != target() || next_priority != 120 || nexttsk_state != 0) bad++
	}
}
probe scheduler.cpu_off { if (tid() == target() && execname() == "sysload" && !idle && name == "cpu_off") offs++ }
probe scheduler.cpu_on { if (next_pid == target() && next_task_name == "sysload" && !idle && name == "cpu_on") ons++ }
probe scheduler.wakeup {
	if (task_pid == target() && insleep && task_tid == target() && task_state == 0 && task_priority == 120 && task_cpu == 0) wakes++
}
probe scheduler.wakeup_new {
	if (child && task_pid == child) printf("%s tid=%d prio=%d state=%d cpu=%d\n", name, task_tid == child, task_priority, task_state, task_cpu)
}
probe scheduler.process_fork {
	if (parent_pid == target()) {
		child = child_pid
		printf("%s %s -> %s\n", name, parent_task_name, child_task_name)
	}
}
probe scheduler.process_exec { if (child && pid == child) printf("%s %s same=%d ctx=%d\n", name, filename, old_pid == pid, pid() == child) }
probe scheduler.process_exit { if (child && pid == child) printf("%s %s prio=%d group_dead=%d\n", name, task_name, priority, group_dead) }
probe scheduler.process_wait { if (child && pid == child && execname() == "sysload" && name == "process_wait") waited++ }
probe scheduler.process_free { if (child && pid == child && name == "process_free" && task_name == "true" && priority == 120) freed++ }
probe scheduler.migrate { if (child && pid == target() && task_name == "sysload") printf("%s %d -> %d prio=%d\n", name, cpu_from, cpu_to, priority) }
probe end {
	printf("waited for the child %d, its task freed %d\n", waited, freed)
	printf("slept %d times, woken %d times, %d mismatches\n", sleeps, wakes, bad)
	printf("cpu_off == switches out: %d, cpu_on == switches in: %d, both > 3: %d\n", offs == outs, ons == ins, outs > 3 && ins > 3)
}
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --cpu 0 --fork-exec --sleep 20 --sleep 20 --sleep 20 --cpu 1 --cpu 0 --report $SCRATCH/report" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
set -- $(cat "$SCRATCH/report")
[ "$1" = child ] && [ "$3" = 0 ] || fail "sysload's report: $*"
expect_file_eq "scheduler aliases" out "process_fork sysload -> sysload
wakeup_new tid=1 prio=120 state=0 cpu=0
process_exec /bin/true same=1 ctx=1
process_exit true prio=120 group_dead=1
migrate 0 -> 1 prio=120
migrate 1 -> 0 prio=120
waited for the child 1, its task freed 1
slept 3 times, woken 3 times, 0 mismatches
cpu_off == switches out: 1, cpu_on == switches in: 1, both > 3: 1"
# scheduler.tick has no tracepoint: sched_tick (6.10 on; optional, and unattachable on this
# kernel without kprobes or fentry), else scheduler_tick, which 6.18 does not have: an error
# naming the kernel function, at the library's line
"$BSTAP" -p2 -e 'probe scheduler.tick { n++ } global n' >tout 2>terr && fail "scheduler.tick resolved"
expect_grep "tick error" terr "aliases/scheduler.stp:[0-9]+:[0-9]+: error: no match for probe point 'kernel.function\(\"scheduler_tick\"\)'"
expect_grep "tick chain" terr "note: in expansion of alias 'scheduler.tick' used here"
exit 0
