# Lost ring-buffer records are never silent: a 1 ms timer printing 50 records per firing for 2 s;
# either every record arrives, or stderr reports the loss.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
burst_script s.stp
"$BSTAP" -T 2 s.stp >out 2>err || { cat err; fail "bstap exited with status $?"; }
fired=$(sed -n 's/^fired \([0-9]*\)$/\1/p' out)
[ -n "$fired" ] || fail "no 'fired N' line"
got=$(grep -c '^record ' out)
want=$((fired * 50))
if [ "$got" -ne "$want" ]; then
	grep -qi 'lost' err || { cat err; fail "$got of $want records arrived and stderr says nothing about lost records"; }
	echo "lost records reported: $(grep -i lost err)"
fi
[ "$got" -le "$want" ] || fail "more records ($got) than the timer produced ($want)"
exit 0
