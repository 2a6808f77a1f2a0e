# The task functions in a kernel probe (raw_syscalls:sys_enter of the -c command, after its exec):
# task_struct fields read with CO-RE against the builtins that read the same task, the command
# line of a known command, and thread_indent's exact format ("%6d %s(%d):" and the indentation,
# pre-incremented for a positive delta, post-decremented for a negative one).
. "$LIVE_DIR/../lib.sh"
cat >t.stp <<'STP'
probe kernel.trace("raw_syscalls:sys_enter") {
	if (pid() != target() || execname() != "sleep") next
	t = task_current()
	printf("pid %d tid %d ppid %d exec %s pexec %s\n", task_pid(t) == pid(), task_tid(t) == tid(),
		task_pid(task_parent(t)) == ppid(), task_execname(t), pexecname())
	printf("state %d prio %d nice %d cpu %d\n", task_state(t), task_prio(t), task_nice(t),
		task_cpu(t) == cpu())
	printf("uid %d gid %d euid %d egid %d\n", task_uid(t) == uid(), task_gid(t) == gid(),
		task_euid(t) == euid(), task_egid(t) == egid())
	printf("sid %d pgrp %d\n", sid() > 0, pgrp() > 0)
	printf("cmd [%s] [%s] [%s] [%s] [%s] [%s]\n", cmdline_str(), cmdline_arg(0), cmdline_arg(1),
		cmdline_arg(2), cmdline_arg(3), cmdline_arg(-1))
	who = sprintf("%s(%d):", execname(), tid())
	for (i = 0; i < 4; i++) {
		s = thread_indent(i < 2 ? 1 : -1)
		ts = strtol(substr(s, 0, 6), 10)
		printf("indent %d [%s] %d %d\n", i, substr(s, 6, strlen(who) + 1) == " " . who ? "ok" : s,
			i ? ts >= 0 : ts == 0, strlen(s) - strlen(who) - 7)
	}
	s = thread_indent(-3)
	printf("back to 0: %d\n", strlen(s) - strlen(who) - 7)
	s = thread_indent(0)   # at -3: %-*s takes a negative width as its size
	printf("negative %d\n", strlen(s) - strlen(who) - 7)
	printf("parent's parent %d\n", task_pid(task_parent(task_parent(t))) > 0)
	exit()
}
STP
# the sleep's parent is bstap: pexecname() is "bstap". Its session and process group are this
# shell's; a session is 0 where no ancestor ever called setsid() (as CI's runner), so say which.
set -- $(sed 's/.*) //' /proc/$$/stat)
sid_set=$([ "$4" -gt 0 ] && echo 1 || echo 0)
pgrp_set=$([ "$3" -gt 0 ] && echo 1 || echo 0)
"$BSTAP" -c "sleep 0.2 0.1" t.stp >out 2>err || { cat err; fail "status $?"; }
expect_file_eq "task functions" out "pid 1 tid 1 ppid 1 exec sleep pexec bstap
state 0 prio 20 nice 0 cpu 1
uid 1 gid 1 euid 1 egid 1
sid $sid_set pgrp $pgrp_set
cmd [sleep 0.2 0.1] [sleep] [0.2] [0.1] [] []
indent 0 [ok] 1 1
indent 1 [ok] 1 2
indent 2 [ok] 1 2
indent 3 [ok] 1 1
back to 0: 0
negative 3
parent's parent 1"
# a command line longer than a string (-D MAXSTRINGLEN=128): cut at MAXSTRINGLEN - 1 bytes, the cut
# argument's rest lost
args=$(i=0; while [ $i -lt 40 ]; do printf '0.00%d ' $((i % 10)); i=$((i + 1)); done)
"$BSTAP" -D MAXSTRINGLEN=128 -c "sleep $args" -e 'probe kernel.trace("raw_syscalls:sys_enter") {
	if (pid() != target() || execname() != "sleep") next
	s = cmdline_str()
	println(strlen(s), " [", substr(s, 100, 100), "] [", cmdline_arg(20), "] [", cmdline_arg(21), "] [", cmdline_arg(22), "]")
	exit()
}' >long 2>err || { cat err; fail "status $?"; }
expect_file_eq "a long command line" long "127 [5 0.006 0.007 0.008 0.009 0] [0.009] [0] []"
exit 0
