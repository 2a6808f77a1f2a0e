# A userspace handler deletes an array that a kernel probe keeps filling. The probe here counts
# system calls, and each bpf() call the delete makes is one, so a delete that went on until the
# array was empty never ended (bstap spun until killed); and a key deleted between a probe's
# insert and its lookup read as a full array ("Array overflow"). The delete takes the keys there
# are; the session ends on time, with no error.
# TIMEOUT: 30
. "$LIVE_DIR/../lib.sh"
cat >d.stp <<'STP'
global calls, reports
probe kernel.trace("raw_syscalls:sys_enter") { calls[execname()]++ }
probe timer.ms(50) {
	foreach (c in calls- limit 3) { }
	delete calls
	reports++
}
probe end { printf("reports>=10: %d\n", reports >= 10) }
STP
start_bg out err -T 2 d.stp
wait_exit 15
[ "$bg_rc" = 0 ] || { cat err; fail "status $bg_rc"; }
expect_no_grep "no error" err 'ERROR|overflow'
expect_file_eq "the timer kept running" out "reports>=10: 1"
exit 0
