# target_set_pid() and target_set_report() (aliases/target_set.stp): without -c/-x the set is
# empty; with -c it holds the command and the processes it forks (not its threads), each
# until it exits; with -x the process given; the report lists "PARENT begat PID" by pid.
. "$LIVE_DIR/../lib.sh"
need_sysload

# no target: an empty set, in begin and in a kernel probe (a timer that reads pid() runs in BPF)
"$BSTAP" -e 'probe begin { println(target(), " ", target_set_pid(0), " ", target_set_pid(1), " ",
	target_set_pid(pid())); target_set_report() }
probe timer.ms(10) { printf("kernel %d %d\n", target_set_pid(pid()),
	target_set_pid(0)); exit() }' >none 2>err || { cat err; fail "status $?"; }
expect_file_eq "no target" none "0 0 0 0
target set:
kernel 0 0"

# -c: sysload, its thread, and the two children it forks (each execs /bin/true), each in the
# set until it exits. (The thread's exit event may come after the children's execs: sorted.)
cat >c.stp <<'STP'
global me
probe begin { me = pid(); printf("begin %d %d\n", target_set_pid(target()), target_set_pid(me)) }
probe kernel.trace("sched:sched_process_exec") {
	if (ppid() == target())
		printf("child %s %d parent %d\n", execname(), target_set_pid(pid()), target_set_pid(ppid()))
}
probe kernel.trace("sched:sched_process_exit") {
	if (pid() == target() && tid() != pid())
		printf("thread %d %d\n", target_set_pid(tid()), target_set_pid(pid()))
	if (pid() == target() && tid() == pid())
		printf("target exits %d\n", target_set_pid(pid()))
}
probe end { target_set_report() }
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --thread --fork-exec --fork-exec" c.stp >c 2>err ||
	{ cat err; fail "status $?"; }
LC_ALL=C sort c >c.sorted
expect_file_eq "-c" c.sorted "begin 1 0
child true 1 parent 1
child true 1 parent 1
target exits 1
target set:
thread 0 1"

# a process that does not descend from the target (a sysload started here once bstap runs,
# whose child execs a copy of true with a name of its own) is not in the set; the target,
# still running at the end, is
cp /bin/true h9other
cat >o.stp <<'STP'
global me
probe begin { me = pid(); println("started") }
probe kernel.trace("sched:sched_process_exec") {
	if (execname() != "h9other") next
	printf("other %d parent %d\n", target_set_pid(pid()), target_set_pid(ppid()))
	exit()
}
probe end { printf("me %d target %d\n", me, target()); target_set_report() }
STP
start_bg o err -c "$SYSLOAD --delay 0 --sleep 10000" o.stp
wait_for o started 20
"$SYSLOAD" --delay 0 --fork-exec-path "$SCRATCH/h9other" || fail "sysload failed"
wait_exit 10
[ "$bg_rc" = 0 ] || { cat err; fail "status $bg_rc"; }
set -- $(sed -n 3p o)
expect_file_eq "not a descendant" o "started
other 0 parent 0
me $2 target $4
target set:
$2 begat $4"

# the report while the members run: bstap begat the target, the target begat its children,
# by increasing pid; the set keeps only what still runs
cat >r.stp <<'STP'
global me, kids
probe begin { me = pid() }
probe kernel.trace("sched:sched_process_exec") {
	if (ppid() == target() && execname() == "sleep" && target_set_pid(pid())) kids++
}
probe timer.ms(20) {
	if (kids < 2) next
	printf("me %d target %d\n", me, target())
	target_set_report()
	exit()
}
STP
"$BSTAP" -c "sh -c 'sleep 2 & sleep 2 & wait'" r.stp >r 2>err || { cat err; fail "status $?"; }
awk 'NR == 1 { me = $2; t = $4; next }
NR == 2 { if ($0 != "target set:") bad = bad " header"; next }
{ if ($2 != "begat" || $3 <= last) bad = bad " order"; last = $3
  if ($3 == t) { if ($1 != me) bad = bad " target" } else if ($1 != t) bad = bad " child"; n++ }
END { print (bad ? "bad" bad : "ok"), n }' r >r.check
expect_file_eq "report of $(cat r)" r.check "ok 3"

# -x: the process given, begat by bstap
sleep 10 & sl=$!
"$BSTAP" -x $sl -e 'probe begin { printf("%d %d\n", pid(), target_set_pid(target())); target_set_report(); exit() }' >x 2>err ||
	{ kill $sl; cat err; fail "status $?"; }
kill $sl
me=$(head -1 x | cut -d' ' -f1)
expect_file_eq "-x" x "$me 1
target set:
$me begat $sl"

# sorting needs userspace: in a kernel probe the error names the tapset's foreach
"$BSTAP" -p4 -e 'probe kernel.trace("sched:sched_process_exec") { target_set_report() }' >/dev/null 2>p4 &&
	fail "target_set_report in a kernel probe compiled"
expect_grep "report in a kernel probe" p4 "target_set.stp:[0-9]+:[0-9]+: error: sorted foreach cannot run in a kernel probe"
