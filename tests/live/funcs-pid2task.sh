# pid2task() and pid2execname() in kernel probes (the kernel's pid table read with CO-RE, no
# kfunc): the task of pid() and tid() is task_current(), of ppid() its parent, a pid that does
# not exist gives 0 and ""; a new thread's task (sysload --thread) found by its thread id; every
# task that switches out for a while is found by its thread id.
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >t.stp <<'STP'
probe kernel.trace("sched:sched_process_exec") {
	if (pid() != target() || execname() != "sysload") next
	t = task_current()
	printf("exec %s task %d %d name [%s] [%s] parent %d %s\n", execname(), pid2task(pid()) == t,
		pid2task(tid()) == t, pid2execname(pid()), pid2execname(tid()),
		pid2task(ppid()) == task_parent(t), pid2execname(ppid()))
	printf("none %d [%s] %d [%s] %d %d [%s]\n", pid2task(4194304), pid2execname(4194304),
		pid2task(0), pid2execname(0), pid2task(-1), pid2task(0x100000001), pid2execname(-1))
	printf("init %d [%s]\n", task_pid(pid2task(1)), pid2execname(1))
}
probe kernel.trace("sched:sched_process_fork") {
	if (pid() != target()) next
	c = pid2task($child_pid)
	printf("fork %s: pid %d tid %d parent %d name [%s]\n", tid() == $child_pid ? "self" : "child",
		task_pid(c) == pid(), task_tid(c) == $child_pid, task_parent(c) == task_parent(task_current()),
		pid2execname($child_pid))
}
probe kernel.trace("sched:sched_process_exit") {
	if (pid() != target()) next
	printf("exit %s %d\n", tid() == pid() ? "process" : "thread", pid2task(tid()) == task_current())
}
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --thread" t.stp >out 2>err || { cat err; fail "status $?"; }
init=$(cat /proc/1/comm)
expect_file_eq "pid2task" out "exec sysload task 1 1 name [sysload] [sysload] parent 1 bstap
none 0 [] 0 [] 0 0 []
init 1 [$init]
fork child: pid 1 tid 1 parent 1 name [sysload]
exit thread 1
exit process 1"

# every task seen switching out, found again by its thread id, for 300 ms; but not one that
# switches out for the last time (TASK_DEAD, 0x80): a thread other than its process's leader
# leaves the pid table before that
"$BSTAP" -e 'global n, bad
probe kernel.trace("sched:sched_switch") {
	if (tid() == 0 || task_state(task_current()) & 0x80) next
	n++
	if (pid2task(tid()) != task_current() || pid2execname(tid()) != execname()) bad++
}
probe timer.ms(300) { printf("seen %d bad %d\n", n > 0, bad); exit() }' >sw 2>err || { cat err; fail "status $?"; }
expect_file_eq "every task" sw "seen 1 bad 0"

# pid2execname in both places gives the same: from /proc in begin, from the pid table in a timer
# (BPF: it reads pid(), task context)
for place in begin "timer.ms(10)"; do
	"$BSTAP" -e "probe $place {
	if (pid() < 0) next
	println(pid2execname(1), \" [\", pid2execname(0), \"] [\", pid2execname(-5), \"] [\",
		pid2execname(2147483647), \"] [\", pid2execname(4194304), \"]\")
	exit()
}" >place 2>err || { cat err; fail "$place: status $?"; }
	expect_file_eq "pid2execname in $place" place "$init [] [] [] []"
done
