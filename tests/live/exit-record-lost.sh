# exit() whose ring-buffer record is lost (the buffer is full while bstap is stopped) still
# ends the session: the runtime also reads the kernel's session state.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cat >s.stp <<'STP'
global n
probe begin { println("started") }
probe timer.ms(1) {
	n++
	for (i = 0; i < 50; i++)
		printf("record\n")	/* 16-byte records, like exit()'s: a full buffer has no room left */
	if (n == 1500) exit()
}
probe end { printf("fired %d\n", n) }
STP
start_bg out err s.stp
wait_for out '^started$' 15
kill -STOP "$bg_pid"
sleep 2.5	# 1500 firings of 50 16-byte records overflow the 1 MiB buffer before exit() runs
kill -CONT "$bg_pid"
wait_exit 20
[ "$bg_rc" = 0 ] || { cat err; fail "exit status $bg_rc, expected 0"; }
expect_grep "end ran" out '^fired 1500$'
grep -qi 'lost' err || skip "the buffer did not overflow, so the exit record was not lost"
exit 0
