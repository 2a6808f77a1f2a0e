# A second Ctrl-C exits at once, even while an end probe is still running, and leaves nothing
# attached (tests/run.sh checks bpftool after every test).
# TIMEOUT: 40
. "$LIVE_DIR/../lib.sh"
cat >s.stp <<'STP'
global x
probe begin { println("started") }
probe timer.ms(20) { x++ }
probe end {
	println("end started")
	for (i = 0; i < 2000000000; i++)
		x += i
	println("end finished")
}
STP
start_bg out err s.stp
wait_for out '^started$' 15
sleep 0.3
kill -INT "$bg_pid"
# the end probe's loop may also stop early at a MAXACTION-style limit; either way it must not hang
_i=0
while ! grep -q '^end started$' out && kill -0 "$bg_pid" 2>/dev/null && [ $_i -lt 50 ]; do
	sleep 0.1; _i=$((_i + 1))
done
kill -INT "$bg_pid" 2>/dev/null
wait_exit 3
expect_no_grep stdout out '^end finished$'
exit 0
