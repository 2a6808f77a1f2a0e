# $$name, $$parms, $$vars, $$parms$ and $$vars$ on tracepoints, as SystemTap prints them: $$name
# is the event's name; $$parms (= $$vars, a tracepoint has no locals) is "name=%#x" per integer
# field, space separated; the '$' forms pretty-print each field ("%i" for an integer, a quoted
# string for a char array or __data_loc string).
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global me, done, child
probe begin { me = pid() }
probe kernel.trace("raw_syscalls:sys_exit") {
	if (done || pid() != target() || execname() != "sysload" || $id != 110) next
	done = 1
	printf("name %s\n", $$name)
	printf("parms %s\n", $$parms)
	printf("vars %s\n", $$vars)
	printf("parms$ %s\n", $$parms$)
	printf("vars$ %s\n", $$vars$)
}
probe kernel.trace("sched:sched_process_exec") {
	if (ppid() != target()) next
	child = pid()
	printf("exec %s %s\n", $$name, $$parms$)
}
probe kernel.trace("sched:sched_process_exit") {
	if (!child || pid() != child) next
	printf("exit %s %s\n", $$name, $$parms$)
}
probe end { printf("me %d\n", me) }
STP
"$BSTAP" -c "$SYSLOAD --getppid 2 --fork-exec --report $SCRATCH/report" s.stp >out 2>err ||
	{ rc=$?; cat err; fail "status $rc"; }
me=$(sed -n 's/^me //p' out)
[ -n "$me" ] || { cat out; fail "no 'me' line"; }
c=$(sed -n 's/^child \([0-9]*\) .*/\1/p' "$SCRATCH/report")
[ -n "$c" ] || fail "no child in sysload's report"
hex=$(printf '%#x' "$me")
expect_file_eq "\$\$ output" out "name sys_exit
parms id=0x6e ret=$hex
vars id=0x6e ret=$hex
parms\$ id=110 ret=$me
vars\$ id=110 ret=$me
exec sched_process_exec filename=\"/bin/true\" pid=$c old_pid=$c
exit sched_process_exit comm=\"true\" pid=$c prio=120 group_dead=1
me $me"
exit 0
