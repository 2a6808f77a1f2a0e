# kernel.trace("raw_syscalls:sys_enter") / sys_exit: sysload (pinned to one CPU with taskset)
# makes 11 getppid, 5 getpid and 3 getpgid calls; counts by $id must be exact (x86_64 numbers
# 110, 39, 121), getppid's $ret is the parent (bstap itself, pid() in begin), getpid's is
# target(), and the context functions give the traced task's values: pid() and tid() are
# target(), ppid() is bstap, uid() is ours, execname() "sysload", cpu() the pinned CPU.
# TIMEOUT: 60
# REQUIRES: [ "$(uname -m)" = x86_64 ] && command -v taskset
. "$LIVE_DIR/../lib.sh"
need_sysload
cpu=$(($(getconf _NPROCESSORS_ONLN) - 1))
cat >s.stp <<'STP'
global me, ids, ctx_bad, cpus, ppid_ret, pid_ret, exits
probe begin { me = pid() }
probe kernel.trace("raw_syscalls:sys_enter") {
	if (pid() != target() || execname() != "sysload") next
	ids[$id]++
	if (tid() != target() || ppid() != me || uid() != $1) {
		ctx_bad++
		printf("context: tid %d ppid %d uid %d (target %d, bstap %d)\n", tid(), ppid(), uid(), target(), me)
	}
	cpus[cpu()]++
}
probe kernel.trace("raw_syscalls:sys_exit") {
	if (pid() != target() || execname() != "sysload") next
	exits[$id]++
	if ($id == 110 && $ret == me) ppid_ret++
	if ($id == 39 && $ret == target()) pid_ret++
}
probe end {
	printf("enter getppid %d getpid %d getpgid %d\n", ids[110], ids[39], ids[121])
	printf("exit getppid %d getpid %d getpgid %d\n", exits[110], exits[39], exits[121])
	printf("getppid returned bstap's pid %d times, getpid target() %d times\n", ppid_ret, pid_ret)
	printf("context mismatches %d\n", ctx_bad)
	foreach (c+ in cpus)
		printf("cpu %d\n", c)
}
STP
"$BSTAP" -c "taskset -c $cpu $SYSLOAD --getppid 11 --getpid 5 --getpgid 3" s.stp "$(id -u)" >out 2>err ||
	{ rc=$?; cat err; fail "status $rc"; }
expect_file_eq "raw_syscalls output" out "enter getppid 11 getpid 5 getpgid 3
exit getppid 11 getpid 5 getpgid 3
getppid returned bstap's pid 11 times, getpid target() 5 times
context mismatches 0
cpu $cpu"
exit 0
