# sched:sched_process_fork, sched_process_exec and sched_process_exit around sysload's one
# fork whose child execs /bin/true: $parent_pid is target(), $child_pid is the child sysload
# reports, $parent_comm/$child_comm (__data_loc strings on this kernel) and $comm (char[16])
# read as strings, $filename of exec is the path given to execve, and the context functions
# see the event's task (the parent in fork, the new program in exec and exit).
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global child
probe kernel.trace("sched:sched_process_fork") {
	if ($parent_pid != target()) next
	child = $child_pid
	printf("fork %s -> %s child=%d ctx=%d\n", $parent_comm, $child_comm, $child_pid,
	       pid() == target() && execname() == "sysload")
}
probe kernel.trace("sched:sched_process_exec") {
	if ($old_pid == target() && execname() == "sysload")
		printf("exec target %s same_pid=%d ctx=%d\n", $filename, $pid == target(), pid() == target())
	else if (child && $old_pid == child)
		printf("exec %s pid=%d old_pid=%d ctx=%d\n", $filename, $pid, $old_pid,
		       pid() == child && execname() == "true" && ppid() == target())
}
probe kernel.trace("sched:sched_process_exit") {
	if (child && $pid == child)
		printf("exit %s pid=%d prio=%d group_dead=%d ctx=%d\n", $comm, $pid, $prio, $group_dead,
		       pid() == child && execname() == "true")
	else if ($pid == target())
		printf("exit target %s group_dead=%d ctx=%d\n", $comm, $group_dead, execname() == "sysload")
}
STP
"$BSTAP" -c "$SYSLOAD --fork-exec --report $SCRATCH/report" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
set -- $(cat "$SCRATCH/report")
[ "$1" = child ] && [ "$3" = 0 ] || fail "sysload's report: $*"
c=$2
expect_file_eq "fork/exec/exit output" out "exec target $SYSLOAD same_pid=1 ctx=1
fork sysload -> sysload child=$c ctx=1
exec /bin/true pid=$c old_pid=$c ctx=1
exit true pid=$c prio=120 group_dead=1 ctx=1
exit target sysload group_dead=1 ctx=1"
exit 0
