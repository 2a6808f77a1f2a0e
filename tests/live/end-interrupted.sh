# A second SIGINT, or a second SIGTERM, while an end probe loops in userspace: the end probe
# stops, what it printed so far is written, stderr says the end probes were interrupted, and
# bstap detaches (tests/run.sh checks) and exits 1 at once.
# TIMEOUT: 90
. "$LIVE_DIR/../lib.sh"
cat >s.stp <<'STP'
global x
probe begin { println("started") }
probe timer.ms(20) { x++ }
probe end {
	println("end started")
	warn("end looping")
	println("still buffered")	# written only when the probe's run ends
	for (i = 0; i < 100000000; i++)
		s = sprintf("%d %s", i, s)
	println("end finished")
}
STP
for sig in INT TERM; do
	rm -f out err
	start_bg out err -D MAXACTION=100000000 s.stp
	wait_for out '^started$' 20
	kill -$sig "$bg_pid"
	wait_for err 'end looping' 10
	kill -$sig "$bg_pid"
	wait_exit 3
	expect_eq "SIG$sig status" "$bg_rc" 1
	expect_file_eq "SIG$sig stdout" out 'started
end started
still buffered'
	expect_grep "SIG$sig message" err "^ERROR: end probes interrupted by SIG$sig"
done
exit 0
