# Provoke ring-buffer overflow: stop bstap (SIGSTOP) while a 1 ms timer writes 50 records per
# firing, so the buffer fills; after SIGCONT and Ctrl-C, stderr must report the lost records, and
# the number reported must be the number missing from the output.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
burst_script s.stp
start_bg out err s.stp
wait_for out '^started$' 15
kill -STOP "$bg_pid"
sleep 2
kill -CONT "$bg_pid"
sleep 0.5
kill -INT "$bg_pid"
wait_exit 10
[ "$bg_rc" = 0 ] || { cat err; fail "exit status $bg_rc after SIGINT, expected 0"; }
fired=$(sed -n 's/^fired \([0-9]*\)$/\1/p' out)
[ -n "$fired" ] || fail "no 'fired N' line"
got=$(grep -c '^record ' out)
want=$((fired * 50))
[ "$got" -lt "$want" ] || skip "no record was lost ($got of $want arrived): could not provoke an overflow"
grep -qi 'lost' err || { cat err; fail "$got of $want records arrived and stderr says nothing about lost records"; }
reported=$(grep -i 'lost' err | head -n 1 | grep -o '[0-9][0-9]*' | head -n 1)
echo "stderr: $(grep -i lost err | head -n 1); missing: $((want - got))"
[ "$reported" = $((want - got)) ] || fail "stderr reports '$reported' lost, but $((want - got)) records are missing"
exit 0
