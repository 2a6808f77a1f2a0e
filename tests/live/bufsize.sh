# -s MB sizes the output ring buffer, as stap's -s does: while bstap is stopped for 2 s, a 1 ms
# timer writing 50 records per firing fills the default 1 MB (lost-records-forced.sh shows that),
# but not 32 MB: every record arrives and nothing is reported lost. The size is checked in the
# kernel (bpftool) while the session runs; bad sizes are refused, in bstap-run too.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
RUN=${BSTAP%/bstap}/bstap-run
burst_script s.stp
start_bg out err -s 32 s.stp
wait_for out '^started$' 15
size=$(bpftool map list 2>/dev/null | awk '/ringbuf/ && /bstap_rb/ { getline; for (i = 1; i < NF; i++) if ($i == "max_entries") print $(i + 1) }' | tail -n 1)
kill -STOP "$bg_pid"
sleep 2
kill -CONT "$bg_pid"
sleep 0.3
kill -INT "$bg_pid"
wait_exit 10
[ "$bg_rc" = 0 ] || { cat err; fail "exit status $bg_rc"; }
[ -z "$size" ] || expect_eq "ring buffer size in the kernel" "$size" $((32 << 20))
fired=$(sed -n 's/^fired \([0-9]*\)$/\1/p' out)
got=$(grep -c '^record ' out)
[ -n "$fired" ] && [ "$fired" -gt 1000 ] || fail "the timer fired only '$fired' times"
expect_eq "records with -s 32" "$got" $((fired * 50))
expect_no_grep "nothing lost" err 'lost'

"$BSTAP" -s 0 -e 'probe begin { exit() }' >out 2>err && fail "-s 0 accepted"
expect_grep "-s 0" err "^bstap: error: -s takes a buffer size in megabytes from 1 to 2048, not '0'$"
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 s.stp) || fail "-p4 failed"
"$RUN" -s big "$obj" >out 2>err && fail "bstap-run -s big accepted"
expect_grep "bstap-run -s big" err "^bstap-run: error: -s takes a buffer size"
exit 0
