# Wildcards in kernel.trace: in the event ("syscalls:sys_enter_getp*id" is getpgid, getpid and
# getppid; "get*ppid" only getppid) and in the subsystem ("raw_sys*:sys_e*"), and the short form
# kernel.trace("sched_process_exec"): one probe per event, each with pp() naming its concrete
# event as kernel.trace("sys:event"), counted exactly on sysload's load.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global a, b, r, e
probe kernel.trace("syscalls:sys_enter_getp*id") {
	if (pid() == target() && execname() == "sysload") a[pp()]++
}
probe kernel.trace("syscalls:sys_enter_get*ppid") {
	if (pid() == target() && execname() == "sysload") b[pp()]++
}
probe kernel.trace("raw_sys*:sys_e*") {
	if (pid() == target() && execname() == "sysload" && $id == 110) r[pp()]++
}
probe kernel.trace("sched_process_exec") {
	if (ppid() == target()) e[pp(), execname()]++
}
probe end {
	foreach (p+ in a) printf("a %s %d\n", p, a[p])
	foreach (p+ in b) printf("b %s %d\n", p, b[p])
	foreach (p+ in r) printf("r %s %d\n", p, r[p])
	foreach ([p, x] in e) printf("e %s %s %d\n", p, x, e[p, x])
}
STP
"$BSTAP" -c "$SYSLOAD --getppid 11 --getpid 5 --getpgid 3 --fork-exec" s.stp >out 2>err ||
	{ rc=$?; cat err; fail "status $rc"; }
expect_file_eq "wildcard output" out 'a kernel.trace("syscalls:sys_enter_getpgid") 3
a kernel.trace("syscalls:sys_enter_getpid") 5
a kernel.trace("syscalls:sys_enter_getppid") 11
b kernel.trace("syscalls:sys_enter_getppid") 11
r kernel.trace("raw_syscalls:sys_enter") 11
r kernel.trace("raw_syscalls:sys_exit") 11
e kernel.trace("sched:sched_process_exec") true 1'

# -p2 shows each concrete event the wildcard resolved to
"$BSTAP" -p2 -e 'probe kernel.trace("syscalls:sys_enter_getp*id") { }' >out 2>err || { rc=$?; cat err; fail "-p2: status $rc"; }
for ev in getpgid getpid getppid; do
	expect_grep "-p2 lists $ev" out "kernel\\.trace\\(\"syscalls:sys_enter_$ev\"\\)"
done
expect_no_grep "-p2 lists no other event" out 'sys_enter_get(pgrp|priority|peername|cpu|groups)'
exit 0
