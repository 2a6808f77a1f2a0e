# A signal bstap was started with ignored stays ignored, for bstap and for its -c command:
# nohup's SIGHUP, and SIGINT (a background job of a script). SIGTERM still ends the session.
# TIMEOUT: 40
. "$LIVE_DIR/../lib.sh"
cat >s.stp <<'STP'
probe begin { println("started") }
probe timer.ms(20) { }
probe end { println("end ran") }
STP
# sh starts a background job with SIGINT ignored; trap '' HUP ignores SIGHUP as nohup does
(trap '' HUP INT; exec "$BSTAP" -c 'grep ^SigIgn: /proc/self/status; exec sleep 30' s.stp) \
	>out 2>err &
bg_pid=$!
wait_for out '^started$' 15
wait_for out '^SigIgn:' 5
kill -HUP "$bg_pid"
kill -INT "$bg_pid"
sleep 1
kill -0 "$bg_pid" 2>/dev/null || { cat err; fail "bstap ended on an ignored SIGHUP or SIGINT"; }
kill -TERM "$bg_pid"
wait_exit 5
expect_eq "status after SIGTERM" "$bg_rc" 0
expect_grep "end probes" out '^end ran$'
# the command's ignored set: SIGHUP (bit 0) and SIGINT (bit 1), not SIGPIPE (bit 12)
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' out)
[ $((0x$ign & 3)) = 3 ] || fail "the command does not ignore SIGHUP and SIGINT (SigIgn $ign)"
[ $((0x$ign & 0x1000)) = 0 ] || fail "the command ignores SIGPIPE (SigIgn $ign)"
exit 0
