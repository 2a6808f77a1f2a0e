# Ctrl-C (SIGINT): end probes run, unprinted globals are printed, status 0, nothing left attached.
# TIMEOUT: 30
. "$LIVE_DIR/../lib.sh"
cat >s.stp <<'STP'
global ticks, g
probe begin { g = 42; println("started") }
probe timer.ms(20) { ticks++ }
probe end { printf("end ran, ticked %s\n", ticks > 0 ? "yes" : "no") }
STP
start_bg out err s.stp
wait_for out '^started$' 15
sleep 0.5
kill -INT "$bg_pid"
wait_exit 5
[ "$bg_rc" = 0 ] || { cat err; fail "exit status $bg_rc after SIGINT, expected 0"; }
expect_file_eq stdout out 'started
end ran, ticked yes
g=42'
